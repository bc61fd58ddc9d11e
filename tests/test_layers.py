"""The shape of the code, as docs/architecture.md states it: layers import one way, no import circle,
the engine, model, config and output never load Textual, and modules and functions stay small."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "jobwatch"
HEADLESS = ["jobwatch.stream", "jobwatch.model", "jobwatch.config", "jobwatch.output", "jobwatch.check"]
MAX_MODULE_LINES = 300
MAX_FUNCTION_LINES = 60


def module_name(path: Path) -> str:
    parts = ["jobwatch", *path.relative_to(SRC).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(SRC.rglob("*.py"))}


def imports_of(path: Path, known: set[str]) -> set[str]:
    """Modules of ours that `path` imports anywhere: at import time, inside functions or for typing only
    (a circle hidden in a function or behind TYPE_CHECKING is still a circle of dependencies)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in found if name in known}


def test_no_import_circle_anywhere_in_src() -> None:
    known = modules()
    graph = {name: imports_of(path, set(known)) - {name} for name, path in known.items()}
    done: set[str] = set()

    def visit(name: str, trail: list[str]) -> None:
        if name in trail:
            pytest.fail("import circle: " + " -> ".join([*trail[trail.index(name) :], name]))
        if name in done:
            return
        for target in sorted(graph[name]):
            visit(target, [*trail, name])
        done.add(name)

    for name in graph:
        visit(name, [])


@pytest.mark.parametrize("module", [*HEADLESS, "jobwatch.paths"])
def test_headless_layers_never_load_textual(module: str) -> None:
    if module not in modules():
        pytest.fail(f"{module} is gone: update HEADLESS and docs/architecture.md")
    code = f"import sys, {module}; sys.exit(any(m.split('.')[0] == 'textual' for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_no_module_over_300_lines() -> None:
    sizes = {name: len(path.read_text().splitlines()) for name, path in modules().items()}
    long = {name: size for name, size in sizes.items() if size > MAX_MODULE_LINES}
    assert long == {}


def test_no_function_over_60_lines_without_a_reason_in_its_docstring() -> None:
    unexplained = []
    for name, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                size = (node.end_lineno or node.lineno) - node.lineno + 1
                if size > MAX_FUNCTION_LINES and "Long by design" not in (ast.get_docstring(node) or ""):
                    unexplained.append(f"{name}.{node.name} ({size} lines)")
    assert unexplained == []
