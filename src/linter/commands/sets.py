"""``fiscal-lint sets PATH... [--json]``: how the files are grouped into reports and report sets.

Each file is read (under the same guard and cache as ``check``), and grouped by what the document says:
unit name (normalised), year, kind (预算/决算) and level (部门/单位). The output shows every set with its
reports and files, the name each file prints, and the files left out with the reason, so a user sees why
two files were or were not paired (and writes a ``fiscal-lint-sets.toml`` where the names cannot tell).
Exit codes as ``check``'s: 0 every file is in a report; 1 a file was read but is in no report (the document does
not say its unit, year or kind: the cross-document rules cannot compare it); 2 a file could not be read, or the
configuration or a set file is wrong (a ``[[reports]]`` file that does not exist).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from linter.commands.common import EXIT_USAGE, add_config_options, add_limit_options, setup
from linter.commands.help_format import LineHelpFormatter
from linter.core.config import ConfigError
from linter.core.exit_codes import EXIT_FINDINGS, EXIT_NOT_CHECKED, EXIT_OK
from linter.core.results import FileResult
from linter.core.sets import Grouping, discover_set_config, group
from linter.reporters.common import display_path
from linter.run.check import run_check
from linter.run.sets import members_of


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "sets",
        help="显示文件如何归为报告与报告集合 / show how files are grouped into reports and report sets",
        description="读取文件，按单位名称（规范化后）、年度、预算/决算、部门/单位归为报告，同一单位的报告为一个集合；"
        "跨报告规则在集合内比较。名称无法自动匹配时，用 fiscal-lint-sets.toml 或 [tool.fiscal-lint.sets] 指定。 / "
        "Group files into reports (unit, year, kind, level) and reports into sets (unit); cross-document "
        "rules compare the reports of a set.",
        epilog="退出码 / exit codes:\n"
        "  0   每个文件都归入了报告 / every file is in a report\n"
        "  1   有文件读出了但未归入任何报告（文档中读不出单位名称、年度或预算/决算，跨报告规则无法比较它；可在 "
        "fiscal-lint-sets.toml 中指定） / a file is in no report (its unit, year or kind cannot be read)\n"
        "  2   有文件无法读取；或配置、报告集合文件有误（如 [[reports]] 中的文件不存在） / a file could not be read, "
        "or the configuration or a set file is wrong\n"
        "  130 被中断（Ctrl-C） / interrupted",
        formatter_class=LineHelpFormatter,
    )
    p.add_argument("files", nargs="+", type=Path, metavar="PATH", help="文件或目录 / files or folders")
    p.add_argument("--json", action="store_true", help="输出 JSON / print JSON")
    p.add_argument("-j", "--jobs", type=int, metavar="N", help="并行进程数 / worker processes")
    p.add_argument("--no-cache", action="store_true", help="不使用缓存 / do not use the cache")
    add_config_options(p)
    add_limit_options(p, with_defaults=False)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    s = setup(args)
    if isinstance(s, int):
        return s
    try:
        set_config = discover_set_config(args.files, s.config.sets)
    except ConfigError as exc:
        print(f"配置错误 / configuration error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    missing = [f for r in set_config.reports for f in r.files if not f.is_file()]
    for f in missing:
        print(f"配置错误 / configuration error: 报告集合配置的 [[reports]] 中的文件不存在：{f}（集合文件："
              f"{'、'.join(str(p) for p in set_config.files) or '配置中的 sets'}） / a [[reports]] file does not exist",
              file=sys.stderr)
    if missing:
        return EXIT_USAGE
    result = run_check(args.files, [], s.session, cache=s.cache)  # no rules: reading the documents is enough
    if result.interrupted:
        print(f"运行被中断：已读取 {len(result.files)} / {result.inputs} 个文件 / interrupted", file=sys.stderr)
        return result.exit_code
    grouping = group(members_of(result.files), set_config)
    not_checked = [fr for fr in result.files if not fr.checked]
    if args.json:
        sys.stdout.write(json.dumps(sets_json(grouping, result.files), ensure_ascii=False, indent=2) + "\n")
    else:
        print_sets(grouping, result.files)
    for fr in not_checked:
        assert fr.error is not None
        print(f"{fr.path}: 未检查 / not checked: {fr.error.message}", file=sys.stderr)
    for m, why in grouping.alone:
        print(f"{display_path(m.path)}: 未归入任何报告 / in no report: {why}", file=sys.stderr)
    if not_checked:
        return EXIT_NOT_CHECKED
    return EXIT_FINDINGS if grouping.alone else EXIT_OK


def _printed_name(fr: FileResult | None) -> str:
    return str(fr.info.metadata.get("unit_name") or "") if fr is not None and fr.info is not None else ""


def sets_json(grouping: Grouping, files: list[FileResult]) -> dict[str, Any]:
    by_path = {fr.path: fr for fr in files}
    return {
        "sets": [
            {
                "unit": rset.unit,
                "name": rset.name,
                "reports": [
                    {
                        "label": r.label, "year": r.key.year, "kind": r.key.kind, "level": r.key.level, "how": r.how,
                        "files": [{"path": display_path(m.path), "unit_name": _printed_name(by_path.get(m.path))}
                                  for m in r.members],
                    }
                    for r in rset.reports
                ],
            }
            for rset in grouping.sets
        ],
        "alone": [{"path": display_path(m.path), "reason": why} for m, why in grouping.alone],
        "not_checked": [{"path": display_path(fr.path), "reason": fr.error.message}
                        for fr in files if fr.error is not None],
    }


def print_sets(grouping: Grouping, files: list[FileResult]) -> None:
    by_path = {fr.path: fr for fr in files}
    reports = sum(len(s.reports) for s in grouping.sets)
    print(f"{len(files)} 个文件，{reports} 份报告，{len(grouping.sets)} 个集合 / "
          f"{len(files)} files, {reports} reports, {len(grouping.sets)} sets")
    for rset in grouping.sets:
        alone = "（只有一份报告，跨报告规则不适用） / one report: no cross-document rule applies" \
            if len(rset.reports) < 2 else ""
        print(f"\n{rset.name}  [{rset.unit}] {alone}")
        for r in rset.reports:
            how = "（按集合文件 / by the set file）" if r.how == "set file" else ""
            print(f"  {r.label}{how}")
            for m in r.members:
                print(f"    {display_path(m.path)}  （文中单位名称 / name printed: {_printed_name(by_path.get(m.path))}）")
    if grouping.alone:
        print("\n未归入报告 / not in any report:")
        for m, why in grouping.alone:
            print(f"  {display_path(m.path)}: {why}")
