"""Charts for the insights pages, as geometry the templates draw as SVG (issue 17).

Drawn on the server, so the admin and the printed report need no script and make no
third-party request. Every number is computed here as a whole number of SVG units
(templates would otherwise print floats with the language's decimal comma); labels stay
text that the template escapes. Each chart is shown with a table of the same numbers,
which is the accessible form (WCAG 1.1.1): the SVG has a title and a description too.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings

from directory.gazetteer import district_centre

BAR_HEIGHT = 18
BAR_GAP = 6
LABEL_WIDTH = 190  # room for a town or category name left of the bars
BAR_AREA = 300
VALUE_WIDTH = 50


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    y: int
    width: int

    @property
    def text_y(self) -> int:
        return self.y + BAR_HEIGHT - 5

    @property
    def value_x(self) -> int:
        return LABEL_WIDTH + self.width + 4


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars, one per label, longest first as given."""

    id: str
    title: str
    bars: list[Bar]

    label_x = LABEL_WIDTH - 6
    bar_x = LABEL_WIDTH
    bar_height = BAR_HEIGHT
    width = LABEL_WIDTH + BAR_AREA + VALUE_WIDTH

    @property
    def height(self) -> int:
        return max(1, len(self.bars)) * (BAR_HEIGHT + BAR_GAP)

    @property
    def description(self) -> str:
        """The numbers in words, for screen readers that read the SVG's description."""
        return "; ".join(f"{bar.label}: {bar.value}" for bar in self.bars)


def bar_chart(chart_id: str, title: str, pairs: Iterable[tuple[str, int]]) -> BarChart:
    """A bar chart of (label, value) pairs, in the order given."""
    pairs = list(pairs)
    largest = max((value for _label, value in pairs), default=0) or 1
    bars = [
        Bar(
            label=label,
            value=value,
            y=index * (BAR_HEIGHT + BAR_GAP),
            # A value above zero is never drawn as nothing.
            width=max(1 if value else 0, round(BAR_AREA * value / largest)),
        )
        for index, (label, value) in enumerate(pairs)
    ]
    return BarChart(id=chart_id, title=title, bars=bars)


@dataclass(frozen=True)
class Trend:
    """Counts per week, oldest first: a sparkline in the admin, numbers in a CSV."""

    counts: list[int]

    width = 96
    height = 20

    @property
    def points(self) -> str:
        """The polyline's points, in whole SVG units (0 at the bottom)."""
        largest = max(self.counts, default=0) or 1
        step = self.width / max(1, len(self.counts) - 1)
        return " ".join(
            f"{round(i * step)},{round(self.height - 2 - (self.height - 4) * c / largest)}"
            for i, c in enumerate(self.counts)
        )

    @property
    def latest(self) -> int:
        return self.counts[-1] if self.counts else 0

    def __str__(self) -> str:
        return " ".join(str(count) for count in self.counts)


@dataclass(frozen=True)
class MapTown:
    name: str
    offers: int
    x: int
    y: int
    radius: int
    # Where the name is written (SVG text position and anchor); no anchor: not named.
    label_x: int = 0
    label_y: int = 0
    anchor: str = ""


CHAR_WIDTH = 6.2  # about one letter at 11 px
Box = tuple[float, float, float, float]


def label_box(label_x: float, label_y: float, anchor: str, name: str) -> Box:
    """The room a name written at (``label_x``, ``label_y``) with ``anchor`` takes."""
    width = CHAR_WIDTH * len(name)
    left = {"start": label_x, "end": label_x - width}.get(anchor, label_x - width / 2)
    return (left, label_y - 10, left + width, label_y + 2)


def _label_places(x: int, y: int, r: int, name: str) -> list[tuple[Box, int, int, str]]:
    """Where a town's name may go: right, left, above or below its circle."""
    places = [(x + r + 3, y + 4, "start"), (x - r - 3, y + 4, "end")]
    places += [(x, y - r - 3, "middle"), (x, y + r + 12, "middle")]
    return [(label_box(lx, ly, anchor, name), lx, ly, anchor) for lx, ly, anchor in places]


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@dataclass(frozen=True)
class CoverageMap:
    """The district's towns as circles sized by their offers; towns without any are rings."""

    title: str
    towns: list[MapTown]
    size: int = 420

    @property
    def description(self) -> str:
        return "; ".join(f"{town.name}: {town.offers}" for town in self.towns)


def coverage_map(title: str, towns: Iterable[tuple[str, float, float, int, bool]]) -> CoverageMap:
    """(name, latitude, longitude, offers, labelled) per town → circles around the
    district's centre, on the same equirectangular projection as ``directory.district_map``."""
    towns = list(towns)
    size, margin = CoverageMap.size, 16
    centre_lat, centre_lon = district_centre() or (
        (towns[0][1], towns[0][2]) if towns else (0.0, 0.0)
    )
    reach = float(getattr(settings, "DISTRICT_MAP_RADIUS_KM", 25.0))
    scale = (size / 2 - margin) / reach
    cos_lat = math.cos(math.radians(centre_lat))
    largest = max((offers for *_rest, offers, _l in towns), default=0) or 1
    placed = []
    for name, latitude, longitude, offers, labelled in towns:
        east = (longitude - centre_lon) * 111.32 * cos_lat
        north = (latitude - centre_lat) * 110.57
        x, y = round(size / 2 + east * scale), round(size / 2 - north * scale)
        if margin <= x <= size - margin and margin <= y <= size - margin:
            # Area, not radius, grows with the count, so large towns do not look larger still.
            radius = round(3 + 14 * math.sqrt(offers / largest)) if offers else 4
            placed.append((name, offers, x, y, radius, labelled))
    circles = {name: (x - r, y - r, x + r, y + r) for name, _o, x, y, r, _l in placed}
    boxes: list[Box] = []
    # The large towns are named first (for orientation), then every town without offers
    # (what the map is for). A name that would cover another name or circle is left out:
    # the circle's title and the table still give it.
    labels: dict[str, tuple[int, int, str]] = {}
    # The large towns are named first (for orientation), then every town without offers
    # (what the map is for). A name that would leave the frame or cover another name or
    # circle is left out: the circle's title and the table still give it.
    for name, offers, x, y, radius, labelled in sorted(placed, key=lambda t: (not t[5], t[1] > 0)):
        if not (labelled or not offers):
            continue
        others = [c for other, c in circles.items() if other != name]
        for box, label_x, label_y, anchor in _label_places(x, y, radius, name):
            inside = box[0] >= 2 and box[1] >= 2 and box[2] <= size - 2 and box[3] <= size - 2
            if inside and not any(_overlap(box, other) for other in boxes + others):
                boxes.append(box)
                labels[name] = (round(label_x), round(label_y), anchor)
                break
    drawn = [
        MapTown(name, offers, x, y, radius, *labels.get(name, (0, 0, "")))
        for name, offers, x, y, radius, _labelled in placed
    ]
    return CoverageMap(title=title, towns=drawn, size=size)
