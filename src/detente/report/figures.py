"""The report's figures: matplotlib drawings of plain data, rendered to PNG bytes.

Every figure is drawn on its own :class:`matplotlib.figure.Figure` with the Agg
canvas attached explicitly, so nothing here touches pyplot or matplotlib's
global state (no backend switch; the one rcParams setting, ``text.parse_math``
off so that a ``$`` in a name is a dollar sign and never mathtext, holds only
while a figure is drawn). matplotlib itself is
imported only when a figure is rendered, so captions and the terminal summary
never pay for it.
"""

from __future__ import annotations

import io
import math
import re
import textwrap
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from detente.analysis.documents import ItemUnits
from detente.printable import printable

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.transforms import Bbox

PALETTE = ("#1f5a96", "#b5412c", "#3c8d4f", "#7b4fa0", "#c28a1b", "#4a4a4a")
"""Colours by party order (and for series in general)."""
INK = "#222222"
MUTED = "#9aa4ad"
DPI = 130


@dataclass(frozen=True, slots=True)
class FigureSpec:
    """A figure to render: a file stem, its alternative text, and a function that draws it."""

    name: str
    alt: str
    draw: Callable[[Figure], None]
    size: tuple[float, float] = (7.0, 4.4)


def render_png(spec: FigureSpec) -> bytes:
    """Draw ``spec`` on a fresh figure with the Agg canvas and return the PNG bytes.

    >>> spec = FigureSpec("empty", "nothing", lambda fig: fig.add_subplot().plot([0, 1]))
    >>> render_png(spec)[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
    True
    """
    return _render(spec, "png")


def render_svg(spec: FigureSpec) -> str:
    """Draw ``spec`` as an SVG element to place inline in a page: text stays text (so a
    reader can select it and a test can measure it), scaled to the page's width, with ids
    unique to the figure.

    >>> svg = render_svg(FigureSpec("line", "a line", lambda fig: fig.add_subplot().plot([0, 1])))
    >>> svg.startswith("<svg") and "<text" in svg and 'width="100%"' in svg
    True
    """
    text = _render(spec, "svg", {"svg.fonttype": "none", "svg.hashsalt": spec.name}).decode()
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", text[text.index("<svg") :], flags=re.S)
    svg = printable(svg)  # a control character in a name is shown escaped, never sent raw
    svg = _SIZE.sub('width="100%"', svg, count=1)
    svg = svg.replace('<style type="text/css">*{', '<style type="text/css">svg *{')
    svg = re.sub(r'\s+xmlns(:xlink)?="[^"]*"', "", svg)  # an SVG inside HTML needs none
    return (
        re.sub(r'\bid="', f'id="{spec.name}-', svg)
        .replace("url(#", f"url(#{spec.name}-")
        .replace('xlink:href="#', f'xlink:href="#{spec.name}-')
    )


_SIZE = re.compile(r'width="[\d.]+pt" height="[\d.]+pt"')
"""The root element's fixed size (the page scales the figure to its column instead)."""


def _render(spec: FigureSpec, format: str, settings: Mapping[str, object] | None = None) -> bytes:
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    buffer = io.BytesIO()
    params: dict[str, Any] = {"text.parse_math": False, "svg.hashsalt": None, **(settings or {})}
    with rc_context(params), warnings.catch_warnings():  # type: ignore[arg-type]
        # A name in a script the font lacks (Hangul) is drawn as boxes; the page shows it.
        warnings.filterwarnings("ignore", "Glyph .* missing from font", UserWarning)
        figure = Figure(figsize=spec.size, dpi=DPI, layout="constrained")
        FigureCanvasAgg(figure)
        spec.draw(figure)
        metadata = {"Software": None} if format == "png" else {"Date": None, "Creator": None}
        figure.savefig(buffer, format=format, dpi=DPI, metadata=metadata)
    return buffer.getvalue()


def _style(ax: Axes, title: str = "") -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(colors=INK, labelsize=9)
    if title:
        ax.set_title(title, fontsize=11, color=INK, loc="left")


@dataclass(frozen=True, slots=True)
class Marker:
    """A labelled point in the utility space (a solution, a position, an agreement)."""

    label: str
    x: float
    y: float
    kind: str  # "solution", "position" or "agreement"


