"""Uwazi matches a header to a property by its label or by its name (the label with
every other character made `_`), reads `;` as well as `,` between cells, and keeps one
column per language (`title__en`) apart from a column without one."""

from __future__ import annotations

from pathlib import Path

from irum.archive.models import Event, Person
from irum.exchange.uwazi import uwazi_import

FIXTURES = Path(__file__).parent / "fixtures" / "uwazi"
VICTIMS = (FIXTURES / "victims.csv").read_text(encoding="utf-8")


def _import(actor, tmp_path, text, mapping=None):
    (tmp_path / "export.csv").write_text(text, encoding="utf-8")
    if mapping is not None:
        (tmp_path / "map.yaml").write_text(mapping, encoding="utf-8")
    return uwazi_import(
        actor=actor,
        path=tmp_path / "export.csv",
        template="victims",
        mapping_path=tmp_path / "map.yaml" if mapping else FIXTURES / "victims.yaml",
    )


def test_it_reads_property_names_as_well_as_labels(gazetteer, actor, tmp_path):
    header, rest = VICTIMS.split("\n", 1)
    header = (
        header.replace("Date of arrest", "date_of_arrest")
        .replace("Place of detention", "place_of_detention_geolocation")
        .replace("Full name (Korean)", "full_name__korean_")
        .replace("Title", " title ")
    )

    result = _import(actor, tmp_path, f"{header}\n{rest}")

    assert result.problems == []
    assert Person.objects.get(ref="V-0001").full_name_ko == "김철수"
    assert Event.objects.filter(kind="detention", place__isnull=False).count() == 2


def test_it_reads_cells_separated_by_semicolons(gazetteer, actor, tmp_path):
    text = (
        "Title;Victim ID;Sex;Other names\n"
        'Pak Un-ju;V-1;Female;"Pak Eun-joo|Un-ju"\n'
        "Choe Myong-il ; V-2 ; Male ;\n"
    )
    mapping = (
        "id: Victim ID\ncolumns:\n  Other names: multiselect\n"
        "person:\n  full_name: Title\n  sex: Sex\n  aliases: Other names\n"
    )

    result = _import(actor, tmp_path, text, mapping)

    assert result.problems == []
    assert Person.objects.get(ref="V-1").aliases == "Pak Eun-joo; Un-ju"
    assert Person.objects.get(ref="V-2").sex == "male"


MAPPING_WITH_LANGUAGE = (
    "id: id\nlanguage: {language}\nperson:\n  full_name: Title\n  full_name_ko: Title__ko\n"
)


def test_it_reads_the_column_of_the_language_the_mapping_names(gazetteer, actor, tmp_path):
    text = "id,Title__en,Title__ko\nV-1,Kim Chol-su,김철수\n"

    result = _import(actor, tmp_path, text, MAPPING_WITH_LANGUAGE.format(language="en"))

    assert result.problems == []
    person = Person.objects.get(ref="V-1")
    assert (person.full_name, person.full_name_ko) == ("Kim Chol-su", "김철수")


def test_it_asks_which_language_when_a_property_has_several(gazetteer, actor, tmp_path):
    text = "id,Title__en,Title__es\nV-1,Kim Chol-su,Kim Chol-su\n"
    mapping = "id: id\nperson:\n  full_name: Title\n"

    result = _import(actor, tmp_path, text, mapping)

    assert [(p.row, p.column) for p in result.problems] == [(1, "Title")]
    assert "is in several languages (en, es)" in result.problems[0].reason


def test_it_refuses_a_language_the_file_does_not_have(gazetteer, actor, tmp_path):
    text = "id,Title__en,Title__ko\nV-1,Kim Chol-su,김철수\n"

    result = _import(actor, tmp_path, text, MAPPING_WITH_LANGUAGE.format(language="es"))

    assert [(p.row, p.column) for p in result.problems] == [(1, "Title")]
    assert "has no column in language es (it has en, ko)" in result.problems[0].reason


def test_it_refuses_a_property_both_with_and_without_a_language(gazetteer, actor, tmp_path):
    text = "id,Title,Title__en\nV-1,Kim Chol-su,Kim Chol-su\n"
    mapping = "id: id\nperson:\n  full_name: Title\n"

    result = _import(actor, tmp_path, text, mapping)

    assert [(p.row, p.column) for p in result.problems] == [(1, "Title")]
    assert "has a column with no language and columns in en" in result.problems[0].reason


def test_it_makes_refs_from_the_title_in_the_mappings_language(gazetteer, actor, tmp_path):
    text = "Title__en,Title__ko\nKim Chol-su,김철수\n"
    mapping = "language: ko\nperson:\n  full_name: Title__en\n"

    result = _import(actor, tmp_path, text, mapping)

    assert result.problems == []
    assert Person.objects.get().full_name == "Kim Chol-su"
