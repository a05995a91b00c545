"""The neutral model: what a clinician or caseworker means, independent of XML or FHIR.

Both wire formats map to these frozen dataclasses, so converting XDIS91 to CareCommunication is
``build(parse(x))`` plus the mapping rules that have no neutral meaning (kept in ``convert``).
Free text is formatted-text markup (see :mod:`medcomkit.model.markup`): plain text where a newline is
a line break and ``{Bold}…{/Bold}``-style tags carry MedCom formatting.

Times are timezone-aware datetimes; OIOXML carries Danish local time to the minute, so parsed
times are in Europe/Copenhagen with seconds zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

__all__ = [
    "Activity",
    "Address",
    "Attachment",
    "AttachmentMessage",
    "Author",
    "CareMessage",
    "CareTeam",
    "Envelope",
    "EpisodeStatus",
    "LetterStatus",
    "Message",
    "MessageRef",
    "OrgIdKind",
    "Organisation",
    "Patient",
    "PersonId",
    "PersonIdKind",
    "Phone",
    "Priority",
    "Receipt",
    "ReceiptKind",
    "ReceiptLetter",
    "RefuseReason",
    "TextSegment",
    "ThreadEvent",
]


class OrgIdKind(StrEnum):
    """What an organisation's local identifier is (OIOXML IdentifierCode)."""

    SOR = "sor"
    LOCATION_NUMBER = "location-number"
    PROVIDER_NUMBER = "provider-number"  # ydernummer
    HOSPITAL_DEPARTMENT = "hospital-department"  # sygehusafdelingsnummer (SKS)
    MUNICIPALITY = "municipality"  # kommunenummer
    COUNTY = "county"  # amt (historic)


class PersonIdKind(StrEnum):
    CPR = "cpr"
    REPLACEMENT = "replacement"  # erstatnings-CPR (OIOXML AlternativeIdentifier)


class EpisodeStatus(StrEnum):
    """The patient's episode-of-care status (OIOXML EpisodeOfCareStatusCode)."""

    INACTIVE = "inactive"
    INPATIENT = "inpatient"
    OUTPATIENT = "outpatient"
    DECEASED = "deceased"
    OUTPATIENT_XRAY = "outpatient-xray"


class Priority(StrEnum):
    ROUTINE = "routine"
    HIGH = "high"


class LetterStatus(StrEnum):
    """Whether a letter is new or corrects an earlier one (OIOXML StatusCode)."""

    NEW = "new"
    CORRECTED = "corrected"


class Activity(StrEnum):
    """Where a message sits in its thread (FHIR Provenance activity)."""

    NEW = "new-message"
    REPLY = "reply-message"
    FORWARD = "forward-message"
    ACKNOWLEDGEMENT = "acknowledgement"  # only in a FHIR Acknowledgement's own Provenance


class ReceiptKind(StrEnum):
    POSITIVE = "positive"  # XCTL03, FHIR ok
    NEGATIVE = "negative"  # XCTL02 from the receiving system, FHIR fatal-error
    TRANSIENT = "transient"  # FHIR transient-error: try again later (XCTL02 in OIOXML)
    VANS_NEGATIVE = "vans-negative"  # XCTL01, from the VANS provider


class RefuseReason(StrEnum):
    UNSPECIFIED = "unspecified"
    UNKNOWN_LOCATION_NUMBER = "unknown-location-number"
    RECEIVER_ID_PROBLEM = "receiver-id-problem"
    VERSION_PROBLEM = "version-problem"
    SYNTAX_ERROR = "syntax-error"


@dataclass(frozen=True, slots=True)
class Address:
    street: str | None = None
    suburb: str | None = None
    city: str | None = None  # OIOXML DistrictName
    postcode: str | None = None


@dataclass(frozen=True, slots=True)
class Organisation:
    """A sending or receiving party, addressed by its EAN location number."""

    ean: str
    name: str | None = None
    identifier: str | None = None
    identifier_kind: OrgIdKind | None = None
    department: str | None = None
    unit: str | None = None
    address: Address | None = None
    phone: str | None = None
    speciality: str | None = None  # OIOXML MedicalSpecialityCode, as written

    @property
    def sor(self) -> str | None:
        """The SOR code, when the local identifier is one."""
        return self.identifier if self.identifier_kind is OrgIdKind.SOR else None


