"""Rule-pack tests: YAML case files (``*.yaml`` / ``*.yml``) run against the pack's rules.

A pack keeps one case file per rule, or per small family of rules, under ``tests/<rules file>/``::

    rules/tests/identity/FL.I.11.yaml

    # FL.I.11 “三公”经费：合计 = 各分项之和
    rules: [FL.I.11]                 # the rules this file is about
    cases:
    - name: 三公合计差0.03
      document_file: ../../fixtures/jianghan-2024.json      # relative to this file; or document: {…fragment…}
      patch:
      - {table: three_public, row: {index: 0}, column: 决算数/合计, text: '10.03'}
      expect:
      - {rule: FL.I.11, severity: error, count: 1, args: {diff: '0.03'}}
      outcomes: {FL.I.11: fail}
    - name: 样本原文：成立            # no expect: FL.I.11 must not fire
      document_file: ../../fixtures/jianghan-2024.json
      outcomes: {FL.I.11: pass}

Keys of a case: ``name`` (required), ``document_file`` or ``document``, ``patch``, ``expect``,
``outcomes``, ``must_not_fire``, ``rules``, ``reports``. ``reports`` lists the other reports of the unit's
set for a cross-document rule (``report()``), each ``{document_file | document, patch}`` — a patch
``{metadata: {fiscal_year: 2024}}`` makes a fixture last year's report. Defaults come from the file's ``rules``:

- ``rules`` (the rules evaluated): the file's ``rules``; the whole pack when the file names none
  (a shared file such as ``tests/_seed.yaml``), or when the case says ``rules: all``;
- ``must_not_fire``: the case's own ``rules`` (else the file's) that the case evaluates and that its
  ``expect`` does not name, so a case without ``expect`` asserts that those rules do not fire. Write
  ``must_not_fire: []`` to assert nothing of the kind.

For every rule named in ``expect`` the findings must be exactly the ones expected (count per entry,
default 1; ``severity``, ``kind`` and ``args`` narrow an entry; ``count: 0`` asserts no finding whatever
the outcome). A rule in ``must_not_fire`` must have been applied and passed, and have no finding at all:
its outcome must be ``pass``. A rule that was not applied (``not_applicable``, ``insufficient_data``, a
rule error, or not run) did not fire because it did not look, so the case fails, naming the rule and its
outcome; when that is what the case is about, say so with ``outcomes: {RULE: not_applicable}`` instead.
A 尾数差异 (``kind: rounding``, info) leaves the outcome ``pass``: the rule counts as applied, and its
rounding finding is still a finding (name it in ``expect`` with ``kind: rounding``). ``outcomes`` checks
the rule's overall status (the worst of its instances: fail, insufficient_data, pass, not_applicable). A
rule error always fails the case. Case files are validated strictly, first against
``schemas/rule-test.schema.json`` (an unknown key, a malformed value), then against the pack (a rule id that
is not in it, a duplicate case name, a case that names no rule and so asserts nothing); each problem names
the file, line and column and the place (``$.cases[3].expct``) (``CaseResult.invalid``; ``fiscal-lint rules
test`` exits 2). With coverage on, every rule of the pack
needs one case where it passes and one where it fires at its own severity.
"""

from __future__ import annotations

import difflib
import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator

from linter.core.findings import EvaluationResult, Finding
from linter.core.resources import schema_path
from linter.dsl.evaluator import evaluate_rules
from linter.dsl.fragments import FragmentError, apply_patches, load_document
from linter.dsl.function_table import FunctionTable
from linter.dsl.pack import RULE_SUFFIX, RulePack, find_test_files
from linter.dsl.values import ReportV, tag_origin

LEGACY_SUFFIX = ".tests.json"
SCHEMA = "rule-test.schema.json"  # the shape of a case file (schemas/); the rule ids are checked against the pack


@dataclass
class CaseResult:
    file: Path
    name: str
    problems: list[str] = field(default_factory=list)
    result: EvaluationResult | None = None
    invalid: bool = False  # the case (or its file) is malformed: not run

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class PackTestReport:
    pack: RulePack
    cases: list[CaseResult] = field(default_factory=list)
    coverage_problems: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.cases) and not self.coverage_problems

    @property
    def invalid(self) -> bool:
        return any(c.invalid for c in self.cases)


@dataclass
class TestCase:
    """One case, normalised: defaults applied, ``rules`` None = the whole pack."""

    __test__ = False  # not a pytest class

    file: Path
    name: str
    data: dict[str, Any]
    problems: list[str] = field(default_factory=list)


