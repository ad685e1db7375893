"""Rule packs: a directory (or a single file) of ``*.rules`` files plus YAML test-case files (``tests/**/*.yaml``).

Loading a pack parses every rule file with lark and checks the whole set against the session's functions and
tables: about half a second for the default packs. A :class:`PackStore` keeps the loaded, checked packs by
content hash, so they are parsed once per change, not once per run (see :class:`PackStore`).
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from linter.dsl import nodes as n
from linter.dsl.checker import check_files
from linter.dsl.diagnostics import Diagnostic, DslError, make
from linter.dsl.function_table import FunctionTable

RULE_SUFFIX = ".rules"
CASE_SUFFIXES = (".yaml", ".yml")  # rule-test case files (linter.dsl.testing reads them)


def parse_rule_file(path: Path) -> n.RuleFile:
    """Parse one rule file with the rule language's parser, imported on first use: a run whose packs all come
    from the compiled-pack store never imports lark."""
    from linter.dsl.parser import parse_file

    return parse_file(path)


@dataclass
class RulePack:
    name: str
    version: str
    path: Path
    files: list[n.RuleFile] = field(default_factory=list)
    test_files: list[Path] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)

    @property
    def rules(self) -> list[n.Rule]:
        return [r for f in self.files for r in f.rules]


PACK_FILE = "pack.rules"  # a folder holding its own pack.rules is a pack of its own, even inside another


def nested_packs(root: Path) -> list[Path]:
    """The folders below ``root`` that are packs of their own (they hold a ``pack.rules``)."""
    return sorted(p.parent for p in root.rglob(PACK_FILE) if p.is_file() and p.parent != root)


def _own(root: Path, keep: Callable[[Path], bool]) -> list[Path]:
    """The files of the pack at ``root`` that ``keep`` accepts, without those of nested packs."""
    nested = nested_packs(root)
    return sorted(
        p for p in root.rglob("*") if keep(p) and not any(p.is_relative_to(n) for n in nested)
    )


def _rule_files(path: Path) -> list[Path]:
    if path.is_dir():
        return _own(path, lambda p: p.is_file() and p.suffix == RULE_SUFFIX)
    return [path]


def _is_case_file(p: Path) -> bool:
    return p.is_file() and p.suffix in CASE_SUFFIXES


def find_test_files(path: Path) -> list[Path]:
    """The case files of a pack: every ``*.yaml``/``*.yml`` below a pack folder; for a single
    ``x.rules`` file, ``x.tests.yaml`` beside it and the files below ``tests/x/``."""
    path = Path(path)
    if path.is_dir():
        return _own(path, _is_case_file)
    stem = path.name.removesuffix(RULE_SUFFIX)
    found = [path.with_name(stem + ".tests" + s) for s in CASE_SUFFIXES]
    files = [p for p in found if p.is_file()]
    folder = path.parent / "tests" / stem
    if folder.is_dir():
        files += sorted(p for p in folder.rglob("*") if _is_case_file(p))
    return files



def _parse_all(
    paths: Iterable[Path], parse: Callable[[Path], n.RuleFile] | None = None
) -> tuple[list[tuple[Path, list[n.RuleFile]]], list[Diagnostic]]:
    parse = parse or parse_rule_file
    parsed: list[tuple[Path, list[n.RuleFile]]] = []
    diags: list[Diagnostic] = []
    seen: set[Path] = set()
    # a pack folder brings the packs nested in it: ``rules/`` is the 决算 pack and ``rules/yusuan/`` the 预算 pack
    roots = [r for p in paths for r in ([Path(p), *nested_packs(Path(p))] if Path(p).is_dir() else [Path(p)])]
    for root in roots:
        if root.resolve() in seen:  # the same pack named twice (e.g. by a hook and by the caller) loads once
            continue
        seen.add(root.resolve())
        if not root.exists():
            diags.append(make(root, None, 0, 0, "路径不存在", "no such file or directory"))
            continue
        files: list[n.RuleFile] = []
        for p in _rule_files(root):
            try:
                files.append(parse(p))
            except DslError as exc:
                diags.extend(exc.diagnostics)
            except (OSError, UnicodeDecodeError) as exc:
                diags.append(make(p, None, 0, 0, f"无法读取：{exc}", f"cannot read: {exc}"))
        parsed.append((root, files))
    return parsed, diags


def check_paths(
    paths: Iterable[Path | str], *, functions: FunctionTable | None = None, tables: set[str] | None = None
) -> list[Diagnostic]:
    """Parse and check rule files without raising: every diagnostic, errors and warnings.

    ``functions`` and ``tables``: what rules may call and name (a session's; default: the built-ins)."""
    parsed, diags = _parse_all(Path(p) for p in paths)
    groups = [files for _, files in parsed]
    return diags + check_files([f for g in groups for f in g], groups, functions=functions, tables=tables)


def load_packs(
    paths: Iterable[Path | str],
    parse: Callable[[Path], n.RuleFile] | None = None,
    *,
    functions: FunctionTable | None = None,
    tables: set[str] | None = None,
    store: PackStore | None = None,
) -> list[RulePack]:
    """Load rule packs (directories or ``.rules`` files). Raises :class:`DslError` on any error.

    Rule ids must be unique across all the packs loaded together. ``parse`` reads one rule file
    (the check command passes one that answers from its cache). With a ``store``, packs whose files,
    functions and tables are unchanged come back compiled from it, without lark or the checker.
    """
    if store is None:
        return _load(list(paths), parse, functions, tables)
    roots = [Path(p) for p in paths]
    key = store.key(roots, functions, tables)
    if key is not None:
        packs = store.get(key)
        if packs is not None:
            return packs
    packs = _load(roots, parse, functions, tables)
    for pack in packs:
        for rule in pack.rules:
            rule.reads_other_reports  # noqa: B018 - worked out now, so that it is stored with the rule
    if key is not None:
        store.put(key, packs)
    return packs


def _load(
    paths: Iterable[Path | str],
    parse: Callable[[Path], n.RuleFile] | None,
    functions: FunctionTable | None,
    tables: set[str] | None,
) -> list[RulePack]:
    parsed, diags = _parse_all((Path(p) for p in paths), parse)
    all_files = [f for _, files in parsed for f in files]
    # one pack declaration per pack; functions and tables as the session has them
    diags += check_files(all_files, [files for _, files in parsed], functions=functions, tables=tables)
    errors = [d for d in diags if d.level == "error"]
    if errors:
        raise DslError(errors)
    packs = []
    for root, files in parsed:
        decl = next((f.pack for f in files if f.pack is not None), None)
        name = decl.name if decl else root.stem
        version = decl.version if decl else "0"
        mine = {str(f.path) for f in files}
        warnings = [d for d in diags if d.file in mine]
        packs.append(RulePack(name, version, root, files, find_test_files(root), warnings))
    return packs


def default_pack_paths() -> list[Path]:
    """The default packs: ``linter/_data/rules`` in an installed wheel, ``rules/`` in a source checkout
    (the 决算 pack; the 预算 pack ``rules/yusuan/`` nested in it loads with it)."""
    import linter

    root = Path(linter.__file__).parent / "_data" / "rules"
    if not root.exists():
        root = Path(linter.__file__).resolve().parents[2] / "rules"
    return [root]


# ---- the compiled-pack cache ------------------------------------------------------------------


class PackStore:
    """Loaded, checked rule packs kept in ``folder``, keyed by content: the text of every rule file of every pack
    (and the list of those files and of their test files), the names of the functions and tables they were
    checked against, and ``salt`` (the caller's code version: fiscal-lint's own source and the plugins).

    An entry is the syntax trees (:func:`linter.dsl.nodes.dump_tree`: read back only into the classes of
    :mod:`linter.dsl.nodes`, so nothing in the cache can run code) with each pack's name, version, folder, test
    files and warnings; errors are never stored. A corrupt entry is a miss. Reading the packs costs a twentieth
    of parsing and checking them."""

    def __init__(self, folder: Path, salt: str = "") -> None:
        self.folder = folder
        self.salt = salt

    def key(self, roots: list[Path], functions: FunctionTable | None, tables: set[str] | None) -> str | None:
        h = hashlib.sha256(self.salt.encode())
        h.update(json.dumps([sorted(functions or ()), sorted(tables or ())]).encode())
        try:
            for root in roots:
                h.update(b"\0root\0" + str(root.resolve()).encode())
                for pack in [root, *nested_packs(root)] if root.is_dir() else [root]:
                    h.update(b"\0pack\0" + str(pack).encode())
                    for f in _rule_files(pack):
                        h.update(b"\0" + str(f).encode() + b"\0" + hashlib.sha256(f.read_bytes()).digest())
                    for t in find_test_files(pack):
                        h.update(b"\0test\0" + str(t).encode())
        except OSError:  # a missing or unreadable file: the loader reports it, nothing is cached
            return None
        return h.hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.pickle"

    def get(self, key: str) -> list[RulePack] | None:
        path = self._path(key)
        data = n.read_tree_file(path)
        if data is None:
            return None
        try:
            packs = [
                RulePack(p["name"], p["version"], p["path"], p["files"], p["tests"],
                         [Diagnostic(**d) for d in p["warnings"]])
                for p in data["packs"]
            ]
        except (KeyError, TypeError):  # a tree of another shape: a miss
            _unlink(path)
            return None
        try:
            os.utime(path)  # recently used: the cache's size cap evicts the least recently used entries first
        except OSError:
            pass
        return packs

    def put(self, key: str, packs: list[RulePack]) -> None:
        data = {"packs": [
            {"name": p.name, "version": p.version, "path": p.path, "files": p.files, "tests": p.test_files,
             "warnings": [asdict(d) for d in p.warnings]}
            for p in packs
        ]}
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            tmp.write_bytes(n.dump_tree(data))
            os.replace(tmp, path)  # atomic: a reader never sees half an entry
        except (OSError, TypeError, AttributeError, pickle.PicklingError):
            pass  # a read-only cache folder, or a tree that cannot be stored: the packs load as before


def _unlink(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass
