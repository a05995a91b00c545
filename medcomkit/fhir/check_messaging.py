"""MedCom messaging: the Bundle, MessageHeader, Provenance and organisations of every MedCom message.

Messaging 4.0.2 for CareCommunication, 2.1.0 for the Acknowledgement (the same requirements,
except that 2.1.0 states them as conformsTo() invariants, medcom-messaging-1 and -3, which are
reported as well). Reference integrity lives here too: every reference must resolve inside the
Bundle, except the Provenance links to earlier messages, which by design point outside it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from ..core.kinds import Kind
from ..core.lang import Bilingual
from . import rules as r
from . import terminology as t
from .finding import Finding, finding
from .index import Entry, MessageIndex, codings, dicts, extensions, text
from .structure import Reference

__all__ = [
    "bundle",
    "header",
    "header_profile",
    "organizations",
    "provenance_profile",
    "provenances",
    "references",
]

# References that point to earlier messages on purpose (a reply keeps the Provenances of the thread).
_OUTSIDE = frozenset({"Provenance.target", "Provenance.entity.what"})
# The resource types a reference may point to, by element (profiles in play).
_TARGETS: dict[str, tuple[str, ...]] = {
    "MessageHeader.destination.receiver": ("Organization",),
    "MessageHeader.sender": ("Organization",),
    "MessageHeader.response.details": ("OperationOutcome",),
    "Communication.subject": ("Patient",),
    "Communication.encounter": ("Encounter",),
    "Communication.recipient": ("PractitionerRole", "CareTeam"),
    "Communication.payload.extension.valueIdentifier.assigner": ("Organization",),
    "Provenance.target": ("MessageHeader",),
    "Provenance.agent.who": ("Organization",),
    "Provenance.entity.what": ("MessageHeader",),
    "PractitionerRole.practitioner": ("Practitioner",),
    "PractitionerRole.organization": ("Organization",),
    "CareTeam.managingOrganization": ("Organization",),
    "Encounter.subject": ("Patient",),
    "Encounter.serviceProvider": ("Organization",),
    "Patient.managingOrganization": ("Organization",),
}
_OR = Bilingual("eller", "or")


def _expected(types: tuple[str, ...]) -> Bilingual:
    return Bilingual(f" {_OR.da} ".join(types), f" {_OR.en} ".join(types))


def bundle(index: MessageIndex, kind: Kind) -> Iterator[Finding]:
    """Bundle.id/type/timestamp, MessageHeader first, fullUrls, and at least one Provenance."""
    data = index.bundle
    if not text(data.get("id")):
        yield finding(r.BUNDLE_ID, "Bundle.id", data)
    kind_value = data.get("type")
    if isinstance(kind_value, str) and kind_value != "message":
        yield finding(r.BUNDLE_TYPE, "Bundle.type", data, value=kind_value)
    if data.get("timestamp") is None and data.get("_timestamp") is None:
        yield finding(r.BUNDLE_TIMESTAMP, "Bundle.timestamp", data)
    entries = data.get("entry")
    for number, entry in enumerate(entries if isinstance(entries, list) else []):
        if isinstance(entry, dict) and entry.get("resource") is None:
            yield finding(r.ENTRY_RESOURCE, f"Bundle.entry[{number}]", entry)
    head = entries[0] if isinstance(entries, list) and entries else None
    resource = head.get("resource") if isinstance(head, dict) else None
    head_type = resource.get("resourceType") if isinstance(resource, dict) else None
    if head_type != "MessageHeader":
        found = (
            Bilingual(f"en {head_type}", f"a {head_type}")
            if isinstance(head_type, str)
            else Bilingual("ingen ressource", "no resource")
        )
        yield finding(
            r.HEADER_FIRST, "Bundle.entry[0]", head if isinstance(head, dict) else data, found=found
        )
    urls = Counter(e.full_url for e in index.entries if e.full_url)
    for url, count in urls.items():
        if count > 1:
            yield finding(r.FULLURL_DUPLICATE, "Bundle.entry", data, url=url, count=count)
    for entry in index.entries:
        full_url = entry.full_url
        if (
            full_url
            and entry.id
            and not full_url.startswith("urn:")
            and not full_url.partition("/_history/")[0].endswith(entry.key)
        ):
            yield finding(
                r.FULLURL_ID,
                f"Bundle.entry[{entry.index}].fullUrl",
                entry.resource,
                url=full_url,
                type=entry.type,
                id=entry.id,
            )
    if not index.of_type("Provenance"):
        yield finding(r.PROVENANCE_EXISTS, "Bundle", data)


def references(index: MessageIndex, found: list[Reference]) -> Iterator[Finding]:
    """Every reference resolves inside the Bundle and points to a resource of an allowed type."""
    for reference in found:
        target = reference.data.get("reference")
        if not isinstance(target, str) or not target:
            continue  # a logical reference (identifier only) or an empty one (ele-1 says so)
        entry = index.resolve(target)
        if entry is None:
            if reference.element not in _OUTSIDE:
                yield finding(r.REFERENCE_UNRESOLVED, reference.path, reference.data, reference=target[:200])
            continue
        allowed = _TARGETS.get(reference.element)
        if allowed and entry.type not in allowed:
            yield finding(
                r.REFERENCE_TYPE,
                reference.path,
                reference.data,
                found=entry.type,
                expected=_expected(allowed),
            )


# --- MessageHeader --------------------------------------------------------------------------------
def header_profile(entry: Entry, index: MessageIndex) -> Iterator[Finding]:
    """What medcom-messaging-messageHeader requires of a MessageHeader."""
    resource, path = entry.resource, entry.path
    if not text(resource.get("id")):
        yield finding(r.HEADER_ID, f"{path}.id", resource)
    coding = resource.get("eventCoding")
    if isinstance(coding, dict):
        system, code = text(coding.get("system")), text(coding.get("code"))
        if system is None or code is None:
            what = Bilingual("system" if system is None else "code", "system" if system is None else "code")
            yield finding(r.HEADER_EVENT, f"{path}.eventCoding", coding, what=what, system=t.EVENT_SYSTEM)
        elif system != t.EVENT_SYSTEM or code not in t.MESSAGE_TYPES:
            yield finding(
                r.BINDING_MESSAGE_TYPES,
                f"{path}.eventCoding",
                coding,
                found=f"{system}#{code}",
                allowed=", ".join(sorted(t.MESSAGE_TYPES)) + f" ({t.EVENT_SYSTEM})",
            )
    destinations = dicts(resource.get("destination"))
    primary = 0
    for number, destination in enumerate(destinations):
        where = f"{path}.destination[{number}]"
        uses = extensions(destination, t.EXT_DESTINATION_USE)
        use = uses[0].get("valueCoding") if len(uses) == 1 else None
        code = use.get("code") if isinstance(use, dict) else None
        if (
            len(uses) != 1
            or not isinstance(use, dict)
            or use.get("system") != t.DESTINATION_USE_SYSTEM
            or (code not in t.DESTINATION_USE_CODES)
        ):
            if not uses:
                problem = Bilingual("den mangler", "it is missing")
            elif len(uses) > 1:
                problem = Bilingual(f"der er {len(uses)}", f"there are {len(uses)}")
            else:
                shown = f"{use.get('system')}#{code}" if isinstance(use, dict) else "?"
                problem = Bilingual(f"værdien er {shown}", f"its value is {shown}")
            yield finding(
                r.DESTINATION_USE,
                where,
                destination,
                problem=problem,
                url=t.EXT_DESTINATION_USE,
                system=t.DESTINATION_USE_SYSTEM,
            )
        primary += code == t.DESTINATION_PRIMARY
        if destination.get("receiver") is None:
            yield finding(r.RECEIVER, f"{where}.receiver", destination, element=where)
    if primary != 1:
        yield finding(r.DESTINATION_PRIMARY, f"{path}.destination", resource, count=primary)
    if resource.get("sender") is None:
        yield finding(r.SENDER, f"{path}.sender", resource)


def cc_destinations(entry: Entry) -> Iterator[tuple[int, dict[str, Any]]]:
    """The destinations of a MessageHeader whose use is 'cc'."""
    for number, destination in enumerate(dicts(entry.resource.get("destination"))):
        for use in extensions(destination, t.EXT_DESTINATION_USE):
            coding = use.get("valueCoding")
            if isinstance(coding, dict) and coding.get("code") == t.DESTINATION_CC:
                yield number, destination


def header(index: MessageIndex, kind: Kind) -> Iterator[Finding]:
    """The MessageHeader against the messaging profile; for the Acknowledgement also as medcom-messaging-1."""
    entry = index.header
    if entry is None:
        return
    found = list(header_profile(entry, index))
    yield from found
    if kind is Kind.ACKNOWLEDGEMENT and found:
        rules = ", ".join(sorted({f.rule.id for f in found}))
        yield finding(r.HEADER_CONFORMS, entry.path, entry.resource, rules=rules)
    if kind is Kind.CARE_COMMUNICATION:
        for number, destination in cc_destinations(entry):
            yield finding(
                r.DESTINATION_CC, f"{entry.path}.destination[{number}]", destination, kind="CareCommunication"
            )


# --- Provenance -----------------------------------------------------------------------------------
def provenance_profile(entry: Entry, kind: Kind = Kind.ACKNOWLEDGEMENT) -> Iterator[Finding]:
    """What medcom-messaging-provenance requires (the activity binding of ``kind``'s profile)."""
    resource, path = entry.resource, entry.path
    targets = dicts(resource.get("target"))
    if len(targets) != 1:
        yield finding(r.PROVENANCE_TARGET, f"{path}.target", resource, element=path, count=len(targets))
    if resource.get("occurredDateTime") is None and resource.get("_occurredDateTime") is None:
        yield finding(r.PROVENANCE_OCCURRED, f"{path}.occurredDateTime", resource, element=path)
    activity = resource.get("activity")
    activity_codings = codings(activity)
    complete = [c for c in activity_codings if text(c.get("system")) and text(c.get("code"))]
    if len(activity_codings) != 1 or len(complete) != 1:
        problem = Bilingual(
            f"{len(activity_codings)} codings, {len(complete)} med både system og kode",
            f"{len(activity_codings)} codings, {len(complete)} with both system and code",
        )
        yield finding(r.PROVENANCE_ACTIVITY, f"{path}.activity", resource, element=path, problem=problem)
    allowed = t.CARECOMMUNICATION_ACTIVITIES if kind is Kind.CARE_COMMUNICATION else t.ACTIVITY_CODES
    binding = r.BINDING_CC_ACTIVITIES if kind is Kind.CARE_COMMUNICATION else r.BINDING_ACTIVITIES
    for number, coding in enumerate(complete):
        if coding.get("system") != t.ACTIVITY_SYSTEM or coding.get("code") not in allowed:
            yield finding(
                binding,
                f"{path}.activity.coding[{number}]",
                coding,
                found=f"{coding.get('system')}#{coding.get('code')}",
                allowed=", ".join(sorted(allowed)),
            )


def current_provenances(index: MessageIndex) -> list[Entry]:
    """The Provenances whose target is this message's MessageHeader (normally exactly one)."""
    header_entry = index.header
    if header_entry is None:
        return []
    return [
        entry
        for entry in index.of_type("Provenance")
        if any(found is header_entry for found in index.resolve_all(entry.resource.get("target")))
    ]


def provenances(index: MessageIndex, kind: Kind) -> Iterator[Finding]:
    """Every Provenance against the profile, and one for this message."""
    for entry in index.of_type("Provenance"):
        found = list(provenance_profile(entry, kind))
        yield from found
        if kind is Kind.ACKNOWLEDGEMENT and found:
            rules = ", ".join(sorted({f.rule.id for f in found}))
            yield finding(r.PROVENANCES_CONFORM, entry.path, entry.resource, element=entry.path, rules=rules)
    header_entry = index.header
    # CareCommunication and Acknowledgement add a Provenance for every message (their governance); the
    # generic messaging profile only says so in a description, which one of MedCom's examples ignores.
    known = kind in (Kind.CARE_COMMUNICATION, Kind.ACKNOWLEDGEMENT)
    if known and header_entry is not None and index.of_type("Provenance") and not current_provenances(index):
        yield finding(r.PROVENANCE_CURRENT, "Bundle", index.bundle, id=header_entry.id or "?")


# --- Organizations --------------------------------------------------------------------------------
def messaging_organizations(index: MessageIndex) -> dict[int, tuple[Entry, Bilingual]]:
    """The Organizations that send, receive or act in the message (MedComMessagingOrganization), by entry."""
    found: dict[int, tuple[Entry, Bilingual]] = {}
    header_entry = index.header
    if header_entry is not None:
        for sender in index.resolve_all(header_entry.resource.get("sender")):
            found.setdefault(sender.index, (sender, Bilingual("Afsenderen", "sender")))
        for destination in dicts(header_entry.resource.get("destination")):
            for receiver in index.resolve_all(destination.get("receiver")):
                found.setdefault(receiver.index, (receiver, Bilingual("Modtageren", "receiver")))
    for provenance in index.of_type("Provenance"):
        for agent in dicts(provenance.resource.get("agent")):
            for who in index.resolve_all(agent.get("who")):
                found.setdefault(who.index, (who, Bilingual("Provenance-agenten", "Provenance agent")))
    return {k: v for k, v in found.items() if v[0].type == "Organization"}


def organizations(index: MessageIndex) -> Iterator[Finding]:
    """Sender, receiver and agents each carry exactly one SOR id and one EAN/GLN location number."""
    for entry, role in messaging_organizations(index).values():
        systems = Counter(i.get("system") for i in dicts(entry.resource.get("identifier")))
        sor = systems[t.SOR_SYSTEM]
        gln = sum(systems[s] for s in t.GLN_SYSTEMS)
        problems_da, problems_en = [], []
        for count, name in ((sor, "SOR-id"), (gln, "EAN/GLN")):
            if count == 0:
                problems_da.append(f"mangler {name}")
                problems_en.append(f"lacks a {name}")
            elif count > 1:
                problems_da.append(f"har {count} {name}")
                problems_en.append(f"has {count} {name}s")
        if problems_da:
            name = text(entry.resource.get("name")) or entry.key
            yield finding(
                r.ORGANIZATION_IDENTIFIERS,
                f"{entry.path}.identifier",
                entry.resource,
                role=role,
                name=name,
                problem=Bilingual(" og ".join(problems_da), " and ".join(problems_en)),
                sor=t.SOR_SYSTEM,
                gln=t.GLN_SYSTEM,
            )
