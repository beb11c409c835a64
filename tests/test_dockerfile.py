"""The Dockerfile installs as the Makefile does and runs the service as the README says."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = ROOT / "Dockerfile"
MAKEFILE = ROOT / "Makefile"

QUIET_OPTIONS = frozenset(
    {"--quiet", "-q", "--no-cache-dir", "--disable-pip-version-check", "--editable", "-e"}
)
"""pip options that change how, not what, is installed (editable only in the checkout)."""

Step = tuple[str, ...]


def commands(text: str) -> list[str]:
    """Shell commands of a Dockerfile or Makefile: continuations joined, split at ``&&``."""
    joined = re.sub(r"\\\n", " ", text)
    found: list[str] = []
    for line in joined.splitlines():
        if line.lstrip().startswith("#"):
            continue
        found.extend(part.strip() for part in line.split("&&"))
    return found


def pip_steps(text: str) -> list[Step]:
    """Every ``pip install`` as what it installs: ``-r FILE``, targets and ``--no-deps``."""
    steps: list[Step] = []
    for command in commands(text):
        words = shlex.split(command)
        starts = [i for i in range(len(words) - 1) if words[i : i + 2] == ["pip", "install"]]
        if not starts:
            continue
        args = iter(words[starts[0] + 2 :])
        step: list[str] = []
        for word in args:
            if word in ("-r", "--requirement"):
                step.append(f"-r {next(args)}")
            elif word not in QUIET_OPTIONS:
                step.append(word)
        steps.append(tuple(sorted(step)))
    return steps


def instructions(name: str) -> list[str]:
    """The arguments of every Dockerfile instruction of this name, continuations joined."""
    joined = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text(encoding="utf-8"))
    return [
        line.split(None, 1)[1].strip()
        for line in joined.splitlines()
        if line.split(None, 1)[:1] == [name]
    ]


def test_the_pip_steps_are_those_of_the_makefile() -> None:
    """Same files in the same order: the pinned requirements, then the package without deps."""
    docker = pip_steps(DOCKERFILE.read_text(encoding="utf-8"))
    make = pip_steps(MAKEFILE.read_text(encoding="utf-8"))
    assert make == [("-r requirements.lock",), ("--no-deps", ".")]
    assert docker == make


@pytest.mark.parametrize(
    ("text", "steps"),
    [
        ("RUN pip install -r a && pip install --no-deps .", [("-r a",), ("--no-deps", ".")]),
        ("\t$(PY) -m pip install -q -r b.lock \\\n  extra", [("-r b.lock", "extra")]),
        ("# pip install -r ignored.txt\nRUN echo pip", []),
    ],
    ids=["docker", "make-continued", "comments-and-others"],
)
def test_pip_steps_are_read_as_written(text: str, steps: list[Step]) -> None:
    """The reader keeps files and targets, drops quiet options and comments, joins lines."""
    assert pip_steps(text) == steps


def test_the_files_the_pip_steps_read_are_copied_first() -> None:
    """requirements.lock and pyproject.toml are in the image before pip runs."""
    copied = " ".join(instructions("COPY")).split()
    assert {"requirements.lock", "pyproject.toml", "service", "migrations", "scenarios"} <= {
        word.removeprefix("./") for word in copied
    }


def test_the_image_serves_the_demo_as_a_user_with_a_health_check() -> None:
    """Default command ``mulin serve --demo`` on 0.0.0.0:8000, SQLite in the /data volume."""
    entrypoint = json.loads(instructions("ENTRYPOINT")[-1])
    command = json.loads(instructions("CMD")[-1])
    assert entrypoint + command == [
        "mulin",
        *("serve", "--demo", "--host", "0.0.0.0", "--port", "8000"),
    ]
    assert instructions("EXPOSE") == ["8000"]
    assert instructions("USER")[-1] not in ("root", "0")
    assert instructions("VOLUME") == ["/data"]
    assert "MULIN_DATABASE_URL=sqlite:////data/mulin.db" in instructions("ENV")[0]
    check = instructions("HEALTHCHECK")[0]
    probe = json.loads(check.split("CMD", 1)[1])
    assert probe[:2] == ["python", "-c"]
    assert "http://127.0.0.1:8000/api/v1/health" in probe[2]
    compile(probe[2], "<healthcheck>", "exec")


def test_compose_runs_the_readme_commands_on_the_real_stack() -> None:
    """compose.yaml: service and worker on PostgreSQL and Redis, with the README's commands."""
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert set(services) == {"postgres", "redis", "service", "worker"}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, command in (("service", "serve"), ("worker", "worker")):
        service = services[name]
        assert service["build"] == "."
        assert service["command"][0] == command
        assert f"mulin {' '.join(service['command'])}" in readme, name
        environment = service["environment"]
        assert environment["MULIN_DATABASE_URL"].startswith("postgresql://")
        assert environment["MULIN_BROKER_URL"].startswith("redis://redis:")
    assert services["worker"]["environment"]["MULIN_MIGRATE_ON_START"] == "false"
