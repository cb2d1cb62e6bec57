"""Charts drawn on the server as inline SVG geometry (no chart library, no CDN): the template
only places the rectangles computed here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sigap.models.states import ReportStatus

# Bottom to top in a stacked bar; colours as on the map (grey for the rest).
STACK = (
    (ReportStatus.resolved.value, "#2e7d32"),
    (ReportStatus.in_progress.value, "#f2b600"),
    (ReportStatus.open.value, "#c62828"),
    ("other", "#6b7280"),
)
# The states with a bar of their own; "other" sums the rest.
STACKED = frozenset(status for status, _ in STACK) - {"other"}
WIDTH, HEIGHT, AXIS = 600, 180, 24


@dataclass(frozen=True, slots=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    colour: str
    title: str


def trend_bars(trend: list[dict[str, Any]]) -> dict[str, Any]:
    """Stacked monthly bars of reports created, split by today's status."""
    peak = max((month["n"] for month in trend), default=0) or 1
    slot = WIDTH / max(len(trend), 1)
    rects: list[Rect] = []
    labels = []
    for index, month in enumerate(trend):
        x = index * slot + slot * 0.15
        bottom = float(HEIGHT)
        for status, colour in STACK:
            n = _count(month["by_status"], status)
            height = HEIGHT * n / peak
            if n:
                rects.append(
                    Rect(x, bottom - height, slot * 0.7, height, colour, f"{month['month']}: {n}")
                )
            bottom -= height
        labels.append({"x": x + slot * 0.35, "text": month["month"][2:], "n": month["n"]})
    return {"width": WIDTH, "height": HEIGHT + AXIS, "base": HEIGHT, "rects": rects,
            "labels": labels, "peak": peak}  # fmt: skip


def _count(by_status: dict[str, int], status: str) -> int:
    if status != "other":
        return by_status.get(status, 0)
    return sum(n for s, n in by_status.items() if s not in STACKED)
