"""``fiscal-lint check FILE|DIR...``: parse each report and run the rule packs over it.

Options come from the command line, then ``[tool.fiscal-lint]`` / ``fiscal-lint.toml`` (see
:mod:`linter.core.config`), then the defaults. Exit codes: 0 nothing at or above ``--fail-on``, 1
findings at or above it, 2 a file or a rule could not be checked, or a usage / configuration error, 130
interrupted (Ctrl-C: the outputs hold the reports finished before it, marked interrupted).

A ``jsonl`` output written to a file (``--format jsonl -o FILE``, ``--report jsonl=FILE``) is the compliance
log written as the run goes, like ``--log`` (which appends) but replacing the file: each report's records as
soon as it is done, so that an interrupted or killed run leaves whole lines of every report finished, and
``--resume FILE`` can continue it.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from linter.commands.common import (
    EXIT_USAGE,
    Setup,
    add_output_options,
    add_run_options,
    execute,
    exit_codes_help,
    open_output,
    setup,
    warn_unused,
)
from linter.commands.help_format import LineHelpFormatter
from linter.core.config import ConfigError
from linter.core.exit_codes import EXIT_INTERRUPTED

if TYPE_CHECKING:
    from linter.run.resume import ResumedReport, ResumeLog

# The run's result types, the reporters and the compliance logs are imported in _run: a lone report's parse starts
# (linter.run.prefetch) before they load.


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "check",
        help="检查报告 / check reports against the rule packs",
        description="解析报告并用规则包检查。退出码：0 无达到 --fail-on 级别的问题，1 有，2 有文件或规则无法检查、"
        "或配置错误，130 被中断（Ctrl-C：已完成的报告仍写入各输出，并标明运行被中断）。 / Exit 0: nothing at or above "
        "--fail-on; 1: findings at or above it; 2: a file or a rule could not be checked, or a usage or "
        "configuration error; 130: interrupted (the outputs hold the reports finished before it, marked so).",
        epilog=exit_codes_help(), formatter_class=LineHelpFormatter,
    )
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help="报告文件或目录 / report files or folders")
    add_output_options(p)
    p.add_argument("--baseline", type=Path, metavar="FILE",
                   help="只报告基线文件中没有的问题 / report only findings that are not in this baseline")
    p.add_argument("--resume", type=Path, metavar="LOG",
                   help="续查：跳过合规日志 LOG（JSON Lines，--log 或 --report jsonl= 写出，可以是被中断的运行）中已完整"
                   "记录的报告（按路径与内容的 sha256 匹配，文件改过则重新检查；只用规则包与配置相同的运行）。"
                   "--report jsonl= 或 --log 指向 LOG 本身时在其后续写，否则把跳过的报告的记录复制过去，日志中每份报告恰好"
                   "一次；其他输出只含本次检查的报告。不能与多份报告的跨报告规则同用（加 --ignore FL.S） / resume: skip the "
                   "reports complete in the compliance log LOG (matched by path and sha256; only runs with the same "
                   "rule packs and configuration); a jsonl output or --log naming LOG continues it, any other log gets "
                   "the skipped reports' records copied; other outputs hold the reports checked now")
    add_run_options(p)
    p.set_defaults(func=run)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return a.resolve() == b.resolve()


def run(args: argparse.Namespace) -> int:
    s = setup(args, parse_early=list(args.files))
    if isinstance(s, int):
        return s
    try:
        return _run(args, s)
    finally:
        if s.prefetch is not None:
            s.prefetch.close()


def _run(args: argparse.Namespace, s: Setup) -> int:
    from linter.commands.compliance_logs import Logs
    from linter.core.baseline import BaselineError, load_baseline
    from linter.core.results import RunResult
    from linter.reporters.common import configure_display, pack_infos
    from linter.reporters.jsonl import ComplianceLog, JsonlReporter
    from linter.reporters.outputs import FileReporter
    from linter.run.check import pack_info
    from linter.run.resume import read_log

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
    streamed = [target for reporter, target in reporters if isinstance(reporter, JsonlReporter) and target is not None]
    problem = _log_conflict(streamed, config.log, args.files)
    if problem:
        print(problem, file=sys.stderr)
        return EXIT_USAGE
    warn_unused(config, s.packs)
    baseline = None
    if config.baseline is not None:
        try:
            baseline = load_baseline(config.baseline)
        except BaselineError as exc:
            print(f"基线错误 / baseline error: {exc}", file=sys.stderr)
            return EXIT_USAGE
    resume_log: ResumeLog | None = None
    resumed: dict[Path, ResumedReport] = {}
    resume: Any = None
    if getattr(args, "resume", None) is not None:
        packs = pack_infos(RunResult([], [pack_info(p) for p in s.packs]))
        try:  # read whole before anything is written (the log may be one of this run's outputs)
            resume_log = read_log(args.resume, packs, config.digest(),
                                  baseline.path.as_posix() if baseline is not None else None)
        except ConfigError as exc:
            print(str(exc), file=sys.stderr)
            return EXIT_USAGE
        found = resume_log

        def resume(path: Path, sha256: str | None) -> int | None:
            report = found.find(path.as_posix(), sha256)
            if report is None:
                return None
            resumed[path] = report
            return report.exit_code(config.fail_on)

    targets: list[tuple[Path, str]] = []
    for target in [config.log, *streamed]:
        if target is None:
            continue
        if resume_log is not None and _same_file(target, resume_log.path):
            targets.append((target, "continue"))
        else:  # --log appends; a jsonl output replaces its file
            targets.append((target, "append" if target == config.log else "replace"))
    if config.log is not None:
        try:  # a log that cannot be opened stops the command before the run (appending an empty string)
            ComplianceLog(config.log).close()
        except OSError as exc:
            print(f"无法打开日志 / cannot open the log {config.log}: {exc.strerror}", file=sys.stderr)
            return EXIT_USAGE
    fanout = Logs(targets, resume_log, resumed) if targets else None
    try:
        result = execute(args, s, baseline, fanout, resume=resume)
    except ConfigError as exc:  # e.g. --resume with cross-document rules on several reports
        print(f"配置错误 / configuration error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        if fanout is not None:
            fanout.close()
    try:
        with _finishing() as late:  # a Ctrl-C now lets the outputs be written whole (a second one stops them)
            for reporter, target in reporters:
                if isinstance(reporter, JsonlReporter) and target is not None:
                    continue  # written as the run went
                if isinstance(reporter, FileReporter):
                    reporter.write_files(result, target, sys.stderr)
                    continue
                with open_output(target) as stream:
                    reporter.report(result, stream)
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    if late and not result.interrupted:
        print("已中断：检查已完成，各输出已完整写出 / interrupted after the run: the outputs are complete",
              file=sys.stderr)
        return EXIT_INTERRUPTED
    if result.interrupted:
        more = f"（另有 {len(result.resumed)} 份已在续查的日志中完成）" if result.resumed else ""
        print(f"运行被中断：已检查 {len(result.files)} / {result.inputs} 份报告{more}；已完成的报告已写入各输出 / "
              f"interrupted: {len(result.files)} of {result.inputs} reports checked; the outputs hold them",
              file=sys.stderr)
        return EXIT_INTERRUPTED
    return result.exit_code


@contextlib.contextmanager
def _finishing() -> Iterator[list[bool]]:
    """While the outputs are written: the first Ctrl-C is noted (the list gets True), a second one stops."""
    noted: list[bool] = []
    if threading.current_thread() is not threading.main_thread():
        yield noted
        return

    def handle(signum: int, frame: Any) -> None:
        if noted:
            raise KeyboardInterrupt
        noted.append(True)

    previous = signal.signal(signal.SIGINT, handle)
    try:
        yield noted
    finally:
        signal.signal(signal.SIGINT, previous if previous is not None else signal.SIG_DFL)


def _log_conflict(streamed: list[Path], log: Path | None, inputs: list[Path]) -> str | None:
    """Two writers on one log file, or a jsonl output over a report given on the command line."""
    targets = [*streamed, *([log] if log is not None else [])]
    for i, a in enumerate(targets):
        for b in targets[i + 1:]:
            if _same_file(a, b):
                return (f"{a} 被指定为多个 jsonl 输出（--log、-o、--report） / {a} is named as more than one jsonl "
                        "output (--log, -o, --report)")
        for report in inputs:
            if report.is_file() and _same_file(a, report):
                return f"输出文件 {a} 就是被检查的报告，不能覆盖 / the output {a} is one of the reports checked"
    return None
