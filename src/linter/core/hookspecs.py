"""The hooks through which every part of fiscal-lint is plugged in.

Built-in parsers, table catalogues, DSL functions, rule packs and reporters register through these
same hooks as a third-party plugin does. A third-party plugin is a module named by an entry point of
the group ``fiscal_lint`` in its distribution's ``pyproject.toml``::

    [project.entry-points.fiscal_lint]
    my-bureau = "my_bureau_plugin.plugin"

and implements any of the hooks below with ``@linter.hookimpl``, named exactly as here (a misspelt
name, or an argument the hook does not have, stops fiscal-lint at start-up with a one-line error
naming the plugin and the hook). An implementation may take fewer arguments than the hook offers,
never others::

    from linter import hookimpl

    @hookimpl
    def fiscal_lint_parse_document(path, data, options):
        if not path.suffix.lower() == ".xyz":
            return None          # not mine: the next parser is asked
        return my_parse(path, data)

Hooks, in the order a ``fiscal-lint check`` run meets them:

- ``fiscal_lint_rule_packs``: all results, flattened; once per run, before parsing;
- ``fiscal_lint_parser_formats``: all results, merged; to pick files out of folders, and in messages;
- ``fiscal_lint_table_catalogue``: all results, concatenated; before parsing (and by ``rules check``);
- ``fiscal_lint_preload``: no result; once, before workers fork for several files;
- ``fiscal_lint_parse_document``: the first non-None result; once per input file;
- ``fiscal_lint_postprocess_document``: no result (changes the document in place); once per document;
- ``fiscal_lint_dsl_functions``: all results, merged; once per session (when a command starts);
- ``fiscal_lint_evaluate``: all results, merged (findings, outcomes, errors); once per document;
- ``fiscal_lint_evaluate_set``: all results, merged; once per report of a report set, after every file;
- ``fiscal_lint_reporters``: all results, merged by name; once per run, to find the output format;
- ``fiscal_lint_executors``: all results, merged by name; once per run, to find where files are checked.

Call order: pluggy calls the most recently registered plugin first. Built-ins are registered first,
so a third-party parser is asked before the built-in PDF parser. For the "all" hooks the results come
back in call order (last registered first); see each hook for how fiscal-lint combines them.

``docs/plugins.md`` is the guide. The hook reference, ``docs/hooks.md``, is generated from this module
(signatures and docstrings) by ``python docs/generate.py``; a test fails when it is stale.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TextIO

from linter.core.markers import PROJECT, hookimpl, hookspec

if TYPE_CHECKING:  # annotations only: a worker that only parses loads the plugins without the run's result types
    from linter.core.catalogue import TableSpec
    from linter.core.findings import EvaluationResult, RuleMeta
    from linter.core.limits import Limits
    from linter.core.model import Document
    from linter.core.results import RunResult

__all__ = [
    "PROJECT", "DslFunction", "Executor", "ExecutorFactory", "Reporter", "ReporterFactory", "RuleDefinition",
    "hookimpl", "hookspec",
]


class RuleDefinition(Protocol):
    """A rule as evaluators receive it: the rule language's rules are such objects."""

    @property
    def id(self) -> str: ...

    @property
    def meta(self) -> RuleMeta: ...


class DslFunction(Protocol):
    """A rule-language function: ``f(ctx, *args, **kwargs)``; ``ctx`` is the evaluation context."""

    def __call__(self, ctx: Any, /, *args: Any, **kwargs: Any) -> Any: ...


class Reporter(Protocol):
    """An output format: writes the whole run to a text stream."""

    def report(self, run: RunResult, stream: TextIO) -> None: ...


ReporterFactory = Callable[[], Reporter]


