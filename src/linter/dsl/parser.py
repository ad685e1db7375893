"""Rule files → typed syntax tree (:mod:`linter.dsl.nodes`), with readable syntax errors."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError

from linter.dsl import nodes as n
from linter.dsl.diagnostics import Diagnostic, DslError, make

GRAMMAR = Path(__file__).with_name("grammar.lark")


@lru_cache(maxsize=1)
def _lark() -> Lark:
    """The LALR parser, built once per process; lark's own cache (a file in the temporary folder, keyed by the
    grammar and the options) spares the grammar analysis in the next process."""
    return Lark(GRAMMAR.read_text(encoding="utf-8"), parser="lalr", propagate_positions=True, maybe_placeholders=True,
                cache=True)


def _pos(meta: Any) -> n.Pos:
    return n.Pos(getattr(meta, "line", 0), getattr(meta, "column", 0))


def _tpos(tok: Token) -> n.Pos:
    return n.Pos(tok.line or 0, tok.column or 0)


def _unquote(tok: str) -> str:
    """A "..." literal: \\" and \\\\ and \\n are the only escapes."""
    body = tok[1:-1]
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            out.append({"n": "\n", "t": "\t"}.get(nxt, nxt))
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _regex_body(tok: str) -> str:
    # re"…" is raw: backslashes reach the regex engine untouched, only \" is unescaped
    return tok[3:-1].replace('\\"', '"')


class _SemanticError(Exception):
    def __init__(self, pos: n.Pos, zh: str, en: str):
        self.pos, self.zh, self.en = pos, zh, en


