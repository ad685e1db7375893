"""Executors (the ``fiscal_lint_executors`` hook): local worker processes and a Dask cluster give the same bytes.

The Dask tests run a 2-worker ``LocalCluster`` on this machine and skip when the ``dask`` extra is missing.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from lint_reports import BAD_TOTAL, cli_env, run_in, write_report
from support import SHARED, session_for

from linter.core.config import Config, ConfigError
from linter.core.limits import Limits
from linter.core.markers import hookimpl
from linter.parse.guard import run_guarded
from linter.run.check import run_check
from linter.session import Session

FORMATS = ("json", "text", "sarif", "junit", "github")


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Reports of different sizes (more pages before the tables: a bigger file) and one damaged file."""
    root = tmp_path_factory.mktemp("executors")
    write_report(root / "r" / "a.pdf", BAD_TOTAL)
    write_report(root / "r" / "b.pdf", pages_before=3)
    write_report(root / "r" / "c.pdf", "12.40", pages_before=1)
    (root / "r" / "d.pdf").write_bytes(b"%PDF-1.7\n%%EOF\n")
    write_report(root / "r" / "e.pdf", pages_before=2)
    return root


def _outputs(root: Path, out: Path, *args: str, **env: str) -> dict[str, bytes]:
    out.mkdir(parents=True, exist_ok=True)
    reports = [f"--report={fmt}={out / fmt}" for fmt in FORMATS[1:]]
    result = run_in(root, "check", "r", "--format", "json", "-o", out / "json", *reports, "--isolated",
                    "--no-progress", *args, **env)
    assert result.returncode == 2, result.stderr  # d.pdf cannot be checked
    return {fmt: (out / fmt).read_bytes() for fmt in FORMATS}


