"""A cell the importer cannot use is reported with its sheet, row, column, value and a
plain reason, and nothing is written. Rows count as in a spreadsheet: the header is row
1, so the sample's first data row is row 2."""

from __future__ import annotations

import pytest

from irum.archive.models import Case, Event
from irum.exchange.importer import workbook_import
from irum.exchange.tests.workbooks import sample, where, write_workbook
from irum.gazetteer.models import PlaceKind
from irum.gazetteer.services import place_upsert


def _import_with(actor, tmp_path, sheet, index, column, value, form="folder"):
    book = sample()
    book[sheet][index][column] = value
    return workbook_import(actor=actor, path=write_workbook(tmp_path, book, form=form))


def _only_problem(result):
    assert len(result.problems) == 1, [str(p) for p in result.problems]
    assert Case.objects.count() == 0
    problem = result.problems[0]
    assert problem.reason
    return problem


def test_it_rejects_an_unknown_event_kind(gazetteer, actor, tmp_path):
    result = _import_with(actor, tmp_path, "events", 0, "kind", "teleportation")

    problem = _only_problem(result)
    assert where([problem]) == [("events", 2, "kind", "teleportation")]
    assert "is not one of: arrest, abduction" in problem.reason


def test_it_accepts_an_event_kind_in_any_case(gazetteer, actor, tmp_path):
    result = _import_with(actor, tmp_path, "events", 0, "kind", "Last Contact")

    assert result.problems == []
    assert Event.objects.get(person__ref="P-001", seq=1).kind == "last_contact"


def test_it_rejects_rows_without_a_kind(gazetteer, actor, tmp_path):
    problem = _only_problem(_import_with(actor, tmp_path, "events", 4, "kind", ""))

    assert where([problem]) == [("events", 6, "kind", "")]
    assert problem.reason == "is required"


def test_it_rejects_an_unknown_agency(gazetteer, actor, tmp_path):
    problem = _only_problem(_import_with(actor, tmp_path, "events", 0, "agency", "Gestapo"))

    assert where([problem]) == [("events", 2, "agency", "Gestapo")]
    assert problem.reason == "is not a known agency"


def test_it_refuses_to_guess_which_agency_mss_means(gazetteer, actor, tmp_path):
    problem = _only_problem(_import_with(actor, tmp_path, "events", 3, "agency", "MSS"))

    assert where([problem]) == [("events", 5, "agency", "MSS")]
    assert "ambiguous" in problem.reason
    assert "nk-social-security" in problem.reason
    assert "nk-state-security" in problem.reason


def test_it_refuses_a_place_name_shared_by_two_places(gazetteer, actor, tmp_path):
    for slug in ("post-7-north", "post-7-south"):
        place_upsert(actor=actor, slug=slug, name="Border post 7", kind=PlaceKind.OTHER,
                     country="CN")  # fmt: skip

    problem = _only_problem(_import_with(actor, tmp_path, "events", 0, "place", "Border post 7"))

    assert where([problem]) == [("events", 2, "place", "Border post 7")]
    assert "post-7-north" in problem.reason and "post-7-south" in problem.reason


def test_it_rejects_a_place_not_in_the_gazetteer_without_a_country(gazetteer, actor, tmp_path):
    problem = _only_problem(_import_with(actor, tmp_path, "events", 0, "place", "Atlantis"))

    assert where([problem]) == [("events", 2, "place", "Atlantis")]
    assert "place_country" in problem.reason


def test_it_rejects_a_country_that_is_not_an_iso_code(gazetteer, actor, tmp_path):
    result = _import_with(actor, tmp_path, "events", 12, "place_country", "XX")

    # Without a usable country the new place cannot be added either; both are said.
    assert where(result.problems) == [
        ("events", 14, "place_country", "XX"),
        ("events", 14, "place", "Yanji safe house"),
    ]
    assert "ISO 3166" in result.problems[0].reason
    assert Case.objects.count() == 0


def test_it_rejects_a_person_in_a_case_that_does_not_exist(gazetteer, actor, tmp_path):
    problem = _only_problem(_import_with(actor, tmp_path, "persons", 0, "case_ref", "C-999"))

    assert where([problem]) == [("persons", 2, "case_ref", "C-999")]
    assert "is not a case" in problem.reason


def test_it_rejects_rows_without_a_case_ref(gazetteer, actor, tmp_path):
    problem = _only_problem(_import_with(actor, tmp_path, "persons", 3, "case_ref", ""))

    assert where([problem]) == [("persons", 5, "case_ref", "")]
    assert problem.reason == "is required"


def test_it_rejects_an_event_for_a_person_that_does_not_exist(gazetteer, actor, tmp_path):
    problem = _only_problem(_import_with(actor, tmp_path, "events", 1, "person_ref", "P-999"))

    assert where([problem]) == [("events", 3, "person_ref", "P-999")]
    assert "is not a person" in problem.reason


def test_it_rejects_rows_without_a_person_ref(gazetteer, actor, tmp_path):
    book = sample()
    book["events"][1]["person_ref"] = ""
    book["persons"][3]["person_ref"] = ""
    del book["events"][-3:]  # P-004's events, now without their person

    result = workbook_import(actor=actor, path=write_workbook(tmp_path, book))

    assert where(result.problems) == [
        ("persons", 5, "person_ref", ""),
        ("events", 3, "person_ref", ""),
    ]
    assert {p.reason for p in result.problems} == {"is required"}


def test_it_rejects_a_link_to_a_source_that_does_not_exist(gazetteer, actor, tmp_path):
    result = _import_with(actor, tmp_path, "events", 0, "source_refs", "S-001; S-404")

    problem = _only_problem(result)
    assert where([problem]) == [("events", 2, "source_refs", "S-404")]
    assert "is not a source" in problem.reason


