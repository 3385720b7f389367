"""Synthetic demo data: a seeded workbook whose figures equal a published table.

The demo is a workbook (format v1, docs/workbook.md) imported through the same importer
partners use, so it exercises the real path. No real person is in it: every case title
starts "[SYNTHETIC]", every summary says so, and names are "Synthetic Person 001".

Its aggregates reproduce TJWG's 2024 report "Existing 'Nowhere'" exactly
(shared/data/published-figures.md), so the report page can be checked against a
published source. The figures are met by construction, not by luck: the counts live in
the case plans below, and the seed only varies what no figure reads (which city, which
camp, exact dates within an era, statuses, wording). Any seed gives the same figures.

Each plan names its custody pattern, which fixes the place of disappearance and the MSS
class of everyone in the case (docs/figures.md):

| pattern      | first deprivation of liberty (FDL)            | MSS class          | persons |
|--------------|-----------------------------------------------|--------------------|---------|
| kp_family    | MSS, at home in North Korea                    | sole               | 38      |
| kp_mss       | MSS, in North Korea                            | sole               | 24      |
| kp_handover  | border guard / KPA / police / inspection group | after_other_agency | 9       |
| cn_to_mss    | Chinese public security, then repatriated      | after_other_agency | 18      |
| ru_to_mss    | Russian FSB or migration service, deported     | after_other_agency | 3       |
| kp_police    | NK police etc., never the MSS                  | neither            | 19      |
| cn_police    | China, repatriated, then NK police only        | neither            | 2       |

An FDL on a border crossing counts as an unknown country, so no FDL is ever placed on
one: crossings appear only as the place of a repatriation.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import random
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.models import AbstractBaseUser

from irum.archive.models import Case
from irum.exchange.formats import CASES, EVENTS, PERSONS, SOURCES, Sheet
from irum.exchange.importer import ImportResult, workbook_import
from irum.lib import dates

# 31 October 2024, the day the report was published.
DEFAULT_SEED = 20241031

SYNTHETIC = "Synthetic demo record — no real person."
TITLE_PREFIX = "[SYNTHETIC]"
# Every ref in the workbook starts with this: DEMO-C001, DEMO-P001, DEMO-S001.
REF_PREFIX = "DEMO-"

MSS = "nk-state-security"
POLICE = "nk-social-security"
BORDER_GUARD = "nk-border-guard"
KPA = "kpa-security-bureau"
INSPECTION = "nk-non-socialist-group"
CN_POLICE = "cn-public-security"
CN_BORDER = "cn-border-defence"
RU_FSB = "ru-fsb"
RU_MIGRATION = "ru-migration"


class DemoDataError(RuntimeError):
    """The demo workbook did not import; the message lists the importer's problems."""


# -- plans ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    reason: str
    sex: str | None = None  # None: drawn from what the sex totals leave over
    band: str | None = None  # age band at disappearance; None: drawn likewise
    role: str = ""


@dataclass(frozen=True)
class Plan:
    pattern: str
    era: str
    members: tuple[Member, ...]
    # How the case's interviewee is connected to the information (Source.connection).
    connection: str
    first_agency: str = ""


def _same(n: int, reason: str, sex: str | None = None) -> tuple[Member, ...]:
    return tuple(Member(reason, sex) for _ in range(n))


def _family(era: str, principal: Member, *relatives: tuple[str, str | None, str]) -> Plan:
    # A family sent to a political prison camp: one person accused, the rest taken for
    # guilt by association (연좌제). The interviewee is a relative who was not taken.
    members = (
        principal,
        *(Member("guilt_by_association", sex, band, role) for role, sex, band in relatives),
    )
    return Plan("kp_family", era, members, "relative")


KIS, KJI, KJU = "kim_il_sung", "kim_jong_il", "kim_jong_un"
GBA = "guilt_by_association"

PLANS: tuple[Plan, ...] = (
    # Abroad: 23 persons, CN 20 and RU 3; all but two end up with the MSS.
    Plan("ru_to_mss", KJI, _same(1, "escape_repatriated", "male"), "co_detainee", RU_MIGRATION),
    Plan("ru_to_mss", KJU, _same(2, "escape_repatriated", "male"), "witness", RU_FSB),
    Plan("cn_to_mss", KJU, _same(3, "escape_repatriated"), "relative"),
    Plan("cn_to_mss", KJI, _same(2, "escape_repatriated"), "co_detainee"),
    Plan("cn_to_mss", KJI, _same(2, "escape_repatriated"), "relative"),
    Plan("cn_to_mss", KJI, _same(2, "escape_repatriated"), "witness"),
    Plan("cn_to_mss", KJI, _same(1, "escape_repatriated"), "relative"),
    Plan("cn_to_mss", KJI, _same(1, "escape_repatriated"), "victim"),
    Plan("cn_to_mss", KJI, _same(1, "escape_repatriated"), "co_detainee"),
    Plan("cn_to_mss", KJU, _same(1, "escape_repatriated"), "victim"),
    Plan("cn_to_mss", KJI, _same(1, "escape_repatriated"), "acquaintance"),
    Plan("cn_to_mss", KJI, _same(1, "escape_repatriated"), "victim"),
    Plan("cn_to_mss", KJU, _same(1, "escape_repatriated"), "co_detainee"),
    Plan("cn_to_mss", KJI, _same(1, "escape_helping"), "witness"),
    Plan("cn_to_mss", KJU, _same(1, "religion"), "acquaintance"),
    Plan("cn_police", KJI, _same(1, "escape_repatriated"), "victim"),
    Plan("cn_police", KJU, _same(1, "escape_repatriated"), "victim"),
    # Families taken by the MSS: 38 persons, 29 of them for guilt by association.
    _family(
        KIS,
        Member("criticism", "male", "40s"),
        ("spouse", "female", "30s"),
        ("child", None, "under_10"),
        ("child", None, "under_10"),
    ),
    _family(
        KIS,
        Member("criticism", "male", "50s"),
        ("child", None, "20s"),
        ("child", "female", "10s"),
    ),
    _family(
        KJI,
        Member("religion", "female", "30s"),
        ("spouse", "male", "30s"),
        ("child", None, "under_10"),
    ),
    _family(
        KJI,
        Member("outside_contact", "male", "40s"),
        ("spouse", "female", "40s"),
        ("child", None, "under_10"),
        ("child", None, "10s"),
    ),
    _family(
        KJI,
        Member("criticism", "male", "50s"),
        ("spouse", "female", "50s"),
        ("child", "male", "20s"),
    ),
    _family(
        KJU,
        Member("religion", "male", "30s"),
        ("spouse", "female", "30s"),
        ("child", None, "under_10"),
        ("child", None, "under_10"),
    ),
    _family(
        KJU,
        Member("escape_helping", "male", "40s"),
        ("spouse", "female", "30s"),
        ("child", None, "under_10"),
    ),
    _family(
        KJI,
        Member("escape_preparing", "male", "30s"),
        ("spouse", "female", "30s"),
        ("child", None, "under_10"),
        ("child", None, "under_10"),
    ),
    _family(
        KJU,
        Member("outside_contact", "female", "40s"),
        ("parent", "female", "60_plus"),
        ("child", None, "under_10"),
    ),
    # Relatives of someone who escaped: the accused is not in the archive.
    Plan(
        "kp_family",
        KJI,
        (
            Member(GBA, "female", "30s", "parent"),
            Member(GBA, None, "under_10", "child"),
            Member(GBA, None, "under_10", "child"),
        ),
        "relative",
    ),
    Plan(
        "kp_family",
        KJU,
        (Member(GBA, "female", "60_plus", "grandparent"), Member(GBA, None, "under_10", "child")),
        "relative",
    ),
    Plan("kp_family", KJU, (Member(GBA, "male", "20s", "sibling"),), "relative"),
    Plan("kp_family", KJI, (Member(GBA, "male", "50s", "parent"),), "relative"),
    # Caught in North Korea by another body, then handed to the MSS: 9 persons.
    Plan("kp_handover", KJI, _same(2, "escape_attempt"), "relative", BORDER_GUARD),
    Plan("kp_handover", KJU, _same(2, "escape_attempt"), "co_detainee", BORDER_GUARD),
    Plan("kp_handover", KJI, _same(2, "outside_contact"), "relative", INSPECTION),
    Plan("kp_handover", KJI, _same(1, "other"), "victim", POLICE),
    Plan("kp_handover", KJU, _same(1, "criticism", "male"), "witness", KPA),
    Plan("kp_handover", KJI, _same(1, "escape_helping"), "acquaintance", BORDER_GUARD),
    # Never under the MSS: police (or border guard, inspection group) to a kyohwaso.
    Plan("kp_police", KJI, _same(2, "escape_attempt"), "co_detainee", BORDER_GUARD),
    Plan("kp_police", KJI, _same(1, "escape_attempt"), "victim", BORDER_GUARD),
    Plan("kp_police", KJU, _same(2, "escape_attempt"), "witness", POLICE),
    Plan("kp_police", KJI, _same(1, "escape_preparing"), "victim", POLICE),
    Plan("kp_police", KJI, _same(2, "escape_preparing"), "acquaintance", POLICE),
    Plan("kp_police", KJI, _same(1, "other"), "victim", POLICE),
    Plan("kp_police", KJI, _same(1, "other"), "co_detainee", INSPECTION),
    Plan("kp_police", KJU, _same(2, "other"), "relative", POLICE),
    Plan("kp_police", KJI, _same(1, "other"), "witness", POLICE),
    Plan("kp_police", KJI, _same(1, "outside_contact"), "victim", INSPECTION),
    Plan("kp_police", KJI, _same(2, "outside_contact"), "co_detainee", INSPECTION),
    Plan("kp_police", "undated", (Member("unknown", band="unknown"),), "acquaintance", POLICE),
    Plan("kp_police", KJI, _same(1, "unknown"), "witness", POLICE),
    Plan("kp_police", KJI, _same(1, "escape_helping"), "victim", POLICE),
    # Arrested and held by the MSS alone, in North Korea: 24 persons.
    Plan("kp_mss", KJU, _same(1, "escape_attempt"), "victim"),
    Plan("kp_mss", KJI, _same(2, "escape_attempt"), "relative"),
    Plan("kp_mss", KJI, _same(2, "escape_preparing"), "co_detainee"),
    Plan("kp_mss", KJI, _same(1, "escape_preparing"), "witness"),
    Plan("kp_mss", KJI, _same(1, "escape_helping"), "co_detainee"),
    Plan("kp_mss", KJU, _same(1, "outside_contact"), "acquaintance"),
    Plan("kp_mss", KJI, _same(2, "outside_contact"), "witness"),
    Plan("kp_mss", KJI, _same(1, "criticism"), "co_detainee"),
    Plan("kp_mss", KJI, _same(2, "criticism"), "relative"),
    Plan("kp_mss", "straddles_2011", _same(1, "criticism"), "witness"),
    Plan("kp_mss", KJU, _same(2, "criticism"), "co_detainee"),
    Plan("kp_mss", KJI, _same(1, "criticism"), "acquaintance"),
    Plan("kp_mss", "straddles_1994", _same(1, "criticism"), "co_detainee"),
    Plan("kp_mss", KJI, _same(3, "religion"), "witness"),
    Plan("kp_mss", KJU, _same(2, "religion"), "co_detainee"),
    Plan("kp_mss", KJI, _same(1, "religion"), "victim"),
)

