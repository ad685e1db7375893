"""Report sets: the documents of a report repository grouped into reports, and reports into sets by unit.

A **report** is one disclosure: a unit's 预算 or 决算 of one year at one level (部门 / 单位). It is
usually one PDF; a report published as two PDFs (the explanation in one, the tables in the other, as
Jiangsu does) is one report of two files. A **set** is every report of one unit: the unit's name as
printed, normalised (full-width/half-width, spaces, 和/与, a leading 中共, brackets), or mapped by the
set file's aliases. Cross-document rules compare the reports of a set with each other.

The set file (``[tool.fiscal-lint.sets]`` in the configuration, or a ``fiscal-lint-sets.toml`` next to
the reports) says what the names cannot::

    [aliases]                      # another name of the same unit → the name used for the set
    "万里街道办事处" = "上海市普陀区人民政府万里街道办事处"

    [[reports]]                    # these files are one report (paths relative to the set file)
    files = ["2019/委办公开文件.pdf", "2019/委办公开表格.pdf"]
    unit = "江苏省委办公厅"          # optional: what the documents themselves do not say
    year = 2019
    kind = "预算"
    level = "部门"

Grouping only reads each document's particulars (unit name, year, kind, level), never its file name.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from linter.core.config import ConfigError

SET_FILE = "fiscal-lint-sets.toml"
KINDS = ("预算", "决算")
LEVELS = ("部门", "单位")
_REPORT_KEYS = frozenset({"files", "unit", "year", "kind", "level"})


def normalise_unit(name: str) -> str:
    """The comparable form of a unit's name: NFKC (full-width → half-width), no spaces or brackets' width,
    与 → 和, no leading 中共 (a Party organ's name is printed with and without it)."""
    text = unicodedata.normalize("NFKC", name)
    text = re.sub(r"\s+", "", text)
    text = text.replace("与", "和").replace("〔", "[").replace("〕", "]")
    text = re.sub(r"^中国共产党", "中共", text)
    return text.removeprefix("中共")


@dataclass(frozen=True)
class ReportKey:
    unit: str  # normalised (see normalise_unit), after aliases
    year: int
    kind: str  # 预算 | 决算
    level: str  # 部门 | 单位

    def label(self) -> str:
        return f"{self.year}年{self.level}{self.kind}"


@dataclass
class ExplicitReport:
    files: list[Path]
    unit: str | None = None
    year: int | None = None
    kind: str | None = None
    level: str | None = None


@dataclass
class SetConfig:
    aliases: dict[str, str] = field(default_factory=dict)  # normalised alias → normalised set name
    reports: list[ExplicitReport] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)  # the set files read

    def unit_key(self, name: str) -> str:
        key = normalise_unit(name)
        return self.aliases.get(key, key)

    def explicit_for(self, path: Path) -> ExplicitReport | None:
        resolved = path.resolve()
        return next((r for r in self.reports if resolved in r.files), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "aliases": dict(sorted(self.aliases.items())),
            "reports": [{"files": [str(f) for f in r.files], **{k: v for k, v in (("unit", r.unit), ("year", r.year),
                         ("kind", r.kind), ("level", r.level)) if v is not None}} for r in self.reports],
        }

    def merge(self, other: SetConfig) -> None:
        self.aliases.update(other.aliases)
        self.reports.extend(other.reports)
        self.files.extend(other.files)


def parse_set_table(table: Any, base: Path, file: Path | None) -> SetConfig:
    """A set table (the ``sets`` key of the configuration, or a whole ``fiscal-lint-sets.toml``), checked."""

    def bad(zh: str, en: str) -> ConfigError:
        return ConfigError(f"报告集合配置：{zh}", f"report sets: {en}", file)

    if not isinstance(table, Mapping):
        raise bad("应为表", "must be a table")
    unknown = set(table) - {"aliases", "reports"}
    if unknown:
        raise bad(f"未知的键 {sorted(unknown)}（可用：aliases、reports）",
                  f"unknown keys {sorted(unknown)} (known: aliases, reports)")
    config = SetConfig(files=[file] if file else [])
    aliases = table.get("aliases", {})
    if not isinstance(aliases, Mapping):
        raise bad("aliases 应为 {别名 = \"单位名称\"} 表", 'aliases must be a table of {alias = "unit name"}')
    for alias, name in aliases.items():
        if not isinstance(name, str) or not name.strip() or not str(alias).strip():
            raise bad(f"别名 {alias!r} 应对应一个单位名称", f"alias {alias!r} must map to a unit name")
        config.aliases[normalise_unit(str(alias))] = normalise_unit(name)
    reports = table.get("reports", [])
    if not isinstance(reports, list):
        raise bad("reports 应为 [[reports]] 表的列表", "reports must be an array of tables")
    for i, entry in enumerate(reports, 1):
        if not isinstance(entry, Mapping) or set(entry) - _REPORT_KEYS:
            raise bad(f"第 {i} 个 [[reports]] 只能有 {sorted(_REPORT_KEYS)}", f"[[reports]] #{i}: keys {sorted(_REPORT_KEYS)}")
        files = entry.get("files")
        if not isinstance(files, list) or not files or not all(isinstance(f, str) and f for f in files):
            raise bad(f"第 {i} 个 [[reports]] 的 files 应为文件列表", f"[[reports]] #{i}: files must be a list of paths")
        year = entry.get("year")
        if year is not None and (isinstance(year, bool) or not isinstance(year, int) or not 1990 <= year <= 2100):
            raise bad(f"第 {i} 个 [[reports]] 的 year 应为年份", f"[[reports]] #{i}: year must be a year")
        kind, level = entry.get("kind"), entry.get("level")
        if kind is not None and kind not in KINDS:
            raise bad(f"第 {i} 个 [[reports]] 的 kind 应为 预算 或 决算", f"[[reports]] #{i}: kind must be 预算 or 决算")
        if level is not None and level not in LEVELS:
            raise bad(f"第 {i} 个 [[reports]] 的 level 应为 部门 或 单位", f"[[reports]] #{i}: level must be 部门 or 单位")
        unit = entry.get("unit")
        if unit is not None and (not isinstance(unit, str) or not unit.strip()):
            raise bad(f"第 {i} 个 [[reports]] 的 unit 应为单位名称", f"[[reports]] #{i}: unit must be a name")
        config.reports.append(ExplicitReport([(base / f).resolve() for f in files], unit, year, kind, level))
    return config


