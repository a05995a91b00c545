"""Rules: a stable id, a severity, an issue type and a bilingual message template.

Every check in medcomkit is a :class:`Rule` registered here, so the full catalogue can be listed
(``medcomkit.rules()``) and documented, and an id never silently changes meaning.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import MedcomkitError
from .lang import Bilingual
from .report import Issue, IssueType, Severity

__all__ = ["Rule", "all_rules", "issue_for_error", "rule"]

_REGISTRY: dict[str, Rule] = {}


@dataclass(frozen=True, slots=True)
class Rule:
    """A named check. ``text`` holds ``{placeholders}`` filled in by :meth:`issue`."""

    id: str
    severity: Severity
    text: Bilingual
    type: IssueType = IssueType.INVALID

    def issue(self, location: str | None = None, line: int | None = None, **params: object) -> Issue:
        return Issue(self.id, self.severity, self.text, location, line, self.type, tuple(params.items()))


def rule(
    rule_id: str,
    severity: Severity,
    da: str,
    en: str,
    type: IssueType = IssueType.INVALID,
) -> Rule:
    """Define and register a rule; ids are unique across the package."""
    if rule_id in _REGISTRY:
        raise RuntimeError(f"rule {rule_id!r} is defined twice")
    defined = Rule(rule_id, severity, Bilingual(da, en), type)
    _REGISTRY[rule_id] = defined
    return defined


def all_rules() -> list[Rule]:
    """Every rule defined by the modules imported so far, sorted by id."""
    return sorted(_REGISTRY.values(), key=lambda r: r.id)


def issue_for_error(error: MedcomkitError) -> Issue:
    """The issue for an error that stopped reading, with its registered rule's severity and type
    where the code names one."""
    defined = _REGISTRY.get(error.code)
    severity = defined.severity if defined else Severity.ERROR
    issue_type = defined.type if defined else IssueType.STRUCTURE
    return Issue(error.code, severity, error.text, None, error.line, issue_type)
