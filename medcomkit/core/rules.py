"""Rules: a stable id, a severity, an issue type and a bilingual message template.

Every check in medcomkit is a :class:`Rule` registered here, so the full catalogue can be listed
(``medcomkit.rules()``) and documented, and an id never silently changes meaning. The issues a
validation finds are gathered by one collector type, :class:`IssueCollector`, in every codec.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .errors import MedcomkitError
from .lang import Bilingual
from .report import Issue, IssueType, Severity

__all__ = ["IssueCollector", "Rule", "all_rules", "issue_for_error", "rule"]

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


class IssueCollector:
    """The one collector type: the issues of one document, as its checks find them.

    Every codec's checks report through ``add(rule, where, **params)``. What ``where`` is differs by
    wire format (an lxml element for OIOXML, a FHIRPath for FHIR, a segment for EDIFACT), so a codec
    subclasses this and says in :meth:`locate` how ``where`` becomes a location and a line. What a codec
    adds beyond that is its subclass's own: OIOXML counts the issues past the report's limit instead of
    keeping them, FHIR keeps one issue per rule and place.
    """

    __slots__ = ("issues",)

    def __init__(self, issues: Iterable[Issue] = ()) -> None:
        self.issues: list[Issue] = list(issues)

    def locate(self, where: Any) -> tuple[str | None, int | None]:
        """The location text and line of ``where``; here ``where`` is the location text itself."""
        return where, None

    def add(self, rule: Rule, where: Any, /, **params: Any) -> None:
        """Record an issue of ``rule`` at ``where``, its text filled in from ``params``."""
        location, line = self.locate(where)
        self.issues.append(rule.issue(location, line, **params))

    def add_issue(self, issue: Issue) -> None:
        """Record an issue made elsewhere (by a schema, a parser, another library)."""
        self.issues.append(issue)
