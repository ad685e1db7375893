"""The caches that make a warm check fast: compiled rule packs, the replay of an unchanged check, the size cap.

Timings are not tested here (they depend on the machine): ``benchmarks/check_speed.py`` measures them. These
tests hold what the speed must not cost: a replayed check prints exactly what the cold one printed, and any
change to what a check depends on is seen.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from lint_reports import BAD_TOTAL, cli_env, run_in, write_report
from support import REPO

from linter.dsl import nodes
from linter.dsl.pack import PackStore, load_packs
from linter.run.cache import evict, usage

FORMATS = ("text", "json", "sarif", "junit", "github")


@pytest.fixture()
def reports(tmp_path: Path) -> Path:
    root = tmp_path / "work"
    write_report(root / "a.pdf", BAD_TOTAL)
    write_report(root / "b.pdf")
    return root


def _entries(cache: Path, kind: str) -> list[Path]:
    return sorted(cache.rglob(f"v1/{kind}/*/*.json"))


# ---- compiled rule packs --------------------------------------------------------------------------


def test_compiled_packs_come_back_from_the_store_without_lark(tmp_path: Path, monkeypatch) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "a.rules").write_text(
        'pack "t" version "1" dsl "1"\nrule T.1 "总额" { severity warning message "不等" assert 1 == 1 }\n',
        encoding="utf-8")
    store = PackStore(tmp_path / "store", "salt")
    first = load_packs([pack], store=store)
    assert len(list((tmp_path / "store").rglob("*.pickle"))) == 1

    import linter.dsl.pack

    def no_parsing(path: Path):
        raise AssertionError(f"parsed {path} again")

    monkeypatch.setattr(linter.dsl.pack, "parse_rule_file", no_parsing)
    again = load_packs([pack], no_parsing, store=store)
    assert again[0].files == first[0].files and again[0].rules[0].body
    assert (again[0].name, again[0].version, again[0].path) == (first[0].name, first[0].version, first[0].path)
    # another salt (fiscal-lint's code, the plugins) or changed rule text: parsed again
    with pytest.raises(AssertionError, match="parsed"):
        load_packs([pack], no_parsing, store=PackStore(tmp_path / "store", "other salt"))
    (pack / "a.rules").write_text((pack / "a.rules").read_text(encoding="utf-8").replace("1 == 1", "2 == 2"),
                                  encoding="utf-8")
    with pytest.raises(AssertionError, match="parsed"):
        load_packs([pack], no_parsing, store=store)


@pytest.mark.parametrize("options", [["--no-cache"], []], ids=["no-cache", "cache"])
def test_a_check_with_the_packs_in_the_store_never_imports_lark(reports: Path, tmp_path: Path,
                                                                 options: list[str]) -> None:
    """The rule language's parser (and lark, ~40 ms to import) is loaded only when a pack must be parsed, with
    the result cache on or off."""
    env = {**cli_env(), "FISCAL_LINT_CACHE_DIR": str(tmp_path / "cache")}
    args = [sys.executable, "-X", "importtime", "-m", "linter", "check", *options, "-q"]
    names = sorted(p.name for p in reports.glob("*.pdf"))
    first = subprocess.run([*args, *names], cwd=reports, capture_output=True, text=True,
                           env=env, timeout=300)
    assert " lark" in first.stderr  # the first run parses the packs
    # the same reports with other bytes: nothing of them is cached, only the packs are
    again_dir = tmp_path / "again"
    again_dir.mkdir()
    for name in names:
        (again_dir / name).write_bytes((reports / name).read_bytes() + b"\n% changed\n")
    again = subprocess.run([*args, *names], cwd=again_dir, capture_output=True, text=True,
                           env=env, timeout=300)
    assert again.returncode == first.returncode and again.stdout == first.stdout
    assert " lark" not in again.stderr and "linter.dsl.parser" not in again.stderr
    assert " rich" not in again.stderr  # the report goes to a pipe: plain lines, no terminal library


def test_a_damaged_pack_entry_is_a_miss(tmp_path: Path) -> None:
    pack = tmp_path / "p.rules"
    pack.write_text('rule T.1 "x" { severity info message "x" assert 1 == 1 }\n', encoding="utf-8")
    store = PackStore(tmp_path / "store")
    load_packs([pack], store=store)
    entries = list((tmp_path / "store").rglob("*.pickle"))
    assert len(entries) == 1
    entries[0].write_bytes(entries[0].read_bytes()[:-40])  # truncated
    assert [r.id for r in load_packs([pack], store=store)[0].rules] == ["T.1"]


class _RunsCode:
    """An object whose pickle calls a function when loaded: what a planted cache entry would hold."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.mkdir, (str(self.marker),))


