"""A lone report's parse started before the rule packs load (linter.run.prefetch): same outcome, guarded, never
left running, and started only where it can help."""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import replace
from pathlib import Path

import pytest
from support import run_cli, session_for

from linter.core.config import Config
from linter.core.errors import InputError
from linter.core.limits import Limits
from linter.core.model import Document
from linter.parse.guard import GuardedTask, parse_limited
from linter.run import prefetch
from linter.run.cache import Cache, code_version, digest
from linter.run.check import run_check


def _slow(seconds: float) -> str:
    time.sleep(seconds)
    return "done"


def test_a_guarded_task_gives_the_outcome_later() -> None:
    task = GuardedTask(lambda x: x * 2, 21, Limits(timeout=30))
    assert task.outcome() == 42
    assert not task.proc.is_alive()


def test_a_guarded_task_is_stopped_at_its_deadline() -> None:
    started = time.monotonic()
    outcome = GuardedTask(_slow, 30, Limits(timeout=0.5)).outcome()
    assert isinstance(outcome, InputError) and outcome.reason == "timeout"
    assert time.monotonic() - started < 10


def test_closing_a_guarded_task_stops_its_worker() -> None:
    task = GuardedTask(_slow, 30, Limits(timeout=60))
    task.close()
    assert not task.proc.is_alive()
    task.close()  # twice is harmless


def test_the_parse_of_a_lone_report_starts_early(fixture_pdf: Path, fixture_doc) -> None:
    session = session_for()
    early = prefetch.start([fixture_pdf], session.config, None)
    assert early is not None
    sha = early.sha256
    try:
        document = early.take(fixture_pdf, sha)
    finally:
        early.close()
    assert isinstance(document, Document)
    assert document.to_dict() == fixture_doc.to_dict()


def test_a_report_changed_since_is_parsed_again(fixture_pdf: Path) -> None:
    session = session_for()
    early = prefetch.start([fixture_pdf], session.config, None)
    assert early is not None
    assert early.take(fixture_pdf, "0" * 64) is None
    assert not early.taken and not early.task.proc.is_alive()


@pytest.mark.parametrize("case", ["two reports", "no worker", "dask", "folder", "missing"])
def test_nothing_is_started_where_it_cannot_help(case: str, fixture_pdf: Path, tmp_path: Path) -> None:
    config = Config()
    paths = [fixture_pdf]
    if case == "two reports":
        paths = [fixture_pdf, fixture_pdf]
    elif case == "no worker":
        config = config.with_limits(Limits(timeout=0))
    elif case == "dask":
        config = replace(config, executor="dask")
    elif case == "folder":
        paths = [fixture_pdf.parent]
    elif case == "missing":
        paths = [tmp_path / "nowhere.pdf"]
    assert prefetch.start(paths, config, None) is None


def test_a_model_in_the_cache_is_not_parsed_again(fixture_pdf: Path, tmp_path: Path) -> None:
    import hashlib

    session = session_for()
    cache = Cache(tmp_path / "cache")
    key = digest(hashlib.sha256(fixture_pdf.read_bytes()).hexdigest(), code_version(session.plugin_versions()))
    early = prefetch.start([fixture_pdf], session.config, cache)
    assert early is not None
    assert isinstance(early.take(fixture_pdf, early.sha256), Document)  # no model yet: parsed
    cache.put_model(key, parse_limited(fixture_pdf, Limits(), session.pm))
    early = prefetch.start([fixture_pdf], session.config, cache)
    assert early is not None
    assert early.take(fixture_pdf, early.sha256) is None and not early.taken  # the run reads the cache


def test_a_plugin_the_worker_cannot_load_leaves_the_parse_to_the_run(fixture_pdf: Path, monkeypatch) -> None:
    # the run builds the same plugins and reports what is wrong; the worker does not turn it into a file's error
    import linter.session.plugin_manager as plugin_manager

    def broken(*args, **kwargs):
        raise plugin_manager.PluginLoadError(None, "x", "坏插件", "broken plugin")

    monkeypatch.setattr(plugin_manager, "make_manager", broken)
    early = prefetch.start([fixture_pdf], Config(), None)
    assert early is not None
    assert early.take(fixture_pdf, early.sha256) is None and not early.taken


@pytest.mark.parametrize("kind", ["report", "corrupt"])
def test_a_run_gives_the_same_result_with_the_parse_started_early(kind: str, fixture_pdf: Path, tmp_path: Path,
                                                                    default_packs) -> None:
    path = fixture_pdf
    if kind == "corrupt":
        path = tmp_path / "损坏.pdf"
        path.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 100)
    session = session_for()
    plain = run_check([path], default_packs, session)
    early = prefetch.start([path], session.config, None)
    assert early is not None
    with_early = run_check([path], default_packs, session, prefetch=early)
    assert early.taken and not early.task.proc.is_alive()
    [a], [b] = plain.files, with_early.files
    assert a.checked == b.checked == (kind == "report")
    if kind == "corrupt":
        assert a.error is not None and b.error is not None
        assert (a.error.reason, a.error.message) == (b.error.reason, b.error.message)
    else:
        assert a.info == b.info
        assert a.result == b.result


def test_the_command_writes_the_same_bytes_either_way(fixture_pdf: Path, tmp_path: Path) -> None:
    # one report (its parse started early) and the same report beside another (no early parse): its records agree
    other = tmp_path / "另一份.pdf"
    shutil.copyfile(fixture_pdf, other)
    lone = run_cli("check", "--isolated", "--no-cache", "--format", "json", "--ignore", "FL.S", fixture_pdf)
    pair = run_cli("check", "--isolated", "--no-cache", "--format", "json", "--ignore", "FL.S", fixture_pdf, other)
    assert lone.returncode == pair.returncode, lone.stderr + pair.stderr
    lone_files = json.loads(lone.stdout)["files"]
    pair_files = json.loads(pair.stdout)["files"]
    assert lone_files == pair_files[:1]
