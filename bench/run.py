"""Benchmark: workbook import and report figures at scale (issue 2, "Benchmark").

    .venv/bin/python bench/run.py                  # 100,000 persons, ~600,000 events
    .venv/bin/python bench/run.py --persons 5000   # a quick run
    .venv/bin/python bench/run.py --persons 20000 --profile   # cProfile top 25

Then it runs bench/vault_read.py (reading 10,000 persons' encrypted identities beside the
same rows without them; `--no-vault-read` skips it).

Everything runs in a throwaway SQLite database in a temp dir. Each step is timed beside a
baseline measured in the same run (DESIGN.md, "Testing"):

- import: irum.exchange.importer.workbook_import on a generated workbook, beside plain
  `sqlite3` executemany of the same, already-resolved rows into the same tables of a copy
  of the same migrated database, in one transaction;
- report: irum.reports.figures.compute(), beside the same figures by hand-written SQL
  (bench/sql_figures.py) on the same database. The two must agree exactly.

Prints a table and writes it as JSON to bench/out/. Exits non-zero when a check fails
(wrong counts, figures that disagree); missing a timing goal is reported, not fatal.
"""

from __future__ import annotations

import argparse
import base64
import cProfile
import io
import json
import os
import platform
import pstats
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
OUT_DIR = BENCH_DIR / "out"
HISTORY_TABLES = {
    "archive_case": "archive_historicalcase",
    "archive_person": "archive_historicalperson",
    "archive_source": "archive_historicalsource",
    "archive_event": "archive_historicalevent",
    "archive_eventsource": "archive_historicaleventsource",
}

COUNT_OF = {
    "archive_case": "cases",
    "archive_person": "persons",
    "archive_source": "sources",
    "archive_event": "events",
    "archive_eventsource": "links",
}

IMPORT_GOAL = 3.0
REPORT_GOAL = 1.5
REPORT_SECONDS_GOAL = 2.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=100_000, help="persons (default 100000)")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument(
        "--repeat", type=int, default=3, help="timed runs of each report (median is shown)"
    )
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the import and the report (top 25)"
    )
    parser.add_argument(
        "--debug-cursor",
        action="store_true",
        help="keep Django's DEBUG query logging during the timed steps (off by default: it "
        "re-quotes every parameter with an extra query per statement on SQLite)",
    )
    parser.add_argument(
        "--report-budget",
        type=float,
        default=60,
        help="interrupt a report run after this many seconds (default 60)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temp dir and print it")
    parser.add_argument("--no-json", action="store_true", help="do not write bench/out/*.json")
    parser.add_argument(
        "--no-vault-read",
        action="store_true",
        help="skip bench/vault_read.py (reading encrypted identities), run after the rest",
    )
    return parser.parse_args()


def setup_django(tmp: Path) -> Path:
    db = tmp / "import.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "irum.settings"
    os.environ["IRUM_DATABASE_URL"] = f"sqlite:///{db}"
    os.environ["IRUM_DEBUG"] = "true"
    os.environ["IRUM_VAR_DIR"] = str(tmp / "var")
    os.environ["IRUM_IMPORT_MAX_BYTES"] = str(4 * 2**30)
    os.environ["IRUM_IMPORT_MAX_ROWS"] = str(10_000_000)
    # Throwaway field-encryption keys: the import encrypts identities as in production.
    os.environ["IRUM_FIELD_KEYS"] = "bench:" + base64.b64encode(os.urandom(32)).decode()
    os.environ["IRUM_BLIND_INDEX_KEY"] = base64.b64encode(os.urandom(32)).decode()
    import django

    django.setup()
    return db


def log(message: str) -> None:
    print(f"  · {message}", file=sys.stderr, flush=True)


@contextmanager
def timer(into: dict[str, float], key: str):
    start = time.perf_counter()
    try:
        yield
    finally:
        into[key] = time.perf_counter() - start


