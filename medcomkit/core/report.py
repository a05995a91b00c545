"""Validation results as data: issues with a rule id, severity, location and bilingual text.

A :class:`Report` is what :func:`medcomkit.validate` returns for any input, good or bad. It
renders as JSON (for tools), as text (for people) and as a FHIR OperationOutcome (for FHIR
users). CPR numbers in messages are masked (``250947-****``) unless asked otherwise.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, NamedTuple

from .errors import BuildError
from .kinds import Kind
from .lang import Bilingual, Lang, shorten
from .mask import mask_cpr

__all__ = [
    "ISSUES_OMITTED",
    "MAX_ISSUES",
    "Issue",
    "IssueType",
    "Report",
    "Severity",
    "bound_issues",
    "omitted_issue",
    "raise_for_errors",
]


class Severity(StrEnum):
    """FHIR IssueSeverity, minus ``fatal`` (a report is always produced)."""

    ERROR = "error"
    WARNING = "warning"
    INFORMATION = "information"


class IssueType(StrEnum):
    """The FHIR IssueType codes medcomkit uses, so OperationOutcome output is meaningful."""

    INVALID = "invalid"
    STRUCTURE = "structure"
    REQUIRED = "required"
    VALUE = "value"
    INVARIANT = "invariant"
    SECURITY = "security"
    TOO_LONG = "too-long"
    TOO_COSTLY = "too-costly"
    CODE_INVALID = "code-invalid"
    BUSINESS_RULE = "business-rule"
    NOT_SUPPORTED = "not-supported"
    INFORMATIONAL = "informational"


_SEVERITY_LABEL: dict[Severity, Bilingual] = {
    Severity.ERROR: Bilingual("FEJL", "ERROR"),
    Severity.WARNING: Bilingual("ADVARSEL", "WARNING"),
    Severity.INFORMATION: Bilingual("INFO", "INFO"),
}


class Issue(NamedTuple):
    """One finding: which rule, how serious, where, and what to do about it.

    The message is ``template`` filled with ``params``, formatted only when read, so validating
    costs nothing for text nobody looks at. (An immutable named tuple: cheap to create, as a
    validation may produce many.)
    """

    rule: str
    severity: Severity
    template: Bilingual
    location: str | None = None
    line: int | None = None
    type: IssueType = IssueType.INVALID
    params: tuple[tuple[str, object], ...] = ()

    @property
    def text(self) -> Bilingual:
        if not self.params:
            return self.template
        # Values from the message are quoted short (see shorten); the rest goes in as it is.
        return self.template.format(
            **{name: shorten(value) if isinstance(value, str) else value for name, value in self.params}
        )

    def message(self, lang: Lang = "da", *, mask: bool = True) -> str:
        text = self.text.get(lang)
        return mask_cpr(text) if mask else text

    def to_dict(self, lang: Lang = "da", *, mask: bool = True) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "location": self.location,
            "line": self.line,
            "message": self.message(lang, mask=mask),
        }


# A report lists at most this many issues, then one more saying how many were left out: a crafted
# message can break a rule a million times, and neither memory nor the reader gains from a million
# lines. The rule is registered (for the catalogue) in ``medcomkit.dispatch``.
MAX_ISSUES = 1000
ISSUES_OMITTED = "report.issues-omitted"
OMITTED_TEXT = Bilingual(
    "… og {count} fund mere, som ikke vises: en rapport viser højst {limit}. Ret de viste, og validér igen.",
    "… and {count} more issues, not shown: a report lists at most {limit}. Fix those and validate again.",
)
_RANK = {Severity.INFORMATION: 0, Severity.WARNING: 1, Severity.ERROR: 2}


def omitted_issue(count: int, worst: Severity) -> Issue:
    """The issue that stands for ``count`` issues left out, as serious as the worst of them."""
    return Issue(
        ISSUES_OMITTED,
        worst,
        OMITTED_TEXT,
        None,
        None,
        IssueType.TOO_COSTLY,
        (("count", count), ("limit", MAX_ISSUES)),
    )


def bound_issues(issues: Sequence[Issue], limit: int = MAX_ISSUES) -> tuple[Issue, ...]:
    """The first ``limit`` issues, then one :func:`omitted_issue` for the rest (merging any such
    issue a checker already made)."""
    if len(issues) <= limit and not any(issue.rule == ISSUES_OMITTED for issue in issues):
        return tuple(issues)
    kept: list[Issue] = []
    omitted = 0
    worst = Severity.INFORMATION
    for issue in issues:
        if issue.rule == ISSUES_OMITTED:
            count = dict(issue.params).get("count", 0)
            omitted += count if isinstance(count, int) else 0
        elif len(kept) < limit:
            kept.append(issue)
            continue
        else:
            omitted += 1
        worst = max(worst, issue.severity, key=_RANK.__getitem__)
    if omitted:
        kept.append(omitted_issue(omitted, worst))
    return tuple(kept)


@dataclass(frozen=True, slots=True)
class Report:
    """The outcome of validating one input; ``valid`` when no issue is an error.

    At most :data:`MAX_ISSUES` issues are kept, followed by one saying how many more there were.
    """

    kind: Kind
    issues: tuple[Issue, ...] = ()
    path: str | None = None

    def __post_init__(self) -> None:
        if len(self.issues) > MAX_ISSUES or any(issue.rule == ISSUES_OMITTED for issue in self.issues):
            bounded = bound_issues(self.issues)
            if bounded != self.issues:
                object.__setattr__(self, "issues", bounded)

    @property
    def valid(self) -> bool:
        return not any(issue.severity is Severity.ERROR for issue in self.issues)

    @property
    def errors(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if i.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if i.severity is Severity.WARNING)

    def rules(self) -> set[str]:
        """The ids of every rule that produced an issue (handy in tests and scripts)."""
        return {issue.rule for issue in self.issues}

    def to_dict(self, lang: Lang = "da", *, mask: bool = True) -> dict[str, Any]:
        return {
            "path": self.path,
            "kind": self.kind.value,
            "valid": self.valid,
            "issues": [issue.to_dict(lang, mask=mask) for issue in self.issues],
        }

    def to_json(self, lang: Lang = "da", *, mask: bool = True, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(lang, mask=mask), ensure_ascii=False, indent=indent)

    def to_text(self, lang: Lang = "da", *, mask: bool = True) -> str:
        """A report for a person: verdict first, then each issue with where and how to fix it."""
        name = self.path or "<input>"
        counts = _counts(self.issues, lang)
        if self.valid:
            verdict = "gyldig" if lang == "da" else "valid"
        else:
            verdict = "ugyldig" if lang == "da" else "invalid"
        lines = [f"{name}: {self.kind.value} — {verdict}{counts}"]
        for issue in self.issues:
            where = []
            if issue.line is not None:
                where.append(f"{'linje' if lang == 'da' else 'line'} {issue.line}")
            if issue.location:
                where.append(issue.location)
            label = _SEVERITY_LABEL[issue.severity].get(lang)
            lines.append(f"  {label} [{issue.rule}]{'  ' + '  '.join(where) if where else ''}")
            lines.extend(f"      {part}" for part in issue.message(lang, mask=mask).splitlines())
        return "\n".join(lines)

    def to_operation_outcome(self, lang: Lang = "da", *, mask: bool = True) -> dict[str, Any]:
        """The report as a FHIR R4 OperationOutcome (JSON-ready dict)."""
        issues: list[dict[str, Any]] = []
        for issue in self.issues:
            entry: dict[str, Any] = {
                "severity": issue.severity.value,
                "code": issue.type.value,
                "details": {
                    "coding": [{"system": "urn:medcomkit:rule", "code": issue.rule}],
                    "text": issue.message(lang, mask=mask),
                },
            }
            if issue.line is not None:
                entry["extension"] = [
                    {
                        "url": "http://hl7.org/fhir/StructureDefinition/operationoutcome-issue-line",
                        "valueInteger": issue.line,
                    }
                ]
            if issue.location:
                key = "location" if issue.location.startswith("/") else "expression"
                entry[key] = [issue.location]
            issues.append(entry)
        if not issues:
            issues.append(
                {
                    "severity": "information",
                    "code": "informational",
                    "details": {"text": "Ingen fejl fundet" if lang == "da" else "No issues found"},
                }
            )
        return {"resourceType": "OperationOutcome", "issue": issues}


def _counts(issues: Iterable[Issue], lang: Lang) -> str:
    errors = warnings = 0
    for issue in issues:
        errors += issue.severity is Severity.ERROR
        warnings += issue.severity is Severity.WARNING
    if not errors and not warnings:
        return ""
    if lang == "da":
        parts = [f"{errors} fejl"] if errors else []
        if warnings:
            parts.append(f"{warnings} advarsel" if warnings == 1 else f"{warnings} advarsler")
    else:
        parts = [f"{errors} error{'s' * (errors != 1)}"] if errors else []
        if warnings:
            parts.append(f"{warnings} warning{'s' * (warnings != 1)}")
    return f" ({', '.join(parts)})"


def raise_for_errors(issues: Iterable[Issue], code: str, lead: Bilingual) -> None:
    """For builders: raise :class:`BuildError` ``code`` listing every error among ``issues``
    after ``lead`` (such as "The built XDIS91 is invalid: "); do nothing when there is none."""
    errors = [i for i in issues if i.severity is Severity.ERROR]
    if errors:
        da = "; ".join(f"{i.location or ''}: {i.message('da')}" for i in errors)
        en = "; ".join(f"{i.location or ''}: {i.message('en')}" for i in errors)
        raise BuildError(code, Bilingual(lead.da + da, lead.en + en))
