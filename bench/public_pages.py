"""Benchmark: public story and case pages under gunicorn, beside a static file (issue 6).

    .venv/bin/python bench/public_pages.py                       # 50 clients, 3 × 10 s a target
    .venv/bin/python bench/public_pages.py --seconds 3 --rounds 1   # a quick run
    .venv/bin/python bench/public_pages.py --clients 20 --procs 2 --keep

Goal (issue 6): under 50 concurrent clients, each page's p99 latency under 50 ms, and its
throughput at least a quarter of that of a static file of the same size served by the
same server in the same run.

The database is built in a child process, as bench/export_stream.py does (throwaway keys,
a throwaway SQLite file in a temp dir): migrate, the gazetteer, the synthetic demo
archive (`irum demo-data`: 66 cases, about a fifth of them public) and its four
published stories with photos and related public cases (`irum demo-stories`), then more
published stories through irum.stories.services (STORIES in all, default 20), so that a
story page's "more stories" and the case pages' story lists have something to show.

gunicorn serves it with 2 sync workers on 127.0.0.1, DEBUG off, Irum's settings and its
file-based page cache (irum.lib.pagecache, IRUM_CACHE_DIR under the temp dir), through a
bench-only WSGI wrapper (`wsgi_app()` below): /static-baseline/<name> is a file on disk,
sent as a static file server would (wsgi.file_wrapper, so sendfile), everything else goes
to Django. The static file is the English story page itself, as rendered: the same bytes,
so the same size. Same server, same workers, same size.

Sync workers answer one request at a time and close the connection after each one (no
keep-alive), so every request, to a page or to the static file, opens a connection.

Before the load, for a few story and case pages in both languages (cold/warm table):
the first request of each (a cache miss: it renders, and the first in a worker also
warms the worker), the median of COLD renders with a fresh query string (`?render=N`,
a new cache key: the view renders again, in a warm worker), and the median of 20
requests served from the cache, one at a time (no load); the static file's 20 too.

Then the load: CLIENTS clients (threads, split over PROCS load-generator processes so
that the generator is not held to one core by the GIL when PROCS > 1), each requesting
its target again and again for SECONDS, in ROUNDS interleaved rounds after an untimed
warm-up, in a rotating order. Targets: /en/stories/<slug>/, /ko/stories/<slug>/,
/en/cases/<public_id>/ and the static file. Every answer must be 200 and of the size
the page had when it was warmed; anything else is counted as an error. On this machine
the load generator and the server share the same cores: the table shows the CPU each
used (in cores, averaged over the timed runs) and what the rest of the machine used.

Prints requests/s (median over rounds), p50 and p99 latency (all requests of all
rounds), page throughput ÷ static throughput and whether the goals are met, and writes
it all as JSON to bench/out/public_pages.json. Exits non-zero when a check fails (an
error answer, a wrong size); missing a goal is reported, not fatal.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import io
import json
import multiprocessing
import os
import re
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
from array import array
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))

from run import OUT_DIR, log  # noqa: E402

P99_GOAL_MS = 50.0
RATIO_GOAL = 0.25  # page req/s ÷ static req/s, at least
WORKERS = 2
STATIC_PREFIX = "/static-baseline/"
STATIC_DIR_ENV = "IRUM_BENCH_STATIC_DIR"
STATIC_NAME = "story-page.html"
SAFE_NAME = re.compile(r"[a-z0-9][a-z0-9._-]*")
HEADERS = {"Host": "127.0.0.1", "Accept-Language": "en"}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (default 50)")
    parser.add_argument(
        "--procs",
        type=int,
        default=2,
        help="load-generator processes the clients are split over (default 2)",
    )
    parser.add_argument("--seconds", type=float, default=10, help="per target and round")
    parser.add_argument("--warmup", type=float, default=2, help="untimed, per target")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (median)")
    parser.add_argument("--stories", type=int, default=20, help="published stories (default 20)")
    parser.add_argument("--cold", type=int, default=5, help="uncached renders a page (median)")
    parser.add_argument(
        "--worker-class", default="sync", choices=("sync", "gthread"), help="gunicorn's (sync)"
    )
    parser.add_argument("--threads", type=int, default=1, help="per worker, for gthread")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir and print it")
    parser.add_argument("--no-json", action="store_true", help="do not write bench/out/*.json")
    # Internal: what the child process does.
    parser.add_argument("--child", choices=("build",), help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


# -- the WSGI wrapper gunicorn serves: the static baseline, else Django --------------------


def wsgi_app():
    """gunicorn "public_pages:wsgi_app()": Irum's WSGI application, with
    /static-baseline/<name> served from the directory in IRUM_BENCH_STATIC_DIR, as a
    static file server does it (open, fstat, wsgi.file_wrapper: sendfile)."""
    from django.core.wsgi import get_wsgi_application

    django_app = get_wsgi_application()
    directory = Path(os.environ[STATIC_DIR_ENV])

    def not_found(start_response):
        start_response("404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", "9")])
        return [b"not found"]

    def application(environ, start_response):
        path = environ.get("PATH_INFO", "")
        if not path.startswith(STATIC_PREFIX):
            return django_app(environ, start_response)
        name = path[len(STATIC_PREFIX) :]
        if not SAFE_NAME.fullmatch(name):
            return not_found(start_response)
        try:
            fh = open(directory / name, "rb")  # closed by the server, after sending it
        except OSError:
            return not_found(start_response)
        size = os.fstat(fh.fileno()).st_size
        start_response(
            "200 OK",
            [
                ("Content-Type", "text/html; charset=utf-8"),
                ("Content-Length", str(size)),
                ("Cache-Control", "max-age=60, public"),
            ],
        )
        wrapper = environ.get("wsgi.file_wrapper")
        if wrapper is not None:
            return wrapper(fh, 65536)
        data = fh.read()
        fh.close()
        return [data]

    return application


# -- the database (in a child process) ------------------------------------------------------


def environment(db: Path, keys: dict[str, str]) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "irum.settings",
        "IRUM_DATABASE_URL": f"sqlite:///{db}",
        "IRUM_DEBUG": "false",  # no query log, no debug pages
        "IRUM_SECRET_KEY": keys["secret"],
        "IRUM_VAR_DIR": str(db.parent / "var"),
        "IRUM_CACHE_DIR": str(db.parent / "var" / "cache"),
        "IRUM_FIELD_KEYS": keys["field"],
        "IRUM_BLIND_INDEX_KEY": keys["blind"],
        "PYTHONPATH": os.pathsep.join([str(BENCH_DIR), str(REPO)]),
    }


def throwaway_keys() -> dict[str, str]:
    return {
        "secret": secrets.token_urlsafe(50),
        "field": "bench:" + base64.b64encode(os.urandom(32)).decode(),
        "blind": base64.b64encode(os.urandom(32)).decode(),
    }


def do_build(stories: int) -> dict[str, Any]:
    """Migrate, load the gazetteer, the demo archive and its stories, then more published
    stories (copies of the demo's, with photos of their own and related public cases);
    return the counts and the pages to request."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import Count, Q

    from irum.archive.actors import command_actor
    from irum.archive.models import Event, Person
    from irum.partners import visibility
    from irum.stories import demo, services
    from irum.stories.models import Author, Story, StoryStatus

    timings = {}
    start = time.perf_counter()
    quiet = io.StringIO()
    call_command("migrate", verbosity=0, interactive=False)
    timings["migrate"] = time.perf_counter() - start
    begin = time.perf_counter()
    call_command("load-gazetteer", stdout=quiet)
    call_command("demo-data", stdout=quiet)
    call_command("demo-stories", stdout=quiet)
    timings["demo"] = time.perf_counter() - begin

    begin = time.perf_counter()
    actor = command_actor(None)
    author = Author.objects.get(slug="irum-demo-desk")
    kinds = ("transfer", "arrest", "detention", "interrogation", "trial", "sentence", "release")
    filters = [Q(kind=kind) for kind in kinds]
    filters += [s.cases for s in demo.STORIES]
    extra = max(0, stories - Story.objects.count())
    for n in range(extra):
        model = demo.STORIES[n % len(demo.STORIES)]
        cases, places = demo._related(filters[n % len(filters)])
        services.story_create(
            actor=actor,
            slug=f"bench-{n + 1:02d}-{model.slug}",
            status="published",
            author=author,
            headline=f"{model.headline} ({n + 1})",
            headline_ko=f"{model.headline_ko} ({n + 1})",
            dek=model.dek,
            dek_ko=model.dek_ko,
            body=f"{demo.SYNTHETIC}\n\n{model.body}",
            body_ko=f"{demo.SYNTHETIC_KO}\n\n{model.body_ko}",
            photo=demo._photo(100 + n, model.palette),
            photo_alt=model.photo_alt,
            photo_alt_ko=model.photo_alt_ko,
            photo_caption=model.caption,
            photo_caption_ko=model.caption_ko,
            photo_credit="(Irum benchmark/generated)",
            related_cases=cases,
            related_places=places,
        )
    timings["stories"] = time.perf_counter() - begin

    public = visibility.public_cases()
    published = Story.objects.filter(status=StoryStatus.PUBLISHED)
    # The demo stories with the most related cases first (case cards on the page), and
    # the public cases with the most events first (the longest custody chains and routes).
    demo_slugs = [s.slug for s in demo.STORIES]
    ranked_stories = list(
        published.filter(slug__in=demo_slugs)
        .annotate(n=Count("related_cases", distinct=True))
        .order_by("-n", "slug")
        .values_list("slug", "n")
    )
    ranked_cases = list(
        public.annotate(n=Count("persons__events", distinct=True))
        .order_by("-n", "public_id")
        .values_list("public_id", "n")
    )
    from django.db import connections

    connections.close_all()
    return {
        "timings": timings,
        "counts": {
            "cases": public.model.objects.count(),
            "public_cases": public.count(),
            "persons_in_public_cases": Person.objects.filter(case__in=public).count(),
            "events_in_public_cases": Event.objects.filter(person__case__in=public).count(),
            "published_stories": published.count(),
        },
        "stories": [{"slug": s, "related_cases": n} for s, n in ranked_stories],
        "cases": [{"public_id": c, "events": n} for c, n in ranked_cases],
    }


def build(db: Path, keys: dict[str, str], stories: int) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", "build", "--db", str(db)]
    command += ["--stories", str(stories)]
    done = subprocess.run(
        command,
        env={**os.environ, **environment(db, keys)},
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"building the database failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- the server -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(
    env: dict[str, str], port: int, tmp: Path, args: argparse.Namespace
) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [
        str(gunicorn),
        "public_pages:wsgi_app()",
        "-w",
        str(WORKERS),
        "-k",
        args.worker_class,
        *(["--threads", str(args.threads)] if args.worker_class == "gthread" else []),
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
            # The session of its own (start_new_session) holds the master and its workers.
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def get(conn: http.client.HTTPConnection, url: str) -> tuple[int, bytes]:
    conn.request("GET", url, headers=HEADERS)
    response = conn.getresponse()
    return response.status, response.read()


def timed_get(url: str, port: int) -> tuple[int, bytes, float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        began = time.perf_counter()
        status, body = get(conn, url)
        return status, body, time.perf_counter() - began
    finally:
        conn.close()


def wait_ready(port: int, process: subprocess.Popen) -> None:
    """Until both workers answer (each has loaded Django before it accepts)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            status, _body, _t = timed_get(f"{STATIC_PREFIX}ready", port)
            if status == 404 and len(workers(process.pid)) == WORKERS:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within 60 s")


def workers(master: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                found.append(int(entry))
    return found


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of PIDS so far, in seconds."""
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy (all cores), from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle, iowait
    guest = sum(values[8:10]) if len(values) > 9 else 0  # counted in user already
    return (sum(values) - idle - guest) / os.sysconf("SC_CLK_TCK")


# -- cold and warm, one request at a time ----------------------------------------------------


def served_from_cache(url: str, port: int, size: int, n: int = 20) -> float:
    """The median of N requests of URL, one at a time, each checked (200, SIZE bytes)."""
    times = []
    for _n in range(n):
        status, body, seconds = timed_get(url, port)
        if status != 200 or len(body) != size:
            raise RuntimeError(f"GET {url}: {status}, {len(body)} bytes (expected {size})")
        times.append(seconds)
    return statistics.median(times)


def cold_and_warm(port: int, pages: list[str], renders: int) -> list[dict[str, Any]]:
    """For each page: its first request (renders; the first in a worker also warms it),
    RENDERS renders under a fresh query string, and 20 requests served from the cache."""
    rows = []
    for url in pages:
        status, body, first = timed_get(url, port)
        if status != 200:
            raise RuntimeError(f"GET {url}: {status}")
        rows.append({"url": url, "bytes": len(body), "first_ms": first * 1000})
    for row in rows:
        uncached = []
        for n in range(renders):
            status, _body, seconds = timed_get(f"{row['url']}?render={n}", port)
            if status != 200:
                raise RuntimeError(f"GET {row['url']}?render={n}: {status}")
            uncached.append(seconds)
        row["uncached_ms"] = statistics.median(uncached) * 1000 if uncached else None
        row["cached_ms"] = served_from_cache(row["url"], port, row["bytes"]) * 1000
    return rows


# -- the load -------------------------------------------------------------------------------


@dataclass
class Load:
    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    error_count: int = 0
    client_cpu: float = 0.0
    server_cpu: float = 0.0
    server_cpu_seconds: float = 0.0
    machine_cpu: float = 0.0

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds


def _generator(
    port: int, url: str, size: int, clients: int, start_at: float, seconds: float, out
) -> None:
    """One load-generator process: CLIENTS threads from START_AT (time.time()) for SECONDS,
    each sending its requests one after another on its own connection (reopened when the
    server closes it, i.e. after every answer of a sync worker)."""
    latencies = array("d")
    errors: list[str] = []
    counts = [0]
    lock = threading.Lock()
    before = os.times()

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine = array("d")
        wrong: list[str] = []
        n_wrong = 0
        time.sleep(max(0.0, start_at - time.time()))
        stop = time.perf_counter() + seconds
        while True:
            began = time.perf_counter()
            if began >= stop:
                break
            try:
                status, body = get(conn, url)
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                n_wrong += 1
                if len(wrong) < 5:
                    wrong.append(f"{url}: {exc!r}")
                continue
            mine.append(time.perf_counter() - began)
            if status != 200 or len(body) != size:
                n_wrong += 1
                if len(wrong) < 5:
                    wrong.append(f"{url}: {status}, {len(body)} bytes (expected {size})")
        conn.close()
        with lock:
            latencies.extend(mine)
            errors.extend(wrong)
            counts[0] += n_wrong

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    after = os.times()
    cpu = (after.user - before.user) + (after.system - before.system)
    out.send((latencies.tobytes(), errors[:10], counts[0], cpu))
    out.close()


def load(
    port: int, url: str, size: int, args: argparse.Namespace, seconds: float, server: list[int]
) -> Load:
    """CLIENTS clients split over PROCS processes, all starting together."""
    context = multiprocessing.get_context("fork")
    procs = max(1, min(args.procs, args.clients))
    shares = [args.clients // procs + (1 if i < args.clients % procs else 0) for i in range(procs)]
    start_at = time.time() + 0.3 + 0.05 * procs
    pipes, children = [], []
    for share in shares:
        receive, send = context.Pipe(duplex=False)
        child = context.Process(
            target=_generator, args=(port, url, size, share, start_at, seconds, send)
        )
        child.start()
        send.close()
        pipes.append(receive)
        children.append(child)
    time.sleep(max(0.0, start_at - time.time()))
    server_before, machine_before = cpu_seconds(server), machine_busy_seconds()
    result = Load(seconds=seconds)
    for receive in pipes:
        raw, errors, n_errors, cpu = receive.recv()
        values = array("d")
        values.frombytes(raw)
        result.latencies.extend(values)
        result.errors.extend(errors)
        result.error_count += n_errors
        result.client_cpu += cpu
    server_after, machine_after = cpu_seconds(server), machine_busy_seconds()
    for child in children:
        child.join()
    # CPU in cores over the run (the generators' own includes starting their threads).
    result.server_cpu_seconds = server_after - server_before
    result.server_cpu = result.server_cpu_seconds / seconds
    result.client_cpu /= seconds
    result.machine_cpu = (machine_after - machine_before) / seconds
    return result


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# -- output ---------------------------------------------------------------------------------


def print_table(headers: list[str], cells: list[list[str]], left: tuple[int, ...]) -> None:
    widths = [max(len(str(c)) for c in col) for col in zip(headers, *cells, strict=True)]
    print(" | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    print("-+-".join("-" * w for w in widths))
    for row in cells:
        print(
            " | ".join(
                str(c).ljust(w) if i in left else str(c).rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )


def yes_no(value: bool | None) -> str:
    return {True: "yes", False: "NO", None: "—"}[value]


def print_load_table(rows: list[dict[str, Any]]) -> None:
    headers = [
        "what",
        "bytes",
        "req/s",
        "p50 ms",
        "p99 ms",
        "÷ static",
        f"≥ {RATIO_GOAL:g}×?",
        f"p99 < {P99_GOAL_MS:g}?",
        "errors",
        "CPU srv/cli/rest",
        "srv CPU ms/req",
    ]
    cells = [
        [
            r["what"],
            f"{r['bytes']:,}",
            f"{r['rps']:,.1f}",
            f"{r['p50_ms']:.1f}",
            f"{r['p99_ms']:.1f}",
            "—" if r.get("ratio") is None else f"{r['ratio']:.2f}×",
            yes_no(r.get("ratio_met")),
            yes_no(r.get("p99_met")),
            f"{r['errors']:,}",
            f"{r['server_cpu']:.2f}/{r['client_cpu']:.2f}/{r['other_cpu']:.2f}",
            f"{r['server_cpu_ms_per_request']:.2f}",
        ]
        for r in rows
    ]
    print_table(headers, cells, left=(0, 6, 7))


def print_cold_table(rows: list[dict[str, Any]]) -> None:
    headers = ["page (one request at a time)", "bytes", "first hit ms", "uncached ms", "cached ms"]
    cells = [
        [
            r["url"],
            f"{r['bytes']:,}",
            "—" if r["first_ms"] is None else f"{r['first_ms']:.1f}",
            "—" if r["uncached_ms"] is None else f"{r['uncached_ms']:.1f}",
            f"{r['cached_ms']:.1f}",
        ]
        for r in rows
    ]
    print_table(headers, cells, left=(0,))


# -- the run --------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child == "build":
        print(json.dumps(do_build(args.stories)))
        return 0

    tmp = Path(tempfile.mkdtemp(prefix="irum-bench-public-"))
    failures: list[str] = []
    server: subprocess.Popen | None = None
    try:
        log(f"temp dir {tmp}")
        db = tmp / "public.sqlite3"
        keys = throwaway_keys()
        env = environment(db, keys)
        static_dir = tmp / "static"
        static_dir.mkdir()
        env[STATIC_DIR_ENV] = str(static_dir)
        started = time.perf_counter()
        built = build(db, keys, args.stories)
        counts = built["counts"]
        log(
            f"built in {time.perf_counter() - started:.1f} s: {counts['published_stories']} "
            f"published stories, {counts['public_cases']} public cases of {counts['cases']} "
            f"({counts['persons_in_public_cases']} persons, "
            f"{counts['events_in_public_cases']} events)"
        )
        story = built["stories"][0]["slug"]
        case = built["cases"][0]["public_id"]
        cold_pages = []
        for language in ("en", "ko"):
            for s in built["stories"][:3]:
                cold_pages.append(f"/{language}/stories/{s['slug']}/")
            for c in built["cases"][:3]:
                cold_pages.append(f"/{language}/cases/{c['public_id']}/")

        port = free_port()
        server = start_gunicorn(env, port, tmp, args)
        wait_ready(port, server)
        pids = workers(server.pid)
        cold = cold_and_warm(port, cold_pages, args.cold)
        size_of = {r["url"]: r["bytes"] for r in cold}

        # The static baseline: the English story page's own bytes, as a file.
        page_url = f"/en/stories/{story}/"
        _status, page_body, _t = timed_get(page_url, port)
        (static_dir / STATIC_NAME).write_bytes(page_body)
        static_url = f"{STATIC_PREFIX}{STATIC_NAME}"
        status, body, _t = timed_get(static_url, port)
        if status != 200 or body != page_body:
            raise RuntimeError(f"GET {static_url}: {status}, not the story page's bytes")
        log(f"static baseline: {static_url}, {len(body):,} bytes (= {page_url})")
        cold.append(
            {
                "url": static_url,
                "bytes": len(body),
                "first_ms": None,
                "uncached_ms": None,
                "cached_ms": served_from_cache(static_url, port, len(body)) * 1000,
            }
        )

        targets = {
            "story-en": (page_url, f"story page, English: {page_url}"),
            "story-ko": (f"/ko/stories/{story}/", f"story page, Korean: /ko/stories/{story}/"),
            "case-en": (f"/en/cases/{case}/", f"case page, English: /en/cases/{case}/"),
            "static": (static_url, f"static file, same size: {static_url}"),
        }
        size_of[static_url] = len(body)
        for url, _what in targets.values():
            load(port, url, size_of[url], args, args.warmup, pids)
        runs: dict[str, list[Load]] = {name: [] for name in targets}
        names = list(targets)
        for i in range(args.rounds):
            for name in names[i % len(names) :] + names[: i % len(names)]:
                url, _what = targets[name]
                result = load(port, url, size_of[url], args, args.seconds, pids)
                runs[name].append(result)
                log(
                    f"round {i + 1}: {name}: {result.rate:,.1f} req/s, CPU server "
                    f"{result.server_cpu:.2f} client {result.client_cpu:.2f} machine "
                    f"{result.machine_cpu:.2f} cores"
                    + (f", {result.error_count} errors" if result.error_count else "")
                )
                failures += result.errors[:5]
        if server.poll() is not None:
            failures.append(f"gunicorn exited with {server.returncode} during the load")

        summary = {}
        for name, results in runs.items():
            url, what = targets[name]
            latencies = [x for r in results for x in r.latencies]
            server_cpu = statistics.mean(r.server_cpu for r in results)
            client_cpu = statistics.mean(r.client_cpu for r in results)
            machine_cpu = statistics.mean(r.machine_cpu for r in results)
            summary[name] = {
                "what": what,
                "url": url,
                "bytes": size_of[url],
                "rps": statistics.median(r.rate for r in results),
                "p50_ms": percentile(latencies, 0.50) * 1000,
                "p90_ms": percentile(latencies, 0.90) * 1000,
                "p99_ms": percentile(latencies, 0.99) * 1000,
                "max_ms": max(latencies) * 1000,
                "requests": len(latencies),
                "errors": sum(r.error_count for r in results),
                "rounds_rps": [r.rate for r in results],
                "server_cpu": server_cpu,
                "server_cpu_ms_per_request": 1000
                * sum(r.server_cpu_seconds for r in results)
                / max(1, len(latencies)),
                "client_cpu": client_cpu,
                "other_cpu": max(0.0, machine_cpu - server_cpu - client_cpu),
            }
        static = summary["static"]
        rows = []
        for name in ("story-en", "story-ko", "case-en"):
            row = dict(summary[name])
            row["ratio"] = row["rps"] / static["rps"]
            row["ratio_met"] = row["ratio"] >= RATIO_GOAL
            row["p99_met"] = row["p99_ms"] < P99_GOAL_MS
            rows.append(row)
        rows.append({**static, "ratio": 1.0, "p99_met": static["p99_ms"] < P99_GOAL_MS})

        print()
        print(
            f"Irum public pages: {counts['published_stories']} published stories, "
            f"{counts['public_cases']} public cases ({counts['persons_in_public_cases']} "
            f"persons) of the demo archive; gunicorn {WORKERS} {args.worker_class} workers"
            + (f" × {args.threads} threads" if args.worker_class == "gthread" else "")
            + f" on loopback, DEBUG off, file page cache; {args.clients} clients in "
            f"{max(1, min(args.procs, args.clients))} load-generator process(es) on the same "
            f"{os.cpu_count()} cores; {args.rounds} × {args.seconds:g} s per target, "
            "interleaved; SQLite"
        )
        print()
        print("Cold and warm, one request at a time (first hit: the first request of the URL,")
        print(
            f"it renders; uncached: median of {args.cold} renders under a fresh query string; "
            "cached: median of 20 served from the page cache):"
        )
        print()
        print_cold_table(cold)
        print()
        print(
            f"Under load: req/s: median over rounds; p50/p99: all requests; ÷ static: page "
            f"req/s ÷ static req/s (goal ≥ {RATIO_GOAL:g}); p99 goal < {P99_GOAL_MS:g} ms; "
            "CPU: cores used by the gunicorn workers / the load generator / the rest of "
            "the machine, mean over rounds."
        )
        print()
        print_load_table(rows)
        print()
        print(
            f"(With {args.clients} clients that each wait for their answer, the mean latency "
            f"is {args.clients} ÷ req/s: a p50 under {P99_GOAL_MS:g} ms alone needs "
            f"{args.clients / (P99_GOAL_MS / 1000):,.0f} req/s.)"
        )
        errors = sum(r["errors"] for r in summary.values())
        if errors:
            failures.append(f"{errors} requests failed or answered a wrong status or size")
        if not args.no_json:
            OUT_DIR.mkdir(exist_ok=True)
            out = OUT_DIR / "public_pages.json"
            out.write_text(
                json.dumps(
                    {
                        "clients": args.clients,
                        "procs": max(1, min(args.procs, args.clients)),
                        "seconds": args.seconds,
                        "warmup": args.warmup,
                        "rounds": args.rounds,
                        "workers": WORKERS,
                        "worker_class": args.worker_class,
                        "threads": args.threads,
                        "cpu_count": os.cpu_count(),
                        "goals": {"p99_ms_below": P99_GOAL_MS, "ratio_at_least": RATIO_GOAL},
                        "build": built,
                        "cold": cold,
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
