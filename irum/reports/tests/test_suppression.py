"""Public figures hide every count below the threshold, and say so."""

from __future__ import annotations

import json

from irum.reports.suppression import suppress
from irum.reports.tests.figure_builders import figures_of


def person(**facts) -> dict:
    base = {
        "country": "KP",
        "era": "kim_jong_il",
        "sex": "male",
        "age": "20s",
        "reason": "guilt_by_association",
        "agency": "nk-state-security",
        "mss": "sole",
    }
    return {**base, **facts}


def many(n: int, **facts) -> list[dict]:
    return [person(**facts) for _ in range(n)]


def test_counts_below_five_are_hidden_and_counts_of_five_are_shown():
    public = suppress(figures_of(many(20) + many(5, age="30s") + many(4, age="40s")))
    assert public.individuals == 29
    ages = public.age_at_disappearance
    assert (ages["20s"], ages["30s"], ages["40s"]) == (20, 5, None)
    # The other bands are empty, and hidden like any count below five.
    assert {ages[band] for band in ("under_10", "10s", "50s", "60_plus", "unknown")} == {None}


def test_zero_counts_are_hidden_too():
    # Showing zeros would mark every hidden count as "at least one".
    public = suppress(figures_of(many(30)))
    assert public.sex["female"] is None
    assert public.era["kim_il_sung"] is None
    assert public.disappearance_place["abroad"] is None


def test_every_breakdown_is_suppressed_including_agencies_and_mss():
    persons = many(12) + many(3, agency="ru-fsb", mss="after_other_agency", country="RU")
    public = suppress(figures_of(persons))
    assert public.first_agency == {"nk-state-security": 12, "ru-fsb": None}
    assert public.mss == {"sole": 12, "after_other_agency": None, "total": 15}
    assert public.disappearance_place["by_country"]["RU"] is None


def test_hidden_agencies_are_listed_last_and_not_by_their_true_counts():
    persons = many(9) + many(4, agency="ru-fsb") + many(1, agency="cn-public-security")
    public = suppress(figures_of(persons))
    assert list(public.first_agency) == ["nk-state-security", "cn-public-security", "ru-fsb"]


def test_a_small_archive_shows_no_count_at_all():
    public = suppress(figures_of(many(3)))
    assert public.individuals is None and public.cases is None
    data = public.as_dict()
    data.pop("suppression")
    assert set(leaves(data)) == {None}


def leaves(data: dict):
    for value in data.values():
        if isinstance(value, dict):
            yield from leaves(value)
        else:
            yield value


def test_the_output_says_that_small_counts_are_hidden_and_below_what():
    data = suppress(figures_of(many(40))).as_dict()
    assert data["suppression"]["threshold"] == 5
    assert data["suppression"]["note"] == (
        "Counts below 5 are not shown to protect the people counted."
    )
    assert data["suppression"]["suppressed"] > 0


def test_the_suppressed_figures_are_json_with_null_for_hidden_counts():
    data = json.loads(json.dumps(suppress(figures_of(many(40))).as_dict()))
    assert data["sex"] == {"male": 40, "female": None, "unknown": None}
