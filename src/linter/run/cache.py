"""A content-addressed cache of parsed models and of rule results, so an unchanged report re-checks at once.

Each entry is a file written atomically (temporary file + rename, so a reader
never sees half an entry and two workers writing the same entry do no harm):

``models/<key>.json``
    the document model of a report. The key hashes the file's bytes (sha256) together with
    :func:`code_version`: fiscal-lint's version, the document schema version, a hash of the
    package's own source (parser, model, catalogue…), pdfminer's version and every plugin's
    name and version. A parser change therefore never serves a stale model. Only a successful,
    schema-valid parse is stored: a failure is never cached.
``results/<key>.json``
    the rule outcomes for a model. The key adds the rule packs' content, the selected rules and
    the template profile.
``rules/<key>.pickle``
    the syntax tree of one rule file (parsing the rule language is most of the start-up time of a
    big pack), keyed by the file's path and text and :func:`code_version`. The tree is stored with
    :func:`linter.dsl.nodes.dump_tree` and read back by an unpickler that admits only the classes of
    :mod:`linter.dsl.nodes`, ``Decimal`` and paths: nothing in the cache can run code. The rule checker
    still runs over every pack on every load.
``packs/<key>.pickle``
    the loaded, checked rule packs (:class:`linter.dsl.pack.PackStore`), keyed by the content of every rule
    file and :func:`code_version`, stored the same way: a pack is parsed once per change, not once per run.
``replay/<key>.json``
    what an unchanged ``fiscal-lint check`` printed (:mod:`linter.run.replay`), answered before the package is
    imported.

A corrupt or unreadable entry counts as a miss (and is removed). ``--no-cache`` bypasses reading and writing
models, results and replays; the compiled packs are still used (they never change what a rule finds).

Size: a run that wrote entries trims the folder to ``cache-max-mb`` (default 500), least recently used first:
a hit touches its entry's modification time, and eviction removes the oldest until the folder is nine tenths
of the cap. ``fiscal-lint cache info`` shows the folder, ``fiscal-lint cache clear`` empties it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from linter.core.model import SCHEMA_VERSION, Document

if TYPE_CHECKING:
    from linter.core.findings import EvaluationResult
    from linter.dsl.pack import PackStore

CACHE_LAYOUT = "v1"  # bump when an entry's format changes


@lru_cache(maxsize=1)
def _source_digest() -> str:
    """sha256 over the package's own code and data files (a few ms; once per process)."""
    root = Path(__file__).resolve().parents[1]  # the linter package (this file is linter/run/cache.py)
    h = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".lark", ".json") and "__pycache__" not in path.parts and path.is_file():
            h.update(path.relative_to(root).as_posix().encode())
            h.update(b"\0")
            h.update(path.read_bytes())
    return h.hexdigest()


def _pdfminer_version() -> str:
    try:
        from importlib.metadata import version

        return version("pdfminer.six")
    except Exception:  # noqa: BLE001 - not installed, or unusual metadata: still a usable key
        return "?"


