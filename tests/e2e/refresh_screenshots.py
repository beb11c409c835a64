"""Refresh ``docs/screenshots/console-timeline.png`` and ``console-map.png`` from the browser test.

Runs ``tests/e2e/test_console.py::test_coordinator_week`` with ``MULIN_E2E_SCREENSHOTS=docs``
(and ``MULIN_E2E_REQUIRED=1``), which copies its plan-page screenshots into ``docs/screenshots/``;
exit code 1 when the test did not refresh both files (a failure, or a skip). From the project
root: ``.venv/bin/python tests/e2e/refresh_screenshots.py``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "screenshots"
NAMES = ("console-timeline.png", "console-map.png")
TEST = "tests/e2e/test_console.py::test_coordinator_week"


def main() -> int:
    """Run the test, then report the refreshed files; the exit code."""
    started = time.time()
    env = {**os.environ, "MULIN_E2E_SCREENSHOTS": "docs", "MULIN_E2E_REQUIRED": "1"}
    command = [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", TEST]
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