# The published totals that the plans leave to be shared out: sex and age band. The plans
# fix some (families: spouses, children); the rest is drawn from what is left, so the
# totals hold whatever the seed. Age bands beyond the two published ones are our choice.
SEX_TOTALS = {"male": 66, "female": 47}
BAND_TOTALS = {
    "under_10": 13,
    "10s": 16,
    "20s": 25,
    "30s": 19,
    "40s": 21,
    "50s": 12,
    "60_plus": 5,
    "unknown": 2,
}
BAND_AGES = {
    "under_10": (1, 9),
    "10s": (14, 19),
    "20s": (20, 29),
    "30s": (30, 39),
    "40s": (40, 49),
    "50s": (50, 59),
    "60_plus": (60, 71),
}
_ESCAPE = {"escape_repatriated", "escape_attempt", "escape_preparing", "escape_helping"}
_POLITICAL = {"criticism", "religion", "outside_contact"}


def _band_affinity(reason: str, band: str) -> float:
    # Only shapes who gets which band; the totals are fixed by BAND_TOTALS.
    if reason in _ESCAPE:
        return {"10s": 3, "20s": 4, "30s": 3, "40s": 2, "50s": 1}.get(band, 0.2)
    if reason in _POLITICAL:
        return {"10s": 0.5, "20s": 1.5, "30s": 2, "40s": 3, "50s": 3, "60_plus": 1.5}.get(band, 1)
    return 1.0


# -- the gazetteer: exact names from irum/gazetteer/data ---------------------------------


@dataclass(frozen=True)
class City:
    name: str
    province: str
    mss_holding: str  # the city's MSS holding centre, or "" (held in the city itself)
    police_holding: str  # the county police detention centre, or ""

    @property
    def north_hamgyong(self) -> bool:
        return self.province == "North Hamgyong"


PROVINCIAL_MSS = "North Hamgyong provincial MSS, Chongjin"

BORDER_CITIES = (
    City("Hyesan (city reference)", "Ryanggang", "Hyesan MSS facility", ""),
    City("Hoeryong (city reference)", "North Hamgyong", "Hoeryong MSS (NSA) facility", ""),
    City(
        "Musan (city reference)",
        "North Hamgyong",
        "Musan repatriation point / security holding facility",
        "",
    ),
    City(
        "Onsong (city reference)",
        "North Hamgyong",
        "Onsong MSS holding/detention centre",
        "Onsong County MPS Detention Centre",
    ),
    City("Sinuiju (city reference)", "North Pyongan", "Sinuiju MSS holding/detention centre", ""),
    City("Manpo (city reference)", "Chagang", "", ""),
)
INLAND = (
    City("Chongjin (city reference)", "North Hamgyong", "", ""),
    City("Pyongyang", "Pyongyang", "", ""),
    City("South Pyongan", "South Pyongan", "", ""),
    City("South Hamgyong", "South Hamgyong", "", ""),
    City("North Hwanghae", "North Hwanghae", "", ""),
    City("South Hwanghae", "South Hwanghae", "", ""),
    City("Kangwon", "Kangwon", "", ""),
)
# Where an army unit might be: the KPA Security Bureau arrests soldiers on service.
MILITARY = tuple(c for c in INLAND if c.name in {"Kangwon", "South Hwanghae", "North Hwanghae"})


@dataclass(frozen=True)
class ChinaRoute:
    """Arrest city → Chinese holding → crossing → the North Korean side."""

    city: str
    holding: str  # "" when held by local public security in the city itself
    crossing: str  # "" when the crossing point is not recorded
    nk: City  # where the returned person is received


_ONSONG, _HOERYONG, _MUSAN, _HYESAN, _SINUIJU = (BORDER_CITIES[i] for i in (3, 1, 2, 0, 4))
CHINA_ROUTES = (
    ChinaRoute(
        "Tumen (city reference)",
        "Tumen border detention centre",
        "Tumen Border Bridge (Tumen-Namyang)",
        _ONSONG,
    ),
    ChinaRoute(
        "Yanji (city reference)",
        "Tumen border detention centre",
        "Tumen Border Bridge (Tumen-Namyang)",
        _ONSONG,
    ),
    # Detainees moved from Tumen to Longjing, then to the Hoeryong MSS (Daily NK, 2012).
    ChinaRoute("Longjing (city reference)", "Longjing detention camp", "", _HOERYONG),
    ChinaRoute("Helong (city reference)", "Longjing detention camp", "", _MUSAN),
    ChinaRoute(
        "Hunchun (city reference)",
        "Tumen border detention centre",
        "Tumen River Bridge (Quanhe-Wonjong)",
        City("Rason", "Rason", "", ""),
    ),
    ChinaRoute(
        "Shenyang (city reference)",
        "Shenyang prison holding North Korean escapees",
        "Sino-Korean Friendship Bridge (Dandong-Sinuiju)",
        _SINUIJU,
    ),
    # Shenyang arrestees are usually taken to Dandong (gazetteer source notes).
    ChinaRoute(
        "Shenyang (city reference)",
        "Dandong lockup for illegal border crossers",
        "Sino-Korean Friendship Bridge (Dandong-Sinuiju)",
        _SINUIJU,
    ),
    ChinaRoute(
        "Dandong (city reference)",
        "Dandong lockup for illegal border crossers",
        "Sino-Korean Friendship Bridge (Dandong-Sinuiju)",
        _SINUIJU,
    ),
    ChinaRoute("Changbai (city reference)", "", "", _HYESAN),
)
RUSSIA_CITIES = ("Vladivostok (city reference)", "Khabarovsk (city reference)")
RUSSIA_CROSSING = "Korea-Russia Friendship Bridge area (Tumangang-Khasan)"

