"""Cross-reference problems of the archive an import would leave, as row errors.

The rules are those of :func:`service.loading.check_references` (unknown village, worker or
resource; a resource for groups the need is not in; a resource listed twice), run on the whole
archive after the import. Each problem it reports is tied to the file's row that caused it:
the need's row in a needs file, the resource's row in a resources file, or, when a stored need
not in the file is hurt (a resource the file removes), the need's id.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from service.loading import check_references
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
    resources = {resource.id: resource for resource in scenario.resources}
    errors = []
    for problem in check_references(scenario):
        match = _NEED_PATH.match(problem)
        if match is None:
            errors.append(RowError(None, None, "value.other", {"detail": problem}))
            continue
        need = scenario.needs[int(match[1])]
        field, index = match[2], int(match[3] or 0)
        if field == "resources":
            errors.append(_resource_error(need, index, problem, resources, origin))
        else:
            referenced = need.village if field == "village" else getattr(need, field)[index]
            key = "ref.village" if field == "village" else "ref.worker"
            errors.append(_at_need(need, field, origin, key, id=referenced))
    return errors


def _resource_error(
    need: wire.Need,
    index: int,
    problem: str,
    resources: Mapping[str, wire.Resource],
    origin: Origin,
) -> RowError:
    resource_id = need.resources[index].id
    resource = resources.get(resource_id)
    if problem.endswith("listed twice"):
        return _at_need(need, "resources", origin, "ref.twice", id=resource_id)
    if resource is None:
        key = "ref.resource" if need.id in origin.need_rows else "ref.resource_removed"
        return _at_need(need, "resources", origin, key, id=resource_id)
    values = {
        "id": resource_id,
        "eligible": sorted(resource.eligible_groups or []),
        "groups": sorted(need.groups),
    }
    resource_row = origin.resource_rows.get(resource_id)
    if resource_row is not None:
        header = origin.header("eligible_groups")
        return RowError(resource_row, header, "ref.eligible_need", {"need": need.id, **values})
    return _at_need(need, "resources", origin, "ref.eligible", **values)


def _at_need(need: wire.Need, field: str, origin: Origin, key: str, **values: object) -> RowError:
    """The error at the need's row and column, or naming the need when it is not in the file."""
    row = origin.need_rows.get(need.id)
    if row is None:
        return RowError(None, None, key, dict(values), record=need.id)
    return RowError(row, origin.header(field), key, dict(values))
