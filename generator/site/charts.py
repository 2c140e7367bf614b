"""The site's charts, as inline SVG (no script, no image files): the campaign bars of the outreach
calendar and the 研判 charts of the internal report. Here the geometry; templates/chart.svg draws
it, escaping every label."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from ..plan.almanac import month_span
from ..plan.assess import Assessment, Rise
from ..plan.match import Matched
from ..plan.records import INCIDENT_KINDS
from .templates import render

COLORS = ("#00796b", "#e65100", "#6a1b9a", "#1565c0", "#ad1457", "#558b2f", "#4e342e", "#37474f", "#c62828", "#0277bd")
_BAR_COLORS = COLORS[:8]


def _rect(x, y, w, h, fill, rx=None, title=None) -> dict:
    return {"kind": "rect", "x": x, "y": y, "w": w, "h": h, "fill": fill, "rx": rx, "title": title}


def _text(x, y, text, size, anchor=None, fill=None) -> dict:
    return {"kind": "text", "x": x, "y": y, "text": text, "size": size, "anchor": anchor, "fill": fill}


def _chart(css: str, width: float, height: float, label: str, shapes: list[dict], xmlns: bool = True) -> str:
    return render("chart.svg", css=css, width=width, height=height, label=label, shapes=shapes, xmlns=xmlns).rstrip("\n")


def month_bars(year: int, month: int, matched: Sequence[Matched]) -> str:
    """The month's campaign windows as bars, one row each (a day is 10 units wide)."""
    span = month_span(year, month)
    rows = [(i, m, part) for i, m in enumerate(matched) for w in m.windows if (part := w.clip(span.start, span.end))]
    if not rows:
        return ""
    shapes = []
    for row, (i, m, part) in enumerate(rows):
        x, width, y = (part.start.day - 1) * 10, part.days * 10, row * 22
        color = _BAR_COLORS[i % len(_BAR_COLORS)]
        # Long bars carry their label inside; short ones beside them, on whichever side has room.
        inside = width > 120
        tx = x + 4 if inside else (x + width + 4 if x + width < 200 else 2)
        shapes += [_rect(x, y + 2, width, 18, color, rx=4),
                   _text(tx, y + 15, m.campaign.title[:16], 11, fill="#fff" if inside else color)]
    return _chart("wj-bars", 310, 22 * len(rows), f"{month}月的宣传活动", shapes, xmlns=False)


def stacked_months_svg(a: Assessment) -> str:
    """Township incidents in the twelve months up to as_of, stacked by category: what the 研判
    meeting looks at first."""
    y, m = a.as_of.year, a.as_of.month
    months = [((y * 12 + m - 1 - k) // 12, (y * 12 + m - 1 - k) % 12 + 1) for k in range(11, -1, -1)]
    kinds = [k for k in INCIDENT_KINDS if any(i.kind == k for i in a.incidents)]
    per: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for inc in a.incidents:
        per[inc.month][inc.kind] += inc.count
    top = max([sum(per[mo].values()) for mo in months] + [1])
    w, h, left, bottom = 340, 200, 28, 24
    bar = (w - left - 4) / 12
    shapes: list[dict] = []
    for k in range(0, top + 1, max(1, top // 4)):
        yy = h - bottom - (h - bottom - 10) * k / top
        shapes += [{"kind": "line", "x1": left, "x2": w, "y1": f"{yy:.1f}", "y2": f"{yy:.1f}", "stroke": "#ddd"},
                   _text(left - 4, f"{yy + 4:.1f}", k, 10, anchor="end")]
    for i, month in enumerate(months):
        x, yy = left + i * bar, h - bottom
        for ci, kind in enumerate(kinds):
            n = per[month][kind]
            if n:
                hh = (h - bottom - 10) * n / top
                yy -= hh
                shapes.append(_rect(f"{x + 2:.1f}", f"{yy:.1f}", f"{bar - 4:.1f}", f"{hh:.1f}", COLORS[ci % len(COLORS)],
                                    title=f"{month[0]} 年 {month[1]} 月{kind} {n} 起"))
        shapes.append(_text(f"{x + bar / 2:.1f}", h - bottom + 14, f"{month[1]}月", 10, anchor="middle"))
    for ci, kind in enumerate(kinds):
        x, yy = 4 + (ci % 4) * 84, h + 8 + 20 * (ci // 4)
        shapes += [_rect(x, yy, 12, 12, COLORS[ci % len(COLORS)]), _text(x + 16, yy + 11, kind, 11)]
    return _chart("wj-chart", w, h + 20 * ((len(kinds) + 3) // 4), "近 12 个月各类案事件起数", shapes)


def rise_svg(rise: Rise, village_name: str) -> str:
    """One village's monthly counts of one category, this month in red."""
    n = len(rise.series)
    w, h, bottom = 340, 110, 20
    top = max(rise.series + [1])
    bar = (w - 8) / max(n, 1)
    shapes = []
    for i, count in enumerate(rise.series):
        hh = (h - bottom - 16) * count / top
        x, y = 4 + i * bar, h - bottom - hh
        shapes += [_rect(f"{x + 2:.1f}", f"{y:.1f}", f"{bar - 4:.1f}", f"{hh:.1f}", "#c62828" if i == n - 1 else "#90a4ae"),
                   _text(f"{x + bar / 2:.1f}", f"{y - 3:.1f}", count, 10, anchor="middle"),
                   _text(f"{x + bar / 2:.1f}", h - 6, f"{rise.months[i][1]}月", 10, anchor="middle")]
    return _chart("wj-chart", w, h, f"{village_name}{rise.kind}各月起数", shapes)
