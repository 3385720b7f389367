"""Static map images: a FlowMap or a RouteMap drawn as SVG or PNG on the server, offline,
for print and for reports (DESIGN.md: charts and static maps).

Everything drawn comes from the FlowMap or RouteMap that mapdata built for this reader,
so an image shows what the map page shows and nothing more.

matplotlib through its object API only (Figure and savefig, never pyplot): pyplot keeps
figures in global state, which a web server must not. rcParams are global all the same
and rc_context changes them for the whole process, so one lock serialises the drawing
(a map takes well under a second); without it, two requests in two threads could each
restore the other's settings halfway through a drawing.
"""

from __future__ import annotations

import functools
import io
import json
import logging
import math
import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
from django.utils.translation import gettext as _
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import ArrowStyle, FancyArrowPatch, PathPatch
from matplotlib.path import Path as MplPath
from matplotlib.transforms import Affine2D, offset_copy

from irum.reports.suppression import suppression_note
from irum.routes.labels import GROUP_COLOURS, GROUP_LABELS, PLACE_GROUPS, place_group
from irum.routes.mapdata import FlowMap, MapFlow, MapLeg, MapPlace, RouteMap

FORMATS = ("svg", "png")
BASEMAP_PATH = Path(__file__).resolve().parent / "static" / "irum" / "routes" / "countries.geojson"

# A route map draws every person's route on its own; past this many it is a tangle that
# takes long to draw and that nobody can read, and the flow map is the output to use.
MAX_ROUTES = 500
# Legs and stops are numbered, and routes listed in the legend, only on maps of a few
# routes: numbers of many routes at the same places would sit on top of one another. As
# many as there are route colours, so that no two listed routes share one.
NUMBERED_ROUTES = 8
MAX_LABELS = 40

# Layout, in inches. The figure is always this wide, so that the layout and the type
# sizes are the same at every pixel width; width_px sets the PNG's dots per inch.
DPI = 150
FIG_WIDTH = 1600 / DPI
PAD = 0.25
LEGEND_WIDTH = 2.75
GUTTER = 0.2
MAP_WIDTH = FIG_WIDTH - 2 * PAD - LEGEND_WIDTH - GUTTER
MIN_WIDTH_PX, MAX_WIDTH_PX = 400, 8000

# The Korean peninsula and its borders with China and Russia: what an empty map shows.
KOREA_EXTENT = (119.0, 134.0, 36.0, 44.0)  # west, east, south, north
MIN_SPAN = 3.0  # degrees
# Map height / width (on the page) is kept in this range by widening the extent.
MIN_RATIO, MAX_RATIO = 0.6, 1.25

# NanumGothic's bold face is registered at weight 600: ask for that, not 700.
BOLD = 600
FONT_FAMILY = ["NanumGothic", "NanumBarunGothic", "DejaVu Sans"]
RC = {
    "font.family": FONT_FAMILY,
    "font.size": 8,
    # Text stays text in the SVG: searchable, selectable, editable in a report.
    "svg.fonttype": "none",
    # Ids in the SVG are hashes salted with this: the same map gives the same bytes.
    "svg.hashsalt": "irum-map",
    # A place name or pseudonym with "$" in it is text, not TeX.
    "text.parse_math": False,
    "path.simplify": True,
}

INK = "#1d2330"
MUTED = "#5b6170"
SEA = "#eef4f8"
LAND = "#e6e4df"
BORDER = "#a3a3a3"
FLOW_COLOUR = "#8a1c1c"
# Okabe–Ito and its neighbours: route colours that stay apart for colour-blind readers.
ROUTE_COLOURS = (
    "#8a1c1c",
    "#0072b2",
    "#d55e00",
    "#009e73",
    "#cc79a7",
    "#e69f00",
    "#56b4e9",
    "#000000",
)
GROUP_MARKERS = {"camp": "s", "holding": "^", "crossing": "D", "china": "p", "place": "o"}
MARKER_SIZE = 6.5
MIN_LINE, MAX_LINE = 1.0, 10.0  # points
ARC = 0.12  # a gentle arc: A → B and B → A stay apart

_LOCK = threading.Lock()


