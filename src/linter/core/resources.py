"""Files the command needs at run time: schemas, the default rule pack, the example report.

In an installed wheel they live in ``linter/_data/`` (see ``pyproject.toml``); in a
source checkout they are the repository's top-level folders.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parents[1]  # the linter package (this file is in linter/core)
_SOURCE_ROOT = _PACKAGE.parents[1]


def data_path(*parts: str) -> Path:
    installed = _PACKAGE.joinpath("_data", *parts)
    if installed.exists():
        return installed
    return _SOURCE_ROOT.joinpath(*parts)


def schema_path(name: str) -> Path:
    return data_path("schemas", name)


def example_report() -> Path:
    return data_path("examples", "jianghan-2024.pdf")
