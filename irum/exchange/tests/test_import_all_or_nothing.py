"""A workbook with one bad row among many good ones writes nothing at all: every table
is as it was, and the SQLite file itself is byte-for-byte unchanged."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.db import IntegrityError

from irum.archive.models import EventSource
from irum.exchange import importer
from irum.exchange.importer import workbook_import
from irum.exchange.tests.snapshots import database_dump
from irum.exchange.tests.workbooks import sample, where, write_workbook

REPO = Path(__file__).resolve().parents[3]


def _big_book(bad_event: dict[str, str] | None = None):
    """The sample plus 100 cases of 3 persons with 3 events each, and a new place."""
    book = sample()
    for c in range(100):
        book["cases"].append({"case_ref": f"B-{c:03}", "title": f"Bulk case {c}"})
        for p in range(3):
            ref = f"B-{c:03}-{p}"
            book["persons"].append({"person_ref": ref, "case_ref": f"B-{c:03}", "sex": "male"})
            book["events"] += [
                {"person_ref": ref, "kind": "arrest", "date": "2012", "place": "Musan",
                 "agency": "nk-border-guard"},
                {"person_ref": ref, "kind": "detention", "date": "2012/2013",
                 "place": "Hoeryong MSS (NSA) facility", "agency": "nk-state-security",
                 "source_refs": "S-001"},
                {"person_ref": ref, "kind": "transfer", "place": "Bulk-case safe house",
                 "place_country": "CN"},
            ]  # fmt: skip
    if bad_event:
        book["events"].append(bad_event)
    return book


def test_it_writes_nothing_when_one_row_among_many_is_bad(gazetteer, actor, tmp_path):
    bad = {"person_ref": "B-099-2", "kind": "detention", "agency": "MSS"}
    path = write_workbook(tmp_path, _big_book(bad))
    before = database_dump()

    result = workbook_import(actor=actor, path=path)

    assert where(result.problems) == [("events", 917, "agency", "MSS")]
    assert database_dump() == before


def test_it_imports_the_same_workbook_once_the_bad_row_is_gone(gazetteer, actor, tmp_path):
    result = workbook_import(actor=actor, path=write_workbook(tmp_path, _big_book()))

    assert result.problems == []
    assert (result.cases, result.persons, result.events) == (103, 304, 915)
    assert result.places_created == 2


def test_it_writes_nothing_in_a_dry_run(gazetteer, actor, tmp_path):
    path = write_workbook(tmp_path)
    before = database_dump()

    result = workbook_import(actor=actor, path=path, dry_run=True)

    assert result.problems == []
    assert result.dry_run
    assert (result.cases, result.persons, result.events, result.sources) == (3, 4, 15, 3)
    assert result.places_created == 1
    assert database_dump() == before


def test_it_rolls_back_every_table_when_the_database_refuses_a_late_write(
    gazetteer, actor, tmp_path, monkeypatch
):
    # Validation should catch everything, but if the database still refuses a row,
    # the cases, persons, places and events already inserted go with it.
    insert = importer._insert

    def refuse_links(model, *args, **kwargs):
        if model is EventSource:
            raise IntegrityError("simulated")
        return insert(model, *args, **kwargs)

    monkeypatch.setattr(importer, "_insert", refuse_links)
    path = write_workbook(tmp_path)
    before = database_dump()

    with pytest.raises(IntegrityError):
        workbook_import(actor=actor, path=path)

    assert database_dump() == before


_PREPARE = textwrap.dedent(
    """
    import django
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from irum.gazetteer.services import gazetteer_load

    call_command("migrate", verbosity=0)
    gazetteer_load(actor=None)
    from django.contrib.auth import get_user_model
    get_user_model().objects.create_superuser("op", password="operator-long-test-pass")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    """
)


def _digest(db: Path) -> dict[str, str]:
    """Hashes of the database file and of its write-ahead log, if one is left."""
    files = [db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-journal")]
    return {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in files if f.exists()}


def test_it_leaves_the_database_file_byte_for_byte_unchanged(tmp_path):
    # Its own file database, in fresh processes: this is the SQLite file a partner runs,
    # not the test database, so the test holds whichever database the suite runs on.
    db = tmp_path / "irum.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "irum.settings",
        "IRUM_DATABASE_URL": f"sqlite:///{db}",
        "IRUM_DEBUG": "true",
        "IRUM_VAR_DIR": str(tmp_path),
    }
    run = {"cwd": REPO, "env": env, "capture_output": True, "text": True, "timeout": 120}
    prepared = subprocess.run([sys.executable, "-c", _PREPARE], **run)
    assert prepared.returncode == 0, prepared.stderr
    book = sample()
    book["events"][3]["agency"] = "MSS"
    book["persons"][1]["case_ref"] = "C-404"
    path = write_workbook(tmp_path, book)
    before = _digest(db)

    failed = subprocess.run(
        [sys.executable, "-m", "irum.manage", "import", str(path), "--actor", "op"], **run
    )

    assert failed.returncode != 0
    assert "events row 5, agency: 'MSS' is ambiguous" in failed.stderr
    assert "persons row 3, case_ref: 'C-404' is not a case" in failed.stderr
    assert "2 problems found; nothing was imported." in failed.stderr
    assert "Traceback" not in failed.stderr
    assert _digest(db) == before
