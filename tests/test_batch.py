"""Batch runs: files and folders, ``-j N`` workers, the cache, the progress bar, the streaming log."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from lint_reports import BAD_TOTAL, cli_env, run_in, session_cache_dir, write_report
from support import REPO, SHARED, no_process_with, session_for

from linter.core.limits import Limits
from linter.run.cache import Cache
from linter.run.check import expand_inputs, run_check

FORMATS = ("json", "jsonl", "sarif", "junit", "github", "text")


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Five reports (three defective, two clean) and one damaged file, in nested folders."""
    root = tmp_path_factory.mktemp("batch")
    write_report(root / "reports" / "a.pdf", BAD_TOTAL)
    write_report(root / "reports" / "b.pdf")
    write_report(root / "reports" / "2024" / "c.pdf", "12.40", pages_before=1)
    write_report(root / "reports" / "2024" / "d.pdf")
    write_report(root / "reports" / "e.pdf", "11.00")
    (root / "reports" / "2024" / "f.pdf").write_bytes(b"%PDF-1.7\n%%EOF\n")
    return root


def test_folders_are_searched_and_hidden_ones_skipped(tmp_path: Path) -> None:
    for rel in ("x/b.pdf", "x/a.PDF", "x/sub/c.pdf", "x/.git/d.pdf", "x/.tox/e/f.pdf", "x/notes.txt"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b"")
    got = expand_inputs([tmp_path / "x", tmp_path / "x" / "notes.txt"], [".pdf"])
    rel = [p.relative_to(tmp_path).as_posix() for p in got]
    assert rel == ["x/a.PDF", "x/b.pdf", "x/sub/c.pdf", "x/notes.txt"]


def _all_formats(root: Path, out: Path, *args: str, **env: str) -> dict[str, bytes]:
    out.mkdir(parents=True, exist_ok=True)
    reports = [f"--report={fmt}={out / fmt}" for fmt in FORMATS[1:]]
    result = run_in(root, "check", "reports", "--format", "json", "-o", out / "json", *reports, "--isolated",
                    "--no-progress", *args, **env)
    assert result.returncode == 2, result.stderr  # f.pdf cannot be checked
    return {fmt: (out / fmt).read_bytes() for fmt in FORMATS}


def _without_times(jsonl: bytes) -> list[dict]:
    recs = [json.loads(line) for line in jsonl.decode("utf-8").splitlines()]
    for rec in recs:
        for key in ("run", "started", "ended"):
            rec.pop(key, None)
    return recs


def test_parallel_and_serial_runs_write_the_same_bytes(batch: Path, tmp_path: Path) -> None:
    """-j 2 against -j 1, a different hash seed, cold against warm cache: every format byte-identical."""
    cache = str(tmp_path / "cache")
    serial = _all_formats(batch, tmp_path / "j1", "-j", "1", "--no-cache", PYTHONHASHSEED="1")
    parallel = _all_formats(batch, tmp_path / "j2", "-j", "2", FISCAL_LINT_CACHE_DIR=cache, PYTHONHASHSEED="2")
    warm = _all_formats(batch, tmp_path / "warm", "-j", "2", FISCAL_LINT_CACHE_DIR=cache, PYTHONHASHSEED="3")
    for fmt in FORMATS:
        if fmt == "jsonl":
            assert _without_times(serial[fmt]) == _without_times(parallel[fmt]) == _without_times(warm[fmt])
        else:
            assert serial[fmt] == parallel[fmt] == warm[fmt], fmt
    data = json.loads(serial["json"])
    assert [f["path"] for f in data["files"]] == [
        "reports/2024/c.pdf", "reports/2024/d.pdf", "reports/2024/f.pdf", "reports/a.pdf", "reports/b.pdf",
        "reports/e.pdf"]
    assert [f["outcome"] for f in data["files"]].count("not_checked") == 1


