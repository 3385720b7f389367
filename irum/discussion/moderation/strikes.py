"""Repeat violators: pre-moderation, then a suspension, then a block.

The guidelines say "we will take steps to block users who repeatedly violate our
commenting rules". The steps (issue 7): an author with 3 rejected comments within 30 days
is moved to pre-moderation; 3 more within 30 days suspend them for 7 days; 3 more block
them. Every threshold is a setting.

The standing is worked out by replaying the author's rejections in time order, so it is
the same whether it is computed by the site from the database or by `irum moderate` from
the history it keeps in memory, and a moderator who overturns a rejection changes the
standing by removing that rejection from the list.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum

from irum.discussion.moderation.base import Reason

# Refusals that are not breaches of the guidelines, so never a strike: a comment to
# shorten or sign, and the author's own restrictions.
NOT_A_STRIKE = frozenset({Reason.TOO_LONG, Reason.UNSIGNED, Reason.BLOCKED_AUTHOR})


class Level(IntEnum):
    GOOD = 0
    PREMODERATED = 1  # every comment is held for a moderator
    SUSPENDED = 2  # may not comment until `until`; pre-moderated after
    BLOCKED = 3  # may not comment; may appeal


@dataclass(frozen=True)
class Thresholds:
    rejections: int = 3
    window: dt.timedelta = dt.timedelta(days=30)
    suspension: dt.timedelta = dt.timedelta(days=7)


@dataclass(frozen=True)
class Standing:
    level: Level
    since: dt.datetime | None = None  # when the author reached this level
    until: dt.datetime | None = None  # the end of a suspension

    def may_post(self, now: dt.datetime) -> bool:
        if self.level is Level.BLOCKED:
            return False
        return not (self.level is Level.SUSPENDED and self.until is not None and now < self.until)

    def premoderated(self, now: dt.datetime) -> bool:
        return self.level >= Level.PREMODERATED and self.may_post(now)


def standing(rejections: Iterable[dt.datetime], thresholds: Thresholds | None = None) -> Standing:
    """The standing that REJECTIONS (the times of an author's rejected comments) earn."""
    limits = thresholds or Thresholds()
    current = Standing(Level.GOOD)
    counted: list[dt.datetime] = []  # rejections since the last step up
    for when in sorted(rejections):
        if current.level is Level.BLOCKED:
            break
        counted = [t for t in counted if when - t < limits.window] + [when]
        if len(counted) >= limits.rejections:
            level = Level(current.level + 1)
            until = when + limits.suspension if level is Level.SUSPENDED else None
            current = Standing(level, since=when, until=until)
            counted = []
    return current
