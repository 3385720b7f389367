"""Server-side SVG charts: no JavaScript, no network, and they print and paste into
reports as they are. Labels are escaped; sizes come from the data only."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

ROW_HEIGHT = 26
LABEL_WIDTH = 230
BAR_WIDTH = 300
VALUE_WIDTH = 90


def bar_chart(rows: Sequence[tuple[str, int]], *, total: int, title: str) -> SafeString:
    """A horizontal bar chart of (label, count) rows, with counts and shares."""
    height = ROW_HEIGHT * max(len(rows), 1) + 8
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    peak = max((n for _, n in rows), default=0) or 1
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'font-family="NanumGothic, \'Noto Sans KR\', sans-serif" font-size="13">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, n) in enumerate(rows):
        y = 4 + i * ROW_HEIGHT
        bar = round(BAR_WIDTH * n / peak, 1)
        share = f" ({100 * n / total:.1f}%)" if total else ""
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 17}" text-anchor="end" fill="#1d2330">'
            f"{escape(label)}</text>"
            f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{bar}" height="{ROW_HEIGHT - 8}" '
            f'fill="#8a1c1c"><title>{escape(label)}: {n}</title></rect>'
            f'<text x="{LABEL_WIDTH + bar + 6}" y="{y + 17}" fill="#1d2330">{n}{share}</text>'
        )
    parts.append("</svg>")
    # Every interpolated text above is escaped; the markup itself is ours.
    return mark_safe("".join(parts))
