"""Benchmark: the map page with 10,000 drawn legs in headless Chromium (issue 4; goal: the
first full render in under 2 s).

    .venv/bin/python bench/map_render.py                # 10,000 flows and 10,000 route legs
    .venv/bin/python bench/map_render.py --legs 2000 --repeat 3   # a quick run
    .venv/bin/python bench/map_render.py --profile      # also profile (Chromium CPU, cProfile)
    .venv/bin/python bench/map_render.py --prototype    # also time the prototypes below
    .venv/bin/python bench/map_render.py --screenshots /tmp/maps   # a PNG of each map

What it does, in a throwaway SQLite database in a temp dir (bench/run.py `setup_django`):

- adds --places (500) places to the gazetteer (irum.gazetteer.services.place_upsert),
  spread over North Korea and north-east China, all with coordinates;
- partner "bench-flows": persons whose custody chains (random walks over the places,
  weighted towards the real gazetteer's places, so that some flows carry many persons)
  make exactly --legs distinct (from, to) flows, all drawable;
- partner "bench-routes": one case whose persons have --legs route legs in all;
- partner "bench-tiny": one case, two persons, 10 legs that are also 10 distinct flows:
  the baseline, the same pages with a tiny data set;
- rows are written with bulk_create (a bench database: no history rows, no audit), with
  chain_index set per person in chain order, as the services would.

Then it runs a real server on 127.0.0.1: Django's development server (the WSGIServer and
StaticFilesHandler that `irum runserver --noreload` uses; DEBUG is on, so Django serves
the static files, uncompressed and unminified; gunicorn is not installed), started by this
script in a process of its own (`--serve`), which also serves saved copies of pages under
/bench-static/. A superuser with a confirmed TOTP device signs in through /admin/login/
and /admin/2fa/verify/ once; each timed load is a fresh browser context (a first visit:
empty HTTP cache) with that session, and every request not to the server is blocked.

Pages timed, in interleaved rounds after one warm-up round (median of --repeat):

- flows: /maps/?partner=bench-flows (the "all routes in a report" case: --legs flows);
- routes: /maps/?case=<the route case> (every leg of every person of one case);
- the baseline: both pages for bench-tiny (10 lines); the ratio is against it;
- (info) a static copy of each big page's HTML served as a file by the same server: with
  the map script (the same client work, no server work) and without any script (the
  floor: loading, parsing and laying out a document of that size).

"First full render" is measured in the page (performance.now(), from navigation start): an
init script's MutationObserver notes when #irum-map gets data-ready="1" (basemap and every
line drawn), then waits for two requestAnimationFrames so that the canvas has painted.
TTFB is the navigation's responseStart; client = first full render - TTFB. Chromium's own
counters (script, layout, style) are read over CDP after each load, and the view is also
timed in this process (mapdata, GeoJSON, whole view through django.test.Client) to split
the server's time.

Prints a table and writes JSON to bench/out/. Exits non-zero when a check fails (the page
draws a different number of lines than expected, the basemap fails, a script error, a
request to another host); missing the timing goal is reported, not fatal. When the goal is
missed (or with --profile), one more load of each big page runs under Chromium's sampling
profiler and the view under cProfile, and the top entries are printed (the Chromium
profiles are also saved as bench/out/map-render-*.cpuprofile, for DevTools).

With --prototype, variants of the flows page's static copy are timed as well, for the
suggestions (nothing in the product changes): its flows table cut to 100 rows; its tables
with `content-visibility: auto`; a sketch of a faster map script (PROTOTYPE_JS below: the
basemap fetched first, every line and arrowhead drawn by one canvas layer); both.
"""

from __future__ import annotations

import argparse
import calendar
import cProfile
import datetime as dt
import io
import json
import os
import platform
import pstats
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlparse

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

from run import OUT_DIR, code_version, fmt_seconds, log, setup_django  # noqa: E402

CHROMIUM = os.environ.get("IRUM_CHROMIUM", "/usr/bin/chromium")
GOAL_SECONDS = 2.0
USERNAME = "bench-researcher"
PASSWORD = "bench-password-not-a-secret-1"
STATIC_PREFIX = "/bench-static/"
TINY_LEGS = 10
CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8"}
TABLE_ROWS_KEPT = 100  # prototype: the flows table cut to its biggest flows
PAGE_TIMEOUT_MS = 180_000

# Installed before any script of the page runs. Marks are performance.now() values, i.e.
# milliseconds since navigation start.
INIT_SCRIPT = r"""
(() => {
  const marks = {};
  Object.defineProperty(window, "__irumBench", { value: marks });
  const afterPaint = (key) => requestAnimationFrame(() => requestAnimationFrame(() => {
    marks[key] = performance.now();
  }));
  // Leaflet's bundle sets window.L as it finishes; map.js reads L first thing.
  let leaflet;
  Object.defineProperty(window, "L", {
    configurable: true,
    get() {
      const script = document.currentScript;
      if (marks.mapStart === undefined && script && /map\.js/.test(script.src)) {
        marks.mapStart = performance.now();
      }
      return leaflet;
    },
    set(value) {
      leaflet = value;
      if (marks.leafletDone === undefined) { marks.leafletDone = performance.now(); }
    }
  });
  const observer = new MutationObserver((records) => {
    for (const record of records) {
      const node = record.target;
      if (node.id === "irum-map" && marks.ready === undefined &&
          node.getAttribute("data-ready") === "1") {
        marks.ready = performance.now();
        afterPaint("painted");
      }
    }
  });
  observer.observe(document, {
    subtree: true, attributes: true, attributeFilter: ["data-ready"]
  });
  document.addEventListener("DOMContentLoaded", () => { marks.dcl = performance.now(); });
  window.addEventListener("load", () => {
    marks.load = performance.now();
    afterPaint("loadPainted");
  });
})();
"""

