"""The plugin manager: built-ins and third-party plugins through the same hooks.

Start-up, in order:

1. the hookspecs of :mod:`linter.core.hookspecs` are added;
2. the built-in plugins (:data:`BUILTINS`) are registered like any other plugin;
3. every entry point of the group ``fiscal_lint`` is loaded and registered under its entry-point name;
4. every hook implementation is checked against the hookspecs.

Plugins named in ``disabled`` or in the comma-separated environment variable
``FISCAL_LINT_DISABLE_PLUGINS`` are left out (built-ins too: ``linter.parsers.pdf.plugin``).
There is no process-wide manager: :class:`linter.session.Session` owns the one a run uses.
Anything wrong with a plugin (an unknown or misspelt hook, an argument the hook does not have, an
import error, two plugins of the same name) raises :class:`PluginLoadError`, whose message is one
line in Chinese and English naming the plugin; the CLI prints it and exits with code 2.
"""

from __future__ import annotations

import difflib
import inspect
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import import_module
from importlib import metadata as importlib_metadata
from typing import Any

import pluggy

from linter.core import hookspecs

# Built-in plugins, registered like any third-party one. Order matters only for
# first-result hooks: later registrations are called first by pluggy.
# Plugin name → module. The names are public (``disable-plugins``, ``FISCAL_LINT_DISABLE_PLUGINS``, the
# compliance log): they stay as they were when these modules lived elsewhere.
BUILTINS = {
    "linter.builtin": "linter.plugins.catalogue",
    "linter.parsers.pdf.plugin": "linter.plugins.pdf_parser",
    "linter.dsl.plugin": "linter.plugins.rule_language",
    "linter.reporters.plugin": "linter.plugins.reporters",
    "linter.executors.plugin": "linter.plugins.executors",
}

RULE_LANGUAGE = "linter.dsl.plugin"  # the owner named when a plugin redefines one of the language's functions

DISABLE_ENV = "FISCAL_LINT_DISABLE_PLUGINS"


class PluginLoadError(pluggy.PluginValidationError):
    """A plugin cannot be used. ``str(exc)`` is one line, Chinese then English, naming the plugin."""

    def __init__(self, plugin: object, plugin_name: str, zh: str, en: str, hook: str | None = None) -> None:
        zh, en = " ".join(zh.split()), " ".join(en.split())  # always one line
        self.plugin_name = plugin_name
        self.hook = hook
        self.zh = zh
        self.en = en
        hint_zh = f"可设置 {DISABLE_ENV}={plugin_name} 暂时停用它"
        hint_en = f"set {DISABLE_ENV}={plugin_name} to disable it"
        super().__init__(plugin, f"插件 {plugin_name}：{zh}（{hint_zh}） / plugin {plugin_name!r}: {en} ({hint_en})")


@dataclass(frozen=True)
class PluginSource:
    """Where a registered plugin comes from (what ``fiscal-lint plugins`` shows)."""

    name: str
    kind: str  # "built-in" | "entry point" | "given" (registered by a library caller)
    module: str
    distribution: str | None = None
    version: str | None = None
    location: str | None = None  # the folder the distribution is installed in

    def describe(self) -> str:
        if self.kind == "built-in":
            return "built-in"
        if self.kind == "given":
            return "given by the caller"
        return f"entry point of {self.distribution}"


class PluginManager(pluggy.PluginManager):
    """pluggy's manager plus where each plugin came from (``sources``) and what was disabled.

    Entry points are loaded by :func:`make_manager`, not by pluggy's ``load_setuptools_entrypoints``,
    so that every failure names its plugin: use ``sources``, not ``list_plugin_distinfo()``.
    """

    def __init__(self) -> None:
        super().__init__(hookspecs.PROJECT)
        self.sources: dict[str, PluginSource] = {}
        self.disabled: dict[str, PluginSource | None] = {}  # name → what it would have been, if known
        self.dsl_functions: dict[str, Any] = {}  # the rule-function table, built at start-up


def disabled_from_env() -> set[str]:
    return {p.strip() for p in os.environ.get(DISABLE_ENV, "").split(",") if p.strip()}


