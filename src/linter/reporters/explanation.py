"""A rule explained in the reviewer's words: what it checks, why, on what basis, an example, how to fix what it finds.

One source for ``fiscal-lint explain`` and the SARIF rule descriptors (``fullDescription``, ``help.text``,
``help.markdown``), so that a code-scanning dashboard says what the command line says. It reads only the
evaluator-neutral :class:`linter.core.findings.RuleMeta`; ``explain`` adds what only the rule language knows (the
assertions, an example evaluated from the pack's tests) to the same dictionary.
"""

from __future__ import annotations

from typing import Any

from linter.core.findings import RuleMeta
from linter.reporters.common import CATEGORY_ZH, SEVERITY_ZH

# the usual remedy for what a rule of each category finds, when the rule names none of its own
CATEGORY_FIX = {
    "identity": "核对该表的合计与各分项：修正录入错误，使合计等于分项之和；只差末位的是四舍五入造成的尾数差异，可在表下注明。",
    "cross-table": "核对两张表中同一口径的数字，以决算（预算）报表系统的数据为准，把两处改为一致。",
    "prose-vs-table": "按表格中的数字改正情况说明里的金额、百分比或增减表述（或先改正表格，再据以改写说明）。",
    "completeness": "补上缺少的表、章节或说明；本部门没有该项内容的，保留表样并写明“本部门无……”。",
    "wording": "按公开模板和相关规定改写该句，删去不规范或无意义的表述。",
    "format": "按公开模板的格式要求改正。",
    "timing": "按规定的时限和口径填写日期与年度。",
    "cross-document": "核对两份报告中同一口径的数字（以已公开、经批复的数字为准），改正说明中的比较基数或增减额；口径调整的，在说明中写明。",
}

TOLERANCE_ZH = {"rounding": "按舍入区间 / within rounding", "exact": "精确 / exact"}

# why a finding of each category matters to the reader of the report
CATEGORY_WHY = {
    "identity": "同一张表内的合计与分项对不上，说明录入或汇总有误，公开的数字不能自洽。",
    "cross-table": "同一口径的数字在两张表中不一致，读者无法判断哪一个是真实数据。",
    "prose-vs-table": "情况说明是对表格的解读，说明中的金额、比例与表格不符会误导读者。",
    "completeness": "公开模板要求的表格、章节或事项缺失，公开内容不完整。",
    "wording": "表述不规范、笼统或有歧义，达不到公开说明应有的清楚程度。",
    "format": "格式不符合公开模板，影响阅读和比对。",
    "timing": "日期或年度口径错误，读者无法确认数据所属期间。",
    "cross-document": "同一单位不同报告（如预算与决算、本年与上年）中同一口径的数字不一致，比较和增减说明失去依据。",
}


def rule_explanation(meta: RuleMeta) -> dict[str, Any]:
    """What every output can say about a rule from its metadata (``explain`` adds the rule language's details)."""
    category = meta.category or ""
    return {
        "id": meta.id,
        "title": meta.title,
        "severity": meta.severity,
        "category": meta.category,
        "version": meta.version,
        "tags": list(meta.tags),
        "why": CATEGORY_WHY.get(category),
        "basis": meta.basis,
        "example": meta.example,
        "fix": meta.fix or CATEGORY_FIX.get(category),
        "fix_source": "rule" if meta.fix else ("category" if category in CATEGORY_FIX else None),
    }


def example_lines(e: dict[str, Any]) -> list[str]:
    """The example: the rule's own, or a case of its pack's tests (``explain`` only), or nothing."""
    if e.get("example"):
        return [str(e["example"])]
    ex = e.get("example_from_tests")
    if ex:
        lines = [f"规则包测试用例 / pack test case：{ex['case']}（{ex['file']}）"]
        lines += [f"改动 / change：{change}" for change in ex["change"]]
        lines.append(f"报告 / reports：{ex['message']}" + (f"（{ex['location']}）" if ex["location"] else ""))
        return lines
    return []


def sections(e: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """The explanation's parts in order, each a heading and its lines: what, why, basis, example, fix."""
    what = [e["title"]]
    for c in e.get("checks") or []:
        what.append(c["assert"] + ("" if c["tolerance"] == TOLERANCE_ZH["rounding"] else f"    [{c['tolerance']}]"))
    if e.get("message"):
        what.append(f"发现的提示 / message：{e['message']}")
    return [
        ("说明 / what it checks", what),
        ("为什么 / why it matters", [e["why"] or "（未注明 / not given）"]),
        ("依据 / basis", [e["basis"] or "（未注明 / not given）"]),
        ("示例 / example", example_lines(e) or ["（无 / none）"]),
        ("如何改正 / how to fix", [e["fix"] or "（未注明 / not given）"]),
    ]


def meta_line(e: dict[str, Any]) -> str:
    cat = e.get("category")
    bits = [f"级别 / severity：{SEVERITY_ZH.get(e['severity'], e['severity'])}（{e['severity']}）"]
    if cat:
        bits.append(f"类别 / category：{CATEGORY_ZH.get(cat, cat)}（{cat}）")
    if e.get("version"):
        bits.append(f"版本 / version：{e['version']}")
    return "  ".join(bits)


def plain_text(e: dict[str, Any]) -> str:
    """The explanation as plain text (SARIF ``fullDescription`` and ``help.text``)."""
    lines = [f"{e['id']}  {e['title']}", meta_line(e)]
    for heading, body in sections(e):
        lines += ["", f"{heading}:", *(f"  {line}" for line in body)]
    return "\n".join(lines)


def _md(text: str) -> str:
    """Markdown-safe inline text (the characters that would start emphasis, code or a table cell)."""
    for ch in "\\`*_[]<>|":
        text = text.replace(ch, "\\" + ch)
    return text


def markdown(e: dict[str, Any]) -> str:
    """The explanation as Markdown (SARIF ``help.markdown``: GitHub shows it under "Rule help")."""
    lines = [f"**{_md(e['id'])}** {_md(e['title'])}", "", _md(meta_line(e))]
    for heading, body in sections(e):
        lines += ["", f"#### {heading}", ""]
        lines += [f"- {_md(line)}" for line in body] if len(body) > 1 else [_md(body[0])]
    lines += ["", f"命令行 / on the command line: `fiscal-lint explain {e['id']}`"]
    return "\n".join(lines) + "\n"
