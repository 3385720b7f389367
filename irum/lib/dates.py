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
