"""Issue 16, "findings in the reviewer's words": every problem the issue found on the seed and the real reports, run
through the command line as a user would, and shown fixed.

- internal table keys (``income_expenditure_summary``) in messages and places → the printed 表号 and title, in
  every format;
- "实为 0，应为 0，相差 0" on yes/no and counting checks → no numbers where they say nothing;
- percentages without % and rounding ("应为 5.1531") → unit and the report's printed precision, with the computed
  value beside it;
- a cross-table finding with only one of its pages → both;
- in-tolerance 尾数差异 notes between the errors → errors, then warnings, then notes, the 尾数差异 folded into one
  line per report unless ``--show-info`` / ``-v``;
- ``--severity`` (a display filter: the exit code stays) and ``--statistics`` (one line per rule);
- ``--format json`` validated against ``schemas/findings.schema.json``.

The tests on the corpus skip without ../shared; the core ones use a report drawn here (tests/lint_reports.py).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
from lint_reports import BAD_TOTAL, run_in, write_report
from support import REPO

from linter.core.catalogue import STANDARD_TABLES
from linter.core.findings import Evidence, Finding, Location, Operand
from linter.core.results import FileResult, RunResult
from linter.reporters.common import numbers_text, table_label

# every internal table key the catalogue knows (not inside a rule id such as FL.C.07.three_public): none may reach
# a reader
KEYS = re.compile(r"(?<![\w.])(?:" + "|".join(sorted((re.escape(s.key) for s in STANDARD_TABLES), key=len, reverse=True))
                  + r")\b")
TAG = re.compile(r"^    (错误|警告|提示|尾数差异) (?!\d+ 处)")  # a finding's line, not the folded 尾数差异 line


def findings_schema() -> jsonschema.Draft202012Validator:
    schema = json.loads((REPO / "schemas" / "findings.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def text_findings(out: str) -> list[list[str]]:
    """The text output's findings: each its first line and its detail lines."""
    blocks: list[list[str]] = []
    for line in out.splitlines():
        if TAG.match(line):
            blocks.append([line])
        elif line.startswith("      ") and blocks:
            blocks[-1].append(line)
    return blocks


# ---- the corpus: the seed and the ten real reports -------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus(shared: Path) -> list[Path]:
    real = sorted((shared / "corpus" / "real").rglob("*.pdf"))
    assert len(real) == 10
    return [shared / "corpus" / "jianghan-2024" / "jianghan-2024.pdf", *real]


