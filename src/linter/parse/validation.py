"""Validation of the document model against ``schemas/document.schema.json``."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator

from linter.core.resources import schema_path


@cache
def validator(name: str = "document.schema.json") -> Draft202012Validator:
    schema = json.loads(schema_path(name).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def schema_errors(instance: dict[str, Any], name: str = "document.schema.json") -> list[str]:
    """Every violation as ``path: message``; empty when the instance is valid."""
    errors = sorted(validator(name).iter_errors(instance), key=lambda e: list(e.absolute_path))
    return ["/".join(str(p) for p in e.absolute_path) + f": {e.message}" for e in errors]