def test_the_cache_answers_unchanged_reports_and_never_keeps_a_failure(batch: Path, tmp_path: Path,
                                                                       default_packs) -> None:
    reports = sorted((batch / "reports").rglob("*.pdf"))
    cache = Cache(tmp_path / "cache")
    cold = run_check(reports, default_packs, session_for(Limits(), jobs=2), cache=cache)
    warm = run_check(reports, default_packs, session_for(Limits(), jobs=2), cache=cache)
    assert [fr.cached for fr in cold.files] == [None] * 6
    assert [fr.cached for fr in warm.files] == ["result", "result", None, "result", "result", "result"]  # f.pdf is damaged
    assert [fr.result.to_dict() for fr in cold.files] == [fr.result.to_dict() for fr in warm.files]
    models = list((tmp_path / "cache").rglob("models/*/*.json"))
    assert len(models) == 5  # one per report that parsed; the damaged one is not cached
    # other rules: the parse is saved (model cache), the rules run again
    fewer = [p for p in default_packs]
    from linter.core.config import Config

    only = run_check(reports[:1], fewer, session_for(Limits(), config=Config(select=["FL.I.11"])), cache=cache)
    assert only.files[0].cached == "model"
    assert {o.rule_id for o in only.files[0].result.outcomes} == {"FL.I.11"}
    # a damaged entry is a miss, not a crash
    for entry in (tmp_path / "cache").rglob("results/*/*.json"):
        entry.write_text("{not json", encoding="utf-8")
    again = run_check(reports, default_packs, session_for(Limits()), cache=cache)
    assert [fr.cached for fr in again.files] == ["model", "model", None, "model", "model", "model"]
    assert [fr.result.to_dict() for fr in again.files] == [fr.result.to_dict() for fr in cold.files]


def test_the_cache_key_holds_the_parser_version(batch: Path, tmp_path: Path, default_packs, monkeypatch) -> None:
    import linter.run.check

    report = [batch / "reports" / "a.pdf"]
    cache = Cache(tmp_path / "cache")
    run_check(report, default_packs, session_for(Limits(timeout=0)), cache=cache)
    monkeypatch.setattr(linter.run.check, "code_version", lambda plugins=(): "another parser")
    assert run_check(report, default_packs, session_for(Limits(timeout=0)), cache=cache).files[0].cached is None


def test_no_cache_writes_nothing_and_the_cache_dir_is_configurable(batch: Path, tmp_path: Path) -> None:
    cache = tmp_path / "c"
    out = run_in(batch, "check", "reports/a.pdf", "--no-cache", "--isolated", FISCAL_LINT_CACHE_DIR=str(cache))
    # --no-cache: no model, result or replay; only the compiled rule packs (they never change a finding)
    assert out.returncode == 1 and {p.relative_to(cache).parts[1] for p in cache.rglob("*.json")} <= {"packs"}
    other = tmp_path / "elsewhere"
    out = run_in(batch, "check", "reports/a.pdf", "--cache-dir", str(other), "--isolated",
                 FISCAL_LINT_CACHE_DIR=str(cache))
    assert out.returncode == 1 and list(other.rglob("models/*/*.json")) and not list(cache.rglob("models/*/*.json"))


def test_a_worker_over_its_time_limit_costs_one_file(batch: Path) -> None:
    out = run_in(batch, "check", "reports/a.pdf", "reports/b.pdf", "--timeout", "0.001", "-j", "2", "--no-cache",
                 "--isolated", "--format", "json")
    assert out.returncode == 2
    files = json.loads(out.stdout)["files"]
    assert [f["reason"]["code"] for f in files] == ["timeout", "timeout"]


@pytest.mark.parametrize(("death", "reason"), [("kill", "memory_limit"), ("segv", "parser_crash"),
                                               ("memory", "memory_limit")])
def test_a_worker_that_dies_costs_one_file(batch: Path, default_packs, monkeypatch, death: str, reason: str) -> None:
    """Killed by the kernel (the OOM killer's SIGKILL), crashed in C, or out of memory: that file is not
    checked, with the guard's reason, and the others still are."""
    import linter.run.check

    real = linter.run.check.parse_limited
    victim = batch / "reports" / "a.pdf"

    def dying(path: Path, *args):
        if path == victim:
            if death == "memory":
                raise MemoryError
            import faulthandler

            faulthandler.disable()  # pytest's dump of the crash would only be noise here
            os.kill(os.getpid(), signal.SIGKILL if death == "kill" else signal.SIGSEGV)
        return real(path, *args)

    monkeypatch.setattr(linter.run.check, "parse_limited", dying)  # inherited by the forked workers
    run = run_check([victim, batch / "reports" / "b.pdf"], default_packs, session_for(Limits(), jobs=2))
    assert run.exit_code == 2
    assert [fr.error.reason if fr.error else None for fr in run.files] == [reason, None]