@v_args(meta=True)
class _Build(Transformer[Token, Any]):
    def __init__(self, source: str, path: Path):
        super().__init__()
        self.source, self.path = source, path

    # -- file level
    def start(self, meta: Any, items: list[Any]) -> n.RuleFile:
        f = n.RuleFile(self.path, self.source)
        for it in items:
            if isinstance(it, n.PackDecl):
                if f.pack is not None:
                    raise _SemanticError(it.pos, "一个文件只能有一个 pack 声明", "only one pack declaration per file")
                f.pack = it
            elif isinstance(it, n.Const):
                f.consts.append(it)
            else:
                f.rules.append(it)
        consts = {c.name: c.expr for c in f.consts}
        for r in f.rules:
            r.file, r.consts = self.path, consts
        return f

    def pack_decl(self, meta: Any, ch: list[Token]) -> n.PackDecl:
        return n.PackDecl(_unquote(ch[0]), _unquote(ch[1]), _unquote(ch[2]), _pos(meta))

    def const_decl(self, meta: Any, ch: list[Any]) -> n.Const:
        return n.Const(str(ch[0]), ch[1], _pos(meta))

    def rule(self, meta: Any, ch: list[Any]) -> n.Rule:
        rid, title, *items = ch
        rule = n.Rule(id=str(rid), title=_unquote(title), pos=_tpos(rid))
        body: list[n.Statement] = []
        for it in items:
            if isinstance(it, tuple):  # (key, value, pos) from a meta line
                key, value, pos = it
                if key in rule.meta_seen:
                    raise _SemanticError(pos, f"元数据 {key} 重复", f"metadata '{key}' given twice")
                rule.meta_seen[key] = pos
                setattr(rule, key, value)
            else:
                body.append(it)
        rule.body = tuple(body)
        return rule

    # -- metadata: each returns (field, value, pos)
    def meta_severity(self, meta: Any, ch: list[Token]) -> tuple[str, Any, n.Pos]:
        return ("severity", str(ch[0]), _pos(meta))

    def meta_category(self, meta: Any, ch: list[Token]) -> tuple[str, Any, n.Pos]:
        return ("category", str(ch[0]), _pos(meta))

    def meta_basis(self, meta: Any, ch: list[Token]) -> tuple[str, Any, n.Pos]:
        return ("basis", _unquote(ch[0]), _pos(meta))

    def meta_message(self, meta: Any, ch: list[Token]) -> tuple[str, Any, n.Pos]:
        return ("message", _unquote(ch[0]), _pos(meta))

    def meta_version(self, meta: Any, ch: list[Token]) -> tuple[str, Any, n.Pos]:
        return ("version", _unquote(ch[0]), _pos(meta))

    def _tags(self, ch: list[Token | None]) -> tuple[str, ...]:
        return tuple(_unquote(t) if t.type == "STRING" else str(t) for t in ch if t is not None)

    def meta_tags(self, meta: Any, ch: list[Token | None]) -> tuple[str, Any, n.Pos]:
        return ("tags", self._tags(ch), _pos(meta))

    def meta_kinds(self, meta: Any, ch: list[Token | None]) -> tuple[str, Any, n.Pos]:
        return ("kinds", self._tags(ch), _pos(meta))

    def meta_profiles(self, meta: Any, ch: list[Token | None]) -> tuple[str, Any, n.Pos]:
        return ("profiles", self._tags(ch), _pos(meta))

    def meta_blank(self, meta: Any, ch: list[Token]) -> tuple[str, Any, n.Pos]:
        return ("blank", str(ch[0]), _pos(meta))

    def meta_status(self, meta: Any, ch: list[Token]) -> tuple[str, Any, n.Pos]:
        return ("status", str(ch[0]), _pos(meta))

    def meta_example(self, meta: Any, ch: list[Token]) -> tuple[str, Any, n.Pos]:
        return ("example", _unquote(ch[0]), _pos(meta))

    def meta_fix(self, meta: Any, ch: list[Token]) -> tuple[str, Any, n.Pos]:
        return ("fix", _unquote(ch[0]), _pos(meta))

    # -- statements
    def for_stmt(self, meta: Any, ch: list[Any]) -> n.For:
        return n.For(tuple(str(t) for t in ch[:-1]), ch[-1], _pos(meta))

    def let_stmt(self, meta: Any, ch: list[Any]) -> n.Let:
        name, expr, *policy = ch
        return n.Let(str(name), expr, str(policy[0]) if policy and policy[0] is not None else None, _pos(meta))

    def when_stmt(self, meta: Any, ch: list[Any]) -> n.When:
        return n.When(ch[0], False, _pos(meta))

    def unless_stmt(self, meta: Any, ch: list[Any]) -> n.When:
        return n.When(ch[0], True, _pos(meta))

    def assert_stmt(self, meta: Any, ch: list[Any]) -> n.Assert:
        expr, rest = ch[0], ch[1:]
        tol = next((x for x in rest if isinstance(x, n.Tolerance)), None)
        msg = next((x for x in rest if isinstance(x, Token)), None)
        src = self.source[meta.start_pos : meta.end_pos]
        return n.Assert(
            expr, tol or n.ROUNDING, _unquote(msg) if msg is not None else None, " ".join(src.split()), _pos(meta)
        )

    def tol_rounding(self, meta: Any, ch: list[Any]) -> n.Tolerance:
        return n.ROUNDING

    def tol_abs(self, meta: Any, ch: list[Token]) -> n.Tolerance:
        return n.Tolerance("abs", Decimal(str(ch[0])))

    def tol_rel(self, meta: Any, ch: list[Token]) -> n.Tolerance:
        text = str(ch[0])
        amount = Decimal(text[:-1]) / 100 if text.endswith("%") else Decimal(text)
        return n.Tolerance("rel", amount)

    def tol_exact(self, meta: Any, ch: list[Any]) -> n.Tolerance:
        return n.Tolerance("exact")

    # -- expressions
    def or_(self, meta: Any, ch: list[Any]) -> n.Or:
        left = ch[0].items if isinstance(ch[0], n.Or) else (ch[0],)  # a or b or c → one Or
        return n.Or((*left, ch[1]), _pos(meta))

    def and_(self, meta: Any, ch: list[Any]) -> n.And:
        left = ch[0].items if isinstance(ch[0], n.And) else (ch[0],)
        return n.And((*left, ch[1]), _pos(meta))

    def not_(self, meta: Any, ch: list[Any]) -> n.Not:
        return n.Not(ch[0], _pos(meta))

    def compare(self, meta: Any, ch: list[Any]) -> n.Compare:
        return n.Compare(str(ch[1]), ch[0], ch[2], _pos(meta))

    def member(self, meta: Any, ch: list[Any]) -> n.Compare:
        return n.Compare("in", ch[0], ch[1], _pos(meta))

    def not_member(self, meta: Any, ch: list[Any]) -> n.Compare:
        return n.Compare("not in", ch[0], ch[1], _pos(meta))

    def add(self, meta: Any, ch: list[Any]) -> n.BinOp:
        return n.BinOp("+", ch[0], ch[1], _pos(meta))

    def sub(self, meta: Any, ch: list[Any]) -> n.BinOp:
        return n.BinOp("-", ch[0], ch[1], _pos(meta))

    def mul(self, meta: Any, ch: list[Any]) -> n.BinOp:
        return n.BinOp("*", ch[0], ch[1], _pos(meta))

    def div(self, meta: Any, ch: list[Any]) -> n.BinOp:
        return n.BinOp("/", ch[0], ch[1], _pos(meta))

    def neg(self, meta: Any, ch: list[Any]) -> n.Neg:
        return n.Neg(ch[0], _pos(meta))

    def _split_args(self, args: Any) -> tuple[tuple[n.Expr, ...], tuple[tuple[str, n.Expr], ...]]:
        if args is None:
            return (), ()
        pos_args: list[n.Expr] = []
        kw: list[tuple[str, n.Expr]] = []
        for a in args:
            if isinstance(a, tuple):
                kw.append(a)
            elif kw:
                raise _SemanticError(
                    _expr_pos(a), "位置参数不能写在命名参数之后", "positional argument after keyword argument"
                )
            else:
                pos_args.append(a)
        return tuple(pos_args), tuple(kw)

    def args(self, meta: Any, ch: list[Any]) -> list[Any]:
        return ch

    def kwarg(self, meta: Any, ch: list[Any]) -> tuple[str, n.Expr]:
        return (str(ch[0]), ch[1])

    def call(self, meta: Any, ch: list[Any]) -> n.Call:
        a, kw = self._split_args(ch[1])
        return n.Call(str(ch[0]), a, kw, _tpos(ch[0]))

    def method(self, meta: Any, ch: list[Any]) -> n.Call:
        a, kw = self._split_args(ch[2])
        return n.Call(str(ch[1]), (ch[0], *a), kw, _tpos(ch[1]))

    def attr(self, meta: Any, ch: list[Any]) -> n.Attr:
        return n.Attr(ch[0], str(ch[1]), _tpos(ch[1]))

    def number(self, meta: Any, ch: list[Token]) -> n.Number:
        return n.Number(Decimal(str(ch[0])), str(ch[0]), _pos(meta))

    def percent(self, meta: Any, ch: list[Token]) -> n.Percent:
        return n.Percent(Decimal(str(ch[0])[:-1]), str(ch[0]), _pos(meta))

    def string(self, meta: Any, ch: list[Token]) -> n.String:
        return n.String(_unquote(ch[0]), _pos(meta))

    def regex(self, meta: Any, ch: list[Token]) -> n.Regex:
        return n.Regex(_regex_body(ch[0]), _pos(meta))

    def true(self, meta: Any, ch: list[Any]) -> n.Bool:
        return n.Bool(True, _pos(meta))

    def false(self, meta: Any, ch: list[Any]) -> n.Bool:
        return n.Bool(False, _pos(meta))

    def var(self, meta: Any, ch: list[Token]) -> n.Var:
        return n.Var(str(ch[0]), _tpos(ch[0]))

    def list(self, meta: Any, ch: list[Any]) -> n.ListExpr:
        return n.ListExpr(tuple(c for c in ch if c is not None), _pos(meta))