# Political prison camps (run by the MSS), by era: Camp 18 was being dismantled from
# 2006, Camp 22 is described as closed around 2012 and Camp 15 as closed in 2014.
CAMP_14 = "Kwalliso No. 14 Kaechon (Camp 14)"
CAMP_15 = "Kwalliso No. 15 Yodok (Camp 15)"
CAMP_16 = "Kwalliso No. 16 Hwasong (Camp 16)"
CAMP_18 = "Kwalliso No. 18 Bukchang (Camp 18)"
CAMP_22 = "Kwalliso No. 22 Hoeryong (Camp 22)"
CAMP_25 = "Kwalliso No. 25 Chongjin (Camp 25)"
KWANLISO = {
    KIS: (CAMP_15, CAMP_18, CAMP_22, CAMP_14),
    KJI: (CAMP_14, CAMP_15, CAMP_16, CAMP_22, CAMP_25),
    KJU: (CAMP_14, CAMP_16, CAMP_25),
}
# Reform-through-labour camps (run by the police). Kyohwaso 12 holds many repatriated
# escapees; most prisoners of Kyohwaso 1 are Ryanggang residents caught crossing.
KYOHWASO_12 = "Kyohwaso No. 12 Jongo-ri (Chongori)"
# Kyohwaso 9 holds men (NKDB 2016: about 2,000 male prisoners); women go to Kyohwaso 12.
KYOHWASO_9_MEN = "Kyohwaso No. 9 Hamhung"
KYOHWASO_NORTH_HAMGYONG = (KYOHWASO_12, KYOHWASO_9_MEN)
KYOHWASO_RYANGGANG = ("Kyohwaso No. 1 Kaechon",)
KYOHWASO_OTHER = (
    "Kyohwaso No. 1 Kaechon",
    "Kyohwaso No. 4 Kangdong",
    "Sunchon Kyohwaso",
    "Kyohwaso Pokchong-ni",
)


def _kyohwaso(rng: random.Random, province: str) -> str:
    if province in ("North Hamgyong", "Rason"):
        return rng.choice(KYOHWASO_NORTH_HAMGYONG)
    if province == "Ryanggang":
        return rng.choice(KYOHWASO_RYANGGANG)
    return rng.choice(KYOHWASO_OTHER)


# -- dates ---------------------------------------------------------------------------------

ERA_YEARS = {KIS: (1972, 1993), KJI: (1995, 2010), KJU: (2012, 2023)}
# Dates whose interval straddles an era boundary, or no date at all: era "unknown".
UNKNOWN_ERA_DATES = {"straddles_2011": "2011-12", "straddles_1994": "1990/2000", "undated": ""}


@dataclass
class Clock:
    """Dates for the steps after the FDL, never before it, at the FDL's precision."""

    year: int
    month: int | None  # None: the chain is dated to the year only
    blank: bool = False

    def step(self, rng: random.Random, months: tuple[int, int] = (0, 3)) -> str:
        if self.blank:
            return ""
        if self.month is None:
            self.year += rng.choice((0, 0, 1))
            return rng.choice((f"{self.year}", f"{self.year}", f"{self.year}?"))
        self.month += rng.randint(*months)
        while self.month > 12:
            self.year, self.month = self.year + 1, self.month - 12
        return rng.choice(
            (
                f"{self.year}-{self.month:02d}",
                f"{self.year}-{self.month:02d}",
                f"{self.year}-{self.month:02d}~",
                f"{self.year}-{self.month:02d}?",
            )
        )


def _fdl_date(rng: random.Random, era: str) -> tuple[str, Clock]:
    if era in UNKNOWN_ERA_DATES:
        text = UNKNOWN_ERA_DATES[era]
        bounds = dates.parse(text)
        if bounds.upper is None:
            return text, Clock(0, None, blank=True)
        # Later steps follow the end of an uncertain interval, never its start.
        return text, Clock(bounds.upper.year, bounds.upper.month if "/" not in text else None)
    first, last = ERA_YEARS[era]
    year = rng.randint(first, last)
    month = rng.randint(1, 12)
    shape = rng.choices(
        ("year", "year?", "month", "month~", "month?", "day", "range", "decade"),
        weights=(3, 2, 4, 2, 1, 1, 1, 1),
    )[0]
    if shape == "range" and year + 2 <= last:
        return f"{year}/{year + 2}", Clock(year + 2, None)
    if shape == "decade" and era == KIS and year < 1990:
        # "198X": a whole decade, as a witness remembers the 1980s.
        return f"{str(year)[:3]}X", Clock(year - year % 10 + 9, None)
    if shape in ("year", "range", "decade"):
        return f"{year}", Clock(year, None)
    if shape == "year?":
        return f"{year}?", Clock(year, None)
    if shape == "day":
        return f"{year}-{month:02d}-{rng.randint(1, 28):02d}", Clock(year, month)
    suffix = {"month": "", "month~": "~", "month?": "?"}[shape]
    return f"{year}-{month:02d}{suffix}", Clock(year, month)


