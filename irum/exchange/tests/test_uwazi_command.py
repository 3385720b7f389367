"""`irum import-uwazi FILE.csv --template victims|cases --mapping MAP.yaml --actor USER
--partner SLUG [--dry-run]`."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from irum.archive.models import Person
from irum.exchange.tests.snapshots import database_dump

FIXTURES = Path(__file__).parent / "fixtures" / "uwazi"


@pytest.fixture(autouse=True)
def operator(db):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_superuser("op", password=None)
    return user


def _call(path=FIXTURES / "victims.csv", *extra, mapping=FIXTURES / "victims.yaml"):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "import-uwazi",
        str(path),
        "--template",
        "victims",
        "--mapping",
        str(mapping),
        "--actor",
        "op",
        *extra,
        stdout=out,
        stderr=err,
    )
    return out.getvalue(), err.getvalue()


def test_it_imports_and_says_what_it_imported(gazetteer):
    out, err = _call()

    assert "Imported: cases 2, persons 3, events 5, sources 2, new places 0." in out
    assert "warning: columns not in the mapping, not read: Date added, Published" in err
    assert Person.objects.get(ref="V-0001").history.get().history_user.username == "op"


def test_it_says_what_a_dry_run_would_import_and_writes_nothing(gazetteer):
    before = database_dump()

    out, _err = _call(FIXTURES / "victims.csv", "--dry-run")

    assert "Would import: cases 2, persons 3, events 5, sources 2, new places 0." in out
    assert database_dump() == before


def test_it_lists_every_problem_and_fails_without_writing(gazetteer, tmp_path):
    text = (FIXTURES / "victims.csv").read_text(encoding="utf-8")
    text = text.replace(",Male,1968,", ",Mle,1968,").replace("41.2685|129.3912", "41.2685")
    (tmp_path / "victims.csv").write_text(text, encoding="utf-8")
    before = database_dump()
    err = io.StringIO()

    with pytest.raises(CommandError, match=r"^2 problems found; nothing was imported\.$"):
        call_command(
            "import-uwazi",
            str(tmp_path / "victims.csv"),
            "--template=victims",
            f"--mapping={FIXTURES / 'victims.yaml'}",
            "--actor=op",
            stdout=io.StringIO(),
            stderr=err,
        )

    problems = [line for line in err.getvalue().splitlines() if not line.startswith("warning")]
    assert problems == [
        "victims.csv row 2, Sex: 'Mle' is not one of the values the mapping gives for this "
        "column (female, male, unknown)",
        "victims.csv row 3, Place of detention: '41.2685' is not a geolocation: write "
        "latitude|longitude, such as 41.83|129.72",
    ]
    assert database_dump() == before


def test_it_refuses_a_partner_that_does_not_exist(gazetteer):
    with pytest.raises(CommandError, match="No partner organisation with id 'nowhere'"):
        _call(FIXTURES / "victims.csv", "--partner", "nowhere")


def test_it_refuses_a_template_it_does_not_know(gazetteer):
    with pytest.raises(CommandError, match="invalid choice: 'persons'"):
        call_command(
            "import-uwazi",
            str(FIXTURES / "victims.csv"),
            "--template=persons",
            f"--mapping={FIXTURES / 'victims.yaml'}",
            "--actor=op",
        )
