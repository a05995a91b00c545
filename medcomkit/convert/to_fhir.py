"""XDIS91 (and its XBIN01) to CareCommunication, row by row as MedCom's conversion mapping
(January 2026, sheets 1 and 3) says, with its defaults and notes.

Works on the neutral model: the input is what :func:`medcomkit.parse` gives for the XDIS91 and
the XBIN01, the output a FHIR-ready :class:`~medcomkit.model.messages.CareMessage` for
:func:`medcomkit.build_carecommunication`. Every change names the mapping row it follows
(``Change.mapping``, e.g. ``"1:Subject"`` for sheet 1, row «Subject»).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..core.errors import BuildError
from ..core.lang import Bilingual
from ..fhir import terminology as t
from ..fhir.vocabulary import media_type_for
from ..model.filetypes import sniff_file_type
from ..model.markup import escape, plain_text, to_runs
from ..model.messages import (
    Activity,
    Address,
    Attachment,
    AttachmentMessage,
    Author,
    CareMessage,
    EpisodeStatus,
    LetterStatus,
    Organisation,
    OrgIdKind,
    Patient,
    PersonId,
    PersonIdKind,
    Priority,
    TextSegment,
)
from ..model.thread import current_event
from ..oioxml.xbin01 import join_attachments, object_key
from .changes import Conversion, Correlation, Notes
from .codes import NOT_OIOXML, SOR_MISSING

if TYPE_CHECKING:
    from ..sor import SorRegistry

__all__ = [
    "CONVERSION_PROBLEM_NOTE",
    "EMPTY_TEXT",
    "HIGH_PRIORITY_NOTE",
    "NO_PHONE",
    "UNKNOWN_FAMILY_NAME",
    "UNKNOWN_ROLE",
    "UNKNOWN_TOPIC",
    "SorEntry",
    "SorLookup",
    "xdis91_to_carecommunication",
]

# MedCom's defaults and notes (conversion mapping, January 2026; conversion use cases 3.1.0).
UNKNOWN_TOPIC = "Ukendt emne"
UNKNOWN_ROLE = "ukendt"
NO_PHONE = "0000 0000"
HIGH_PRIORITY_NOTE = "Denne meddelelse har høj prioritet."
EMPTY_TEXT = "(Meddelelsen havde ingen tekst.)"  # medcomkit's own: MedCom's mapping names no default
# medcomkit's own: what the conversion to XDIS91 writes for a family name FHIR marks unknown.
UNKNOWN_FAMILY_NAME = "(ukendt)"
CONVERSION_PROBLEM_NOTE = (
    "Konverteringen ml. XML/EDI og FHIR kunne ikke udføres korrekt pga. tekniske el. indholdsmæssige "
    "forhold i meddelelsen."
)


@dataclass(frozen=True, slots=True)
class SorEntry:
    """What the conversion needs from SOR about a location number: the SOR code, and where SOR has
    them, the unit's name and telephone number."""

    sor: str
    name: str | None = None
    phone: str | None = None


SorLookup = Mapping[str, SorEntry] | Callable[[str], SorEntry | None]
_HEX32 = re.compile(r"[0-9a-fA-F]{32}")


def registry_lookup(registry: SorRegistry) -> Callable[[str], SorEntry | None]:
    """A SOR lookup over a loaded SOR registry (:func:`medcomkit.sor.load_sor` or the demo registry):
    the unit that holds the location number itself, else the first that inherits it. A location
    number the registry does not know gives ``None``, so a SOR code the message carries still
    serves (sheet 1, «Sender SOR»: SOR lookup is only needed where the message has no SOR code)."""
    from ..core.errors import SorLookupError

    def look_up(ean: str) -> SorEntry | None:
        try:
            units = registry.by_ean(ean)
        except SorLookupError:
            return None
        own = [u for u in units if not u.ean_inherited] or units
        return SorEntry(own[0].sor, own[0].name, own[0].phone) if own else None

    return look_up


def _look_up(sor: SorLookup | None, ean: str) -> SorEntry | None:
    if sor is None:
        return None
    if isinstance(sor, Mapping):
        return sor.get(ean)
    return sor(ean)


def _new_uuid() -> str:
    return str(uuid.uuid4())


