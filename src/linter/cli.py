"""The ``fiscal-lint`` command line.

Exit codes scripts can trust: 0 all good, 1 findings at or above ``--fail-on``,
2 a file could not be checked (or a usage error). A file that cannot be read
gets one line in Chinese and English and the other files still run.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from linter.core.exit_codes import EXIT_NOT_CHECKED, EXIT_OK

if TYPE_CHECKING:
    import argparse

    from linter.run import replay

# Imported lazily: a warm ``check`` is answered by linter.run.replay before argparse, pluggy or any command loads.

# Each command module exposes ``register(subparsers)`` and sets ``func`` on its parser.
COMMANDS = (
    "linter.commands.check",
    "linter.commands.parse",
    "linter.commands.demo",
    "linter.commands.rules",
    "linter.commands.plugins",
    "linter.commands.config", "linter.commands.baseline", "linter.commands.explain", "linter.commands.sets",
    "linter.commands.cache",
)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The command line's parser. Given the arguments, only the command they name is loaded (each command
    module imports what it runs on; ``check`` should not wait for the others'); without one, every command."""
    import argparse
    from importlib import import_module

    from linter import __version__

    parser = argparse.ArgumentParser(
        prog="fiscal-lint",
        description="部门预决算公开合规检查工具 / compliance linter for Chinese budget and final-accounts disclosures",
    )
    parser.add_argument("--version", action="version", version=f"fiscal-lint {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    named = f"linter.commands.{argv[0]}" if argv else None
    # `--version` first prints and exits before any command is looked at: it loads none
    wanted = () if argv and argv[0] == "--version" else (named,) if named in COMMANDS else COMMANDS
    for modname in wanted:
        try:
            module = import_module(modname)
        except ModuleNotFoundError as exc:
            if exc.name != modname:
                raise
            continue  # a command still being built is simply absent
        module.register(sub)
    from linter.commands.help_format import use_width_formatter

    use_width_formatter(parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """The command line. Called without ``argv`` (a ``fiscal-lint`` process), an unchanged ``check`` is first
    looked up in the replay cache (:mod:`linter.run.replay`) and a replayable one is recorded there.
    Ctrl-C anywhere ends it with exit code 130 and one line, never a traceback."""
    try:
        return _main(argv)
    except KeyboardInterrupt:
        print("已中断 / interrupted", file=sys.stderr)
        return 130


def _main(argv: Sequence[str] | None) -> int:
    # start-up (imports, the parser of the command line) makes long-lived objects and no garbage: the
    # collections it would trigger cost time and free nothing
    gc.disable()
    try:
        return _start(argv)
    finally:
        gc.enable()


def _start(argv: Sequence[str] | None) -> int:
    recorder = None
    if argv is None:
        from linter.run import replay

        replayed = replay.try_replay(sys.argv[1:])
        if replayed is not None:
            return replayed
        if replay.replayable(sys.argv[1:]):
            recorder = replay.Recorder(sys.argv[1:])
    given = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(given)
    args = parser.parse_args(given)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return EXIT_NOT_CHECKED
    _utf8_streams()
    gc.enable()
    code = _run(args, recorder)
    if recorder is not None:
        recorder.stop()
        recorder.save(code)
    return code


def _run(args: argparse.Namespace, recorder: replay.Recorder | None) -> int:
    import logging

    from pluggy import PluginValidationError

    from linter.core.config import ConfigError
    from linter.run import replay

    # pdfminer warns on stderr about damaged fonts and xrefs; the user gets our one-line verdict instead
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    if recorder is not None:
        recorder.start()
        replay.RECORDER = recorder
    try:
        return int(args.func(args))
    except ConfigError as exc:  # e.g. an executor that is not installed: one line, not a traceback
        print(f"配置错误 / configuration error: {exc}", file=sys.stderr)
        return EXIT_NOT_CHECKED
    except PluginValidationError as exc:  # a broken plugin (misspelt hook…) when the manager is built: one line
        print(f"错误 / error: {' '.join(str(exc).split())}", file=sys.stderr)
        return EXIT_NOT_CHECKED
    except KeyboardInterrupt:
        print("已中断 / interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. piped into `head`
        return EXIT_OK
    finally:
        replay.RECORDER = None


def _utf8_streams() -> None:
    """Chinese text must reach pipes and files intact whatever the locale says."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8", errors="replace")
