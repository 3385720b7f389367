"""The mapping file is checked whole before the CSV is read: an unknown field, column
type or date format, YAML that is broken or hostile, each is a clear problem naming the
key, and nothing is imported."""

from __future__ import annotations

from pathlib import Path

import pytest

from irum.exchange.problems import InputRejected
from irum.exchange.uwazi import load_mapping, uwazi_import

FIXTURES = Path(__file__).parent / "fixtures" / "uwazi"


def _problems(tmp_path, text, template="victims"):
    (tmp_path / "map.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(InputRejected) as caught:
        load_mapping(tmp_path / "map.yaml", template)
    return [(p.sheet, p.row, p.column, p.value, p.reason) for p in caught.value.problems]


def test_the_sample_mappings_are_valid():
    victims = load_mapping(FIXTURES / "victims.yaml", "victims")
    cases = load_mapping(FIXTURES / "cases.yaml", "cases")

    assert [e.kind for e in victims.events] == ["arrest", "detention"]
    assert victims.date_format == "DD/MM/YYYY" and cases.date_format == "YYYY/MM/DD"


def test_it_refuses_a_field_irum_does_not_have(tmp_path):
    found = _problems(tmp_path, "person:\n  nmae: Title\n  sex: Sex\n")

    assert found == [
        (
            "map.yaml",
            None,
            "person.nmae",
            "",
            "is not an Irum field here; the fields are: public_id, pseudonym, full_name, "
            "full_name_ko, aliases, sex, birth_year, home_province, status, reason",
        )
    ]


@pytest.mark.parametrize(
    ("text", "where", "reason"),
    [
        ("colums: {}\n", "colums", "is not a key of a mapping file"),
        ("template: cases\n", "template", "differs from --template victims"),
        ("columns:\n  Sex: dropdown\n", "columns.Sex.type", "is not an Uwazi property type"),
        ("date_format: dd/MM/yy\n", "date_format", "is not a date format Irum reads"),
        ("date_format: MM/yyyy\n", "date_format", "is not a date format Irum reads"),
        ("geolocation_radius_km: far\n", "geolocation_radius_km", "must be a number of km"),
        ("language: english\n", "language", "must be a language code"),
        ("person:\n  ref: Title\n", "person.ref", "is given by id:"),
        ("person:\n  sex: {value: mle}\n", "person.sex", "is not one of: male, female"),
        ("person:\n  sex: [Sex]\n", "person.sex", "must be a column name, or value:"),
        (
            "columns:\n  Where: geolocation\nperson:\n  full_name: Where\n",
            "person.full_name",
            "is a geolocation column; this field takes text, markdown",
        ),
        ("events:\n  - kind: arest\n    date: When\n", "events[1].kind", "is not one of: arrest"),
        ("events:\n  - kind: arrest\n", "events[1]", "takes no column: an event needs"),
        (
            "events:\n  - kind: arrest\n    date: When\n    place_country: {value: XX}\n",
            "events[1].place_country",
            "is not an ISO 3166 two-letter country code",
        ),
        (
            "columns:\n  When:\n    type: date\n    values: {a: b}\n",
            "columns.When.values",
            "takes no values",
        ),
        ("- just\n- a list\n", "", "must be a mapping of keys to values"),
    ],
)
def test_it_names_the_key_that_is_wrong(tmp_path, text, where, reason):
    found = _problems(tmp_path, text)

    assert [f[2] for f in found] == [where]
    assert reason in found[0][4]


def test_the_cases_template_reads_only_case_fields(tmp_path):
    found = _problems(tmp_path, "case:\n  title: Title\nperson:\n  sex: Sex\n", "cases")

    assert [(f[2], f[4]) for f in found] == [
        ("person", "is for the victims template; the cases template reads case:")
    ]


def test_it_reports_broken_yaml_at_its_line(tmp_path):
    found = _problems(tmp_path, "person:\n  full_name: Title\n  sex: [Sex\n")

    assert [(f[1], f[2]) for f in found] == [(4, "")]
    assert found[0][4].startswith("is not valid YAML")


@pytest.mark.parametrize(
    "text",
    [
        # A Python object: what yaml.load without a safe loader would run.
        "person: !!python/object/apply:os.system ['touch /tmp/irum-owned']\n",
        # Nested aliases: a few lines that unpack to gigabytes.
        'a: &a ["x","x"]\nb: &b [*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b]\n',
        # A key given twice would silently drop the first.
        "columns:\n  Sex: select\n  Sex: text\n",
    ],
)
def test_it_refuses_hostile_or_ambiguous_yaml(tmp_path, text):
    found = _problems(tmp_path, text)

    assert len(found) == 1 and found[0][4].startswith("is not valid YAML")
    assert not Path("/tmp/irum-owned").exists()


def test_it_reads_every_value_as_the_text_it_is(tmp_path):
    (tmp_path / "map.yaml").write_text(
        "columns:\n  Consent:\n    type: select\n    values: {Yes: yes, No: no, 1.10: x}\n"
        "source:\n  consent_public: Consent\n",
        encoding="utf-8",
    )

    mapping = load_mapping(tmp_path / "map.yaml", "victims")

    assert mapping.column("Consent").values == {"yes": "yes", "no": "no", "1.10": "x"}


def test_a_bad_mapping_stops_the_import_before_the_csv_is_read(db, actor, tmp_path):
    (tmp_path / "map.yaml").write_text("person:\n  nmae: Title\n", encoding="utf-8")
    (tmp_path / "export.csv").write_bytes(b"\x00\x01 not a csv")

    result = uwazi_import(
        actor=actor,
        path=tmp_path / "export.csv",
        template="victims",
        mapping_path=tmp_path / "map.yaml",
    )

    assert [(p.sheet, p.column) for p in result.problems] == [("map.yaml", "person.nmae")]
