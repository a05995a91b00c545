"""One home per idea: every exception in the error tree, one collector type, one meaning per name."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

from medcomkit.core.rules import IssueCollector

PACKAGE = Path(__file__).resolve().parents[1] / "medcomkit"
ERRORS = PACKAGE / "core" / "errors.py"


def _classes() -> list[tuple[Path, ast.ClassDef]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found += [(path, node) for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]
    return found


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_every_exception_class_is_defined_in_the_error_tree() -> None:
    outside = []
    for path, node in _classes():
        value = getattr(importlib.import_module(_module(path)), node.name, None)
        if isinstance(value, type) and issubclass(value, BaseException) and path != ERRORS:
            outside.append(f"{path.relative_to(PACKAGE)}: {node.name}")
    assert outside == []


def test_the_error_tree_draws_every_class_it_defines() -> None:
    module = importlib.import_module("medcomkit.core.errors")
    doc = module.__doc__ or ""
    for name in module.__all__:
        value = getattr(module, name)
        if isinstance(value, type):
            assert f"── {name}" in doc or doc.lstrip().startswith(name) or f"\n    {name}\n" in doc, name


def test_every_checker_and_collector_is_the_one_collector_type() -> None:
    collectors = []
    for path, node in _classes():
        if node.name.lstrip("_").endswith(("Checker", "Collector")) and node.name != "IssueCollector":
            collectors.append(getattr(importlib.import_module(_module(path)), node.name))
    assert len(collectors) >= 3  # OIOXML, FHIR, EDIFACT
    assert all(issubclass(c, IssueCollector) for c in collectors), collectors


# Public class names found in more than one package, each for a reason.
SHARED_NAMES = {
    "Checker": "the checks of one document, in OIOXML and FHIR alike: both the one collector type",
    "Entry": "FHIR's own word for a Bundle entry, and a journal entry in the archive",
    "Direction": "how DNHF routes (send/receive), and which way a journalised message went (sent/received)",
}


def test_a_class_name_means_one_thing_across_packages() -> None:
    homes: dict[str, set[str]] = {}
    for path, node in _classes():
        if not node.name.startswith("_"):
            homes.setdefault(node.name, set()).add(path.relative_to(PACKAGE).parts[0])
    shared = {name for name, packages in homes.items() if len(packages) > 1}
    assert shared <= set(SHARED_NAMES), shared - set(SHARED_NAMES)


def test_error_codes_are_typed_once() -> None:
    """An error code is a constant where it is defined; raising or comparing it uses the name."""
    code = re.compile(r"(?:sor|convert|archive|cli|landscape|vans)\.[a-z0-9-]+")
    typed: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and code.fullmatch(node.value):
                typed.setdefault(node.value, []).append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert {c: places for c, places in typed.items() if len(places) > 1} == {}
    assert "sor.no-match" in typed  # the scan sees the codes