@contextmanager
def maybe_profile(enabled: bool, label: str, results: dict[str, str]):
    if not enabled:
        yield
        return
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        yield
    finally:
        profiler.disable()
        buffer = io.StringIO()
        stats = pstats.Stats(profiler, stream=buffer)
        stats.sort_stats("cumulative").print_stats(25)
        results[label] = buffer.getvalue()
        OUT_DIR.mkdir(exist_ok=True)
        stats.dump_stats(OUT_DIR / f"{label}.prof")


# -- gazetteer ---------------------------------------------------------------------------


def gazetteer_choices():
    """Places by role and agencies by slug, each with the spellings that resolve to it."""
    from collections import defaultdict

    from workbook_gen import GazetteerChoice

    from irum.gazetteer.lookup import LookupError_, agency_index, place_index
    from irum.gazetteer.models import Agency, AgencyName, Place, PlaceName

    def spellings(index, obj, names):
        good = []
        for name in dict.fromkeys(n for n in names if n):
            try:
                if index.find(name).pk == obj.pk:
                    good.append(name)
            except LookupError_:
                pass
        return good

    pindex, aindex = place_index(), agency_index()
    place_names = defaultdict(list)
    for pk, name in PlaceName.objects.values_list("place_id", "name"):
        place_names[pk].append(name)
    roles = {
        "cn_city": ("city_reference", ("CN",)),
        "kp_city": ("city_reference", ("KP",)),
        "ru_city": ("city_reference", ("RU",)),
        "cn_detention": ("cn_border_detention_centre cn_prison", ("CN",)),
        "crossing": ("border_crossing", ("CN/KP", "KP/RU")),
        "mss_holding": ("mss_holding_centre", ("KP",)),
        "mss_provincial": ("mss_provincial_detention", ("KP",)),
        "mps": ("mps_detention_centre", ("KP",)),
        "kwanliso": ("kwanliso", ("KP",)),
        "kyohwaso": ("kyohwaso", ("KP",)),
    }
    places: dict[str, list] = {role: [] for role in roles}
    provinces = []
    for place in Place.objects.order_by("pk"):
        choice = GazetteerChoice(
            place.pk,
            place.slug,
            place.kind,
            place.country,
            spellings(pindex, place, [place.name, place.name_ko, *place_names[place.pk]]),
        )
        if place.kind == "province":
            provinces.append(choice)
        for role, (kinds, countries) in roles.items():
            if place.kind in kinds.split() and place.country in countries:
                places[role].append(choice)
    places["camp"] = places["kwanliso"] + places["kyohwaso"]
    empty = [role for role, found in places.items() if not found]
    if empty or not provinces:
        raise SystemExit(f"bench: the gazetteer has no places for roles {empty}")

    agency_names = defaultdict(list)
    for pk, name in AgencyName.objects.values_list("agency_id", "name"):
        agency_names[pk].append(name)
    agencies = {
        a.slug: GazetteerChoice(
            a.pk,
            a.slug,
            "agency",
            a.country,
            spellings(aindex, a, [a.name, a.name_ko, *agency_names[a.pk]]),
        )
        for a in Agency.objects.order_by("pk")
    }
    return places, agencies, provinces


def check_dates(texts: set[str], seed: int, sample: int = 300) -> None:
    """The generator's own date bounds must be the product's (irum.lib.dates)."""
    import random

    from workbook_gen import edtf_bounds

    from irum.lib import dates

    for text in random.Random(seed).sample(sorted(texts), min(sample, len(texts))):
        parsed = dates.parse(text)
        if (parsed.lower, parsed.upper) != edtf_bounds(text):
            raise SystemExit(
                f"bench: {text!r} has bounds {parsed.lower}..{parsed.upper} in irum.lib.dates "
                f"but {edtf_bounds(text)} in bench/workbook_gen.py"
            )


# -- the sqlite3 baseline ------------------------------------------------------------------


