"""Parse time and peak memory of fiscal-lint's PDF parser next to pdfminer.six's own ``extract_pages``.

    python benchmarks/parse_speed.py [PDF] [--repeat N]

Each measurement runs in a fresh process (so peak RSS is that method's own), is repeated
N times, and the median is reported. The default PDF is the example report shipped with
the package (the 47-page seed). Goals: ratio ≤ 1.3, peak memory ≤ 150 MB.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
method, pdf = sys.argv[1], Path(sys.argv[2])
if method == "pdfminer":
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTContainer
    def walk(obj):
        n = 1
        if isinstance(obj, LTContainer):
            for child in obj:
                n += walk(child)
        return n
    t = time.perf_counter()
    n = sum(walk(page) for page in extract_pages(pdf))
    elapsed = time.perf_counter() - t
else:
    from linter.parse.documents import parse_file
    from linter.session.plugin_manager import make_manager
    pm = make_manager()
    t = time.perf_counter()
    doc = parse_file(pdf, pm)
    elapsed = time.perf_counter() - t
    n = len(doc.tables)
print(json.dumps({"seconds": elapsed, "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "n": n}))
"""


def measure(method: str, pdf: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", CHILD, method, str(pdf)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    from linter.core.resources import example_report

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pdf", nargs="?", type=Path, default=example_report())
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    results: dict[str, list[dict[str, float]]] = {"pdfminer": [], "fiscal-lint": []}
    for _ in range(args.repeat):  # interleaved, so drift in machine load hits both alike
        for method in results:
            results[method].append(measure(method, args.pdf))
    med = {m: statistics.median(r["seconds"] for r in runs) for m, runs in results.items()}
    peak = {m: max(r["maxrss_kb"] for r in runs) / 1024 for m, runs in results.items()}
    print(f"file: {args.pdf} ({args.repeat} runs each, median, in-process time without interpreter start-up)")
    print(f"{'method':<34}{'median s':>10}{'peak MB':>10}")
    print(f"{'pdfminer.six extract_pages (walk)':<34}{med['pdfminer']:>10.3f}{peak['pdfminer']:>10.1f}")
    print(f"{'fiscal-lint parse (model+schema)':<34}{med['fiscal-lint']:>10.3f}{peak['fiscal-lint']:>10.1f}")
    ratio = med["fiscal-lint"] / med["pdfminer"]
    print(f"ratio fiscal-lint / pdfminer: {ratio:.2f} (goal ≤ 1.3); peak: {peak['fiscal-lint']:.1f} MB (goal ≤ 150)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
