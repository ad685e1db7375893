"""Batch runs as a user meets them on a long job (issue 16, item 5): Ctrl-C during ``-j 2`` / ``-j 1`` runs, the
plain progress lines when stderr is not a terminal, and ``--resume LOG``.

The interrupt tests start ``fiscal-lint check`` in a process group of its own, wait until a report is finished
(its ``document`` record in the log, or its progress line), and send SIGINT to the whole group, as a terminal's
Ctrl-C does. Before the fix, 3 of 4 such runs printed worker tracebacks and lost the ``-o`` / ``--report`` files;
each test repeats the interrupt.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from lint_reports import BAD_TOTAL, cli_env, run_in, write_report
from support import REPO

SEED = REPO / "examples" / "jianghan-2024.pdf"  # 47 pages: a report takes long enough to be interrupted
COPIES = 5


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of copies of the seed report (the repository's own fixture)."""
    root = tmp_path_factory.mktemp("seeds")
    for i in range(1, COPIES + 1):
        (root / "r").mkdir(exist_ok=True)
        shutil.copyfile(SEED, root / "r" / f"report{i}.pdf")
    return root


def _records(path: Path) -> list[dict]:
    """Every line of a compliance log, each of which must be one whole JSON record."""
    data = path.read_bytes()
    assert not data or data.endswith(b"\n"), "a half-written last line"
    return [json.loads(line) for line in data.decode("utf-8").splitlines()]


def _complete_documents(records: list[dict]) -> dict[str, list[dict]]:
    """path → its document record and finding records (without run ids), checking each document is whole."""
    docs: dict[str, list[dict]] = {}
    for i, rec in enumerate(records):
        if rec["record"] != "document":
            continue
        n = sum(rec["finding_counts"].values())
        findings = [r for r in records[i + 1:i + 1 + n] if r["record"] == "finding" and r["path"] == rec["path"]]
        assert len(findings) == n, f"{rec['path']}: {len(findings)} of {n} finding records"
        assert rec["path"] not in docs, f"{rec['path']} logged twice"
        docs[rec["path"]] = [{k: v for k, v in r.items() if k != "run"} for r in [rec, *findings]]
    return docs


