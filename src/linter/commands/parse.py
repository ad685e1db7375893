"""``fiscal-lint parse FILE... [-o OUT]``: write the validated document model as JSON."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from linter.core.errors import InputError
from linter.core.model import Document
from linter.parse.documents import parse_file
from linter.parse.guard import Limits, MiB, parse_guarded
from linter.plugin_manager import default_manager


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


def add_limit_options(p: argparse.ArgumentParser, with_defaults: bool = True) -> None:
    """The resource guard's limits (:class:`linter.parse.guard.Limits`); a file that hits one is not checked (exit 2).

    ``with_defaults=False`` leaves unset options as None, so that a configuration file can supply them.
    """
    d = Limits()

    def default(value: Any) -> Any:
        return value if with_defaults else None

    g = p.add_argument_group("资源限制 / resource limits")
    g.add_argument("--timeout", type=float, default=default(d.timeout), metavar="SECONDS",
                   help=f"每个文件的解析时限（秒），0 表示不限、不用子进程 / per-file time limit, 0 = none (default {d.timeout:g})")
    g.add_argument("--max-memory", type=int, default=default(d.memory // MiB), metavar="MB",
                   help=f"每个文件的内存上限（MB） / per-file memory limit (default {d.memory // MiB})")
    g.add_argument("--max-stream", type=int, default=default(d.max_stream // MiB), metavar="MB",
                   help=f"单个数据流解压后的上限（MB） / decompressed size of one PDF stream (default {d.max_stream // MiB})")
    g.add_argument("--max-pages", type=int, default=default(d.max_pages), metavar="N",
                   help=f"每个文件的页数上限 / pages per file (default {d.max_pages})")
    g.add_argument("--max-page-objects", type=int, default=default(d.max_page_objects), metavar="N",
                   help=f"每页的对象数上限（字符、线条、图片） / objects on one page: characters, lines, images "
                   f"(default {d.max_page_objects})")
    g.add_argument("--max-depth", type=int, default=default(d.recursion), metavar="N",
                   help=f"解析进程的递归深度上限 / recursion limit of the parser process (default {d.recursion})")


def limits_of(args: argparse.Namespace) -> Limits:
    """Limits from the options :func:`add_limit_options` adds (an option a caller lacks keeps its default)."""
    d = Limits()

    def opt(name: str, default: float) -> Any:
        value = getattr(args, name, None)
        return default if value is None else value

    return Limits(
        timeout=float(opt("timeout", d.timeout)),
        memory=int(opt("max_memory", d.memory // MiB)) * MiB,
        recursion=max(100, int(opt("max_depth", d.recursion))),
        max_stream=int(opt("max_stream", d.max_stream // MiB)) * MiB,
        max_pages=int(opt("max_pages", d.max_pages)),
        max_page_objects=int(opt("max_page_objects", d.max_page_objects)),
    )


def parse_one(path: Path, limits: Limits) -> Document:
    """Parse under the resource guard, or in-process when the guard is switched off (``--timeout 0``)."""
    if limits.enabled:
        return parse_guarded(path, limits)
    return parse_file(path, default_manager(), {"limits": limits})


def run(args: argparse.Namespace) -> int:
    limits = limits_of(args)
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
            document = parse_one(path, limits)
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