def xdis91_to_carecommunication(
    letter: CareMessage,
    binary: AttachmentMessage | None = None,
    *,
    sor: SorLookup | None = None,
    new_id: Callable[[], str] = _new_uuid,
    binary_problem: Bilingual | None = None,
) -> Conversion[CareMessage]:
    """Convert an XDIS91 letter and its XBIN01 (``None`` when it never came) to a CareCommunication.

    ``sor`` finds the SOR code (and SOR's name and phone) of a location number; FHIR requires the SOR
    code of sender and receiver, so a party without one raises :class:`BuildError`. ``new_id`` makes
    the UUIDs the conversion service generates (thread id, segment and link ids). ``binary_problem``
    says why an XBIN01 that came was not usable (invalid): its attachments are then converted as
    if it had not come, as MedCom's service does (use case S1.A2).
    """
    notes = Notes()
    if letter.thread_id is not None:
        raise BuildError(
            NOT_OIOXML,
            Bilingual(
                "Meddelelsen er allerede en CareCommunication (den har et tråd-id).",
                "The message already is a CareCommunication (it has a thread id).",
            ),
        )
    sender_sor = _look_up(sor, letter.sender.ean)
    sender = _organisation(letter.sender, sender_sor, "Sender", notes, with_units=True)
    receiver = _organisation(letter.receiver, _look_up(sor, letter.receiver.ean), "Receiver", notes)
    phone = _phone(letter.sender, sender_sor, notes)
    _envelope_notes(letter, notes)
    patient = _patient(letter.patient, notes)
    episode_id, episode_status = _episode(letter, notes)
    topic = letter.topic
    if not topic:
        topic = UNKNOWN_TOPIC
        notes.invented(
            "Communication.topic",
            f"Intet emne; MedComs standard '{UNKNOWN_TOPIC}'.",
            f"No subject; MedCom's default '{UNKNOWN_TOPIC}'.",
            "1:Subject",
        )
    notes.invented(
        "Communication.category",
        "XDIS91 har ingen kategori; MedComs standard 'other' (Andet).",
        "XDIS91 has no category; MedCom's default 'other'.",
        "1:Category",
    )
    author = Author(family_name=sender.name or sender.ean, role_text=UNKNOWN_ROLE, phone=phone)
    notes.invented(
        "PractitionerRole.code, Practitioner.name",
        f"XDIS91 har ingen forfatter; rollen er '{UNKNOWN_ROLE}' og navnet afsenderens navn.",
        f"XDIS91 has no author; the role is '{UNKNOWN_ROLE}' and the name the sender's name.",
        "1:Author role",
    )
    text = _text(letter, notes)
    # Sheet 1, «Authorisation date/time»: Letter.Authorisation → Communication.payload.extension:date.
    segment = TextSegment(text, letter.authorised, author, new_id())
    notes.invented(
        "Communication.identifier, payload identifier",
        "Tråd-id og tekstens id er nye UUID'er, som konverteringsservicen danner.",
        "Thread id and the text's id are new UUIDs the conversion service makes.",
        "1:Communication identifier",
    )
    if binary is not None and binary_problem is None:
        binary_problem = _inconsistent(binary)
    usable = binary if binary_problem is None else None
    attachments, problem = _attachments(letter, usable, new_id, notes, binary_problem)
    if binary is not None:
        _unreferenced_objects(letter, binary, notes)
    message = CareMessage(
        envelope=letter.envelope,
        message_id=letter.message_id,
        authorised=letter.authorised,
        sender=sender,
        receiver=receiver,
        patient=patient,
        segments=(segment,),
        activity=Activity.NEW,
        thread_id=new_id(),
        episode_of_care_id=episode_id,
        episode_status=episode_status,
        topic=topic,
        category=t.CATEGORY_OTHER,
        attachments=attachments,
    )
    correlation = Correlation(
        fhir_bundle_id=message.envelope.identifier,
        fhir_header_id=message.message_id,
        oioxml_envelope_id=letter.envelope.identifier,
        oioxml_letter_id=letter.message_id,
        fhir_sender=sender,
        fhir_receiver=receiver,
        xbin_envelope_id=binary.envelope.identifier if binary is not None else None,
        xbin_letter_id=binary.message_id if binary is not None else None,
        fhir_event=current_event(message),
        conversion_problem=problem,
    )
    return Conversion(message, tuple(notes.changes), correlation)


