"""``fiscal-lint rules``: check rule files, run their tests, list the default pack.

fiscal-lint rules check PATH...   exit 0 when clean, 2 on syntax or semantic errors (file:line:col)
fiscal-lint rules test PATH...    exit 0 when every case passes, 1 otherwise (2 if the rules or a case file are malformed);
                                  PATH: a pack folder, a .rules file, or case files (*.yaml) to run alone
fiscal-lint rules list            id, severity and title of every rule of every pack check loads (built-in,
                                  plugins', configured); --json: by pack, with its source, kinds and profiles
fiscal-lint rules list --kind 预算 only the rules for that kind of document (决算/预算/绩效; set: the rules across
                                  reports); a rule without `kinds` applies to every kind and is listed too;
                                  an unknown kind exits 2
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from linter.commands.common import add_config_options, effective_config
from linter.core.config import ConfigError
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

    ls = sub.add_parser(
        "list",
        help="列出加载的每个规则包的规则 / list the rules of every loaded pack",
        description="列出 check 会加载的每个规则包（内置、插件提供、配置的 rules）中的规则：编号、级别、标题，"
        "以制表符分隔；--json 另给出规则包及其来源、适用的文档类型和模板。 / List the rules of every pack check "
        "loads (built-in, from plugins, configured): id, severity and title, tab-separated; --json adds the pack "
        "and where it comes from, the kinds and the profiles.",
    )
    ls.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                    help="只列出这些规则包 / only these packs (default: every pack check loads)")
    ls.add_argument(
        "--kind",
        metavar="KIND",
        help="只列出适用于该文档类型的规则（决算/预算/绩效；未写 kinds 的规则适用于所有类型；set 为跨报告的规则）"
        " / only the rules for this kind of document (rules without kinds apply to every kind; set: the rules "
        "across reports)",
    )
    ls.add_argument("--json", action="store_true", help="以 JSON 输出 / print JSON")
    ls.add_argument("--rules", action="append", type=Path, metavar="PATH",
                    help="额外的规则包（可重复） / an extra rule pack (repeatable)")
    ls.add_argument("--no-default-rules", action="store_true", default=None,
                    help="不使用内置与插件提供的规则包 / do not load the built-in and plugin rule packs")
    ls.add_argument("--disable-plugin", action="append", metavar="NAME", dest="disable_plugins",
                    help="停用插件（可重复） / disable a plugin (repeatable)")
    add_config_options(ls)
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
SET_KINDS = ("set", "集合")  # --kind set: the rules that read other reports (report sets)


def pack_sources(session: Session) -> dict[Path, str]:
    """Where each pack folder or file comes from: ``built-in``, ``plugin:NAME`` (the plugin whose
    ``fiscal_lint_rule_packs`` returned it) or ``configured`` (``rules`` of the configuration or ``--rules``)."""
    out: dict[Path, str] = {}
    builtin = {p.resolve() for p in default_pack_paths()}
    for impl in session.pm.hook.fiscal_lint_rule_packs.get_hookimpls():
        returned = impl.function()
        for path in returned if isinstance(returned, list | tuple) else []:
            resolved = Path(path).resolve()
            out.setdefault(resolved, "built-in" if resolved in builtin else f"plugin:{impl.plugin_name}")
    for path in session.config.rules:
        out.setdefault(Path(path).resolve(), "configured")
    return out


def _source_of(pack_path: Path, sources: dict[Path, str]) -> str:
    """A pack's source: that of the path it was loaded from, or of the pack it is nested in."""
    resolved = Path(pack_path).resolve()
    for path in [resolved, *resolved.parents]:
        if path in sources:
            return sources[path]
    return "path"  # named on the command line (rules list PATH)


def _wanted(rule: Any, kind: str | None) -> bool:
    if kind is None:
        return True
    if kind in SET_KINDS:
        return bool(rule.reads_other_reports)
    return not rule.kinds or kind in rule.kinds  # no kinds: every kind


def cmd_list(args: argparse.Namespace) -> int:
    """The rules of every pack ``check`` loads (or of the PATHs given); with ``--kind``, those for that kind."""
    kind = getattr(args, "kind", None)
    if kind is not None:
        from linter.dsl.checker import KINDS  # the kinds a rule's `kinds` may name

        if kind not in KINDS and kind not in SET_KINDS:
            known = "/".join([k for k in _KIND_ORDER if k in KINDS] + sorted(set(KINDS) - set(_KIND_ORDER)) + ["set"])
            print(
                f"未知文档类型 {kind}（应为 {known}）/ unknown kind {kind!r} (expected one of {known})", file=sys.stderr
            )
            return EXIT_BAD_RULES
    try:
        config = effective_config(args)
    except ConfigError as exc:
        print(f"配置错误 / configuration error: {exc}", file=sys.stderr)
        return EXIT_BAD_RULES
    session = Session.build(config)  # the plugins in effect: their packs and the functions their rules call
    try:
        packs = session.load_packs(list(args.paths) if getattr(args, "paths", None) else None)
    except DslError as exc:
        for d in exc.diagnostics:
            print(d.format(), file=sys.stderr)
        return EXIT_BAD_RULES
    if getattr(args, "json", False):
        sources = pack_sources(session)
        data = {"packs": [
            {
                "name": pack.name, "version": pack.version, "path": str(pack.path),
                "source": _source_of(pack.path, sources),
                "kinds": sorted({k for r in pack.rules for k in r.kinds}),
                "rules": [_rule_dict(r) for r in pack.rules if _wanted(r, kind)],
            }
            for pack in packs
        ]}
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return EXIT_OK
    for pack in packs:
        for rule in pack.rules:
            if _wanted(rule, kind):
                print(f"{rule.id}\t{rule.severity}\t{rule.title}")
    return EXIT_OK


def _rule_dict(rule: Any) -> dict[str, Any]:
    return {
        "id": rule.id, "severity": rule.severity, "title": rule.title, "category": rule.category,
        "kinds": list(rule.kinds), "profiles": list(rule.profiles), "status": rule.status,
        "across_reports": bool(rule.reads_other_reports),
    }