@pytest.fixture(scope="module")
def outputs(corpus: list[Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[int, str]]:
    """Each format of one run over the 11 reports (exit code, output)."""
    cwd = tmp_path_factory.mktemp("readable")
    out: dict[str, tuple[int, str]] = {}
    for name, args in {
        "text": (),
        "verbose": ("-v",),
        "errors": ("--severity", "error"),
        "statistics": ("--statistics",),
        "json": ("--format", "json"),
        "json-errors": ("--format", "json", "--severity", "error"),
        "sarif": ("--format", "sarif"),
        "github": ("--format", "github"),
        "gitlab": ("--format", "gitlab"),
        "junit": ("--format", "junit"),
    }.items():
        proc = run_in(cwd, "check", *corpus, "--no-progress", "--isolated", "-j", "2", *args)
        assert proc.returncode in (0, 1), proc.stderr[-2000:]
        out[name] = (proc.returncode, proc.stdout)
    return out


def test_no_internal_table_key_reaches_any_format(outputs: dict[str, tuple[int, str]]) -> None:
    """Before: 62 text findings (and 37 messages in every format) named tables by key ("performance_overall",
    "general_budget_expenditure"); now the printed 表号 and title ("公开05表 一般公共预算财政拨款支出决算表")."""
    for name in ("text", "verbose", "github", "junit"):
        assert not KEYS.search(outputs[name][1]), (name, KEYS.search(outputs[name][1]))
    data = json.loads(outputs["json"][1])
    for f in (f for doc in data["files"] for f in doc["findings"]):
        for field in ("message", "where", "table_name", "also", "numbers"):
            assert not KEYS.search(f.get(field) or ""), (f["rule_id"], field, f.get(field))
    sarif = json.loads(outputs["sarif"][1])
    for r in sarif["runs"][0]["results"]:
        assert not KEYS.search(r["message"]["text"]), r["message"]["text"]
        for loc in r["locations"] + r.get("relatedLocations", []):
            assert not KEYS.search(loc.get("message", {}).get("text", ""))
            assert not any(KEYS.search(ll["name"]) for ll in loc.get("logicalLocations", []))
    for issue in json.loads(outputs["gitlab"][1]):
        assert not KEYS.search(issue["description"]), issue["description"]
    # the rounding note of the seed's 公开01表/公开03表 comparison names both tables by their printed names
    verbose = outputs["verbose"][1]
    assert "公开01表 收入支出决算总表 · 一、一般公共服务支出 · 支出/金额" in verbose
    # a report that prints no 表号 (Shanghai): the printed title, never the key
    assert "一般公共预算财政拨款支出决算表 · 2080599 其他行政事业单位养老支出" in verbose
    assert "（部门整体支出绩效自评表 第39页）" in verbose  # a rounding message of a table without a 表号


def test_no_numbers_that_say_nothing(outputs: dict[str, tuple[int, str]]) -> None:
    """Before: 22 findings read "实为 0，应为 0，相差 0" (a yes/no or counting check); now none, and no 实为/应为
    line on those findings at all."""
    verbose = outputs["verbose"][1]
    assert "实为 0，应为 0" not in verbose and "相差 0，" not in verbose
    data = json.loads(outputs["json"][1])
    counting = [f for doc in data["files"] for f in doc["findings"] if f["rule_id"] in ("FL.F.04.cross", "FL.C.18.name")]
    assert counting and all("numbers" not in f for f in counting)
    assert all(f["evidence"]["lhs"] == "0" for f in counting)  # the evidence itself is still all there


def test_percentages_keep_their_unit_and_the_printed_precision(outputs: dict[str, tuple[int, str]]) -> None:
    """Before: "实为 5.16，应为 5.1531，相差 0.0069"; now the printed precision with the computed value beside it."""
    text = outputs["text"][1]
    assert "实为 5.16%，应为 5.15%（计算值 5.1531%），相差 0.01 个百分点" in text
    assert "应为 5.1531，" not in text
    data = json.loads(outputs["json"][1])
    p06 = next(f for f in data["files"][0]["findings"] if f["rule_id"] == "FL.P.06")
    assert p06["evidence"]["rhs"] == "5.1531" and "5.1531%" in p06["numbers"]
    # amounts carry 万元 (or 元 in a report in 元) and keep the report's digit grouping
    verbose = outputs["verbose"][1]
    assert "实为 2,946.25 万元，应为 2,946.26 万元，相差 -0.01 万元" in verbose
    assert "实为 154,369,326 元，应为 154,369,327 元，相差 -1 元" in verbose
    # an inequality says what bound was passed
    assert "实为 976.88 万元，应不超过 122.13 万元，超出 854.75 万元" in text


def test_a_finding_comparing_two_places_shows_both_pages(outputs: dict[str, tuple[int, str]]) -> None:
    """Before: the seed's 公开01表/公开03表 finding said only 第5页; now 第5页 and 另见 … 第7页 (text, json, SARIF)."""
    verbose = outputs["verbose"][1]
    block = next(b for b in text_findings(verbose) if "FL.X.02.class" in b[0] and "第5页" in b[0])
    assert any("另见 公开03表 支出决算表 第7页" in line for line in block), block
    data = json.loads(outputs["json"][1])
    p12 = next(f for f in data["files"][0]["findings"] if f["rule_id"] == "FL.P.12")
    assert p12["pages"] == [24, 10] and p12["also"] == "另见 公开05表 一般公共预算财政拨款支出决算表 第10页"
    sarif = json.loads(outputs["sarif"][1])
    r = next(r for r in sarif["runs"][0]["results"] if r["ruleId"] == "FL.P.12")
    assert r["locations"][0]["physicalLocation"]["region"]["startLine"] == 24
    assert [rel["physicalLocation"]["region"]["startLine"] for rel in r["relatedLocations"]] == [10]
    assert "第24页" in r["message"]["text"] and "第10页" in r["message"]["text"]


def test_text_lists_errors_then_warnings_with_rounding_notes_folded(outputs: dict[str, tuple[int, str]]) -> None:
    """Before: 71 尾数差异 notes printed between the errors (by page); now errors, warnings, notes, then one line."""
    rank = {"错误": 0, "警告": 1, "提示": 2, "尾数差异": 3}
    for out, folded in ((outputs["text"][1], True), (outputs["verbose"][1], False)):
        for report in re.split(r"\n(?=/)", out):
            tags = [TAG.match(line).group(1) for line in report.splitlines() if TAG.match(line)]  # type: ignore[union-attr]
            assert tags == sorted(tags, key=rank.__getitem__)
            if folded:
                assert "尾数差异" not in tags
    data = json.loads(outputs["json"][1])
    notes = [sum(f["kind"] == "rounding" for f in doc["findings"]) for doc in data["files"]]
    folded_lines = re.findall(r"^    尾数差异 (\d+) 处，均在舍入误差范围内", outputs["text"][1], re.M)
    assert [int(n) for n in folded_lines] == [n for n in notes if n]
    listed = sum(1 for b in text_findings(outputs["verbose"][1]) if b[0].startswith("    尾数差异 第"))
    assert listed == sum(notes) == 71


def test_severity_filters_what_is_shown_not_the_exit_code(outputs: dict[str, tuple[int, str]]) -> None:
    code, errors_only = outputs["errors"]
    assert code == outputs["text"][0] == 1  # warnings still fail the run (--fail-on warning)
    tags = {TAG.match(line).group(1) for line in errors_only.splitlines() if TAG.match(line)}  # type: ignore[union-attr]
    assert tags == {"错误"}
    assert "按 --severity error 未显示" in errors_only.splitlines()[-1]
    full, filtered = json.loads(outputs["json"][1]), json.loads(outputs["json-errors"][1])
    assert filtered["summary"]["finding_counts"] == full["summary"]["finding_counts"]  # what was found
    assert filtered["summary"]["exit_code"] == full["summary"]["exit_code"] == 1
    shown = [f for doc in filtered["files"] for f in doc["findings"]]
    assert {f["severity"] for f in shown} == {"error"}
    assert filtered["summary"]["shown"] == len(shown) == full["summary"]["finding_counts"]["error"]
    assert filtered["severity_shown"] == "error" and full["summary"]["shown"] == sum(
        full["summary"]["finding_counts"].values())


def test_statistics_prints_one_line_per_rule_with_its_count(outputs: dict[str, tuple[int, str]]) -> None:
    _, out = outputs["statistics"]
    lines = out.splitlines()
    rows = [re.match(r"^\s*(\d+)  (FL\.[\w.]+)\s+(错误|警告|提示|尾数差异)  (.+)$", line) for line in lines[:-1]]
    assert rows and all(rows), [line for line, m in zip(lines, rows, strict=False) if not m][:3]
    counts = [int(m.group(1)) for m in rows if m]
    assert counts == sorted(counts, reverse=True)
    data = json.loads(outputs["json"][1])
    assert sum(counts) == sum(data["summary"]["finding_counts"].values())
    assert len({(m.group(2), m.group(3)) for m in rows if m}) == len(rows)  # one line per rule (and kind)
    assert any(m.group(2) == "FL.F.02" and m.group(3) == "提示" for m in rows if m)


def test_json_of_the_corpus_validates_against_the_published_schema(outputs: dict[str, tuple[int, str]]) -> None:
    validator = findings_schema()
    for name in ("json", "json-errors"):
        data = json.loads(outputs[name][1])
        errors = sorted(validator.iter_errors(data), key=str)
        assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]


