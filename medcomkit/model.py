"""The neutral model: what a clinician or caseworker means, independent of XML or FHIR.

Both wire formats map to these frozen dataclasses, so converting XDIS91 to CareCommunication is
``build(parse(x))`` plus the mapping rules that have no neutral meaning (kept in ``convert``).
Free text is formatted-text markup (see :mod:`medcomkit.markup`): plain text where a newline is
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
    "Envelope",
    "EpisodeStatus",
    "LetterStatus",
    "MessageRef",
    "OrgIdKind",
    "Organisation",
    "Patient",
    "PersonId",
    "PersonIdKind",
    "Priority",
    "Receipt",
    "ReceiptKind",
    "ReceiptLetter",
    "RefuseReason",
    "TextSegment",
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


class ReceiptKind(StrEnum):
    POSITIVE = "positive"  # XCTL03
    NEGATIVE = "negative"  # XCTL02, from the receiving system
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
    kind: PersonIdKind
    value: str


@dataclass(frozen=True, slots=True)
class Patient:
    identifier: PersonId
    family_name: str
    given_name: str | None = None
    address: Address | None = None
    occupation: str | None = None


@dataclass(frozen=True, slots=True)
class Author:
    """The person behind a text segment or attachment (FHIR signature)."""

    name: str | None = None
    role: str | None = None
    phone: str | None = None


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


@dataclass(frozen=True, slots=True)
class Envelope:
    """Transmission data: the envelope id, when it was sent, and whether a positive receipt is wanted."""

    identifier: str
    sent: datetime
    positive_receipt: bool = True


@dataclass(frozen=True, slots=True)
class MessageRef:
    """A pointer to an earlier message (what a reply or forward answers)."""

    message_id: str
    sender_ean: str | None = None


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
    """One acknowledged letter within a receipt."""

    letter_id: str
    version_code: str
    refuse_reason: RefuseReason | None = None
    refuse_text: str | None = None


@dataclass(frozen=True, slots=True)
class Receipt:
    """A receipt (XCTL01/02/03) for an envelope and the letters it carried."""

    kind: ReceiptKind
    envelope: Envelope
    message_id: str
    sender_ean: str
    receiver_ean: str
    original_envelope_id: str
    original_sender_ean: str
    original_receiver_ean: str
    letters: tuple[ReceiptLetter, ...] = ()
    refuse_reason: RefuseReason | None = None
    refuse_text: str | None = None
