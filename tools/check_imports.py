"""Import rules import-linter's layer contract does not state: no private imports across packages, no cycles.

``make lint`` runs ``python -m tools.check_imports`` beside ``lint-imports`` (the layer contract in
``pyproject.toml``). Two rules, both over every import in ``medcomkit/`` (module level, inside
functions and under ``TYPE_CHECKING`` alike, since each is a real dependency):

- **private stays home**: ``a/b/_c.py`` may be imported only by modules inside ``a/b/``, and a name
  ``_x`` only by modules of the package that defines it. A helper that a second package needs is
  moved down a layer and given a public name instead.
- **no cycles**: the module graph has no strongly connected component larger than one module, so
  every package reads bottom-up. Two kinds of edge do not count: an import under
  ``if TYPE_CHECKING:`` (it names a type in an annotation and never runs, httpx's rule), and a
  package's modules importing that package's ``__init__`` (Python runs it first anyway).

Written with :mod:`ast` only, so it needs nothing installed and explains each finding in one line.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "medcomkit"

# Cycles still being taken apart, each named by its modules; printed, but not yet failing the check.
# The list may only shrink: a cycle not listed here fails, and a listed one that is gone fails too.
PENDING_CYCLES: tuple[frozenset[str], ...] = ()


def modules(root: Path = ROOT) -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its own name)."""
    found = {}
    for path in sorted((root / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _package_of(module: str, path: Path) -> str:
    return module if path.name == "__init__.py" else module.rpartition(".")[0]


def _typing_only(tree: ast.Module) -> set[int]:
    """ids of the import nodes inside ``if TYPE_CHECKING:`` blocks."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and (_chain(node.test) or "").endswith("TYPE_CHECKING"):
            for statement in node.body:
                found.update(id(inner) for inner in ast.walk(statement))
    return found


def _chain(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_chain(node.value)}.{node.attr}"
    return None


def imports(
    module: str, path: Path, known: dict[str, Path], *, runtime_only: bool = False
) -> Iterator[tuple[int, str, str | None]]:
    """(line, imported module, imported name or None) for each import in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = _package_of(module, path)
    skip = _typing_only(tree) if runtime_only else set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == PACKAGE:
                    yield node.lineno, alias.name, None
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            if target.split(".")[0] != PACKAGE:
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                if sub in known:  # `from package import module`
                    yield node.lineno, sub, None
                else:
                    yield node.lineno, target, alias.name


def _private_owner(module: str) -> str | None:
    """The package a private module belongs to (``a.b`` for ``a.b._c``), or None if public."""
    parts = module.split(".")
    for i, part in enumerate(parts):
        if part.startswith("_") and not part.startswith("__"):
            return ".".join(parts[:i])
    return None


def _inside(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def private_imports(known: dict[str, Path], root: Path = ROOT) -> list[str]:
    problems = []
    for module, path in known.items():
        here = _package_of(module, path)
        for line, target, name in imports(module, path, known):
            owner = _private_owner(target)
            where = f"{path.relative_to(root)}:{line}"
            if owner is not None and not _inside(module, owner):
                problems.append(f"{where}: {module} imports the private module {target} of {owner}")
            elif name and name.startswith("_") and not name.startswith("__") and target in known:
                target_package = _package_of(target, known[target])
                if not _inside(here, target_package):
                    problems.append(
                        f"{where}: {module} imports the private name {name} from {target} "
                        f"(package {target_package})"
                    )
    return problems


def graph(known: dict[str, Path]) -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {module: set() for module in known}
    for module, path in known.items():
        for _, target, _ in imports(module, path, known, runtime_only=True):
            while target not in known and "." in target:
                target = target.rpartition(".")[0]
            if target != module and target in known:
                # importing a package's own __init__ from inside it re-exports, it is not a cycle
                if module.startswith(target + ".") and known[target].name == "__init__.py":
                    continue
                edges[module].add(target)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def findings(root: Path = ROOT, pending: tuple[frozenset[str], ...] = PENDING_CYCLES) -> list[str]:
    """Every finding of both rules, one line each (empty: the imports are in order)."""
    known = modules(root)
    problems = private_imports(known, root)
    found = cycles(graph(known))
    for component in found:
        line = "import cycle: " + " ⇄ ".join(component)
        if frozenset(component) in pending:
            print("pending " + line)
        else:
            problems.append(line)
    for gone in set(pending) - {frozenset(c) for c in found}:
        problems.append("no longer a cycle, remove it from PENDING_CYCLES: " + " ⇄ ".join(sorted(gone)))
    return problems


def main() -> int:
    problems = findings()
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} import problem(s)", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