COLLECT_SCRIPT = """
() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const map = document.getElementById("irum-map");
  return {
    marks: Object.assign({}, window.__irumBench),
    nav: {
      requestStart: nav.requestStart, responseStart: nav.responseStart,
      responseEnd: nav.responseEnd, domInteractive: nav.domInteractive,
      dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd,
      bytes: nav.decodedBodySize
    },
    resources: performance.getEntriesByType("resource").map((r) => ({
      name: r.name, start: r.startTime, responseEnd: r.responseEnd, bytes: r.decodedBodySize
    })),
    drawnLines: map ? map.getAttribute("data-drawn-lines") : null,
    drawnPlaces: map ? map.getAttribute("data-drawn-places") : null,
    basemapFailed: map ? map.getAttribute("data-basemap-failed") : null
  };
}
"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--legs", type=int, default=10_000, help="lines drawn (default 10000)")
    parser.add_argument("--places", type=int, default=500, help="extra places (default 500)")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--repeat", type=int, default=5, help="timed rounds (median is shown)")
    parser.add_argument(
        "--profile", action="store_true", help="profile the big pages even if the goal is met"
    )
    parser.add_argument(
        "--no-profile", action="store_true", help="do not profile, even if the goal is missed"
    )
    parser.add_argument("--no-routes", action="store_true", help="time the flows page only")
    parser.add_argument("--no-static", action="store_true", help="skip the static copies")
    parser.add_argument(
        "--prototype",
        action="store_true",
        help="also time prototype variants of the flows page's static copy (a cut table, "
        "content-visibility, a one-canvas map script): numbers for the suggestions",
    )
    parser.add_argument(
        "--screenshots", type=Path, metavar="DIR", help="save a screenshot of each page's map"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temp dir and print it")
    parser.add_argument("--no-json", action="store_true", help="do not write bench/out/*.json")
    # Internal: the server process this script starts.
    parser.add_argument("--serve", type=int, metavar="PORT", help=argparse.SUPPRESS)
    parser.add_argument("--files", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args()


# -- the server ---------------------------------------------------------------------------


class BenchFiles:
    """WSGI: saved pages under /bench-static/<name> from a directory, the rest to Django."""

    def __init__(self, app: Any, root: Path) -> None:
        self.app, self.root = app, root

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "")
        if not path.startswith(STATIC_PREFIX):
            return self.app(environ, start_response)
        name = path[len(STATIC_PREFIX) :]
        file = self.root / name
        if "/" in name or name.startswith(".") or not file.is_file():
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found"]
        body = file.read_bytes()
        start_response(
            "200 OK",
            [
                ("Content-Type", CONTENT_TYPES.get(file.suffix, "text/plain")),
                ("Content-Length", str(len(body))),
                ("Cache-Control", "no-store"),
            ],
        )
        return [body]


def serve(port: int, files: Path) -> None:
    """What `irum runserver --noreload 127.0.0.1:PORT` runs (Django's threaded WSGIServer,
    static files through StaticFilesHandler since DEBUG is on), plus BenchFiles. The
    environment (database, keys) is the parent's."""
    import django

    django.setup()
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.servers.basehttp import WSGIServer, run
    from django.core.wsgi import get_wsgi_application

    handler = BenchFiles(StaticFilesHandler(get_wsgi_application()), files)
    run("127.0.0.1", port, handler, ipv6=False, threading=True, server_cls=WSGIServer)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(tmp: Path, files: Path) -> tuple[subprocess.Popen, str, Path]:
    port = free_port()
    server_log = tmp / "server.log"
    with server_log.open("wb") as out:
        command = [sys.executable, str(Path(__file__).resolve()), "--serve", str(port)]
        process = subprocess.Popen(
            [*command, "--files", str(files)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=os.environ.copy(),
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"bench: the server exited:\n{server_log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{base}/admin/login/", timeout=5) as response:
                if response.status == 200:
                    return process, base, server_log
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    process.terminate()
    raise SystemExit(f"bench: the server did not answer:\n{server_log.read_text()[-3000:]}")


# -- the data -----------------------------------------------------------------------------

KP_KINDS = (
    "mps_detention_centre",
    "mss_holding_centre",
    "mss_provincial_detention",
    "labour_training_camp",
    "kyohwaso",
    "city",
    "county",
)
CN_KINDS = ("cn_border_detention_centre", "cn_prison", "city")
LEG_KINDS = ("transfer", "transfer", "detention", "repatriation", "sentence", "interrogation")


@dataclass
class Dataset:
    flows: int = 0  # distinct (from, to) pairs of bench-flows: lines on the flows page
    flow_legs: int = 0  # legs behind them
    flow_persons: int = 0
    route_legs: int = 0
    route_persons: int = 0
    route_case: str = ""
    tiny_case: str = ""
    places: int = 0
    events: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def add_places(rng: random.Random, n: int) -> list[int]:
    from irum.gazetteer.services import place_upsert

    ids = []
    for i in range(1, n + 1):
        if rng.random() < 0.7:  # inside North Korea (a rough box; some fall on the coast)
            country, kind = "KP", rng.choice(KP_KINDS)
            lat, lon = rng.uniform(38.3, 42.8), rng.uniform(124.6, 130.3)
        else:  # north-east China: Liaoning, Jilin, Heilongjiang
            country, kind = "CN", rng.choice(CN_KINDS)
            lat, lon = rng.uniform(40.5, 46.5), rng.uniform(121.5, 131.0)
        place = place_upsert(
            actor=None,
            slug=f"bench-place-{i:04d}",
            name=f"Bench place {i}",
            name_ko=f"벤치 장소 {i}",
            kind=kind,
            country=country,
            lat=round(lat, 5),
            lon=round(lon, 5),
            precision="exact" if rng.random() < 0.8 else "approximate",
            source="bench/map_render.py (invented for the benchmark)",
            names=(f"Pench-place {i}",),
        )
        ids.append(place.pk)
    return ids


def drawable_gazetteer_places() -> list[int]:
    """The gazetteer's own drawable places (not provinces) in the region: those in far
    Russia (Saint Petersburg) would zoom the map out until most lines are too short to
    carry arrowheads, the cheaper case."""
    from irum.gazetteer.models import Place

    rows = {place.pk: place for place in Place.objects.all()}
    out = []
    for pk, place in rows.items():
        point = place.point(rows)
        if place.kind != "province" and point is not None and in_region(point.lat, point.lon):
            out.append(pk)
    return sorted(out)


def in_region(lat: float, lon: float) -> bool:
    return 37.0 <= lat <= 47.0 and 120.0 <= lon <= 135.0


class Chains:
    """Persons' chains of stops and the events that make them."""

    def __init__(self, rng: random.Random, agencies: list[int]) -> None:
        self.rng = rng
        self.agencies = agencies

    def events(self, stops: list[int]) -> list[dict[str, Any]]:
        """Events in chain order for STOPS (consecutive stops differ): an arrest, sometimes
        more events at the same stop (one stop, not a leg), now and then an event with no
        place (no stop). Legs are exactly the consecutive pairs of STOPS."""
        rng = self.rng
        month = rng.randint(0, 26 * 12)
        out: list[dict[str, Any]] = []
        for number, place in enumerate(stops):
            kinds = ["arrest"] if number == 0 else [rng.choice(LEG_KINDS)]
            if rng.random() < 0.25:
                kinds.append(rng.choice(("interrogation", "trial", "detention")))
            for kind in kinds:
                month += rng.randint(0, 3)
                out.append(self._event(kind, place, month))
            if rng.random() < 0.05:
                out.append(self._event("sighting", None, month))
        if rng.random() < 0.1:
            out.append(self._event("last_contact", None, month + 6))
        return out

    def _event(self, kind: str, place: int | None, month: int) -> dict[str, Any]:
        year, mon = 1995 + month // 12, month % 12 + 1
        last = calendar.monthrange(year, mon)[1]
        return {
            "kind": kind,
            "place_id": place,
            "agency_id": self.rng.choice(self.agencies) if self.agencies else None,
            "date": f"{year:04d}-{mon:02d}",
            "date_lower": dt.date(year, mon, 1),
            "date_upper": dt.date(year, mon, last),
        }


def flow_walks(
    rng: random.Random, hubs: list[int], extras: list[int], target: int
) -> tuple[list[list[int]], set[tuple[int, int]]]:
    """Random walks until exactly TARGET distinct (from, to) pairs. A third of the stops are
    the gazetteer's own places, the first few far more often than the rest, so flows
    between them gather many persons (thick lines), as in real data."""
    weights = [1 / (i + 1) for i in range(len(hubs))]

    def pick() -> int:
        if rng.random() < 0.35:
            return rng.choices(hubs, weights)[0]
        return rng.choice(extras)

    pairs: set[tuple[int, int]] = set()
    walks: list[list[int]] = []
    while len(pairs) < target:
        stops = [pick()]
        for _ in range(rng.randint(2, 7)):
            step = pick()
            while step == stops[-1]:
                step = pick()
            stops.append(step)
            pairs.add((stops[-2], step))
            if len(pairs) == target:
                break
        walks.append(stops)
    return walks, pairs


def route_walks(rng: random.Random, places: list[int], legs: int) -> list[list[int]]:
    """Persons with 5 legs each (the last may have fewer), LEGS in all."""
    walks = []
    left = legs
    while left > 0:
        n = min(5, left)
        stops = [rng.choice(places)]
        for _ in range(n):
            step = rng.choice(places)
            while step == stops[-1]:
                step = rng.choice(places)
            stops.append(step)
        walks.append(stops)
        left -= n
    return walks


def tiny_walks(rng: random.Random, places: list[int]) -> list[list[int]]:
    """Two persons, 5 legs each, 10 distinct pairs."""
    while True:
        walks = route_walks(rng, places, TINY_LEGS)
        pairs = {(w[i], w[i + 1]) for w in walks for i in range(len(w) - 1)}
        if len(pairs) == TINY_LEGS:
            return walks


def write_case(
    org: Any, ref: str, walks: list[list[int]], chains: Chains, confidentiality: str
) -> tuple[Any, int]:
    """One case of ORG with a person per walk; bulk-created persons and events."""
    from irum.archive.models import Case, Event, Person
    from irum.archive.services import new_public_id

    case = Case.objects.create(
        ref=ref,
        public_id=new_public_id("C"),
        owner=org,
        title=f"{ref} (benchmark)",
        confidentiality=confidentiality,
        verification="corroborated",
    )
    persons = Person.objects.bulk_create(
        [
            Person(
                ref=f"{ref}-P{i:05d}",
                public_id=new_public_id("P"),
                case=case,
                position=i,
                pseudonym=f"{ref} person {i}",
                sex=chains.rng.choice(("male", "female", "unknown")),
                status="missing",
            )
            for i in range(len(walks))
        ],
        batch_size=2000,
    )
    events = []
    for person, stops in zip(persons, walks, strict=True):
        for index, values in enumerate(chains.events(stops)):
            events.append(Event(person_id=person.pk, chain_index=index, position=index, **values))
    Event.objects.bulk_create(events, batch_size=2000)
    return case, len(events)


def build(args: argparse.Namespace) -> tuple[Dataset, Any]:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import transaction

    from irum.accounts.testing import confirmed_device_for
    from irum.gazetteer.models import Agency
    from irum.gazetteer.services import gazetteer_load
    from irum.partners.models import Organization

    rng = random.Random(args.seed)
    data = Dataset()
    start = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    gazetteer_load(actor=None)
    data.seconds["migrate"] = time.perf_counter() - start
    log(f"migrated and loaded the gazetteer in {data.seconds['migrate']:.1f} s")

    start = time.perf_counter()
    with transaction.atomic():
        hubs = drawable_gazetteer_places()
        extras = add_places(rng, args.places)
    data.places = len(hubs) + len(extras)
    data.seconds["places"] = time.perf_counter() - start
    log(
        f"{len(extras)} places added ({len(hubs)} drawable in the gazetteer) "
        f"in {data.seconds['places']:.1f} s"
    )

    start = time.perf_counter()
    agencies = list(Agency.objects.values_list("pk", flat=True))
    chains = Chains(rng, agencies)
    everywhere = hubs + extras
    with transaction.atomic():
        flows_org = Organization.objects.create(slug="bench-flows", name="Bench flows")
        routes_org = Organization.objects.create(slug="bench-routes", name="Bench routes")
        tiny_org = Organization.objects.create(slug="bench-tiny", name="Bench tiny")

        walks, pairs = flow_walks(rng, hubs, extras, args.legs)
        data.flows = len(pairs)
        data.flow_legs = sum(len(w) - 1 for w in walks)
        data.flow_persons = len(walks)
        # Many cases, as in an archive: 1 to 8 persons each.
        cases, i = 0, 0
        while i < len(walks):
            n = rng.randint(1, 8)
            _, events = write_case(
                flows_org, f"BF{cases:05d}", walks[i : i + n], chains, "restricted"
            )
            data.events += events
            cases += 1
            i += n

        walks = [] if args.no_routes else route_walks(rng, everywhere, args.legs)
        if walks:
            case, events = write_case(routes_org, "BR00001", walks, chains, "restricted")
            data.route_case = case.public_id
            data.route_legs = sum(len(w) - 1 for w in walks)
            data.route_persons = len(walks)
            data.events += events

        case, events = write_case(
            tiny_org, "BT00001", tiny_walks(rng, everywhere), chains, "public"
        )
        data.tiny_case = case.public_id
        data.events += events

        user = get_user_model().objects.create_user(
            USERNAME, password=PASSWORD, is_staff=True, is_superuser=True
        )
        confirmed_device_for(user)
    data.seconds["archive"] = time.perf_counter() - start
    log(
        f"wrote {data.flow_persons:,} persons with {data.flow_legs:,} legs making "
        f"{data.flows:,} flows, {data.route_persons:,} persons with {data.route_legs:,} legs "
        f"in one case, the tiny case; {data.events:,} events in "
        f"{data.seconds['archive']:.1f} s"
    )
    return data, user


# -- the pages ------------------------------------------------------------------------------


@dataclass
class Scenario:
    key: str
    label: str
    path: str  # the URL path and query
    expected_lines: int | None  # None: no map script on the page
    baseline: str | None = None  # key of the scenario this one is compared with
    goal: bool = False
    info: bool = False  # shown, but not compared with the goal
    runs: list[dict[str, Any]] = field(default_factory=list)

    def median(self, name: str) -> float | None:
        values = [run[name] for run in self.runs if run.get(name) is not None]
        return statistics.median(values) if values else None


def map_path(params: dict[str, str]) -> str:
    return f"/maps/?{urlencode(params)}"


def server_side(
    data: Dataset, user: Any, repeat: int, profile: bool
) -> tuple[dict[str, Any], list[str], dict[str, str]]:
    """The view's parts, timed in this process on the same database: what the map shows
    (mapdata), its GeoJSON, and the whole view (template included) through the test
    client. Also checks the counts before any browser is started."""
    from django.test import Client

    from irum.accounts.testing import verified_login
    from irum.routes import filters as filters_module
    from irum.routes import geojson, mapdata

    failures: list[str] = []
    out: dict[str, Any] = {}
    profiles: dict[str, str] = {}
    client = Client(SERVER_NAME="127.0.0.1")
    verified_login(client, user)
    cases = [("flows", {"partner": "bench-flows"}, data.flows)]
    if data.route_case:
        cases.append(("routes", {"case": data.route_case}, data.route_legs))
    cases += [
        ("tiny flows", {"partner": "bench-tiny"}, TINY_LEGS),
        ("tiny routes", {"case": data.tiny_case}, TINY_LEGS),
    ]
    for name, params, expected in cases:
        filters = filters_module.parse(params)
        routes = "case" in params

        def compute(filters=filters, routes=routes):
            if routes:
                result = mapdata.route_map(filters, user=user, public=False)
                return result, geojson.routes_collection
            result = mapdata.flow_map(filters, user=user, public=False)
            return result, geojson.flows_collection

        def view(params=params):
            response = client.get("/maps/", params)
            assert response.status_code == 200, response.status_code
            return response

        times: dict[str, list[float]] = {"mapdata": [], "geojson": [], "view": []}
        for round_ in range(repeat + 1):
            start = time.perf_counter()
            result, to_geojson = compute()
            middle = time.perf_counter()
            collection = to_geojson(result)
            end = time.perf_counter()
            response = view()
            done = time.perf_counter()
            if round_ or not repeat:  # the first round warms the caches
                times["mapdata"].append(middle - start)
                times["geojson"].append(end - middle)
                times["view"].append(done - end)
        lines = sum(
            1
            for feature in collection["features"]
            if feature["properties"]["feature_type"] in ("flow", "leg") and feature["geometry"]
        )
        if lines != expected:
            failures.append(f"{name}: the GeoJSON has {lines} drawable lines, expected {expected}")
        out[name] = {k: statistics.median(v) for k, v in times.items()} | {
            "lines": lines,
            "html_bytes": len(response.content),
            "map_data_bytes": len(json.dumps(collection, ensure_ascii=False)),
        }
        if profile and name in ("flows", "routes"):
            profiler = cProfile.Profile()
            profiler.enable()
            view()
            profiler.disable()
            buffer = io.StringIO()
            stats = pstats.Stats(profiler, stream=buffer)
            stats.sort_stats("cumulative").print_stats(r"irum/|template/(base|defaulttags)", 25)
            stats.sort_stats("tottime").print_stats(15)
            profiles[f"server {name}"] = buffer.getvalue()
    return out, failures, profiles


def new_context(browser: Any, base: str, storage: Any, blocked: list[str]) -> Any:
    context = browser.new_context(locale="en-GB", storage_state=storage)
    allowed = urlparse(base).netloc

    def guard(route: Any) -> Any:
        url = route.request.url
        if urlparse(url).netloc == allowed or url.startswith("data:"):
            return route.continue_()
        blocked.append(url)
        return route.abort()

    context.route("**/*", guard)
    context.add_init_script(INIT_SCRIPT)
    return context


def sign_in(browser: Any, base: str, user: Any) -> Any:
    from irum.accounts.testing import confirmed_device_for, totp_code

    blocked: list[str] = []
    context = new_context(browser, base, None, blocked)
    page = context.new_page()
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", USERNAME)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{base}/admin/2fa/verify/**")
    device = confirmed_device_for(user)
    page.fill("#id_code", totp_code(device))
    page.click("input[type=submit]")
    page.wait_for_url(f"{base}/admin/")
    storage = context.storage_state()
    context.close()
    if blocked:
        raise SystemExit(f"bench: the sign-in tried to reach other hosts: {blocked}")
    return storage


