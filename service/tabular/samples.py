"""The sample import files of ``scenarios/``, made from a scenario's needs and resources.

Run ``python -m service.tabular.samples`` to write them again from ``scenarios/tiny.json``:
``demo-needs.xlsx`` (Chinese headers), ``demo-needs.csv`` (English headers, UTF-8 with BOM)
and ``demo-resources.xlsx`` (Chinese headers).
"""

from __future__ import annotations

from pathlib import Path

from service.loading import load_scenario
from service.tabular.layout import NEEDS, RESOURCES
from service.tabular.writing import csv_bytes, xlsx_bytes

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def sample_files(scenario_path: Path) -> dict[str, bytes]:
    """The sample files of a scenario, by file name.

    Parameters
    ----------
    scenario_path
        A scenario file (``scenarios/tiny.json``).

    Returns
    -------
    dict of str to bytes
        ``demo-needs.xlsx``, ``demo-needs.csv`` and ``demo-resources.xlsx``.
    """
    scenario = load_scenario(scenario_path)
    return {
        "demo-needs.xlsx": xlsx_bytes(NEEDS, scenario.needs, "zh"),
        "demo-needs.csv": csv_bytes(NEEDS, scenario.needs, "en"),
        "demo-resources.xlsx": xlsx_bytes(RESOURCES, scenario.resources, "zh"),
    }


def write_samples(
    scenario_path: Path = SCENARIOS / "tiny.json", folder: Path = SCENARIOS
) -> list[Path]:
    """Write the sample files of a scenario into a folder.

    Parameters
    ----------
    scenario_path
        The scenario whose needs and resources are written.
    folder
        Where the files go.

    Returns
    -------
    list of Path
        The files written.
    """
    written = []
    for name, data in sample_files(scenario_path).items():
        path = folder / name
        path.write_bytes(data)
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_samples():
        print(path)
