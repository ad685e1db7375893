"""What every machine-readable format says about a run, built once so the formats agree."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from urllib.parse import quote

from linter.core.baseline import fingerprint
from linter.core.findings import SEVERITIES, STATUSES, Evidence, Finding, Location, Operand, table_name
from linter.core.results import FileResult, RunResult

TOOL_NAME = "fiscal-lint"
INFORMATION_URI = "https://github.com/fiscal-lint/fiscal-lint"
LOG_SCHEMA = "fiscal-lint/compliance-log/1"

# the rule categories in the reviewer's words (explain, the HTML and workbook outputs)
CATEGORY_ZH = {
    "identity": "表内勾稽",
    "cross-table": "表间一致",
    "cross-document": "报告间一致",
    "prose-vs-table": "说明与表格一致",
    "completeness": "完整性",
    "wording": "表述",
    "format": "格式",
    "timing": "时效",
}


def tool_version() -> str:
    from linter import __version__

    return __version__


def display_path(path: Path) -> str:
    """The path as the user gave it, with "/" separators (the same on every OS)."""
    return path.as_posix()


def relative_uri(path: Path) -> tuple[str, bool]:
    """(uri, relative): a percent-encoded path relative to the current folder when the file is inside
    it (what code-scanning tools expect), else an absolute ``file://`` URI."""
    resolved = path.resolve()
    try:
        rel = resolved.relative_to(Path.cwd().resolve())
    except ValueError:
        return resolved.as_uri(), False
    return quote(rel.as_posix(), safe="/"), True


def pack_infos(run: RunResult) -> list[dict[str, Any]]:
    return [
        {"name": p.name, "version": p.version, "sha256": p.sha256, "rules": p.rules}
        for p in run.packs
    ]


def config_digest(run: RunResult) -> str | None:
    return run.config.digest() if run.config is not None else None


def python_version() -> str:
    import platform  # only the logs name it: not imported by every run

    return platform.python_version()


def outcome_of(fr: FileResult) -> str:
    return "checked" if fr.checked else "not_checked"


def reason_of(fr: FileResult) -> dict[str, str] | None:
    if fr.error is None:
        return None
    return {"code": fr.error.reason, "zh": fr.error.zh, "en": fr.error.en}


def rule_counts(fr: FileResult) -> dict[str, int]:
    st = fr.rule_statuses()
    return {s: st.get(s, 0) for s in ("pass", "fail", "not_applicable", "insufficient_data")}


def severity_counts(counter: Any) -> dict[str, int]:
    return {s: counter.get(s, 0) for s in ("error", "warning", "info")}


def document_dict(fr: FileResult) -> dict[str, Any]:
    """The facts about one report shared by the json and jsonl formats."""
    info = fr.info
    return {
        "path": display_path(fr.path),
        "sha256": info.sha256 if info else fr.sha256,
        "pages": info.pages if info else None,
        "parser": dict(info.parser) if info else None,
        "metadata": dict(info.metadata) if info else {},
        "outcome": outcome_of(fr),
        "reason": reason_of(fr),
        "rule_counts": rule_counts(fr),
        "finding_counts": severity_counts(fr.severity_counts()),
        "baselined": fr.baselined,
        "rule_errors": [e.to_dict() for e in fr.result.errors],
        **({"part_of": display_path(fr.part_of)} if fr.part_of is not None else {}),
    }


def finding_dict(f: Finding) -> dict[str, Any]:
    return {**f.to_dict(), "fingerprint": fingerprint(f)}


def readable_dict(f: Finding, tables: Tables | None = None) -> dict[str, Any]:
    """A finding in the reviewer's words, for the json format (the compliance log keeps :func:`finding_dict`):
    ``where`` (printed table name, row, column and page), ``pages`` (every page it rests on, its own first),
    ``also`` (the other places it compares with) and ``numbers`` (实为/应为/相差 when they say something)."""
    d: dict[str, Any] = {"where": where(f.location, tables), "pages": pages_of(f)}
    if f.location.table or f.location.table_number:
        d["table_name"] = table_label(f.location, tables)
    also = also_text(f, tables)
    if also:
        d["also"] = also
    numbers = numbers_text(f, tables)
    if numbers:
        d["numbers"] = numbers
    return d