def _organisation(
    party: Organisation, entry: SorEntry | None, element: str, notes: Notes, *, with_units: bool = False
) -> Organisation:
    sor = party.sor or (entry.sor if entry else None)
    if sor is None:
        raise BuildError(
            SOR_MISSING,
            Bilingual(
                f"{element} ({party.ean}) har ingen SOR-kode, og SOR-opslaget fandt ingen. "
                "En CareCommunication skal have SOR-koden på afsender og modtager; "
                "giv et SOR-opslag (--sor EAN=SOR eller --registry).",
                f"{element} ({party.ean}) has no SOR code and the SOR lookup found none. A CareCommunication "
                "needs the SOR code of sender and receiver; give a SOR lookup (--sor EAN=SOR or --registry).",
            ),
        )
    if party.sor is None:
        notes.rewritten(
            f"{element}.Identifier",
            "Organization.identifier (SOR)",
            f"{element}.Identifier ({party.identifier_kind or '—'}) erstattes af SOR-koden fra SOR-opslag.",
            f"{element}.Identifier ({party.identifier_kind or '—'}) is replaced by the SOR code from SOR.",
            f"1:{element} SOR",
        )
    parts = [party.name, party.department, party.unit] if with_units else [party.name]
    name = ", ".join(p for p in parts if p) or (entry.name if entry else None)
    if with_units and (party.department or party.unit):
        notes.rewritten(
            f"{element}.OrganisationName/DepartmentName/UnitName",
            "Organization.name",
            "Organisation, afdeling og enhed skrives i ét navnefelt.",
            "Organisation, department and unit are written into one name.",
            "1:Sender organization name",
        )
    if not with_units and (party.department or party.unit):
        notes.lost(
            f"{element}.DepartmentName/UnitName",
            "Modtagerens afdeling og enhed mappes ikke.",
            "The receiver's department and unit are not mapped.",
            "1:Receiver department",
        )
    if party.address is not None:
        notes.lost(
            f"{element}.StreetName/DistrictName/PostCodeIdentifier",
            "Adressen findes i SOR.",
            "The address is found in SOR.",
            f"1:{element} streetname",
        )
    if party.speciality:
        notes.lost(
            f"{element}.MedicalSpecialityCode",
            "Specialet mappes ikke.",
            "The speciality is not mapped.",
            "1:Sender speciality code",
        )
    if not with_units and party.phone:
        notes.lost(
            "Receiver.TelephoneSubscriberIdentifier",
            "Modtagerens telefonnummer mappes ikke.",
            "The receiver's telephone number is not mapped (sheet 1 has no row for it).",
        )
    return Organisation(ean=party.ean, name=name, identifier=sor, identifier_kind=OrgIdKind.SOR)


def _phone(sender: Organisation, entry: SorEntry | None, notes: Notes) -> str:
    # Sheet 1, «Sender telephone»: the number sent, else SOR's, else "0000 0000".
    if sender.phone and not any(c.isdigit() for c in sender.phone):
        notes.lost(
            "Sender.TelephoneSubscriberIdentifier",
            f"'{sender.phone}' har ingen cifre og er intet nummer.",
            f"'{sender.phone}' has no digits and is no number.",
            "1:Sender telephone",
        )
    elif sender.phone:
        notes.rewritten(
            "Sender.TelephoneSubscriberIdentifier",
            "payload.extension:authorContact",
            "Afsenderens telefonnummer bliver forfatterens kontaktnummer.",
            "The sender's telephone number becomes the author's contact number.",
            "1:Sender telephone",
        )
        return sender.phone
    if entry is not None and entry.phone:
        notes.invented(
            "payload.extension:authorContact",
            "Telefonnummeret er slået op i SOR.",
            "The telephone number is looked up in SOR.",
            "1:Sender telephone",
        )
        return entry.phone
    notes.invented(
        "payload.extension:authorContact",
        f"Intet telefonnummer i meddelelsen eller SOR; MedComs standard '{NO_PHONE}'.",
        f"No telephone number in the message or SOR; MedCom's default '{NO_PHONE}'.",
        "1:Sender telephone",
    )
    return NO_PHONE


