"""Benchmark: exporting the archive to CSV and to FtM, in constant memory (issue 5).

    .venv/bin/python bench/export_stream.py                      # 20,000 and 100,000 persons
    .venv/bin/python bench/export_stream.py --sizes 5000,20000   # a quick run
    .venv/bin/python bench/export_stream.py --keep-db /tmp/irum-export-dbs   # build once
    .venv/bin/python bench/export_stream.py --tracemalloc        # + Python-heap peaks

For each size, a throwaway SQLite database is filled the fast way, as bench/flows.py
does (its `build`: bench/workbook_gen.py's generated archive, ~5.7 events a person,
inserted by sqlite3 executemany), and then every identity field and restricted text is
encrypted as production stores it. An export without --include-restricted leaves them
out unread; the "-restricted" kinds ask for them, so they decrypt every one.

Each export runs as the system operator (who sees everything), in a fresh subprocess of
its own, so that its memory is its own:

- CSV: irum.exchange.exporter.workbook_export to a folder of CSV files (the four sheets),
  without and with the restricted fields;
- CSV .zip: the same to a .zip;
- FtM: irum.exchange.ftm.ftm_export, JSON lines to a file, without and with them;
- baseline: the same four sheets' columns, read by plain sqlite3 cursor iteration and
  written with csv.writer (no ORM, no decryption, no per-cell escaping).

Memory: the process's resident-set high-water mark is reset just before the export
(/proc/self/clear_refs) and read after it; "peak MB" is that peak minus the resident
set before the export. "Constant memory" means the peak at the largest size stays within
1.5× of the peak at the smallest (the data grows 5× by default). With --tracemalloc,
each export runs once more under tracemalloc (slower; not timed) for the Python heap's
peak.

rows/s: rows written per second (CSV rows of all sheets; FtM entities, one a line).
ratio: baseline rows/s ÷ this rows/s. Prints a table and writes it as JSON to
bench/out/. Exits non-zero when a check fails (an export fails, or writes a different
number of CSV rows than the baseline); missing a goal is reported, not fatal.
"""

from __future__ import annotations

import argparse
import base64
import csv
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))

from run import OUT_DIR, log  # noqa: E402

