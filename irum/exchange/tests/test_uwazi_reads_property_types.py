"""Cells of each Uwazi property type are read as Uwazi writes them: a link as label|url,
a thesaurus value in a group as Group::Value, several dates joined with |."""

from __future__ import annotations

from irum.archive.models import Event, Person
from irum.exchange.uwazi import uwazi_import


def _import(actor, tmp_path, header, row, mapping):
    (tmp_path / "export.csv").write_text(f"id,Title,{header}\n{row}\n", encoding="utf-8")
    (tmp_path / "map.yaml").write_text("id: id\n" + mapping, encoding="utf-8")
    return uwazi_import(
        actor=actor,
        path=tmp_path / "export.csv",
        template="victims",
        mapping_path=tmp_path / "map.yaml",
    )


def test_a_link_keeps_its_label_and_its_url(db, actor, tmp_path):
    mapping = (
        "columns:\n  Report: link\n"
        "events:\n  - kind: disappearance\n    description_public: Report\n"
    )

    result = _import(actor, tmp_path, "Report", "V-1,Kim,HRNK report|https://hrnk.org/r/1", mapping)

    assert result.ok
    assert Event.objects.get().description_public == "HRNK report (https://hrnk.org/r/1)"


def test_a_thesaurus_value_in_a_group_is_read_as_the_value(db, actor, tmp_path):
    mapping = (
        "columns:\n  Reason:\n    type: select\n"
        "    values: {Escape::Repatriated: escape_repatriated, Religion: religion}\n"
        "  Sex: select\n"
        "person:\n  reason: Reason\n  sex: Sex\n"
    )

    result = _import(
        actor, tmp_path, "Reason,Sex", "V-1,Kim,Escape::Repatriated,Person::Female", mapping
    )

    assert result.ok
    person = Person.objects.get()
    assert (person.reason, person.sex) == ("escape_repatriated", "female")


def test_each_date_of_a_multidate_makes_its_own_event(db, actor, tmp_path):
    mapping = (
        "date_format: dd/MM/yyyy\ncolumns:\n  Sightings: multidate\n"
        "events:\n  - kind: sighting\n    date: Sightings\n"
    )

    result = _import(actor, tmp_path, "Sightings", "V-1,Kim,2014|03/05/2015|", mapping)

    assert result.ok and result.events == 2
    assert sorted(Event.objects.values_list("date", flat=True)) == ["2014", "2015-05-03"]


def test_two_multi_value_columns_in_one_event_cannot_be_paired(db, actor, tmp_path):
    mapping = (
        "columns:\n  Sightings: multidate\n  Where: multiselect\n"
        "events:\n  - kind: sighting\n    date: Sightings\n    place: Where\n"
    )

    result = _import(actor, tmp_path, "Sightings,Where", "V-1,Kim,2014|2015,Onsong|Musan", mapping)

    assert [(p.row, p.column) for p in result.problems] == [(2, "Where")]
    assert "and so does Sightings" in result.problems[0].reason