# -- custody chains ------------------------------------------------------------------------

Row = dict[str, str]

# Public descriptions: plain, and true of many people, so they identify no one.
SAYS = {
    "cn_arrest": "Arrested by Chinese public security after crossing the border.",
    "cn_held": "Held with other North Koreans awaiting forced return.",
    "cn_return": "Forcibly returned to North Korea by Chinese border defence.",
    "ru_arrest": "Detained by Russian authorities after leaving a work site.",
    "ru_held": "Held in a centre for foreigners awaiting deportation.",
    "ru_return": "Deported to North Korea through the land crossing at Tumangang and Khasan.",
    "received": "Received by State Security on the North Korean side.",
    "mss_arrest": "Arrested by State Security.",
    "mss_family": "Taken from home at night by State Security together with family members.",
    "mss_child": "Taken with the family; a child, never charged with anything.",
    "mss_held": "Held by State Security at a holding centre.",
    "mss_questioned": "Interrogated by State Security for weeks; no lawyer, no word to the family.",
    "mss_province": "Transferred to the provincial State Security bureau.",
    "handed_to_mss": "Handed over to State Security.",
    "kwanliso": "Sent to a political prison camp without trial; the family was not told.",
    "returned_to_police": "Held and questioned by the police after being returned.",
    "to_police": "Handed to the police for trial.",
    "police_held": "Held at a police detention centre.",
    "first_held": "Held for questioning for some days.",
    "sentence": "Sentenced to a term in a reform-through-labour camp after a brief hearing.",
    "kyohwaso": "Held in a reform-through-labour camp (kyohwaso).",
    BORDER_GUARD: "Caught by the border guard near the river.",
    KPA: "Arrested by the army's security bureau while on military service.",
    POLICE: "Arrested by the local police.",
    INSPECTION: "Detained by a non-socialist inspection group during a house search.",
    "release": "Released and returned home.",
    "death": "Reported to have died in custody; no body was returned to the family.",
    "sighting": "Seen in the camp by a former detainee.",
    "last_contact": "No word since; the authorities will not say where this person is held.",
}


@dataclass
class Incident:
    """What everyone in one case shares: when, where, the route and the camp."""

    fdl_date: str
    clock: Clock
    city: City  # in North Korea: where taken, or where received when returned
    china: ChinaRoute | None = None
    russia_city: str = ""
    camp_kind: str = "kwanliso"
    camp: str = ""


RASON = City("Rason", "Rason", "", "")


def _incident(rng: random.Random, plan: Plan) -> Incident:
    fdl_date, clock = _fdl_date(rng, plan.era)
    china = russia_city = None
    if plan.pattern in ("cn_to_mss", "cn_police"):
        china = rng.choice(CHINA_ROUTES)
        city = china.nk
    elif plan.pattern == "ru_to_mss":
        # Loggers fleeing the Far Eastern work sites are caught by the migration service.
        khabarovsk = plan.first_agency == RU_MIGRATION
        russia_city = RUSSIA_CITIES[1] if khabarovsk else rng.choice(RUSSIA_CITIES)
        city = RASON
    elif plan.first_agency == KPA:
        city = rng.choice(MILITARY)
    elif plan.first_agency == BORDER_GUARD or {m.reason for m in plan.members} & _ESCAPE:
        city = rng.choice(BORDER_CITIES)
    else:
        city = rng.choice(BORDER_CITIES + INLAND)
    incident = Incident(fdl_date, clock, city, china, russia_city or "")
    if plan.pattern in ("kp_police", "cn_police") or (
        # After questioning, the MSS hands many returnees back to the police for a
        # sentence in a labour camp; the MSS still held them, so they count as MSS.
        plan.pattern in ("cn_to_mss", "ru_to_mss", "kp_handover") and rng.random() < 0.4
    ):
        incident.camp_kind = "kyohwaso"
        incident.camp = _kyohwaso(rng, city.province)
    else:
        incident.camp = rng.choice(KWANLISO.get(plan.era, KWANLISO[KJI]))
    return incident


