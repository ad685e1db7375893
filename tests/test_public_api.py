"""The public API (``linter.api``) is all that plugins use, and it carries what it promises.

Plugins are written against ``linter.api`` only, so that the modules behind it can change without breaking a
bureau's plugin; the two plugins in ``plugins/`` are the proof and the template.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PUBLIC = {"linter", "linter.api"}


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            if node.module == "linter":  # ``from linter import x`` may only name the root's own exports
                found += [(node.lineno, f"linter.{a.name}") for a in node.names if a.name not in ("__version__", "hookimpl")]
    return found


def test_plugins_import_only_the_public_api() -> None:
    files = sorted((REPO / "plugins").rglob("*.py"))
    assert len(files) >= 10, "the plugins folder is missing"
    bad = [
        f"{path.relative_to(REPO)}:{line}: {module}"
        for path in files
        for line, module in _imports(path)
        if (module == "linter" or module.startswith("linter.")) and module not in PUBLIC
    ]
    assert not bad, "plugins must import linter.api only:\n" + "\n".join(bad)


def test_the_check_itself_sees_a_private_import(tmp_path: Path) -> None:
    sample = tmp_path / "p.py"
    sample.write_text("from linter.core.model import Document\nfrom linter.api import Table\nimport linter.dsl\n")
    assert [m for _, m in _imports(sample)] == ["linter.core.model", "linter.api", "linter.dsl"]


def test_every_public_name_resolves() -> None:
    import linter.api as api

    missing = [name for name in api.__all__ if not hasattr(api, name)]
    assert not missing
    assert len(api.__all__) == len(set(api.__all__))


@pytest.mark.parametrize("name", ["Document", "Session", "rule_function", "hookimpl", "Reporter", "RuleMeta"])
def test_core_names_are_public(name: str) -> None:
    import linter.api as api

    assert name in api.__all__
