"""The plugin architecture: built-ins through the hooks, entry-point discovery, disabling, loud failures,
``fiscal-lint plugins``, the hook reference (docs/hooks.md), and the example bureau plugin installed
for real (``pip install --target``) and found through its ``fiscal_lint`` entry point."""

from __future__ import annotations

import importlib.util
import inspect
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

import linter
from linter import hookimpl
from linter.core import hookspecs
from linter.core.config import Config
from linter.core.errors import InputError
from linter.session import Session
from linter.session.plugin_manager import BUILTINS, DISABLE_ENV, PluginLoadError, make_manager

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "plugins" / "fiscal-lint-bureau-example"
HOOKS = sorted(n for n in dir(hookspecs) if n.startswith("fiscal_lint_"))
CORE_PATH = str(Path(linter.__file__).resolve().parents[1])  # src/ in a checkout, site-packages when installed


def cli(*args: str | Path, paths: tuple[Path, ...] = (), env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """``python -m linter`` with extra folders (plugin installs) in front of the import path."""
    full = {k: v for k, v in os.environ.items() if k != DISABLE_ENV}
    full["PYTHONPATH"] = os.pathsep.join([*map(str, paths), CORE_PATH])
    full.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "linter", *map(str, args)],
        capture_output=True, text=True, encoding="utf-8", env=full, timeout=300,
    )


def fake_distribution(root: Path, dist: str, ep_name: str, module: str, source: str) -> Path:
    """A plugin installed the way pip installs one: a module plus ``<dist>.dist-info`` with entry_points.txt."""
    root.mkdir(parents=True, exist_ok=True)
    (root / f"{module}.py").write_text(source, encoding="utf-8")
    info = root / f"{dist.replace('-', '_')}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 0.1\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[fiscal_lint]\n{ep_name} = {module}\n", encoding="utf-8")
    return root


@pytest.fixture
def on_path(monkeypatch: pytest.MonkeyPatch) -> Iterator:
    """Put folders on sys.path for this test only (sessions built in the test see them)."""
    added: list[str] = []

    def add(path: Path) -> None:
        monkeypatch.syspath_prepend(str(path))  # also invalidates the import caches
        added.append(str(path))

    monkeypatch.delenv(DISABLE_ENV, raising=False)
    yield add
    monkeypatch.undo()
    for name, mod in list(sys.modules.items()):
        if any(str(getattr(mod, "__file__", "") or "").startswith(p) for p in added):
            del sys.modules[name]


# ---- built-ins and disabling ------------------------------------------------------------------------


def test_builtins_register_through_the_same_hooks():
    pm = make_manager()
    for name in BUILTINS:
        plugin = pm.get_plugin(name)
        assert plugin is not None, name
        assert pm.sources[name].kind == "built-in"
        assert pm.get_hookcallers(plugin), f"{name} implements no hook"
    implemented = {h.name for name in BUILTINS for h in pm.get_hookcallers(pm.get_plugin(name)) or []}
    # the built-ins alone cover parsing, catalogue, rules, functions and output
    assert implemented >= {
        "fiscal_lint_parse_document", "fiscal_lint_parser_formats", "fiscal_lint_table_catalogue",
        "fiscal_lint_rule_packs", "fiscal_lint_dsl_functions", "fiscal_lint_reporters",
    }


def test_disable_env_leaves_a_builtin_out(monkeypatch, fixture_pdf):
    from linter.parse.documents import parse_file

    monkeypatch.setenv(DISABLE_ENV, " linter.parsers.pdf.plugin , nothing-of-that-name")
    pm = make_manager()
    assert pm.get_plugin("linter.parsers.pdf.plugin") is None
    assert pm.get_plugin("linter.builtin") is not None
    assert set(pm.disabled) == {"linter.parsers.pdf.plugin", "nothing-of-that-name"}
    with pytest.raises(InputError) as exc:
        parse_file(fixture_pdf, pm)
    assert exc.value.reason == "no_parser"


