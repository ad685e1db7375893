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
from linter.reporters.explanation import TOLERANCE_ZH, meta_line, rule_explanation, sections


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
    """The rule explained: what every output says from its metadata (:func:`rule_explanation`, also the SARIF
    rule help), with what only the rule language knows (the assertions, an example from the pack's tests)."""
    asserts = [s for s in rule.body if isinstance(s, n.Assert)]
    e = rule_explanation(rule.meta)
    e.update({
        "status": rule.status,
        "kinds": list(rule.kinds),
        "profiles": list(rule.profiles),
        "message": rule.message,
        "checks": [{"assert": _assertion(a), "tolerance": _tolerance(a.tolerance)} for a in asserts],
        "example_from_tests": None if rule.example else example_from_tests(pack, rule, functions),
        "pack": {"name": pack.name, "version": pack.version},
        "defined_in": f"{rule.file}:{rule.pos.line}" if rule.file else None,
    })
    return e


def render(e: dict[str, Any]) -> str:
    lines = [f"{e['id']}  {e['title']}", "", meta_line(e)]
    applies = [f"文档类型 {'、'.join(e['kinds'])}" if e["kinds"] else "所有文档类型",
               f"模板 {'、'.join(e['profiles'])}" if e["profiles"] else "所有模板"]
    lines.append(f"适用 / applies to：{'；'.join(applies)}" + (f"    标签 / tags：{'、'.join(e['tags'])}" if e["tags"] else ""))
    if e["status"] != "approved":
        lines.append(f"状态 / status：{e['status']}")
    for heading, body in sections(e):
        lines += ["", f"{heading}:", *(f"  {line}" for line in body)]
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
