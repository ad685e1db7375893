"""The generated reference pages (docs/functions.md, docs/hooks.md) are current, and generating them
depends on nothing but the built-in function table and the hookspecs."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[1]
GENERATOR = REPO / "docs" / "generate.py"


@pytest.fixture(scope="module")
def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fiscal_lint_docs_generate", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_docs_are_current(generator: ModuleType, capsys: pytest.CaptureFixture[str]) -> None:
    stale = [p.name for p in generator.stale_files()]
    assert stale == [], f"{', '.join(stale)} 已过期 / out of date: run `python docs/generate.py`"
    assert generator.main(["--check"]) == 0
    assert capsys.readouterr().out == ""


def test_check_mode_lists_the_stale_files(
    generator: ModuleType, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    monkeypatch.setattr(generator, "DOCS", docs)
    (docs / "hooks.md").write_text(generator.hooks_md(), encoding="utf-8")  # current; functions.md missing
    assert generator.main(["--check"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert "stale: docs/functions.md" in out and "stale: docs/hooks.md" not in out
    assert "python docs/generate.py" in out[-1]
    assert generator.main([]) == 0  # writes it
    assert generator.stale_files() == []


def test_generation_is_deterministic_and_lists_the_builtins_only(generator: ModuleType) -> None:
    from linter.dsl.functions import FUNCTIONS

    first = {p.name: text for p, text in generator.generate().items()}
    assert first == {p.name: text for p, text in generator.generate().items()}
    assert all(f"\n### {name}\n" in first["functions.md"] for name in FUNCTIONS)
    assert "### xb_" not in first["functions.md"]  # an installed plugin's functions never appear


def test_generator_imports_only_the_function_table_and_the_hookspecs() -> None:
    tree = ast.parse(GENERATOR.read_text(encoding="utf-8"))
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert {m for m in imported if m.split(".")[0] == "linter"} == {"linter.dsl.functions", "linter.core.hookspecs"}