def code_version(plugins: Iterable[tuple[str, str | None]] = ()) -> str:
    """Everything besides the file's bytes that decides what the parser produces."""
    from linter import __version__

    parts = {
        "tool": __version__,
        "schema": SCHEMA_VERSION,
        "source": _source_digest(),
        "pdfminer": _pdfminer_version(),
        "python": f"{sys.version_info.major}.{sys.version_info.minor}",
        "plugins": sorted([name, version or ""] for name, version in plugins),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


def pack_store(root: Path, plugins: Iterable[tuple[str, str | None]] = ()) -> PackStore:
    """The compiled-pack cache in the cache folder ``root``, salted with :func:`code_version`."""
    from linter.dsl.pack import PackStore

    return PackStore(root / CACHE_LAYOUT / "packs", code_version(plugins))


KINDS = ("models", "results", "rules", "packs", "replay")


def _entries(root: Path) -> Iterator[tuple[Path, os.stat_result]]:
    """Every entry file below the cache folder ``root`` (of every layout), with its stat."""
    for folder, _dirs, names in os.walk(root):
        for name in names:
            path = Path(folder) / name
            try:
                yield path, path.stat()
            except OSError:
                continue


def usage(root: Path) -> dict[str, tuple[int, int]]:
    """``{kind: (entries, bytes)}`` of the cache folder ``root`` (``other`` for files of older layouts)."""
    out: dict[str, tuple[int, int]] = {}
    for path, st in _entries(root):
        rel = path.relative_to(root).parts
        kind = rel[1] if len(rel) > 2 and rel[0] == CACHE_LAYOUT and rel[1] in KINDS else "other"
        count, size = out.get(kind, (0, 0))
        out[kind] = (count + 1, size + st.st_size)
    return out


def evict(root: Path, max_bytes: int) -> tuple[int, int]:
    """Trim the cache folder ``root`` to ``max_bytes``: least recently used entries (oldest modification time)
    go first, down to nine tenths of the cap so that the next runs do not trim again at once.
    Returns (entries removed, bytes freed)."""
    entries = [(st.st_mtime_ns, st.st_size, path) for path, st in _entries(root)]
    total = sum(size for _, size, _ in entries)
    if total <= max_bytes:
        return 0, 0
    target = max_bytes * 9 // 10
    removed = freed = 0
    for _, size, path in sorted(entries, key=lambda e: (e[0], str(e[2]))):
        if total - freed <= target:
            break
        try:
            path.unlink()
        except OSError:
            continue
        removed += 1
        freed += size
    return removed, freed


def clear(root: Path) -> int:
    """Remove every entry of the cache folder ``root`` (only fiscal-lint's layout folders: a cache folder set
    to a folder with other files in it keeps them). Returns the bytes freed."""
    freed = 0
    for child in sorted(root.iterdir()) if root.is_dir() else []:
        if child.is_dir() and child.name.startswith("v") and child.name[1:].isdigit():
            freed += sum(st.st_size for _, st in _entries(child))
            shutil.rmtree(child, ignore_errors=True)
    return freed


class Cache:
    def __init__(self, root: Path, max_mb: int | None = None):
        self.root = root
        self.dir = root / CACHE_LAYOUT
        self.max_bytes = None if max_mb is None else max_mb * 1024 * 1024
        self.wrote = False

    def trim(self) -> None:
        """After a run: keep the folder under its size cap (only when this run wrote something)."""
        if self.wrote and self.max_bytes is not None:
            evict(self.root, self.max_bytes)
            self.wrote = False

    def _path(self, kind: str, key: str, suffix: str = ".json") -> Path:
        return self.dir / kind / key[:2] / f"{key}{suffix}"

    def _read(self, kind: str, key: str) -> Any:
        path = self._path(kind, key)
        try:
            data = json.loads(path.read_bytes())
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            _unlink(path)
            return None
        if not isinstance(data, dict) or data.get("key") != key:
            _unlink(path)
            return None
        _touch(path)
        return data

    def _write(self, kind: str, key: str, payload: dict[str, Any]) -> None:
        data = json.dumps({"key": key, **payload}, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        self._write_bytes(self._path(kind, key), data)

    def _write_bytes(self, path: Path, data: bytes) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            tmp.write_bytes(data)
            os.replace(tmp, path)
            self.wrote = True
        except OSError:  # a read-only or full cache folder slows the run down; it does not fail it
            pass

    # -- models --------------------------------------------------------------------------------
    def get_model(self, key: str) -> Document | None:
        data = self._read("models", key)
        if data is None:
            return None
        try:
            return Document.from_dict(data["model"])
        except (KeyError, TypeError, ValueError):
            _unlink(self._path("models", key))
            return None

    def has_model(self, key: str) -> bool:
        """Whether a model is stored under ``key`` (without reading it: a damaged entry still counts)."""
        return self._path("models", key).is_file()

    def put_model(self, key: str, document: Document) -> None:
        self._write("models", key, {"model": document.to_dict()})

    # -- results -------------------------------------------------------------------------------
    def get_result(self, key: str) -> tuple[dict[str, Any], EvaluationResult] | None:
        from linter.core.findings import EvaluationResult  # here: a worker that only parses never reads results

        data = self._read("results", key)
        if data is None:
            return None
        try:
            return dict(data["info"]), EvaluationResult.from_dict(data["result"])
        except (KeyError, TypeError, ValueError):
            _unlink(self._path("results", key))
            return None

    def put_result(self, key: str, info: dict[str, Any], result: EvaluationResult) -> None:
        self._write("results", key, {"info": info, "result": result.to_dict()})

    # -- rule files ----------------------------------------------------------------------------
    def rule_file_parser(self, code: str) -> Callable[[Path], Any]:
        """A drop-in for :func:`linter.dsl.parser.parse_file` that answers from the cache."""
        from linter.dsl import nodes
        from linter.dsl.pack import parse_rule_file

        def parse(path: Path) -> Any:
            source = path.read_bytes()
            key = digest(str(path), hashlib.sha256(source).hexdigest(), code)
            entry = self._path("rules", key, ".pickle")
            tree = nodes.read_tree_file(entry)
            if tree is not None:
                _touch(entry)
                return tree
            tree = parse_rule_file(path)  # imports the parser (and lark) on a miss only; a file with errors raises
            self._write_bytes(entry, nodes.dump_tree(tree))
            return tree

        return parse


def _touch(path: Path) -> None:
    """Mark an entry as just used (least-recently-used eviction reads the modification time)."""
    try:
        os.utime(path)
    except OSError:
        pass


def _unlink(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass
