"""A check run: every input file parsed under the resource guard and evaluated against the rule packs.

The run never stops at a bad file: each file ends as *checked* (with its findings and rule
outcomes) or *not checked* (with the reason), and the exit code says which happened:
0 nothing at or above the fail level, 1 findings at or above it, 2 a file or a rule could not be checked.

Files are processed by an executor (the ``fiscal_lint_executors`` hook; ``--executor``): ``local``
forks up to ``jobs`` worker processes at once, ``dask`` runs each file as a task on a
``dask.distributed`` cluster. Either way each file is parsed under the guard's limits
(:mod:`linter.parse.guard`: time, memory, recursion) and the rules are evaluated on the model in the
same worker, so neither a hostile PDF nor a slow rule holds up the others. Files go to the executor
largest first (a big file started last would leave the other workers idle at the end). With the cache on, a report whose bytes, rules and configuration are
unchanged is answered from the result cache without a worker at all; one whose rules changed
skips parsing (model cache). Results are always delivered in input order, whatever order the
workers finish in, so every output is the same for the same input.

Ctrl-C ends the run cleanly (:mod:`linter.run.interrupts`): the workers are stopped, the files finished before it are
delivered whole and the run is returned marked ``interrupted`` (exit code 130). ``resume`` (``--resume``) skips
the files a previous run's compliance log holds complete (:mod:`linter.run.resume`).
"""

from __future__ import annotations

import hashlib
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from linter.core.baseline import Baseline, split_findings
from linter.core.config import Config, ConfigError
from linter.core.errors import InputError
from linter.core.findings import EvaluationResult, PackInfo
from linter.core.hookspecs import Executor
from linter.core.limits import Limits
from linter.core.model import Document
from linter.core.results import (
    DocInfo,
    FileResult,
    RunResult,
    keep_selected,
    mark_if_no_rule_applied,
    sort_key,
)
from linter.core.sets import Report, ReportSet, discover_set_config
from linter.dsl import RulePack
from linter.dsl import nodes as n
from linter.parse.documents import read_input
from linter.parse.guard import parse_limited
from linter.run import replay
from linter.run.cache import Cache, code_version, digest
from linter.run.interrupts import Interrupts, stopped_in_worker
from linter.run.sets import alone, run_set_phase
from linter.session import Session

if TYPE_CHECKING:
    from linter.run.prefetch import Prefetch

KEEP_MODELS = 200  # up to this many files, workers hand their models to the report phase; beyond, it reads the cache


