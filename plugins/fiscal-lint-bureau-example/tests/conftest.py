"""The plugin is tested installed (``pip install -e .`` or tox), so that it is found through its entry point."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, distribution

import pytest


def pytest_configure(config: pytest.Config) -> None:
    try:
        distribution("fiscal-lint-bureau-example")
    except PackageNotFoundError:
        raise pytest.UsageError(
            "插件尚未安装 / the plugin is not installed: pip install -e plugins/fiscal-lint-bureau-example "
            "(or run tox in that folder)"
        ) from None
