"""Report figures counted from made-up persons, without the database: for the tests of
suppression, which is a function of the figures alone."""

from __future__ import annotations

import random
from collections import Counter

from irum.archive.models import Reason, Sex
from irum.reports.figures import AGE_BANDS, ERAS, Figures

COUNTRIES = ("KP", "CN", "RU", "unknown")


def figures_of(persons: list[dict]) -> Figures:
    """Figures for persons given as dicts of country, era, sex, age, reason, agency (None:
    no first deprivation) and mss ("sole", "after_other_agency", "other" or None)."""
    count = Counter
    country = count(p["country"] for p in persons)
    mss = count(p["mss"] for p in persons if p["mss"])
    return Figures(
        individuals=len(persons),
        cases=len({p.get("case", i) for i, p in enumerate(persons)}),
        disappearance_place={
            "KP": country["KP"],
            "abroad": sum(n for c, n in country.items() if c not in ("KP", "unknown")),
            "unknown": country["unknown"],
            "by_country": {c: n for c, n in sorted(country.items()) if c != "unknown"},
        },
        era={k: count(p["era"] for p in persons)[k] for k in ERAS},
        mss={
            "sole": mss["sole"],
            "after_other_agency": mss["after_other_agency"],
            "total": sum(mss.values()),
        },
        first_agency=dict(count(p["agency"] for p in persons if p["agency"])),
        sex={k: count(p["sex"] for p in persons)[k] for k in Sex.values},
        age_at_disappearance={k: count(p["age"] for p in persons)[k] for k in AGE_BANDS},
        reason={k: count(p["reason"] for p in persons)[k] for k in Reason.values},
    )


def random_persons(rng: random.Random, n: int) -> list[dict]:
    # Skewed choices, as in real data: a few large categories and a tail of small ones.
    def pick(options, weights=None):
        return rng.choices(options, weights=weights)[0]

    return [
        {
            "case": rng.randrange(max(1, n // 2)),
            "country": pick(COUNTRIES, [70, 20, 3, 7]),
            "era": pick(ERAS, [5, 60, 30, 5]),
            "sex": pick(Sex.values, [55, 40, 5]),
            "age": pick(AGE_BANDS, [10, 15, 25, 20, 12, 8, 5, 5]),
            "reason": pick(Reason.values, [20, 10, 6, 4, 25, 9, 3, 3, 10, 10]),
            "agency": pick(["nk-state-security", "cn-public-security", "ru-fsb", None]),
            "mss": pick(["sole", "after_other_agency", "other", None]),
        }
        for _ in range(n)
    ]
