"""The parser on 预算 (budget) disclosures, on small PDFs drawn here: the budget table catalogue, 部门/单位 level
and unit name, glyphs off the page or clipped away, table numbers and labels set apart, titles printed in the
grid, code columns split by misaligned rules, and malformed split codes."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pdfgen import FONT, TableSpec, Writer
from reportlab.lib.pagesizes import A4

from linter.core.catalogue import BUDGET, FINAL_ACCOUNTS, Catalogue
from linter.core.model import Document, Metadata, Row, Table, iter_sections
from linter.parse.pdf.document import parse_pdf
from linter.parse.pdf.pages import iter_pages
from linter.parse.validation import schema_errors

# ---------------------------------------------------------------------------------------------- the catalogue

BUDGET_TITLES = {
    # Shanghai 单位预算: the kind word 预算单位 before the table's name
    "2024年预算单位财务收支预算总表": "budget_summary",
    "2024年预算单位收入预算总表": "budget_income",
    "2024年预算单位支出预算总表": "budget_expenditure",
    "2024年预算单位财政拨款收支预算总表": "budget_fiscal_grant_summary",
    "2024年预算单位一般公共预算支出功能分类预算表": "budget_general_expenditure",
    "2024年预算单位政府性基金预算支出功能分类预算表": "budget_government_fund",
    "2024年预算单位国有资本经营预算支出功能分类预算表": "budget_state_capital",
    "2024年预算单位一般公共预算基本支出部门预算经济分类预算表": "budget_general_basic_expenditure",
    "单位“三公”经费和机关运行经费预算表": "budget_three_public",
    # Shanghai 部门预算
    "2025年部门财务收支预算总表": "budget_summary",
    "2025年部门“三公”经费和机关运行经费预算表": "budget_three_public",
    # the national template (财办发〔2019〕77号)
    "部门收支总表": "budget_summary",
    "部门收入总表": "budget_income",
    "部门支出总表": "budget_expenditure",
    "财政拨款收支总表": "budget_fiscal_grant_summary",
    "一般公共预算支出表": "budget_general_expenditure",
    "一般公共预算基本支出表": "budget_general_basic_expenditure",
    "一般公共预算基本支出明细表(按经济分类)": "budget_general_basic_expenditure",
    "一般公共预算基本支出明细表（按经济分类）": "budget_general_basic_expenditure",
    "一般公共预算“三公”经费支出表": "budget_three_public",
    "政府性基金预算支出表": "budget_government_fund",
    "国有资本经营预算支出表": "budget_state_capital",
    "一般公共预算项目支出表": "budget_project_expenditure",
    "项目支出绩效目标表": "budget_project_performance",
    "财政项目支出绩效目标填报表": "budget_project_performance",
    # a unit's name before the kind word
    "示例县教育局2025年部门收支总表": "budget_summary",
    "示例市某某中心预算单位收入预算总表": "budget_income",
    # Jiangsu
    "“三公”经费、会议费、培训费支出预算表": "budget_three_public",
    "2019年政府采购预算表": "budget_procurement",
}

FINAL_TITLES = {
    "收入支出决算总表": "income_expenditure_summary",
    "2024 年度收入决算表": "income",
    "2024 年度一般公共预算财政拨款基本支出决算明细表": "general_budget_basic_expenditure",
    "财政拨款“三公”经费支出决算表": "three_public",
    "国有资本经营预算财政拨款收入支出决算表": "state_capital",
}


@pytest.mark.parametrize(("title", "key"), sorted(BUDGET_TITLES.items()))
def test_budget_titles_have_their_keys(title: str, key: str) -> None:
    spec = Catalogue().match_title(title)
    assert spec is not None and spec.key == key and spec.kind == "预算"


@pytest.mark.parametrize(("title", "key"), sorted(FINAL_TITLES.items()))
def test_final_account_titles_keep_their_keys(title: str, key: str) -> None:
    spec = Catalogue().match_title(title)
    assert spec is not None and spec.key == key and spec.kind == "决算"


@pytest.mark.parametrize(
    "title",
    [
        "部门决算收支总表",  # ends with a budget name, but a 决算 title
        "单位决算项目支出表",
        "2024年度部门收入决算总表",
        "一般公共预算支出决算表",
    ],
)
def test_no_final_account_title_gets_a_budget_key(title: str) -> None:
    spec = Catalogue().match_title(title)
    assert spec is None or spec.kind == "决算"


def test_no_budget_title_gets_a_final_account_key() -> None:
    catalogue = Catalogue()
    for spec in BUDGET:
        for title in spec.titles:
            for variant in (title, "部门" + title, "预算单位" + title, "2025年单位" + title):
                found = catalogue.match_title(variant)
                assert found is not None and found.kind == "预算", variant
    for spec in FINAL_ACCOUNTS:
        for title in spec.titles:
            found = catalogue.match_title(title)
            assert found is not None and found.kind == "决算", title


def test_a_money_prefix_is_still_another_table() -> None:
    # "…三公经费、会议费、培训费支出预算表" is not 支出预算总表's alias 支出预算表 with a prefix
    assert Catalogue().match_title("一般公共预算收入支出表") is None
    assert Catalogue().match_title("政府性基金预算项目支出表") is None


# ---------------------------------------------------------------------------------------------- drawing helpers


class BudgetWriter(Writer):
    """pdfgen's writer, with the identity line a budget prints: "编制部门：X" / "编制单位：X" / "部门：    X"."""

    def budget_table(
        self, spec: TableSpec, label: str = "编制单位：", gap: float = 0.0, number_above: bool = False
    ) -> None:
        c = self.canvas
        if spec.number and number_above:
            c.setFont(FONT, 9)
            c.drawString(60, self.y, spec.number)
            self.y -= 16
        self.text(spec.title, size=14, centred=True, gap=4)
        c.setFont(FONT, 9)
        if spec.unit_name:
            c.drawString(60, self.y, label)
            c.drawString(60 + 9 * len(label) + gap, self.y, spec.unit_name)
        c.drawRightString(self.page_size[0] - 60, self.y, f"单位：{spec.unit}")
        self.y -= 8
        self._grid(spec, spec.header + spec.body)
        self.y -= 10


def _parse(data: bytes, name: str = "示例.pdf") -> Document:
    return parse_pdf(Path(name), data, Catalogue())


def _table(doc: Document, key: str) -> Table:
    return next(t for t in doc.tables if t.key == key)


def _cover(w: Writer, title: str, label: str | None) -> None:
    w.y = A4[1] - 250
    w.text(title, size=22, centred=True, gap=30)
    if label:
        w.text(label, size=16, centred=True)
    w.new_page()


FUNCTION_HEADER = [
    [{"text": "功能分类科目编码", "colspan": 3}, {"text": "功能分类科目名称", "rowspan": 2}, {"text": "合计", "rowspan": 2}],
    ["类", "款", "项"],
]


def _income(title: str, unit_name: str, body: list[list] | None = None) -> TableSpec:
    return TableSpec(
        title=title,
        number=None,
        header=FUNCTION_HEADER,
        body=body
        or [
            ["208", "", "", "社会保障和就业支出", "100"],
            ["208", "05", "", "行政事业单位养老支出", "100"],
            ["208", "05", "02", "事业单位离退休", "100"],
            [{"text": "合计", "colspan": 4}, "100"],
        ],
        widths=[40, 30, 30, 200, 90],
        unit="元",
        unit_name=unit_name,
        numeric={4},
    )


def _budget_report(cover_title: str, cover_label: str | None, kind_word: str, id_label: str, unit: str) -> bytes:
    w = BudgetWriter()
    _cover(w, cover_title, cover_label)
    w.heading(f"一、{kind_word}主要职能")
    w.paragraph("负责本单位职责范围内的各项工作，按规定编制和执行年度预算。")
    w.heading(f"二、{kind_word}预算编制说明")
    w.paragraph("2024年收入预算100万元，支出预算100万元，与上年预算持平。")
    w.new_page()
    prefix = "预算单位" if kind_word == "单位" else "部门"
    w.budget_table(_income(f"2024年{prefix}收入预算总表", unit), label=id_label)
    w.budget_table(_income(f"2024年{prefix}支出预算总表", unit), label=id_label)
    return w.bytes()


# ---------------------------------------------------------------------------------------------- level and unit name


def test_unit_budget_level_and_name_from_the_cover_label() -> None:
    doc = _parse(_budget_report("示例市示范区福利中心2024年单位预算", "预算单位：示例市示范区福利中心", "单位", "编制单位：",
                                "示例市示范区福利中心"))
    assert doc.metadata.level == "单位"
    assert doc.metadata.unit_name == "示例市示范区福利中心"  # not "…中心单位"
    assert doc.metadata.kind == "预算" and doc.metadata.fiscal_year == 2024
    assert [t.key for t in doc.tables] == ["budget_income", "budget_expenditure"]
    assert schema_errors(doc.to_dict()) == []


def test_department_budget_level_from_the_cover_label() -> None:
    doc = _parse(_budget_report("示例市示范区2024年区级部门预算", "预算主管部门：示例市示范区教育局", "部门", "编制部门：",
                                "示例市示范区教育局"))
    assert doc.metadata.level == "部门"
    assert doc.metadata.unit_name == "示例市示范区教育局"


def test_unit_name_from_the_tables_when_the_cover_names_only_the_region() -> None:
    # "示例市示范区2024年区级单位预算" frames only "示例市示范区区级单位": a place and a kind, not a name
    doc = _parse(_budget_report("示例市示范区2024年区级单位预算", None, "单位", "编制单位：", "示例市示范区福利中心"))
    assert doc.metadata.unit_name == "示例市示范区福利中心"
    assert doc.metadata.level == "单位"  # from the cover title


def test_level_from_the_tables_without_a_cover_title() -> None:
    w = BudgetWriter()
    w.budget_table(_income("2024年预算单位收入预算总表", "示例福利中心"), label="编制单位：")
    w.budget_table(_income("2024年预算单位支出预算总表", "示例福利中心"), label="编制单位：")
    doc = _parse(w.bytes())
    assert doc.metadata.level == "单位"
    assert doc.metadata.unit_name == "示例福利中心"  # what the tables agree on


def test_level_of_a_final_account_from_its_headings_not_its_table_lines() -> None:
    # a 决算 prints "编制单位：" whatever it is: the headings tell
    w = BudgetWriter()
    _cover(w, "示例局2024年度决算公开", None)
    w.heading("第一部分 示例局概况")
    w.paragraph("示例局负责本区相关工作，内设机构三个，下属单位两家，均纳入本部门决算编制范围。")
    w.heading("第二部分 示例局2024年度部门决算表")
    w.paragraph("本部分列示本部门2024年度决算各表，金额单位为万元，数据来源于年度决算报表。")
    spec = _income("收入决算表", "示例局")
    w.budget_table(spec, label="编制单位：")
    doc = _parse(w.bytes())
    assert doc.metadata.kind == "决算"
    assert doc.metadata.level == "部门"
    assert doc.metadata.unit_name == "示例局"


def test_level_is_none_when_nothing_tells() -> None:
    w = BudgetWriter()
    _cover(w, "示例局2024年度决算公开", None)
    w.heading("第一部分 概况")
    w.paragraph("示例局负责本区相关工作。")
    doc = _parse(w.bytes())
    assert doc.metadata.level is None