# ---- progress bar --------------------------------------------------------------------------


def _stderr_on_a_terminal(root: Path, *args: str, **env: str) -> str:
    import pty

    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "linter", *args], cwd=root, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=slave, env=cli_env(TERM="xterm-256color", COLUMNS="100", **env),
    )
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:  # the child closed its end
                break
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            break
    proc.wait(timeout=120)
    os.close(master)
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_progress_bar_on_a_terminal_only_and_never_in_ci(batch: Path) -> None:
    cache = str(session_cache_dir())
    shown = _stderr_on_a_terminal(batch, "check", "reports/a.pdf", "--isolated", CI="", FISCAL_LINT_CACHE_DIR=cache)
    assert "检查 / checking" in shown
    in_ci = _stderr_on_a_terminal(batch, "check", "reports/a.pdf", "--isolated", CI="true",
                                  FISCAL_LINT_CACHE_DIR=cache)
    assert "检查 / checking" not in in_ci
    piped = run_in(batch, "check", "reports/a.pdf", "--isolated", CI="")
    assert "检查 / checking" not in piped.stderr and "\x1b[" not in piped.stdout


# ---- the streaming log ----------------------------------------------------------------------


def test_a_killed_run_leaves_only_whole_lines_in_the_log(tmp_path: Path) -> None:
    """Documents are logged as they finish. (With cross-document rules, a document's records wait until every
    file is checked, since a later file can add to them: `--ignore FL.S` keeps the streaming this test watches.)"""
    for i in range(10):
        write_report(tmp_path / "many" / f"r{i:02d}.pdf", BAD_TOTAL if i % 2 else "12.00", pages_before=i % 3)
    log = tmp_path / "compliance.jsonl"
    proc = subprocess.Popen(
        [sys.executable, "-m", "linter", "check", "many", "--log", str(log), "--isolated", "-j", "1",
         "--ignore", "FL.S"],
        cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env=cli_env(FISCAL_LINT_CACHE_DIR=str(session_cache_dir())),
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if log.exists() and log.read_text(encoding="utf-8").count('"record":"document"') >= 2:
            break
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    # its worker does not outlive it (an orphan would parse on, then block on a result nobody reads)
    assert no_process_with(str(log)), "a worker of the killed run is still running"
    text = log.read_text(encoding="utf-8")
    assert text.endswith("\n")
    recs = [json.loads(line) for line in text.splitlines()]  # every line is a whole record
    kinds = [r["record"] for r in recs]
    assert kinds[0] == "run" and "document" in kinds and "end" not in kinds
    # the next run appends after the whole lines
    out = run_in(tmp_path, "check", "many/r01.pdf", "--log", str(log), "--isolated")
    assert out.returncode == 1
    recs = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert [r["record"] for r in recs][-1] == "end" and len({r["run"] for r in recs}) == 2


# ---- the whole corpus (opt-in: minutes of parsing) ------------------------------------------


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("FISCAL_LINT_SLOW_TESTS"), reason="set FISCAL_LINT_SLOW_TESTS=1")
def test_every_corpus_pdf_gives_records_that_validate(tmp_path: Path) -> None:
    import jsonschema

    corpus = SHARED / "corpus"
    if not corpus.is_dir():
        pytest.skip("../shared is not present")
    pdfs = sorted(corpus.rglob("*.pdf"))
    out = run_in(tmp_path, "check", *pdfs, "--format", "jsonl", "-j", "2", "--isolated", "--no-progress")
    assert out.returncode in (0, 1), out.stderr
    schema = json.loads((REPO / "schemas" / "compliance-log.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    recs = [json.loads(line) for line in out.stdout.splitlines()]
    for rec in recs:
        assert not list(validator.iter_errors(rec)), rec
    docs = [r for r in recs if r["record"] == "document"]
    assert len(docs) == len(pdfs) and all(d["outcome"] == "checked" for d in docs)