def test_a_pack_entry_cannot_run_code(tmp_path: Path) -> None:
    """The store reads entries back only into rule-tree classes: an entry naming any other callable (here
    os.mkdir) is refused, not called, and is a miss (the packs are parsed again and the entry replaced)."""
    import pickle

    pack = tmp_path / "p.rules"
    pack.write_text('rule T.1 "x" { severity info message "x" assert 1 == 1 }\n', encoding="utf-8")
    store = PackStore(tmp_path / "store")
    load_packs([pack], store=store)
    [entry] = list((tmp_path / "store").rglob("*.pickle"))
    marker = tmp_path / "ran"
    entry.write_bytes(pickle.dumps({"packs": [_RunsCode(marker)]}))
    with pytest.raises(pickle.UnpicklingError, match="posix.mkdir"):
        nodes.load_tree(entry.read_bytes())
    assert [r.id for r in load_packs([pack], store=store)[0].rules] == ["T.1"]
    assert not marker.exists()
    assert nodes.load_tree(entry.read_bytes())["packs"][0]["files"][0].rules[0].id == "T.1"  # rewritten


def test_no_cache_says_the_compiled_packs_are_still_used() -> None:
    out = run_in(REPO, "check", "--help")
    assert out.returncode == 0
    assert "compiled rule-pack cache is still used" in " ".join(out.stdout.split())


# ---- the replay of an unchanged check --------------------------------------------------------------