@dataclass(frozen=True, slots=True)
class SpaceView:
    """What the utility-space plot shows: two parties' utilities of the outcomes and markers.

    ``labels`` names the points (drawn beside them) when there are few enough to read.
    """

    axes: tuple[str, str]
    points: Sequence[Sequence[float]]
    frontier: Sequence[Sequence[float]]
    no_deal: tuple[float, float]
    markers: Sequence[Marker]
    labels: Sequence[str] = ()
    ratifiable: Sequence[bool] = ()
    counts: tuple[int, int] | None = None
    """How many outcomes every signatory prefers to no deal, and how many all can ratify."""


def utility_space(figure: Figure, view: SpaceView) -> None:
    """All outcomes, the Pareto frontier, no deal, and the labelled solutions and positions."""
    ax = figure.add_subplot()
    _style(ax)
    _outcomes(ax, view)
    if view.frontier:
        fx, fy = zip(*sorted((p[0], p[1]) for p in view.frontier), strict=True)
        ax.plot(fx, fy, "-", color=INK, lw=1.2, label="Pareto frontier")
    x0, y0 = view.no_deal
    ax.axvline(x0, color=MUTED, lw=0.8, ls="--")
    ax.axhline(y0, color=MUTED, lw=0.8, ls="--")
    ax.scatter([x0], [y0], marker="X", s=80, color=INK, zorder=5, label="no deal")
    ax.margins(0.08)
    _markers(ax, view.markers, [view.no_deal])
    ax.set_xlabel(f"utility to {view.axes[0]}", fontsize=10)
    ax.set_ylabel(f"utility to {view.axes[1]}", fontsize=10)
    ax.margins(0.08)
    ax.legend(fontsize=8, frameon=False, loc="best")


def _outcomes(ax: Axes, view: SpaceView) -> None:
    if not view.points:
        return
    x0, y0 = view.no_deal
    size = 40 if len(view.points) <= 200 else 14
    ratifiable = list(view.ratifiable) or [False] * len(view.points)
    groups: dict[str, list[tuple[float, float]]] = {"other": [], "rational": [], "ratifiable": []}
    for (x, y), ok in zip(view.points, ratifiable, strict=True):
        kind = (
            "ratifiable"
            if ok and view.ratifiable
            else "rational"
            if x >= x0 and y >= y0
            else "other"
        )
        groups[kind].append((x, y))
    rational, shared = view.counts or (None, None)
    styles = {
        "other": (MUTED, 0.35, "other outcomes"),
        "rational": (
            "#8fb3d9",
            0.6,
            "both prefer to no deal" + (f" ({rational:,})" if rational is not None else ""),
        ),
        "ratifiable": (
            PALETTE[0],
            0.9,
            "both can ratify" + (f" ({shared:,})" if shared is not None else ""),
        ),
    }
    for kind, found in groups.items():
        if found:
            colour, alpha, label = styles[kind]
            ax.scatter(
                [p[0] for p in found],
                [p[1] for p in found],
                s=size,
                color=colour,
                alpha=alpha,
                linewidths=0,
                label=label,
            )
    xs, ys = [p[0] for p in view.points], [p[1] for p in view.points]
    for text, x, y in zip(view.labels, xs, ys, strict=False):
        ax.annotate(
            text, (x, y), xytext=(-6, -12), textcoords="offset points", fontsize=8,
            color=MUTED, ha="right",
        )  # fmt: skip


_MARKER_STYLE = {
    "solution": ("D", PALETTE[2]),
    "position": ("s", PALETTE[1]),
    "agreement": ("*", PALETTE[4]),
}


_KIND_LABEL = {
    "solution": "bargaining solution",
    "position": "named position",
    "agreement": "ratifiable agreement",
}


_OFFSETS = tuple(
    (round(r * math.cos(math.radians(a)), 1), round(r * math.sin(math.radians(a)), 1))
    for r in (8, 16, 26, 38, 52)
    for a in (0, -25, 25, 180, 155, -155, -60, 60, -120, 120, -90, 90)
)
"""Where a marker's label may go (points from the marker), nearest first: rings of
directions, to the right before the left."""