@dataclass(frozen=True, slots=True)
class PersonId:
    """A CPR number or a replacement CPR; ``system`` names the replacement kind where known (FHIR)."""

    kind: PersonIdKind
    value: str
    system: str | None = None


@dataclass(frozen=True, slots=True)
class Phone:
    """A telephone number; ``use`` is ``mobile``, ``work`` or ``home`` when known."""

    number: str
    use: str | None = None


@dataclass(frozen=True, slots=True)
class Patient:
    identifier: PersonId
    family_name: str
    given_name: str | None = None
    address: Address | None = None
    occupation: str | None = None
    other_identifiers: tuple[PersonId, ...] = ()  # FHIR allows one of each kind of CPR
    phones: tuple[Phone, ...] = ()
    email: str | None = None


@dataclass(frozen=True, slots=True)
class Author:
    """The person behind a text segment or attachment (FHIR PractitionerRole and Practitioner).

    ``role`` is a code from MedCom's practitioner roles (``sygeplejerske``); ``role_text`` a role
    in free text when no code fits.
    """

    given_name: str | None = None
    family_name: str | None = None
    role: str | None = None
    role_text: str | None = None
    phone: str | None = None

    @property
    def name(self) -> str:
        return " ".join(part for part in (self.given_name, self.family_name) if part)


@dataclass(frozen=True, slots=True)
class CareTeam:
    """A team as specific sender or recipient (FHIR CareTeam), e.g. «Hjemmeplejen, team Nord»."""

    name: str
    organisation: Organisation | None = None


