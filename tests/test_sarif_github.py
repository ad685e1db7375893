"""Issue 16, "GitHub and SARIF": what a code-scanning dashboard, a GitHub Actions step and GitLab get.

- Before: the SARIF validated but no result had a ``region`` (GitHub refuses such results) and most messages had
  no page; now every result has ``region.startLine`` = its page (docs/ci.md) and the page in its message.
- Before: the rule help was only "run explain"; now ``fullDescription`` / ``help`` carry what ``fiscal-lint
  explain`` prints (what, why, basis, example, fix), from the same function.
- Before: ``--format github`` wrote one annotation per finding (292 on the corpus) where GitHub shows 10 per level;
  now they are ranked and capped, the rest counted in a closing notice and listed in ``$GITHUB_STEP_SUMMARY``.
- ``--format gitlab``: GitLab Code Quality, registered through the reporter hook.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
from lint_reports import BAD_TOTAL, run_in, write_report
from support import REPO, session_for

from linter.reporters.explanation import markdown, plain_text, rule_explanation

PAGE = re.compile(r"第\d+(?:–\d+)?页|整份报告")
ANNOTATION = re.compile(
    r"^::(error|warning|notice) (?:file=(?P<file>[^,:\r\n]+),(?:line=(?P<line>\d+),)?)?title=(?P<title>[^,:\r\n]*)"
    r"::(?P<msg>[^\r\n]*)$"
)
GITLAB_SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


def sarif_validator() -> jsonschema.Draft4Validator:
    schema = json.loads((REPO / "schemas" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema)


def check_sarif(log: dict) -> list[dict]:
    """Valid against the OASIS schema; every result with a page region GitHub accepts and the page in its message."""
    errors = sorted(sarif_validator().iter_errors(log), key=str)
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]
    results = log["runs"][0]["results"]
    for r in results:
        for loc in r["locations"] + r.get("relatedLocations", []):
            region = loc["physicalLocation"]["region"]
            assert isinstance(region["startLine"], int) and region["startLine"] >= 1
            page = loc.get("properties", {}).get("page")
            assert region["startLine"] == (page or 1)
        assert PAGE.search(r["message"]["text"]), r["message"]["text"]
    return results


def annotations_of(out: str) -> list[re.Match[str]]:
    lines = [line for line in out.splitlines() if line.startswith("::")]
    matches = [ANNOTATION.match(line) for line in lines]
    assert all(matches), [line for line, m in zip(lines, matches, strict=True) if not m][:3]
    return [m for m in matches if m]


# ---- a report drawn here -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bad_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_report(tmp_path_factory.mktemp("ci") / "三公 合计有误.pdf", BAD_TOTAL)


def test_sarif_results_have_a_page_region_and_the_rule_explanation(bad_report: Path) -> None:
    proc = run_in(bad_report.parent, "check", bad_report.name, "--no-progress", "--isolated", "--format", "sarif")
    assert proc.returncode == 1, proc.stderr
    log = json.loads(proc.stdout)
    results = check_sarif(log)
    i11 = next(r for r in results if r["ruleId"] == "FL.I.11")
    assert i11["locations"][0]["physicalLocation"]["region"] == {"startLine": 2}
    assert "位置 / where：公开09表 财政拨款“三公”经费支出决算表 · 决算数/合计 第2页" in i11["message"]["text"]
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    # the same explanation as `fiscal-lint explain`: one function gives both
    explained = json.loads(run_in(bad_report.parent, "explain", "FL.I.11", "--json", "--isolated").stdout)
    rule = rules["FL.I.11"]
    for part in (explained["title"], explained["why"], explained["basis"], explained["fix"]):
        assert part and part in rule["fullDescription"]["text"] and part in rule["help"]["text"]
    for heading in ("说明 / what it checks", "为什么 / why it matters", "依据 / basis", "示例 / example",
                    "如何改正 / how to fix"):
        assert f"#### {heading}" in rule["help"]["markdown"]
        assert heading in run_in(bad_report.parent, "explain", "FL.I.11", "--isolated").stdout
    meta = session_meta("FL.I.11")
    assert rule["help"]["markdown"] == markdown(rule_explanation(meta))
    assert rule["fullDescription"]["text"] == plain_text(rule_explanation(meta))


def session_meta(rule_id: str):
    from linter.dsl import default_pack_paths, load_packs

    return next(r.meta for p in load_packs(default_pack_paths()) for r in p.rules if r.id == rule_id)


def test_gitlab_code_quality_through_the_reporter_hook(bad_report: Path) -> None:
    registered: dict[str, object] = {}
    for table in session_for().pm.hook.fiscal_lint_reporters():
        registered.update(table)
    assert "gitlab" in registered
    proc = run_in(bad_report.parent, "check", bad_report.name, "--no-progress", "--isolated", "--format", "gitlab")
    assert proc.returncode == 1, proc.stderr
    issues = json.loads(proc.stdout)
    assert isinstance(issues, list) and issues
    for issue in issues:
        assert {"description", "check_name", "fingerprint", "severity", "location"} <= set(issue)
        assert issue["severity"] in GITLAB_SEVERITIES and issue["location"]["path"] == bad_report.name
        assert isinstance(issue["location"]["lines"]["begin"], int)
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    i11 = next(i for i in issues if i["check_name"] == "FL.I.11")
    assert i11["severity"] == "critical" and i11["location"]["lines"]["begin"] == 2
    assert "公开09表 财政拨款“三公”经费支出决算表" in i11["description"]
    again = run_in(bad_report.parent, "check", bad_report.name, "--no-progress", "--isolated", "--format", "gitlab")
    assert again.stdout == proc.stdout  # the same bytes for the same input


def test_github_annotations_carry_the_page_as_line(bad_report: Path, tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    proc = run_in(bad_report.parent, "check", bad_report.name, "--no-progress", "--isolated", "--format", "github",
                  GITHUB_STEP_SUMMARY=str(summary))
    assert proc.returncode == 1, proc.stderr
    anns = annotations_of(proc.stdout)
    i11 = next(m for m in anns if m["title"].startswith("FL.I.11 "))
    assert i11[1] == "error" and i11["line"] == "2" and i11["file"] == bad_report.name
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n## fiscal-lint")  # appended, not overwritten
    assert "| 错误 | `FL.I.11` |" in text and "公开09表 财政拨款“三公”经费支出决算表" in text


# ---- the corpus: the seed and the ten real reports -----------------------------------------------------------


@pytest.fixture(scope="module")
def corpus(shared: Path) -> list[Path]:
    real = sorted((shared / "corpus" / "real").rglob("*.pdf"))
    return [shared / "corpus" / "jianghan-2024" / "jianghan-2024.pdf", *real]


def test_the_seeds_sarif_validates_with_a_region_and_a_page_in_every_message(corpus: list[Path],
                                                                              tmp_path: Path) -> None:
    proc = run_in(tmp_path, "check", corpus[0], "--no-progress", "--isolated", "--format", "sarif")
    assert proc.returncode == 1, proc.stderr
    results = check_sarif(json.loads(proc.stdout))
    assert len(results) > 50
    x02 = next(r for r in results if r["ruleId"] == "FL.X.02.class")  # 公开01表 against 公开03表
    assert x02["locations"][0]["physicalLocation"]["region"]["startLine"] == 5
    assert x02["relatedLocations"][0]["physicalLocation"]["region"]["startLine"] == 7


def test_github_on_eleven_reports_ranks_caps_and_summarises(corpus: list[Path], tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    proc = run_in(tmp_path, "check", *corpus, "--no-progress", "--isolated", "-j", "2", "--format", "github",
                  GITHUB_STEP_SUMMARY=str(summary))
    assert proc.returncode == 1, proc.stderr
    anns = annotations_of(proc.stdout)
    levels = [m[1] for m in anns]
    assert [levels.count(level) for level in ("error", "warning", "notice")] == [10, 10, 10]  # before: 292 in all
    assert levels == sorted(levels, key=["error", "warning", "notice"].index)  # errors first
    errors = [m["title"].split(" ", 1)[0] for m in anns if m[1] == "error"]
    assert len(set(errors)) == len(errors)  # ten different problems before a repeat of one
    closing = anns[-1]
    assert closing["title"] == "fiscal-lint%3A 其余问题 / more findings" and "见本步骤的摘要" in closing["msg"]
    data = json.loads(run_in(tmp_path, "check", *corpus, "--no-progress", "--isolated", "-j", "2",
                             "--format", "json").stdout)
    counts = data["summary"]["finding_counts"]
    rounding = sum(f["kind"] == "rounding" for doc in data["files"] for f in doc["findings"])
    left = {zh: int(n) for zh, n in re.findall(r"(错误|警告|提示) (\d+) 条", closing["msg"])}
    assert left["错误"] == counts["error"] - 10 and left["警告"] == counts["warning"] - 10
    assert left["提示"] == counts["info"] - rounding - 9 and f"尾数差异 {rounding} 处" in closing["msg"]
    text = summary.read_text(encoding="utf-8")
    assert text.count(".pdf | ") >= 11  # one row per report
    assert f"错误 **{counts['error']}**，警告 **{counts['warning']}**" in text
    assert "### 错误与警告" in text and "### 按规则统计" in text
    assert text.count("\n| 错误 | `") == counts["error"]  # every error listed, with its page and place
    # --severity error: only errors annotated, the exit code unchanged
    only = run_in(tmp_path, "check", *corpus, "--no-progress", "--isolated", "-j", "2", "--format", "github",
                  "--severity", "error")
    assert only.returncode == 1
    assert {m[1] for m in annotations_of(only.stdout)} == {"error", "notice"}