def _markers(
    ax: Axes, markers: Sequence[Marker], extra: Sequence[tuple[float, float]] = ()
) -> None:
    """Draw the markers and label each where its text overlaps no earlier label."""
    shown: set[str] = set()
    for m in markers:
        shape, colour = _MARKER_STYLE[m.kind]
        legend = _KIND_LABEL[m.kind] if m.kind not in shown else None
        shown.add(m.kind)
        ax.scatter(
            [m.x], [m.y], marker=shape, s=70, color=colour, edgecolors="white", linewidths=0.8,
            zorder=6, label=legend,
        )  # fmt: skip
    _labels(ax, markers, extra)


def _point_box(ax: Axes, x: float, y: float, radius: float = 6.0) -> Bbox:
    """The display box a marker at ``(x, y)`` covers (``radius`` in pixels)."""
    from matplotlib.transforms import Bbox

    px, py = ax.transData.transform((x, y))
    return Bbox.from_extents(px - radius, py - radius, px + radius, py + radius)


def _labels(ax: Axes, markers: Sequence[Marker], extra: Sequence[tuple[float, float]] = ()) -> None:
    """Label each marker at the nearest offset where its text overlaps no marker, no other
    label and no ``extra`` point, stays inside the axes, and lies nearer its own marker than
    any other (a leader line joins a label set apart)."""
    from matplotlib.patheffects import withStroke

    halo = [withStroke(linewidth=3, foreground="white")]
    renderer = ax.get_figure(root=True).canvas.get_renderer()  # type: ignore[union-attr]
    markers = _together(markers)
    points = [tuple(ax.transData.transform((m.x, m.y))) for m in markers]
    points += [tuple(ax.transData.transform(p)) for p in extra]
    taken: list[Bbox] = [_point_box(ax, *ax.transData.inverted().transform(p)) for p in points]
    inside = ax.get_window_extent(renderer)
    for k, m in enumerate(markers):
        colour = _MARKER_STYLE[m.kind][1]
        chosen = None
        for dx, dy in _OFFSETS:
            far = math.hypot(dx, dy) > 10
            text = ax.annotate(
                m.label, (m.x, m.y), xytext=(dx, dy), textcoords="offset points", fontsize=8.5,
                color=colour, zorder=7, va="center",
                ha="left" if dx > 2 else "right" if dx < -2 else "center",
                path_effects=halo,
                arrowprops={"arrowstyle": "-", "color": colour, "lw": 0.6, "shrinkA": 0,
                            "shrinkB": 5} if far else None,
            )  # fmt: skip
            box = text.get_window_extent(renderer)
            mine = _gap(box, points[k])
            if (
                not any(box.overlaps(other) for other in taken)
                and inside.contains(box.x0, box.y0)
                and inside.contains(box.x1, box.y1)
                and all(mine < _gap(box, p) for j, p in enumerate(points) if j != k)
            ):
                chosen = box
                break
            text.remove()
        if chosen is None:  # nowhere free: beside the marker, as close as it gets
            text = ax.annotate(
                m.label, (m.x, m.y), xytext=(8, 0), textcoords="offset points", fontsize=8.5,
                color=colour, zorder=7, va="center", ha="left", path_effects=halo,
            )  # fmt: skip
            chosen = text.get_window_extent(renderer)
        taken.append(chosen)


def _together(markers: Sequence[Marker]) -> list[Marker]:
    """Markers at the same point as one, their labels joined (``Nash, egalitarian``).

    >>> [m.label for m in _together([Marker("Nash", 1, 2, "solution"),
    ...     Marker("egalitarian", 1, 2, "solution"), Marker("offer", 0, 0, "position")])]
    ['Nash, egalitarian', 'offer']
    """
    found: dict[tuple[float, float], Marker] = {}
    for m in markers:
        key = (round(m.x, 9), round(m.y, 9))
        same = found.get(key)
        found[key] = m if same is None else Marker(f"{same.label}, {m.label}", m.x, m.y, same.kind)
    return list(found.values())


def _gap(box: Bbox, point: Sequence[float]) -> float:
    """The distance in pixels from ``point`` to the nearest edge of ``box`` (0 inside)."""
    x, y = point
    return math.hypot(max(box.x0 - x, 0.0, x - box.x1), max(box.y0 - y, 0.0, y - box.y1))


@dataclass(frozen=True, slots=True)
class RangeRow:
    """One negotiator, faction or ratifier, and whether it accepts each value of an issue."""

    label: str
    accepts: Sequence[bool]
    strong: bool = False


