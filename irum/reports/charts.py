"""Server-side SVG charts: no JavaScript, no network, and they print and paste into
reports as they are. Labels are escaped; sizes come from the data only."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

ROW_HEIGHT = 26
BAR_WIDTH = 300
VALUE_WIDTH = 90
MAX_LABEL_WIDTH = 440


def _text_width(text: str, size: int = 13) -> float:
    # A rough width for laying out labels without a font engine: Hangul and other wide
    # characters take a full em, Latin letters a little over half.
    return sum(size if ord(ch) > 0x2E80 else size * 0.58 for ch in text)


def bar_chart(
    rows: Sequence[tuple[str, int | None]],
    *,
    total: int | None,
    title: str,
    suppressed: str = "",
) -> SafeString:
    """A horizontal bar chart of (label, count) rows, with counts and shares.

    A count of None is suppressed (public figures): its row has no bar at all and reads
    SUPPRESSED, and it takes no part in the scale, so neither a bar's length nor the
    scale of the others gives the hidden count back.
    """
    height = ROW_HEIGHT * max(len(rows), 1) + 8
    widest = max((_text_width(label) for label, _ in rows), default=0)
    label_width = min(int(widest) + 16, MAX_LABEL_WIDTH)
    width = label_width + BAR_WIDTH + VALUE_WIDTH
    peak = max((n for _, n in rows if n is not None), default=0) or 1
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'font-family="NanumGothic, \'Noto Sans KR\', sans-serif" font-size="13">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, n) in enumerate(rows):
        y = 4 + i * ROW_HEIGHT
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 17}" text-anchor="end" fill="#1d2330">'
            f"{escape(label)}</text>"
        )
        if n is None:
            parts.append(
                f'<text x="{label_width + 6}" y="{y + 17}" fill="#5b6170" font-style="italic" '
                f'class="suppressed">{escape(suppressed)}</text>'
            )
            continue
        bar = round(BAR_WIDTH * n / peak, 1)
        share = f" ({100 * n / total:.1f}%)" if total else ""
        parts.append(
            f'<rect x="{label_width}" y="{y + 4}" width="{bar}" height="{ROW_HEIGHT - 8}" '
            f'fill="#8a1c1c"><title>{escape(label)}: {n}</title></rect>'
            f'<text x="{label_width + bar + 6}" y="{y + 17}" fill="#1d2330">{n}{share}</text>'
        )
    parts.append("</svg>")
    # Every interpolated text above is escaped; the markup itself is ours.
    return mark_safe("".join(parts))