# ---- the reviewer's words: printed table names, pages, numbers with their unit and printed precision ----------

Tables = Mapping[str, Mapping[str, str | None]]  # canonical key → {"number", "title", "unit"} as printed
_YEAR_PREFIX = re.compile(r"^\s*(?:19|20)\d{2}\s*年(?:度)?\s*")


def tables_of(fr: FileResult | None) -> Tables:
    """The printed tables of a report (empty for one that could not be read, or a result from an older cache)."""
    return fr.info.tables if fr is not None and fr.info is not None else {}


def table_label(loc: Location, tables: Tables | None = None) -> str:
    """The table as the report prints it: 表号 and title ("公开01表 收入支出决算总表"), the year left out; the
    catalogue's name when the report's own title is not at hand; never the internal key."""
    printed = (tables or {}).get(loc.table or "") or {}
    number = loc.table_number or printed.get("number")
    title = _YEAR_PREFIX.sub("", printed.get("title") or "").strip()
    if not title and loc.table:
        title = table_name(loc.table)
    return " ".join(p for p in (number, title) if p)


def page_text(loc: Location) -> str:
    """``第5页`` (``第12–13页`` for a sentence printed across a page break), or "" without a page."""
    if loc.page is None:
        return ""
    last = loc.continued[-1].get("page", loc.page) if loc.continued else loc.page
    return f"第{loc.page}页" if last == loc.page else f"第{loc.page}–{last}页"


def place(loc: Location, tables: Tables | None = None) -> str:
    """Where, in words, without the page: ``公开09表 财政拨款“三公”经费支出决算表 · 合计 · 决算数/合计`` or the
    section's heading."""
    parts = []
    if loc.table_number or loc.table:
        parts.append(table_label(loc, tables))
    row = " ".join(p for p in (loc.row_code, loc.row_label) if p)
    if row:
        parts.append(row)
    if loc.column:
        parts.append("/".join(loc.column))
    if loc.section and not parts:
        parts.append(loc.section)
    return " · ".join(parts)


def where(loc: Location, tables: Tables | None = None) -> str:
    """The place and its page: ``公开01表 收入支出决算总表 · 一、一般公共服务支出 · 支出/金额 第5页``."""
    return " ".join(p for p in (loc.report or "", place(loc, tables), page_text(loc)) if p)


def related_text(f: Finding, tables: Tables | None = None) -> str:
    """The places in other reports a cross-document finding rests on: "↔ 2024年部门预算 第5页 …（file）"."""
    parts = []
    for loc in f.related:
        parts.append(f"↔ {where(loc, tables)}" + (f"（{display_path(Path(loc.file))}）" if loc.file else ""))
    return "；".join(parts)


def _same_place(a: Location, b: Location) -> bool:
    return a.page == b.page and (a.table, a.table_number, a.section) == (b.table, b.table_number, b.section)


def other_places(f: Finding, tables: Tables | None = None) -> list[Location]:
    """The other places of this report a finding compares with (the operands read on another page, or in another
    table or section): one location per table or section and page, in the order the evidence names them."""
    out: list[Location] = []
    for op in f.evidence.operands:
        loc = op.location
        if loc is None or loc.file or loc.report or loc.page is None or _same_place(loc, f.location):
            continue
        if any(_same_place(loc, seen) for seen in out):
            continue
        out.append(Location(page=loc.page, table=loc.table, table_number=loc.table_number, section=loc.section,
                            continued=loc.continued))
    return out


