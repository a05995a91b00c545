"""What a self-test case came to: its outcome and the findings behind it.

Plain data, apart from :mod:`~medcomkit.selftest.run` (which produces it) so that the writers can
render results without importing the runner that calls them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ..core.report import Issue, Severity
from .cases import Case

__all__ = ["CaseResult", "Finding", "Outcome"]


class Outcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    MISSING = "missing"  # no message from the vendor's system for the case


@dataclass(frozen=True, slots=True)
class Finding:
    """One issue found in a case, and the file it is about (``None``: the case as a whole)."""

    file: str | None
    issue: Issue


@dataclass(frozen=True, slots=True)
class CaseResult:
    case: Case
    outcome: Outcome
    files: tuple[str, ...] = ()
    answered: tuple[str, ...] = ()
    findings: tuple[Finding, ...] = ()

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.issue.severity is Severity.ERROR)
