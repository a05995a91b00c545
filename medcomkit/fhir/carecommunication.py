"""CareCommunication 5.0 (FHIR R4): the korrespondancemeddelelse as a message Bundle, built from
and read into the neutral model.

A FHIR message carries its whole thread: every text segment with its author and time, every
attachment (earlier ones without data in a reply), and one Provenance per message so far. The
neutral model holds the same: ``segments``, ``attachments`` and ``history`` (the earlier
messages) plus the message's own place in the thread (activity, previous message).

Resource ids are derived from the message (UUID 5), so the same model always gives the same
Bundle; references are written ``Type/id`` and resolved by resource id when reading.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from ..core.errors import BuildError, ParseError
from ..core.lang import Bilingual
from ..model.markup import plain_text, to_runs
from ..model.messages import (
    Activity,
    Address,
    Attachment,
    Author,
    CareMessage,
    CareTeam,
    Envelope,
    EpisodeStatus,
    Organisation,
    Patient,
    PersonId,
    PersonIdKind,
    Phone,
    Priority,
    TextSegment,
    ThreadEvent,
)
from ..model.thread import current_event
from . import terminology as t
from . import vocabulary as v
from ._bundle import (
    DEFAULT_BASE,
    BundleReader,
    Format,
    Json,
    extension,
    fhir_time,
    load_bundle,
    organisation_from,
    organization_resource,
    parse_time,
    plain_uuid,
    provenance_resource,
    raise_if_invalid,
    reading,
    urn,
)

__all__ = ["build_carecommunication", "carecommunication_resource", "read_carecommunication"]


# Resource ids are UUID 5 in this namespace, named by the message and the resource's role.
_IDS = uuid.UUID("7f4b8e4e-3c1a-5d0b-9a57-6d2f0e8c4a11")

_ENCOUNTER: dict[EpisodeStatus, tuple[str, str]] = {
    EpisodeStatus.INACTIVE: ("unknown", "other"),
    EpisodeStatus.INPATIENT: ("in-progress", "IMP"),
    EpisodeStatus.OUTPATIENT: ("in-progress", "AMB"),
    EpisodeStatus.OUTPATIENT_XRAY: ("in-progress", "AMB"),
    EpisodeStatus.DECEASED: ("finished", "other"),
}
_PRIORITY = {Priority.ROUTINE: "routine", Priority.HIGH: "asap"}
_PRIORITY_BY_CODE = {code: priority for priority, code in _PRIORITY.items()}
_PHONE_USE = {"mobile": "mobile", "work": "work", "home": "home"}


# --- building ---------------------------------------------------------------------------------------


def _missing(what: list[str]) -> BuildError:
    joined = "; ".join(what)
    return BuildError(
        "cc.build-missing",
        Bilingual(
            f"En CareCommunication kan ikke bygges, fordi der mangler: {joined}. Brug medcomkit.convert til "
            "at få MedComs standardværdier for beskeder fra XDIS91.",
            f"A CareCommunication cannot be built because of: {joined}. Use medcomkit.convert to get "
            "MedCom's defaults for messages coming from XDIS91.",
        ),
    )


class _Builder:
    """Collects the Bundle's entries while walking one message."""

    def __init__(self, message: CareMessage, base: str) -> None:
        self.message = message
        self.base = base
        self.entries: list[Json] = []
        self.organisations: dict[str, str] = {}  # EAN -> Organization id
        self.parties: dict[str, Organisation] = {}  # EAN -> the organisation first written for it
        self.roles: dict[tuple[object, ...], str] = {}
        self.problems: list[str] = []

    def rid(self, role: str) -> str:
        return str(uuid.uuid5(_IDS, f"{self.message.message_id}/{role}"))

    def add(self, resource: Json) -> str:
        reference = f"{resource['resourceType']}/{resource['id']}"
        self.entries.append({"fullUrl": self.base + reference, "resource": resource})
        return reference

    def organisation(self, party: Organisation) -> str:
        if party.ean in self.organisations:
            known = self.parties[party.ean]
            if (known.sor, known.name) != (party.sor, party.name):
                self.problems.append(
                    f"én organisation pr. EAN-nummer, men {party.ean} er både {known.name!r} "
                    f"(SOR {known.sor}) og {party.name!r} (SOR {party.sor}) / one organisation per EAN"
                )
            return f"Organization/{self.organisations[party.ean]}"
        if party.sor is None:
            self.problems.append(
                f"SOR-kode på organisationen {party.name or party.ean} / SOR code of {party.ean}"
            )
        resource = organization_resource(
            party, self.rid(f"Organization/{party.ean}"), t.PROFILE_MESSAGING_ORGANIZATION
        )
        self.organisations[party.ean] = resource["id"]
        self.parties[party.ean] = party
        return self.add(resource)

    def practitioner_role(self, author: Author, organisation: Organisation | None = None) -> str:
        key = (
            author.given_name,
            author.family_name,
            author.role,
            author.role_text,
            organisation and organisation.ean,
        )
        if key in self.roles:
            return f"PractitionerRole/{self.roles[key]}"
        index = len(self.roles)
        name: Json = {}
        if author.family_name:
            name["family"] = author.family_name
        if author.given_name:
            name["given"] = [author.given_name]
        practitioner = self.add(
            {
                "resourceType": "Practitioner",
                "id": self.rid(f"Practitioner/{index}"),
                "meta": {"profile": [t.PROFILE_CORE_PRACTITIONER]},
                "name": [name],
            }
        )
        role: Json = {
            "resourceType": "PractitionerRole",
            "id": self.rid(f"PractitionerRole/{index}"),
            "meta": {"profile": [t.PROFILE_CORE_PRACTITIONER_ROLE]},
            "practitioner": {"reference": practitioner},
        }
        if organisation is not None:
            role["organization"] = {"reference": self.organisation(organisation)}
        if author.role is not None:
            role["code"] = [{"coding": [{"system": v.role_system(author.role), "code": author.role}]}]
        elif author.role_text is not None:
            role["code"] = [{"text": author.role_text}]
        self.roles[key] = role["id"]
        return self.add(role)

    def party(self, party: Author | CareTeam, organisation: Organisation) -> str:
        if isinstance(party, Author):
            return self.practitioner_role(party, organisation)
        managing = party.organisation or organisation
        key = ("CareTeam", party.name, managing.ean)
        if key not in self.roles:
            team: Json = {
                "resourceType": "CareTeam",
                "id": self.rid(f"CareTeam/{len(self.roles)}"),
                "meta": {"profile": [t.PROFILE_CORE_CARETEAM]},
                "name": party.name,
                "managingOrganization": [{"reference": self.organisation(managing)}],
            }
            self.roles[key] = team["id"]
            self.add(team)
        return f"CareTeam/{self.roles[key]}"


