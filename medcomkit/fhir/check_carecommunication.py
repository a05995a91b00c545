"""CareCommunication 5.0.4: the message, its MessageHeader, the Communication and the Provenance trail.

A CareCommunication is one Communication (a thread segment: category, topic, priority, text
segments and attachments, each signed with date, author, phone and identifier) plus one
Provenance per message in the thread. The published invariants are reported where the problem
is (the resource or segment), though several are defined on the Bundle.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

from ..core.lang import Bilingual
from . import check_core as core
from . import invariants as inv
from . import rules as r
from . import terminology as t
from .check_messaging import current_provenances
from .finding import Finding, finding
from .index import Entry, MessageIndex, codings, dicts, extensions, first, profiles, text

__all__ = ["message"]

_SEGMENT_EXTENSIONS = (
    ("date", t.EXT_DATETIME),
    ("author", t.EXT_PRACTITIONER),
    ("authorContact", t.EXT_CONTACT),
    ("identifier", t.EXT_IDENTIFIER),
)
# (least, most) of each extension, for a text segment and for an attachment.
_TEXT_CARDINALITY = {"date": (1, 1), "author": (1, 1), "authorContact": (1, 1), "identifier": (1, 1)}
_ATTACHMENT_CARDINALITY = {"date": (1, 1), "author": (0, 1), "authorContact": (0, 1), "identifier": (1, 1)}


def message(index: MessageIndex, size: int) -> Iterator[Finding]:
    communications = index.of_type("Communication")
    if len(communications) != 1:
        yield finding(r.CC_COMMUNICATION, "Bundle", index.bundle, count=len(communications))
    yield from _header(index)
    yield from _bundle_invariants(index, communications)
    for entry in communications:
        yield from _communication(entry, index)
    yield from _provenances(index, communications)
    yield from _limits(index, communications, size)


# --- MessageHeader --------------------------------------------------------------------------------
def _header(index: MessageIndex) -> Iterator[Finding]:
    entry = index.header
    if entry is None:
        return
    resource, path = entry.resource, entry.path
    focus = dicts(resource.get("focus"))
    if len(focus) != 1:
        yield finding(r.CC_HEADER_FOCUS, f"{path}.focus", resource, count=len(focus))
    for number, reference in enumerate(focus):
        target = index.resolve(reference)
        if target is not None and target.type != "Communication":
            yield finding(
                r.REFERENCE_TYPE,
                f"{path}.focus[{number}]",
                reference,
                found=target.type,
                expected="Communication",
            )
    definition = resource.get("definition")
    if definition is None:
        yield finding(
            r.CC_HEADER_DEFINITION, f"{path}.definition", resource, expected=t.CARECOMMUNICATION_DEFINITION
        )
    elif not inv.definition_url(definition, index):
        yield finding(
            r.CC_DEFINITION,
            f"{path}.definition",
            resource,
            value=str(definition)[:200],
            expected=t.CARECOMMUNICATION_DEFINITION,
        )
    if not inv.header_profile_declared(index.bundle, index):
        head = index.entries[0] if index.entries and index.entries[0].index == 0 else None
        if head is not None and head.type == "MessageHeader":
            shown = ", ".join(profiles(head.resource))
            problem = Bilingual(
                f"meta.profile er '{shown or 'tom'}'", f"meta.profile is '{shown or 'empty'}'"
            )
            yield finding(r.CC_HEADER_PROFILE, f"{head.path}.meta.profile", head.resource, problem=problem)
        else:
            found = head.type if head is not None else "?"
            problem = Bilingual(f"entry[0] er en {found}", f"entry[0] is a {found}")
            yield finding(r.CC_HEADER_PROFILE, "Bundle.entry[0]", index.bundle, problem=problem)


# --- Bundle-level invariants ---------------------------------------------------------------------
def _bundle_invariants(index: MessageIndex, communications: list[Entry]) -> Iterator[Finding]:
    patients = index.of_type("Patient")
    if len(patients) != 1:
        where = patients[1].path if len(patients) > 1 else "Bundle"
        yield finding(r.CC_ONE_PATIENT, where, index.bundle, count=len(patients))
    for entry in index.of_type("Provenance"):
        if not inv._cc_provenance(entry.resource):
            yield finding(
                r.CC_PROVENANCE_PROFILE, f"{entry.path}.meta.profile", entry.resource, element=entry.path
            )
    for entry in index.of_type("Practitioner"):
        if not dicts(entry.resource.get("name")):
            yield finding(r.CC_PRACTITIONER_NAME, f"{entry.path}.name", entry.resource, element=entry.path)
    for entry in index.of_type("PractitionerRole"):
        if not any(text(p.get("reference")) for p in dicts(entry.resource.get("practitioner"))):
            yield finding(
                r.CC_ROLE_PRACTITIONER, f"{entry.path}.practitioner", entry.resource, element=entry.path
            )
    if not inv.sender_organization(index.bundle, index):
        for entry in communications:
            for number, extension in enumerate(dicts(entry.resource.get("extension"))):
                if extension.get("url") == t.EXT_SENDER:
                    target = _reference_text(extension.get("valueReference"))
                    yield finding(
                        r.CC_SENDER_ORGANIZATION,
                        f"{entry.path}.extension[{number}]",
                        extension,
                        target=target,
                    )
    if not inv.recipient_organization(index.bundle, index):
        for entry in communications:
            for number, recipient in enumerate(dicts(entry.resource.get("recipient"))):
                target = _reference_text(recipient)
                yield finding(
                    r.CC_RECIPIENT_ORGANIZATION, f"{entry.path}.recipient[{number}]", recipient, target=target
                )
    if not inv.encounter_referenced(index.bundle, index):
        yield from _encounter_problem(index, communications)


def _reference_text(reference: Any) -> str:
    return str(reference.get("reference", "?"))[:120] if isinstance(reference, dict) else "?"


def _encounter_problem(index: MessageIndex, communications: list[Entry]) -> Iterator[Finding]:
    encounters = index.of_type("Encounter")
    for entry in communications:
        referenced = dicts(entry.resource.get("encounter"))
        if not encounters:
            problem = Bilingual(
                "Communication.encounter er udfyldt, men Bundle har ingen Encounter",
                "Communication.encounter is set, but the Bundle has no Encounter",
            )
        elif not referenced:
            problem = Bilingual(
                f"Bundle har en Encounter ({encounters[0].key}), men Communication.encounter peger ikke "
                "på den",
                f"The Bundle has an Encounter ({encounters[0].key}), but Communication.encounter does not "
                "point to it",
            )
        else:
            problem = Bilingual(
                "Communication.encounter peger ikke på Bundlens Encounter",
                "Communication.encounter does not point to the Bundle's Encounter",
            )
        yield finding(r.CC_ENCOUNTER, f"{entry.path}.encounter", entry.resource, problem=problem)


# --- the Communication ----------------------------------------------------------------------------
def _communication(entry: Entry, index: MessageIndex) -> Iterator[Finding]:
    resource, path = entry.resource, entry.path
    yield from _identifier(resource, path)
    status = resource.get("status")
    if isinstance(status, str) and status != "unknown":
        yield finding(r.CC_STATUS, f"{path}.status", resource, value=status)
    yield from _category(resource, path)
    priority = resource.get("priority")
    if isinstance(priority, str) and priority not in t.REQUEST_PRIORITIES:
        yield finding(
            r.BINDING_PRIORITY,
            f"{path}.priority",
            resource,
            found=priority,
            allowed=", ".join(sorted(t.REQUEST_PRIORITIES)),
        )
    if not inv.priority_only_for_referral(resource, index):
        category = ", ".join(inv._category_codes(resource))
        yield finding(r.CC_PRIORITY, f"{path}.priority", resource, priority=str(priority), category=category)
    if resource.get("subject") is None:
        yield finding(r.CC_SUBJECT, f"{path}.subject", resource)
    topic = resource.get("topic")
    if isinstance(topic, dict) and not text(topic.get("text")):
        yield finding(r.CC_TOPIC_TEXT, f"{path}.topic.text", topic)
    if not inv.topic_for_other(resource, index):
        yield finding(r.CC_TOPIC_OTHER, f"{path}.topic", resource)
    recipients = dicts(resource.get("recipient"))
    if len(recipients) > 1:
        yield finding(r.CC_RECIPIENT, f"{path}.recipient", resource, count=len(recipients))
    if not inv.episode_identifier(resource, index):
        yield finding(r.CC_EPISODE, f"{path}.encounter", resource)
    senders = extensions(resource, t.EXT_SENDER)
    for number, extension in enumerate(dicts(resource.get("extension"))):
        if extension.get("url") == t.EXT_SENDER:
            yield from core.sender_extension(extension, f"{path}.extension[{number}]", index)
    if len(senders) > 1:
        problem = Bilingual(
            f"forekommer {len(senders)} gange (højst én)", f"occurs {len(senders)} times (at most once)"
        )
        yield finding(r.EXTENSION_SHAPE, f"{path}.extension", resource, name="sender", problem=problem)
    yield from _payloads(resource, path, index)


def _identifier(resource: dict[str, Any], path: str) -> Iterator[Finding]:
    identifiers = dicts(resource.get("identifier"))
    if len(identifiers) != 1:
        problem = Bilingual(f"forekommer {len(identifiers)} gange", f"occurs {len(identifiers)} times")
        yield finding(r.CC_IDENTIFIER, f"{path}.identifier", resource, problem=problem)
    for number, identifier in enumerate(identifiers):
        where = f"{path}.identifier[{number}]"
        if not text(identifier.get("value")):
            problem = Bilingual("har ingen value", "has no value")
            yield finding(r.CC_IDENTIFIER, f"{where}.value", identifier, problem=problem)
        else:
            yield from core.uuid_value(identifier, where)


def _category(resource: dict[str, Any], path: str) -> Iterator[Finding]:
    categories = dicts(resource.get("category"))
    problem: Bilingual | None = None
    where, node = f"{path}.category", resource
    if len(categories) != 1:
        problem = Bilingual(f"forekommer {len(categories)} gange", f"occurs {len(categories)} times")
    else:
        found = dicts(categories[0].get("coding"))
        where, node = f"{path}.category[0].coding", categories[0]
        if len(found) != 1:
            problem = Bilingual(f"har {len(found)} codings", f"has {len(found)} codings")
        else:
            coding = found[0]
            where, node = f"{where}[0]", coding
            system, code = text(coding.get("system")), text(coding.get("code"))
            if code is None:
                problem = Bilingual("har en coding uden kode (code)", "has a coding without a code")
                where = f"{where}.code"
            elif system is None:
                problem = Bilingual("har en coding uden system", "has a coding without a system")
                where = f"{where}.system"
            elif system != t.CATEGORY_SYSTEM or code not in t.CATEGORIES:
                yield finding(
                    r.BINDING_CATEGORIES,
                    where,
                    coding,
                    found=f"{system}#{code}",
                    allowed=", ".join(t.CATEGORIES) + f" ({t.CATEGORY_SYSTEM})",
                )
    if problem is not None:
        yield finding(r.CC_CATEGORY, where, node, problem=problem, system=t.CATEGORY_SYSTEM)


def _payloads(resource: dict[str, Any], path: str, index: MessageIndex) -> Iterator[Finding]:
    payloads = resource.get("payload")
    items = (
        [(n, p) for n, p in enumerate(payloads) if isinstance(p, dict)] if isinstance(payloads, list) else []
    )
    if not any("contentString" in p for _, p in items):
        yield finding(r.CC_TEXT_SEGMENT, f"{path}.payload", resource)
    for number, payload in items:
        where = f"{path}.payload[{number}]"
        if "contentString" in payload:
            cardinality = _TEXT_CARDINALITY
        elif "contentAttachment" in payload:
            cardinality = _ATTACHMENT_CARDINALITY
            yield from _attachment(payload.get("contentAttachment"), f"{where}.contentAttachment")
        else:
            continue  # contentReference, or no content (the structural check says so)
        counts = Counter(e.get("url") for e in dicts(payload.get("extension")))
        for name, url in _SEGMENT_EXTENSIONS:
            least, most = cardinality[name]
            count = counts[url]
            if count < least or count > most:
                problem = (
                    Bilingual(f"mangler extension'en {name} ({url})", f"lacks the {name} extension ({url})")
                    if count < least
                    else Bilingual(
                        f"har {count} {name}-extensions (højst {most})",
                        f"has {count} {name} extensions (at most {most})",
                    )
                )
                yield finding(r.CC_PAYLOAD_EXTENSION, where, payload, problem=problem)
        for n, extension in enumerate(dicts(payload.get("extension"))):
            kind, at = extension.get("url"), f"{where}.extension[{n}]"
            if kind == t.EXT_DATETIME:
                yield from core.date_extension(extension, at)
            elif kind == t.EXT_PRACTITIONER:
                yield from core.practitioner_extension(extension, at, index)
                yield from _author(extension, at, index)
            elif kind == t.EXT_CONTACT:
                yield from core.contact_extension(extension, at)
            elif kind == t.EXT_IDENTIFIER:
                yield from core.identifier_extension(extension, at)


def _author(extension: dict[str, Any], where: str, index: MessageIndex) -> Iterator[Finding]:
    """medcom-careCommunication-7 and -8 for one segment's author."""
    role = index.resolve(extension.get("valueReference"))
    if role is not None and not inv.role_has_one_kind_of_code(role.resource):
        concepts = dicts(role.resource.get("code"))
        both = any(codings(concepts)) and any(text(c.get("text")) for c in concepts)
        problem = (
            Bilingual("har både en rollekode og en fritekst", "has both a role code and a free text")
            if both
            else Bilingual("har hverken rollekode eller fritekst", "has neither a role code nor a free text")
        )
        yield finding(r.CC_AUTHOR_ROLE, f"{role.path}.code", role.resource, element=role.key, problem=problem)
    if not inv.author_named(index, extension):
        yield finding(r.CC_AUTHOR_NAME, where, extension, element=where.rpartition(".extension")[0])


