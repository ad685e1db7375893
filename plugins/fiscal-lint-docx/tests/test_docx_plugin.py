"""Registration: through the ``fiscal_lint`` entry point the plugin is listed by ``fiscal-lint plugins`` and parses
``.docx`` files through the core's own ``parse_file``; disabled, a ``.docx`` gets "no parser" and exit code 2.

When the distribution is not installed (tests run from the source tree), the entry point is declared by a
minimal ``*.dist-info`` put on the path, which is exactly what ``pip install`` writes for it.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import docx
import linter
import pytest
from linter.api import DISABLE_ENV, Session

import fiscal_lint_docx
from fiscal_lint_docx import plugin

DIST = "fiscal-lint-docx"


def _installed() -> bool:
    try:
        metadata.distribution(DIST)
    except metadata.PackageNotFoundError:
        return False
    return True


@pytest.fixture()
def entry_point_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A path entry that declares the entry point (an empty one when the distribution is installed)."""
    site = tmp_path / "site"
    site.mkdir()
    if not _installed():
        info = site / f"fiscal_lint_docx-{fiscal_lint_docx.__version__}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {DIST}\nVersion: {fiscal_lint_docx.__version__}\n", encoding="utf-8"
        )
        (info / "entry_points.txt").write_text("[fiscal_lint]\ndocx = fiscal_lint_docx.plugin\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(site))
    yield site


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    doc = docx.Document()
    doc.add_paragraph("2024 年度收入决算表")
    table = doc.add_table(rows=2, cols=3)
    for c, text in enumerate(["科目编码", "科目名称", "本年收入合计"]):
        table.cell(0, c).text = text
    for c, text in enumerate(["201", "一般公共服务支出", "12.50"]):
        table.cell(1, c).text = text
    out = io.BytesIO()
    doc.save(out)
    path = tmp_path_factory.mktemp("docx") / "report.docx"
    path.write_bytes(out.getvalue())
    return path


def test_entry_point_lists_the_plugin(entry_point_dir: Path) -> None:
    pm = Session.build().pm
    source = pm.sources["docx"]
    assert source.version == fiscal_lint_docx.__version__
    assert source.describe() == f"entry point of {DIST}"
    hooks = sorted(h.name for h in pm.get_hookcallers(pm.get_plugin("docx")) or [])
    assert hooks == ["fiscal_lint_parse_document", "fiscal_lint_parser_formats"]


def test_registered_by_hand_the_core_parses_a_docx(report: Path) -> None:
    session = Session.build(plugins=[("docx", plugin)], entry_points=False)
    doc = session.parse(report)  # the core validates the model against the schema
    (table,) = doc.tables
    assert table.key == "income" and table.rows[0].code == "201" and table.rows[0].cells[0].value == "12.50"


def _cli(*args: str, site: Path, **env: str) -> subprocess.CompletedProcess[str]:
    paths = [str(site), str(Path(fiscal_lint_docx.__file__).parents[1]), str(Path(linter.__file__).parents[1])]
    return subprocess.run(
        [sys.executable, "-m", "linter", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(paths), **env},
    )


def test_cli_lists_the_plugin_and_parses_a_docx(entry_point_dir: Path, report: Path, tmp_path: Path) -> None:
    listed = _cli("plugins", "--json", site=entry_point_dir)
    assert listed.returncode == 0, listed.stderr
    assert "docx" in {row["name"] for row in json.loads(listed.stdout)}
    out = tmp_path / "model.json"
    parsed = _cli("parse", str(report), "-o", str(out), site=entry_point_dir)
    assert parsed.returncode == 0, parsed.stderr
    model = json.loads(out.read_text(encoding="utf-8"))
    assert model["source"]["parser"]["name"] == "fiscal-lint-docx" and model["tables"][0]["key"] == "income"


def test_disabled_plugin_leaves_docx_without_a_parser(entry_point_dir: Path, report: Path) -> None:
    result = _cli("parse", str(report), site=entry_point_dir, **{DISABLE_ENV: "docx"})
    assert result.returncode == 2
    assert "no parser for this format (.docx)" in result.stderr
