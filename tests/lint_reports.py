"""Small 决算 reports for the output, baseline, batch and pre-commit tests, drawn with ``pdfgen``.

``three_public_report(total)`` is a one-table report: the 公开09表 “三公”经费 table of the seed's
layout (预算数 | 决算数, each 合计 · 因公出国(境)费 · 公务用车 小计/购置费/运行维护费 · 公务接待费).
Its parts add up to 12.00 on both sides; ``total`` is what the 决算数 合计 cell prints, so
``total="12.00"`` is clean and anything else breaks FL.I.11 (合计 = 各分项之和). ``pages_before``
inserts pages of prose in front: the same defect on another page, for fingerprint stability.
"""

from __future__ import annotations

from pathlib import Path

import pdfgen

HEADER: list[list[pdfgen.Cell]] = [
    [{"text": "预算数", "colspan": 6}, {"text": "决算数", "colspan": 6}],
    [
        {"text": "合计", "rowspan": 2}, {"text": "因公出国(境)费", "rowspan": 2},
        {"text": "公务用车购置及运行维护费", "colspan": 3}, {"text": "公务接待费", "rowspan": 2},
        {"text": "合计", "rowspan": 2}, {"text": "因公出国(境)费", "rowspan": 2},
        {"text": "公务用车购置及运行维护费", "colspan": 3}, {"text": "公务接待费", "rowspan": 2},
    ],
    ["小计", "公务用车购置费", "公务用车运行维护费", "小计", "公务用车购置费", "公务用车运行维护费"],
    [str(i) for i in range(1, 13)],
]
CLEAN_TOTAL = "12.00"
BAD_TOTAL = "12.30"


def three_public_table(total: str) -> pdfgen.TableSpec:
    return pdfgen.TableSpec(
        title="2024 年度财政拨款“三公”经费支出决算表",
        number="公开09表",
        header=HEADER,
        body=[["12.00", "2.00", "8.00", "3.00", "5.00", "2.00", total, "2.00", "8.00", "3.00", "5.00", "2.00"]],
        widths=[46, 58, 40, 56, 68, 50] * 2,
        numeric=set(range(12)),
        landscape=True,
        font_size=6.5,
        row_height=20,
    )


def three_public_report(total: str = CLEAN_TOTAL, pages_before: int = 0, title: str = "示例单位") -> bytes:
    w = pdfgen.Writer()
    w.text(f"2024 年度{title}决算公开", size=20, centred=True, gap=30)
    for i in range(pages_before):
        w.new_page()
        w.heading(f"第{i + 1}部分 概况")
        w.paragraph("本单位主要职责是负责日常工作，组织协调各项会议和活动，完成上级交办的其他工作任务。" * 2)
    w.new_page(landscape_page=True)
    w.table(three_public_table(total))
    return w.bytes()


def write_report(path: Path, total: str = CLEAN_TOTAL, pages_before: int = 0) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(three_public_report(total, pages_before))
    return path


def cli_env(**extra: str) -> dict[str, str]:
    """The environment for running the command in another folder: relative ``PYTHONPATH`` entries (such
    as ``PYTHONPATH=src`` of a source checkout) made absolute, so they still point where they did."""
    import os

    env = dict(os.environ)
    if env.get("PYTHONPATH"):
        env["PYTHONPATH"] = os.pathsep.join(str(Path(p).resolve()) for p in env["PYTHONPATH"].split(os.pathsep) if p)
    env.update(extra)
    return env


_CACHE: list[Path] = []


def session_cache_dir() -> Path:
    """One cache folder for the command runs of this test session (removed at exit): the rule packs are
    parsed once, not once per command, and a test never writes the user's cache."""
    if not _CACHE:
        import atexit
        import shutil
        import tempfile

        _CACHE.append(Path(tempfile.mkdtemp(prefix="fiscal-lint-tests-")))
        atexit.register(shutil.rmtree, _CACHE[0], True)
    return _CACHE[0]


def run_in(cwd: Path, *args: str | Path, **env: str):
    """``python -m linter ARGS`` in ``cwd``, as a user would run ``fiscal-lint``; the cache is the session's
    (:func:`session_cache_dir`) unless ``FISCAL_LINT_CACHE_DIR`` is given."""
    import subprocess
    import sys

    env.setdefault("FISCAL_LINT_CACHE_DIR", str(session_cache_dir()))

    return subprocess.run(
        [sys.executable, "-m", "linter", *map(str, args)],
        capture_output=True, text=True, encoding="utf-8", cwd=cwd, env=cli_env(**env), timeout=600,
    )
