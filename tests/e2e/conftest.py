"""Fixtures of the browser tests: a real ``mulin serve`` process and headless Chromium.

The service runs as its own process on a free loopback port with a throw-away SQLite database;
the station ``demo`` is loaded from ``scenarios/tiny.json`` over the API. The browser is
Debian's ``chromium`` driven by ``chromedriver`` (selenium).

Without Chromium or chromedriver the tests skip (so ``make test`` passes on a machine without a
browser), unless ``MULIN_E2E_REQUIRED=1`` is set (``make test-e2e``, which CI runs): then a
missing browser fails them. Screenshots go to ``tests/e2e/artifacts/`` (not committed); a failing
test leaves ``failure-<test>.png`` there and shows the service's log in its report.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

from e2e.e2e_kit import (
    ARTIFACTS,
    BROWSER_ARGUMENTS,
    REQUIRED_ENV,
    ROOT,
    STARTUP_SECONDS,
    STATION,
    TINY,
    Live,
    browser_paths,
    free_port,
    log_text,
    request,
)

LOG_KEY = pytest.StashKey[Path]()
BROWSER_KEY = pytest.StashKey[webdriver.Chrome]()


@pytest.fixture(scope="session")
def chrome_paths() -> tuple[str, str]:
    """Chromium and chromedriver; skips without them, fails when ``MULIN_E2E_REQUIRED=1``."""
    found = browser_paths()
    if found is None:
        reason = (
            "chromium and chromedriver are needed for the browser tests "
            "(Debian: apt-get install chromium chromium-driver)"
        )
        if os.environ.get(REQUIRED_ENV) == "1":
            pytest.fail(f"{REQUIRED_ENV}=1: {reason}", pytrace=False)
        pytest.skip(reason)
    return found


def _service_env(database_url: str) -> dict[str, str]:
    """The process environment without any MULIN_* of the shell, plus the service's own."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("MULIN_")}
    env.update(
        MULIN_DATABASE_URL=database_url,
        MULIN_FEED_SECRET="e2e-feed-secret-not-for-production",
        MULIN_LANG="zh",
    )
    return env


def make_tokens(env: dict[str, str], *wanted: tuple[str, str | None]) -> list[str]:
    """Tokens made with ``mulin token create`` (run side by side), each its last printed line."""
    running = []
    for role, station in wanted:
        command = [sys.executable, "-m", "service", "token", "create", "--role", role]
        if station is not None:
            command += ["--station", station]
        running.append(
            subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    tokens = []
    try:
        for process in running:
            out, err = process.communicate(timeout=120)
            assert process.returncode == 0, f"token create exited {process.returncode}: {err}"
            tokens.append(out.strip().splitlines()[-1])
    finally:
        for process in running:
            stop(process)
    return tokens


def stop(process: subprocess.Popen[Any]) -> None:
    """Stop the service by its PID: SIGTERM, then SIGKILL after 20 s."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_for_health(base_url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Poll ``/api/v1/health`` until it answers 200; fail with the log if the process ends."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"mulin serve exited ({process.returncode}):\n{log_text(log)}")
        try:
            if request("GET", f"{base_url}/api/v1/health")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"mulin serve did not answer in {STARTUP_SECONDS:.0f} s:\n{log_text(log)}")


@pytest.fixture(scope="session")
def live(
    chrome_paths: tuple[str, str],
    tmp_path_factory: pytest.TempPathFactory,
    pytestconfig: pytest.Config,
) -> Iterator[Live]:
    """``mulin serve`` on a free port with station ``demo`` (scenarios/tiny.json) and tokens."""
    folder = tmp_path_factory.mktemp("e2e-service")
    log = folder / "serve.log"
    pytestconfig.stash[LOG_KEY] = log
    env = _service_env(f"sqlite:///{folder / 'mulin.db'}")
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "service", "serve", "--host", "127.0.0.1", "--port"]
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [*command, str(port)], cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT
        )
    try:
        _wait_for_health(base_url, process, log)
        admin, coordinator = make_tokens(
            env, ("city_admin", None), ("station_coordinator", STATION)
        )
        scenario = json.loads(TINY.read_text(encoding="utf-8"))
        scenario["station"]["id"] = STATION
        status, answer = request(
            "PUT", f"{base_url}/api/v1/stations/{STATION}/scenario", scenario, admin
        )
        assert status == 200, f"PUT scenario answered {status}: {answer}"
        yield Live(base_url, admin, coordinator, process, log, env)
    finally:
        stop(process)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """The folder of screenshots (``tests/e2e/artifacts/``, kept after the run)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def browser(
    chrome_paths: tuple[str, str], pytestconfig: pytest.Config
) -> Generator[webdriver.Chrome, None, None]:
    """Headless Chromium (1280×900) driven by chromedriver, for the whole session."""
    chromium, driver_path = chrome_paths
    for stale in ARTIFACTS.glob("failure-*.png"):  # only this run's failures are left
        stale.unlink()
    options = Options()
    options.binary_location = chromium
    for argument in BROWSER_ARGUMENTS:
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.set_page_load_timeout(60)
    pytestconfig.stash[BROWSER_KEY] = driver
    try:
        yield driver
    finally:
        del pytestconfig.stash[BROWSER_KEY]
        driver.quit()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """On a failure: a screenshot ``failure-<test>.png`` and the service's log in the report."""
    report = yield
    if not report.failed:
        return report
    driver = item.config.stash.get(BROWSER_KEY, None)
    if driver is not None and call.when == "call":
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        try:
            driver.save_screenshot(str(ARTIFACTS / f"failure-{item.name}.png"))
        except Exception as error:  # a dead browser must not hide the test's own failure
            report.sections.append(("screenshot", f"no screenshot: {error}"))
    log = item.config.stash.get(LOG_KEY, None)
    if log is not None:
        report.sections.append(("mulin serve log", log_text(log)))
    return report
