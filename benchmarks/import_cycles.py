"""Count import cycles in the ``linter`` package: strongly connected components of its import graph.

The plugin manager imports the built-in plugins by name (``importlib``); those edges are added, so a cycle
through a built-in plugin counts too. Needs grimp (``pip install import-linter``)::

    python benchmarks/import_cycles.py      # "modules: 76; cycles (SCCs > 1): 0; modules in cycles: 0"
"""

from __future__ import annotations

import sys

import grimp


def import_graph() -> dict[str, set[str]]:
    graph = grimp.build_graph("linter", include_external_packages=False)
    modules = set(graph.modules)
    edges = {m: set(graph.find_modules_directly_imported_by(m)) & modules for m in modules}
    from linter.session.plugin_manager import BUILTINS

    edges["linter.session.plugin_manager"] |= set(BUILTINS.values()) & modules
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm: the components of more than one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for module in sorted(edges):
        if module not in index:
            visit(module)
    return found


def main() -> int:
    edges = import_graph()
    found = cycles(edges)
    print(f"modules: {len(edges)}; cycles (SCCs > 1): {len(found)}; modules in cycles: {sum(map(len, found))}")
    for component in found:
        print("  " + ", ".join(component))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
