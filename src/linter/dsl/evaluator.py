"""Run rules over a document: every rule instance ends as pass, fail, not_applicable or insufficient_data.

No ``eval``/``exec``: the syntax tree is walked, functions come from the session's function table only,
regexes run on RE2, and every rule has a step and instance budget. A rule that breaks is
reported as a :class:`~linter.core.findings.RuleError` and the other rules still run.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from linter.core.findings import EvaluationResult, Evidence, Finding, Location, Outcome, RuleError
from linter.core.model import Document
from linter.core.text import split_number
from linter.dsl import nodes as n
from linter.dsl.function_table import FunctionTable, builtin_functions
from linter.dsl.functions.table_functions import row_name
from linter.dsl.runtime import (
    INSTANCE_LIMIT,
    Context,
    Memo,
    Partners,
    apply_policy,
    as_quantity,
    combine_and,
    combine_or,
    compare,
    negate,
    to_verdict,
    truthy,
)
from linter.dsl.values import (
    Blank,
    BudgetExceeded,
    Capture,
    ColumnV,
    Match,
    Missing,
    Quantity,
    RegexV,
    ReportV,
    RowV,
    RuleBug,
    Scope,
    Sentence,
    Skip,
    TableV,
    TocV,
    Verdict,
    Violation,
    column_path,
    describe,
    origin_of,
)

PLACEHOLDER = re.compile(r"\{([\w\u3400-\u9fff]+(?:\.[\w\u3400-\u9fff]+)*)(?::([<>^]?\d*(?:\.\d+)?[f%]?))?\}")
ROUNDING_MESSAGE = "尾数差异：{lhs} 与 {rhs} 相差 {diff}，在舍入误差范围 ±{tolerance} 内。"


def get_attr(value: Any, name: str) -> Any:
    """Fields a rule may read: ``r.code``, ``c.name``, ``m.rate``, ``t.number``…"""
    if isinstance(value, Match):
        if name in value.groups:
            return value.groups[name]
        if name == "text":
            return value.text
        if name == "sentence":
            return value.sentence
    elif isinstance(value, RowV):
        r = value.row
        fields: dict[str, Any] = {
            "code": r.code, "label": r.label, "line": r.line_no, "level": r.level, "code_text": r.code_text
        }
        if name in fields:
            return fields[name] or ""
        if name == "name":  # the 科目名称: the label, or the text of the row's name column (code tables)
            return row_name(value)
        if name == "lane":
            lane = next((ln for ln in value.table.lanes if ln.index == r.lane), None)
            return lane.name if lane and lane.name else str(r.lane)
    elif isinstance(value, ColumnV):
        path = column_path(value.column)
        if name == "name":
            return path[-1] if path else ""
        if name == "path":
            return "/".join(path)
        if name == "no":
            return value.column.column_no or ""
    elif isinstance(value, TableV):
        t = value.table
        tf = {"key": t.key, "number": t.number, "title": t.title, "unit": t.unit, "unit_name": t.unit_name}
        if name in tf:
            return tf[name] or ""
    elif isinstance(value, TocV):
        e = value.entry
        number, title = split_number(e.text)
        toc_fields: dict[str, Any] = {"text": e.text, "title": title, "number": number, "page": e.target_page or ""}
        if name in toc_fields:
            return toc_fields[name]
        if name == "level":
            return Quantity.exact(e.level)
    elif isinstance(value, Capture):
        if name == "text":
            return value.text or ""
    elif isinstance(value, Sentence | Scope):
        if name == "text":
            return value.text if isinstance(value, Sentence) else "".join(s.text for s in value.sentences)
        if name == "heading" and isinstance(value, Scope):
            return value.name
    raise RuleBug(f"{describe(value)[:30]} 没有字段 {name} / no field {name!r} on {type(value).__name__}")


def instance_location(env: dict[str, Any], own: dict[str, Any] | None = None) -> Location | None:
    """Where an instance is: its innermost prose match or sentence, else its innermost row. In a report set,
    values read from another report (``own``: the origin of the report being checked) are passed over: a
    finding is placed in the report being checked."""
    values = list(reversed(env.values()))

    def mine(loc: Location | None) -> bool:
        return loc is not None and not _other_report(loc.report, own)

    for v in values:
        if isinstance(v, Match | Sentence | Capture):
            loc = v.location if isinstance(v, Sentence) else v.sentence.location
            if mine(loc):
                return _own_place(loc, own) if loc is not None else None
    for v in values:
        if isinstance(v, RowV) and not _other_report(origin_of(v.table).get("report"), own):
            t, r = v.table, v.row
            return _own_place(Location(page=r.page, bbox=t.row_bbox(r), table=t.key, table_number=t.number, row_code=r.code,
                                       row_label=r.label, **origin_of(t)), own)
    for v in values:  # then the innermost TOC entry, table or section the instance is about
        if isinstance(v, TocV):
            return Location(page=v.entry.page, section="目录", text=v.entry.text)
        if isinstance(v, TableV) and not _other_report(origin_of(v.table).get("report"), own):
            t = v.table
            return _own_place(Location(page=t.page, bbox=t.bbox, table=t.key, table_number=t.number,
                                       **origin_of(t)), own)
        if isinstance(v, Scope) and v.section is not None and mine(v.sentences[0].location if v.sentences else None):
            return Location(page=v.section.page, bbox=v.section.bbox, section=v.section.heading)
    return None


def _other_report(report: str | None, own: dict[str, Any] | None) -> bool:
    return report is not None and own is not None and report != own.get("report")


def _own_place(loc: Location, own: dict[str, Any] | None) -> Location:
    """A place in the report being checked: no report mark, and no file mark when it is the report's own file
    (a report of two files keeps the file of the other one, whose page numbers are its own)."""
    if loc.report is None and loc.file is None:
        return loc
    keep_file = loc.file if own is not None and loc.file != own.get("file") else None
    return replace(loc, report=None, file=keep_file)


def _split_places(main: Location | None, evidence: Evidence, own: dict[str, Any] | None
                  ) -> tuple[Location | None, list[Location]]:
    """A finding's own place (in the report being checked) and the places in other reports of the set it
    rests on."""
    related: list[Location] = []

    def sort(loc: Location | None) -> Location | None:
        if loc is None or loc.report is None:
            return loc
        if not _other_report(loc.report, own):
            return _own_place(loc, own)
        if loc not in related:
            related.append(loc)
        return None

    for op in evidence.operands:
        if op.location is not None and op.location.report is not None:
            kept = sort(op.location)
            op.location = kept if kept is not None else op.location
    return sort(main), related


@dataclass
class _State:
    """What one instance has done so far."""

    statuses: list[str] = field(default_factory=list)
    findings: int = 0
    reasons: list[str] = field(default_factory=list)


class _RuleRun:
    def __init__(
        self, rule: n.Rule, document: Document, functions: dict[str, Callable[..., Any]], partners: Partners | None,
        memo: Memo | None = None,
    ):
        self.rule = rule
        self.ctx = Context(document, default_blank=rule.blank, partners=partners, memo=memo or Memo())
        self.own = origin_of(document) or None  # in a report set: the report being checked
        self.functions = functions
        self.findings: list[Finding] = []
        self.outcomes: list[Outcome] = []

    # -- statements
    def run(self) -> None:
        env: dict[str, Any] = {}
        for name, expr in self.rule.consts.items():
            env[name] = self.ev(expr, env)
        self.exec(0, env, {}, _State())

    def exec(self, i: int, env: dict[str, Any], inst: dict[str, str], state: _State) -> None:
        body = self.rule.body
        try:
            while i < len(body):
                st = body[i]
                if isinstance(st, n.For):
                    self.loop(st, i, env, inst, state)
                    return
                if isinstance(st, n.Let):
                    value = self.ev(st.expr, env)
                    env[st.name] = apply_policy(value, st.blank) if st.blank else value
                elif isinstance(st, n.When):
                    ok = truthy(self.ev(st.cond, env))
                    if ok == st.negate:
                        word = "unless" if st.negate else "when"
                        self.close(inst, state, "not_applicable", f"条件不成立 / {word} condition not met")
                        return
                elif isinstance(st, n.Assert):
                    self.check(st, env, inst, state)
                i += 1
        except Missing as exc:
            self.close(inst, state, "insufficient_data", str(exc))
            return
        except Skip as exc:
            self.close(inst, state, "not_applicable", str(exc))
            return
        self.close(inst, state, None, None)

    def loop(self, st: n.For, i: int, env: dict[str, Any], inst: dict[str, str], state: _State) -> None:
        values = self.ev(st.iterable, env)
        if not isinstance(values, list):
            values = [values]
        if not values:
            self.close(inst, state, "not_applicable", f"没有可检查的对象 / nothing to check for {', '.join(st.names)}")
            return
        for v in values:
            inner = dict(env)
            label = dict(inst)
            if len(st.names) == 1:
                inner[st.names[0]] = v
                label[st.names[0]] = describe(v)
            else:
                if not isinstance(v, list) or len(v) != len(st.names):
                    raise RuleBug(f"for 的每一项须有 {len(st.names)} 个值 / each item needs {len(st.names)} values")
                for name, part in zip(st.names, v, strict=True):
                    inner[name] = part
                    label[name] = describe(part)
            self.exec(i + 1, inner, label, _State(list(state.statuses), state.findings, list(state.reasons)))

    def close(self, inst: dict[str, str], state: _State, stop: str | None, reason: str | None) -> None:
        if len(self.outcomes) >= INSTANCE_LIMIT:
            raise BudgetExceeded(f"实例超过 {INSTANCE_LIMIT} 个 / more than {INSTANCE_LIMIT} instances")
        if "fail" in state.statuses:
            status = "fail"
        elif stop is not None:
            status = stop
        elif "insufficient_data" in state.statuses:
            status = "insufficient_data"
        else:
            status = "pass"
        reasons = ([reason] if reason else []) + state.reasons
        self.outcomes.append(Outcome(self.rule.id, status, inst, "；".join(reasons) or None, state.findings))  # type: ignore[arg-type]

    def check(self, st: n.Assert, env: dict[str, Any], inst: dict[str, str], state: _State) -> None:
        self.ctx.tolerance = st.tolerance
        try:
            verdict = to_verdict(self.ev(st.expr, env), st.source)
        finally:
            self.ctx.tolerance = n.ROUNDING
        if verdict.evidence.expression is None:
            verdict.evidence.expression = st.source
        if verdict.location is None:
            # a yes/no assertion (not is_zero(m.x), a text comparison) carries no place of its own:
            # report it where the instance's prose match or row is
            verdict.location = instance_location(env, self.own)
        if verdict.status == "fail" and verdict.assumed:
            # §2.0-6: a blank may be 0 only if the identity then holds; otherwise we cannot tell
            state.statuses.append("insufficient_data")
            state.reasons.append(
                "空白单元格按 0 处理后等式不成立，无法判断 / blanks taken as 0 do not satisfy the identity"
            )
            return
        if verdict.status == "fail":
            state.statuses.append("fail")
            for v in verdict.violations or [Violation(verdict.location, verdict.evidence, {})]:
                self.emit(st, env, inst, verdict, v, rounding=False)
                state.findings += 1
        else:
            state.statuses.append("pass")
            if verdict.status == "rounding":
                self.emit(st, env, inst, verdict, Violation(verdict.location, verdict.evidence, {}), rounding=True)
                state.findings += 1

    def emit(
        self, st: n.Assert, env: dict[str, Any], inst: dict[str, str], verdict: Verdict, v: Violation, rounding: bool
    ) -> None:
        r = self.rule
        args = {**verdict.args, **v.args}
        if rounding:
            template = verdict.info_message or ROUNDING_MESSAGE
            severity = "info"
        else:
            template = st.message or r.message
            severity = r.severity
        message, rendered = self.render(template, env, args)
        v.evidence.expression = v.evidence.expression or st.source
        location, related = _split_places(v.location or verdict.location, v.evidence, self.own)
        if location is None:  # the value it rests on is in another report: the finding is still placed here
            location = instance_location(env, self.own)
        if rounding:
            where = _split_places(v.location, Evidence(), self.own)[0] if v.location else None
            message = f"{r.title}：{message}"
            message = f"{message}（{where.describe()}）" if where is not None and where.describe() else message
        self.findings.append(
            Finding(
                rule_id=r.id,
                severity=severity,  # type: ignore[arg-type]
                message=message,
                title=r.title,
                category=r.category,
                basis=r.basis,
                rule_version=r.version,
                kind="rounding" if rounding else "violation",
                location=location or Location(),
                evidence=v.evidence,
                args={**args, **rendered},
                instance=dict(inst),
                related=related,
            )
        )

    def render(self, template: str, env: dict[str, Any], args: dict[str, str]) -> tuple[str, dict[str, str]]:
        rendered: dict[str, str] = {}

        def one(m: re.Match[str]) -> str:
            key, spec = m.group(1), m.group(2)
            try:
                if key in args and not spec:
                    value: Any = args[key]
                else:
                    head, *attrs = key.split(".")
                    value = env[head] if head in env else args[head]
                    for a in attrs:
                        value = get_attr(value, a)
            except (KeyError, RuleBug, Missing):
                return m.group(0)
            if spec and isinstance(value, Quantity):
                text = format(value.value, spec)
            elif spec and isinstance(value, Decimal):
                text = format(value, spec)
            else:
                text = value if isinstance(value, str) else describe(value)
            rendered[key] = text
            return text

        return PLACEHOLDER.sub(one, template), rendered

    # -- expressions
    def ev(self, e: n.Expr, env: dict[str, Any]) -> Any:
        self.ctx.tick()
        # the commonest nodes first (no node class derives from another, so the order changes nothing else)
        if isinstance(e, n.Call):
            return self.call(e, env)
        if isinstance(e, n.Var):
            if e.name not in env:
                raise RuleBug(f"未定义的名称 {e.name} / undefined name {e.name!r}")
            return env[e.name]
        if isinstance(e, n.String):
            return e.value
        if isinstance(e, n.Attr):
            return get_attr(self.ev(e.obj, env), e.name)
        if isinstance(e, n.Number):
            return Quantity.exact(e.value)
        if isinstance(e, n.Percent):
            return Quantity.exact(e.value, "%")
        if isinstance(e, n.Regex):
            return RegexV(e.pattern)
        if isinstance(e, n.Bool):
            return e.value
        if isinstance(e, n.ListExpr):
            return [self.ev(x, env) for x in e.items]
        if isinstance(e, n.BinOp):
            a = as_quantity(self.ev(e.left, env), self.ctx)
            b = as_quantity(self.ev(e.right, env), self.ctx)
            return {"+": a.add, "-": a.sub, "*": a.mul, "/": a.div}[e.op](b)
        if isinstance(e, n.Neg):
            return as_quantity(self.ev(e.operand, env), self.ctx).neg()
        if isinstance(e, n.Compare):
            return compare(e.op, self.ev(e.left, env), self.ev(e.right, env), self.ctx)
        if isinstance(e, n.And):
            verdicts = []
            for item in e.items:
                v = to_verdict(self.ev(item, env), "and")
                verdicts.append(v)
                if v.status == "fail":
                    break
            return combine_and(verdicts)
        if isinstance(e, n.Or):
            verdicts = []
            for item in e.items:
                v = to_verdict(self.ev(item, env), "or")
                verdicts.append(v)
                if v.status == "pass":
                    break
            return combine_or(verdicts)
        if isinstance(e, n.Not):
            return negate(to_verdict(self.ev(e.operand, env), "not"))
        raise RuleBug(f"unknown node {type(e).__name__}")  # pragma: no cover - the parser builds only the above

    def call(self, e: n.Call, env: dict[str, Any]) -> Any:
        if e.name == "exists":
            try:
                for a in e.args:
                    value = self.ev(a, env)
                    if isinstance(value, Blank):
                        return False
            except (Missing, Skip):  # Skip: report() of a report the set does not have
                return False
            return True
        fn = self.functions.get(e.name)
        if fn is None:
            raise RuleBug(f"未知函数 {e.name} / unknown function {e.name!r}")
        args = [self.ev(a, env) for a in e.args]
        kwargs = {k: self.ev(v, env) for k, v in e.kwargs}
        try:
            if args and isinstance(args[0], ReportV):  # prev.table("…"): the function reads the other report
                other = self.ctx.on(args[0])
                try:
                    return fn(other, *args[1:], **kwargs)
                finally:
                    self.ctx.steps = other.steps
            return fn(self.ctx, *args, **kwargs)
        except TypeError as exc:
            raise RuleBug(f"调用 {e.name}() 的参数不对 / bad arguments to {e.name}(): {exc}") from None


def applicable(rule: n.Rule, document: Document) -> str | None:
    """Why the rule does not apply to this document, or None when it does."""
    md = document.metadata
    if rule.status == "retired":
        return "规则已停用 / rule retired"
    if rule.kinds and md.kind and md.kind not in rule.kinds:
        return f"文档类型 {md.kind} 不在 {list(rule.kinds)} 中 / kind not covered"
    if rule.profiles and md.profile and md.profile not in rule.profiles:
        return f"模板 {md.profile} 不在 {list(rule.profiles)} 中 / profile not covered"
    return None


def evaluate_rule(
    rule: n.Rule, document: Document, functions: FunctionTable | None = None, partners: Partners | None = None,
    memo: Memo | None = None,
) -> EvaluationResult:
    """One rule over the document. ``functions``: the session's table (default: the language's own);
    ``partners``: the other reports of its set (``report()``), None when it is checked alone; ``memo``: the
    per-document work of the rules evaluated with this one (sentence scopes), None for a fresh one."""
    result = EvaluationResult()
    why_not = applicable(rule, document)
    if why_not:
        result.outcomes.append(Outcome(rule.id, "not_applicable", reason=why_not))
        return result
    table = dict(functions) if functions is not None else builtin_functions()
    run = _RuleRun(rule, document, table, partners, memo)
    try:
        run.run()
    except RuleBug as exc:
        _broken(result, rule, str(exc))
        return result
    except Exception as exc:  # noqa: BLE001 - a broken rule must not stop the others
        _broken(result, rule, f"{type(exc).__name__}: {exc}")
        return result
    result.findings.extend(run.findings)
    result.outcomes.extend(run.outcomes)
    return result


def _broken(result: EvaluationResult, rule: n.Rule, message: str) -> None:
    file = str(rule.file) if rule.file else None
    result.errors.append(RuleError(rule.id, message, file, rule.pos.line or None))
    result.outcomes.append(Outcome(rule.id, "insufficient_data", reason=f"规则出错 / rule error: {message}"))


def evaluate_rules(
    rules: Sequence[n.Rule], document: Document, functions: FunctionTable | None = None,
    partners: Partners | None = None,
) -> EvaluationResult:
    """Every rule over the document. ``functions``: the session's table (default: the language's own). What the
    rules read of the documents (prose split into sentences) is worked out once and shared by them."""
    table = dict(functions) if functions is not None else builtin_functions()
    memo = Memo()
    result = EvaluationResult()
    for rule in rules:
        result.merge(evaluate_rule(rule, document, table, partners, memo))
    return result