def pack_digest(pack: RulePack) -> str:
    """sha256 of a pack's rule files (relative name and text), for the log and the cache keys."""
    h = hashlib.sha256()
    for f in sorted(pack.files, key=lambda f: str(f.path)):
        try:
            name = Path(f.path).resolve().relative_to(Path(pack.path).resolve()).as_posix()
        except ValueError:
            name = Path(f.path).name
        h.update(name.encode())
        h.update(b"\0")
        h.update(f.source.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


def pack_info(pack: RulePack) -> PackInfo:
    return PackInfo(pack.name, pack.version, pack_digest(pack), len(pack.rules))


def _skip_dir(part: str) -> bool:
    return part.startswith(".") or part == "__pycache__"


def expand_inputs(paths: Iterable[Path], formats: Sequence[str]) -> list[Path]:
    """Files as given; directories searched recursively for files a parser reads (hidden folders such
    as ``.git`` and ``.tox`` are passed over). Order is stable."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = (
                p for p in path.rglob("*")
                if p.suffix.lower() in formats and not any(_skip_dir(x) for x in p.relative_to(path).parts[:-1])
                and p.is_file()
            )
            out += sorted(found)
        else:
            out.append(path)
    return out


# ---- the work for one file -------------------------------------------------------------------


@dataclass
class _Job:
    index: int
    path: Path
    sha256: str
    model_key: str | None
    result_key: str | None
    profile: str | None = None  # a per-file override's template profile ("auto" included); None: the plan's


@dataclass
class _Plan:
    session: Session
    rules: list[n.Rule]
    limits: Limits
    profile: str | None
    cache: Cache | None
    keep_models: bool = False  # the set phase needs the documents: workers send them back
    # models parsed before the run (linter.run.prefetch): a forked worker finds its file's here, in memory
    parsed: dict[Path, Document] = field(default_factory=dict)


def _evaluate(plan: _Plan, job: _Job, document: Document) -> tuple[DocInfo, EvaluationResult]:
    profile = plan.profile if job.profile is None else job.profile if job.profile != "auto" else None
    result = plan.session.evaluate(_profiled(document, profile), plan.rules)
    info = DocInfo.of(document)
    if plan.cache is not None and job.result_key is not None:
        plan.cache.put_result(job.result_key, info.to_dict(), result)
    return info, result


class _Work:
    """The work for one file as a callable an executor can ship: in a forked worker it uses the run's session;
    pickled (to a Dask worker) it carries the configuration, the rules and the cache folder, and the receiving
    process builds its own session once (plugins from the same installed distributions)."""

    def __init__(self, plan: _Plan) -> None:
        self.plan = plan
        self.cwd: str | None = None  # set when unpickled: the folder the run's relative paths are taken from

    def __call__(self, job: _Job) -> tuple[DocInfo, EvaluationResult, str | None, Document | None]:
        if self.cwd is not None and os.getcwd() != self.cwd:
            os.chdir(self.cwd)  # in the guard's forked child: the paths (and what the model records) stay as given
        return _work(self.plan, job, True)

    def __getstate__(self) -> dict[str, Any]:
        p = self.plan
        return {"config": p.session.config, "rules": p.rules, "limits": p.limits, "profile": p.profile,
                "cache": p.cache.root.absolute() if p.cache is not None else None, "keep_models": p.keep_models,
                "cwd": self.cwd or os.getcwd()}  # a worker that passes the work on keeps the client's folder

    def __setstate__(self, state: dict[str, Any]) -> None:
        cache = Cache(state["cache"]) if state["cache"] is not None else None
        self.plan = _Plan(_session(state["config"]), state["rules"], state["limits"], state["profile"], cache,
                          state["keep_models"])
        self.cwd = state["cwd"]


_SESSIONS: dict[str, Session] = {}


def _session(config: Config) -> Session:
    """One session per configuration in a worker process that receives pickled work."""
    key = repr(sorted(config.as_dict().items()))
    if key not in _SESSIONS:
        _SESSIONS[key] = Session.build(config)
        _SESSIONS[key].pm.hook.fiscal_lint_preload()  # this process forks a guarded child for each of its tasks
    return _SESSIONS[key]


def open_executor(session: Session, name: str, options: dict[str, Any]) -> Executor:
    """The executor ``name`` from the plugins' ``fiscal_lint_executors`` (a later plugin's wins)."""
    factories: dict[str, Any] = {}
    for table in reversed(session.pm.hook.fiscal_lint_executors()):
        factories.update(table)
    if name not in factories:
        known = ", ".join(sorted(factories))
        raise ConfigError(f"未知的执行器 {name!r}（可用：{known}）", f"unknown executor {name!r} (known: {known})")
    executor: Executor = factories[name](options)
    return executor


def _work(
    plan: _Plan, job: _Job, in_worker: bool
) -> tuple[DocInfo, EvaluationResult, str | None, Document | None]:
    """Parse (or take the model parsed before the run, or the cached one) and evaluate; in a worker, under the
    guard's limits."""
    if in_worker and stopped_in_worker():
        os._exit(0)  # forked after a Ctrl-C: the run is stopping, and waits for no one
    document = plan.parsed.get(job.path)
    cached = None
    if document is None and plan.cache is not None and job.model_key:
        document = plan.cache.get_model(job.model_key)
        cached = "model" if document is not None else None
    if document is None:
        if in_worker:
            document = parse_limited(job.path, plan.limits, plan.session.pm)
        else:  # no worker: the parser still enforces the limits it can check itself (streams, pages, objects)
            document = plan.session.parse(job.path)
    if cached is None and plan.cache is not None and job.model_key:
        plan.cache.put_model(job.model_key, document)
    info, result = _evaluate(plan, job, document)
    return info, result, cached, document if plan.keep_models else None


# ---- the run ---------------------------------------------------------------------------------


def utc_now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


@dataclass
class Progress:
    """One input finished, in the order they finish (for a progress display)."""

    done: int  # inputs finished so far, this one included
    total: int
    path: Path
    result: FileResult | None  # None: complete in the log being resumed, not checked again
    final: bool = True  # False: the cross-document rules are still to run (once every file is read)


class ResumeError(ConfigError):
    """``--resume`` asked of a run it cannot resume (exit 2)."""


def resolve_jobs(jobs: int, files: int) -> int:
    if jobs <= 0:
        jobs = os.cpu_count() or 1
    return max(1, min(jobs, files))