def load(
    browser: Any,
    base: str,
    storage: Any,
    scenario: Scenario,
    cpu_profile: bool = False,
    screenshot: Path | None = None,
) -> dict[str, Any]:
    """One first visit of SCENARIO's page; its timings (seconds) and checks."""
    blocked: list[str] = []
    errors: list[str] = []
    context = new_context(browser, base, storage, blocked)
    try:
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
        page.on(
            "console",
            lambda msg: (
                errors.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None
            ),
        )
        cdp = context.new_cdp_session(page)
        cdp.send("Performance.enable")
        if cpu_profile:
            cdp.send("Profiler.enable")
            cdp.send("Profiler.setSamplingInterval", {"interval": 200})
            cdp.send("Profiler.start")
        response = page.goto(base + scenario.path, wait_until="commit", timeout=PAGE_TIMEOUT_MS)
        if response is None or response.status != 200:
            raise SystemExit(f"bench: {scenario.path} answered {response and response.status}")
        done = "painted" if scenario.expected_lines is not None else "loadPainted"
        page.wait_for_function(
            f"() => window.__irumBench && window.__irumBench.{done} !== undefined",
            timeout=PAGE_TIMEOUT_MS,
            polling=50,
        )
        got = page.evaluate(COLLECT_SCRIPT)
        metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
        profile = cdp.send("Profiler.stop")["profile"] if cpu_profile else None
        if screenshot is not None:
            target = page.locator("#irum-map")
            (target if target.count() else page).screenshot(path=str(screenshot))
    finally:
        context.close()
    marks, nav = got["marks"], got["nav"]

    def s(ms: float | None) -> float | None:
        return None if ms is None else ms / 1000

    basemap = next((r for r in got["resources"] if r["name"].endswith("/countries.geojson")), None)
    end = marks.get(done)
    run: dict[str, Any] = {
        "ttfb": s(nav["responseStart"]),
        "html_received": s(nav["responseEnd"]),
        "leaflet_done": s(marks.get("leafletDone")),
        "map_start": s(marks.get("mapStart")),
        "dcl": s(marks.get("dcl")),
        # map.js asks for the basemap as its last synchronous act, after every line and
        # arrow is added: there, the fetch's start is the end of the synchronous drawing
        # (the prototype script asks first).
        "basemap_asked": s(basemap["start"]) if basemap else None,
        "basemap_received": s(basemap["responseEnd"]) if basemap else None,
        "ready": s(marks.get("ready")),
        "render": s(end),
        "client": s(end - nav["responseStart"]) if end is not None else None,
        "html_bytes": nav["bytes"],
        "script_s": metrics.get("ScriptDuration"),
        "layout_s": metrics.get("LayoutDuration"),
        "style_s": metrics.get("RecalcStyleDuration"),
        "task_s": metrics.get("TaskDuration"),
        "drawn_lines": got["drawnLines"],
        "blocked": blocked,
        "errors": errors,
        "basemap_failed": got["basemapFailed"],
    }
    if profile is not None:
        run["cpu_profile"] = profile
    return run