def test_metadata_level_is_visible_to_rules() -> None:
    from linter.dsl.evaluator import evaluate_rules
    from linter.dsl.parser import parse_source

    rules = parse_source(
        'rule T.L "level" {\n severity info\n message "{lhs}"\n assert metadata("level") == "单位"\n}\n', "t.rules"
    ).rules
    doc = Document(metadata=Metadata(kind="预算", level="单位"), source=None)  # type: ignore[arg-type]
    assert evaluate_rules(rules, doc).rule_status("T.L") == "pass"
    doc.metadata.level = None
    assert evaluate_rules(rules, doc).rule_status("T.L") == "insufficient_data"


# ---------------------------------------------------------------------------------------------- hidden glyphs


def _hidden_text_pdf() -> bytes:
    """One page: visible text, a second copy drawn above the page, a third outside a clipping rectangle (directly
    and through a form XObject), and text drawn after the clip is restored."""
    buf = io.BytesIO()
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(buf, pagesize=A4)
    width, height = A4
    c.setFont(FONT, 12)
    c.drawString(60, height - 100, "一、可见的第一项说明文字。")
    c.drawString(60, height + 150, "一、可见的第一项说明文字。")  # above the page
    c.drawString(60, -40, "二、页面下方之外的文字。")  # below the page
    c.saveState()
    p = c.beginPath()
    p.rect(40, height - 300, width - 80, 150)  # a clip from 150 to 300 pt below the top edge
    c.clipPath(p, stroke=0, fill=0)
    c.drawString(60, height - 200, "二、剪裁区内可见的文字。")
    c.drawString(60, height - 400, "三、剪裁区外隐藏的文字。")  # inside the page, outside the clip
    c.beginForm("hidden")
    c.setFont(FONT, 12)
    c.drawString(60, height - 500, "四、表单对象里隐藏的文字。")
    c.endForm()
    c.doForm("hidden")
    c.restoreState()
    c.setFont(FONT, 12)
    c.drawString(60, height - 600, "五、恢复之后可见的文字。")
    c.showPage()
    c.save()
    return buf.getvalue()


def test_glyphs_off_the_page_or_clipped_away_are_dropped() -> None:
    (page,) = list(iter_pages(io.BytesIO(_hidden_text_pdf())))
    text = "".join(ch.text for ch in page.chars)
    assert text.count("可见的第一项说明文字") == 1
    assert "剪裁区内可见" in text and "恢复之后可见" in text
    for hidden in ("页面下方之外", "剪裁区外隐藏", "表单对象里隐藏"):
        assert hidden not in text
    assert page.hidden >= 4 * 8


def test_prose_holds_each_item_once() -> None:
    doc = _parse(_hidden_text_pdf())
    texts = [p.text for s in iter_sections(doc.sections) for p in s.paragraphs] + [
        s.heading for s in iter_sections(doc.sections)
    ]
    joined = "".join(texts)
    assert joined.count("可见的第一项说明文字") == 1
    assert "隐藏" not in joined


def test_a_glyph_cut_at_the_clip_edge_is_kept() -> None:
    buf = io.BytesIO()
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(buf, pagesize=A4)
    c.setFont(FONT, 20)
    c.saveState()
    p = c.beginPath()
    p.rect(50, 400, 95, 100)  # cuts through the fifth glyph (x 140–160) and hides the sixth
    c.clipPath(p, stroke=0, fill=0)
    c.drawString(60, 450, "采购组织形式")
    c.restoreState()
    c.showPage()
    c.save()
    (page,) = list(iter_pages(io.BytesIO(buf.getvalue())))
    assert "".join(ch.text for ch in page.chars) == "采购组织形"


# ---------------------------------------------------------------------------------------------- table identity


def test_a_table_number_left_at_the_foot_of_the_previous_page() -> None:
    w = BudgetWriter()
    first = _income("收支预算总表", "示例院")
    first.number = "公开01表"
    w.budget_table(first, label="部门名称：", number_above=True)
    w.y = 90  # the next table's number is the last line of the page
    w.text("公开02表", size=9)
    w.new_page()
    w.budget_table(_income("收入预算总表", "示例院"), label="部门名称：")
    doc = _parse(w.bytes())
    assert [(t.key, t.number) for t in doc.tables] == [("budget_summary", "公开01表"), ("budget_income", "公开02表")]
    prose = "".join(p.text for s in iter_sections(doc.sections) for p in s.paragraphs)
    assert "公开02表" not in prose


