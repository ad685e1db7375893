"""The reviewer's view of a run, shared by the annotated PDF, the HTML report and the workbook: per report its
particulars and counts, and its findings in the canonical order, each with its place in words, its numbers
(实为 / 应为 / 相差, as the terminal report shows them) and where it is drawn on the pages.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from linter.core.findings import SEVERITIES, Finding, Location
from linter.core.results import FileResult, RunResult, sort_key
from linter.reporters.common import CATEGORY_ZH, Tables, display_path, numbers_text, place, tables_of
from linter.reporters.marks import Mark, marks_for
from linter.reporters.outputs import is_pdf

SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
STATUS_ZH = {"pass": "通过", "fail": "未通过", "not_applicable": "不适用", "insufficient_data": "数据不足"}
# the rule language's categories (linter.dsl.checker.CATEGORIES), as ``fiscal-lint explain`` names them
NO_CATEGORY = "其他"


def category_zh(category: str | None) -> str:
    return CATEGORY_ZH.get(category or "", category or NO_CATEGORY)


def number(text: str | None) -> Decimal | str | None:
    """A Decimal when the evidence is a number (never a float), else the text as it is."""
    if text is None:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return text


@dataclass
class Related:
    """Another place the finding rests on (an operand read elsewhere, or a location the rule names)."""

    page: int | None
    place: str
    marks: list[Mark] = field(default_factory=list)


@dataclass
class Item:
    """One finding as a reviewer meets it."""

    key: str  # unique in the run: "r1-f7"
    finding: Finding
    marks: list[Mark]  # where it is drawn; empty when the finding has no box
    related: list[Related]
    tables: Tables | None = None  # the report's tables as printed: places name 表号 and title, never a key

    @property
    def severity_zh(self) -> str:
        return "尾数差异" if self.finding.kind == "rounding" else SEVERITY_ZH[self.finding.severity]

    @property
    def category_zh(self) -> str:
        return category_zh(self.finding.category)

    @property
    def place(self) -> str:
        return place(self.finding.location, self.tables)

    @property
    def page(self) -> int | None:
        """The page it is drawn on first (a sentence may start on a later page than its paragraph)."""
        return self.marks[0].page if self.marks else self.finding.location.page

    @property
    def actual(self) -> Decimal | str | None:
        return number(self.finding.evidence.lhs)

    @property
    def expected(self) -> Decimal | str | None:
        return number(self.finding.evidence.rhs)

    @property
    def difference(self) -> Decimal | str | None:
        return number(self.finding.evidence.difference)

    def numbers_zh(self) -> str:
        """实为/应为/相差 as the terminal report words them: units, the printed precision, empty when they say
        nothing (the workbook keeps the raw numbers and the tolerance in columns of their own)."""
        return numbers_text(self.finding, self.tables)

    def where_zh(self) -> str:
        page = f"第{self.page}页" if self.page else ""
        return " ".join(p for p in (page, self.place) if p)


@dataclass
class Report:
    """One report of the run."""

    index: int  # 1-based, in input order
    result: FileResult
    items: list[Item]
    pdf: bytes | None  # the report's bytes when it is a PDF that was checked

    @property
    def path(self) -> str:
        return display_path(self.result.path)

    @property
    def metadata(self) -> dict[str, Any]:
        return dict(self.result.info.metadata) if self.result.info else {}

    @property
    def pages(self) -> int | None:
        return self.result.info.pages if self.result.info else None

    def severity_counts(self) -> dict[str, int]:
        counts = Counter(i.finding.severity for i in self.items)
        return {s: counts.get(s, 0) for s in SEVERITIES}

    def category_counts(self) -> list[tuple[str, int]]:
        counts = Counter(i.category_zh for i in self.items)
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))

    def rule_counts(self) -> dict[str, int]:
        st = self.result.rule_statuses()
        return {s: st.get(s, 0) for s in STATUS_ZH}

    @property
    def rules_applied(self) -> int:
        """Rules that ran on the report: all but the ones that did not apply."""
        st = self.rule_counts()
        return st["pass"] + st["fail"] + st["insufficient_data"]

    @property
    def located(self) -> list[Item]:
        return [i for i in self.items if i.marks]

    @property
    def unlocated(self) -> list[Item]:
        return [i for i in self.items if not i.marks]


def elsewhere(loc: Location, fr: FileResult) -> bool:
    """A place in another report of the set (a cross-document rule's): named, never drawn on this one."""
    file = getattr(loc, "file", None)
    if file is not None:
        try:
            return Path(file).resolve() != fr.path.resolve()
        except OSError:
            return True
    return getattr(loc, "report", None) is not None


def _related(f: Finding) -> list[Location]:
    """The finding's related places (other reports of a set) and the places of its operands, not its own."""
    own = f.location
    seen = {(own.page, own.bbox, own.text)}
    out: list[Location] = []
    extra = getattr(f, "related", None) or []
    for loc in [*extra, *(o.location for o in f.evidence.operands if o.location is not None)]:
        if not isinstance(loc, Location) or (loc.page is None and not place(loc)):
            continue
        k = (loc.page, loc.bbox, loc.text)
        if k not in seen:
            seen.add(k)
            out.append(loc)
    return out


def _related_place(loc: Location, fr: FileResult) -> str:
    where = place(loc, tables_of(fr)) or (loc.text or "")
    if not elsewhere(loc, fr):
        return where
    report, file = getattr(loc, "report", None), getattr(loc, "file", None)
    page = f"第{loc.page}页 " if loc.page else ""
    return f"{report or ''} {page}{where}".strip() + (f"（{display_path(Path(file))}）" if file else "")


def build_report(index: int, fr: FileResult, pdf: bytes | None, with_marks: bool = True) -> Report:
    """The report's items; ``with_marks`` reads the PDF's glyphs to place sentences (the workbook needs no boxes)."""
    findings = sorted(fr.result.findings, key=sort_key)
    related = [_related(f) for f in findings]
    pdf = pdf if pdf is not None and is_pdf(pdf) else None
    flat = [f.location for f in findings] + [loc for rs in related for loc in rs]
    here = [loc if not elsewhere(loc, fr) else Location() for loc in flat]  # no box on this report's pages
    all_marks = marks_for(here, pdf) if with_marks else [[] for _ in here]
    own, rest = all_marks[: len(findings)], iter(all_marks[len(findings) :])
    items = []
    for f, marks, rel in zip(findings, own, related, strict=True):
        rel_items = []
        for loc in rel:
            marks_of = next(rest)
            page = None if elsewhere(loc, fr) else loc.page
            rel_items.append(Related(page, _related_place(loc, fr), marks_of))
        items.append(Item("", f, marks, rel_items, tables_of(fr)))
    # the canonical order, by the page a finding is drawn on (a sentence may open the next page)
    items.sort(key=lambda i: i.page or 0)
    for n, item in enumerate(items, start=1):
        item.key = f"r{index}-f{n}"
    return Report(index, fr, items, pdf)


def reports_of(run: RunResult, read: Any, with_marks: bool = True) -> list[Report]:
    """Every report of the run; ``read(fr)`` gives a checked report's bytes (None when it was not checked)."""
    out = []
    for i, fr in enumerate(run.files, start=1):
        data = read(fr) if fr.checked else None
        out.append(build_report(i, fr, data, with_marks))
    return out