def _attachment(attachment: Any, where: str) -> Iterator[Finding]:
    if not isinstance(attachment, dict):
        return
    if not text(attachment.get("title")):
        yield finding(r.CC_ATTACHMENT_TITLE, f"{where}.title", attachment, element=where)
    content_type = attachment.get("contentType")
    if isinstance(content_type, str):
        if content_type not in t.ATTACHMENT_MIME_TYPES:
            yield finding(
                r.BINDING_MIME_TYPES,
                f"{where}.contentType",
                attachment,
                found=content_type,
                allowed=", ".join(sorted(t.ATTACHMENT_MIME_TYPES)),
            )
    elif attachment.get("data") is not None:
        yield finding(r.ATTACHMENT_TYPE, f"{where}.contentType", attachment, element=where)


# --- the Provenance trail -------------------------------------------------------------------------
def _segment_ids(communications: list[Entry]) -> dict[str, str]:
    """Segment identifier value → the FHIRPath of its payload."""
    found: dict[str, str] = {}
    for entry in communications:
        payloads = entry.resource.get("payload")
        for number, payload in enumerate(payloads if isinstance(payloads, list) else []):
            for extension in extensions(payload, t.EXT_IDENTIFIER):
                identifier = extension.get("valueIdentifier")
                value = text(identifier.get("value")) if isinstance(identifier, dict) else None
                if value is not None:
                    found.setdefault(value, f"{entry.path}.payload[{number}]")
    return found


def _key(reference: Any) -> str | None:
    """``MessageHeader/<id>`` from a reference string, relative, absolute or with a version."""
    target = text(reference.get("reference")) if isinstance(reference, dict) else text(reference)
    if target is None:
        return None
    parts = target.partition("/_history/")[0].rstrip("/").split("/")
    return "/".join(parts[-2:]) if len(parts) >= 2 else target


def _provenances(index: MessageIndex, communications: list[Entry]) -> Iterator[Finding]:
    segments = _segment_ids(communications)
    traced: set[str] = set()
    for entry in index.of_type("Provenance"):
        yield from _entities(entry, segments, traced)
    for value, where in segments.items():
        if value not in traced:
            yield finding(r.CC_PAYLOAD_UNTRACED, where, None, value=value)
    yield from _revisions(index)


def _entities(entry: Entry, segments: dict[str, str], traced: set[str]) -> Iterator[Finding]:
    resource, path = entry.resource, entry.path
    entities = dicts(resource.get("entity"))
    sources = 0
    revisions = 0
    for number, entity in enumerate(entities):
        where = f"{path}.entity[{number}]"
        role = entity.get("role")
        if role == "source":
            sources += 1
            what = entity.get("what")
            identifier = what.get("identifier") if isinstance(what, dict) else None
            value = text(identifier.get("value")) if isinstance(identifier, dict) else None
            if value is None:
                problem = Bilingual(
                    "har role 'source', men intet what.identifier.value",
                    "has role 'source' but no what.identifier.value",
                )
                yield finding(
                    r.CC_ENTITY_SOURCE, f"{where}.what.identifier", entity, element=where, problem=problem
                )
            elif value in segments:
                traced.add(value)
            else:
                yield finding(
                    r.CC_ENTITY_UNKNOWN, f"{where}.what.identifier.value", entity, element=where, value=value
                )
        elif role == "revision":
            revisions += 1
        elif isinstance(role, str):
            yield finding(r.CC_ENTITY_ROLE, f"{where}.role", entity, element=where, role=role)
    if sources == 0:
        problem = Bilingual("har ingen entity med role 'source'", "has no entity with role 'source'")
        yield finding(r.CC_ENTITY_SOURCE, f"{path}.entity", resource, element=path, problem=problem)
    if revisions > 1:
        problem = Bilingual(
            f"har {revisions} entities med role 'revision' (højst én)",
            f"has {revisions} entities with role 'revision' (at most one)",
        )
        yield finding(r.CC_ENTITY_REVISION, f"{path}.entity", resource, element=path, problem=problem)


def _revisions(index: MessageIndex) -> Iterator[Finding]:
    """The Provenance of this message points to the previous message when it replies or forwards."""
    current = current_provenances(index)
    earlier = {
        key
        for entry in index.of_type("Provenance")
        if entry not in current
        for key in (_key(target) for target in dicts(entry.resource.get("target")))
        if key is not None
    }
    for entry in current:
        activity = next((c.get("code") for c in codings(entry.resource.get("activity"))), None)
        revisions = [
            (n, e) for n, e in enumerate(dicts(entry.resource.get("entity"))) if e.get("role") == "revision"
        ]
        if activity in (t.ACTIVITY_REPLY, t.ACTIVITY_FORWARD) and not revisions:
            problem = Bilingual(
                f"har activity '{activity}', men ingen entity med role 'revision'",
                f"has activity '{activity}' but no entity with role 'revision'",
            )
            yield finding(
                r.CC_ENTITY_REVISION,
                f"{entry.path}.entity",
                entry.resource,
                element=entry.path,
                problem=problem,
            )
        for number, entity in revisions:
            what = first(entity.get("what"))
            where = f"{entry.path}.entity[{number}].what"
            if what is None or (what.get("reference") is None and what.get("identifier") is None):
                problem = Bilingual(
                    "har hverken what.reference eller what.identifier",
                    "has neither what.reference nor what.identifier",
                )
                yield finding(
                    r.CC_ENTITY_REVISION,
                    where,
                    entity,
                    element=f"{entry.path}.entity[{number}]",
                    problem=problem,
                )
                continue
            yield from _revision_identifier(what, where)
            key = _key(what)
            if what.get("reference") is not None and key not in earlier:
                yield finding(
                    r.CC_REVISION_UNKNOWN,
                    f"{where}.reference",
                    what,
                    element=where,
                    reference=str(what.get("reference"))[:200],
                )


