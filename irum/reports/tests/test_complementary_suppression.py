"""A hidden count cannot be worked out from the shown total and the other counts."""

from __future__ import annotations

import random
from fractions import Fraction
from typing import Any

import pytest

from irum.archive.models import Reason
from irum.reports.suppression import suppress
from irum.reports.tests.figure_builders import figures_of, random_persons
from irum.reports.tests.test_suppression import many

ESCAPE = ["escape_repatriated", "escape_attempt", "escape_preparing", "escape_helping"]

Key = tuple[str, ...]


def test_one_small_sex_count_takes_the_smallest_other_with_it():
    public = suppress(figures_of(many(30) + many(4, sex="female") + many(6, sex="unknown")))
    # Shown: 40 in all and 30 men. Women + unknown = 10, but neither alone.
    assert public.individuals == 40
    assert public.sex == {"male": 30, "female": None, "unknown": None}


def test_hiding_abroad_spreads_to_the_countries_abroad():
    persons = many(90) + many(20, country="CN") + many(3, country="RU")
    public = suppress(figures_of(persons))
    place = public.disappearance_place
    # Unknown (0) is hidden, so abroad, the smallest other part, goes with it: 113 - 90
    # tells neither. Abroad = China + Russia then has two hidden counts (abroad, Russia).
    assert (place["KP"], place["abroad"], place["unknown"]) == (90, None, None)
    assert place["by_country"] == {"CN": 20, "KP": 90, "RU": None}


def test_one_small_country_abroad_takes_another_country_with_it():
    persons = (
        many(90) + many(20, country="CN") + many(3, country="RU") + many(10, country="unknown")
    )
    place = suppress(figures_of(persons)).disappearance_place
    assert (place["KP"], place["abroad"], place["unknown"]) == (90, 23, 10)
    assert place["by_country"] == {"CN": None, "KP": 90, "RU": None}


def test_the_escape_related_total_does_not_give_away_one_escape_reason():
    persons = (
        many(20)
        + many(3, reason="escape_attempt")
        + many(8, reason="escape_repatriated")
        + many(6, reason="escape_preparing")
        + many(7, reason="escape_helping")
    )
    public = suppress(figures_of(persons))
    assert public.escape_related == 24
    assert public.reason["escape_attempt"] is None
    # The next smallest escape reason is hidden with it.
    assert public.reason["escape_preparing"] is None
    assert public.reason["escape_repatriated"] == 8


def test_north_korea_is_hidden_alike_in_the_totals_and_among_countries():
    public = suppress(figures_of(many(3) + many(30, country="CN")))
    assert public.disappearance_place["KP"] is None
    assert public.disappearance_place["by_country"]["KP"] is None


# -- the general property, over many random archives -----------------------------------


def cells(data: dict[str, Any], path: Key = ()) -> dict[Key, Any]:
    out: dict[Key, Any] = {}
    for key, value in data.items():
        if key == "suppression":
            continue
        if isinstance(value, dict):
            out.update(cells(value, (*path, key)))
        else:
            out[(*path, key)] = value
    return out


def equations(truth: dict[Key, int]) -> list[dict[Key, int]]:
    """Every sum a reader can form from the published figures (docs/figures.md), as
    {cell: coefficient} = 0. Written here from the definitions, not from the code."""
    total = ("individuals",)
    eqs: list[dict[Key, int]] = []

    def adds_up(whole: Key, parts: list[Key]) -> None:
        eq = {whole: -1}
        for part in parts:
            eq[part] = eq.get(part, 0) + 1
        eqs.append(eq)

    place = [k for k in truth if k[0] == "disappearance_place"]
    adds_up(total, [("disappearance_place", k) for k in ("KP", "abroad", "unknown")])
    adds_up(
        ("disappearance_place", "abroad"),
        [k for k in place if len(k) == 3 and k[2] != "KP"],
    )
    if ("disappearance_place", "by_country", "KP") in truth:
        adds_up(("disappearance_place", "KP"), [("disappearance_place", "by_country", "KP")])
    for name in ("era", "sex", "age_at_disappearance", "reason"):
        adds_up(total, [k for k in truth if k[0] == name])
    adds_up(("escape_related",), [("reason", k) for k in ESCAPE])
    return eqs


def determined(eqs: list[dict[Key, int]], hidden: set[Key]) -> set[Key]:
    """The hidden cells whose value follows from the shown ones by linear algebra: a cell
    is determined when its unit vector is in the row space of the system over the hidden
    cells, which in reduced row echelon form means a row with that one entry only."""
    columns = sorted(hidden)
    rows = [[Fraction(eq.get(c, 0)) for c in columns] for eq in eqs]
    rows = [row for row in rows if any(row)]
    pivot_row = 0
    for col in range(len(columns)):
        found = next((r for r in range(pivot_row, len(rows)) if rows[r][col]), None)
        if found is None:
            continue
        rows[pivot_row], rows[found] = rows[found], rows[pivot_row]
        lead = rows[pivot_row][col]
        rows[pivot_row] = [v / lead for v in rows[pivot_row]]
        for r in range(len(rows)):
            if r != pivot_row and rows[r][col]:
                factor = rows[r][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[pivot_row], strict=True)]
        pivot_row += 1
    return {columns[row.index(1)] for row in rows[:pivot_row] if sum(1 for v in row if v) == 1}


def test_the_determinacy_check_itself_catches_a_lone_hidden_count():
    truth = cells(figures_of(many(30) + many(4, sex="female")).as_dict())
    truth[("escape_related",)] = 0
    assert determined(equations(truth), {("sex", "female")}) == {("sex", "female")}
    assert determined(equations(truth), {("sex", "female"), ("sex", "unknown")}) == set()


@pytest.mark.parametrize("seed", range(60))
def test_no_hidden_count_can_be_worked_out_from_the_shown_ones(seed):
    rng = random.Random(seed)
    figures = figures_of(random_persons(rng, rng.randint(3, 120)))
    threshold = rng.choice([3, 5, 10])
    shown = cells(suppress(figures, threshold=threshold).as_dict())
    truth = cells(figures.as_dict()) | {("escape_related",): figures.escape_related}
    assert set(truth) <= set(shown)
    # Countries are listed at zero too in the public figures.
    truth |= {key: 0 for key in shown if key not in truth}
    hidden = {key for key, value in shown.items() if value is None}
    # Every small count is hidden, and every shown count is true.
    assert {k for k, n in truth.items() if n < threshold} <= hidden
    assert all(shown[k] == truth[k] for k in truth if k not in hidden)
    assert determined(equations(truth), hidden) == set()


def test_the_random_archives_exercise_secondary_suppression():
    # Guard for the test above: some of its archives must need a second hidden cell.
    needed = 0
    for seed in range(60):
        rng = random.Random(seed)
        figures = figures_of(random_persons(rng, rng.randint(3, 120)))
        truth = cells(figures.as_dict())
        shown = cells(suppress(figures, threshold=5).as_dict())
        needed += any(shown[k] is None and n >= 5 for k, n in truth.items())
    assert needed >= 10
    assert len(Reason.values) == 10
