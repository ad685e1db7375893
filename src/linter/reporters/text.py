"""The terminal report: per file the errors, then the warnings, then the notes, each with its page, its place in
the report's own words (printed table name, row, column) and its numbers; the in-tolerance 尾数差异 notes folded into
one line per report unless ``--show-info`` (``-v``). ``--severity`` hides what is below it (the exit code is that of
everything found); ``--statistics`` prints one line per rule with its count instead of the findings."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from typing import TextIO

from linter.core.findings import Finding
from linter.core.results import FileResult, RunResult
from linter.reporters.common import (
    DisplayOptions,
    Tables,
    also_text,
    finding_tag,
    numbers_text,
    page_text,
    place,
    rank_key,
    related_text,
    statistics,
    tables_of,
)

SEVERITY_STYLE = {"error": ("错误", "bold red"), "warning": ("警告", "yellow"), "info": ("提示", "cyan")}
STATUS_ZH = {"pass": "通过", "fail": "未通过", "not_applicable": "不适用", "insufficient_data": "数据不足"}


# A line is a list of (text, style) pieces; style is a rich style, or "" for plain text.
Line = list[tuple[str, str]]
Writer = Callable[[Line], None]


def _finding(write: Writer, f: Finding, tables: Tables) -> None:
    _, style = SEVERITY_STYLE[f.severity]
    page = page_text(f.location) or "无页码"
    write([("    ", ""), (finding_tag(f), style), (f" {page} ", ""), (f.rule_id, "bold"), (f" {f.message}", "")])
    details = [d for d in (place(f.location, tables), numbers_text(f, tables)) if d]
    if details:
        write([("      ", ""), ("  ".join(details), "dim")])
    also = also_text(f, tables)
    if also:
        write([("      ", ""), (also, "dim")])
    if f.related:
        write([("      ", ""), (related_text(f, tables), "dim")])


def rounding_line(notes: list[Finding]) -> str:
    """One line for a report's 尾数差异 notes: how many, and per rule."""
    per_rule = Counter(f.rule_id for f in notes)
    rules = "，".join(f"{rid} {n}" for rid, n in sorted(per_rule.items()))
    return (f"尾数差异 {len(notes)} 处，均在舍入误差范围内（{rules}）；--show-info 或 -v 逐条列出 / "
            f"{len(notes)} rounding differences within tolerance")


class TextReporter:
    """Human-readable output; colour only on a terminal."""

    def __init__(self, display: DisplayOptions | None = None) -> None:
        self.display = display or DisplayOptions()

    def _file(self, write: Writer, run: RunResult, fr: FileResult) -> None:
        write([(str(fr.path), "bold")])
        if not fr.checked:
            assert fr.error is not None
            write([("  ", ""), ("未检查 / not checked", "bold red"), (f": {fr.error.message}", "")])
            return
        tables = tables_of(fr)
        shown = sorted(self.display.shown(fr.result.findings), key=rank_key)
        notes = [f for f in shown if f.kind == "rounding"]
        for f in shown:
            if f.kind != "rounding" or self.display.show_info:
                _finding(write, f, tables)
        if notes and not self.display.show_info:
            write([("    ", ""), (rounding_line(notes), "cyan")])
        for err in fr.result.errors:
            write([("    ", ""), ("规则出错 / rule error", "bold red"), (f" {err.rule_id}: {err.message}", "")])
        if fr.part_of is not None:
            write([("  ", ""), (f"与 {fr.part_of} 合为一份报告检查，规则结果见该文件 / "
                                "one report with that file: its rule outcomes are listed there", "dim")])
            return
        st = fr.rule_statuses()
        write([("  ", ""), ("规则 / rules: " + "，".join(f"{STATUS_ZH[s]} {st.get(s, 0)}" for s in STATUS_ZH), "dim")])

    def report(self, run: RunResult, stream: TextIO) -> None:
        write = _writer(stream)
        if self.display.statistics:
            for line in statistics_lines(run, self.display):
                write([(line, "")])
        else:
            for fr in run.files:
                self._file(write, run, fr)
        write([(summary_line(run, self.display), "")])


# C0 control characters a report's text may carry (a hostile PDF's): a carriage return or an escape sequence would
# rewrite what a terminal or a log shows. Tabs and newlines stay.
_CONTROLS = {c: None for c in (*range(0x20), 0x7F) if c not in (0x09, 0x0A)}


def _writer(stream: TextIO) -> Writer:
    """Colour through rich on a terminal (or when FORCE_COLOR asks for it); plain lines otherwise (a pipe, a
    file, pre-commit, CI), without importing rich: a twentieth of a second of every such run. Either way the
    text is written without control characters."""
    if _isatty(stream) or os.environ.get("FORCE_COLOR"):
        from rich.console import Console
        from rich.text import Text

        console = Console(file=stream, highlight=False, soft_wrap=True)

        def coloured(line: Line) -> None:
            console.print(Text.assemble(*((text.translate(_CONTROLS), style) for text, style in line)))

        return coloured

    def plain(line: Line) -> None:
        stream.write("".join(text for text, _ in line).translate(_CONTROLS) + "\n")

    return plain


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or unusual stream
        return False


def statistics_lines(run: RunResult, display: DisplayOptions | None = None) -> list[str]:
    """``--statistics``: one line per rule (and kind) with its count over the run, the most frequent first."""
    display = display or DisplayOptions()
    findings = [f for fr in run.files for f in display.shown(fr.result.findings)]
    rows = statistics(findings)
    width = max((len(rid) for _, rid, _, _ in rows), default=0)
    return [f"{n:>5}  {rid:<{width}}  {tag}  {title}" for n, rid, tag, title in rows]


def summary_line(run: RunResult, display: DisplayOptions | None = None) -> str:
    sev = run.severity_counts()
    st = run.status_counts()
    not_checked = sum(1 for fr in run.files if not fr.checked)
    rounding = sum(1 for fr in run.files for f in fr.result.findings if f.kind == "rounding")
    line = (
        f"{len(run.files)} 个文件：错误 {sev.get('error', 0)}，警告 {sev.get('warning', 0)}，提示 {sev.get('info', 0)}"
        + (f"（其中尾数差异 {rounding}）" if rounding else "") + "；"
        f"规则 通过 {st['pass']} / 未通过 {st['fail']} / 不适用 {st['not_applicable']} / 数据不足 {st['insufficient_data']}"
    )
    if not_checked:
        line += f"；未检查 {not_checked} 个文件"
    if run.baseline is not None:
        baselined = sum(fr.baselined for fr in run.files)
        line += f"；基线已接受 {baselined} 个"
        if run.baseline_stale:
            line += f"，基线中 {run.baseline_stale} 条已不再出现（可重新生成基线）"
    if display is not None and display.filtered:
        hidden = sum(1 for fr in run.files for f in fr.result.findings if not display.shows(f))
        line += f"；按 --severity {display.severity} 未显示 {hidden} 条（退出码仍按全部结果）"
    if run.resumed:
        line += f"；另有 {len(run.resumed)} 份报告已在续查的日志中完成，未再检查"
    if run.interrupted:
        line += f"\n运行被中断：已检查 {len(run.files)} / {run.inputs} 份报告，其余未检查 / interrupted"
    return line
