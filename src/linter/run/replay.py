"""Replay of an unchanged ``fiscal-lint check``: what it printed, answered before the package is imported.

A warm check must take a tenth of a second as a whole process (the pre-commit case), and importing the package,
its plugins and rule packs takes more than that. So ``cli.main`` first asks this module, which imports only the
standard library: when the same command line, in the same folder and environment, with the same fiscal-lint and
installed distributions, meets files that all hash as they did, the stored output is written again, byte for
byte, with the same exit code.

An entry is found by a key over what is known before anything is read: the arguments, the working folder, the
environment variables fiscal-lint reads, whether the streams are terminals, the Python, the package's own source
and the installed distributions (names and versions). It holds the files the run depended on, each with its
sha256 or as absent, and the folders whose listing it depended on with their modification times: the inputs,
the rule files of every pack and their folders, every configuration file that discovery looked for (present or
not), the report-set files, the baseline. All must still match, or the run goes the usual way (and records a new
entry). Only complete, deterministic runs are recorded: exit code 0 or 1 (never a file that could not be
checked: a timeout need not repeat), output on stdout and stderr only (no ``-o``, ``--report``, ``--log`` or log
in the configuration, no file-writing or run-stamped format), the cache on and in the folder this module finds
without reading a configuration file.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TextIO

LAYOUT = "v1"  # the cache layout (linter.run.cache.CACHE_LAYOUT)
FORMATS = ("text", "json", "sarif", "junit", "github")  # built-in formats that print the same bytes for the same run
# options a replayable check may carry (exactly these spellings: argparse also takes abbreviations)
_FLAGS = {"--no-progress", "-q", "--quiet", "--isolated", "--no-default-rules"}
_VALUED = {"--format", "--config", "--rules", "--select", "--ignore", "--profile", "--disable-plugin", "--fail-on",
           "-j", "--jobs", "--cache-dir", "--timeout", "--max-memory", "--max-stream", "--max-pages",
           "--max-page-objects", "--max-depth", "--baseline", "--executor", "--scheduler"}
_ENV_PREFIXES = ("FISCAL_LINT", "XDG_CACHE_HOME", "HOME", "CI", "NO_COLOR", "FORCE_COLOR", "TERM", "COLUMNS", "LANG",
                 "LC_", "PYTHON")

RECORDER: Recorder | None = None  # set by cli.main while a replayable check runs; run_check notes its inputs


def replayable(argv: Sequence[str]) -> bool:
    """Whether this command line is one whose output can be stored and replayed (see the module's doc)."""
    if not argv or argv[0] != "check":
        return False
    i = 1
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            return False
        if arg.startswith("-") and arg != "-":
            name, eq, value = arg.partition("=")
            if name.startswith("-j") and name[2:].isdigit():
                i += 1
                continue
            if name in _FLAGS and not eq:
                i += 1
                continue
            if name not in _VALUED:
                return False
            if not eq:
                if i + 1 >= len(argv):
                    return False
                value = argv[i + 1]
                i += 1
            if name == "--format" and value not in FORMATS:
                return False
        elif arg == "-":
            return False
        i += 1
    return not (_progress_shown(argv))


def _progress_shown(argv: Sequence[str]) -> bool:
    # the progress bar writes to a terminal's stderr: such a run is not replayed (nor recorded)
    quiet = any(flag in argv for flag in ("--no-progress", "-q", "--quiet"))
    return not quiet and not os.environ.get("CI") and _isatty(sys.stderr)


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def cache_root(argv: Sequence[str]) -> Path:
    """The cache folder as far as it is known without reading a configuration file."""
    for i, arg in enumerate(argv):
        if arg == "--cache-dir" and i + 1 < len(argv):
            return Path(argv[i + 1]).absolute()
        if arg.startswith("--cache-dir="):
            return Path(arg.split("=", 1)[1]).absolute()
    env = os.environ.get("FISCAL_LINT_CACHE_DIR")
    if env:
        return Path(env).absolute()
    if os.name == "nt":
        return Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local") / "fiscal-lint" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "fiscal-lint"
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "fiscal-lint"


def _package_digest() -> str:
    """sha256 over the package's code and data files (as linter.run.cache hashes them; about 2 ms)."""
    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(names):
            if name.endswith((".py", ".lark", ".json")):
                path = os.path.join(folder, name)
                h.update(os.path.relpath(path, root).encode())
                h.update(b"\0")
                with open(path, "rb") as fh:
                    h.update(fh.read())
    return h.hexdigest()


def _distributions() -> list[str]:
    """The installed distributions (their metadata folders' names carry name and version) and .pth files."""
    names: list[str] = []
    for entry in sys.path:
        try:
            names += [e for e in os.listdir(entry or ".") if e.endswith((".dist-info", ".egg-info", ".pth", ".egg-link"))]
        except OSError:
            continue
    return sorted(names)


def _terminal() -> list[Any]:
    out: list[Any] = [_isatty(sys.stdout), _isatty(sys.stderr)]
    if out[0]:
        try:
            out.append(list(os.get_terminal_size(sys.stdout.fileno())))
        except (OSError, ValueError):
            pass
    return out


def entry_key(argv: Sequence[str]) -> str:
    env = {k: v for k, v in os.environ.items() if k.startswith(_ENV_PREFIXES)}
    parts = {
        "argv": list(argv), "cwd": os.getcwd(), "env": env, "terminal": _terminal(),
        "python": [sys.executable, sys.version], "package": _package_digest(), "dists": _distributions(),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _entry_path(root: Path, key: str) -> Path:
    return root / LAYOUT / "replay" / key[:2] / f"{key}.json"


def _file_digest(path: str) -> str | None:
    try:
        with open(path, "rb") as fh:
            return hashlib.sha256(fh.read()).hexdigest()
    except FileNotFoundError:
        return None
    except OSError:
        return "unreadable"


def _dir_stamp(path: str) -> int | None:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None


def try_replay(argv: Sequence[str]) -> int | None:
    """Write the stored output of this unchanged check and return its exit code; None when there is none."""
    if not replayable(argv):
        return None
    path = _entry_path(cache_root(argv), entry_key(argv))
    try:
        entry = json.loads(path.read_bytes())
        files, dirs = entry["files"], entry["dirs"]
        if any(_file_digest(p) != digest for p, digest in files) or any(_dir_stamp(p) != st for p, st in dirs):
            return None
        out, err, code = entry["stdout"], entry["stderr"], int(entry["exit"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    try:
        os.utime(path)  # recently used (the cache's least-recently-used eviction)
    except OSError:
        pass
    for stream, text in ((sys.stdout, out), (sys.stderr, err)):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8", errors="replace")  # as cli.main does before a run
        stream.write(text)
        stream.flush()
    return code


# ---- recording -----------------------------------------------------------------------------------


class _Tee(io.TextIOBase):
    """A text stream that writes through to ``stream`` and keeps a copy."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        self.parts.append(text)
        return self.stream.write(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return _isatty(self.stream)

    def fileno(self) -> int:
        return self.stream.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return str(getattr(self.stream, "encoding", "utf-8"))

    @property
    def buffer(self) -> Any:  # binary output bypasses the copy: such a run is not recorded
        self.binary = True
        return self.stream.buffer

    binary = False


class Recorder:
    """Collects what a check depended on while it runs; :meth:`save` writes the entry if the run qualifies."""

    def __init__(self, argv: Sequence[str]) -> None:
        self.argv = list(argv)
        self.root = cache_root(argv)
        self.key = entry_key(argv)
        self.files: dict[str, str | None] = {}
        self.dirs: dict[str, int | None] = {}
        self.ok = False  # run_check says the run qualifies (cache on, in this folder, no log…)
        self.out: _Tee | None = None
        self.err: _Tee | None = None

    def start(self) -> None:
        self.out, self.err = _Tee(sys.stdout), _Tee(sys.stderr)
        sys.stdout, sys.stderr = self.out, self.err

    def stop(self) -> None:
        if self.out is not None and self.err is not None:
            sys.stdout, sys.stderr = self.out.stream, self.err.stream

    def file(self, path: Path | str) -> None:
        p = os.path.abspath(path)
        if p not in self.files:
            self.files[p] = _file_digest(p)

    def tree(self, path: Path | str) -> None:
        """A folder whose listing matters (a pack, a folder of inputs): it and every folder below it."""
        for folder, dirs, _names in os.walk(path):
            dirs[:] = [d for d in dirs if d != "__pycache__"]
            self.dirs[os.path.abspath(folder)] = _dir_stamp(folder)

    def config_candidates(self, start: Path) -> None:
        """Every file configuration discovery looks for, upwards from ``start``, present or not."""
        here = start.resolve()
        for folder in (here, *here.parents):
            self.file(folder / "fiscal-lint.toml")
            self.file(folder / "pyproject.toml")

    def save(self, code: int) -> None:
        if not self.ok or code not in (0, 1) or self.out is None or self.err is None:
            return
        if self.out.binary or self.err.binary:
            return
        entry = {
            "argv": self.argv, "exit": code, "stdout": "".join(self.out.parts), "stderr": "".join(self.err.parts),
            "files": sorted([p, d] for p, d in self.files.items()), "dirs": sorted([p, s] for p, s in self.dirs.items()),
        }
        path = _entry_path(self.root, self.key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(entry, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, path)
        except OSError:
            pass


def note_inputs(files: Iterable[Path], given: Iterable[Path]) -> None:
    """run_check: the input files (their bytes) and the folders given as inputs (their listing)."""
    rec = RECORDER
    if rec is None:
        return
    for path in given:
        if path.is_dir():
            rec.tree(path)
    for path in files:
        rec.file(path)
        rec.file(path.parent / "fiscal-lint-sets.toml")  # report-set files are looked for beside every input


def note_run(config: Any, pack_roots: Iterable[Path], rule_files: Iterable[Path]) -> None:
    """run_check: the configuration (whether the run qualifies, and the files it came from) and the packs."""
    rec = RECORDER
    if rec is None:
        return
    cache_dir = Path(config.effective_cache_dir()).absolute()
    rec.ok = bool(config.cache) and config.log is None and cache_dir == rec.root
    rec.config_candidates(Path.cwd())
    if config.file is not None:
        rec.file(config.file)
    if config.baseline is not None:
        rec.file(config.baseline)
    for root in pack_roots:
        if root.is_dir():
            rec.tree(root)
        else:
            rec.file(root)
    for path in rule_files:
        rec.file(path)
