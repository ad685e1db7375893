"""The ``fiscal-lint`` command line.

Exit codes scripts can trust: 0 all good, 1 findings at or above ``--fail-on``,
2 a file could not be checked (or a usage error). A file that cannot be read
gets one line in Chinese and English and the other files still run.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from importlib import import_module

from pluggy import PluginValidationError

from linter import __version__

# Each command module exposes ``register(subparsers)`` and sets ``func`` on its parser.
COMMANDS = (
    "linter.commands.check",
    "linter.commands.parse",
    "linter.commands.demo",
    "linter.commands.rules",
    "linter.commands.plugins",
    "linter.commands.config", "linter.commands.baseline", "linter.commands.explain", "linter.commands.sets",
)

EXIT_OK, EXIT_FINDINGS, EXIT_NOT_CHECKED = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fiscal-lint",
        description="部门预决算公开合规检查工具 / compliance linter for Chinese budget and final-accounts disclosures",
    )
    parser.add_argument("--version", action="version", version=f"fiscal-lint {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for modname in COMMANDS:
        try:
            module = import_module(modname)
        except ModuleNotFoundError as exc:
            if exc.name != modname:
                raise
            continue  # a command still being built is simply absent
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return EXIT_NOT_CHECKED
    _utf8_streams()
    # pdfminer warns on stderr about damaged fonts and xrefs; the user gets our one-line verdict instead
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        return int(args.func(args))
    except PluginValidationError as exc:  # a broken plugin (misspelt hook…) when the manager is built: one line
        print(f"错误 / error: {' '.join(str(exc).split())}", file=sys.stderr)
        return EXIT_NOT_CHECKED
    except KeyboardInterrupt:
        print("已中断 / interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. piped into `head`
        return EXIT_OK


def _utf8_streams() -> None:
    """Chinese text must reach pipes and files intact whatever the locale says."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8", errors="replace")
