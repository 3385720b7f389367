"""`irum import PATH [--dry-run] [--partner SLUG]` and `irum export PATH`."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from irum.archive.models import Case
from irum.exchange.tests.snapshots import database_dump
from irum.exchange.tests.workbooks import sample, write_workbook
from irum.partners.services import organization_create


@pytest.fixture(autouse=True)
def operator(db):
    """The platform administrator, who may import for any partner and export all."""
    return get_user_model().objects.create_superuser("op", password="operator-long-test-pass")


def _call(*args):
    # Commands act for a named person (--actor); the tests name the operator unless they
    # name someone else.
    if "--actor" not in args:
        args = (*args, "--actor", "op")
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_imports_a_workbook_and_says_what_it_imported(gazetteer, tmp_path):
    out, _err = _call("import", str(write_workbook(tmp_path)))

    assert "Imported: cases 3, persons 4, events 15, sources 3, new places 1." in out
    case = Case.objects.get(ref="C-001")
    assert case.owner is None
    assert case.history.get().history_user.username == "op"


def test_it_says_what_a_dry_run_would_import_and_writes_nothing(gazetteer, tmp_path):
    path = write_workbook(tmp_path)
    before = database_dump()

    out, _err = _call("import", str(path), "--dry-run")

    assert "Would import: cases 3, persons 4, events 15, sources 3, new places 1." in out
    assert database_dump() == before


def test_it_lists_every_problem_and_fails_without_writing(gazetteer, tmp_path):
    book = sample()
    book["events"][0]["kind"] = "teleportation"
    book["sources"][0]["date"] = "yesterday"
    path = write_workbook(tmp_path, book)
    before = database_dump()
    err = io.StringIO()

    with pytest.raises(CommandError, match=r"^2 problems found; nothing was imported\.$"):
        call_command("import", str(path), "--actor", "op", stdout=io.StringIO(), stderr=err)

    lines = err.getvalue().splitlines()
    assert lines[0] == "sources row 2, date: 'yesterday' is not an EDTF date " + (
        "(examples: 2013, 2013-04, 2013-04~, 2012/2014, 201X)"
    )
    assert lines[1].startswith("events row 2, kind: 'teleportation' is not one of: arrest")
    assert database_dump() == before


def test_it_fails_the_same_way_in_a_dry_run(gazetteer, tmp_path):
    book = sample()
    book["events"][3]["agency"] = "MSS"
    err = io.StringIO()

    with pytest.raises(CommandError, match="1 problem"):
        call_command(
            "import", str(write_workbook(tmp_path, book)), "--dry-run", "--actor", "op", stderr=err
        )

    assert "events row 5, agency: 'MSS' is ambiguous" in err.getvalue()


def test_it_refuses_a_partner_that_does_not_exist(gazetteer, tmp_path):
    with pytest.raises(CommandError, match="No partner organisation with id 'nobody'"):
        _call("import", str(write_workbook(tmp_path)), "--partner", "nobody")

    assert Case.objects.count() == 0


def test_it_gives_the_cases_to_the_partner_named(gazetteer, actor, tmp_path):
    org = organization_create(actor=actor, slug="nkdb", name="Partner A", name_ko="파트너 A")

    _call("import", str(write_workbook(tmp_path)), "--partner", "nkdb")

    assert set(Case.objects.values_list("owner", flat=True)) == {org.pk}


def test_it_records_the_user_named_as_the_author(gazetteer, personas, tmp_path):
    _call("import", str(write_workbook(tmp_path)), "--actor", "alice", "--partner", "partner-a")

    assert Case.objects.get(ref="C-002").history.get().history_user.username == "alice"


def test_it_refuses_an_author_who_does_not_exist(gazetteer, tmp_path):
    with pytest.raises(CommandError, match="No user named 'mallory'"):
        _call("import", str(write_workbook(tmp_path)), "--actor", "mallory")

    assert Case.objects.count() == 0


def test_it_refuses_junk_with_a_problem_not_a_traceback(db, tmp_path):
    (tmp_path / "junk.xlsx").write_bytes(b"\x00\xff" * 1000)
    err = io.StringIO()

    with pytest.raises(CommandError, match="1 problem"):
        call_command("import", str(tmp_path / "junk.xlsx"), "--actor", "op", stderr=err)

    assert err.getvalue().strip() == "workbook: is not a valid .xlsx or .zip file"


@pytest.mark.parametrize("name", ["out", "out.zip", "out.xlsx"])
def test_it_exports_and_says_how_many_rows_it_wrote(gazetteer, tmp_path, name):
    _call("import", str(write_workbook(tmp_path)))

    out, _err = _call("export", str(tmp_path / name))

    assert f"Exported to {tmp_path / name}: cases 3, persons 4, events 15, sources 3" in out
    assert (tmp_path / name).exists()


def test_it_refuses_an_xlsx_export_that_would_cut_a_long_narrative(gazetteer, tmp_path):
    book = sample()
    book["cases"][1]["narrative_restricted"] = "증언 " * 12_000
    _call("import", str(write_workbook(tmp_path, book)))

    with pytest.raises(CommandError, match=r"cases C-002, narrative_restricted: 35999 char"):
        _call("export", str(tmp_path / "out.xlsx"), "--include-restricted")

    assert not (tmp_path / "out.xlsx").exists()
    # The same archive goes out whole as CSV.
    _call("export", str(tmp_path / "out.zip"))
