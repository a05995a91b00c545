"""Names a package imports on first use, so that importing the package stays cheap.

:mod:`medcomkit.vans` and :mod:`medcomkit.edifact` list their public names with the module each
lives in: the dispatcher imports the codec packages only to sniff, and a command line that validates
one XML file should not pay for the mailbox or the EDIFACT grammar. (``medcomkit`` itself keeps its
own ``__getattr__``: importing it must load no module but itself.)
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_names"]


def lazy_names(package: str, homes: Mapping[str, str], namespace: dict[str, Any]) -> Callable[[str], object]:
    """A module ``__getattr__`` for ``package``: a name in ``homes`` is imported from its module
    (relative to the package) on first use and bound in ``namespace``, so later look-ups skip it."""

    def __getattr__(name: str) -> object:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(home, package), name)
        namespace[name] = value
        return value

    return __getattr__
