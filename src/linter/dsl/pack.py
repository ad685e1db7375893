"""Rule packs: a directory (or a single file) of ``*.rules`` files plus YAML test-case files (``tests/**/*.yaml``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from linter.dsl import nodes as n
from linter.dsl.checker import check_files
from linter.dsl.diagnostics import Diagnostic, DslError, make
from linter.dsl.function_table import FunctionTable
from linter.dsl.parser import parse_file

RULE_SUFFIX = ".rules"
CASE_SUFFIXES = (".yaml", ".yml")  # rule-test case files (linter.dsl.testing reads them)


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
    paths: Iterable[Path], parse: Callable[[Path], n.RuleFile] = parse_file
) -> tuple[list[tuple[Path, list[n.RuleFile]]], list[Diagnostic]]:
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
    parse: Callable[[Path], n.RuleFile] = parse_file,
    *,
    functions: FunctionTable | None = None,
    tables: set[str] | None = None,
) -> list[RulePack]:
    """Load rule packs (directories or ``.rules`` files). Raises :class:`DslError` on any error.

    Rule ids must be unique across all the packs loaded together. ``parse`` reads one rule file
    (the check command passes one that answers from its cache).
    """
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
