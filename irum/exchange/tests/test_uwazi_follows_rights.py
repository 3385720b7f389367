"""An Uwazi import acts for a person, whose partner rights apply exactly as in a
workbook import: viewers and people without a partner are refused, and an editor may add
victims only to cases of a partner they edit for."""

from __future__ import annotations

from pathlib import Path

import pytest

from irum.archive.models import Case, Person
from irum.exchange.tests.snapshots import database_dump
from irum.exchange.uwazi import uwazi_import

FIXTURES = Path(__file__).parent / "fixtures" / "uwazi"


def _import(user, partner, name="victims", template="victims", dry_run=False):
    return uwazi_import(
        actor=user,
        path=FIXTURES / f"{name}.csv",
        template=template,
        mapping_path=FIXTURES / f"{name}.yaml",
        partner=partner,
        dry_run=dry_run,
    )


@pytest.mark.parametrize("who", ["bob", "dave"])
def test_it_refuses_someone_who_edits_for_no_partner(gazetteer, personas, who):
    before = database_dump()

    result = _import(personas[who], personas["partner_a"])

    assert [p.reason for p in result.problems] == [
        "Only editors of a partner organisation may import."
    ]
    assert database_dump() == before


def test_it_refuses_an_editor_importing_for_another_partner(gazetteer, personas):
    result = _import(personas["carol"], personas["partner_a"])

    assert [p.reason for p in result.problems] == [
        "You may import only for a partner organisation you edit for."
    ]
    assert Person.objects.count() == 0


def test_it_asks_an_editor_which_partner_will_own_the_cases(gazetteer, personas):
    result = _import(personas["alice"], None, dry_run=True)

    assert [p.reason for p in result.problems] == [
        "Name the partner organisation that will own the new cases (--partner)."
    ]


def test_an_editor_cannot_add_victims_to_another_partners_case(gazetteer, personas):
    assert _import(personas["alice"], personas["partner_a"], "cases", "cases").ok
    before = database_dump()

    result = _import(personas["carol"], personas["partner_b"])

    # The same words as for a case that does not exist: the refusal reveals nothing.
    assert {(p.row, p.column, p.value, p.reason) for p in result.problems} == {
        (
            row,
            "Case",
            title,
            "is not a case in cases.csv or one you may change in the archive",
        )
        for row, title in ((2, "Tumen arrests 2013"), (3, "Tumen arrests 2013"), (5, "Hyesan 2016"))
    }
    assert database_dump() == before


def test_an_editor_adds_victims_to_their_own_partners_cases(gazetteer, personas):
    _import(personas["alice"], personas["partner_a"], "cases", "cases")

    result = _import(personas["alice"], personas["partner_a"])

    assert result.ok and (result.cases, result.persons) == (0, 3)
    assert Case.objects.get(title="Hyesan 2016").persons.get().ref == "V-0003"