def test_disabled_argument_and_cli(tmp_path):
    assert make_manager(("linter.reporters.plugin",)).get_plugin("linter.reporters.plugin") is None
    res = cli("plugins", "--json", env={DISABLE_ENV: "linter.reporters.plugin"})
    assert res.returncode == 0, res.stderr
    rows = {r["name"]: r for r in json.loads(res.stdout)}
    assert rows["linter.reporters.plugin"]["enabled"] is False
    assert rows["linter.reporters.plugin"]["hooks"] == []
    assert rows["linter.dsl.plugin"]["enabled"] is True


# ---- loud failures at start-up ------------------------------------------------------------------------

MISSPELT = '''
from linter import hookimpl

@hookimpl
def fiscal_lint_pars_document(path, data, options):
    return None
'''


def test_misspelt_hook_fails_at_start_up(tmp_path, on_path):
    on_path(fake_distribution(tmp_path, "typo-plugin", "typo", "typo_plugin_a", MISSPELT))
    with pytest.raises(PluginLoadError) as exc:
        make_manager()
    msg = str(exc.value)
    assert exc.value.plugin_name == "typo" and exc.value.hook == "fiscal_lint_pars_document"
    assert "未知的钩子 fiscal_lint_pars_document" in msg and "unknown hook 'fiscal_lint_pars_document'" in msg
    assert "fiscal_lint_parse_document" in msg  # the suggestion
    assert "\n" not in msg
    # it is pluggy's validation error, so callers catching that keep working
    import pluggy

    assert isinstance(exc.value, pluggy.PluginValidationError)


def test_misspelt_hook_cli_one_line_exit_2_and_disable(tmp_path):
    root = fake_distribution(tmp_path, "typo-plugin", "typo", "typo_plugin_b", MISSPELT)
    for args in (["plugins"], ["rules", "list"]):
        res = cli(*args, paths=(root,))
        assert res.returncode == 2, res.stdout + res.stderr
        assert "Traceback" not in res.stderr
        lines = res.stderr.strip().splitlines()
        assert len(lines) == 1, res.stderr
        assert "插件 typo" in lines[0] and "plugin 'typo'" in lines[0] and "fiscal_lint_pars_document" in lines[0]
        assert f"{DISABLE_ENV}=typo" in lines[0]
    res = cli("plugins", "--json", paths=(root,), env={DISABLE_ENV: "typo"})
    assert res.returncode == 0, res.stderr
    row = next(r for r in json.loads(res.stdout) if r["name"] == "typo")
    assert row["enabled"] is False and row["distribution"] == "typo-plugin" and row["version"] == "0.1"


def test_disable_plugins_setting_reaches_the_session(tmp_path, on_path):
    """What ``disable-plugins`` in the configuration does: the session, its rule functions included, leaves
    the plugin out, and a session built without the setting still refuses the broken plugin."""
    on_path(fake_distribution(tmp_path, "typo-plugin", "typo", "typo_plugin_c", MISSPELT))
    with pytest.raises(PluginLoadError):
        Session.build()
    session = Session.build(Config(disable_plugins=["typo"]))
    assert "typo" in session.pm.disabled
    assert "sum" in session.functions
    assert session.pm.get_plugin("typo") is None


def test_sessions_are_independent_and_the_language_keeps_its_functions(fixture_doc) -> None:
    """No process-wide manager: two sessions with different plugins side by side. A function plugin adds
    names; the language's own functions stay, also with the built-in rule-language plugin disabled."""
    import types

    extra = types.ModuleType("extra_functions")
    exec(  # noqa: S102 - a plugin module built in the test
        "from linter import hookimpl\n\ndef twice(ctx, x):\n    return x\n\n"
        "@hookimpl\ndef fiscal_lint_dsl_functions():\n    return {'twice': twice}\n",
        extra.__dict__,
    )
    plain = Session.build(entry_points=False)
    with_extra = Session.build(plugins=[("extra", extra)], entry_points=False, disabled=["linter.dsl.plugin"])
    assert "twice" in with_extra.functions and "twice" not in plain.functions
    assert "sum" in with_extra.functions and "sum" in plain.functions
    assert with_extra.pm.sources["extra"].kind == "given"
    assert plain.pm.get_plugin("extra") is None


