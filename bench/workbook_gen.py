"""A seeded, synthetic workbook (format v1, a folder of CSV files) for the benchmark.

Besides the CSV files it returns the same rows as plain tuples, already resolved (ids,
date bounds, chain indexes), for the `sqlite3.executemany` baseline. Those tuples are
built here, outside every timed section: the baseline measures inserting, nothing else.

The data is shaped like real documentation: custody chains through real gazetteer places
(named by id, English name, Hangul or a romanisation variant), EDTF dates at mixed
precision with `~`, `?` and intervals, Hangul names, seq numbers on most chains.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import random
import string
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

from irum.archive.chain import assign_chain_indexes, first_deprivation
from irum.exchange.formats import CASES, EVENTS, PERSONS, SOURCES

# Columns of the archive tables, in the order the baseline tuples are built. run.py
# checks them against the migrated schema, so a new column fails loudly.
COLUMNS = {
    "archive_case": (
        "id",
        "created_at",
        "updated_at",
        "ref",
        "public_id",
        "title",
        "summary_public",
        "narrative_restricted",
        "reported_on",
        "verification",
        "confidentiality",
        "owner_id",
    ),
    "archive_person": (
        "id",
        "created_at",
        "updated_at",
        "ref",
        "public_id",
        "position",
        "pseudonym",
        "full_name",
        "full_name_ko",
        "aliases",
        "sex",
        "birth_year",
        "status",
        "reason",
        "case_id",
        "home_province_id",
        "first_deprivation_id",
    ),
    "archive_source": (
        "id",
        "created_at",
        "updated_at",
        "ref",
        "kind",
        "date",
        "connection",
        "reliability",
        "consent_public",
        "content_restricted",
    ),
    "archive_event": (
        "id",
        "created_at",
        "updated_at",
        "seq",
        "position",
        "chain_index",
        "kind",
        "date",
        "date_lower",
        "date_upper",
        "custody_acknowledged",
        "description_public",
        "description_restricted",
        "agency_id",
        "place_id",
        "person_id",
    ),
    "archive_eventsource": ("id", "event_id", "source_id"),
}
# Columns the importer fills with fixed or derived values (the row version, the blind
# indexes, identity fields the workbook does not carry). The baseline writes the same
# values; a blind index is written as 64 characters, the length of the real HMAC.
EXTRA_COLUMNS = {
    "archive_case": {"version": 1, "deleted_at": None},
    "archive_person": {
        "version": 1,
        "deleted_at": None,
        "full_name_index": "0" * 64,
        "full_name_ko_index": "0" * 64,
        "date_of_birth": "",
        "address": "",
        "family_contacts": "",
        "family_steps": "",
        "nationality": "",
    },
    "archive_source": {"version": 1, "deleted_at": None},
    "archive_event": {"version": 1, "deleted_at": None},
}
for _table, _extra in EXTRA_COLUMNS.items():
    COLUMNS[_table] = (*COLUMNS[_table], *_extra)
# Insert order: parents before children.
TABLES = tuple(COLUMNS)

_PUBLIC_ID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

SURNAMES = [
    ("김", "Kim"),
    ("이", "Lee"),
    ("박", "Pak"),
    ("최", "Choe"),
    ("정", "Jong"),
    ("강", "Kang"),
    ("조", "Jo"),
    ("윤", "Yun"),
    ("장", "Jang"),
    ("림", "Rim"),
    ("한", "Han"),
    ("오", "O"),
    ("서", "So"),
    ("신", "Sin"),
    ("권", "Kwon"),
    ("황", "Hwang"),
    ("안", "An"),
    ("송", "Song"),
    ("류", "Ryu"),
    ("홍", "Hong"),
    ("전", "Jon"),
    ("고", "Ko"),
    ("문", "Mun"),
    ("량", "Ryang"),
]
GIVEN = [
    ("영", "yong"),
    ("철", "chol"),
    ("성", "song"),
    ("민", "min"),
    ("수", "su"),
    ("정", "jong"),
    ("희", "hui"),
    ("혜", "hye"),
    ("순", "sun"),
    ("옥", "ok"),
    ("명", "myong"),
    ("광", "kwang"),
    ("일", "il"),
    ("남", "nam"),
    ("경", "kyong"),
    ("은", "un"),
    ("금", "kum"),
    ("춘", "chun"),
    ("복", "bok"),
    ("향", "hyang"),
    ("혁", "hyok"),
    ("진", "jin"),
    ("국", "kuk"),
    ("란", "ran"),
]
REASONS = [
    ("escape_repatriated", 30),
    ("escape_attempt", 12),
    ("escape_preparing", 6),
    ("escape_helping", 5),
    ("guilt_by_association", 15),
    ("outside_contact", 10),
    ("criticism", 6),
    ("religion", 5),
    ("other", 4),
    ("unknown", 7),
]
STATUSES = [("missing", 45), ("detained", 20), ("released", 15), ("deceased", 10), ("unknown", 10)]
TAILS = ["last_contact", "sighting", "release", "death", "escape", "disappearance"]
NEW_PLACES = [
    ("Yanji PSB holding cells, Jiefang Road", "CN"),
    ("Hunchun frontier police post No. 3", "CN"),
    ("Nongpo-dong MSS holding room", "KP"),
    ("Sambong-gu county security office", "KP"),
    ("Ussuriysk temporary holding facility", "RU"),
    ("Kimchaek provincial security station annex", "KP"),
]


@dataclass
class GazetteerChoice:
    """A gazetteer entry and the spellings of it that the importer resolves to it."""

    pk: int
    slug: str
    kind: str
    country: str
    spellings: list[str]


@dataclass
class Generated:
    path: Path
    counts: dict[str, int]
    rows: dict[str, list[tuple]]
    # Places the workbook adds (not in the gazetteer): (name, country) in first-use order.
    new_places: list[tuple[str, str]] = field(default_factory=list)
    # Per new place name, the placeholder id used in the baseline tuples.
    new_place_ids: dict[str, int] = field(default_factory=dict)
    # Every distinct event date text, for checking edtf_bounds against irum.lib.dates.
    date_texts: set[str] = field(default_factory=set)

    @property
    def total_rows(self) -> int:
        return sum(self.counts.values())


def _public_id(rng: random.Random, prefix: str, seen: set[str]) -> str:
    while True:
        value = prefix + "".join(rng.choice(_PUBLIC_ID_ALPHABET) for _ in range(8))
        if value not in seen:
            seen.add(value)
            return value


def _weighted(rng: random.Random, pairs: list[tuple[str, int]]) -> str:
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


class _Dates:
    """EDTF text for a day, at a precision chosen per person, with a few qualifiers."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def style(self) -> str:
        return _weighted(
            self.rng,
            [("year", 35), ("month", 50), ("day", 5), ("mixed", 10)],
        )

    def text(self, day: dt.date, style: str) -> str:
        rng = self.rng
        if style == "mixed":
            style = rng.choice(("year", "month", "day"))
        roll = rng.random()
        if roll < 0.04:
            return ""
        if roll < 0.07:
            # An interval: "between these two years/months".
            if style == "year":
                return f"{day.year}/{day.year + rng.randint(1, 3)}"
            end = day + dt.timedelta(days=rng.randint(30, 200))
            return f"{day.year}-{day.month:02d}/{end.year}-{end.month:02d}"
        if roll < 0.075:
            # Open ends are rare, but real ("before 1990", "since 2015").
            return f"../{day.year}" if rng.random() < 0.5 else f"{day.year}/.."
        if style == "year":
            text = f"{day.year}"
        elif style == "month":
            text = f"{day.year}-{day.month:02d}"
        else:
            text = day.isoformat()
        qualifier = rng.random()
        if qualifier < 0.08:
            text += "~"
        elif qualifier < 0.12:
            text += "?"
        return text


