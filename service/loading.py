"""Reading scenario and plan files: JSON → validated wire model, or every problem by JSON path.

Shape and ranges are checked by the pydantic models; cross-references (unknown village, worker,
resource; duplicate ids) are checked here, once the shape is known to be right. Records that are
well-formed but cannot be served as written (a resource for groups the household is not in, more
visits than window days, a window shorter than a visit, a worker both preferred and excluded) are
accepted: :func:`inconsistencies` lists them for the plan's ``warnings`` and the import's check.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from service.wire.common import json_path, time_to_minutes
from service.wire.plan import Plan, WarningCode
from service.wire.replan import ReplanRequest
from service.wire.scenario import Need, Scenario

ModelT = TypeVar("ModelT", bound=BaseModel)

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_PROBLEMS = 1000
"""Problems listed in one answer; the rest are counted (bad input must not get a huge answer)."""


class InvalidDocument(ValueError):
    """A scenario or plan that cannot be used, with one message per problem.

    Parameters
    ----------
    problems
        Messages of the form ``json.path: what is wrong``.
    """

    def __init__(self, problems: list[str]) -> None:
        if len(problems) > MAX_PROBLEMS:
            more = len(problems) - MAX_PROBLEMS
            problems = [
                *problems[:MAX_PROBLEMS],
                f"(root): {more} more problem(s) not listed: only the first {MAX_PROBLEMS} are",
            ]
        super().__init__("\n".join(problems))
        self.problems = problems


def describe_error(error: dict[str, Any]) -> str:
    """A short message for one pydantic error (the part after the JSON path).

    Parameters
    ----------
    error
        One entry of ``ValidationError.errors()``.

    Returns
    -------
    str
        For example ``unknown field`` or ``'x' is not one of 'a' or 'b'``.
    """
    kind = error.get("type")
    context = error.get("ctx") or {}
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "missing":
        return "required field is missing"
    if kind == "literal_error":
        return f"{error.get('input')!r} is not one of {context.get('expected')}"
    if kind == "json_invalid":
        return f"not JSON: {context.get('error', error.get('msg'))}"
    return str(error.get("msg", "invalid value"))


def _parse(text: str | bytes, model: type[ModelT]) -> ModelT:
    if len(text) > MAX_FILE_BYTES:
        raise InvalidDocument([f"(root): the file is larger than {MAX_FILE_BYTES} bytes"])
    if not text.strip():
        raise InvalidDocument(["(root): the file is empty"])
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InvalidDocument([f"(root): not JSON: {error}"]) from None
    except RecursionError:
        raise InvalidDocument(["(root): not JSON: nested too deeply"]) from None
    if not isinstance(data, dict):
        raise InvalidDocument([f"(root): expected a JSON object, got {type(data).__name__}"])
    try:
        return model.model_validate(data)
    except ValidationError as error:
        problems = [
            f"{json_path(tuple(e['loc']))}: {describe_error(dict(e))}"
            for e in error.errors(include_url=False)
        ]
        raise InvalidDocument(problems) from None


def _duplicates(kind: str, ids: Iterable[str]) -> list[str]:
    counts = Counter(ids)
    return [f"{kind}: id {key!r} is used {n} times" for key, n in counts.items() if n > 1]


def check_references(scenario: Scenario) -> list[str]:
    """List the cross-reference problems of a scenario whose shape is valid.

    These refuse the scenario. Records that are consistent but cannot be served as written are
    no problem here; see :func:`inconsistencies`.

    Parameters
    ----------
    scenario
        A scenario that passed shape validation.

    Returns
    -------
    list of str
        One message per problem, each starting with the JSON path; empty when all is well.
    """
    problems = _duplicates("villages", (v.id for v in scenario.villages))
    problems += _duplicates("workers", (w.id for w in scenario.workers))
    problems += _duplicates("resources", (r.id for r in scenario.resources))
    problems += _duplicates("needs", (n.id for n in scenario.needs))
    villages = {v.id for v in scenario.villages}
    workers = {w.id for w in scenario.workers}
    resources = {r.id for r in scenario.resources}
    for i, need in enumerate(scenario.needs):
        at = f"needs[{i}]"
        if need.village not in villages:
            problems.append(f"{at}.village: unknown village {need.village!r}")
        for key in ("preferred_workers", "excluded_workers"):
            for j, worker_id in enumerate(getattr(need, key)):
                if worker_id not in workers:
                    problems.append(f"{at}.{key}[{j}]: unknown worker {worker_id!r}")
        seen: set[str] = set()
        for j, amount in enumerate(need.resources):
            if amount.id not in resources:
                problems.append(f"{at}.resources[{j}].id: unknown resource {amount.id!r}")
            if amount.id in seen:
                problems.append(f"{at}.resources[{j}].id: resource {amount.id!r} listed twice")
            seen.add(amount.id)
    return problems


@dataclass(frozen=True)
class Inconsistency:
    """A well-formed record that cannot be served as written: kept, planned as far as it can be.

    Parameters
    ----------
    code
        A reason code of the spec, or ``preferred_and_excluded``.
    path
        JSON path of the field at fault, such as ``needs[12].visits``.
    need
        The need's id.
    values
        The facts for the message: ids, counts and minutes, never a resident's data.
    """

    code: WarningCode
    path: str
    need: str
    values: dict[str, Any] = field(default_factory=dict)


def window_minutes(need: Need) -> int:
    """Minutes from the start to the end of a need's window."""
    return time_to_minutes(need.window.to) - time_to_minutes(need.window.from_)