class Chain:
    """One person's custody chain, step by step, each step dated after the last."""

    def __init__(self, rng: random.Random, incident: Incident, sex: str) -> None:
        self.rng = rng
        self.incident = incident
        self.camp_place = incident.camp
        if self.camp_place == KYOHWASO_9_MEN and sex != "male":
            self.camp_place = KYOHWASO_12
        base = incident.clock
        self.clock = Clock(base.year, base.month, base.blank)
        self.rows: list[Row] = []

    def add(
        self,
        kind: str,
        place: str,
        agency: str,
        says: str,
        *,
        first: bool = False,
        months: tuple[int, int] = (0, 3),
        ack: str = "",
    ) -> None:
        date = self.incident.fdl_date if first else self.clock.step(self.rng, months)
        self.rows.append(
            {
                "kind": kind,
                "date": date,
                "place": place,
                "agency": agency,
                "custody_acknowledged": ack or self._ack(agency),
                "description_public": SAYS[says],
            }
        )

    def _ack(self, agency: str) -> str:
        # Custody is rarely acknowledged: families are told nothing, or "not here".
        if agency in (CN_POLICE, CN_BORDER, RU_FSB, RU_MIGRATION):
            return self.rng.choices(("acknowledged", "not_disclosed", "unknown"), (3, 4, 3))[0]
        choices = ("not_disclosed", "denied", "unknown", "acknowledged")
        return self.rng.choices(choices, (11, 7, 2, 1))[0]

    # -- the segments the patterns are made of --

    def china(self) -> None:
        route = self.incident.china
        assert route is not None
        held_by = self.rng.choice((CN_POLICE, CN_BORDER)) if route.holding else CN_POLICE
        self.add("arrest", route.city, CN_POLICE, "cn_arrest", first=True)
        self.add("detention", route.holding or route.city, held_by, "cn_held", months=(0, 1))
        self.add("repatriation", route.crossing, CN_BORDER, "cn_return", months=(1, 5))

    def russia(self, first_agency: str) -> None:
        city = self.incident.russia_city
        self.add("arrest", city, first_agency, "ru_arrest", first=True)
        self.add("detention", city, RU_MIGRATION, "ru_held", months=(0, 2))
        self.add("repatriation", RUSSIA_CROSSING, RU_MIGRATION, "ru_return", months=(1, 4))
        self.add("detention", RASON.name, MSS, "received", months=(0, 1))

    def mss(self, *, held: bool) -> None:
        """State Security: holding in the city, interrogation, the provincial bureau."""
        city = self.incident.city
        holding = city.mss_holding or city.name
        if held:
            self.add("detention", holding, MSS, "mss_held", months=(0, 1))
        self.add("interrogation", holding, MSS, "mss_questioned", months=(0, 2))
        if city.north_hamgyong or city == RASON:
            self.add("transfer", PROVINCIAL_MSS, MSS, "mss_province", months=(1, 4))

    def camp(self, *, via_police: bool) -> None:
        incident = self.incident
        if incident.camp_kind == "kwanliso":
            self.add("detention", self.camp_place, MSS, "kwanliso", months=(1, 6))
            return
        if via_police:
            self.add("transfer", incident.city.name, POLICE, "to_police")
        self.add("sentence", incident.city.name, POLICE, "sentence", months=(1, 4))
        self.add("detention", self.camp_place, POLICE, "kyohwaso", months=(0, 2))

    def tail(self, status: str) -> None:
        """What the family knows since, as the person's status says."""
        if self.clock.blank:
            # Undated chain: the family only remembers losing contact in the 2010s.
            when = "201X"
        else:
            upper = dates.parse(self.rows[-1]["date"]).upper
            year = (upper.year if upper else self.clock.year) + self.rng.randint(1, 4)
            when = self.rng.choice((f"{year}", f"{year}?"))
        camp = self.camp_place
        step = {
            "released": ("release", "", "unknown"),
            "deceased": ("death", camp, self.rng.choice(("denied", "unknown"))),
            "detained": ("sighting", camp, "not_disclosed"),
            "missing": ("last_contact", "", self.rng.choice(("denied", "not_disclosed"))),
        }.get(status)
        if step:
            kind, place, ack = step
            self.rows.append(
                {
                    "kind": kind,
                    "date": when,
                    "place": place,
                    "agency": "",
                    "custody_acknowledged": ack,
                    "description_public": SAYS[kind],
                }
            )


def _chain(
    rng: random.Random, plan: Plan, member: Member, incident: Incident, *, sex: str, status: str
) -> list[Row]:
    chain = Chain(rng, incident, sex)
    city = incident.city
    if plan.pattern == "cn_to_mss":
        chain.china()
        chain.mss(held=True)
        chain.camp(via_police=True)
    elif plan.pattern == "cn_police":
        chain.china()
        place = city.police_holding or city.name
        chain.add("detention", place, POLICE, "returned_to_police", months=(0, 1))
        chain.camp(via_police=False)
    elif plan.pattern == "ru_to_mss":
        chain.russia(plan.first_agency)
        chain.mss(held=False)
        chain.camp(via_police=True)
    elif plan.pattern == "kp_family":
        if member.role == "child" and member.band == "under_10":
            chain.add("detention", city.name, MSS, "mss_child", first=True)
        else:
            chain.add("arrest", city.name, MSS, "mss_family", first=True)
        if member.reason != GBA:
            chain.mss(held=False)
        chain.camp(via_police=False)
    elif plan.pattern == "kp_mss":
        chain.add("arrest", city.name, MSS, "mss_arrest", first=True)
        chain.mss(held=True)
        chain.camp(via_police=False)
    else:
        # kp_handover and kp_police: first caught by a body other than the MSS.
        first = plan.first_agency
        chain.add("arrest", city.name, first, first, first=True)
        if first != POLICE:
            chain.add("detention", city.name, first, "first_held", months=(0, 1))
        if plan.pattern == "kp_handover":
            place = city.mss_holding or city.name
            chain.add("transfer", place, MSS, "handed_to_mss", months=(0, 1))
            chain.mss(held=False)
            chain.camp(via_police=True)
        else:
            place = city.police_holding or city.name
            chain.add("detention", place, POLICE, "police_held", months=(0, 1))
            chain.camp(via_police=False)
    chain.tail(status)
    return chain.rows


