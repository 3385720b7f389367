"""A workbook imports with every field intact, and export -> import loses nothing."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from irum.archive import services
from irum.archive.models import Case, Event, Person, Source
from irum.exchange.exporter import workbook_export
from irum.exchange.importer import workbook_import
from irum.exchange.tests.snapshots import (
    archive_snapshot,
    assert_same_archive,
    empty_archive,
)
from irum.exchange.tests.workbooks import FORMS, sample, write_workbook
from irum.gazetteer.models import Place

# Values a spreadsheet would run as a formula, or that a careless reader would mangle.
TRICKY = [
    '=HYPERLINK("http://example.invalid","click")',
    "+82 10 1234 5678 (family hotline)",
    '-- handed over; officer said "no record"',
    "@miran_k on the broker's phone",
    "'Tis all she said",
    "\tindented by a tab",
    "\rstarts with a carriage return",
    '쉼표, 따옴표 "와" 줄바꿈\n두 번째 줄\r\n세 번째 줄',
    "right-to-left \u202eoverride\u202c and zero\u200bwidth",
    "<script>alert('x')</script> & <b>bold</b>",
    "Robert'); DROP TABLE archive_person;--",
    "pasted from Word\x0bwith a soft line break, and a literal _x0041_",
]


def _import(actor, path, **kwargs):
    result = workbook_import(actor=actor, path=path, **kwargs)
    assert result.problems == []
    return result


def _export_path(tmp_path, form, name="export"):
    return tmp_path / (name if form == "folder" else f"{name}.{form}")


def test_it_imports_every_field_of_a_case_person_event_and_source(gazetteer, actor, tmp_path):
    result = _import(actor, write_workbook(tmp_path))

    assert (result.cases, result.persons, result.events, result.sources) == (3, 4, 15, 3)
    assert result.places_created == 1
    case = Case.objects.get(ref="C-001")
    assert case.public_id == "C7K2M9QX0"
    assert case.title == "Kim family, taken together at Tumen"
    assert case.summary_public == "2013년 4월 투먼에서 체포됨.\n부녀가 함께 북송되었다."
    assert case.narrative_restricted == (
        'The daughter said "we will be back by Chuseok", then nothing.'
    )
    assert case.reported_on == "2014-02"
    assert case.verification == "corroborated"
    assert case.confidentiality == "partners"
    assert case.owner is None

    person = Person.objects.get(ref="P-001")
    assert person.case == case
    assert person.public_id == "P0A1B2C3D"
    assert person.pseudonym == "Daughter K"
    assert person.full_name == "Kim Mi-ran"
    assert person.full_name_ko == "김미란"
    assert person.alias_list == ["Miran", "미란이"]
    assert person.sex == "female"
    assert person.birth_year == 1990
    assert person.home_province.slug == "north-hamgyong"
    assert person.status == "missing"
    assert person.reason == "escape_repatriated"
    # Hangul province names find the same province.
    assert Person.objects.get(ref="P-002").home_province == person.home_province

    event = person.events.get(seq=4)
    assert event.kind == "detention"
    assert event.date == "2013-05/2013-07"
    assert (event.date_lower, event.date_upper) == (dt.date(2013, 5, 1), dt.date(2013, 7, 31))
    assert event.place.slug == "onsong-mss-holding-detention-centre"
    assert event.agency.slug == "nk-state-security"
    assert event.custody_acknowledged == "denied"
    assert event.description_public == "Interrogated for two months."
    assert event.description_restricted == "Beaten during interrogation;\nsee S-001 and S-002."
    assert sorted(s.ref for s in event.sources.all()) == ["S-001", "S-002"]

    source = Source.objects.get(ref="S-001")
    assert source.kind == "testimony"
    assert source.date == "2014-01"
    assert source.connection == "co_detainee"
    assert source.reliability == "high"
    assert source.consent_public is True
    assert source.content_restricted == (
        "Interview in Seoul.\nShe shared a cell with P-001 in Tumen."
    )
    assert Source.objects.get(ref="S-002").consent_public is False


def test_it_resolves_agencies_and_places_by_any_name_variant(gazetteer, actor, tmp_path):
    _import(actor, write_workbook(tmp_path))

    camp = Event.objects.get(person__ref="P-001", seq=5)
    assert camp.agency.slug == "nk-state-security"  # written as 국가보위성
    assert camp.place.slug == "kwalliso-no-16-hwasong-camp-16"  # written as Camp 16
    arrest = Event.objects.get(person__ref="P-002", kind="arrest")
    assert arrest.agency.slug == "cn-public-security"  # written as PSB
    assert arrest.place.slug == "tumen"


def test_it_adds_a_place_unknown_to_the_gazetteer_once_with_its_country(gazetteer, actor, tmp_path):
    book = sample()
    book["events"].append(
        {"person_ref": "P-004", "kind": "detention", "date": "2019-06",
         "place": "Yanji safe house", "place_country": "CN"}
    )  # fmt: skip
    _import(actor, write_workbook(tmp_path, book))

    place = Place.objects.get(name="Yanji safe house")
    assert place.country == "CN"
    assert "not in the sourced gazetteer" in place.source
    assert Event.objects.filter(place=place).count() == 2


def test_it_keeps_new_places_named_only_in_hangul_apart(gazetteer, actor, tmp_path):
    book = sample()
    book["events"][12].update(place="연길 은신처", place_country="CN")
    book["events"][13].update(place="도문 은신처", place_country="CN")
    result = _import(actor, write_workbook(tmp_path, book))

    assert result.places_created == 2
    names = [
        e.place.name for e in Event.objects.filter(person__ref="P-004").order_by("chain_index")
    ]
    assert names[:2] == ["연길 은신처", "도문 은신처"]


def test_it_orders_each_chain_by_seq_then_date_then_file_order(gazetteer, actor, tmp_path):
    book = sample()
    # Numbered steps given backwards still run in seq order.
    p1 = [e for e in book["events"] if e["person_ref"] == "P-001"]
    others = [e for e in book["events"] if e["person_ref"] != "P-001"]
    book["events"] = others + p1[::-1]
    _import(actor, write_workbook(tmp_path, book))

    def chain(ref):
        return [
            (e.seq, e.kind, e.date)
            for e in Event.objects.filter(person__ref=ref).order_by("chain_index")
        ]

    assert [seq for seq, *_ in chain("P-001")] == [1, 2, 3, 4, 5]
    # No seq: by date lower bound, then the undated ones in the order they were entered.
    assert chain("P-002") == [
        (None, "arrest", "2013-04"),
        (None, "detention", "2013-06"),
        (None, "sighting", ""),
        (None, "last_contact", ""),
    ]


def test_it_keeps_each_persons_position_within_the_case(gazetteer, actor, tmp_path):
    _import(actor, write_workbook(tmp_path))

    assert list(
        Person.objects.filter(case__ref="C-001").order_by("position").values_list("ref", flat=True)
    ) == ["P-001", "P-002"]


def test_it_gives_a_random_public_id_where_none_is_given(gazetteer, actor, tmp_path):
    book = sample()
    book["cases"][1]["public_id"] = ""
    book["persons"][2]["public_id"] = ""
    _import(actor, write_workbook(tmp_path, book))

    case_id = Case.objects.get(ref="C-002").public_id
    person_id = Person.objects.get(ref="P-003").public_id
    # Crockford base32, never derived from the ref or a name.
    assert re.fullmatch(r"C[0-9A-HJKMNP-TV-Z]{8}", case_id)
    assert re.fullmatch(r"P[0-9A-HJKMNP-TV-Z]{8}", person_id)


@pytest.mark.parametrize("form", FORMS)
def test_it_reads_the_same_archive_from_every_container_form(gazetteer, actor, tmp_path, form):
    _import(actor, write_workbook(tmp_path / "a", form="folder"))
    expected = archive_snapshot()
    empty_archive()

    _import(actor, write_workbook(tmp_path / "b", form=form))

    assert_same_archive(archive_snapshot(), expected)


def _tricky_book():
    """The sample with every tricky value in a text column of each sheet. A cell that
    starts with = must be written with a leading ' to be text, as in a spreadsheet."""
    book = sample()

    def as_cell(value):
        return "'" + value if value[0] in "='" else value

    for i, value in enumerate(TRICKY):
        book["cases"].append(
            {"case_ref": f"T-{i}", "title": as_cell(value.strip()[:300]),
             "summary_public": as_cell(value), "narrative_restricted": as_cell(value)}
        )  # fmt: skip
        book["persons"].append(
            {"person_ref": f"TP-{i}", "case_ref": f"T-{i}", "pseudonym": as_cell(value[:120]),
             "full_name": as_cell(value[:200]), "aliases": as_cell(value)}
        )  # fmt: skip
        book["events"].append(
            {"person_ref": f"TP-{i}", "kind": "sighting", "description_public": as_cell(value),
             "description_restricted": as_cell(value), "source_refs": f"TS-{i}"}
        )  # fmt: skip
        book["sources"].append({"source_ref": f"TS-{i}", "content_restricted": as_cell(value)})
    return book