def inconsistencies(scenario: Scenario) -> list[Inconsistency]:
    """List the records of a consistent scenario that cannot be served as written.

    Parameters
    ----------
    scenario
        A scenario without reference problems (see :func:`check_references`).

    Returns
    -------
    list of Inconsistency
        In need order: resources the household is not eligible for, more visits than window
        days, a window shorter than one visit, workers both preferred and excluded.
    """
    resources = {r.id: r for r in scenario.resources}
    found = []
    for i, need in enumerate(scenario.needs):
        at = f"needs[{i}]"
        for j, amount in enumerate(need.resources):
            resource = resources.get(amount.id)
            eligible = resource.eligible_groups if resource is not None else None
            if eligible is not None and not set(eligible) & set(need.groups):
                values: dict[str, Any] = {"resource": amount.id, "eligible": sorted(eligible)}
                found.append(
                    Inconsistency("not_eligible", f"{at}.resources[{j}].id", need.id, values)
                )
        if need.visits > len(need.window.days):
            values = {"visits": need.visits, "days": len(need.window.days)}
            found.append(Inconsistency("too_few_days", f"{at}.visits", need.id, values))
        if window_minutes(need) < need.duration_minutes:
            values = {"minutes": window_minutes(need), "duration": need.duration_minutes}
            found.append(Inconsistency("window_too_short", f"{at}.window", need.id, values))
        excluded = set(need.excluded_workers)
        for j, worker_id in enumerate(need.preferred_workers):
            if worker_id in excluded:
                found.append(
                    Inconsistency(
                        "preferred_and_excluded",
                        f"{at}.preferred_workers[{j}]",
                        need.id,
                        {"worker": worker_id},
                    )
                )
    return found


def parse_scenario(text: str | bytes) -> Scenario:
    """Validate a scenario document, shape and cross-references.

    Parameters
    ----------
    text
        The JSON text of a ``mulin.scenario/1`` document.

    Returns
    -------
    Scenario
        The validated scenario.

    Raises
    ------
    InvalidDocument
        With every problem found, each naming its JSON path.
    """
    scenario = _parse(text, Scenario)
    problems = check_references(scenario)
    if problems:
        raise InvalidDocument(problems)
    return scenario


def parse_plan(text: str | bytes) -> Plan:
    """Validate the shape of a plan document (its rules are the checker's job).

    Parameters
    ----------
    text
        The JSON text of a ``mulin.plan/1`` document.

    Returns
    -------
    Plan
        The plan.

    Raises
    ------
    InvalidDocument
        With every shape problem, each naming its JSON path.
    """
    return _parse(text, Plan)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise InvalidDocument([f"(root): cannot read {path}: {error.strerror}"]) from None


def load_scenario(path: Path) -> Scenario:
    """Read and validate a scenario file; see :func:`parse_scenario`."""
    return parse_scenario(_read(path))


def load_plan(path: Path) -> Plan:
    """Read and validate a plan file; see :func:`parse_plan`."""
    return parse_plan(_read(path))


def load_replan_request(path: Path) -> ReplanRequest:
    """Read and validate a re-plan request file (absences, done and locked visits, urgent needs).

    Parameters
    ----------
    path
        The JSON file.

    Returns
    -------
    ReplanRequest
        The request (its references are checked against the plan when re-planning).

    Raises
    ------
    InvalidDocument
        With every shape problem, each naming its JSON path.
    """
    return _parse(_read(path), ReplanRequest)