def pages_of(f: Finding) -> list[int]:
    """Every page of this report the finding rests on, its own first."""
    pages: list[int] = []
    for loc in (f.location, *(op.location for op in f.evidence.operands)):
        if loc is None or loc.file or loc.report:
            continue
        for pg in [loc.page, *((c.get("page") for c in loc.continued) if loc.continued else ())]:
            if isinstance(pg, int) and pg not in pages:
                pages.append(pg)
    return pages


def also_text(f: Finding, tables: Tables | None = None) -> str:
    """"另见 公开03表 支出决算表 第7页" for a finding that compares two places ("" when it has one)."""
    places = []
    for loc in other_places(f, tables):
        label = table_label(loc, tables) if (loc.table or loc.table_number) else (loc.section or "")
        same = label == (table_label(f.location, tables) if (f.location.table or f.location.table_number)
                         else (f.location.section or ""))
        places.append(page_text(loc) if same or not label else f"{label} {page_text(loc)}")
    return ("另见 " + "、".join(places)) if places else ""


_OP = re.compile(r"(<=|>=|==|!=|<|>)")
_COMPARE_WORD = {"<=": "应不超过", "<": "应小于", ">=": "应不低于", ">": "应大于"}
_UNIT_AFTER = r"\s*(万元|亿元|元|%|％)"


def _top_level_operators(expression: str) -> set[str]:
    """The comparison operators of an assertion outside brackets and strings ("assert a <= b" → {"<="})."""
    depth, quote_, ops, text = 0, "", set(), expression.removeprefix("assert ")
    i = 0
    while i < len(text):
        ch = text[i]
        if quote_:
            quote_ = "" if ch == quote_ else quote_
        elif ch in "\"'":
            quote_ = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif depth == 0:
            m = _OP.match(text, i)
            if m:
                ops.add(m.group(1))
                i += len(m.group(1))
                continue
        i += 1
    return ops


