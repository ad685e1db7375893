"""The set phase of a check run: after every file has been checked on its own, the files are grouped into
reports and report sets (:mod:`linter.core.sets`), and the cross-document rules run on every report of a
set that has more than one report, with the set's other reports as partners.

A report published as several files (the explanation in one PDF, the tables in another) is read as one
document for the cross-document rules: the sections, table of contents and tables of all its files
together. A report's cross-document findings go to its first file.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from linter.core.findings import EvaluationResult, Outcome
from linter.core.model import Document, iter_sections
from linter.core.results import FileResult
from linter.core.sets import Grouping, Member, Report, ReportSet, SetConfig, group
from linter.dsl.values import ORIGIN_ATTR, ReportV, tag_origin

NO_PARTNER = "集合中没有同一单位的其他报告 / no other report of this unit in the run"


@dataclass
class SetPartners:
    """The other reports of one report's set, as ``report()`` reads them."""

    rset: ReportSet
    current: Report
    documents: dict[int, Document]  # id(report) → its (joined) document
    label: str = field(init=False)

    def __post_init__(self) -> None:
        self.label = self.current.label

    def find(self, kind: str, year: int, level: str | None) -> ReportV | None:
        for r in self.rset.reports:
            if r is self.current or r.key.kind != kind or r.key.year != year or (level and r.key.level != level):
                continue
            doc = self.documents.get(id(r))
            if doc is not None:
                return ReportV(doc, r.label, str(r.members[0].path))
        return None

    def missing(self, kind: str, year: int, level: str | None) -> str:
        have = "、".join(r.label for r in self.rset.reports if r is not self.current) or "无"
        return (f"集合中没有 {year} 年{level or ''}{kind}（有：{have}） / "
                f"the set has no {year} {level or ''}{kind} report")


def join_documents(documents: Sequence[Document]) -> Document:
    """One report from its files: the first file's particulars (filled in from the others), every file's
    sections, TOC entries and tables in file order."""
    first = documents[0]
    if len(documents) == 1:
        return first
    metadata = replace(first.metadata)
    for d in documents[1:]:
        for name, value in vars(d.metadata).items():
            if getattr(metadata, name) is None and value is not None:
                setattr(metadata, name, value)
    return replace(
        first,
        metadata=metadata,
        sections=[s for d in documents for s in d.sections],
        toc=[e for d in documents for e in d.toc],
        tables=[t for d in documents for t in d.tables],
    )


def members_of(files: Sequence[FileResult]) -> list[Member]:
    return [Member(fr.path, fr.info.metadata if fr.info else {}, i, fr.sha256 or "")
            for i, fr in enumerate(files) if fr.checked]


@dataclass
class _Lazy:
    """A set's documents, loaded on first use (a cached result needs none)."""

    rset: ReportSet
    by_path: dict[Any, FileResult]
    load: Callable[[FileResult], Document | None]
    loaded: dict[int, _Loaded] | None = None

    def __call__(self) -> dict[int, _Loaded]:
        if self.loaded is None:
            self.loaded = _documents(self.rset, self.by_path, self.load)
        return self.loaded


@dataclass
class _Loaded:
    """A report's document for the set phase: the joined document and the members it was read from (one
    member when the others are copies of it), the first being the one whose prose it reads."""

    document: Document
    members: list[Member]


def run_set_phase(
    files: Sequence[FileResult],
    file_rules: Sequence[Any],
    set_rules: Sequence[Any],
    set_config: SetConfig,
    load: Callable[[FileResult], Document | None],
    evaluate: Callable[[Document, Sequence[Any]], EvaluationResult],
    evaluate_set: Callable[[Document, Sequence[Any], SetPartners], EvaluationResult],
    cached: Callable[[str, Report, ReportSet], tuple[dict[str, Any], EvaluationResult] | None] = lambda k, r, s: None,
    store: Callable[[str, Report, ReportSet, dict[str, Any], EvaluationResult], None] = lambda k, r, s, i, res: None,
) -> Grouping:
    """The report phase of a run, once every file has been checked on its own.

    - A report of several files (the explanation and the tables apart) is checked again as one document with
      the per-file rules (``file_rules``); its result replaces its files' own: each finding goes to the file
      it is in, the rule outcomes to the file with the explanation (the other files say they are part of it).
    - ``set_rules`` (the cross-document ones) run on every report of every set with more than one report, the
      result going to the report's explanation file; a report alone gets a *not applicable* outcome per rule.

    ``load`` gives a checked file's document (kept from its worker, the model cache, or a re-parse);
    ``cached``/``store`` keep a report's results, keyed by the caller on every member's content."""
    grouping = group(members_of(files), set_config)
    by_path = {fr.path: fr for fr in files}
    ids = [getattr(r, "id", "?") for r in set_rules]
    for rset in grouping.sets:
        documents = _Lazy(rset, by_path, load)
        for report in rset.reports:
            if len(report.members) > 1 and file_rules:
                hit = cached("report", report, rset)
                if hit is None and id(report) in documents():
                    got = documents()[id(report)]
                    info = {"primary": str(got.members[0].path), "parts": len(got.members)}
                    result = evaluate(got.document, file_rules) if len(got.members) > 1 else EvaluationResult()
                    store("report", report, rset, info, result)
                    hit = info, result
                if hit is not None and hit[0].get("parts", 1) > 1:  # not copies of one report: parts of it
                    _replace(hit[1], report, by_path, Path(hit[0]["primary"]))
        if not set_rules:
            continue
        if len(rset.reports) < 2:
            for report in rset.reports:
                alone(_primary(report, by_path), ids)
            continue
        for report in rset.reports:
            hit = cached("set", report, rset)
            if hit is None and id(report) in documents():
                others = {k: v.document for k, v in documents().items()}
                result = evaluate_set(documents()[id(report)].document, set_rules, SetPartners(rset, report, others))
                store("set", report, rset, {}, result)
                hit = {}, result
            if hit is not None:
                _route(hit[1], report, by_path, outcomes_to=_primary(report, by_path))
    for member, _why in grouping.alone:
        if set_rules:
            alone(by_path[member.path], ids)
    return grouping