def check_run(scenario: Scenario, run: dict[str, Any]) -> list[str]:
    problems = [f"{scenario.label}: {e}" for e in run["errors"]]
    if run["blocked"]:
        problems.append(f"{scenario.label}: requests to other hosts: {run['blocked']}")
    if scenario.expected_lines is not None:
        if run["drawn_lines"] != str(scenario.expected_lines):
            problems.append(
                f"{scenario.label}: data-drawn-lines={run['drawn_lines']}, "
                f"expected {scenario.expected_lines}"
            )
        if run["basemap_failed"]:
            problems.append(f"{scenario.label}: the basemap failed to load")
    return problems


def save_static_copy(
    browser: Any, base: str, storage: Any, path: str, files: Path, name: str
) -> tuple[str, str]:
    """The HTML the server renders for PATH, saved as NAME (with its scripts) and as
    NAME-noscript (without); their URL paths."""
    context = browser.new_context(storage_state=storage)
    try:
        response = context.request.get(base + path, timeout=PAGE_TIMEOUT_MS)
        html = response.text()
    finally:
        context.close()
    (files / f"{name}.html").write_text(html, encoding="utf-8")
    stripped = re.sub(r'<script src="[^"]*"></script>', "", html)
    (files / f"{name}-noscript.html").write_text(stripped, encoding="utf-8")
    return f"{STATIC_PREFIX}{name}.html", f"{STATIC_PREFIX}{name}-noscript.html"


