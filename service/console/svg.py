"""What the console's drawings share: labels, palettes, escaping, the SVG frame and legends.

Every string a drawing shows is in :data:`LABELS`, one dictionary per language; day and role
names come from :mod:`service.messages`. Drawings name ids, villages and staff, never a
resident's name, phone number or address (a scenario has none).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from service.messages import Language, say
from service.wire.common import DAYS, ROLES, Day, Role
from service.wire.plan import Plan

LABELS: dict[Language, dict[str, str]] = {
    "zh": {
        "timeline.title": "工作人员时间轴：{scenario}",
        "timeline.title.day": "工作人员时间轴：{scenario}，{day}",
        "map.title": "服务地图：{scenario}",
        "summary": "{workers} 名工作人员共安排 {visits} 次探访，{unmet} 条需求未完全满足",
        "summary.day": (
            "{day}：{workers} 名工作人员共安排 {visits} 次探访；本周 {unmet} 条需求未完全满足"
        ),
        "worker": "{name}（{role}）",
        "visit": (
            "{need} 第 {visit} 次 · 户 {household} · {village} · {start}–{end} · 优先级 {priority}"
        ),
        "team": "人员：{team}",
        "travel": "路程 {minutes} 分钟",
        "travel.back": "返回 {minutes} 分钟",
        "shift": "班次 {start}–{end}",
        "household": "{need} · 户 {household} · {village} · 优先级 {priority}",
        "unmet": "未完全满足：{reason}",
        "cluster": "此处 {count} 户（位置相近，散开显示）",
        "route": "{worker} · {day} · {stops} 站 · 路程 {travel} 分钟",
        "legend.priority": "优先级 {priority}",
        "legend.travel": "路程",
        "legend.shift": "班次",
        "legend.unmet": "未完全满足",
        "legend.route": "路线（颜色区分人员）",
        "legend.station": "工作站",
        "legend.village": "村/社区",
        "scale": "{km} 公里",
        "empty": "没有安排探访",
        "sep": "、",
    },
    "en": {
        "timeline.title": "Worker timeline: {scenario}",
        "timeline.title.day": "Worker timeline: {scenario}, {day}",
        "map.title": "Service map: {scenario}",
        "summary": "{visits} {visits_word} by {workers} {workers_word}, "
        "{unmet} {needs_word} not fully served",
        "summary.day": "{day}: {visits} {visits_word} by {workers} {workers_word}; "
        "{unmet} {needs_word} not fully served this week",
        "worker": "{name} ({role})",
        "visit": "{need} visit {visit} · household {household} · {village} · {start}–{end} · "
        "priority {priority}",
        "team": "team: {team}",
        "travel": "travel {minutes} min",
        "travel.back": "back to base {minutes} min",
        "shift": "shift {start}–{end}",
        "household": "{need} · household {household} · {village} · priority {priority}",
        "unmet": "not fully served: {reason}",
        "cluster": "{count} households here (close together, spread out to be seen)",
        "route": "{worker} · {day} · {stops} stop(s) · travel {travel} min",
        "legend.priority": "priority {priority}",
        "legend.travel": "travel",
        "legend.shift": "shift",
        "legend.unmet": "not fully served",
        "legend.route": "route (one colour per worker)",
        "legend.station": "station",
        "legend.village": "village / community",
        "scale": "{km} km",
        "empty": "No visits planned",
        "sep": ", ",
    },
}

PRIORITY_COLOURS: dict[int, str] = {
    1: "#440154",
    2: "#3b528b",
    3: "#21918c",
    4: "#5ec962",
    5: "#fde725",
}
"""Viridis, colour-blind safe and ordered by lightness: priority 1 darkest."""
UNKNOWN_COLOUR = "#9e9e9e"
WORKER_COLOURS: tuple[str, ...] = (
    "#0072b2",
    "#d55e00",
    "#009e73",
    "#cc79a7",
    "#e69f00",
    "#56b4e9",
    "#000000",
    "#b8860b",
)
"""Okabe–Ito, colour-blind safe; the colour of a worker's routes (by the worker's index)."""
INK = "#1a1a1a"
MUTED = "#5f6b73"
FONT = "system-ui, 'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', sans-serif"
FONT_SIZE = 12
SMALL_FONT_SIZE = 11

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
Attribute = str | int | float | None


def label(language: Language, key: str, **values: object) -> str:
    """The label ``key`` in ``language`` with ``values`` filled in.

    Parameters
    ----------
    language
        ``zh`` or ``en``.
    key
        A key of :data:`LABELS`.
    **values
        Values for the placeholders.

    Returns
    -------
    str
        The label.
    """
    return LABELS[language][key].format(**values)


def day_name(language: Language, day: Day) -> str:
    """The short name of a weekday: ``周一`` or ``Mon``."""
    return say(language, f"day.{DAYS.index(day)}")


def role_name(language: Language, role: Role) -> str:
    """The name of a worker's role: ``社工`` or ``social worker``."""
    return say(language, f"role.{ROLES.index(role)}")


def priority_colour(priority: int | None) -> str:
    """The fill of a need's priority; grey for an unknown need."""
    return PRIORITY_COLOURS.get(priority or 0, UNKNOWN_COLOUR)


def worker_colour(index: int) -> str:
    """The colour of the routes of the worker at ``index`` in the scenario."""
    return WORKER_COLOURS[index % len(WORKER_COLOURS)]