class Executor(Protocol):
    """Where the files of a check run are parsed and evaluated: worker processes here, or a cluster."""

    def run(self, tasks: Sequence[Any], work: Callable[[Any], Any], limits: Limits,
            done: Callable[[Any, Any], None]) -> None:
        """Call ``work(task)`` once per task, each under ``limits`` (the per-file resource guard:
        :func:`linter.parse.guard.run_guarded`), and ``done(task, outcome)`` in this process as each task
        finishes, in any order, from this thread only. ``outcome`` is what ``work`` returned, or an
        :class:`linter.core.errors.InputError`. ``work`` and the tasks can be pickled (cloudpickle), so a
        task may run in another process or on another machine."""
        ...

    def close(self) -> None:
        """Release workers, clusters or connections the executor started."""
        ...


ExecutorFactory = Callable[[Mapping[str, Any]], Executor]


@hookspec(firstresult=True)
def fiscal_lint_parse_document(path: Path, data: bytes, options: dict[str, Any]) -> Document | None:
    """Parse one input file into a :class:`linter.core.model.Document`.

    **When:** once per input file (``fiscal-lint check``, ``fiscal-lint parse``), inside the resource
    guard's worker process when limits are on.

    **Results:** first result wins. Plugins are asked in turn (last registered first, so a
    third-party parser comes before the built-in PDF parser); the first non-None return value is the
    document and the remaining parsers are not called. When every parser returns None the file gets
    the one-line "no parser for this format" message and exit code 2.

    **Arguments:**

    - ``path`` (:class:`pathlib.Path`): the file as named by the user; decide from its suffix …
    - ``data`` (``bytes``): … or from its content (``data[:8] == b"PK\\x03\\x04"`` for a .docx);
    - ``options`` (``dict``): ``options["catalogue"]`` is the :class:`linter.core.catalogue.Catalogue`
      (standard tables plus every plugin's ``fiscal_lint_table_catalogue``) to recognise tables by
      title; the other keys are parser settings such as resource limits. Unknown keys: ignore them.

    **Return:** a :class:`linter.core.model.Document` (it is validated against ``schemas/``), or None
    when the file is not of your format. Raise :class:`linter.core.errors.InputError` when the file *is*
    yours but cannot be read (corrupt, encrypted, no text layer): the run reports it as "not checked"
    with exit code 2 and goes on with the other files.

    **Example:**

    .. code-block:: python

        @hookimpl
        def fiscal_lint_parse_document(path, data, options):
            if path.suffix.lower() != ".docx" and not data.startswith(b"PK\\x03\\x04"):
                return None
            return read_docx(path, data, options["catalogue"])
    """


@hookspec
def fiscal_lint_parser_formats() -> list[str]:
    """File suffixes this plugin's parser accepts: lower case, with the dot.

    **When:** when ``fiscal-lint check DIR`` picks the files out of a folder, and for the
    "no parser for this format; installed parsers read: …" message.

    **Results:** all collected and merged into one sorted set.

    **Arguments:** none.

    **Return:** a list of suffixes, e.g. ``[".docx"]``. Files named directly on the command line are
    offered to the parsers whatever their suffix; this list only decides what a folder contributes.

    **Example:**

    .. code-block:: python

        @hookimpl
        def fiscal_lint_parser_formats():
            return [".docx"]
    """


@hookspec
def fiscal_lint_preload() -> None:
    """Import now what parsing a file will need, in a process about to fork a worker per file.

    **When:** once, in the process that forks the resource guard's workers, when it has several files to
    check (``-j``, a batch; in a Dask worker process when it builds its session): each forked worker then
    starts with the parser loaded instead of importing it again (for the built-in PDF parser, pdfminer.six:
    about 0.05 s a file). Not called for a single file, nor for a run answered from the cache, so a parser
    that imports lazily still costs nothing there.

    **Results:** none is used.

    **Arguments:** none.

    **Return:** None.

    **Example:**

    .. code-block:: python

        @hookimpl
        def fiscal_lint_preload():
            import docx  # noqa: F401 - python-docx, which fiscal_lint_parse_document imports on first use
    """


