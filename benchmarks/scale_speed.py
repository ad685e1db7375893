"""Speed and scale of ``fiscal-lint check`` (issue 15), every figure a whole process, one command per part.

    python benchmarks/scale_speed.py cold  [--pairs 3]            # cold check / pdfminer extract_pages, per report
    python benchmarks/scale_speed.py warm  [--repeat 5]           # warm check: one report, 20 reports
    python benchmarks/scale_speed.py memory                      # peak RSS of a cold check of the seed
    python benchmarks/scale_speed.py jobs  [--batch 20]           # -j 1 against -j 2 on distinct copies of the seed
    python benchmarks/scale_speed.py dask  [--batch 100]          # --executor dask, 1 and 2 workers, copies of the seed
    python benchmarks/scale_speed.py all                         # each of the above

*cold* runs ``fiscal-lint check --no-cache --isolated`` and ``python -c "…extract_pages…"`` side by side, in
alternation, ``--pairs`` times for the seed and every real corpus report; the ratio is of the medians (of
wall-clock time, and as ``cpu_ratio`` of CPU time, which the machine's load moves less). Every part first
byte-compiles fiscal-lint's modules as an installed wheel has them (``--no-compile``: not).
*warm* primes a cache folder and times the replayed run. *memory* reads the max RSS of the command and of its
worker (``/usr/bin/time``-style, from ``resource.getrusage``). *jobs* and *dask* copy the seed into distinct
files (a trailing comment after ``%%EOF``) and time the whole command with ``--no-cache``. The machine's load is
printed with every part: other processes on a 2-core machine change every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("FISCAL_LINT_CORPUS", REPO.parent / "shared" / "corpus"))
SEED = CORPUS / "jianghan-2024" / "jianghan-2024.pdf"
EXTRACT = "import sys\nfrom pdfminer.high_level import extract_pages\nfor _ in extract_pages(sys.argv[1]): pass\n"


def _timed(cmd: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> float:
    return _timed_cpu(cmd, cwd, env)[0]


def _timed_cpu(cmd: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall-clock seconds and CPU seconds (user + system, the command and its workers) of one whole process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def byte_compile() -> None:
    """Byte-compile fiscal-lint's own modules, as installing a wheel does. A checkout run with
    ``PYTHONDONTWRITEBYTECODE`` set (as some development machines are) otherwise compiles every module edited
    since its ``.pyc`` was written, in every process: a tenth of a second that no installed copy pays, and
    that pdfminer (installed, compiled) never pays. ``--no-compile`` leaves the bytecode as it is."""
    import compileall

    import linter

    compileall.compile_dir(Path(linter.__file__).parent, quiet=1)


def _check(*args: str) -> list[str]:
    return [sys.executable, "-m", "linter", "check", "--no-progress", "--isolated", *map(str, args)]


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def reports() -> list[Path]:
    real = sorted((CORPUS / "real").rglob("*.pdf"))
    return [SEED, *real]


def cold(pairs: int) -> list[dict[str, object]]:
    rows = []
    for pdf in reports():
        ours, theirs, ours_cpu, theirs_cpu = [], [], [], []
        for _ in range(pairs):
            wall, cpu = _timed_cpu([sys.executable, "-c", EXTRACT, str(pdf)])
            theirs.append(wall)
            theirs_cpu.append(cpu)
            wall, cpu = _timed_cpu(_check("--no-cache", pdf))
            ours.append(wall)
            ours_cpu.append(cpu)
        row = {"report": pdf.name, "check_s": round(statistics.median(ours), 3),
               "extract_pages_s": round(statistics.median(theirs), 3),
               "ratio": round(statistics.median(ours) / statistics.median(theirs), 2),
               # CPU time moves less than wall-clock time with the machine's load
               "cpu_ratio": round(statistics.median(ours_cpu) / statistics.median(theirs_cpu), 2),
               "load": _load()}
        rows.append(row)
        print(json.dumps(row, ensure_ascii=False), flush=True)
    return rows


def warm(repeat: int) -> dict[str, object]:
    work = Path(tempfile.mkdtemp(prefix="fl-warm-"))
    try:
        env = {**os.environ, "FISCAL_LINT_CACHE_DIR": str(work / "cache")}
        data = SEED.read_bytes()
        for i in range(20):
            (work / f"r{i:02d}.pdf").write_bytes(data + f"\n% copy {i}\n".encode())
        one = _check("r00.pdf")
        twenty = _check(*[f"r{i:02d}.pdf" for i in range(20)], "-j", "2")
        _timed(one, work, env)  # prime
        _timed(twenty, work, env)
        single = statistics.median(_timed(one, work, env) for _ in range(repeat))
        batch = statistics.median(_timed(twenty, work, env) for _ in range(repeat))
        bare = statistics.median(_timed([sys.executable, "-c", "pass"]) for _ in range(repeat))
        row = {"warm_one_s": round(single, 3), "warm_twenty_s": round(batch, 3), "python_startup_s": round(bare, 3),
               "load": _load()}
        print(json.dumps(row), flush=True)
        return row
    finally:
        shutil.rmtree(work, ignore_errors=True)


def memory() -> dict[str, object]:
    probe = ("import resource, subprocess, sys\n"
             "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n")
    out = subprocess.run([sys.executable, "-c", probe, *_check("--no-cache", SEED)], capture_output=True, text=True)
    row = {"peak_rss_mb": round(int(out.stdout.strip()) / 1024, 1),
           "note": "max RSS over the command and its worker (the largest single process)"}
    print(json.dumps(row), flush=True)
    return row


def _copies(n: int) -> Path:
    work = Path(tempfile.mkdtemp(prefix="fl-batch-"))
    data = SEED.read_bytes()
    for i in range(n):
        (work / f"report-{i:03d}.pdf").write_bytes(data + f"\n% copy {i}\n".encode())
    return work


def jobs(n: int) -> dict[str, object]:
    work = _copies(n)
    try:
        one = _timed(_check("--no-cache", "-j", "1", "."), work)
        two = _timed(_check("--no-cache", "-j", "2", "."), work)
        row = {"reports": n, "j1_s": round(one, 2), "j2_s": round(two, 2), "speedup": round(one / two, 2),
               "cpus": os.cpu_count(), "load": _load()}
        print(json.dumps(row), flush=True)
        return row
    finally:
        shutil.rmtree(work, ignore_errors=True)


def dask(n: int) -> dict[str, object]:
    work = _copies(n)
    try:
        row: dict[str, object] = {"reports": n}
        for workers in (1, 2):
            seconds = _timed(_check("--no-cache", "--executor", "dask", "-j", str(workers), "."), work)
            row[f"workers_{workers}_s"] = round(seconds, 1)
            row[f"workers_{workers}_reports_per_min"] = round(n / seconds * 60, 1)
        row["load"] = _load()
        print(json.dumps(row), flush=True)
        return row
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("part", choices=("cold", "warm", "memory", "jobs", "dask", "all"))
    ap.add_argument("--pairs", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--batch", type=int, default=None, help="reports (jobs: 20, dask: 100)")
    ap.add_argument("--no-compile", action="store_true", help="do not byte-compile fiscal-lint's modules first")
    a = ap.parse_args()
    if not SEED.is_file():
        print(f"the corpus is not at {CORPUS}", file=sys.stderr)
        return 2
    if not a.no_compile:
        byte_compile()
    print(json.dumps({"load_before": _load(), "byte_compiled": not a.no_compile,
                      "PYTHONDONTWRITEBYTECODE": os.environ.get("PYTHONDONTWRITEBYTECODE", "")}), flush=True)
    if a.part in ("cold", "all"):
        cold(a.pairs)
    if a.part in ("warm", "all"):
        warm(a.repeat)
    if a.part in ("memory", "all"):
        memory()
    if a.part in ("jobs", "all"):
        jobs(a.batch or 20)
    if a.part in ("dask", "all"):
        dask(a.batch or 100)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