def _spelling(rng: random.Random, choice: GazetteerChoice) -> str:
    # About half by id (what an exported workbook holds), the rest by a name variant.
    if rng.random() < 0.45 or not choice.spellings:
        return choice.slug
    return rng.choice(choice.spellings)


def _text(rng: random.Random, words: list[str], lo: int, hi: int) -> str:
    return " ".join(rng.choice(words) for _ in range(rng.randint(lo, hi)))


_WORDS_EN = (
    "held questioned transferred witness saw family told neighbour reported cell guards "
    "beaten night truck river crossing winter spring month later released camp letter "
    "visited heard from co-detainee said security officers came home took him her"
).split()
_WORDS_KO = "보위부 구류장 조사 이송 가족 목격 증언 국경 강 건너 체포 감옥 수용소 소식 끊김".split()


def _step(kind: str, places: list[GazetteerChoice] | None, agency: str | None) -> tuple:
    return (kind, places, agency)


def generate(
    out_dir: Path,
    *,
    persons: int,
    seed: int,
    places: dict[str, list[GazetteerChoice]],
    agencies: dict[str, GazetteerChoice],
    provinces: list[GazetteerChoice],
    timestamp: str,
    first_new_place_id: int,
) -> Generated:
    """Write cases/persons/events/sources.csv under OUT_DIR and return the baseline rows.

    PLACES maps a role (cn_city, kp_city, mss_holding, ...) to gazetteer places; AGENCIES
    maps a slug to its entry. TIMESTAMP is the created_at/updated_at text of the baseline.
    """
    rng = random.Random(seed)
    dates_gen = _Dates(rng)
    out_dir.mkdir(parents=True, exist_ok=True)
    rows: dict[str, list[tuple]] = {table: [] for table in TABLES}
    public_ids: set[str] = set()
    ag = agencies

    # -- sources ----------------------------------------------------------------------
    n_sources = max(20, persons // 5)
    source_refs = [f"S{i:07d}" for i in range(1, n_sources + 1)]
    with (out_dir / SOURCES.filename).open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(SOURCES.columns)
        for i, ref in enumerate(source_refs, start=1):
            kind = _weighted(
                rng,
                [
                    ("testimony", 55),
                    ("family_report", 20),
                    ("document", 8),
                    ("media", 10),
                    ("satellite_image", 2),
                    ("other", 5),
                ],
            )
            year = rng.randint(2000, 2024)
            date = f"{year}-{rng.randint(1, 12):02d}" if rng.random() < 0.7 else str(year)
            connection = _weighted(
                rng,
                [
                    ("victim", 20),
                    ("witness", 25),
                    ("relative", 30),
                    ("co_detainee", 15),
                    ("unknown", 10),
                ],
            )
            reliability = _weighted(rng, [("high", 30), ("medium", 45), ("low", 15), ("", 10)])
            consent = rng.random() < 0.3
            content = _text(rng, _WORDS_EN, 8, 30) if rng.random() < 0.6 else ""
            writer.writerow(
                [ref, kind, date, connection, reliability, "yes" if consent else "no", content]
            )
            rows["archive_source"].append(
                (
                    i,
                    timestamp,
                    timestamp,
                    ref,
                    kind,
                    date,
                    connection,
                    reliability or "unknown",
                    int(consent),
                    content,
                )
            )

    # -- cases and persons ------------------------------------------------------------
    case_sizes: list[int] = []
    remaining = persons
    while remaining > 0:
        size = min(remaining, rng.choice((1, 1, 1, 2, 2, 2, 3, 3, 4, 1)))
        case_sizes.append(size)
        remaining -= size

    cases_fh = (out_dir / CASES.filename).open("w", newline="", encoding="utf-8")
    persons_fh = (out_dir / PERSONS.filename).open("w", newline="", encoding="utf-8")
    events_fh = (out_dir / EVENTS.filename).open("w", newline="", encoding="utf-8")
    new_places: dict[str, str] = {}
    date_texts: set[str] = set()
    new_place_ids: dict[str, int] = {}
    try:
        cases_w, persons_w, events_w = (
            csv.writer(cases_fh),
            csv.writer(persons_fh),
            csv.writer(events_fh),
        )
        cases_w.writerow(CASES.columns)
        persons_w.writerow(PERSONS.columns)
        events_w.writerow(EVENTS.columns)
        person_id = 0
        event_id = 0
        link_id = 0
        for case_id, size in enumerate(case_sizes, start=1):
            case_ref = f"C{case_id:07d}"
            family = rng.choice(SURNAMES)
            base_day = dt.date(1982, 1, 1) + dt.timedelta(days=rng.randint(0, 42 * 365))
            reported = base_day + dt.timedelta(days=rng.randint(200, 3000))
            reported_on = f"{reported.year}-{reported.month:02d}" if rng.random() < 0.8 else ""
            title = f"Disappearance of the {family[1]} family ({family[0]}씨 일가)"
            if size == 1:
                title = f"Disappearance of {family[1]} ({family[0]})"
            summary = _text(rng, _WORDS_EN, 10, 40) if rng.random() < 0.7 else ""
            narrative = _text(rng, _WORDS_KO, 10, 60) if rng.random() < 0.3 else ""
            verification = _weighted(
                rng, [("reported", 60), ("corroborated", 30), ("verified", 10)]
            )
            confidentiality = _weighted(rng, [("public", 30), ("partners", 30), ("restricted", 40)])
            cases_w.writerow(
                [
                    case_ref,
                    "",
                    title,
                    summary,
                    narrative,
                    reported_on,
                    verification,
                    confidentiality,
                ]
            )
            rows["archive_case"].append(
                (
                    case_id,
                    timestamp,
                    timestamp,
                    case_ref,
                    _public_id(rng, "C", public_ids),
                    title,
                    summary,
                    narrative,
                    reported_on,
                    verification,
                    confidentiality,
                    None,
                )
            )
            for position in range(size):
                person_id += 1
                person_ref = f"P{person_id:08d}"
                surname = family if rng.random() < 0.8 else rng.choice(SURNAMES)
                g1, g2 = rng.choice(GIVEN), rng.choice(GIVEN)
                name_ko = surname[0] + g1[0] + g2[0]
                name_en = f"{surname[1]} {g1[1].capitalize()}-{g2[1]}"
                pseudonym = f"{surname[1]} {string.ascii_uppercase[rng.randrange(26)]}."
                if rng.random() < 0.25:
                    name_ko, name_en = "", ""
                aliases = (
                    f"{g1[1].capitalize()}-{g2[1]}; {g1[0]}{g2[0]}이" if rng.random() < 0.1 else ""
                )
                sex = _weighted(rng, [("male", 55), ("female", 42), ("unknown", 3)])
                day = base_day + dt.timedelta(days=rng.randint(0, 400))
                age = rng.choice((rng.randint(1, 9), *(rng.randint(12, 70) for _ in range(9))))
                birth_year = day.year - age if rng.random() < 0.85 else None
                province = rng.choice(provinces) if rng.random() < 0.7 else None
                status = _weighted(rng, STATUSES)
                reason = _weighted(rng, REASONS)
                persons_w.writerow(
                    [
                        person_ref,
                        case_ref,
                        "",
                        pseudonym,
                        name_en,
                        name_ko,
                        aliases,
                        sex,
                        "" if birth_year is None else birth_year,
                        _spelling(rng, province) if province else "",
                        status,
                        reason,
                    ]
                )
                person_row = [
                    person_id,
                    timestamp,
                    timestamp,
                    person_ref,
                    _public_id(rng, "P", public_ids),
                    position,
                    pseudonym,
                    name_en,
                    name_ko,
                    aliases,
                    sex,
                    birth_year,
                    status,
                    reason,
                    case_id,
                    province.pk if province else None,
                ]

                # -- the custody chain ------------------------------------------------
                chain = _chain(rng, places)
                style = dates_gen.style()
                with_seq = rng.random() < 0.75
                events = []
                for position_in_person, (kind, candidates, agency) in enumerate(chain):
                    date = dates_gen.text(day, style)
                    lower, upper = edtf_bounds(date)
                    date_texts.add(date)
                    day += dt.timedelta(days=rng.randint(0, 150))
                    place = rng.choice(candidates) if candidates else None
                    if place is not None and rng.random() < 0.05:
                        place = None
                    place_text, place_country, place_id = "", "", None
                    if place is not None:
                        place_text, place_id = _spelling(rng, place), place.pk
                    elif candidates and rng.random() < 0.03:
                        name, country = rng.choice(NEW_PLACES)
                        if name not in new_places:
                            new_places[name] = country
                            new_place_ids[name] = first_new_place_id + len(new_place_ids)
                        place_text, place_country, place_id = name, country, new_place_ids[name]
                    agency_obj = ag[agency] if agency and rng.random() > 0.06 else None
                    refs: list[str] = []
                    roll = rng.random()
                    if roll < 0.25:
                        refs = [rng.choice(source_refs)]
                    elif roll < 0.30:
                        refs = list(dict.fromkeys(rng.sample(source_refs, 2)))
                    acknowledged = _weighted(
                        rng,
                        [
                            ("acknowledged", 5),
                            ("denied", 10),
                            ("not_disclosed", 35),
                            ("unknown", 50),
                        ],
                    )
                    desc_public = _text(rng, _WORDS_EN, 4, 16) if rng.random() < 0.3 else ""
                    desc_restricted = _text(rng, _WORDS_KO, 4, 20) if rng.random() < 0.1 else ""
                    events.append(
                        SimpleNamespace(
                            seq=position_in_person + 1 if with_seq else None,
                            position=position_in_person,
                            date_lower=lower,
                            date_upper=upper,
                            kind=kind,
                            date=date,
                            place_text=place_text,
                            place_country=place_country,
                            place_id=place_id,
                            agency_text=_spelling(rng, agency_obj) if agency_obj else "",
                            agency_id=agency_obj.pk if agency_obj else None,
                            acknowledged=acknowledged,
                            desc_public=desc_public,
                            desc_restricted=desc_restricted,
                            refs=refs,
                        )
                    )
                # A tenth of seq'd chains are written out of order: seq must win.
                if with_seq and rng.random() < 0.1:
                    rng.shuffle(events)
                for position_in_person, event in enumerate(events):
                    event.position = position_in_person
                assign_chain_indexes(events)
                first_event_id = event_id + 1
                fdl = first_deprivation(sorted(events, key=lambda e: e.chain_index))
                # The person row carries the id its first deprivation will get below.
                person_row.append(first_event_id + events.index(fdl) if fdl else None)
                rows["archive_person"].append(tuple(person_row))
                for event in events:
                    event_id += 1
                    events_w.writerow(
                        [
                            person_ref,
                            "" if event.seq is None else event.seq,
                            event.kind,
                            event.date,
                            event.place_text,
                            event.place_country,
                            event.agency_text,
                            event.acknowledged,
                            event.desc_public,
                            event.desc_restricted,
                            ";".join(event.refs),
                        ]
                    )
                    rows["archive_event"].append(
                        (
                            event_id,
                            timestamp,
                            timestamp,
                            event.seq,
                            event.position,
                            event.chain_index,
                            event.kind,
                            event.date,
                            _iso(event.date_lower),
                            _iso(event.date_upper),
                            event.acknowledged,
                            event.desc_public,
                            event.desc_restricted,
                            event.agency_id,
                            event.place_id,
                            person_id,
                        )
                    )
                    for ref in event.refs:
                        link_id += 1
                        rows["archive_eventsource"].append((link_id, event_id, int(ref[1:])))
    finally:
        cases_fh.close()
        persons_fh.close()
        events_fh.close()

    for table, extra in EXTRA_COLUMNS.items():
        tail = tuple(extra.values())
        rows[table] = [(*row, *tail) for row in rows[table]]

    counts = {
        "cases": len(rows["archive_case"]),
        "persons": len(rows["archive_person"]),
        "events": len(rows["archive_event"]),
        "sources": len(rows["archive_source"]),
        "links": len(rows["archive_eventsource"]),
    }
    return Generated(
        path=out_dir,
        counts=counts,
        rows=rows,
        new_places=list(new_places.items()),
        new_place_ids=new_place_ids,
        date_texts=date_texts,
    )


def edtf_bounds(text: str) -> tuple[dt.date | None, dt.date | None]:
    """The strict bounds of the few EDTF forms this generator writes (docs/figures.md,
    "Date bounds"). run.py checks them against irum.lib.dates.parse on a sample; the
    generator does not call it for every value because the edtf parser costs ~5 ms per
    distinct value."""
    if not text:
        return None, None
    core = text.rstrip("~?")
    start, _, end = core.partition("/") if "/" in core else (core, "", core)
    lower = None if start in ("", "..") else _day(start, first=True)
    upper = None if end in ("", "..") else _day(end, first=False)
    return lower, upper


def _day(value: str, *, first: bool) -> dt.date:
    parts = [int(p) for p in value.split("-")]
    year = parts[0]
    month = parts[1] if len(parts) > 1 else (1 if first else 12)
    if len(parts) > 2:
        day = parts[2]
    else:
        day = 1 if first else calendar.monthrange(year, month)[1]
    return dt.date(year, month, day)


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _chain(rng: random.Random, places: dict[str, list[GazetteerChoice]]) -> list[tuple]:
    """One person's chain of (kind, candidate places, agency slug), about 6 long."""
    p = places
    pattern = _weighted(
        rng,
        [("china", 34), ("mss", 28), ("police", 20), ("border", 8), ("russia", 3), ("none", 7)],
    )
    if pattern == "china":
        steps = [
            _step(
                rng.choice(("arrest", "arrest", "detention")), p["cn_city"], "cn-public-security"
            ),
            _step(
                "detention",
                p["cn_detention"],
                rng.choice(("cn-public-security", "cn-border-defence")),
            ),
            _step(
                "repatriation", p["crossing"], rng.choice(("cn-border-defence", "nk-border-guard"))
            ),
            _step("detention", p["mss_holding"], "nk-state-security"),
            _step("interrogation", p["mss_holding"], "nk-state-security"),
            _step("transfer", p["mss_provincial"], "nk-state-security"),
            _step("sentence", None, rng.choice(("nk-state-security", "nk-social-security"))),
            _step("detention", p["camp"], rng.choice(("nk-state-security", "nk-social-security"))),
        ]
    elif pattern == "mss":
        steps = [
            _step(rng.choice(("arrest", "abduction")), p["kp_city"], "nk-state-security"),
            _step("detention", p["mss_holding"], "nk-state-security"),
            _step("interrogation", p["mss_holding"], "nk-state-security"),
            _step("transfer", p["mss_provincial"], "nk-state-security"),
            _step("detention", p["kwanliso"], "nk-state-security"),
        ]
    elif pattern == "police":
        steps = [
            _step(
                "arrest", p["kp_city"], rng.choice(("nk-social-security", "nk-non-socialist-group"))
            ),
            _step("detention", p["mps"], "nk-social-security"),
            _step("interrogation", p["mps"], "nk-social-security"),
            _step(
                "transfer",
                p["mss_holding"],
                rng.choice(("nk-state-security", "nk-social-security")),
            ),
            _step("trial", None, "nk-social-security"),
            _step("detention", p["kyohwaso"], "nk-social-security"),
        ]
    elif pattern == "border":
        steps = [
            _step(
                "arrest",
                p["crossing"] + p["kp_city"],
                rng.choice(("nk-border-guard", "kpa-security-bureau")),
            ),
            _step("detention", p["mss_holding"], "nk-state-security"),
            _step("interrogation", p["mss_holding"], "nk-state-security"),
            _step("transfer", p["mss_provincial"], "nk-state-security"),
            _step("detention", p["camp"], "nk-state-security"),
        ]
    elif pattern == "russia":
        steps = [
            _step("arrest", p["ru_city"], "ru-fsb"),
            _step("detention", p["ru_city"], "ru-migration"),
            _step("repatriation", p["crossing"], "ru-migration"),
            _step("detention", p["mss_holding"], "nk-state-security"),
            _step("interrogation", p["mss_holding"], "nk-state-security"),
            _step("detention", p["camp"], "nk-state-security"),
        ]
    else:
        steps = [_step(rng.choice(("last_contact", "disappearance")), p["kp_city"], None)]
    length = max(1, min(len(steps) + 2, round(rng.gauss(6, 1.6))))
    steps = steps[:length]
    while len(steps) < length:
        tail = rng.choice(TAILS)
        steps.append(_step(tail, p["kp_city"] + p["camp"] if tail != "escape" else None, None))
    return steps
