"""``--format github``: GitHub Actions workflow commands, ranked and capped, and a Markdown job summary.

``::error file=reports/a.pdf,line=5,title=FL.I.11 …::message`` (``warning`` for warnings, ``notice`` for notes).
A PDF has no lines: as in the SARIF output, ``line`` is the page, and the message says the page, the printed
table name, row and column, the other place a finding compares with, and its numbers.

GitHub shows at most 10 annotations of each level per step and drops the rest without a word. So the annotations
are ranked (errors first, then warnings, then notes; 尾数差异 notes last, and only with ``--show-info``), at most
:data:`PER_LEVEL` of each level are written, and when some are left out the last notice says how many of each and
where the full list is. When ``$GITHUB_STEP_SUMMARY`` is set, a Markdown summary is appended to it: totals per report,
the errors and warnings (up to :data:`SUMMARY_ROWS`) with page and place, and one line per rule with its count.

Values are escaped as the runner expects: in the message ``%`` ``\\r`` ``\\n``; in a property also ``:`` and ``,``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TextIO
from urllib.parse import unquote

from linter.core.findings import Finding
from linter.core.results import FileResult, RunResult
from linter.reporters.common import (
    SEVERITY_ZH,
    DisplayOptions,
    Tables,
    also_text,
    display_path,
    finding_tag,
    numbers_text,
    rank_key,
    related_text,
    relative_uri,
    statistics,
    tables_of,
    where,
)
from linter.reporters.text import summary_line

COMMAND = {"error": "error", "warning": "warning", "info": "notice"}
PER_LEVEL = 10  # what GitHub shows of each level in one step
MORE_TITLE = "fiscal-lint: 其余问题 / more findings"
SUMMARY_ROWS = 200  # findings listed in the job summary (GitHub allows 1 MiB per step)


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _file(path_uri: tuple[str, bool], fallback: str) -> str:
    uri, relative = path_uri
    return unquote(uri) if relative else fallback


def file_of(path: Path) -> str:
    """The path GitHub matches against the repository: relative to the current folder when inside it."""
    return _file(relative_uri(path), path.resolve().as_posix())


def annotation(level: str, file: str, title: str, message: str, line: int | None = None) -> str:
    props = f"file={escape_property(file)}" + (f",line={line}" if line is not None else "")
    return f"::{level} {props},title={escape_property(title)}::{escape_data(message)}"


def finding_message(f: Finding, tables: Tables) -> str:
    lines = [f.message]
    place = where(f.location, tables)
    if place and place not in f.message:
        lines.append(place)
    for extra in (also_text(f, tables), numbers_text(f, tables), related_text(f, tables) if f.related else ""):
        if extra:
            lines.append(extra)
    return "\n".join(lines)


def _ranked(run: RunResult, display: DisplayOptions) -> list[tuple[FileResult, Finding]]:
    """Every finding shown, worst level first; within a level the first finding of each rule before the repeats,
    so that the 10 annotations GitHub shows name as many different problems as they can (then by file and page).
    尾数差异 notes only with -v."""
    items = [(fr, f) for fr in run.files for f in display.shown(fr.result.findings)
             if f.kind != "rounding" or display.show_info]
    order = {id(fr): i for i, fr in enumerate(run.files)}
    items.sort(key=lambda it: (rank_key(it[1])[:2], order[id(it[0])], rank_key(it[1])[2:]))
    seen: set[tuple[str, str]] = set()
    first: list[bool] = []
    for _, f in items:
        key = (f.severity, f.rule_id)
        first.append(key not in seen)
        seen.add(key)
    ranked = sorted(range(len(items)), key=lambda i: (rank_key(items[i][1])[:2], not first[i], i))
    return [items[i] for i in ranked]


def github_lines(run: RunResult, display: DisplayOptions | None = None) -> list[str]:
    display = display or DisplayOptions()
    lines: list[str] = []
    # problems with the run itself first: a report not checked, a rule that broke
    problems: list[tuple[str, str, str]] = []
    for fr in run.files:
        if not fr.checked:
            assert fr.error is not None
            problems.append((file_of(fr.path), "fiscal-lint: 未检查 / not checked", fr.error.message))
        for err in fr.result.errors:
            problems.append((file_of(fr.path), f"{err.rule_id}: 规则出错 / rule error", err.message))
    for file, title, message in problems[:PER_LEVEL]:
        lines.append(annotation("error", file, title, message))
    ranked = _ranked(run, display)
    quota = {"error": max(0, PER_LEVEL - len(problems)), "warning": PER_LEVEL, "info": PER_LEVEL}
    omitted = {"error": max(0, len(problems) - PER_LEVEL), "warning": 0, "info": 0}
    unshown_notes = sum(1 for fr in run.files for f in display.shown(fr.result.findings)
                        if f.kind == "rounding" and not display.show_info)
    wanted = {s: sum(1 for _, f in ranked if f.severity == s) for s in quota}
    if unshown_notes or omitted["error"] or any(wanted[s] > quota[s] for s in quota):
        quota["info"] -= 1  # the closing notice that says what was left out is one of the 10 notices
    for fr, f in ranked:
        if quota[f.severity] <= 0:
            omitted[f.severity] += 1
            continue
        quota[f.severity] -= 1
        tables = tables_of(fr)
        lines.append(annotation(COMMAND[f.severity], file_of(fr.path), f"{f.rule_id} {f.title}",
                                finding_message(f, tables), f.location.page))
    if any(omitted.values()) or unshown_notes:
        bits = [f"{SEVERITY_ZH[s]} {n} 条" for s, n in omitted.items() if n]
        if unshown_notes:
            bits.append(f"尾数差异 {unshown_notes} 处（在舍入误差范围内）")
        summary = os.environ.get("GITHUB_STEP_SUMMARY")
        where_ = "见本步骤的摘要（job summary）" if summary else "用 --format sarif 上传或 --format text 查看"
        text = (f"未作为注释显示：{'，'.join(bits)}；完整列表{where_} / not annotated "
                f"(GitHub shows {PER_LEVEL} per level)")
        lines.append(f"::notice title={escape_property(MORE_TITLE)}::{escape_data(text)}")
    lines.append(summary_line(run, display))
    return lines


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", "<br>")


def step_summary(run: RunResult, display: DisplayOptions | None = None) -> str:
    """The Markdown job summary: totals per report, the errors and warnings with page and place, rule counts."""
    display = display or DisplayOptions()
    sev = run.severity_counts()
    rounding = sum(1 for fr in run.files for f in fr.result.findings if f.kind == "rounding")
    out = [
        "## fiscal-lint",
        "",
        f"{len(run.files)} 份报告：错误 **{sev.get('error', 0)}**，警告 **{sev.get('warning', 0)}**，"
        f"提示 {sev.get('info', 0)}（其中尾数差异 {rounding}），退出码 {run.exit_code}",
        "",
        "| 报告 | 错误 | 警告 | 提示 | 尾数差异 | 状态 |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for fr in run.files:
        c = fr.severity_counts()
        notes = sum(1 for f in fr.result.findings if f.kind == "rounding")
        state = "已检查" if fr.checked else f"未检查：{fr.error.message if fr.error else ''}"
        out.append(f"| {_cell(display_path(fr.path))} | {c.get('error', 0)} | {c.get('warning', 0)} | "
                   f"{c.get('info', 0) - notes} | {notes} | {_cell(state)} |")
    serious = [(fr, f) for fr, f in _ranked(run, DisplayOptions(severity="warning"))
               if display.shows(f)]
    if serious:
        out += ["", "### 错误与警告", "", "| 级别 | 规则 | 报告 | 页 | 位置 | 问题 |", "| --- | --- | --- | ---: | --- | --- |"]
        for fr, f in serious[:SUMMARY_ROWS]:
            tables = tables_of(fr)
            detail = "；".join(x for x in (f.message, also_text(f, tables), numbers_text(f, tables)) if x)
            place = where(f.location, tables).removesuffix(f" 第{f.location.page}页") if f.location.page else where(
                f.location, tables)
            out.append(f"| {finding_tag(f)} | `{f.rule_id}` | {_cell(fr.path.name)} | {f.location.page or ''} | "
                       f"{_cell(place)} | {_cell(detail)} |")
        if len(serious) > SUMMARY_ROWS:
            out.append(f"\n另有 {len(serious) - SUMMARY_ROWS} 条未列出（完整列表：--format sarif / json）。")
    rows = statistics(f for fr in run.files for f in display.shown(fr.result.findings))
    if rows:
        out += ["", "### 按规则统计", "", "| 数量 | 规则 | 级别 | 标题 |", "| ---: | --- | --- | --- |"]
        out += [f"| {n} | `{rid}` | {tag} | {_cell(title)} |" for n, rid, tag, title in rows]
    return "\n".join(out) + "\n"


class GithubReporter:
    def __init__(self, display: DisplayOptions | None = None) -> None:
        self.display = display or DisplayOptions()

    def report(self, run: RunResult, stream: TextIO) -> None:
        for line in github_lines(run, self.display):
            stream.write(line + "\n")
        summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary:
            try:
                with open(summary, "a", encoding="utf-8") as fh:  # appended: other steps write there too
                    fh.write(step_summary(run, self.display))
            except OSError as exc:
                stream.write(f"::warning title=fiscal-lint::{escape_data(f'无法写入 GITHUB_STEP_SUMMARY：{exc.strerror}')}\n")
