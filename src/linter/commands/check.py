"""``fiscal-lint check FILE|DIR...``: parse each report and run the rule packs over it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from linter.commands.parse import add_limit_options, limits_of
from linter.dsl import DslError, RulePack, load_packs
from linter.plugins import default_manager
from linter.run import EXIT_NOT_CHECKED, FAIL_LEVELS, run_check


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "check",
        help="检查报告 / check reports against the rule packs",
        description="解析报告并用规则包检查。退出码：0 无达到 --fail-on 级别的问题，1 有，2 有文件或规则无法检查。 / "
        "Exit 0: nothing at or above --fail-on; 1: findings at or above it; 2: a file or a rule could not be checked.",
    )
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help="报告文件或目录 / report files or folders")
    p.add_argument("--rules", action="append", type=Path, default=[], metavar="PATH",
                   help="额外的规则包（可重复） / an extra rule pack (repeatable)")
    p.add_argument("--no-default-rules", action="store_true",
                   help="不使用内置与插件提供的规则包 / do not load the built-in and plugin rule packs")
    p.add_argument("--fail-on", choices=FAIL_LEVELS, default="warning",
                   help="达到该级别即以 1 退出（默认 warning） / exit 1 at this severity or above (default: warning)")
    add_limit_options(p)
    p.set_defaults(func=run)


def load_rule_packs(extra: list[Path], with_defaults: bool) -> list[RulePack]:
    """The packs plugins ship (the default pack is one of them), then the ones named on the command line."""
    paths: list[Path] = []
    if with_defaults:
        paths += [p for group in default_manager().hook.fiscal_lint_rule_packs() for p in group]
    return load_packs(paths + extra)


def run(args: argparse.Namespace) -> int:
    from linter.reporters.text import TextReporter

    try:
        packs = load_rule_packs(args.rules, not args.no_default_rules)
    except DslError as exc:
        for d in exc.diagnostics:
            print(d.format(), file=sys.stderr)
        return EXIT_NOT_CHECKED
    result = run_check(args.files, packs, default_manager(), limits_of(args), args.fail_on)
    TextReporter().report(result, sys.stdout)
    return result.exit_code
