"""``validate_fhir``: a MedCom FHIR message (JSON or XML bytes) in, its kind and every issue out.

Never raises for bad input: bytes that are not a FHIR resource give one issue naming why, and a
resource that is not a CareCommunication or Acknowledgement still gets its base FHIR checks.
"""

from __future__ import annotations

from typing import Any

from ..core.errors import ParseError, SourceError
from ..core.kinds import Kind
from ..core.lang import Bilingual
from ..core.report import Issue
from ..core.rules import issue_for_error
from ..core.xml import MAX_DOCUMENT_BYTES, XmlDocument
from . import rules as r
from . import terminology as t
from .checks import Checker, run
from .document import FhirDocument, read_fhir, read_fhir_xml

__all__ = ["message_kind", "validate_document", "validate_fhir", "validate_fhir_xml"]

_KINDS = {t.EVENT_CARECOMMUNICATION: Kind.CARE_COMMUNICATION, t.EVENT_ACKNOWLEDGEMENT: Kind.ACKNOWLEDGEMENT}


def _header(resource: dict[str, Any]) -> dict[str, Any] | None:
    entries = resource.get("entry")
    for entry in entries if isinstance(entries, list) else ():
        found = entry.get("resource") if isinstance(entry, dict) else None
        if isinstance(found, dict) and found.get("resourceType") == "MessageHeader":
            return found
    return None


def message_kind(resource: dict[str, Any]) -> tuple[Kind, Issue | None]:
    """CareCommunication or Acknowledgement by the MessageHeader's event, or unknown and why.

    A MedCom message of another kind (empty-message, HospitalNotification …) is unknown but still
    a message: its issue is about the kind, and the messaging checks run (see :func:`is_message`).
    """
    resource_type = resource.get("resourceType")
    if resource_type != "Bundle":
        what = Bilingual(
            f"Ressourcen er en {resource_type}, ikke en Bundle",
            f"The resource is a {resource_type}, not a Bundle",
        )
        return Kind.UNKNOWN, r.NOT_A_MESSAGE.issue(str(resource_type), what=what)
    header = _header(resource)
    if header is None:
        bundle_type = resource.get("type")
        what = Bilingual(
            f"Bundle (type '{bundle_type}') har ingen MessageHeader",
            f"The Bundle (type '{bundle_type}') has no MessageHeader",
        )
        return Kind.UNKNOWN, r.NOT_A_MESSAGE.issue("Bundle", what=what)
    coding = header.get("eventCoding")
    code = coding.get("code") if isinstance(coding, dict) else None
    kind = _KINDS.get(code) if isinstance(code, str) else None
    if kind is None:
        if code == "empty-message":
            return Kind.UNKNOWN, r.MESSAGE_GENERIC.issue("Bundle", code=code)
        return Kind.UNKNOWN, r.MESSAGE_NOT_SUPPORTED.issue("Bundle", code=str(code)[:100])
    return kind, None


def is_message(resource: dict[str, Any]) -> bool:
    """A Bundle with a MessageHeader: worth the MedCom messaging checks whatever its event."""
    return resource.get("resourceType") == "Bundle" and _header(resource) is not None


def validate_document(document: FhirDocument) -> tuple[Kind, list[Issue]]:
    """Validate a FHIR resource already read; see :func:`validate_fhir`."""
    kind, problem = message_kind(document.resource)
    checker = Checker(document)
    if problem is not None:
        checker.add_issue(problem)
    try:
        run(checker, kind, messaging=is_message(document.resource))
    except MemoryError:
        raise
    except Exception as error:
        checker.add(r.CHECK_FAILED, None, detail=f"{type(error).__name__}: {error}"[:200])
    return kind, checker.issues


def validate_fhir(data: bytes, *, max_bytes: int = MAX_DOCUMENT_BYTES) -> tuple[Kind, list[Issue]]:
    """The kind of a MedCom FHIR message and every issue found in it (JSON or XML bytes)."""
    try:
        document = read_fhir(data, max_bytes=max_bytes)
    except (ParseError, SourceError) as error:
        return Kind.UNKNOWN, [issue_for_error(error)]
    return validate_document(document)


def validate_fhir_xml(document: XmlDocument, data: bytes) -> tuple[Kind, list[Issue]]:
    """:func:`validate_fhir` for FHIR XML the caller has already parsed safely."""
    try:
        fhir_document = read_fhir_xml(document, data)
    except ParseError as error:
        return Kind.UNKNOWN, [issue_for_error(error)]
    return validate_document(fhir_document)
