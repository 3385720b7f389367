"""Benchmark: the flows GeoJSON at scale (issue 4, "Benchmark"; goal ≤ 1.5× and < 1 s).

    .venv/bin/python bench/flows.py                     # 100,000 persons, ~600,000 events
    .venv/bin/python bench/flows.py --persons 5000      # a quick run
    .venv/bin/python bench/flows.py --keep-db /tmp/flows-100k.sqlite3   # build once, reuse
    .venv/bin/python bench/flows.py --profile --explain # cProfile and query plans
    .venv/bin/python bench/flows.py --analyze --partial-indexes   # + the plan-fix rows

The database is filled the fast way: bench/workbook_gen.py's generated rows (the same
archive bench/run.py imports), inserted by plain sqlite3 executemany into a migrated,
gazetteer-loaded database, as run.py's baseline does. Then a few records are soft-deleted
on their own (cases, persons, and events that are no one's first deprivation), so that
every deleted_at filter matters. With --keep-db a copy of the built database is kept at
PATH, and later runs reuse it.

What is timed, as the platform administrator (a superuser, so visibility's
`case__in=(pk__in=...)` subquery runs as in production), for the whole archive and a few
filtered and public variants:

- GeoJSON: filters.parse + mapdata.flow_map + geojson.flows_collection + json.dumps,
  the path of GET /api/flows.geojson without the HTTP layer;
- compute(): irum.routes.flows.compute alone, the flows query;
- place_counts(): irum.routes.flows.place_counts alone, the other aggregate of the map;
- HTTP: GET /api/flows.geojson through django.test.Client, signed in past the second
  factor, when the URL exists;
- (prototype) a suggestion for flows.py: flows and place counts from one read of the
  events (one_query_flows_and_counts below).

Each is timed beside hand-written SQL on the same database (bench/sql_flows.py), in
interleaved rounds (median of --repeat), as wall-clock seconds and as this process's CPU
seconds (SQLite runs in-process, so on a shared, loaded machine the CPU ratio is the
steadier one). The issue's baseline is the flows aggregate; the map also needs the place
counts, so "flows + place counts SQL" is shown as well. --analyze and --partial-indexes
time the unfiltered variant again with the query plan fixed two ways (see their help).

The SQL and the product must agree exactly (and the SQL agrees with irum.routes.routes'
Python legs on a sample of persons), or the run exits non-zero. Missing a timing goal is
reported, not fatal.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

from run import (  # noqa: E402
    OUT_DIR,
    Aborted,
    _insert_sql,
    baseline_insert,
    check_schema,
    code_version,
    fmt_seconds,
    gazetteer_choices,
    log,
    maybe_profile,
    new_place_rows,
    setup_django,
    snapshot,
    sqlite_deadline,
)

RATIO_GOAL = 1.5
SECONDS_GOAL = 1.0
OPERATOR = "bench-operator"
# Soft deletes: every Nth record, each level on its own (children stay live, so each
# deleted_at filter has rows to drop). Events are skipped when they are someone's FDL:
# the services re-derive first_deprivation on delete, and a raw UPDATE would not.
DELETE_EVERY = {"archive_case": 97, "archive_person": 89, "archive_event": 53}
SAMPLE_PERSONS = 3000  # persons whose legs are also checked against routes.person_routes


@dataclass(frozen=True)
class Variant:
    name: str
    params: dict[str, list[str]]
    public: bool = False


VARIANTS = (
    Variant("all persons", {}),
    Variant("era=kim_jong_un", {"era": ["kim_jong_un"]}),
    Variant("kind=repatriation", {"kind": ["repatriation"]}),
    Variant("country=abroad", {"country": ["abroad"]}),
    Variant("public map", {}, public=True),
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=100_000, help="persons (default 100000)")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--repeat", type=int, default=5, help="timed rounds (median is shown)")
    parser.add_argument("--profile", action="store_true", help="cProfile the unfiltered GeoJSON")
    parser.add_argument(
        "--explain", action="store_true", help="print EXPLAIN QUERY PLAN of each query"
    )
    parser.add_argument(
        "--analyze",
        action="store_true",
        help="(info) time the unfiltered variant again after ANALYZE (the statistics are "
        "dropped again afterwards, so a kept database stays as the import leaves it)",
    )
    parser.add_argument(
        "--partial-indexes",
        action="store_true",
        help="(info) time the unfiltered variant again with the deleted_at indexes of case, "
        "person and event made partial (WHERE deleted_at IS NOT NULL); restored afterwards",
    )
    parser.add_argument(
        "--keep-db",
        type=Path,
        metavar="PATH",
        help="reuse the database at PATH; if there is none, build one and keep a copy there "
        "(the --analyze and --partial-indexes runs change it and undo their change)",
    )
    parser.add_argument(
        "--budget", type=float, default=60, help="interrupt a run after this many seconds"
    )
    parser.add_argument("--no-json", action="store_true", help="do not write bench/out/*.json")
    return parser.parse_args()


# -- the database -------------------------------------------------------------------------


def build(db: Path, tmp: Path, persons: int, seed: int) -> dict[str, float]:
    """Migrate, load the gazetteer and insert the generated archive with executemany."""
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone
    from workbook_gen import COLUMNS, TABLES, generate

    from irum.gazetteer.services import gazetteer_load

    t: dict[str, float] = {}
    start = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    gazetteer_load(actor=None)
    t["migrate"] = time.perf_counter() - start
    places, agencies, provinces = gazetteer_choices()
    with connection.cursor() as cursor:
        cursor.execute("SELECT MAX(id) FROM gazetteer_place")
        (last_place,) = cursor.fetchone()
    stamp = timezone.now().replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
    start = time.perf_counter()
    generated = generate(
        tmp / "workbook",
        persons=persons,
        seed=seed,
        places=places,
        agencies=agencies,
        provinces=provinces,
        timestamp=stamp,
        first_new_place_id=last_place + 1,
    )
    t["generate"] = time.perf_counter() - start
    shutil.rmtree(tmp / "workbook", ignore_errors=True)  # the CSV files are not needed
    connection.close()
    check_schema(db)
    with sqlite3.connect(db) as conn:
        place_sql, place_rows = new_place_rows(conn, generated)
    conn.close()
    statements = [(place_sql, place_rows)] + [
        (_insert_sql(table, COLUMNS[table]), generated.rows[table]) for table in TABLES
    ]
    baseline_insert(db, statements, t, "insert")
    del statements, generated
    start = time.perf_counter()
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute("BEGIN")
        for table, every in DELETE_EVERY.items():
            extra = ""
            if table == "archive_event":
                extra = (
                    " AND id NOT IN (SELECT first_deprivation_id FROM archive_person"
                    " WHERE first_deprivation_id IS NOT NULL)"
                )
            conn.execute(
                f"UPDATE {table} SET deleted_at = ? WHERE id % ? = 1{extra}", (stamp, every)
            )
        conn.execute("COMMIT")
    finally:
        conn.close()
    t["soft_delete"] = time.perf_counter() - start
    return t


def db_counts() -> dict[str, int]:
    from django.db import connection

    out = {}
    with connection.cursor() as cursor:
        for key, table in (
            ("cases", "archive_case"),
            ("persons", "archive_person"),
            ("events", "archive_event"),
        ):
            cursor.execute(f"SELECT COUNT(*), COUNT(deleted_at) FROM {table}")
            out[key], out[f"{key}_deleted"] = cursor.fetchone()
    return out


def operator_user():
    from django.contrib.auth import get_user_model

    User = get_user_model()
    user = User.objects.filter(username=OPERATOR).first()
    if user is None:
        user = User.objects.create_superuser(OPERATOR, f"{OPERATOR}@example.invalid", None)
    return user


# -- timing ---------------------------------------------------------------------------------


@dataclass
class Timed:
    times: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # process time: SQLite runs in-process
    result: Any = None
    queries: int | None = None
    aborted: str = ""

    @property
    def seconds(self) -> float | None:
        return statistics.median(self.times) if self.times and not self.aborted else None

    @property
    def cpu_seconds(self) -> float | None:
        return statistics.median(self.cpu) if self.cpu and not self.aborted else None


def interleaved(fns: dict[str, Callable[[], Any]], repeat: int, budget: float) -> dict[str, Timed]:
    """One untimed warm-up run of each (its result and query count are kept), then REPEAT
    rounds of all, in a rotating order, so that drift falls on all of them alike. Each run
    is interrupted after BUDGET s."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    out = {name: Timed() for name in fns}
    for name, fn in fns.items():
        try:
            with CaptureQueriesContext(connection) as captured, sqlite_deadline(budget):
                out[name].result = fn()
            out[name].queries = len(captured)
        except Aborted as exc:
            out[name].aborted = str(exc)
    names = [name for name in fns if not out[name].aborted]
    for i in range(repeat):
        for name in names[i % len(names) :] + names[: i % len(names)]:
            if out[name].aborted:
                continue
            try:
                with sqlite_deadline(budget):
                    start, cpu = time.perf_counter(), time.process_time()
                    fns[name]()
                    out[name].times.append(time.perf_counter() - start)
                    out[name].cpu.append(time.process_time() - cpu)
            except Aborted as exc:
                out[name].aborted = str(exc)
    return out


