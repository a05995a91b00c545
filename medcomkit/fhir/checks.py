"""Running every FHIR check over one document and collecting the issues.

The checks themselves are generators of :class:`Finding` in the ``check_*`` modules (pure
functions of the message, easy to test alone); this module orders them, turns findings into
issues with line numbers (XML) and drops repeats of the same rule at the same place.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..core.kinds import Kind
from ..core.report import Issue
from ..core.rules import IssueCollector, Rule
from . import rules as r
from .document import FhirDocument
from .finding import Finding

__all__ = ["Checker"]


class Checker(IssueCollector):
    """Collects the issues of one document, one per rule and place."""

    __slots__ = ("_seen", "document", "locations")

    def __init__(self, document: FhirDocument) -> None:
        super().__init__(document.issues)
        self.document = document
        self._seen: set[tuple[str, str | None]] = {(i.rule, i.location) for i in self.issues}
        self.locations: set[str] = {i.location for i in self.issues if i.location}

    def add(self, rule: Rule, location: str | None, node: object = None, /, **params: Any) -> None:
        key = (rule.id, location)
        if key in self._seen:
            return
        self._seen.add(key)
        if location:
            self.locations.add(location)
            params.setdefault("element", location)
        line = self.document.line(node) if node is not None else None
        self.issues.append(rule.issue(location, line, **params))

    def extend(self, findings: Iterable[Finding]) -> None:
        for found in findings:
            self.add(found.rule, found.location, found.node, **found.params)

    def add_issue(self, issue: Issue) -> None:
        key = (issue.rule, issue.location)
        if key not in self._seen:
            self._seen.add(key)
            if issue.location:
                self.locations.add(issue.location)
            self.issues.append(issue)

    def add_issues(self, issues: Iterable[Issue]) -> None:
        """Issues from R4B, unless the walk already named a problem at exactly the same place."""
        for issue in issues:
            if issue.location in self.locations:
                continue
            key = (issue.rule, issue.location)
            if key not in self._seen:
                self._seen.add(key)
                self.issues.append(issue)


def run(checker: Checker, kind: Kind, *, messaging: bool = True) -> None:
    """Every check for a message of ``kind``; a resource that is no message gets structural checks only."""
    from . import check_acknowledgement, check_carecommunication, check_core, check_danish, check_messaging
    from ._resources import model_issues
    from .index import MessageIndex
    from .structure import walk

    resource = checker.document.resource
    walked = walk(resource, checker.add)
    too_deep = any(i.rule == r.TOO_DEEP.id for i in checker.issues)
    if not too_deep:
        checker.add_issues(model_issues(resource, str(resource.get("resourceType", "?"))))
    if not messaging or too_deep:
        return
    index = MessageIndex(resource)
    checker.extend(check_messaging.bundle(index, kind))
    checker.extend(check_messaging.references(index, walked.references))
    checker.extend(check_messaging.header(index, kind))
    checker.extend(check_messaging.provenances(index, kind))
    checker.extend(check_messaging.organizations(index))
    checker.extend(check_danish.identifiers(index))
    checker.extend(check_core.resources(index))
    if kind is Kind.CARE_COMMUNICATION:
        checker.extend(check_carecommunication.message(index, checker.document.size))
    elif kind is Kind.ACKNOWLEDGEMENT:
        checker.extend(check_acknowledgement.message(index))