@dataclass(frozen=True, slots=True)
class TextSegment:
    """One piece of message text. XDIS91 has exactly one; a FHIR thread has one per message."""

    text: str
    written: datetime | None = None
    author: Author | None = None
    identifier: str | None = None


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file sent with a message, a link to one, or (OIOXML ``SUP``) a supplementary reference.

    ``identifier`` is a UUID in canonical form (lower case, hyphenated) when it is one; the
    codecs write it the way each format wants. ``file_type`` and ``object_code`` use OIOXML's
    vocabulary (``pdf``, ``vektor_grafik``). ``data`` is ``None`` when the bytes travel
    separately (XBIN01) or were left out (FHIR replies); ``title`` is ``None`` in a bare XBIN01.
    """

    title: str | None = None
    identifier: str | None = None
    file_type: str | None = None
    object_code: str | None = None
    size: int | None = None
    data: bytes | None = None
    url: str | None = None
    supplementary: bool = False
    media_type: str | None = None  # MIME type, as FHIR writes it (application/pdf)
    added: datetime | None = None  # when it was added to the thread (FHIR payload date)
    author: Author | None = None
    created: datetime | None = None  # when the file itself was made

    def as_binary_object(self) -> Attachment:
        """What an XBIN01 BinaryObject carries of it: id, kind, format, size and bytes; no title,
        link or FHIR details."""
        return Attachment(
            identifier=self.identifier,
            file_type=self.file_type,
            object_code=self.object_code,
            size=self.size,
            data=self.data,
        )


@dataclass(frozen=True, slots=True)
class Envelope:
    """Transmission data: the envelope id, when it was sent, and whether a positive receipt is wanted."""

    identifier: str
    sent: datetime
    positive_receipt: bool = True


@dataclass(frozen=True, slots=True)
class MessageRef:
    """A pointer to an earlier message (what a reply or forward answers).

    For a FHIR predecessor ``message_id`` is its MessageHeader id; for an OIOXML or EDIFACT
    predecessor it is the letter id, and ``sender_ean`` is the location number it came from.
    """

    message_id: str
    sender_ean: str | None = None


@dataclass(frozen=True, slots=True)
class ThreadEvent:
    """One earlier message in a thread, as FHIR records it in a Provenance: who sent which
    message when, doing what, and which text segments and attachments it added."""

    message_id: str
    activity: Activity
    sender: Organisation
    occurred: datetime
    previous: MessageRef | None = None
    payload_ids: tuple[str, ...] = ()
    recorded: datetime | None = None


@dataclass(frozen=True, slots=True)
class CareMessage:
    """A korrespondancemeddelelse (XDIS91 / FHIR CareCommunication)."""

    envelope: Envelope
    message_id: str
    authorised: datetime
    sender: Organisation
    receiver: Organisation
    patient: Patient
    segments: tuple[TextSegment, ...]
    status: LetterStatus = LetterStatus.NEW
    activity: Activity = Activity.NEW
    thread_id: str | None = None
    previous: MessageRef | None = None
    episode_of_care_id: str | None = None
    episode_status: EpisodeStatus = EpisodeStatus.INACTIVE
    priority: Priority | None = None
    topic: str | None = None
    category: str | None = None
    attachments: tuple[Attachment, ...] = ()
    episode_of_care_system: str | None = None
    # FHIR Encounter status and class code when the sender gave them; otherwise they follow
    # from episode_status by MedCom's mapping.
    encounter_status: str | None = None
    encounter_class: str | None = None
    specific_sender: Author | CareTeam | None = None
    specific_recipient: Author | CareTeam | None = None
    history: tuple[ThreadEvent, ...] = ()  # the thread's earlier messages, oldest first
    # FHIR allows several episode-of-care ids (e.g. a local one and the LPR3 one); the first is
    # episode_of_care_id/_system, the others (value, system) follow here in file order.
    more_episode_ids: tuple[tuple[str, str | None], ...] = ()


@dataclass(frozen=True, slots=True)
class AttachmentMessage:
    """Attachments sent on their own (XBIN01); ``patient`` is ``None`` for system information."""

    envelope: Envelope
    message_id: str
    authorised: datetime
    sender: Organisation
    receiver: Organisation
    patient: Patient | None
    attachments: tuple[Attachment, ...]
    system_note: str | None = None


@dataclass(frozen=True, slots=True)
class ReceiptLetter:
    """One acknowledged letter within a receipt; ``version_code`` is the OIOXML VersionCode."""

    letter_id: str
    version_code: str | None = None
    refuse_reason: RefuseReason | None = None
    refuse_text: str | None = None


@dataclass(frozen=True, slots=True)
class Receipt:
    """A receipt for a message: OIOXML XCTL01/02/03 or a FHIR Acknowledgement.

    OIOXML receipts name parties by location number only, so their organisations carry just
    the EAN. A FHIR Acknowledgement answers one message (``letters`` holds its MessageHeader id),
    carries that message's latest Provenance (``acknowledged``) and may give an issue-details
    code from MedCom's acknowledgement codes (``detail_code``).
    """

    kind: ReceiptKind
    envelope: Envelope
    message_id: str
    sender: Organisation
    receiver: Organisation
    original_sender: Organisation
    original_receiver: Organisation
    original_envelope_id: str | None = None
    letters: tuple[ReceiptLetter, ...] = ()
    refuse_reason: RefuseReason | None = None
    refuse_text: str | None = None
    detail_code: str | None = None
    acknowledged: ThreadEvent | None = None


# --- Hospital referral (sygehushenvisning, OIOXML XREF01) ---------------------------------------------

__all__ += [
    "Diagnosis",
    "EpisodeOfCare",
    "PatientTransport",
    "Referral",
    "ReferralPriority",
    "ReferralStatus",
    "Referrer",
    "Relation",
    "Relative",
    "VisitationNote",
]


class ReferralPriority(StrEnum):
    """How urgent a referral is. Three values, so not :class:`Priority` (XREF01 Priority)."""

    ELECTIVE = "elective"  # elektiv
    ACUTE = "acute"  # akut
    SPECIAL_CIRCUMSTANCES = "special-circumstances"  # saerlige_forhold


class ReferralStatus(StrEnum):
    """What the referral asks for (XREF01 ReferralStatus); ``HOME`` exists only in XH0131R."""

    OUTPATIENT = "outpatient"  # ambulant
    ADMISSION = "admission"  # indlaeggelse
    HOME = "home"  # hjemmet


class PatientTransport(StrEnum):
    """How the patient is to be transported (XREF01 Transport)."""

    NONE = "none"  # ingen
    LYING = "lying"  # liggende
    SITTING = "sitting"  # siddende


class Relation(StrEnum):
    """How a relative is related to the patient (OIOXML RelationCode)."""

    UNSPECIFIED = "unspecified"  # uspec_paaroerende
    MOTHER = "mother"  # mor
    FATHER = "father"  # far
    CHILD = "child"  # barn


@dataclass(frozen=True, slots=True)
class Referrer:
    """The clinician who refers: a name as one string (≤ 35 characters in XREF01), a title, and
    optionally their own register id (e.g. a provider number)."""

    name: str
    title: str | None = None
    identifier: str | None = None
    identifier_kind: OrgIdKind | None = None


@dataclass(frozen=True, slots=True)
class Relative:
    """The patient's relative, e.g. a parent of a child; ``identifier`` is usually a CPR number."""

    relation: Relation
    family_name: str
    given_name: str | None = None
    identifier: str | None = None


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """A coded diagnosis (or treatment) in a referral.

    ``system`` and ``role`` use OIOXML's codes as written: ``SKSdiagnosekode``, ``ICPCkode``,
    ``uspecificeretkode`` …; ``henv_diagnose``, ``bidiagnose``, ``tillaegsdiagnose`` …. SKS
    diagnosis codes carry their leading D (``DF930``). ``code`` may be left out.
    """

    text: str
    code: str | None = None
    system: str = "SKSdiagnosekode"
    role: str | None = None


