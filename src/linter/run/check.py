"""A check run: every input file parsed under the resource guard and evaluated against the rule packs.

The run never stops at a bad file: each file ends as *checked* (with its findings and rule
outcomes) or *not checked* (with the reason), and the exit code says which happened:
0 nothing at or above the fail level, 1 findings at or above it, 2 a file or a rule could not be checked.

Files are processed by up to ``jobs`` worker processes at once. Each worker is forked for one
file, parses it under the guard's limits (:mod:`linter.parse.guard`: time, memory, recursion) and
evaluates the rules on the model in the same process, so neither a hostile PDF nor a slow rule
holds up the others. With the cache on, a report whose bytes, rules and configuration are
unchanged is answered from the result cache without a worker at all; one whose rules changed
skips parsing (model cache). Results are always delivered in input order, whatever order the
workers finish in, so every output is the same for the same input.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

import pluggy

from linter.core.baseline import Baseline, fingerprint, split_findings
from linter.core.config import Config
from linter.core.errors import InputError
from linter.core.findings import SEVERITIES, STATUSES, EvaluationResult, Finding
from linter.core.model import Document
from linter.dsl import RulePack
from linter.dsl import nodes as n
from linter.parse.documents import parse_file, read_input, supported_formats
from linter.parse.guard import Limits, memory_error, parse_limited, timeout_error, worker_died
from linter.plugin_manager import default_manager
from linter.run.cache import Cache, code_version, digest, plugin_versions

EXIT_OK, EXIT_FINDINGS, EXIT_NOT_CHECKED = 0, 1, 2
FAIL_LEVELS = ("error", "warning", "info", "never")


@dataclass
class DocInfo:
    """What the outputs say about a parsed report (kept in the result cache instead of the whole model)."""

    file_name: str
    sha256: str
    pages: int
    parser: dict[str, str]
    producer: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, doc: Document) -> DocInfo:
        md = {k: v for k, v in vars(doc.metadata).items() if v is not None}
        src = doc.source
        parser = {"name": src.parser.name, "version": src.parser.version}
        return cls(src.file_name, src.sha256, src.page_count, parser, src.producer, md)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file_name": self.file_name,
            "sha256": self.sha256,
            "pages": self.pages,
            "parser": dict(self.parser),
            "producer": self.producer,
            "metadata": dict(self.metadata),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> DocInfo:
        return cls(d["file_name"], d["sha256"], int(d["pages"]), dict(d["parser"]), d.get("producer"),
                   dict(d.get("metadata") or {}))


@dataclass
class FileResult:
    path: Path
    info: DocInfo | None = None
    error: InputError | None = None
    result: EvaluationResult = field(default_factory=EvaluationResult)
    sha256: str | None = None  # of the bytes read, also for a file that could not be checked
    baselined: int = 0  # findings left out because the baseline accepts them
    cached: str | None = None  # "result" | "model" | None: how much the cache saved (not part of any output)

    @property
    def checked(self) -> bool:
        return self.error is None

    def rule_statuses(self) -> Counter[str]:
        """Per rule (the worst of its instances): how many passed, failed, were not applicable, lacked data."""
        rule_ids = {o.rule_id for o in self.result.outcomes}
        return Counter(self.result.rule_status(rid) or "not_applicable" for rid in rule_ids)

    def severity_counts(self) -> Counter[str]:
        return Counter(f.severity for f in self.result.findings)


@dataclass
class RunResult:
    files: list[FileResult]
    packs: list[RulePack]
    fail_on: str = "warning"
    config: Config | None = None
    baseline: Baseline | None = None
    baseline_stale: int = 0  # baseline entries for the checked reports that matched nothing (fixed since)
    started: str = ""  # ISO 8601 UTC; only the compliance log's run records show them
    ended: str = ""
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex)  # ties a run's log records together
    plugins: list[tuple[str, str | None]] = field(default_factory=list)  # (name, version) of each plugin

    def severity_counts(self) -> Counter[str]:
        return Counter(f.severity for fr in self.files for f in fr.result.findings)

    def status_counts(self) -> Counter[str]:
        total: Counter[str] = Counter({s: 0 for s in STATUSES})
        for fr in self.files:
            total.update(fr.rule_statuses())
        return total

    def rule(self, rule_id: str) -> n.Rule | None:
        for p in self.packs:
            for r in p.rules:
                if r.id == rule_id:
                    return r
        return None

    def fails(self, f: Finding) -> bool:
        """Whether this finding counts against the exit code (at or above ``fail_on``)."""
        if self.fail_on == "never":
            return False
        return f.severity in SEVERITIES[: SEVERITIES.index(self.fail_on) + 1]

    @property
    def exit_code(self) -> int:
        if any(not fr.checked or fr.result.errors for fr in self.files):
            return EXIT_NOT_CHECKED
        if any(self.fails(f) for fr in self.files for f in fr.result.findings):
            return EXIT_FINDINGS
        return EXIT_OK


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


def sort_key(f: Finding) -> tuple[Any, ...]:
    loc = f.location
    return (loc.page or 0, f.rule_id, loc.describe(), f.message, fingerprint(f))


# ---- the work for one file -------------------------------------------------------------------


@dataclass
class _Job:
    index: int
    path: Path
    sha256: str
    model_key: str | None
    result_key: str | None


@dataclass
class _Plan:
    rules: list[n.Rule]
    limits: Limits
    profile: str | None
    disabled: tuple[str, ...]
    cache: Cache | None


def evaluate_document(document: Document, rules: list[n.Rule], pm: pluggy.PluginManager) -> EvaluationResult:
    """Every evaluator plugin over the document (the rule language is the built-in one), merged in plugin order."""
    merged = EvaluationResult()
    for result in reversed(pm.hook.fiscal_lint_evaluate(document=document, rules=rules)):
        if result is not None:
            merged.merge(result)
    return merged


def _evaluate(plan: _Plan, job: _Job, document: Document) -> tuple[DocInfo, EvaluationResult]:
    if plan.profile:
        document.metadata.profile = plan.profile
    result = evaluate_document(document, plan.rules, default_manager())
    info = DocInfo.of(document)
    if plan.cache is not None and job.result_key is not None:
        plan.cache.put_result(job.result_key, info.to_dict(), result)
    return info, result


def _work(plan: _Plan, job: _Job, pm: pluggy.PluginManager | None) -> tuple[DocInfo, EvaluationResult, str | None]:
    """Parse (or take the cached model) and evaluate. ``pm`` None: in a worker, under the guard's limits."""
    document = plan.cache.get_model(job.model_key) if plan.cache is not None and job.model_key else None
    cached = "model" if document is not None else None
    if document is None:
        if pm is None:
            document = parse_limited(job.path, plan.limits, plan.disabled)
        else:  # no worker: the parser still enforces the limits it can check itself (streams, pages, objects)
            document = parse_file(job.path, pm, {"limits": plan.limits})
        if plan.cache is not None and job.model_key:
            plan.cache.put_model(job.model_key, document)
    info, result = _evaluate(plan, job, document)
    return info, result, cached


