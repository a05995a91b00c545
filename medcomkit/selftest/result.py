"""What a self-test case came to: its outcome and the findings behind it.

Plain data, apart from :mod:`~medcomkit.selftest.run` (which produces it) so that the writers can
render results without importing the runner that calls them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ..core.report import Issue, Severity
from .cases import Case

__all__ = ["CaseIssue", "CaseResult", "Outcome"]


class Outcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    MISSING = "missing"  # no message from the vendor's system for the case


@dataclass(frozen=True, slots=True)
class CaseIssue:
    """One issue found in a case, and the file it is about (``None``: the case as a whole).

    Called ``Finding`` before; that name now means only what a FHIR check yields (a rule and a place,
    not yet an issue), so one word keeps one meaning across packages.
    """

    file: str | None
    issue: Issue


@dataclass(frozen=True, slots=True)
class CaseResult:
    case: Case
    outcome: Outcome
    files: tuple[str, ...] = ()
    answered: tuple[str, ...] = ()
    findings: tuple[CaseIssue, ...] = ()

    @property
    def errors(self) -> tuple[CaseIssue, ...]:
        return tuple(f for f in self.findings if f.issue.severity is Severity.ERROR)
