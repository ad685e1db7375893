"""What a rule evaluation produces: findings (things to fix) and outcomes (what happened to each rule).

A :class:`Finding` is reported to the user: the rule's id and severity, the Chinese
message rendered from the rule's template, where it is, and the evidence a finance
bureau needs to check it by hand (every operand as printed, the computed result,
the tolerance used and the difference). An :class:`Outcome` is recorded for every
evaluation of every rule, so that "nothing found" is never confused with "nothing
checked": each ends as pass, fail, not_applicable or insufficient_data.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]
Status = Literal["pass", "fail", "not_applicable", "insufficient_data"]

SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
STATUSES: tuple[Status, ...] = ("pass", "fail", "not_applicable", "insufficient_data")


@dataclass
class Location:
    """Where a value was read: a table cell, a sentence of a section, or a table note."""

    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    table: str | None = None  # canonical key
    table_number: str | None = None  # as printed: "公开09表", "表七"
    row_code: str | None = None
    row_label: str | None = None
    line_no: str | None = None
    column: list[str] | None = None  # header path
    column_no: str | None = None  # 栏次
    section: str | None = None  # heading as printed
    text: str | None = None  # the sentence or note the value came from
    # in another report of the set (a cross-document rule): that report ("2024年部门预算") and its file
    report: str | None = None
    file: str | None = None
    # a sentence printed across a page break: its box on each further page, [{"page": 13, "bbox": [x0, top, x1,
    # bottom]}] (``page``/``bbox`` above are the first page's)
    continued: list[dict[str, Any]] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(self).items() if v is not None}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Location:
        d = dict(d)
        if d.get("bbox") is not None:
            d["bbox"] = tuple(d["bbox"])
        return cls(**d)

    def describe(self) -> str:
        """A short human-readable place: ``公开09表 决算数/合计`` or ``一、收入支出决算总体情况说明``."""
        parts: list[str] = [self.report] if self.report else []
        if self.table_number or self.table:
            parts.append(self.table_number or table_name(self.table or ""))
        if self.row_code or self.row_label:
            parts.append(" ".join(p for p in (self.row_code, self.row_label) if p))
        if self.column:
            parts.append("/".join(self.column))
        if self.section and not parts:
            parts.append(self.section)
        if self.page is not None:
            last = self.continued[-1]["page"] if self.continued else self.page
            parts.append(f"第{self.page}页" if last == self.page else f"第{self.page}–{last}页")
        return " ".join(parts)


def table_name(key: str) -> str:
    """A table's name in words, for a place without a printed 表号: the catalogue's name of a canonical key
    ("部门整体支出绩效自评表", never "performance_overall"); the key itself only when no catalogue knows it."""
    from linter.core.catalogue import STANDARD_TABLES

    return next((spec.name for spec in STANDARD_TABLES if spec.key == key), key)


@dataclass
class Operand:
    """One value a verdict rests on, as printed and as read."""

    name: str  # the binding or capture it came from, or a description
    text: str | None  # printed text ("" for a blank cell, None for a computed value)
    value: str | None  # Decimal as a string; None when blank
    interval: tuple[str, str] | None = None  # the rounding interval it stands for
    location: Location | None = None
    note: str | None = None  # e.g. "blank taken as 0"

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"name": self.name, "text": self.text, "value": self.value}
        if self.interval is not None:
            d["interval"] = list(self.interval)
        if self.location is not None:
            d["location"] = self.location.to_dict()
        if self.note:
            d["note"] = self.note
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Operand:
        return cls(
            name=d["name"],
            text=d.get("text"),
            value=d.get("value"),
            interval=_tuple(d.get("interval")),
            location=Location.from_dict(d["location"]) if d.get("location") is not None else None,
            note=d.get("note"),
        )


@dataclass
class Evidence:
    """The arithmetic behind a verdict, so a reader can redo it."""

    expression: str | None = None  # the assertion as written
    lhs: str | None = None  # computed values (Decimal strings)
    rhs: str | None = None
    lhs_interval: tuple[str, str] | None = None
    rhs_interval: tuple[str, str] | None = None
    difference: str | None = None
    tolerance: str | None = None  # the largest difference the method accepts
    method: str | None = None  # "interval-round-nearest" | "abs" | "rel" | "exact" | "text"
    operands: list[Operand] = field(default_factory=list)
    matches: list[str] = field(default_factory=list)  # text found (or not found) by a pattern

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {}
        for k in ("expression", "lhs", "rhs", "difference", "tolerance", "method"):
            v = getattr(self, k)
            if v is not None:
                d[k] = v
        for k in ("lhs_interval", "rhs_interval"):
            v = getattr(self, k)
            if v is not None:
                d[k] = list(v)
        if self.operands:
            d["operands"] = [o.to_dict() for o in self.operands]
        if self.matches:
            d["matches"] = list(self.matches)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Evidence:
        ev = dict(d)
        operands = [Operand.from_dict(o) for o in ev.pop("operands", [])]
        for k in ("lhs_interval", "rhs_interval"):
            if ev.get(k) is not None:
                ev[k] = tuple(ev[k])
        return cls(**ev, operands=operands)


@dataclass
class Finding:
    rule_id: str
    severity: Severity
    message: str  # Chinese, rendered from the rule's template
    title: str
    category: str | None = None
    basis: str | None = None
    rule_version: str | None = None
    kind: Literal["violation", "rounding"] = "violation"  # rounding = 尾数差异 inside the envelope
    location: Location = field(default_factory=Location)
    evidence: Evidence = field(default_factory=Evidence)
    args: dict[str, str] = field(default_factory=dict)  # the placeholder values of the message
    instance: dict[str, str] = field(default_factory=dict)  # loop bindings of a rule family
    related: list[Location] = field(default_factory=list)  # where the other reports of a set say otherwise

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "rule_id": self.rule_id,
            "severity": self.severity,
            "kind": self.kind,
            "title": self.title,
            "message": self.message,
            "category": self.category,
            "basis": self.basis,
            "rule_version": self.rule_version,
            "location": self.location.to_dict(),
            "evidence": self.evidence.to_dict(),
            "args": dict(self.args),
            "instance": dict(self.instance),
        }
        if self.related:
            d["related"] = [loc.to_dict() for loc in self.related]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Finding:
        return cls(
            rule_id=d["rule_id"],
            severity=d["severity"],
            message=d["message"],
            title=d["title"],
            category=d.get("category"),
            basis=d.get("basis"),
            rule_version=d.get("rule_version"),
            kind=d.get("kind", "violation"),
            location=Location.from_dict(d.get("location") or {}),
            evidence=Evidence.from_dict(d.get("evidence") or {}),
            args=dict(d.get("args") or {}),
            instance=dict(d.get("instance") or {}),
            related=[Location.from_dict(x) for x in d.get("related") or []],
        )


@dataclass
class Outcome:
    """How one evaluation (one instance of one rule) ended."""

    rule_id: str
    status: Status
    instance: dict[str, str] = field(default_factory=dict)
    reason: str | None = None  # why not_applicable / insufficient_data
    findings: int = 0

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"rule_id": self.rule_id, "status": self.status, "findings": self.findings}
        if self.instance:
            d["instance"] = dict(self.instance)
        if self.reason:
            d["reason"] = self.reason
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Outcome:
        return cls(d["rule_id"], d["status"], dict(d.get("instance") or {}), d.get("reason"), d.get("findings", 0))


@dataclass
class RuleError:
    """A rule that broke while running. It is reported; the other rules still run."""

    rule_id: str
    message: str
    file: str | None = None
    line: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> RuleError:
        return cls(**d)


# Worst first: the summary of a family is the worst of its instances.
_STATUS_RANK: dict[str, int] = {"fail": 0, "insufficient_data": 1, "pass": 2, "not_applicable": 3}


@dataclass
class EvaluationResult:
    findings: list[Finding] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    errors: list[RuleError] = field(default_factory=list)

    def rule_status(self, rule_id: str) -> Status | None:
        """The worst status over all instances of ``rule_id`` (None when it never ran)."""
        return self.rule_statuses().get(rule_id)

    def rule_statuses(self) -> dict[str, Status]:
        """Every rule that ran, with the worst status over its instances: one pass over the outcomes (a report has
        thousands, and every output asks for every rule)."""
        worst: dict[str, Status] = {}
        for o in self.outcomes:
            seen = worst.get(o.rule_id)
            if seen is None or _STATUS_RANK[o.status] < _STATUS_RANK[seen]:
                worst[o.rule_id] = o.status
        return worst

    def merge(self, other: EvaluationResult) -> None:
        self.findings.extend(other.findings)
        self.outcomes.extend(other.outcomes)
        self.errors.extend(other.errors)

    def to_dict(self) -> dict[str, Any]:
        return {
            "findings": [f.to_dict() for f in self.findings],
            "outcomes": [o.to_dict() for o in self.outcomes],
            "errors": [e.to_dict() for e in self.errors],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> EvaluationResult:
        return cls(
            findings=[Finding.from_dict(f) for f in d.get("findings", [])],
            outcomes=[Outcome.from_dict(o) for o in d.get("outcomes", [])],
            errors=[RuleError.from_dict(e) for e in d.get("errors", [])],
        )


def _tuple(v: Any) -> Any:
    return tuple(v) if v is not None else None


@dataclass(frozen=True)
class RuleMeta:
    """What every evaluator says about a rule it runs, whatever language the rule is written in.

    Reporters, the compliance log and ``explain`` read rules only through this type.
    """

    id: str
    title: str
    severity: str
    version: str | None = None
    basis: str | None = None  # the regulation or template the rule rests on
    fix: str | None = None  # how to put it right
    category: str | None = None
    tags: tuple[str, ...] = ()
    example: str | None = None


@dataclass(frozen=True)
class PackInfo:
    """A rule pack as the outputs identify it: name, version, content hash, number of rules."""

    name: str
    version: str
    sha256: str
    rules: int
