"""Every output format, validated: JSONL against its schema, SARIF against the official OASIS schema
(draft-04), JUnit parsed as XML, GitHub annotations in the documented workflow-command syntax, and
every format byte-identical for the same input."""

from __future__ import annotations

import io
import json
import os
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest
from lint_reports import BAD_TOTAL, write_report
from support import REPO, session_for

from linter.core.limits import Limits
from linter.core.results import RunResult
from linter.plugins.reporters import fiscal_lint_reporters
from linter.reporters.github import annotation, escape_data, escape_property, github_lines
from linter.reporters.jsonfmt import run_dict
from linter.reporters.jsonl import ComplianceLog
from linter.reporters.sarif import sarif_log
from linter.run.check import run_check

FORMATS = ("text", "json", "jsonl", "sarif", "junit", "github", "gitlab")


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("reports")
    broken = root / "损坏的报告.pdf"
    broken.write_bytes(b"%PDF-1.4\nthis is not really a PDF\n")
    return {
        "bad": write_report(root / "三公 合计有误.pdf", BAD_TOTAL),
        "good": write_report(root / "good.pdf"),
        "broken": broken,
    }


@pytest.fixture(scope="module")
def mixed_run(reports: dict[str, Path], default_packs) -> RunResult:
    """A defective report, a clean one (for FL.I.11; the full pack finds plenty in a one-table report)
    and one that cannot be read, through the whole default pack, in this process."""
    paths = [reports["bad"], reports["good"], reports["broken"]]
    return run_check(paths, default_packs, session_for(Limits(timeout=0), "warning"))


