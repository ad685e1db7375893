"""The quick schema check never calls an invalid model valid: on thousands of damaged models, whenever it says
"valid", jsonschema agrees (issue 15: a parsed document is validated without jsonschema on the common path)."""

from __future__ import annotations

import copy
import random
from decimal import Decimal
from typing import Any

from linter.parse.validation import quick_check, schema_errors, validator

ODD_VALUES: list[Any] = [
    None, True, False, 0, -1, 1, 3.0, 2.5, -0.5, float("nan"), Decimal("1"), "", "x", "12", "1.50", "-3", "a1",
    "2024-13-45", "0" * 64, "f" * 64, [], [1, 2, 3, 4], [1, 2, 3], ["a", "b", "c", "d"], {}, {"x": 1}, 1949, 2201,
    "决算", "预算", "部门", "类", "amount", "function",
]


def _paths(node: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [at]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*at, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*at, i))
    return out


def _trim(node: Any) -> Any:
    """The model with every list of objects cut to its first three: every definition is still reached, cheaply."""
    if isinstance(node, dict):
        return {k: _trim(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_trim(v) for v in node[:3]] if any(isinstance(v, dict | list) for v in node) else list(node)
    return node


def _damage(model: dict[str, Any], rng: random.Random, paths: list[tuple[Any, ...]]) -> dict[str, Any]:
    doc = copy.deepcopy(model)
    for _ in range(rng.choice((1, 1, 2))):
        path = rng.choice(paths[1:])
        parent: Any = doc
        try:
            for step in path[:-1]:
                parent = parent[step]
            last = path[-1]
            action = rng.random()
            if action < 0.6:
                parent[last] = rng.choice(ODD_VALUES)
            elif action < 0.75 and isinstance(parent, dict):
                del parent[last]
            elif action < 0.9 and isinstance(parent, dict):
                parent["unexpected"] = 1
            elif isinstance(parent[last], list):
                parent[last].append(rng.choice(ODD_VALUES))
            else:
                parent[last] = copy.deepcopy(rng.choice(ODD_VALUES))
        except (KeyError, IndexError, TypeError):
            continue
    return doc


def test_quick_check_compiles_the_document_schema() -> None:
    assert quick_check() is not None


def test_quick_check_agrees_on_valid_models(fixture_doc, seed_doc) -> None:
    for doc in (fixture_doc, seed_doc):
        model = doc.to_dict()
        check = quick_check()
        assert check is not None and check(model)
        assert not list(validator().iter_errors(model))


def test_quick_check_never_passes_a_damaged_model(fixture_doc, seed_doc) -> None:
    check = quick_check()
    assert check is not None
    rng = random.Random(15)
    caught = passed = 0
    for doc in (fixture_doc, seed_doc):
        model = _trim(doc.to_dict())
        assert check(model)
        paths = _paths(model)
        for _ in range(700):
            damaged = _damage(model, rng, paths)
            invalid = any(True for _ in validator().iter_errors(damaged))
            if check(damaged):
                assert not invalid, "the quick check passed a model jsonschema rejects"
                passed += 1
            else:
                caught += invalid
    assert caught > 500 and passed > 50  # the damage reached the checks, and not all of it was damage


def test_schema_errors_still_names_the_problem(fixture_doc) -> None:
    model = fixture_doc.to_dict()
    model["source"]["page_count"] = -1
    del model["metadata"]["kind"]
    errors = schema_errors(model)
    assert any(e.startswith("source/page_count: -1 is less than the minimum") for e in errors)
    assert any("'kind' is a required property" in e for e in errors)
