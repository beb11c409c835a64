"""Layering of the service: SQL stays in service/storage, the web stays in service/api."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SQL_BUILDERS = {"select", "update", "delete", "insert", "text", "func", "col"}


def imported(path: Path) -> set[tuple[str, str]]:
    """(module, name) of every ``from module import name`` in a file, and (module, "") imports."""
    found: set[tuple[str, str]] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            found.update((node.module or "", alias.name) for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update((alias.name, "") for alias in node.names)
    return found


def files(package: str) -> list[Path]:
    """The Python files of a package under service/."""
    return sorted((ROOT / "service" / package).rglob("*.py"))


def test_the_api_builds_no_sql() -> None:
    """Routes and helpers of service/api call the repositories; none builds SQL itself."""
    found = {
        f"{path.relative_to(ROOT)}: {module}.{name}"
        for path in files("api")
        for module, name in imported(path)
        if module.split(".")[0] in ("sqlalchemy", "sqlmodel") and name in SQL_BUILDERS
    }
    assert files("api")
    assert found == set()


def test_storage_knows_nothing_of_the_web() -> None:
    """service/storage imports neither service.api, fastapi nor starlette."""
    found = {
        f"{path.relative_to(ROOT)}: {module}"
        for path in files("storage")
        for module, _ in imported(path)
        if module.split(".")[0] in ("fastapi", "starlette") or module.startswith("service.api")
    }
    assert files("storage")
    assert found == set()


def test_nothing_outside_the_service_layer_imports_it() -> None:
    """The domain, wire, checker and matching packages do not import service.api or storage.

    The console (web pages served by the same app) and the task queue (workers that solve the
    API's plan jobs) belong to the service layer with the API.
    """
    inner = [
        p
        for p in (ROOT / "service").rglob("*.py")
        if p.parent.name not in ("api", "routes", "storage", "console", "queue")
    ]
    inner = [p for p in inner if p.name != "cli.py" or p.parent.name != "service"]
    found = {
        f"{path.relative_to(ROOT)}: {module}"
        for path in inner
        for module, _ in imported(path)
        if module.startswith(("service.api", "service.storage"))
    }
    assert found == set()
