from __future__ import annotations

import json
from typing import Any

from support import run_cli

from linter.core.resources import example_report, schema_path
from linter.parse.validation import validator


def _properties(node: Any, where: str = "#"):
    if isinstance(node, dict):
        for name, sub in node.get("properties", {}).items():
            yield f"{where}/{name}", sub
        for key, sub in node.items():
            yield from _properties(sub, f"{where}/{key}")
    elif isinstance(node, list):
        for i, sub in enumerate(node):
            yield from _properties(sub, f"{where}/{i}")


def test_schema_is_valid_2020_12_and_every_field_is_described() -> None:
    schema = json.loads(schema_path("document.schema.json").read_text(encoding="utf-8"))
    assert schema["$schema"].endswith("2020-12/schema")
    validator()  # check_schema
    undescribed = [where for where, sub in _properties(schema) if "description" not in sub]
    assert undescribed == []


def test_installed_package_carries_its_data() -> None:
    """The command needs the schema and the example report at run time, also from a plain wheel install."""
    assert schema_path("document.schema.json").is_file()
    assert example_report().is_file()


def test_demo_runs_on_the_bundled_example() -> None:
    result = run_cli("demo")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
