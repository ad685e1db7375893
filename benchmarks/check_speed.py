"""Check time of fiscal-lint: cold against warm cache on one report, and ``-j 1`` against ``-j 2`` on a batch.

    python benchmarks/check_speed.py [PDF] [--repeat N] [--batch 20] [--no-batch] [--json]

1. **Cold and warm, one report** (default: the 47-page seed shipped as the example report). Each
   measurement runs in a fresh process with a fresh or a primed cache folder:

   - *cold*: nothing cached: the worker parses the PDF under the guard and runs the rules;
   - *rules changed*: the model is cached, the rules run again (what a rule-pack edit costs);
   - *warm*: the report, its rules and the configuration are unchanged: the result cache answers.

   Reported: the time of the check itself (``run_check``, after start-up), the command's whole
   wall-clock time (``fiscal-lint check``, interpreter start and rule-pack loading included), and
   peak memory (max RSS) of the command process and of its worker processes.
2. **A batch** of ``--batch`` copies of the report (distinct bytes, so nothing is shared), checked
   with ``--no-cache`` by ``-j 1`` and by ``-j 2``; the speed-up is their ratio.

Goals (issue 6): warm ≤ 0.1 s, peak ≤ 150 MB, ``-j 2`` ≥ 1.8× faster than ``-j 1``.
Medians of ``--repeat`` runs. Numbers depend on the machine and its load: the script also measures how
much two CPU-bound processes gain over one on this machine, which bounds what ``-j 2`` can gain.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Runs in a fresh interpreter: one check, timed from inside, then the rusage of the process and its workers.
CHILD = r"""
import json, resource, sys, time
from pathlib import Path
t0 = time.perf_counter()
from linter.core.config import Config
from linter.run.cache import Cache, code_version
from linter.run.check import run_check
from linter.session import Session
pdf, cache_dir, profile = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
session = Session.build(Config(profile=profile if profile != "-" else "auto"))
cache = Cache(Path(cache_dir)) if cache_dir != "-" else None
if cache is not None:
    packs = session.load_packs(parse=cache.rule_file_parser(code_version(session.plugin_versions())))
else:
    packs = session.load_packs()
