"""``fiscal-lint cache info|clear``: what the cache folder holds, and emptying it.

The folder is the configuration's ``cache-dir`` (or ``--cache-dir``, ``FISCAL_LINT_CACHE_DIR``, the user cache
folder). ``info`` lists the entries by kind (parsed models, rule results, rule-file trees, compiled packs,
replayed outputs) with their size against the ``cache-max-mb`` cap; ``clear`` removes them all.
Exit codes: 0, or 2 on a configuration error.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from linter.commands.common import EXIT_USAGE, add_config_options, effective_config
from linter.core.config import ConfigError
from linter.run.cache import KINDS, clear, usage

KIND_NAMES = {
    "models": "解析结果 / parsed models",
    "results": "规则结果 / rule results",
    "rules": "规则文件语法树 / rule-file trees",
    "packs": "编译好的规则包 / compiled rule packs",
    "replay": "重放的输出 / replayed outputs",
    "other": "旧版本条目 / entries of older versions",
}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "cache",
        help="查看或清空缓存 / show or empty the cache",
        description="info：缓存目录、各类条目的数量与大小、大小上限（cache-max-mb，超出时删除最久未用的条目）；"
        "clear：清空缓存。 / info: the cache folder, its entries by kind and size, and the size cap "
        "(cache-max-mb; least recently used entries are evicted beyond it). clear: remove every entry.",
    )
    p.add_argument("action", choices=("info", "clear"), help="info 或 clear")
    p.add_argument("--cache-dir", type=Path, metavar="DIR",
                   help="缓存目录 / cache folder")
    p.add_argument("--json", action="store_true", help="输出 JSON（info） / print JSON (info)")
    add_config_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        config = effective_config(args)
    except ConfigError as exc:
        print(f"配置错误 / configuration error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    root = config.effective_cache_dir()
    if args.action == "clear":
        freed = clear(root)
        print(f"已清空缓存 / cache cleared: {root} ({_mb(freed)})")
        return 0
    found = usage(root)
    total = sum(size for _, size in found.values())
    if args.json:
        print(json.dumps({
            "folder": str(root), "max_mb": config.cache_max_mb, "bytes": total,
            "kinds": {k: {"entries": c, "bytes": s} for k, (c, s) in sorted(found.items())},
        }, ensure_ascii=False, indent=2))
        return 0
    print(f"缓存目录 / cache folder: {root}")
    for kind in (*KINDS, "other"):
        if kind in found:
            count, size = found[kind]
            print(f"  {KIND_NAMES[kind]}: {count} ({_mb(size)})")
    print(f"合计 / total: {_mb(total)}，上限 / cap {config.cache_max_mb} MB")
    return 0


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"
