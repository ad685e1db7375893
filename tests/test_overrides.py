"""Per-glob configuration ([[tool.fiscal-lint.overrides]]), applied per file on the real seed report."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from lint_reports import run_in
from support import REPO

SEED = REPO / "examples" / "jianghan-2024.pdf"


def test_overrides_apply_to_the_files_their_globs_match(tmp_path: Path) -> None:
    for folder in ("2023", "2024"):
        (tmp_path / "reports" / folder).mkdir(parents=True)
        shutil.copy(SEED, tmp_path / "reports" / folder / "jianghan.pdf")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.fiscal-lint]\nselect = ["FL.I", "FL.W"]\n\n'
        '[[tool.fiscal-lint.overrides]]\nfiles = ["reports/2023/**"]\nignore = ["FL.W"]\n'
        'severity = {"FL.I" = "warning"}\n', encoding="utf-8")
    r = run_in(tmp_path, "check", "reports", "--format", "json", "--no-progress")
    assert r.returncode in (0, 1), r.stderr
    files = {Path(f["path"]).parent.name: f for f in json.loads(r.stdout)["files"]}
    old, new = files["2023"], files["2024"]
    assert not any(f["rule_id"].startswith("FL.W.") for f in old["findings"])  # ignored there
    assert any(f["rule_id"].startswith("FL.W.") and f["severity"] == "warning" for f in new["findings"])
    assert sum(old["rule_counts"].values()) < sum(new["rule_counts"].values())  # FL.W not evaluated for 2023


def test_an_unknown_key_in_an_override_names_its_line(tmp_path: Path) -> None:
    (tmp_path / "fiscal-lint.toml").write_text('[[overrides]]\nfiles = ["*.pdf"]\nignor = ["FL.W"]\n', encoding="utf-8")
    r = run_in(tmp_path, "config")
    assert r.returncode == 2 and "fiscal-lint.toml:3:1:" in r.stderr and "did you mean 'ignore'" in r.stderr
