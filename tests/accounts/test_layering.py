"""Accounts and audit sit below education: they never import it. Education
plugs into accounts through accounts.extensions and accounts.signals."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def education_imports(app: str) -> list[str]:
    found = []
    for path in sorted((ROOT / app).rglob("*.py")):
        for name in imported_modules(path):
            if name == "education" or name.startswith("education."):
                found.append(f"{path.relative_to(ROOT)}: {name}")
    return found


def test_the_import_walk_sees_imports_inside_functions(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from education.models import Pathway\n    import education\n")
    assert imported_modules(module) >= {"education.models", "education"}


@pytest.mark.parametrize("app", ["accounts", "audit"])
def test_app_does_not_import_education(app):
    assert education_imports(app) == []
