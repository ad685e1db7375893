"""``fiscal-lint rules``: check rule files, run their tests, list the default pack.

fiscal-lint rules check PATH...   exit 0 when clean, 2 on syntax or semantic errors (file:line:col)
fiscal-lint rules test PATH...    exit 0 when every case passes, 1 otherwise (2 if the rules or a case file are malformed);
                                  PATH: a pack folder, a .rules file, or case files (*.yaml) to run alone
fiscal-lint rules list            id, severity and title of every rule of the default pack
fiscal-lint rules list --kind 预算 only the rules for that kind of document (决算/预算/绩效); a rule without
                                  `kinds` applies to every kind and is listed too; an unknown kind exits 2
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from linter.dsl import DslError, check_paths, default_pack_paths
from linter.dsl.diagnostics import make
from linter.dsl.pack import CASE_SUFFIXES
from linter.session import Session

EXIT_OK, EXIT_FAILED, EXIT_BAD_RULES = 0, 1, 2


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("rules", help="规则包：检查、测试、列出 / rule packs: check, test, list")
    sub = p.add_subparsers(dest="rules_command", metavar="SUBCOMMAND")
    p.set_defaults(func=lambda args: _usage(p))

    c = sub.add_parser("check", help="检查规则文件 / check rule files (exit 2 on errors)")
    c.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    c.set_defaults(func=cmd_check)

    t = sub.add_parser("test", help="运行规则包自带的测试用例 / run the test cases a pack carries")
    t.add_argument(
        "paths",
        nargs="+",
        type=Path,
        metavar="PATH",
        help="规则包目录、.rules 文件或用例文件 / pack, .rules or case files",
    )
    t.add_argument("--no-coverage", action="store_true", help="不要求每条规则都有通过和触发的用例")
    t.set_defaults(func=cmd_test)

    ls = sub.add_parser("list", help="列出默认规则包的规则 / list the rules of the default pack")
    ls.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="规则包（默认：内置规则包）")
    ls.add_argument(
        "--kind",
        metavar="KIND",
        help="只列出适用于该文档类型的规则（决算/预算/绩效；未写 kinds 的规则适用于所有类型）"
        " / only the rules for this kind of document (rules without kinds apply to every kind)",
    )
    ls.set_defaults(func=cmd_list)


def _usage(p: argparse.ArgumentParser) -> int:
    p.print_help(sys.stderr)
    return EXIT_BAD_RULES


def cmd_check(args: argparse.Namespace) -> int:
    session = Session.build()  # the functions and tables the installed plugins give rules
    diags = check_paths(args.paths, functions=session.functions, tables=session.table_keys)
    for d in diags:
        print(d.format(), file=sys.stderr)
    errors = sum(1 for d in diags if d.level == "error")
    warnings = len(diags) - errors
    if errors:
        print(f"{errors} 个错误，{warnings} 个警告 / {errors} error(s), {warnings} warning(s)", file=sys.stderr)
        return EXIT_BAD_RULES
    print(f"规则检查通过（{warnings} 个警告）/ rules OK ({warnings} warning(s))")
    return EXIT_OK


def _test_targets(paths: list[Path]) -> tuple[list[Path], dict[Path, list[Path]]]:
    """Split the PATHs of ``rules test`` into packs to load and single case files (by their pack)."""
    packs: list[Path] = []
    only: dict[Path, list[Path]] = {}
    for path in paths:
        if path.suffix in CASE_SUFFIXES and path.is_file():
            from linter.dsl.testing import pack_root_of  # PyYAML: only when testing rules

            root = pack_root_of(path)
            if root is None:
                raise DslError(
                    [make(path, None, 0, 0, "找不到用例文件所属的规则包", "no rule pack above this case file")]
                )
            only.setdefault(root, []).append(path.resolve())
            if root not in packs:
                packs.append(root)
        else:
            packs.append(path)
    return packs, only


def cmd_test(args: argparse.Namespace) -> int:
    """Run a pack's cases (a folder or a ``.rules`` file), or only the cases of the given case files."""
    try:
        targets, only = _test_targets(list(args.paths))
        session = Session.build()  # a plugin's pack is tested with the plugin's functions
        packs = session.load_packs(targets)
    except DslError as exc:
        for d in exc.diagnostics:
            print(d.format(), file=sys.stderr)
        return EXIT_BAD_RULES
    ok, invalid = True, False
    for pack in packs:
        files = only.get(Path(pack.path).resolve()) if pack.path.is_dir() else None
        # one case file is a sample of the pack: coverage is a property of all of its cases
        from linter.dsl.testing import run_pack_tests  # PyYAML: only when testing rules

        report = run_pack_tests(
            pack, require_coverage=not args.no_coverage and files is None, files=files, functions=session.functions
        )
        if not report.files:
            print(f"{pack.path}: 没有测试文件 (*.yaml) / no test files", file=sys.stderr)
            ok = False
        for case in report.cases:
            mark = "无效 INVALID" if case.invalid else "通过 PASS" if case.ok else "失败 FAIL"
            print(f"{mark}  {_shown(case.file, pack.path)} :: {case.name}")
            for problem in case.problems:
                print(f"        - {problem}")
        for problem in report.coverage_problems:
            print(f"覆盖不足 COVERAGE  {problem}")
        passed = sum(1 for c in report.cases if c.ok)
        print(f"{pack.name} {pack.version}: {passed}/{len(report.cases)} 个用例通过 / cases passed")
        ok = ok and report.ok
        invalid = invalid or report.invalid
    if invalid:
        print("测试文件有误（见 INVALID）/ malformed test files (see INVALID)", file=sys.stderr)
        return EXIT_BAD_RULES
    return EXIT_OK if ok else EXIT_FAILED


def _shown(file: Path, pack_path: Path) -> str:
    """A case file as shown in the report: relative to its pack folder (``identity/FL.I.11.yaml``)."""
    base = pack_path if pack_path.is_dir() else pack_path.parent
    for root in (base / "tests", base):
        try:
            return str(file.resolve().relative_to(root.resolve()))
        except ValueError:
            continue
    return file.name


_KIND_ORDER = ("决算", "预算", "绩效")  # as the error message lists them


def cmd_list(args: argparse.Namespace) -> int:
    """The rules of the packs (default: the built-in ones); with ``--kind``, those for that kind of document."""
    kind = getattr(args, "kind", None)
    if kind is not None:
        from linter.dsl.checker import KINDS  # the kinds a rule's `kinds` may name

        if kind not in KINDS:
            known = "/".join([k for k in _KIND_ORDER if k in KINDS] + sorted(set(KINDS) - set(_KIND_ORDER)))
            print(
                f"未知文档类型 {kind}（应为 {known}）/ unknown kind {kind!r} (expected one of {known})", file=sys.stderr
            )
            return EXIT_BAD_RULES
    try:
        packs = Session.build().load_packs(args.paths or default_pack_paths())
    except DslError as exc:
        for d in exc.diagnostics:
            print(d.format(), file=sys.stderr)
        return EXIT_BAD_RULES
    for pack in packs:
        for rule in pack.rules:
            if kind is None or not rule.kinds or kind in rule.kinds:  # no kinds: every kind
                print(f"{rule.id}\t{rule.severity}\t{rule.title}")
    return EXIT_OK
