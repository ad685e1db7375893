"""``fiscal-lint check FILE|DIR...``: parse each report and run the rule packs over it.

Options come from the command line, then ``[tool.fiscal-lint]`` / ``fiscal-lint.toml`` (see
:mod:`linter.core.config`), then the defaults. Exit codes: 0 nothing at or above ``--fail-on``, 1
findings at or above it, 2 a file or a rule could not be checked, or a usage / configuration error.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import pluggy

from linter.commands.parse import add_limit_options
from linter.core.baseline import Baseline, BaselineError, load_baseline
from linter.core.config import Config, ConfigError, apply_cli, load_config, split_prefixes
from linter.dsl import DslError, RulePack, load_packs
from linter.plugin_manager import default_manager, set_disabled
from linter.run.cache import Cache, code_version, plugin_versions
from linter.run.check import EXIT_NOT_CHECKED, FAIL_LEVELS, FileResult, RunResult, run_check, utc_now

EXIT_USAGE = EXIT_NOT_CHECKED


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "check",
        help="检查报告 / check reports against the rule packs",
        description="解析报告并用规则包检查。退出码：0 无达到 --fail-on 级别的问题，1 有，2 有文件或规则无法检查、"
        "或配置错误。 / Exit 0: nothing at or above --fail-on; 1: findings at or above it; 2: a file or a rule "
        "could not be checked, or a usage or configuration error.",
    )
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help="报告文件或目录 / report files or folders")
    add_output_options(p)
    p.add_argument("--baseline", type=Path, metavar="FILE",
                   help="只报告基线文件中没有的问题 / report only findings that are not in this baseline")
    add_run_options(p)
    p.set_defaults(func=run)


def add_config_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("配置 / configuration")
    g.add_argument("--config", type=Path, metavar="FILE",
                   help="配置文件（默认：向上查找 fiscal-lint.toml 或 pyproject.toml） / configuration file")
    g.add_argument("--isolated", action="store_true", help="不读取任何配置文件 / ignore every configuration file")


def add_rule_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("规则 / rules")
    g.add_argument("--rules", action="append", type=Path, metavar="PATH",
                   help="额外的规则包（可重复） / an extra rule pack (repeatable)")
    g.add_argument("--no-default-rules", action="store_true", default=None,
                   help="不使用内置与插件提供的规则包 / do not load the built-in and plugin rule packs")
    g.add_argument("--select", action="append", metavar="PREFIXES",
                   help="只检查这些规则编号前缀，逗号分隔 / only rules with these id prefixes (comma-separated)")
    g.add_argument("--ignore", action="append", metavar="PREFIXES",
                   help="不检查这些规则编号前缀 / skip rules with these id prefixes")
    g.add_argument("--profile", metavar="NAME", help="模板：hubei、shanghai、jiangsu…（默认 auto 自动识别） / template profile")
    g.add_argument("--disable-plugin", action="append", metavar="NAME", dest="disable_plugins",
                   help="停用插件（可重复） / disable a plugin (repeatable)")
    add_config_options(p)


def add_output_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("输出 / output")
    g.add_argument("--format", default="text", metavar="FORMAT",
                   help="text（默认）、json、jsonl、sarif、junit、github，或插件提供的格式 / output format")
    g.add_argument("-o", "--output", type=Path, metavar="FILE", help="写入文件而不是标准输出 / write to a file")
    g.add_argument("--report", action="append", default=[], metavar="FORMAT=FILE",
                   help="另外把某种格式写入文件，可重复（如 --report sarif=out.sarif --report junit=out.xml） / "
                   "also write FORMAT to FILE (repeatable)")
    g.add_argument("--log", type=Path, metavar="FILE",
                   help="把合规日志（JSON Lines）追加到该文件 / append the compliance log (JSON Lines) to FILE")
    g.add_argument("--no-progress", action="store_true", help="不显示进度条 / no progress bar")


def add_run_options(p: argparse.ArgumentParser) -> None:
    add_rule_options(p)
    g = p.add_argument_group("运行 / run")
    g.add_argument("--fail-on", choices=FAIL_LEVELS, default=None,
                   help="达到该级别即以 1 退出（默认 warning） / exit 1 at this severity or above (default: warning)")
    g.add_argument("-j", "--jobs", type=int, metavar="N",
                   help="并行的工作进程数，0 为 CPU 数（默认 1） / worker processes, 0 = one per CPU (default 1)")
    g.add_argument("--no-cache", action="store_true", default=None, help="不读不写缓存 / bypass the cache")
    g.add_argument("--cache-dir", type=Path, metavar="DIR", help="缓存目录 / cache folder")
    add_limit_options(p, with_defaults=False)


# ---- shared by check, baseline, explain, config ------------------------------------------------


def cli_overrides(args: argparse.Namespace) -> dict[str, Any]:
    def opt(name: str) -> Any:
        return getattr(args, name, None)

    return {
        "select": split_prefixes(opt("select")),
        "ignore": split_prefixes(opt("ignore")),
        "rules": opt("rules"),
        "default-rules": False if opt("no_default_rules") else None,
        "profile": opt("profile"),
        "fail-on": opt("fail_on"),
        "disable-plugins": opt("disable_plugins"),
        "baseline": opt("baseline"),
        "log": opt("log"),
        "cache": False if opt("no_cache") else None,
        "cache-dir": opt("cache_dir"),
        "jobs": opt("jobs"),
        "timeout": opt("timeout"),
        "max-memory": opt("max_memory"),
        "max-stream": opt("max_stream"),
        "max-pages": opt("max_pages"),
        "max-page-objects": opt("max_page_objects"),
        "max-depth": opt("max_depth"),
    }


def effective_config(args: argparse.Namespace) -> Config:
    config = load_config(getattr(args, "config", None), isolated=bool(getattr(args, "isolated", False)))
    config = apply_cli(config, cli_overrides(args))
    if config.jobs < 0:
        raise ConfigError("jobs 不能为负数", "jobs must not be negative")
    return config


def manager_for(config: Config) -> pluggy.PluginManager:
    # The process-wide manager follows the setting, so the rule-function table leaves the plugins out too.
    set_disabled(config.disable_plugins)
    return default_manager()


def load_rule_packs(extra: list[Path], with_defaults: bool, pm: pluggy.PluginManager | None = None,
                    cache: Cache | None = None) -> list[RulePack]:
    """The packs plugins ship (the default pack is one of them), then the ones named in the configuration."""
    pm = pm or default_manager()
    paths: list[Path] = []
    if with_defaults:
        paths += [p for group in pm.hook.fiscal_lint_rule_packs() for p in group]
    if cache is not None:
        return load_packs(paths + extra, cache.rule_file_parser(code_version(plugin_versions(pm))))
    return load_packs(paths + extra)


def packs_for(config: Config, pm: pluggy.PluginManager, cache: Cache | None = None) -> list[RulePack]:
    return load_rule_packs(list(config.rules), config.default_rules, pm, cache)


def print_dsl_error(exc: DslError) -> None:
    for d in exc.diagnostics:
        print(d.format(), file=sys.stderr)


def reporters(pm: pluggy.PluginManager) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for table in reversed(pm.hook.fiscal_lint_reporters()):  # registration order: later plugins override
        out.update(table)
    return out


def warn_unused(config: Config, packs: list[RulePack]) -> None:
    for entry in config.unused_prefixes(r.id for p in packs for r in p.rules):
        print(f"警告 / warning: 配置 {entry} 不匹配任何规则 / matches no rule", file=sys.stderr)


PARSER_PROFILES = ("hubei", "shanghai", "jiangsu")  # the templates the PDF parser recognises (model.Metadata)


def known_profiles(pm: pluggy.PluginManager, packs: list[RulePack]) -> set[str]:
    """Template profiles the parser detects, the catalogue numbers tables for, or some rule is restricted to."""
    from linter.parse.documents import catalogue_of

    found = set(PARSER_PROFILES) | {p for spec in catalogue_of(pm).specs for p in spec.numbers}
    return found | {p for pack in packs for r in pack.rules for p in r.profiles}


@dataclass
class Setup:
    config: Config
    pm: pluggy.PluginManager
    packs: list[RulePack]
    cache: Cache | None = None


def setup(args: argparse.Namespace) -> Setup | int:
    """Configuration, plugins and rule packs, or the exit code of what went wrong (message printed)."""
    try:
        config = effective_config(args)
    except ConfigError as exc:
        print(f"配置错误 / configuration error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    pm = manager_for(config)
    cache = Cache(config.effective_cache_dir()) if config.cache else None
    try:
        packs = packs_for(config, pm, cache)
    except DslError as exc:
        print_dsl_error(exc)
        return EXIT_NOT_CHECKED
    profiles = known_profiles(pm, packs)
    if config.profile != "auto" and config.profile not in profiles:
        known = ", ".join(["auto", *sorted(profiles)])
        print(f"配置错误 / configuration error: 未知的模板 profile {config.profile!r}（可用：{known}） / "
              f"unknown profile {config.profile!r} (known: {known})", file=sys.stderr)
        return EXIT_USAGE
    return Setup(config, pm, packs, cache)


@contextlib.contextmanager
def progress_bar(enabled: bool) -> Iterator[Any]:
    """A rich progress bar on stderr, only on a terminal and never in CI (yields it, or None)."""
    if not enabled or not sys.stderr.isatty() or os.environ.get("CI"):
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    # refreshed from this thread only: no background thread while workers are forked
    progress = Progress(
        TextColumn("检查 / checking"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        TextColumn("{task.description}"), console=Console(stderr=True), transient=True, auto_refresh=False,
    )
    with progress:
        yield progress


@contextlib.contextmanager
def open_output(path: Path | None) -> Iterator[TextIO]:
    if path is None:
        yield sys.stdout
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8", newline="\n") as fh:
            yield fh
    except OSError as exc:
        raise ConfigError(f"无法写入 {path}：{exc.strerror}", f"cannot write {path}: {exc.strerror}") from None


def execute(args: argparse.Namespace, s: Setup, baseline: Baseline | None = None, log: Any = None) -> RunResult:
    """The run itself, with the progress bar and the streaming compliance log.

    The log gets its ``run`` record at the start, each document's records as soon as it and
    the ones before it are done, and the ``end`` record last (also, marked ``interrupted``, on Ctrl-C).
    """
    config = s.config
    cache = s.cache
    started: list[RunResult] = []
    logged: list[FileResult] = []

    with progress_bar(not getattr(args, "no_progress", False)) as progress:
        task: Any = None

        def on_start(run: RunResult, files: int) -> None:
            nonlocal task
            started.append(run)
            if log is not None:
                log.start(run, files)
            if progress is not None:
                task = progress.add_task("", total=files)
                progress.refresh()

        def on_file(fr: FileResult) -> None:
            logged.append(fr)
            if log is not None:
                log.file(started[0], fr)

        def on_progress(fr: FileResult) -> None:
            if progress is not None:
                progress.update(task, advance=1, description=fr.path.name)
                progress.refresh()

        try:
            result = run_check(
                args.files, s.packs, s.pm, config.limits(), config.fail_on,
                config=config, cache=cache, baseline=baseline, jobs=config.jobs,
                on_start=on_start, on_file=on_file, on_progress=on_progress,
            )
        except KeyboardInterrupt:
            if log is not None and started:
                partial = started[0]
                partial.files, partial.ended = logged, utc_now()
                log.finish(partial, interrupted=True)
            raise
    if log is not None:
        log.finish(result)
    return result


def run(args: argparse.Namespace) -> int:
    s = setup(args)
    if isinstance(s, int):
        return s
    config = s.config
    formats = reporters(s.pm)
    fmt = getattr(args, "format", "text") or "text"
    if fmt not in formats:
        print(f"未知的输出格式 {fmt!r}（可用：{'、'.join(sorted(formats))}） / unknown format {fmt!r} "
              f"(available: {', '.join(sorted(formats))})", file=sys.stderr)
        return EXIT_USAGE
    outputs: list[tuple[str, Path | None]] = [(fmt, getattr(args, "output", None))]
    for item in getattr(args, "report", None) or []:
        name, sep, file = item.partition("=")
        if not sep or not file or name not in formats:
            print(f"--report 应为 FORMAT=FILE，FORMAT 为 {'、'.join(sorted(formats))} 之一：{item!r} / "
                  f"must be FORMAT=FILE with a known format", file=sys.stderr)
            return EXIT_USAGE
        outputs.append((name, Path(file)))
    warn_unused(config, s.packs)
    baseline = None
    if config.baseline is not None:
        try:
            baseline = load_baseline(config.baseline)
        except BaselineError as exc:
            print(f"基线错误 / baseline error: {exc}", file=sys.stderr)
            return EXIT_USAGE
    log = None
    if config.log is not None:
        from linter.reporters.jsonl import ComplianceLog

        try:
            log = ComplianceLog(config.log)
        except OSError as exc:
            print(f"无法打开日志 / cannot open the log {config.log}: {exc.strerror}", file=sys.stderr)
            return EXIT_USAGE
    try:
        result = execute(args, s, baseline, log)
    finally:
        if log is not None:
            log.close()
    try:
        for name, target in outputs:
            with open_output(target) as stream:
                formats[name]().report(result, stream)
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    return result.exit_code
