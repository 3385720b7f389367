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
from irum.reports.suppression import PublicFigures

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


@dataclass
class Row:
    label: str
    n: int | None  # None: suppressed (public figures)
    share: float | None
    indent: bool = False


@dataclass
class Section:
    key: str
    title: str
    note: str
    rows: list[Row]
    chart: SafeString | None


Pairs = list[tuple[str, int | None]]


def suppressed_label(threshold: int | None) -> str:
    """What a suppressed count reads as, in tables and charts."""
    if threshold is None:
        return _("suppressed")
    return _("fewer than %(threshold)d") % {"threshold": threshold}


def _share(n: int | None, total: int | None) -> float | None:
    # A share of a suppressed count, or of a suppressed total, would give the count back.
    return (100 * n / total) if n is not None and total else None


def _rows(pairs: Pairs, total: int | None) -> list[Row]:
    return [Row(str(label), n, _share(n, total)) for label, n in pairs]


def report_sections(f: Figures | PublicFigures) -> list[Section]:
    """The figures as sections of rows and a chart. Public figures (with suppressed
    counts) and whole figures go through the same code, so the two pages match."""
    total = f.individuals
    hidden = suppressed_label(f.threshold if isinstance(f, PublicFigures) else None)

    def _section(key: str, title: str, note: str, pairs: Pairs, total: int | None) -> Section:
        chart = bar_chart(pairs, total=total, title=title, suppressed=hidden)
        return Section(key, title, note, _rows(pairs, total), chart)

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
                Row(str(COUNTRY_LABELS.get(code, code)), n, _share(n, total), True),
            )

    reason_pairs = [(Reason(key).label, f.reason[key]) for key in f.reason]
    escape = f.escape_related
    if escape is None:
        escape_note = _("Escape-related: %(n)s") % {"n": hidden}
    else:
        escape_note = _("Escape-related: %(n)d (%(share).1f%%)") % {
            "n": escape,
            "share": _share(escape, total) or 0,
        }
    reason_section = _section(
        "reason",
        _("Reason"),
        escape_note,
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
