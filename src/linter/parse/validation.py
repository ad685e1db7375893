"""Validation of the document model against ``schemas/document.schema.json``.

Every parsed document is validated, so the common case, a valid model, must be cheap: the schema is compiled
once into plain Python checks (:func:`quick_check`) that answer "certainly valid" or "perhaps not". Only a
"perhaps not" runs jsonschema, which gives the verdict and the messages. The quick check is stricter than
jsonschema, never looser: it knows the keywords our schemas use with JSON's own types (str, int, float, bool,
None, list, dict) and answers "perhaps not" for anything else, and a schema with a keyword it does not know is
left to jsonschema entirely. jsonschema is imported only when it is needed.
"""

from __future__ import annotations

import json
import numbers
import re
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

from linter.core.resources import schema_path

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

Check = Callable[[Any], bool]


@cache
def _schema(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(schema_path(name).read_text(encoding="utf-8"))
    return schema


@cache
def validator(name: str = "document.schema.json") -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    schema = _schema(name)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def schema_errors(instance: dict[str, Any], name: str = "document.schema.json") -> list[str]:
    """Every violation as ``path: message``; empty when the instance is valid."""
    quick = quick_check(name)
    if quick is not None and quick(instance):
        return []
    errors = sorted(validator(name).iter_errors(instance), key=lambda e: list(e.absolute_path))
    return ["/".join(str(p) for p in e.absolute_path) + f": {e.message}" for e in errors]


# ---- the quick check ---------------------------------------------------------------------------------------


class Unsupported(Exception):
    """The schema uses something the quick check does not know: jsonschema alone validates against it."""


# keywords that assert nothing (``format`` is an annotation: the validator is built without a format checker)
_ANNOTATIONS = frozenset({"$schema", "$id", "$defs", "$comment", "title", "description", "examples", "default",
                          "format", "deprecated", "readOnly", "writeOnly"})


def _is_type(name: str) -> Check:
    """JSON's types as jsonschema reads them, for Python's JSON types only (a stricter reading: an integral float
    is an integer to jsonschema, "perhaps not" here)."""
    if name == "string":
        return lambda x: type(x) is str
    if name == "integer":
        return lambda x: type(x) is int
    if name == "number":
        return lambda x: type(x) is int or type(x) is float
    if name == "boolean":
        return lambda x: type(x) is bool
    if name == "null":
        return lambda x: x is None
    if name == "array":
        return lambda x: type(x) is list
    if name == "object":
        return lambda x: type(x) is dict
    raise Unsupported(f"type {name!r}")


def _literal(value: Any) -> Check:
    """Equal to a string or null literal (the only ``enum``/``const`` values the quick check compares)."""
    if value is None:
        return lambda x: x is None
    if type(value) is str:
        return lambda x: type(x) is str and x == value
    raise Unsupported(f"literal {value!r}")


class _Compiler:
    def __init__(self, root: dict[str, Any]) -> None:
        self.root = root
        self.refs: dict[str, Check] = {}

    def ref(self, target: str) -> Check:
        if not target.startswith("#/$defs/") or "/" in target[len("#/$defs/"):]:
            raise Unsupported(f"$ref {target!r}")
        if target not in self.refs:
            holder: list[Check] = []
            self.refs[target] = lambda x: holder[0](x)  # a recursive definition (sections in sections)
            name = target[len("#/$defs/"):]
            defs = self.root.get("$defs")
            if not isinstance(defs, dict) or name not in defs:
                raise Unsupported(f"$ref {target!r}")
            holder.append(self.compile(defs[name]))
        return self.refs[target]

    def compile(self, schema: Any) -> Check:
        if schema is True:
            return lambda x: True
        if not isinstance(schema, dict):
            raise Unsupported(f"schema {schema!r}")
        checks: list[Check] = []
        for key, value in schema.items():
            if key in _ANNOTATIONS:
                continue
            checks.append(self.keyword(key, value, schema))
        if not checks:
            return lambda x: True
        if len(checks) == 1:
            return checks[0]
        return lambda x: all(c(x) for c in checks)

    def keyword(self, key: str, value: Any, schema: dict[str, Any]) -> Check:  # noqa: C901 - one branch a keyword
        is_num = _is_type("number")
        if key == "type":
            names = value if isinstance(value, list) else [value]
            tests = [_is_type(t) for t in names]
            return lambda x: any(t(x) for t in tests)
        if key == "const":
            return _literal(value)
        if key == "enum":
            if not isinstance(value, list):
                raise Unsupported("enum")
            for v in value:
                _literal(v)  # strings and null only
            strings = frozenset(v for v in value if isinstance(v, str))
            null = None in value
            return lambda x: (x is None and null) or (type(x) is str and x in strings)
        if key in ("minimum", "maximum"):
            if not is_num(value):
                raise Unsupported(key)
            low = key == "minimum"

            def bound(x: Any) -> bool:
                if type(x) is int or type(x) is float:
                    return x >= value if low else x <= value
                return type(x) is bool or not isinstance(x, numbers.Number)  # not a number: the bound says nothing

            return bound
        if key in ("minItems", "maxItems"):
            if type(value) is not int:
                raise Unsupported(key)
            if key == "minItems":
                return lambda x: type(x) is not list or len(x) >= value
            return lambda x: type(x) is not list or len(x) <= value
        if key == "pattern":
            rx = re.compile(value)
            return lambda x: type(x) is not str or rx.search(x) is not None
        if key == "items":
            if "prefixItems" in schema:
                raise Unsupported("prefixItems")
            item = self.compile(value)
            return lambda x: type(x) is not list or all(item(v) for v in x)
        if key == "required":
            wanted = tuple(value)
            return lambda x: type(x) is not dict or all(k in x for k in wanted)
        if key == "properties":
            props = {k: self.compile(v) for k, v in value.items()}
            return lambda x: type(x) is not dict or all(props[k](v) for k, v in x.items() if k in props)
        if key == "additionalProperties":
            if value is not False or "patternProperties" in schema:
                raise Unsupported("additionalProperties")
            allowed = frozenset(schema.get("properties", {}))
            return lambda x: type(x) is not dict or all(k in allowed for k in x)
        if key == "$ref":
            return self.ref(value)
        raise Unsupported(key)


@cache
def quick_check(name: str = "document.schema.json") -> Check | None:
    """The compiled quick check of a schema (True: certainly valid), or None when the schema uses a keyword the
    quick check does not know."""
    schema = _schema(name)
    try:
        return _Compiler(schema).compile(schema)
    except (Unsupported, re.error, TypeError, AttributeError):
        return None
