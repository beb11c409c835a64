"""Import direction inside service/, read from the source with ``ast`` (nothing is imported)."""

from __future__ import annotations

import ast
import sys
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SERVICE = ROOT / "service"


def module_name(path: Path) -> str:
    """The dotted module name of a file under the project root, e.g. ``service.cli``."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _package(path: Path) -> str:
    """The package a module's relative imports start from."""
    name = module_name(path)
    return name if path.name == "__init__.py" else name.rpartition(".")[0]


def imports_in(source: str, package: str) -> frozenset[str]:
    """Every module some Python source imports, anywhere in it (``TYPE_CHECKING`` included).

    ``from a.b import c`` counts as importing both ``a.b`` and ``a.b.c``, since ``c`` may be
    a module; relative imports are resolved against ``package``.
    """
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return frozenset(found)


@cache
def imports_of(path: Path) -> frozenset[str]:
    """Every module a file under service/ imports; see :func:`imports_in`."""
    return imports_in(path.read_text(encoding="utf-8"), _package(path))


def within(name: str, package: str) -> bool:
    """Whether module ``name`` is ``package`` or inside it."""
    return name == package or name.startswith(package + ".")


def sources(under: str = "") -> list[Path]:
    """The Python files under ``service/<under>``."""
    return sorted((SERVICE / under).rglob("*.py"))


def offending_names(names: frozenset[str], banned: list[str]) -> list[str]:
    """The imported module names that are (inside) a banned one, sorted."""
    return sorted(name for name in names if any(within(name, ban) for ban in banned))


def offending(paths: list[Path], banned: list[str]) -> dict[str, list[str]]:
    """For each file importing something banned, which banned modules it imports."""
    found = {}
    for path in paths:
        hits = offending_names(imports_of(path), banned)
        if hits:
            found[str(path.relative_to(ROOT))] = hits
    return found


def test_the_scanner_sees_imports() -> None:
    """The scanner finds known imports, so the rules below are not passing vacuously."""
    cpsat = [p for p in sources("matching/cpsat") if p.name != "__init__.py"]
    assert cpsat
    assert all(any(within(n, "ortools") for n in imports_of(p)) for p in cpsat)
    assert "service.wire.scenario" in imports_of(SERVICE / "loading.py")
    assert len(sources()) > 20


def test_relative_and_nested_imports_are_seen() -> None:
    """Relative imports resolve against the package; imports inside functions count too."""
    assert _package(SERVICE / "matching" / "planner.py") == "service.matching"
    assert _package(SERVICE / "matching" / "__init__.py") == "service.matching"
    source = (
        "from ..wire import scenario\n"
        "from . import problem\n"
        "def late():\n"
        "    import pydantic.fields\n"
    )
    names = imports_in(source, "service.matching")
    assert within("service.wire.scenario", "service.wire")
    assert {"service.wire", "service.wire.scenario", "service.matching.problem"} <= names
    assert "pydantic.fields" in names
    assert offending_names(names, ["service.wire"]) == ["service.wire", "service.wire.scenario"]


def test_only_the_cpsat_package_imports_ortools() -> None:
    """Only modules under service/matching/cpsat/ import ortools."""
    others = [p for p in sources() if not p.is_relative_to(SERVICE / "matching" / "cpsat")]
    assert offending(others, ["ortools"]) == {}


@pytest.mark.parametrize(
    "banned",
    [
        "service.wire",
        "service.loading",
        "service.api",
        "service.cli",
        "service.planning",
        "pydantic",
        "fastapi",
        "sqlmodel",
    ],
)
def test_matching_does_not_import_outer_layers(banned: str) -> None:
    """service/matching knows nothing of the wire shape, loading, API, CLI or planning."""
    assert offending(sources("matching"), [banned]) == {}


def outside_checker_allowance(source: str, package: str) -> list[str]:
    """Imports of checker source that are neither the standard library, service.wire nor itself."""
    allowed = ("service.wire", "service.checker")
    return sorted(
        name
        for name in imports_in(source, package)
        if name.partition(".")[0] not in sys.stdlib_module_names
        and not any(within(name, package) for package in allowed)
    )


def test_checker_imports_only_the_standard_library_and_the_wire_models() -> None:
    """The plan checker is independent: standard library, service.wire and itself, nothing else."""
    found = {}
    for path in sources("checker"):
        hits = outside_checker_allowance(path.read_text(encoding="utf-8"), _package(path))
        if hits:
            found[str(path.relative_to(ROOT))] = hits
    assert found == {}


def test_checker_allowance_catches_other_packages() -> None:
    """The checker's guard flags numpy, the solver and the domain, and lets math and wire pass."""
    source = (
        "import math\nimport numpy\nfrom service.loading import x\nfrom service.wire import y\n"
    )
    assert outside_checker_allowance(source, "service.checker") == [
        "numpy",
        "service.loading",
        "service.loading.x",
    ]


def test_wire_imports_only_itself_from_service() -> None:
    """service/wire imports nothing from service outside service.wire."""
    found = {}
    for path in sources("wire"):
        hits = sorted(
            name
            for name in imports_of(path)
            if within(name, "service") and not within(name, "service.wire")
        )
        if hits:
            found[str(path.relative_to(ROOT))] = hits
    assert found == {}