@hookspec
def fiscal_lint_table_catalogue() -> list[TableSpec]:
    """Extra tables (and aliases) the parsers recognise: :class:`linter.core.catalogue.TableSpec` entries.

    **When:** before each file is parsed (to build ``options["catalogue"]``), and by the rule checker
    (``fiscal-lint rules check``) to know which table keys a rule may name.

    **Results:** all collected and concatenated into one catalogue, built-ins first, then plugins in
    registration order; a table is matched by its title, then by its printed number within a profile.

    **Arguments:** none.

    **Return:** a list of ``TableSpec(key, kind, name, titles, numbers, lanes)``. Use a new ``key``
    for a new table, or an existing key with another title to add a province's wording of a standard
    table.

    **Example:**

    .. code-block:: python

        from linter.core.catalogue import TableSpec

        @hookimpl
        def fiscal_lint_table_catalogue():
            return [TableSpec("performance_targets", "绩效", "部门整体绩效目标表",
                              ("部门整体绩效目标表", "部门整体支出绩效目标表"), {"hubei": "公开10表"})]
    """


@hookspec
def fiscal_lint_postprocess_document(document: Document) -> None:
    """Adjust a parsed :class:`linter.core.model.Document` in place.

    **When:** once per document, after ``fiscal_lint_parse_document`` returned it and before it is
    validated against the schema and checked. Every plugin's implementation is called (last
    registered first), whichever parser produced the document.

    **Results:** none; return values are ignored. Change ``document`` in place: set
    ``document.metadata.profile`` from a template's tell-tale, fill ``metadata.unit_name`` from the
    cover, rename a table key, drop an empty section. Do not raise for documents that are not yours.

    **Arguments:** ``document`` (:class:`linter.core.model.Document`).

    **Example:**

    .. code-block:: python

        @hookimpl
        def fiscal_lint_postprocess_document(document):
            if document.metadata.profile is None and any(t.number == "表七" for t in document.tables):
                document.metadata.profile = "shanghai"
    """


@hookspec
def fiscal_lint_rule_packs() -> list[Path]:
    """Rule packs this plugin ships: folders (or single ``.rules`` files).

    **When:** once per ``fiscal-lint check`` run, before any file is parsed (skipped with
    ``--no-default-rules``); ``fiscal-lint plugins`` lists the paths so they can be given to
    ``fiscal-lint rules test``.

    **Results:** all collected and flattened. Every pack is loaded together with the built-in pack
    (itself returned by the built-in ``linter.dsl.plugin``): rule ids must be unique across all
    packs, and a pack whose ``dsl`` version the linter does not speak fails the run with exit code 2.

    **Arguments:** none.

    **Return:** a list of :class:`pathlib.Path`. A pack folder holds ``*.rules`` files (one of them
    with the ``pack "name" version "x.y.z" dsl "1"`` header) and YAML test cases (``tests/**/*.yaml``); ship it
    as package data and return its installed location.

    **Example:**

    .. code-block:: python

        from importlib.resources import files
        from pathlib import Path

        @hookimpl
        def fiscal_lint_rule_packs():
            return [Path(str(files("my_bureau_plugin") / "rules"))]
    """


@hookspec
def fiscal_lint_dsl_functions() -> dict[str, DslFunction]:
    """Functions the rule language may call, by name.

    **When:** once per session (:class:`linter.api.Session`), when a command starts: the table is handed to the
    rule checker and the evaluator; also once when the plugin manager checks that no two plugins define the
    same name.

    **Results:** all collected and merged into one table with the built-ins (``linter.dsl.plugin``).
    A name defined twice, or the reserved name ``exists``, stops fiscal-lint at start-up.

    **Arguments:** none.

    **Return:** ``{"name": callable}``. Each callable is called as ``f(ctx, *args, **kwargs)``:
    ``ctx`` is the evaluation context (:class:`linter.dsl.runtime.Context`, the document is
    ``ctx.document``), then the rule's arguments (``x.f(a)`` in a rule is ``f(ctx, x, a)``). The
    checker binds each call against the Python signature, so keep it plain. Return a ``str``,
    ``bool``, list or :class:`linter.dsl.values.Quantity`; raise ``Skip`` (not applicable),
    ``Missing`` (insufficient data) or ``RuleBug`` (rule error) from :mod:`linter.dsl.values`.
    Prefix the names with your plugin's short name.

    **Example:**

    .. code-block:: python

        from decimal import Decimal
        from linter.dsl.values import Quantity

        def xb_limit(ctx, group, item=None):
            return Quantity.exact(Decimal(LIMITS[group].get(item, LIMITS[group]["默认"])))

        @hookimpl
        def fiscal_lint_dsl_functions():
            return {"xb_limit": xb_limit}
    """