MEMORY_GOAL = 1.5  # peak at the largest size ÷ peak at the smallest
KINDS = ("csv", "csv-restricted", "zip", "ftm", "ftm-restricted", "baseline")
LABELS = {
    "csv": "CSV export (folder of 4 sheets)",
    "csv-restricted": "CSV export, --include-restricted (decrypts)",
    "zip": "CSV export (.zip of 4 sheets)",
    "ftm": "FtM export (JSON lines)",
    "ftm-restricted": "FtM export, --include-restricted (decrypts)",
    "baseline": "baseline: sqlite3 cursor → csv.writer",
}
# Encrypted at rest (irum.vault.fields.EncryptedTextField): (table, model label, columns).
ENCRYPTED = (
    ("archive_case", "archive.case", ("narrative_restricted",)),
    (
        "archive_person",
        "archive.person",
        (
            "full_name",
            "full_name_ko",
            "aliases",
            "date_of_birth",
            "address",
            "family_contacts",
            "family_steps",
        ),
    ),
    ("archive_source", "archive.source", ("content_restricted",)),
    ("archive_event", "archive.event", ("description_restricted",)),
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", default="20000,100000", help="persons, comma-separated (default 20000,100000)"
    )
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--kinds", default=",".join(KINDS), help=f"of {','.join(KINDS)}")
    parser.add_argument(
        "--keep-db",
        type=Path,
        metavar="DIR",
        help="reuse the databases in DIR (and their keys); build and keep them there if absent",
    )
    parser.add_argument(
        "--tracemalloc", action="store_true", help="also the Python-heap peak of each export"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temp dir and print it")
    parser.add_argument("--no-json", action="store_true", help="do not write bench/out/*.json")
    # Internal: what a subprocess does.
    parser.add_argument("--child", choices=("build", *KINDS), help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--persons", type=int, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


# -- environment and subprocesses -----------------------------------------------------------


def environment(db: Path, keys: dict[str, str]) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "irum.settings",
        "IRUM_DATABASE_URL": f"sqlite:///{db}",
        "IRUM_DEBUG": "false",  # no query log
        "IRUM_SECRET_KEY": keys["secret"],
        "IRUM_VAR_DIR": str(db.parent / "var"),
        "IRUM_FIELD_KEYS": keys["field"],
        "IRUM_BLIND_INDEX_KEY": keys["blind"],
        "IRUM_IMPORT_MAX_BYTES": str(4 * 2**30),
        "IRUM_IMPORT_MAX_ROWS": str(10_000_000),
    }


def keys_for(directory: Path) -> dict[str, str]:
    """Throwaway keys, kept beside a kept database (it is encrypted with them)."""
    path = directory / "keys.json"
    if path.exists():
        return json.loads(path.read_text())
    keys = {
        "secret": secrets.token_urlsafe(50),
        "field": "bench:" + base64.b64encode(os.urandom(32)).decode(),
        "blind": base64.b64encode(os.urandom(32)).decode(),
    }
    path.write_text(json.dumps(keys))
    return keys


def child(kind: str, db: Path, keys: dict[str, str], **extra: Any) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", kind, "--db", str(db)]
    for name, value in extra.items():
        if value is True:
            command.append(f"--{name}")
        elif value is not None:
            command += [f"--{name}", str(value)]
    done = subprocess.run(
        command,
        env={**os.environ, **environment(db, keys)},
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{kind} on {db.name} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- the database (in a subprocess) ---------------------------------------------------------


def do_build(db: Path, persons: int, seed: int) -> dict[str, Any]:
    import django

    django.setup()
    from flows import build

    from irum.vault import crypto

    start = time.perf_counter()
    timings = build(db, db.parent, persons, seed)
    from django.db import connections

    connections.close_all()
    begin = time.perf_counter()
    conn = sqlite3.connect(db, isolation_level=None)
    encrypted = 0
    try:
        conn.execute("BEGIN")
        for table, label, columns in ENCRYPTED:
            for column in columns:
                context = f"{label}.{column}"
                rows = conn.execute(
                    f'SELECT id, "{column}" FROM "{table}" WHERE "{column}" != \'\''
                ).fetchall()
                conn.executemany(
                    f'UPDATE "{table}" SET "{column}" = ? WHERE id = ?',
                    [(crypto.encrypt(value, context=context), pk) for pk, value in rows],
                )
                encrypted += len(rows)
        conn.execute("COMMIT")
    finally:
        conn.close()
    timings["encrypt"] = time.perf_counter() - begin
    timings["total"] = time.perf_counter() - start
    return {"timings": timings, "encrypted_values": encrypted}


# -- the exports (each in a subprocess) -----------------------------------------------------


def _status() -> dict[str, int]:
    out = {}
    with open("/proc/self/status") as fh:
        for line in fh:
            key, _sep, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0])  # kB
    return out


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")  # reset the resident-set high-water mark (Linux ≥ 4.0)
        return True
    except OSError:
        return False


BASELINE_SQL = {
    "cases": """
        SELECT ref, public_id, title, summary_public, narrative_restricted, reported_on,
               verification, confidentiality
        FROM archive_case WHERE deleted_at IS NULL ORDER BY ref""",
    "persons": """
        SELECT p.ref, c.ref, p.public_id, p.pseudonym, p.full_name, p.full_name_ko,
               p.aliases, p.sex, p.birth_year, pl.name, p.status, p.reason
        FROM archive_person p JOIN archive_case c ON c.id = p.case_id
        LEFT JOIN gazetteer_place pl ON pl.id = p.home_province_id
        WHERE p.deleted_at IS NULL ORDER BY c.ref, p.position, p.id""",
    "events": """
        SELECT p.ref, e.seq, e.kind, e.date, pl.slug, pl.country, a.slug,
               e.custody_acknowledged, e.description_public, e.description_restricted,
               (SELECT group_concat(s.ref, ';') FROM archive_eventsource es
                JOIN archive_source s ON s.id = es.source_id WHERE es.event_id = e.id)
        FROM archive_event e JOIN archive_person p ON p.id = e.person_id
        JOIN archive_case c ON c.id = p.case_id
        LEFT JOIN gazetteer_place pl ON pl.id = e.place_id
        LEFT JOIN gazetteer_agency a ON a.id = e.agency_id
        WHERE e.deleted_at IS NULL ORDER BY c.ref, p.position, p.id, e.chain_index""",
    "sources": """
        SELECT ref, kind, date, connection, reliability, consent_public, content_restricted
        FROM archive_source WHERE deleted_at IS NULL ORDER BY ref""",
}