@dataclass(frozen=True, slots=True)
class EpisodeOfCare:
    """A course of care the referral belongs to; ``kind`` says whose number it is (e.g. the
    referrer's, or LPR3). XH0130R carries one id without kind, XH0131R one or more with kind."""

    identifier: str
    kind: str | None = None


@dataclass(frozen=True, slots=True)
class VisitationNote:
    """A note from the receiving hospital's visitation; ``topic`` is the OIOXML InformationCode
    as written (``visitering``, ``indkaldt`` …) and ``text`` is formatted-text markup."""

    topic: str
    text: str


@dataclass(frozen=True, slots=True)
class Referral:
    """A hospital referral (sygehushenvisning; OIOXML XREF01), e.g. from a § 126 a unit to child
    and adolescent psychiatry.

    The clinical texts (``reason``, ``supplementary``, ``cave``, ``anamnesis``, ``examination``,
    ``medication``) are formatted-text markup. ``patient.occupation`` is the patient's title
    (XREF01 PersonTitle). ``answer_copy_to`` is the party that gets a copy of the answer, e.g.
    the GP; it is addressed by register id only, so its ``ean`` is empty.
    """

    envelope: Envelope
    message_id: str
    authorised: datetime
    sender: Organisation
    referrer: Referrer
    receiver: Organisation
    patient: Patient
    status: LetterStatus = LetterStatus.NEW
    episodes: tuple[EpisodeOfCare, ...] = ()
    answer_copy_to: Organisation | None = None
    relative: Relative | None = None
    priority: ReferralPriority | None = None
    referral_status: ReferralStatus | None = None
    transport: PatientTransport | None = None
    hospital_choice: str | None = None  # XH0131R "frit sygehusvalg" code (ALDB00 … ALDB03)
    reason: str | None = None  # henvisningsårsag (ClinicalReason)
    supplementary: str | None = None
    diagnosis: Diagnosis | None = None  # henvisningsdiagnose
    additional_diagnoses: tuple[Diagnosis, ...] = ()
    cave: str | None = None
    anamnesis: str | None = None
    examination: str | None = None
    medication: str | None = None  # aktuel medicin
    attachments: tuple[Attachment, ...] = ()
    visitation: tuple[VisitationNote, ...] = ()


# Any message the codecs read into the model, and build from it.
Message = CareMessage | AttachmentMessage | Receipt | Referral
