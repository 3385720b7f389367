"""Benchmark: the cost of reading encrypted identities (issue 3, "Benchmark"; goal ≤ 1.5×).

    .venv/bin/python bench/vault_read.py                  # 10,000 persons, 5 timed runs
    .venv/bin/python bench/vault_read.py --persons 2000 --repeat 3
    .venv/bin/python bench/vault_read.py --profile        # cProfile of the decrypting read

Runs in a throwaway SQLite database in a temp dir (set up as bench/run.py does). Every
person has all six identity fields (full name in Latin letters and Hangul, aliases, date
of birth, address, family contacts), encrypted as in production. Three reads of every
person, in pk order, measured in the same run in interleaved rounds:

- encrypted: archive.Person with its identity, so every identity value is decrypted;
- plain text: the same rows with the same values stored as plain text, in a copy of the
  person table read through a model with the same columns (the cost without encryption);
- deferred: archive.Person with the identity columns deferred (the rows without their
  identity).

The goal is checked against both baselines. Prints a table; exits non-zero when a check
fails (a value that does not read back); missing the goal is reported, not fatal.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

from run import code_version, log, maybe_profile, print_table, setup_django  # noqa: E402

GOAL = 1.5
IDENTITY = ("full_name", "full_name_ko", "aliases", "date_of_birth", "address", "family_contacts")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=10_000, help="persons (default 10000)")
    parser.add_argument("--repeat", type=int, default=5, help="timed rounds (median is shown)")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--profile", action="store_true", help="cProfile the encrypted read")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir and print it")
    return parser.parse_args(argv)


def identities(n: int, seed: int) -> list[dict[str, str]]:
    """Identity values shaped like real ones, from the workbook generator's name lists."""
    from workbook_gen import GIVEN, SURNAMES

    rng = random.Random(seed)
    out = []
    for i in range(n):
        surname, g1, g2 = rng.choice(SURNAMES), rng.choice(GIVEN), rng.choice(GIVEN)
        out.append(
            {
                "full_name": f"{surname[1]} {g1[1].capitalize()}-{g2[1]}",
                "full_name_ko": surname[0] + g1[0] + g2[0],
                "aliases": f"{g1[1].capitalize()}-{g2[1]}; {g1[0]}{g2[0]}이",
                "date_of_birth": f"{rng.randint(1940, 2010)}-{rng.randint(1, 12):02d}",
                "address": f"함경북도 회령시 {rng.choice(GIVEN)[0]}{rng.randint(1, 40)}동 "
                f"{rng.randint(1, 200)}반",
                "family_contacts": f"sibling in Seoul, +82 10-{i % 10000:04d}-{rng.randint(0, 9999):04d}",
            }
        )
    return out


