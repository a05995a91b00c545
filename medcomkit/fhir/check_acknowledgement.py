"""Acknowledgement 2.0.3: the response in the MessageHeader and the OperationOutcome that explains errors."""

from __future__ import annotations

from collections.abc import Iterator

from ..core.lang import Bilingual
from . import invariants as inv
from . import rules as r
from . import terminology as t
from .check_ack_header import header_profile
from .check_messaging import current_provenances
from .finding import Finding, finding
from .index import Entry, MessageIndex, codings, dicts, first, text

__all__ = ["message"]


def message(index: MessageIndex) -> Iterator[Finding]:
    header = index.header
    if header is not None:
        yield from header_profile(header, index)
    if not inv.operation_outcome_for_errors(index.bundle, index):
        code = inv.response_code(index)
        shown = code if code is not None else Bilingual("(mangler)", "(missing)")
        where = f"{header.path}.response.code" if header is not None else "Bundle"
        yield finding(r.ACK_OPERATION_OUTCOME, where, header.resource if header else None, code=shown)
    elif header is not None:
        code = inv.response_code(index)
        response = header.resource.get("response")
        details = response.get("details") if isinstance(response, dict) else None
        if code not in (None, t.RESPONSE_OK) and details is None:
            yield finding(r.ACK_DETAILS, f"{header.path}.response.details", header.resource, code=code)
    for entry in index.of_type("OperationOutcome"):
        yield from _issue_details(entry)
    if header is not None:
        yield from _own_provenance(header, index)


def _own_provenance(header: Entry, index: MessageIndex) -> Iterator[Finding]:
    """The acknowledgement's Provenance: activity 'acknowledgement', revision → the acknowledged header."""
    for entry in current_provenances(index):
        activity = [c.get("code") for c in codings(entry.resource.get("activity"))]
        revisions = [e for e in dicts(entry.resource.get("entity")) if e.get("role") == "revision"]
        problem: Bilingual | None = None
        if t.ACTIVITY_ACKNOWLEDGEMENT not in activity:
            problem = Bilingual(
                f"har activity {activity or 'ingen'}, ikke 'acknowledgement'",
                f"has activity {activity or 'none'}, not 'acknowledgement'",
            )
        elif not revisions:
            problem = Bilingual("har ingen entity med role 'revision'", "has no entity with role 'revision'")
        if problem is not None:
            yield finding(r.ACK_PROVENANCE, entry.path, entry.resource, problem=problem)
            continue
        what = first(revisions[0].get("what"))
        reference = text(what.get("reference")) if what else None
        response = header.resource.get("response")
        identifier = text(response.get("identifier")) if isinstance(response, dict) else None
        if reference and identifier and reference.rpartition("/")[2] != identifier:
            yield finding(
                r.ACK_RESPONSE_IDENTIFIER,
                f"{header.path}.response.identifier",
                response,
                identifier=identifier,
                reference=reference,
            )


def _issue_details(entry: Entry) -> Iterator[Finding]:
    for number, issue in enumerate(dicts(entry.resource.get("issue"))):
        details = first(issue.get("details"))
        for n, coding in enumerate(codings(details)):
            system, code = coding.get("system"), coding.get("code")
            if (system, code) not in t.ACK_ISSUE_DETAIL_CODES:
                yield finding(
                    r.BINDING_ISSUE_DETAILS,
                    f"{entry.path}.issue[{number}].details.coding[{n}]",
                    coding,
                    found=f"{system}#{code}",
                    allowed=Bilingual(
                        f"koderne fra {t.OPERATION_OUTCOME_SYSTEM} (MSG_…) og {t.ACK_ERROR_SYSTEM}",
                        f"the codes of {t.OPERATION_OUTCOME_SYSTEM} (MSG_…) and {t.ACK_ERROR_SYSTEM}",
                    ),
                )
