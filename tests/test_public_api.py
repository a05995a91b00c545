"""``import medcomkit`` exposes exactly ``__all__`` (the check httpx makes in
tests/test_exported_members.py): a leaked name (a submodule, ``annotations``, a helper) or a
missing one fails, however much of the package has been imported before."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

import medcomkit
from medcomkit.demo import write_demo_km


def _public(names: object) -> set[str]:
    return {name for name in names if not name.startswith("_")}  # type: ignore[attr-defined]


def _exported() -> set[str]:
    return set(medcomkit.__all__) - {"__version__"}


def test_all_is_sorted_and_unique() -> None:
    assert medcomkit.__all__ == sorted(set(medcomkit.__all__))


def test_every_public_name_resolves_and_nothing_else_does() -> None:
    for name in medcomkit.__all__:
        assert getattr(medcomkit, name) is not None, name
    with pytest.raises(AttributeError):
        medcomkit.no_such_name  # noqa: B018
    assert set(medcomkit._LAZY) <= set(medcomkit.__all__)  # a lazy name is a public one


def test_vars_and_dir_hold_exactly_all_after_the_main_entry_points_ran(tmp_path: Path) -> None:
    """Every public name used, and the entry points run (they import much of the package as a side
    effect): the public names of vars() and dir() are still exactly ``__all__``."""
    paths = {p.name: p for p in write_demo_km(tmp_path)}
    letter = medcomkit.parse(paths["km-xdis91.xml"])
    assert isinstance(letter, medcomkit.CareMessage)
    assert medcomkit.validate(medcomkit.build_xdis91(letter)).valid
    medcomkit.validate_many([paths["km-xdis91.xml"], paths["km-xbin01.xml"]], jobs=1)
    medcomkit.validate(medcomkit.wrap(paths["km-xdis91.xml"].read_bytes()))
    medcomkit.rules()
    for name in medcomkit.__all__:
        getattr(medcomkit, name)
    importlib.import_module("medcomkit.cli")
    importlib.import_module("medcomkit.dispatch")

    assert _public(vars(medcomkit)) == _exported()
    assert _public(dir(medcomkit)) == _exported()
    assert "__version__" in vars(medcomkit)


def test_what_leaked_before_is_not_reachable_unless_it_is_an_imported_submodule() -> None:
    """The 18 names that leaked out before: the helpers of ``__init__`` are gone for good; a
    submodule is an attribute only as Python makes it one (after ``import medcomkit.<name>``)."""
    for name in ("annotations", "importlib", "TYPE_CHECKING", "Any", "sys", "types", "typing"):
        with pytest.raises(AttributeError):
            getattr(medcomkit, name)
    for name in ("core", "dispatch", "edifact", "fhir", "model", "oioxml", "sor", "vans"):
        importlib.import_module(f"medcomkit.{name}")
        assert getattr(medcomkit, name) is sys.modules[f"medcomkit.{name}"]
        assert name not in vars(medcomkit)


def test_a_submodule_is_reached_once_imported_but_not_listed() -> None:
    importlib.import_module("medcomkit.oioxml.xdis91")
    assert medcomkit.oioxml is sys.modules["medcomkit.oioxml"]
    assert medcomkit.oioxml.xdis91.build_xdis91 is medcomkit.build_xdis91
    assert "oioxml" not in vars(medcomkit)
    assert "oioxml" not in dir(medcomkit)


def test_a_fresh_import_exposes_no_more_than_all() -> None:
    """In a new interpreter: importing the package binds only private names and a few public ones,
    every one of them in ``__all__``; using a name binds only that name."""
    code = (
        "import medcomkit\n"
        "before = sorted(n for n in vars(medcomkit) if not n.startswith('_'))\n"
        "medcomkit.validate(b'<x/>')\n"
        "after = sorted(n for n in vars(medcomkit) if not n.startswith('_'))\n"
        "print(before, after)\n"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert completed.stdout.strip() == "['rules'] ['rules', 'validate']"