@dataclass(frozen=True, slots=True)
class RangePanel:
    """A package with one quantity varied: the values, the package's own, who accepts which."""

    title: str
    issue: str
    values: Sequence[float]
    held: float
    rows: Sequence[RangeRow]


def win_set_ranges(figure: Figure, panels: Sequence[RangePanel]) -> None:
    """Win-sets in the units of an issue: one panel per package, one row per negotiator,
    faction and ratifier, a filled cell for each amount it accepts (the rest held)."""
    axes = figure.subplots(len(panels), 1, squeeze=False)[:, 0]
    for ax, panel in zip(axes, panels, strict=True):
        _style(ax, panel.title)
        values = list(panel.values)
        width = (values[-1] - values[0]) / max(len(values) - 1, 1) or 1.0
        for r, row in enumerate(panel.rows):
            colour = INK if row.strong else PALETTE[2]
            for value, ok in zip(values, row.accepts, strict=True):
                ax.barh(r, width * 0.92, left=value - width * 0.46, height=0.7,
                        color=colour if ok else "#eef1f3", alpha=0.85 if ok else 1.0)  # fmt: skip
        ax.barh(range(len(panel.rows)), width * 0.92, left=panel.held - width * 0.46, height=0.7,
                fill=False, edgecolor=PALETTE[1], linewidth=1.6)  # fmt: skip
        ax.set_yticks(range(len(panel.rows)), [row.label for row in panel.rows], fontsize=8.5)
        ax.set_ylim(len(panel.rows) - 0.5, -0.5)
        ax.set_xticks(values, [f"{v:g}" for v in values])
        ax.set_xlabel(panel.issue, fontsize=9)
        ax.spines["left"].set_visible(False)
        ax.tick_params(axis="y", length=0)


def win_set_sensitivity(
    figure: Figure,
    label: str,
    weights: Sequence[float],
    sizes: Mapping[str, Sequence[int]],
    shared: Sequence[int],
) -> None:
    """Win-set sizes across a faction-weight grid, with the weights where agreement is impossible."""
    ax = figure.add_subplot()
    _style(ax)
    for i, (party, series) in enumerate(sizes.items()):
        ax.plot(weights, series, "-o", ms=3, color=PALETTE[i % len(PALETTE)], label=party)
    ax.plot(weights, shared, "-o", ms=4, lw=2, color=INK, label="shared by all signatories")
    half = _half_step(weights)
    for w, n in zip(weights, shared, strict=True):
        if n == 0:
            low, high = max(w - half, weights[0]), min(w + half, weights[-1])
            ax.axvspan(low, high, color=PALETTE[1], alpha=0.08, lw=0)
    ax.set_xlabel(label, fontsize=10)
    ax.set_ylabel("outcomes in the win-set", fontsize=10)
    ax.legend(fontsize=8, frameon=False)


def _half_step(grid: Sequence[float]) -> float:
    return (grid[-1] - grid[0]) / (2 * max(len(grid) - 1, 1)) if len(grid) > 1 else 0.05


@dataclass(frozen=True, slots=True)
class Timeline:
    """A schedule as the timeline shows it.

    ``stages`` lists ``{item: amount}`` per stage (amounts already cleaned of
    solver noise); ``units`` say how amounts read and which items the deal's
    total counts (all if none is named); ``one_shot`` is the largest total a
    one-shot exchange carries; ``starts`` each stage's start date, with a calendar.
    """

    stages: Sequence[Mapping[str, float]]
    givers: Mapping[str, str]
    units: ItemUnits
    one_shot: float | None = None
    starts: Sequence[str] = ()

    @property
    def lanes(self) -> list[str]:
        """The givers, in order of first appearance."""
        return list(dict.fromkeys(self.givers.get(i, "?") for s in self.stages for i in s))

    def totals(self) -> list[float]:
        """The measured total carried out by the end of each stage."""
        counted = set(self.units.measured)
        running, totals = 0.0, []
        for stage in self.stages:
            running += sum(v for k, v in stage.items() if not counted or k in counted)
            totals.append(running)
        return totals

    def label(self, item: str, value: float) -> str:
        """An item and its amount as a cell shows it: in its unit, wrapped to fit.

        >>> units = ItemUnits({"x": None, "relief": "share"}, ("x",), ("x", "relief"))
        >>> line = Timeline([], {}, units)
        >>> line.label("x", 1.0), line.label("relief", 0.5)
        ('x', 'relief 0.5 share')
        """
        return textwrap.fill(self.units.amount(item, f"{value:.3g}"), CELL_WIDTH)

    def height(self, width: float = 7.6) -> tuple[float, float]:
        """A figure size whose cells hold their labels: taller when a cell lists many items."""
        lines = max(
            (
                sum(self.label(k, v).count("\n") + 1 for k, v in stage.items()
                    if self.givers.get(k, "?") == giver and v)
                for stage in self.stages
                for giver in self.lanes
            ),
            default=1,
        )  # fmt: skip
        shown = lines if len(self.stages) <= LABELLED_STAGES else 1
        return (width, max(5.0, 1.2 + 0.36 * shown * max(len(self.lanes), 1)))

    @property
    def total_label(self) -> str:
        """What the running total is: in the measure's unit, or the items it sums."""
        unit, measured = self.units.measure_unit, self.units.measured
        if unit is not None:
            return f"total ({unit})"
        return (
            f"total ({', '.join(measured)})"
            if len(measured) <= 2
            else f"total of {len(measured)} items"
        )