def _primary(report: Report, by_path: dict[Any, FileResult]) -> FileResult:
    """The file a report's rule outcomes go to: the one with the explanation (the prose)."""
    for m in report.members:
        fr = by_path[m.path]
        if fr.part_of is None:
            return fr
    return by_path[report.members[0].path]


def _replace(result: EvaluationResult, report: Report, by_path: dict[Any, FileResult], primary_path: Path) -> None:
    """A report of several files, checked as one: its result replaces what each file gave alone."""
    members = [by_path[m.path] for m in report.members]
    primary = next((fr for fr in members if str(fr.path) == str(primary_path)), members[0])
    for fr in members:
        fr.result = EvaluationResult()
        fr.part_of = None if fr is primary else primary.path
    _route(result, report, by_path, outcomes_to=primary)


def _route(result: EvaluationResult, report: Report, by_path: dict[Any, FileResult], outcomes_to: FileResult) -> None:
    """Each finding to the file it is in (a place naming another file of the report), the rest, outcomes and
    rule errors to ``outcomes_to``."""
    files = {str(m.path): by_path[m.path] for m in report.members}
    for f in result.findings:
        target = files.get(f.location.file or "", outcomes_to)
        if f.location.file and target is not outcomes_to:
            f = replace(f, location=replace(f.location, file=None))
        target.result.findings.append(f)
    outcomes_to.result.outcomes.extend(result.outcomes)
    outcomes_to.result.errors.extend(result.errors)


def _documents(rset: ReportSet, by_path: dict[Any, FileResult], load: Callable[[FileResult], Document | None]
               ) -> dict[int, _Loaded]:
    out: dict[int, _Loaded] = {}
    for report in rset.reports:
        loaded = [(m, load(by_path[m.path])) for m in report.members]
        docs = [(m, d) for m, d in loaded if d is not None]
        if not docs:
            continue
        for m, d in docs:  # every table and sentence read from a member names the member's file
            tag_origin(d, report.label, str(m.path))
        if not _complementary([d for _, d in docs]):  # the same report twice (a PDF and its DOCX): one copy,
            docs = [max(docs, key=lambda md: (_paragraphs(md[1]) + len(md[1].tables), -docs.index(md)))]  # the fullest
        docs.sort(key=lambda md: -_paragraphs(md[1]))  # the explanation's file first: the report's own place
        joined = join_documents([d for _, d in docs])
        object.__setattr__(joined, ORIGIN_ATTR, {"report": report.label, "file": str(docs[0][0].path)})
        out[id(report)] = _Loaded(joined, [m for m, _ in docs])
    return out


def _complementary(docs: list[Document]) -> bool:
    """Parts of one report (the explanation in one file, the tables in another), not copies: no table is
    printed in two of them, and at most one has both prose and tables."""
    if sum(1 for d in docs if _paragraphs(d) and d.tables) > 1:
        return False
    keys = [t.key or t.title for d in docs for t in d.tables]
    return len(keys) == len(set(keys))


def _paragraphs(d: Document) -> int:
    return sum(len(s.paragraphs) for s in iter_sections(d.sections))


def alone(fr: FileResult, rule_ids: Sequence[str]) -> None:
    """A report with no other report of its unit in the run: each cross-document rule is not applicable."""
    fr.result.outcomes.extend(Outcome(rid, "not_applicable", reason=NO_PARTNER) for rid in rule_ids)
