"""The per-file resource guard: a file that takes too long or too much memory is reported, not fatal."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import no_process_with, run_cli, session_for

from linter.core.errors import InputError
from linter.core.limits import Limits
from linter.parse.guard import parse_guarded


def test_guarded_parse_returns_the_same_model(fixture_pdf: Path, fixture_doc) -> None:
    doc = parse_guarded(fixture_pdf, Limits(timeout=60), session_for().pm)
    assert doc.to_dict() == fixture_doc.to_dict()


def test_time_limit(fixture_pdf: Path) -> None:
    with pytest.raises(InputError) as exc:
        parse_guarded(fixture_pdf, Limits(timeout=0.001), session_for().pm)
    assert exc.value.reason == "timeout"


def test_memory_limit(tmp_path: Path) -> None:
    # A stream that inflates to 1 GB, with the stream limit lifted: only the memory limit can stop it. (Parsing an
    # ordinary report under a tiny limit is no test: a worker forked from a big process reuses its free heap.)
    import pdfgen

    path = tmp_path / "bomb.pdf"
    path.write_bytes(pdfgen.stream_bomb_pdf(1024**3))
    with pytest.raises(InputError) as exc:
        parse_guarded(path, Limits(timeout=60, memory=400 * 1024**2, max_stream=2 * 1024**3), session_for().pm)
    assert exc.value.reason == "memory_limit"
    assert "400 MB" in exc.value.message


def test_parser_limits_reach_the_worker(tmp_path: Path) -> None:
    import pdfgen

    path = tmp_path / "many.pdf"
    path.write_bytes(pdfgen.many_pages_pdf(5))
    with pytest.raises(InputError) as exc:
        parse_guarded(path, Limits(timeout=60, max_pages=4), session_for().pm)
    assert exc.value.reason == "too_many_pages" and "4" in exc.value.message


def test_crash_of_the_worker_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    import signal

    import linter.parse.documents

    def crash(*args, **kwargs):
        import faulthandler

        faulthandler.disable()  # pytest's handler would print the worker's stack
        os.kill(os.getpid(), signal.SIGSEGV)

    monkeypatch.setattr(linter.parse.documents, "parse_file", crash)
    with pytest.raises(InputError) as exc:
        parse_guarded(tmp_path / "any.pdf", Limits(timeout=60), session_for().pm)
    assert exc.value.reason == "parser_crash" and "SIGSEGV" in exc.value.message


def test_cli_reports_a_limit_and_goes_on(tmp_path: Path, fixture_pdf: Path) -> None:
    result = run_cli("parse", "--timeout", "0.001", fixture_pdf)
    assert result.returncode == 2
    assert "超时" in result.stderr and "Traceback" not in result.stderr


def _killed_while_sending(job: int) -> int:
    """In the worker: start sending a result, then die as the kernel's OOM killer would make it (SIGKILL)."""
    import os
    import signal
    import struct
    import sys

    if job != 1:
        return job
    conn = sys._getframe(1).f_locals["conn"]  # the worker's end of the pipe (linter.parse.guard._worker_main)
    os.write(conn.fileno(), struct.pack("!i", 1_000_000) + b"\x80\x04partial")  # a header and a few bytes
    os.kill(os.getpid(), signal.SIGKILL)
    return job


def test_a_worker_killed_while_sending_its_result_costs_that_file_only() -> None:
    from linter.parse.guard import run_guarded

    outcomes: dict[int, object] = {}
    run_guarded([0, 1, 2], _killed_while_sending, Limits(timeout=60), 2, outcomes.__setitem__)
    assert outcomes[0] == 0 and outcomes[2] == 2
    failed = outcomes[1]
    assert isinstance(failed, InputError) and failed.reason == "memory_limit"


ORPHAN_SCRIPT = """
import sys, time
from linter.core.limits import Limits
from linter.parse.guard import run_guarded

def work(job):
    time.sleep(2)  # the run is killed meanwhile
    return b"x" * 1_000_000  # more than a pipe holds: an orphan would block on it for ever

run_guarded([0], work, Limits(timeout=60), 1, lambda job, out: None)
"""


def test_a_worker_does_not_outlive_a_killed_run(tmp_path: Path) -> None:
    """SIGKILL to the run (the OOM killer, a CI job cancelled): its worker is killed with it, instead of parsing
    on and then blocking for ever on a result nobody reads."""
    import signal
    import subprocess
    import sys
    import time

    marker = f"orphan-check-{tmp_path.name}"
    run = subprocess.Popen([sys.executable, "-c", ORPHAN_SCRIPT, marker])
    time.sleep(1.0)  # the worker is forked and sleeping in work()
    run.send_signal(signal.SIGKILL)
    run.wait()
    assert no_process_with(marker, timeout=6), "the worker outlived the run"
