"""The prose extractor on real published PDFs (skipped without ../shared).

Shanghai 部门决算 from two producers: ONLYOFFICE (ASCII runs out of order in the content stream, bold faked by
fill+stroke, ragged right, digits on a shifted baseline) and Word 2010 (headings told apart by typeface only,
黑体 / 楷体 against 仿宋 at one size). Expected values were read off the rendered pages. The 部门预算 PDFs must go
through with kind 预算, and with the unit and year of their cover where they have one.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_pdf_prose_seed import SHARED, load, norm

from linter.core.model import Section, iter_sections
from linter.parse.pdf.prose import Prose

REAL = SHARED / "corpus" / "real"
FINANCE = REAL / "juesuan" / "2024-上海市普陀区财政局-部门决算.pdf"  # ONLYOFFICE
PLANNING = REAL / "juesuan" / "2024-上海市普陀区规划和自然资源局-部门决算.pdf"  # Word 2010

_cache: dict[Path, Prose] = {}


def prose_of(pdf: Path) -> Prose:
    if pdf not in _cache:
        _cache[pdf] = load(pdf)[1]
    return _cache[pdf]


def section(prose: Prose, heading: str) -> Section:
    found = [s for s in iter_sections(prose.sections) if norm(s.heading) == norm(heading)]
    assert len(found) == 1, heading
    return found[0]


def texts(s: Section) -> list[str]:
    """The paragraphs as printed (full-width punctuation kept), whitespace removed."""
    return ["".join(p.text.split()) for p in s.paragraphs]


PART3 = [
    "收入支出决算总体情况说明",
    "收入决算情况说明",
    "支出决算情况说明",
    "财政拨款收入支出决算总体情况说明",
    "一般公共预算财政拨款支出决算情况说明",
    "一般公共预算财政拨款基本支出决算情况说明",
    "财政拨款“三公”经费支出决算情况说明",
    "政府性基金预算财政拨款收入支出决算情况说明",
    "国有资本经营预算财政拨款收入支出决算情况说明",
    "预算绩效管理情况",
    "其他重要事项的情况说明",
]


@pytest.mark.parametrize(("pdf", "unit"), [(FINANCE, "上海市普陀区财政局"), (PLANNING, "上海市普陀区规划和自然资源局")])
def test_final_accounts_metadata(pdf: Path, unit: str) -> None:
    meta = prose_of(pdf).metadata
    assert (meta.unit_name, meta.fiscal_year, meta.kind, meta.profile) == (unit, 2024, "决算", "shanghai")
    assert norm(meta.title or "") == f"{unit}2024年度部门决算"


@pytest.mark.parametrize("pdf", [FINANCE, PLANNING])
def test_final_accounts_main_headings(pdf: Path) -> None:
    prose = prose_of(pdf)
    part3 = section(prose, next(s.heading for s in prose.sections if s.number == "第三部分"))
    assert norm(part3.title).endswith("2024年度部门决算情况说明")  # a title wrapped onto a second line, joined
    assert [(c.number, norm(c.title)) for c in part3.children] == [
        (n, t) for n, t in zip("一 二 三 四 五 六 七 八 九 十 十一".split(), PART3, strict=True)
    ]
    five = part3.children[4]
    assert [norm(c.heading) for c in five.children] == [
        "(一)一般公共预算财政拨款支出决算总体情况",
        "(二)一般公共预算财政拨款支出决算结构情况",
        "(三)一般公共预算财政拨款支出决算具体情况",
    ]
    assert all(c.number in {"（一）", "（二）", "（三）"} and c.level == 3 for c in five.children)
    terms = section(prose, next(s.heading for s in prose.sections if s.number == "第四部分"))
    assert norm(terms.title) == "名词解释"
    # "一、财政拨款收入：指…" … "十一、机关运行经费：指…": definitions in body style are paragraphs, not headings
    assert terms.children == []
    assert [t.split("、")[0] for t in texts(terms)] == "一 二 三 四 五 六 七 八 九 十 十一".split()


def test_finance_bureau_paragraphs() -> None:
    prose = prose_of(FINANCE)
    assert [s.number for s in prose.sections] == ["第一部分", "第二部分", "第三部分", "第四部分"]
    assert texts(section(prose, "一、收入支出决算总体情况说明")) == [
        "上海市普陀区财政局2024年度收入支出总计2995.39万元。与2023年度相比，收入支出总计减少56.95万元，"
        "下降1.87%。主要原因：基本支出中人员进出及退休变化，以及项目支出中合同支付进度条款等原因减少支付。"
    ]
    # p.22 item 9: the amounts sit on a lower baseline than the words around them
    item9 = next(t for t in texts(section(prose, "（三）一般公共预算财政拨款支出决算具体情况")) if t.startswith("9、"))
    assert "在职人员基本医疗保险费。年初预算为62.29万元，支出决算为60.99万元。决算数小于预算数的主要原因" in item9
    # item 5 breaks early before "（项）" (ragged right): still one paragraph
    assert any(
        t.startswith("5、") and "行政单位离退休（项）。主要用于" in t
        for t in texts(section(prose, "（三）一般公共预算财政拨款支出决算具体情况"))
    )
    assert texts(section(prose, "（二）“三公”经费财政拨款支出决算具体情况说明。")) == [
        "上海市普陀区财政局2024年度无“三公”经费财政拨款支出。"
    ]
    duties = texts(section(prose, "一、主要职能"))
    assert duties[0] == "第一条根据《上海市普陀区机构改革方案》，制定本规定。"
    assert duties[-1] == "（十二）完成区委、区政府交办的其他任务。"
    assert len(prose.toc) == 26 and {e.page for e in prose.toc} == {2, 3}  # the TOC runs onto a second page
    assert (norm(prose.toc[-1].text), prose.toc[-1].level) == ("第四部分名词解释", 1)


def test_planning_bureau_paragraphs() -> None:
    prose = prose_of(PLANNING)
    # no "第二部分" heading is printed before the tables in this report (p.7 starts with the table title)
    assert [s.number for s in prose.sections] == ["第一部分", "第三部分", "第四部分"]
    assert texts(section(prose, "一、收入支出决算总体情况说明")) == [
        "上海市普陀区规划和自然资源局2024年度收入支出总计9859.38万元。与2023年度相比，收入支出总计增加1062.85万元，"
        "增长12.08%。主要原因：项目支出增加，较上一度增加1133.95万元，主要由于上海市普陀区自然资源确权登记事务中心办公大楼装修等。"
    ]
    three_public = texts(section(prose, "（二）“三公”经费财政拨款支出决算具体情况说明。"))
    assert "公务用车购置支出为0.00万元。" in three_public
    assert (
        three_public[1] == "1、因公出国（境）费支出0.00万元。全年安排因公出国（境）团组0个、累计0人次。"
    )  # over p.25/26
    assert texts(section(prose, "八、政府性基金预算财政拨款收入支出决算情况说明")) == [
        "上海市普陀区规划与自然资源局2024年度无政府性基金预算财政拨款收入和支出。"
    ]
    duties = section(prose, "一、主要职能")
    assert len(duties.paragraphs) == 14 and duties.children == []  # "1.履行全民所有…" … "14.…": list items
    wrapped = next(e for e in prose.toc if e.text.startswith("第二部分"))
    assert (norm(wrapped.text), wrapped.level) == ("第二部分上海市普陀区规划和自然资源局2024年度部门决算表", 1)


BUDGETS = sorted((REAL / "yusuan").glob("*.pdf")) if (REAL / "yusuan").is_dir() else []
# file → (unit, year) read off the covers; the tables-only Jiangsu file has no cover and no prose left
BUDGET_COVERS = {
    "2024-上海市普陀区人民政府万里街道办事处-部门预算": (
        "上海市普陀区人民政府万里街道办事处",
        2024,
    ),  # "预算主管部门："
    "2025-上海市普陀区财政局-部门预算": ("上海市普陀区财政局", 2025),
    "江苏省人民检察院-2019年度部门预算公开": ("江苏省人民检察院", 2019),
    "江苏省委办公厅-江苏省委办公厅2019年度部门预算公开文件": ("江苏省委办公厅", 2019),
}


@pytest.mark.parametrize("pdf", BUDGETS, ids=lambda p: p.stem)
def test_budgets_go_through(pdf: Path) -> None:
    meta = prose_of(pdf).metadata
    assert meta.kind == "预算"  # a tables-only file included: its kind comes from the table titles
    assert meta.profile == ("jiangsu" if "江苏" in pdf.name else "shanghai")
    if pdf.stem in BUDGET_COVERS:
        assert (meta.unit_name, meta.fiscal_year) == BUDGET_COVERS[pdf.stem]
        assert prose_of(pdf).sections