def _expr_pos(e: Any) -> n.Pos:
    return getattr(e, "pos", n.NOWHERE)


# Terminal names lark reports, as a rule author would write them.
_TOKEN_NAMES = {
    "$END": "文件结束/end of file",
    "RULE_ID": "规则编号/rule id (如 FL.I.11)",
    "NAME": "名称/name",
    "STRING": '字符串/"string"',
    "NUMBER": "数字/number",
    "PERCENT": "百分数/percent",
    "REGEX": '正则/re"…"',
    "SEVERITY": "error|warning|info",
    "POLICY": "skip|zero|assume_zero|insufficient",
    "COMP_OP": "== != <= >= < >",
}


def _expected(names: set[str]) -> str:
    out: list[str] = []
    for name in sorted(names):
        if name in _TOKEN_NAMES:
            out.append(_TOKEN_NAMES[name])
            continue
        try:
            term = _lark().get_terminal(name)
            out.append(f'"{term.pattern.value}"')
        except KeyError:
            out.append(name)
    if len(out) > 8:
        out = out[:8] + ["…"]
    return ", ".join(out)


def _syntax_diagnostic(path: Path, source: str, err: UnexpectedInput) -> Diagnostic:
    line, col = err.line or 1, err.column or 1
    if isinstance(err, UnexpectedCharacters):
        ch = source[err.pos_in_stream] if err.pos_in_stream is not None and err.pos_in_stream < len(source) else "?"
        zh, en = f"无法识别的字符 {ch!r}", f"unexpected character {ch!r}"
    elif isinstance(err, UnexpectedEOF):
        exp = _expected(set(err.expected))
        zh, en = f"文件意外结束，此处应为 {exp}", f"unexpected end of file, expected {exp}"
        line, col = source.count("\n") + 1, len(source.rsplit("\n", 1)[-1]) + 1
    elif isinstance(err, UnexpectedToken):
        exp = _expected(set(err.accepts or err.expected))
        if err.token.type == "$END":
            zh, en = f"文件意外结束，此处应为 {exp}", f"unexpected end of file, expected {exp}"
            line = max(source.count("\n"), 1)
            col = len(source.splitlines()[line - 1]) + 1 if source.splitlines() else 1
        else:
            zh, en = f"意外的 {err.token!s:.30}，此处应为 {exp}", f"unexpected {err.token!s:.30}, expected {exp}"
    else:  # pragma: no cover - lark raises only the three above
        zh, en = "语法错误", "syntax error"
    return make(path, source, line, col, zh, en)


def parse_source(source: str, path: Path | str = "<string>") -> n.RuleFile:
    """Parse one rule file. Raises :class:`DslError` with ``file:line:col`` diagnostics."""
    p = Path(path)
    try:
        tree = _lark().parse(source)
    except UnexpectedInput as err:
        raise DslError([_syntax_diagnostic(p, source, err)]) from None
    try:
        result: n.RuleFile = _Build(source, p).transform(tree)
    except VisitError as err:
        orig = err.orig_exc
        if isinstance(orig, _SemanticError):
            raise DslError([make(p, source, orig.pos.line, orig.pos.col, orig.zh, orig.en)]) from None
        raise
    return result


def parse_file(path: Path) -> n.RuleFile:
    return parse_source(path.read_text(encoding="utf-8"), path)
