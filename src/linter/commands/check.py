"""``fiscal-lint check FILE|DIR...``: parse each report and run the rule packs over it.

Options come from the command line, then ``[tool.fiscal-lint]`` / ``fiscal-lint.toml`` (see
:mod:`linter.core.config`), then the defaults. Exit codes: 0 nothing at or above ``--fail-on``, 1
findings at or above it, 2 a file or a rule could not be checked, or a usage / configuration error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from linter.commands.common import (
    EXIT_USAGE,
    LineHelpFormatter,
    add_output_options,
    add_run_options,
    execute,
    exit_codes_help,
    open_output,
    setup,
    warn_unused,
)
from linter.core.baseline import BaselineError, load_baseline
from linter.core.config import ConfigError
from linter.reporters.common import configure_display
from linter.reporters.outputs import FileReporter


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "check",
        help="检查报告 / check reports against the rule packs",
        description="解析报告并用规则包检查。退出码：0 无达到 --fail-on 级别的问题，1 有，2 有文件或规则无法检查、"
        "或配置错误。 / Exit 0: nothing at or above --fail-on; 1: findings at or above it; 2: a file or a rule "
        "could not be checked, or a usage or configuration error.",
        epilog=exit_codes_help(), formatter_class=LineHelpFormatter,
    )
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help="报告文件或目录 / report files or folders")
    add_output_options(p)
    p.add_argument("--baseline", type=Path, metavar="FILE",
                   help="只报告基线文件中没有的问题 / report only findings that are not in this baseline")
    add_run_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    s = setup(args)
    if isinstance(s, int):
        return s
    config = s.config
    formats = s.session.reporters
    fmt = getattr(args, "format", "text") or "text"
    if fmt not in formats:
        print(f"未知的输出格式 {fmt!r}（可用：{'、'.join(sorted(formats))}） / unknown format {fmt!r} "
              f"(available: {', '.join(sorted(formats))})", file=sys.stderr)
        return EXIT_USAGE
    outputs: list[tuple[str, Path | None]] = [(fmt, getattr(args, "output", None))]
    for item in getattr(args, "report", None) or []:
        name, sep, file = item.partition("=")
        if not sep or not file or name not in formats:
            print(f"--report 应为 FORMAT=FILE，FORMAT 为 {'、'.join(sorted(formats))} 之一：{item!r} / "
                  f"must be FORMAT=FILE with a known format", file=sys.stderr)
            return EXIT_USAGE
        outputs.append((name, Path(file)))
    reporters = [(formats[name](), target) for name, target in outputs]
    for reporter, _ in reporters:
        configure_display(reporter, args)  # --severity, --show-info, --statistics
    for reporter, target in reporters:
        if isinstance(reporter, FileReporter):  # writes files itself: a wrong -o stops before the run
            try:
                reporter.check_target(target)
            except ConfigError as exc:
                print(str(exc), file=sys.stderr)
                return EXIT_USAGE
    warn_unused(config, s.packs)
    baseline = None
    if config.baseline is not None:
        try:
            baseline = load_baseline(config.baseline)
        except BaselineError as exc:
            print(f"基线错误 / baseline error: {exc}", file=sys.stderr)
            return EXIT_USAGE
    log = None
    if config.log is not None:
        from linter.reporters.jsonl import ComplianceLog

        try:
            log = ComplianceLog(config.log)
        except OSError as exc:
            print(f"无法打开日志 / cannot open the log {config.log}: {exc.strerror}", file=sys.stderr)
            return EXIT_USAGE
    try:
        result = execute(args, s, baseline, log)
    finally:
        if log is not None:
            log.close()
    try:
        for reporter, target in reporters:
            if isinstance(reporter, FileReporter):
                reporter.write_files(result, target, sys.stderr)
                continue
            with open_output(target) as stream:
                reporter.report(result, stream)
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    return result.exit_code
