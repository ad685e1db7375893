"""``--format xlsx``: a workbook for the bureau (openpyxl).

Sheet 汇总: one row per report (unit, year, kind, level, checked or why not, errors / warnings / info, the rules'
outcomes). Sheet 问题: one row per finding (report, page, table, row, column, rule, severity, message, and
实为 / 应为 / 相差 as numbers: Decimals, never floats). Both have frozen headers and filters, so a reviewer can
sort a province's reports by what is wrong. No clock time is written (the document properties and the zip
entries carry a fixed one): the same run gives the same bytes.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from linter.core.baseline import fingerprint
from linter.core.results import RunResult
from linter.reporters.outputs import OutputError, refuse_input_as_output, write_atomically
from linter.reporters.review import SEVERITY_ZH, Report, number, reports_of

ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry: no clock in the file
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="305496")
SEVERITY_FILL = {
    "error": PatternFill("solid", fgColor="FFCCC7"),
    "warning": PatternFill("solid", fgColor="FFF1B8"),
    "info": PatternFill("solid", fgColor="D6E4FF"),
}

SUMMARY = [
    ("序号", 6), ("报告", 48), ("单位", 32), ("年度", 8), ("类型", 8), ("层级", 8), ("页数", 8), ("检查结果", 10),
    ("未检查原因", 40), ("错误", 8), ("警告", 8), ("提示", 8), ("问题合计", 10), ("适用规则", 10), ("通过", 8),
    ("未通过", 8), ("不适用", 8), ("数据不足", 10), ("规则出错", 10), ("基线已接受", 12),
]
FINDINGS = [
    ("报告", 40), ("单位", 28), ("页码", 7), ("表号", 10), ("表", 24), ("行", 28), ("栏", 24), ("章节", 28),
    ("规则", 16), ("级别", 8), ("尾数差异", 9), ("类别", 14), ("标题", 36), ("问题说明", 70), ("实为", 14),
    ("应为", 14), ("相差", 12), ("允许误差", 10), ("依据", 30), ("指纹", 34),
]


def _sheet(ws: Worksheet, columns: list[tuple[str, int]], rows: list[list[Any]]) -> None:
    ws.append([name for name, _ in columns])
    for cell in ws[1]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center")
    for row in rows:
        ws.append(row)
    for i, (_, width) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(len(rows) + 1, 2)}"


def _summary_rows(reports: list[Report]) -> list[list[Any]]:
    rows = []
    for r in reports:
        fr, md = r.result, r.metadata
        sev, st = r.severity_counts(), r.rule_counts()
        rows.append([
            r.index, r.path, md.get("unit_name"), md.get("fiscal_year"), md.get("kind"), md.get("level"), r.pages,
            "已检查" if fr.checked else "未检查", fr.error.message if fr.error else None,
            sev["error"], sev["warning"], sev["info"], len(r.items), r.rules_applied if fr.checked else None,
            st["pass"], st["fail"], st["not_applicable"], st["insufficient_data"], len(fr.result.errors), fr.baselined,
        ])
    return rows


def _finding_rows(reports: list[Report]) -> list[tuple[list[Any], str]]:
    rows: list[tuple[list[Any], str]] = []
    for r in reports:
        unit = r.metadata.get("unit_name")
        for item in r.items:
            f, loc, ev = item.finding, item.finding.location, item.finding.evidence
            row = " ".join(p for p in (loc.row_code, loc.row_label) if p) or None
            rows.append(([
                r.path, unit, item.page, loc.table_number, loc.table, row, "/".join(loc.column) if loc.column else None,
                loc.section, f.rule_id, SEVERITY_ZH[f.severity], "是" if f.kind == "rounding" else None,
                item.category_zh, f.title, f.message, number(ev.lhs), number(ev.rhs), number(ev.difference),
                number(ev.tolerance), f.basis, fingerprint(f),
            ], f.severity))
    return rows


def workbook_bytes(run: RunResult) -> bytes:
    reports = reports_of(run, lambda fr: None, with_marks=False)  # no boxes: the model's page is the page
    wb = Workbook()
    wb.properties.creator = "fiscal-lint"
    wb.properties.created = wb.properties.modified = datetime.datetime(*ZIP_TIME)  # a constant, not the clock
    summary = wb.active
    assert summary is not None
    summary.title = "汇总"
    _sheet(summary, SUMMARY, _summary_rows(reports))
    findings = wb.create_sheet("问题")
    rows = _finding_rows(reports)
    _sheet(findings, FINDINGS, [row for row, _ in rows])
    names = [name for name, _ in FINDINGS]
    severity_col = names.index("级别") + 1
    number_cols = [names.index(c) + 1 for c in ("实为", "应为", "相差", "允许误差")]
    for n, (row, severity) in enumerate(rows, start=2):
        findings.cell(row=n, column=severity_col).fill = SEVERITY_FILL[severity]
        for col in number_cols:
            value = row[col - 1]
            if isinstance(value, Decimal):  # shown with the decimals it was printed with: 12.30, not 12.3
                places = max(-int(value.as_tuple().exponent), 0)
                findings.cell(row=n, column=col).number_format = "0." + "0" * places if places else "0"
    buf = io.BytesIO()
    with _FixedTimeZip(buf, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        # ExcelWriter rather than save_workbook(), which stamps the current time into the properties
        ExcelWriter(wb, archive).write_data()
    return buf.getvalue()


class _FixedTimeZip(zipfile.ZipFile):
    """A zip whose entries carry :data:`ZIP_TIME` instead of the time they were written (openpyxl adds parts
    both from memory, ``writestr``, and from temporary files, ``write``)."""

    def write(self, filename: Any, arcname: Any = None, compress_type: Any = None, compresslevel: Any = None) -> None:
        self.writestr(arcname if arcname is not None else Path(filename).name, Path(filename).read_bytes())

    def writestr(self, zinfo_or_arcname: Any, data: Any, compress_type: Any = None, compresslevel: Any = None) -> None:
        if isinstance(zinfo_or_arcname, str):
            zinfo_or_arcname = zipfile.ZipInfo(zinfo_or_arcname, date_time=ZIP_TIME)
            zinfo_or_arcname.compress_type = zipfile.ZIP_DEFLATED
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)


class XlsxReporter:
    def check_target(self, target: Path | None) -> None:
        if target is None:
            raise OutputError("--format xlsx 需要 -o 文件.xlsx（工作簿不能写到终端）",
                              "--format xlsx needs -o FILE.xlsx (a workbook is not written to the terminal)")
        if target.is_dir():
            raise OutputError(f"{target} 是目录，工作簿应为一个文件", f"{target} is a folder: the workbook is one file")

    def write_files(self, run: RunResult, target: Path | None, err: TextIO) -> None:
        self.check_target(target)
        assert target is not None
        refuse_input_as_output(run, target)
        write_atomically(target, workbook_bytes(run))