def _envelope_notes(letter: CareMessage, notes: Notes) -> None:
    if not letter.envelope.positive_receipt:
        notes.rewritten(
            "Envelope.AcknowledgementCode",
            "",
            "En FHIR-meddelelse kvitteres altid.",
            "A FHIR message is always acknowledged.",
            "1:AcknowledgementCode",
        )
    if letter.status is LetterStatus.CORRECTED:
        notes.lost(
            "Letter.StatusCode (rettetbrev)",
            "CareCommunication 5 har ingen rettelse; meddelelsen sendes som ny.",
            "CareCommunication 5 has no correction; the message goes as a new one.",
            "1:Message status/activity",
        )


def _replacement_system(value: str) -> str:
    # Sheet 1, «Patient alternative id»: 7th character 1 or 7 means a national X-eCPR, else D-eCPR.
    return t.X_ECPR_SYSTEM if value[6:7] in ("1", "7") else t.D_ECPR_SYSTEM


def _patient(patient: Patient, notes: Notes) -> Patient:
    identifier = patient.identifier
    if identifier.kind is PersonIdKind.REPLACEMENT and identifier.system is None:
        identifier = PersonId(identifier.kind, identifier.value, _replacement_system(identifier.value))
    address = patient.address
    if address is not None and address.suburb:
        notes.lost(
            "Patient.SuburbName", "Bydelen mappes ikke.", "The suburb is not mapped.", "1:Patient suburb name"
        )
        address = replace(address, suburb=None)
    if address == Address():
        address = None
    if patient.occupation:
        notes.lost(
            "Patient.OccupancyText",
            "Stillingen mappes ikke.",
            "The occupation is not mapped.",
            "1:Patient occupancy",
        )
    family_name = patient.family_name
    if family_name == UNKNOWN_FAMILY_NAME:
        # The placeholder the conversion to XDIS91 wrote for a family name FHIR marked unknown
        # (sheet 2, «Patient family name»): back in FHIR it is unknown again (data-absent-reason).
        notes.rewritten(
            f"Patient.PersonSurnameName ({UNKNOWN_FAMILY_NAME})",
            "Patient.name.family (data-absent-reason)",
            "Efternavnet er ukendt; FHIR siger det med data-absent-reason 'unknown'.",
            "The family name is unknown; FHIR says so with data-absent-reason 'unknown'.",
            "1:Patient family name",
        )
        family_name = ""
    return Patient(
        identifier=identifier,
        family_name=family_name,
        given_name=patient.given_name,
        address=address,
    )


def _with_hyphens(value: str) -> str:
    """A 32-hex-digit id in UUID form (8-4-4-4-12), its letters' case kept; anything else as it is."""
    if _HEX32.fullmatch(value):
        return "-".join((value[:8], value[8:12], value[12:16], value[16:20], value[20:]))
    return value


def _episode(letter: CareMessage, notes: Notes) -> tuple[str | None, EpisodeStatus]:
    status = letter.episode_status
    identifier = letter.episode_of_care_id
    if identifier is not None:
        # Sheet 1, «Episode of care identifier»: "ID'et er med og uden bindestreger" — a UUID written
        # without hyphens in XDIS91 gets them back; other ids are kept exactly as they are.
        hyphenated = _with_hyphens(identifier)
        if hyphenated != identifier:
            notes.rewritten(
                "Letter.EpisodeOfCareIdentifier",
                "Encounter.episodeOfCare.identifier",
                f"Forløbs-id'et er et UUID uden bindestreger; de sættes ind ({identifier} → {hyphenated}).",
                f"The episode id is a UUID without hyphens; they are put in ({identifier} → {hyphenated}).",
                "1:Episode of care identifier",
            )
        identifier = hyphenated
    if status is EpisodeStatus.OUTPATIENT_XRAY:
        notes.rewritten(
            "Patient.EpisodeOfCareStatusCode (ambulant_roentgen)",
            "Encounter.class AMB",
            "Ambulant røntgen bliver ambulant (AMB).",
            "Outpatient X-ray becomes outpatient (AMB).",
            "UC:EpisodeOfCareStatusCode",
        )
        status = EpisodeStatus.OUTPATIENT
    if identifier is None and status in (EpisodeStatus.INPATIENT, EpisodeStatus.OUTPATIENT):
        notes.lost(
            "Patient.EpisodeOfCareStatusCode",
            "Et Encounter kræver et forløbs-id (medcom-careCommunication-9); uden det mistes status.",
            "An Encounter needs an episode-of-care id (medcom-careCommunication-9); without one the "
            "status is lost.",
            "1:Episode of care status",
        )
        status = EpisodeStatus.INACTIVE
    return identifier, status