def _patient(builder: _Builder, patient: Patient, deceased: bool) -> str:
    identifiers = [_person_identifier(i) for i in (patient.identifier, *patient.other_identifiers)]
    name: Json = {"use": "official"}
    if patient.family_name:
        name["family"] = patient.family_name
    else:  # an unknown family name is said so explicitly, as MedCom's test data does
        name["_family"] = {"extension": [{"url": t.DATA_ABSENT_REASON, "valueCode": "unknown"}]}
    if patient.given_name:
        name["given"] = [patient.given_name]
    resource: Json = {
        "resourceType": "Patient",
        "id": builder.rid("Patient"),
        "meta": {"profile": [t.PROFILE_CORE_PATIENT]},
        "identifier": identifiers,
        "name": [name],
    }
    telecom = [
        {"system": "phone", "value": p.number, **({"use": p.use} if p.use else {})} for p in patient.phones
    ]
    if patient.email:
        telecom.append({"system": "email", "value": patient.email})
    if telecom:
        resource["telecom"] = telecom
    if deceased:
        resource["deceasedBoolean"] = True
    if patient.address is not None:
        address: Json = {}
        if patient.address.street:
            address["line"] = [patient.address.street]
        if patient.address.city:
            address["city"] = patient.address.city
        if patient.address.postcode:
            address["postalCode"] = patient.address.postcode
        if address:
            resource["address"] = [address]
    return builder.add(resource)


def _person_identifier(identifier: PersonId) -> Json:
    if identifier.kind is PersonIdKind.CPR:
        return {"system": t.CPR_SYSTEM, "value": identifier.value}
    return {"system": identifier.system or v.replacement_system(identifier.value), "value": identifier.value}


def _encounter(builder: _Builder, message: CareMessage, patient: str) -> str | None:
    if message.episode_of_care_id is None:
        return None
    status, klass = _ENCOUNTER[message.episode_status]
    episodes = [(message.episode_of_care_id, message.episode_of_care_system), *message.more_episode_ids]
    klass = message.encounter_class or klass
    resource: Json = {
        "resourceType": "Encounter",
        "id": builder.rid("Encounter"),
        "meta": {"profile": [t.PROFILE_CORE_ENCOUNTER]},
        "status": message.encounter_status or status,
        "class": {"system": v.encounter_class_system(klass), "code": klass},
        "subject": {"reference": patient},
        "episodeOfCare": [
            {"identifier": {"system": system, "value": value} if system else {"value": value}}
            for value, system in episodes
        ],
    }
    return builder.add(resource)


