"""The report figures as labelled tables and charts, in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from irum.archive.models import Reason, Sex
from irum.gazetteer.models import Agency
from irum.reports.charts import bar_chart
from irum.reports.figures import Figures

ERA_LABELS = {
    "kim_il_sung": gettext_lazy("Kim Il Sung era (before 8 Jul 1994)"),
    "kim_jong_il": gettext_lazy("Kim Jong Il era (8 Jul 1994 – 16 Dec 2011)"),
    "kim_jong_un": gettext_lazy("Kim Jong Un era (from 17 Dec 2011)"),
    "unknown": gettext_lazy("Unknown or spanning two eras"),
}
AGE_LABELS = {
    "under_10": gettext_lazy("Under 10"),
    "10s": gettext_lazy("10–19"),
    "20s": gettext_lazy("20–29"),
    "30s": gettext_lazy("30–39"),
    "40s": gettext_lazy("40–49"),
    "50s": gettext_lazy("50–59"),
    "60_plus": gettext_lazy("60 and over"),
    "unknown": gettext_lazy("Unknown"),
}
COUNTRY_LABELS = {
    "KP": gettext_lazy("North Korea"),
    "CN": gettext_lazy("China"),
    "RU": gettext_lazy("Russia"),
    "abroad": gettext_lazy("Abroad"),
    "unknown": gettext_lazy("Unknown"),
}
MSS_LABELS = {
    "sole": gettext_lazy("MSS the sole arresting and detaining agency"),
    "after_other_agency": gettext_lazy("First held by another body, then by the MSS"),
    "total": gettext_lazy("Disappeared under MSS control (any custody by the MSS)"),
}
ESCAPE_REASONS = ("escape_repatriated", "escape_attempt", "escape_preparing", "escape_helping")


@dataclass
class Row:
    label: str
    n: int
    share: float | None
    indent: bool = False


@dataclass
class Section:
    key: str
    title: str
    note: str
    rows: list[Row]
    chart: SafeString | None


def _rows(pairs: list[tuple[str, int]], total: int) -> list[Row]:
    return [Row(str(label), n, (100 * n / total) if total else None) for label, n in pairs]


def _section(key: str, title: str, note: str, pairs: list[tuple[str, int]], total: int) -> Section:
    return Section(
        key, title, note, _rows(pairs, total), bar_chart(pairs, total=total, title=title)
    )


def report_sections(f: Figures) -> list[Section]:
    total = f.individuals
    agencies = {a.slug: a for a in Agency.objects.all()}
    korean = (get_language() or "en").startswith("ko")

    def agency_label(slug: str) -> str:
        agency = agencies.get(slug)
        if agency is None:
            return _("Unknown")
        return (agency.name_ko or agency.name) if korean else agency.name

    place = f.disappearance_place
    place_section = _section(
        "place",
        _("Place of disappearance"),
        _(
            "The country of each person's first deprivation of liberty: their first arrest, "
            "abduction or detention."
        ),
        [
            (str(COUNTRY_LABELS["KP"]), place["KP"]),
            (str(COUNTRY_LABELS["abroad"]), place["abroad"]),
            (str(COUNTRY_LABELS["unknown"]), place["unknown"]),
        ],
        total,
    )
    for code, n in place["by_country"].items():
        if code != "KP":
            place_section.rows.insert(
                2 + len([r for r in place_section.rows if r.indent]),
                Row(
                    str(COUNTRY_LABELS.get(code, code)),
                    n,
                    (100 * n / total) if total else None,
                    True,
                ),
            )

    reason_pairs = [(Reason(key).label, f.reason[key]) for key in f.reason]
    reason_section = _section(
        "reason",
        _("Reason"),
        _("Escape-related: %(n)d (%(share).1f%%)")
        % {
            "n": sum(f.reason[k] for k in ESCAPE_REASONS),
            "share": (100 * sum(f.reason[k] for k in ESCAPE_REASONS) / total) if total else 0,
        },
        [(str(label), n) for label, n in reason_pairs],
        total,
    )
    return [
        place_section,
        _section(
            "mss",
            _("Ministry of State Security (MSS)"),
            _("Persons whose custody involved the Ministry of State Security (국가보위성)."),
            [(str(MSS_LABELS[k]), f.mss[k]) for k in ("sole", "after_other_agency", "total")],
            total,
        ),
        _section(
            "era",
            _("Era of disappearance"),
            _(
                "From the date of the first deprivation of liberty; uncertain dates are never guessed."
            ),
            [(str(ERA_LABELS[k]), n) for k, n in f.era.items()],
            total,
        ),
        _section(
            "first_agency",
            _("First agency"),
            _("The agency of the first deprivation of liberty."),
            [(agency_label(slug), n) for slug, n in f.first_agency.items()],
            total,
        ),
        _section("sex", _("Sex"), "", [(str(Sex(k).label), n) for k, n in f.sex.items()], total),
        _section(
            "age",
            _("Age at disappearance"),
            _("Year of the first deprivation of liberty minus the year of birth."),
            [(str(AGE_LABELS[k]), n) for k, n in f.age_at_disappearance.items()],
            total,
        ),
        reason_section,
    ]
