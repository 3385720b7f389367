"""A dry run checks every row and reports what it would import, and writes nothing."""

from __future__ import annotations

from pathlib import Path

from irum.exchange.tests.snapshots import database_dump
from irum.exchange.uwazi import uwazi_import

FIXTURES = Path(__file__).parent / "fixtures" / "uwazi"


def _dry_run(actor, csv_path=FIXTURES / "victims.csv"):
    return uwazi_import(
        actor=actor,
        path=csv_path,
        template="victims",
        mapping_path=FIXTURES / "victims.yaml",
        dry_run=True,
    )


def test_it_says_what_a_dry_run_would_import_and_writes_nothing(gazetteer, actor):
    before = database_dump()

    result = _dry_run(actor)

    assert result.dry_run and result.problems == []
    assert (result.cases, result.persons, result.events, result.sources) == (2, 3, 5, 2)
    assert database_dump() == before


def test_a_dry_run_reports_the_same_problems_as_an_import(gazetteer, actor, tmp_path):
    text = (FIXTURES / "victims.csv").read_text(encoding="utf-8")
    (tmp_path / "victims.csv").write_text(text.replace(",Male,1968,", ",Mle,1968,"), "utf-8")
    before = database_dump()

    result = _dry_run(actor, tmp_path / "victims.csv")

    assert [(p.row, p.column, p.value) for p in result.problems] == [(2, "Sex", "Mle")]
    assert database_dump() == before
