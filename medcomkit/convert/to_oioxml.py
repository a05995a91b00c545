"""CareCommunication to XDIS91 (and one XBIN01 holding every attachment with data), row by row as
MedCom's conversion mapping (January 2026) says.

FHIR carries a whole thread with authors; XDIS91 carries one letter of text. What has no element
of its own in XDIS91 (authors and their roles, specific sender and recipient, that the message is a
reply or a forward, further CPR numbers, attachments sent earlier) is written into Text01, as the
mapping prescribes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from ..core.errors import BuildError
from ..core.lang import Bilingual
from ..core.xmltree import COPENHAGEN
from ..fhir import terminology as t
from ..fhir.vocabulary import ROLE_DISPLAY, oioxml_file_type_for
from ..model.identifiers import new_letter_id
from ..model.markup import escape, plain_text
from ..model.messages import (
    Activity,
    Address,
    Attachment,
    AttachmentMessage,
    Author,
    CareMessage,
    CareTeam,
    Envelope,
    EpisodeStatus,
    Organisation,
    OrgIdKind,
    Patient,
    PersonId,
    PersonIdKind,
    TextSegment,
)
from ..model.thread import current_event
from ..oioxml.codes import EXPECTED_OBJECT_CODE
from .changes import Conversion, Correlation, Notes
from .codes import NOT_FHIR, SOR_MISSING, TIME_MISSING

# PersonSurnameName is mandatory in XDIS91 (sheet 2, «Patient family name»), but a CareCommunication
# may mark the family name unknown (data-absent-reason), as MedCom's R-Tek-B does.
from .to_fhir import UNKNOWN_FAMILY_NAME

__all__ = ["MORE_CPR_NOTE", "UNKNOWN_FAMILY_NAME", "carecommunication_to_xdis91"]

MORE_CPR_NOTE = (
    "Der er modtaget flere end et CPR-nummer i korrespondancemeddelelsen. Derfor er de resterende medsendte "
    "CPR-numre indsat her"
)
_SUBJECT_MAX = 70
_EPISODE_MAX = 35  # Letter.EpisodeOfCareIdentifier is 1..35 characters
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_MAX_REFERENCES = 10  # Reference in XDIS91 and BinaryObject in XBIN01 occur at most ten times
_OIOXML_ID_MAX = 14
_IDENTIFIER_MAX = 17  # Sender/Receiver Identifier
_ACTIVITY_NOTE = {
    Activity.REPLY: "Svar på tidligere korrespondancemeddelelse",
    Activity.FORWARD: "Videresendt korrespondancemeddelelse",
}


def carecommunication_to_xdis91(
    message: CareMessage, *, new_id: Callable[[], str] = new_letter_id
) -> Conversion[tuple[CareMessage, AttachmentMessage | None]]:
    """Convert a CareCommunication to an XDIS91 letter and, when it has attachments with data, one
    XBIN01 holding them all. ``new_id`` makes OIOXML envelope and letter ids (14 characters) where the
    FHIR ids do not fit."""
    notes = Notes()
    if message.thread_id is None:
        raise BuildError(
            NOT_FHIR,
            Bilingual(
                "Meddelelsen er ikke en CareCommunication (den har intet tråd-id).",
                "The message is not a CareCommunication (it has no thread id).",
            ),
        )
    envelope_id = _oioxml_id(message.envelope.identifier, "Bundle.id", "Envelope.Identifier", new_id, notes)
    letter_id = _oioxml_id(message.message_id, "MessageHeader.id", "Letter.Identifier", new_id, notes)
    sent = _minute(
        message.envelope.sent, "Bundle.timestamp", "Envelope.Sent", notes, "2:Date for Message sent"
    )
    authorised = _minute(
        _authorisation(message, notes),
        "payload.extension:date",
        "Letter.Authorisation",
        notes,
        "2:Authorisation date",
    )
    notes.invented(
        "Letter.VersionCode, StatisticalCode, TypeCode, AcknowledgementCode",
        "Faste værdier: XD9134L, XDIS91, XDIS91, pluspositivkvitt.",
        "Fixed values: XD9134L, XDIS91, XDIS91, pluspositivkvitt.",
        "2:Version code",
    )
    newest = _newest_author(message)
    sender = _party(message.sender, "Sender", notes, phone=newest.phone if newest else None)
    receiver = _party(message.receiver, "Receiver", notes)
    patient, extra_ids = _patient(message.patient, notes)
    episode_status, episode_id = _episode(message, notes)
    subject = _subject(message, notes)
    with_data = [a for a in message.attachments if a.data is not None]
    if len(with_data) > _MAX_REFERENCES:
        notes.lost(
            "Communication.payload (bilag 11 og frem)",
            f"XDIS91 og XBIN01 har plads til {_MAX_REFERENCES} bilag; de øvrige nævnes i teksten, men "
            "kommer ikke med.",
            f"XDIS91 and XBIN01 hold {_MAX_REFERENCES} attachments; the others are named in the text but "
            "do not travel.",
            "UC:S2.A1 for mange bilag",
        )
    left_out = with_data[_MAX_REFERENCES:]
    with_data = with_data[:_MAX_REFERENCES]
    text = _text(message, extra_ids, notes, left_out)
    references = tuple(_reference(a) for a in with_data) + tuple(
        Attachment(title=a.title, url=a.url)
        for a in message.attachments
        if a.url is not None and a.data is None
    )
    _lost_always(message, notes)
    letter = CareMessage(
        envelope=Envelope(envelope_id, sent, positive_receipt=True),
        message_id=letter_id,
        authorised=authorised,
        sender=sender,
        receiver=receiver,
        patient=patient,
        segments=(TextSegment(text),),
        episode_of_care_id=episode_id,
        episode_status=episode_status,
        priority=message.priority,
        topic=subject,
        attachments=references,
    )
    binary = None
    if with_data:
        binary = AttachmentMessage(
            envelope=Envelope(new_id(), sent, positive_receipt=True),
            message_id=new_id(),
            authorised=authorised,
            sender=sender,
            receiver=receiver,
            patient=Patient(patient.identifier, patient.family_name, patient.given_name),
            attachments=tuple(r.as_binary_object() for r in references if r.data is not None),
        )
        notes.rewritten(
            "Communication.payload.contentAttachment.data",
            "XBIN01 BinaryObject",
            f"{len(with_data)} bilag sendes i én XBIN01.",
            f"{len(with_data)} attachment(s) travel in one XBIN01.",
            "4:attachment content",
        )
    correlation = Correlation(
        fhir_bundle_id=message.envelope.identifier,
        fhir_header_id=message.message_id,
        oioxml_envelope_id=envelope_id,
        oioxml_letter_id=letter_id,
        fhir_sender=message.sender,
        fhir_receiver=message.receiver,
        xbin_envelope_id=binary.envelope.identifier if binary else None,
        xbin_letter_id=binary.message_id if binary else None,
        fhir_event=current_event(message),
    )
    return Conversion((letter, binary), tuple(notes.changes), correlation)


def _cut(value: str | None, limit: int, element: str, notes: Notes, mapping: str = "") -> str | None:
    """OIOXML fields are short; a longer FHIR value is cut, and the cut is noted."""
    if value is None or len(value) <= limit:
        return value
    notes.rewritten(
        element,
        element,
        f"Værdien forkortes til {limit} tegn (OIOXML's grænse): '{value[limit:]}' mistes.",
        f"The value is cut to {limit} characters (OIOXML's limit): '{value[limit:]}' is lost.",
        mapping,
    )
    return value[:limit].rstrip()


def _oioxml_id(value: str, source: str, target: str, new_id: Callable[[], str], notes: Notes) -> str:
    if 0 < len(value) <= _OIOXML_ID_MAX:
        return value
    notes.rewritten(
        source,
        target,
        "FHIR-id'et er for langt til OIOXML (højst 14 tegn); et nyt id dannes og gemmes til kvitteringen.",
        "The FHIR id is too long for OIOXML (at most 14 characters); a new id is made and kept for "
        "the acknowledgement.",
        "2:Message envelope id" if source == "Bundle.id" else "2:Message letter id",
    )
    return new_id()


def _minute(moment: datetime, source: str, target: str, notes: Notes, mapping: str) -> datetime:
    if moment.year == 1:  # the reader's mark for a time the message lacks (datetime.min)
        raise BuildError(
            TIME_MISSING,
            Bilingual(
                f"Meddelelsen mangler {source}, som {target} skal have, og kan ikke konverteres.",
                f"The message lacks the time {source}, which {target} needs; it cannot be converted.",
            ),
        )
    local = moment.astimezone(COPENHAGEN)
    minute = local.replace(second=0, microsecond=0)
    if local != minute or moment.utcoffset() != local.utcoffset():
        notes.rewritten(
            source,
            target,
            f"OIOXML har dansk tid i timer og minutter; sekunder og tidszone falder bort "
            f"({moment.isoformat()} → {minute:%Y-%m-%d %H:%M}).",
            f"OIOXML has Danish time in hours and minutes; seconds and time zone are dropped "
            f"({moment.isoformat()} → {minute:%Y-%m-%d %H:%M}).",
            mapping,
        )
    return minute


def _authorisation(message: CareMessage, notes: Notes) -> datetime:
    """Sheet 2, «Authorisation date/time»: Letter.Authorisation comes from the date of the message's
    own text payload (Communication.payload.string.extension:date), not from its Provenance."""
    own = set(current_event(message).payload_ids)
    dated = [s.written for s in message.segments if s.written is not None and s.identifier in own]
    dated = dated or [s.written for s in message.segments if s.written is not None]
    if dated:
        written = max(dated)
        if written != message.authorised:
            notes.lost(
                "Provenance.occurredDateTime",
                f"Afsendelsestidspunktet {message.authorised.isoformat()} har ingen plads i XDIS91, som "
                f"bruger tekstens dato {written.isoformat()}; tilbage i FHIR får Provenance tekstens dato.",
                f"The sending time {message.authorised.isoformat()} has no place in XDIS91, which uses the "
                f"text's date {written.isoformat()}; back in FHIR the Provenance gets the text's date.",
                "2:Message sent dateTime",
            )
        return written
    notes.invented(
        "Letter.Authorisation",
        "Teksten har ingen dato (payload.extension:date); tidspunktet i meddelelsens Provenance bruges.",
        "The text has no date (payload.extension:date); the time in the message's Provenance is used.",
        "2:Authorisation date",
    )
    return message.authorised


def _newest_author(message: CareMessage) -> Author | None:
    dated = [s for s in message.segments if s.author is not None]
    dated.sort(key=lambda s: s.written or message.authorised)
    return dated[-1].author if dated else None


def _party(party: Organisation, element: str, notes: Notes, *, phone: str | None = None) -> Organisation:
    if party.sor is None:
        raise BuildError(
            SOR_MISSING,
            Bilingual(
                f"Organization {party.ean} har ingen SOR-kode; XDIS91 skal have en identifikator.",
                f"Organization {party.ean} has no SOR code; XDIS91 needs an identifier.",
            ),
        )
    name = party.name
    if element == "Sender" and not name:
        name = party.ean
        notes.invented(
            "Sender.OrganisationName",
            "Organization.name mangler; lokationsnummeret bruges.",
            "Organization.name is missing; the location number is used.",
            "2:Sender organization name",
        )
    if phone and element == "Sender":
        notes.rewritten(
            "payload.extension:authorContact",
            "Sender.TelephoneSubscriberIdentifier",
            "Den seneste forfatters telefonnummer bliver afsenderens.",
            "The newest author's telephone number becomes the sender's.",
            "2:Author contact",
        )
    identifier, kind = party.sor, OrgIdKind.SOR
    if len(party.sor) > _IDENTIFIER_MAX:
        notes.rewritten(
            f"Organization.identifier (SOR {party.sor})",
            f"{element}.Identifier",
            "SOR-koden er for lang til XDIS91 (højst 17 tegn); lokationsnummeret bruges.",
            "The SOR code is too long for XDIS91 (at most 17 characters); the location number is used.",
            f"2:{element} id",
        )
        identifier, kind = party.ean, OrgIdKind.LOCATION_NUMBER
    return Organisation(
        ean=party.ean,
        name=_cut(name, 35, f"{element}.OrganisationName", notes, f"2:{element} organization name"),
        identifier=identifier,
        identifier_kind=kind,
        phone=_cut(phone, 25, "Sender.TelephoneSubscriberIdentifier", notes, "2:Author contact")
        if element == "Sender"
        else None,
    )


def _patient(patient: Patient, notes: Notes) -> tuple[Patient, list[PersonId]]:
    identifiers = [patient.identifier, *patient.other_identifiers]
    cprs = [i for i in identifiers if i.kind is PersonIdKind.CPR]
    replacements = [i for i in identifiers if i.kind is PersonIdKind.REPLACEMENT]
    if cprs:
        primary = cprs[0]
    else:  # with two replacement CPRs, the national X-eCPR wins
        national = [i for i in replacements if i.system == t.X_ECPR_SYSTEM]
        primary = (national or replacements)[0]
    extra = [i for i in identifiers if i is not primary]
    if extra:
        notes.rewritten(
            "Patient.identifier (flere)",
            "ClinicalInformation.Text01",
            "Flere CPR-numre: det almindelige (eller X-eCPR) bliver patientens, de øvrige skrives i teksten.",
            "Several CPR numbers: the regular one (or X-eCPR) becomes the patient's, the others go "
            "into the text.",
            "2:Patient id",
        )
    if primary.kind is PersonIdKind.REPLACEMENT and primary.system:
        # Sheet 1/2, «Patient alternative id»: XDIS91 has no system; back in FHIR it follows from the
        # 7th character, so a more specific system (a region's D-eCPR, e.g. …6.1.3.177) is lost.
        back = t.X_ECPR_SYSTEM if primary.value[6:7] in ("1", "7") else t.D_ECPR_SYSTEM
        if primary.system != back:
            notes.lost(
                "Patient.identifier.system",
                f"Erstatnings-CPR'ets system {primary.system} har ingen plads i XDIS91; tilbage i FHIR "
                f"bliver det {back} efter 7. tegn.",
                f"The replacement CPR's system {primary.system} has no place in XDIS91; back in FHIR it "
                f"becomes {back} by the 7th character.",
                "2:Patient alternative id",
            )
    if patient.phones or patient.email:
        notes.lost(
            "Patient.telecom",
            "XDIS91 har ingen patientkontakt.",
            "XDIS91 has no patient contact.",
            "2:Patient contact",
        )
    family_name = patient.family_name
    if not family_name:
        notes.invented(
            "Patient.PersonSurnameName",
            f"Efternavnet er ukendt (data-absent-reason), men XDIS91 kræver et; '{UNKNOWN_FAMILY_NAME}' "
            "skrives.",
            f"The family name is unknown (data-absent-reason), but XDIS91 requires one; "
            f"'{UNKNOWN_FAMILY_NAME}' is written.",
            "2:Patient family name",
        )
        family_name = UNKNOWN_FAMILY_NAME
    address = patient.address
    if address is not None:
        address = Address(
            street=_cut(address.street, 35, "Patient.StreetName", notes, "2:Patient street name"),
            city=_cut(address.city, 35, "Patient.DistrictName", notes, "2:Patient city name"),
            postcode=_cut(address.postcode, 9, "Patient.PostCodeIdentifier", notes, "2:Patient post code"),
        )
    return (
        Patient(
            identifier=PersonId(primary.kind, primary.value),
            family_name=_cut(family_name, 70, "Patient.PersonSurnameName", notes, "2:Patient family name")
            or "",
            given_name=_cut(patient.given_name, 70, "Patient.PersonGivenName", notes, "2:Patient name"),
            address=address,
        ),
        extra,
    )


def _episode(message: CareMessage, notes: Notes) -> tuple[EpisodeStatus, str | None]:
    identifier = _episode_id(message, notes)
    if message.encounter_status or message.encounter_class:
        notes.rewritten(
            "Encounter.status/class",
            "Patient.EpisodeOfCareStatusCode",
            f"({message.encounter_status}, {message.encounter_class}) står ikke i MedComs tabel og bliver "
            "'inaktiv'.",
            f"({message.encounter_status}, {message.encounter_class}) is not in MedCom's table and becomes "
            "'inaktiv'.",
            "UC:EpisodeOfCareStatusCode",
        )
        return (
            EpisodeStatus.DECEASED
            if message.episode_status is EpisodeStatus.DECEASED
            else EpisodeStatus.INACTIVE
        ), identifier
    return message.episode_status, identifier


def _episode_id(message: CareMessage, notes: Notes) -> str | None:
    """Sheet 2, «Episode of care identifier»: with several ids the LPR3 one is carried, else the first
    in the file; "ID'et er med og uden bindestreger" — a UUID loses its hyphens (and its urn:uuid:
    prefix, which is no part of the id), any other id is kept as it is."""
    if message.episode_of_care_id is None:
        return None
    row = "2:Episode of care identifier"
    candidates = [(message.episode_of_care_id, message.episode_of_care_system), *message.more_episode_ids]
    value, system = next((c for c in candidates if c[1] == t.LPR3_SYSTEM), candidates[0])
    if len(candidates) > 1:
        others = ", ".join(v for v, _ in candidates if v != value)
        which = (
            Bilingual("LPR3-id'et", "the LPR3 id")
            if system == t.LPR3_SYSTEM
            else Bilingual("det første (intet LPR3-id)", "the first (no LPR3 id)")
        )
        notes.lost(
            "Encounter.episodeOfCare.identifier (flere)",
            f"XDIS91 har ét forløbs-id: {which.da} {value} føres videre; {others} mistes.",
            f"XDIS91 has one episode id: {which.en} {value} is carried; {others} is lost.",
            row,
        )
    if system:
        notes.lost(
            "Encounter.episodeOfCare.identifier.system",
            f"Systemet {system} har ingen plads i XDIS91.",
            f"The system {system} has no place in XDIS91.",
            row,
        )
    original = value
    steps_da, steps_en = [], []
    if value.lower().startswith("urn:uuid:"):
        value = value[len("urn:uuid:") :]
        steps_da.append("præfikset 'urn:uuid:' fjernes")
        steps_en.append("the 'urn:uuid:' prefix is removed")
    if _UUID.fullmatch(value):
        value = value.replace("-", "")
        steps_da.append("bindestregerne i UUID'et fjernes")
        steps_en.append("the UUID's hyphens are removed")
    if len(value) > _EPISODE_MAX:
        value = value[:_EPISODE_MAX]
        steps_da.append(f"id'et forkortes til {_EPISODE_MAX} tegn")
        steps_en.append(f"the id is cut to {_EPISODE_MAX} characters")
    if steps_da:
        notes.rewritten(
            "Encounter.episodeOfCare.identifier",
            "Letter.EpisodeOfCareIdentifier",
            f"{_sentence(', '.join(steps_da))} ({original} → {value}).",
            f"{_sentence(', '.join(steps_en))} ({original} → {value}).",
            row,
        )
    return value


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _subject(message: CareMessage, notes: Notes) -> str | None:
    category = t.CATEGORIES.get(message.category or "")
    parts = [category.da if category else message.category, message.topic]
    subject = ", ".join(p for p in parts if p and p.strip())
    if not subject:  # neither category nor topic (an invalid message): Subject is optional in XDIS91
        return None
    if len(subject) > _SUBJECT_MAX:
        notes.rewritten(
            "Communication.category + topic",
            "AdditionalInformation.Subject",
            f"Kategori og emne forkortes til {_SUBJECT_MAX} tegn: '{subject[_SUBJECT_MAX:]}' mistes.",
            f"Category and topic are cut to {_SUBJECT_MAX} characters: '{subject[_SUBJECT_MAX:]}' is lost.",
            "2:Category",
        )
        subject = subject[:_SUBJECT_MAX]
    else:
        notes.rewritten(
            "Communication.category + topic",
            "AdditionalInformation.Subject",
            "Kategori og emne skrives kommasepareret i emnet.",
            "Category and topic are written comma-separated into the subject.",
            "2:Category",
        )
    return subject


def _author_lines(author: Author | None) -> list[str]:
    if author is None:
        return []
    lines = []
    if author.name:
        lines.append(f"Forfatter: {author.name}")
    role = ROLE_DISPLAY.get(author.role or "", author.role) if author.role else author.role_text
    if role:
        lines.append(f"Stilling: {role}")
    return lines


def _party_line(label: str, party: Author | CareTeam | None) -> list[str]:
    if party is None:
        return []
    if isinstance(party, CareTeam):
        return [f"{label}: {party.name}"]
    role = ROLE_DISPLAY.get(party.role or "", party.role) if party.role else party.role_text
    return [f"{label}: {', '.join(p for p in (party.name, role) if p)}"]


def _text(message: CareMessage, extra_ids: list[PersonId], notes: Notes, left_out: list[Attachment]) -> str:
    lines: list[str] = []
    note = _ACTIVITY_NOTE.get(message.activity)
    if note:
        lines += [note, ""]
        notes.rewritten(
            "Provenance.activity",
            "ClinicalInformation.Text01",
            f"'{note}' står øverst i teksten.",
            f"'{note}' is written at the top of the text.",
            "2:Message status/activity",
        )
    segments = sorted(message.segments, key=lambda s: s.written or message.authorised)
    for index, segment in enumerate(segments):
        if index:
            lines.append("")
        lines.append(plain_text(segment.text).rstrip())
        lines += _author_lines(segment.author)
    if any(s.author for s in segments):
        notes.rewritten(
            "PractitionerRole.code, Practitioner.name",
            "ClinicalInformation.Text01",
            "Forfatter og stilling skrives under teksten.",
            "Author and role are written below the text.",
            "2:Author name",
        )
    if len(segments) > 1:
        notes.rewritten(
            "Communication.payload (tidligere afsnit)",
            "ClinicalInformation.Text01",
            "Trådens afsnit står efter hinanden i tidsorden.",
            "The thread's segments follow each other in time order.",
            "2:Text",
        )
    extra = _party_line("Specifik afsender", message.specific_sender)
    extra += _party_line("Specifik modtager", message.specific_recipient)
    if extra:
        lines += ["", *extra]
        notes.rewritten(
            "Communication.extension:sender / recipient",
            "ClinicalInformation.Text01",
            "Specifik afsender og modtager skrives i teksten.",
            "Specific sender and recipient are written into the text.",
            "2:Specific sender",
        )
    earlier = [a for a in message.attachments if a.data is None and a.url is None]
    if earlier:
        lines += ["", "Bilag sendt tidligere i tråden:"]
        lines += [f"- {a.title or 'uden titel'} ({a.identifier})" for a in earlier]
        notes.rewritten(
            "Communication.payload (bilag uden data)",
            "ClinicalInformation.Text01",
            "Bilag sendt tidligere (uden data) nævnes sidst i teksten.",
            "Attachments sent earlier (without data) are named at the end of the text.",
            "UC:S2.A2 svar med bilag",
        )
    if left_out:
        lines += ["", "Bilag, der ikke kunne komme med (højst 10):"]
        lines += [f"- {a.title or 'uden titel'} ({a.identifier})" for a in left_out]
    if extra_ids:
        lines += ["", MORE_CPR_NOTE, *[i.value for i in extra_ids]]
    return escape("\n".join(lines))


def _reference(attachment: Attachment) -> Attachment:
    file_type = oioxml_file_type_for(attachment.media_type)
    return Attachment(
        title=(attachment.title or "BIN")[:70],
        identifier=attachment.identifier,
        file_type=file_type,
        object_code=EXPECTED_OBJECT_CODE.get(file_type or "", "proprietaert_indhold"),
        size=len(attachment.data) if attachment.data is not None else None,
        data=attachment.data,
    )


def _lost_always(message: CareMessage, notes: Notes) -> None:
    notes.lost(
        "Communication.identifier",
        "Tråd-id'et har ingen plads i XDIS91.",
        "The thread id has no place in XDIS91.",
        "2:Communication identifier",
    )
    if message.previous is not None or message.history:
        notes.lost(
            "Provenance (tidligere meddelelser)",
            "Henvisningen til tidligere meddelelser mistes.",
            "The reference to earlier messages is lost.",
            "2:Previous message",
        )
    if any(a.data is not None and (a.author or a.created or a.added) for a in message.attachments):
        notes.lost(
            "payload.contentAttachment (forfatter, dato)",
            "Bilagets forfatter og datoer (payload-dato, oprettelse) mappes ikke; tilbage i FHIR får bilaget "
            "brevets autorisationstid.",
            "The attachment's author and dates (payload date, creation) are not mapped; back in FHIR the "
            "attachment gets the letter's authorisation time.",
            "4:attachment date",
        )
