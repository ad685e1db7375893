"""示例财政局的 fiscal-lint 插件 / an example finance-bureau plugin for fiscal-lint.

It uses only the public hooks:

- ``fiscal_lint_rule_packs``: the rule pack in ``rules/`` (``*.rules`` plus YAML test cases under ``rules/tests/``);
- ``fiscal_lint_dsl_functions``: the rule functions in :mod:`fiscal_lint_bureau_example.functions`.

The version is the pack version (``rules/pack.rules``): one number for the pack and the package.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("fiscal-lint-bureau-example")
except PackageNotFoundError:  # imported from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = ["__version__"]