# -- prototypes (for the suggestions; the product's map.js and view are untouched) ---------

# A sketch of a faster map.js, served with static copies of the flows page (--prototype):
# the basemap is fetched first, so that it downloads while the lines are drawn; every line
# and arrowhead is drawn by one canvas layer in one pass per view (strokes batched by
# style) instead of 20,000 Leaflet layers; a click finds the nearest line for its popup.
# Place markers are drawn as in map.js. Same data-ready / data-drawn-lines contract.
PROTOTYPE_JS = r"""
(function () {
  "use strict";
  var element = document.getElementById("irum-map");
  if (!element || typeof L === "undefined") { return; }
  var basemap = fetch(element.getAttribute("data-basemap"), { credentials: "same-origin" })
    .then(function (response) { return response.json(); });
  var data = JSON.parse(document.getElementById("map-data").textContent);
  var words = JSON.parse(document.getElementById("map-labels").textContent);
  var map = L.map(element, { preferCanvas: true, zoomSnap: 0.25 });
  map.createPane("basemap").style.zIndex = 200;
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Natural Earth");

  var places = [], items = [], most = 1, bounds = L.latLngBounds([]);
  var palette = ["#8a1c1c", "#0072b2", "#d55e00", "#009e73", "#cc79a7", "#56b4e9", "#e69f00"];
  var personColour = {}, nColours = 0;
  data.features.forEach(function (f) {
    var p = f.properties;
    if (p.feature_type === "flow") { most = Math.max(most, p.persons || 1); }
  });
  data.features.forEach(function (f) {
    var p = f.properties, g = f.geometry;
    if (p.feature_type === "place") { places.push(f); }
    if (!g) { return; }
    (g.type === "Point" ? [g.coordinates] : g.coordinates).forEach(function (c) {
      bounds.extend([c[1], c[0]]);
    });
    if (p.feature_type === "flow" || p.feature_type === "leg") {
      var colour = "#8a1c1c", weight = 3;
      if (p.feature_type === "flow") {
        weight = Math.round(2 * (1.5 + 8.5 * Math.sqrt((p.persons || 1) / most))) / 2;
      } else {
        if (!(p.person in personColour)) { personColour[p.person] = palette[nColours++ % 7]; }
        colour = personColour[p.person];
      }
      items.push({
        a: L.latLng(g.coordinates[0][1], g.coordinates[0][0]),
        b: L.latLng(g.coordinates[1][1], g.coordinates[1][0]),
        colour: colour, weight: weight, dashed: !!p.approximate, props: p,
        key: colour + "|" + weight + "|" + (p.approximate ? 1 : 0)
      });
    }
  });
  if (bounds.isValid()) { map.fitBounds(bounds.pad(0.15), { maxZoom: 9 }); }
  else { map.setView([40.3, 127.5], 6); }
  items.sort(function (x, y) { return x.key < y.key ? -1 : x.key > y.key ? 1 : 0; });

  var Lines = L.Layer.extend({
    onAdd: function () {
      this._canvas = L.DomUtil.create("canvas", "leaflet-zoom-hide");
      this.getPane().appendChild(this._canvas);
      this._map.on("moveend zoomend resize", this._redraw, this);
      this._redraw();
    },
    onRemove: function () {
      L.DomUtil.remove(this._canvas);
      this._map.off("moveend zoomend resize", this._redraw, this);
    },
    _redraw: function () {
      var map = this._map, size = map.getSize(), ratio = window.devicePixelRatio || 1;
      var canvas = this._canvas;
      L.DomUtil.setPosition(canvas, map.containerPointToLayerPoint([0, 0]));
      canvas.width = size.x * ratio; canvas.height = size.y * ratio;
      canvas.style.width = size.x + "px"; canvas.style.height = size.y + "px";
      var ctx = canvas.getContext("2d");
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.globalAlpha = 0.8; ctx.lineCap = "round";
      var i, item, key = null;
      for (i = 0; i < items.length; i++) {
        item = items[i];
        item.pa = map.latLngToContainerPoint(item.a);
        item.pb = map.latLngToContainerPoint(item.b);
        if (item.key !== key) {
          if (key !== null) { ctx.stroke(); }
          key = item.key;
          ctx.beginPath();
          ctx.strokeStyle = item.colour; ctx.lineWidth = item.weight;
          ctx.setLineDash(item.dashed ? [6, 6] : []);
        }
        ctx.moveTo(item.pa.x, item.pa.y); ctx.lineTo(item.pb.x, item.pb.y);
      }
      if (key !== null) { ctx.stroke(); }
      ctx.setLineDash([]); ctx.globalAlpha = 0.9;
      var colour = null;
      for (i = 0; i < items.length; i++) {
        item = items[i];
        var dx = item.pb.x - item.pa.x, dy = item.pb.y - item.pa.y;
        var length = Math.sqrt(dx * dx + dy * dy);
        if (length < 12) { continue; }
        if (item.colour !== colour) {
          if (colour !== null) { ctx.fill(); }
          colour = item.colour; ctx.beginPath(); ctx.fillStyle = colour;
        }
        var ux = dx / length, uy = dy / length, s = Math.max(7, item.weight * 1.8);
        var tx = item.pa.x + dx * 0.6 + ux * s / 2, ty = item.pa.y + dy * 0.6 + uy * s / 2;
        var bx = tx - ux * s, by = ty - uy * s;
        ctx.moveTo(tx, ty);
        ctx.lineTo(bx - uy * s * 0.6, by + ux * s * 0.6);
        ctx.lineTo(bx + uy * s * 0.6, by - ux * s * 0.6);
        ctx.closePath();
      }
      if (colour !== null) { ctx.fill(); }
    }
  });
  new Lines().addTo(map);

  map.on("click", function (e) {
    var p = e.containerPoint, best = null, bestDistance = Infinity;
    items.forEach(function (item) {
      if (!item.pa) { return; }
      var d = L.LineUtil.pointToSegmentDistance(p, item.pa, item.pb) - item.weight / 2;
      if (d < bestDistance) { bestDistance = d; best = item; }
    });
    if (best && bestDistance < 4) {
      var q = best.props, box = document.createElement("div");
      box.textContent = q.from_name + " \u2192 " + q.to_name +
        (q.persons ? " (" + q.persons + ")" : "");
      L.popup().setLatLng(e.latlng).setContent(box).openOn(map);
    }
  });

  places.forEach(function (f) {
    if (!f.geometry) { return; }
    var p = f.properties, c = f.geometry.coordinates;
    var marker = L.marker([c[1], c[0]], {
      title: p.name, alt: p.name, riseOnHover: true,
      icon: L.divIcon({
        className: "place-marker group-" + (words.group_of[p.kind] || "place") +
          (p.approximate ? " approximate" : ""),
        iconSize: [14, 14]
      })
    }).addTo(map);
    marker.getElement().setAttribute("data-place", p.slug);
  });

  basemap.then(function (countries) {
    L.geoJSON(countries, {
      pane: "basemap", interactive: false, renderer: L.canvas({ pane: "basemap" }),
      style: { color: "#8d96a3", weight: 0.7, fillColor: "#f4f1ea", fillOpacity: 1 }
    }).addTo(map);
  }).catch(function () { element.setAttribute("data-basemap-failed", "1"); })
    .then(function () {
      element.setAttribute("data-ready", "1");
      element.setAttribute("data-drawn-lines", String(items.length));
      element.setAttribute("data-drawn-places", String(places.length));
    });
})();
"""