def build(persons: int, seed: int) -> list[dict[str, str]]:
    """Cases and persons written in bulk (the field encrypts each value on the way in, as
    every write does); the benchmark is about reading them."""
    from irum.archive.models import Case, Person
    from irum.archive.services import new_public_id
    from irum.vault.crypto import blind_index

    values = identities(persons, seed)
    cases = Case.objects.bulk_create(
        [Case(ref=f"VR{i:06d}", public_id=new_public_id("C")) for i in range((persons + 2) // 3)],
        batch_size=2000,
    )
    Person.objects.bulk_create(
        [
            Person(
                ref=f"VP{i:07d}",
                public_id=new_public_id("P"),
                case=cases[i // 3],
                position=i % 3,
                pseudonym=f"{v['full_name'].split()[0]} {chr(65 + i % 26)}.",
                full_name_index=blind_index(v["full_name"]),
                full_name_ko_index=blind_index(v["full_name_ko"]),
                **v,
            )
            for i, v in enumerate(values)
        ],
        batch_size=2000,
    )
    return values


def plain_mirror():
    """A model over a copy of the person table with every column of archive.Person, the
    identity as plain TextFields (foreign keys as their plain id columns, which is all a
    read of Person loads of them)."""
    from django.db import connection, models

    from irum.archive.models import Person
    from irum.vault.fields import EncryptedTextField

    attrs: dict[str, Any] = {
        "__module__": __name__,
        "Meta": type("Meta", (), {"app_label": "bench", "db_table": "bench_plainperson"}),
    }
    for f in Person._meta.local_concrete_fields:
        if f.primary_key:
            attrs[f.name] = models.BigAutoField(primary_key=True, db_column=f.column)
        elif isinstance(f, EncryptedTextField):
            attrs[f.name] = models.TextField(blank=True, db_column=f.column)
        elif f.is_relation:
            attrs[f.attname] = models.BigIntegerField(null=True, db_column=f.column)
        else:
            attrs[f.name] = f.clone()
    model = type("PlainPerson", (models.Model,), attrs)
    with connection.schema_editor() as editor:
        editor.create_model(model)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in model._meta.concrete_fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO bench_plainperson ({columns}) SELECT {columns} FROM archive_person"
        )
    return model


def fill_plain(model, values: list[dict[str, str]]) -> None:
    from django.db import connection, transaction

    from irum.archive.models import Person

    pks = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    sets = ", ".join(f"{name} = %s" for name in IDENTITY)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE bench_plainperson SET {sets} WHERE id = %s",
            [(*(v[name] for name in IDENTITY), pk) for v, pk in zip(values, pks, strict=True)],
        )


def rounds(variants: dict[str, Callable[[], list]], repeat: int) -> dict[str, list[float]]:
    """Each variant once per round, in a rotating order, after one untimed warm-up round,
    so that drift and cache effects fall on all of them alike."""
    times: dict[str, list[float]] = {name: [] for name in variants}
    names = list(variants)
    for fn in variants.values():
        fn()
    for i in range(repeat):
        for name in names[i % len(names) :] + names[: i % len(names)]:
            start = time.perf_counter()
            variants[name]()
            times[name].append(time.perf_counter() - start)
    return times


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="irum-bench-vault-"))
    failures: list[str] = []
    profiles: dict[str, str] = {}
    try:
        setup_django(tmp)
        from django.conf import settings
        from django.core.management import call_command

        from irum.archive.models import Person

        log(f"temp dir {tmp}")
        call_command("migrate", verbosity=0, interactive=False)
        start = time.perf_counter()
        values = build(args.persons, args.seed)
        mirror = plain_mirror()
        fill_plain(mirror, values)
        log(
            f"built {args.persons:,} persons and the plain-text copy in "
            f"{time.perf_counter() - start:.1f} s"
        )
        settings.DEBUG = False  # no query logging in the timed reads

        def encrypted() -> list:
            return list(Person.objects.order_by("pk"))

        def plain() -> list:
            return list(mirror.objects.order_by("pk"))

        def deferred() -> list:
            return list(Person.objects.order_by("pk").defer(*IDENTITY))

        # The reads must be what they claim: every identity, decrypted, equal to the copy.
        got, want = encrypted(), plain()
        if (
            len(got) != args.persons
            or len(want) != args.persons
            or any(
                getattr(a, name) != getattr(b, name)
                for a, b in zip(got, want, strict=True)
                for name in IDENTITY
            )
        ):
            failures.append("the decrypted identities differ from the plain-text copy")
        if any(got[i].full_name != v["full_name"] for i, v in enumerate(values)):
            failures.append("the decrypted names differ from the names written")
        del got, want

        times = rounds({"encrypted": encrypted, "plain": plain, "deferred": deferred}, args.repeat)
        if args.profile:
            with maybe_profile(True, f"vault-read-{args.persons}", profiles):
                encrypted()
        median = {name: statistics.median(ts) for name, ts in times.items()}
        values_read = args.persons * len(IDENTITY)
        rows: list[dict[str, Any]] = []
        for label, baseline in (
            ("plain-text copy of the same values", "plain"),
            ("same rows, identity deferred", "deferred"),
        ):
            ratio = median["encrypted"] / median[baseline]
            rows.append(
                {
                    "step": f"read {args.persons:,} persons, identity decrypted, vs {label}",
                    "seconds": median["encrypted"],
                    "rows_per_s": args.persons / median["encrypted"],
                    "baseline_seconds": median[baseline],
                    "ratio": ratio,
                    "goal": f"≤ {GOAL:g}×",
                    "met": ratio <= GOAL,
                }
            )
        per_value = (median["encrypted"] - median["plain"]) / values_read * 1e6
        rows.append({"step": f"  decryption cost per value: {per_value:.2f} µs"})
        print()
        print(
            f"Irum vault read benchmark: {args.persons:,} persons × {len(IDENTITY)} encrypted "
            f"identity fields ({values_read:,} values); median of {args.repeat} rounds; "
            f"SQLite; code {code_version()}" + ("; PROFILED" if args.profile else "")
        )
        print("rows/s: persons read per second.")
        print()
        print_table(rows)
        for label, text in profiles.items():
            print(f"\n== cProfile: {label} (top 25 by cumulative time) ==")
            print(text)
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