def run_check(
    paths: Iterable[Path],
    packs: list[RulePack],
    session: Session,
    *,
    cache: Cache | None = None,
    baseline: Baseline | None = None,
    on_start: Callable[[RunResult, int], None] | None = None,
    on_file: Callable[[FileResult], None] | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    resume: Callable[[Path, str | None], int | None] | None = None,
    on_resumed: Callable[[Path], None] | None = None,
    prefetch: Prefetch | None = None,
) -> RunResult:
    """Check every file with the session's plugins and configuration (limits, jobs, selection, profile).

    ``on_file`` receives each file's result in input order as soon as it and every file before it are
    done (the compliance log streams through it); ``on_progress`` hears of each file in the order they finish.

    ``resume(path, sha256)`` is None unless a file is complete in the log being resumed (sha256 None: the file
    cannot be read), else the exit code its records give (0, 1, 2): such a file is not checked again (it is in
    ``run.resumed``, its exit code in ``run.resumed_exit``, and ``on_resumed`` hears of it in its place in the
    input order).
    Cross-document rules on several files read every report in one run: they cannot be resumed (ResumeError).

    Ctrl-C stops the run, not the caller: the workers are stopped, the files finished so far are finalised and
    delivered to ``on_file`` (without the cross-document rules when those were still to run), and the run comes
    back with ``interrupted`` set.

    ``prefetch``: the parse of the run's one report, started before the packs were loaded (:mod:`linter.run.prefetch`);
    the run takes its model, or stops it when the report needs no parsing."""
    config = session.config
    limits = config.limits()
    plugins = session.plugin_versions()
    rule_meta = {r.id: r.meta for p in packs for r in p.rules}
    run = RunResult([], [pack_info(p) for p in packs], config.fail_on, config, baseline, started=utc_now(),
                    plugins=plugins, rules=rule_meta)
    paths_list = list(paths)
    files = expand_inputs(paths_list, session.formats)
    replay.note_inputs(files, paths_list)  # what a replay of this run depends on (when one is being recorded)
    replay.note_run(config, [p.path for p in packs], [Path(f.path) for p in packs for f in p.files])
    run.inputs = len(files)
    # with per-file overrides, the rules any file needs; each file keeps its own selection (_finalise)
    selected = [r for p in packs for r in p.rules if config.selects_anywhere(r.id)]
    # cross-document rules (they call report()) run once every file is checked, on the report sets
    set_rules = [r for r in selected if r.reads_other_reports]
    set_ids = frozenset(r.id for r in set_rules)
    rules = [r for r in selected if r.id not in set_ids]
    profile = config.profile if config.profile and config.profile != "auto" else None
    # the report phase (sets, reports of several files) needs every file's result and model: with cross-document
    # rules and several files, results are final (and streamed) only once every file has been checked
    deferred = bool(set_rules) and len(files) > 1
    if resume is not None and deferred:
        raise ResumeError(
            "--resume 不能用于同时检查多份报告的跨报告规则（FL.S）：它们要在同一次运行中读取全部报告。请加 --ignore FL.S，"
            "或不用 --resume 重新运行（缓存会很快答出已检查过的报告）",
            "--resume cannot be used when cross-document rules (FL.S) run on several reports: they read every "
            "report in one run. Add --ignore FL.S, or run again without --resume (the cache answers the reports "
            "already checked)")
    if on_start is not None:
        on_start(run, len(files))
    plan = _Plan(session, rules, limits, profile, cache, keep_models=deferred and len(files) <= KEEP_MODELS)
    code = code_version(plugins) if cache is not None else ""
    rules_key = digest(*(pack_digest(p) for p in packs), ",".join(r.id for r in rules), profile or "auto")

    # per input: its result, its path when it is resumed (complete in the log), None while it is being checked
    results: list[FileResult | Path | None] = [None] * len(files)
    remaining = baseline.counter() if baseline is not None else Counter()
    emitted = 0
    delivered: set[int] = set()
    finished = 0
    models: dict[Path, Document] = {}
    model_keys: dict[Path, str] = {}
    interrupts = Interrupts()

    def deliver(index: int) -> None:
        item = results[index]
        delivered.add(index)
        if isinstance(item, FileResult):
            if on_file is not None:
                on_file(item)
        elif item is not None and on_resumed is not None:
            on_resumed(item)

    def emit_ready() -> None:
        nonlocal emitted
        while emitted < len(results) and results[emitted] is not None:
            if emitted not in delivered:
                deliver(emitted)
            emitted += 1

    def progress(path: Path, fr: FileResult | None, final: bool = True) -> None:
        nonlocal finished
        finished += 1
        if on_progress is not None:
            on_progress(Progress(finished, len(files), path, fr, final))

    def finish(index: int, fr: FileResult) -> None:
        with interrupts.hold():  # a Ctrl-C now waits until the file's records are written whole
            results[index] = fr
            if set_rules and not deferred and fr.checked:  # one file: a report alone, its set rules not applicable
                alone(fr, [r.id for r in set_rules])
            if deferred:
                progress(fr.path, fr, final=False)
                return
            _finalise(fr, config, baseline, remaining, set_ids)
            progress(fr.path, fr)
            emit_ready()

    def skip(index: int, path: Path, code: int) -> None:
        with interrupts.hold():
            results[index] = path
            run.resumed.append(path)
            run.resumed_exit = max(run.resumed_exit, code)  # 2 not checked > 1 findings > 0
            progress(path, None)
            emit_ready()

    todo: list[_Job] = []
    phase = "files"
    with interrupts:
        try:
            try:
                _check_files(files, todo, finish, skip, resume, cache, code, rules_key, config, plan, session,
                             limits, models, model_keys, interrupts, prefetch)
            finally:
                if prefetch is not None:
                    prefetch.close()
            if deferred:
                phase = "sets"
                set_keys = _SetKeys(cache, digest("set", rules_key, ",".join(r.id for r in set_rules)))
                run.grouping = run_set_phase(
                    [fr for fr in results if isinstance(fr, FileResult)], rules, set_rules,
                    discover_set_config(paths_list, config.sets),
                    load=lambda fr: _load(fr, models, model_keys, cache, session),
                    evaluate=lambda doc, rs: session.evaluate(_profiled(doc, profile), rs),
                    evaluate_set=lambda doc, rs, partners: session.evaluate_set(doc, rs, partners),
                    cached=set_keys.get, store=set_keys.put,
                )
                run.set_rules = [r.id for r in set_rules]
                with interrupts.hold():
                    for fr in results:
                        assert isinstance(fr, FileResult)
                        _finalise(fr, config, baseline, remaining, set_ids)
                    phase = "done"
                    emit_ready()
            phase = "done"
        except KeyboardInterrupt:
            interrupts.settled = True  # wrapping up: a second Ctrl-C is held until the run is returned
            if phase != "done":
                run.interrupted = True
                if deferred:  # without the cross-document rules, which need every report (run.set_rules stays empty)
                    for fr in results:
                        if isinstance(fr, FileResult):
                            _finalise(fr, config, baseline, remaining, set_ids)
                # every report finished so far, also those after one that was still being checked
                for index in range(len(results)):
                    if results[index] is not None and index not in delivered:
                        deliver(index)
    run.files = [fr for fr in results if isinstance(fr, FileResult)]
    run.baseline_stale = _stale(baseline, remaining, run.files)
    run.ended = utc_now()
    if cache is not None and not run.interrupted:
        cache.trim()  # the size cap, least recently used first
    return run