@dataclass
class CaseFile:
    __test__ = False

    path: Path
    rules: list[str] | None = None
    cases: list[TestCase] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


# ---- finding test files ---------------------------------------------------------------------------


def legacy_test_files(path: Path) -> list[Path]:
    """Old-format ``*.tests.json`` files, no longer read (reported so that they are converted)."""
    path = Path(path)
    if path.is_dir():
        return sorted(p for p in path.rglob(f"*{LEGACY_SUFFIX}") if p.is_file())
    sibling = path.with_name(path.name.removesuffix(RULE_SUFFIX) + LEGACY_SUFFIX)
    return [sibling] if sibling.is_file() else []


def pack_root_of(case_file: Path) -> Path | None:
    """The pack folder a case file belongs to: the nearest parent folder holding ``*.rules`` files."""
    for parent in Path(case_file).resolve().parents:
        if any(p.is_file() for p in parent.glob(f"*{RULE_SUFFIX}")):
            return parent
    return None


# ---- reading and validating case files ------------------------------------------------------------


class _StrictLoader(yaml.SafeLoader):
    """Safe YAML that refuses duplicate keys (a second ``expect:`` would silently win)."""


def _no_duplicates(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"重复的键 / duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicates)


@functools.cache
def _validator() -> Draft202012Validator:
    schema = json.loads(schema_path(SCHEMA).read_text(encoding="utf-8"))
    return Draft202012Validator(schema)


Path_ = tuple[str | int, ...]  # a place in the file's data: ("cases", 2, "expect", 0, "rule")


def json_path(loc: Path_) -> str:
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc)


def _schema_problems(raw: Any) -> list[tuple[Path_, str]]:
    """The file's shape against ``schemas/rule-test.schema.json``: (place, message) per problem, in file order."""
    out: list[tuple[Path_, str]] = []
    for err in _validator().iter_errors(raw):
        loc: Path_ = tuple(err.absolute_path)
        inst, v = err.instance, err.validator
        last = loc[-1] if loc else "$"
        if v == "additionalProperties" and isinstance(inst, dict):
            allowed = sorted(err.schema.get("properties", {}))
            for k in sorted(set(inst) - set(allowed), key=str):
                close = difflib.get_close_matches(str(k), allowed, n=1)
                hint = (f"，是不是 {close[0]}？", f"; did you mean {close[0]!r}?") if close else ("", "")
                out.append(((*loc, k), f"未知的键 {k!r}{hint[0]} / unknown key{hint[1]} (allowed: {', '.join(allowed)})"))
            continue
        if v == "required" and isinstance(inst, dict):
            for k in err.validator_value:
                if k not in inst:
                    zh = "缺少用例名称 name" if k == "name" else f"缺少 {k}"
                    out.append((loc, f"{zh} / missing {k}"))
            continue
        if v == "enum":
            values = "/".join(str(x) for x in err.validator_value)
            what = "status" if len(loc) >= 2 and loc[-2] == "outcomes" else str(last)
            msg = f"{what} 应为 {values} / bad {what} {inst!r}"
        elif v == "type":
            msg = f"{last} 的类型应为 {err.validator_value} / {last} must be of type {err.validator_value}: {inst!r}"
        elif v == "not":
            msg = "document 与 document_file 只能有一个 / give document or document_file, not both"
        elif v == "anyOf":
            msg = "需要 document_file 或 document / needs document_file or document"
        elif v == "oneOf":
            msg = f"rules 应为规则编号列表或 all / rules must be a list of rule ids or 'all': {inst!r}"
        elif v in ("minLength", "pattern"):
            msg = f"{last} 不能为空 / {last} must not be empty"
        elif v == "minimum":
            msg = f"{last} 应为非负整数 / {last} must be a non-negative integer: {inst!r}"
        else:  # pragma: no cover - every keyword of the schema is named above
            msg = err.message
        out.append((loc, msg))
    return sorted(out, key=lambda item: [str(p).zfill(6) if isinstance(p, int) else p for p in item[0]])


def _mark(root: yaml.Node | None, loc: Path_) -> tuple[int, int] | None:
    """(line, column), 1-based, of the place ``loc`` in the YAML node tree (a missing key: its mapping)."""
    node, found = root, None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            pair = next(((k, val) for k, val in node.value if k.value == part), None)
            if pair is None:
                break
            found, node = pair[0], pair[1]  # a key's place is where the key is written
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            found = node
        else:
            break
    target = found if found is not None else root
    if target is None:
        return None
    return target.start_mark.line + 1, target.start_mark.column + 1