def test_a_label_set_apart_from_its_value() -> None:
    w = BudgetWriter()
    spec = _income("政府采购支出预算表", "示例院")
    spec.number = "公开12表"
    w.budget_table(spec, label="部门：", gap=60, number_above=True)
    (table,) = _parse(w.bytes()).tables
    assert (table.key, table.number, table.title, table.unit_name) == (
        "budget_procurement", "公开12表", "政府采购支出预算表", "示例院"
    )


def test_a_title_printed_in_the_first_row_of_the_grid() -> None:
    w = BudgetWriter()
    spec = TableSpec(
        title="",
        number=None,
        header=[],
        body=[
            [{"text": "财政项目支出绩效目标填报表", "colspan": 4}],
            [{"text": "（2024年度）", "colspan": 4}],
            ["项目名称", "示例项目", "项目性质", "经常性项目"],
            ["主管部门", "示例局", "实施单位", "示例局"],
        ],
        widths=[80, 150, 80, 150],
        unit_name=None,
    )
    w.budget_table(spec)
    (table,) = _parse(w.bytes()).tables
    assert table.key == "budget_project_performance" and table.title == "财政项目支出绩效目标填报表"
    assert table.rows[0].cells[0].text == "财政项目支出绩效目标填报表"  # the row stays in the body


# ---------------------------------------------------------------------------------------------- codes


def test_a_code_header_over_a_sliver_of_the_name_column() -> None:
    # header rule at one x, body rule at another: 功能科目代码 spans the code column and a sliver of the names
    w = BudgetWriter()
    spec = TableSpec(
        title="财政拨款支出预算表（功能科目）",
        number="公开05表",
        header=[[{"text": "功能科目代码", "colspan": 2}, "功能科目名称", "金额"]],
        body=[
            [{"text": "合计", "colspan": 3}, "100.00"],
            ["204", {"text": "公共安全支出", "colspan": 2}, "100.00"],
            ["20404", {"text": "检察", "colspan": 2}, "100.00"],
            ["2040401", {"text": "行政运行", "colspan": 2}, "60.00"],
            ["2040402", {"text": "一般行政管理事务", "colspan": 2}, "40.00"],
        ],
        widths=[60, 15, 190, 80],
        numeric={3},
    )
    w.budget_table(spec, label="部门名称：", number_above=True)
    (table,) = _parse(w.bytes()).tables
    assert [c.role for c in table.columns] == ["code", "label", "label", "amount"]
    assert [(r.code, r.level, r.label) for r in table.rows] == [
        (None, "合计", "合计"),
        ("204", "类", "公共安全支出"),
        ("20404", "款", "检察"),
        ("2040401", "项", "行政运行"),
        ("2040402", "项", "一般行政管理事务"),
    ]
    assert [r.cells[0].text for r in table.rows][1] == "100.00"


def _rows_by_name(table: Table) -> dict[str, Row]:
    return {r.label: r for r in table.rows if r.label}


def test_a_malformed_class_cell_is_repaired_from_the_rows_above() -> None:
    body = [
        ["208", "", "", "社会保障和就业支出", "100"],
        ["208", "05", "", "行政事业单位养老支出", "100"],
        ["208", "05", "02", "事业单位离退休", "100"],
        ["210", "", "", "卫生健康支出", "50"],
        ["210", "11", "", "行政事业单位医疗", "50"],
        ["7", "11", "02", "事业单位医疗", "50"],  # 类 printed "7": the parent 款 21011 is the row above
        [{"text": "合计", "colspan": 4}, "150"],
    ]
    w = BudgetWriter()
    w.budget_table(_income("2024年部门支出预算总表", "示例局", body), label="编制部门：")
    (table,) = _parse(w.bytes()).tables
    rows = _rows_by_name(table)
    assert len(table.rows) == 7
    row = rows["事业单位医疗"]
    assert (row.code, row.level, row.code_kind, row.code_text, row.code_repaired) == (
        "2101102", "项", "function", "7 11 02", True
    )
    assert rows["事业单位离退休"].code_text is None and not rows["事业单位离退休"].code_repaired
    assert row.cells[0].text == "50"


