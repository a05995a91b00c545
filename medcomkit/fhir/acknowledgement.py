"""Acknowledgement 2.0 (FHIR R4): the receipt for a FHIR message, built from and read into the
neutral :class:`~medcomkit.model.messages.Receipt`.

An Acknowledgement answers one MessageHeader (``response.identifier``) with ``ok``,
``transient-error`` or ``fatal-error``; a negative one carries an OperationOutcome with
MedCom's error codes. It holds two Provenances: a copy of the newest Provenance of the message
it answers, and its own (activity ``acknowledgement``, revision of the answered MessageHeader).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ..core.errors import ParseError
from ..core.lang import Bilingual
from ..core.report import Issue, Severity
from ..core.xmltree import now_local
from ..model.messages import (
    Activity,
    Envelope,
    MessageRef,
    Organisation,
    Receipt,
    ReceiptKind,
    ReceiptLetter,
    RefuseReason,
    ThreadEvent,
)
from . import terminology as t
from . import vocabulary as v
from ._bundle import (
    DEFAULT_BASE,
    BundleReader,
    Format,
    Json,
    fhir_time,
    load_bundle,
    organization_resource,
    parse_time,
    provenance_resource,
    raise_if_invalid,
    reading,
)

__all__ = [
    "acknowledge",
    "acknowledgement_resource",
    "build_acknowledgement",
    "issue_type_for",
    "read_acknowledgement",
    "reason_for_issue_type",
]


_IDS = uuid.UUID("2b0e6a7c-41f3-5c8d-8e1a-93d5c7b2f604")
_RESPONSE = {
    ReceiptKind.POSITIVE: "ok",
    ReceiptKind.TRANSIENT: "transient-error",
    ReceiptKind.NEGATIVE: "fatal-error",
    ReceiptKind.VANS_NEGATIVE: "fatal-error",
}
_KIND = {
    "ok": ReceiptKind.POSITIVE,
    "transient-error": ReceiptKind.TRANSIENT,
    "fatal-error": ReceiptKind.NEGATIVE,
}
# OperationOutcome issue type for each OIOXML refusal reason (the mapping sheets pair RefuseCode
# with issue.code without a table; these are the closest FHIR issue types).
_ISSUE_TYPE = {
    RefuseReason.UNSPECIFIED: "processing",
    RefuseReason.UNKNOWN_LOCATION_NUMBER: "not-found",
    RefuseReason.RECEIVER_ID_PROBLEM: "not-found",
    RefuseReason.VERSION_PROBLEM: "not-supported",
    RefuseReason.SYNTAX_ERROR: "structure",
}
_REASON_BY_TYPE = {
    "processing": RefuseReason.UNSPECIFIED,
    "not-found": RefuseReason.RECEIVER_ID_PROBLEM,
    "not-supported": RefuseReason.VERSION_PROBLEM,
    "structure": RefuseReason.SYNTAX_ERROR,
}


def issue_type_for(reason: RefuseReason) -> str:
    """The OperationOutcome issue type an OIOXML refusal reason is written as."""
    return _ISSUE_TYPE[reason]


def reason_for_issue_type(code: str) -> RefuseReason:
    """The OIOXML refusal reason an OperationOutcome issue type is read as."""
    return _REASON_BY_TYPE.get(code, RefuseReason.UNSPECIFIED)


# MedCom's issue-details code for each refusal reason, when the caller gives none.
_DETAIL = {
    RefuseReason.UNSPECIFIED: "MSG_BAD_FORMAT",
    RefuseReason.UNKNOWN_LOCATION_NUMBER: "MSG_Receiver_Identifier_UNKNOWN",
    RefuseReason.RECEIVER_ID_PROBLEM: "MSG_Receiver_Identifier_UNKNOWN",
    RefuseReason.VERSION_PROBLEM: "MSG_RECEIVER_UNABLE_TO_RECEIVE_MSG_TYPE",
    RefuseReason.SYNTAX_ERROR: "MSG_BAD_SYNTAX",
}


def acknowledgement_resource(receipt: Receipt, *, base: str = DEFAULT_BASE) -> Json:
    """The receipt as an Acknowledgement Bundle in its JSON form (a dict)."""
    if not receipt.letters:
        raise ParseError(
            "ack.build-response",
            Bilingual(
                "En Acknowledgement skal svare på én meddelelse (letters[0] = dens MessageHeader-id).",
                "An Acknowledgement must answer one message (letters[0] = its MessageHeader id).",
            ),
        )

    def rid(role: str) -> str:
        return str(uuid.uuid5(_IDS, f"{receipt.message_id}/{role}"))

    answered = receipt.letters[0].letter_id
    organisations: dict[str, str] = {}
    parties = [receipt.sender, receipt.receiver]
    if receipt.acknowledged is not None:
        parties.append(receipt.acknowledged.sender)
    org_resources = []
    for party in parties:
        if party.ean not in organisations:
            organisations[party.ean] = rid(f"Organization/{party.ean}")
            org_resources.append(
                organization_resource(party, organisations[party.ean], t.PROFILE_MESSAGING_ORGANIZATION)
            )
    response: Json = {"identifier": answered, "code": _RESPONSE[receipt.kind]}
    entries: list[Json] = []
    outcome: Json | None = None
    if receipt.kind is not ReceiptKind.POSITIVE:
        outcome = _operation_outcome(receipt, rid("OperationOutcome"))
        response["details"] = {"reference": f"OperationOutcome/{outcome['id']}"}
    header: Json = {
        "resourceType": "MessageHeader",
        "id": receipt.message_id,
        "meta": {"profile": [t.PROFILE_ACK_HEADER]},
        "text": {
            "status": "generated",
            "div": '<div xmlns="http://www.w3.org/1999/xhtml">'
            f"<p>Acknowledgement {response['code']} for MessageHeader {answered}</p></div>",
        },
        "eventCoding": {"system": t.EVENT_SYSTEM, "code": t.EVENT_ACKNOWLEDGEMENT},
        "destination": [
            {
                "extension": [
                    {
                        "url": t.EXT_DESTINATION_USE,
                        "valueCoding": {"system": t.DESTINATION_USE_SYSTEM, "code": "primary"},
                    }
                ],
                "endpoint": v.sor_endpoint(receipt.receiver.sor or ""),
                "receiver": {"reference": f"Organization/{organisations[receipt.receiver.ean]}"},
            }
        ],
        "sender": {"reference": f"Organization/{organisations[receipt.sender.ean]}"},
        "source": {"endpoint": v.sor_endpoint(receipt.sender.sor or "")},
        "response": response,
    }
    entries.append(header)
    if receipt.acknowledged is not None:
        who = f"Organization/{organisations[receipt.acknowledged.sender.ean]}"
        entries.append(
            provenance_resource(
                receipt.acknowledged, who, rid("Provenance/acknowledged"), t.PROFILE_MESSAGING_PROVENANCE
            )
        )
    own = ThreadEvent(
        message_id=receipt.message_id,
        activity=Activity.ACKNOWLEDGEMENT,
        sender=receipt.sender,
        occurred=receipt.envelope.sent,
        previous=MessageRef(answered),
    )
    who = f"Organization/{organisations[receipt.sender.ean]}"
    entries.append(
        provenance_resource(own, who, rid("Provenance/acknowledgement"), t.PROFILE_MESSAGING_PROVENANCE)
    )
    entries.extend(org_resources)
    if outcome is not None:
        entries.append(outcome)
    return {
        "resourceType": "Bundle",
        "id": receipt.envelope.identifier,
        "meta": {"profile": [t.PROFILE_ACK_MESSAGE]},
        "type": "message",
        "timestamp": fhir_time(receipt.envelope.sent),
        "entry": [{"fullUrl": f"{base}{r['resourceType']}/{r['id']}", "resource": r} for r in entries],
    }


def _operation_outcome(receipt: Receipt, rid: str) -> Json:
    letter = receipt.letters[0]
    reason = letter.refuse_reason or receipt.refuse_reason or RefuseReason.UNSPECIFIED
    text = letter.refuse_text or receipt.refuse_text
    code = receipt.detail_code or _DETAIL[reason]
    details: Json = {"coding": [{"system": v.ack_detail_system(code), "code": code}]}
    if text:
        details["text"] = text
    return {
        "resourceType": "OperationOutcome",
        "id": rid,
        "meta": {"profile": [t.PROFILE_ACK_OUTCOME]},
        "issue": [{"severity": "error", "code": _ISSUE_TYPE[reason], "details": details}],
    }


def build_acknowledgement(
    receipt: Receipt, *, format: Format = "json", base: str = DEFAULT_BASE, check: bool = True
) -> bytes:
    """Write an Acknowledgement message Bundle as JSON or XML (validated when ``check``)."""
    from .document import write_fhir

    data = write_fhir(acknowledgement_resource(receipt, base=base), format)
    if check:
        raise_if_invalid(data, "Acknowledgement")
    return data


def read_acknowledgement(data: bytes | Mapping[str, Any]) -> Receipt:
    """The neutral receipt of an Acknowledgement (JSON or XML bytes, or its JSON form as a dict)."""
    return _read(load_bundle(data))


@reading("Acknowledgement")
def _read(bundle: Json) -> Receipt:
    reader = BundleReader(bundle, "Acknowledgement")
    header = reader.header
    response = header.get("response") or {}
    if "identifier" not in response:
        raise ParseError(
            "ack.parse-response",
            Bilingual(
                "Kvitteringens MessageHeader har intet response.identifier.",
                "The acknowledgement's MessageHeader has no response.identifier.",
            ),
        )
    sender, receiver = reader.sender(), reader.receiver()
    events = reader.events()
    acknowledged = next((e for e in events if e.message_id == response["identifier"]), None)
    reason = text = detail = None
    outcome = reader.get(response.get("details"))
    if outcome is not None:
        issue = (outcome.get("issue") or [{}])[0]
        reason = _REASON_BY_TYPE.get(issue.get("code", ""), RefuseReason.UNSPECIFIED)
        details = issue.get("details") or {}
        text = details.get("text")
        detail = ((details.get("coding") or [{}])[0]).get("code")
    return Receipt(
        kind=_KIND.get(response.get("code", ""), ReceiptKind.NEGATIVE),
        envelope=Envelope(
            identifier=bundle.get("id", ""),
            sent=parse_time(bundle.get("timestamp")) or datetime.min,
            positive_receipt=False,
        ),
        message_id=header.get("id", ""),
        sender=sender,
        receiver=receiver,
        original_sender=receiver,
        original_receiver=sender,
        letters=(ReceiptLetter(response["identifier"], refuse_reason=reason, refuse_text=text),),
        detail_code=detail,
        acknowledged=acknowledged,
    )


def acknowledge(
    data: bytes,
    *,
    message_id: str | None = None,
    envelope_id: str | None = None,
    when: datetime | None = None,
    format: Format | None = None,
) -> tuple[Receipt, bytes]:
    """Validate a received CareCommunication and build the Acknowledgement to send back:
    ``ok`` when it is valid, else ``fatal-error`` with an OperationOutcome naming each error."""
    from .document import read_fhir
    from .validate import validate_fhir

    document = read_fhir(data)
    _, issues = validate_fhir(data)
    errors = [i for i in issues if i.severity is Severity.ERROR]
    parties = _parties(document.resource)
    if parties is None:
        raise ParseError(
            "ack.unanswerable",
            Bilingual(
                "Meddelelsen kan ikke kvitteres: den mangler MessageHeader-id, afsender eller modtager.",
                "The message cannot be acknowledged: it lacks a MessageHeader id, sender or receiver.",
            ),
        )
    header_id, sender, receiver, events = parties
    latest = next((e for e in events if e.message_id == header_id), None)
    receipt = Receipt(
        kind=ReceiptKind.NEGATIVE if errors else ReceiptKind.POSITIVE,
        envelope=Envelope(
            identifier=envelope_id or str(uuid.uuid4()), sent=when or now_local(), positive_receipt=False
        ),
        message_id=message_id or str(uuid.uuid4()),
        sender=receiver,
        receiver=sender,
        original_sender=sender,
        original_receiver=receiver,
        letters=(
            ReceiptLetter(
                header_id,
                refuse_reason=RefuseReason.SYNTAX_ERROR if errors else None,
                refuse_text=_describe(errors) if errors else None,
            ),
        ),
        detail_code=_detail_for(errors) if errors else None,
        acknowledged=latest,
    )
    return receipt, build_acknowledgement(receipt, format=format or document.format)


def _parties(bundle: Json) -> tuple[str, Organisation, Organisation, list[ThreadEvent]] | None:
    """The answered MessageHeader id, its sender and receiver and its thread, if they can be read."""
    try:
        reader = BundleReader(bundle, "CareCommunication")
        header_id = reader.header.get("id")
        if not isinstance(header_id, str):
            return None
        return header_id, reader.sender(), reader.receiver(), reader.events()
    except (ParseError, AttributeError, TypeError, KeyError, IndexError, ValueError):
        return None


def _describe(errors: list[Issue]) -> str:
    """The errors as OperationOutcome text: rule id and English message, as a receiver's log shows."""
    return "\n".join(f"[{issue.rule}] {issue.location or ''}: {issue.message('en')}" for issue in errors[:20])


def _detail_for(errors: list[Issue]) -> str:
    """The MedCom acknowledgement code that best names the first error."""
    rule = errors[0].rule
    if "binding" in rule or "code" in rule or "category" in rule or "enumeration" in rule:
        return "MSG_VALUESET_VALUE_UNKNOWN"
    if "length" in rule or "too-long" in rule:
        return "MSG_Element_To_Long"
    if "datatype" in rule or "timezone" in rule or "format" in rule:
        return "MSG_Datatype_Wrong"
    return "MSG_BAD_FORMAT"
