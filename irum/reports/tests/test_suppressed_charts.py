"""A suppressed count has no bar, and takes no part in the chart's scale."""

from __future__ import annotations

import re

from irum.reports.charts import BAR_WIDTH, bar_chart


def widths(svg: str) -> list[float]:
    return [float(w) for w in re.findall(r'<rect [^>]*width="([0-9.]+)"', svg)]


def test_a_suppressed_row_is_labelled_and_has_no_bar():
    svg = bar_chart(
        [("shown", 40), ("hidden", None)], total=50, title="t", suppressed="fewer than 5"
    )
    assert widths(svg) == [BAR_WIDTH]
    assert "fewer than 5" in svg
    assert "hidden: " not in svg  # no tooltip with a count


def test_the_scale_comes_from_the_shown_counts_only():
    # Were the hidden count (say 400) the peak, the shown bar would be short; its length
    # would then tell the hidden count.
    svg = bar_chart([("a", 10), ("b", 20), ("c", None)], total=None, title="t", suppressed="x")
    assert widths(svg) == [BAR_WIDTH / 2, BAR_WIDTH]


def test_no_share_is_given_when_the_total_is_hidden():
    svg = bar_chart([("a", 10)], total=None, title="t", suppressed="x")
    assert "%" not in svg
