"""``fiscal-lint explain RULE``: what a rule checks, on what basis, an example, and how to fix what it finds.

Everything comes from the rule itself: its title, metadata and assertions. The example is the
rule's ``example`` metadata when it has one, otherwise a case of the pack's own tests in which the
rule fires, evaluated now (so the example is always true of the rule as it is). The fix is the
rule's ``fix`` metadata, otherwise the usual remedy for its category.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from pathlib import Path
from typing import Any

from linter.commands.common import EXIT_USAGE, add_rule_options, setup
from linter.core.findings import Finding
from linter.dsl import RulePack
from linter.dsl import nodes as n
from linter.dsl.function_table import FunctionTable
from linter.reporters.common import CATEGORY_ZH

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
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
TOLERANCE_ZH = {"rounding": "按舍入区间 / within rounding", "exact": "精确 / exact"}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "explain",
        help="解释一条规则：检查什么、依据、示例、如何改正 / explain a rule: what, why, example, how to fix",
    )
    p.add_argument("rule", metavar="RULE", help="规则编号，如 FL.I.11 / a rule id such as FL.I.11")
    p.add_argument("--json", action="store_true", help="以 JSON 输出 / print JSON")
    add_rule_options(p)
    p.set_defaults(func=run)


def find_rule(packs: list[RulePack], rule_id: str) -> tuple[RulePack, n.Rule] | None:
    for pack in packs:
        for rule in pack.rules:
            if rule.id == rule_id:
                return pack, rule
    return None


def _tolerance(t: n.Tolerance) -> str:
    if t.method in TOLERANCE_ZH:
        return TOLERANCE_ZH[t.method]
    unit = "%" if t.method == "rel" else ""
    amount = t.amount * 100 if (t.method == "rel" and t.amount is not None) else t.amount
    return f"{t.method}({amount}{unit})"


def _assertion(a: n.Assert) -> str:
    """The assertion as written, without its ``else "message"`` (the message is shown on its own)."""
    text = " ".join(a.source.split())
    return text.split(' else "', 1)[0] if a.message else text


def _describe_patch(patch: list[dict[str, Any]]) -> list[str]:
    out = []
    for p in patch:
        if "old" in p:
            where = p.get("section") or p.get("table") or ""
            out.append(f"{where}：“{p['old']}” → “{p.get('new', '')}”")
        else:
            row = p.get("row")
            row_text = json.dumps(row, ensure_ascii=False) if isinstance(row, dict) else str(row or "")
            out.append(f"{p.get('table', '')} {row_text} {p.get('column', '')} → “{p.get('text', '')}”".strip())
    return out


def example_from_tests(pack: RulePack, rule: n.Rule, functions: FunctionTable | None = None) -> dict[str, Any] | None:
    """The first test case of the pack in which the rule fires at its own severity, evaluated now."""
    from linter.dsl.evaluator import evaluate_rules
    from linter.dsl.fragments import FragmentError
    from linter.dsl.testing import case_document, iter_cases

    candidates: list[tuple[int, Path, dict[str, Any]]] = []
    for tc in iter_cases(pack):
        case = dict(tc.data, name=tc.name)
        wanted = [e for e in case.get("expect", []) if e.get("rule") == rule.id]
        if not wanted:
            continue
        # a real defect at the rule's own severity first; rounding notes and the unpatched seed last
        rank = 0 if any(e.get("kind", "violation") == "violation" for e in wanted) else 1
        rank += 0 if case.get("patch") else 2
        candidates.append((rank, tc.file, case))
    for _, tf, case in sorted(candidates, key=lambda c: c[0]):
        try:
            doc = case_document(case, tf.parent)
        except (FragmentError, OSError, ValueError, KeyError, TypeError):
            continue
        findings: list[Finding] = [f for f in evaluate_rules([rule], doc, functions).findings if f.rule_id == rule.id]
        if not findings:
            continue
        f = findings[0]
        return {
            "case": case.get("name", ""),
            "file": tf.name,
            "change": _describe_patch(case.get("patch", [])),
            "message": f.message,
            "location": f.location.describe(),
        }
    return None


def explanation(pack: RulePack, rule: n.Rule, functions: FunctionTable | None = None) -> dict[str, Any]:
    asserts = [s for s in rule.body if isinstance(s, n.Assert)]
    return {
        "id": rule.id,
        "title": rule.title,
        "severity": rule.severity,
        "category": rule.category,
        "version": rule.version,
        "status": rule.status,
        "tags": list(rule.tags),
        "kinds": list(rule.kinds),
        "profiles": list(rule.profiles),
        "basis": rule.basis,
        "message": rule.message,
        "checks": [{"assert": _assertion(a), "tolerance": _tolerance(a.tolerance)} for a in asserts],
        "example": rule.example,
        "example_from_tests": None if rule.example else example_from_tests(pack, rule, functions),
        "fix": rule.fix or CATEGORY_FIX.get(rule.category or "", None),
        "fix_source": "rule" if rule.fix else ("category" if rule.category in CATEGORY_FIX else None),
        "pack": {"name": pack.name, "version": pack.version},
        "defined_in": f"{rule.file}:{rule.pos.line}" if rule.file else None,
    }


def render(e: dict[str, Any]) -> str:
    lines = [f"{e['id']}  {e['title']}", ""]
    cat = e["category"]
    meta = [f"级别 / severity：{SEVERITY_ZH.get(e['severity'], e['severity'])}（{e['severity']}）"]
    if cat:
        meta.append(f"类别 / category：{CATEGORY_ZH.get(cat, cat)}（{cat}）")
    if e["version"]:
        meta.append(f"版本 / version：{e['version']}")
    lines.append("  ".join(meta))
    applies = [f"文档类型 {'、'.join(e['kinds'])}" if e["kinds"] else "所有文档类型",
               f"模板 {'、'.join(e['profiles'])}" if e["profiles"] else "所有模板"]
    lines.append(f"适用 / applies to：{'；'.join(applies)}" + (f"    标签 / tags：{'、'.join(e['tags'])}" if e["tags"] else ""))
    if e["status"] != "approved":
        lines.append(f"状态 / status：{e['status']}")
    lines += ["", "说明 / what it checks:", f"  {e['title']}"]
    for c in e["checks"]:
        default = c["tolerance"] == TOLERANCE_ZH["rounding"]
        lines.append(f"  {c['assert']}" + ("" if default else f"    [{c['tolerance']}]"))
    lines.append(f"  发现的提示 / message：{e['message']}")
    lines += ["", "依据 / basis:", f"  {e['basis'] or '（未注明 / not given）'}"]
    lines += ["", "示例 / example:"]
    if e["example"]:
        lines.append(f"  {e['example']}")
    elif e["example_from_tests"]:
        ex = e["example_from_tests"]
        lines.append(f"  规则包测试用例 / pack test case：{ex['case']}（{ex['file']}）")
        for change in ex["change"]:
            lines.append(f"  改动 / change：{change}")
        lines.append(f"  报告 / reports：{ex['message']}" + (f"（{ex['location']}）" if ex["location"] else ""))
    else:
        lines.append("  （无 / none）")
    lines += ["", "如何改正 / how to fix:", f"  {e['fix'] or '（未注明 / not given）'}"]
    lines += ["", f"规则包 / pack：{e['pack']['name']} {e['pack']['version']}" +
              (f"    定义于 / defined in：{e['defined_in']}" if e["defined_in"] else "")]
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    s = setup(args)
    if isinstance(s, int):
        return s
    found = find_rule(s.packs, args.rule)
    if found is None:
        ids = [r.id for p in s.packs for r in p.rules]
        under = [i for i in ids if i.startswith(args.rule.rstrip(".") + ".")]
        close = under or difflib.get_close_matches(args.rule, ids, n=5, cutoff=0.5)
        hint = f"；相近的规则 / close: {', '.join(close)}" if close else ""
        print(f"没有规则 {args.rule} / no rule {args.rule!r}{hint}（fiscal-lint rules list 列出全部 / lists all）",
              file=sys.stderr)
        return EXIT_USAGE
    e = explanation(*found, s.session.functions)
    sys.stdout.write(json.dumps(e, ensure_ascii=False, indent=2) + "\n" if args.json else render(e))
    return 0