def log_schema() -> jsonschema.Draft202012Validator:
    schema = json.loads((REPO / "schemas" / "compliance-log.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def sarif_validator() -> jsonschema.Draft4Validator:
    schema = json.loads((REPO / "schemas" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    assert schema["$schema"] == "http://json-schema.org/draft-04/schema#"
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema)


def render(run: RunResult, fmt: str) -> str:
    buf = io.StringIO()
    fiscal_lint_reporters()[fmt]().report(run, buf)
    return buf.getvalue()


def test_the_run_has_what_the_formats_need(mixed_run: RunResult) -> None:
    bad, good, broken = mixed_run.files
    assert bad.checked and good.checked and not broken.checked
    assert any(f.rule_id == "FL.I.11" for f in bad.result.findings)
    assert not any(f.rule_id == "FL.I.11" for f in good.result.findings)
    assert mixed_run.exit_code == 2  # a file could not be checked


def test_all_formats_are_registered_through_the_hook() -> None:
    registered: dict[str, object] = {}
    for table in session_for().pm.hook.fiscal_lint_reporters():
        registered.update(table)
    assert set(FORMATS) <= set(registered)


# ---- JSON Lines: the compliance log ------------------------------------------------------------


def test_jsonl_records_validate_and_come_in_order(mixed_run: RunResult) -> None:
    validator = log_schema()
    lines = render(mixed_run, "jsonl").splitlines()
    recs = [json.loads(line) for line in lines]
    for rec in recs:
        errors = sorted(validator.iter_errors(rec), key=str)
        assert not errors, (rec["record"], [e.message for e in errors[:3]])
    kinds = [r["record"] for r in recs]
    assert kinds[0] == "run" and kinds[-1] == "end" and kinds.count("document") == 3
    assert len({r["run"] for r in recs}) == 1
    run = recs[0]
    assert run["packs"] and all(len(p["sha256"]) == 64 for p in run["packs"]) and run["python"]
    assert len(run["config"]["sha256"]) == 64
    docs = [r for r in recs if r["record"] == "document"]
    assert [d["outcome"] for d in docs] == ["checked", "checked", "not_checked"]
    assert docs[2]["reason"]["code"] and docs[2]["reason"]["zh"] and docs[2]["reason"]["en"]
    assert docs[0]["pages"] == 2 and docs[0]["parser"]["name"] and len(docs[0]["sha256"]) == 64
    # the findings of a document follow its document record, and carry every field of a Finding
    first_doc = kinds.index("document")
    second_doc = kinds.index("document", first_doc + 1)
    between = recs[first_doc + 1 : second_doc]
    assert between and all(r["record"] == "finding" and r["path"] == docs[0]["path"] for r in between)
    assert sum(docs[0]["finding_counts"].values()) == len(between)
    i11 = next(r for r in between if r["rule_id"] == "FL.I.11")
    assert i11["evidence"]["lhs"] == "12.30" and i11["evidence"]["rhs"] == "12.00"
    assert i11["location"]["table"] == "three_public" and i11["location"]["page"] == 2
    assert re.fullmatch(r"[0-9a-f]{32}", i11["fingerprint"])
    end = recs[-1]
    assert end["exit_code"] == 2 and end["files"] == 3 and end["not_checked"] == 1 and not end["interrupted"]


def test_the_log_appends_whole_lines_with_one_write_each(mixed_run: RunResult, tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "logs" / "compliance.jsonl"
    writes: list[bytes] = []
    real_write = os.write

    def spy(fd: int, data: bytes) -> int:
        writes.append(bytes(data))
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", spy)
    for _ in range(2):  # two runs append to the same log
        log = ComplianceLog(path)
        log.start(mixed_run, len(mixed_run.files))
        for fr in mixed_run.files:
            log.file(mixed_run, fr)
        log.finish(mixed_run)
        log.close()
    text = path.read_text(encoding="utf-8")
    assert text.endswith("\n")
    lines = text.splitlines()
    assert len(lines) == len(writes)  # one write per record, each a complete line
    assert all(w.endswith(b"\n") and w.count(b"\n") == 1 for w in writes)
    recs = [json.loads(line) for line in lines]
    assert [r["record"] for r in recs].count("run") == 2 and [r["record"] for r in recs].count("end") == 2


# ---- SARIF ---------------------------------------------------------------------------------------


def test_sarif_validates_against_the_official_schema(mixed_run: RunResult) -> None:
    log = json.loads(render(mixed_run, "sarif"))
    errors = sorted(sarif_validator().iter_errors(log), key=str)
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]
    run = log["runs"][0]
    assert run["tool"]["driver"]["name"] == "fiscal-lint"
    assert run["tool"]["extensions"] and run["tool"]["extensions"][0]["properties"]["sha256"]
    assert len(run["artifacts"]) == 3 and run["artifacts"][0]["mimeType"] == "application/pdf"
    assert run["artifacts"][0]["hashes"]["sha-256"] == mixed_run.files[0].sha256
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(r["id"] for r in rules)
    fired = {r["ruleId"] for r in run["results"]}
    assert {r["id"] for r in rules} == fired  # only the rules that fired are described
    i11 = next(r for r in run["results"] if r["ruleId"] == "FL.I.11")
    assert rules[i11["ruleIndex"]]["id"] == "FL.I.11"
    assert i11["level"] == "error"
    (loc,) = i11["locations"]
    phys = loc["physicalLocation"]
    assert phys["region"] == {"startLine": 2}  # a page is a line: what GitHub accepts (docs/ci.md)
    assert phys["artifactLocation"]["index"] == 0
    names = {ll["fullyQualifiedName"]: ll["kind"] for ll in loc["logicalLocations"]}
    assert names["/pages/2"] == "object"
    assert names["/tables/three_public"] == "array"
    assert names["/tables/three_public/columns/决算数~1合计"] == "array"  # one-row table: the column is the place
    assert loc["properties"]["page"] == 2 and len(loc["properties"]["bbox"]) == 4
    assert re.fullmatch(r"[0-9a-f]{32}", i11["partialFingerprints"]["fiscalLint/v1"])
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert any(n["descriptor"]["id"].startswith("not-checked/") for n in notes)
    assert run["invocations"][0]["executionSuccessful"] is False and run["invocations"][0]["exitCode"] == 2


def test_sarif_of_a_clean_run_validates_too(reports: dict[str, Path], default_packs, monkeypatch) -> None:
    monkeypatch.chdir(reports["good"].parent)  # artifacts inside the current folder: relative URIs
    run = run_check([Path(reports["good"].name)], [], session_for(Limits(timeout=0), "warning"))
    log = sarif_log(run)
    assert not list(sarif_validator().iter_errors(log))
    art = log["runs"][0]["artifacts"][0]["location"]
    assert art == {"uri": "good.pdf", "uriBaseId": "%SRCROOT%"}
    assert log["runs"][0]["results"] == [] and log["runs"][0]["invocations"][0]["executionSuccessful"]


def test_sarif_uris_are_percent_encoded(reports: dict[str, Path], mixed_run: RunResult, monkeypatch) -> None:
    monkeypatch.chdir(reports["bad"].parent)
    rel = RunResult([replace(mixed_run.files[0], path=Path(reports["bad"].name))], mixed_run.packs)
    uri = sarif_log(rel)["runs"][0]["artifacts"][0]["location"]["uri"]
    assert uri.isascii() and " " not in uri and uri.endswith(".pdf") and "%E4%B8%89" in uri  # 三


# ---- JUnit ---------------------------------------------------------------------------------------


def test_junit_is_xml_with_one_suite_per_document(mixed_run: RunResult) -> None:
    root = ET.fromstring(render(mixed_run, "junit"))
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [fr.path.as_posix() for fr in mixed_run.files]
    bad, good, broken = suites
    i11 = next(c for c in bad.findall("testcase") if c.get("name") == "FL.I.11")
    failure = i11.find("failure")
    assert failure is not None and "12.30" in (failure.text or "") and failure.get("type") == "error"
    good_i11 = next(c for c in good.findall("testcase") if c.get("name") == "FL.I.11")
    assert good_i11.find("failure") is None and good_i11.find("error") is None
    assert broken.get("errors") == "1" and broken.find("testcase/error") is not None
    for s in suites:  # the counts agree with the cases
        cases = s.findall("testcase")
        assert int(s.get("tests", "-1")) == len(cases)
        assert int(s.get("failures", "-1")) == sum(1 for c in cases if c.find("failure") is not None)
        assert int(s.get("skipped", "-1")) == sum(1 for c in cases if c.find("skipped") is not None)
    assert int(root.get("tests", "0")) == sum(int(s.get("tests", "0")) for s in suites)


# ---- GitHub annotations ------------------------------------------------------------------------

# https://docs.github.com/actions/reference/workflow-commands-for-github-actions
ANNOTATION = re.compile(
    r"^::(error|warning|notice) (?:file=(?P<file>[^,:\r\n]+),(?:line=(?P<line>\d+),)?)?title=(?P<title>[^,:\r\n]*)"
    r"::(?P<msg>[^\r\n]*)$"
)


def test_github_escaping_follows_the_runner() -> None:
    assert escape_data("100% 完成\r\n下一行") == "100%25 完成%0D%0A下一行"
    assert escape_property("a:b,c%") == "a%3Ab%2Cc%25"
    line = annotation("error", "reports/a,b:c.pdf", "FL.I.11 合计: 不符", "第1行\n第2行 100%")
    assert line == "::error file=reports/a%2Cb%3Ac.pdf,title=FL.I.11 合计%3A 不符::第1行%0A第2行 100%25"


def test_github_annotations_are_in_the_documented_syntax(mixed_run: RunResult) -> None:
    lines = github_lines(mixed_run)
    annotations = [line for line in lines if line.startswith("::")]
    for line in annotations:
        assert ANNOTATION.match(line), line
    # GitHub shows 10 per level: at most 10 of each, errors first, and the closing notice counts the rest
    levels = [line.split(" ", 1)[0].strip(":") for line in annotations]
    assert all(levels.count(level) <= 10 for level in ("error", "warning", "notice"))
    assert levels == sorted(levels, key=["error", "warning", "notice"].index)
    closing = annotations[-1]
    assert "title=fiscal-lint%3A 其余问题" in closing
    left = {zh: int(n) for zh, n in re.findall(r"(错误|警告|提示) (\d+) 条", closing)}
    for severity, zh, level in (("error", "错误", "error"), ("warning", "警告", "warning"), ("info", "提示", "notice")):
        found = sum(1 for fr in mixed_run.files for f in fr.result.findings
                    if f.severity == severity and f.kind != "rounding")
        found += sum(len(fr.result.errors) + (not fr.checked) for fr in mixed_run.files) if severity == "error" else 0
        annotated = levels.count(level) - (1 if level == "notice" else 0)
        assert annotated + left.get(zh, 0) == found, severity
    i11 = next(line for line in annotations if "title=FL.I.11 " in line)
    assert i11.startswith("::error file=") and "12.30" in i11
    assert any(line.startswith("::error ") and "not checked" in line for line in annotations)


# ---- JSON, text, determinism --------------------------------------------------------------------


def test_json_format_agrees_with_the_run(mixed_run: RunResult) -> None:
    data = json.loads(render(mixed_run, "json"))
    assert data == run_dict(mixed_run)
    assert data["summary"]["exit_code"] == 2 and data["summary"]["not_checked"] == 1
    bad = data["files"][0]
    assert len(bad["findings"]) == len(mixed_run.files[0].result.findings)
    assert all(re.fullmatch(r"[0-9a-f]{32}", f["fingerprint"]) for f in bad["findings"])


def _strip_times(jsonl: str) -> list[dict]:
    out = []
    for line in jsonl.splitlines():
        rec = json.loads(line)
        for k in ("run", "started", "ended"):
            rec.pop(k, None)
        out.append(rec)
    return out


def test_every_format_is_identical_for_the_same_input(reports: dict[str, Path], default_packs, tmp_path: Path) -> None:
    """Cold (parsed here) and warm (answered by the cache): the same bytes in every format."""
    from linter.run.cache import Cache

    cache = Cache(tmp_path / "cache")
    paths = [reports["broken"], reports["good"], reports["bad"]]
    runs = [run_check(paths, default_packs, session_for(Limits(timeout=0), "warning"), cache=cache)
            for _ in range(2)]
    assert [fr.cached for fr in runs[0].files] == [None, None, None]
    assert [fr.cached for fr in runs[1].files] == [None, "result", "result"]  # a failure is never cached
    for fmt in FORMATS:
        a, b = render(runs[0], fmt), render(runs[1], fmt)
        if fmt == "jsonl":
            assert _strip_times(a) == _strip_times(b)
        else:
            assert a == b, fmt
    for fmt in ("text", "json", "sarif", "junit", "github", "gitlab"):  # no timestamps outside the log's run records
        assert not re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", render(runs[0], fmt)), fmt