# Keeps the tables out of layout until they are scrolled to (a line of map.css).
CONTENT_VISIBILITY_CSS = (
    "<style>table.flows, table.places, section.route "
    "{ content-visibility: auto; contain-intrinsic-size: auto 40rem; }</style>"
)


def cut_flows_table(html: str, keep: int) -> str:
    """HTML with the flows table cut to its first KEEP rows (the biggest flows)."""
    start = html.index('<table class="flows">')
    body = html.index("<tbody>", start) + len("<tbody>")
    end = html.index("</tbody>", body)
    rows = re.findall(r"<tr[ >].*?</tr>", html[body:end], flags=re.DOTALL)
    note = (
        f'<tr><td colspan="5">… and {len(rows) - keep:,} smaller flows (in the downloads)</td></tr>'
    )
    return html[:body] + "\n".join(rows[:keep]) + note + html[end:]


def prototype_pages(files: Path, name: str) -> list[tuple[str, str, str]]:
    """Variants of the saved static copy NAME.html: (key, label, URL path)."""
    html = (files / f"{name}.html").read_text(encoding="utf-8")
    (files / "map-prototype.js").write_text(PROTOTYPE_JS, encoding="utf-8")
    map_js = re.search(r'<script src="[^"]*/irum/routes/map\.js"></script>', html)
    if map_js is None:
        raise SystemExit("bench: the page has no map.js script tag")
    prototype_tag = f'<script src="{STATIC_PREFIX}map-prototype.js"></script>'
    cut = cut_flows_table(html, TABLE_ROWS_KEPT)
    variants = {
        "cut": ("table cut to its first 100 rows", cut),
        "cv": (
            "tables content-visibility:auto",
            html.replace("</head>", CONTENT_VISIBILITY_CSS + "</head>", 1),
        ),
        "proto": ("one-canvas map script", html.replace(map_js.group(0), prototype_tag)),
        "cut-proto": (
            "table cut + one-canvas map script",
            cut.replace(map_js.group(0), prototype_tag),
        ),
    }
    pages = []
    for key, (label, text) in variants.items():
        (files / f"{name}-{key}.html").write_text(text, encoding="utf-8")
        pages.append(
            (
                f"{name}-{key}",
                f"  (prototype) static {name} page, {label}",
                f"{STATIC_PREFIX}{name}-{key}.html",
            )
        )
    return pages


# -- profiles -------------------------------------------------------------------------------