@hookspec
def fiscal_lint_evaluate(
    document: Document, rules: Sequence[RuleDefinition], functions: Mapping[str, DslFunction]
) -> EvaluationResult | None:
    """Evaluate a parsed document: a rule kind of your own next to the rule language.

    **When:** once per checked document (in the worker process that parsed it), after parsing and
    post-processing, with the rules of every loaded pack after ``select`` / ``ignore``.

    **Results:** all collected; the findings, outcomes and rule errors of every result are merged, in
    plugin order. The rule-language evaluator (``linter.dsl.plugin``) is the built-in implementation:
    it runs ``rules``. Return None when you have nothing to add.

    **Arguments:** ``document``, the :class:`linter.core.model.Document`; ``rules``, the rule-language
    rules of the run (:class:`linter.dsl.nodes.Rule`; each has ``id`` and ``meta``, a
    :class:`~linter.core.findings.RuleMeta`) — a plugin with checks of another kind usually ignores
    them; ``functions``, the session's rule-language function table (built-ins and every plugin's).

    **Return:** a :class:`linter.core.findings.EvaluationResult` (findings, outcomes, errors), or None.
    Give every finding a stable ``rule_id`` of your own prefix and an :class:`~linter.core.findings.Outcome`
    per evaluation, so that a document where nothing could be checked never looks clean.

    **Example:**

    .. code-block:: python

        from linter.core.findings import EvaluationResult, Finding, Location, Outcome

        @hookimpl
        def fiscal_lint_evaluate(document, rules):
            result = EvaluationResult()
            ok = document.metadata.publication_date is not None
            result.outcomes.append(Outcome("XB.META.01", "pass" if ok else "fail", findings=0 if ok else 1))
            if not ok:
                result.findings.append(Finding("XB.META.01", "warning", "封面未写明公开日期", "公开日期",
                                               location=Location(page=1)))
            return result
    """


class ReportPartners(Protocol):
    """The other reports of a report's set (see ``fiscal_lint_evaluate_set``)."""

    label: str  # the report being checked: "2025年部门预算"

    def find(self, kind: str, year: int, level: str | None) -> Any:
        """The set's report of that kind, year and level (an object with ``document``, ``label`` and
        ``file``), or None."""

    def missing(self, kind: str, year: int, level: str | None) -> str:
        """Why there is none, in Chinese and English: the reason of a *not applicable* outcome."""


@hookspec
def fiscal_lint_evaluate_set(
    document: Document, rules: Sequence[RuleDefinition], functions: Mapping[str, DslFunction],
    partners: ReportPartners,
) -> EvaluationResult | None:
    """Evaluate the cross-document rules of one report against the other reports of its set.

    **When:** after every input has been parsed and checked on its own, once per report that belongs to a
    set of more than one report (the same unit's 预算 and 决算 of several years, found by ``fiscal-lint
    sets``); in the main process. A report published as several files is one document here.

    **Results:** all collected and merged, in plugin order, into the report's first file.

    **Arguments:** ``document``, the report being checked; ``rules``, the run's cross-document rules (the
    rule-language rules that call ``report()``); ``functions``, the session's function table;
    ``partners``, the other reports of the set (:class:`ReportPartners`): ``partners.find("预算", 2024,
    "部门")`` gives that report's ``document``, or None.

    **Return:** an :class:`linter.core.findings.EvaluationResult`, or None. A finding that rests on another
    report lists its places in ``Finding.related`` (a :class:`~linter.core.findings.Location` with
    ``report`` and ``file`` set).

    **Example:**

    .. code-block:: python

        from linter.core.findings import EvaluationResult, Finding, Location, Outcome

        @hookimpl
        def fiscal_lint_evaluate_set(document, partners):
            y = document.metadata.fiscal_year
            last = partners.find(document.metadata.kind, y - 1, document.metadata.level) if y else None
            result = EvaluationResult()
            if last is None:
                result.outcomes.append(Outcome("XB.SET.01", "not_applicable", reason=partners.missing(
                    document.metadata.kind, (y or 0) - 1, document.metadata.level)))
                return result
            same = last.document.metadata.unit_name == document.metadata.unit_name
            result.outcomes.append(Outcome("XB.SET.01", "pass" if same else "fail", findings=0 if same else 1))
            if not same:
                result.findings.append(Finding("XB.SET.01", "warning", "单位名称与上年报告不同", "单位名称",
                                               location=Location(page=1), related=[Location(page=1,
                                               report=last.label, file=last.file)]))
            return result
    """


