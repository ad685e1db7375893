"""Static checks of parsed rule files, before any document is read.

Errors (exit 2 in ``rules check``): unknown tables, functions, names and capture groups,
bad arguments, invalid regexes, missing metadata, duplicate rule ids, a rule without
``assert``. Warnings: unknown column headers (templates vary), unused bindings.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from linter.core.catalogue import Catalogue
from linter.core.text import normalise_label
from linter.dsl import nodes as n
from linter.dsl.diagnostics import Diagnostic, make
from linter.dsl.evaluator import PLACEHOLDER
from linter.dsl.function_table import SPECIAL_FORMS, FunctionTable, builtin_functions
from linter.dsl.runtime import POLICIES, compile_regex
from linter.dsl.values import RuleBug

DSL_VERSION = "1"
CATEGORIES = {
    "completeness", "identity", "cross-table", "prose-vs-table", "wording", "format", "timing", "cross-document",
}
KINDS = {"决算", "预算", "绩效"}
STATUSES = {"draft", "approved", "retired"}
# Placeholders every verdict fills in (see runtime.compare / builtins.agrees / none / contains).
VERDICT_ARGS = {"lhs", "rhs", "diff", "tolerance", "lhs_interval", "rhs_interval", "word", "value", "match", "pattern"}
VERDICT_ARGS |= {"after"}  # in_order(): the item the misplaced one should follow
MATCH_FIELDS = {"text", "sentence"}

# Header words of the standard templates, per canonical table: a column header outside them is
# most likely a typo. Only a warning, because provinces word their headers differently.

# 政府性基金 and 国有资本经营 tables share one header vocabulary
_FUND_HEADERS = {
    "项目", "功能分类科目编码", "科目名称", "年初结转和结余", "本年收入", "本年支出",
    "小计", "合计", "基本支出", "项目支出", "年末结转和结余", "栏次",
}

KNOWN_HEADERS: dict[str, set[str]] = {
    "income_expenditure_summary": {"收入", "支出", "项目", "行次", "金额", "决算数", "栏次"},
    "income": {
        "项目",
        "功能分类科目编码",
        "类",
        "款",
        "项",
        "科目名称",
        "本年收入合计",
        "财政拨款收入",
        "上级补助收入",
        "事业收入",
        "经营收入",
        "附属单位上缴收入",
        "其他收入",
        "栏次",
    },
    "expenditure": {
        "项目",
        "功能分类科目编码",
        "类",
        "款",
        "项",
        "科目名称",
        "本年支出合计",
        "基本支出",
        "项目支出",
        "上缴上级支出",
        "经营支出",
        "对附属单位补助支出",
        "栏次",
    },
    "fiscal_grant_summary": {
        "收入",
        "支出",
        "项目",
        "行次",
        "决算数",
        "小计",
        "一般公共预算财政拨款",
        "政府性基金预算财政拨款",
        "国有资本经营预算财政拨款",
        "栏次",
    },
    "general_budget_expenditure": {
        "项目",
        "功能分类科目编码",
        "科目名称",
        "本年支出",
        "小计",
        "合计",
        "基本支出",
        "项目支出",
        "栏次",
    },
    "general_budget_basic_expenditure": {"人员经费", "公用经费", "经济分类科目编码", "科目名称", "决算数"},
    "government_fund": _FUND_HEADERS,
    "state_capital": _FUND_HEADERS,
    "three_public": {
        "预算数",
        "决算数",
        "合计",
        "因公出国(境)费",
        "公务用车购置及运行维护费",
        "小计",
        "公务用车购置费",
        "公务用车运行维护费",
        "公务用车运行费",
        "公务接待费",
    },
}


def standard_tables() -> set[str]:
    """The table keys of the standard catalogue (what a checker knows without a session)."""
    return set(Catalogue().keys())


@dataclass
class _Scope:
    """Names visible at a point of a rule body, with what the checker knows of them."""

    defined: dict[str, n.Pos] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)
    literals: dict[str, list[str]] = field(default_factory=dict)  # name → the strings it may hold
    tables: dict[str, list[str]] = field(default_factory=dict)  # name → the table keys it refers to
    groups: dict[str, set[str]] = field(default_factory=dict)  # match name → its regex group names
    lists: dict[str, list[n.Expr]] = field(default_factory=dict)  # name → the literal list it holds
    reports: set[str] = field(default_factory=set)  # names bound to report(…): another report of the set


class Checker:
    def __init__(self, functions: FunctionTable | None = None, tables: set[str] | None = None) -> None:
        self.diagnostics: list[Diagnostic] = []
        self.tables = set(tables) if tables is not None else standard_tables()
        self.functions: dict[str, Callable[..., Any]] = dict(functions) if functions is not None else builtin_functions()
        self.seen_ids: dict[str, str] = {}
        self._file: n.RuleFile | None = None

    # -- reporting
    def error(self, pos: n.Pos, zh: str, en: str) -> None:
        self._add(pos, zh, en, "error")

    def warning(self, pos: n.Pos, zh: str, en: str) -> None:
        self._add(pos, zh, en, "warning")

    def _add(self, pos: n.Pos, zh: str, en: str, level: str) -> None:
        assert self._file is not None
        f = self._file
        self.diagnostics.append(make(f.path, f.source, pos.line or 1, pos.col or 1, zh, en, level))  # type: ignore[arg-type]

    # -- files and rules
    def check_file(self, f: n.RuleFile) -> None:
        self._file = f
        if f.pack is not None and f.pack.dsl.split(".")[0] != DSL_VERSION:
            self.error(
                f.pack.pos,
                f"规则包要求 DSL {f.pack.dsl}，本程序支持 {DSL_VERSION}",
                f"pack needs DSL {f.pack.dsl}, this linter speaks {DSL_VERSION}",
            )
        consts = _Scope()
        for c in f.consts:
            self.expr(c.expr, consts)
            consts.defined[c.name] = c.pos
            consts.literals[c.name] = _literal_strings(c.expr, consts)
            if isinstance(c.expr, n.ListExpr):
                consts.lists[c.name] = list(c.expr.items)
        for r in f.rules:
            self.rule(r, consts)

    def rule(self, r: n.Rule, consts: _Scope) -> None:
        where = f"{self._file.path if self._file else ''}:{r.pos.line}"
        if r.id in self.seen_ids:
            self.error(
                r.pos,
                f"规则编号 {r.id} 重复（先见于 {self.seen_ids[r.id]}）",
                f"duplicate rule id {r.id} (first at {self.seen_ids[r.id]})",
            )
        else:
            self.seen_ids[r.id] = where
        for key in ("severity", "message"):
            if key not in r.meta_seen:
                self.error(r.pos, f"规则 {r.id} 缺少 {key}", f"rule {r.id} has no {key}")
        if r.category is not None and r.category not in CATEGORIES:
            self.warning(r.meta_seen["category"], f"未知类别 {r.category}", f"unknown category {r.category!r}")
        for k in r.kinds:
            if k not in KINDS:
                self.error(r.meta_seen["kinds"], f"未知文档类型 {k}（应为 决算/预算/绩效）", f"unknown kind {k!r}")
        if r.status not in STATUSES:
            self.error(r.meta_seen.get("status", r.pos), f"未知状态 {r.status}", f"unknown status {r.status!r}")
        if not any(isinstance(s, n.Assert) for s in r.body):
            self.error(r.pos, f"规则 {r.id} 没有 assert", f"rule {r.id} asserts nothing")
        scope = _Scope(dict(consts.defined), set(), dict(consts.literals), dict(consts.tables), {}, dict(consts.lists))
        lets: dict[str, n.Pos] = {}
        for st in r.body:
            if isinstance(st, n.For):
                self.expr(st.iterable, scope)
                self._bind_loop(st, scope)
                for name in st.names:
                    lets[name] = st.pos
            elif isinstance(st, n.Let):
                self.expr(st.expr, scope)
                scope.defined[st.name] = st.pos
                scope.tables[st.name] = self._table_keys(st.expr, scope)
                scope.literals[st.name] = _literal_strings(st.expr, scope)
                if isinstance(st.expr, n.Call) and st.expr.name == "report":
                    scope.reports.add(st.name)
                lets[st.name] = st.pos
            elif isinstance(st, n.When):
                self.expr(st.cond, scope)
            else:
                self.expr(st.expr, scope)
                if st.message:
                    self.template(st.message, st.pos, scope)
        self.template(r.message, r.meta_seen.get("message", r.pos), scope)
        for name, pos in lets.items():
            if name not in scope.used and not name.startswith("_"):
                self.warning(pos, f"绑定 {name} 未被使用", f"binding {name!r} is never used")

    def _bind_loop(self, st: n.For, scope: _Scope) -> None:
        items = _list_items(st.iterable, scope)
        for i, name in enumerate(st.names):
            scope.defined[name] = st.pos
            if items is not None:
                parts = [it.items[i] if isinstance(it, n.ListExpr) and i < len(it.items) else it for it in items]
                scope.literals[name] = [p.value for p in parts if isinstance(p, n.String)]
            scope.tables[name] = self._table_keys(st.iterable, scope)
        if len(st.names) == 1 and isinstance(st.iterable, n.Call) and st.iterable.name == "find":
            rx = next((a for a in st.iterable.args[1:] if isinstance(a, n.Regex)), None)
            if rx is not None:
                scope.groups[st.names[0]] = _group_names(rx.pattern)

    def template(self, text: str, pos: n.Pos, scope: _Scope) -> None:
        for m in PLACEHOLDER.finditer(text):
            head = m.group(1).split(".")[0]
            if head in scope.defined:
                scope.used.add(head)
            elif head not in VERDICT_ARGS:
                self.error(pos, f"消息中的 {{{head}}} 未定义", f"placeholder {{{head}}} is not defined")

    # -- expressions
    def expr(self, e: n.Expr, scope: _Scope) -> None:
        for node in _walk(e):
            if isinstance(node, n.Var):
                if node.name not in scope.defined:
                    self.error(node.pos, f"未定义的名称 {node.name}", f"undefined name {node.name!r}")
                scope.used.add(node.name)
            elif isinstance(node, n.Regex):
                try:
                    compile_regex(node.pattern)
                except RuleBug as exc:
                    self.error(node.pos, str(exc), "invalid regex")
            elif isinstance(node, n.Call):
                self.call(node, scope)
            elif isinstance(node, n.Attr) and isinstance(node.obj, n.Var) and node.obj.name in scope.groups:
                groups = scope.groups[node.obj.name]
                if node.name not in groups | MATCH_FIELDS:
                    self.error(
                        node.pos,
                        f"正则中没有分组 {node.name}（有：{', '.join(sorted(groups)) or '无'}）",
                        f"no capture group {node.name!r} in the pattern",
                    )

    def call(self, c: n.Call, scope: _Scope) -> None:
        if c.name in SPECIAL_FORMS:
            return
        fn = self.functions.get(c.name)
        if fn is None:
            self.error(c.pos, f"未知函数 {c.name}", f"unknown function {c.name!r}")
            return
        if c.name == "report":
            self._check_report(c, scope)
        on_report = bool(c.args) and isinstance(c.args[0], n.Var) and c.args[0].name in scope.reports
        args = c.args[1:] if on_report else c.args  # prev.table("…") is table("…") read in the other report
        try:
            inspect.signature(fn).bind(None, *args, **dict(c.kwargs))
        except TypeError as exc:
            self.error(c.pos, f"{c.name}() 的参数不对：{exc}", f"bad arguments to {c.name}(): {exc}")
        except ValueError:  # a callable without a signature (a C function): nothing to check
            pass
        if c.name == "table" and args:
            for key in _literal_strings(args[0], scope):
                if key not in self.tables:
                    self.error(c.pos, f"未知的表 {key}", f"unknown table {key!r} (not in the catalogue)")
        for k, v in c.kwargs:
            if k == "blank" and isinstance(v, n.String) and v.value not in POLICIES:
                self.error(c.pos, f"未知的空白策略 {v.value}", f"unknown blank policy {v.value!r}")
        if c.name in ("col", "columns") and c.args:
            self._check_columns(c, scope)

    def _check_report(self, c: n.Call, scope: _Scope) -> None:
        """``report(kind = "预算", year = …, level = "部门")``: keywords only, kinds and levels that exist."""
        if c.args:
            self.error(c.pos, "report() 只接受 kind、year、level 关键字参数",
                       "report() takes keyword arguments only: kind, year, level")
        allowed = {"kind": ("预算", "决算"), "level": ("部门", "单位")}
        for k, v in c.kwargs:
            if k not in ("kind", "year", "level"):
                self.error(c.pos, f"report() 没有参数 {k}", f"report() has no argument {k!r}")
            elif k in allowed:
                for text in _literal_strings(v, scope):
                    if text not in allowed[k]:
                        self.error(c.pos, f"report() 的 {k} 应为 {' 或 '.join(allowed[k])}，而不是 “{text}”",
                                   f"report(): {k} must be one of {', '.join(allowed[k])}, not {text!r}")

    def _check_columns(self, c: n.Call, scope: _Scope) -> None:
        keys = self._table_keys(c.args[0], scope)
        for key in keys:
            headers = KNOWN_HEADERS.get(key)
            if headers is None:
                continue
            known = {normalise_label(h) for h in headers}
            for a in c.args[1:]:
                for text in _literal_strings(a, scope):
                    if normalise_label(text) not in known:
                        self.warning(
                            a_pos(a, c),
                            f"表 {key} 的标准表头中没有 “{text}”",
                            f"header {text!r} is not a standard header of {key}",
                        )

    def _table_keys(self, e: n.Expr, scope: _Scope) -> list[str]:
        """The table keys an expression refers to, when they can be known before reading a document."""
        node = e
        while True:
            if isinstance(node, n.Call) and node.name == "table" and node.args:
                return _literal_strings(node.args[0], scope)
            if isinstance(node, n.Call) and node.args:
                node = node.args[0]
            elif isinstance(node, n.Attr):
                node = node.obj
            elif isinstance(node, n.Var):
                return scope.tables.get(node.name, [])
            else:
                return []


def a_pos(a: n.Expr, fallback: n.Call) -> n.Pos:
    p = getattr(a, "pos", n.NOWHERE)
    return p if p.line else fallback.pos


def _walk(e: n.Expr) -> Iterator[n.Expr]:
    yield e
    if isinstance(e, n.ListExpr | n.And | n.Or):
        for x in e.items:
            yield from _walk(x)
    elif isinstance(e, n.BinOp | n.Compare):
        yield from _walk(e.left)
        yield from _walk(e.right)
    elif isinstance(e, n.Neg | n.Not):
        yield from _walk(e.operand)
    elif isinstance(e, n.Attr):
        yield from _walk(e.obj)
    elif isinstance(e, n.Call):
        for a in e.args:
            yield from _walk(a)
        for _, v in e.kwargs:
            yield from _walk(v)


def _list_items(e: n.Expr, scope: _Scope) -> list[n.Expr] | None:
    if isinstance(e, n.ListExpr):
        return list(e.items)
    if isinstance(e, n.Var):
        return scope.lists.get(e.name)
    return None


def _literal_strings(e: n.Expr, scope: _Scope) -> list[str]:
    """The string values an expression can have, when they are written in the rules."""
    if isinstance(e, n.String):
        return [e.value]
    if isinstance(e, n.Var):
        return scope.literals.get(e.name, [])
    if isinstance(e, n.ListExpr):
        return [x.value for x in e.items if isinstance(x, n.String)]
    return []


def _group_names(pattern: str) -> set[str]:
    try:
        return set(compile_regex(pattern).groupindex)
    except RuleBug:
        return set()


def check_files(
    files: list[n.RuleFile],
    packs: list[list[n.RuleFile]] | None = None,
    *,
    functions: FunctionTable | None = None,
    tables: set[str] | None = None,
) -> list[Diagnostic]:
    """Check rule files loaded together (rule ids unique across all of them).

    ``packs`` groups the files by pack, each allowed one ``pack`` declaration (default: one pack).
    """
    checker = Checker(functions, tables)
    for f in files:
        checker.check_file(f)
    for group in packs if packs is not None else [files]:
        pack_decls = [f for f in group if f.pack is not None]
        for extra in pack_decls[1:]:
            checker._file = extra
            assert extra.pack is not None
            checker.error(extra.pack.pos, "同一规则包只能有一个 pack 声明", "a pack has only one pack declaration")
    return checker.diagnostics