# -- checks -----------------------------------------------------------------------------------


def flow_rows(computed) -> list[tuple]:
    return sorted(
        (f.from_place_id, f.to_place_id, f.persons, f.legs, f.date_lower, f.date_upper)
        for f in computed
    )


def first_difference(got: list, want: list) -> str:
    if len(got) != len(want):
        extra = sorted(set(got) ^ set(want), key=repr)[:3]
        return f"{len(got)} rows != {len(want)} rows; e.g. {extra}"
    for a, b in zip(got, want, strict=True):
        if a != b:
            return f"{a} != {b}"
    return ""


def geojson_flows(collection: dict[str, Any]) -> list[tuple]:
    return sorted(
        (
            f["properties"]["from"],
            f["properties"]["to"],
            f["properties"]["persons"],
            f["properties"]["legs"],
            f["properties"]["date_from"],
            f["properties"]["date_to"],
        )
        for f in collection["features"]
        if f["properties"]["feature_type"] == "flow"
    )


def sql_as_geojson(rows: list[tuple], slugs: dict[int, str], public: bool) -> list[tuple]:
    def text(value):
        if value is None:
            return ""
        return f"{value.year:04d}" if public else value.isoformat()

    return sorted(
        (slugs[a], slugs[b], persons, legs, text(lower), text(upper))
        for a, b, persons, legs, lower, upper in rows
    )


