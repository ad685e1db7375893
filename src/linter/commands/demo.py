"""``fiscal-lint demo``: run the main job on the example report shipped with the package."""

from __future__ import annotations

import argparse
import sys

from linter.resources import example_report


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="在内置示例报告上运行 / run on the bundled example report")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from linter.commands import parse

    example = example_report()
    print(f"示例报告 / example report: {example}", file=sys.stderr)
    return parse.run(argparse.Namespace(files=[example], output=None, timeout=0, max_memory=0))