def baseline_export(db: Path, out: Path) -> dict[str, int]:
    from irum.exchange.formats import SHEETS

    out.mkdir(parents=True, exist_ok=True)
    counts = {}
    conn = sqlite3.connect(db)
    try:
        for sheet in SHEETS:
            with (out / sheet.filename).open("w", encoding="utf-8-sig", newline="") as fh:
                writer = csv.writer(fh, lineterminator="\r\n")
                writer.writerow(sheet.columns)
                cursor = conn.execute(BASELINE_SQL[sheet.name])
                n = 0
                while rows := cursor.fetchmany(5000):
                    writer.writerows(rows)
                    n += len(rows)
                counts[sheet.name] = n
    finally:
        conn.close()
    return counts


def do_export(kind: str, db: Path, out: Path, trace: bool) -> dict[str, Any]:
    import django

    django.setup()
    import tracemalloc

    from irum.archive.actors import system_actor
    from irum.exchange.exporter import workbook_export
    from irum.exchange.ftm import FtmOptions, ftm_export

    actor = system_actor()
    before = _status()
    reset = _reset_peak()
    if trace:
        tracemalloc.start()
    start = time.perf_counter()
    restricted = kind.endswith("-restricted")
    if kind in ("csv", "csv-restricted"):
        counts = workbook_export(actor=actor, path=out, include_restricted=restricted).counts
    elif kind == "zip":
        counts = workbook_export(actor=actor, path=out.with_suffix(".zip")).counts
    elif kind in ("ftm", "ftm-restricted"):
        options = FtmOptions(include_restricted=restricted)
        with out.with_suffix(".jsonl").open("w", encoding="utf-8") as fh:
            counts = dict(ftm_export(actor=actor, out=fh, options=options).counts)
    else:
        counts = baseline_export(db, out)
    seconds = time.perf_counter() - start
    heap_peak = tracemalloc.get_traced_memory()[1] if trace else None
    after = _status()
    # Without the reset, VmHWM is the peak since the process started (still an upper
    # bound of the export's own peak).
    peak_kb = after["VmHWM"] - before["VmRSS"]
    return {
        "kind": kind,
        "seconds": seconds,
        "rows": sum(counts.values()),
        "counts": counts,
        "rss_before_mb": before["VmRSS"] / 1024,
        "peak_mb": max(0, peak_kb) / 1024,
        "peak_reset": reset,
        "heap_peak_mb": None if heap_peak is None else heap_peak / 2**20,
    }


# -- the run --------------------------------------------------------------------------------