ECONOMIC_HEADER = [
    [{"text": "经济分类科目编码", "colspan": 2}, {"text": "经济分类科目名称", "rowspan": 2}, {"text": "合计", "rowspan": 2}],
    ["类", "款"],
]


def _economic(body: list[list]) -> bytes:
    w = BudgetWriter()
    w.budget_table(
        TableSpec(
            title="2024年部门一般公共预算基本支出部门预算经济分类预算表",
            number=None,
            header=ECONOMIC_HEADER,
            body=body,
            widths=[40, 30, 200, 90],
            unit="元",
            unit_name="示例局",
            numeric={3},
        ),
        label="编制部门：",
    )
    return w.bytes()


def test_malformed_item_cells_are_repaired_between_their_siblings() -> None:
    (table,) = _parse(
        _economic(
            [
                ["301", "", "工资福利支出", "400"],
                ["301", "01", "基本工资", "100"],
                ["301", "2", "津贴补贴", "100"],  # between 01 and 08 only 02 holds a "2"
                ["301", "7", "绩效工资", "100"],  # and then only 07 a "7"
                ["301", "08", "机关事业单位基本养老保险缴费", "100"],
                [{"text": "合计", "colspan": 3}, "400"],
            ]
        )
    ).tables
    rows = _rows_by_name(table)
    assert [(rows[n].code, rows[n].code_text, rows[n].code_repaired) for n in ("津贴补贴", "绩效工资")] == [
        ("30102", "301 2", True),
        ("30107", "301 7", True),
    ]
    assert rows["基本工资"].code == "30101" and rows["津贴补贴"].level == "款"
    assert rows["津贴补贴"].code_kind == "economic"


def test_an_ambiguous_malformed_code_is_kept_as_printed() -> None:
    (table,) = _parse(
        _economic(
            [
                ["301", "", "工资福利支出", "300"],
                ["301", "01", "基本工资", "100"],
                ["301", "1", "奖金", "100"],  # 10–19 and 21 all hold a "1" between 01 and 30
                ["301", "30", "其他", "100"],
                ["5", "", "", ""],  # nothing but a stray code cell: the row is kept
                [{"text": "合计", "colspan": 3}, "300"],
            ]
        )
    ).tables
    rows = _rows_by_name(table)
    assert (rows["奖金"].code, rows["奖金"].code_text, rows["奖金"].code_repaired, rows["奖金"].level) == (
        None, "301 1", False, None
    )
    stray = [r for r in table.rows if r.code_text == "5"]
    assert len(stray) == 1 and stray[0].code is None
    assert len(table.rows) == 6


def test_a_budget_of_no_known_province_reads_as_the_national_template() -> None:
    w = BudgetWriter()
    w.budget_table(_income("2025年部门收入总表", "示例县示例局"), label="编制部门：")
    w.budget_table(_income("2025年部门支出总表", "示例县示例局"), label="编制部门：")
    doc = _parse(w.bytes())
    assert doc.metadata.kind == "预算"
    assert doc.metadata.profile == "national"  # so one province's layout rules are not applied to it


def test_a_final_account_of_no_known_province_keeps_no_profile() -> None:
    w = BudgetWriter()
    _cover(w, "示例局2024年度决算公开", None)
    w.heading("第一部分 概况")
    w.paragraph("示例局负责本区相关工作。")
    doc = _parse(w.bytes())
    assert doc.metadata.kind == "决算" and doc.metadata.profile is None
