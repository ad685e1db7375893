"""fiscal-lint: a rule-driven compliance linter for Chinese government budget and final-accounts disclosures."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from linter.core.markers import hookimpl

__all__ = ["__version__", "hookimpl"]


def __getattr__(name: str) -> Any:
    # loaded on first use: a warm check answered from the cache (linter.run.replay) imports neither
    # importlib.metadata nor pluggy
    value: Any
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            value = version("fiscal-lint")
        except PackageNotFoundError:  # running from a source tree that was never installed
            value = "0.0.0"
    elif name == "hookimpl":
        from linter.core import markers

        value = markers.hookimpl
    else:
        raise AttributeError(f"module 'linter' has no attribute {name!r}")
    globals()[name] = value
    return value
