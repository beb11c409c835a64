"""Best-known values of the GAP benchmark, read from the tables of ``BEST_KNOWN.md``.

These numbers belong to the benchmark: they measure a run afterwards and are never given to the
solver. Each table has a header row naming its columns; the instance is the first column, the
value the ``BKS (min)`` column and whether it is proven the ``proven`` column (``yes`` or
``yes (LB=UB)`` count as proven, anything else, e.g. ``open``, does not).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

_VALUE_COLUMN = "bks (min)"
_PROVEN_COLUMN = "proven"


@dataclass(frozen=True)
class BestKnown:
    """The best known solution value of one instance (minimisation).

    Attributes
    ----------
    value
        Cost of the best known solution.
    proven
        Whether the value is known to be optimal.
    """

    value: int
    proven: bool


def read_best_known(path: Path | str) -> dict[str, BestKnown]:
    """Every instance of every table in a ``BEST_KNOWN.md`` file.

    Parameters
    ----------
    path
        The markdown file.

    Returns
    -------
    dict of str to BestKnown
        By instance name, as the tables spell it (``gap1-1``, ``c05100``, ``e801600``).

    Raises
    ------
    ValueError
        When the file cannot be read, has no table with a ``BKS (min)`` column, or a value in
        that column is not an integer.
    """
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise ValueError(f"{path}: cannot read the file ({error}).") from error
    found: dict[str, BestKnown] = {}
    header: list[str] | None = None
    tables = 0
    for number, line in enumerate(lines, start=1):
        cells = _cells(line)
        if cells is None:
            header = None
            continue
        if header is None:
            header = [cell.lower() for cell in cells]
            tables += _VALUE_COLUMN in header
            continue
        if _VALUE_COLUMN not in header or set("".join(cells)) <= set("-: "):
            continue
        row = dict(zip(header, cells, strict=False))
        try:
            value = int(row[_VALUE_COLUMN])
        except (KeyError, ValueError):
            raise ValueError(
                f"{path}, line {number}: {row.get(_VALUE_COLUMN)!r} is not an integer "
                f"best-known value."
            ) from None
        proven = row.get(_PROVEN_COLUMN, "").lower().startswith("yes")
        found[cells[0]] = BestKnown(value, proven)
    if tables == 0:
        raise ValueError(f"{path}: no table with a '{_VALUE_COLUMN}' column.")
    return found


def _cells(line: str) -> list[str] | None:
    """The cells of a markdown table row, or ``None`` when the line is not one."""
    stripped = line.strip()
    if not stripped.startswith("|"):
        return None
    return [cell.strip() for cell in stripped.strip("|").split("|")]


def gap_percent(objective: int, best: int) -> float:
    """How far ``objective`` is above ``best``, in percent of ``best``."""
    return (objective - best) / abs(best) * 100 if best else float(objective - best)