def print_table(rows: list[dict[str, Any]]) -> None:
    headers = [
        "export",
        "persons",
        "rows",
        "seconds",
        "rows/s",
        "persons/s",
        "ratio",
        "peak MB",
        "heap MB",
    ]
    cells = [
        [
            r["what"],
            f"{r['persons']:,}",
            f"{r['rows']:,}",
            f"{r['seconds']:.2f}",
            f"{r['rows'] / r['seconds']:,.0f}",
            f"{r['persons'] / r['seconds']:,.0f}",
            "—" if r.get("ratio") is None else f"{r['ratio']:.2f}×",
            f"{r['peak_mb']:.1f}",
            "—" if r.get("heap_peak_mb") is None else f"{r['heap_peak_mb']:.1f}",
        ]
        for r in rows
    ]
    widths = [max(len(str(c)) for c in col) for col in zip(headers, *cells, strict=True)]
    print(" | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    print("-+-".join("-" * w for w in widths))
    for row in cells:
        print(
            " | ".join(
                str(c).ljust(w) if i == 0 else str(c).rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child == "build":
        print(json.dumps(do_build(args.db, args.persons, args.seed)))
        return 0
    if args.child:
        print(json.dumps(do_export(args.child, args.db, args.out, args.tracemalloc)))
        return 0

    sizes = [int(s) for s in args.sizes.split(",")]
    kinds = [k for k in args.kinds.split(",") if k]
    tmp = Path(tempfile.mkdtemp(prefix="irum-bench-export-"))
    failures: list[str] = []
    results: list[dict[str, Any]] = []
    builds: dict[int, Any] = {}
    try:
        for persons in sizes:
            home = (args.keep_db or tmp) / f"export-{persons}"
            home.mkdir(parents=True, exist_ok=True)
            keys = keys_for(home)
            db = home / "archive.sqlite3"
            if not db.exists():
                log(f"building {persons:,} persons in {db}")
                builds[persons] = child("build", db, keys, persons=persons, seed=args.seed)
                log(f"built in {builds[persons]['timings']['total']:.1f} s")
            else:
                log(f"reusing {db}")
            for kind in kinds:
                out = tmp / f"out-{persons}-{kind}"
                result = child(kind, db, keys, out=out)
                if args.tracemalloc:
                    traced = child(
                        kind, db, keys, out=tmp / f"traced-{persons}-{kind}", tracemalloc=True
                    )
                    result["heap_peak_mb"] = traced["heap_peak_mb"]
                for path in (out, out.with_suffix(".zip"), out.with_suffix(".jsonl")):
                    if path.is_dir():
                        shutil.rmtree(path)
                    elif path.exists():
                        path.unlink()
                result.update(persons=persons, what=LABELS[kind])
                results.append(result)
                log(
                    f"{persons:,} persons: {kind}: {result['rows']:,} rows in "
                    f"{result['seconds']:.1f} s, peak {result['peak_mb']:.1f} MB"
                )
            by_kind = {r["kind"]: r for r in results if r["persons"] == persons}
            if "baseline" in by_kind:
                base = by_kind["baseline"]
                for r in by_kind.values():
                    r["ratio"] = (base["rows"] / base["seconds"]) / (r["rows"] / r["seconds"])
                for kind in ("csv", "csv-restricted", "zip"):
                    if kind in by_kind and by_kind[kind]["counts"] != base["counts"]:
                        failures.append(
                            f"{persons:,} persons: {kind} wrote {by_kind[kind]['counts']}, "
                            f"the baseline {base['counts']}"
                        )

        flat = []
        if len(sizes) > 1:
            small, large = min(sizes), max(sizes)
            for kind in kinds:
                a = next(r for r in results if r["kind"] == kind and r["persons"] == small)
                b = next(r for r in results if r["kind"] == kind and r["persons"] == large)
                growth = b["peak_mb"] / max(a["peak_mb"], 1.0)
                flat.append(
                    {
                        "export": LABELS[kind],
                        "small": small,
                        "large": large,
                        "peak_small_mb": a["peak_mb"],
                        "peak_large_mb": b["peak_mb"],
                        "growth": growth,
                        "met": growth <= MEMORY_GOAL,
                    }
                )
        print()
        print(
            f"Irum export benchmark: {', '.join(f'{s:,}' for s in sizes)} persons "
            "(~5.7 events each); each export in its own process, as the system operator; "
            "SQLite"
        )
        print(
            "rows: CSV rows of the 4 sheets, or FtM entities; ratio: baseline rows/s ÷ this "
            "rows/s; peak MB: resident-set peak during the export minus the resident set "
            "before it" + ("; heap MB: tracemalloc peak" if args.tracemalloc else "")
        )
        print()
        print_table(results)
        if flat:
            print()
            print(
                f"Constant memory: peak at {max(sizes):,} persons ÷ peak at {min(sizes):,} "
                f"(data {max(sizes) / min(sizes):g}×), goal ≤ {MEMORY_GOAL:g}×"
            )
            for f in flat:
                print(
                    f"  {f['export']:<40} {f['peak_small_mb']:7.1f} MB → "
                    f"{f['peak_large_mb']:7.1f} MB  {f['growth']:5.2f}×  "
                    + ("yes" if f["met"] else "NO")
                )
        if not args.no_json:
            OUT_DIR.mkdir(exist_ok=True)
            out = OUT_DIR / f"export-stream-{max(sizes)}.json"
            out.write_text(
                json.dumps(
                    {
                        "sizes": sizes,
                        "seed": args.seed,
                        "builds": builds,
                        "results": results,
                        "constant_memory": flat,
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
        if args.keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    for failure in failures:
        print(f"\nFAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
