"""Report sets: grouping files into reports and sets, cross-document rules across them, and what every output
says about a finding that rests on another report.

The end-to-end cases draw 部门预算 PDFs of one unit from the Shanghai fragment (tests/budget_pdf.py): the
2025 report as it is, and a 2024 report made from it (the year moved back, the 2024 figures its 2025
statements imply). A mismatch is planted by giving the 2024 report another 财政拨款收入.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import budget_pdf
import jsonschema
import pytest
from lint_reports import run_in
from support import REPO, SHARED

from linter.core.config import ConfigError
from linter.core.sets import Member, group, normalise_unit, parse_set_table

# ---------------------------------------------------------------------------------------------- grouping


def test_unit_names_are_normalised() -> None:
    assert normalise_unit("中共江苏省委办公厅") == normalise_unit("江苏省委办公厅")
    assert normalise_unit("上海市 普陀区 财政局") == normalise_unit("上海市普陀区财政局")
    assert normalise_unit("某区规划与自然资源局") == normalise_unit("某区规划和自然资源局")
    assert normalise_unit("某区（ＡＢ）局") == normalise_unit("某区(AB)局")
    assert normalise_unit("某区财政局") != normalise_unit("某区税务局")


def _member(path: str, i: int, **md: Any) -> Member:
    return Member(Path(path), md, i)


def test_reports_are_grouped_by_unit_year_kind_and_level() -> None:
    members = [
        _member("b/2025.pdf", 0, unit_name="某区某局", fiscal_year=2025, kind="预算", level="部门"),
        _member("a/2024.pdf", 1, unit_name="某区 某局", fiscal_year=2024, kind="预算", level="部门"),
        _member("a/2024决算.pdf", 2, unit_name="某区某局", fiscal_year=2024, kind="决算"),
        _member("x/other.pdf", 3, unit_name="某区另一局", fiscal_year=2024, kind="预算"),
        _member("x/noyear.pdf", 4, unit_name="某区某局", kind="预算"),
        _member("j/text.pdf", 5, unit_name="中共某省委办公厅", fiscal_year=2019, kind="预算"),
        _member("j/tables.pdf", 6, unit_name="某省委办公厅", fiscal_year=2019, kind="预算"),
    ]
    g = group(members)
    sets = {s.name: [(r.label, [m.path.name for m in r.members]) for r in s.reports] for s in g.sets}
    assert sets == {
        "某区某局": [("2024年部门预算", ["2024.pdf"]), ("2024年部门决算", ["2024决算.pdf"]),
                     ("2025年部门预算", ["2025.pdf"])],
        "某区另一局": [("2024年部门预算", ["other.pdf"])],
        "中共某省委办公厅": [("2019年部门预算", ["text.pdf", "tables.pdf"])],  # one report of two files
    }
    assert [(m.path.name, "年度" in why) for m, why in g.alone] == [("noyear.pdf", True)]
    # the same grouping whatever the input order
    again = group(list(reversed(members)))
    assert [(s.name, [r.label for r in s.reports]) for s in again.sets] == [(s.name, [r.label for r in s.reports])
                                                                             for s in g.sets]


def test_the_set_file_gives_aliases_and_explicit_reports(tmp_path: Path) -> None:
    cfg = parse_set_table(
        {"aliases": {"万里街道": "上海市普陀区人民政府万里街道办事处"},
         "reports": [{"files": ["scan.pdf"], "unit": "万里街道", "year": 2022, "kind": "预算"}]},
        tmp_path, tmp_path / "fiscal-lint-sets.toml",
    )
    members = [
        _member(str(tmp_path / "2023.pdf"), 0, unit_name="上海市普陀区人民政府万里街道办事处", fiscal_year=2023,
                kind="预算"),
        _member(str(tmp_path / "d.pdf"), 1, unit_name="万里街道", fiscal_year=2023, kind="决算"),
        _member(str(tmp_path / "scan.pdf"), 2),  # the document itself says nothing
    ]
    g = group(members, cfg)
    assert len(g.sets) == 1 and not g.alone
    assert [(r.label, r.how) for r in g.sets[0].reports] == [
        ("2022年部门预算", "set file"), ("2023年部门预算", "document"), ("2023年部门决算", "document")]


@pytest.mark.parametrize("table, words", [
    ({"aliases": {"a": 1}}, "alias"),
    ({"reports": [{"files": []}]}, "files"),
    ({"reports": [{"files": ["a.pdf"], "kind": "年报"}]}, "kind"),
    ({"reports": [{"files": ["a.pdf"], "year": "2024"}]}, "year"),
    ({"reprots": []}, "unknown keys"),
])
def test_a_malformed_set_file_is_refused(tmp_path: Path, table: dict[str, Any], words: str) -> None:
    with pytest.raises(ConfigError) as exc:
        parse_set_table(table, tmp_path, tmp_path / "fiscal-lint-sets.toml")
    assert words in str(exc.value) and "fiscal-lint-sets.toml" in str(exc.value)


# ---------------------------------------------------------------------------------------------- generated reports


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    data = budget_pdf.load_fixture()
    return {
        "2025": budget_pdf.render(data),
        "2024": budget_pdf.render(budget_pdf.last_year(data)),
        "2024-bad": budget_pdf.render(budget_pdf.last_year(data, income="135.00")),
    }


def _repo(root: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


def _records(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def test_this_years_budget_is_checked_against_last_years(tmp_path: Path, reports: dict[str, bytes]) -> None:
    root = _repo(tmp_path, {"reports/2025年部门预算.pdf": reports["2025"], "reports/2024年部门预算.pdf": reports["2024"]})
    r = run_in(root, "check", "reports", "--select", "FL.S", "--format", "jsonl", "--isolated", "--no-progress")
    assert r.returncode == 0, r.stdout + r.stderr
    recs = _records(r.stdout)
    assert not [x for x in recs if x["record"] == "finding"]
    (set_rec,) = [x for x in recs if x["record"] == "set"]
    assert [(x["label"], len(x["files"])) for x in set_rec["reports"]] == [("2024年部门预算", 1), ("2025年部门预算", 1)]
    # the 2025 report's FL.S.01 passed; the 2024 report has no 2023 report: not applicable
    assert set_rec["rule_counts"]["pass"] == 1 and set_rec["rule_counts"]["fail"] == 0


def test_a_mismatch_with_last_year_points_at_both_reports(tmp_path: Path, reports: dict[str, bytes]) -> None:
    root = _repo(tmp_path, {"reports/2025年部门预算.pdf": reports["2025"],
                            "reports/2024年部门预算.pdf": reports["2024-bad"]})
    out = tmp_path / "out"
    r = run_in(root, "check", "reports", "--select", "FL.S", "--isolated", "--no-progress",
               f"--report=jsonl={out / 'log.jsonl'}", f"--report=sarif={out / 'r.sarif'}",
               f"--report=junit={out / 'r.xml'}", f"--report=github={out / 'gh.txt'}")
    assert r.returncode == 1, r.stdout + r.stderr
    # text: the finding on the 2025 report, with the place in the 2024 report
    assert "FL.S.01" in r.stdout and "2025年部门预算.pdf" in r.stdout
    assert "↔ 2024年部门预算" in r.stdout and "2024年部门预算.pdf" in r.stdout
    recs = _records((out / "log.jsonl").read_text(encoding="utf-8"))
    schema = json.loads((REPO / "schemas" / "compliance-log.schema.json").read_text(encoding="utf-8"))
    for rec in recs:
        jsonschema.validate(rec, schema)
    (finding,) = [x for x in recs if x["record"] == "finding"]
    assert finding["path"].endswith("2025年部门预算.pdf") and finding["rule_id"] == "FL.S.01"
    assert finding["args"]["lhs"] == "140.00" and finding["args"]["rhs"] == "135.00"
    assert finding["location"]["page"] >= 2 and "file" not in finding["location"]
    (rel,) = finding["related"]
    assert rel["report"] == "2024年部门预算" and rel["file"].endswith("2024年部门预算.pdf") and rel["page"] >= 2
    assert "财政拨款收入135.00万元" in rel["text"]
    # SARIF: the other report is a related location, and the log is valid SARIF 2.1.0
    sarif = json.loads((out / "r.sarif").read_text(encoding="utf-8"))
    jsonschema.validate(sarif, json.loads((SHARED / "schemas" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
                        if (SHARED / "schemas" / "sarif-schema-2.1.0.json").is_file() else {})
    (res,) = sarif["runs"][0]["results"]
    (related,) = res["relatedLocations"]
    assert related["physicalLocation"]["artifactLocation"]["uri"].endswith(".pdf")
    assert related["properties"]["report"] == "2024年部门预算" and related["properties"]["page"] == rel["page"]
    assert "2024年部门预算" in (out / "r.xml").read_text(encoding="utf-8")
    assert "↔ 2024年部门预算" in (out / "gh.txt").read_text(encoding="utf-8")


def test_file_order_workers_and_cache_do_not_change_the_output(tmp_path: Path, reports: dict[str, bytes]) -> None:
    root = _repo(tmp_path, {"r/b/2025.pdf": reports["2025"], "r/a/2024.pdf": reports["2024-bad"]})
    cache = str(tmp_path / "cache")

    def run(*args: str, **env: str) -> list[dict[str, Any]]:
        r = run_in(root, "check", *args, "--select", "FL.S", "--format", "jsonl", "--isolated", "--no-progress", **env)
        assert r.returncode == 1, r.stderr
        recs = _records(r.stdout)
        for rec in recs:
            for key in ("run", "started", "ended"):
                rec.pop(key, None)
        return recs

    def of(recs: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
        return [x for x in recs if x["record"] == kind]

    one = run("r/a/2024.pdf", "r/b/2025.pdf", "--no-cache")
    assert len(of(one, "finding")) == 1 and len(of(one, "set")) == 1
    reverse = run("r/b/2025.pdf", "r/a/2024.pdf", "--no-cache")  # documents in the order given; the rest the same
    assert of(reverse, "finding") == of(one, "finding") and of(reverse, "set") == of(one, "set")
    assert run("r/a/2024.pdf", "r/b/2025.pdf", "-j", "2", "--no-cache") == one
    cold = run("r/a/2024.pdf", "r/b/2025.pdf", FISCAL_LINT_CACHE_DIR=cache)
    warm = run("r/a/2024.pdf", "r/b/2025.pdf", FISCAL_LINT_CACHE_DIR=cache)
    assert cold == warm == one


def test_a_report_alone_is_not_applicable_with_the_reason(reports: dict[str, bytes], tmp_path: Path) -> None:
    from linter.api import Config, Session
    from linter.run.check import run_check

    (tmp_path / "2025.pdf").write_bytes(reports["2025"])
    config = Config()
    config.cache, config.select = False, ["FL.S"]
    session = Session.build(config)
    run = run_check([tmp_path / "2025.pdf"], session.load_packs(), session)
    (fr,) = run.files
    statuses = {o.rule_id: (o.status, o.reason) for o in fr.result.outcomes}
    assert set(statuses) == {"FL.S.01", "FL.S.02", "FL.S.03", "FL.S.04", "FL.S.05", "FL.S.06"}
    assert all(s == "not_applicable" and "没有同一单位的其他报告" in (why or "") for s, why in statuses.values())


def test_two_files_of_one_report_are_read_as_one(tmp_path: Path, reports: dict[str, bytes]) -> None:
    """The explanation in one PDF and the tables in another (as Jiangsu publishes): one report of two files,
    and the cross-document rules read the explanation of the joined document."""
    data = budget_pdf.load_fixture()
    prose_only = {**data, "tables": []}
    tables_only = {**data, "sections": [{"heading": "2025年部门预算编制说明", "paragraphs": []}]}
    root = _repo(tmp_path, {"r/2025说明.pdf": budget_pdf.render(prose_only),
                            "r/2025表格.pdf": budget_pdf.render(tables_only),
                            "r/2024.pdf": reports["2024-bad"]})
    r = run_in(root, "sets", "r", "--json", "--isolated")
    assert r.returncode == 0, r.stderr
    (rset,) = json.loads(r.stdout)["sets"]
    assert [(x["label"], sorted(Path(f["path"]).name for f in x["files"])) for x in rset["reports"]] == [
        ("2024年部门预算", ["2024.pdf"]), ("2025年部门预算", ["2025表格.pdf", "2025说明.pdf"])]
    r = run_in(root, "check", "r", "--select", "FL.S.01", "--format", "jsonl", "--isolated", "--no-progress")
    findings = [x for x in _records(r.stdout) if x["record"] == "finding"]
    assert [(Path(f["path"]).name, f["args"]["rhs"]) for f in findings] == [("2025表格.pdf", "135.00")] or \
        [(Path(f["path"]).name, f["args"]["rhs"]) for f in findings] == [("2025说明.pdf", "135.00")]


def test_the_sets_command_explains_the_grouping(tmp_path: Path, reports: dict[str, bytes]) -> None:
    root = _repo(tmp_path, {"r/2025.pdf": reports["2025"], "r/2024.pdf": reports["2024"],
                            "r/broken.pdf": b"%PDF-1.7\n%%EOF\n"})
    r = run_in(root, "sets", "r", "--isolated")
    assert r.returncode == 2  # broken.pdf could not be read: said on stderr, the others still grouped
    assert "2024年部门预算" in r.stdout and "2025年部门预算" in r.stdout and "某区某局" in r.stdout
    assert "broken.pdf" in r.stderr and "Traceback" not in r.stderr
    (root / "r" / "fiscal-lint-sets.toml").write_text('[aliases]\n"某局" = 3\n', encoding="utf-8")
    r = run_in(root, "sets", "r", "--isolated")
    assert r.returncode == 2 and "fiscal-lint-sets.toml" in r.stderr and "Traceback" not in r.stderr


# ---------------------------------------------------------------------------------------------- the real series

REAL = SHARED / "corpus" / "real"
WL = sorted((REAL / "yusuan").glob("20*万里街道办事处-部门预算.pdf")) if REAL.is_dir() else []


@pytest.mark.skipif(len(WL) != 3, reason="../shared/corpus/real/yusuan (万里街道 series) not present")
def test_the_wanli_series_agrees_year_on_year() -> None:
    """Every cross-year statement of 万里街道's 2024 and 2025 budgets against the year before (hand-checked on
    the pages, docs/domain-rules.md §5): 20 pass; two 2024 items say 公务用车运行费 / 公务用车购置及运行费,
    which the 2023 report never states (it says 公务车用车运行费): insufficient data, never a failure."""
    from collections import Counter

    from linter.api import Config, Session
    from linter.run.check import run_check

    config = Config()
    config.select, config.timeout = ["FL.S.01"], 0
    session = Session.build(config)
    run = run_check(WL, session.load_packs(), session, cache=None)
    counts = {fr.path.name[:4]: Counter(o.status for o in fr.result.outcomes) for fr in run.files}
    assert [f.message for fr in run.files for f in fr.result.findings] == []
    assert counts["2023"] == Counter({"not_applicable": 1})  # no 2022 report
    assert counts["2024"]["pass"] == 9 and counts["2024"]["insufficient_data"] == 2
    assert counts["2025"]["pass"] == 11 and counts["2025"]["insufficient_data"] == 0
    assert counts["2024"]["fail"] == counts["2025"]["fail"] == 0


CZJ = [REAL / "yusuan" / "2025-上海市普陀区财政局-部门预算.pdf", REAL / "juesuan" / "2024-上海市普陀区财政局-部门决算.pdf"]


@pytest.mark.skipif(not all(p.is_file() for p in CZJ), reason="../shared/corpus/real (财政局 2025 预算, 2024 决算) not present")
def test_the_2025_budget_base_disagrees_with_the_2024_final_accounts() -> None:
    """财政局 2025 预算 p7: 3,121.42 − 107.62 = 3,013.80 as the 2024 budget; its 2024 决算 p21 prints 年初预算
    2993.92 (Δ 19.88) — one warning, pointing at both; the 三公 base (0.95, 持平) agrees."""
    from linter.api import Config, Session
    from linter.run.check import run_check

    config = Config()
    config.select, config.timeout = ["FL.S"], 0
    session = Session.build(config)
    run = run_check(CZJ, session.load_packs(), session, cache=None)
    findings = [f for fr in run.files for f in fr.result.findings]
    assert [(f.rule_id, f.severity, f.args["lhs"], f.args["rhs"], f.location.page) for f in findings] == [
        ("FL.S.04", "warning", "3013.80", "2993.92", 7)]
    (rel,) = findings[0].related
    assert rel.report == "2024年部门决算" and rel.page == 21 and "2993.92" in (rel.text or "")
    budget = run.files[0]
    assert [o.status for o in budget.result.outcomes if o.rule_id == "FL.S.04" and o.status != "not_applicable"] \
        == ["fail", "pass"]


JSW = sorted((REAL / "yusuan").glob("江苏省委办公厅-*.pdf")) if REAL.is_dir() else []


@pytest.mark.skipif(len(JSW) != 2, reason="../shared/corpus/real/yusuan (江苏省委办公厅 2019, two PDFs) not present")
def test_a_report_of_two_pdfs_is_checked_as_one() -> None:
    """江苏省委办公厅 2019 publishes the explanation (公开文件) and the tables (公开表格) as two PDFs. Checked
    together they are one report: the prose is checked against the tables, and the two defects that neither
    file shows alone are found — "占“三公”经费的80.92%" (411.20 ÷ 508.20 = 80.91 %, p12) and "共0个项目"
    beside 13,025.38 万元 of project spending (p13). The tables' file lists its own findings and points to
    the explanation's file for the rule outcomes."""
    from linter.api import Config, Session
    from linter.run.check import run_check

    config = Config()
    config.select, config.timeout = ["FL.B", "FL.S"], 0
    session = Session.build(config)
    run = run_check(JSW, session.load_packs(), session, cache=None)
    text, tables = sorted(run.files, key=lambda fr: "表格" in fr.path.name)
    assert text.part_of is None and tables.part_of == text.path
    above_info = sorted((f.rule_id, f.location.page) for f in text.result.findings if f.severity != "info")
    assert ("FL.B.P.13", 12) in above_info and ("FL.B.C.12", 13) in above_info
    p13 = next(f for f in text.result.findings if f.rule_id == "FL.B.P.13")
    assert "80.92" in p13.message and "508.20" in p13.message
    assert tables.result.outcomes == [] and all(f.location.file is None for f in tables.result.findings)
    assert {o.rule_id for o in text.result.outcomes} >= {"FL.B.P.13", "FL.B.C.12", "FL.S.01"}
