"""``fiscal-lint demo``: check the example report shipped with the package (the main job, on known data)."""

from __future__ import annotations

import argparse
import sys

from linter.core.resources import example_report


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="检查内置示例报告 / check the bundled example report")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from linter.commands import check

    example = example_report()
    print(f"示例报告 / example report: {example}", file=sys.stderr)
    # The example has known defects: showing them is the demo's job, so findings do not fail it.
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    check.register(sub)
    return check.run(parser.parse_args(["check", "--fail-on", "never", str(example)]))
