"""End to end on a 预算 laid out by the tests: the Shanghai fragment (rules/yusuan/fixtures/shanghai-budget.json)
drawn as a 区级 部门预算 PDF (tests/budget_pdf.py), parsed by the PDF parser and checked by the 预算 rule pack.

1. The parser reads back what was drawn: metadata, the nine tables with their keys, titles, units, header paths,
   lanes, codes split over 类/款/项 columns, every cell, the notes under the empty tables, and the sections.
2. The FL.B rules come out on the PDF as on the fragment itself: nothing above info, the same status per rule.
3. Planted defects, each alone and all together, fire the rules meant to catch them, and nothing else.
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import budget_pdf
import pytest

from linter.api import Config, Document, Section, Session, Table, load_document
from linter.core.catalogue import Catalogue
from linter.parse.pdf.document import parse_pdf
from linter.parse.validation import schema_errors

# ---------------------------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    return budget_pdf.load_fixture()


@pytest.fixture(scope="module")
def fragment(data: dict[str, Any]) -> Document:
    return load_document(data)


@pytest.fixture(scope="module")
def pdf(data: dict[str, Any]) -> bytes:
    return budget_pdf.render(data)


@pytest.fixture(scope="module")
def doc(pdf: bytes) -> Document:
    return parse_pdf(Path("上海市某区某局2025年部门预算.pdf"), pdf, Catalogue())


@pytest.fixture(scope="module")
def session() -> Session:
    return Session.build(Config())


@pytest.fixture(scope="module")
def rules(session: Session) -> list[Any]:
    found = [r for pack in session.load_packs() for r in pack.rules if r.id.startswith("FL.B.")]
    assert len(found) > 50
    return found


def _check(session: Session, rules: list[Any], pdf: bytes, tmp_path: Path) -> Any:
    """The whole pipeline, as ``fiscal-lint check`` runs it: the file parsed by the session, then the rules."""
    path = tmp_path / "上海市某区某局2025年部门预算.pdf"
    path.write_bytes(pdf)
    return session.evaluate(session.parse(path), rules)


def _statuses(result: Any, rules: list[Any]) -> dict[str, Counter[str]]:
    out: dict[str, Counter[str]] = {r.id: Counter() for r in rules}
    for o in result.outcomes:
        if o.rule_id in out:
            out[o.rule_id][o.status] += 1
    return out


def _serious(result: Any) -> set[tuple[str, str]]:
    return {(f.rule_id, f.severity) for f in result.findings if f.severity in ("error", "warning")}


# ---------------------------------------------------------------------------------------------- 1. parsing


def test_metadata(doc: Document, data: dict[str, Any]) -> None:
    md = data["metadata"]
    assert doc.metadata.kind == md["kind"] == "预算"
    assert doc.metadata.profile == md["profile"] == "shanghai"  # from "上海市…" on the cover
    assert doc.metadata.level == md["level"] == "部门"
    assert doc.metadata.fiscal_year == md["fiscal_year"] == 2025
    assert doc.metadata.unit_name == md["unit_name"]
    assert doc.metadata.title == budget_pdf.cover_title(data) == "上海市" + md["title"]
    assert doc.metadata.currency_unit == "元"
    assert schema_errors(doc.to_dict()) == []


def test_all_nine_tables_are_keyed_in_order(doc: Document, fragment: Document) -> None:
    assert [t.key for t in doc.tables] == [t.key for t in fragment.tables]
    assert len(doc.tables) == 9
    for mine, theirs in zip(doc.tables, fragment.tables, strict=True):
        assert (mine.title, mine.unit) == (theirs.title, theirs.unit), mine.key
        assert mine.unit_name == doc.metadata.unit_name, mine.key  # from "编制部门：某区某局"
    assert len({t.page for t in doc.tables}) == 9  # a page each


def _roles(table: Table) -> list[str]:
    """Column roles with a run of code columns (类 / 款 / 项 printed apart) counted once."""
    out: list[str] = []
    for c in table.columns:
        if not (c.role == "code" and out and out[-1] == "code"):
            out.append(c.role)
    return out


def _amount_paths(table: Table) -> list[tuple[int, list[str]]]:
    return [(c.lane, c.path) for c in table.columns if c.role == "amount"]


@pytest.mark.parametrize("index", range(9))
def test_header_paths_and_lanes(doc: Document, fragment: Document, index: int) -> None:
    mine, theirs = doc.tables[index], fragment.tables[index]
    assert _roles(mine) == [c.role for c in theirs.columns]
    assert _amount_paths(mine) == _amount_paths(theirs)
    assert [lane.name for lane in mine.lanes] == [lane.name for lane in theirs.lanes]
    codes = [c.path for c in mine.columns if c.role == "code"]
    if "经济分类" in mine.title:
        assert codes == [["项目", "部门预算经济分类科目编码", part] for part in "类款"]  # the group header wraps
    elif any(c.role == "code" for c in theirs.columns):
        assert codes == [["项目", "功能分类科目编码", part] for part in "类款项"]
    labels = [(c.lane, c.path) for c in mine.columns if c.role == "label"]
    if len(mine.lanes) > 1:
        assert labels == [(lane.index, [lane.name, "项目"]) for lane in mine.lanes]


def _rows(table: Table) -> list[tuple[Any, ...]]:
    """Each lane's rows in order: code, label, level, and every amount cell as (header path, text, value)."""
    paths = {c.index: "/".join(c.path) for c in table.columns if c.role == "amount"}
    rows = sorted(table.rows, key=lambda r: r.lane)  # stable: each lane keeps its order
    return [
        (r.lane, r.code, r.label, r.level, [(paths[c.column], c.text, c.value) for c in r.cells if c.column in paths])
        for r in rows
    ]


