"""The plugin manager: built-ins and third-party plugins through the same hooks."""

from __future__ import annotations

import os
from functools import lru_cache

import pluggy

from linter import hookspecs

# Built-in plugins, registered like any third-party one. Order matters only for
# first-result hooks: later registrations are called first by pluggy.
BUILTINS = (
    "linter.builtin",
    "linter.parsers.pdf.plugin",
    "linter.dsl.plugin",
    "linter.reporters.plugin",
)

DISABLE_ENV = "FISCAL_LINT_DISABLE_PLUGINS"


def make_manager(disabled: tuple[str, ...] = ()) -> pluggy.PluginManager:
    """A manager with the hookspecs, the built-ins and the ``fiscal_lint`` entry points.

    ``disabled`` (plus the comma-separated ``FISCAL_LINT_DISABLE_PLUGINS``) names
    plugins to leave out. A hook implementation whose name is not a known hook
    fails here, loudly, rather than being silently ignored.
    """
    blocked = set(disabled) | {p.strip() for p in os.environ.get(DISABLE_ENV, "").split(",") if p.strip()}
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    for name in blocked:
        pm.set_blocked(name)
    from importlib import import_module

    for modname in BUILTINS:
        if modname in blocked:
            continue
        pm.register(import_module(modname), name=modname)
    pm.load_setuptools_entrypoints(hookspecs.PROJECT)
    pm.check_pending()
    return pm


@lru_cache(maxsize=1)
def default_manager() -> pluggy.PluginManager:
    return make_manager()