def number(value: float) -> str:
    """A coordinate with at most one decimal, the same string for the same value."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def escape(text: str) -> str:
    """Text safe inside an XML element or attribute (``<&>"'`` escaped, controls dropped)."""
    return html.escape(_NOT_XML.sub("", text), quote=True)


def _attribute(value: str | int | float) -> str:
    if isinstance(value, float):
        return number(value)
    if isinstance(value, int):
        return str(value)
    return escape(value)


def tag(name: str, attributes: Mapping[str, Attribute], content: str = "") -> str:
    """One SVG element.

    Parameters
    ----------
    name
        The element name.
    attributes
        Attribute values, escaped here; ``None`` leaves the attribute out; floats are written
        with one decimal.
    content
        Markup inside the element, already escaped.

    Returns
    -------
    str
        The element, self-closed when it has no content.
    """
    head = start_tag(name, attributes)[:-1]
    return f"{head}>{content}</{name}>" if content else f"{head}/>"


def start_tag(name: str, attributes: Mapping[str, Attribute]) -> str:
    """The start tag ``<name …>`` of an element, attributes escaped as in :func:`tag`."""
    parts = [name]
    parts.extend(f'{key}="{_attribute(v)}"' for key, v in attributes.items() if v is not None)
    return "<" + " ".join(parts) + ">"


def title(text: str) -> str:
    """A ``<title>`` child (a tooltip and an accessible name)."""
    return f"<title>{escape(text)}</title>"


def text(
    x: float, y: float, content: str, *, size: int = FONT_SIZE, **attributes: Attribute
) -> str:
    """A ``<text>`` element at ``(x, y)`` (keyword attributes with ``_`` for ``-``)."""
    extra = {key.replace("_", "-"): value for key, value in attributes.items()}
    return tag("text", {"x": x, "y": y, "font-size": size, **extra}, escape(content))


def text_width(content: str, size: float) -> float:
    """An estimate of the drawn width of ``content``: wide CJK characters, narrow others."""
    return sum(size if ord(char) >= 0x2E80 else 0.6 * size for char in content)


def truncate(content: str, size: float, width: float) -> str:
    """``content`` cut with an ellipsis so that it fits ``width`` at font ``size``."""
    if text_width(content, size) <= width:
        return content
    while content and text_width(content + "…", size) > width:
        content = content[:-1]
    return content + "…"


def plural(language: Language, count: int, word: str) -> str:
    """An English word in the plural unless ``count`` is one; Chinese needs none."""
    return word if language == "zh" or count == 1 else word + "s"


def summary(
    language: Language, visits: int, workers: int, unmet: int, day: Day | None = None
) -> str:
    """The one-sentence description of a drawing.

    Parameters
    ----------
    language
        ``zh`` or ``en``.
    visits, workers
        Visits drawn and the workers who make them.
    unmet
        Needs of the week not fully served.
    day
        The day drawn, when only one is.

    Returns
    -------
    str
        For example ``486 visits by 38 workers, 97 needs not fully served``.
    """
    values = {
        "visits": visits,
        "workers": workers,
        "unmet": unmet,
        "visits_word": plural(language, visits, "visit"),
        "workers_word": plural(language, workers, "worker"),
        "needs_word": plural(language, unmet, "need"),
    }
    if day is None:
        return label(language, "summary", **values)
    return label(language, "summary.day", day=day_name(language, day), **values)


def plan_workers(plan: Plan, days: Sequence[Day] = DAYS) -> set[str]:
    """Ids of the workers with a visit on one of ``days``."""
    return {w for visit in plan.visits if visit.day in days for w in visit.worker_ids}


def document(
    ident: str,
    css_class: str,
    size: tuple[float, float],
    heading: tuple[str, str],
    body: Sequence[str],
) -> str:
    """A whole responsive, accessible SVG.

    Parameters
    ----------
    ident
        Prefix of the ids of its ``<title>`` and ``<desc>``, unique on the page.
    css_class
        Class of the ``<svg>`` element.
    size
        Width and height of the ``viewBox``.
    heading
        The title and the one-sentence description.
    body
        The elements drawn, in order.

    Returns
    -------
    str
        ``<svg role="img" aria-labelledby=…>`` with ``width="100%"`` and no external resource.
    """
    width, height = size
    head = start_tag(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "class": css_class,
            "viewBox": f"0 0 {number(width)} {number(height)}",
            "width": "100%",
            "preserveAspectRatio": "xMidYMin meet",
            "role": "img",
            "aria-labelledby": f"{ident}-title {ident}-desc",
            "font-family": FONT,
            "fill": INK,
        },
    )
    name, description = heading
    parts = [
        head,
        f'<title id="{ident}-title">{escape(name)}</title>',
        f'<desc id="{ident}-desc">{escape(description)}</desc>',
        *body,
        "</svg>",
    ]
    return "\n".join(parts)


Symbol = Callable[[float, float], str]
"""Draws a legend symbol in the 14×14 box whose top left corner is given."""


@dataclass(frozen=True)
class LegendItem:
    """One entry of a legend: a symbol and its text."""

    symbol: Symbol
    text: str


def legend(items: Sequence[LegendItem], left: float, top: float, width: float) -> tuple[str, float]:
    """Legend entries laid out in rows that wrap at ``width``.

    Parameters
    ----------
    items
        The entries, in order.
    left, top
        Top left corner of the legend.
    width
        Width available.

    Returns
    -------
    tuple of (str, float)
        The ``<g class="legend">`` element and the height it takes.
    """
    row_height, gap = 22.0, 18.0
    x, y = left, top
    parts: list[str] = []
    for item in items:
        item_width = 14 + 6 + text_width(item.text, FONT_SIZE)
        if x > left and x + item_width > left + width:
            x, y = left, y + row_height
        parts.append(item.symbol(x, y))
        parts.append(text(x + 20, y + 11.5, item.text))
        x += item_width + gap
    return tag("g", {"class": "legend"}, "".join(parts)), y + row_height - top
