"""Refresh the console's screenshots in ``docs/screenshots/`` (``make screenshots``).

Each view of a plan of the demo town (``console-<view>.png``), its station page and the
worker's phone page (``phone.png``): runs ``test_views.py::test_screenshots_of_every_view``
and ``test_phone.py::test_a_worker_records_visits_on_the_phone`` (``tests/e2e/``) with
``MULIN_E2E_SCREENSHOTS=docs`` (and ``MULIN_E2E_REQUIRED=1``), which copy their screenshots into
``docs/screenshots/``; exit code 1 when the tests did not refresh every file (a failure, or a
skip). From the project root: ``.venv/bin/python tests/e2e/refresh_screenshots.py``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "screenshots"
VIEWS = ("overview", "changes", "timeline", "map", "unmet", "records", "downloads", "replan")
NAMES = (*(f"console-{view}.png" for view in VIEWS), "console-station.png", "phone.png")
TESTS = (
    "tests/e2e/test_views.py::test_screenshots_of_every_view",
    "tests/e2e/test_phone.py::test_a_worker_records_visits_on_the_phone",
)


def main() -> int:
    """Run the tests, then report the refreshed files; the exit code."""
    started = time.time()
    env = {**os.environ, "MULIN_E2E_SCREENSHOTS": "docs", "MULIN_E2E_REQUIRED": "1"}
    command = [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", *TESTS]
    run = subprocess.run(command, cwd=ROOT, env=env, check=False)
    if run.returncode != 0:
        return run.returncode
    stale = [name for name in NAMES if not (DOCS / name).is_file()]
    stale += [
        name for name in NAMES if name not in stale and (DOCS / name).stat().st_mtime < started
    ]
    if stale:
        print(f"not refreshed (was the test skipped?): {', '.join(stale)}", file=sys.stderr)
        return 1
    for name in NAMES:
        print(f"{(DOCS / name).relative_to(ROOT)}: {(DOCS / name).stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
