"""MedCom core 3.0.1 profiles: Patient, Organization, CareTeam, Encounter, and the core extensions.

The extension checks (date, author, authorContact, identifier, sender) are used by the
CareCommunication checks, which know where each extension must appear.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..core.lang import Bilingual
from . import invariants as inv
from . import rules as r
from . import terminology as t
from .check_messaging import messaging_organizations
from .finding import Finding, finding
from .index import Entry, MessageIndex, dicts, extensions, text

__all__ = [
    "contact_extension",
    "date_extension",
    "identifier_extension",
    "practitioner_extension",
    "resources",
    "sender_extension",
]


def resources(index: MessageIndex) -> Iterator[Finding]:
    for entry in index.of_type("Patient"):
        yield from _patient_name(entry)
    messaging = messaging_organizations(index)
    for entry in index.of_type("Organization"):
        if entry.index not in messaging:
            yield from _organization_sor(entry)
    for entry in index.of_type("CareTeam"):
        if not text(entry.resource.get("name")):
            yield finding(r.CARETEAM_NAME, f"{entry.path}.name", entry.resource)
    for entry in index.of_type("Encounter"):
        yield from _encounter(entry, index)
    for entry in index.entries:
        yield from _identifier_systems(entry.resource, entry.path)


# A URI with a scheme (RFC 3986): 'urn:oid:…', 'https://…'. '1.2.208.176.1.2' alone is no absolute URI.
_ABSOLUTE_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:\S+")
_OID = re.compile(r"[0-2](\.[0-9]+)+")
_CONTAINERS = (dict, list)


def _identifier_systems(node: Any, path: str) -> Iterator[Finding]:
    """Every Identifier's system is an absolute URI (FHIR R4, Identifier.system): resource identifiers,
    episode-of-care ids, identifier extensions, assigners and Provenance targets alike.

    This looks at every object of the resource, so it is a plain recursion into a list rather than a
    generator per object, and a path is only written for what it descends into or reports.
    """
    found: list[Finding] = []
    try:
        _systems(node, path, found)
    except Exception:
        yield from found  # what was found before a failure is reported, as it would be one by one
        raise
    yield from found


def _systems(node: Any, path: str, found: list[Finding]) -> None:
    if isinstance(node, list):
        for number, item in enumerate(node):
            if isinstance(item, _CONTAINERS):
                _systems(item, f"{path}[{number}]", found)
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if value.__class__ is str or not isinstance(value, _CONTAINERS):
            continue  # most values: nothing to look into, and no Identifier (an object) either
        if key in ("identifier", "valueIdentifier"):
            where = f"{path}.{key}"
            for number, identifier in enumerate(value if isinstance(value, list) else [value]):
                system = identifier.get("system") if isinstance(identifier, dict) else None
                if isinstance(system, str) and not _ABSOLUTE_URI.fullmatch(system):
                    at = f"{where}[{number}]" if isinstance(value, list) else where
                    hint = (
                        Bilingual(f"skriv 'urn:oid:{system}'.", f"write 'urn:oid:{system}'.")
                        if _OID.fullmatch(system)
                        else Bilingual("giv hele URI'en.", "give the whole URI.")
                    )
                    found.append(
                        finding(
                            r.IDENTIFIER_SYSTEM_ABSOLUTE,
                            f"{at}.system",
                            identifier,
                            system=system[:200],
                            hint=hint,
                        )
                    )
        if key != "div":
            _systems(value, f"{path}.{key}", found)


def _family_given(name: dict[str, Any]) -> bool:
    """The family name is there: a value, or an extension saying why it is absent (data-absent-reason)."""
    if text(name.get("family")):
        return True
    extra = name.get("_family")
    return bool(extensions(extra, t.DATA_ABSENT_REASON)) if isinstance(extra, dict) else False


def _patient_name(entry: Entry) -> Iterator[Finding]:
    names = dicts(entry.resource.get("name"))
    official = [n for n in names if n.get("use") == "official"]
    if len(official) != 1:
        problem = Bilingual(
            f"har {len(official)} navne med use 'official'", f"has {len(official)} names with use 'official'"
        )
        yield finding(r.PATIENT_NAME, f"{entry.path}.name", entry.resource, problem=problem)
        return
    if not _family_given(official[0]):
        number = names.index(official[0])
        problem = Bilingual(
            "har intet efternavn i det officielle navn", "has no family name in the official name"
        )
        yield finding(r.PATIENT_NAME, f"{entry.path}.name[{number}].family", official[0], problem=problem)


def _organization_sor(entry: Entry) -> Iterator[Finding]:
    count = sum(1 for i in dicts(entry.resource.get("identifier")) if i.get("system") == t.SOR_SYSTEM)
    if count != 1:
        problem = (
            Bilingual("mangler SOR-id", "lacks a SOR id")
            if count == 0
            else Bilingual(f"har {count} SOR-id'er", f"has {count} SOR ids")
        )
        name = text(entry.resource.get("name")) or entry.key
        yield finding(
            r.ORGANIZATION_SOR,
            f"{entry.path}.identifier",
            entry.resource,
            name=name,
            problem=problem,
            sor=t.SOR_SYSTEM,
        )


def _encounter(entry: Entry, index: MessageIndex) -> Iterator[Finding]:
    resource, path = entry.resource, entry.path
    if resource.get("subject") is None:
        yield finding(r.ENCOUNTER_SUBJECT, f"{path}.subject", resource)
    if resource.get("account") is not None:
        yield finding(r.ENCOUNTER_ACCOUNT, f"{path}.account", resource)
    encounter_class = resource.get("class")
    if isinstance(encounter_class, dict) and (
        encounter_class.get("system"),
        encounter_class.get("code"),
    ) not in (t.ENCOUNTER_CLASS_CODES):
        allowed = (
            ", ".join(sorted(t.V3_ENCOUNTER_CODES))
            + f" ({t.V3_ACT_CODE_SYSTEM}); other ({t.ENCOUNTER_ACT_SYSTEM})"
        )
        yield finding(
            r.BINDING_ENCOUNTER_CLASS,
            f"{path}.class",
            encounter_class,
            found=f"{encounter_class.get('system')}#{encounter_class.get('code')}",
            allowed=allowed,
        )
    for number, episode in enumerate(dicts(resource.get("episodeOfCare"))):
        identifier = episode.get("identifier")
        if not isinstance(identifier, dict):
            continue
        system, value = identifier.get("system"), identifier.get("value")
        where = f"{path}.episodeOfCare[{number}].identifier"
        if system == t.LPR3_SYSTEM:
            if isinstance(value, str) and not inv.lpr3_uuid(value, index):
                yield finding(r.LPR3_UUID, f"{where}.value", identifier, value=value)
        elif isinstance(system, str) and "esundhed.dk" in system and "andspatient" in system:
            yield finding(r.LPR3_SYSTEM, f"{where}.system", identifier, system=system, expected=t.LPR3_SYSTEM)


# --- the core extensions --------------------------------------------------------------------------
def _shape(extension: dict[str, Any], value_key: str, where: str, name: str) -> Iterator[Finding]:
    """The extension carries exactly its value[x] (no other value type, no nested extensions)."""
    others = [k for k in extension if k.startswith("value") and k != value_key]
    if value_key not in extension or others:
        found = ", ".join(others) or Bilingual("ingen værdi", "no value")
        problem = Bilingual(
            f"skal have {value_key} (fundet: {found})", f"must have {value_key} (found: {found})"
        )
        yield finding(r.EXTENSION_SHAPE, where, extension, name=name, problem=problem)


def date_extension(extension: dict[str, Any], where: str) -> Iterator[Finding]:
    yield from _shape(extension, "valueDateTime", where, "date")


def practitioner_extension(extension: dict[str, Any], where: str, index: MessageIndex) -> Iterator[Finding]:
    yield from _shape(extension, "valueReference", where, "author")
    target = index.resolve(extension.get("valueReference"))
    if target is not None and target.type != "PractitionerRole":
        yield finding(
            r.REFERENCE_TYPE,
            f"{where}.valueReference",
            extension,
            found=target.type,
            expected="PractitionerRole",
        )


def sender_extension(extension: dict[str, Any], where: str, index: MessageIndex) -> Iterator[Finding]:
    yield from _shape(extension, "valueReference", where, "sender")
    target = index.resolve(extension.get("valueReference"))
    if target is not None and target.type not in ("PractitionerRole", "CareTeam"):
        yield finding(
            r.REFERENCE_TYPE,
            f"{where}.valueReference",
            extension,
            found=target.type,
            expected=Bilingual("PractitionerRole eller CareTeam", "PractitionerRole or CareTeam"),
        )


def contact_extension(extension: dict[str, Any], where: str) -> Iterator[Finding]:
    yield from _shape(extension, "valueContactPoint", where, "authorContact")
    contact = extension.get("valueContactPoint")
    if not isinstance(contact, dict):
        return
    if contact.get("system") != "phone":
        problem = Bilingual(
            f"skal have valueContactPoint.system 'phone' (fundet {contact.get('system')!r})",
            f"must have valueContactPoint.system 'phone' (found {contact.get('system')!r})",
        )
        yield finding(
            r.EXTENSION_SHAPE,
            f"{where}.valueContactPoint.system",
            contact,
            name="authorContact",
            problem=problem,
        )
    value = contact.get("value")
    if not isinstance(value, str):
        problem = Bilingual("mangler telefonnummeret (value)", "lacks the telephone number (value)")
        yield finding(
            r.EXTENSION_SHAPE,
            f"{where}.valueContactPoint.value",
            contact,
            name="authorContact",
            problem=problem,
        )
    elif not inv.contact_number(value, inv.EMPTY_INDEX):
        yield finding(r.CONTACT_PHONE, f"{where}.valueContactPoint.value", contact, value=value)
    elif not all((c.isdigit() and c.isascii()) or c in " -" for c in value.removeprefix("+")):
        yield finding(r.CONTACT_CHARACTERS, f"{where}.valueContactPoint.value", contact, value=value)


def identifier_extension(extension: dict[str, Any], where: str) -> Iterator[Finding]:
    """The segment identifier: a urn:uuid (medcom-uuidv4) and its assigner (who added the segment)."""
    yield from _shape(extension, "valueIdentifier", where, "identifier")
    identifier = extension.get("valueIdentifier")
    if not isinstance(identifier, dict):
        return
    yield from uuid_value(identifier, f"{where}.valueIdentifier")
    if identifier.get("assigner") is None:
        problem = Bilingual(
            "mangler assigner (den organisation, der tilføjede afsnittet)",
            "lacks an assigner (the organisation that added the segment)",
        )
        yield finding(
            r.EXTENSION_SHAPE,
            f"{where}.valueIdentifier.assigner",
            identifier,
            name="identifier",
            problem=problem,
        )


def uuid_value(identifier: dict[str, Any], where: str) -> Iterator[Finding]:
    """medcom-uuidv4 on an identifier's value, and a warning when the UUID is not version 4."""
    value = identifier.get("value")
    if not isinstance(value, str):
        return
    if not inv.uuid_v4(value, inv.EMPTY_INDEX):
        yield finding(r.UUID_V4, f"{where}.value", identifier, value=value)
    elif value[23] != "4":
        yield finding(r.UUID_V4_VERSION, f"{where}.value", identifier, value=value, version=value[23])
