"""What the commands share: option groups, the effective configuration, the session and rule packs of a run,
the run with its progress bar and streaming log, output files. Application logic lives below the CLI
(:mod:`linter.session`, :mod:`linter.run`); this module only turns arguments into calls and errors into
messages and exit codes.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import gc
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from linter.core.config import FAIL_LEVELS, Config, ConfigError, apply_cli, load_config, split_prefixes
from linter.core.exit_codes import EXIT_INTERRUPTED, EXIT_NOT_CHECKED
from linter.core.limits import Limits, MiB
from linter.run import prefetch
from linter.run.cache import Cache

if TYPE_CHECKING:
    from linter.core.baseline import Baseline
    from linter.core.results import FileResult, RunResult
    from linter.dsl import DslError, RulePack
    from linter.run.check import Progress as RunProgress
    from linter.run.prefetch import Prefetch
    from linter.session import Session

# The session, the rule language and the run are imported where they are used: a check starts its report's parse
# (linter.run.prefetch) before it loads them, so that they load while the report is read.

EXIT_USAGE = EXIT_NOT_CHECKED

# The one table of exit codes (README.md "Exit codes" has the same rows): `check --help` prints it.
EXIT_CODES = (
    (0, "每份报告都检查了，没有达到 --fail-on 级别的问题",
     "every report checked, nothing at or above --fail-on"),
    (1, "有达到 --fail-on 级别的问题", "findings at or above --fail-on"),
    (2, "有报告未检查（无法读取、超出资源限制、没有适用于此类报告的规则）或规则出错；或用法、配置错误（配置文件的语法、"
        "未知的配置项、不匹配任何规则的 select / ignore、无法写入的输出位置、无法续查的 --resume 日志）",
     "a report was not checked (unreadable, over a resource limit, no rule applies to its kind) or a rule broke; "
     "or a usage or configuration error (configuration syntax, unknown key, a select / ignore matching no rule, "
     "an output that cannot be written, a --resume log that cannot be used)"),
    (EXIT_INTERRUPTED, "被中断（Ctrl-C）：工作进程已停止，中断前完成的报告写入各输出（-o、--report、--log），并标明运行被中断",
     "interrupted (Ctrl-C): the workers are stopped; the reports finished before it are written to every output, "
     "marked interrupted"),
)


def exit_codes_help() -> str:
    """The exit-code table as ``--help`` prints it (one line per code, Chinese / English)."""
    return "退出码 / exit codes:\n" + "\n".join(f"  {code:<3} {zh} / {en}" for code, zh, en in EXIT_CODES)


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
                   help="text（默认）、json、jsonl、sarif、junit、github、gitlab（Code Quality）、annotated-pdf（批注 PDF）、html、"
                   "xlsx，或插件提供的格式 / output format")
    g.add_argument("-o", "--output", type=Path, metavar="FILE", help="写入文件而不是标准输出 / write to a file")
    g.add_argument("--report", action="append", default=[], metavar="FORMAT=FILE",
                   help="另外把某种格式写入文件，可重复（如 --report sarif=out.sarif --report junit=out.xml） / "
                   "also write FORMAT to FILE (repeatable)")
    g.add_argument("--log", type=Path, metavar="FILE",
                   help="把合规日志（JSON Lines）追加到该文件 / append the compliance log (JSON Lines) to FILE")
    g.add_argument("-q", "--quiet", "--no-progress", action="store_true", dest="no_progress",
                   help="不显示进度（终端上的进度条；不是终端时每份报告一行，写到标准错误） / no progress (the bar on a "
                   "terminal; else one line per finished report on stderr)")
    # what is shown, never what is evaluated: the exit code and the --log are those of every finding
    g.add_argument("--severity", choices=("error", "warning", "info"), default=None,
                   help="只显示该级别及以上的问题（text、json、sarif、github、gitlab；不改变检查与退出码） / "
                   "show only findings at this severity or above (not what is checked, nor the exit code)")
    g.add_argument("-v", "--show-info", action="store_true", dest="show_info",
                   help="逐条列出尾数差异提示（默认每份报告合并为一行） / list every in-tolerance rounding note")
    g.add_argument("--statistics", action="store_true",
                   help="每条规则一行：问题数、规则编号、级别、标题（text 格式，代替逐条列出） / "
                   "one line per rule with its count (text format, instead of the findings)")


def add_run_options(p: argparse.ArgumentParser) -> None:
    add_rule_options(p)
    g = p.add_argument_group("运行 / run")
    g.add_argument("--fail-on", choices=FAIL_LEVELS, default=None,
                   help="达到该级别即以 1 退出（默认 warning） / exit 1 at this severity or above (default: warning)")
    g.add_argument("-j", "--jobs", type=int, metavar="N",
                   help="并行的工作进程数，0 为 CPU 数（默认 1） / worker processes, 0 = one per CPU (default 1)")
    g.add_argument("--no-cache", action="store_true", default=None,
                   help="不读不写结果缓存（每个报告重新解析、检查；编译好的规则包缓存仍然使用） / bypass the result cache: "
                   "every report is parsed and checked again (the compiled rule-pack cache is still used)")
    g.add_argument("--cache-dir", type=Path, metavar="DIR", help="缓存目录 / cache folder")
    g.add_argument("--executor", metavar="NAME",
                   help="在哪里检查：local（默认，本机 -j 个工作进程）、dask（需 fiscal-lint[dask]）或插件提供的 / where "
                   "files are checked: local (default, -j worker processes), dask, or a plugin's executor")
    g.add_argument("--scheduler", metavar="ADDRESS",
                   help="dask 调度器地址，如 tcp://host:8786（不设则启动本机 LocalCluster，-j 个 worker） / dask "
                   "scheduler address (none: a LocalCluster of -j workers)")
    add_limit_options(p, with_defaults=False)


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
        "executor": opt("executor"),
        "scheduler": opt("scheduler"),
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


def print_dsl_error(exc: DslError) -> None:
    for d in exc.diagnostics:
        print(d.format(), file=sys.stderr)


def warn_unused(config: Config, packs: list[RulePack]) -> None:
    for entry in config.unused_prefixes(r.id for p in packs for r in p.rules):
        print(f"警告 / warning: 配置 {entry} 不匹配任何规则 / matches no rule", file=sys.stderr)


@dataclass
class Setup:
    session: Session
    packs: list[RulePack]
    cache: Cache | None = None
    prefetch: Prefetch | None = None  # the parse of the run's one report, started before the packs were loaded

    @property
    def config(self) -> Config:
        return self.session.config


def setup(args: argparse.Namespace, parse_early: list[Path] | None = None) -> Setup | int:
    """Configuration, the session (plugins) and rule packs, or the exit code of what went wrong (message printed).
    ``parse_early``: the run's inputs, whose parse may start before the plugins and packs are loaded (:mod:`linter.run.prefetch`);
    the caller closes ``Setup.prefetch``."""
    try:
        config = effective_config(args)
    except ConfigError as exc:
        print(f"配置错误 / configuration error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    cache = Cache(config.effective_cache_dir(), config.cache_max_mb) if config.cache else None
    early = prefetch.start(parse_early, config, cache) if parse_early is not None else None
    s: Setup | int = EXIT_NOT_CHECKED
    try:
        from linter.session import Session

        session = Session.build(config)  # a plugin that cannot be loaded stops the command (cli.main: one line, exit 2)
        s = _load(args, config, session, cache)
    finally:
        if early is not None and isinstance(s, int):  # no run will take its model
            early.close()
    if isinstance(s, Setup):
        s.prefetch = early
    return s


def _load(args: argparse.Namespace, config: Config, session: Session, cache: Cache | None) -> Setup | int:
    """The rule packs, and the checks of the configuration against them and the plugins."""
    from linter.dsl import DslError
    from linter.run.cache import pack_store

    try:
        # the compiled-pack cache is used with --no-cache too: it never changes what a rule finds
        store = pack_store(config.effective_cache_dir(), session.plugin_versions())
        if cache is not None:
            packs = session.load_packs(parse=cache.rule_file_parser(store.salt), store=store)
        else:
            packs = session.load_packs(store=store)
    except DslError as exc:
        print_dsl_error(exc)
        return EXIT_NOT_CHECKED
    # what start-up built (modules, plugins, rule trees) lives as long as the process: out of the collector's
    # sight, so that later collections, here and in forked workers, do not walk it again and again
    gc.freeze()
    profiles = session.known_profiles(packs)
    for profile in config.profiles():  # the top-level one and the overrides'
        if profile not in profiles:
            known = ", ".join(["auto", *sorted(profiles)])
            print(f"配置错误 / configuration error: 未知的模板 profile {profile!r}（可用：{known}） / "
                  f"unknown profile {profile!r} (known: {known})", file=sys.stderr)
            return EXIT_USAGE
    unmatched = unmatched_selectors(config, packs)
    if unmatched:
        for line in unmatched:
            print(f"配置错误 / configuration error: {line}", file=sys.stderr)
        return EXIT_USAGE
    try:
        check_output_targets(args, session)
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    return Setup(session, packs, cache)


def check_output_targets(args: argparse.Namespace, session: Session) -> None:
    """``-o`` and each ``--report FORMAT=FILE`` written by a stream reporter: writable, before any report is parsed
    (a reporter that writes files itself checks its own target). Raises ConfigError."""
    from linter.reporters.outputs import FileReporter

    fmt = getattr(args, "format", None)
    targets: list[tuple[str, Path]] = []
    if getattr(args, "output", None) is not None and fmt in session.reporters:
        targets.append((fmt, args.output))
    for item in getattr(args, "report", None) or []:
        name, sep, file = str(item).partition("=")
        if sep and file and name in session.reporters:
            targets.append((name, Path(file)))
    for name, target in targets:
        if not isinstance(session.reporters[name](), FileReporter):
            check_writable(target)


def check_writable(path: Path) -> None:
    """Raise ConfigError unless ``path`` can be written: not a folder, its folder can be made, and the file can be
    opened for writing. An existing file is left as it is; a new one is not left behind."""
    if path.is_dir():
        raise ConfigError(f"无法写入 {path}：这是一个目录", f"cannot write {path}: it is a folder")
    blocking = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
    if blocking is not None:
        raise ConfigError(f"无法写入 {path}：{blocking} 不是目录", f"cannot write {path}: {blocking} is not a folder")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        existed = path.exists()
        with path.open("a", encoding="utf-8"):
            pass
        if not existed:
            path.unlink()
    except OSError as exc:
        raise ConfigError(f"无法写入 {path}：{exc.strerror}", f"cannot write {path}: {exc.strerror}") from None


def unmatched_selectors(config: Config, packs: list[RulePack]) -> list[str]:
    """One line per ``select`` / ``ignore`` / ``severity`` entry (command line, file or override) that matches no
    loaded rule, with the closest rule ids and prefixes: such a selector would silently run nothing (or
    everything), as a typo does."""
    ids = [r.id for p in packs for r in p.rules]
    prefixes = sorted({".".join(rid.split(".")[:n]) for rid in ids for n in range(1, rid.count(".") + 2)})
    lines = []
    for where, selector in config.unmatched_selectors(ids):
        key = where.rsplit(".", 1)[-1]
        source = config.source(key) if where == key else config.file
        close = difflib.get_close_matches(selector, prefixes, n=4, cutoff=0.5)
        hint_zh = f"，是不是 {'、'.join(close)}？" if close else f"（已加载的规则包有 {len(ids)} 条规则）"
        hint_en = f"; did you mean {', '.join(close)}?" if close else f" ({len(ids)} rules loaded)"
        lines.append(f"{where} 中的 {selector!r} 不匹配任何规则{hint_zh}（来自 {source}） / "
                     f"{selector!r} in {where} matches no rule{hint_en} (from {source})")
    return lines


def show_progress_bar() -> bool:
    """The rich progress bar: when stderr is a terminal (stdout may be piped: the bar is on stderr), never in CI."""
    return sys.stderr.isatty() and not os.environ.get("CI")


@contextlib.contextmanager
def progress_bar(enabled: bool) -> Iterator[Any]:
    """A rich progress bar on stderr, only on a terminal and never in CI (yields it, or None)."""
    if not enabled or not show_progress_bar():
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


def progress_line(p: RunProgress) -> str:
    """One finished report as a plain line (progress when stderr is not a terminal): where the run is, the file,
    and what came of it."""
    fr = p.result
    if fr is None:
        what = "已在续查的日志中完成，跳过 / complete in the resumed log, skipped"
    elif fr.error is not None:
        what = f"未检查（{fr.error.zh}） / not checked"
    elif not p.final:
        what = "已读取，跨报告规则在全部报告读完后运行 / read; cross-document rules run once every report is read"
    else:
        counts = fr.severity_counts()
        parts = [f"{counts[sev]} 个{name}" for sev, name in (("error", "错误"), ("warning", "警告"), ("info", "提示"))
                 if counts.get(sev)]
        what = "，".join(parts) if parts else "没有问题"
    return f"[{p.done}/{p.total}] {p.path.as_posix()}：{what}"


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


def execute(args: argparse.Namespace, s: Setup, baseline: Baseline | None = None, log: Any = None,
            resume: Any = None) -> RunResult:
    """The run itself, with its progress (a bar on a terminal, else a plain line per finished report on stderr,
    unless ``--no-progress`` / ``--quiet``) and the streaming compliance log.

    The log gets its ``run`` record at the start, each document's records as soon as it and the ones before it
    are done, and the ``end`` record last (marked ``interrupted`` after a Ctrl-C, the documents finished before
    it written first). ``resume`` (``--resume``): ``resume(path, sha256)`` says whether a report is complete in
    the resumed log; the log gets ``log.resumed(run, path)`` in its place.
    """
    from linter.run.check import run_check, utc_now

    cache = s.cache
    started: list[RunResult] = []
    logged: list[FileResult] = []
    quiet = bool(getattr(args, "no_progress", False))

    with progress_bar(not quiet) as progress:
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

        def on_resumed(path: Path) -> None:
            if log is not None:
                log.resumed(started[0], path)

        def on_progress(p: RunProgress) -> None:
            if progress is not None:
                progress.update(task, advance=1, description=p.path.name)
                progress.refresh()
            elif not quiet:  # piped, or in CI: a plain line per report, so that a long run is visibly alive
                print(progress_line(p), file=sys.stderr, flush=True)

        try:
            result = run_check(
                args.files, s.packs, s.session, cache=cache, baseline=baseline,
                on_start=on_start, on_file=on_file, on_progress=on_progress,
                resume=resume, on_resumed=on_resumed if resume is not None else None, prefetch=s.prefetch,
            )
        except KeyboardInterrupt:  # before the run's own handler was in place, or after it
            if log is not None and started:
                partial = started[0]
                partial.files, partial.ended, partial.interrupted = logged, utc_now(), True
                log.finish(partial, interrupted=True)
            raise
    if log is not None:
        log.finish(result, interrupted=result.interrupted)
    return result
