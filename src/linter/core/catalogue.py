"""The catalogue of standard disclosure tables and their aliases.

A table's canonical key does not depend on its printed number: the same 三公
table is 公开09表 in the Hubei/Wuhan family and 表七 in the Shanghai family.
Tables are found by title first (whitespace, year and punctuation removed),
then by printed number within a profile. Plugins add catalogues through the
``fiscal_lint_table_catalogue`` hook.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from linter.core.text import normalise_number, normalise_title


@dataclass(frozen=True)
class TableSpec:
    key: str
    kind: str  # "决算" | "预算" | "绩效"
    name: str  # the national name
    titles: tuple[str, ...]  # accepted title variants (normalised form is computed)
    numbers: dict[str, str] = field(default_factory=dict)  # profile → printed number
    lanes: tuple[str, ...] = ()  # lane names of a two-lane (or three-lane) table


FINAL_ACCOUNTS: tuple[TableSpec, ...] = (
    TableSpec(
        "income_expenditure_summary", "决算", "收入支出决算总表",
        ("收入支出决算总表",),
        {"hubei": "公开01表", "shanghai": "表一"},
        lanes=("收入", "支出"),
    ),
    TableSpec("income", "决算", "收入决算表", ("收入决算表",), {"hubei": "公开02表", "shanghai": "表二"}),
    TableSpec("expenditure", "决算", "支出决算表", ("支出决算表",), {"hubei": "公开03表", "shanghai": "表三"}),
    TableSpec(
        "fiscal_grant_summary", "决算", "财政拨款收入支出决算总表",
        ("财政拨款收入支出决算总表",),
        {"hubei": "公开04表", "shanghai": "表四"},
        lanes=("收入", "支出"),
    ),
    TableSpec(
        "general_budget_expenditure", "决算", "一般公共预算财政拨款支出决算表",
        ("一般公共预算财政拨款支出决算表",),
        {"hubei": "公开05表", "shanghai": "表五"},
    ),
    TableSpec(
        "general_budget_basic_expenditure", "决算", "一般公共预算财政拨款基本支出决算表",
        ("一般公共预算财政拨款基本支出决算明细表", "一般公共预算财政拨款基本支出决算表"),
        {"hubei": "公开06表", "shanghai": "表六"},
        lanes=("人员经费", "公用经费", "资本性支出"),
    ),
    TableSpec(
        "government_fund", "决算", "政府性基金预算财政拨款收入支出决算表",
        ("政府性基金预算财政拨款收入支出决算表", "政府性基金预算财政拨款支出决算表"),
        {"hubei": "公开07表", "shanghai": "表八"},
    ),
    TableSpec(
        "state_capital", "决算", "国有资本经营预算财政拨款支出决算表",
        ("国有资本经营预算财政拨款支出决算表", "国有资本经营预算财政拨款收入支出决算表"),
        {"hubei": "公开08表", "shanghai": "表九"},
    ),
    TableSpec(
        "three_public", "决算", "财政拨款“三公”经费支出决算表",
        ("财政拨款三公经费支出决算表", "一般公共预算财政拨款三公经费支出决算表"),
        {"hubei": "公开09表", "shanghai": "表七"},
    ),
)

# Budget titles are listed without the kind word a report prints before them ("部门…", "预算单位…", "单位…"):
# :meth:`Catalogue.match_title` strips it. National-template names (财办发〔2019〕77号: 部门收支总表 …) are aliases.
BUDGET: tuple[TableSpec, ...] = (
    TableSpec(
        "budget_summary", "预算", "财务收支预算总表",
        ("财务收支预算总表", "收支预算总表", "收支总表", "部门收支总表"),
    ),
    TableSpec("budget_income", "预算", "收入预算总表", ("收入预算总表", "收入预算表", "收入总表", "部门收入总表")),
    TableSpec("budget_expenditure", "预算", "支出预算总表", ("支出预算总表", "支出预算表", "支出总表", "部门支出总表")),
    TableSpec(
        "budget_fiscal_grant_summary", "预算", "财政拨款收支预算总表",
        ("财政拨款收支预算总表", "财政拨款收支总表"),
    ),
    TableSpec(
        "budget_fiscal_grant_expenditure", "预算", "财政拨款支出预算表（功能科目）",
        ("财政拨款支出预算表功能科目", "财政拨款支出预算表"),
    ),
    TableSpec(
        "budget_fiscal_grant_basic_expenditure", "预算", "财政拨款基本支出预算表（经济科目）",
        ("财政拨款基本支出预算表经济科目", "财政拨款基本支出预算表"),
    ),
    TableSpec(
        "budget_general_expenditure", "预算", "一般公共预算支出功能分类预算表",
        ("一般公共预算支出功能分类预算表", "一般公共预算支出表", "一般公共预算支出预算表", "一般公共预算支出预算表功能科目"),
    ),
    TableSpec(
        "budget_general_basic_expenditure", "预算", "一般公共预算基本支出部门预算经济分类预算表",
        (
            "一般公共预算基本支出部门预算经济分类预算表",
            "一般公共预算基本支出表",
            "一般公共预算基本支出预算表",
            "一般公共预算基本支出经济分类预算表",
            "一般公共预算基本支出预算表经济科目",
            "一般公共预算基本支出明细表",
            "一般公共预算基本支出明细表按经济分类",
        ),
    ),
    TableSpec(
        "budget_government_fund", "预算", "政府性基金预算支出功能分类预算表",
        (
            "政府性基金预算支出功能分类预算表",
            "政府性基金预算支出表",
            "政府性基金预算支出预算表",
            "政府性基金预算财政拨款支出预算表",
            "财政拨款政府性基金支出预算表",
        ),
    ),
    TableSpec(
        "budget_state_capital", "预算", "国有资本经营预算支出功能分类预算表",
        ("国有资本经营预算支出功能分类预算表", "国有资本经营预算支出表", "国有资本经营预算支出预算表"),
    ),
    TableSpec(
        "budget_three_public", "预算", "“三公”经费和机关运行经费预算表",
        (
            "三公经费和机关运行经费预算表",
            "一般公共预算三公经费支出表",
            "三公经费支出预算表",
            "财政拨款三公经费预算表",
            "三公经费、会议费、培训费支出预算表",  # Jiangsu: the 三公 table with 会议费 and 培训费 added
            "一般公共预算三公经费、会议费、培训费支出预算表",
        ),
    ),
    TableSpec(
        "budget_office_operation", "预算", "一般公共预算机关运行经费支出预算表",
        ("一般公共预算机关运行经费支出预算表", "机关运行经费支出预算表"),
    ),
    TableSpec("budget_procurement", "预算", "政府采购预算表", ("政府采购预算表", "政府采购支出预算表")),
    TableSpec(
        "budget_project_expenditure", "预算", "一般公共预算项目支出表",
        ("一般公共预算项目支出表", "一般公共预算项目支出预算表", "项目支出表", "项目支出预算表"),
    ),
    TableSpec(
        "budget_project_performance", "预算", "项目支出绩效目标表",
        ("项目支出绩效目标表", "财政项目支出绩效目标填报表", "项目支出绩效目标填报表", "项目支出绩效目标申报表"),
    ),
)

PERFORMANCE: tuple[TableSpec, ...] = (
    TableSpec("performance_overall", "绩效", "部门整体支出绩效自评表", ("部门单位整体支出绩效自评表", "部门整体支出绩效自评表")),
    TableSpec("performance_summary", "绩效", "项目支出绩效自评情况汇总表", ("项目支出绩效自评情况汇总表",)),
    TableSpec("performance_project", "绩效", "项目支出绩效自评表", ("项目支出绩效自评表",)),
)

STANDARD_TABLES: tuple[TableSpec, ...] = FINAL_ACCOUNTS + BUDGET + PERFORMANCE

_SEMANTIC_PREFIX = re.compile(r"经费|费|支出|收入|预算|拨款|基金|资本|机关运行|三公|、")
# The kind of report a title may start with, or its prefix may end with: "部门收支总表", "预算单位收入预算总表",
# "单位“三公”经费…", "XX局部门…". It names the reporting unit, not the table.
_KIND_WORD = re.compile(r"^(?:预算单位|部门|单位)")
_KIND_SUFFIX = re.compile(r"(?:预算单位|部门|单位)$")


def strip_kind(title: str) -> str:
    """A normalised title without the kind word it starts with (``预算单位收入预算总表`` → ``收入预算总表``)."""
    return _KIND_WORD.sub("", title, count=1)


def _kind_compatible(spec: TableSpec, title: str) -> bool:
    """A 决算 title never names a budget table, nor a budget title a 决算 table."""
    if spec.kind == "预算":
        return "决算" not in title
    if spec.kind == "决算":
        return "决算" in title
    return True


class Catalogue:
    """Table specs from every plugin, looked up by title or by printed number."""

    def __init__(self, specs: list[TableSpec] | tuple[TableSpec, ...] = STANDARD_TABLES):
        self.specs: list[TableSpec] = list(specs)
        self.by_key = {s.key: s for s in self.specs}
        self._by_title: dict[str, TableSpec] = {}
        for s in self.specs:
            for t in s.titles:
                known = normalise_title(t)
                self._by_title.setdefault(known, s)
                if s.kind == "预算":  # "部门收支总表" is also known as "收支总表"
                    bare = strip_kind(known)
                    if bare and bare != known:
                        self._by_title.setdefault(bare, s)

    def keys(self) -> list[str]:
        return [s.key for s in self.specs]

    def match_title(self, title: str) -> TableSpec | None:
        """Exact match of the normalised title (with or without a leading kind word), else the longest known
        title it ends with after a prefix that names the unit or the report, not money or a purpose."""
        t = normalise_title(title)
        if not t:
            return None
        for candidate in (t, strip_kind(t)):
            spec = self._by_title.get(candidate)
            if spec is not None and _kind_compatible(spec, t):
                return spec
        # A known title after a prefix naming the unit or the report ("部门", "XX局决算表", "XX院预算单位") is the
        # same table; a prefix that names money or a purpose ("三公经费、会议费、培训费支出预算表") is another.
        best = None
        for known, spec in self._by_title.items():
            if not t.endswith(known) or not _kind_compatible(spec, t):
                continue
            prefix = t[: -len(known)]
            if _SEMANTIC_PREFIX.search(_KIND_SUFFIX.sub("", prefix)):
                continue
            if best is None or len(known) > len(best[0]):
                best = (known, spec)
        return best[1] if best else None

    def match_number(self, number: str, profile: str | None) -> TableSpec | None:
        """The spec printed under ``number`` in ``profile`` (or in any profile if unique)."""
        n = normalise_number(number)
        hits = [s for s in self.specs if any(normalise_number(v) == n and (profile in (None, p)) for p, v in s.numbers.items())]
        return hits[0] if len(hits) == 1 else None