def _check_files(files: list[Path], todo: list[_Job], finish: Callable[[int, FileResult], None],
                 skip: Callable[[int, Path, int], None], resume: Callable[[Path, str | None], int | None] | None,
                 cache: Cache | None, code: str, rules_key: str, config: Config, plan: _Plan, session: Session,
                 limits: Limits, models: dict[Path, Document], model_keys: dict[Path, str],
                 interrupts: Interrupts, prefetch: Prefetch | None) -> None:
    """Each file: resumed, answered by the result cache, or checked by the executor (or in this process)."""
    for i, path in enumerate(files):
        try:
            sha = hashlib.sha256(read_input(path)).hexdigest()
        except InputError as exc:
            logged = resume(path, None) if resume is not None else None  # logged as unreadable already
            if logged is not None:
                skip(i, path, logged)
            else:
                finish(i, FileResult(path, error=exc))
            continue
        logged = resume(path, sha) if resume is not None else None
        if logged is not None:
            skip(i, path, logged)
            continue
        model_key = result_key = None
        own_profile = config.for_file(path).profile if config.overrides else None
        own_profile = own_profile if own_profile != config.profile else None
        if cache is not None:
            model_key = digest(sha, code)
            model_keys[path] = model_key
            result_key = digest(model_key, rules_key, *([own_profile] if own_profile else []))
            hit = cache.get_result(result_key)
            if hit is not None:
                finish(i, FileResult(path, DocInfo.from_dict(hit[0]), result=hit[1], sha256=sha, cached="result"))
                continue
        parsed = prefetch.take(path, sha) if prefetch is not None else None
        if isinstance(parsed, InputError):  # as the rules' worker would have found it
            finish(i, FileResult(path, error=parsed, sha256=sha))
            continue
        if parsed is not None:
            plan.parsed[path] = parsed
        todo.append(_Job(i, path, sha, model_key, result_key, own_profile))

    def done(job: _Job, outcome: Any) -> None:
        if interrupts.pending and isinstance(outcome, InputError):
            raise KeyboardInterrupt  # a worker the interrupt stopped (a report finished before it is still kept)
        if isinstance(outcome, InputError):
            finish(job.index, FileResult(job.path, error=outcome, sha256=job.sha256))
        else:
            info, result, cached, document = outcome
            if document is not None:
                models[job.path] = document
            finish(job.index, FileResult(job.path, info, result=result, sha256=info.sha256, cached=cached))

    if todo and (limits.enabled or config.executor != "local"):
        # largest files first, so that no worker is left with a big file at the end; results still come out
        # in input order (emit_ready)
        todo.sort(key=lambda job: (-_size(job.path), job.index))
        options = {"jobs": resolve_jobs(config.jobs, len(todo)), "scheduler": config.scheduler}
        executor = open_executor(session, config.executor, options)
        if config.executor == "local" and len(todo) > 1:
            session.pm.hook.fiscal_lint_preload()  # each forked worker starts with the parsers loaded
        try:
            with interrupts.workers(local=config.executor == "local"):
                try:
                    executor.run(todo, _Work(plan), limits, done)
                except (OSError, EOFError):
                    if not interrupts.pending:
                        raise
                    # a worker stopped by the interrupt in the middle of sending its result
                    raise KeyboardInterrupt from None
        finally:
            executor.close()
    else:  # no guard: in this process, one after the other
        for job in todo:
            try:
                outcome: Any = _work(plan, job, False)
            except InputError as exc:
                outcome = exc
            done(job, outcome)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _profiled(document: Document, profile: str | None) -> Document:
    """The document under the configured template profile (``auto``: the one the parser recognised)."""
    if profile:
        document.metadata.profile = profile
    return document