def summarize_cpu_profile(profile: dict[str, Any], top: int = 20) -> str:
    """Self and inclusive time by function of a CDP Profiler profile, idle left out."""
    nodes = {node["id"]: node for node in profile["nodes"]}
    self_us: Counter[int] = Counter()
    for sample, delta in zip(profile["samples"], profile["timeDeltas"], strict=True):
        self_us[sample] += delta

    def key(node: dict[str, Any]) -> str:
        frame = node["callFrame"]
        name = frame["functionName"] or "(anonymous)"
        url = frame["url"].rsplit("/", 1)[-1]
        return f"{name} {url}:{frame['lineNumber'] + 1}" if url else name

    by_file: Counter[str] = Counter()
    by_self: Counter[str] = Counter()
    for node_id, us in self_us.items():
        node = nodes[node_id]
        if node["callFrame"]["functionName"] == "(idle)":
            continue
        by_self[key(node)] += us
        by_file[node["callFrame"]["url"].rsplit("/", 1)[-1] or "(native/browser)"] += us

    # Inclusive: each node's self plus its descendants', counted once per function even
    # when it recurses.
    inclusive: Counter[str] = Counter()
    children = {nid: node.get("children", []) for nid, node in nodes.items()}
    root = profile["nodes"][0]["id"]
    stack: list[tuple[int, tuple[str, ...]]] = [(root, ())]
    while stack:
        nid, above = stack.pop()
        k = key(nodes[nid])
        if k not in above and nodes[nid]["callFrame"]["functionName"] != "(idle)":
            # every sample at or below this node
            total, todo = 0, [nid]
            while todo:
                n = todo.pop()
                total += self_us.get(n, 0)
                todo.extend(children[n])
            inclusive[k] += total
        for child in children[nid]:
            stack.append((child, (*above, k)))
    busy = sum(by_self.values())
    lines = [f"busy (not idle): {busy / 1e6:.3f} s"]
    lines.append("by file (self time):")
    for name, us in by_file.most_common(8):
        lines.append(f"  {us / 1e6:8.3f} s  {100 * us / busy:5.1f}%  {name}")
    lines.append(f"top {top} functions by self time:")
    for name, us in by_self.most_common(top):
        lines.append(f"  {us / 1e6:8.3f} s  {100 * us / busy:5.1f}%  {name}")
    lines.append(f"top {top} functions by inclusive time (map.js and leaflet.js):")
    shown = [
        (name, us)
        for name, us in inclusive.most_common()
        if "map.js" in name or "leaflet.js" in name
    ]
    for name, us in shown[:top]:
        lines.append(f"  {us / 1e6:8.3f} s  {100 * us / busy:5.1f}%  {name}")
    return "\n".join(lines)


# -- output ---------------------------------------------------------------------------------


def ms(value: float | None) -> str:
    return "—" if value is None else f"{value * 1000:,.0f} ms"