def snapshot(src: Path, dst: Path) -> None:
    """A consistent copy of a (WAL-mode) SQLite database, through the backup API."""
    with sqlite3.connect(src) as source, sqlite3.connect(dst) as target:
        source.backup(target)
    source.close()
    target.close()


def table_columns(conn: sqlite3.Connection, table: str) -> list[tuple[str, bool]]:
    return [(row[1], bool(row[3])) for row in conn.execute(f'PRAGMA table_info("{table}")')]


def check_schema(db: Path) -> None:
    from workbook_gen import COLUMNS

    with sqlite3.connect(db) as conn:
        for table, columns in COLUMNS.items():
            actual = [name for name, _ in table_columns(conn, table)]
            if sorted(actual) != sorted(columns):
                raise SystemExit(
                    f"bench: {table} has columns {actual}, bench/workbook_gen.py builds "
                    f"{list(columns)}; update COLUMNS"
                )


def new_place_rows(conn: sqlite3.Connection, generated) -> tuple[str, list[tuple]]:
    """The places the workbook adds, as gazetteer_place rows (inserted by the baseline
    too, but not counted: they are a handful)."""
    columns = table_columns(conn, "gazetteer_place")
    names = [name for name, _ in columns]
    rows = []
    for name, country in generated.new_places:
        values = {
            "id": generated.new_place_ids[name],
            "slug": f"bench-new-{generated.new_place_ids[name]}",
            "name": name,
            "kind": "other",
            "country": country,
            "precision": "unknown",
            "source": "added by the import",
        }
        rows.append(tuple(values.get(col, "" if notnull else None) for col, notnull in columns))
    return _insert_sql("gazetteer_place", names), rows


def _insert_sql(table: str, columns) -> str:
    cols = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    return f'INSERT INTO "{table}" ({cols}) VALUES ({marks})'


def history_rows(
    conn: sqlite3.Connection, table: str, rows: list[tuple], extras: dict[str, Any]
) -> tuple[str, list[tuple]]:
    """simple_history's rows for ROWS: the tracked columns plus history_* columns."""
    from operator import itemgetter

    from workbook_gen import COLUMNS

    base = list(COLUMNS[table])
    hist_table = HISTORY_TABLES[table]
    hist_columns = [name for name, _ in table_columns(conn, hist_table)]
    extra_names = list(extras)
    source = base + extra_names
    missing = [c for c in hist_columns if c not in source]
    if missing:
        raise SystemExit(f"bench: cannot fill {hist_table} columns {missing}")
    getter = itemgetter(*(source.index(c) for c in hist_columns))
    tail = tuple(extras.values())
    return _insert_sql(hist_table, hist_columns), [getter(row + tail) for row in rows]


def baseline_insert(
    db: Path, statements: list[tuple[str, list[tuple]]], timings: dict[str, float], key: str
) -> None:
    conn = sqlite3.connect(db, isolation_level=None)
    # The same connection settings as irum.settings gives Django's connection.
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA foreign_keys=ON")
    try:
        with timer(timings, key):
            conn.execute("BEGIN")
            for sql, rows in statements:
                conn.executemany(sql, rows)
            conn.execute("COMMIT")
    finally:
        conn.close()


def table_counts(conn: sqlite3.Connection) -> dict[str, int]:
    from workbook_gen import TABLES

    return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in TABLES}


# -- the import ----------------------------------------------------------------------------


@contextmanager
def import_phases(timings: dict[str, float]):
    """Time the importer's two phases (validate, write) without touching its code."""
    from irum.exchange import importer

    original_validate, original_write = importer.validate, importer.write

    def validate(*args, **kwargs):
        with timer(timings, "import.validate"):
            return original_validate(*args, **kwargs)

    def write(*args, **kwargs):
        with timer(timings, "import.write"):
            return original_write(*args, **kwargs)

    importer.validate, importer.write = validate, write
    try:
        yield
    finally:
        importer.validate, importer.write = original_validate, original_write


