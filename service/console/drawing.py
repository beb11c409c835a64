"""Pure drawings of a plan for the coordinator console: inline SVG strings, no JavaScript.

:func:`timeline_svg` draws a Gantt-style timeline (one row per worker, a column per day) and
:func:`town_map_svg` a map of the town (no tiles: the points are projected and drawn). Both are
deterministic, responsive (``viewBox``, ``width="100%"``), accessible (``role="img"`` labelled by
a ``<title>`` and a one-sentence ``<desc>``), in Chinese by default or English, and show ids,
village names and staff, never a resident's name, phone number or address.
"""

from __future__ import annotations

from service.console.svg import LABELS, PRIORITY_COLOURS, WORKER_COLOURS
from service.console.timeline import timeline_svg
from service.console.town_map import town_map_svg

__all__ = ["LABELS", "PRIORITY_COLOURS", "WORKER_COLOURS", "timeline_svg", "town_map_svg"]
