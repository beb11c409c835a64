"""The child process that solves one plan job, and the messages it sends to its parent.

Solving runs in a process of its own: a native failure of the solver (an abort inside OR-Tools)
ends that process only, never the service, and cancelling a plan stops its process at once.
The child gets the job's stored texts, plans (or re-plans) the week, and sends back progress
messages and one final message; it touches no database and logs nothing.
"""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass
from multiprocessing.connection import Connection

from service.api.lifeline import die_with_parent
from service.loading import InvalidDocument, parse_plan, parse_scenario
from service.planning import PlanOptions, plan_week
from service.replan import replan_week
from service.wire.replan import ReplanRequest

PROGRESS_EVERY_SECONDS = 0.5
"""Progress is sent at most this often."""


@dataclass(frozen=True)
class Work:
    """What one job solves.

    Attributes
    ----------
    scenario
        The exact scenario text of the job.
    options
        Time limit, seed, workers, language.
    replan
        For a re-plan: the scenario and plan texts of the plan in force and the request text.
    """

    scenario: str
    options: PlanOptions
    replan: tuple[str, str, str] | None = None


def solve_in_child(work: Work, connection: Connection) -> None:
    """Solve and report: ``("progress", phase, fraction)`` messages, then one final message.

    The final message is ``("done", plan_json, changes_json or None, cpu_seconds)``, ``("invalid",
    message)`` when a stored text does not parse, or ``("error", traceback)``.

    Parameters
    ----------
    work
        What to solve.
    connection
        The sending end of a pipe to the parent.
    """
    die_with_parent()
    last = 0.0

    def progress(phase: str, fraction: float) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= PROGRESS_EVERY_SECONDS:
            last = now
            connection.send(("progress", phase[:40], round(min(max(fraction, 0.0), 1.0), 3)))

    try:
        if work.replan is None:
            plan = plan_week(parse_scenario(work.scenario), work.options, progress)
            plan_text = plan.model_dump_json(by_alias=True, exclude_none=True)
            connection.send(("done", plan_text, None, time.process_time()))
            return
        scenario_text, plan_text, request_text = work.replan
        replanned = replan_week(
            parse_scenario(scenario_text),
            parse_plan(plan_text),
            ReplanRequest.model_validate_json(request_text),
            work.options,
            progress,
        )
        connection.send(
            (
                "done",
                replanned.plan.model_dump_json(by_alias=True, exclude_none=True),
                replanned.changes.model_dump_json(by_alias=True, exclude_none=True),
                time.process_time(),
            )
        )
    except InvalidDocument as error:
        connection.send(("invalid", str(error)))
    except Exception:
        connection.send(("error", traceback.format_exc(limit=20)))
    finally:
        connection.close()
