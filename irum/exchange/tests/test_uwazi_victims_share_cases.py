"""Victims naming the same case share it; a victim with no case column gets a case of
their own; a case already in the archive is joined, never rewritten."""

from __future__ import annotations

from irum.archive.models import Case, Person
from irum.archive.services import case_create
from irum.exchange.uwazi import uwazi_import

MAPPING = """\
id: id
person:
  full_name: Title
case:
  ref: Case
  title: Case title
"""


def _import(actor, tmp_path, text, mapping=MAPPING):
    (tmp_path / "export.csv").write_text(text, encoding="utf-8")
    (tmp_path / "map.yaml").write_text(mapping, encoding="utf-8")
    return uwazi_import(
        actor=actor,
        path=tmp_path / "export.csv",
        template="victims",
        mapping_path=tmp_path / "map.yaml",
    )


def test_victims_naming_one_case_share_it_and_fill_in_its_fields(db, actor, tmp_path):
    text = "id,Title,Case,Case title\nV-1,Kim,C-9,\nV-2,Pak,C-9,Taken at Tumen\n"

    result = _import(actor, tmp_path, text)

    assert result.ok and (result.cases, result.persons) == (1, 2)
    case = Case.objects.get(ref="C-9")
    assert case.title == "Taken at Tumen" and case.persons.count() == 2


def test_two_rows_giving_one_case_different_values_is_an_error(db, actor, tmp_path):
    text = "id,Title,Case,Case title\nV-1,Kim,C-9,Taken at Tumen\nV-2,Pak,C-9,Taken at Yanji\n"

    result = _import(actor, tmp_path, text)

    assert [(p.row, p.column, p.value) for p in result.problems] == [
        (3, "Case title", "Taken at Yanji")
    ]
    assert "differs from row 2, which gives this case's title" in result.problems[0].reason
    assert not Case.objects.exists()


def test_without_a_case_column_each_victim_gets_a_case_of_their_own(db, actor, tmp_path):
    result = _import(actor, tmp_path, "id,Title\nV-1,Kim\nV-2,Pak\n", "id: id\n")

    assert result.ok and result.cases == 2
    assert sorted(Case.objects.values_list("ref", flat=True)) == ["V-1", "V-2"]
    assert Person.objects.get(ref="V-2").case.ref == "V-2"


def test_a_victim_joins_a_case_already_in_the_archive_and_leaves_it_as_it_was(db, actor, tmp_path):
    case_create(actor=actor, ref="C-1", title="Recorded by hand")

    result = _import(actor, tmp_path, "id,Title,Case,Case title\nV-1,Kim,C-1,Another title\n")

    assert result.ok and (result.cases, result.persons) == (0, 1)
    case = Case.objects.get(ref="C-1")
    assert case.title == "Recorded by hand"
    assert case.persons.get().ref == "V-1"