def make_manager(
    disabled: Iterable[str] = (),
    plugins: Iterable[tuple[str, object]] = (),
    entry_points: bool = True,
    functions: bool = True,
) -> PluginManager:
    """A manager with the hookspecs, the built-ins, ``plugins`` (name, module or object) given by a
    library caller, and (unless ``entry_points`` is false) the ``fiscal_lint`` entry points.

    ``disabled`` (plus the comma-separated ``FISCAL_LINT_DISABLE_PLUGINS``) names
    plugins to leave out. A hook implementation whose name is not a known hook
    fails here, loudly, rather than being silently ignored: :class:`PluginLoadError`.

    ``functions=False`` leaves the rule-function table empty (and the rule language unloaded): for a worker that
    only parses (:mod:`linter.run.prefetch`), whose run builds the full manager itself.
    """
    blocked = set(disabled) | disabled_from_env()
    pm = PluginManager()
    pm.add_hookspecs(hookspecs)
    for name in sorted(blocked):
        pm.set_blocked(name)
        pm.disabled[name] = None

    from linter import __version__

    for name, modname in BUILTINS.items():
        if name in blocked:
            pm.disabled[name] = PluginSource(name, "built-in", modname, "fiscal-lint", __version__)
            continue
        _register(pm, import_module(modname), name)
        pm.sources[name] = PluginSource(name, "built-in", modname, "fiscal-lint", __version__)

    for name, plugin in plugins:
        if name in blocked:
            continue
        _register(pm, plugin, name)
        module = getattr(plugin, "__name__", type(plugin).__name__)
        pm.sources[name] = PluginSource(name, "given", module)

    for dist, ep in _entry_points() if entry_points else []:
        source = PluginSource(
            ep.name, "entry point", ep.value, _dist_name(dist), dist.version, _location(dist)
        )
        if ep.name in blocked:
            pm.disabled[ep.name] = pm.disabled.get(ep.name) or source
            continue
        if pm.has_plugin(ep.name):
            first = pm.sources.get(ep.name)
            other = first.distribution if first and first.distribution else "?"
            if _canonical(other) == _canonical(source.distribution or ""):
                continue  # the same distribution seen twice on sys.path: the first one wins, as for imports
            raise PluginLoadError(
                None,
                ep.name,
                f"{source.distribution} 与 {other} 注册了同名插件",
                f"{source.distribution} and {other} both register a plugin of this name",
            )
        try:
            plugin = ep.load()
        except Exception as exc:  # noqa: BLE001 - any import failure of a plugin is reported the same way
            raise PluginLoadError(
                None,
                ep.name,
                f"无法加载 {ep.value}（{source.distribution}）：{type(exc).__name__}: {exc}",
                f"cannot load {ep.value} ({source.distribution}): {type(exc).__name__}: {exc}",
            ) from exc
        _register(pm, plugin, ep.name)
        pm.sources[ep.name] = source

    _check_pending(pm)
    if functions:
        _check_dsl_functions(pm)
    return pm


def plugin_versions(pm: PluginManager) -> list[tuple[str, str | None]]:
    """(name, version) of every registered plugin, sorted: part of cache keys and of the log."""
    out = [(name, getattr(pm.sources.get(name), "version", None)) for name, _ in pm.list_name_plugin()]
    return sorted(out, key=lambda t: (t[0], t[1] or ""))


# ---- helpers -------------------------------------------------------------------------------------


def _entry_points() -> list[tuple[importlib_metadata.Distribution, importlib_metadata.EntryPoint]]:
    found = []
    for dist in importlib_metadata.distributions():
        for ep in dist.entry_points:
            if ep.group == hookspecs.PROJECT:
                found.append((dist, ep))
    return found


def _dist_name(dist: importlib_metadata.Distribution) -> str:
    name: str | None = dist.metadata["Name"]
    return name or "?"


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _location(dist: importlib_metadata.Distribution) -> str | None:
    try:
        return str(dist.locate_file(""))
    except (NotImplementedError, TypeError):  # a custom finder without files on disk
        return None


def _known_hooks() -> list[str]:
    return [n for n in dir(hookspecs) if n.startswith(hookspecs.PROJECT + "_")]