_LOCATION_FIRST = re.compile(r"[0-9]{13}#.+")
_LOCATION_LAST = re.compile(r".+#[0-9]{13}")


def _revision_identifier(what: dict[str, Any], where: str) -> Iterator[Finding]:
    """An OIOXML/EDIFACT predecessor is named [lokationsnummer]#[brevid]; warn when the two are swapped."""
    identifier = what.get("identifier")
    value = text(identifier.get("value")) if isinstance(identifier, dict) else None
    if value is not None and not _LOCATION_FIRST.fullmatch(value) and _LOCATION_LAST.fullmatch(value):
        yield finding(
            r.CC_REVISION_IDENTIFIER, f"{where}.identifier.value", identifier, element=where, value=value
        )


def _limits(index: MessageIndex, communications: list[Entry], size: int) -> Iterator[Finding]:
    attachments = 0
    for entry in communications:
        payloads = entry.resource.get("payload")
        for payload in payloads if isinstance(payloads, list) else []:
            attachment = payload.get("contentAttachment") if isinstance(payload, dict) else None
            if isinstance(attachment, dict) and attachment.get("data") is not None:
                attachments += 1
    if attachments > t.MAX_ATTACHMENTS_DURING_CONVERSION:
        yield finding(r.CC_ATTACHMENT_COUNT, "Bundle", index.bundle, count=attachments)
    if size > t.MAX_MESSAGE_BYTES:
        yield finding(r.CC_MESSAGE_SIZE, "Bundle", index.bundle, size=size)