def _worker_main(conn: Connection, plan: _Plan, job: _Job) -> None:
    try:
        conn.send(("ok", _work(plan, job, None)))
    except InputError as exc:
        conn.send(("input_error", (exc.reason, exc.zh, exc.en)))
    except MemoryError:
        err = memory_error(plan.limits)
        conn.send(("input_error", (err.reason, err.zh, err.en)))
    except Exception as exc:  # noqa: BLE001 - a bug must cost one file, not the batch
        conn.send(("input_error", ("internal_error", f"内部错误：{type(exc).__name__}", f"internal error: {exc!r}")))
    finally:
        conn.close()


def _context() -> Any:
    # fork: a worker starts with the parent's imports and loaded rule packs in place
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _run_workers(plan: _Plan, jobs: list[_Job], workers: int,
                 done: Callable[[_Job, Any], None]) -> None:
    """Run ``jobs`` in up to ``workers`` forked processes at once; call ``done(job, outcome)`` as each
    finishes, where outcome is (info, result, cached) or an InputError."""
    ctx = _context()
    queue = list(reversed(jobs))
    running: dict[Connection, tuple[_Job, Any, float]] = {}
    try:
        while queue or running:
            while queue and len(running) < workers:
                job = queue.pop()
                receiver, sender = ctx.Pipe(duplex=False)
                proc = ctx.Process(target=_worker_main, args=(sender, plan, job), daemon=True)
                proc.start()
                sender.close()
                running[receiver] = (job, proc, time.monotonic() + plan.limits.timeout)
            now = time.monotonic()
            soonest = min(deadline for _, _, deadline in running.values())
            ready = wait(list(running), timeout=max(0.0, soonest - now))
            finished: list[tuple[Connection, Any]] = []
            for conn in ready:
                assert isinstance(conn, Connection)
                try:
                    status, payload = conn.recv()
                    outcome: Any = payload if status == "ok" else InputError(*payload)
                except EOFError:  # died without a word: the guard names the cause from the exit status
                    proc = running[conn][1]
                    proc.join(5)
                    outcome = worker_died(proc.exitcode, plan.limits)
                finished.append((conn, outcome))
            now = time.monotonic()
            for conn, (_job, _proc, deadline) in list(running.items()):
                if conn not in ready and now >= deadline:
                    finished.append((conn, timeout_error(plan.limits)))
            for conn, outcome in finished:
                job, proc, _ = running.pop(conn)
                if proc.is_alive():
                    proc.kill()
                proc.join()
                conn.close()
                done(job, outcome)
    finally:
        for conn, (_job, proc, _) in running.items():
            if proc.is_alive():
                proc.kill()
            proc.join()
            conn.close()


