"""Fingerprints that survive re-parsing and unrelated edits; ``baseline create`` with justifications;
``check --baseline`` reporting only new findings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lint_reports import BAD_TOTAL, run_in, write_report
from support import session_for

from linter.core.baseline import Baseline, BaselineError, Entry, carry_justifications, fingerprint, load_baseline
from linter.core.findings import Finding, Location
from linter.core.limits import Limits
from linter.core.model import Document
from linter.run.check import run_check

SELECT = ("--select", "FL.I.11", "--isolated", "--no-progress")


def i11_findings(path: Path, packs) -> list[Finding]:
    run = run_check([path], packs, session_for(Limits(timeout=0)))
    return [f for f in run.files[0].result.findings if f.rule_id == "FL.I.11"]


# ---- fingerprints ----------------------------------------------------------------------------


def test_fingerprint_ignores_page_bbox_and_numbers_but_not_the_place() -> None:
    loc = Location(page=3, bbox=(1, 2, 3, 4), table="three_public", table_number="公开09表", column=["决算数", "合计"])
    f = Finding("FL.I.11", "error", "合计 12.30 ≠ 12.00", "三公", location=loc,
                args={"lhs": "12.30", "rhs": "12.00", "diff": "0.30", "side": "决算数"}, instance={"side": "决算数"})
    moved = Finding("FL.I.11", "error", "合计 12.40 ≠ 12.00", "三公",
                    location=Location(page=9, bbox=(5, 6, 7, 8), table="three_public", table_number="公开 09 表",
                                      line_no="7", column=["决算数", "合计"]),
                    args={"lhs": "12.40", "rhs": "12.00", "diff": "0.40", "side": "决算数"},
                    instance={"side": "决算数"})
    assert fingerprint(f) == fingerprint(moved)
    other_side = Finding("FL.I.11", "error", "", "三公", location=Location(table="three_public",
                                                                         column=["预算数", "合计"]),
                         instance={"side": "预算数"})
    assert fingerprint(other_side) != fingerprint(f)
    other_rule = Finding("FL.I.05", "error", "", "", location=loc, instance={"side": "决算数"})
    assert fingerprint(other_rule) != fingerprint(f)


def test_prose_findings_are_told_apart_by_their_sentence() -> None:
    a = Finding("FL.W.01", "warning", "", "", args={"m.sentence": "因公出国费预算为0万元，完成0%。", "m.rate": "0"})
    b = Finding("FL.W.01", "warning", "", "", args={"m.sentence": "公务接待费预算为0万元，完成0%。", "m.rate": "0"})
    spaced = Finding("FL.W.01", "warning", "", "", args={"m.sentence": "因公出国费预算为 0 万元，完成 0%。", "m.rate": "0"})
    assert fingerprint(a) != fingerprint(b)
    assert fingerprint(a) == fingerprint(spaced)  # extraction spacing is not a difference


def test_fingerprints_survive_reparsing_and_pages_inserted_before(tmp_path: Path, default_packs) -> None:
    plain = write_report(tmp_path / "a.pdf", BAD_TOTAL)
    shifted = write_report(tmp_path / "b.pdf", BAD_TOTAL, pages_before=2)  # same defect, two pages later
    other_amount = write_report(tmp_path / "c.pdf", "12.50")
    first, again = i11_findings(plain, default_packs), i11_findings(plain, default_packs)
    later, changed = i11_findings(shifted, default_packs), i11_findings(other_amount, default_packs)
    assert len(first) == 1 and first[0].location.page == 2 and later[0].location.page == 4
    assert first[0].location.bbox and later[0].location.bbox
    fps = {fingerprint(f) for f in first + again + later + changed}
    assert len(fps) == 1


def test_fingerprints_of_the_seed_survive_the_model_round_trip(seed_doc, default_packs) -> None:

    from linter.core.config import Config
    from linter.dsl.evaluator import evaluate_rules

    # the table-against-table and prose-against-table rules: findings in rows, cells, sections and sentences
    chosen = Config(select=["FL.X", "FL.P"])
    rules = [r for p in default_packs for r in p.rules if chosen.selects(r.id)]
    direct = evaluate_rules(rules, seed_doc).findings
    fired = [r for r in rules if r.id in {f.rule_id for f in direct}]
    reloaded = evaluate_rules(fired, Document.from_dict(json.loads(json.dumps(seed_doc.to_dict())))).findings
    assert direct and sorted(map(fingerprint, direct)) == sorted(map(fingerprint, reloaded))
    assert len(set(map(fingerprint, direct))) > len(direct) // 2  # they tell findings apart


# ---- the baseline file --------------------------------------------------------------------------


def test_justifications_carry_over_and_per_rule_ones_apply() -> None:
    old = Baseline(Path("b.json"), [Entry("a.pdf", "FL.I.11", "f1", justification="上年已说明")])
    new = [Entry("a.pdf", "FL.I.11", "f1"), Entry("a.pdf", "FL.W.01", "f2"), Entry("a.pdf", "FL.C.19", "f3")]
    missing = carry_justifications(new, old, None, {"FL.W": "措辞问题，下年修订"})
    assert [e.justification for e in new] == ["上年已说明", "措辞问题，下年修订", ""]
    assert [e.rule_id for e in missing] == ["FL.C.19"]


def test_a_baseline_entry_without_justification_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_text(json.dumps({"version": 1, "entries": [
        {"path": "a.pdf", "rule_id": "FL.I.11", "fingerprint": "ab", "justification": " "}]}), encoding="utf-8")
    with pytest.raises(BaselineError, match="no justification"):
        load_baseline(path)
    assert load_baseline(path, require_justification=False).entries[0].rule_id == "FL.I.11"
    path.write_text("{}", encoding="utf-8")
    with pytest.raises(BaselineError, match="not a version 1 baseline"):
        load_baseline(path)


def test_baseline_create_then_check_reports_only_new_findings(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    write_report(reports / "2023.pdf", BAD_TOTAL)
    write_report(reports / "2024.pdf")
    # without a justification the entries are written for hand-filling, and the command fails
    out = run_in(tmp_path, "baseline", "create", "reports", *SELECT)
    assert out.returncode == 2 and "no justification" in out.stderr
    assert load_baseline(tmp_path / "fiscal-lint-baseline.json", require_justification=False).entries
    out = run_in(tmp_path, "check", "reports", "--baseline", "fiscal-lint-baseline.json", *SELECT)
    assert out.returncode == 2 and "has no justification" in out.stderr
    out = run_in(tmp_path, "baseline", "create", "reports", "--rule-justification", "FL.I=上年报告已公开，不再修改",
                 *SELECT)
    assert out.returncode == 0, out.stderr
    data = json.loads((tmp_path / "fiscal-lint-baseline.json").read_text(encoding="utf-8"))
    (entry,) = data["entries"]
    assert entry["path"] == "reports/2023.pdf" and entry["rule_id"] == "FL.I.11"
    assert entry["justification"] == "上年报告已公开，不再修改" and "公开09表" in entry["location"]
    # the known finding is accepted; the run is clean
    out = run_in(tmp_path, "check", "reports", "--baseline", "fiscal-lint-baseline.json", *SELECT)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "FL.I.11" not in out.stdout.split("\n1 个文件")[0] and "基线已接受 1 个" in out.stdout
    # a new defect in the other report is reported, the accepted one still is not
    write_report(reports / "2024.pdf", "13.00")
    out = run_in(tmp_path, "check", "reports", "--baseline", "fiscal-lint-baseline.json", "--format", "json",
                 *SELECT)
    assert out.returncode == 1
    files = json.loads(out.stdout)["files"]
    assert [(f["path"], len(f["findings"]), f["baselined"]) for f in files] == [
        ("reports/2023.pdf", 0, 1), ("reports/2024.pdf", 1, 0)]
    # fixing the accepted defect leaves a stale entry, which the summary mentions
    write_report(reports / "2023.pdf")
    write_report(reports / "2024.pdf")
    out = run_in(tmp_path, "check", "reports", "--baseline", "fiscal-lint-baseline.json", "--format", "json",
                 *SELECT)
    assert out.returncode == 0 and json.loads(out.stdout)["summary"]["baseline_stale"] == 1


def test_baseline_from_the_configuration_and_recreation_keeps_justifications(tmp_path: Path) -> None:
    write_report(tmp_path / "a.pdf", BAD_TOTAL)
    (tmp_path / "fiscal-lint.toml").write_text('baseline = "accepted.json"\nselect = ["FL.I.11"]\n', encoding="utf-8")
    out = run_in(tmp_path, "baseline", "create", "a.pdf", "--justification", "已报财政局备案", "--no-progress")
    assert out.returncode == 0, out.stderr
    assert json.loads((tmp_path / "accepted.json").read_text(encoding="utf-8"))["entries"][0]["justification"] == \
        "已报财政局备案"
    out = run_in(tmp_path, "baseline", "create", "a.pdf", "--no-progress")  # no new findings: no text needed
    assert out.returncode == 0, out.stderr
    assert "1 kept, 0 new" in out.stdout
    assert run_in(tmp_path, "check", "a.pdf", "--no-progress").returncode == 0  # baseline from the config