def read_set_file(path: Path) -> SetConfig:
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"无法读取报告集合文件：{exc}", f"cannot read the set file: {exc}", path) from None
    return parse_set_table(table, path.parent, path)


def discover_set_config(inputs: Iterable[Path], configured: SetConfig | None = None) -> SetConfig:
    """The configuration's set table, and every ``fiscal-lint-sets.toml`` in a folder given as input."""
    config = SetConfig()
    if configured is not None:
        config.merge(configured)
    seen: set[Path] = set()
    for path in inputs:
        folder = path if path.is_dir() else path.parent
        candidate = (folder / SET_FILE).resolve()
        if candidate not in seen and candidate.is_file():
            seen.add(candidate)
            config.merge(read_set_file(candidate))
    return config


# ---- grouping ---------------------------------------------------------------------------------


@dataclass
class Member:
    """One checked document, with the particulars grouping reads."""

    path: Path
    metadata: Mapping[str, Any]
    index: int = 0  # its place in the run's input order
    sha256: str = ""  # of the file's bytes (keys the set phase's cached results)


@dataclass
class Report:
    key: ReportKey
    unit_name: str  # as printed in the first member
    members: list[Member]
    how: str  # why these files are one report: "document" | "set file"

    @property
    def label(self) -> str:
        return self.key.label()


@dataclass
class ReportSet:
    unit: str  # the normalised key
    name: str  # as printed
    reports: list[Report]

    def find(self, kind: str, year: int, level: str | None = None) -> Report | None:
        found = [r for r in self.reports if r.key.kind == kind and r.key.year == year
                 and (level is None or r.key.level == level)]
        if len(found) > 1 and level is None:  # a 部门 report is the natural partner of another 部门 report
            found = [r for r in found if r.key.level == "部门"] or found
        return found[0] if found else None


@dataclass
class Grouping:
    sets: list[ReportSet]
    alone: list[tuple[Member, str]]  # documents not in any report, and why

    def report_of(self, path: Path) -> tuple[ReportSet, Report] | None:
        for s in self.sets:
            for r in s.reports:
                if any(m.path == path for m in r.members):
                    return s, r
        return None


def group(members: Iterable[Member], config: SetConfig | None = None) -> Grouping:
    """Documents into reports (unit, year, kind, level), reports into sets (unit). Deterministic: sets are
    ordered by unit, reports by year, kind and level, members by input order."""
    config = config or SetConfig()
    reports: dict[ReportKey, Report] = {}
    alone: list[tuple[Member, str]] = []
    for m in sorted(members, key=lambda m: m.index):
        explicit = config.explicit_for(m.path)
        md = m.metadata
        name = (explicit.unit if explicit and explicit.unit else None) or md.get("unit_name")
        year = (explicit.year if explicit and explicit.year else None) or md.get("fiscal_year")
        kind = (explicit.kind if explicit and explicit.kind else None) or md.get("kind")
        level = (explicit.level if explicit and explicit.level else None) or md.get("level") or "部门"
        missing = [(zh, en) for zh, en, v in (("单位名称", "unit", name), ("年度", "year", year),
                                               ("预算/决算", "kind (budget or final accounts)", kind)) if not v]
        if missing:
            alone.append((m, f"文档中读不出{'、'.join(zh for zh, _ in missing)} / "
                             f"the document does not say its {', '.join(en for _, en in missing)}"))
            continue
        key = ReportKey(config.unit_key(str(name)), int(year), str(kind), str(level))  # type: ignore[arg-type]
        if key in reports:
            reports[key].members.append(m)
            if explicit:
                reports[key].how = "set file"
        else:
            reports[key] = Report(key, str(name), [m], "set file" if explicit else "document")
    sets: dict[str, ReportSet] = {}
    for key in sorted(reports, key=lambda k: (k.unit, k.year, KINDS.index(k.kind) if k.kind in KINDS else 9, k.level)):
        r = reports[key]
        sets.setdefault(key.unit, ReportSet(key.unit, r.unit_name, [])).reports.append(r)
    for rset in sets.values():  # the set's name: the name most of its reports print (the latest on a tie)
        names = [r.unit_name for r in rset.reports]
        rset.name = max(reversed(names), key=names.count)
    return Grouping(sorted(sets.values(), key=lambda s: s.unit), alone)