def _suggestion(name: str) -> tuple[str, str]:
    close = difflib.get_close_matches(name, _known_hooks(), n=1, cutoff=0.6)
    if not close:
        return "", ""
    return f"，是不是 {close[0]}？", f"; did you mean {close[0]!r}?"


def _register(pm: PluginManager, plugin: Any, name: str) -> None:
    """Register and turn pluggy's validation error into one line naming the plugin and the hook."""
    try:
        pm.register(plugin, name=name)
    except pluggy.PluginValidationError as exc:
        detail = " ".join(str(exc).split())  # pluggy's message spans lines; ours is one
        hook = next((h for h in _known_hooks() if f"'{h}'" in detail or f'"{h}"' in detail), None)
        extra = re.search(r"Argument\(s\) (\{.*?\}) are declared in the hookimpl", detail)
        if hook and extra:
            allowed = ", ".join(inspect.signature(getattr(hookspecs, hook)).parameters) or "-"
            zh = f"钩子 {hook} 的实现有规范中没有的参数 {extra.group(1)}（可用参数：{allowed}）"
            en = f"the implementation of hook {hook!r} takes {extra.group(1)}, not in the hookspec (allowed: {allowed})"
        else:
            zh = f"钩子 {hook or '?'} 的实现与规范不符"
            en = f"a hook implementation does not match its specification: {detail}"
        raise PluginLoadError(plugin, name, zh, en, hook) from exc


def _check_pending(pm: PluginManager) -> None:
    """Every hook implementation must name a hook of :mod:`linter.core.hookspecs` (a misspelling fails here)."""
    for hook_name in sorted(vars(pm.hook)):
        if hook_name.startswith("_"):
            continue
        caller = getattr(pm.hook, hook_name)
        if caller.has_spec():
            continue
        for impl in caller.get_hookimpls():
            if impl.optionalhook:
                continue
            zh_hint, en_hint = _suggestion(hook_name)
            raise PluginLoadError(
                impl.plugin,
                impl.plugin_name,
                f"实现了未知的钩子 {hook_name}{zh_hint}",
                f"implements unknown hook {hook_name!r}{en_hint}",
                hook_name,
            )
    pm.check_pending()  # anything the loop above did not anticipate


def _check_dsl_functions(pm: PluginManager) -> None:
    """Build the rule-function table into ``pm.dsl_functions``: the language's own functions, then every
    plugin's. Two plugins must not define the same name (nor a plugin one of the language's): say which two,
    at start-up."""
    from linter.dsl.function_table import SPECIAL_FORMS, builtin_functions  # SPECIAL_FORMS: evaluated by the language

    owners: dict[str, tuple[str, Any]] = {name: (RULE_LANGUAGE, fn) for name, fn in builtin_functions().items()}
    for impl in reversed(pm.hook.fiscal_lint_dsl_functions.get_hookimpls()):  # registration order
        table = impl.function()
        if not isinstance(table, dict):
            raise PluginLoadError(
                impl.plugin,
                impl.plugin_name,
                "fiscal_lint_dsl_functions 须返回 {名称: 函数} 字典",
                "fiscal_lint_dsl_functions must return a {name: function} dict",
                "fiscal_lint_dsl_functions",
            )
        for fname, fn in table.items():
            if fname in SPECIAL_FORMS:
                raise PluginLoadError(
                    impl.plugin,
                    impl.plugin_name,
                    f"规则函数名 {fname} 是语言保留的",
                    f"the rule function name {fname!r} is reserved by the language",
                    "fiscal_lint_dsl_functions",
                )
            first = owners.get(fname)
            if first is not None and first[1] is not fn:
                raise PluginLoadError(
                    impl.plugin,
                    impl.plugin_name,
                    f"规则函数 {fname} 已由插件 {first[0]} 定义",
                    f"rule function {fname!r} is already defined by plugin {first[0]!r}",
                    "fiscal_lint_dsl_functions",
                )
            owners.setdefault(fname, (impl.plugin_name, fn))
    pm.dsl_functions = {name: fn for name, (_, fn) in owners.items()}