def test_every_executor_cached_or_not_writes_the_same_bytes(batch: Path, tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    cache = str(tmp_path / "cache")
    serial = _outputs(batch, tmp_path / "j1", "-j", "1", "--no-cache")
    parallel = _outputs(batch, tmp_path / "j2", "-j", "2", "--no-cache")
    dask = _outputs(batch, tmp_path / "dask", "-j", "2", "--executor", "dask", FISCAL_LINT_CACHE_DIR=cache)
    warm = _outputs(batch, tmp_path / "warm", "-j", "2", FISCAL_LINT_CACHE_DIR=cache)
    warm_dask = _outputs(batch, tmp_path / "warm-dask", "--executor", "dask", FISCAL_LINT_CACHE_DIR=cache)
    for fmt in FORMATS:
        assert serial[fmt] == parallel[fmt] == dask[fmt] == warm[fmt] == warm_dask[fmt], fmt
    assert [f["path"] for f in json.loads(serial["json"])["files"]] == [f"r/{x}.pdf" for x in "abcde"]


# ---- the hook ----------------------------------------------------------------------------------------------


class _Backwards:
    """An executor that finishes its tasks in the reverse of the order it was given them."""

    given: list[str] = []

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options

    def run(self, tasks, work, limits, done) -> None:
        _Backwards.given = [t.path.name for t in tasks]
        outcomes: list[tuple[Any, Any]] = []
        run_guarded(list(tasks), work, limits, 1, lambda task, outcome: outcomes.append((task, outcome)))
        for task, outcome in reversed(outcomes):
            done(task, outcome)

    def close(self) -> None:
        pass


class _Plugin:
    @hookimpl
    def fiscal_lint_executors(self):
        return {"backwards": _Backwards}


def test_an_executor_plugin_gets_the_largest_files_first_and_the_run_keeps_input_order(batch: Path) -> None:
    files = sorted((batch / "r").glob("*.pdf"))
    config = Config(executor="backwards")
    session = Session.build(config, plugins=[("backwards", _Plugin())])
    packs = session.load_packs()
    streamed: list[str] = []
    run = run_check(files, packs, session, on_file=lambda fr: streamed.append(fr.path.name))
    by_size = sorted(files, key=lambda p: (-p.stat().st_size, files.index(p)))
    assert _Backwards.given == [p.name for p in by_size]
    assert _Backwards.given != [p.name for p in files]  # the sizes differ: the order is not the input's
    assert [fr.path.name for fr in run.files] == streamed == [p.name for p in files]
    serial = run_check(files, packs, session_for(Limits()))
    assert [fr.result.to_dict() for fr in run.files if fr.checked] == [
        fr.result.to_dict() for fr in serial.files if fr.checked]


def test_an_unknown_executor_is_one_line_and_exit_2(batch: Path) -> None:
    out = run_in(batch, "check", "r/a.pdf", "--executor", "nowhere", "--isolated", "--no-cache")
    assert out.returncode == 2
    assert "unknown executor 'nowhere'" in out.stderr and "Traceback" not in out.stderr
    assert "dask" in out.stderr and "local" in out.stderr


def test_without_dask_the_dask_executor_says_how_to_install_it(monkeypatch) -> None:
    from linter.plugins.dask_executor import DaskExecutor

    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(ConfigError, match=r"fiscal-lint\[dask\]"):
        DaskExecutor({"jobs": 1})


# ---- a worker lost mid-run -----------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_worker_killed_mid_run_costs_a_retry_not_the_run(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    import dask
    from distributed import Client, LocalCluster

    seed = SHARED / "corpus" / "jianghan-2024" / "jianghan-2024.pdf"
    if not seed.is_file():
        pytest.skip("../shared is not present")
    data = seed.read_bytes()
    for i in range(4):  # distinct bytes, a few seconds of work each
        (tmp_path / f"report-{i}.pdf").write_bytes(data + f"\n% copy {i}\n".encode())
    args = ["check", *[f"report-{i}.pdf" for i in range(4)], "--isolated", "--no-cache", "--no-progress",
            "--format", "json"]
    reference = subprocess.run([sys.executable, "-m", "linter", *args, "-j", "1"], cwd=tmp_path,
                               capture_output=True, env=cli_env(), timeout=600)
    with dask.config.set({"distributed.worker.daemon": False}), \
            LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        log = tmp_path / "run.jsonl"
        proc = subprocess.Popen(
            [sys.executable, "-m", "linter", *args, "--executor", "dask", "--scheduler", cluster.scheduler_address,
             "--log", str(log)],
            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=cli_env(),
        )
        victim = None
        deadline = time.monotonic() + 120
        while victim is None and time.monotonic() < deadline and proc.poll() is None:
            busy = [w for w, tasks in client.processing().items() if tasks]
            if busy:
                victim = client.run(os.getpid, workers=[busy[0]])[busy[0]]
            else:
                time.sleep(0.05)
        assert victim is not None, "no task started on the cluster"
        time.sleep(0.5)  # well into its task
        os.kill(victim, signal.SIGKILL)
        out, err = proc.communicate(timeout=600)
    assert proc.returncode == reference.returncode == 1, out.decode()[-3000:]
    assert out == reference.stdout
    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]  # whole lines only
    assert [r["record"] for r in records][0] == "run" and records[-1]["record"] == "end"
    assert [Path(r["path"]).name for r in records if r["record"] == "document"] == [
        f"report-{i}.pdf" for i in range(4)]  # in input order, as the results arrived at the client


class _Preload:
    """Records where and how often ``fiscal_lint_preload`` is called."""

    calls: list[int] = []

    @hookimpl
    def fiscal_lint_preload(self):
        _Preload.calls.append(os.getpid())


def test_the_parsers_are_loaded_once_before_the_workers_fork_for_several_files(batch: Path) -> None:
    files = sorted((batch / "r").glob("*.pdf"))
    session = Session.build(Config(jobs=2), plugins=[("preload", _Preload())])
    packs = session.load_packs()
    _Preload.calls = []
    run_check(files[:1], packs, session)
    assert _Preload.calls == []  # one file: a parser that imports lazily costs nothing more
    run = run_check(files, packs, session)
    assert _Preload.calls == [os.getpid()]  # in this process, once, before forking
    assert sum(fr.checked for fr in run.files) == 4



PARENT_IMPORTS = """
import sys
from pathlib import Path
from linter.core.config import Config
from linter.run.check import run_check
from linter.session import Session
session = Session.build(Config(jobs=2))
run_check([Path(p) for p in sys.argv[1:]], session.load_packs(), session)
print("pdfminer.pdfinterp" in sys.modules)
"""


@pytest.mark.parametrize("count", [1, 2])
def test_the_built_in_parser_is_imported_before_the_fork_only_for_several_files(batch: Path, count: int) -> None:
    files = [str(p) for p in sorted((batch / "r").glob("*.pdf"))[:count]]
    out = subprocess.run([sys.executable, "-c", PARENT_IMPORTS, *files], capture_output=True, text=True,
                         env=cli_env(), timeout=120)
    assert out.stdout.strip() == str(count > 1), out.stderr