def test_wrong_hook_argument_fails_at_start_up(tmp_path, on_path):
    source = "from linter import hookimpl\n\n@hookimpl\ndef fiscal_lint_parse_document(path, data, opts):\n    return None\n"
    on_path(fake_distribution(tmp_path, "args-plugin", "args", "args_plugin", source))
    with pytest.raises(PluginLoadError) as exc:
        make_manager()
    assert exc.value.hook == "fiscal_lint_parse_document"
    assert "'opts'" in str(exc.value) and "path, data, options" in str(exc.value)


def test_two_distributions_one_plugin_name(tmp_path, on_path):
    ok = "from linter import hookimpl\n\n@hookimpl\ndef fiscal_lint_parser_formats():\n    return ['.xyz']\n"
    on_path(fake_distribution(tmp_path / "a", "first-dist", "same", "same_a", ok))
    on_path(fake_distribution(tmp_path / "b", "second-dist", "same", "same_b", ok))
    with pytest.raises(PluginLoadError) as exc:
        make_manager()
    assert exc.value.plugin_name == "same" and {"first-dist", "second-dist"} <= set(re.findall(r"\w+-dist", str(exc.value)))


def test_one_distribution_twice_on_the_path_is_one_plugin(tmp_path, on_path):
    """E.g. a ``pip install --target`` copy in front of the one in site-packages: the first on sys.path wins."""
    ok = "from linter import hookimpl\n\n@hookimpl\ndef fiscal_lint_parser_formats():\n    return ['.xyz']\n"
    on_path(fake_distribution(tmp_path / "old", "twin-dist", "twin", "twin_mod", ok))
    on_path(fake_distribution(tmp_path / "new", "Twin_Dist", "twin", "twin_mod", ok))
    pm = make_manager()
    assert pm.get_plugin("twin") is not None
    assert Path(pm.sources["twin"].location or "") == tmp_path / "new"


def test_plugin_that_cannot_be_imported(tmp_path, on_path):
    on_path(fake_distribution(tmp_path, "broken-plugin", "broken", "broken_plugin", "import no_such_module_xyz\n"))
    with pytest.raises(PluginLoadError) as exc:
        make_manager()
    assert exc.value.plugin_name == "broken" and "no_such_module_xyz" in str(exc.value)


def test_two_plugins_defining_one_dsl_function(tmp_path, on_path):
    source = (
        "from linter import hookimpl\n\ndef f(ctx):\n    return 1\n\n"
        "@hookimpl\ndef fiscal_lint_dsl_functions():\n    return {{'{name}': f}}\n"
    )
    on_path(fake_distribution(tmp_path / "a", "dsl-dup", "dup", "dsl_dup_plugin", source.format(name="sum")))
    with pytest.raises(PluginLoadError) as exc:
        make_manager()
    assert "'sum'" in str(exc.value) and "linter.dsl.plugin" in str(exc.value)
    on_path(fake_distribution(tmp_path / "b", "dsl-res", "res", "dsl_res_plugin", source.format(name="exists")))
    with pytest.raises(PluginLoadError) as exc:
        make_manager(("dup",))
    assert exc.value.plugin_name == "res" and "'exists'" in str(exc.value)


# ---- fiscal-lint plugins ----------------------------------------------------------------------------------


def test_plugins_json_and_text():
    res = cli("plugins", "--json")
    assert res.returncode == 0, res.stderr
    rows = json.loads(res.stdout)
    by_name = {r["name"]: r for r in rows}
    assert set(BUILTINS) <= set(by_name)
    for row in rows:
        assert {"name", "version", "source", "hooks", "enabled", "kind", "distribution", "rule_packs"} <= set(row)
        assert all(h in HOOKS for h in row["hooks"])
    dsl = by_name["linter.dsl.plugin"]
    assert dsl["source"] == "built-in" and dsl["version"] == linter.__version__
    assert dsl["hooks"] == ["fiscal_lint_dsl_functions", "fiscal_lint_evaluate", "fiscal_lint_evaluate_set", "fiscal_lint_rule_packs"]
    assert len(dsl["rule_packs"]) == 1 and Path(dsl["rule_packs"][0]).is_dir()
    text = cli("plugins")
    assert text.returncode == 0
    assert "linter.parsers.pdf.plugin" in text.stdout and "parse_document, parser_formats" in text.stdout


# ---- the hook reference ----------------------------------------------------------------------------------