class _Run:
    """``fiscal-lint check`` started in its own process group, its stderr read line by line as it comes."""

    def __init__(self, cwd: Path, *args: str | Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "linter", "check", *map(str, args)], cwd=cwd, env=cli_env(),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8", start_new_session=True,
        )
        self.err: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.out = ""

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.err.append(line)

    def wait_for(self, ready, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.proc.poll() is None:
            if ready():
                return
            time.sleep(0.02)
        raise AssertionError(f"the run ended or stalled before the condition: {''.join(self.err)}")

    def interrupt(self, group: bool = True) -> int:
        if group:
            os.killpg(self.proc.pid, signal.SIGINT)  # the whole group, as Ctrl-C in a terminal
        else:
            os.kill(self.proc.pid, signal.SIGINT)  # the command alone (kill -INT PID): it stops its workers
        assert self.proc.stdout is not None
        self.out = self.proc.stdout.read()
        code = self.proc.wait(timeout=120)
        self.reader.join(timeout=30)
        return code

    @property
    def stderr(self) -> str:
        return "".join(self.err)


def _logged_a_document(log: Path):
    def ready() -> bool:
        return log.exists() and b'"record":"document"' in log.read_bytes()
    return ready


def _assert_interrupted(run: _Run, code: int, out: Path, total: int) -> list[dict]:
    """Exit 130, no traceback anywhere, whole lines, every output written and marked interrupted."""
    assert code == 130, run.stderr
    assert "Traceback" not in run.stderr and "KeyboardInterrupt" not in run.stderr, run.stderr
    assert "运行被中断：已检查 " in run.stderr and f" / {total} 份报告" in run.stderr, run.stderr
    records = _records(out / "log.jsonl")
    assert records[0]["record"] == "run" and records[-1]["record"] == "end"
    end = records[-1]
    assert end["interrupted"] is True and end["exit_code"] == 130 and end["inputs"] == total
    docs = _complete_documents(records)
    assert 1 <= len(docs) < total and end["files"] == len(docs)
    data = json.loads((out / "out.json").read_text(encoding="utf-8"))
    assert data["summary"]["interrupted"] is True and data["summary"]["exit_code"] == 130
    assert sorted(f["path"] for f in data["files"]) == sorted(docs)
    sarif = json.loads((out / "out.sarif").read_text(encoding="utf-8"))
    invocation = sarif["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False and invocation["exitCode"] == 130
    assert any(n["descriptor"]["id"] == "interrupted" for n in invocation["toolExecutionNotifications"])
    text = (out / "out.txt").read_text(encoding="utf-8")
    assert f"运行被中断：已检查 {len(docs)} / {total} 份报告" in text
    return records


def _outputs(out: Path) -> list[str]:
    out.mkdir(parents=True, exist_ok=True)
    return ["--report", f"jsonl={out / 'log.jsonl'}", "--report", f"json={out / 'out.json'}",
            "--report", f"sarif={out / 'out.sarif'}", "-o", str(out / "out.txt")]


@pytest.mark.parametrize("attempt", range(4))
def test_ctrl_c_with_two_workers(seeds: Path, tmp_path: Path, attempt: int) -> None:
    """-j 2, SIGINT to the process group once a report is in the log: exit 130, no traceback (parent or
    workers), the log's lines whole, and -o / --report written for the reports finished, marked interrupted."""
    out = tmp_path / "out"
    run = _Run(seeds, "r", "-j", "2", "--no-cache", "--isolated", "--ignore", "FL.S", *_outputs(out))
    run.wait_for(_logged_a_document(out / "log.jsonl"))
    _assert_interrupted(run, run.interrupt(), out, COPIES)


def test_sigint_to_the_command_alone_stops_its_workers(seeds: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run = _Run(seeds, "r", "-j", "2", "--no-cache", "--isolated", "--ignore", "FL.S", *_outputs(out))
    run.wait_for(_logged_a_document(out / "log.jsonl"))
    started = time.monotonic()
    _assert_interrupted(run, run.interrupt(group=False), out, COPIES)
    assert time.monotonic() - started < 10  # not after the remaining reports were checked


def test_ctrl_c_with_one_worker(seeds: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run = _Run(seeds, "r", "-j", "1", "--no-cache", "--isolated", "--ignore", "FL.S", *_outputs(out))
    run.wait_for(_logged_a_document(out / "log.jsonl"))
    _assert_interrupted(run, run.interrupt(), out, COPIES)


def test_ctrl_c_before_the_cross_document_rules(seeds: Path, tmp_path: Path) -> None:
    """With cross-document rules on several reports, documents are logged once every report is read: interrupted
    before that, the reports read so far are written to every output (without the cross-document rules), marked
    interrupted. The progress lines on stderr say when a report was read."""
    out = tmp_path / "out"
    run = _Run(seeds, "r", "-j", "2", "--no-cache", "--isolated", *_outputs(out))
    run.wait_for(lambda: any(line.startswith("[1/") for line in run.err))
    records = _assert_interrupted(run, run.interrupt(), out, COPIES)
    assert not any(r["record"] == "set" for r in records)


# ---- progress when piped ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("small")
    write_report(root / "r" / "a.pdf", BAD_TOTAL)
    write_report(root / "r" / "b.pdf")
    (root / "r" / "c.pdf").write_bytes(b"%PDF-1.7\n%%EOF\n")
    return root


def test_progress_is_a_plain_line_per_report_when_piped(small: Path) -> None:
    """stderr not a terminal: one plain line per finished report, with what the outputs say of it."""
    r = run_in(small, "check", "r", "--isolated", "--ignore", "FL.S", "-j", "2", "--no-cache", "--format", "json")
    assert r.returncode == 2, r.stderr
    lines = [line for line in r.stderr.splitlines() if line.startswith("[")]
    assert [line[:5] for line in lines] == ["[1/3]", "[2/3]", "[3/3]"], r.stderr
    by_file = {line.split("] ", 1)[1].split("：", 1)[0]: line.split("：", 1)[1] for line in lines}
    assert set(by_file) == {"r/a.pdf", "r/b.pdf", "r/c.pdf"}
    for f in json.loads(r.stdout)["files"]:
        said = by_file[f["path"]]
        if f["outcome"] == "not_checked":
            assert said.startswith(f"未检查（{f['reason']['zh']}）"), said
            continue
        words = [f"{n} 个{name}" for sev, name in (("error", "错误"), ("warning", "警告"), ("info", "提示"))
                 if (n := f["finding_counts"][sev])]
        assert said == ("，".join(words) or "没有问题"), said
    assert "\x1b[" not in r.stderr  # no terminal control codes: a plain log


@pytest.mark.parametrize("flag", ["-q", "--quiet", "--no-progress"])
def test_quiet_silences_progress(small: Path, flag: str) -> None:
    r = run_in(small, "check", "r", "--isolated", "--ignore", "FL.S", flag)
    assert r.returncode == 2
    assert not any(line.startswith("[") for line in r.stderr.splitlines()), r.stderr


def test_progress_lines_come_as_reports_finish(seeds: Path) -> None:
    """Flushed at once: the first line is on stderr while the run still has reports to check."""
    run = _Run(seeds, "r", "-j", "1", "--no-cache", "--isolated", "--ignore", "FL.S", "--format", "json")
    run.wait_for(lambda: any(line.startswith("[1/") for line in run.err))
    assert run.proc.poll() is None  # still running
    run.interrupt()


# ---- --resume ----------------------------------------------------------------------------------------------


def test_resume_after_ctrl_c_continues_the_same_log(seeds: Path, tmp_path: Path) -> None:
    """Interrupt a run, resume it into the same log: every report once, each as a straight run logs it; the
    reports already in the log are not checked again."""
    out = tmp_path / "out"
    run = _Run(seeds, "r", "-j", "2", "--no-cache", "--isolated", "--ignore", "FL.S", *_outputs(out))
    run.wait_for(_logged_a_document(out / "log.jsonl"))
    _assert_interrupted(run, run.interrupt(), out, COPIES)
    log = out / "log.jsonl"
    first = _complete_documents(_records(log))

    resumed = run_in(seeds, "check", "r", "-j", "2", "--no-cache", "--isolated", "--ignore", "FL.S",
                     "--resume", log, "--report", f"jsonl={log}", "--format", "json")
    assert resumed.returncode == 1, resumed.stderr  # the seed has errors: the exit code counts every report
    data = json.loads(resumed.stdout)
    assert data["summary"]["resumed"] == len(first)
    assert len(data["files"]) == COPIES - len(first)  # only the others were checked
    assert not set(first) & {f["path"] for f in data["files"]}
    skipped = [line for line in resumed.stderr.splitlines() if "跳过" in line]
    assert len(skipped) == len(first), resumed.stderr

    straight = run_in(seeds, "check", "r", "--no-cache", "--isolated", "--ignore", "FL.S", "--format", "jsonl",
                      "-o", tmp_path / "straight.jsonl")
    assert straight.returncode == 1
    expected = _complete_documents(_records(tmp_path / "straight.jsonl"))
    records = _records(log)
    assert [r["record"] for r in records].count("run") == 2 and records[-1]["record"] == "end"
    assert records[-1]["interrupted"] is False and records[-1]["exit_code"] == 1
    assert _complete_documents(records) == expected  # every report exactly once, as a straight run has it


def test_resume_into_another_log_copies_the_finished_reports(small: Path, tmp_path: Path) -> None:
    first = tmp_path / "first.jsonl"
    r = run_in(small, "check", "r", "--isolated", "--ignore", "FL.S", "--report", f"jsonl={first}")
    assert r.returncode == 2
    # as if the run had been killed after two reports: the first two documents (whole) and half a line
    lines = first.read_bytes().splitlines(keepends=True)
    docs = [i for i, line in enumerate(lines) if b'"record":"document"' in line]
    cut = first.with_name("cut.jsonl")
    cut.write_bytes(b"".join(lines[:docs[2]]) + lines[docs[2]][:40])
    before = cut.read_bytes()

    again = tmp_path / "again.jsonl"
    r = run_in(small, "check", "r", "--isolated", "--ignore", "FL.S", "--resume", cut, "--report", f"jsonl={again}",
               "--format", "json")
    assert r.returncode == 2, r.stderr  # c.pdf cannot be read: not checked, in this run
    assert [f["path"] for f in json.loads(r.stdout)["files"]] == ["r/c.pdf"]
    assert cut.read_bytes() == before  # the resumed log is only read
    got = _complete_documents(_records(again))
    assert got == _complete_documents(_records(first))
    assert [rec["record"] for rec in _records(again)].count("run") == 1


def test_resume_continuing_a_log_cut_mid_line(small: Path, tmp_path: Path) -> None:
    log = tmp_path / "log.jsonl"
    r = run_in(small, "check", "r", "--isolated", "--ignore", "FL.S", "--report", f"jsonl={log}")
    assert r.returncode == 2, r.stderr
    full = _complete_documents(_records(log))
    lines = log.read_bytes().splitlines(keepends=True)
    docs = [i for i, line in enumerate(lines) if b'"record":"document"' in line]
    log.write_bytes(b"".join(lines[:docs[1]]) + lines[docs[1]][:40])  # a.pdf whole, then half a line
    r = run_in(small, "check", "r", "--isolated", "--ignore", "FL.S", "--resume", log, "--log", log)
    assert r.returncode == 2, r.stderr
    assert _complete_documents(_records(log)) == full


def test_resume_checks_a_changed_file_again(small: Path, tmp_path: Path) -> None:
    work = tmp_path / "w"
    shutil.copytree(small / "r", work / "r")
    log = tmp_path / "log.jsonl"
    r = run_in(work, "check", "r", "--isolated", "--ignore", "FL.S", "--log", log)
    assert r.returncode == 2
    write_report(work / "r" / "b.pdf", BAD_TOTAL)  # changed since: its sha256 no longer matches
    out = tmp_path / "again.jsonl"
    r = run_in(work, "check", "r", "--isolated", "--ignore", "FL.S", "--resume", log, "--format", "json")
    assert [f["path"] for f in json.loads(r.stdout)["files"]] == ["r/b.pdf"]
    assert json.loads(r.stdout)["summary"]["resumed"] == 2  # a.pdf, and c.pdf (unreadable, logged as such)
    r = run_in(work, "check", "r", "--isolated", "--ignore", "FL.S", "--resume", log, "--select", "FL.I",
               "--report", f"jsonl={out}", "--format", "json")
    assert len(json.loads(r.stdout)["files"]) == 3  # another selection: nothing from that log is reused


def test_resume_refusals(small: Path, tmp_path: Path) -> None:
    missing = run_in(small, "check", "r", "--isolated", "--resume", tmp_path / "none.jsonl")
    assert missing.returncode == 2 and "none.jsonl" in missing.stderr and "Traceback" not in missing.stderr
    junk = tmp_path / "junk.jsonl"
    junk.write_text("not json\n", encoding="utf-8")
    bad = run_in(small, "check", "r", "--isolated", "--resume", junk)
    assert bad.returncode == 2 and "第 1 行" in bad.stderr and "Traceback" not in bad.stderr
    log = tmp_path / "log.jsonl"
    assert run_in(small, "check", "r", "--isolated", "--ignore", "FL.S", "--report", f"jsonl={log}").returncode == 2
    before = log.read_bytes() + b'{"record":"run"'  # with half a line: continuing would cut it off
    log.write_bytes(before)
    other = tmp_path / "other.jsonl"
    other.write_bytes(b"kept\n")
    sets = run_in(small, "check", "r", "--isolated", "--resume", log, "--report", f"jsonl={log}",
                  "--report", f"jsonl={other}")  # FL.S on several reports: refused before anything is written
    assert sets.returncode == 2 and "--ignore FL.S" in sets.stderr and "Traceback" not in sets.stderr
    assert log.read_bytes() == before and other.read_bytes() == b"kept\n"


def test_help_says_what_resume_and_130_do() -> None:
    r = run_in(REPO, "check", "--help")
    assert r.returncode == 0
    flat = " ".join(r.stdout.split())
    assert "--resume LOG" in flat and "sha256" in flat and "130" in flat


def test_ctrl_c_during_parse_stops_without_a_worker_stack(seeds: Path, tmp_path: Path) -> None:
    """``fiscal-lint parse`` runs its files in guarded workers too: Ctrl-C ends it with 130 and one line, no
    worker's "Process ForkProcess-N:" stack, and the models written before it are whole."""
    out = tmp_path / "models"
    out.mkdir()
    proc = subprocess.Popen(
        [sys.executable, "-m", "linter", "parse", *sorted((seeds / "r").glob("*.pdf")), "-o", f"{out}/"],
        env=cli_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8",
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while not any(out.iterdir()) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.5)  # the next report's worker is parsing now
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "ForkProcess" not in err and "KeyboardInterrupt" not in err, err
    written = list(out.iterdir())
    assert 1 <= len(written) < COPIES
    for model in written:
        json.loads(model.read_text(encoding="utf-8"))
