"""The terminal report: findings grouped by file and page, each with its place and its numbers."""

from __future__ import annotations

from typing import TextIO

from rich.console import Console
from rich.markup import escape

from linter.core.findings import Finding
from linter.core.results import RunResult
from linter.reporters.common import place, related_text

SEVERITY_STYLE = {"error": ("错误", "bold red"), "warning": ("警告", "yellow"), "info": ("提示", "cyan")}
STATUS_ZH = {"pass": "通过", "fail": "未通过", "not_applicable": "不适用", "insufficient_data": "数据不足"}


def _numbers(f: Finding) -> str:
    ev = f.evidence
    if ev.lhs is None and ev.rhs is None:
        return ""
    bits = []
    if ev.lhs is not None:
        bits.append(f"实为 {ev.lhs}")
    if ev.rhs is not None:
        bits.append(f"应为 {ev.rhs}")
    if ev.difference is not None:
        bits.append(f"相差 {ev.difference}")
    if ev.tolerance is not None:
        bits.append(f"允许 ±{ev.tolerance}")
    return "，".join(bits)


class TextReporter:
    """Human-readable output; colour only on a terminal."""

    def report(self, run: RunResult, stream: TextIO) -> None:
        console = Console(file=stream, highlight=False, soft_wrap=True)
        for fr in run.files:
            console.print(f"[bold]{escape(str(fr.path))}[/bold]")
            if not fr.checked:
                assert fr.error is not None
                console.print(f"  [bold red]未检查 / not checked[/]: {escape(fr.error.message)}")
                continue
            findings = sorted(fr.result.findings, key=lambda f: (f.location.page or 0, f.rule_id))
            page = object()
            for f in findings:
                if f.location.page != page:
                    page = f.location.page
                    console.print(f"  [dim]第 {page} 页[/dim]" if page else "  [dim]（无页码）[/dim]")
                label, style = SEVERITY_STYLE[f.severity]
                tag = "尾数差异" if f.kind == "rounding" else label
                console.print(f"    [{style}]{tag}[/] [bold]{escape(f.rule_id)}[/] {escape(f.message)}")
                place_, numbers = place(f.location), _numbers(f)
                if place_ or numbers:
                    console.print(f"      [dim]{escape('  '.join(p for p in (place_, numbers) if p))}[/dim]")
                if f.related:
                    console.print(f"      [dim]{escape(related_text(f))}[/dim]")
            for err in fr.result.errors:
                console.print(f"    [bold red]规则出错 / rule error[/] {escape(err.rule_id)}: {escape(err.message)}")
            if fr.part_of is not None:
                console.print(f"  [dim]与 {escape(str(fr.part_of))} 合为一份报告检查，规则结果见该文件 / "
                              "one report with that file: its rule outcomes are listed there[/dim]")
                continue
            st = fr.rule_statuses()
            console.print(
                "  [dim]规则 / rules: " + "，".join(f"{STATUS_ZH[s]} {st.get(s, 0)}" for s in STATUS_ZH) + "[/dim]"
            )
        console.print(summary_line(run))


def summary_line(run: RunResult) -> str:
    sev = run.severity_counts()
    st = run.status_counts()
    not_checked = sum(1 for fr in run.files if not fr.checked)
    line = (
        f"{len(run.files)} 个文件：错误 {sev.get('error', 0)}，警告 {sev.get('warning', 0)}，提示 {sev.get('info', 0)}；"
        f"规则 通过 {st['pass']} / 未通过 {st['fail']} / 不适用 {st['not_applicable']} / 数据不足 {st['insufficient_data']}"
    )
    if not_checked:
        line += f"；未检查 {not_checked} 个文件"
    if run.baseline is not None:
        baselined = sum(fr.baselined for fr in run.files)
        line += f"；基线已接受 {baselined} 个"
        if run.baseline_stale:
            line += f"，基线中 {run.baseline_stale} 条已不再出现（可重新生成基线）"
    return line
