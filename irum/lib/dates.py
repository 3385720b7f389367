"""EDTF dates: parsing, validation and the strict interval used by queries and figures.

Uncertain dates are normal in testimony ("spring 2013, maybe"). We keep the EDTF text as
the record and store its strict lower and upper bounds for queries. The `?` (uncertain)
and `~` (approximate) qualifiers are shown to readers but never widen those bounds:
widening would move people between eras in the published figures on a guess.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass
from functools import lru_cache

from django.utils import translation
from django.utils.translation import gettext as _
from edtf import parse_edtf
from edtf.parser.edtf_exceptions import EDTFParseException
from edtf.parser.parser_classes import Date, Interval, UnspecifiedIntervalSection

# EDTF strings in the wild are short; anything longer is a pasted paragraph, not a date.
MAX_EDTF_LENGTH = 64


class EDTFError(ValueError):
    """The text is not a date we can read."""


@dataclass(frozen=True, slots=True)
class DateBounds:
    text: str
    lower: dt.date | None
    upper: dt.date | None
    uncertain: bool
    approximate: bool

    @property
    def is_known(self) -> bool:
        return self.lower is not None or self.upper is not None


def _to_date(value: object) -> dt.date | None:
    # The edtf package returns +/-infinity (a float) for the open end of an interval
    # ("2012/.."); an open end is an unknown bound for us, never a real date.
    if isinstance(value, time.struct_time):
        try:
            return dt.date(value.tm_year, value.tm_mon, value.tm_mday)
        except ValueError:
            return None
    return None


# The plain shapes that make up nearly all real data: a year, a month or a day, with an
# optional qualifier, alone or as a two-ended interval ("2013", "2013-04~", "2012/2014").
_PLAIN = re.compile(r"(\d{4})(?:-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?)?([?~])?")


def _plain_date(text: str) -> Date | None:
    match = _PLAIN.fullmatch(text)
    if match is None:
        return None
    year, month, day, _qualifier = match.groups()
    try:
        dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None  # 2013-02-30: let the full parser say why
    return Date(year=year, month=month, day=day)


def _fast(raw: str) -> tuple[object, bool] | None:
    """The edtf package's own objects for a plain date or interval, without running its
    grammar (pyparsing takes about 4 ms a string; an import may hold 50,000 distinct
    dates). The bounds still come from the package; a test checks that this path and the
    full parser agree on every plain shape (irum/lib/tests/test_dates.py)."""
    ends = raw.split("/")
    if len(ends) == 1:
        date = _plain_date(raw)
        return (date, False) if date is not None else None
    if len(ends) == 2:
        lower, upper = _plain_date(ends[0]), _plain_date(ends[1])
        if lower is not None and upper is not None:
            return Interval(lower=lower, upper=upper), True
        # One end open ("2012/..") or unknown ("/2014"): common in testimony ("since
        # 2012"), and the full grammar takes up to 10 ms on these.
        if lower is not None and ends[1] in _OPEN_ENDS:
            return Interval(lower=lower, upper=_open_end(ends[1], lower)), True
        if upper is not None and ends[0] in _OPEN_ENDS:
            return Interval(lower=_open_end(ends[0], upper), upper=upper), True
    return None


_OPEN_ENDS = ("", "..")


def _open_end(end: str, other: Date) -> UnspecifiedIntervalSection:
    return UnspecifiedIntervalSection(end == "..", other)


# Bounded small: a miss costs about 10 µs on the fast path, and a bigger cache is memory
# that grows with the distinct dates an export or import passes through (day-precision
# dates rarely repeat), where a long run must stay in constant memory.
@lru_cache(maxsize=4096)
def parse(text: str) -> DateBounds:
    """Parse an EDTF string into its strict bounds. Raises EDTFError with a plain reason."""
    raw = (text or "").strip()
    if not raw:
        return DateBounds("", None, None, False, False)
    if len(raw) > MAX_EDTF_LENGTH:
        raise EDTFError(
            _("is %(n)d characters long; an EDTF date is at most %(max)d")
            % {"n": len(raw), "max": MAX_EDTF_LENGTH}
        )
    fast = _fast(raw)
    try:
        parsed = fast[0] if fast is not None else parse_edtf(raw)
    except (EDTFParseException, ValueError, TypeError, IndexError):
        raise EDTFError(
            _("is not an EDTF date (examples: 2013, 2013-04, 2013-04~, 2012/2014, 201X)")
        ) from None
    if parsed is None:
        raise EDTFError(_("is not an EDTF date"))
    lower = upper = None
    # An interval's unknown end ("2012/") is filled in by the edtf package as ten years
    # away; an open end ("2012/..") as infinity. Both are unknown bounds for us.
    if not isinstance(getattr(parsed, "lower", None), UnspecifiedIntervalSection):
        try:
            lower = _to_date(parsed.lower_strict())
        except (TypeError, ValueError, OverflowError, AttributeError):
            lower = None
    if not isinstance(getattr(parsed, "upper", None), UnspecifiedIntervalSection):
        try:
            upper = _to_date(parsed.upper_strict())
        except (TypeError, ValueError, OverflowError, AttributeError):
            upper = None
    if lower is not None and upper is not None and lower > upper:
        raise EDTFError(_("ends before it starts"))
    return DateBounds(
        text=raw,
        lower=lower,
        upper=upper,
        uncertain="?" in raw or "%" in raw,
        approximate="~" in raw or "%" in raw,
    )


def validate(text: str) -> str:
    """Return the normalised EDTF text, or raise EDTFError."""
    return parse(text).text


# ----------------------------------------------------------------- dates for readers

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# EDTF seasons: 21-24 (level 1) and 25-28, the northern hemisphere's (level 2), which is
# where Korea is. The southern hemisphere's, quarters and halves are told by their bounds.
_SEASONS = {
    21: ("spring", "봄"),
    22: ("summer", "여름"),
    23: ("autumn", "가을"),
    24: ("winter", "겨울"),
    25: ("spring", "봄"),
    26: ("summer", "여름"),
    27: ("autumn", "가을"),
    28: ("winter", "겨울"),
}

# What each qualifier adds. English is the wording of the WGEID submission, which the
# Working Group reads; Korean puts 경 ("around") on the last unit, as Korean prose does.
_QUALIFIER_WORDS = {
    "en": {"?": " (uncertain)", "~": " (approximate)", "%": " (uncertain, approximate)"},
    "ko": {"?": "(불확실)", "~": "경", "%": "경(불확실)"},
}

# One end of a date as written: a year, month (or season) and day, or a decade ("198X"),
# each with an optional qualifier. `parse` has already accepted the whole text.
_DATE_WORDS = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?([?~%])?")
_DECADE_WORDS = re.compile(r"(\d{3})X([?~%])?")


@dataclass(frozen=True, slots=True)
class _Piece:
    """One point or stretch of time, as a reader is told it."""

    unit: str  # "year", "month", "day", "season" or "decade"
    year: int
    number: int = 0  # the month, or the EDTF season code
    day: int = 0
    qualifier: str = ""

    def words(self, korean: bool, inside: bool = False) -> str:
        """INSIDE: within "between", "after" or "before" (English needs "the 1980s")."""
        year, number, day = self.year, self.number, self.day
        if korean:
            text = {
                "year": f"{year}년",
                "month": f"{year}년 {number}월",
                "day": f"{year}년 {number}월 {day}일",
                "season": f"{year}년 {_SEASONS.get(number, ('', ''))[1]}",
                "decade": f"{year}년대",
            }[self.unit]
        else:
            month = MONTHS[number - 1] if 1 <= number <= 12 else ""
            text = {
                "year": f"{year}",
                "month": f"{month} {year}",
                "day": f"{day} {month} {year}",
                "season": f"{_SEASONS.get(number, ('', ''))[0]} {year}",
                "decade": f"the {year}s" if inside else f"{year}s",
            }[self.unit]
        return text + _QUALIFIER_WORDS["ko" if korean else "en"].get(self.qualifier, "")


def _piece(text: str) -> _Piece | None:
    """The piece TEXT names when it is one of the shapes readers are told in words."""
    match = _DATE_WORDS.fullmatch(text)
    if match:
        year, month, day, qualifier = match.groups()
        number = int(month or 0)
        if day and 1 <= number <= 12:
            return _Piece("day", int(year), number, int(day), qualifier or "")
        if month and 1 <= number <= 12:
            return _Piece("month", int(year), number, qualifier=qualifier or "")
        if month and number in _SEASONS and not day:
            return _Piece("season", int(year), number, qualifier=qualifier or "")
        if not month:
            return _Piece("year", int(year), qualifier=qualifier or "")
        return None
    match = _DECADE_WORDS.fullmatch(text)
    if match:
        return _Piece("decade", int(match[1]) * 10, qualifier=match[2] or "")
    return None


def _month_end(day: dt.date) -> bool:
    return (day + dt.timedelta(days=1)).month != day.month


def _pieces_of_bounds(bounds: DateBounds) -> tuple[_Piece, ...] | None:
    """Any other shape `parse` accepts (sets, unspecified digits, quarters, times of
    day), told by its strict bounds in the coarsest whole unit: always true, never more
    precise than the record. None when a bound is unknown."""
    lower, upper = bounds.lower, bounds.upper
    if lower is None or upper is None:
        return None
    qualifier = (
        "%"
        if bounds.uncertain and bounds.approximate
        else ("?" if bounds.uncertain else ("~" if bounds.approximate else ""))
    )
    whole_years = (lower.month, lower.day, upper.month, upper.day) == (1, 1, 12, 31)
    whole_months = lower.day == 1 and _month_end(upper)
    if lower == upper:
        return (_Piece("day", lower.year, lower.month, lower.day, qualifier),)
    if whole_years and lower.year == upper.year:
        return (_Piece("year", lower.year, qualifier=qualifier),)
    if whole_years and lower.year % 10 == 0 and upper.year == lower.year + 9:
        return (_Piece("decade", lower.year, qualifier=qualifier),)
    if whole_months and (lower.year, lower.month) == (upper.year, upper.month):
        return (_Piece("month", lower.year, lower.month, qualifier=qualifier),)
    if whole_years:
        ends = (_Piece("year", lower.year), _Piece("year", upper.year))
    elif whole_months:
        ends = (_Piece("month", lower.year, lower.month), _Piece("month", upper.year, upper.month))
    else:
        ends = (
            _Piece("day", lower.year, lower.month, lower.day),
            _Piece("day", upper.year, upper.month, upper.day),
        )
    # The qualifier belongs to the whole date, so to each end, as "2012~/2014~" would say.
    return tuple(_Piece(p.unit, p.year, p.number, p.day, qualifier) for p in ends)


def _between(start: _Piece | None, end: _Piece | None, korean: bool) -> str:
    if start is not None and end is not None:
        if start == end:
            return start.words(korean)  # "2013/2013" is 2013
        if korean:
            return f"{start.words(korean)}~{end.words(korean)}"
        return f"between {start.words(korean, True)} and {end.words(korean, True)}"
    if start is not None:
        return f"{start.words(korean)} 이후" if korean else f"after {start.words(korean, True)}"
    if end is not None:
        return f"{end.words(korean)} 이전" if korean else f"before {end.words(korean, True)}"
    return ""


def describe(text: str, language: str) -> str:
    """An EDTF date in words for a reader, in English or Korean. LANGUAGE is a language
    code: anything starting with "ko" is Korean, anything else English. The language is
    given, never taken from the active translation: the WGEID submission is English
    whatever language its preparer reads (irum/exchange/wgeid.py).

    ================  ===================================  ==========================
    EDTF              English                              Korean
    ================  ===================================  ==========================
    2013              2013                                 2013년
    2013-04           April 2013                           2013년 4월
    2013-04-05        5 April 2013                         2013년 4월 5일
    2013-04~          April 2013 (approximate)             2013년 4월경
    2013-04?          April 2013 (uncertain)               2013년 4월(불확실)
    2013-04%          April 2013 (uncertain, approximate)  2013년 4월경(불확실)
    2013-21           spring 2013 (22 summer, 23 autumn,   2013년 봄 (여름, 가을, 겨울)
                      24 winter; 25-28 alike)
    198X              1980s                                1980년대
    2012/2014         between 2012 and 2014                2012년~2014년
    2013-04~/2013-06  between April 2013 (approximate)     2013년 4월경~2013년 6월
                      and June 2013
    198X/2014         between the 1980s and 2014           1980년대~2014년
    2012/.. or 2012/  after 2012                           2012년 이후
    ../2014 or /2014  before 2014                          2014년 이전
    2013/2013         2013                                 2013년
    ================  ===================================  ==========================

    Any other shape `parse` accepts (19XX, 2004-XX, [2012,2014], 2013-33, a time of day,
    a qualifier on one component such as 2013-?04) is told by its strict bounds in the
    coarsest whole unit, with the date's qualifier on each end: 19XX is "between 1900
    and 1999", 2004-04-XX is "April 2004". A shape with an unknown bound, and any text
    that is not EDTF, is returned as written: a reader sees what the record says, and
    this never raises.

    "2012/.." starts in 2012: 이후 includes the year named, as Korean reads it; "after
    2012" is kept because the English is the WGEID submission's (its tests pin it). The
    EDTF stays beside the words wherever precision matters, so nothing is lost in them.
    """
    raw = (text or "").strip()
    if not raw:
        return ""
    try:
        bounds = parse(raw)
    except EDTFError:
        return raw
    korean = (language or "").lower().startswith("ko")
    ends = raw.split("/")
    if len(ends) == 1 and (piece := _piece(raw)) is not None:
        return piece.words(korean)
    if len(ends) == 2:
        open_start, open_end = (e in ("", "..") for e in ends)
        start = None if open_start else _piece(ends[0])
        end = None if open_end else _piece(ends[1])
        if (start or open_start) and (end or open_end) and (start or end):
            return _between(start, end, korean)
    pieces = _pieces_of_bounds(bounds)
    if pieces is None:
        return raw
    if len(pieces) == 1:
        return pieces[0].words(korean)
    return _between(pieces[0], pieces[1], korean)


def describe_for_reader(text: str) -> str:
    """`describe` in the language of the request being answered."""
    return describe(text, translation.get_language() or "")
