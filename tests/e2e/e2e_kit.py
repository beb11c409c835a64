"""Shared helpers of the browser tests: the service's address and tokens, plain HTTP requests."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
TINY = ROOT / "scenarios" / "tiny.json"
STATION = "demo"
WEEK = "2026-11-23"
REQUIRED_ENV = "MULIN_E2E_REQUIRED"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
STARTUP_SECONDS = 120.0
WINDOW = (1280, 900)
BROWSER_ARGUMENTS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-dev-shm-usage",
    f"--window-size={WINDOW[0]},{WINDOW[1]}",
)


def free_port() -> int:
    """A loopback port nothing listens on (at the time of asking)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def log_text(log: Path, lines: int = 200) -> str:
    """The last lines of the service's log (ids and counts only: the service logs no residents)."""
    if not log.is_file():
        return "(no log)"
    return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


@dataclass
class Live:
    """The running service: where it answers, its tokens, its process and log."""

    base_url: str
    admin_token: str
    coordinator_token: str
    process: subprocess.Popen[bytes] = field(repr=False)
    log: Path
    env: dict[str, str] = field(repr=False)

    def api(
        self, method: str, path: str, body: Any = None, token: str | None = None
    ) -> tuple[int, Any]:
        """One request to ``/api/v1``+path as the city admin; its status and JSON answer."""
        return request(method, f"{self.base_url}/api/v1{path}", body, token or self.admin_token)

    def url(self, path: str) -> str:
        """The service's address of a path."""
        return f"{self.base_url}{path}"


def request(method: str, url: str, body: Any = None, token: str | None = None) -> tuple[int, Any]:
    """One HTTP request; the status and the JSON answer (the text when it is not JSON)."""
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    sent = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(sent, timeout=30) as answer:
            status, raw = answer.status, answer.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    text = raw.decode("utf-8", errors="replace")
    try:
        return status, json.loads(text)
    except ValueError:
        return status, text


def browser_paths() -> tuple[str, str] | None:
    """Chromium and chromedriver: Debian's paths, else whatever ``PATH`` finds; None if absent."""
    chromium = CHROMIUM if os.access(CHROMIUM, os.X_OK) else shutil.which("chromium")
    driver = CHROMEDRIVER if os.access(CHROMEDRIVER, os.X_OK) else shutil.which("chromedriver")
    if chromium is None or driver is None:
        return None
    return chromium, driver
