"""The published invariants of the MedCom and dk-core profiles, implemented in Python.

CareCommunication's are those of version 5.0.4 (its FSH: 5.0.2's invariants with invariant 15 moved to
the Bundle and the definition-url regex's '|' escaped); the 5.0.2 StructureDefinitions still carry
the two defective expressions, so ``defect`` says how they differ.

Evaluating FHIRPath at validation time costs milliseconds per expression, so each invariant is a
small Python function over the JSON form with the same verdict as its published expression. A
test evaluates every published expression with fhirpathpy on every reference example and on
mutants, and compares. Where the published expression is defective, the function implements what
the invariant intends and ``defect`` says how the two differ (the test checks that difference).

Functions take the context node the invariant is defined on (the Bundle index, a resource, an
Identifier, a value) and return ``True`` when the invariant holds.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..model.identifiers import dkcore_date_ok, gln_check_digit
from . import terminology as t
from .index import MessageIndex, codings, dicts, extensions, first, profiles, text

__all__ = ["INVARIANTS", "Invariant"]

Check = Callable[[Any, MessageIndex], bool]


@dataclass(frozen=True, slots=True)
class Invariant:
    """One published invariant: where it applies, its Python verdict and any defect we correct."""

    id: str
    source: str  # the profile that publishes it
    context: str  # FHIRPath selecting the nodes it is evaluated on, from the Bundle
    holds: Check
    defect: str | None = None  # how the published expression differs from what is checked


INVARIANTS: dict[str, Invariant] = {}
EMPTY_INDEX = MessageIndex({})  # for invariants on single values, which need no Bundle


def _register(
    invariant_id: str, source: str, context: str, defect: str | None = None
) -> Callable[[Check], Check]:
    def decorate(function: Check) -> Check:
        INVARIANTS[invariant_id] = Invariant(invariant_id, source, context, function, defect)
        return function

    return decorate


def _resolved(index: MessageIndex, reference: Any) -> dict[str, Any] | None:
    found = index.resolve(reference)
    return found.resource if found is not None else None


def _same(a: dict[str, Any] | None, b: dict[str, Any] | None) -> bool:
    return a is not None and b is not None and (a is b or a == b)


# --- MedCom messaging ----------------------------------------------------------------------------
@_register("medcom-messaging-2", "messaging 4.0.2 / 2.1.0", "Bundle")
def provenance_exists(bundle: Any, index: MessageIndex) -> bool:
    return bool(index.of_type("Provenance"))


@_register(
    "medcom-messaging-1",
    "messaging 2.1.0 (Acknowledgement)",
    "Bundle",
    defect="conformsTo() with the outdated canonical /fhir/messaging/…; checked: the MessageHeader meets "
    "the messaging header profile's requirements",
)
def header_conforms(bundle: Any, index: MessageIndex) -> bool:
    from .check_messaging import header_profile

    return all(not list(header_profile(entry, index)) for entry in index.of_type("MessageHeader"))


@_register(
    "medcom-messaging-3",
    "messaging 2.1.0 (Acknowledgement)",
    "Bundle",
    defect="conformsTo() with the outdated canonical /fhir/messaging/…; checked: every Provenance meets "
    "the messaging provenance profile's requirements",
)
def provenances_conform(bundle: Any, index: MessageIndex) -> bool:
    from .check_messaging import provenance_profile

    return all(not list(provenance_profile(entry)) for entry in index.of_type("Provenance"))


# --- CareCommunication 5.0.4: the message ------------------------------------------------------
@_register("medcom-careCommunication-1", "CareCommunication 5.0.4", "Bundle")
def header_profile_declared(bundle: Any, index: MessageIndex) -> bool:
    entries = bundle.get("entry") if isinstance(bundle, dict) else None
    head = entries[0] if isinstance(entries, list) and entries else None
    resource = head.get("resource") if isinstance(head, dict) else None
    if not isinstance(resource, dict) or resource.get("resourceType") != "MessageHeader":
        return False
    return any(p.startswith(t.PROFILE_CC_MESSAGE_HEADER) for p in profiles(resource))


@_register("medcom-careCommunication-2", "CareCommunication 5.0.4", "Bundle")
def one_patient(bundle: Any, index: MessageIndex) -> bool:
    return len(index.of_type("Patient")) == 1


@_register("medcom-careCommunication-3", "CareCommunication 5.0.4", "Bundle")
def provenance_profiles(bundle: Any, index: MessageIndex) -> bool:
    return all(_cc_provenance(entry.resource) for entry in index.of_type("Provenance"))


def _cc_provenance(resource: dict[str, Any]) -> bool:
    return any(p.startswith(t.PROFILE_CC_PROVENANCE) for p in profiles(resource))


@_register(
    "medcom-careCommunication-4",
    "CareCommunication 5.0.4",
    "Bundle",
    defect="published: entry.resource.ofType(Practitioner).name.exists() holds when any one Practitioner "
    "has a name (and fails when there is none at all); checked: every Practitioner has a name",
)
def practitioner_names(bundle: Any, index: MessageIndex) -> bool:
    return all(dicts(entry.resource.get("name")) for entry in index.of_type("Practitioner"))


def _organization_of(index: MessageIndex, reference: Any) -> dict[str, Any] | None:
    """The Organization a PractitionerRole (organization) or CareTeam (managingOrganization) belongs to."""
    target = _resolved(index, reference)
    if target is None:
        return None
    owner = target.get("managingOrganization") if target.get("resourceType") == "CareTeam" else None
    if owner is None:
        owner = target.get("organization")
    owner = first(owner)
    return _resolved(index, owner) if owner is not None else None


@_register(
    "medcom-careCommunication-11",
    "CareCommunication 5.0.4",
    "Bundle",
    defect="published: looks at every Communication extension, so an unrelated extension without the "
    "sender extension makes it fail; checked: the sender extension only, as its text says",
)
def sender_organization(bundle: Any, index: MessageIndex) -> bool:
    header = index.header
    sender = _resolved(index, header.resource.get("sender")) if header else None
    for entry in index.of_type("Communication"):
        for extension in extensions(entry.resource, t.EXT_SENDER):
            if not _same(_organization_of(index, extension.get("valueReference")), sender):
                return False
    return True


def _equal(left: list[dict[str, Any] | None], right: list[dict[str, Any] | None]) -> bool:
    """FHIRPath ``=`` on two collections of resources: same size, equal item by item, not empty."""
    return (
        bool(left) and len(left) == len(right) and all(_same(a, b) for a, b in zip(left, right, strict=True))
    )


@_register("medcom-careCommunication-12", "CareCommunication 5.0.4", "Bundle")
def recipient_organization(bundle: Any, index: MessageIndex) -> bool:
    header = index.header
    receivers = [
        _resolved(index, d.get("receiver"))
        for d in dicts(header.resource.get("destination") if header else None)
    ]
    receivers = [r for r in receivers if r is not None]
    recipients = [
        target
        for entry in index.of_type("Communication")
        for reference in dicts(entry.resource.get("recipient"))
        if (target := _resolved(index, reference)) is not None
    ]
    if not any(dicts(e.resource.get("recipient")) for e in index.of_type("Communication")):
        return True
    # As published: the CareTeams' managing organisations, or the PractitionerRoles' organisations, as a
    # collection, equal the receivers.
    managing = [_resolved(index, first(t.get("managingOrganization"))) for t in recipients]
    owning = [_resolved(index, first(t.get("organization"))) for t in recipients]
    managing = [m for m in managing if m is not None]
    owning = [o for o in owning if o is not None]
    return _equal(managing, receivers) or _equal(owning, receivers)


@_register(
    "medcom-careCommunication-13",
    "CareCommunication 5.0.4",
    "Bundle",
    defect="published: holds when any one PractitionerRole has a practitioner reference (and fails when "
    "there is no PractitionerRole); checked: every PractitionerRole has one",
)
def roles_have_practitioner(bundle: Any, index: MessageIndex) -> bool:
    return all(
        any(text(p.get("reference")) for p in dicts(entry.resource.get("practitioner")))
        for entry in index.of_type("PractitionerRole")
    )


@_register(
    "medcom-careCommunication-15",
    "CareCommunication 5.0.4",
    "Bundle",
    defect="as published in the 5.0.2 StructureDefinitions (on Communication): iif(encounter.exists(), "
    "Communication.encounter.reference.exists(), …) cannot see the Bundle; checked: 5.0.4's expression on "
    "the Bundle",
)
def encounter_referenced(bundle: Any, index: MessageIndex) -> bool:
    encounters = index.of_type("Encounter")
    communications = index.of_type("Communication")
    if not encounters:
        return all(not dicts(c.resource.get("encounter")) for c in communications)
    referenced = [_resolved(index, e) for c in communications for e in dicts(c.resource.get("encounter"))]
    ids = [r.get("id") for r in referenced if r is not None]
    return bool(ids) and all(e.id in ids for e in encounters) and len(set(ids)) == 1


# --- CareCommunication 5.0.4: the Communication -------------------------------------------------
def _category_codes(resource: dict[str, Any]) -> list[str]:
    return [c["code"] for c in codings(resource.get("category")) if isinstance(c.get("code"), str)]


@_register(
    "medcom-careCommunication-5", "CareCommunication 5.0.4", "Bundle.entry.resource.ofType(Communication)"
)
def priority_only_for_referral(resource: Any, index: MessageIndex) -> bool:
    codes = _category_codes(resource)
    selected = bool(codes) and t.CATEGORY_REGARDING_REFERRAL not in codes
    return not (selected and resource.get("priority") is not None)


@_register(
    "medcom-careCommunication-6",
    "CareCommunication 5.0.4",
    "Bundle.entry.resource.ofType(Communication)",
    defect="published: fails when the category has no code at all (iif on an empty comparison); checked: a "
    "topic is required only when the category is 'other' (a missing code is cc.category's finding)",
)
def topic_for_other(resource: Any, index: MessageIndex) -> bool:
    codes = _category_codes(resource)
    return t.CATEGORY_OTHER not in codes or resource.get("topic") is not None


def _authors(resource: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    """(payload index, practitioner-extension) for every author extension of the Communication."""
    found = []
    for number, payload in enumerate(
        resource.get("payload") or [] if isinstance(resource.get("payload"), list) else []
    ):
        for extension in extensions(payload, t.EXT_PRACTITIONER):
            found.append((number, extension))
    return found


def role_has_one_kind_of_code(role: dict[str, Any]) -> bool:
    concepts = dicts(role.get("code"))
    has_code = any(isinstance(c.get("code"), str) for c in codings(concepts))
    has_text = any(text(c.get("text")) for c in concepts)
    return has_code != has_text


@_register(
    "medcom-careCommunication-7", "CareCommunication 5.0.4", "Bundle.entry.resource.ofType(Communication)"
)
def author_role(resource: Any, index: MessageIndex) -> bool:
    for _, extension in _authors(resource):
        role = _resolved(index, extension.get("valueReference"))
        if role is not None and not role_has_one_kind_of_code(role):
            return False
    return True


def author_named(index: MessageIndex, extension: dict[str, Any]) -> bool:
    role = _resolved(index, extension.get("valueReference"))
    practitioner = _resolved(index, first(role.get("practitioner"))) if role else None
    return practitioner is not None and bool(dicts(practitioner.get("name")))


@_register(
    "medcom-careCommunication-8",
    "CareCommunication 5.0.4",
    "Bundle.entry.resource.ofType(Communication)",
    defect="published: holds when any one author has a named Practitioner (and fails when no segment has "
    "an author); checked: every author has one",
)
def author_name(resource: Any, index: MessageIndex) -> bool:
    return all(author_named(index, extension) for _, extension in _authors(resource))


@_register(
    "medcom-careCommunication-9", "CareCommunication 5.0.4", "Bundle.entry.resource.ofType(Communication)"
)
def episode_identifier(resource: Any, index: MessageIndex) -> bool:
    encounter = resource.get("encounter")
    if encounter is None:
        return True
    target = _resolved(index, first(encounter))
    if target is None:
        return False
    return any(e.get("identifier") is not None for e in dicts(target.get("episodeOfCare")))


_UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
UUID_V4 = re.compile(f"urn:uuid:{_UUID}")


@_register(
    "medcom-uuidv4",
    "CareCommunication 5.0.4 (Communication.identifier); core 3.0.1 (assigned identifier)",
    "Bundle.entry.resource.ofType(Communication).identifier",
    defect="published: an unanchored matches(), so 'x urn:uuid:… y' passes; checked: the whole value",
)
def uuid_v4(identifier: Any, index: MessageIndex) -> bool:
    value = identifier.get("value") if isinstance(identifier, dict) else identifier
    return isinstance(value, str) and UUID_V4.fullmatch(value) is not None


_DEFINITION = re.compile(re.escape(t.MESSAGE_DEFINITION_CARECOMMUNICATION) + r"[|]5[.][0-9]{1,2}")


@_register(
    "medcom-carecommunication-definition-url",
    "CareCommunication 5.0.4",
    "Bundle.entry.resource.ofType(MessageHeader).definition",
    defect="as published in the 5.0.2 StructureDefinitions: an unescaped '|' makes the regex '^<url>' OR "
    "'5.x$', so any value starting with the URL or ending in 5.<minor> passes; checked: 5.0.4's "
    "'<url>[|]5[.][0-9]{1,2}$'",
)
def definition_url(value: Any, index: MessageIndex) -> bool:
    return isinstance(value, str) and _DEFINITION.fullmatch(value) is not None


# --- MedCom core 3.0.1 ----------------------------------------------------------------------------
_CONTACT = re.compile(r"[+]?[-0-9]")


@_register(
    "medcom-core-contact",
    "core 3.0.1",
    "Bundle.entry.resource.ofType(Communication).payload.extension.where(url='"
    + t.EXT_CONTACT
    + "').value.value",
)
def contact_number(value: Any, index: MessageIndex) -> bool:
    return isinstance(value, str) and _CONTACT.search(value) is not None


_UUID_V5 = re.compile(
    "urn:uuid:[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[5][a-fA-F0-9]{3}-[89aAbB][a-fA-F0-9]{3}-[a-fA-F0-9]{12}"
)


@_register(
    "uuidv5",
    "core 3.0.1 (lpr3-Identifier)",
    "Bundle.entry.resource.ofType(Encounter).episodeOfCare.identifier.where(system='"
    + t.LPR3_SYSTEM
    + "').value",
    defect="published: an unanchored matches(); checked: the whole value",
)
def lpr3_uuid(value: Any, index: MessageIndex) -> bool:
    return isinstance(value, str) and _UUID_V5.fullmatch(value) is not None


# --- dk-core 3.4.0 --------------------------------------------------------------------------------
_TEN_DIGITS = re.compile(r"[0-9]{10}")
_X_ECPR = re.compile(r"[0-9]{6}[17][A-Z]{2}[0-9]")
_D_ECPR = re.compile(r"[0-9]{6}[056][A-Z]{2}[0-9]")


def _patient_identifiers(system_test: str) -> str:
    return f"Bundle.entry.resource.ofType(Patient).identifier.where({system_test})"


@_register("cpr", "dk-core 3.4.0", _patient_identifiers(f"system='{t.CPR_SYSTEM}'") + ".value")
def cpr(value: Any, index: MessageIndex) -> bool:
    return isinstance(value, str) and _TEN_DIGITS.fullmatch(value) is not None and dkcore_date_ok(value)


@_register("x-ecpr", "dk-core 3.4.0", _patient_identifiers(f"system='{t.X_ECPR_SYSTEM}'"))
def x_ecpr(identifier: Any, index: MessageIndex) -> bool:
    value = identifier.get("value") if isinstance(identifier, dict) else None
    return isinstance(value, str) and _X_ECPR.fullmatch(value) is not None and dkcore_date_ok(value)


@_register("d-ecpr", "dk-core 3.4.0", _patient_identifiers("system.startsWith('" + t.D_ECPR_SYSTEM + "')"))
def d_ecpr(identifier: Any, index: MessageIndex) -> bool:
    value = identifier.get("value") if isinstance(identifier, dict) else None
    return isinstance(value, str) and _D_ECPR.fullmatch(value) is not None and dkcore_date_ok(value)


def _organization_values(system: str) -> str:
    return f"Bundle.entry.resource.ofType(Organization).identifier.where(system='{system}').value"


@_register("min-digits-sor", "dk-core 3.4.0", _organization_values(t.SOR_SYSTEM))
def sor_digits(value: Any, index: MessageIndex) -> bool:
    return isinstance(value, str) and re.fullmatch(r"[0-9]{11,}", value) is not None


@_register("gln-length", "dk-core 3.4.0", _organization_values(t.GLN_SYSTEM))
def gln_length(value: Any, index: MessageIndex) -> bool:
    return isinstance(value, str) and re.fullmatch(r"[0-9]{13}", value) is not None


@_register("gln-modulus-10", "dk-core 3.4.0", _organization_values(t.GLN_SYSTEM))
def gln_modulus_10(value: Any, index: MessageIndex) -> bool:
    # As published: the check digit of the first twelve characters must equal the thirteenth.
    if not isinstance(value, str) or len(value) < 13 or not re.fullmatch(r"[0-9]{13}", value[:13]):
        return False
    return gln_check_digit(value[:12]) == int(value[12])


@_register(
    "uuid",
    "dk-core 3.4.0 (KOMBIT organisation)",
    _organization_values(t.KOMBIT_SYSTEM),
    defect="published: an unanchored matches(); checked: the whole value",
)
def kombit_uuid(value: Any, index: MessageIndex) -> bool:
    return isinstance(value, str) and UUID_V4.fullmatch(value) is not None


@_register("CVR-length", "dk-core 3.4.0", _organization_values(t.CVR_SYSTEM))
def cvr_length(value: Any, index: MessageIndex) -> bool:
    return isinstance(value, str) and re.fullmatch(r"[0-9]{8}", value) is not None


@_register("CVR-modulus-11", "dk-core 3.4.0", _organization_values(t.CVR_SYSTEM))
def cvr_modulus_11(value: Any, index: MessageIndex) -> bool:
    if not isinstance(value, str) or len(value) < 8 or not value[:8].isascii() or not value[:8].isdigit():
        return False
    return sum(int(d) * w for d, w in zip(value[:8], (2, 7, 6, 5, 4, 3, 2, 1), strict=True)) % 11 == 0


_MANDATORY_SYSTEMS = frozenset({t.SOR_SYSTEM, t.KOMBIT_SYSTEM, t.CVR_SYSTEM_OID, t.CVR_SYSTEM})


@_register(
    "dk-core-organization-mandatory-identifier",
    "dk-core 3.4.0",
    "Bundle.entry.resource.ofType(Organization)",
    defect="published: names CVR by 'urn:oid:2.16.840.1.113883.2.24.1.1', while dk-core's CVR-ID slice uses "
    "'http://cvr.dk'; checked: either CVR system counts",
)
def organization_identifier(resource: Any, index: MessageIndex) -> bool:
    return any(i.get("system") in _MANDATORY_SYSTEMS for i in dicts(resource.get("identifier")))


_UNKNOWN_IN_DENMARK = frozenset({"P", "A"})


@_register(
    "marital-status-unknown-usage",
    "dk-core 3.4.0",
    "Bundle.entry.resource.ofType(Patient)",
    defect="published: 'P is absent OR A is absent' only fails when both are used; checked: neither is used",
)
def marital_status(resource: Any, index: MessageIndex) -> bool:
    return not any(
        c.get("code") in _UNKNOWN_IN_DENMARK and c.get("system") == t.V3_MARITAL_STATUS_SYSTEM
        for c in codings(resource.get("maritalStatus"))
    )


# --- Acknowledgement 2.0.3 ------------------------------------------------------------------------
def response_code(index: MessageIndex) -> str | None:
    header = index.header
    response = header.resource.get("response") if header else None
    return text(response.get("code")) if isinstance(response, dict) else None


@_register("medcom-acknowledgement-1", "Acknowledgement 2.0.3", "Bundle")
def operation_outcome_for_errors(bundle: Any, index: MessageIndex) -> bool:
    code = response_code(index)
    if code == t.RESPONSE_OK:
        return True
    return code is not None and bool(index.of_type("OperationOutcome"))


@_register(
    "medcom-acknowledgement-2",
    "Acknowledgement 2.0.3",
    "Bundle",
    defect="conformsTo() cannot be evaluated without the profile; checked: the acknowledgement header "
    "profile's own requirements (response 1..1, no cc destination, details → OperationOutcome)",
)
def acknowledgement_header(bundle: Any, index: MessageIndex) -> bool:
    from .check_ack_header import header_profile

    return all(not list(header_profile(entry, index)) for entry in index.of_type("MessageHeader"))