def _load(fr: FileResult, models: dict[Path, Document], model_keys: dict[Path, str], cache: Cache | None,
          session: Session) -> Document | None:
    """A checked file's document for the set phase: kept from its worker, else from the model cache, else
    parsed again (a result served from the cache has no model in memory)."""
    doc = models.get(fr.path)
    if doc is None and cache is not None and fr.path in model_keys:
        doc = cache.get_model(model_keys[fr.path])
    if doc is None:
        try:
            doc = session.parse(fr.path)
        except InputError:
            return None
        if cache is not None and fr.path in model_keys:
            cache.put_model(model_keys[fr.path], doc)
    return doc


@dataclass
class _SetKeys:
    """The set phase's result cache: a report's cross-document result is keyed on the rules and on the
    content of every report of its set (each file's sha256, in the set's order, with its report)."""

    cache: Cache | None
    rules_key: str

    def get(self, kind: str, report: Report, rset: ReportSet) -> tuple[dict[str, Any], EvaluationResult] | None:
        return self.cache.get_result(self._key(kind, report, rset)) if self.cache is not None else None

    def put(self, kind: str, report: Report, rset: ReportSet, info: dict[str, Any], result: EvaluationResult) -> None:
        if self.cache is not None:
            self.cache.put_result(self._key(kind, report, rset), info, result)

    def _key(self, kind: str, report: Report, rset: ReportSet) -> str:
        parts = [self.rules_key, kind, report.label, *(m.sha256 for m in report.members)]
        for r in rset.reports:
            parts += [r.label, *(m.sha256 for m in r.members)]
        return digest(*parts)


def _finalise(fr: FileResult, config: Config, baseline: Baseline | None, remaining: Counter[tuple[str, str]],
              set_ids: frozenset[str] = frozenset()) -> None:
    """The file's own selection (overrides), severity overrides, the baseline, one canonical order of findings,
    and "not checked" when no rule applied."""
    config = config.for_file(fr.path)
    keep_selected(fr, config)
    findings = fr.result.findings
    if config.severity:
        findings = [replace(f, severity=config.severity_of(f.rule_id, f.severity)) for f in findings]  # type: ignore[arg-type]
    if baseline is not None:
        split = split_findings(baseline, fr.path, findings, remaining)
        findings, fr.baselined = split.new, len(split.baselined)
    fr.result.findings = sorted(findings, key=sort_key)
    mark_if_no_rule_applied(fr, across_reports=set_ids)


def _stale(baseline: Baseline | None, remaining: Counter[tuple[str, str]], files: list[FileResult]) -> int:
    if baseline is None:
        return 0
    checked = {baseline.report_key(fr.path) for fr in files if fr.checked}
    return sum(count for (report, _), count in remaining.items() if report in checked and count > 0)
