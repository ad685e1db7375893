"""The built-in function table, collected from the theme modules with ``@rule_function``, and the
registration API a plugin uses (``rule_function``, ``collect_functions``)."""

from __future__ import annotations

import inspect
import types

import pytest

from linter.dsl import functions as builtin
from linter.dsl.registration import DuplicateFunctionName, collect_functions, rule_function, rule_name

# The table as it was when the functions lived in one module (linter.dsl.builtins): the split into theme
# modules keeps every name. A new function is added here on purpose.
NAMES = {
    "amount_matches", "code_named", "comparisons", "conflicting_changes", "count_equal", "official_name",
    "unjoined_continuations",
    "lost_classes", "closest_heading", "toc_found", "toc_agrees", "misnamed_codes",
    "unmapped_amount_columns",
    "official_name_matches",
    "subject", "years_in",
    "report", "changes", "base_of", "amount_of", "subject_in", "same_unit",
    "above", "absent", "agrees", "amount", "below", "between", "captures", "cell", "cells", "children", "col",
    "col_having", "columns", "containing", "contains", "count", "document", "find", "form_value", "headers",
    "headings", "in_order", "is_blank", "is_empty", "is_number", "is_zero", "items", "label", "matches", "mentions",
    "metadata", "name_variants", "nearby", "none", "notes", "number", "numbering_gaps", "paragraphs", "parent", "pct",
    "pct_matches", "printed", "ratio", "repeats", "row", "rows", "section", "sections", "sentences", "signed", "sum",
    "table", "tables", "target", "text", "title", "toc", "toc_entry", "unit", "year", "yoy",
}  # fmt: skip


def test_builtin_table_has_the_same_names():
    assert set(builtin.FUNCTIONS) == NAMES


def test_every_builtin_is_marked_documented_and_in_one_theme():
    themes = {m.__name__ for m in builtin.THEMES}
    for name, fn in builtin.FUNCTIONS.items():
        assert rule_name(fn) == name
        assert fn.__module__ in themes, name
        assert (fn.__doc__ or "").strip(), f"{name} has no docstring (docs/functions.md is generated from it)"
        assert next(iter(inspect.signature(fn).parameters)) == "ctx", name
    # the shared helpers module holds no rule function
    assert collect_functions(builtin.shared) == {}


def test_rule_function_only_marks():
    def f(ctx, x):
        return x

    assert rule_function()(f) is f and f(None, 3) == 3
    assert rule_name(f) == "f"
    assert rule_name(rule_function("g")(lambda ctx: 1)) == "g"
    assert rule_name(len) is None and rule_name("text") is None
    with pytest.raises(ValueError):
        rule_function("not a name")


def _module(name: str, source: str) -> types.ModuleType:
    module = types.ModuleType(name)
    exec(compile(source, name, "exec"), module.__dict__)  # noqa: S102 - a test module built in memory
    return module


def test_collect_functions_from_modules_and_functions():
    source = """
from linter.dsl.registration import rule_function

@rule_function()
def b(ctx): ...

def helper(ctx): ...

@rule_function("a_sum")
def a_sum_(ctx, values): ...
"""
    mod = _module("bureau_functions", source)
    assert list(collect_functions(mod)) == ["b", "a_sum"]  # source order; unmarked helpers left out
    other = _module("other_functions", "")
    other.b = mod.b  # as if imported: a function belongs to the module that defines it
    assert collect_functions(other) == {}
    assert collect_functions(mod, mod.b) == {"b": mod.b, "a_sum": mod.a_sum_}  # the same function twice is fine
    assert collect_functions(builtin.table_functions, builtin.number_functions)["sum"] is builtin.FUNCTIONS["sum"]


def test_collect_functions_rejects_duplicates_and_unmarked():
    @rule_function("table")
    def my_table(ctx, key): ...

    with pytest.raises(DuplicateFunctionName, match="table"):
        collect_functions(*builtin.THEMES, my_table)
    with pytest.raises(TypeError):
        collect_functions(lambda ctx: 1)
