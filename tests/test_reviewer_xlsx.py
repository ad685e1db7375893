"""The workbook (issue 14), read back with openpyxl: a summary sheet with one row per report (a report that
could not be checked says why), a findings sheet with one row per finding and its numbers as numbers (the
exact decimals, never a float's digits), frozen headers and filters, and the same bytes for the same run."""

from __future__ import annotations

import json
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from lint_reports import BAD_TOTAL, run_in, three_public_report
from openpyxl import load_workbook


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> dict:
    d = tmp_path_factory.mktemp("xlsx")
    (d / "a 三公有误.pdf").write_bytes(three_public_report(BAD_TOTAL))
    (d / "b 损坏.pdf").write_bytes(b"%PDF-1.4\nnot really a PDF\n")
    r = run_in(d, "check", "a 三公有误.pdf", "b 损坏.pdf", "--format", "xlsx", "-o", "review.xlsx",
               "--report", "json=run.json")
    assert r.returncode == 2, r.stderr  # one report not checked
    return {"dir": d, "path": d / "review.xlsx", "run": json.loads((d / "run.json").read_text(encoding="utf-8"))}


def rows(ws) -> list[dict]:
    values = list(ws.iter_rows(values_only=True))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def test_summary_sheet_one_row_per_report(workbook: dict) -> None:
    wb = load_workbook(workbook["path"])
    assert wb.sheetnames == ["汇总", "问题"]
    ws = wb["汇总"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:T3"
    a, b = rows(ws)
    run = workbook["run"]["files"]
    assert a["报告"] == "a 三公有误.pdf" and a["检查结果"] == "已检查" and a["未检查原因"] is None
    assert a["年度"] == 2024 and a["类型"] == "决算" and a["页数"] == 2
    counts = run[0]["finding_counts"]
    assert (a["错误"], a["警告"], a["提示"]) == (counts["error"], counts["warning"], counts["info"])
    assert a["问题合计"] == sum(counts.values())
    rc = run[0]["rule_counts"]
    assert (a["通过"], a["未通过"], a["不适用"], a["数据不足"]) == (
        rc["pass"], rc["fail"], rc["not_applicable"], rc["insufficient_data"])
    assert a["适用规则"] == rc["pass"] + rc["fail"] + rc["insufficient_data"]
    reason = run[1]["reason"]
    assert b["检查结果"] == "未检查" and b["未检查原因"] == f"{reason['zh']} / {reason['en']}"
    assert b["错误"] == 0 and b["适用规则"] is None


def test_findings_sheet_one_row_per_finding_with_numbers(workbook: dict) -> None:
    wb = load_workbook(workbook["path"])
    ws = wb["问题"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:T")
    found = rows(ws)
    expected = workbook["run"]["files"][0]["findings"]
    assert len(found) == len(expected)
    assert {r["指纹"] for r in found} == {f["fingerprint"] for f in expected}
    i11 = next(r for r in found if r["规则"] == "FL.I.11")
    assert i11["级别"] == "错误" and i11["页码"] == 2 and i11["表号"] == "公开09表" and i11["栏"] == "决算数/合计"
    assert i11["表"] == "three_public" and "12.30" in i11["问题说明"]
    for col, text in (("实为", "12.30"), ("应为", "12.00"), ("相差", "0.30")):
        assert isinstance(i11[col], int | float) and Decimal(str(i11[col])) == Decimal(text)
    # numeric cells, shown with the decimals the report printed
    header = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2) if r[header.index("规则")].value == "FL.I.11")
    actual = row[header.index("实为")]
    assert actual.data_type == "n" and actual.number_format == "0.00"


def test_same_run_same_bytes(workbook: dict) -> None:
    d = workbook["dir"]
    r = run_in(d, "check", "a 三公有误.pdf", "b 损坏.pdf", "--format", "xlsx", "-o", "again.xlsx", "--no-cache")
    assert r.returncode == 2
    assert (d / "again.xlsx").read_bytes() == workbook["path"].read_bytes()
    infos = zipfile.ZipFile(workbook["path"]).infolist()
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}


def test_a_workbook_needs_a_file(tmp_path: Path) -> None:
    (tmp_path / "r.pdf").write_bytes(three_public_report(BAD_TOTAL))
    r = run_in(tmp_path, "check", "r.pdf", "--format", "xlsx")
    assert r.returncode == 2 and "需要 -o" in r.stderr and r.stdout == ""
