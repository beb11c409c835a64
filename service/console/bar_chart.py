"""Horizontal bar charts in the console's SVG style (assessment pages, printable)."""

from __future__ import annotations

from collections.abc import Sequence

from service.console import svg

BAR_HEIGHT = 22
LABEL_WIDTH = 170
CHART_WIDTH = 720


def horizontal_bars(
    ident: str, heading: tuple[str, str], rows: Sequence[tuple[str, float]], unit: str
) -> str | None:
    """One bar per row, longest first; None when no row has a value above zero.

    Parameters
    ----------
    ident
        Prefix of the chart's ids, unique on the page.
    heading
        The chart's title and its one-sentence description.
    rows
        ``(label, value)`` pairs; labels are cut to fit the label column.
    unit
        Written after each value (``h``, ``%``).

    Returns
    -------
    str or None
        An accessible ``<svg>`` without external resources.
    """
    shown = sorted(((name, value) for name, value in rows if value > 0), key=lambda r: -r[1])
    if not shown:
        return None
    top = shown[0][1]
    span = CHART_WIDTH - LABEL_WIDTH - 70
    body = []
    for index, (name, value) in enumerate(shown):
        y = 10 + index * (BAR_HEIGHT + 6)
        width = max(2.0, span * value / top)
        written = f"{value:g} {unit}"
        short = svg.truncate(name, svg.FONT_SIZE, LABEL_WIDTH - 12)
        body.append(svg.text(LABEL_WIDTH - 8, y + 15, short, text_anchor="end"))
        body.append(
            svg.tag(
                "rect",
                {"x": LABEL_WIDTH, "y": y, "width": width, "height": BAR_HEIGHT, "fill": "#2f6f9f"},
                svg.title(f"{name}: {written}"),
            )
        )
        body.append(svg.text(LABEL_WIDTH + width + 6, y + 15, written))
    height = 20 + len(shown) * (BAR_HEIGHT + 6)
    return svg.document(ident, "kpi-chart", (CHART_WIDTH, height), heading, body)
