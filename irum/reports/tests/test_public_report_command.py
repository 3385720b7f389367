"""`irum report --public [--json]` prints the public figures."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from irum.reports.public import public_figures
from irum.reports.tests.builders import Canaries, seed_case


@pytest.fixture
def world(gazetteer, actor):
    canary = Canaries()
    for i in range(3):
        seed_case(actor, canary, label=f"pub{i}", confidentiality="public", persons=3)
    seed_case(actor, canary, label="hidden", confidentiality="restricted", persons=4)
    return canary


def test_it_prints_the_public_figures_as_json(world, capsys):
    call_command("report", "--public", "--json")
    out = capsys.readouterr().out
    data = json.loads(out)
    assert data == public_figures().as_dict()
    assert data["individuals"] == 9
    assert data["cases"] is None  # three cases: fewer than five
    assert world.found_in(out) == []


def test_it_prints_the_public_figures_as_text_with_the_note(world, capsys):
    call_command("report", "--public")
    out = capsys.readouterr().out
    assert "individuals: 9" in out
    assert "cases: null" in out
    assert out.rstrip().endswith("Counts below 5 are not shown to protect the people counted.")


def test_without_public_it_prints_the_whole_figures(world, capsys):
    call_command("report", "--json")
    assert json.loads(capsys.readouterr().out)["individuals"] == 13
