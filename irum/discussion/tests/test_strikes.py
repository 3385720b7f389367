"""Three rejections within 30 days move an author to pre-moderation, three more suspend
them for 7 days, three more block them; older rejections age out, and the thresholds are
settings."""

from __future__ import annotations

import datetime as dt

from irum.discussion.moderation.strikes import Level, Thresholds, standing

T0 = dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC)


def days(*offsets: float) -> list[dt.datetime]:
    return [T0 + dt.timedelta(days=d) for d in offsets]


def test_two_rejections_leave_an_author_in_good_standing():
    assert standing(days(0, 1)).level is Level.GOOD


def test_three_within_thirty_days_mean_pre_moderation():
    result = standing(days(0, 10, 29))
    assert result.level is Level.PREMODERATED and result.since == days(29)[0]
    assert result.premoderated(days(30)[0]) and result.may_post(days(30)[0])


def test_three_spread_over_more_than_thirty_days_do_not_count_together():
    assert standing(days(0, 20, 40)).level is Level.GOOD


def test_three_more_suspend_for_seven_days_then_pre_moderation_resumes():
    result = standing(days(0, 1, 2, 3, 4, 5))
    assert result.level is Level.SUSPENDED and result.until == days(12)[0]
    assert not result.may_post(days(11)[0])
    assert result.may_post(days(12)[0]) and result.premoderated(days(12)[0])


def test_three_more_block_for_good():
    result = standing(days(*range(9)))
    assert result.level is Level.BLOCKED
    assert not result.may_post(days(400)[0])
    # Later rejections change nothing once blocked (an appeal does: a moderator who
    # overturns a rejection removes it from the list).
    assert standing(days(*range(12))) == result
    assert standing(days(*range(8))).level is Level.SUSPENDED


def test_the_order_of_the_list_does_not_matter():
    assert standing(list(reversed(days(0, 1, 2)))) == standing(days(0, 1, 2))


def test_the_thresholds_are_settings():
    strict = Thresholds(rejections=2, window=dt.timedelta(days=7), suspension=dt.timedelta(days=1))
    assert standing(days(0, 6), strict).level is Level.PREMODERATED
    assert standing(days(0, 8), strict).level is Level.GOOD
    assert standing(days(0, 1, 2, 3), strict).until == days(4)[0]
