"""The pre-commit hooks, installed with the real ``pre-commit`` tool from a snapshot of this checkout.

A temporary report repository uses the hooks (``repo:`` = a git snapshot of this checkout, ``rev:`` =
its commit): committing a report whose “三公” 合计 is not the sum of its parts fails and shows the
finding; committing a correct report passes. pre-commit builds the hook's environment with pip from
the snapshot (``language: python``): no network is needed beyond the package index.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import budget_pdf
import pytest
from lint_reports import BAD_TOTAL, write_report
from support import REPO

yaml = pytest.importorskip("yaml")

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

GIT_ENV = {
    "GIT_AUTHOR_NAME": "fiscal-lint tests",
    "GIT_AUTHOR_EMAIL": "tests@fiscal-lint.invalid",
    "GIT_COMMITTER_NAME": "fiscal-lint tests",
    "GIT_COMMITTER_EMAIL": "tests@fiscal-lint.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def test_hook_manifest_declares_a_per_file_and_a_repository_hook() -> None:
    hooks = {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    per_file, whole = hooks["fiscal-lint"], hooks["fiscal-lint-all"]
    assert per_file["types"] == ["pdf"] and per_file["language"] == "python"
    assert per_file.get("pass_filenames", True) is True
    assert whole["pass_filenames"] is False and whole["require_serial"] is True and whole["language"] == "python"
    assert whole["entry"].split()[:2] == ["fiscal-lint", "check"]
    assert hooks["fiscal-lint-docx"]["files"] == r"(?i)\.docx$"


def _env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "GIT_DIR", "GIT_WORK_TREE", "CI")}
    env.update(GIT_ENV)
    env["HOME"] = env.get("HOME", str(tmp))
    env["PRE_COMMIT_HOME"] = str(tmp / "pre-commit-home")  # a private store: the env is built from the snapshot
    env["FISCAL_LINT_CACHE_DIR"] = str(tmp / "fiscal-lint-cache")
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def _git(cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, encoding="utf-8",
                          timeout=900)


def snapshot_of_this_checkout(dest: Path, env: dict[str, str]) -> str:
    """This checkout's files as they are now (tracked and untracked, minus ignored ones), committed."""
    listed = _git(REPO, env, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    if listed.returncode != 0:
        pytest.skip("not a git checkout")
    for rel in filter(None, listed.stdout.split("\0")):
        src = REPO / rel
        if src.is_file():
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target)
    for args in (("init", "-q"), ("add", "-A"), ("commit", "-q", "--no-verify", "-m", "snapshot")):
        done = _git(dest, env, *args)
        assert done.returncode == 0, done.stderr
    return _git(dest, env, "rev-parse", "HEAD").stdout.strip()


@pytest.mark.slow
def test_commit_of_a_defective_report_fails_and_a_clean_one_passes(tmp_path: Path) -> None:
    env = _env(tmp_path)
    hooks = tmp_path / "fiscal-lint-snapshot"
    rev = snapshot_of_this_checkout(hooks, env)

    repo = tmp_path / "department-reports"
    repo.mkdir()
    assert _git(repo, env, "init", "-q").returncode == 0
    (repo / ".pre-commit-config.yaml").write_text(
        "repos:\n"
        f"  - repo: {hooks.as_posix()}\n"
        f"    rev: {rev}\n"
        "    hooks:\n"
        "      - id: fiscal-lint\n"
        "      - id: fiscal-lint-all\n",
        encoding="utf-8",
    )
    # the report repository's own settings: the rule under test (the full pack has much to say
    # about a one-table report)
    (repo / "fiscal-lint.toml").write_text('select = ["FL.I.11"]\nfail-on = "error"\n', encoding="utf-8")
    installed = subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=repo, env=env,
                               capture_output=True, text=True, timeout=300)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    _git(repo, env, "add", ".pre-commit-config.yaml", "fiscal-lint.toml")
    first = _git(repo, env, "commit", "-q", "-m", "configuration")
    assert first.returncode == 0, first.stdout + first.stderr

    write_report(repo / "2024" / "决算公开.pdf", BAD_TOTAL)
    _git(repo, env, "add", "2024/决算公开.pdf")
    bad = _git(repo, env, "commit", "-m", "2024 决算公开（有误）")
    output = bad.stdout + bad.stderr
    assert bad.returncode != 0, output
    assert "FL.I.11" in output and "12.30" in output and "Failed" in output, output
    assert _git(repo, env, "rev-list", "--count", "HEAD").stdout.strip() == "1"

    _git(repo, env, "rm", "-q", "--cached", "2024/决算公开.pdf")
    write_report(repo / "2024" / "决算公开.pdf")
    _git(repo, env, "add", "2024/决算公开.pdf")
    good = _git(repo, env, "commit", "-m", "2024 决算公开")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "Passed" in good.stdout + good.stderr
    assert _git(repo, env, "rev-list", "--count", "HEAD").stdout.strip() == "2"

    # the repository hook sees every report: this year's 预算 against last year's (a cross-document rule)
    # a 预算 needs a rule that applies to it: on one where every rule is 不适用 the check says "not checked" (exit 2)
    (repo / "fiscal-lint.toml").write_text('select = ["FL.I.11", "FL.B.I.01", "FL.S"]\nfail-on = "error"\n',
                                           encoding="utf-8")
    data = budget_pdf.load_fixture()
    (repo / "2024" / "部门预算.pdf").write_bytes(budget_pdf.render(budget_pdf.last_year(data, income="135.00")))
    _git(repo, env, "add", "fiscal-lint.toml", "2024/部门预算.pdf")
    assert _git(repo, env, "commit", "-q", "-m", "2024 部门预算").returncode == 0  # alone: nothing to compare with
    (repo / "2025").mkdir()
    (repo / "2025" / "部门预算.pdf").write_bytes(budget_pdf.render(data))
    _git(repo, env, "add", "2025/部门预算.pdf")
    crossed = _git(repo, env, "commit", "-m", "2025 部门预算")
    output = crossed.stdout + crossed.stderr
    assert crossed.returncode != 0 and "FL.S.01" in output and "↔ 2024年部门预算" in output, output
