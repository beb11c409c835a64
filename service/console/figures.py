"""The plan page's drawings, from ``service.console.drawing`` when it is there.

The drawings are imported when first asked for; should the module be missing or a drawing
fail, the page shows a short note in place of the figure instead of failing.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from typing import cast

from service.messages import Language
from service.wire.common import Day
from service.wire.plan import Plan
from service.wire.scenario import Scenario

log = logging.getLogger("mulin.console")

Drawing = Callable[..., str]


def _drawing(name: str) -> Drawing | None:
    try:
        module = importlib.import_module("service.console.drawing")
    except ImportError:
        log.warning("service.console.drawing is missing: the plan page shows no %s", name)
        return None
    found = getattr(module, name, None)
    return cast(Drawing, found) if callable(found) else None


def _draw(name: str, *args: object, **kwargs: object) -> str | None:
    drawing = _drawing(name)
    if drawing is None:
        return None
    try:
        return drawing(*args, **kwargs)
    except Exception:
        log.exception("drawing %s failed", name)
        return None


def timeline(scenario: Scenario, plan: Plan, language: Language, day: Day | None) -> str | None:
    """The workers' timeline of the week (or of one day) as SVG text; None if unavailable.

    Parameters
    ----------
    scenario, plan
        The plan and the scenario it was made for.
    language
        Of the drawing's labels.
    day
        One day only, or None for the whole week.

    Returns
    -------
    str or None
        An ``<svg>`` element.
    """
    return _draw("timeline_svg", scenario, plan, language=language, day=day)


def town_map(
    scenario: Scenario,
    plan: Plan,
    language: Language,
    day: Day | None = None,
    worker: str | None = None,
) -> str | None:
    """The map of households and routes (of a day, of a worker) as SVG; None if unavailable."""
    return _draw("town_map_svg", scenario, plan, language=language, day=day, worker=worker)
