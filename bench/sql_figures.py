"""The report figures by hand-written SQL: the baseline for irum.reports.figures.compute().

Written from docs/figures.md, independently of figures.py. One query walks every person's
events once (person, then their events through the person_id index; the plan does not
depend on ANALYZE statistics), takes the first deprivation of liberty (FDL) as
MIN(chain_index) over deprivation events, finds that event again by (person, chain index),
folds the custody events into MSS flags ("an MSS custody event after the FDL" is "the last
MSS custody event comes after the FDL"), and groups persons by every dimension at once; a
second query counts cases. Python only adds up the grouped rows. SQLite dialect; no
parameters (the constants are the definitions themselves).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

DEPRIVATION = "('arrest', 'abduction', 'detention')"
CUSTODY = (
    "('arrest', 'abduction', 'detention', 'interrogation', 'transfer', 'repatriation', "
    "'trial', 'sentence')"
)

FIGURES_SQL = f"""
WITH mss AS (
    SELECT a.id
    FROM gazetteer_agency a
    LEFT JOIN gazetteer_agency parent ON parent.id = a.parent_id
    WHERE a.slug = 'nk-state-security' OR parent.slug = 'nk-state-security'
),
-- One row per person: where their first deprivation (FDL) sits in the chain, and what
-- their custody events say about the MSS. A person with no events gets NULLs.
person AS (
    SELECT
        p.id,
        p.sex,
        p.reason,
        p.birth_year,
        MIN(CASE WHEN e.kind IN {DEPRIVATION} THEN e.chain_index END) AS fdl_index,
        coalesce(MAX(e.kind IN {CUSTODY}), 0) AS any_custody,
        coalesce(MAX(e.kind IN {CUSTODY} AND e.agency_id IN (SELECT id FROM mss)), 0)
            AS any_mss,
        coalesce(
            MAX(
                e.kind IN {CUSTODY}
                AND (e.agency_id IS NULL OR e.agency_id NOT IN (SELECT id FROM mss))
            ),
            0
        ) AS any_not_mss,
        MAX(
            CASE
                WHEN e.kind IN {CUSTODY} AND e.agency_id IN (SELECT id FROM mss)
                    THEN e.chain_index
            END
        ) AS last_mss_index
    FROM archive_person p
    LEFT JOIN archive_event e ON e.person_id = p.id
    GROUP BY p.id
),
-- The FDL itself (by person and chain index), its place and agency.
facts AS (
    SELECT
        p.sex,
        p.reason,
        CASE
            WHEN pl.country IS NULL OR pl.country = '' OR instr(pl.country, '/') > 0
                THEN 'unknown'
            ELSE pl.country
        END AS country,
        CASE
            WHEN f.date_upper < '1994-07-08' THEN 'kim_il_sung'
            WHEN f.date_lower >= '1994-07-08' AND f.date_upper <= '2011-12-16'
                THEN 'kim_jong_il'
            WHEN f.date_lower >= '2011-12-17' THEN 'kim_jong_un'
            ELSE 'unknown'
        END AS era,
        CAST(substr(f.date_lower, 1, 4) AS INTEGER) - p.birth_year AS age,
        CASE WHEN p.fdl_index IS NOT NULL THEN coalesce(ag.slug, 'unknown') END
            AS first_agency,
        p.any_mss AS mss_total,
        p.any_custody AND NOT p.any_not_mss AS mss_sole,
        p.fdl_index IS NOT NULL
            AND (f.agency_id IS NULL OR f.agency_id NOT IN (SELECT id FROM mss))
            AND coalesce(p.last_mss_index > p.fdl_index, 0) AS mss_after_other
    FROM person p
    LEFT JOIN archive_event f
        ON f.person_id = p.id AND f.chain_index = p.fdl_index AND f.kind IN {DEPRIVATION}
    LEFT JOIN gazetteer_place pl ON pl.id = f.place_id
    LEFT JOIN gazetteer_agency ag ON ag.id = f.agency_id
)
SELECT
    country,
    era,
    CASE
        WHEN age IS NULL OR age < 0 THEN 'unknown'
        WHEN age < 10 THEN 'under_10'
        WHEN age < 20 THEN '10s'
        WHEN age < 30 THEN '20s'
        WHEN age < 40 THEN '30s'
        WHEN age < 50 THEN '40s'
        WHEN age < 60 THEN '50s'
        ELSE '60_plus'
    END AS age_band,
    sex,
    reason,
    first_agency,
    mss_total,
    mss_sole,
    mss_after_other,
    COUNT(*) AS n
FROM facts
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
"""

CASES_SQL = "SELECT COUNT(DISTINCT case_id) FROM archive_person"

ERAS = ("kim_il_sung", "kim_jong_il", "kim_jong_un", "unknown")
AGE_BANDS = ("under_10", "10s", "20s", "30s", "40s", "50s", "60_plus", "unknown")
SEXES = ("male", "female", "unknown")
REASONS = (
    "escape_repatriated",
    "escape_attempt",
    "escape_preparing",
    "escape_helping",
    "guilt_by_association",
    "outside_contact",
    "criticism",
    "religion",
    "other",
    "unknown",
)


def figures(cursor: Any) -> dict[str, Any]:
    """The report object of docs/figures.md, from a DB-API cursor on a SQLite database."""
    cursor.execute(FIGURES_SQL)
    rows = cursor.fetchall()
    cursor.execute(CASES_SQL)
    (cases,) = cursor.fetchone()

    individuals = 0
    country: Counter[str] = Counter()
    era: Counter[str] = Counter()
    age: Counter[str] = Counter()
    sex: Counter[str] = Counter()
    reason: Counter[str] = Counter()
    first_agency: Counter[str] = Counter()
    mss: Counter[str] = Counter()
    for c, e, a, s, r, agency, total, sole, after, n in rows:
        individuals += n
        country[c] += n
        era[e] += n
        age[a] += n
        sex[s] += n
        reason[r] += n
        if agency is not None:
            first_agency[agency] += n
        mss["total"] += n if total else 0
        mss["sole"] += n if sole else 0
        mss["after_other_agency"] += n if after else 0
    by_country = {code: n for code, n in sorted(country.items()) if code != "unknown"}
    return {
        "individuals": individuals,
        "cases": cases,
        "disappearance_place": {
            "KP": country.get("KP", 0),
            "abroad": sum(n for code, n in by_country.items() if code != "KP"),
            "unknown": country.get("unknown", 0),
            "by_country": by_country,
        },
        "era": {key: era.get(key, 0) for key in ERAS},
        "mss": {key: mss.get(key, 0) for key in ("sole", "after_other_agency", "total")},
        "first_agency": dict(sorted(first_agency.items(), key=lambda kv: (-kv[1], kv[0]))),
        "sex": {key: sex.get(key, 0) for key in SEXES},
        "age_at_disappearance": {key: age.get(key, 0) for key in AGE_BANDS},
        "reason": {key: reason.get(key, 0) for key in REASONS},
    }


def differences(got: Any, want: Any, path: str = "") -> list[str]:
    """Every leaf where two figure objects differ, as 'path: got != want'."""
    if isinstance(got, dict) and isinstance(want, dict):
        out: list[str] = []
        for key in sorted(set(got) | set(want), key=str):
            out += differences(got.get(key), want.get(key), f"{path}.{key}" if path else key)
        return out
    return [] if got == want else [f"{path}: {got!r} != {want!r}"]
