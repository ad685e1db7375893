"""``fiscal-lint baseline create FILE|DIR...``: accept the current findings, each with a justification.

The baseline (default ``fiscal-lint-baseline.json``, or ``baseline`` in the configuration) gets one
entry per finding: report, rule, fingerprint, place, message and ``justification``. Re-creating it
keeps the justification of every finding still there and drops the ones fixed since. New entries
take their justification from ``--rule-justification PREFIX=TEXT`` (most specific prefix), else
``--justification TEXT``. Entries left without one are still written, with an empty
``justification`` to fill in by hand, and the command exits 2: ``check --baseline`` refuses a baseline
with an unjustified entry.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from linter.commands.common import EXIT_USAGE, add_run_options, execute, setup
from linter.core.baseline import (
    DEFAULT_BASELINE,
    Baseline,
    BaselineError,
    carry_justifications,
    load_baseline,
    make_entries,
)
from linter.core.exit_codes import EXIT_NOT_CHECKED, EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("baseline", help="基线：接受已知问题 / baseline: accept known findings")
    inner = p.add_subparsers(dest="baseline_command", metavar="SUBCOMMAND")
    p.set_defaults(func=lambda args: _usage(p))
    c = inner.add_parser(
        "create",
        help="把当前的问题写入基线文件（每条须有接受理由） / record the current findings, each with a justification",
        description=__doc__.split("\n\n", 1)[1] if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    c.add_argument("files", nargs="+", type=Path, metavar="FILE", help="报告文件或目录 / report files or folders")
    c.add_argument("-o", "--output", type=Path, metavar="FILE",
                   help=f"基线文件（默认：配置中的 baseline，或 {DEFAULT_BASELINE}） / the baseline file")
    c.add_argument("--justification", metavar="TEXT", help="新条目的接受理由 / justification for new entries")
    c.add_argument("--rule-justification", action="append", default=[], metavar="RULE=TEXT",
                   help="某规则（或前缀）的新条目的接受理由，可重复 / justification for a rule id or prefix (repeatable)")
    c.add_argument("--no-progress", action="store_true", help="不显示进度条 / no progress bar")
    add_run_options(c)
    c.set_defaults(func=cmd_create)


def _usage(p: argparse.ArgumentParser) -> int:
    p.print_help(sys.stderr)
    return EXIT_USAGE


def cmd_create(args: argparse.Namespace) -> int:
    per_rule: dict[str, str] = {}
    for item in args.rule_justification:
        rule, sep, text = item.partition("=")
        if not sep or not rule.strip() or not text.strip():
            print(f"--rule-justification 应为 RULE=TEXT：{item!r} / must be RULE=TEXT", file=sys.stderr)
            return EXIT_USAGE
        per_rule[rule.strip()] = text.strip()
    s = setup(args)
    if isinstance(s, int):
        return s
    target: Path = args.output or s.config.baseline or Path(DEFAULT_BASELINE)
    old = None
    if target.exists():
        try:
            old = load_baseline(target, require_justification=False)
        except BaselineError as exc:
            print(f"基线错误 / baseline error: {exc}", file=sys.stderr)
            return EXIT_USAGE
    run = execute(args, s)
    broken = [fr for fr in run.files if not fr.checked or fr.result.errors]
    if broken:
        for fr in broken:
            why = fr.error.message if fr.error else "；".join(f"{e.rule_id}: {e.message}" for e in fr.result.errors)
            print(f"{fr.path}: 未检查 / not checked: {why}", file=sys.stderr)
        print("有文件或规则无法检查，未写入基线 / some files or rules could not be checked: baseline not written",
              file=sys.stderr)
        return EXIT_NOT_CHECKED
    root = target.resolve().parent
    entries = [e for fr in run.files for e in make_entries(root, fr.path, fr.result.findings)]
    missing = carry_justifications(entries, old, args.justification, per_rule)
    baseline = Baseline(target, entries)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        baseline.write()
    except OSError as exc:
        print(f"无法写入 {target}：{exc.strerror} / cannot write {target}", file=sys.stderr)
        return EXIT_USAGE
    before = len(old.entries) if old else 0
    previous = old.counter() if old else Counter()
    kept = 0
    for e in entries:
        if previous[e.key()] > 0:
            previous[e.key()] -= 1
            kept += 1
    print(f"基线 {target}：{len(entries)} 条（保留 {kept}，新增 {len(entries) - kept}，移除 {max(before - kept, 0)}） / "
          f"baseline {target}: {len(entries)} entries ({kept} kept, {len(entries) - kept} new, "
          f"{max(before - kept, 0)} dropped)")
    if missing:
        for e in missing:
            print(f"  缺少接受理由 / no justification: {e.path} {e.rule_id} {e.location} {e.message}", file=sys.stderr)
        print(f"{len(missing)} 条没有接受理由：请用 --justification / --rule-justification 重新生成，或在 {target} 中逐条填写 "
              f"justification / {len(missing)} entries have no justification: fill them in", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK
