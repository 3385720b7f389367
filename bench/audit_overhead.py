"""Benchmark: audit write overhead per service call (issue 3, "Benchmark"; goal < 1 ms).

    .venv/bin/python bench/audit_overhead.py            # N=2000 calls each way
    .venv/bin/python bench/audit_overhead.py --calls 500

Runs in a throwaway SQLite database in a temp dir. The service is
irum.archive.services.case_update on one case, changing its title, inside
transaction.atomic; the baseline is the same call without an audit_record beside it,
measured in the same run, in interleaved blocks so drift hits both alike.
"""

from __future__ import annotations

import argparse
import base64
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

GOAL_MS = 1.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=2000, help="calls each way (default 2000)")
    parser.add_argument("--block", type=int, default=100, help="calls per interleaved block")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir and print it")
    return parser.parse_args()


def setup_django(tmp: Path) -> Path:
    db = tmp / "audit.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "irum.settings"
    os.environ["IRUM_DATABASE_URL"] = f"sqlite:///{db}"
    os.environ["IRUM_DEBUG"] = "true"
    os.environ["IRUM_VAR_DIR"] = str(tmp / "var")
    os.environ.setdefault("IRUM_FIELD_KEYS", "bench:" + base64.b64encode(os.urandom(32)).decode())
    os.environ.setdefault("IRUM_BLIND_INDEX_KEY", base64.b64encode(os.urandom(32)).decode())
    import django

    django.setup()
    return db


def main() -> int:
    args = parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="irum-bench-audit-"))
    try:
        setup_django(tmp)
        from django.conf import settings
        from django.core.management import call_command
        from django.db import transaction

        from irum.archive import services
        from irum.archive.actors import system_actor
        from irum.audit.models import AuditEntry
        from irum.audit.services import audit_record
        from irum.audit.verify import verify_chain

        call_command("migrate", verbosity=0, interactive=False)
        settings.DEBUG = False  # no query logging in the timed loops
        actor = system_actor()
        case = services.case_create(actor=actor, ref="BENCH-1", title="start")
        counter = 0

        def plain() -> None:
            nonlocal counter
            counter += 1
            with transaction.atomic():
                services.case_update(actor=actor, case=case, title=f"title {counter}")

        def audited() -> None:
            nonlocal counter
            counter += 1
            old = case.title
            with transaction.atomic():
                services.case_update(actor=actor, case=case, title=f"title {counter}")
                audit_record(
                    actor=actor,
                    kind=AuditEntry.Kind.UPDATE,
                    record=case,
                    summary="Case title changed",
                    changes={"title": [old, case.title]},
                    reason="bench",
                )

        for fn in (plain, audited):  # warm up
            for _ in range(50):
                fn()

        times: dict[str, list[float]] = {"plain": [], "audited": []}
        done = 0
        while done < args.calls:
            n = min(args.block, args.calls - done)
            for name, fn in (("plain", plain), ("audited", audited)):
                start = time.perf_counter()
                for _ in range(n):
                    fn()
                times[name].append((time.perf_counter() - start) / n * 1000)
            done += n

        result = verify_chain()
        if not result.ok:
            print(f"audit chain broken at {result.bad_seq}: {result.reason}", file=sys.stderr)
            return 1

        def per_call(name: str) -> float:
            return statistics.median(times[name])

        plain_ms, audited_ms = per_call("plain"), per_call("audited")
        overhead = audited_ms - plain_ms
        rows = [
            ("case_update", plain_ms, "1.00x"),
            ("case_update + audit_record", audited_ms, f"{audited_ms / plain_ms:.2f}x"),
        ]
        print(f"\nAudit write overhead, {args.calls} calls each way, SQLite, median of blocks")
        print(f"{'variant':<30} {'ms/call':>9} {'ratio':>7}")
        print("-" * 48)
        for label, ms, ratio in rows:
            print(f"{label:<30} {ms:>9.3f} {ratio:>7}")
        print("-" * 48)
        verdict = "meets" if overhead < GOAL_MS else "MISSES"
        print(f"{'overhead per call':<30} {overhead:>9.3f}   ({verdict} goal < {GOAL_MS} ms)")
        print(f"audit entries written and verified: {result.count}")
        return 0
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