# ---- core: a report drawn here ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bad_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_report(tmp_path_factory.mktemp("bad") / "三公 合计有误.pdf", BAD_TOTAL)


def test_a_drawn_report_names_its_table_as_printed_in_every_format(bad_report: Path) -> None:
    cwd = bad_report.parent
    text = run_in(cwd, "check", bad_report.name, "--no-progress", "--isolated")
    assert text.returncode == 1, text.stderr
    block = next(b for b in text_findings(text.stdout) if "FL.I.11" in b[0])
    assert "公开09表 财政拨款“三公”经费支出决算表 · 决算数/合计" in block[1]
    # the message prints both figures and their difference: no second line repeating them
    assert "合计 12.30 万元" in block[0] and "之和 12.00 万元" in block[0] and "相差 0.30" in block[0]
    assert "实为" not in block[1]
    assert not KEYS.search(text.stdout)
    data = json.loads(run_in(cwd, "check", bad_report.name, "--no-progress", "--isolated", "--format", "json").stdout)
    assert not sorted(findings_schema().iter_errors(data), key=str)
    i11 = next(f for f in data["files"][0]["findings"] if f["rule_id"] == "FL.I.11")
    assert i11["table_name"] == "公开09表 财政拨款“三公”经费支出决算表" and i11["pages"] == [2]
    assert i11["location"]["table"] == "three_public"  # the machine field keeps the canonical key
    assert "numbers" not in i11