def _check(cwd: Path, cache: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return run_in(cwd, "check", *args, "--no-progress", FISCAL_LINT_CACHE_DIR=str(cache), **env)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_warm_check_prints_the_cold_bytes(reports: Path, tmp_path: Path, fmt: str) -> None:
    cache = tmp_path / "cache"
    cold = _check(reports, cache, "a.pdf", "b.pdf", "--format", fmt, "--isolated")
    assert cold.returncode == 1, cold.stderr
    assert len(_entries(cache, "replay")) == 1
    warm = _check(reports, cache, "a.pdf", "b.pdf", "--format", fmt, "--isolated")
    assert (warm.returncode, warm.stdout, warm.stderr) == (cold.returncode, cold.stdout, cold.stderr)
    uncached = _check(reports, cache, "a.pdf", "b.pdf", "--format", fmt, "--isolated", "--no-cache")
    assert (uncached.returncode, uncached.stdout) == (cold.returncode, cold.stdout)


def test_the_replay_answers_before_the_package_is_imported(reports: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    argv = ["check", "a.pdf", "--isolated", "--no-progress"]
    cold = _check(reports, cache, "a.pdf", "--isolated")
    probe = ("import sys; from linter.run import replay; code = replay.try_replay(sys.argv[1:]); "
             "print(); print(code, sorted(m for m in ('pluggy', 'pdfminer', 'lark', 'linter.session') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe, *argv], cwd=reports, capture_output=True, text=True,
                         encoding="utf-8", env=cli_env(FISCAL_LINT_CACHE_DIR=str(cache)), timeout=60)
    assert out.stdout.startswith(cold.stdout)
    assert out.stdout.splitlines()[-1] == "1 []"


def test_every_change_a_check_depends_on_is_seen(reports: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"

    def both(*args: str) -> None:
        """The run with the replay cache prints what a run without any cache prints."""
        cached = _check(reports, cache, *args, "--format", "json")
        fresh = _check(reports, cache, *args, "--format", "json", "--no-cache")
        assert (cached.returncode, cached.stdout) == (fresh.returncode, fresh.stdout)

    both("a.pdf", "b.pdf")
    both("a.pdf", "b.pdf")
    # the input's bytes
    write_report(reports / "b.pdf", BAD_TOTAL)
    both("a.pdf", "b.pdf")
    # a configuration file appears where discovery looks for one
    (reports / "fiscal-lint.toml").write_text('select = ["FL.Q"]\n', encoding="utf-8")
    both("a.pdf", "b.pdf")
    (reports / "fiscal-lint.toml").write_text('fail-on = "never"\n', encoding="utf-8")
    both("a.pdf", "b.pdf")
    # an extra rule pack: a rule file changed, a rule file added to its folder
    pack = reports / "extra"
    pack.mkdir()
    (pack / "x.rules").write_text('rule X.1 "一" { severity warning message "一" assert 1 == 2 }\n', encoding="utf-8")
    both("a.pdf", "--rules", "extra")
    (pack / "x.rules").write_text('rule X.1 "一" { severity warning message "一" assert 1 == 1 }\n', encoding="utf-8")
    both("a.pdf", "--rules", "extra")
    (pack / "y.rules").write_text('rule X.2 "二" { severity error message "二" assert 1 == 2 }\n', encoding="utf-8")
    both("a.pdf", "--rules", "extra")
    # a folder given as input: a file added to it
    write_report(reports / "sub" / "c.pdf")
    both("sub")
    write_report(reports / "sub" / "d.pdf", BAD_TOTAL)
    both("sub")


def test_runs_that_write_files_or_a_log_are_never_replayed(reports: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    log = tmp_path / "run.jsonl"
    for _ in range(2):
        _check(reports, cache, "a.pdf", "--isolated", "--log", str(log))
        _check(reports, cache, "a.pdf", "--isolated", "-o", str(tmp_path / "out.txt"))
        _check(reports, cache, "a.pdf", "--isolated", "--format", "jsonl")
    assert sum(json.loads(line)["record"] == "run" for line in log.read_text(encoding="utf-8").splitlines()) == 2
    assert _entries(cache, "replay") == []


def test_a_run_that_could_not_check_a_file_is_not_replayed(reports: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    (reports / "bad.pdf").write_bytes(b"%PDF-1.7\n%%EOF\n")
    assert _check(reports, cache, "bad.pdf", "--isolated").returncode == 2
    assert _entries(cache, "replay") == []


# ---- the size cap and `fiscal-lint cache` --------------------------------------------------------------


def test_eviction_removes_the_least_recently_used_entries_first(tmp_path: Path) -> None:
    root = tmp_path / "cache"
    files = []
    for i in range(10):
        f = root / "v1" / "models" / f"{i:02d}" / f"{i:02d}.json"
        f.parent.mkdir(parents=True)
        f.write_bytes(b"x" * 1000)
        os.utime(f, ns=(time.time_ns() - (10 - i) * 10**9,) * 2)  # 00 is the oldest
        files.append(f)
    os.utime(files[0])  # … until it is used again
    assert evict(root, 10_000) == (0, 0)
    removed, freed = evict(root, 6_000)  # down to nine tenths: 5 400 bytes, five entries
    assert (removed, freed) == (5, 5000)
    assert [f.exists() for f in files] == [True] + [False] * 5 + [True] * 4
    assert usage(root) == {"models": (5, 5000)}


def test_a_run_keeps_the_cache_under_its_cap(reports: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    (reports / "fiscal-lint.toml").write_text("cache-max-mb = 3\n", encoding="utf-8")
    filler = cache / "v1" / "models" / "00" / "old.json"
    filler.parent.mkdir(parents=True)
    filler.write_bytes(b"x" * 4 * 1024 * 1024)
    os.utime(filler, ns=(0, 0))
    assert _check(reports, cache, "a.pdf").returncode == 1
    assert not filler.exists()
    assert _entries(cache, "results")  # what this run wrote last is kept
    assert sum(size for _, size in usage(cache).values()) <= 3 * 1024 * 1024


def test_cache_info_and_clear(reports: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _check(reports, cache, "a.pdf", "--isolated")
    info = run_in(reports, "cache", "info", "--json", "--isolated", FISCAL_LINT_CACHE_DIR=str(cache))
    data = json.loads(info.stdout)
    assert data["folder"] == str(cache) and data["max_mb"] == 500
    assert {"models", "results", "packs", "replay"} <= set(data["kinds"])
    assert data["bytes"] == sum(k["bytes"] for k in data["kinds"].values()) > 0
    text = run_in(reports, "cache", "info", "--isolated", FISCAL_LINT_CACHE_DIR=str(cache))
    assert "编译好的规则包 / compiled rule packs: 1" in text.stdout and "cap 500 MB" in text.stdout
    (cache / "mine.txt").write_text("not the cache's", encoding="utf-8")
    cleared = run_in(reports, "cache", "clear", "--isolated", FISCAL_LINT_CACHE_DIR=str(cache))
    assert cleared.returncode == 0 and "cache cleared" in cleared.stdout
    assert [p.name for p in cache.iterdir()] == ["mine.txt"]
    # and the next check is cold again, with the same output
    assert _check(reports, cache, "a.pdf", "--isolated").returncode == 1