def test_every_hookspec_is_documented():
    """docs/hooks.md (generated from the hookspecs) has one ``## hook`` section per hookspec, with its
    signature and result mode; every docstring has the parts the reference relies on."""
    docs = (REPO / "docs" / "hooks.md").read_text(encoding="utf-8")
    sections = dict(re.findall(r"^## (fiscal_lint_\w+)\n(.*?)(?=^#{2,3} |\Z)", docs, flags=re.M | re.S))
    assert sorted(sections) == HOOKS, "docs/hooks.md needs one section per hookspec: run python docs/generate.py"
    for name in HOOKS:
        spec = getattr(hookspecs, name)
        doc = inspect.getdoc(spec) or ""
        for part in ("**When:**", "**Results:**", "**Arguments:**", "**Example:**"):
            assert part in doc, f"{name}: docstring lacks {part}"
        section = sections[name]
        first_result = bool(spec.fiscal_lint_spec["firstresult"])
        assert ("first result" in section.lower()) == first_result, f"{name}: first-result wording in docs"
        for part in ("When", "Results", "Arguments", "```python"):
            assert part in section, f"docs/hooks.md, {name}: no {part}"
        params = ", ".join(inspect.signature(spec).parameters)
        assert f"{name}({params})" in section, f"docs/hooks.md should show the signature {name}({params})"
    assert "(hooks.md)" in (REPO / "docs" / "plugins.md").read_text(encoding="utf-8")


# ---- the example bureau plugin, installed -----------------------------------------------------------------