def _payload_extensions(
    builder: _Builder, when: datetime | None, identifier: str | None, assigner: Organisation,
    author: Author | None,
) -> list[Json]:  # fmt: skip
    extensions: list[Json] = []
    if when is not None:
        extensions.append({"url": t.EXT_DATETIME, "valueDateTime": fhir_time(when)})
    if identifier is not None:
        extensions.append(
            {
                "url": t.EXT_IDENTIFIER,
                "valueIdentifier": {
                    "value": urn(identifier),
                    "assigner": {"reference": builder.organisation(assigner)},
                },
            }
        )
    if author is not None and (author.name or author.role or author.role_text):
        extensions.append(
            {"url": t.EXT_PRACTITIONER, "valueReference": {"reference": builder.practitioner_role(author)}}
        )
    if author is not None and author.phone:
        extensions.append(
            {"url": t.EXT_CONTACT, "valueContactPoint": {"system": "phone", "value": author.phone}}
        )
    return extensions


def _in_time_order(message: CareMessage) -> Iterator[TextSegment | Attachment]:
    """Segments and attachments merged by time; each keeps its own order (so reading gives it back)."""
    segments, attachments = list(message.segments), list(message.attachments)
    while segments or attachments:
        if not attachments or (
            segments
            and (segments[0].written or message.authorised) <= (attachments[0].added or message.authorised)
        ):
            yield segments.pop(0)
        else:
            yield attachments.pop(0)


def _fhir_text(markup: str) -> str:
    """FHIR text is plain with line breaks; MedCom formatting has no place in it."""
    runs = to_runs(markup)
    if any(run.styles or run.space for run in runs):
        raise BuildError(
            "cc.build-formatting",
            Bilingual(
                "FHIR-tekst er ren tekst med linjeskift; formatering som {Bold} eller {Space} kan ikke komme "
                "med. medcomkit.convert fjerner den og noterer det.",
                "FHIR text is plain text with line breaks; formatting such as {Bold} or {Space} cannot be "
                "carried. medcomkit.convert removes it and records that it did.",
            ),
        )
    return "".join(run.text for run in runs)


def _payload(builder: _Builder, item: TextSegment | Attachment, owner: dict[str, Organisation]) -> Json:
    message = builder.message
    if isinstance(item, TextSegment):
        assigner = owner.get(item.identifier or "", message.sender)
        missing = [
            name
            for name, value in (
                ("tidspunkt/time", item.written),
                ("id", item.identifier),
                ("forfatter/author", item.author),
            )
            if value is None
        ]
        if item.author is not None and not item.author.phone:
            missing.append("forfatterens telefon/author's phone")
        if missing:
            builder.problems.append(f"tekstafsnit/text segment: {', '.join(missing)}")
        return {
            "extension": _payload_extensions(builder, item.written, item.identifier, assigner, item.author),
            "contentString": _fhir_text(item.text),
        }
    assigner = owner.get(item.identifier or "", message.sender)
    if item.added is None or item.identifier is None:
        builder.problems.append(f"bilag/attachment {item.title}: tidspunkt og id / time and id")
    attachment: Json = {}
    media_type = item.media_type or v.media_type_for(item.file_type)
    if media_type is not None:
        attachment["contentType"] = media_type
    if item.data is not None:
        attachment["data"] = base64.b64encode(item.data).decode("ascii")
    if item.url is not None:
        attachment["url"] = item.url
    if item.title is not None:
        attachment["title"] = item.title
    if item.created is not None:
        attachment["creation"] = fhir_time(item.created)
    return {
        "extension": _payload_extensions(builder, item.added, item.identifier, assigner, item.author),
        "contentAttachment": attachment,
    }


def _provenance(builder: _Builder, event: ThreadEvent, index: int) -> None:
    rid = builder.rid(f"Provenance/{index}/{event.message_id}")
    builder.add(provenance_resource(event, builder.organisation(event.sender), rid, t.PROFILE_CC_PROVENANCE))