def _finding(lhs: str, rhs: str, operands: list[Operand], expression: str = "assert a == b",
             location: Location | None = None) -> Finding:
    diff = str(Decimal(lhs) - Decimal(rhs))
    return Finding("T.1", "warning", "消息", "标题", location=location or Location(page=3, section="说明"),
                   evidence=Evidence(expression=expression, lhs=lhs, rhs=rhs, difference=diff, operands=operands))


def test_numbers_are_left_out_when_they_say_nothing() -> None:
    # a counting check: no value read from the report
    assert numbers_text(_finding("0", "0", [])) == ""
    assert numbers_text(_finding("0", "1", [], "assert count(x) > 0")) == ""
    # both sides derived (a difference against a threshold): the message says it
    ops = [Operand("a", "45.41", "45.41"), Operand("b", "11.67", "11.67")]
    assert numbers_text(_finding("25.70", "1", ops, "assert abs(x - y) <= 1")) == ""


def test_numbers_are_left_out_when_the_message_prints_both_figures_and_their_difference() -> None:
    cell = Location(page=10, table="general_budget_expenditure", table_number="公开05表", row_label="合计")
    said = Operand("s", "5377.64", "5377.64", location=Location(page=24, text="基本支出5377.64万元"))
    printed = Operand("t", "5364.75", "5364.75", location=cell)
    both = "说明写基本支出 5377.64 万元，表中为 5364.75 万元（相差 12.89）"
    f = _finding("5377.64", "5364.75", [said, printed])
    f.message = both
    assert numbers_text(f) == ""
    # a figure inside a longer number is not the figure: "5364.75" is not printed in "15364.75"
    f.message = "说明写基本支出 5377.64 万元，表中为 15364.75 万元（相差 12.89）"
    assert numbers_text(f) == "实为 5377.64 万元，应为 5364.75 万元，相差 12.89 万元"