@pytest.mark.parametrize(
    ("sheet", "index", "column", "value", "reason"),
    [
        ("events", 0, "date", "April 2013", "is not an EDTF date"),
        ("events", 0, "date", "2013-13", "is not an EDTF date"),
        ("events", 0, "date", "2014/2013", "ends before it starts"),
        ("events", 0, "date", "2013" * 20, "an EDTF date is at most 64"),
        ("cases", 0, "reported_on", "13/04/2014", "is not an EDTF date"),
        ("sources", 0, "date", "last spring", "is not an EDTF date"),
    ],
)
def test_it_rejects_a_date_that_is_not_edtf(
    gazetteer, actor, tmp_path, sheet, index, column, value, reason
):
    problem = _only_problem(_import_with(actor, tmp_path, sheet, index, column, value))

    assert where([problem]) == [(sheet, index + 2, column, value)]
    assert reason in problem.reason


@pytest.mark.parametrize(
    ("sheet", "column", "value"),
    [
        ("cases", "verification", "confirmed"),
        ("cases", "confidentiality", "secret"),
        ("persons", "sex", "M"),
        ("persons", "status", "lost"),
        ("persons", "reason", "politics"),
        ("events", "custody_acknowledged", "maybe"),
        ("sources", "kind", "rumour"),
        ("sources", "connection", "neighbour"),
        ("sources", "reliability", "very high"),
    ],
)
def test_it_rejects_a_value_outside_a_columns_choices(
    gazetteer, actor, tmp_path, sheet, column, value
):
    problem = _only_problem(_import_with(actor, tmp_path, sheet, 0, column, value))

    assert where([problem]) == [(sheet, 2, column, value)]
    assert problem.reason.startswith("is not one of: ")


@pytest.mark.parametrize(
    ("sheet", "column", "value", "reason"),
    [
        ("persons", "birth_year", "nineteen ninety", "must be a year"),
        ("persons", "birth_year", "1850", "must be a year"),
        ("persons", "birth_year", "3000", "must be a year"),
        ("persons", "home_province", "Tumen", "is a place but not a province"),
        ("persons", "home_province", "Atlantis", "is not a known place"),
        ("persons", "public_id", "not an id!", "letters, digits or hyphens"),
        ("events", "seq", "first", "must be a whole number"),
        ("events", "seq", "-1", "must be a whole number"),
        ("events", "seq", "1.5", "must be a whole number"),
        ("events", "seq", "99999999999", "must be a whole number"),
        ("sources", "consent_public", "maybe", "must be yes or no"),
    ],
)
def test_it_rejects_a_value_it_cannot_read(
    gazetteer, actor, tmp_path, sheet, column, value, reason
):
    problem = _only_problem(_import_with(actor, tmp_path, sheet, 0, column, value))

    assert where([problem]) == [
        (sheet, 2, column, value.upper() if column == "public_id" else value)
    ]
    assert reason in problem.reason


@pytest.mark.parametrize(
    ("sheet", "index", "column", "limit"),
    [
        ("cases", 1, "case_ref", 64),
        ("cases", 0, "title", 300),
        ("persons", 0, "pseudonym", 120),
        ("persons", 0, "full_name_ko", 200),
        ("events", 0, "place", 200),
    ],
)
def test_it_rejects_a_value_longer_than_its_column_holds(
    gazetteer, actor, tmp_path, sheet, index, column, limit
):
    value = "김" * (limit + 1)
    book = sample()
    book[sheet][index][column] = value
    if column == "case_ref":
        del book["persons"][2:]
        book["events"] = [e for e in book["events"] if e["person_ref"] in ("P-001", "P-002")]

    result = workbook_import(actor=actor, path=write_workbook(tmp_path, book))

    assert where(result.problems) == [(sheet, index + 2, column, value)]
    assert result.problems[0].reason == (f"is {limit + 1} characters long; the limit is {limit}")


def test_it_reports_every_bad_cell_at_once(gazetteer, actor, tmp_path):
    book = sample()
    book["cases"][2]["verification"] = "confirmed"
    book["persons"][1]["sex"] = "M"
    book["events"][3]["agency"] = "MSS"
    book["events"][6]["date"] = "spring"
    book["sources"][1]["consent_public"] = "perhaps"

    result = workbook_import(actor=actor, path=write_workbook(tmp_path, book))

    assert where(result.problems) == [
        ("cases", 4, "verification", "confirmed"),
        ("persons", 3, "sex", "M"),
        ("sources", 3, "consent_public", "perhaps"),
        ("events", 5, "agency", "MSS"),
        ("events", 8, "date", "spring"),
    ]
    assert Case.objects.count() == 0


@pytest.mark.parametrize("form", ["zip", "xlsx"])
def test_it_numbers_rows_the_same_in_every_container_form(gazetteer, actor, tmp_path, form):
    result = _import_with(actor, tmp_path, "events", 6, "kind", "teleportation", form=form)

    assert where(result.problems) == [("events", 8, "kind", "teleportation")]


def test_it_counts_a_cell_with_line_breaks_as_one_row(gazetteer, actor, tmp_path):
    book = sample()
    book["events"][0]["description_public"] = "one\ntwo\nthree\nfour"
    book["events"][2]["kind"] = "teleportation"

    result = workbook_import(actor=actor, path=write_workbook(tmp_path, book))

    # Row 4 as a spreadsheet shows it, though it starts on line 7 of the file.
    assert where(result.problems) == [("events", 4, "kind", "teleportation")]


def test_it_says_where_each_problem_is_in_plain_words(gazetteer, actor, tmp_path):
    problem = _only_problem(_import_with(actor, tmp_path, "events", 3, "agency", "MSS"))

    assert str(problem).startswith("events row 5, agency: 'MSS' is ambiguous")