def routes_check(user, upto: int) -> str:
    """The SQL baseline's legs against irum.routes.routes' Python legs (built from the
    same rules, one person at a time), for the persons with pk <= UPTO."""
    from django.db import connection
    from sql_flows import Scope, flows

    from irum.partners.visibility import visible_persons
    from irum.routes.routes import person_routes

    persons = visible_persons(user).filter(pk__lte=upto)
    agg: dict[tuple[int, int], list] = {}
    for route in person_routes(persons, None, public=False):
        for leg in route.legs:
            row = agg.setdefault((leg.from_place_id, leg.to_place_id), [set(), 0, [], []])
            row[0].add(route.person_id)
            row[1] += 1
            if leg.date_lower:
                row[2].append(leg.date_lower)
            if leg.date_upper:
                row[3].append(leg.date_upper)
    python = sorted(
        (a, b, len(who), n, min(lo, default=None), max(hi, default=None))
        for (a, b), (who, n, lo, hi) in agg.items()
    )
    with connection.cursor() as cursor:
        by_sql = flows(cursor, Scope(max_person_id=upto))
    if not python:
        return "no legs in the sample"
    return first_difference(by_sql, python)


def explain(sql: str, params: list[Any]) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql.replace("?", "%s"), params)
        rows = cursor.fetchall()
    return "\n".join(f"    {detail}" for _id, _parent, _unused, detail in rows)


