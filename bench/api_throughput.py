"""Benchmark: API list throughput under gunicorn (issue 5, "Benchmark"; goal within 2×).

    .venv/bin/python bench/api_throughput.py                   # 10,000 persons, 3 × 10 s
    .venv/bin/python bench/api_throughput.py --seconds 3 --rounds 1 --persons 2000  # quick
    .venv/bin/python bench/api_throughput.py --clients 8 --keep

A throwaway SQLite database in a temp dir (set up as bench/run.py does) holds PERSONS
persons in cases of every confidentiality, some owned by the caller's partner, some by
another partner and shared or not, so that the visibility rule has work to do. Identity
fields are filled and encrypted as in production. The caller is a partner viewer with an
API token (`Authorization: Bearer ...`).

gunicorn serves it with 2 sync workers on 127.0.0.1, with Irum's settings plus one URL:
the bare baseline view of bench/bare_urls.py (settings bench/bench_settings.py). A load
generator in this process (CLIENTS threads, each with its own http.client connection,
reconnecting when a sync worker closes it) requests pages 1..PAGES of

- the API: GET /api/persons/?page_size=100&page=N
- the bare view: GET /bench/bare-persons/?page_size=100&page=N (same rows, same JSON, no
  DRF, see bench/bare_urls.py)
- (info) the bare view with the API's per-request token stamp (`touch=1`), and reading
  Person instances, every identity decrypted, as the API's queryset does (`models=1`)

for SECONDS each, in ROUNDS interleaved rounds after a warm-up, in a rotating order.
Before timing, the two answers are compared page by page: they must be the same rows.

Prints requests/s (median over rounds), p50 and p99 latency (all requests of all rounds)
and the ratio API/bare; writes the table as JSON to bench/out/. Exits non-zero when a
check fails (different rows, failed requests); missing the goal is reported, not fatal.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import random
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))

from run import OUT_DIR, log  # noqa: E402

GOAL = 2.0
WORKERS = 2
API = "/api/persons/"
BARE = "/bench/bare-persons/"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=10_000, help="persons (default 10000)")
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--pages", type=int, default=10, help="pages cycled through (default 10)")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients (default 4)")
    parser.add_argument("--seconds", type=float, default=10, help="per variant and round")
    parser.add_argument("--warmup", type=float, default=2, help="untimed, per variant")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (median)")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--keep", action="store_true", help="keep the temp dir and print it")
    parser.add_argument("--no-json", action="store_true", help="do not write bench/out/*.json")
    return parser.parse_args(argv)


# -- the database ---------------------------------------------------------------------------


def environment(tmp: Path) -> dict[str, str]:
    """The IRUM_* variables of the bench process and of gunicorn: one database, one set
    of keys. DEBUG is off (no query log), so a throwaway secret key is given."""
    return {
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "IRUM_DATABASE_URL": f"sqlite:///{tmp / 'api.sqlite3'}",
        "IRUM_DEBUG": "false",
        "IRUM_SECRET_KEY": secrets.token_urlsafe(50),
        "IRUM_VAR_DIR": str(tmp / "var"),
        "IRUM_FIELD_KEYS": "bench:" + base64.b64encode(os.urandom(32)).decode(),
        "IRUM_BLIND_INDEX_KEY": base64.b64encode(os.urandom(32)).decode(),
        "PYTHONPATH": os.pathsep.join([str(BENCH_DIR), str(REPO)]),
    }


def build(persons: int, seed: int) -> tuple[str, dict[str, int]]:
    """Cases and persons written in bulk (identities encrypted on the way in, as every
    write does), a viewer of partner A and her token. Cases: a third public, a third
    partners-only, a third restricted (half of those A's, a quarter B's shared with A,
    a quarter B's alone)."""
    from django.contrib.auth import get_user_model
    from vault_read import identities

    from irum.api.models import ApiToken
    from irum.archive.models import Case, Person
    from irum.archive.services import new_public_id
    from irum.gazetteer.models import Place, PlaceKind
    from irum.gazetteer.services import gazetteer_load
    from irum.partners.models import Membership, Organization
    from irum.vault.crypto import blind_index

    rng = random.Random(seed)
    gazetteer_load(actor=None)
    provinces = list(Place.objects.filter(kind=PlaceKind.PROVINCE))
    a = Organization.objects.create(slug="bench-a", name="Bench partner A")
    b = Organization.objects.create(slug="bench-b", name="Bench partner B")
    user = get_user_model().objects.create_user("bench-viewer", password=secrets.token_hex(16))
    Membership.objects.create(user=user, organization=a, role="viewer")
    _row, token = ApiToken.issue(user=user, name="api throughput benchmark")

    n_cases = (persons + 2) // 3
    kinds = [("public", None), ("partners", None), ("restricted", a), ("restricted", b)]
    cases = []
    for i in range(n_cases):
        confidentiality, owner = kinds[i % 3] if i % 3 < 2 else kinds[2 + (i // 3) % 2]
        cases.append(
            Case(
                ref=f"AT{i:06d}",
                public_id=new_public_id("C"),
                confidentiality=confidentiality,
                owner=owner or (a if i % 2 else b),
                title=f"bench case {i}",
            )
        )
    cases = Case.objects.bulk_create(cases, batch_size=2000)
    shared = [c for i, c in enumerate(cases) if c.owner_id == b.pk and i % 12 == 5]
    for case in shared:
        case.shared_with.add(a)
    values = identities(persons, seed)
    Person.objects.bulk_create(
        [
            Person(
                ref=f"AP{i:07d}",
                public_id=new_public_id("P"),
                case=cases[i // 3],
                position=i % 3,
                pseudonym=f"{v['full_name'].split()[0]} {chr(65 + i % 26)}.",
                full_name_index=blind_index(v["full_name"]),
                full_name_ko_index=blind_index(v["full_name_ko"]),
                sex=rng.choice(("male", "female", "unknown")),
                birth_year=rng.randint(1940, 2010) if rng.random() < 0.85 else None,
                home_province=rng.choice(provinces) if rng.random() < 0.7 else None,
                **v,
            )
            for i, v in enumerate(values)
        ],
        batch_size=2000,
    )
    from irum.partners import visibility

    counts = {
        "cases": n_cases,
        "persons": persons,
        "visible_persons": visibility.visible_persons(user).count(),
    }
    return token, counts


# -- the server -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(env: dict[str, str], port: int, tmp: Path) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [
        str(gunicorn),
        "irum.wsgi",
        "-w",
        str(WORKERS),
        "-b",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "--error-logfile",
        str(tmp / "gunicorn.log"),
    ]
    log(" ".join(command[1:]))
    return subprocess.Popen(command, cwd=REPO, env={**os.environ, **env}, start_new_session=True)


def stop_gunicorn(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def get(conn: http.client.HTTPConnection, url: str, headers: dict[str, str]) -> tuple[int, bytes]:
    conn.request("GET", url, headers=headers)
    response = conn.getresponse()
    return response.status, response.read()


def wait_ready(port: int, headers: dict[str, str], process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            status, _body = get(conn, f"{BARE}?page_size=1", headers)
            conn.close()
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within 60 s")


# -- the check ------------------------------------------------------------------------------


def same_rows(port: int, headers: dict[str, str], pages: int, size: int) -> list[str]:
    """The API and the bare view, page by page: the same count, rows and links."""
    problems = []
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for page in range(1, pages + 1):
        query = f"?page_size={size}&page={page}"
        answers = []
        for path in (API, BARE):
            status, body = get(conn, path + query, headers)
            if status != 200:
                problems.append(f"GET {path}{query}: {status}")
                break
            data = json.loads(body)
            for key in ("next", "previous"):
                if data[key]:
                    parts = urlsplit(data[key])
                    data[key] = f"{parts.query}"
            answers.append(data)
        if len(answers) == 2 and answers[0] != answers[1]:
            api, bare = answers
            diff = next(
                (
                    f"row {i}: "
                    + ", ".join(
                        f"{k}: {a.get(k, '(missing)')!r} vs {b.get(k, '(missing)')!r}"
                        for k in sorted(set(a) | set(b))
                        if a.get(k, "(missing)") != b.get(k, "(missing)")
                    )
                    for i, (a, b) in enumerate(zip(api["results"], bare["results"], strict=False))
                    if a != b
                ),
                f"count {api['count']} vs {bare['count']}, next {api['next']} vs "
                f"{bare['next']}, previous {api['previous']} vs {bare['previous']}",
            )
            problems.append(f"page {page}: the API and the bare view differ: {diff}")
            break  # one page shows what differs; the rest would say the same
    conn.close()
    return problems


# -- the load -------------------------------------------------------------------------------


@dataclass
class Load:
    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds


def load(
    port: int,
    path: str,
    extra: str,
    headers: dict[str, str],
    args: argparse.Namespace,
    seconds: float,
) -> Load:
    """CLIENTS threads, each sending requests one after another for SECONDS, cycling
    through the pages from its own starting page."""
    result = Load(seconds=seconds)
    lock = threading.Lock()
    start = threading.Barrier(args.clients + 1)

    def client(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine: list[float] = []
        errors: list[str] = []
        page = index % args.pages
        start.wait()
        stop = time.perf_counter() + seconds
        while True:
            url = f"{path}?page_size={args.page_size}&page={page + 1}{extra}"
            began = time.perf_counter()
            if began >= stop:
                break
            try:
                status, _body = get(conn, url, headers)
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                errors.append(f"{url}: {exc!r}")
                continue
            mine.append(time.perf_counter() - began)
            if status != 200:
                errors.append(f"{url}: {status}")
            page = (page + 1) % args.pages
        conn.close()
        with lock:
            result.latencies.extend(mine)
            result.errors.extend(errors)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
    for thread in threads:
        thread.start()
    start.wait()
    for thread in threads:
        thread.join()
    return result


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# -- output ---------------------------------------------------------------------------------


def print_table(rows: list[dict[str, Any]]) -> None:
    headers = ["what", "req/s", "p50 ms", "p99 ms", "ratio vs bare", "goal", "met?"]
    cells = [
        [
            r["what"],
            f"{r['rps']:,.1f}",
            f"{r['p50_ms']:.1f}",
            f"{r['p99_ms']:.1f}",
            "—" if r.get("ratio") is None else f"{r['ratio']:.2f}×",
            r.get("goal") or "—",
            {True: "yes", False: "NO", None: "—"}[r.get("met")],
        ]
        for r in rows
    ]
    widths = [max(len(str(c)) for c in col) for col in zip(headers, *cells, strict=True)]
    print(" | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    print("-+-".join("-" * w for w in widths))
    for row in cells:
        print(
            " | ".join(
                str(c).ljust(w) if i in (0, 5, 6) else str(c).rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="irum-bench-api-"))
    failures: list[str] = []
    server: subprocess.Popen | None = None
    try:
        env = environment(tmp)
        os.environ.update(env)
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        log(f"temp dir {tmp}")
        started = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        token, counts = build(args.persons, args.seed)
        connections.close_all()
        log(
            f"built {counts['persons']:,} persons in {counts['cases']:,} cases "
            f"({counts['visible_persons']:,} visible to the caller) in "
            f"{time.perf_counter() - started:.1f} s"
        )
        pages = min(args.pages, max(1, -(-counts["visible_persons"] // args.page_size)))
        args.pages = pages
        headers = {"Authorization": f"Bearer {token}", "Host": "127.0.0.1"}

        port = free_port()
        server = start_gunicorn(env, port, tmp)
        wait_ready(port, headers, server)
        failures += same_rows(port, headers, pages, args.page_size)
        if failures:
            raise RuntimeError("; ".join(failures))
        log(f"the API and the bare view give the same rows on pages 1..{pages}")

        variants = {
            "api": (API, ""),
            "bare": (BARE, ""),
            "bare+touch": (BARE, "&touch=1"),
            "bare+models": (BARE, "&models=1"),
        }
        for path, extra in variants.values():
            load(port, path, extra, headers, args, args.warmup)
        runs: dict[str, list[Load]] = {name: [] for name in variants}
        names = list(variants)
        for i in range(args.rounds):
            for name in names[i % len(names) :] + names[: i % len(names)]:
                path, extra = variants[name]
                result = load(port, path, extra, headers, args, args.seconds)
                runs[name].append(result)
                log(
                    f"round {i + 1}: {name}: {result.rate:,.1f} req/s"
                    + (f", {len(result.errors)} errors" if result.errors else "")
                )
                failures += result.errors[:5]

        summary = {}
        for name, results in runs.items():
            latencies = [x for r in results for x in r.latencies]
            summary[name] = {
                "rps": statistics.median(r.rate for r in results),
                "p50_ms": percentile(latencies, 0.50) * 1000,
                "p99_ms": percentile(latencies, 0.99) * 1000,
                "requests": len(latencies),
                "rounds_rps": [r.rate for r in results],
            }
        api, bare = summary["api"], summary["bare"]
        ratio = bare["rps"] / api["rps"]
        p99_ratio = api["p99_ms"] / bare["p99_ms"]
        rows = [
            {
                "what": f"API GET {API}?page_size={args.page_size} (DRF, token)",
                **api,
                "ratio": ratio,
                "goal": f"≤ {GOAL:g}×",
                "met": ratio <= GOAL,
            },
            {
                "what": "  its p99 latency vs the bare view's",
                **api,
                "ratio": p99_ratio,
                "goal": f"≤ {GOAL:g}×",
                "met": p99_ratio <= GOAL,
            },
            {"what": f"bare Django view {BARE} (baseline)", **bare, "ratio": 1.0},
            {
                "what": "  (info) bare view + the token's last_used_at write",
                **summary["bare+touch"],
                "ratio": bare["rps"] / summary["bare+touch"]["rps"],
            },
            {
                "what": "  (info) bare view reading Person instances (identities decrypted)",
                **summary["bare+models"],
                "ratio": bare["rps"] / summary["bare+models"]["rps"],
            },
        ]
        print()
        print(
            f"Irum API throughput: {counts['persons']:,} persons "
            f"({counts['visible_persons']:,} visible to a partner viewer's token), pages "
            f"1..{pages} of {args.page_size}; gunicorn {WORKERS} sync workers on loopback; "
            f"{args.clients} clients; {args.rounds} × {args.seconds:g} s per variant, "
            "interleaved; SQLite"
        )
        print(
            "req/s: median over rounds; p50/p99: all requests; ratio: bare req/s ÷ this "
            "req/s (for the p99 row, this p99 ÷ bare p99)."
        )
        print()
        print_table(rows)
        if not args.no_json:
            OUT_DIR.mkdir(exist_ok=True)
            out = OUT_DIR / f"api-throughput-{args.persons}.json"
            out.write_text(
                json.dumps(
                    {
                        "persons": args.persons,
                        "counts": counts,
                        "page_size": args.page_size,
                        "pages": pages,
                        "clients": args.clients,
                        "seconds": args.seconds,
                        "rounds": args.rounds,
                        "workers": WORKERS,
                        "rows": rows,
                        "summary": summary,
                        "failures": failures,
                    },
                    indent=2,
                    ensure_ascii=False,
                )
                + "\n",
                encoding="utf-8",
            )
            log(f"wrote {out.relative_to(REPO)}")
    except RuntimeError as exc:
        failures.append(str(exc))
    finally:
        if server is not None:
            stop_gunicorn(server)
        if args.keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    for failure in dict.fromkeys(failures):
        print(f"\nFAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