@hookspec
def fiscal_lint_reporters() -> dict[str, ReporterFactory]:
    """Output formats, by name.

    **When:** once per ``fiscal-lint check`` run, to resolve ``--format NAME`` and ``--report NAME=FILE``.

    **Results:** all collected and merged by name in registration order, so a plugin's format replaces
    a built-in one of the same name (the built-in ``linter.reporters.plugin`` gives ``text``, ``json``,
    ``jsonl``, ``sarif``, ``junit``, ``github``, ``gitlab``, and the reviewer's ``annotated-pdf``, ``html``, ``xlsx``).
    Use a new name for a new format.

    **Arguments:** none.

    **Return:** ``{"name": factory}``; ``factory()`` returns an object with
    ``report(run, stream)``, where ``run`` is the :class:`linter.core.results.RunResult` of the whole run
    (files, findings, outcomes, exit code) and ``stream`` the text stream to write to. A format that writes
    files of its own (binary, or one per report) has ``check_target(target)`` (called before the run, so a
    wrong ``-o`` stops it at once) and ``write_files(run, target, err)`` instead of ``report``.

    **Example:**

    .. code-block:: python

        class CsvReporter:
            def report(self, run, stream):
                for file in run.files:
                    for f in file.result.findings:
                        stream.write(f"{file.path},{f.rule_id},{f.severity},{f.message}\\n")

        @hookimpl
        def fiscal_lint_reporters():
            return {"csv": CsvReporter}
    """


@hookspec
def fiscal_lint_executors() -> dict[str, ExecutorFactory]:
    """Executors, by name: where ``fiscal-lint check`` parses and evaluates its files (``--executor NAME``).

    **When:** once per ``fiscal-lint check`` run that has files to check (a run answered wholly from the
    cache asks for none).

    **Results:** all collected and merged by name in registration order, so a plugin's executor replaces a
    built-in one of the same name (the built-in ``linter.executors.plugin`` gives ``local``, forked worker
    processes on this machine, and ``dask``, tasks on a ``dask.distributed`` cluster when the ``dask`` extra
    is installed).

    **Arguments:** none.

    **Return:** ``{"name": factory}``; ``factory(options)`` returns an :class:`Executor`. ``options`` holds
    ``jobs`` (the ``-j`` workers, already resolved to a positive number) and ``scheduler`` (``--scheduler
    ADDRESS`` or None). The run hands the executor its tasks largest file first and puts the results back
    in input order itself, so an executor may finish them in any order; it must run each task under the
    resource guard, e.g. with :func:`linter.parse.guard.run_guarded` on the machine that runs it.

    **Example:**

    .. code-block:: python

        class ThreadlessExecutor:
            def __init__(self, options):
                self.options = options

            def run(self, tasks, work, limits, done):
                from linter.parse.guard import run_guarded

                run_guarded(list(tasks), work, limits, 1, done)

            def close(self):
                pass

        @hookimpl
        def fiscal_lint_executors():
            return {"one-by-one": ThreadlessExecutor}
    """