LABELLED_STAGES = 8
"""Timelines up to this many stages name the items in each cell; longer ones shade them."""
CELL_WIDTH = 22
"""Characters per line of an item's label in a timeline cell."""


def schedule_timeline(figure: Figure, timeline: Timeline) -> None:
    """Who gives what at each stage (top), and the total carried out so far (bottom)."""
    top, bottom = figure.subplots(2, 1, height_ratios=(3, 1.4), sharex=True)
    _style(top, "who gives what, stage by stage")
    lanes = timeline.lanes
    largest = max((sum(s.values()) for s in timeline.stages), default=1.0) or 1.0
    for s, stage in enumerate(timeline.stages, start=1):
        for lane, giver in enumerate(lanes):
            given = {k: v for k, v in stage.items() if timeline.givers.get(k, "?") == giver and v}
            if given:
                _cell(top, s, lane, given, sum(given.values()) / largest, timeline)
    top.set_yticks(range(len(lanes)), lanes)
    top.set_ylim(len(lanes) - 0.5, -0.5)
    _cumulative(bottom, timeline)


def _cell(
    ax: Axes, stage: int, lane: int, given: Mapping[str, float], size: float, timeline: Timeline
) -> None:
    colour = PALETTE[lane % len(PALETTE)]
    ax.barh(lane, 0.9, left=stage - 0.45, height=0.8, color=colour, alpha=0.12 + 0.5 * size)
    if len(timeline.stages) <= LABELLED_STAGES:
        text = "\n".join(timeline.label(k, v) for k, v in given.items())
        ax.text(stage, lane, text, ha="center", va="center", fontsize=8.5, color=INK)


