"""``fiscal-lint parse FILE... [-o OUT]``: write the validated document model as JSON."""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from pathlib import Path

from linter.commands.common import add_limit_options, check_writable, limits_of
from linter.core.config import ConfigError
from linter.core.errors import InputError
from linter.core.limits import Limits
from linter.core.model import Document
from linter.parse.guard import parse_guarded
from linter.session import Session


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "parse",
        help="解析报告并输出文档模型 JSON / parse reports into the document model (JSON)",
        description="把报告解析为文档模型（JSON，UTF-8）。一个文件时 -o 是输出文件（已有的目录或以 / 结尾时写入该目录下的 "
        "NAME.json）；多个文件时 -o 是输出目录，未给 -o 时每个文档输出为一行 JSON。输出位置在解析之前检查。 / Parse reports "
        "into the document model. With one file, -o names the output file (an existing folder, or a path ending in /, "
        "gets NAME.json inside it); with several, -o names a folder; without -o, several documents are printed as JSON "
        "Lines. The output is checked for writability before anything is parsed.",
    )
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")
    # a string, not a Path: "models/" (a folder) and "models" differ by the trailing separator that Path drops
    p.add_argument("-o", "--output", metavar="OUT", help="输出文件或目录 / output file or directory")
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
    output = Path(args.output) if args.output is not None else None
    # a folder: several inputs, an existing folder, or a path written with a trailing separator ("models/")
    into_folder = output is not None and (len(files) > 1 or output.is_dir() or args.output.endswith(("/", os.sep)))
    several = len(files) > 1
    try:
        if output is not None and into_folder:
            if output.exists() and not output.is_dir():
                raise ConfigError(f"-o {output}：应为目录（多个输入，或以 / 结尾）", f"-o {output} must be a folder "
                                  "(several inputs, or a path ending in /)")
            try:
                output.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ConfigError(f"无法创建目录 {output}：{exc.strerror}", f"cannot create {output}: {exc.strerror}") from None
            check_writable(output / f".fiscal-lint-write-test-{os.getpid()}")
        elif output is not None:
            check_writable(output)
    except ConfigError as exc:
        print(f"fiscal-lint: {exc}", file=sys.stderr)
        return 2
    status = 0
    written: set[Path] = set()
    gc.freeze()  # start-up's objects out of the collector's sight: the workers' collections leave their pages shared
    for path in files:
        try:
            document = parse_one(path, limits, session)
        except InputError as exc:
            print(f"{path}: 未检查 / not checked: {exc.message}", file=sys.stderr)
            status = 2
            continue
        data = document.to_dict()
        if output is None:
            indent = None if several else 2
            sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=indent) + "\n")
        else:
            target = _unique(output / f"{path.stem}.json", written) if into_folder else output
            written.add(target)
            try:
                target.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            except OSError as exc:
                print(f"fiscal-lint: 无法写入 {target}：{exc.strerror} / cannot write {target}: {exc.strerror}",
                      file=sys.stderr)
                return 2
    return status


def _unique(target: Path, taken: set[Path]) -> Path:
    """Two inputs with the same name (from different folders) must not overwrite each other's model."""
    n, candidate = 1, target
    while candidate in taken:
        n += 1
        candidate = target.with_name(f"{target.stem}-{n}{target.suffix}")
    return candidate
