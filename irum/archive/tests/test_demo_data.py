"""The synthetic demo data: seeded, labelled synthetic, and loaded by `irum demo-data`."""

from __future__ import annotations

import csv
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from irum.archive.demo import SYNTHETIC, demo_data_load, write_demo_workbook
from irum.archive.models import Case, Person
from irum.exchange.formats import SHEETS
from irum.reports.figures import compute


def _read(path):
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_it_writes_the_same_bytes_for_the_same_seed(tmp_path):
    first = write_demo_workbook(tmp_path / "a", seed=42)
    second = write_demo_workbook(tmp_path / "b", seed=42)
    for sheet in SHEETS:
        assert (first / sheet.filename).read_bytes() == (second / sheet.filename).read_bytes()


def test_a_different_seed_writes_a_different_workbook(tmp_path):
    first = write_demo_workbook(tmp_path / "a", seed=1)
    second = write_demo_workbook(tmp_path / "b", seed=2)
    assert (first / "events.csv").read_bytes() != (second / "events.csv").read_bytes()


def test_every_case_and_person_is_labelled_synthetic(tmp_path):
    workbook = write_demo_workbook(tmp_path)
    cases = _read(workbook / "cases.csv")
    persons = _read(workbook / "persons.csv")
    assert len(cases) == 66
    assert len(persons) == 113
    for case in cases:
        assert case["title"].startswith("[SYNTHETIC]")
        assert case["summary_public"].startswith(SYNTHETIC)
    for person in persons:
        number = person["person_ref"][-3:]
        assert person["pseudonym"] == f"Demo person {number}"
        assert person["full_name"] == f"Synthetic Person {number}"
        assert person["full_name_ko"] == f"가상인물 {number}"


def test_it_meets_the_published_figures_whatever_the_seed(gazetteer, actor):
    # The counts are built into the case plans; the seed only varies what no figure reads.
    demo_data_load(actor=actor, seed=7)
    figures = compute()
    assert (figures.individuals, figures.cases) == (113, 66)
    assert figures.disappearance_place["KP"] == 90
    assert figures.disappearance_place["abroad"] == 23
    assert figures.mss == {"sole": 62, "after_other_agency": 30, "total": 92}
    assert figures.era == {"kim_il_sung": 7, "kim_jong_il": 68, "kim_jong_un": 35, "unknown": 3}
    assert figures.sex == {"male": 66, "female": 47, "unknown": 0}
    ages = figures.age_at_disappearance
    assert (ages["20s"] + ages["30s"], ages["under_10"]) == (44, 13)


def test_the_command_with_if_empty_does_nothing_the_second_time(db, tmp_path):
    first, second = StringIO(), StringIO()
    call_command("demo-data", "--if-empty", "--out", str(tmp_path), stdout=first)
    persons = set(Person.objects.values_list("public_id", flat=True))
    call_command("demo-data", "--if-empty", stdout=second)

    assert "Loaded the synthetic demo data: 66 cases, 113 persons" in first.getvalue()
    assert (tmp_path / "events.csv").exists()
    assert "already has cases" in second.getvalue()
    assert set(Person.objects.values_list("public_id", flat=True)) == persons
    assert Case.objects.count() == 66


def test_the_command_refuses_to_load_the_demo_twice(db):
    call_command("demo-data", stdout=StringIO())
    with pytest.raises(CommandError, match="already loaded"):
        call_command("demo-data", stdout=StringIO())
    assert Case.objects.count() == 66