@pytest.mark.parametrize("index", range(9))
def test_every_cell_reads_back(doc: Document, fragment: Document, index: int) -> None:
    mine, theirs = doc.tables[index], fragment.tables[index]
    assert _rows(mine) == _rows(theirs)
    assert [n.text for n in mine.notes] == [n.text for n in theirs.notes]
    assert all(r.code_text is None and not r.code_repaired for r in mine.rows)  # the split codes read cleanly


def test_split_codes_join_into_full_codes(doc: Document, data: dict[str, Any]) -> None:
    # "212 | 01 | 99" printed over 类/款/项 is the 项 2120199; "302 | 17" the economic 款 30217
    income = next(t for t in doc.tables if t.key == "budget_income")
    assert [(r.code, r.level) for r in income.rows if r.code] == [
        (code, {3: "类", 5: "款", 7: "项"}[len(code)])
        for code, *_ in _table(data, "budget_income")["rows"]
        if code
    ]
    basic = next(t for t in doc.tables if t.key == "budget_general_basic_expenditure")
    assert {r.code_kind for r in basic.rows if r.code} == {"economic"}


def _tree(sections: list[Section]) -> list[tuple[Any, ...]]:
    return [(s.heading, [p.text for p in s.paragraphs], _tree(s.children)) for s in sections]


def test_sections_read_back(doc: Document, fragment: Document) -> None:
    assert _tree(doc.sections) == _tree(fragment.sections)


# ---------------------------------------------------------------------------------------------- 2. checking


@pytest.fixture(scope="module")
def clean_result(session: Session, rules: list[Any], pdf: bytes, tmp_path_factory: pytest.TempPathFactory) -> Any:
    return _check(session, rules, pdf, tmp_path_factory.mktemp("clean"))


def test_no_error_or_warning(clean_result: Any) -> None:
    assert clean_result.errors == []
    assert [f.message for f in clean_result.findings if f.severity in ("error", "warning")] == []


def test_rules_come_out_as_on_the_fragment(
    session: Session, rules: list[Any], fragment: Document, clean_result: Any
) -> None:
    on_fragment = session.evaluate(fragment, rules)
    assert on_fragment.findings == [] and on_fragment.errors == []
    passing = {r.id for r in rules if on_fragment.rule_status(r.id) == "pass"}
    assert len(passing) > 50
    assert {r for r in passing if clean_result.rule_status(r) != "pass"} == set()
    # and the same outcomes rule by rule, instance counts included (not_applicable ones too)
    mine, theirs = _statuses(clean_result, rules), _statuses(on_fragment, rules)
    assert {r: (mine[r], theirs[r]) for r in mine if mine[r] != theirs[r]} == {}


# ---------------------------------------------------------------------------------------------- 3. planted defects


def _section(data: dict[str, Any], heading: str) -> dict[str, Any]:
    stack = list(data["sections"])
    while stack:
        s = stack.pop(0)
        if s["heading"] == heading or s["heading"].endswith(heading):
            return s
        stack.extend(s.get("children", []))
    raise KeyError(heading)


def _table(data: dict[str, Any], key: str) -> dict[str, Any]:
    return next(t for t in data["tables"] if t["key"] == key)


_ITEM = re.compile(r"（项）”(\d[\d,]*\.\d+)万元")