def _text(letter: CareMessage, notes: Notes) -> str:
    # Sheet 1, «Text»: the only formatting FHIR keeps is the line break (<Break/> → \n).
    markup = "\n".join(s.text for s in letter.segments)
    if any(run.styles for run in to_runs(markup)):
        notes.lost(
            "ClinicalInformation.Text01 (formatering)",
            "FHIR-tekst har kun linjeskift; fed, kursiv, understregning, centrering og fast skrift mistes.",
            "FHIR text has only line breaks; bold, italic, underline, centring and fixed font are lost.",
            "1:Text",
        )
    plain = plain_text(markup)
    # FHIR strings should not start or end with white space; XDIS91 texts often end with a <Break/>.
    text = escape(plain.strip())
    if text and plain != plain.strip():
        notes.lost(
            "ClinicalInformation.Text01 (blanktegn i kanterne)",
            "Linjeskift og mellemrum før og efter teksten fjernes (FHIR-strenge har dem ikke).",
            "Line breaks and spaces before and after the text are removed (FHIR strings have none).",
            "1:Text",
        )
    if not text:
        notes.invented(
            "payload.contentString",
            f"Teksten er tom; FHIR kræver en, så '{EMPTY_TEXT}' indsættes.",
            f"The text is empty; FHIR requires one, so '{EMPTY_TEXT}' is put in.",
            "1:Text",
        )
        text = EMPTY_TEXT
    if letter.priority is Priority.HIGH:
        notes.rewritten(
            "AdditionalInformation.Priority (høj_prioritet)",
            "payload.contentString",
            f"Prioritet må kun bruges med kategorien 'regarding-referral'; teksten '{HIGH_PRIORITY_NOTE}' "
            "sættes foran.",
            f"Priority is only allowed with the category 'regarding-referral'; the text "
            f"'{HIGH_PRIORITY_NOTE}' is put in front.",
            "1:Priority",
        )
        text = f"{HIGH_PRIORITY_NOTE} {text}"
    elif letter.priority is Priority.ROUTINE:
        notes.lost(
            "AdditionalInformation.Priority (rutine)",
            "Rutine er det, FHIR forudsætter.",
            "Routine is what FHIR assumes.",
            "1:Priority",
        )
    return text


