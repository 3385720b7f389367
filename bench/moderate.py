"""Benchmark: the moderation pipeline over 10,000 comments on one core (issue 7).

    .venv/bin/python bench/moderate.py                 # 10,000 comments
    .venv/bin/python bench/moderate.py --comments 2000 --no-json

Goal (issue 7): at least 500 comments/s on one core, and p99 under 20 ms a comment,
beside a baseline that only tokenises the same comments, measured in the same run.

The comments are those of the labelled evaluation set (tests/moderation/comments.jsonl,
English and Korean, 5 to 500 words), repeated to the count asked. Each repetition gets its
own author names, so the spam check's history grows as it would on a site (one author's
earlier comments), not without end. The pipeline is `Pipeline.default` with the 12
protected persons of the set as blind-index digests, as `irum moderate` will run it. One
process, one thread: the figure is for one core.

Until `irum moderate` exists this times the pipeline it will call; the command adds
reading and writing JSON lines, which the baseline here includes too.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(BENCH_DIR))

from run import OUT_DIR, log  # noqa: E402

GOAL_PER_SECOND = 500
GOAL_P99_MS = 20.0
_TOKEN = re.compile(r"\w+")


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "irum.settings")
    os.environ.setdefault("IRUM_SECRET_KEY", "bench-" + "x" * 50)
    os.environ.setdefault("IRUM_BLIND_INDEX_KEY", base64.b64encode(os.urandom(32)).decode())
    import django

    django.setup()


def comments(count: int) -> list[dict[str, Any]]:
    from irum.discussion.tests import evaluation

    rows = evaluation.comments()
    out = []
    for i in range(count):
        row = dict(rows[i % len(rows)])
        author = row.get("author")
        if author:
            round_ = i // len(rows)
            row["author"] = {**author, "username": f"{author['username']}-{round_}"}
        row["id"] = f"{row['id']}-{i}"
        out.append(row)
    return out


def run_pipeline(rows: list[dict[str, Any]]) -> list[float]:
    from irum.discussion.moderation.base import Comment, Context
    from irum.discussion.moderation.names import name_digests
    from irum.discussion.moderation.pipeline import Pipeline
    from irum.discussion.tests import evaluation
    from irum.vault.crypto import blind_index

    context = Context(
        reserved_names=("A. Reporter", "Irum demo desk"),
        protected_digests=name_digests(evaluation.protected_names(), blind_index),
    )
    pipeline = Pipeline.default()
    pipeline.moderate(Comment("warm", "warm up", None), context)
    times = []
    for row in rows:
        start = time.perf_counter()
        line = json.dumps(row, ensure_ascii=False)
        data = json.loads(line)
        author = evaluation.author_of(data)
        verdict = pipeline.moderate(Comment(data["id"], data["text"], author), context)
        if author is not None:
            context.history.setdefault(author.username, []).append(data["text"])
        json.dumps(verdict.as_dict(data["id"]), ensure_ascii=False)
        times.append(time.perf_counter() - start)
    return times


def run_baseline(rows: list[dict[str, Any]]) -> list[float]:
    """The same JSON reading and writing, and a tokeniser pass, and nothing else."""
    times = []
    for row in rows:
        start = time.perf_counter()
        data = json.loads(json.dumps(row, ensure_ascii=False))
        tokens = _TOKEN.findall(data["text"])
        json.dumps({"id": data["id"], "tokens": len(tokens)})
        times.append(time.perf_counter() - start)
    return times


def summary(name: str, times: list[float]) -> dict[str, Any]:
    ordered = sorted(times)
    total = sum(times)
    return {
        "what": name,
        "comments": len(times),
        "seconds": total,
        "per_second": len(times) / total,
        "p50_ms": statistics.median(ordered) * 1000,
        "p99_ms": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000,
        "max_ms": ordered[-1] * 1000,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--comments", type=int, default=10_000)
    parser.add_argument("--no-json", action="store_true")
    args = parser.parse_args(argv)
    _setup()
    rows = comments(args.comments)
    log(f"moderating {len(rows):,} comments on one core")
    baseline = summary("baseline: JSON in and out, tokenise only", run_baseline(rows))
    pipeline = summary("moderation pipeline (Pipeline.default)", run_pipeline(rows))
    pipeline["ratio"] = baseline["per_second"] / pipeline["per_second"]
    baseline["ratio"] = 1.0
    print()
    header = f"{'what':<42} | {'comments':>8} | {'per s':>9} | {'p50 ms':>7} | {'p99 ms':>7} | {'max ms':>7} | ratio"
    print(header)
    print("-" * len(header))
    for r in (pipeline, baseline):
        print(
            f"{r['what']:<42} | {r['comments']:>8,} | {r['per_second']:>9,.0f} | "
            f"{r['p50_ms']:>7.2f} | {r['p99_ms']:>7.2f} | {r['max_ms']:>7.2f} | {r['ratio']:.1f}×"
        )
    met_rate = pipeline["per_second"] >= GOAL_PER_SECOND
    met_p99 = pipeline["p99_ms"] < GOAL_P99_MS
    print(
        f"\nGoals: ≥ {GOAL_PER_SECOND} comments/s: {'yes' if met_rate else 'NO'}; "
        f"p99 < {GOAL_P99_MS:.0f} ms: {'yes' if met_p99 else 'NO'}"
    )
    if not args.no_json:
        OUT_DIR.mkdir(exist_ok=True)
        (OUT_DIR / "moderate.json").write_text(
            json.dumps({"pipeline": pipeline, "baseline": baseline}, indent=2) + "\n"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