def print_grid(headers: list[str], rows: list[list[str]], left: set[int]) -> None:
    widths = [max(len(str(c)) for c in col) for col in zip(headers, *rows, strict=True)]
    print(" | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    print("-+-".join("-" * w for w in widths))
    for row in rows:
        print(
            " | ".join(
                str(c).ljust(w) if i in left else str(c).rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )


def result_rows(scenarios: dict[str, Scenario]) -> list[dict[str, Any]]:
    rows = []
    for s in scenarios.values():
        render = s.median("render")
        base = scenarios[s.baseline].median("render") if s.baseline else None
        row = {
            "key": s.key,
            "what": s.label,
            "lines": s.expected_lines,
            "ttfb": s.median("ttfb"),
            "client": s.median("client"),
            "render": render,
            "baseline": base,
            "ratio": render / base if render and base else None,
            "goal": f"< {GOAL_SECONDS:g} s" if s.goal else None,
            "met": (render is not None and render < GOAL_SECONDS) if s.goal else None,
            "runs": len(s.runs),
        }
        rows.append(row)
    return rows


def print_results(rows: list[dict[str, Any]]) -> None:
    headers = ["what", "legs drawn", "TTFB", "client", "first full render", "baseline"]
    headers += ["ratio", "goal", "met?"]
    cells = [
        [
            r["what"],
            "—" if r["lines"] is None else f"{r['lines']:,}",
            ms(r["ttfb"]),
            ms(r["client"]),
            ms(r["render"]),
            ms(r["baseline"]),
            "—" if r["ratio"] is None else f"{r['ratio']:.1f}×",
            r["goal"] or "—",
            {True: "yes", False: "NO", None: "—"}[r["met"]],
        ]
        for r in rows
    ]
    print_grid(headers, cells, {0, 7, 8})


def print_phases(scenarios: dict[str, Scenario]) -> None:
    headers = ["page (medians, ms from navigation start)", "HTML", "TTFB", "HTML in"]
    headers += ["leaflet run", "map.js start", "basemap asked", "DCL", "basemap in"]
    headers += ["ready", "painted"]
    headers += ["script", "layout", "style"]

    def n(value: float | None) -> str:
        return "—" if value is None else f"{value * 1000:,.0f}"

    cells = []
    for s in scenarios.values():
        size = s.median("html_bytes")
        cells.append(
            [
                s.label,
                "—" if size is None else f"{size / 2**20:.1f} MB",
                n(s.median("ttfb")),
                n(s.median("html_received")),
                n(s.median("leaflet_done")),
                n(s.median("map_start")),
                n(s.median("basemap_asked")),
                n(s.median("dcl")),
                n(s.median("basemap_received")),
                n(s.median("ready")),
                n(s.median("render")),
                n(s.median("script_s")),
                n(s.median("layout_s")),
                n(s.median("style_s")),
            ]
        )
    print_grid(headers, cells, {0})


def print_server(server: dict[str, Any]) -> None:
    headers = ["view, in this process (medians)", "lines", "mapdata", "GeoJSON"]
    headers += ["whole view", "rest (template…)", "map data", "HTML"]
    cells = []
    for name, t in server.items():
        rest = t["view"] - t["mapdata"] - t["geojson"]
        cells.append(
            [
                name,
                f"{t['lines']:,}",
                ms(t["mapdata"]),
                ms(t["geojson"]),
                ms(t["view"]),
                ms(rest),
                f"{t['map_data_bytes'] / 2**20:.1f} MB",
                f"{t['html_bytes'] / 2**20:.1f} MB",
            ]
        )
    print_grid(headers, cells, {0})


# -- main -----------------------------------------------------------------------------------


def main() -> int:
    args = parse_args()
    if args.serve:
        serve(args.serve, args.files)
        return 0
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        raise SystemExit(f"bench: Chromium is required ({CHROMIUM})")
    tmp = Path(tempfile.mkdtemp(prefix="irum-map-bench-"))
    files = tmp / "pages"
    files.mkdir()
    failures: list[str] = []
    profiles: dict[str, str] = {}
    server = None
    try:
        # The server process inherits these; one fixed secret key for both processes.
        os.environ.setdefault("IRUM_SECRET_KEY", "bench-" + os.urandom(24).hex())
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API + the ORM
        setup_django(tmp)
        log(f"temp dir {tmp}")
        data, user = build(args)

        log("server side: the view in this process (and the counts)")
        server_times, problems, server_profiles = server_side(
            data, user, repeat=max(1, min(args.repeat, 3)), profile=args.profile
        )
        failures += problems
        profiles |= server_profiles
        if problems:
            raise SystemExit("bench: wrong data:\n  " + "\n  ".join(problems))

        from django.db import connections

        connections.close_all()
        server, base, server_log = start_server(tmp, files)
        log(f"server at {base} (Django's development server, DEBUG on; log {server_log})")

        scenarios: dict[str, Scenario] = {}

        def add(s: Scenario) -> None:
            scenarios[s.key] = s

        add(
            Scenario(
                "tiny-flows",
                f"flows page, baseline ({TINY_LEGS} flows)",
                map_path({"partner": "bench-tiny"}),
                TINY_LEGS,
            )
        )
        add(
            Scenario(
                "flows",
                f"flows page ({data.flows:,} flows of {data.flow_legs:,} legs)",
                map_path({"partner": "bench-flows"}),
                data.flows,
                baseline="tiny-flows",
                goal=True,
            )
        )
        if data.route_case:
            add(
                Scenario(
                    "tiny-routes",
                    f"route page, baseline ({TINY_LEGS} legs)",
                    map_path({"case": data.tiny_case}),
                    TINY_LEGS,
                )
            )
            add(
                Scenario(
                    "routes",
                    f"route page (1 case, {data.route_persons:,} persons)",
                    map_path({"case": data.route_case}),
                    data.route_legs,
                    baseline="tiny-routes",
                    goal=True,
                )
            )

        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=CHROMIUM,
                headless=True,
                args=[
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                ],
            )
            log(f"Chromium {browser.version}; signing in through /admin/login/ and 2FA")
            storage = sign_in(browser, base, user)

            if not args.no_static:
                for key in ("flows", "routes"):
                    if key not in scenarios:
                        continue
                    big = scenarios[key]
                    with_js, no_js = save_static_copy(browser, base, storage, big.path, files, key)
                    add(
                        Scenario(
                            f"{key}-static",
                            f"  (info) static copy of the {key} page, with its scripts",
                            with_js,
                            big.expected_lines,
                            baseline=key,
                            info=True,
                        )
                    )
                    add(
                        Scenario(
                            f"{key}-noscript",
                            f"  (info) static copy of the {key} page, no script",
                            no_js,
                            None,
                            baseline=key,
                            info=True,
                        )
                    )

            if args.prototype and "flows-static" in scenarios:
                for key, label, path in prototype_pages(files, "flows"):
                    add(Scenario(key, label, path, data.flows, baseline="flows-static", info=True))

            for round_ in range(args.repeat + 1):
                latest = {}
                for scenario in scenarios.values():
                    run = load(browser, base, storage, scenario)
                    failures += check_run(scenario, run)
                    latest[scenario.key] = run["render"]
                    if round_:  # round 0 warms the server (templates, caches)
                        scenario.runs.append(run)
                log(
                    f"round {round_}/{args.repeat}{'' if round_ else ' (warm-up)'}: "
                    + ", ".join(f"{key} {fmt_seconds(t)} s" for key, t in latest.items())
                )

            if args.screenshots:
                args.screenshots.mkdir(parents=True, exist_ok=True)
                for scenario in scenarios.values():
                    load(
                        browser,
                        base,
                        storage,
                        scenario,
                        screenshot=args.screenshots / f"{scenario.key}.png",
                    )
                log(f"screenshots in {args.screenshots}")

            rows = result_rows(scenarios)
            missed = any(r["met"] is False for r in rows)
            if (missed or args.profile) and not args.no_profile:
                for key in ("flows", "routes"):
                    if key not in scenarios:
                        continue
                    log(f"profiling the {key} page in Chromium")
                    run = load(browser, base, storage, scenarios[key], cpu_profile=True)
                    profile = run.pop("cpu_profile")
                    profiles[f"chromium {key}"] = (
                        f"(one profiled load: first full render {ms(run['render'])})\n"
                        + summarize_cpu_profile(profile)
                    )
                    OUT_DIR.mkdir(exist_ok=True)
                    (OUT_DIR / f"map-render-{key}.cpuprofile").write_text(json.dumps(profile))
                if not args.profile:
                    _, _, server_profiles = server_side(data, user, repeat=0, profile=True)
                    profiles |= server_profiles
            browser.close()

        print()
        print(
            f"Irum map render benchmark: {data.places:,} drawable places, {data.events:,} "
            f"events; seed {args.seed}; Chromium {CHROMIUM} (headless), Python "
            f"{platform.python_version()}, {os.cpu_count()} CPUs; code {code_version()}"
        )
        print(
            "Server: Django's development server (threaded WSGIServer, DEBUG on, static files "
            "by StaticFilesHandler), SQLite; each load a first visit (empty cache)."
        )
        print(
            f"Medians of {args.repeat} rounds after a warm-up round. First full render = "
            "navigation start → data-ready=1 + 2 animation frames; client = render − TTFB."
        )
        print()
        print_results(rows)
        print()
        print_phases(scenarios)
        print()
        print_server(server_times)
        for label, text in profiles.items():
            print(f"\n== profile: {label} ==")
            print(text)

        if not args.no_json:
            OUT_DIR.mkdir(exist_ok=True)
            out = OUT_DIR / f"map-render-{args.legs}.json"
            runs = {
                key: [{k: v for k, v in run.items() if k != "cpu_profile"} for run in s.runs]
                for key, s in scenarios.items()
            }
            out.write_text(
                json.dumps(
                    {
                        "legs": args.legs,
                        "seed": args.seed,
                        "repeat": args.repeat,
                        "code": code_version(),
                        "chromium": CHROMIUM,
                        "data": data.__dict__,
                        "rows": rows,
                        "server_in_process": server_times,
                        "runs": runs,
                        "profiles": profiles,
                        "failures": failures,
                    },
                    indent=2,
                    ensure_ascii=False,
                    default=str,
                )
                + "\n",
                encoding="utf-8",
            )
            log(f"wrote {out.relative_to(BENCH_DIR.parent)}")
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        if args.keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    for failure in dict.fromkeys(failures):
        print(f"\nFAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