class _QuietWeights(logging.Filter):
    """Drops matplotlib's "Failed to find font weight 600 for DejaVu Sans, now using
    700": the fallback font has no semibold, and its bold is what we want. Other font
    warnings (a missing family) still show."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "Failed to find font weight" not in record.getMessage()


logging.getLogger("matplotlib.font_manager").addFilter(_QuietWeights())


# --------------------------------------------------------------------------- basemap


@dataclass(frozen=True, slots=True)
class _Polygon:
    rings: tuple[np.ndarray, ...]  # the outer ring, then any holes; each closed
    bbox: tuple[float, float, float, float]  # west, east, south, north


@functools.cache
def basemap() -> tuple[_Polygon, ...]:
    """The Natural Earth countries, read once per process (2.6 MB of JSON)."""
    with BASEMAP_PATH.open(encoding="utf-8") as fh:
        data = json.load(fh)
    polygons = []
    for feature in data["features"]:
        geometry = feature.get("geometry") or {}
        shapes = geometry.get("coordinates", [])
        if geometry.get("type") == "Polygon":
            shapes = [shapes]
        for shape in shapes:
            rings = tuple(np.asarray(ring, dtype=float) for ring in shape if len(ring) >= 4)
            if not rings:
                continue
            outer = rings[0]
            bbox = (outer[:, 0].min(), outer[:, 0].max(), outer[:, 1].min(), outer[:, 1].max())
            polygons.append(_Polygon(rings, tuple(float(v) for v in bbox)))  # type: ignore[arg-type]
    return tuple(polygons)


def _clip_ring(ring: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    """RING cut to BOX (west, east, south, north) by Sutherland–Hodgman: exact for a
    rectangle whatever the ring's shape, though a ring that leaves the box and comes
    back gains edges along the box's side. The caller's box is wider than the map, so
    those edges fall outside the axes.

    Matplotlib would clip the drawing to the axes anyway, but the SVG would still carry
    every point of China and Russia: a megabyte for a map of a province."""
    points = ring[:-1]
    edges = ((0, box[0], True), (0, box[1], False), (1, box[2], True), (1, box[3], False))
    for axis, value, keep_above in edges:
        if not len(points):
            break
        inside = points[:, axis] >= value if keep_above else points[:, axis] <= value
        before = np.roll(points, 1, axis=0)
        before_inside = np.roll(inside, 1)
        crossing = inside != before_inside
        # Edges that do not cross give t = inf or nan here; their cuts are never kept.
        with np.errstate(divide="ignore", invalid="ignore"):
            t = (value - before[:, axis]) / (points[:, axis] - before[:, axis])
            cut = before + t[:, None] * (points - before)
        cut[:, axis] = value
        # Each point contributes the crossing into or out of the box (if its edge from
        # the point before crosses it), then itself (if inside), in that order.
        candidates = np.stack([cut, points], axis=1).reshape(-1, 2)
        keep = np.stack([crossing, inside], axis=1).reshape(-1)
        points = candidates[keep]
    if len(points) < 3:
        return points[:0]
    return np.vstack([points, points[:1]])


def _draw_basemap(ax: Axes, extent: tuple[float, float, float, float]) -> None:
    west, east, south, north = extent
    box = (west - 1, east + 1, south - 1, north + 1)
    for polygon in basemap():
        p_west, p_east, p_south, p_north = polygon.bbox
        if p_east < box[0] or p_west > box[1] or p_north < box[2] or p_south > box[3]:
            continue
        rings = [_clip_ring(ring, box) for ring in polygon.rings]
        rings = [ring for ring in rings if len(ring)]
        if not rings:
            continue
        # Holes (lakes, enclaves) are rings of their own in one compound path; a ring
        # repeats its first point last, which closed=True takes as the CLOSEPOLY vertex.
        path = MplPath.make_compound_path(*(MplPath(ring, closed=True) for ring in rings))
        ax.add_patch(PathPatch(path, facecolor=LAND, edgecolor=BORDER, linewidth=0.4, zorder=1))


# ---------------------------------------------------------------------- extent, text


def _extent(places: Iterable[MapPlace]) -> tuple[float, float, float, float]:
    """West, east, south, north around the drawn places, with a margin.

    The map is equirectangular, with the x scale shrunk by the cosine of the middle
    latitude so that shapes look right at that latitude: for a region the size of
    Korea and its borders that is as good as any projection, and needs no library.
    """
    points = [(p.lon, p.lat) for p in places if p.drawable]
    if not points:
        west, east, south, north = KOREA_EXTENT
    else:
        lons = [lon for lon, _lat in points]
        lats = [lat for _lon, lat in points]
        west, east, south, north = min(lons), max(lons), min(lats), max(lats)
        # Wider than high: labels run sideways.
        margin_x = max((east - west) * 0.15, 0.9)
        margin_y = max((north - south) * 0.12, 0.6)
        west, east, south, north = (
            west - margin_x,
            east + margin_x,
            south - margin_y,
            north + margin_y,
        )
        if east - west < MIN_SPAN:
            middle = (east + west) / 2
            west, east = middle - MIN_SPAN / 2, middle + MIN_SPAN / 2
        if north - south < MIN_SPAN:
            middle = (north + south) / 2
            south, north = middle - MIN_SPAN / 2, middle + MIN_SPAN / 2
    scale = math.cos(math.radians((north + south) / 2))
    ratio = (north - south) / ((east - west) * scale)
    if ratio < MIN_RATIO:
        grow = (MIN_RATIO * (east - west) * scale - (north - south)) / 2
        south, north = south - grow, north + grow
    elif ratio > MAX_RATIO:
        grow = ((north - south) / (MAX_RATIO * scale) - (east - west)) / 2
        west, east = west - grow, east + grow
    return west, east, max(south, -85.0), min(north, 85.0)


def _map_ratio(extent: tuple[float, float, float, float]) -> float:
    west, east, south, north = extent
    return (north - south) / ((east - west) * math.cos(math.radians((north + south) / 2)))


def _ems(text: str) -> float:
    # A rough width without a font engine (as irum.reports.charts): Hangul and other wide
    # characters take a full em, Latin letters a little over half.
    return sum(1.0 if ord(ch) > 0x2E80 else 0.56 for ch in text)


def _wrap(text: str, width_in: float, size_pt: float) -> list[str]:
    limit = width_in * 72 / size_pt
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if line and _ems(candidate) > limit:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return lines


def _line_height(size_pt: float) -> float:
    return 1.35 * size_pt / 72


def _text_lines(
    target: Any,
    x: float,
    top: float,
    lines: Sequence[str],
    size: float,
    *,
    down: float,
    **style: Any,
) -> list[Any]:
    """LINES as one Text each, the first line's top at TOP, on baselines a fixed step
    apart (DOWN is +1 where y grows downwards, -1 where it grows upwards). Placed by
    baseline, never by the ink's top or bottom, so where a line sits does not depend on
    its letters: the image of one filter value is the image of any other of its length
    but for the text itself."""
    artists = []
    for i, line in enumerate(lines):
        baseline = top + down * (0.95 * size / 72 + i * _line_height(size))
        artists.append(target.text(x, baseline, line, fontsize=size, va="baseline", **style))
    return artists


def _place_label(place: MapPlace, *, count: bool) -> str:
    text = place.name
    if place.name_ko and place.name_ko != place.name:
        text += f" {place.name_ko}"
    if count and place.persons is not None:
        text += f" ({place.persons})"
    return text


# ------------------------------------------------------------------------- the legend


@dataclass
class _Row:
    kind: str  # heading, marker, line, number, text
    text: str
    options: dict[str, Any] = field(default_factory=dict)


def _place_rows() -> list[_Row]:
    rows = [_Row("heading", _("Places"))]
    rows += [_Row("marker", str(GROUP_LABELS[group]), {"group": group}) for group in PLACE_GROUPS]
    rows.append(
        _Row("marker", _("Hollow: approximate location"), {"group": "place", "hollow": True})
    )
    return rows


def _layout_rows(rows: list[_Row]) -> list[tuple[_Row, list[str], float]]:
    """Each row with its wrapped lines and its height, in inches."""
    laid = []
    for row in rows:
        size = 8.5 if row.kind == "heading" else 7.5
        indent = 0.0 if row.kind in ("heading", "text") else 0.55
        lines = _wrap(row.text, LEGEND_WIDTH - indent - 0.05, size)
        gap = 0.1 if row.kind == "heading" else 0.06
        laid.append((row, lines, len(lines) * _line_height(size) + gap))
    return laid


def _draw_legend(ax: Axes, laid: list[tuple[_Row, list[str], float]], height: float) -> None:
    # The legend's axes are measured in inches, so lines and gaps are exact.
    ax.set_xlim(0, LEGEND_WIDTH)
    ax.set_ylim(0, height)
    ax.axis("off")
    y = height
    for row, lines, row_height in laid:
        if row.kind == "heading" and y < height:
            y -= 0.08
        size = 8.5 if row.kind == "heading" else 7.5
        text_x = 0.0 if row.kind in ("heading", "text") else 0.55
        centre = y - _line_height(size) / 2 - 0.01
        options = row.options
        if row.kind == "marker":
            colour = GROUP_COLOURS[options["group"]]
            ax.add_line(
                Line2D(
                    [0.22],
                    [centre],
                    marker=GROUP_MARKERS[options["group"]],
                    markersize=MARKER_SIZE,
                    markerfacecolor="white" if options.get("hollow") else colour,
                    markeredgecolor=colour,
                    markeredgewidth=1.1,
                    linestyle="none",
                )
            )
        elif row.kind == "line":
            ax.add_line(
                Line2D(
                    [0.02, 0.44],
                    [centre, centre],
                    color=options.get("colour", FLOW_COLOUR),
                    linewidth=options.get("width", 1.5),
                    linestyle="--" if options.get("dashed") else "-",
                    solid_capstyle="butt",
                )
            )
        elif row.kind == "number":
            ax.text(
                0.22,
                centre,
                options["number"],
                ha="center",
                va="center",
                fontsize=6.5,
                color=INK,
                bbox={"boxstyle": "circle,pad=0.25", "fc": "white", "ec": INK, "lw": 0.7}
                if options.get("circled")
                else None,
                fontweight=BOLD,
            )
        _text_lines(
            ax,
            text_x,
            y,
            lines,
            size,
            down=-1,
            ha="left",
            fontweight=BOLD if row.kind == "heading" else "normal",
            color=INK,
        )
        y -= row_height


# ------------------------------------------------------------------------ the drawing


@dataclass
class _Drawing:
    title: str
    filters: str
    extent: tuple[float, float, float, float]
    rows: list[_Row]
    notes: list[str]
    empty: bool


@dataclass
class _Canvas:
    fig: Figure
    ax: Axes
    notes: list[Any]  # the Texts of the notes under the map, a line each

    def late_note(self, text: str) -> None:
        """Fill the line kept free at the end of the notes (for what only drawing tells,
        such as how many labels found no room): the layout is fixed by then."""
        self.notes[-1].set_text(text)


def _figure(drawing: _Drawing) -> _Canvas:
    """The figure with its header, legend and notes laid out (one line kept free at the
    end of the notes), and the map's axes with the basemap drawn, ready for places and
    lines."""
    title_lines = _wrap(drawing.title, FIG_WIDTH - 2 * PAD, 14)
    filter_lines = _wrap(drawing.filters, FIG_WIDTH - 2 * PAD, 8.5)
    header = PAD + len(title_lines) * _line_height(14) + len(filter_lines) * _line_height(8.5)
    header += 0.15
    note_lines = [line for note in drawing.notes for line in _wrap(note, FIG_WIDTH - 2 * PAD, 7.5)]
    note_lines.append("")
    footer = 0.15 + len(note_lines) * _line_height(7.5) + PAD
    laid = _layout_rows(drawing.rows)
    legend_height = sum(height for _row, _lines, height in laid) + 0.1 * sum(
        row.kind == "heading" for row in drawing.rows
    )
    map_height = MAP_WIDTH * _map_ratio(drawing.extent)
    body = max(map_height, legend_height)
    height = header + body + footer

    fig = Figure(figsize=(FIG_WIDTH, height), dpi=DPI, facecolor="white")
    # Laid out in inches from the top of the figure, then placed in figure fractions.
    inches = Affine2D().scale(1, -1).translate(0, height) + fig.dpi_scale_trans
    _text_lines(
        fig, PAD, PAD, title_lines, 14, down=1, transform=inches, fontweight=BOLD, color=INK
    )
    _text_lines(
        fig,
        PAD,
        PAD + len(title_lines) * _line_height(14),
        filter_lines,
        8.5,
        down=1,
        transform=inches,
        color=MUTED,
    )
    notes = _text_lines(
        fig, PAD, height - footer + 0.15, note_lines, 7.5, down=1, transform=inches, color=MUTED
    )
    top = height - header
    ax = fig.add_axes(
        (PAD / FIG_WIDTH, (top - map_height) / height, MAP_WIDTH / FIG_WIDTH, map_height / height)
    )
    west, east, south, north = drawing.extent
    # The axes box has the map's proportions already: "auto" keeps matplotlib from
    # resizing it, and the cosine correction of _extent holds.
    ax.set_aspect("auto")
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    ax.set_facecolor(SEA)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_edgecolor(MUTED)
        spine.set_linewidth(0.6)
    _draw_basemap(ax, drawing.extent)
    if drawing.empty:
        ax.text(
            0.5,
            0.5,
            _("No routes match these filters"),
            transform=ax.transAxes,
            ha="center",
            va="center",
            fontsize=12,
            color=INK,
            bbox={"boxstyle": "round,pad=0.5", "fc": "white", "ec": MUTED, "lw": 0.6},
            zorder=10,
        )
    legend_ax = fig.add_axes(
        (
            (PAD + MAP_WIDTH + GUTTER) / FIG_WIDTH,
            (top - legend_height) / height,
            LEGEND_WIDTH / FIG_WIDTH,
            legend_height / height,
        )
    )
    _draw_legend(legend_ax, laid, legend_height)
    return _Canvas(fig, ax, notes)


def _save(fig: Figure, fmt: str, title: str, width_px: int) -> bytes:
    buffer = io.BytesIO()
    if fmt == "svg":
        # No date, so that the same map gives the same bytes.
        fig.savefig(buffer, format="svg", metadata={"Title": title, "Date": None})
    else:
        # A hair over the exact ratio: the canvas size is truncated, never rounded.
        fig.savefig(
            buffer, format="png", dpi=(width_px + 0.01) / FIG_WIDTH, metadata={"Title": title}
        )
    return buffer.getvalue()


def _check(fmt: str, width_px: int) -> None:
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, not {fmt!r}")
    if not MIN_WIDTH_PX <= width_px <= MAX_WIDTH_PX:
        raise ValueError(f"width_px must be between {MIN_WIDTH_PX} and {MAX_WIDTH_PX}")


def _filters_line(result: FlowMap | RouteMap) -> str:
    return _("Filters: %(filters)s") % {"filters": result.filters.describe() or _("none")}


def _same_point(a: MapPlace, b: MapPlace) -> bool:
    return (a.lon, a.lat) == (b.lon, b.lat)


def _draw_places(
    canvas: _Canvas, places: Sequence[MapPlace], *, counts: bool, avoid: Sequence[Any] = ()
) -> None:
    """Markers for the drawable PLACES, and labels for the MAX_LABELS with the most
    persons that have room. Places drawn at one point (a facility at its town's point)
    sit in a small ring around it and share one label, which keeps clear of the AVOID
    texts. A note counts the places left unlabelled."""
    ax = canvas.ax
    at_point: dict[tuple[float, float], list[MapPlace]] = defaultdict(list)
    for place in places:
        if place.drawable:
            at_point[(place.lon, place.lat)].append(place)  # type: ignore[arg-type]
    fig = ax.get_figure()
    for point, group in at_point.items():
        for i, place in enumerate(group):
            if len(group) == 1:
                transform = ax.transData
            else:
                angle = 2 * math.pi * i / len(group) + math.pi / 2
                transform = offset_copy(
                    ax.transData,
                    fig=fig,
                    x=4.5 * math.cos(angle),
                    y=4.5 * math.sin(angle),
                    units="points",
                )
            kind = place_group(place.kind)
            colour = GROUP_COLOURS[kind]
            ax.add_line(
                Line2D(
                    [point[0]],
                    [point[1]],
                    transform=transform,
                    marker=GROUP_MARKERS[kind],
                    markersize=MARKER_SIZE,
                    markerfacecolor="white" if place.approximate else colour,
                    markeredgecolor=colour,
                    markeredgewidth=1.1,
                    linestyle="none",
                    zorder=5,
                    gid=f"place-{place.slug}",
                )
            )
    # The biggest counts are labelled; ties by name, so the choice never depends on order.
    ranked = sorted(
        (place for group in at_point.values() for place in group),
        key=lambda p: (-(p.persons or 0), p.name, p.slug),
    )
    labelled = {place.id for place in ranked[:MAX_LABELS]}
    labels = []
    for point, group in at_point.items():
        shown = sorted(
            (p for p in group if p.id in labelled), key=lambda p: (-(p.persons or 0), p.name)
        )
        if shown:
            text = "\n".join(_place_label(p, count=counts) for p in shown)
            labels.append((-(shown[0].persons or 0), text, point))
    crowded = _place_labels(ax, sorted(labels), avoid=avoid)
    unlabelled = len(ranked) - len(labelled) + sum(len(at_point[p]) for p in crowded)
    if unlabelled:
        canvas.late_note(
            _("Places left unlabelled (fewer persons, or no room for a label): %(n)d.")
            % {"n": unlabelled}
        )


# Where a label may sit beside its point (offset in points, alignment): right and
# above first, as maps usually label.
LABEL_SPOTS = (
    ((7, 4), "left", "bottom"),
    ((7, -4), "left", "top"),
    ((-7, 4), "right", "bottom"),
    ((-7, -4), "right", "top"),
)


def _label(ax: Axes, text: str, point: tuple[float, float], spot: tuple[Any, ...]) -> Any:
    offset, ha, va = spot
    return ax.annotate(
        text,
        point,
        xytext=offset,
        textcoords="offset points",
        ha=ha,
        va=va,
        fontsize=6.5,
        color=INK,
        linespacing=1.15,
        bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.75},
        zorder=7,
        annotation_clip=False,
    )


def _place_labels(
    ax: Axes, labels: Sequence[tuple[int, str, tuple[float, float]]], *, avoid: Sequence[Any]
) -> set[tuple[float, float]]:
    """Label each point at the first spot where its text stays inside the map and off the
    labels placed before it, or not at all: labels printed over one another, or over the
    legend, help no one. The biggest counts go first and keep theirs. Returns the points
    left unlabelled."""
    renderer = FigureCanvasAgg(ax.get_figure()).get_renderer()
    frame = ax.get_window_extent(renderer)
    taken = [artist.get_window_extent(renderer) for artist in avoid]
    crowded = set()
    for _rank, text, point in labels:
        for spot in LABEL_SPOTS:
            label = _label(ax, text, point, spot)
            extent = label.get_window_extent(renderer)
            inside = frame.contains(extent.x0, extent.y0) and frame.contains(extent.x1, extent.y1)
            if inside and not any(extent.overlaps(other) for other in taken):
                taken.append(extent)
                break
            label.remove()
        else:
            crowded.add(point)
    return crowded


def _arrow(
    ax: Axes,
    origin: MapPlace,
    destination: MapPlace,
    *,
    width: float,
    colour: str,
    dashed: bool,
    gid: str,
    alpha: float = 0.65,
    bend: float = ARC,
) -> FancyArrowPatch:
    arrow = FancyArrowPatch(
        posA=(origin.lon, origin.lat),
        posB=(destination.lon, destination.lat),
        arrowstyle=ArrowStyle("-|>", head_length=0.55, head_width=0.35),
        connectionstyle=f"arc3,rad={bend}",
        # The head grows with the line, and stays wider than it.
        mutation_scale=7 + 2.6 * width,
        shrinkA=4,
        shrinkB=6,
        linewidth=width,
        linestyle=(0, (4, 2)) if dashed else "-",
        color=colour,
        alpha=alpha,
        zorder=3,
        gid=gid,
    )
    ax.add_patch(arrow)
    return arrow


def _arc_middle(
    ax: Axes, origin: MapPlace, destination: MapPlace, bend: float
) -> tuple[float, float]:
    """The middle of the arc _arrow draws (arc3: a quadratic Bézier whose control point
    is the chord's middle moved by BEND times the chord, turned a quarter), in data."""
    (x1, y1), (x2, y2) = ax.transData.transform(
        [(origin.lon, origin.lat), (destination.lon, destination.lat)]
    )
    dx, dy = x2 - x1, y2 - y1
    middle = ((x1 + x2) / 2 + bend * dy / 2, (y1 + y2) / 2 - bend * dx / 2)
    x, y = ax.transData.inverted().transform(middle)
    return float(x), float(y)


def flows_to_draw(result: FlowMap) -> list[MapFlow]:
    """The flows the image draws: both ends placed, at two different points."""
    return [f for f in result.flows if f.drawable and not _same_point(f.origin, f.destination)]


def legs_to_draw(result: RouteMap) -> list[tuple[int, MapLeg]]:
    """(route index, leg) for the legs the image draws: both ends placed, apart."""
    return [
        (i, leg)
        for i, route in enumerate(result.routes)
        for leg in route.legs
        if leg.drawable and not _same_point(leg.origin, leg.destination)
    ]


def _public_notes(result: FlowMap) -> list[str]:
    if not result.public or result.threshold is None:
        return []
    notes = [suppression_note(result.threshold)]
    if result.hidden_flows:
        notes.append(
            _("Flows not shown because fewer than %(threshold)d persons moved along them: %(n)d.")
            % {"threshold": result.threshold, "n": result.hidden_flows}
        )
    return notes


def _line_width(persons: int, peak: int) -> float:
    # Proportional to persons; the scale tops out at 10 points for the biggest flow, but
    # is never steeper than 2 points a person, so a map of small flows is not all thick.
    unit = MAX_LINE / max(peak, 5)
    return min(MAX_LINE, max(MIN_LINE, persons * unit))


def _samples(counts: Sequence[int]) -> list[int]:
    if not counts:
        return []
    low, peak = min(counts), max(counts)
    return sorted({low, (low + peak) // 2, peak})


def render_flow_map(
    result: FlowMap, *, fmt: str, title: str, source_note: str, width_px: int = 1600
) -> bytes:
    """RESULT's flows as an image (FMT "svg" or "png"): a line per flow between places,
    as wide as the persons moved along it, with the map's filters, notes and legend."""
    _check(fmt, width_px)
    drawn = flows_to_draw(result)
    undrawable = result.undrawable
    collapsed = sum(1 for f in result.flows if f.drawable) - len(drawn)
    peak = max((f.persons for f in drawn), default=1)
    rows = _place_rows()
    if drawn:
        rows.append(_Row("heading", _("Persons moved along a flow")))
        rows += [
            _Row("line", str(n), {"width": _line_width(n, peak)})
            for n in _samples([f.persons for f in drawn])
        ]
    rows.append(_Row("line", _("Dashed: an end's location is approximate"), {"dashed": True}))
    rows.append(_Row("text", _("(n) after a place: persons through it")))
    notes: list[str] = []
    if undrawable:
        notes.append(
            _("Flows with a place that has no coordinates (listed in the table only): %(n)d.")
            % {"n": undrawable}
        )
    if collapsed:
        notes.append(
            _("Flows between places drawn at the same point (not drawn): %(n)d.") % {"n": collapsed}
        )
    notes += _public_notes(result)
    drawing = _Drawing(
        title=title,
        filters=_filters_line(result),
        extent=_extent(result.places),
        rows=rows,
        notes=[*notes, *_credits(source_note)],
        empty=not result.flows and not result.places,
    )
    with _LOCK, matplotlib.rc_context(RC):
        canvas = _figure(drawing)
        ax = canvas.ax
        # The biggest first, so that smaller flows stay visible on top of them.
        for flow in sorted(drawn, key=lambda f: (-f.persons, f.origin.slug, f.destination.slug)):
            _arrow(
                ax,
                flow.origin,
                flow.destination,
                width=_line_width(flow.persons, peak),
                colour=FLOW_COLOUR,
                dashed=flow.approximate,
                gid=f"flow-{flow.origin.slug}-{flow.destination.slug}",
            )
        _draw_places(canvas, result.places, counts=True)
        return _save(canvas.fig, fmt, title, width_px)


def _route_name(route: Any) -> str:
    return f"{route.pseudonym} ({route.public_id})" if route.pseudonym else route.public_id


def render_route_map(
    result: RouteMap, *, fmt: str, title: str, source_note: str, width_px: int = 1600
) -> bytes:
    """RESULT's routes as an image: each person's legs in chain order, numbered when the
    map has a few routes, with the map's filters, notes and legend."""
    _check(fmt, width_px)
    drawn = legs_to_draw(result)
    # A few routes: each its own colour, listed by name, legs and stops numbered. More:
    # every leg alike, thin and light, so that the well-trodden legs stand out.
    few = len(result.routes) <= NUMBERED_ROUTES
    rows = _place_rows()
    if result.routes:
        rows.append(_Row("heading", _("Routes")))
    if few:
        for i, route in enumerate(result.routes):
            rows.append(
                _Row("line", _route_name(route), {"colour": ROUTE_COLOURS[i], "width": 2.0})
            )
    elif result.routes:
        rows.append(_Row("line", _("One leg of one person's route"), {"width": 1.2}))
    rows.append(
        _Row("line", _("Dashed: an end's location is approximate"), {"dashed": True, "colour": INK})
    )
    if few and result.routes:
        rows.append(
            _Row("number", _("Leg number, in chain order"), {"number": "1", "circled": True})
        )
        rows.append(_Row("number", _("Stop number, in chain order"), {"number": "1"}))
    notes: list[str] = []
    undrawable = sum(1 for route in result.routes for leg in route.legs if not leg.drawable)
    if undrawable:
        notes.append(
            _("Legs with a place that has no coordinates (listed in the table only): %(n)d.")
            % {"n": undrawable}
        )
    collapsed = sum(1 for route in result.routes for leg in route.legs if leg.drawable) - len(drawn)
    if collapsed:
        notes.append(
            _("Legs between places drawn at the same point (not drawn): %(n)d.") % {"n": collapsed}
        )
    if not few:
        notes.append(
            _(
                "Routes: %(n)d. Routes are named, told apart and numbered on maps of "
                "%(max)d routes or fewer."
            )
            % {"n": len(result.routes), "max": NUMBERED_ROUTES}
        )
    drawing = _Drawing(
        title=title,
        filters=_filters_line(result),
        extent=_extent(result.places),
        rows=rows,
        notes=[*notes, *_credits(source_note)],
        empty=not result.routes,
    )
    with _LOCK, matplotlib.rc_context(RC):
        canvas = _figure(drawing)
        ax = canvas.ax
        # Persons taken together often share every leg: each repeat of a leg bends a
        # little more, so that all of them show.
        repeats: dict[tuple[Any, ...], int] = defaultdict(int)
        for i, leg in drawn:
            key = (leg.origin.lon, leg.origin.lat, leg.destination.lon, leg.destination.lat)
            bend = ARC + 0.09 * repeats[key] if few else ARC
            repeats[key] += 1
            colour = ROUTE_COLOURS[i] if few else FLOW_COLOUR
            _arrow(
                ax,
                leg.origin,
                leg.destination,
                width=2.0 if few else 1.2,
                colour=colour,
                dashed=leg.approximate,
                gid=f"leg-{result.routes[i].public_id}-{leg.number}",
                alpha=0.8 if few else 0.35,
                bend=bend,
            )
            if few:
                ax.text(
                    *_arc_middle(ax, leg.origin, leg.destination, bend),
                    str(leg.number),
                    ha="center",
                    va="center",
                    fontsize=6,
                    fontweight=BOLD,
                    color=colour,
                    bbox={"boxstyle": "circle,pad=0.2", "fc": "white", "ec": colour, "lw": 0.7},
                    zorder=6,
                )
        stop_labels = _number_stops(ax, result) if few else []
        _draw_places(canvas, result.places, counts=False, avoid=stop_labels)
        return _save(canvas.fig, fmt, title, width_px)


def _number_stops(ax: Axes, result: RouteMap) -> list[Any]:
    # One label per route and point, listing that route's stop numbers there ("1, 4" for
    # a return); the routes at one point stack downwards, each in its own colour.
    at_point: dict[tuple[float, float], list[tuple[int, list[int]]]] = defaultdict(list)
    for i, route in enumerate(result.routes):
        numbers: dict[tuple[float, float], list[int]] = defaultdict(list)
        for stop in route.stops:
            if stop.place.drawable:
                numbers[(stop.place.lon, stop.place.lat)].append(stop.number)  # type: ignore[index]
        for point, stops in numbers.items():
            at_point[point].append((i, stops))
    drawn = []
    for point, labels in at_point.items():
        for row, (i, stops) in enumerate(labels):
            label = ax.annotate(
                ", ".join(str(n) for n in stops),
                point,
                xytext=(-7, -4 - 8 * row),
                textcoords="offset points",
                ha="right",
                va="top",
                fontsize=6.5,
                fontweight=BOLD,
                color=ROUTE_COLOURS[i],
                bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.8},
                zorder=7,
                annotation_clip=False,
            )
            drawn.append(label)
    return drawn


def _credits(source_note: str) -> list[str]:
    # The basemap's credit always, whatever the caller's note says: it is also the
    # licence statement a reader needs before reusing the image.
    return [source_note, _("Basemap: Natural Earth (public domain)")]
