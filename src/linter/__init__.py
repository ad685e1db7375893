"""fiscal-lint: a rule-driven compliance linter for Chinese government budget and final-accounts disclosures."""

from importlib.metadata import PackageNotFoundError, version

from linter.core.markers import hookimpl

try:
    __version__ = version("fiscal-lint")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

__all__ = ["__version__", "hookimpl"]
