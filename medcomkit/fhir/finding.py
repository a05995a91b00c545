"""What one FHIR check reports: a :class:`Finding`, before it becomes an issue with a line number.

The ``check_*`` modules yield findings and :mod:`~medcomkit.fhir.checks` collects them; keeping
the type apart lets the checks import it without importing the module that runs them.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from ..core.rules import Rule

__all__ = ["Finding", "finding"]


class Finding(NamedTuple):
    """What a check found: which rule, where (FHIRPath), the JSON object it is about, and text params."""

    rule: Rule
    location: str | None
    node: object
    params: dict[str, Any]


def finding(rule: Rule, location: str | None, node: object = None, **params: Any) -> Finding:
    return Finding(rule, location, node, params)