def test_it_stores_tricky_cells_as_the_text_they_are(gazetteer, actor, tmp_path):
    _import(actor, write_workbook(tmp_path, _tricky_book()))

    for i, value in enumerate(TRICKY):
        # The importer trims each cell, as a spreadsheet user expects.
        assert Case.objects.get(ref=f"T-{i}").summary_public == value.strip()
        assert Person.objects.get(ref=f"TP-{i}").aliases == value.strip()
        assert Source.objects.get(ref=f"TS-{i}").content_restricted == value.strip()


@pytest.mark.parametrize("form", FORMS)
def test_it_loses_nothing_when_its_export_is_imported_again(gazetteer, actor, tmp_path, form):
    _import(actor, write_workbook(tmp_path, _tricky_book()))
    before = archive_snapshot()

    exported = workbook_export(
        actor=actor, path=_export_path(tmp_path, form), include_restricted=True
    ).path
    empty_archive()
    _import(actor, exported)

    assert_same_archive(archive_snapshot(), before)


@pytest.mark.parametrize("form", FORMS)
def test_it_keeps_values_entered_by_hand_exactly_through_a_round_trip(
    gazetteer, actor, tmp_path, form
):
    # Values typed in the admin do not pass through the importer's trimming, so they
    # may start with anything a spreadsheet would treat as a formula.
    case = services.case_create(actor=actor, ref="H-1", title="typed by hand")
    person = services.person_create(actor=actor, ref="HP-1", case=case)
    for i, value in enumerate(TRICKY):
        source = services.source_create(actor=actor, ref=f"HS-{i}", content_restricted=value)
        services.event_record(
            actor=actor,
            person=person,
            kind="sighting",
            seq=i,
            description_public=value,
            sources=[source],
        )
    services.case_update(actor=actor, case=case, summary_public="\r\n".join(TRICKY))
    before = archive_snapshot()

    exported = workbook_export(
        actor=actor, path=_export_path(tmp_path, form), include_restricted=True
    ).path
    empty_archive()
    _import(actor, exported)

    assert_same_archive(archive_snapshot(), before)
    assert [e.description_public for e in Event.objects.order_by("chain_index")] == TRICKY


def test_it_writes_the_same_bytes_after_export_import_export(gazetteer, actor, tmp_path):
    _import(actor, write_workbook(tmp_path, _tricky_book()))
    first = workbook_export(actor=actor, path=tmp_path / "first", include_restricted=True).path
    empty_archive()

    _import(actor, first)
    second = workbook_export(actor=actor, path=tmp_path / "second", include_restricted=True).path

    names = sorted(p.name for p in first.iterdir())
    assert names == ["cases.csv", "events.csv", "persons.csv", "sources.csv"]
    assert sorted(p.name for p in second.iterdir()) == names
    for name in names:
        assert (second / name).read_bytes() == (first / name).read_bytes(), name