def _narrative(*rows: tuple[str, str | None]) -> Json:
    """A short generated narrative (MedCom requires key facts «in narrative»); never base64 data."""
    cells = "".join(
        f"<tr><th>{_escape(label)}</th><td>{_escape(value)}</td></tr>" for label, value in rows if value
    )
    return {
        "status": "generated",
        "div": f'<div xmlns="http://www.w3.org/1999/xhtml"><table>{cells}</table></div>',
    }


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def carecommunication_resource(message: CareMessage, *, base: str = DEFAULT_BASE) -> Json:
    """The message as a FHIR Bundle in its JSON form (a dict)."""
    if message.thread_id is None:
        raise _missing(
            ["tråd-id / thread id (Communication.identifier) — brug medcomkit.model.thread.start_thread"]
        )
    if message.category is None:
        raise _missing(["kategori / category"])
    builder = _Builder(message, base)
    header_id = message.message_id
    header_index = len(builder.entries)
    builder.entries.append({})  # the MessageHeader comes first; filled in below
    owner: dict[str, Organisation] = {}
    for event in (*message.history, current_event(message)):
        for pid in event.payload_ids:
            owner.setdefault(pid, event.sender)
    patient = _patient(builder, message.patient, message.episode_status is EpisodeStatus.DECEASED)
    encounter = _encounter(builder, message, patient)
    sender = builder.organisation(message.sender)
    receiver = builder.organisation(message.receiver)
    communication: Json = {
        "resourceType": "Communication",
        "id": builder.rid("Communication"),
        "meta": {"profile": [t.PROFILE_CC_COMMUNICATION]},
        "identifier": [{"value": urn(message.thread_id)}],
        "status": "unknown",
        "category": [{"coding": [{"system": t.CATEGORY_SYSTEM, "code": message.category}]}],
        "subject": {"reference": patient},
    }
    if message.specific_sender is not None:
        reference = builder.party(message.specific_sender, message.sender)
        communication["extension"] = [{"url": t.EXT_SENDER, "valueReference": {"reference": reference}}]
    if message.priority is not None:
        communication["priority"] = _PRIORITY[message.priority]
    if message.topic is not None:
        communication["topic"] = {"text": message.topic}
    if encounter is not None:
        communication["encounter"] = {"reference": encounter}
    if message.specific_recipient is not None:
        communication["recipient"] = [
            {"reference": builder.party(message.specific_recipient, message.receiver)}
        ]
    communication["payload"] = [_payload(builder, item, owner) for item in _in_time_order(message)]
    communication["text"] = _narrative(
        ("Kategori / category", message.category),
        ("Emne / topic", message.topic),
        ("Prioritet / priority", _PRIORITY[message.priority] if message.priority else None),
        ("Tekst / text", "\n\n".join(plain_text(s.text) for s in message.segments)),
        ("Bilag / attachments", ", ".join(a.title or "" for a in message.attachments)),
    )
    focus = builder.add(communication)
    for index, event in enumerate((*message.history, current_event(message))):
        _provenance(builder, event, index)
    if message.sender.sor is None or message.receiver.sor is None or builder.problems:
        raise _missing(builder.problems or ["SOR-kode / SOR code"])
    header: Json = {
        "resourceType": "MessageHeader",
        "id": header_id,
        "meta": {"profile": [t.PROFILE_CC_MESSAGE_HEADER]},
        "text": _narrative(
            ("Meddelelse / message", "CareCommunication"),
            ("Afsender / sender", f"{message.sender.name or ''} ({message.sender.ean})"),
            ("Modtager / receiver", f"{message.receiver.name or ''} ({message.receiver.ean})"),
        ),
        "eventCoding": {"system": t.EVENT_SYSTEM, "code": t.EVENT_CARECOMMUNICATION},
        "destination": [
            {
                "extension": [
                    {
                        "url": t.EXT_DESTINATION_USE,
                        "valueCoding": {"system": t.DESTINATION_USE_SYSTEM, "code": "primary"},
                    }
                ],
                "endpoint": v.sor_endpoint(message.receiver.sor),
                "receiver": {"reference": receiver},
            }
        ],
        "sender": {"reference": sender},
        "source": {"endpoint": v.sor_endpoint(message.sender.sor)},
        "focus": [{"reference": focus}],
        "definition": t.CARECOMMUNICATION_DEFINITION,
    }
    builder.entries[header_index] = {"fullUrl": base + f"MessageHeader/{header_id}", "resource": header}
    return {
        "resourceType": "Bundle",
        "id": message.envelope.identifier,
        "meta": {"profile": [t.PROFILE_CC_MESSAGE]},
        "type": "message",
        "timestamp": fhir_time(message.envelope.sent),
        "entry": builder.entries,
    }