def _status(rng: random.Random, plan: Plan) -> str:
    if plan.connection == "victim":
        # The interviewee is the victim: released, and later left the country.
        return "released"
    statuses = ("missing", "detained", "deceased", "released", "unknown")
    if plan.pattern in ("kp_police", "cn_police"):
        # Kyohwaso terms end; many are released.
        return rng.choices(statuses, (3, 2, 1, 4, 1))[0]
    return rng.choices(statuses, (8, 3, 2, 1, 1))[0]


# -- the workbook --------------------------------------------------------------------------


def _leftovers(plans: Sequence[Plan]) -> tuple[list[str], Counter[str]]:
    members = [m for p in plans for m in p.members]
    fixed_sex = Counter(m.sex for m in members if m.sex)
    fixed_band = Counter(m.band for m in members if m.band)
    sexes = [s for s, n in SEX_TOTALS.items() for _ in range(n - fixed_sex[s])]
    bands = Counter({b: n - fixed_band[b] for b, n in BAND_TOTALS.items()})
    if len(sexes) != sum(1 for m in members if not m.sex) or any(n < 0 for n in bands.values()):
        raise AssertionError("the demo plans do not fit the published sex and age totals")
    if bands.total() != sum(1 for m in members if not m.band):
        raise AssertionError("the demo plans do not fit the published age totals")
    return sexes, bands


def _draw_band(rng: random.Random, pool: Counter[str], reason: str) -> str:
    choices = [b for b in BAND_TOTALS if pool[b] > 0]
    weights = [pool[b] * _band_affinity(reason, b) for b in choices]
    band = rng.choices(choices, weights)[0]
    pool[band] -= 1
    return band


def _title(plan: Plan, n: int, size: int) -> str:
    who = "one person" if size == 1 else f"{size} persons"
    what = {
        "cn_to_mss": "arrested in China, returned and held by State Security",
        "cn_police": "arrested in China, returned and sentenced to a labour camp",
        "ru_to_mss": "detained in Russia, deported and held by State Security",
        "kp_family": "a family taken to a political prison camp",
        "kp_mss": "arrested by State Security",
        "kp_handover": "caught by another body and handed to State Security",
        "kp_police": "arrested by the police and sent to a labour camp",
    }[plan.pattern]
    return f"{TITLE_PREFIX} Demo case {n:03d}: {what} ({who})"


_REASON_TEXT = {
    "escape_repatriated": "had left the country and was sent back",
    "escape_attempt": "tried to cross the border",
    "escape_preparing": "was accused of preparing to leave the country",
    "escape_helping": "was accused of helping others leave the country",
    "guilt_by_association": "was taken because of a relative",
    "outside_contact": "was accused of contact with the outside world",
    "criticism": "was accused of criticising the leadership",
    "religion": "was accused of religious practice",
    "other": "was accused of an economic offence",
    "unknown": "was taken for reasons the family was never told",
}


def _summary(members: Sequence[Member]) -> str:
    reasons = list(dict.fromkeys(_REASON_TEXT[m.reason] for m in members))
    subject = "The person" if len(members) == 1 else "Each person"
    lines = "; ".join(reasons)
    return (
        f"{SYNTHETIC} {subject} in this case {lines}. Whereabouts were not disclosed to the family."
    )