def plant_item_amount(data: dict[str, Any]) -> None:
    """(a) the second 项 of 财政拨款支出主要内容 stated at ten times the table's amount (its later 预算安排 figure
    left as it was)."""
    paragraphs = _section(data, "预算编制说明")["paragraphs"]
    i = [k for k, p in enumerate(paragraphs) if _ITEM.search(p)][1]
    m = _ITEM.search(paragraphs[i])
    assert m is not None
    wrong = f"{Decimal(m.group(1)) * 10:.2f}"
    paragraphs[i] = paragraphs[i][: m.start(1)] + wrong + paragraphs[i][m.end(1) :]


def plant_wrong_fund_note(data: dict[str, Any]) -> None:
    """(b) the empty-table note under the 国有资本经营 table names 政府性基金 (a copied note, as real files have)."""
    table = _table(data, "budget_state_capital")
    table["notes"] = [n.replace("国有资本经营", "政府性基金") for n in table["notes"]]
    assert table["notes"] != _table(budget_pdf.load_fixture(), "budget_state_capital")["notes"]


def plant_class_total(data: dict[str, Any]) -> None:
    """(c) the 合计 of the second 类 in 支出预算总表 off by 100 元."""
    table = _table(data, "budget_expenditure")
    total = table["columns"].index("支出预算/合计")
    row = [r for r in table["rows"] if len(r[0]) == 3][1]
    row[total] = f"{int(row[total].replace(',', '')) + 100:,}"


def plant_unit_word(data: dict[str, Any]) -> None:
    """(d) "本单位" in the 政府采购 paragraph of a 部门预算."""
    paragraphs = _section(data, "政府采购预算情况")["paragraphs"]
    assert "本部门" in paragraphs[0]
    paragraphs[0] = paragraphs[0].replace("本部门", "本单位", 1)


# What each defect fires. Besides the rule meant for it, a defect also breaks what follows from it:
# (a) the items no longer add up to 财政拨款支出 (FL.B.P.04), and the item's head figure no longer matches its own
#     "2025年预算安排…万元" (FL.B.P.06);
# (c) the 类 row's 合计 is no longer 基本支出 + 项目支出 (FL.B.I.06, in the same row), and the 类 no longer agrees
#     with the same 类 in 财务收支预算总表 (FL.B.X.02, the cross-table rule).
DEFECTS = {
    "a-item-amount": (plant_item_amount, {("FL.B.P.03", "error"), ("FL.B.P.04", "error"), ("FL.B.P.06", "error")}),
    "b-wrong-fund-note": (plant_wrong_fund_note, {("FL.B.C.08", "error")}),
    "c-class-total": (plant_class_total, {("FL.B.I.05", "error"), ("FL.B.I.06", "error"), ("FL.B.X.02", "error")}),
    "d-unit-word": (plant_unit_word, {("FL.B.W.03", "warning")}),
}


@pytest.mark.parametrize("name", sorted(DEFECTS))
def test_each_planted_defect(
    name: str, data: dict[str, Any], session: Session, rules: list[Any], tmp_path: Path
) -> None:
    plant, expected = DEFECTS[name]
    bad = budget_pdf.variant(data)
    plant(bad)
    result = _check(session, rules, budget_pdf.render(bad), tmp_path)
    assert result.errors == []
    assert _serious(result) == expected
    # the fragment with the same defect says the same: the PDF adds nothing and loses nothing
    assert _serious(session.evaluate(load_document(bad), rules)) == expected


def test_all_planted_defects_together(data: dict[str, Any], session: Session, rules: list[Any], tmp_path: Path) -> None:
    bad = budget_pdf.variant(data)
    for plant, _ in DEFECTS.values():
        plant(bad)
    result = _check(session, rules, budget_pdf.render(bad), tmp_path)
    assert _serious(result) == set().union(*(expected for _, expected in DEFECTS.values()))
    said: dict[str, str] = {}
    for f in result.findings:
        said[f.rule_id] = said.get(f.rule_id, "") + f.message + "\n"
    assert "城乡社区管理事务（款）行政运行（项）" in said["FL.B.P.03"] and "300.00" in said["FL.B.P.03"]
    assert "国有资本经营预算支出功能分类预算表" in said["FL.B.C.08"] and "政府性基金" in said["FL.B.C.08"]
    assert "212 城乡社区支出" in said["FL.B.I.05"] and "500,100" in said["FL.B.I.05"]
    assert "本单位" in said["FL.B.W.03"]