def _where(path: Path, root: yaml.Node | None, loc: Path_) -> str:
    mark = _mark(root, loc)
    place = f"{path}:{mark[0]}:{mark[1]}" if mark else str(path)
    return f"{place}: {json_path(loc)}"


def _unknown_ids(ids: Iterable[str], known: set[str] | None, where: str) -> list[str]:
    if known is None:
        return []
    out = []
    for v in ids:
        if v not in known:
            close = difflib.get_close_matches(v, sorted(known), n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            out.append(f"{where}: 规则包中没有规则 {v} / no rule {v} in the pack{hint}")
    return out


def _normalise_case(raw: dict[str, Any], index: int, file_rules: list[str] | None, known: set[str] | None,
                    path: Path, where: Any) -> TestCase:
    """A case that has the schema's shape, with its defaults applied and its rule ids checked against the pack.
    ``where(loc)`` names a place of the file (``file:line:col: $.cases[0].expect[1].rule``)."""
    at: Path_ = ("cases", index)
    name = raw["name"]
    problems: list[str] = []
    data: dict[str, Any] = {k: raw[k] for k in ("document_file", "document") if k in raw}
    data["patch"] = raw.get("patch", [])
    data["reports"] = raw.get("reports", [])
    data["expect"] = list(raw.get("expect", []))
    for i, e in enumerate(data["expect"]):
        problems += _unknown_ids([e["rule"]], known, where((*at, "expect", i, "rule")))
    data["outcomes"] = dict(raw.get("outcomes", {}))
    for rule_id in data["outcomes"]:
        problems += _unknown_ids([rule_id], known, where((*at, "outcomes", rule_id)))
    # the rules evaluated: the case's, else the file's, else the whole pack (None)
    rules: list[str] | None
    if raw.get("rules") == "all":
        rules = None
    elif "rules" in raw:
        problems += _unknown_ids(raw["rules"], known, where((*at, "rules")))
        rules = list(raw["rules"]) or None
    else:
        rules = file_rules
    data["rules"] = rules
    if "must_not_fire" in raw:
        problems += _unknown_ids(raw["must_not_fire"], known, where((*at, "must_not_fire")))
        data["must_not_fire"] = list(raw["must_not_fire"])
    else:
        # the rules the case names for itself, else the file's: those it does not expect must not fire
        about = list(raw["rules"]) if isinstance(raw.get("rules"), list) else (file_rules or [])
        expected = {e.get("rule") for e in data["expect"]}
        run = None if rules is None else set(rules)
        data["must_not_fire"] = [r for r in about if r not in expected and (run is None or r in run)]
    if not data["expect"] and not data["outcomes"] and not data["must_not_fire"]:
        # it would pass whatever the rules do: a case must say something about at least one rule
        problems.append(
            f"{where(at)}: 用例没有指明任何规则（没有 expect、outcomes、must_not_fire，文件也没有 rules），什么也不断言 / "
            "the case names no rule (no expect, outcomes or must_not_fire, and the file has no rules): it asserts nothing"
        )
    return TestCase(path, name, data, problems)


def parse_case_file(raw: Any, path: Path, known_rules: Iterable[str] | None = None,
                    root: yaml.Node | None = None) -> CaseFile:
    """Validate (schema, then the rule ids against the pack) and normalise the loaded content of a case file.
    ``root``: its YAML node tree, for the line and column of each problem."""
    known = set(known_rules) if known_rules is not None else None
    cf = CaseFile(Path(path))

    def where(loc: Path_) -> str:
        return _where(cf.path, root, loc)

    by_case: dict[int, list[str]] = {}
    for loc, message in _schema_problems(raw):
        if len(loc) >= 2 and loc[0] == "cases" and isinstance(loc[1], int):
            by_case.setdefault(loc[1], []).append(f"{where(loc)}: {message}")
        else:
            cf.problems.append(f"{where(loc)}: {message}")
    if cf.problems:
        return cf
    if "rules" in raw:
        cf.problems += _unknown_ids(raw["rules"], known, where(("rules",)))
        cf.rules = list(raw["rules"])
    seen: set[str] = set()
    for i, item in enumerate(raw["cases"]):
        if i in by_case:
            name = item.get("name") if isinstance(item, dict) and isinstance(item.get("name"), str) else None
            cf.cases.append(TestCase(cf.path, name or f"case {i + 1}", {}, by_case[i]))
            continue
        case = _normalise_case(item, i, cf.rules, known, cf.path, where)
        if case.name in seen:
            case.problems.append(f"{where(('cases', i, 'name'))}: 用例名称重复 / duplicate case name {case.name!r}")
        seen.add(case.name)
        cf.cases.append(case)
    return cf


def load_case_file(path: Path, known_rules: Iterable[str] | None = None) -> CaseFile:
    """Read one case file (YAML); problems are collected, never raised."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        root = yaml.compose(text, Loader=_StrictLoader)  # the node tree: where each key is written
        raw = yaml.load(text, Loader=_StrictLoader)  # a SafeLoader
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        return CaseFile(path, problems=[f"{path}: 无法读取测试文件 / cannot read test file: {exc}"])
    return parse_case_file(raw, path, known_rules, root)


def iter_cases(pack: RulePack, files: Iterable[Path] | None = None) -> list[TestCase]:
    """Every valid case of a pack's test files, normalised (for ``explain`` and other readers)."""
    known = {r.id for r in pack.rules}
    out: list[TestCase] = []
    for tf in find_test_files(pack.path) if files is None else files:
        cf = load_case_file(tf, known)
        if not cf.problems:
            out.extend(c for c in cf.cases if not c.problems)
    return out


# ---- running --------------------------------------------------------------------------------------


def _matches(f: Finding, exp: dict[str, Any]) -> bool:
    if f.rule_id != exp["rule"]:
        return False
    if "severity" in exp and f.severity != exp["severity"]:
        return False
    if "kind" in exp and f.kind != exp["kind"]:
        return False
    return all(f.args.get(k) == str(v) for k, v in exp.get("args", {}).items())


def _not_applied(rule_id: str, result: EvaluationResult, fired: bool) -> list[str]:
    """Why "``rule_id`` did not fire" proves nothing here: the rule was not applied (empty = it was).

    A must-not-fire assertion holds only when the rule's outcome (the worst over its instances) is
    ``pass``: a rule that was not applicable, lacked data, broke or never ran did not fire because it
    did not look. A 尾数差异 (``kind: rounding``, info) leaves the outcome ``pass``, as ``outcomes``
    sees it: the rule was applied, and its rounding finding is reported as a firing of its own.
    """
    status = result.rule_status(rule_id)
    if status == "pass" or (status == "fail" and fired):  # a failure with findings is reported by the caller
        return []
    reasons = sorted({o.reason for o in result.outcomes if o.rule_id == rule_id and o.reason})
    why = f" {reasons}" if reasons else ""
    if status == "fail":
        return [
            f"{rule_id} 结果为 fail 却没有发现，不能算作不触发 / {rule_id} failed without a finding: it did fail{why}"
        ]
    zh, en = (status, status) if status else ("未运行", "not run")
    return [
        f"{rule_id} 未被应用（结果：{zh}），不能算作不触发 / {rule_id} was not applied (outcome {en}): "
        f"a must-not-fire case counts only when the rule ran{why}"
    ]


def check_case(case: dict[str, Any], result: EvaluationResult) -> list[str]:
    """What differs between a case's expectations and an evaluation result (empty = pass)."""
    problems = [f"规则出错 / rule error {e.rule_id}: {e.message}" for e in result.errors]
    expected = case.get("expect", [])
    claimed: set[int] = set()
    for exp in expected:
        hits = [i for i, f in enumerate(result.findings) if _matches(f, exp) and i not in claimed]
        want = int(exp.get("count", 1))
        if len(hits) != want:
            got = [f"{f.severity} {f.message}" for f in result.findings if f.rule_id == exp["rule"]]
            problems.append(f"期望 {exp} 出现 {want} 次，实际 {len(hits)} 次 / expected {want}, got {len(hits)}: {got}")
        claimed.update(hits[:want])
    for rule_id in {e["rule"] for e in expected}:
        extra = [f for i, f in enumerate(result.findings) if f.rule_id == rule_id and i not in claimed]
        for f in extra:
            problems.append(f"多出的发现 / unexpected finding {rule_id} {f.severity}: {f.message}")
    for rule_id in case.get("must_not_fire", []):
        fired = [f for f in result.findings if f.rule_id == rule_id]
        for f in fired:
            problems.append(f"不应触发 / must not fire {rule_id} {f.severity}: {f.message}")
        problems.extend(_not_applied(rule_id, result, fired=bool(fired)))
    for rule_id, status in case.get("outcomes", {}).items():
        status_got = result.rule_status(rule_id)
        if status_got != status:
            reasons = {o.reason for o in result.outcomes if o.rule_id == rule_id and o.reason}
            problems.append(
                f"{rule_id} 结果应为 {status}，实际 {status_got} / outcome {status_got}, expected {status} {sorted(reasons)}"
            )
    return problems


def case_document(case: dict[str, Any], base: Path) -> Any:
    """The case's document with its patches applied; ``document_file`` is relative to ``base``."""
    if "document_file" in case:
        data = json.loads((base / case["document_file"]).read_text(encoding="utf-8"))
    else:
        data = case.get("document", {})
    doc = load_document(data)
    return apply_patches(doc, case.get("patch", []))


@dataclass
class CasePartners:
    """The other reports a case gives (``reports:``), as ``report()`` reads them: found by the kind, year
    and level of their (patched) metadata."""

    label: str
    others: list[Any]

    def find(self, kind: str, year: int, level: str | None) -> ReportV | None:
        for label, doc in self.others:
            md = doc.metadata
            if md.kind == kind and md.fiscal_year == year and (level is None or (md.level or "部门") == level):
                return ReportV(doc, label, label)
        return None

    def missing(self, kind: str, year: int, level: str | None) -> str:
        return f"用例中没有 {year} 年{level or ''}{kind} / the case gives no {year} {level or ''}{kind}"


def case_partners(case: dict[str, Any], doc: Any, base: Path) -> CasePartners | None:
    """The case's report set: its document and the ``reports`` it lists (None when it lists none)."""
    if not case.get("reports"):
        return None

    def label_of(d: Any) -> str:
        md = d.metadata
        return f"{md.fiscal_year}年{md.level or '部门'}{md.kind}"

    others = [case_document(r, base) for r in case["reports"]]
    for d in [doc, *others]:
        tag_origin(d, label_of(d), label_of(d))
    return CasePartners(label_of(doc), [(label_of(d), d) for d in others])


def run_pack_tests(
    pack: RulePack,
    require_coverage: bool = True,
    files: Iterable[Path] | None = None,
    functions: FunctionTable | None = None,
) -> PackTestReport:
    """Run the case files of a pack (``files``: only these, e.g. one rule's file). ``functions``: the
    session's function table, so a plugin's pack is tested with the plugin's functions (default: built-ins)."""
    report = PackTestReport(pack, files=list(find_test_files(pack.path) if files is None else files))
    rules = pack.rules
    known = {r.id for r in rules}
    passed: set[str] = set()
    fired: set[str] = set()
    severity = {r.id: r.severity for r in rules}
    for old in legacy_test_files(pack.path):
        report.cases.append(
            CaseResult(
                old,
                "<file>",
                [f"旧格式的测试文件不再读取，请转换为 YAML / old-format test file, convert it to YAML ({old})"],
                invalid=True,
            )
        )
    for tf in report.files:
        cf = load_case_file(tf, known)
        if cf.problems:
            report.cases.append(CaseResult(tf, "<file>", cf.problems, invalid=True))
            continue
        for case in cf.cases:
            cr = CaseResult(tf, case.name)
            if case.problems:
                cr.problems, cr.invalid = case.problems, True
                report.cases.append(cr)
                continue
            try:
                doc = case_document(case.data, tf.parent)
                partners = case_partners(case.data, doc, tf.parent)
            except (FragmentError, OSError, ValueError, KeyError, TypeError) as exc:
                cr.problems.append(f"测试文档有误 / bad test document: {exc}")
                report.cases.append(cr)
                continue
            wanted = set(case.data["rules"]) if case.data["rules"] else None
            result = evaluate_rules([r for r in rules if wanted is None or r.id in wanted], doc, functions, partners)
            cr.result = result
            cr.problems = check_case(case.data, result)
            report.cases.append(cr)
            if cr.ok:
                for o in result.outcomes:
                    if o.status == "pass":
                        passed.add(o.rule_id)
                fired.update(f.rule_id for f in result.findings if f.severity == severity.get(f.rule_id))
    if require_coverage:
        for r in rules:
            if r.status == "retired":
                continue
            if r.id not in passed:
                report.coverage_problems.append(f"{r.id}: 没有通过的测试用例 / no passing case")
            if r.id not in fired:
                report.coverage_problems.append(f"{r.id}: 没有触发 {r.severity} 的测试用例 / no failing case")
    return report
