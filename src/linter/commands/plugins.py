"""``fiscal-lint plugins``: every registered plugin, where it comes from and the hooks it implements."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from rich.console import Console
from rich.table import Table

from linter import __version__
from linter.plugins import default_manager


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("plugins", help="列出已加载的插件 / list loaded plugins")
    p.add_argument("--json", action="store_true", help="JSON 输出 / print JSON")
    p.set_defaults(func=run)


def describe_plugins() -> list[dict[str, Any]]:
    pm = default_manager()
    dists = {id(plugin): dist for plugin, dist in pm.list_plugin_distinfo()}
    rows = []
    for name, plugin in pm.list_name_plugin():
        if plugin is None:  # blocked
            continue
        dist = dists.get(id(plugin))
        rows.append(
            {
                "name": name,
                "version": dist.version if dist else __version__,
                "source": f"entry point of {dist.project_name}" if dist else "built-in",
                "hooks": sorted(h.name for h in pm.get_hookcallers(plugin) or []),
            }
        )
    return rows


def run(args: argparse.Namespace) -> int:
    rows = describe_plugins()
    if args.json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return 0
    table = Table("插件 / plugin", "版本 / version", "来源 / source", "钩子 / hooks")
    for row in rows:
        table.add_row(row["name"], row["version"], row["source"], "\n".join(row["hooks"]))
    Console().print(table)
    return 0
