"""Determinism (issue 7): the same input gives byte-identical output, whatever the hash seed or the run.

``parse`` (the document model as JSON, one file, several files as JSON Lines, files written with ``-o``) and
``check`` (every output format) are run twice with different ``PYTHONHASHSEED`` values and compared byte
for byte: the order of findings, the formatting of numbers and the absence of timestamps all show here.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pdfgen
import pytest

from linter.core.resources import example_report


def _run(args: list[str | Path], seed: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ, PYTHONHASHSEED=seed, FISCAL_LINT_CACHE_DIR=str(cwd / f"cache-{seed}"))
    if env.get("PYTHONPATH"):
        env["PYTHONPATH"] = os.pathsep.join(str(Path(p).resolve()) for p in env["PYTHONPATH"].split(os.pathsep) if p)
    return subprocess.run([sys.executable, "-m", "linter", *map(str, args)], capture_output=True, cwd=cwd, env=env,
                          timeout=300)


def _twice(args: list[str | Path], cwd: Path) -> tuple[subprocess.CompletedProcess[bytes], ...]:
    return _run(args, "0", cwd), _run(args, "4242", cwd)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("det")
    (d / "示例 报告.pdf").write_bytes(pdfgen.fixture_report())
    (d / "example.pdf").write_bytes(example_report().read_bytes())
    (d / "scanned.pdf").write_bytes(pdfgen.scanned_pdf())
    return d


def test_parse_is_byte_identical(inputs: Path) -> None:
    a, b = _twice(["parse", "example.pdf"], inputs)
    assert a.returncode == 0 and a.stdout
    assert a.stdout == b.stdout and a.stderr == b.stderr


def test_parse_of_several_files_is_byte_identical(inputs: Path, tmp_path: Path) -> None:
    files = ["示例 报告.pdf", "scanned.pdf", "../det0/示例 报告.pdf"]
    a, b = _twice(["parse", *files], inputs)
    assert a.returncode == 2  # the scan is refused, the others are written
    assert a.stdout == b.stdout and a.stderr == b.stderr
    assert len(a.stdout.splitlines()) == 2
    written = []
    for seed in ("1", "2"):
        out = tmp_path / f"out-{seed}"
        _run(["parse", "-o", out, *files], seed, inputs)
        written.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert written[0] == written[1] and len(written[0]) == 2  # same stem twice: 示例 报告.json, 示例 报告-2.json


def test_parse_in_process_and_in_the_worker_agree(inputs: Path) -> None:
    a = _run(["parse", "--timeout", "0", "示例 报告.pdf"], "0", inputs)
    b = _run(["parse", "示例 报告.pdf"], "1", inputs)
    assert a.returncode == 0 and a.stdout == b.stdout


FORMATS = ["json", "jsonl", "sarif", "junit", "github"]


def _normalised(fmt: str, data: bytes) -> bytes:
    """The compliance log (jsonl) may carry a run id and times in its run records (start and end), and only there."""
    if fmt != "jsonl":
        return data
    import json

    records = [json.loads(line) for line in data.splitlines()]
    for r in records:
        r.pop("run", None)
        if r.get("record") in ("run", "end"):
            r.pop("started", None)
            r.pop("ended", None)
    return json.dumps(records, ensure_ascii=False, sort_keys=True).encode()


def test_check_output_is_byte_identical_in_every_format(inputs: Path) -> None:
    results = []
    for seed in ("0", "4242"):
        out = inputs / f"reports-{seed}"
        out.mkdir()
        reports = [f"--report={fmt}={out / fmt}" for fmt in FORMATS]
        r = _run(["check", "--isolated", "--no-cache", "--no-progress", *reports, "示例 报告.pdf", "scanned.pdf"],
                 seed, inputs)
        assert r.returncode == 2, r.stderr.decode()  # the scanned file is not checked
        results.append((r, {fmt: (out / fmt).read_bytes() for fmt in FORMATS}))
    (a, files_a), (b, files_b) = results
    assert a.stdout.count(b"FL.") > 10  # the fixture has findings: their order and numbers are compared
    assert a.stdout == b.stdout  # the text report
    assert a.stderr == b.stderr
    for fmt in FORMATS:
        assert files_a[fmt], fmt
        assert _normalised(fmt, files_a[fmt]) == _normalised(fmt, files_b[fmt]), fmt