def build_workbook(seed: int = DEFAULT_SEED) -> dict[Sheet, list[Row]]:
    """The demo workbook's rows, sheet by sheet. Same seed, same rows."""
    rng = random.Random(seed)
    sexes, band_pool = _leftovers(PLANS)
    rng.shuffle(sexes)
    plans = list(PLANS)
    rng.shuffle(plans)

    cases: list[Row] = []
    persons: list[Row] = []
    events: list[Row] = []
    sources: list[Row] = []
    person_no = 0
    for case_no, plan in enumerate(plans, start=1):
        case_ref = f"{REF_PREFIX}C{case_no:03d}"
        interview = f"{rng.randint(2021, 2023)}-{rng.randint(1, 12):02d}"
        if rng.random() < 0.15:
            interview = f"2024-{rng.randint(1, 5):02d}"  # interviews ran to May 2024
        cases.append(
            {
                "case_ref": case_ref,
                "title": _title(plan, case_no, len(plan.members)),
                "summary_public": _summary(plan.members),
                "narrative_restricted": f"{SYNTHETIC} Restricted narrative placeholder.",
                "reported_on": interview,
                "verification": rng.choices(("reported", "corroborated", "verified"), (4, 4, 2))[0],
                "confidentiality": rng.choices(("restricted", "partners", "public"), (5, 3, 2))[0],
            }
        )
        # One interview per case. Its connection is what the published "victims who are
        # relatives of the interviewee" (54) counts: the plans give "relative" to cases
        # holding exactly 54 persons. No figure computes it yet; a test counts it.
        testimony = f"{REF_PREFIX}S{case_no:03d}"
        sources.append(
            {
                "source_ref": testimony,
                "kind": "testimony",
                "date": interview,
                "connection": plan.connection,
                "reliability": rng.choices(("high", "medium", "low"), (4, 5, 1))[0],
                "consent_public": rng.choice(("yes", "no", "no")),
                "content_restricted": f"{SYNTHETIC} Interview notes placeholder.",
            }
        )
        extra = ""
        if rng.random() < 0.2:
            extra = f"{REF_PREFIX}S{case_no:03d}A"
            kind = rng.choice(("media", "satellite_image", "document"))
            sources.append(
                {
                    "source_ref": extra,
                    "kind": kind,
                    "date": interview,
                    "connection": "other",
                    "reliability": "medium",
                    "consent_public": "yes",
                    "content_restricted": f"{SYNTHETIC} Supporting {kind.replace('_', ' ')}.",
                }
            )

        incident = _incident(rng, plan)
        for member in plan.members:
            person_no += 1
            person_ref = f"{REF_PREFIX}P{person_no:03d}"
            sex = member.sex or sexes.pop()
            band = member.band or _draw_band(rng, band_pool, member.reason)
            status = _status(rng, plan)
            fdl = dates.parse(incident.fdl_date)
            birth_year = ""
            if band in BAND_AGES and fdl.lower is not None:
                birth_year = str(fdl.lower.year - rng.randint(*BAND_AGES[band]))
            elif band == "unknown" and fdl.lower is None:
                # Undated: the age is unknown however well the birth year is known.
                birth_year = str(rng.randint(1950, 1990))
            home = incident.city.province
            if plan.pattern in ("cn_to_mss", "cn_police", "ru_to_mss"):
                home = rng.choice(("North Hamgyong", "Ryanggang", home, ""))
            persons.append(
                {
                    "person_ref": person_ref,
                    "case_ref": case_ref,
                    "pseudonym": f"Demo person {person_no:03d}",
                    "full_name": f"Synthetic Person {person_no:03d}",
                    "full_name_ko": f"가상인물 {person_no:03d}",
                    "aliases": f"Demo alias {person_no:03d}" if rng.random() < 0.1 else "",
                    "sex": sex,
                    "birth_year": birth_year,
                    "home_province": home,
                    "status": status,
                    "reason": member.reason,
                }
            )
            events += _number(
                rng,
                person_ref,
                _chain(rng, plan, member, incident, sex=sex, status=status),
                testimony,
                extra,
            )
    return {CASES: cases, PERSONS: persons, EVENTS: events, SOURCES: sources}


def _number(
    rng: random.Random, person_ref: str, chain: list[Row], testimony: str, extra: str
) -> list[Row]:
    """Give the chain its seq numbers, or leave them out where dates alone order it."""
    lowers = [dates.parse(row["date"]).lower or dt.date.max for row in chain]
    dated_in_order = all(a <= b for a, b in itertools.pairwise(lowers))
    style = rng.choices(("seq", "tens", "none", "trailing"), (6, 1, 2, 1))[0]
    if style == "none" and not dated_in_order:
        style = "seq"
    rows = []
    for i, row in enumerate(chain):
        seq = {"seq": str(i + 1), "tens": str(10 * (i + 1)), "none": ""}.get(style)
        if style == "trailing":
            # A note added later without a seq: it sorts after every numbered step.
            seq = "" if i == len(chain) - 1 and row["kind"] not in _DEPRIVATION else str(i + 1)
        refs = [testimony]
        if extra and (row["kind"] == "arrest" or row["place"] in _CAMPS):
            refs.append(extra)
        rows.append(
            {
                "person_ref": person_ref,
                "seq": seq,
                **row,
                "description_restricted": SYNTHETIC,
                "source_refs": ";".join(refs),
            }
        )
    return rows


_DEPRIVATION = {"arrest", "abduction", "detention"}
_CAMPS = {
    *(camp for camps in KWANLISO.values() for camp in camps),
    *KYOHWASO_NORTH_HAMGYONG,
    *KYOHWASO_OTHER,
}


def write_demo_workbook(directory: Path, *, seed: int = DEFAULT_SEED) -> Path:
    """Write the demo workbook as CSV files (format v1) into DIRECTORY; return it."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for sheet, rows in build_workbook(seed).items():
        # UTF-8 with a BOM and CRLF, as the exporter writes, so Korean Excel opens it.
        with (directory / sheet.filename).open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=sheet.columns, lineterminator="\r\n")
            writer.writeheader()
            writer.writerows(rows)
    return directory


def demo_data_load(
    *,
    actor: AbstractBaseUser | None,
    seed: int = DEFAULT_SEED,
    directory: Path | None = None,
) -> ImportResult:
    """Generate the demo workbook and import it as a partner's workbook would be.

    The gazetteer must be loaded first. Raises DemoDataError if the importer finds any
    problem (for instance the demo is already loaded); nothing is written then.
    """
    if directory is not None:
        return _import(actor, write_demo_workbook(Path(directory), seed=seed))
    with tempfile.TemporaryDirectory(prefix="irum-demo-") as tmp:
        return _import(actor, write_demo_workbook(Path(tmp), seed=seed))


def _import(actor: AbstractBaseUser | None, path: Path) -> ImportResult:
    if Case.objects.filter(ref__startswith=REF_PREFIX).exists():
        raise DemoDataError(
            f"The demo data is already loaded (cases {REF_PREFIX}C…); nothing was written."
        )
    result = workbook_import(actor=actor, path=path)
    if result.problems:
        shown = "\n".join(f"  {p}" for p in result.problems[:10])
        more = len(result.problems) - 10
        raise DemoDataError(
            f"The demo workbook did not import ({len(result.problems)} problem(s); nothing "
            f"was written):\n{shown}" + (f"\n  … and {more} more" if more > 0 else "")
        )
    return result
