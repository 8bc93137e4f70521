"""Server-rendered SVG bar charts: no JavaScript, and readable in a second.

`bar_chart` works out the geometry; `templates/foi_cases/dashboard/_bar_chart.html` draws
it as an <svg role="img"> with a <title> and <desc>. Every chart is shown next to a GOV.UK
table holding the same numbers, which is what screen readers and keyboard users read.
Colours are SVG presentation attributes (the CSP forbids inline style attributes).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

WIDTH = 640
LABEL_WIDTH = 230
BAR_LEFT = LABEL_WIDTH + 10
VALUE_ROOM = 70
BAR_HEIGHT = 22
GAP = 10
TOP = 8
MAX_LABEL_CHARACTERS = 34

BLUE = "#1d70b8"
RED = "#d4351c"
GREEN = "#00703c"
ORANGE = "#f47738"
GREY = "#505a5f"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str
    y: int
    width: float
    colour: str
    inside: bool = False  # the value is written inside the bar's start (charts with markers)

    @property
    def short_label(self) -> str:
        if len(self.label) <= MAX_LABEL_CHARACTERS:
            return self.label
        return self.label[: MAX_LABEL_CHARACTERS - 1].rstrip() + "…"

    @property
    def text_y(self) -> float:
        return self.y + BAR_HEIGHT * 0.7

    @property
    def value_x(self) -> float:
        return BAR_LEFT + 6 if self.inside else BAR_LEFT + self.width + 6

    @property
    def text_colour(self) -> str:
        # White on the darker colours; black on orange, where white lacks contrast.
        return "#ffffff" if self.inside and self.colour != ORANGE else "#0b0c0c"


@dataclass(frozen=True)
class Marker:
    label: str
    x: float
    anchor: str = "start"

    @property
    def dx(self) -> int:
        return -3 if self.anchor == "end" else 3


@dataclass(frozen=True)
class BarChart:
    slug: str
    title: str
    description: str
    bars: list[Bar]
    markers: list[Marker] = field(default_factory=list)
    height: int = 0
    width: int = WIDTH
    label_x: int = LABEL_WIDTH
    bar_left: int = BAR_LEFT
    bar_height: int = BAR_HEIGHT

    @property
    def title_id(self) -> str:
        return f"chart-{self.slug}-title"

    @property
    def desc_id(self) -> str:
        return f"chart-{self.slug}-desc"


def bar_chart(
    slug: str,
    title: str,
    items: Sequence[tuple[str, float]],
    *,
    max_value: float | None = None,
    unit: str = "",
    colours: Sequence[str] | None = None,
    markers: Sequence[tuple[str, float]] = (),
) -> BarChart:
    """A horizontal bar chart of (label, value) pairs, longest bar scaled to fit."""
    top = max([value for _, value in items] + [max_value or 0, 1])
    scale = (WIDTH - BAR_LEFT - VALUE_ROOM) / top
    bars = []
    for index, (label, value) in enumerate(items):
        text = f"{value:.1f}{unit}" if isinstance(value, float) else f"{value}{unit}"
        bars.append(
            Bar(
                label=str(label),
                value=value,
                text=text,
                y=TOP + index * (BAR_HEIGHT + GAP),
                width=round(max(value, 0) * scale, 1),
                colour=(colours[index] if colours else BLUE),
                inside=bool(markers) and value * scale > 60,
            )
        )
    height = TOP * 2 + max(len(bars), 1) * (BAR_HEIGHT + GAP)
    description = "; ".join(f"{bar.label}: {bar.text}" for bar in bars) or "No data."
    return BarChart(
        slug=slug,
        title=title,
        description=description,
        bars=bars,
        # The first marker's label sits left of its line, the others right, so they never meet.
        markers=[
            Marker(label, round(BAR_LEFT + value * scale, 1), "end" if index == 0 else "start")
            for index, (label, value) in enumerate(markers)
        ],
        height=height,
    )


def band_colour(rate: float | None) -> str:
    """The ICO band's colour: green from 95%, orange from 90%, red below."""
    if rate is None:
        return GREY
    if rate >= 95:
        return GREEN
    if rate >= 90:
        return ORANGE
    return RED
