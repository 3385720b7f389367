"""The order of a person's custody chain (docs/figures.md, "Event order").

Events run in `seq` order where seq is given; events without seq follow, by the lower
bound of their date; undated events keep the order they were entered in. Everything that
orders events (services, importer, figures) uses this one key.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from operator import attrgetter
from typing import Any, Protocol

_NO_SEQ = 2**31
_NO_DATE = dt.date.max


class Chainable(Protocol):
    seq: int | None
    date_lower: dt.date | None
    position: int


def chain_sort_key(
    seq: int | None, date_lower: dt.date | None, position: int
) -> tuple[int, dt.date, int]:
    return (seq if seq is not None else _NO_SEQ, date_lower or _NO_DATE, position)


def chain_key(event: Chainable) -> tuple[int, dt.date, int]:
    return chain_sort_key(event.seq, event.date_lower, event.position)


def first_deprivation(
    ordered: Iterable[Any], kind: Callable[[Any], str] = attrgetter("kind")
) -> Any | None:
    """The first arrest, abduction or detention of a chain already in order. KIND reads an
    event's kind (events are model instances, or the importer's row dicts)."""
    from irum.archive.models import DEPRIVATION_KINDS

    return next((e for e in ordered if kind(e) in DEPRIVATION_KINDS), None)


def assign_chain_indexes(events: Iterable[Chainable]) -> Sequence[Chainable]:
    """Sort events into chain order and number them 0..n-1 in `chain_index`."""
    ordered = sorted(events, key=chain_key)
    for index, event in enumerate(ordered):
        event.chain_index = index  # type: ignore[attr-defined]
    return ordered
