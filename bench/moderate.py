"""Benchmark: `irum moderate` over 10,000 comments on one core (issue 7).

    .venv/bin/python bench/moderate.py                 # 10,000 comments
    .venv/bin/python bench/moderate.py --comments 2000 --no-json

Goal (issue 7): at least 500 comments/s on one core, and p99 under 20 ms a comment,
beside a baseline that only tokenises the same comments, measured in the same run.

The archive is a throwaway SQLite database in a temp dir (throwaway keys), migrated, with
the evaluation set's 12 protected persons (tests/moderation/protected_persons.json, made
through irum.archive.services, so their names are blind-index digests in ProtectedName)
and the story authors "A. Reporter", "Irum demo desk" and "Irum 데모 데스크"
(irum.stories.services), so that the command finds the names it would on a real site.

The comments are those of the labelled evaluation set (tests/moderation/comments.jsonl,
English and Korean, 5 to 500 words), repeated to the count asked and written to a file as
JSON lines. Each repetition gets its own author usernames, so the spam check's history
grows as it would on a site (one author's earlier comments), not without end.

Three measurements, all on core 0:

- end to end: the real command as a subprocess, `taskset -c 0 irum moderate --dry-run
  < in.jsonl > out.jsonl`, timed by the wall clock, start-up included (Django set-up and
  the classifier's model load). This is the comments/s goal's figure. Its output must
  have one line per input line, in input order.
- per comment: in this process (pinned to core 0), the Run the command builds
  (`batch.run_for(dry_run=True)`), over the same file; each line that `Run.lines()`
  yields is timed from the one before (reading and parsing JSON, the checks, writing
  JSON, and the classifier's batch priming, which falls on the first line of every `batch.PRIME_EVERY`).
  The classifier's model is loaded before the timing starts (its load is shown apart), so
  these are steady figures. This is the p99 goal's figure. Its output must be the
  subprocess's, line for line.
- baseline: the same lines of the same file, JSON in, a regex tokenise (`\\w+`), JSON
  out, nothing else; timed per line in the same way.

Prints a table (ratio: the baseline's comments/s ÷ the row's), then, for the per-comment
run, the time of the lines that carry the classifier's priming and of Python's full
garbage collections (the usual cause of its maximum), and writes it all as JSON to
bench/out/moderate.json. Exits non-zero when a check fails (the command fails, output
lines missing or out of order, in-process output not the command's); missing a goal is
reported, not fatal.
"""

from __future__ import annotations

import argparse
import base64
import gc
import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(BENCH_DIR))

from run import OUT_DIR, log  # noqa: E402

GOAL_PER_SECOND = 500
GOAL_P99_MS = 20.0
CORE = 0
IRUM = REPO / ".venv" / "bin" / "irum"
_TOKEN = re.compile(r"\w+")
STORY_AUTHORS = (
    ("reporter", "A. Reporter"),
    ("desk", "Irum demo desk"),
    ("desk-ko", "Irum 데모 데스크"),
)


def environment(tmp: Path) -> dict[str, str]:
    """A throwaway archive and throwaway keys, for this process and the command alike."""
    return {
        "DJANGO_SETTINGS_MODULE": "irum.settings",
        "IRUM_DATABASE_URL": f"sqlite:///{tmp / 'moderate.sqlite3'}",
        "IRUM_DEBUG": "false",  # no query log
        "IRUM_SECRET_KEY": secrets.token_urlsafe(50),
        "IRUM_VAR_DIR": str(tmp / "var"),
        "IRUM_FIELD_KEYS": "bench:" + base64.b64encode(os.urandom(32)).decode(),
        "IRUM_BLIND_INDEX_KEY": base64.b64encode(os.urandom(32)).decode(),
    }