t1 = time.perf_counter()
run = run_check([pdf], packs, session, cache=cache)
t2 = time.perf_counter()
fr = run.files[0]
print(json.dumps({
    "startup_s": t1 - t0, "check_s": t2 - t1, "cached": fr.cached, "checked": fr.checked,
    "findings": len(fr.result.findings), "rules": sum(len(p.rules) for p in packs),
    "self_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "workers_maxrss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
}))
"""


def child(pdf: Path, cache_dir: str, profile: str = "-") -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", CHILD, str(pdf), cache_dir, profile], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def cli_seconds(*args: str, env: dict[str, str] | None = None) -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "linter", "check", "--no-progress", "--isolated", *args],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - t


def median(values: list[float]) -> float:
    return statistics.median(values)


def single(pdf: Path, repeat: int) -> dict[str, object]:
    cold, model, warm, cli_cold, cli_warm = [], [], [], [], []
    for _ in range(repeat):
        cache = tempfile.mkdtemp(prefix="fl-bench-")
        try:
            cold.append(child(pdf, cache))
            # the same report and rules under an explicit profile (a different result key): the model
            # comes from the cache, every rule runs again
            model.append(child(pdf, cache, "hubei"))
            warm.append(child(pdf, cache))
        finally:
            shutil.rmtree(cache, ignore_errors=True)
        cache = tempfile.mkdtemp(prefix="fl-bench-")
        try:
            env = {**os.environ, "FISCAL_LINT_CACHE_DIR": cache}
            cli_cold.append(cli_seconds(str(pdf), env=env))
            cli_warm.append(cli_seconds(str(pdf), env=env))
        finally:
            shutil.rmtree(cache, ignore_errors=True)
    assert all(c["cached"] is None for c in cold) and all(w["cached"] == "result" for w in warm)
    assert all(m["cached"] == "model" for m in model)
    peak = max(max(c["self_maxrss_mb"], c["workers_maxrss_mb"]) for c in cold + model + warm)
    return {
        "pdf": str(pdf),
        "rules": cold[0]["rules"],
        "findings": cold[0]["findings"],
        "check_cold_s": median([c["check_s"] for c in cold]),
        "check_rules_changed_s": median([m["check_s"] for m in model]),
        "check_warm_s": median([w["check_s"] for w in warm]),
        "startup_cold_s": median([c["startup_s"] for c in cold]),
        "startup_warm_s": median([w["startup_s"] for w in warm]),
        "cli_cold_s": median(cli_cold),
        "cli_warm_s": median(cli_warm),
        "peak_rss_mb": peak,
        "peak_rss_parent_mb": max(c["self_maxrss_mb"] for c in cold + model + warm),
        "peak_rss_worker_mb": max(c["workers_maxrss_mb"] for c in cold + model),
    }


def _burn(n: int) -> float:
    t = time.perf_counter()
    x = 0
    for i in range(n):
        x += i * i
    return time.perf_counter() - t


def parallel_capacity() -> float:
    """How much faster two CPU-bound processes finish than one after the other, on this machine now
    (2.0 on two idle cores; about 1.0 when the two CPUs are hyper-threads of one core or busy elsewhere).
    The ``-j 2`` speed-up cannot exceed it."""
    import multiprocessing

    n = 20_000_000
    one = _burn(n)
    with multiprocessing.get_context("fork").Pool(2) as pool:
        t = time.perf_counter()
        pool.map(_burn, [n, n])
        two = time.perf_counter() - t
    return 2 * one / two


def batch(pdf: Path, n: int, repeat: int) -> dict[str, object]:
    folder = Path(tempfile.mkdtemp(prefix="fl-batch-"))
    try:
        data = pdf.read_bytes()
        for i in range(n):  # distinct bytes (a trailing comment after %%EOF), so no content is shared
            (folder / f"report-{i:02d}.pdf").write_bytes(data + f"\n% copy {i}\n".encode())
        times: dict[int, list[float]] = {1: [], 2: []}
        for _ in range(repeat):
            for jobs in (1, 2):  # interleaved, so drift in machine load hits both alike
                times[jobs].append(cli_seconds(str(folder), "--no-cache", "-j", str(jobs)))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    j1, j2 = median(times[1]), median(times[2])
    return {"reports": n, "j1_s": j1, "j2_s": j2, "speedup": j1 / j2, "cpus": os.cpu_count(),
            "machine_parallel_capacity": parallel_capacity(), "load_average": os.getloadavg()[0]}


def main() -> int:
    from linter.core.resources import example_report

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pdf", nargs="?", type=Path, default=example_report())
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--batch", type=int, default=20, metavar="N", help="reports in the -j batch (default 20)")
    ap.add_argument("--batch-repeat", type=int, default=1, metavar="N")
    ap.add_argument("--no-batch", action="store_true")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    result: dict[str, object] = {"single": single(args.pdf, args.repeat)}
    if not args.no_batch:
        result["batch"] = batch(args.pdf, args.batch, args.batch_repeat)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    s = result["single"]
    assert isinstance(s, dict)
    print(f"{s['pdf']}  ({s['rules']} rules, {s['findings']} findings)")
    print(f"  check, cold (parse + rules):       {s['check_cold_s']:.3f} s")
    print(f"  check, rules changed (model cached): {s['check_rules_changed_s']:.3f} s")
    print(f"  check, warm (result cached):       {s['check_warm_s']:.4f} s   goal ≤ 0.1 s")
    print(f"  start-up (imports, plugins, packs): cold {s['startup_cold_s']:.2f} s, warm {s['startup_warm_s']:.2f} s")
    print(f"  fiscal-lint check, whole command:  cold {s['cli_cold_s']:.2f} s, warm {s['cli_warm_s']:.2f} s")
    print(f"  peak memory: command {s['peak_rss_parent_mb']:.0f} MB, worker {s['peak_rss_worker_mb']:.0f} MB"
          f"   goal ≤ 150 MB")
    if "batch" in result:
        b = result["batch"]
        assert isinstance(b, dict)
        print(f"batch of {b['reports']} reports, --no-cache, {b['cpus']} CPUs, load average {b['load_average']:.1f}:")
        print(f"  -j 1: {b['j1_s']:.1f} s   -j 2: {b['j2_s']:.1f} s   speed-up {b['speedup']:.2f}×   goal ≥ 1.8×")
        print(f"  this machine runs two CPU-bound processes {b['machine_parallel_capacity']:.2f}× as fast as one "
              "(the ceiling for -j 2)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
