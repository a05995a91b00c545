"""What ``make lint`` enforces beside the layer contract: no cycles, no private imports across packages."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools import check_imports


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / "medcomkit" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for folder in (root / "medcomkit").rglob("*"):
        if folder.is_dir() and not (folder / "__init__.py").exists():
            (folder / "__init__.py").write_text("", encoding="utf-8")
    (root / "medcomkit" / "__init__.py").touch()
    return root


def test_the_package_keeps_the_rules() -> None:
    assert check_imports.findings() == []


def test_a_private_module_of_another_package_is_refused(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"oioxml/_wire.py": "X = 1\n", "fhir/read.py": "from ..oioxml._wire import X\n"})
    [finding] = check_imports.findings(root, pending=())
    assert "medcomkit.fhir.read imports the private module medcomkit.oioxml._wire" in finding


def test_a_private_module_is_free_inside_its_package(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"oioxml/_wire.py": "X = 1\n", "oioxml/read.py": "from ._wire import X\n"})
    assert check_imports.findings(root, pending=()) == []


def test_a_private_name_of_another_package_is_refused(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {"oioxml/checks.py": "_RULES = {}\n", "edifact/fast.py": "from ..oioxml.checks import _RULES\n"},
    )
    [finding] = check_imports.findings(root, pending=())
    assert "private name _RULES from medcomkit.oioxml.checks" in finding


@pytest.mark.parametrize("lazy", [False, True])
def test_a_cycle_is_refused_even_through_a_function_level_import(tmp_path: Path, lazy: bool) -> None:
    late = "def f():\n    from .store import Archive\n" if lazy else "from .store import Archive\n"
    root = _tree(
        tmp_path,
        {
            "archive/store.py": "from .export import export\nArchive = 1\n",
            "archive/export.py": late + "export = 1\n",
        },
    )
    [finding] = check_imports.findings(root, pending=())
    assert finding == "import cycle: medcomkit.archive.export ⇄ medcomkit.archive.store"


def test_an_import_only_for_type_checking_is_not_a_cycle(tmp_path: Path) -> None:
    typing_only = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .store import Archive\n"
    root = _tree(
        tmp_path,
        {"archive/store.py": "from .export import export\nArchive = 1\n", "archive/export.py": typing_only},
    )
    assert check_imports.findings(root, pending=()) == []


def test_a_pending_cycle_that_is_gone_must_leave_the_list(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"a.py": "X = 1\n"})
    [finding] = check_imports.findings(root, pending=(frozenset({"medcomkit.a", "medcomkit.b"}),))
    assert finding.startswith("no longer a cycle")