def build_archive() -> dict[str, int]:
    """Migrate; the evaluation set's protected persons and the story authors."""
    from django.core.management import call_command

    from irum.archive import services as archive_services
    from irum.archive.actors import system_actor
    from irum.archive.models import ProtectedName
    from irum.discussion.tests import evaluation
    from irum.stories import services as story_services
    from irum.stories.models import Author

    call_command("migrate", verbosity=0, interactive=False)
    actor = system_actor()
    people = json.loads(
        (evaluation.EVAL_DIR / "protected_persons.json").read_text(encoding="utf-8")
    )
    case = archive_services.case_create(actor=actor, ref="EVAL")
    for i, p in enumerate(people):
        archive_services.person_create(
            actor=actor,
            ref=f"EVAL-{i}",
            case=case,
            full_name=p["full_name"],
            full_name_ko=p["full_name_ko"],
            aliases="; ".join(p["aliases"]),
        )
    for slug, name in STORY_AUTHORS:
        story_services.author_save(actor=actor, author=Author(slug=slug, name=name))
    return {"persons": len(people), "protected_digests": ProtectedName.objects.count()}


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


def write_lines(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


# -- the measurements -----------------------------------------------------------------------


def run_command(env: dict[str, str], stdin: Path, stdout: Path) -> dict[str, Any]:
    """`taskset -c 0 irum moderate --dry-run < STDIN > STDOUT`, by the wall clock."""
    command = ["taskset", "-c", str(CORE), str(IRUM), "moderate", "--dry-run"]
    with stdin.open("rb") as fin, stdout.open("wb") as fout:
        start = time.perf_counter()
        done = subprocess.run(
            command,
            stdin=fin,
            stdout=fout,
            stderr=subprocess.PIPE,
            env={**os.environ, **env},
            cwd=REPO,
            check=False,
        )
        seconds = time.perf_counter() - start
    stderr = done.stderr.decode("utf-8", "replace")
    if done.returncode != 0:
        raise RuntimeError(f"`irum moderate` exited with {done.returncode}:\n{stderr[-3000:]}")
    try:
        summary_ = json.loads(stderr.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        summary_ = {"stderr": stderr[-3000:]}
    return {"seconds": seconds, "summary": summary_}


def timed_lines(lines: Iterator[str]) -> tuple[list[float], list[str]]:
    """The time from one yielded line to the next (the first from the start), and the
    lines. Only the work behind each yield is timed; keeping the line is not."""
    times: list[float] = []
    out: list[str] = []
    start = time.perf_counter()
    for line in lines:
        times.append(time.perf_counter() - start)
        out.append(line)
        start = time.perf_counter()
    return times, out


class FullCollections:
    """Python's full (generation 2) garbage collections while in use, and how long each
    took: with scikit-learn loaded there are many objects, and one such pause is the
    usual cause of a per-comment maximum far above the rest."""

    def __init__(self) -> None:
        self.ms: list[float] = []
        self._start = 0.0

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.ms.append((time.perf_counter() - self._start) * 1000)

    def __enter__(self) -> FullCollections:
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self._callback)


def run_in_process(path: Path) -> tuple[list[float], list[str], float, list[float]]:
    """The command's Run over PATH, per line; the classifier's model load, apart; and the
    full garbage collections during the timed lines (ms each)."""
    from irum.discussion import batch

    start = time.perf_counter()
    # As the command does: load the names and the classifier's model (run_for primes the
    # pipeline), then move the long-lived objects out of the garbage collector's way.
    run = batch.run_for(dry_run=True)
    model_load = time.perf_counter() - start
    gc.freeze()
    with path.open("rb") as fh, FullCollections() as collections:
        times, out = timed_lines(run.lines(fh))
    return times, out, model_load, collections.ms


def baseline_lines(source: Iterable[bytes]) -> Iterator[str]:
    """JSON in, a tokeniser pass, JSON out, and nothing else."""
    for raw in source:
        data = json.loads(raw)
        tokens = _TOKEN.findall(data["text"])
        yield json.dumps({"id": data["id"], "tokens": len(tokens)}, ensure_ascii=False)


def run_baseline(path: Path) -> list[float]:
    with path.open("rb") as fh:
        times, _ = timed_lines(baseline_lines(fh))
    return times


def batch_size() -> int:
    from irum.discussion import batch

    return batch.PRIME_EVERY


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


def check_output(
    name: str, got: list[str], rows: list[dict[str, Any]], failures: list[str]
) -> list[dict[str, Any]]:
    """One decision per input line, in input order, none an error."""
    decoded = [json.loads(line) for line in got]
    if len(decoded) != len(rows):
        failures.append(f"{name}: {len(decoded):,} output lines for {len(rows):,} input lines")
    ids = [d.get("id") for d in decoded]
    if ids != [r["id"] for r in rows][: len(ids)]:
        failures.append(f"{name}: the output is not in input order")
    errors = [d for d in decoded if "error" in d]
    if errors:
        failures.append(f"{name}: {len(errors)} lines answered with an error: {errors[0]}")
    return decoded


def print_table(rows: list[dict[str, Any]]) -> None:
    header = (
        f"{'what':<40} | {'comments':>8} | {'per s':>9} | {'p50 ms':>7} | {'p99 ms':>7} | "
        f"{'max ms':>7} | ratio"
    )
    print(header)
    print("-" * len(header))

    def cell(value: float | None, fmt: Callable[[float], str], width: int) -> str:
        return (fmt(value) if value is not None else "—").rjust(width)

    for r in rows:
        print(
            f"{r['what']:<40} | {r['comments']:>8,} | "
            f"{cell(r['per_second'], lambda v: f'{v:,.0f}', 9)} | "
            f"{cell(r.get('p50_ms'), lambda v: f'{v:.2f}', 7)} | "
            f"{cell(r.get('p99_ms'), lambda v: f'{v:.2f}', 7)} | "
            f"{cell(r.get('max_ms'), lambda v: f'{v:.2f}', 7)} | {r['ratio']:.1f}×"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--comments", type=int, default=10_000)
    parser.add_argument("--keep", action="store_true", help="keep the temp dir and print it")
    parser.add_argument("--no-json", action="store_true", help="do not write bench/out/*.json")
    args = parser.parse_args(argv)
    if args.comments < 1:
        parser.error("--comments must be at least 1")

    tmp = Path(tempfile.mkdtemp(prefix="irum-bench-moderate-"))
    failures: list[str] = []
    try:
        env = environment(tmp)
        os.environ.update(env)
        import django

        django.setup()
        from django.db import connection

        log(f"temp dir {tmp}")
        start = time.perf_counter()
        archive = build_archive()
        log(
            f"migrated; {archive['persons']} protected persons "
            f"({archive['protected_digests']} name digests) and {len(STORY_AUTHORS)} story "
            f"authors in {time.perf_counter() - start:.1f} s"
        )
        connection.close()  # the command opens the database on its own

        rows = comments(args.comments)
        source, output = tmp / "in.jsonl", tmp / "out.jsonl"
        write_lines(source, rows)
        size_mb = source.stat().st_size / 2**20
        log(f"{len(rows):,} comments in {source.name} ({size_mb:.1f} MB)")

        # End to end: the real command, start-up and model load included.
        log(f"end to end: taskset -c {CORE} irum moderate --dry-run")
        empty = tmp / "empty.jsonl"
        empty.touch()
        startup = run_command(env, empty, tmp / "empty-out.jsonl")["seconds"]
        command = run_command(env, source, output)
        command_lines = output.read_text(encoding="utf-8").splitlines()
        decisions = check_output("irum moderate", command_lines, rows, failures)
        end_to_end = {
            "what": "irum moderate (end to end, subprocess)",
            "comments": len(decisions),
            "seconds": command["seconds"],
            "per_second": len(decisions) / command["seconds"],
            "p50_ms": None,
            "p99_ms": None,
            "max_ms": None,
            "startup_seconds": startup,
            "summary": command["summary"],
        }
        log(
            f"took {command['seconds']:.2f} s (start-up with no input: {startup:.2f} s); "
            f"{command['summary']}"
        )

        # Per comment and baseline, in this process, on the same core.
        os.sched_setaffinity(0, {CORE})
        log(f"per comment: batch.run_for(dry_run=True), Run.lines(), on core {CORE}")
        times, in_process_lines, model_load, full_gc_ms = run_in_process(source)
        connection.close()
        log(f"classifier model loaded in {model_load:.2f} s (before the timing)")
        if in_process_lines != command_lines:
            differ = sum(a != b for a, b in zip(in_process_lines, command_lines, strict=False))
            failures.append(
                f"in-process output differs from the command's ({differ} lines differ, "
                f"{len(in_process_lines):,} vs {len(command_lines):,} lines)"
            )
        per_comment = summary("irum moderate (per comment, in process)", times)
        per_comment["model_load_seconds"] = model_load
        primed = sorted(times[:: batch_size()])
        per_comment["priming_lines"] = {
            "every": batch_size(),
            "count": len(primed),
            "p50_ms": statistics.median(primed) * 1000,
            "max_ms": primed[-1] * 1000,
        }
        per_comment["full_gc_ms"] = full_gc_ms
        log("baseline: JSON in and out, tokenise only")
        baseline = summary("baseline: JSON in/out + tokenise", run_baseline(source))

        table = [end_to_end, per_comment, baseline]
        for r in table:
            r["ratio"] = baseline["per_second"] / r["per_second"]

        print()
        print(
            f"irum moderate --dry-run: {len(rows):,} comments from the evaluation set "
            f"({size_mb:.1f} MB of JSON lines), one core (core {CORE}); "
            f"ratio = baseline per s ÷ row's per s"
        )
        print()
        print_table(table)
        print(
            f"\nend to end includes start-up: {startup:.2f} s with no input (Django set-up);"
            f" the classifier's model load took {model_load:.2f} s in process."
        )
        print(
            f"per comment: the first line of each {batch_size()} (the classifier's batch "
            f"priming, {len(primed)} lines) took {per_comment['priming_lines']['p50_ms']:.1f} "
            f"ms (median), {per_comment['priming_lines']['max_ms']:.1f} ms at most; "
            f"{len(full_gc_ms)} full garbage collection(s) in the timed lines"
            + (f", longest {max(full_gc_ms):.0f} ms." if full_gc_ms else ".")
        )
        counts = command["summary"].get("decisions", {})
        if counts:
            print("decisions: " + ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items())))
        met_rate = end_to_end["per_second"] >= GOAL_PER_SECOND
        met_p99 = per_comment["p99_ms"] < GOAL_P99_MS
        print(
            f"\nGoals: ≥ {GOAL_PER_SECOND} comments/s end to end: "
            f"{'yes' if met_rate else 'NO'} ({end_to_end['per_second']:,.0f}/s); "
            f"p99 < {GOAL_P99_MS:.0f} ms a comment: {'yes' if met_p99 else 'NO'} "
            f"({per_comment['p99_ms']:.2f} ms)"
        )
        if not args.no_json:
            OUT_DIR.mkdir(exist_ok=True)
            out = OUT_DIR / "moderate.json"
            out.write_text(
                json.dumps(
                    {
                        "comments": len(rows),
                        "core": CORE,
                        "end_to_end": end_to_end,
                        "per_comment": per_comment,
                        "baseline": baseline,
                        "goals": {
                            "per_second": GOAL_PER_SECOND,
                            "per_second_met": met_rate,
                            "p99_ms": GOAL_P99_MS,
                            "p99_met": met_p99,
                        },
                        "failures": failures,
                    },
                    indent=2,
                    ensure_ascii=False,
                )
                + "\n",
                encoding="utf-8",
            )
            log(f"wrote {out.relative_to(REPO)}")
    finally:
        if args.keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    for failure in failures:
        print(f"\nFAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