def _decimal(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


def _unit_of(op: Operand, evidence: Evidence, tables: Tables | None) -> str | None:
    """The unit a value is printed with: the % or 万元 after it in its sentence, or its table's unit."""
    loc = op.location
    if op.text and op.text.endswith(("%", "％")):
        return "%"
    if loc is not None and loc.text and op.text:
        m = re.search(r"(?<![\d.,])" + re.escape(op.text) + _UNIT_AFTER, loc.text)  # not the "99" of "11.99万元"
        if m:
            return "%" if m.group(1) in "%％" else m.group(1)
    if loc is not None and loc.column and any("%" in c or "％" in c or "率" in c or "进度" in c for c in loc.column):
        return "%"
    if loc is not None and loc.table:
        unit = ((tables or {}).get(loc.table) or {}).get("unit")
        if unit:
            return unit
    return None


def _places(text: str | None) -> int | None:
    if not text:
        return None
    digits = text.replace(",", "").rstrip("%％")
    return len(digits.split(".", 1)[1]) if "." in digits else 0


def _fmt(value: Decimal, places: int | None, grouped: bool) -> str:
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{value:,f}" if grouped else f"{value:f}"


def _says(message: str, figure: str) -> bool:
    """The message prints this figure (not as a part of a longer number: "12.89" is not in "112.890")."""
    return re.search(rf"(?<![\d.,]){re.escape(figure)}(?![\d])", message) is not None


def numbers_text(f: Finding, tables: Tables | None = None) -> str:
    """实为/应为/相差 in the reviewer's words, only when they say something the message does not.

    Left out: a yes/no or counting check (no value read from the report: "实为 0，应为 0" says nothing), equal
    sides, a text already quoted in the message. The expected value is shown at the precision the report prints the
    value it is compared with ("应为 5.15%"), the computed value beside it when it was rounded ("计算值 5.1531%"),
    with the unit (万元, 元, %; 个百分点 for a difference of percentages); an inequality says 应不超过 / 应不低于.
    """
    ev = f.evidence
    if ev.lhs is None or ev.rhs is None:
        return ""
    if ev.method == "text":
        bits = []
        if ev.lhs and ev.lhs not in f.message:
            bits.append(f"实为“{ev.lhs}”")
        if ev.rhs and ev.rhs not in f.message and "、" not in ev.rhs:
            bits.append(f"应为“{ev.rhs}”")
        return "，".join(bits)
    lhs, rhs = _decimal(ev.lhs), _decimal(ev.rhs)
    if lhs is None or rhs is None or not ev.operands or lhs == rhs:
        return ""
    # the sides as printed in the report: an operand read with that value (a side computed by the rule has none)
    lhs_op = next((op for op in ev.operands if _decimal(op.value) == lhs), None)
    rhs_op = next((op for op in ev.operands if _decimal(op.value) == rhs and op is not lhs_op), None)
    if lhs_op is None and rhs_op is None:
        return ""  # both sides derived (a difference against a threshold): the message says what was compared
    unit = next((u for op in [o for o in (lhs_op, rhs_op) if o is not None] + list(ev.operands)
                 if (u := _unit_of(op, ev, tables))), None)
    if unit is None and "pct(" in (ev.expression or ""):
        unit = "%"
    suffix = "%" if unit == "%" else (f" {unit}" if unit else "")
    grouped = any("," in (op.text or "") for op in (lhs_op, rhs_op) if op is not None)
    lhs_places = _places(lhs_op.text) if lhs_op is not None else None
    rhs_places = _places(rhs_op.text) if rhs_op is not None else None

    def shown(value: Decimal, op: Operand | None, places: int | None) -> str:
        if op is not None and op.text:
            return op.text.rstrip("%％")
        return _fmt(value, places, grouped)

    lhs_text = shown(lhs, lhs_op, lhs_places if lhs_op is not None else rhs_places)
    computed = ""
    if rhs_op is None and lhs_places is not None:
        # computed by the rule: at the precision the report prints the value it is compared with
        rhs_value = _decimal(_fmt(rhs, lhs_places, False))
        assert rhs_value is not None
        if rhs_value != rhs:
            exact = rhs.normalize() if rhs != rhs.to_integral_value() else rhs  # 99.700 → 99.7, 5.1531 stays
            computed = f"（计算值 {_fmt(exact, None, grouped)}{suffix}）"
        rhs_places = lhs_places
    else:
        rhs_value = rhs
    rhs_text = shown(rhs_value, rhs_op, rhs_places)
    ops = _top_level_operators(ev.expression or "")
    word = _COMPARE_WORD[next(iter(ops))] if len(ops) == 1 and next(iter(ops)) in _COMPARE_WORD else "应为"
    if word == "应为" and _says(f.message, lhs_text) and _says(f.message, rhs_text) and "相差" in f.message:
        return ""  # the message already prints both figures as the report does, and their difference
    bits = [f"实为 {lhs_text}{suffix}", f"{word} {rhs_text}{suffix}{computed}"]
    diff = lhs - rhs_value
    if diff:
        diff_unit = " 个百分点" if unit == "%" else suffix
        # an inequality says by how much the bound is passed; an equality gives the signed difference
        diff_word = {"应不超过": "超出", "应小于": "超出", "应不低于": "不足", "应大于": "不足"}.get(word, "相差")
        shown_diff = abs(diff) if diff_word != "相差" else diff
        places = max((p for p in (lhs_places, rhs_places) if p is not None), default=None)
        bits.append(f"{diff_word} {_fmt(shown_diff, places, grouped)}{diff_unit}")
    return "，".join(bits)


# ---- what is shown: the display options of the stream formats ------------------------------------------------


@dataclass(frozen=True)
class DisplayOptions:
    """What the stream formats show of a run; never what is evaluated, nor the exit code."""

    severity: str = "info"  # the lowest severity shown (--severity)
    show_info: bool = False  # list the 尾数差异 notes one by one instead of one line per report (--show-info, -v)
    statistics: bool = False  # one line per rule with its count instead of the findings (--statistics)

    def shows(self, f: Finding) -> bool:
        return SEVERITIES.index(f.severity) <= SEVERITIES.index(self.severity)

    def shown(self, findings: Iterable[Finding]) -> list[Finding]:
        return [f for f in findings if self.shows(f)]

    @property
    def filtered(self) -> bool:
        return self.severity != "info"

    @classmethod
    def of(cls, args: Any) -> DisplayOptions:
        """From the options ``add_output_options`` adds (defaults for a command that lacks one)."""
        return cls(
            severity=getattr(args, "severity", None) or "info",
            show_info=bool(getattr(args, "show_info", False)),
            statistics=bool(getattr(args, "statistics", False)),
        )


def configure_display(reporter: Any, args: Any) -> None:
    """Give a built-in stream reporter the display options of the command (a reporter without a ``display``
    attribute, such as a plugin's, shows everything)."""
    if hasattr(reporter, "display"):
        reporter.display = DisplayOptions.of(args)


SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}


def finding_tag(f: Finding) -> str:
    """错误 / 警告 / 提示, or 尾数差异 for an in-tolerance rounding note."""
    return "尾数差异" if f.kind == "rounding" else SEVERITY_ZH[f.severity]


def rank_key(f: Finding) -> tuple[Any, ...]:
    """Errors first, then warnings, then notes (尾数差异 last), each by page and rule."""
    return (SEVERITIES.index(f.severity), f.kind == "rounding", f.location.page or 0, f.rule_id, f.message)


def statistics(findings: Iterable[Finding]) -> list[tuple[int, str, str, str]]:
    """One line per rule (and kind): (count, rule id, 错误/警告/提示/尾数差异, title), the most frequent first."""
    counts: Counter[tuple[str, str, str]] = Counter((f.rule_id, finding_tag(f), f.title) for f in findings)
    return sorted(((n, rid, tag, title) for (rid, tag, title), n in counts.items()), key=lambda x: (-x[0], x[1], x[2]))


def set_dicts(run: RunResult) -> list[dict[str, Any]]:
    """The report sets of the run (unit, reports and their files) with the outcomes of the cross-document
    rules over the set's reports (per rule and report, the worst of its instances)."""
    if run.grouping is None:
        return []
    by_path = {fr.path: fr for fr in run.files}
    out = []
    for rset in run.grouping.sets:
        counts = {s: 0 for s in STATUSES}
        for report in rset.reports:
            fr = by_path.get(report.members[0].path)
            if fr is None:
                continue
            statuses = fr.result.rule_statuses()
            for rid in run.set_rules:
                counts[statuses.get(rid) or "not_applicable"] += 1
        out.append({
            "unit": rset.unit,
            "name": rset.name,
            "reports": [
                {"label": r.label, "year": r.key.year, "kind": r.key.kind, "level": r.key.level,
                 "files": [display_path(m.path) for m in r.members], "how": r.how}
                for r in rset.reports
            ],
            "rule_counts": counts,
        })
    return out


def summary_dict(run: RunResult) -> dict[str, Any]:
    return {
        "files": len(run.files),
        "checked": sum(1 for fr in run.files if fr.checked),
        "not_checked": sum(1 for fr in run.files if not fr.checked),
        "finding_counts": severity_counts(run.severity_counts()),
        "rule_counts": dict(run.status_counts()),
        "rule_errors": sum(len(fr.result.errors) for fr in run.files),
        "baselined": sum(fr.baselined for fr in run.files),
        "baseline_stale": run.baseline_stale,
        "exit_code": run.exit_code,
        "interrupted": run.interrupted,  # Ctrl-C: only the reports finished before it are here
        **({"inputs": run.inputs} if run.interrupted else {}),
        **({"resumed": len(run.resumed)} if run.resumed else {}),  # complete in the resumed log, not checked again
    }
