"""What report sets cost: a set of reports checked in one run (cross-document rules included) against the same
reports checked one by one.

    python benchmarks/sets_speed.py [PDF ...] [--repeat N] [--json]

Default input: the three 部门预算 of 万里街道 (2023–2025) in ../shared/corpus/real/yusuan. Every measurement is a
whole ``fiscal-lint check --no-cache`` process (interpreter start, pack loading, parsing, rules, output):

- *one by one*: one process per report, the times added up (what checking them separately costs);
- *as a set*: one process over all the reports (each file parsed once, then the set phase);
- *as a set, without the set phase*: the same run with ``--ignore FL.S`` (what the set phase adds).

Goal (issue 13): the set run ≤ 1.1 × the one-by-one total. Medians of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WANLI = sorted((REPO.parent / "shared" / "corpus" / "real" / "yusuan").glob("20*万里街道办事处-部门预算.pdf"))


def timed(*args: str) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "linter", "check", "--no-cache", "--no-progress", "--isolated",
                    "--format", "json", *args], capture_output=True, check=False)
    return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pdfs", nargs="*", type=Path, default=WANLI)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    if len(a.pdfs) < 2:
        print("需要至少两份报告 / give at least two reports (default: ../shared/corpus/real/yusuan 万里街道)")
        return 2
    files = [str(p) for p in a.pdfs]
    separate = statistics.median(sum(timed(f) for f in files) for _ in range(a.repeat))
    together = statistics.median(timed(*files) for _ in range(a.repeat))
    without = statistics.median(timed(*files, "--ignore", "FL.S") for _ in range(a.repeat))
    out = {
        "reports": len(files),
        "one_by_one_s": round(separate, 2),
        "as_a_set_s": round(together, 2),
        "as_a_set_without_set_rules_s": round(without, 2),
        "ratio_set_to_one_by_one": round(together / separate, 3),
        "set_phase_overhead": round(together / without - 1, 3),
    }
    if a.json:
        print(json.dumps(out, ensure_ascii=False))
    else:
        for k, v in out.items():
            print(f"{k:32} {v}")
    return 0 if together <= 1.1 * separate else 1


if __name__ == "__main__":
    sys.exit(main())