def build_carecommunication(
    message: CareMessage, *, format: Format = "json", base: str = DEFAULT_BASE, check: bool = True
) -> bytes:
    """Write a CareCommunication message Bundle (FHIR 4.0.1) as JSON or XML.

    The message must be FHIR-ready: a thread id, a category, and on every part an identifier,
    a time and (for text) an author with a phone number — :func:`medcomkit.model.thread.start_thread`,
    :func:`~medcomkit.model.thread.reply` and :func:`~medcomkit.model.thread.forward` give exactly that. With
    ``check`` the result is validated and a :class:`BuildError` lists anything invalid.
    """
    resource = carecommunication_resource(message, base=base)
    from .document import write_fhir

    data = write_fhir(resource, format)
    if check:
        raise_if_invalid(data, "CareCommunication")
    return data


# --- reading ------------------------------------------------------------------------------------------


def _author(reader: BundleReader, role_reference: Json | None, phone: str | None) -> Author | None:
    role = reader.get(role_reference)
    if role is None:
        return Author(phone=phone) if phone else None
    practitioner = reader.get(role.get("practitioner")) or {}
    names = practitioner.get("name") or [{}]
    given = " ".join(names[0].get("given", [])) or None
    code = (role.get("code") or [{}])[0]
    coding = (code.get("coding") or [{}])[0]
    return Author(
        given_name=given,
        family_name=names[0].get("family"),
        role=coding.get("code"),
        role_text=code.get("text") if not coding.get("code") else None,
        phone=phone,
    )


def _party(reader: BundleReader, reference: Json | None) -> Author | CareTeam | None:
    resource = reader.get(reference)
    if resource is None:
        return None
    if resource.get("resourceType") == "CareTeam":
        managing = reader.get((resource.get("managingOrganization") or [None])[0])
        return CareTeam(resource.get("name", ""), organisation_from(managing) if managing else None)
    return _author(reader, reference, None)


def _patient_from(resource: Json) -> tuple[Patient, bool]:
    identifiers = []
    for identifier in resource.get("identifier", []):
        system, value = identifier.get("system"), identifier.get("value", "")
        if system == t.CPR_SYSTEM:
            identifiers.append(PersonId(PersonIdKind.CPR, value))
        else:
            identifiers.append(PersonId(PersonIdKind.REPLACEMENT, value, system))
    if not identifiers:
        raise ParseError(
            "cc.parse-patient",
            Bilingual(
                "Patienten har intet CPR- eller erstatnings-CPR-nummer.",
                "The patient has no CPR or replacement CPR.",
            ),
        )
    name = next(
        (n for n in resource.get("name", []) if n.get("use") == "official"), (resource.get("name") or [{}])[0]
    )
    address_data = (resource.get("address") or [None])[0]
    address = None
    if address_data:
        address = Address(
            street=(address_data.get("line") or [None])[0],
            city=address_data.get("city"),
            postcode=address_data.get("postalCode"),
        )
    phones = tuple(
        Phone(c["value"], _PHONE_USE.get(c.get("use", "")))
        for c in resource.get("telecom", [])
        if c.get("system") == "phone" and "value" in c
    )
    email = next((c.get("value") for c in resource.get("telecom", []) if c.get("system") == "email"), None)
    patient = Patient(
        identifier=identifiers[0],
        family_name=name.get("family", ""),
        given_name=" ".join(name.get("given", [])) or None,
        address=address,
        other_identifiers=tuple(identifiers[1:]),
        phones=phones,
        email=email,
    )
    return patient, bool(resource.get("deceasedBoolean"))


def _episode_status(encounter: Json | None, deceased: bool) -> EpisodeStatus:
    if deceased:
        return EpisodeStatus.DECEASED
    if encounter is None:
        return EpisodeStatus.INACTIVE
    klass = (encounter.get("class") or {}).get("code")
    if encounter.get("status") == "in-progress" and klass == "IMP":
        return EpisodeStatus.INPATIENT
    if encounter.get("status") == "in-progress" and klass == "AMB":
        return EpisodeStatus.OUTPATIENT
    return EpisodeStatus.INACTIVE


def read_carecommunication(data: bytes | Mapping[str, Any]) -> CareMessage:
    """The neutral model of a CareCommunication (JSON or XML bytes, or its JSON form as a dict),
    with its whole thread. Raises :class:`ParseError` when it cannot be read."""
    return _read(load_bundle(data))


