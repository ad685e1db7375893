"""``fiscal-lint parse FILE... [-o OUT]``: write the validated document model as JSON."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from linter.commands.common import add_limit_options, limits_of
from linter.core.errors import InputError
from linter.core.limits import Limits
from linter.core.model import Document
from linter.parse.guard import parse_guarded
from linter.session import Session


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "parse",
        help="解析报告并输出文档模型 JSON / parse reports into the document model (JSON)",
        description="把报告解析为文档模型（JSON，UTF-8）。一个文件时 -o 是输出文件；多个文件时 -o 是输出目录，"
        "未给 -o 时每个文档输出为一行 JSON。 / Parse reports into the document model. With one file, -o names the "
        "output file; with several, -o names a directory; without -o, several documents are printed as JSON Lines.",
    )
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")
    p.add_argument("-o", "--output", type=Path, metavar="OUT", help="输出文件或目录 / output file or directory")
    add_limit_options(p)
    p.set_defaults(func=run)


def parse_one(path: Path, limits: Limits, session: Session) -> Document:
    """Parse under the resource guard, or in-process when the guard is switched off (``--timeout 0``)."""
    if limits.enabled:
        return parse_guarded(path, limits, session.pm)
    return session.parse(path, {"limits": limits})


def run(args: argparse.Namespace) -> int:
    limits = limits_of(args)
    session = Session.build()  # a plugin that cannot be loaded stops the command (cli.main: one line, exit 2)
    files: list[Path] = args.files
    several = len(files) > 1
    if several and args.output is not None:
        if args.output.exists() and not args.output.is_dir():
            print(f"fiscal-lint: -o {args.output}：多个输入时必须是目录 / must be a directory for several inputs",
                  file=sys.stderr)
            return 2
        args.output.mkdir(parents=True, exist_ok=True)
    status = 0
    written: set[Path] = set()
    for path in files:
        try:
            document = parse_one(path, limits, session)
        except InputError as exc:
            print(f"{path}: 未检查 / not checked: {exc.message}", file=sys.stderr)
            status = 2
            continue
        data = document.to_dict()
        if args.output is None:
            indent = None if several else 2
            sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=indent) + "\n")
        else:
            target = _unique(args.output / f"{path.stem}.json", written) if several else args.output
            written.add(target)
            target.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return status


def _unique(target: Path, taken: set[Path]) -> Path:
    """Two inputs with the same name (from different folders) must not overwrite each other's model."""
    n, candidate = 1, target
    while candidate in taken:
        n += 1
        candidate = target.with_name(f"{target.stem}-{n}{target.suffix}")
    return candidate