def explain_last_query(fn: Callable[[], Any]) -> str:
    """The plan of the last query FN runs (the product's own SQL, as Django sent it)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        fn()
    with connection.cursor() as cursor:
        # Django's SQLite backend logs the statement with its parameters quoted in.
        cursor.execute("EXPLAIN QUERY PLAN " + captured[-1]["sql"])
        rows = cursor.fetchall()
    return "\n".join(f"    {detail}" for _id, _parent, _unused, detail in rows)


# -- prototypes of suggestions for flows.py ---------------------------------------------


def one_query_flows_and_counts(persons, filters) -> tuple[list, dict[int, int]]:
    """Prototype: flows.compute and flows.place_counts from ONE read of the events. The
    windowed rows compute() builds (the ORM's inner query, visibility and soft delete
    included) become a MATERIALIZED CTE, aggregated twice: by (from, to) for the flows,
    by place for the counts (the leg filters test the event's own kind, agency and date,
    which is what place_counts filters on)."""
    from django.db import connections
    from django.db.models import F, Window
    from django.db.models.functions import Lag

    from irum.routes import flows as flows_module

    chain_order = [F("chain_index").asc(), F("pk").asc()]
    legs = flows_module._placed_events(persons).values(
        leg_person=F("person_id"),
        to_place=F("place_id"),
        leg_kind=F("kind"),
        leg_agency=F("agency_id"),
        lower_bound=F("date_lower"),
        upper_bound=F("date_upper"),
        from_place=Window(Lag("place_id"), partition_by=[F("person_id")], order_by=chain_order),
    )
    inner_sql, inner_params = legs.query.get_compiler(using=legs.db).as_sql()
    where, params = flows_module._leg_conditions(filters)
    event_where = where[2:] or ["1"]  # the leg filters alone (not the from-place tests)
    sql = f"""
        WITH legs AS MATERIALIZED ({inner_sql})
        SELECT legs.from_place, legs.to_place, COUNT(DISTINCT legs.leg_person), COUNT(*),
               MIN(legs.lower_bound), MAX(legs.upper_bound)
        FROM legs WHERE {" AND ".join(where)}
        GROUP BY legs.from_place, legs.to_place
        UNION ALL
        SELECT NULL, legs.to_place, COUNT(DISTINCT legs.leg_person), NULL, NULL, NULL
        FROM legs WHERE {" AND ".join(event_where)}
        GROUP BY legs.to_place
    """
    with connections[legs.db].cursor() as cursor:
        cursor.execute(sql, [*inner_params, *params, *params])
        rows = cursor.fetchall()
    found = [
        flows_module.Flow(a, b, n, legs_n, flows_module._as_date(lo), flows_module._as_date(hi))
        for a, b, n, legs_n, lo, hi in rows
        if a is not None
    ]
    found.sort(key=lambda f: (-f.persons, f.from_place_id, f.to_place_id))
    return found, {b: n for a, b, n, *_ in rows if a is None}


def deleted_at_indexes(cursor) -> list[tuple[str, str, str]]:
    """(name, table, CREATE INDEX sql) of the deleted_at indexes of case, person, event."""
    cursor.execute(
        "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN "
        "('archive_case', 'archive_person', 'archive_event') AND sql LIKE '%(\"deleted_at\")%'"
    )
    return cursor.fetchall()


# -- the run ------------------------------------------------------------------------------


def main() -> int:
    args = parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="irum-bench-flows-"))
    failures: list[str] = []
    profiles: dict[str, str] = {}
    t: dict[str, float] = {}
    rows: list[dict[str, Any]] = []
    plans: dict[str, str] = {}
    try:
        db = tmp / "import.sqlite3"
        reuse = False
        keep = args.keep_db.resolve() if args.keep_db else None
        if keep is not None and keep.exists():
            reuse = True
            # setup_django names the file in TMP; SQLite resolves the link (its -wal file
            # sits beside the real database).
            db.symlink_to(keep)
        setup_django(tmp)
        from django.conf import settings
        from django.db import connection
        from django.test import Client
        from django.urls import Resolver404, resolve
        from sql_flows import Scope, flows_sql, place_counts_sql
        from sql_flows import flows as sql_flows
        from sql_flows import place_counts as sql_place_counts

        from irum.gazetteer.models import Place
        from irum.reports.suppression import threshold_setting
        from irum.routes import filters as filters_module
        from irum.routes import flows as flows_module
        from irum.routes import geojson, mapdata

        log(f"temp dir {tmp}" + (f", database {args.keep_db}" if args.keep_db else ""))
        if reuse:
            log("reusing the kept database")
        else:
            start = time.perf_counter()
            t |= build(db, tmp, args.persons, args.seed)
            t["build"] = time.perf_counter() - start
            log(
                f"built the database in {t['build']:.1f} s (migrate + gazetteer "
                f"{t['migrate']:.1f} s, generate {t['generate']:.1f} s, insert "
                f"{t['insert']:.1f} s, soft deletes {t['soft_delete']:.1f} s)"
            )
            if keep is not None:
                # Copied only once it is whole: an interrupted build leaves nothing to reuse.
                connection.close()
                keep.parent.mkdir(parents=True, exist_ok=True)
                snapshot(db, keep)
                log(f"kept the database at {keep}")
        counts = db_counts()
        if reuse and counts["persons"] != args.persons:
            log(f"the kept database has {counts['persons']:,} persons (not --persons)")
        log(f"counts {counts}")
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if cursor.fetchone():
                log("the database has ANALYZE statistics (sqlite_stat1)")
        user = operator_user()
        settings.DEBUG = False  # no query logging in the timed runs
        threshold = threshold_setting()
        slugs = dict(Place.objects.values_list("pk", "slug"))

        # Is the view there yet? (irum/routes/views.py flows_geojson, being written.)
        url = "/api/flows.geojson"
        try:
            resolve(url)
            http = True
        except Resolver404:
            http = False
            log(f"{url} does not resolve yet: no HTTP row")
        client = None
        if http:
            from irum.accounts.testing import verified_login

            client = Client(HTTP_HOST="localhost")  # "testserver" is for tests only
            verified_login(client, user)

        # The SQL baseline must follow the leg rules: check it against the Python legs.
        mismatch = routes_check(user, SAMPLE_PERSONS)
        if mismatch:
            failures.append(
                f"SQL baseline != routes.person_routes legs (persons ≤ {SAMPLE_PERSONS}): "
                + mismatch
            )

        def run_variant(v: Variant, label: str = "") -> None:
            parsed = filters_module.parse(v.params)
            scope = Scope(
                era=(parsed.eras or ("",))[0],
                country=parsed.country,
                public=v.public,
                kinds=parsed.kinds,
            )
            if len(parsed.eras) > 1 or parsed.agencies or parsed.date_from or parsed.date_to:
                raise SystemExit(f"bench: the SQL baseline has no filter for {v.params}")
            shown = Scope(**{**scope.__dict__, "min_persons": threshold if v.public else None})

            def geojson_path() -> str:
                filters = filters_module.parse(v.params)
                result = mapdata.flow_map(filters, user=user, public=v.public)
                # As the view serialises it (irum/routes/views.py, _geojson_response).
                return json.dumps(
                    geojson.flows_collection(result), ensure_ascii=False, separators=(",", ":")
                )

            def persons_qs():
                if v.public:
                    return filters_module.scope_persons(parsed, user=None, public=True)
                return filters_module.scope_persons(parsed, user=user, public=False)

            def compute():
                return flows_module.compute(persons_qs(), parsed)

            def place_counts():
                return flows_module.place_counts(persons_qs(), parsed)

            def sql():
                with connection.cursor() as cursor:
                    return sql_flows(cursor, shown)

            def sql_counts():
                with connection.cursor() as cursor:
                    return sql_place_counts(cursor, scope)

            def sql_both():
                with connection.cursor() as cursor:
                    return sql_flows(cursor, shown), sql_place_counts(cursor, scope)

            fns: dict[str, Callable[[], Any]] = {
                "geojson": geojson_path,
                "compute": compute,
                "place_counts": place_counts,
                "sql": sql,
                "sql_counts": sql_counts,
                "sql_both": sql_both,
                "proto": lambda: one_query_flows_and_counts(persons_qs(), parsed),
            }
            if client is not None:
                query = "&".join(f"{k}={x}" for k, vs in v.params.items() for x in vs)
                if v.public:
                    query = "&".join(filter(None, [query, "public=1"]))

                def http_get() -> bytes:
                    response = client.get(url + (f"?{query}" if query else ""))
                    if response.status_code != 200:
                        raise RuntimeError(f"GET {url}?{query}: {response.status_code}")
                    return (
                        b"".join(response.streaming_content)
                        if response.streaming
                        else (response.content)
                    )

                fns["http"] = http_get
            log(f"{v.name}{label}: timing {', '.join(fns)}")
            m = interleaved(fns, args.repeat, args.budget)

            # -- agreement
            name = f"{v.name}{label}"
            if m["sql"].result is None or m["compute"].result is None:
                failures.append(f"{name}: aborted, nothing to compare")
            else:
                with connection.cursor() as cursor:
                    unsuppressed = sql_flows(cursor, scope)
                diff = first_difference(flow_rows(m["compute"].result), unsuppressed)
                if diff:
                    failures.append(f"{name}: compute() != SQL: {diff}")
                collection = json.loads(m["geojson"].result)
                diff = first_difference(
                    geojson_flows(collection), sql_as_geojson(m["sql"].result, slugs, v.public)
                )
                if diff:
                    failures.append(f"{name}: GeoJSON flows != SQL: {diff}")
                hidden = len(unsuppressed) - len(m["sql"].result)
                if collection["metadata"]["hidden_flows"] != hidden:
                    failures.append(
                        f"{name}: hidden_flows {collection['metadata']['hidden_flows']} != {hidden}"
                    )
                if m["place_counts"].result != m["sql_counts"].result:
                    failures.append(f"{name}: place_counts() != SQL")
                if "http" in m and m["http"].result is not None:
                    served = json.loads(m["http"].result)
                    if geojson_flows(served) != geojson_flows(collection):
                        failures.append(f"{name}: GET {url} flows != flow_map's")
                if not unsuppressed:
                    failures.append(f"{name}: no flows at all (a broken generator?)")
                if m["proto"].result is not None:
                    proto_flows, proto_counts = m["proto"].result
                    if (
                        proto_flows != m["compute"].result
                        or proto_counts != m["place_counts"].result
                    ):
                        failures.append(f"{name}: the one-query prototype != compute/place_counts")

            # -- plans
            if args.explain or (v.name == "all persons" and not label):
                plans[f"{name}: compute()"] = explain_last_query(compute)
                plans[f"{name}: SQL baseline"] = explain(*flows_sql(shown))
                plans[f"{name}: place_counts()"] = explain_last_query(place_counts)
                plans[f"{name}: SQL place counts"] = explain(*place_counts_sql(scope))

            # -- rows
            n_flows = len(m["sql"].result) if m["sql"].result is not None else None
            n_places = len(m["sql_counts"].result) if m["sql_counts"].result else None

            def row(step, got, base, n, goal=False, unit="flows"):
                s, b = m[got].seconds, m[base].seconds
                ratio = s / b if s and b else None
                cs, cb = m[got].cpu_seconds, m[base].cpu_seconds
                out = {
                    "step": step,
                    "n": n,
                    "unit": unit,
                    "seconds": s,
                    "seconds_text": f"> {m[got].aborted}" if m[got].aborted else None,
                    "runs": len(m[got].times),
                    "queries": m[got].queries,
                    "baseline": base,
                    "baseline_seconds": b,
                    "baseline_text": f"> {m[base].aborted}" if m[base].aborted else None,
                    "ratio": ratio,
                    "cpu_seconds": cs,
                    "baseline_cpu_seconds": cb,
                    "cpu_ratio": cs / cb if cs and cb else None,
                }
                if goal:
                    out["goal"] = f"≤ {RATIO_GOAL:g}× and < {SECONDS_GOAL:g} s"
                    out["met"] = ratio is not None and ratio <= RATIO_GOAL and s < SECONDS_GOAL
                return out

            rows.append(row(f"{name}: GeoJSON vs flows SQL", "geojson", "sql", n_flows, True))
            rows.append(
                row("  GeoJSON vs flows + place counts SQL", "geojson", "sql_both", n_flows)
            )
            rows.append(row("  compute() vs flows SQL", "compute", "sql", n_flows))
            rows.append(
                row(
                    "  place_counts() vs its SQL",
                    "place_counts",
                    "sql_counts",
                    n_places,
                    unit="places",
                )
            )
            if "http" in m:
                rows.append(row(f"  GET {url} vs flows SQL", "http", "sql", n_flows, True))
            rows.append(
                row(
                    "  (prototype) flows + counts in one query vs their SQL",
                    "proto",
                    "sql_both",
                    n_flows,
                )
            )

        for v in VARIANTS:
            run_variant(v)

        if args.profile:
            filters = filters_module.parse({})
            with maybe_profile(True, f"flows-geojson-{counts['persons']}", profiles):
                json.dumps(
                    geojson.flows_collection(mapdata.flow_map(filters, user=user, public=False))
                )

        if args.analyze:
            with connection.cursor() as cursor:
                start = time.perf_counter()
                cursor.execute("ANALYZE")
                t["analyze"] = time.perf_counter() - start
            try:
                run_variant(VARIANTS[0], " (info: after ANALYZE)")
            finally:
                with connection.cursor() as cursor:
                    cursor.execute("DROP TABLE IF EXISTS sqlite_stat1")
                    cursor.execute("DROP TABLE IF EXISTS sqlite_stat4")

        if args.partial_indexes:
            # Suggestion: index deleted_at only where it is set (the restore lists read
            # those rows); "deleted_at IS NULL" cannot use such an index, so the planner
            # stays on event_person_chain without statistics.
            with connection.cursor() as cursor:
                originals = deleted_at_indexes(cursor)
                for index, table, _sql in originals:
                    cursor.execute(f'DROP INDEX "{index}"')
                    cursor.execute(
                        f'CREATE INDEX "{index}" ON "{table}" ("deleted_at") '
                        "WHERE deleted_at IS NOT NULL"
                    )
            try:
                run_variant(VARIANTS[0], " (info: partial deleted_at indexes)")
            finally:
                with connection.cursor() as cursor:
                    for index, _table, sql in originals:
                        cursor.execute(f'DROP INDEX "{index}"')
                        cursor.execute(sql)

        # -- output
        print()
        print(
            f"Irum flows benchmark: {counts['persons']:,} persons, {counts['cases']:,} cases, "
            f"{counts['events']:,} events (soft-deleted: {counts['cases_deleted']:,} cases, "
            f"{counts['persons_deleted']:,} persons, {counts['events_deleted']:,} events); "
            f"seed {args.seed}; median of {args.repeat} interleaved rounds after a warm-up; "
            f"as a superuser; "
            f"public threshold {threshold}; SQLite {sqlite3.sqlite_version}, Python "
            f"{platform.python_version()}, {os.cpu_count()} CPUs; code {code_version()}"
            + ("; PROFILED" if args.profile else "")
        )
        if "build" in t:
            print(
                f"Database built in {t['build']:.1f} s (generate {t['generate']:.1f} s, "
                f"insert {t['insert']:.1f} s)."
            )
        else:
            print(f"Database reused from {args.keep_db}.")
        print()
        print_rows(rows)
        if plans:
            print()
            for label, text in plans.items():
                print(f"EXPLAIN QUERY PLAN, {label}:\n{text}")
        for label, text in profiles.items():
            print(f"\n== cProfile: {label} (top 25 by cumulative time) ==")
            print(text)
        if not args.no_json:
            OUT_DIR.mkdir(exist_ok=True)
            out = OUT_DIR / f"flows-{counts['persons']}.json"
            out.write_text(
                json.dumps(
                    {
                        "persons": counts["persons"],
                        "seed": args.seed,
                        "repeat": args.repeat,
                        "code": code_version(),
                        "sqlite": sqlite3.sqlite_version,
                        "counts": counts,
                        "timings": t,
                        "rows": rows,
                        "plans": plans,
                        "failures": failures,
                        "profiled": args.profile,
                        "reused_db": reuse,
                    },
                    indent=2,
                    ensure_ascii=False,
                )
                + "\n",
                encoding="utf-8",
            )
            log(f"wrote {out.relative_to(BENCH_DIR.parent)}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)  # the kept database is outside it
    for failure in failures:
        print(f"\nFAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


def print_rows(rows: list[dict[str, Any]]) -> None:
    def ratio(value: float | None) -> str:
        return "—" if value is None else f"{value:.2f}×"

    headers = ["what", "rows", "seconds", "baseline s", "ratio"]
    headers += ["cpu s", "baseline cpu s", "cpu ratio", "goal", "met?"]
    cells = [
        [
            r["step"],
            "—" if r.get("n") is None else f"{r['n']:,} {r['unit']}",
            r.get("seconds_text") or fmt_seconds(r.get("seconds")),
            r.get("baseline_text") or fmt_seconds(r.get("baseline_seconds")),
            ratio(r.get("ratio")),
            fmt_seconds(r.get("cpu_seconds")),
            fmt_seconds(r.get("baseline_cpu_seconds")),
            ratio(r.get("cpu_ratio")),
            r.get("goal") or "—",
            {True: "yes", False: "NO", None: "—"}[r.get("met")],
        ]
        for r in rows
    ]
    widths = [max(len(str(c)) for c in col) for col in zip(headers, *cells, strict=True)]
    left = (0, len(headers) - 2, len(headers) - 1)
    print(" | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    print("-+-".join("-" * w for w in widths))
    for row in cells:
        print(
            " | ".join(
                str(c).ljust(w) if i in left else str(c).rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )


if __name__ == "__main__":
    sys.exit(main())