@reading("CareCommunication")
def _read(bundle: Json) -> CareMessage:
    reader = BundleReader(bundle, "CareCommunication")
    header = reader.header
    communication = reader.require((header.get("focus") or [None])[0], "MessageHeader.focus")
    sender, receiver = reader.sender(), reader.receiver()
    patient, deceased = _patient_from(reader.require(communication.get("subject"), "Communication.subject"))
    encounter = reader.get(communication.get("encounter"))
    episodes: list[tuple[str, str | None]] = [
        (identifier["value"], identifier.get("system"))
        for item in (encounter or {}).get("episodeOfCare") or []
        if isinstance(identifier := item.get("identifier"), dict) and isinstance(identifier.get("value"), str)
    ]
    episode_id, episode_system = episodes[0] if episodes else (None, None)

    episode_status = _episode_status(encounter, deceased)
    encounter_status = encounter_class = None
    if encounter is not None:
        given = (encounter.get("status"), (encounter.get("class") or {}).get("code"))
        if given != _ENCOUNTER[episode_status]:  # keep only what MedCom's mapping would not give back
            encounter_status, encounter_class = given

    events = reader.events()
    current = next((e for e in events if e.message_id == header.get("id")), None)
    history = tuple(e for e in events if e is not current)

    segments: list[TextSegment] = []
    attachments: list[Attachment] = []
    for payload in communication.get("payload", []):
        when = parse_time((extension(payload, t.EXT_DATETIME) or {}).get("valueDateTime"))
        identifier_ext = extension(payload, t.EXT_IDENTIFIER) or {}
        identifier = identifier_ext.get("valueIdentifier", {}).get("value")
        contact = (extension(payload, t.EXT_CONTACT) or {}).get("valueContactPoint", {}).get("value")
        author = _author(
            reader, (extension(payload, t.EXT_PRACTITIONER) or {}).get("valueReference"), contact
        )
        if "contentString" in payload:
            segments.append(
                TextSegment(
                    _markup(payload["contentString"]),
                    when,
                    author,
                    plain_uuid(identifier) if identifier else None,
                )
            )
        elif "contentAttachment" in payload:
            content = payload["contentAttachment"]
            data = None
            if "data" in content:
                try:
                    data = base64.b64decode(content["data"], validate=True)
                except (binascii.Error, ValueError):
                    raise ParseError(
                        "cc.parse-attachment",
                        Bilingual(
                            "Et bilags data er ikke gyldig base64.",
                            "An attachment's data is not valid base64.",
                        ),
                    ) from None
            attachments.append(
                Attachment(
                    title=content.get("title"),
                    identifier=plain_uuid(identifier) if identifier else None,
                    data=data,
                    url=content.get("url"),
                    media_type=content.get("contentType"),
                    added=when,
                    author=author,
                    created=parse_time(content.get("creation")),
                )
            )
    priority = communication.get("priority")
    category = ((communication.get("category") or [{}])[0].get("coding") or [{}])[0].get("code")
    sender_extension = extension(communication, t.EXT_SENDER)
    return CareMessage(
        envelope=Envelope(
            identifier=bundle.get("id", ""),
            sent=parse_time(bundle.get("timestamp")) or datetime.min,
            positive_receipt=True,
        ),
        message_id=header.get("id", ""),
        authorised=current.occurred if current else (parse_time(bundle.get("timestamp")) or datetime.min),
        sender=sender,
        receiver=receiver,
        patient=patient,
        segments=tuple(segments),
        activity=current.activity if current else Activity.NEW,
        thread_id=plain_uuid((communication.get("identifier") or [{}])[0].get("value", "")) or None,
        previous=current.previous if current else None,
        episode_of_care_id=episode_id,
        episode_of_care_system=episode_system,
        more_episode_ids=tuple(episodes[1:]),
        encounter_status=encounter_status,
        encounter_class=encounter_class,
        episode_status=episode_status,
        priority=_PRIORITY_BY_CODE.get(priority) if priority else None,
        topic=(communication.get("topic") or {}).get("text"),
        category=category,
        attachments=tuple(attachments),
        specific_sender=_party(reader, sender_extension.get("valueReference") if sender_extension else None),
        specific_recipient=_party(reader, (communication.get("recipient") or [None])[0]),
        history=history,
    )


def _markup(text: str) -> str:
    """FHIR text is plain: braces are escaped so it reads back unchanged as markup."""
    return text.replace("{", "{{")