# ---- the run ---------------------------------------------------------------------------------


def utc_now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def resolve_jobs(jobs: int, files: int) -> int:
    if jobs <= 0:
        jobs = os.cpu_count() or 1
    return max(1, min(jobs, files))


def run_check(
    paths: Iterable[Path],
    packs: list[RulePack],
    pm: pluggy.PluginManager,
    limits: Limits,
    fail_on: str = "warning",
    *,
    config: Config | None = None,
    cache: Cache | None = None,
    baseline: Baseline | None = None,
    jobs: int = 1,
    on_start: Callable[[RunResult, int], None] | None = None,
    on_file: Callable[[FileResult], None] | None = None,
    on_progress: Callable[[FileResult], None] | None = None,
) -> RunResult:
    """Check every file. ``on_file`` receives each file's result in input order as soon as it and every
    file before it are done (the compliance log streams through it); ``on_progress`` receives them in
    the order they finish."""
    config = config or Config(fail_on=fail_on)
    run = RunResult([], packs, fail_on, config, baseline, started=utc_now(), plugins=plugin_versions(pm))
    files = expand_inputs(paths, supported_formats(pm))
    if on_start is not None:
        on_start(run, len(files))
    rules = [r for p in packs for r in p.rules if config.selects(r.id)]
    profile = config.profile if config.profile and config.profile != "auto" else None
    disabled = tuple(config.disable_plugins)
    plan = _Plan(rules, limits, profile, disabled, cache)
    code = code_version(plugin_versions(pm)) if cache is not None else ""
    rules_key = digest(*(pack_digest(p) for p in packs), ",".join(r.id for r in rules), profile or "auto")

    results: list[FileResult | None] = [None] * len(files)
    remaining = baseline.counter() if baseline is not None else Counter()
    emitted = 0

    def finish(index: int, fr: FileResult) -> None:
        nonlocal emitted
        _finalise(fr, config, baseline, remaining)
        results[index] = fr
        if on_progress is not None:
            on_progress(fr)
        while emitted < len(results) and results[emitted] is not None:
            if on_file is not None:
                on_file(results[emitted])  # type: ignore[arg-type]
            emitted += 1

    todo: list[_Job] = []
    for i, path in enumerate(files):
        try:
            sha = hashlib.sha256(read_input(path)).hexdigest()
        except InputError as exc:
            finish(i, FileResult(path, error=exc))
            continue
        model_key = result_key = None
        if cache is not None:
            model_key = digest(sha, code)
            result_key = digest(model_key, rules_key)
            hit = cache.get_result(result_key)
            if hit is not None:
                finish(i, FileResult(path, DocInfo.from_dict(hit[0]), result=hit[1], sha256=sha, cached="result"))
                continue
        todo.append(_Job(i, path, sha, model_key, result_key))

    def done(job: _Job, outcome: Any) -> None:
        if isinstance(outcome, InputError):
            finish(job.index, FileResult(job.path, error=outcome, sha256=job.sha256))
        else:
            info, result, cached = outcome
            finish(job.index, FileResult(job.path, info, result=result, sha256=info.sha256, cached=cached))

    if limits.enabled:
        _run_workers(plan, todo, resolve_jobs(jobs, len(todo)), done)
    else:  # no guard: in this process, one after the other
        for job in todo:
            try:
                done(job, _work(plan, job, pm))
            except InputError as exc:
                done(job, exc)
    run.files = [fr for fr in results if fr is not None]
    run.baseline_stale = _stale(baseline, remaining, run.files)
    run.ended = utc_now()
    return run


def _finalise(fr: FileResult, config: Config, baseline: Baseline | None, remaining: Counter[tuple[str, str]]) -> None:
    """Severity overrides, the baseline, and one canonical order of findings."""
    findings = fr.result.findings
    if config.severity:
        findings = [replace(f, severity=config.severity_of(f.rule_id, f.severity)) for f in findings]  # type: ignore[arg-type]
    if baseline is not None:
        split = split_findings(baseline, fr.path, findings, remaining)
        findings, fr.baselined = split.new, len(split.baselined)
    fr.result.findings = sorted(findings, key=sort_key)


def _stale(baseline: Baseline | None, remaining: Counter[tuple[str, str]], files: list[FileResult]) -> int:
    if baseline is None:
        return 0
    checked = {baseline.report_key(fr.path) for fr in files if fr.checked}
    return sum(count for (report, _), count in remaining.items() if report in checked and count > 0)
