"""Cross-reference problems and warnings of the archive an import would leave, by file row.

The problems are those of :func:`service.loading.check_references` (unknown village, worker or
resource; a resource listed twice), the warnings those of :func:`service.loading.inconsistencies`
(a resource for groups the need is not in, more visits than window days, a window shorter than
a visit, a worker both preferred and excluded): such rows are stored and flagged, not refused.
Both run on the whole archive after the import. Each is tied to the file's row that caused it:
the need's row in a needs file, the resource's row in a resources file, or, when a stored need
not in the file is hurt (a resource the file removes or narrows), the need's id.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from service.loading import check_references, inconsistencies
from service.tabular.problems import RowError
from service.wire import scenario as wire

_NEED_PATH = re.compile(
    r"^needs\[(\d+)\]\.(village|preferred_workers|excluded_workers|resources)(?:\[(\d+)\])?"
)


@dataclass(frozen=True)
class Origin:
    """Where the records of the imported file sit in it.

    Parameters
    ----------
    need_rows
        Need id → its row in the file (a needs import; else empty).
    resource_rows
        Resource id → its row in the file (a resources import; else empty).
    header
        Column key → the header as the file writes it.
    """

    need_rows: Mapping[str, int]
    resource_rows: Mapping[str, int]
    header: Callable[[str], str]


def reference_errors(scenario: wire.Scenario, origin: Origin) -> list[RowError]:
    """Row errors for every cross-reference problem of the archive after an import.

    Parameters
    ----------
    scenario
        The station's whole archive as it would be after the import (shape already valid).
    origin
        Where the imported records sit in the file.

    Returns
    -------
    list of RowError
        Empty when the archive would be consistent.
    """
    errors = []
    for problem in check_references(scenario):
        match = _NEED_PATH.match(problem)
        if match is None:
            errors.append(RowError(None, None, "value.other", {"detail": problem}))
            continue
        need = scenario.needs[int(match[1])]
        field, index = match[2], int(match[3] or 0)
        if field == "resources":
            errors.append(_resource_error(need, index, problem, origin))
        else:
            referenced = need.village if field == "village" else getattr(need, field)[index]
            key = "ref.village" if field == "village" else "ref.worker"
            errors.append(_at_need(need, field, origin, key, id=referenced))
    return errors


def _resource_error(need: wire.Need, index: int, problem: str, origin: Origin) -> RowError:
    resource_id = need.resources[index].id
    if problem.endswith("listed twice"):
        return _at_need(need, "resources", origin, "ref.twice", id=resource_id)
    key = "ref.resource" if need.id in origin.need_rows else "ref.resource_removed"
    return _at_need(need, "resources", origin, key, id=resource_id)


def reference_warnings(scenario: wire.Scenario, origin: Origin) -> list[RowError]:
    """Row notes for every record of the archive after an import that cannot be served as written.

    Parameters
    ----------
    scenario
        The station's whole archive as it would be after the import (no reference problems).
    origin
        Where the imported records sit in the file.

    Returns
    -------
    list of RowError
        Keys ``warn.<code>``; a resources file's row is named when its eligibility shuts a
        need out, else the need's row (or id).
    """
    warnings = []
    for found in inconsistencies(scenario):
        values = {"need": found.need, **found.values}
        resource_row = origin.resource_rows.get(str(found.values.get("resource")))
        if found.code == "not_eligible" and resource_row is not None:
            header = origin.header("eligible_groups")
            warnings.append(RowError(resource_row, header, "warn.not_eligible", values))
            continue
        field = {
            "not_eligible": "resources",
            "too_few_days": "visits",
            "window_too_short": "to",
            "preferred_and_excluded": "preferred_workers",
        }[found.code]
        warnings.append(
            _at_need(_need(scenario, found.need), field, origin, f"warn.{found.code}", **values)
        )
    return warnings


def _need(scenario: wire.Scenario, need_id: str) -> wire.Need:
    return next(need for need in scenario.needs if need.id == need_id)


def _at_need(
    need: wire.Need, field: str, origin: Origin, key: str, /, **values: object
) -> RowError:
    """The error at the need's row and column, or naming the need when it is not in the file."""
    row = origin.need_rows.get(need.id)
    if row is None:
        return RowError(None, None, key, dict(values), record=need.id)
    return RowError(row, origin.header(field), key, dict(values))
