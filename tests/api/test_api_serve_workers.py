"""``mulin serve --workers N``: several server processes, migrated once, no job solved twice."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, col, select

from api.api_kit import make_settings
from api.test_api_demo import free_port
from service.api.cli import prepare_demo
from service.api.jobs import new_job
from service.api.serving import take_lock
from service.loading import load_scenario
from service.storage.db import make_engine
from service.storage.models import PlanJob

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "scenarios" / "tiny.json"


def _get(url: str, token: str | None = None) -> tuple[int, Any]:
    """A GET and its JSON answer."""
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as answer:
        return answer.status, json.loads(answer.read())


def _post(url: str, token: str, body: dict[str, Any]) -> tuple[int, Any]:
    """A JSON POST and its JSON answer."""
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return answer.status, json.loads(answer.read())


def _jobs(database_url: str) -> list[PlanJob]:
    """Every plan job of the database."""
    engine = make_engine(make_settings(database_url))
    try:
        with Session(engine) as session:
            return list(session.exec(select(PlanJob).order_by(col(PlanJob.created_at))).all())
    finally:
        engine.dispose()


def test_a_lock_has_one_holder(tmp_path: Path) -> None:
    """The first taker holds the lock; a second gets None until the first lets go."""
    path = str(tmp_path / "serve.lock")
    first = take_lock(path)
    assert first is not None
    assert take_lock(path) is None
    first.close()
    second = take_lock(path)
    assert second is not None
    second.close()


def test_two_server_processes_share_the_jobs(database_url: str, tmp_path: Path) -> None:
    """Two processes answer; a job queued before the start and new ones each run exactly once."""
    settings = make_settings(database_url)
    start = prepare_demo(settings, TINY)
    scenario = load_scenario(TINY)
    waiting = new_job(
        scenario,
        station_id=start.station_id,
        token_id=start.token_id,
        time_limit=1.0,
        seed=0,
        workers=1,
        language="en",
    )
    engine = make_engine(settings)
    with Session(engine) as session:
        session.add(waiting)
        session.commit()
    engine.dispose()

    port = free_port()
    env = {
        **os.environ,
        "MULIN_DATABASE_URL": database_url,
        "MULIN_PLAN_POOL_SIZE": "1",
        "MULIN_LANG": "en",
    }
    log = tmp_path / "serve.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "service", "serve", "--port", str(port), "--workers", "2"],
            cwd=ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if _get(f"{base}/health")[0] == 200:
                    break
            except OSError:
                pass
            assert process.poll() is None, log.read_text()
            if time.monotonic() > deadline:
                pytest.fail(f"no answer from mulin serve --workers 2:\n{log.read_text()}")
            time.sleep(0.2)
        body = {"week_start": scenario.week_start.isoformat(), "time_limit": 1}
        for _ in range(4):
            status, _answer = _post(f"{base}/stations/{start.station_id}/plans", start.token, body)
            assert status == 202
        deadline = time.monotonic() + 120
        while any(job.status != "done" for job in _jobs(database_url)):
            if time.monotonic() > deadline:
                states = [(job.status, job.error) for job in _jobs(database_url)]
                pytest.fail(f"jobs not done: {states}\n{log.read_text()}")
            time.sleep(0.5)
    finally:
        process.terminate()
        process.wait(timeout=60)
    jobs = _jobs(database_url)
    text = log.read_text()
    assert len(jobs) == 5
    assert [job.attempts for job in jobs] == [1] * 5
    assert text.count("Started server process") == 2, text
    assert "Traceback" not in text, text
