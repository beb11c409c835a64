"""The ledger's first page as a PNG for the README: ``python -m benchmarks.ledger_preview``.

A generated town's two weeks (2026-11-23 and 2026-11-30, so the second crosses into December)
are planned repeatably, their visits recorded by a fixed rule (done, partly done, missed with a
reason, some not recorded), and November's ledger is written as .xlsx, turned into PDF by
LibreOffice (``libreoffice --headless --convert-to pdf``) and its first page into PNG by
``pdftoppm`` (Debian's ``libreoffice-calc`` and ``poppler-utils``). Writes
``docs/screenshots/ledger.png`` unless ``--out`` says otherwise.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from service.exports.ledger import Ledger, LedgerWeek, Month, Recorded, ledger_workbook
from service.generator import generate_town
from service.planning import PlanOptions, plan_week
from service.wire.records import MISSED_REASONS, ResourceGiven

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "docs" / "screenshots" / "ledger.png"
MONDAYS = (dt.date(2026, 11, 23), dt.date(2026, 11, 30))
CONVERT_SECONDS = 180


def libreoffice() -> str | None:
    """The LibreOffice program (``libreoffice`` or ``soffice``), if installed."""
    return shutil.which("libreoffice") or shutil.which("soffice")


def to_pdf(workbook: Path, out_dir: Path) -> Path:
    """Convert a workbook to PDF with headless LibreOffice (a throw-away user profile).

    Parameters
    ----------
    workbook
        The .xlsx file.
    out_dir
        Where the PDF goes (and the profile, under ``profile/``).

    Returns
    -------
    Path
        The PDF.

    Raises
    ------
    RuntimeError
        When LibreOffice is missing or writes no PDF.
    """
    program = libreoffice()
    if program is None:
        raise RuntimeError("libreoffice is missing (Debian: apt-get install libreoffice-calc)")
    profile = (out_dir / "profile").resolve().as_uri()
    command = [
        program,
        f"-env:UserInstallation={profile}",
        "--headless",
        "--convert-to",
        "pdf",
        "--outdir",
        str(out_dir),
        str(workbook),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=CONVERT_SECONDS)
    pdf = out_dir / (workbook.stem + ".pdf")
    if done.returncode != 0 or not pdf.is_file():
        raise RuntimeError(f"libreoffice wrote no PDF: {done.stdout} {done.stderr}".strip())
    return pdf


def first_page_png(pdf: Path, png: Path, dpi: int = 110) -> Path:
    """The first page of a PDF as a PNG, with ``pdftoppm``.

    Parameters
    ----------
    pdf
        The PDF.
    png
        The image to write.
    dpi
        Resolution.

    Returns
    -------
    Path
        ``png``.
    """
    if shutil.which("pdftoppm") is None:
        raise RuntimeError("pdftoppm is not installed (Debian: apt-get install poppler-utils)")
    stem = png.with_suffix("")
    command = ["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile"]
    subprocess.run([*command, str(pdf), str(stem)], check=True, timeout=CONVERT_SECONDS)
    return png


def outcome(index: int, resources: list[ResourceGiven]) -> Recorded | None:
    """The sample's record of the index-th visit of a week (None: not recorded)."""
    if index % 11 == 3:
        return None
    if index % 5 == 0:
        return Recorded("missed", MISSED_REASONS[index // 5 % len(MISSED_REASONS)])
    if index % 7 == 1:
        return Recorded("partly_done", actual_minutes=20)
    return Recorded("done", resources_given=tuple(resources))


def sample_weeks() -> list[LedgerWeek]:
    """Two planned and recorded weeks of a generated town (the same every run)."""
    weeks = []
    for monday in MONDAYS:
        scenario = generate_town(4, 45, 77, week_start=monday)
        plan = plan_week(scenario, PlanOptions(time_limit=2.0, seed=0, workers=1, repeatable=True))
        records = {}
        for index, visit in enumerate(plan.visits):
            given = [ResourceGiven(id=r.id, quantity=r.quantity) for r in visit.resources]
            found = outcome(index, given)
            if found is not None:
                records[(visit.need_id, visit.visit)] = found
        weeks.append(LedgerWeek(scenario, plan, records))
    return weeks


def main(argv: list[str] | None = None) -> int:
    """Write the sample ledger's first page as PNG; 1 when LibreOffice or pdftoppm fails."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="The PNG to write.")
    parser.add_argument("--language", choices=("zh", "en"), default="zh")
    args = parser.parse_args(argv)
    weeks = sample_weeks()
    ledger = Ledger.build(weeks[0].scenario.station.id, Month(2026, 11), weeks)
    with tempfile.TemporaryDirectory() as folder:
        workbook = Path(folder) / "ledger.xlsx"
        workbook.write_bytes(ledger_workbook(ledger, args.language))
        try:
            pdf = to_pdf(workbook, Path(folder))
            args.out.parent.mkdir(parents=True, exist_ok=True)
            first_page_png(pdf, args.out)
        except (RuntimeError, subprocess.SubprocessError) as error:
            print(error, file=sys.stderr)
            return 1
    print(f"wrote {args.out} ({len(ledger.rows)} visits of {ledger.month})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
