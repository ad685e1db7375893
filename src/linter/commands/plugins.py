"""``fiscal-lint plugins``: every plugin, where it comes from and the hooks it implements.

Text for people, ``--json`` for scripts: a list of objects with ``name``, ``version``, ``source``
(one line), ``kind`` (``built-in`` | ``entry point``), ``distribution``, ``module``, ``location``,
``enabled``, ``hooks`` (hook names) and ``rule_packs`` (the paths a plugin's
``fiscal_lint_rule_packs`` returns: what ``fiscal-lint rules test`` takes). Plugins disabled by
``FISCAL_LINT_DISABLE_PLUGINS`` are listed with ``enabled: false`` and no hooks.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from linter.session import Session
from linter.session.plugin_manager import DISABLE_ENV, PluginManager, PluginSource

HOOK_PREFIX = "fiscal_lint_"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "plugins",
        help="列出已加载的插件 / list loaded plugins",
        description="列出内置插件与通过 fiscal_lint 入口点安装的插件 / built-in plugins and those installed "
        f"through the fiscal_lint entry-point group. {DISABLE_ENV}=name,name 停用插件 / disables plugins.",
    )
    p.add_argument("--json", action="store_true", help="JSON 输出 / print JSON")
    p.set_defaults(func=run)


def _rule_packs(pm: PluginManager, plugin: object) -> list[str]:
    paths: list[str] = []
    for impl in pm.hook.fiscal_lint_rule_packs.get_hookimpls():
        if impl.plugin is plugin:
            result: list[Any] = impl.function() or []  # type: ignore[assignment]  # pluggy types it as object
            paths.extend(str(p) for p in result)
    return paths


def _row(name: str, source: PluginSource | None, enabled: bool, hooks: list[str], packs: list[str]) -> dict[str, Any]:
    if source is None:
        desc = "unknown: no built-in or installed plugin has this name"
    else:
        desc = source.describe()
    return {
        "name": name,
        "version": source.version if source else None,
        "source": desc,
        "kind": source.kind if source else None,
        "distribution": source.distribution if source else None,
        "module": source.module if source else None,
        "location": source.location if source else None,
        "enabled": enabled,
        "hooks": hooks,
        "rule_packs": packs,
    }


def describe_plugins(pm: PluginManager | None = None) -> list[dict[str, Any]]:
    """One dict per plugin: the registered ones in registration order, then the disabled ones."""
    pm = pm or Session.build().pm
    rows = []
    for name, plugin in pm.list_name_plugin():
        if plugin is None:  # blocked: listed below
            continue
        hooks = sorted(h.name for h in pm.get_hookcallers(plugin) or [])
        rows.append(_row(name, pm.sources.get(name), True, hooks, _rule_packs(pm, plugin)))
    for name, source in sorted(pm.disabled.items()):
        rows.append(_row(name, source, False, [], []))
    return rows


def run(args: argparse.Namespace) -> int:
    rows = describe_plugins()
    if args.json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return 0
    enabled = [r for r in rows if r["enabled"]]
    disabled = [r for r in rows if not r["enabled"]]
    out = [f"插件 / plugins: {len(enabled)} 个已加载 / loaded, {len(disabled)} 个已停用 / disabled", ""]
    for r in enabled:
        out.append(f"{r['name']}  {r['version'] or '-'}  {'内置 / ' if r['kind'] == 'built-in' else ''}{r['source']}")
        if r["kind"] == "entry point":
            out.append(f"    入口点 / entry point: {r['name']} = {r['module']}  @ {r['location'] or '?'}")
        out.append(f"    钩子 / hooks: {', '.join(h.removeprefix(HOOK_PREFIX) for h in r['hooks']) or '-'}")
        for path in r["rule_packs"]:
            out.append(f"    规则包 / rule pack: {path}")
    for r in disabled:
        out.append(f"{r['name']}  {r['version'] or '-'}  已停用 / disabled ({DISABLE_ENV})  {r['source']}")
    sys.stdout.write("\n".join(out) + "\n")
    return 0