def _attachments(
    letter: CareMessage,
    binary: AttachmentMessage | None,
    new_id: Callable[[], str],
    notes: Notes,
    binary_problem: Bilingual | None,
) -> tuple[tuple[Attachment, ...], str | None]:
    # On the wire the bytes come only with the XBIN01: an attachment still without bytes after the
    # join is one the XBIN01 did not bring.
    references = replace(letter, attachments=tuple(replace(a, data=None) for a in letter.attachments))
    joined = (
        join_attachments(references, binary).attachments if binary is not None else references.attachments
    )
    result = []
    problem = None
    for attachment in joined:
        if attachment.supplementary:
            notes.lost(
                f"Reference.SUP ({attachment.title or '—'})",
                "Supplerende henvisninger har ingen plads i FHIR.",
                "Supplementary references have no place in FHIR.",
                "1:url",
            )
            continue
        if attachment.url is not None:
            result.append(
                Attachment(
                    title=attachment.title, identifier=new_id(), url=attachment.url, added=letter.authorised
                )
            )
            notes.invented(
                "payload.extension:identifier (link)",
                "Et link får et nyt UUID.",
                "A link gets a new UUID.",
                "1:URL id",
            )
            continue
        media_type = media_type_for(attachment.file_type)
        if media_type not in t.ATTACHMENT_MIME_TYPES:
            notes.rewritten(
                f"Reference.BIN.ObjectExtensionCode ({attachment.file_type})",
                f"contentAttachment.contentType ({media_type or '—'})",
                "Filtypen er ikke tilladt i FHIR; den konverteres alligevel, og modtageren kvitterer "
                "negativt.",
                "The file type is not allowed in FHIR; it is converted all the same, and the receiver "
                "acknowledges negatively.",
                "UC:S1.A4 ikke-tilladte filtyper",
            )
        if attachment.data is None:
            problem = CONVERSION_PROBLEM_NOTE
            why = binary_problem or (
                Bilingual("XBIN01 mangler", "the XBIN01 is missing")
                if binary is None
                else Bilingual(
                    f"XBIN01 {binary.message_id} har ikke bilaget",
                    f"the XBIN01 {binary.message_id} does not hold it",
                )
            )
            notes.lost(
                f"XBIN01 BinaryObject {attachment.identifier}",
                f"{why.da}: bilaget kommer med uden data og titel (bevidst ugyldigt), og kvitteringen får "
                "MedComs note.",
                f"{why.en}: the attachment comes without data and title (deliberately invalid), and the "
                "receipt gets MedCom's note.",
                "UC:S1.A2 XBIN01 mangler eller er ugyldig",
            )
            result.append(
                Attachment(identifier=attachment.identifier, media_type=media_type, added=letter.authorised)
            )
            continue
        actual = sniff_file_type(attachment.data)
        if actual is not None and attachment.file_type and actual != attachment.file_type.lower():
            # Sheet 3, «attachment extension code»: contentType follows ObjectExtensionCode, even when
            # the bytes say otherwise; the receiver must be told.
            notes.rewritten(
                f"Reference.BIN.ObjectExtensionCode ({attachment.file_type})",
                f"contentAttachment.contentType ({media_type or '—'})",
                f"Bilaget {attachment.identifier} er en {actual}-fil, men XDIS91 kalder det "
                f"{attachment.file_type}; contentType følger XDIS91, så modtageren kan ikke stole på den.",
                f"The attachment {attachment.identifier} is a {actual} file, but the XDIS91 calls it "
                f"{attachment.file_type}; contentType follows the XDIS91, so the receiver cannot trust it.",
                "3:attachment extension code",
            )
        result.append(
            Attachment(
                title=attachment.title,
                identifier=attachment.identifier,
                media_type=media_type,
                data=attachment.data,
                added=letter.authorised,
            )
        )
    if any(not a.supplementary and a.url is None for a in letter.attachments):
        notes.lost(
            "Reference.BIN.ObjectCode, OriginalObjectSize",
            "FHIR angiver kun MIME-typen.",
            "FHIR gives only the MIME type.",
            "3:attachment size",
        )
    return tuple(result), problem


def _inconsistent(binary: AttachmentMessage) -> Bilingual | None:
    """An XBIN01 whose OriginalObjectSize does not match its bytes is invalid (xbin01.object-size):
    its objects cannot be trusted, so it is treated as MedCom's service treats an invalid XBIN01."""
    for obj in binary.attachments:
        if obj.data is not None and obj.size is not None and obj.size != len(obj.data):
            return Bilingual(
                f"XBIN01 {binary.message_id} er ugyldig (OriginalObjectSize {obj.size}, men bilaget "
                f"{obj.identifier} har {len(obj.data)} bytes)",
                f"the XBIN01 {binary.message_id} is invalid (OriginalObjectSize {obj.size}, but the "
                f"attachment {obj.identifier} has {len(obj.data)} bytes)",
            )
    return None


def _unreferenced_objects(letter: CareMessage, binary: AttachmentMessage, notes: Notes) -> None:
    """Objects of the XBIN01 the XDIS91 does not refer to have nowhere to go: said, not dropped."""
    wanted = {object_key(a.identifier) for a in letter.attachments if a.identifier}
    for obj in binary.attachments:
        if object_key(obj.identifier) not in wanted:
            notes.lost(
                f"XBIN01 {binary.message_id} BinaryObject {obj.identifier}",
                "XDIS91'en henviser ikke til dette bilag, så det kommer ikke med i CareCommunication.",
                "The XDIS91 does not refer to this attachment, so it is not in the CareCommunication.",
                "3:attachment id",
            )
