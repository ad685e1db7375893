"""Project configuration: ``[tool.fiscal-lint]`` in ``pyproject.toml`` or a standalone ``fiscal-lint.toml``.

Discovery starts in the current directory and walks up: in each directory ``fiscal-lint.toml``
(top-level keys) wins over ``pyproject.toml`` (the ``[tool.fiscal-lint]`` table); a
``pyproject.toml`` without that table is passed over. ``--config FILE`` names the file and
``--isolated`` ignores every file. Values come from, in increasing precedence: the defaults,
the file, the command line. :attr:`Config.sources` says where each value came from
(``fiscal-lint config`` prints it).

An unknown key, a value of the wrong type or a TOML syntax error is a :class:`ConfigError` (exit code 2)
that names the file, line and column, with a suggestion for a misspelt key. A ``pyproject.toml`` met on the
way up that is not valid TOML stops the search with that error too: whether it holds ``[tool.fiscal-lint]``
cannot be known, and running the defaults instead would hide the mistake. Keys are written in kebab-case
(``fail-on``); ``fail_on`` is accepted as the same key.

Rule selection works on rule-id prefixes by dotted segment: ``FL.I`` covers ``FL.I.11`` and
``FL.I.05`` but ``FL.I.1`` does not cover ``FL.I.11``; ``ALL`` covers every rule. When both
``select`` and ``ignore`` cover a rule, the longer (more specific) prefix decides, and ``ignore``
wins a tie. ``severity`` maps a rule id or prefix to ``error`` / ``warning`` / ``info``; the most
specific entry applies.

Per-file settings: each ``[[tool.fiscal-lint.overrides]]`` (``[[overrides]]`` in ``fiscal-lint.toml``)
has ``files``, a list of globs, and any of ``select``, ``ignore``, ``severity``, ``profile``. A glob without
``/`` matches a file name in any folder (``*-预算.pdf``); one with ``/`` matches the path from the
configuration file's folder (``reports/2019/**``, ``**`` spans folders; a trailing ``/`` means everything
below). For a file that several overrides match, they apply in the order written: ``select`` and
``profile`` replace the value, ``ignore`` adds to the ignored prefixes, ``severity`` entries are added to
the table (an override's entry wins on the same prefix). A value given on the command line wins over the
overrides as it wins over the file.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from linter.core.limits import Limits, MiB

if TYPE_CHECKING:
    import tomllib

CONFIG_FILE = "fiscal-lint.toml"
PYPROJECT = "pyproject.toml"
TOOL_TABLE = "fiscal-lint"
CACHE_ENV = "FISCAL_LINT_CACHE_DIR"

SEVERITY_LEVELS = ("error", "warning", "info")
FAIL_LEVELS = ("error", "warning", "info", "never")

DEFAULT_SOURCE = "默认 / default"
CLI_SOURCE = "命令行 / command line"


class ConfigError(Exception):
    """A configuration the run cannot use. ``str(exc)`` is one line, Chinese then English, led by
    ``file:line:col:`` when the place in the file is known (``file:`` when only the file is)."""

    def __init__(self, zh: str, en: str, file: Path | None = None, line: int | None = None, col: int | None = None):
        where = f"{file}:{line}:{col or 1}: " if file and line else f"{file}: " if file else ""
        super().__init__(f"{where}{zh} / {en}")
        self.zh, self.en = zh, en
        self.file = file
        self.line = line
        self.col = col

    def at(self, position: tuple[int, int] | None) -> ConfigError:
        """The same error placed at (line, column) of its file, when that is known and it has no place yet."""
        if position is None or self.line is not None or self.file is None:
            return self
        return ConfigError(self.zh, self.en, self.file, *position)


@dataclass(frozen=True)
class Key:
    name: str
    kind: str  # "str-list" | "path-list" | "bool" | "str" | "path" | "int" | "float" | "severity-map" | "choice" | "sets"
    default: Any
    help: str
    choices: tuple[str, ...] = ()


_LIMITS = Limits()  # the guard's defaults are the configuration's defaults

KEYS: tuple[Key, ...] = (
    Key("select", "str-list", [], "只检查这些规则编号前缀（默认全部） / rule-id prefixes to check (default: all)"),
    Key("ignore", "str-list", [], "不检查这些规则编号前缀 / rule-id prefixes not to check"),
    Key("severity", "severity-map", {}, "按规则编号（或前缀）改变级别 / severity per rule id or prefix"),
    Key("rules", "path-list", [], "额外的规则包（目录或 .rules 文件） / extra rule packs (folders or .rules files)"),
    Key("default-rules", "bool", True, "使用内置与插件提供的规则包 / use the built-in and plugin rule packs"),
    Key("profile", "str", "auto", "模板（hubei、shanghai、jiangsu…；auto 为自动识别） / template profile (auto: detect)"),
    Key("fail-on", "choice", "warning", "达到该级别即以 1 退出 / exit 1 at this severity or above", FAIL_LEVELS),
    Key("disable-plugins", "str-list", [], "停用的插件 / plugins to disable"),
    Key("baseline", "path", None, "基线文件：只报告其中没有的问题 / baseline file: report only new findings"),
    Key("log", "path", None, "追加写入的合规日志（JSON Lines） / compliance log appended to (JSON Lines)"),
    Key("cache", "bool", True, "缓存解析结果（按内容哈希） / cache parsed reports by content hash"),
    Key("cache-dir", "path", None, f"缓存目录（默认：用户缓存目录，或 {CACHE_ENV}） / cache folder"),
    Key("jobs", "int", 1, "并行的工作进程数（0 为 CPU 数） / worker processes (0: one per CPU)"),
    Key("cache-max-mb", "int", 500, "缓存大小上限（MB），超出时删除最久未用的条目 / cache size cap (MB): least recently "
        "used entries are evicted beyond it"),
    Key("executor", "str", "local", "执行器：local（本机工作进程）、dask 或插件提供的 / executor: local worker processes, "
        "dask, or one a plugin provides"),
    Key("scheduler", "str", None, "dask 调度器地址（不设则启动本机 LocalCluster） / dask scheduler address (none: start a "
        "LocalCluster)"),
    Key("timeout", "float", _LIMITS.timeout, "每个文件的时限（秒），0 表示不限、不用子进程 / per-file time limit, 0 = none"),
    Key("max-memory", "int", _LIMITS.memory // MiB, "每个文件的内存上限（MB） / per-file memory limit (MB)"),
    Key("max-stream", "int", _LIMITS.max_stream // MiB, "单个数据流解压后的上限（MB） / decompressed size of one stream (MB)"),
    Key("max-pages", "int", _LIMITS.max_pages, "每个文件的页数上限 / pages per file"),
    Key("max-page-objects", "int", _LIMITS.max_page_objects, "每页的对象数上限 / objects on one page"),
    Key("max-depth", "int", _LIMITS.recursion, "解析进程的递归深度上限 / recursion limit of the parser process"),
    Key("sets", "sets", None, "报告集合：单位别名、由多个文件组成的报告（见 fiscal-lint sets） / report sets: unit aliases, "
        "reports made of several files"),
    Key("overrides", "overrides", [], "按文件（glob）改变 select/ignore/severity/profile / per-file settings: files = [globs] "
        "with select, ignore, severity, profile"),
)
KEY_BY_NAME = {k.name: k for k in KEYS}
RUN_ONLY = frozenset({"log", "cache", "cache-dir", "jobs", "cache-max-mb", "executor", "scheduler"})  # settings that cannot change any finding


@dataclass
class Config:
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)
    rules: list[Path] = field(default_factory=list)
    default_rules: bool = True
    profile: str = "auto"
    fail_on: str = "warning"
    disable_plugins: list[str] = field(default_factory=list)
    baseline: Path | None = None
    log: Path | None = None
    cache: bool = True
    cache_dir: Path | None = None
    jobs: int = 1
    cache_max_mb: int = 500
    executor: str = "local"
    scheduler: str | None = None
    timeout: float = _LIMITS.timeout
    max_memory: int = _LIMITS.memory // MiB
    max_stream: int = _LIMITS.max_stream // MiB
    max_pages: int = _LIMITS.max_pages
    max_page_objects: int = _LIMITS.max_page_objects
    max_depth: int = _LIMITS.recursion
    sets: Any = None  # a linter.core.sets.SetConfig, or None when the configuration has no set table
    overrides: list[Override] = field(default_factory=list)
    file: Path | None = None  # the file the values were read from
    sources: dict[str, str] = field(default_factory=dict)  # key → where its value came from
    _per_file: dict[tuple[int, ...], Config] = field(default_factory=dict, repr=False, compare=False)

    def with_limits(self, limits: Limits) -> Config:
        """A copy of this configuration with ``limits`` in force (for library callers and tests)."""
        return replace(
            self, timeout=limits.timeout, max_memory=limits.memory // MiB, max_depth=limits.recursion,
            max_stream=limits.max_stream // MiB, max_pages=limits.max_pages, max_page_objects=limits.max_page_objects,
        )

    def limits(self) -> Limits:
        return Limits(
            timeout=self.timeout,
            memory=self.max_memory * MiB,
            recursion=max(100, self.max_depth),
            max_stream=self.max_stream * MiB,
            max_pages=self.max_pages,
            max_page_objects=self.max_page_objects,
        )

    # -- values ------------------------------------------------------------------------------
    def get(self, key: str) -> Any:
        return getattr(self, _attr(key))

    def set(self, key: str, value: Any, source: str) -> None:
        setattr(self, _attr(key), value)
        self.sources[key] = source

    def source(self, key: str) -> str:
        return self.sources.get(key, DEFAULT_SOURCE)

    def as_dict(self) -> dict[str, Any]:
        """The effective values as JSON-ready data (paths as strings), in key order."""
        return {k.name: _jsonable(self.get(k.name)) for k in KEYS}

    def digest(self) -> str:
        """sha256 of the effective configuration (for the compliance log and every format), over the
        values that can change a result: how the run is carried out (jobs, cache, log) is left out."""
        values = {k: v for k, v in self.as_dict().items() if k not in RUN_ONLY}
        data = json.dumps(values, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(data.encode("utf-8")).hexdigest()

    def effective_cache_dir(self) -> Path:
        if self.cache_dir is not None:
            return self.cache_dir
        env = os.environ.get(CACHE_ENV)
        return Path(env) if env else default_cache_dir()

    # -- rule selection ----------------------------------------------------------------------
    def selects(self, rule_id: str) -> bool:
        chosen = _longest(self.select, rule_id) if self.select else 0
        if chosen < 0:
            return False
        ignored = _longest(self.ignore, rule_id)
        return not (ignored >= 0 and ignored >= chosen)

    def severity_of(self, rule_id: str, default: str) -> str:
        best, level = -1, default
        for prefix, value in self.severity.items():
            n = _match_len(prefix, rule_id)
            if n > best:
                best, level = n, value
        return level

    def unused_prefixes(self, rule_ids: Iterable[str]) -> list[str]:
        """``select`` / ``ignore`` / ``severity`` entries (the overrides' too) that cover none of ``rule_ids``."""
        return [f"{where}: {p}" for where, p in self.unmatched_selectors(rule_ids)]

    def unmatched_selectors(self, rule_ids: Iterable[str]) -> list[tuple[str, str]]:
        """(where, prefix) of each selector that covers none of ``rule_ids``: a typo, or a pack not loaded."""
        ids = list(rule_ids)
        groups: list[tuple[str, list[str]]] = [
            ("select", self.select), ("ignore", self.ignore), ("severity", list(self.severity))]
        for i, ov in enumerate(self.overrides, 1):
            groups += [(f"overrides[{i}].{key}", values) for key, values in (
                ("select", ov.select or []), ("ignore", ov.ignore or []), ("severity", list(ov.severity or {})))]
        return [(key, p) for key, prefixes in groups for p in prefixes
                if not any(_match_len(p, rid) >= 0 for rid in ids)]

    # -- per-file settings ---------------------------------------------------------------------
    def for_file(self, path: Path) -> Config:
        """The configuration in force for one file: this one with the overrides matching ``path`` applied
        (this very object when none does)."""
        if not self.overrides:
            return self
        matched = tuple(i for i, ov in enumerate(self.overrides) if ov.matches(path))
        if not matched:
            return self
        if matched not in self._per_file:
            self._per_file[matched] = self._applied([self.overrides[i] for i in matched])
        return self._per_file[matched]

    def _applied(self, overrides: list[Override]) -> Config:
        select, ignore, severity, profile = list(self.select), list(self.ignore), dict(self.severity), self.profile
        sources = dict(self.sources)
        for ov in overrides:  # the command line wins over the overrides as it wins over the file
            if ov.select is not None and self.source("select") != CLI_SOURCE:
                select, sources["select"] = list(ov.select), ov.where
            if ov.ignore is not None and self.source("ignore") != CLI_SOURCE:
                ignore, sources["ignore"] = ignore + [p for p in ov.ignore if p not in ignore], ov.where
            if ov.severity is not None:
                severity, sources["severity"] = {**severity, **ov.severity}, ov.where
            if ov.profile is not None and self.source("profile") != CLI_SOURCE:
                profile, sources["profile"] = ov.profile, ov.where
        return replace(self, select=select, ignore=ignore, severity=severity, profile=profile, overrides=[],
                       sources=sources, _per_file={})

    def selects_anywhere(self, rule_id: str) -> bool:
        """Whether some file of the run may need ``rule_id``: selected here or under one of the overrides.
        (Several overrides together select no more than one of them alone: ``ignore`` only adds.)"""
        return self.selects(rule_id) or any(self._applied([ov]).selects(rule_id) for ov in self.overrides)

    def profiles(self) -> list[str]:
        """Every template profile the configuration names (top level and overrides), ``auto`` left out."""
        names = [self.profile, *(ov.profile for ov in self.overrides if ov.profile)]
        return [p for p in dict.fromkeys(names) if p and p != "auto"]


OVERRIDE_KEYS = ("files", "select", "ignore", "severity", "profile")


@dataclass
class Override:
    """One ``[[overrides]]`` entry: settings for the files its globs match (None = not set here)."""

    files: list[str]
    base: Path  # the configuration file's folder: globs with a ``/`` are relative to it
    select: list[str] | None = None
    ignore: list[str] | None = None
    severity: dict[str, str] | None = None
    profile: str | None = None
    where: str = ""  # for ``fiscal-lint config``: the file and the entry's number

    def __post_init__(self) -> None:
        self._patterns = [_glob_regex(g.rstrip("/") if _bare(g) else g) for g in self.files]

    def matches(self, path: Path) -> bool:
        path = Path(path).resolve()
        try:
            rel: str | None = path.relative_to(self.base.resolve()).as_posix()
        except ValueError:
            rel = None  # outside the configuration's folder: only bare and absolute globs can match it
        for glob, rx in zip(self.files, self._patterns, strict=True):
            if _bare(glob):  # a file name (``*.pdf``) or, with a trailing ``/``, a folder name, in any folder
                parts = [path.name] if not glob.endswith("/") else list(Path(rel).parts[:-1] if rel else path.parts[:-1])
                if any(rx.fullmatch(part) for part in parts):
                    return True
            elif (target := path.as_posix() if glob.startswith("/") else rel) is not None and rx.fullmatch(target):
                return True
        return False

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"files": list(self.files)}
        for key in ("select", "ignore", "severity", "profile"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        return out


def _bare(glob: str) -> bool:
    return "/" not in glob.rstrip("/")


def _glob_regex(glob: str) -> re.Pattern[str]:
    """A glob as a regular expression over a ``/``-separated path: ``*`` and ``?`` stay within a folder,
    ``**`` spans folders, ``[...]`` is a class; a trailing ``/`` covers everything below the folder."""
    if glob.endswith("/"):
        glob += "**"
    out, i = [], 0
    while i < len(glob):
        c = glob[i]
        if glob.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif glob.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[" and "]" in glob[i + 2:]:
            end = glob.index("]", i + 2)
            body = glob[i + 1:end]
            out.append("[" + ("^" + body[1:] if body.startswith("!") else body).replace("\\", "\\\\") + "]")
            i = end + 1
        else:
            out.append(re.escape(c))
            i += 1
    return re.compile("".join(out))


def _attr(key: str) -> str:
    return key.replace("-", "_")


def _jsonable(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if hasattr(value, "to_dict"):
        return _jsonable(value.to_dict())
    return value


def _match_len(prefix: str, rule_id: str) -> int:
    """How specific ``prefix`` is for ``rule_id`` (its length), or -1 when it does not cover it."""
    p = prefix.rstrip(".")
    if p == "ALL":
        return 0
    if rule_id == p or rule_id.startswith(p + "."):
        return len(p)
    return -1


def _longest(prefixes: list[str], rule_id: str) -> int:
    return max((_match_len(p, rule_id) for p in prefixes), default=-1)


def default_cache_dir() -> Path:
    """The user cache folder: ``$XDG_CACHE_HOME/fiscal-lint`` or ``~/.cache/fiscal-lint`` (per-OS on macOS/Windows)."""
    if os.name == "nt":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / "fiscal-lint" / "Cache"
    if os.uname().sysname == "Darwin":
        return Path.home() / "Library" / "Caches" / "fiscal-lint"
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "fiscal-lint"


# ---- finding and reading the file ------------------------------------------------------------


def find_config_file(start: Path | None = None) -> Path | None:
    """The nearest ``fiscal-lint.toml``, or ``pyproject.toml`` with a ``[tool.fiscal-lint]`` table, upwards."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        standalone = folder / CONFIG_FILE
        if standalone.is_file():
            return standalone
        pyproject = folder / PYPROJECT
        if pyproject.is_file():
            # a pyproject.toml that is not valid TOML stops the search (ConfigError with its line and column):
            # it may well hold [tool.fiscal-lint], and silently running the defaults would hide that
            data = _parse(pyproject)
            if TOOL_TABLE in data.get("tool", {}):
                return pyproject
    return None


def _parse(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError("配置文件不存在", "no such configuration file", path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"无法读取配置文件：{exc}", f"cannot read the configuration file: {exc}", path) from None
    import tomllib  # with the first configuration file: a run without one does not load it

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message, position = toml_error_position(exc, text)
        raise ConfigError(f"TOML 语法错误：{message}", f"TOML syntax error: {message}", path, *position) from None


_TOML_AT = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)$")


def toml_error_position(exc: tomllib.TOMLDecodeError, text: str) -> tuple[str, tuple[int, int]]:
    """The message of a TOML syntax error without its place, and the place as (line, column), 1-based.

    Python 3.14 gives ``lineno`` / ``colno``; before, tomllib writes them at the end of the message
    (``… (at line 3, column 1)`` or ``(at end of document)``)."""
    text_of = str(exc.args[0]) if exc.args else str(exc)
    m = _TOML_AT.search(text_of)
    message = text_of[: m.start()] if m else getattr(exc, "msg", text_of)
    lineno, colno = getattr(exc, "lineno", None), getattr(exc, "colno", None)
    if isinstance(lineno, int) and isinstance(colno, int):
        return message, (lineno, colno)
    if m and m.group(1):
        return message, (int(m.group(1)), int(m.group(2)))
    lines = text.split("\n")  # the end of the document
    return message, (len(lines), len(lines[-1]) + 1)


def read_table(path: Path) -> dict[str, Any]:
    data = _parse(path)
    if path.name == PYPROJECT:
        table = data.get("tool", {}).get(TOOL_TABLE, {})
        if not isinstance(table, dict):
            raise ConfigError("[tool.fiscal-lint] 必须是表", "[tool.fiscal-lint] must be a table", path,
                              *(locate_key(path, (), ("tool", TOOL_TABLE)) or (None, None)))
        return table
    return data


# ---- where a key is written: file:line:col in messages ----------------------------------------

_HEADER = re.compile(r"^\s*(\[\[?)\s*(.+?)\s*\]\]?\s*(?:#.*)?$")
_KEY_LINE = re.compile(r"^\s*((?:[A-Za-z0-9_-]+|\"(?:[^\"\\]|\\.)*\"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|\"(?:[^\"\\]|\\.)*\"|'[^']*'))*)\s*=")
_KEY_PART = re.compile(r"\s*(?:\"((?:[^\"\\]|\\.)*)\"|'([^']*)'|([A-Za-z0-9_-]+))\s*(?:\.|$)")


def _dotted(text: str) -> tuple[str, ...]:
    parts, pos = [], 0
    while pos < len(text):
        m = _KEY_PART.match(text, pos)
        if m is None or m.end() == pos:
            break
        parts.append(next(g for g in m.groups() if g is not None))
        pos = m.end()
    return tuple(parts)


def locate_key(path: Path, table: tuple[str, ...], key: tuple[str, ...], index: int | None = None) -> tuple[int, int] | None:
    """(line, column) where ``table`` + ``key`` is written in the TOML file ``path``, found by reading its lines
    (tomllib keeps no positions). ``index``: the 1-based entry of an array of tables ``[[table]]`` the key is
    in. None when it cannot be found; the message then names the file alone."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    target = table + key
    current: tuple[str, ...] = ()
    counts: dict[tuple[str, ...], int] = {}
    in_entry = index is None
    for lineno, line in enumerate(lines, 1):
        header = _HEADER.match(line)
        if header and not _KEY_LINE.match(line):
            current = _dotted(header.group(2))
            if header.group(1) == "[[":
                counts[current] = counts.get(current, 0) + 1
            in_entry = index is None or (current[: len(table)] == table and counts.get(table, 0) == index)
            if in_entry and current[: len(target)] == target:
                return lineno, header.start(2) + 1
            continue
        found = _KEY_LINE.match(line)
        if found and in_entry and (current + _dotted(found.group(1)))[: len(target)] == target:
            return lineno, found.start(1) + 1
    return None


def _table_path(path: Path) -> tuple[str, ...]:
    return ("tool", TOOL_TABLE) if path.name == PYPROJECT else ()


def describe_file(path: Path) -> str:
    return f"{path} [tool.{TOOL_TABLE}]" if path.name == PYPROJECT else str(path)


def load_config(path: Path | None = None, *, isolated: bool = False, start: Path | None = None) -> Config:
    """The configuration from ``path``, or the one discovered from ``start`` (default: the current folder)."""
    config = Config()
    if isolated:
        return config
    file = path if path is not None else find_config_file(start)
    if file is None:
        return config
    table = read_table(file)
    config.file = file.resolve()
    where = describe_file(file)
    base = config.file.parent
    scope = _table_path(file)
    for raw_key, raw_value in table.items():
        key = raw_key.replace("_", "-")
        spec = KEY_BY_NAME.get(key)
        if spec is None:
            raise _unknown_key(raw_key, list(KEY_BY_NAME), file, locate_key(file, scope, (raw_key,)))
        try:
            value = coerce(spec, raw_value, base, file)
        except ConfigError as exc:
            raise exc.at(getattr(exc, "position", None) or locate_key(file, scope, (raw_key,))) from None
        config.set(key, value, where)
    return config


def _unknown_key(raw_key: str, known_keys: list[str], file: Path, position: tuple[int, int] | None,
                 what: str = "") -> ConfigError:
    close = difflib.get_close_matches(raw_key.replace("_", "-"), known_keys, n=1)
    hint_zh, hint_en = (f"，是不是 {close[0]}？", f"; did you mean {close[0]!r}?") if close else ("", "")
    known = ", ".join(known_keys)
    return ConfigError(
        f"未知的配置项 {what}{raw_key!r}{hint_zh}（可用：{known}）",
        f"unknown configuration key {what}{raw_key!r}{hint_en} (known keys: {known})",
        file, *(position or (None, None)),
    )


def coerce(spec: Key, value: Any, base: Path, file: Path | None = None) -> Any:
    """Check the type of one value; relative paths are taken from ``base``."""

    def bad(expected_zh: str, expected_en: str) -> ConfigError:
        return ConfigError(
            f"{spec.name} 应为{expected_zh}，而不是 {value!r}",
            f"{spec.name} must be {expected_en}, not {value!r}",
            file,
        )

    kind = spec.kind
    if kind in ("str-list", "path-list"):
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise bad("字符串列表", "a list of strings")
        return [base / v for v in value] if kind == "path-list" else list(value)
    if kind == "bool":
        if not isinstance(value, bool):
            raise bad("true 或 false", "true or false")
        return value
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise bad("非负整数", "a non-negative integer")
        return value
    if kind == "float":
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise bad("非负数", "a non-negative number")
        return float(value)
    if kind == "str":
        if not isinstance(value, str) or not value:
            raise bad("非空字符串", "a non-empty string")
        return value
    if kind == "path":
        if not isinstance(value, str) or not value:
            raise bad("路径字符串", "a path string")
        return base / value
    if kind == "choice":
        if value not in spec.choices:
            raise bad(" " + " / ".join(spec.choices) + " 之一", "one of " + ", ".join(spec.choices))
        return value
    if kind == "severity-map":
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and k and v in SEVERITY_LEVELS for k, v in value.items()
        ):
            raise bad("{规则编号 = \"error|warning|info\"} 表", 'a table of {rule-id = "error|warning|info"}')
        return dict(value)
    if kind == "sets":
        from linter.core.sets import parse_set_table  # the set module reads ConfigError from here

        return parse_set_table(value, base, file)
    if kind == "overrides":
        return _overrides(value, base, file)
    raise AssertionError(kind)  # pragma: no cover


def _overrides(value: Any, base: Path, file: Path | None) -> list[Override]:
    """``[[overrides]]``: each entry a table with ``files`` and any of select / ignore / severity / profile."""
    if not isinstance(value, list):
        raise ConfigError("overrides 应为表的数组 [[overrides]]", "overrides must be an array of tables [[overrides]]", file)
    scope = _table_path(file) + ("overrides",) if file is not None else ("overrides",)
    out = []
    for i, entry in enumerate(value, 1):
        def place(key: str | None = None, i: int = i) -> tuple[int, int] | None:
            if file is None:
                return None
            return locate_key(file, scope, (key,) if key else (), index=i) or locate_key(file, (), scope)

        if not isinstance(entry, dict):
            raise ConfigError(f"overrides 第 {i} 项应为表", f"overrides entry {i} must be a table", file).at(place())
        for raw_key in entry:
            if raw_key.replace("_", "-") not in OVERRIDE_KEYS:
                raise _unknown_key(raw_key, list(OVERRIDE_KEYS), file or Path("?"), place(raw_key),
                                   what=f"overrides[{i}].")
        if "files" not in entry:
            raise ConfigError(f"overrides 第 {i} 项缺少 files（glob 列表）", f"overrides entry {i} needs files "
                              "(a list of globs)", file).at(place())
        typed: dict[str, Any] = {}
        for raw_key, raw in entry.items():
            key = raw_key.replace("_", "-")
            spec = KEY_BY_NAME[key] if key != "files" else Key("files", "str-list", [], "")
            spec = replace(spec, name=f"overrides[{i}].{key}")
            try:
                typed[key] = coerce(spec, raw, base, file)
            except ConfigError as exc:
                raise exc.at(place(raw_key)) from None
        where = f"{describe_file(file)} overrides[{i}]" if file is not None else f"overrides[{i}]"
        out.append(Override(typed["files"], base, typed.get("select"), typed.get("ignore"), typed.get("severity"),
                            typed.get("profile"), where))
    return out


def apply_cli(config: Config, overrides: dict[str, Any]) -> Config:
    """Command-line values (already typed; None = not given) override the file and the defaults."""
    cwd = Path.cwd()
    for key, value in overrides.items():
        if value is None:
            continue
        spec = KEY_BY_NAME[key]
        if spec.kind == "path-list":
            value = [cwd / Path(v) for v in value]
        elif spec.kind == "path":
            value = cwd / Path(value)
        config.set(key, value, CLI_SOURCE)
    return config


def split_prefixes(values: list[str] | None) -> list[str] | None:
    """``--select FL.I,FL.X --select FL.W`` → ``["FL.I", "FL.X", "FL.W"]`` (None when not given)."""
    if values is None:
        return None
    return [p.strip() for v in values for p in v.split(",") if p.strip()]


# ---- printing --------------------------------------------------------------------------------


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(k, ensure_ascii=False)} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(type(value))


def render_toml(config: Config) -> str:
    """The effective configuration as TOML, each value followed by where it came from."""
    lines = [f"# 配置文件 / configuration file: {describe_file(config.file) if config.file else '（无 / none）'}"]
    lines.append(f"# 缓存目录 / cache folder in use: {config.effective_cache_dir()}")
    lines.append(f"[tool.{TOOL_TABLE}]")
    rows = []
    for k in KEYS:
        value = _jsonable(config.get(k.name))
        if value is None:
            rows.append((f"# {k.name} = （未设置 / not set）", config.source(k.name)))
        else:
            rows.append((f"{k.name} = {_toml_value(value)}", config.source(k.name)))
    from rich.cells import cell_len  # display width: a Chinese character takes two columns

    width = max(cell_len(r[0]) for r in rows)
    lines += [f"{text}{' ' * (width - cell_len(text))}  # {src}" for text, src in rows]
    return "\n".join(lines) + "\n"


def render_json(config: Config) -> str:
    data = {
        "file": str(config.file) if config.file else None,
        "values": {k.name: {"value": _jsonable(config.get(k.name)), "source": config.source(k.name)} for k in KEYS},
        "sha256": config.digest(),
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