@pytest.fixture(scope="module")
def bureau_install(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``pip install --no-deps --no-build-isolation --target DIR plugins/fiscal-lint-bureau-example``."""
    if importlib.util.find_spec("hatchling") is None:
        pytest.skip("hatchling (the plugin's build backend) is not installed here; tox -e plugins runs this")
    target = tmp_path_factory.mktemp("bureau-install")
    res = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--no-compile", "--disable-pip-version-check", "--target", str(target), str(EXAMPLE)],
        capture_output=True, text=True, timeout=300,
    )
    assert res.returncode == 0, res.stdout + res.stderr
    assert (target / "fiscal_lint_bureau_example" / "rules" / "tests" / "subjects" / "XB.N.01.yaml").is_file()
    return target


@pytest.fixture(scope="module")
def bureau_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small 决算 report with a misprinted subject name and 三公 spending over its budget."""
    import pdfgen

    expenditure = replace(
        pdfgen.EXPENDITURE,
        body=[[("行政运营" if c == "行政运行" else c) for c in row] for row in pdfgen.EXPENDITURE.body],
    )
    three_public = replace(pdfgen.THREE_PUBLIC, body=[["10.00", "", "10.00", "12.00", "", "12.00"]])
    w = pdfgen.Writer()
    w.text("2024 年度示例单位决算公开", size=20, centred=True, gap=30)
    w.new_page()
    w.table(expenditure)
    w.table(three_public)
    return w.save(tmp_path_factory.mktemp("bureau-pdf") / "示例单位决算.pdf")


def _pack(target: Path) -> Path:
    return target / "fiscal_lint_bureau_example" / "rules"


@pytest.mark.slow  # installs the plugin with pip
def test_bureau_plugin_is_listed_with_version_and_source(bureau_install):
    res = cli("plugins", "--json", paths=(bureau_install,))
    assert res.returncode == 0, res.stderr
    row = next(r for r in json.loads(res.stdout) if r["name"] == "bureau-example")
    assert row["version"] == "1.0.0"
    assert row["kind"] == "entry point" and row["distribution"] == "fiscal-lint-bureau-example"
    assert row["module"] == "fiscal_lint_bureau_example.plugin"
    assert Path(row["location"]) == bureau_install
    assert "fiscal-lint-bureau-example" in row["source"]
    assert row["hooks"] == ["fiscal_lint_dsl_functions", "fiscal_lint_rule_packs"]
    assert row["rule_packs"] == [str(_pack(bureau_install))]
    text = cli("plugins", paths=(bureau_install,))
    assert "bureau-example  1.0.0" in text.stdout


@pytest.mark.slow  # installs the plugin with pip
def test_bureau_pack_tests_pass(bureau_install):
    res = cli("rules", "test", _pack(bureau_install), paths=(bureau_install,))
    assert res.returncode == 0, res.stdout + res.stderr
    assert "fiscal-lint-bureau-example 1.0.0: 5/5" in res.stdout
    # without the plugin its functions are unknown: the pack cannot even be checked
    res = cli("rules", "check", _pack(bureau_install), paths=(bureau_install,), env={DISABLE_ENV: "bureau-example"})
    assert res.returncode == 2 and "xb_subject_name" in res.stderr


@pytest.mark.slow  # installs the plugin with pip
def test_bureau_rule_fires_in_check(bureau_install, bureau_pdf):
    res = cli("check", bureau_pdf, paths=(bureau_install,))
    assert res.returncode == 1, res.stdout + res.stderr
    out = res.stdout
    # the name the finding quotes comes from the plugin's function (its code table), not from the document
    assert "XB.N.01" in out and "2013101 印为“行政运营”，本局科目表中为“行政运行”" in out
    assert "XB.T.01" in out and "为预算数 10.00 万元的 120.0%，超过本局上限 100%" in out
    disabled = cli("check", bureau_pdf, paths=(bureau_install,), env={DISABLE_ENV: "bureau-example"})
    assert "XB." not in disabled.stdout


@pytest.mark.slow  # installs the plugin with pip
def test_bureau_rule_through_the_python_api(bureau_install, bureau_pdf, on_path, monkeypatch):
    on_path(bureau_install)
    for name in [m for m in sys.modules if m.split(".")[0] == "fiscal_lint_bureau_example"]:
        monkeypatch.delitem(sys.modules, name)  # an installed copy imported earlier must not stand in
    session = Session.build()
    pm = session.pm
    assert pm.sources["bureau-example"].distribution == "fiscal-lint-bureau-example"
    fn = session.functions["xb_subject_name"]
    assert Path(inspect.getfile(fn)).is_relative_to(bureau_install)  # the installed copy, via the entry point
    hooked = [p for paths in pm.hook.fiscal_lint_rule_packs() for p in paths]
    assert _pack(bureau_install) in hooked
    (pack,) = session.load_packs([p for p in hooked if p.is_relative_to(bureau_install)])  # the plugin's only
    assert (pack.name, pack.version) == ("fiscal-lint-bureau-example", "1.0.0")
    result = session.evaluate(session.parse(bureau_pdf), pack.rules)
    names = [f for f in result.findings if f.rule_id == "XB.N.01"]
    assert [(f.args["r.code"], f.args["r.label"], f.args["official"]) for f in names] == [
        ("2013101", "行政运营", "行政运行")
    ]
    limits = [f for f in result.findings if f.rule_id == "XB.T.01"]
    assert [(f.args["item"], f.args["lhs"], f.args["rhs"]) for f in limits] == [("合计", "120.0", "100")]
    assert result.rule_status("XB.T.01") == "fail" and not result.errors


def test_an_evaluator_plugin_adds_its_findings_to_the_rule_language(fixture_doc) -> None:
    """Evaluators are plugins: the rule language is the built-in one, and a plugin's result is merged."""
    from linter.core.findings import EvaluationResult, Finding, Location, Outcome
    from linter.dsl import default_pack_paths, load_packs

    class MetaCheck:
        @hookimpl
        def fiscal_lint_evaluate(self, document, rules):
            result = EvaluationResult()
            ok = document.metadata.publication_date is not None
            result.outcomes.append(Outcome("XB.META.01", "pass" if ok else "fail", findings=0 if ok else 1))
            if not ok:
                result.findings.append(Finding("XB.META.01", "warning", "封面未写明公开日期", "公开日期",
                                               location=Location(page=1)))
            return result

    rules = [r for p in load_packs(default_pack_paths()) for r in p.rules]
    builtin_only = Session.build(entry_points=False).evaluate(fixture_doc, rules)
    merged = Session.build(plugins=[("meta-check", MetaCheck())], entry_points=False).evaluate(fixture_doc, rules)
    assert [f.rule_id for f in merged.findings] == [f.rule_id for f in builtin_only.findings] + ["XB.META.01"]
    assert merged.outcomes[-1].status == "fail"
    assert len(merged.outcomes) == len(builtin_only.outcomes) + 1
