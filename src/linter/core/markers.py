"""The pluggy markers of the project, apart from the typed hookspecs so that ``import linter`` stays light
(``fiscal-lint --version`` and every plugin import it)."""

from __future__ import annotations

import pluggy

PROJECT = "fiscal_lint"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)