# -- report --------------------------------------------------------------------------------


class Aborted(Exception):
    """A timed step ran past its budget and was interrupted."""


@contextmanager
def sqlite_deadline(seconds: float):
    """Interrupt whatever Django's SQLite connection runs after SECONDS (a query plan gone
    quadratic must not hold the benchmark for hours)."""
    from django.db import connection
    from django.db.utils import OperationalError

    connection.ensure_connection()
    raw = connection.connection
    end = time.perf_counter() + seconds
    raw.set_progress_handler(lambda: int(time.perf_counter() > end), 100_000)
    try:
        yield
    except (OperationalError, sqlite3.OperationalError) as exc:
        if "interrupt" in str(exc):
            raise Aborted(f"interrupted after {seconds:g} s") from None
        raise
    finally:
        raw.set_progress_handler(None, 0)


@dataclass
class Measured:
    seconds: float | None = None  # median of the timed runs; None when aborted
    result: Any = None
    queries: int | None = None  # queries of the first run
    runs: int = 0
    aborted: str = ""

    def text(self) -> str | None:
        return f"> {self.aborted}" if self.aborted else None


def measure(fn, *, repeat: int, budget: float) -> Measured:
    """Time FN: a first run (counted queries, cold-ish), then REPEAT more when the first
    was quick; the median of the timed runs. Each run is interrupted after BUDGET s."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    out = Measured()
    times = []
    try:
        with CaptureQueriesContext(connection) as captured, sqlite_deadline(budget):
            start = time.perf_counter()
            out.result = fn()
            times.append(time.perf_counter() - start)
        out.queries = len(captured)
        if times[0] < 10 and repeat > 0:
            times = []  # the first run warmed caches; time the repeats only
            for _ in range(repeat):
                with sqlite_deadline(budget):
                    start = time.perf_counter()
                    out.result = fn()
                    times.append(time.perf_counter() - start)
    except Aborted:
        out.aborted = f"{budget:g} s (aborted)"
        return out
    out.seconds = statistics.median(times)
    out.runs = len(times)
    return out


# -- output --------------------------------------------------------------------------------


def fmt_seconds(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def fmt_rate(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def print_table(rows: list[dict[str, Any]]) -> None:
    headers = ["step", "seconds", "rows/s", "baseline seconds", "ratio", "goal", "met?"]
    cells = [
        [
            r["step"],
            r.get("seconds_text") or fmt_seconds(r.get("seconds")),
            fmt_rate(r.get("rows_per_s")),
            r.get("baseline_text") or fmt_seconds(r.get("baseline_seconds")),
            "—" if r.get("ratio") is None else f"{r['ratio']:.2f}×",
            r.get("goal") or "—",
            {True: "yes", False: "NO", None: "—"}[r.get("met")],
        ]
        for r in rows
    ]
    widths = [max(len(str(c)) for c in col) for col in zip(headers, *cells, strict=True)]
    line = " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    print(line)
    print("-+-".join("-" * w for w in widths))
    for row in cells:
        out = []
        for i, (cell, w) in enumerate(zip(row, widths, strict=True)):
            out.append(str(cell).ljust(w) if i in (0, 5, 6) else str(cell).rjust(w))
        print(" | ".join(out))


def code_version() -> str:
    """The commit the product code is at, and whether the tree has uncommitted edits."""
    import subprocess

    try:
        out = subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            cwd=BENCH_DIR.parent,
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return out.stdout.strip() or "unknown"


def main() -> int:
    args = parse_args()
    sys.path.insert(0, str(BENCH_DIR))
    tmp = Path(tempfile.mkdtemp(prefix="irum-bench-"))
    failures: list[str] = []
    profiles: dict[str, str] = {}
    t: dict[str, float] = {}
    try:
        db = setup_django(tmp)
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection
        from django.utils import timezone
        from sql_figures import differences
        from sql_figures import figures as sql_figures
        from workbook_gen import TABLES, generate

        from irum.archive.actors import system_actor
        from irum.archive.models import Person
        from irum.exchange.importer import workbook_import
        from irum.gazetteer.services import gazetteer_load
        from irum.lib import dates
        from irum.reports import figures as report_figures

        log(f"temp dir {tmp}")
        with timer(t, "setup"):
            call_command("migrate", verbosity=0, interactive=False)
            gazetteer_load(actor=None)
            actor = system_actor()
        log(f"migrated and loaded the gazetteer in {t['setup']:.1f} s")

        places, agencies, provinces = gazetteer_choices()
        with sqlite3.connect(db) as conn:
            first_new_place_id = conn.execute("SELECT MAX(id) FROM gazetteer_place").fetchone()[0]
        first_new_place_id += 1
        now = timezone.now()
        stamp = now.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
        with timer(t, "generate"):
            generated = generate(
                tmp / "workbook",
                persons=args.persons,
                seed=args.seed,
                places=places,
                agencies=agencies,
                provinces=provinces,
                timestamp=stamp,
                first_new_place_id=first_new_place_id,
            )
        counts = generated.counts
        total_rows = generated.total_rows
        size_mb = sum(p.stat().st_size for p in generated.path.iterdir()) / 2**20
        log(
            f"generated {counts} ({total_rows:,} rows, {size_mb:.0f} MB of CSV) "
            f"in {t['generate']:.1f} s"
        )

        check_dates(generated.date_texts, args.seed)
        log(f"{len(generated.date_texts):,} distinct event date values")

        # Baseline databases: copies of the migrated, gazetteer-loaded database, taken
        # before the import touches it.
        connection.close()
        check_schema(db)
        base_db, hist_db = tmp / "baseline.sqlite3", tmp / "baseline-history.sqlite3"
        snapshot(db, base_db)
        snapshot(db, hist_db)
        with sqlite3.connect(db) as conn:
            place_sql, place_rows = new_place_rows(conn, generated)
            main_statements = [(place_sql, place_rows)] + [
                (_insert_sql(table, generated_columns(table)), generated.rows[table])
                for table in TABLES
            ]
            label = f"import {generated.path.name}"[:100]
            extras = {
                "history_id": None,
                "history_date": stamp,
                "history_change_reason": label,
                "history_type": "+",
                "history_user_id": actor.pk,
            }
            hist_statements = main_statements + [
                history_rows(conn, table, generated.rows[table], extras) for table in TABLES
            ]

        log("baseline: sqlite3 executemany into the archive tables")
        baseline_insert(base_db, main_statements, t, "baseline")
        log(f"baseline took {t['baseline']:.2f} s")
        baseline_insert(hist_db, hist_statements, t, "baseline.history")
        log(f"baseline with history tables took {t['baseline.history']:.2f} s")
        with sqlite3.connect(base_db) as conn:
            base_counts = table_counts(conn)
        del hist_statements

        # The import, through the product's own entry point, in the state a fresh
        # `irum import` process would be in: the generator parsed the same dates.
        dates.parse.cache_clear()
        if not args.debug_cursor:
            settings.DEBUG = False
        log("import: workbook_import")
        with (
            import_phases(t),
            maybe_profile(args.profile, f"import-{args.persons}", profiles),
            timer(t, "import"),
        ):
            result = workbook_import(actor=actor, path=generated.path)
        log(f"import took {t['import']:.1f} s")
        if not result.ok:
            for problem in result.problems[:20]:
                print(f"import problem: {problem}", file=sys.stderr)
            raise SystemExit(f"bench: the import refused the workbook ({len(result.problems)})")
        connection.close()
        with sqlite3.connect(db) as conn:
            import_counts = table_counts(conn)
        expected = {table: counts[COUNT_OF[table]] for table in TABLES}
        for name, got in (("import", import_counts), ("baseline", base_counts)):
            if got != expected:
                failures.append(f"{name} wrote {got}, expected {expected}")

        # The report, on the database exactly as the import left it.
        log(f"report: compute() and the SQL baseline (budget {args.report_budget:g} s a run)")

        def run_compute():
            return report_figures.compute().as_dict()

        def run_sql():
            with connection.cursor() as cursor:
                return sql_figures(cursor)

        with maybe_profile(args.profile, f"report-{args.persons}", profiles):
            report = measure(run_compute, repeat=args.repeat, budget=args.report_budget)
        log(f"compute(): {report.seconds or report.aborted}")
        report_sql = measure(run_sql, repeat=args.repeat, budget=args.report_budget)
        log(f"SQL baseline: {report_sql.seconds or report_sql.aborted}")

        # For information: the same after ANALYZE, which gives SQLite's planner the row
        # statistics a freshly imported database lacks.
        with connection.cursor() as cursor, timer(t, "analyze"):
            cursor.execute("ANALYZE")
        analyzed = measure(run_compute, repeat=args.repeat, budget=args.report_budget)
        analyzed_sql = measure(run_sql, repeat=args.repeat, budget=args.report_budget)
        log(
            f"after ANALYZE ({t['analyze']:.1f} s): compute() {analyzed.seconds}, "
            f"SQL {analyzed_sql.seconds}"
        )

        # Queries must not grow with the persons: all of them, and a fiftieth.
        subset_n = max(1, args.persons // 50)
        subset = measure(
            lambda: report_figures.compute(Person.objects.filter(pk__lte=subset_n)),
            repeat=0,
            budget=args.report_budget,
        )
        full_queries = report.queries if report.queries is not None else analyzed.queries

        computed = report.result or analyzed.result
        by_sql = report_sql.result or analyzed_sql.result
        if computed is None or by_sql is None:
            failures.append("the figures could not be computed within the budget")
        else:
            mismatch = differences(computed, by_sql)
            if mismatch:
                failures.append(
                    "compute() and the SQL baseline disagree (compute != SQL):\n    "
                    + "\n    ".join(mismatch)
                )
            # The baseline rows must describe the same archive as the import wrote.
            with sqlite3.connect(base_db) as conn:
                mismatch = differences(sql_figures(conn.cursor()), by_sql)
            if mismatch:
                failures.append(
                    "the baseline rows differ from what the import wrote (baseline != import):"
                    "\n    " + "\n    ".join(mismatch)
                )

        # The importer writes every row and its creation row in the history tables
        # ("every change is kept"), so the like-for-like baseline writes both too. The
        # archive-tables-only comparison is shown beside it, against the same goal.
        import_ratio = t["import"] / t["baseline.history"]
        plain_ratio = t["import"] / t["baseline"]
        rows: list[dict[str, Any]] = [
            {
                "step": f"generate workbook ({args.persons:,} persons)",
                "seconds": t["generate"],
                "rows_per_s": total_rows / t["generate"],
            },
            {
                "step": f"import: workbook_import ({total_rows:,} rows + history)",
                "seconds": t["import"],
                "rows_per_s": total_rows / t["import"],
                "baseline_seconds": t["baseline.history"],
                "ratio": import_ratio,
                "goal": f"≤ {IMPORT_GOAL:g}×",
                "met": import_ratio <= IMPORT_GOAL,
            },
            {
                "step": "  import vs executemany of the archive tables only",
                "seconds": t["import"],
                "rows_per_s": total_rows / t["import"],
                "baseline_seconds": t["baseline"],
                "ratio": plain_ratio,
                "goal": f"≤ {IMPORT_GOAL:g}×",
                "met": plain_ratio <= IMPORT_GOAL,
            },
            {
                "step": "  of which validate (read, parse, resolve)",
                "seconds": t.get("import.validate"),
                "rows_per_s": total_rows / t["import.validate"] if "import.validate" in t else None,
            },
            {
                "step": "  of which write (rows + history rows)",
                "seconds": t.get("import.write"),
                "rows_per_s": total_rows / t["import.write"] if "import.write" in t else None,
            },
            report_row("report: compute()", report, report_sql, counts["persons"], goal=True),
            {"step": "  (info) ANALYZE after the import", "seconds": t["analyze"]},
            report_row(
                "  (info) compute() after ANALYZE", analyzed, analyzed_sql, counts["persons"]
            ),
            {
                "step": (
                    f"report queries: {full_queries} at {args.persons:,} persons, "
                    f"{subset.queries} at {subset_n:,}"
                ),
                "goal": "constant",
                "met": full_queries is not None and full_queries == subset.queries,
            },
            {
                "step": "figures: compute() == SQL baseline",
                "met": computed is not None and not any("disagree" in f for f in failures),
            },
        ]
        print()
        print(
            f"Irum benchmark: {args.persons:,} persons, {counts['cases']:,} cases, "
            f"{counts['events']:,} events, {counts['sources']:,} sources, "
            f"{counts['links']:,} event-source links; seed {args.seed}; "
            f"SQLite {sqlite3.sqlite_version}, Python {platform.python_version()}, "
            f"{os.cpu_count()} CPUs; code {code_version()}"
            + ("; PROFILED (timings inflated)" if args.profile else "")
            + ("; DEBUG cursor on" if args.debug_cursor else "")
        )
        print("rows/s: workbook rows (cases+persons+events+sources+links) per second;")
        print("        for the report, persons per second.")
        print()
        print_table(rows)
        for label, text in profiles.items():
            print(f"\n== cProfile: {label} (top 25 by cumulative time) ==")
            print(text)
        if not args.no_json:
            OUT_DIR.mkdir(exist_ok=True)
            out = OUT_DIR / f"bench-{args.persons}.json"
            out.write_text(
                json.dumps(
                    {
                        "persons": args.persons,
                        "seed": args.seed,
                        "code": code_version(),
                        "counts": counts,
                        "timings": t,
                        "queries": {
                            "full": full_queries,
                            "subset": subset.queries,
                            "subset_n": subset_n,
                        },
                        "rows": rows,
                        "figures": computed,
                        "failures": failures,
                        "profiled": args.profile,
                    },
                    indent=2,
                    ensure_ascii=False,
                )
                + "\n",
                encoding="utf-8",
            )
            log(f"wrote {out.relative_to(BENCH_DIR.parent)}")
    finally:
        if args.keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    if not args.no_vault_read:
        # A process of its own: Django is set up once per process, on this run's
        # database, and the vault benchmark builds a database of its own.
        import subprocess

        print()
        vault = subprocess.run([sys.executable, str(BENCH_DIR / "vault_read.py")], check=False)
        if vault.returncode:
            failures.append(f"bench/vault_read.py exited with {vault.returncode}")
    for failure in failures:
        print(f"\nFAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


def report_row(
    step: str, got: Measured, baseline: Measured, persons: int, goal: bool = False
) -> dict[str, Any]:
    ratio = got.seconds / baseline.seconds if got.seconds and baseline.seconds else None
    row: dict[str, Any] = {
        "step": f"{step} (median of {got.runs})" if got.runs > 1 else step,
        "seconds": got.seconds,
        "seconds_text": got.text(),
        "rows_per_s": persons / got.seconds if got.seconds else None,
        "baseline_seconds": baseline.seconds,
        "baseline_text": baseline.text(),
        "ratio": ratio,
    }
    if goal:
        row["goal"] = f"≤ {REPORT_GOAL:g}× and < {REPORT_SECONDS_GOAL:g} s"
        row["met"] = (
            ratio is not None and ratio <= REPORT_GOAL and got.seconds < REPORT_SECONDS_GOAL
        )
    return row


def generated_columns(table: str):
    from workbook_gen import COLUMNS

    return COLUMNS[table]


if __name__ == "__main__":
    sys.exit(main())