def _cumulative(ax: Axes, timeline: Timeline) -> None:
    _style(ax)
    positions = list(range(1, len(timeline.stages) + 1))
    label = "phased: carried out so far"
    ax.bar(positions, timeline.totals(), width=0.6, color=PALETTE[0], alpha=0.7, label=label)
    if timeline.one_shot is not None:
        ax.axhline(timeline.one_shot, color=PALETTE[1], ls="--", lw=1.2, label="one shot: at most")
    step = max(1, len(positions) // 10)
    shown = [p for p in positions if p == 1 or p % step == 0]
    dated = len(timeline.starts) == len(positions)
    ax.set_xticks(shown, [f"{p}\n{timeline.starts[p - 1]}" if dated else str(p) for p in shown])
    ax.set_xlabel("stage (and its start)" if dated else "stage", fontsize=9)
    ax.set_ylabel(timeline.total_label, fontsize=9)
    ax.legend(fontsize=8, frameon=False, loc="upper left")


def trust_levels(figure: Figure, trust: Mapping[str, Mapping[str, float]]) -> None:
    """Each party's probability that each other party honours its next step."""
    ax = figure.add_subplot()
    _style(ax)
    labels = [f"{a} trusts {b}" for a, row in trust.items() for b in row]
    values = [p for row in trust.values() for p in row.values()]
    colours = [PALETTE[i % len(PALETTE)] for i, row in enumerate(trust.values()) for _ in row]
    bars = ax.barh(labels, values, color=colours)
    ax.bar_label(bars, fmt="%.2f", fontsize=9, padding=3)
    ax.set_xlim(0, 1.08)
    ax.invert_yaxis()
    ax.set_xlabel("probability of honouring the next step", fontsize=10)


def trust_path(
    figure: Figure,
    path: Sequence[Mapping[str, Mapping[str, float]]],
    breach: Mapping[str, Mapping[str, float]] | None = None,
) -> None:
    """Trust along the schedule (one line per truster and trustee), and after a broken first step."""
    ax = figure.add_subplot()
    _style(ax)
    pairs = [(a, b) for a, row in path[0].items() for b in row]
    for i, (a, b) in enumerate(pairs):
        colour = PALETTE[i % len(PALETTE)]
        series = [step.get(a, {}).get(b, float("nan")) for step in path]
        ax.plot(range(len(path)), series, "-o", ms=3.5, color=colour, label=f"{a} trusts {b}")
        after = (breach or {}).get(a, {}).get(b)
        if after is not None:
            ax.plot([0, 1], [series[0], after], ":", color=colour, lw=1.2)
            ax.plot([1], [after], "x", ms=7, color=colour)
    if breach:
        ax.plot([], [], "k:x", label="if the first step is broken")
    ax.set_ylim(0, 1.02)
    step = max(1, (len(path) - 1) // 10)
    ticks = [k for k in range(len(path)) if k % step == 0]
    ax.set_xticks(ticks, [str(k) for k in ticks])
    ax.set_xlabel("stages honoured so far", fontsize=10)
    ax.set_ylabel("probability of honouring", fontsize=10)
    ax.legend(fontsize=8, frameon=False)


def implementation_outcomes(
    figure: Figure, completion: float, breaks: Sequence[tuple[str, float]]
) -> None:
    """The share of simulated runs completed, and where the others broke down."""
    ax = figure.add_subplot()
    _style(ax)
    labels = ["completed", *[f"broke at stage {s}" for s, _ in breaks]]
    values = [completion, *[share for _, share in breaks]]
    colours = [PALETTE[2]] + [PALETTE[1]] * len(breaks)
    bars = ax.bar(labels, values, color=colours)
    ax.bar_label(bars, labels=[f"{v:.0%}" for v in values], fontsize=9, padding=2)
    ax.set_ylim(0, 1.1)
    ax.set_ylabel("share of simulated runs", fontsize=10)
    ax.tick_params(axis="x", labelrotation=20 if len(labels) > 5 else 0)


def stakeholder_outcomes(
    figure: Figure, stakeholder: str, rows: Sequence[tuple[str, float]], no_deal: float
) -> None:
    """A stakeholder's utility under each position and solution, against its no-deal value."""
    ax = figure.add_subplot()
    _style(ax)
    labels = [label for label, _ in rows]
    values = [value for _, value in rows]
    colours = [PALETTE[2] if v > no_deal else PALETTE[1] if v < no_deal else MUTED for v in values]
    bars = ax.barh(labels, values, color=colours)
    ax.bar_label(bars, fmt="%.3g", fontsize=9, padding=3)
    ax.axvline(no_deal, color=INK, ls="--", lw=1, label=f"no deal ({no_deal:.3g})")
    ax.invert_yaxis()
    ax.set_xlabel(f"utility to {stakeholder}", fontsize=10)
    ax.legend(fontsize=8, frameon=False)


def claim_shares(figure: Figure, claims: Sequence[tuple[str, float, float, float]]) -> None:
    """Each claim's share of the plausible range, with its 95% interval."""
    ax = figure.add_subplot()
    _style(ax)
    names = [c[0] for c in claims]
    shares = [c[1] for c in claims]
    errors = [[c[1] - c[2] for c in claims], [c[3] - c[1] for c in claims]]
    colours = [PALETTE[2] if s >= 0.5 else PALETTE[1] for s in shares]
    ax.barh(names, shares, xerr=errors, color=colours, error_kw={"ecolor": INK, "capsize": 3})
    ax.axvline(0.5, color=MUTED, ls=":", lw=1)
    ax.set_xlim(0, 1)
    ax.invert_yaxis()
    ax.set_xlabel("share of draws in which the claim holds (95% interval)", fontsize=10)