def test_numbers_take_unit_and_precision_from_the_printed_value() -> None:
    sentence = Location(page=19, section="说明", text="4.卫生健康支出类支出50.34万元，占5.16%。")
    cell = Location(page=10, table="general_budget_expenditure", table_number="公开05表", row_label="合计")
    share = Operand("share", "5.16", "5.16", location=sentence)
    item = Operand("item", "50.34", "50.34", location=cell)
    assert numbers_text(_finding("5.16", "5.1531", [share, item], "assert pct_matches(m.share, pct(a, b))")) == \
        "实为 5.16%，应为 5.15%（计算值 5.1531%），相差 0.01 个百分点"
    tables = {"general_budget_expenditure": {"number": "公开05表", "title": "2024 年度一般公共预算财政拨款支出决算表",
                                             "unit": "万元"}}
    printed = Operand("t", "122.13", "122.13", location=cell)
    said = Operand("s", "976.88", "976.88", location=Location(page=24, text="资金976.88万元"))
    assert numbers_text(_finding("976.88", "122.13", [said, printed], "assert m.amount <= projects"), tables) == \
        "实为 976.88 万元，应不超过 122.13 万元，超出 854.75 万元"
    # the "99" of "11.99万元" is not the 99 of "99%"
    rate = Operand("rate", "99", "99", location=Location(page=26, text="执行数为11.99万元，完成预算的99%。"))
    assert numbers_text(_finding("99", "99.9167", [rate])).startswith("实为 99%，应为 100%（计算值 99.9167%）")
    assert table_label(cell, tables) == "公开05表 一般公共预算财政拨款支出决算表"
    assert table_label(Location(table="performance_overall")) == "部门整体支出绩效自评表"
    assert Location(table="performance_overall", page=39).describe() == "部门整体支出绩效自评表 第39页"


def _run_with(message: str) -> RunResult:
    from linter.core.findings import EvaluationResult

    finding = Finding("T.1", "error", message, "标题", location=Location(page=3))
    return RunResult([FileResult(Path("r.pdf"), result=EvaluationResult(findings=[finding]))], [])


def test_text_on_a_pipe_is_plain_and_a_report_cannot_rewrite_the_log(monkeypatch: pytest.MonkeyPatch) -> None:
    """Off a terminal the report is written as plain lines (rich, a twentieth of a second to import, is not
    needed); control characters from a report's text (a carriage return, an escape sequence) are dropped."""
    import io

    from linter.reporters.text import TextReporter

    monkeypatch.delenv("FORCE_COLOR", raising=False)
    out = io.StringIO()
    TextReporter().report(_run_with("合计\r不等\x1b[2K，见[bold]表[/bold]\t一"), out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "r.pdf"
    assert lines[1] == "    错误 第3页 T.1 合计不等[2K，见[bold]表[/bold]\t一"
    assert "\x1b" not in out.getvalue() and "\r" not in out.getvalue()


def test_text_in_colour_when_asked_says_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from linter.reporters.text import TextReporter

    plain, coloured = io.StringIO(), io.StringIO()
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    TextReporter().report(_run_with("合计不等，见[bold]表[/bold]"), plain)
    monkeypatch.setenv("FORCE_COLOR", "1")
    TextReporter().report(_run_with("合计不等，见[bold]表[/bold]"), coloured)
    assert "\x1b[" in coloured.getvalue()
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured.getvalue()) == plain.getvalue()
    # in colour too, a report's own escape sequence does not reach the terminal
    hostile = io.StringIO()
    TextReporter().report(_run_with("合计\x1b[2K不等"), hostile)
    assert "合计[2K不等" in re.sub(r"\x1b\[[0-9;]*m", "", hostile.getvalue())
    assert "\x1b[2K" not in hostile.getvalue()


def test_each_run_id_is_a_fresh_version_4_uuid() -> None:
    """The run id ties a run's log records together: made without the uuid module, it is still one."""
    import uuid

    ids = {RunResult([], []).run_id for _ in range(200)}
    assert len(ids) == 200
    for run_id in ids:
        u = uuid.UUID(hex=run_id)
        assert u.version == 4 and u.variant == uuid.RFC_4122 and u.hex == run_id
