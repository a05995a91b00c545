"""XREF01, the hospital referral (OIOXML HospitalReferral): build and read XH0130R and XH0131R.

XH0130R (namespace 2005/08/07) is the version in general use and the default; XH0131R
(2017/05/01) replaces the letter's optional episode id with a mandatory list of episodes of care,
gives the referral diagnosis a role code and adds ``hjemmet`` and free choice of hospital.
Attachments are referenced by ObjectIdentifier and travel in an XBIN01, exactly as for XDIS91.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Final, Literal, TypeVar

from lxml import etree

from ..core.errors import BuildError
from ..core.lang import Bilingual
from ..core.xmltree import line_of
from ..model.markup import FORMATTED, Run, normalise, to_runs
from ..model.messages import (
    AttachmentMessage,
    CareMessage,
    Diagnosis,
    EpisodeOfCare,
    Organisation,
    Patient,
    PatientTransport,
    Phone,
    Referral,
    ReferralPriority,
    ReferralStatus,
    Referrer,
    Relation,
    Relative,
    VisitationNote,
)
from .codes import LETTER_STATUS, reverse
from .common import IDENTIFIER_CODE_NAMES, IDENTIFIER_CODES, Reader, Writer, new_root, serialise
from .formatted import read_formatted
from .namespaces import NS_2005, NS_2017
from .xbin01 import attachments_for, join_attachments
from .xdis91 import code_value

__all__ = [
    "XREF01_VERSIONS",
    "build_xref01",
    "join_referral_attachments",
    "read_xref01",
    "referral_attachments",
]

Xref01Version = Literal["XH0130R", "XH0131R"]
XREF01_VERSIONS: Final = ("XH0130R", "XH0131R")
_NAMESPACE: dict[str, str] = {"XH0130R": NS_2005, "XH0131R": NS_2017}

PRIORITY: dict[str, ReferralPriority] = {
    "elektiv": ReferralPriority.ELECTIVE,
    "akut": ReferralPriority.ACUTE,
    "saerlige_forhold": ReferralPriority.SPECIAL_CIRCUMSTANCES,
}
REFERRAL_STATUS: dict[str, ReferralStatus] = {
    "ambulant": ReferralStatus.OUTPATIENT,
    "indlaeggelse": ReferralStatus.ADMISSION,
    "hjemmet": ReferralStatus.HOME,
}
TRANSPORT: dict[str, PatientTransport] = {
    "ingen": PatientTransport.NONE,
    "liggende": PatientTransport.LYING,
    "siddende": PatientTransport.SITTING,
}
RELATION: dict[str, Relation] = {
    "uspec_paaroerende": Relation.UNSPECIFIED,
    "mor": Relation.MOTHER,
    "far": Relation.FATHER,
    "barn": Relation.CHILD,
}
PHONE_USE: dict[str, str] = {"mobil": "mobile", "arbejde": "work", "fastnet": "home"}

_PRIORITY_CODES = reverse(PRIORITY)
_STATUS_CODES = reverse(REFERRAL_STATUS)
_TRANSPORT_CODES = reverse(TRANSPORT)
_RELATION_CODES = reverse(RELATION)
_PHONE_CODES = reverse(PHONE_USE)
_LETTER_STATUS_CODES = reverse(LETTER_STATUS)
_CLINICAL_FIELDS = (
    ("Cave", "cave"),
    ("Anamnesis", "anamnesis"),
    ("Examination", "examination"),
    ("ActualMedicine", "medication"),
)


# --- reading ----------------------------------------------------------------------------------------


T = TypeVar("T")


def _code(read: Reader, parent: etree._Element | None, name: str, table: dict[str, T]) -> T | None:
    element = parent.find(read.q(name)) if parent is not None else None
    if element is None:
        return None
    return code_value(table, element.text or "", name, line_of(element))


def _formatted(read: Reader, parent: etree._Element | None, name: str) -> str | None:
    element = parent.find(read.q(name)) if parent is not None else None
    return read_formatted([element]) if element is not None else None


def _referrer(read: Reader, element: etree._Element) -> Referrer:
    code = read.optional(element, "IdentifierCode")
    return Referrer(
        name=read.text(element, "PersonName"),
        title=read.optional(element, "PersonTitle"),
        identifier=read.optional(element, "Identifier"),
        identifier_kind=IDENTIFIER_CODES.get(code) if code else None,
    )


def _answer_copy(read: Reader, element: etree._Element) -> Organisation:
    code = read.optional(element, "IdentifierCode")
    return Organisation(
        ean="",  # AnswerCCReceiver is addressed by register id only
        name=read.optional(element, "OrganisationName"),
        identifier=read.text(element, "Identifier"),
        identifier_kind=IDENTIFIER_CODES.get(code) if code else None,
        department=read.optional(element, "DepartmentName"),
        unit=read.optional(element, "UnitName"),
        address=read.address(element),
        phone=read.optional(element, "TelephoneSubscriberIdentifier"),
    )


def _patient(read: Reader, element: etree._Element) -> Patient:
    phones = []
    for subscriber in element.iterfind(read.q("TelephoneSubscriber")):
        use = _code(read, subscriber, "TelephoneSubscriberCode", PHONE_USE)
        phones.append(Phone(read.text(subscriber, "TelephoneSubscriberIdentifier"), use))
    return replace(
        read.patient(element, with_address=False),
        address=read.address(element),
        occupation=read.optional(element, "PersonTitle"),
        phones=tuple(phones),
        email=read.optional(element, "EmailIdentifier"),
    )


def _relative(read: Reader, element: etree._Element) -> Relative:
    code = read.required(element, "RelationCode")
    relation = code_value(RELATION, code.text or "", "RelationCode", line_of(code))
    assert relation is not None  # a present code always yields a value or an error
    return Relative(
        relation=relation,
        family_name=read.text(element, "PersonSurnameName"),
        given_name=read.optional(element, "PersonGivenName"),
        identifier=read.optional(element, "PersonIdentifier"),
    )


def _diagnosis(read: Reader, element: etree._Element) -> Diagnosis:
    return Diagnosis(
        text=read.text(element, "DiagnoseText"),
        code=read.optional(element, "DiagnoseCode"),
        system=read.text(element, "DiagnoseTypeCode"),
        role=read.optional(element, "DiagnoseDescriptionCode"),
    )


def _episodes(read: Reader, head: etree._Element) -> tuple[EpisodeOfCare, ...]:
    episodes = [
        EpisodeOfCare(read.text(e, "EpisodeOfCareIdentifier"), read.text(e, "EpisodeOfCareType"))
        for e in head.iterfind(read.q("EpisodeOfCare"))
    ]
    single = read.optional(head, "EpisodeOfCareIdentifier")  # XH0130R
    if single is not None:
        episodes.insert(0, EpisodeOfCare(single))
    return tuple(episodes)


def read_xref01(root: etree._Element, letter: etree._Element, ns: str) -> Referral:
    """The neutral model of one HospitalReferral letter (either version)."""
    read = Reader(ns)
    head = read.required(letter, "Letter")
    sender = read.required(letter, "Sender")
    status_element = read.required(head, "StatusCode")
    status = code_value(LETTER_STATUS, status_element.text or "", "StatusCode", line_of(status_element))
    assert status is not None  # a present code always yields a value or an error
    answer_copy = letter.find(read.q("AnswerCCReceiver"))
    relative = letter.find(read.q("Relative"))
    additional = letter.find(read.q("AdditionalInformation"))
    diagnoses = letter.find(read.q("Referral"))
    refer = diagnoses.find(read.q("Refer")) if diagnoses is not None else None
    clinical = letter.find(read.q("RelevantClinicalInformation"))
    texts = {field: _formatted(read, clinical, name) for name, field in _CLINICAL_FIELDS}
    return Referral(
        envelope=read.envelope(root),
        message_id=read.text(head, "Identifier"),
        authorised=read.moment(head, "Authorisation"),
        sender=read.organisation(sender),
        referrer=_referrer(read, read.required(sender, "Referrer")),
        receiver=read.organisation(read.required(letter, "Receiver")),
        patient=_patient(read, read.required(letter, "Patient")),
        status=status,
        episodes=_episodes(read, head),
        answer_copy_to=_answer_copy(read, answer_copy) if answer_copy is not None else None,
        relative=_relative(read, relative) if relative is not None else None,
        priority=_code(read, additional, "Priority", PRIORITY),
        referral_status=_code(read, additional, "ReferralStatus", REFERRAL_STATUS),
        transport=_code(read, additional, "Transport", TRANSPORT),
        hospital_choice=read.optional(additional, "HospitalChoice"),
        reason=_formatted(read, additional, "ClinicalReason"),
        supplementary=_formatted(read, additional, "Supplementary"),
        diagnosis=_diagnosis(read, refer) if refer is not None else None,
        additional_diagnoses=tuple(
            _diagnosis(read, d) for d in diagnoses.iterfind(read.q("ReferralAdditional"))
        )
        if diagnoses is not None
        else (),
        cave=texts["cave"],
        anamnesis=texts["anamnesis"],
        examination=texts["examination"],
        medication=texts["medication"],
        attachments=tuple(read.reference(r) for r in letter.iterfind(read.q("Reference"))),
        visitation=tuple(
            VisitationNote(read.text(v, "InformationCode"), read_formatted([read.required(v, "Information")]))
            for v in letter.iterfind(read.q("HospitalVisitation"))
        ),
    )


# --- building ---------------------------------------------------------------------------------------


def _problems(referral: Referral, version: str) -> tuple[list[str], list[str]]:
    """What ``version`` cannot carry, and what it requires but the referral lacks."""
    lost: list[str] = []
    missing: list[str] = []
    patient = referral.patient
    if patient.other_identifiers:
        lost.append("patient.other_identifiers")
    if patient.identifier.system is not None:
        lost.append("patient.identifier.system")
    if any(phone.use not in _PHONE_CODES for phone in patient.phones):
        missing.append("patient.phones[].use (mobile, work or home)")
    if referral.receiver.phone is not None or referral.receiver.speciality is not None:
        lost.append("receiver.phone/speciality")
    copy = referral.answer_copy_to
    if copy is not None:
        if copy.ean:
            lost.append("answer_copy_to.ean (AnswerCCReceiver has no EAN)")
        if copy.speciality is not None:
            lost.append("answer_copy_to.speciality")
        if copy.identifier is None or copy.identifier_kind is None:
            missing.append("answer_copy_to.identifier/identifier_kind")
    if any(d.role is None for d in referral.additional_diagnoses):
        missing.append("additional_diagnoses[].role")
    if version == "XH0130R":
        if len(referral.episodes) > 1:
            lost.append(f"{len(referral.episodes)} episodes (XH0130R has one episode id)")
        if any(e.kind is not None for e in referral.episodes):
            lost.append("episodes[].kind (only in XH0131R)")
        if referral.referral_status is ReferralStatus.HOME:
            lost.append("referral_status home (only in XH0131R)")
        if referral.hospital_choice is not None:
            lost.append("hospital_choice (only in XH0131R)")
        if referral.diagnosis is not None and referral.diagnosis.role is not None:
            lost.append("diagnosis.role (only in XH0131R)")
    else:
        if not referral.episodes:
            missing.append("episodes (XH0131R needs at least one EpisodeOfCare)")
        if any(e.kind is None for e in referral.episodes):
            missing.append("episodes[].kind")
        if referral.diagnosis is not None and referral.diagnosis.role is None:
            missing.append("diagnosis.role (e.g. henv_diagnose)")
    return lost, missing


def _refuse_what_cannot_be_built(referral: Referral, version: str) -> None:
    if version not in _NAMESPACE:
        raise BuildError(
            "xref01.build-version",
            Bilingual(
                f"XREF01 findes som {' og '.join(XREF01_VERSIONS)}, ikke '{version}'.",
                f"XREF01 exists as {' and '.join(XREF01_VERSIONS)}, not '{version}'.",
            ),
        )
    lost, missing = _problems(referral, version)
    if lost:
        raise BuildError(
            "xref01.build-unsupported",
            Bilingual(
                f"En {version} kan ikke rumme: " + ", ".join(lost) + ".",
                f"An {version} cannot carry: " + ", ".join(lost) + ".",
            ),
        )
    if missing:
        raise BuildError(
            "xref01.build-incomplete",
            Bilingual(
                f"En {version} kræver: " + ", ".join(missing) + ".",
                f"An {version} requires: " + ", ".join(missing) + ".",
            ),
        )


class _Builder:
    """Writes one HospitalReferral; formatted texts are collected and filled in last."""

    def __init__(self, version: str) -> None:
        self.version = version
        self.ns = _NAMESPACE[version]
        self.write = Writer(self.ns)
        self.formatted: list[tuple[etree._Element, list[Run]]] = []

    def text(self, parent: etree._Element, name: str, markup: str | None) -> None:
        if markup is not None:
            runs = normalise(to_runs(markup, FORMATTED))
            self.formatted.append((self.write.element(parent, name), runs))

    def letter_head(self, letter: etree._Element, referral: Referral) -> None:
        write = self.write
        single = referral.episodes[0].identifier if referral.episodes and self.version == "XH0130R" else None
        write.letter_head(
            letter,
            message_id=referral.message_id,
            version_code=self.version,
            type_code="XREF01",
            authorised=referral.authorised,
            status=_LETTER_STATUS_CODES[referral.status],
            episode_of_care_id=single,
        )
        if self.version == "XH0131R":
            head = letter[0]
            for episode in referral.episodes:
                element = write.element(head, "EpisodeOfCare")
                write.element(element, "EpisodeOfCareType", episode.kind)
                write.element(element, "EpisodeOfCareIdentifier", episode.identifier)

    def sender(self, letter: etree._Element, referral: Referral) -> None:
        write = self.write
        sender = write.organisation(letter, "Sender", referral.sender, sender=True)
        referrer = write.element(sender, "Referrer")
        write.optional(referrer, "Identifier", referral.referrer.identifier)
        kind = referral.referrer.identifier_kind
        write.optional(referrer, "IdentifierCode", IDENTIFIER_CODE_NAMES[kind] if kind else None)
        write.element(referrer, "PersonName", referral.referrer.name)
        write.optional(referrer, "PersonTitle", referral.referrer.title)

    def answer_copy(self, letter: etree._Element, party: Organisation) -> None:
        write = self.write
        element = write.element(letter, "AnswerCCReceiver")
        write.optional(element, "Identifier", party.identifier)
        kind = party.identifier_kind
        write.optional(element, "IdentifierCode", IDENTIFIER_CODE_NAMES[kind] if kind else None)
        write.optional(element, "OrganisationName", party.name)
        write.optional(element, "DepartmentName", party.department)
        write.optional(element, "UnitName", party.unit)
        write.address(element, party.address)
        write.optional(element, "TelephoneSubscriberIdentifier", party.phone)

    def patient(self, letter: etree._Element, patient: Patient) -> None:
        write = self.write
        element = write.element(letter, "Patient")
        write.patient_identity(element, patient)
        write.optional(element, "PersonTitle", patient.occupation)
        write.address(element, patient.address)
        for phone in patient.phones:
            subscriber = write.element(element, "TelephoneSubscriber")
            write.element(subscriber, "TelephoneSubscriberIdentifier", phone.number)
            code = _PHONE_CODES.get(phone.use or "")
            assert code is not None  # _problems refuses any other use
            write.element(subscriber, "TelephoneSubscriberCode", code)
        write.optional(element, "EmailIdentifier", patient.email)

    def relative(self, letter: etree._Element, relative: Relative) -> None:
        write = self.write
        element = write.element(letter, "Relative")
        write.element(element, "RelationCode", _RELATION_CODES[relative.relation])
        write.optional(element, "PersonIdentifier", relative.identifier)
        write.element(element, "PersonSurnameName", relative.family_name)
        write.optional(element, "PersonGivenName", relative.given_name)

    def additional(self, letter: etree._Element, referral: Referral) -> None:
        values = (
            referral.priority,
            referral.referral_status,
            referral.transport,
            referral.supplementary,
            referral.reason,
            referral.hospital_choice,
        )
        if all(value is None for value in values):
            return
        write = self.write
        element = write.element(letter, "AdditionalInformation")
        if referral.priority is not None:
            write.element(element, "Priority", _PRIORITY_CODES[referral.priority])
        if referral.referral_status is not None:
            write.element(element, "ReferralStatus", _STATUS_CODES[referral.referral_status])
        if referral.transport is not None:
            write.element(element, "Transport", _TRANSPORT_CODES[referral.transport])
        self.text(element, "Supplementary", referral.supplementary)
        self.text(element, "ClinicalReason", referral.reason)
        write.optional(element, "HospitalChoice", referral.hospital_choice)

    def diagnosis(self, parent: etree._Element, name: str, diagnosis: Diagnosis) -> None:
        write = self.write
        element = write.element(parent, name)
        write.optional(element, "DiagnoseDescriptionCode", diagnosis.role)
        write.optional(element, "DiagnoseCode", diagnosis.code)
        write.element(element, "DiagnoseTypeCode", diagnosis.system)
        write.element(element, "DiagnoseText", diagnosis.text)

    def clinical(self, letter: etree._Element, referral: Referral) -> None:
        texts = [(name, getattr(referral, field)) for name, field in _CLINICAL_FIELDS]
        if all(markup is None for _, markup in texts):
            return
        element = self.write.element(letter, "RelevantClinicalInformation")
        for name, markup in texts:
            self.text(element, name, markup)

    def build(self, referral: Referral, encoding: str) -> bytes:
        write = self.write
        root = new_root(self.ns)
        write.envelope(root, referral.envelope)
        letter = write.element(root, "HospitalReferral")
        self.letter_head(letter, referral)
        self.sender(letter, referral)
        write.organisation(letter, "Receiver", referral.receiver, sender=False)
        if referral.answer_copy_to is not None:
            self.answer_copy(letter, referral.answer_copy_to)
        self.patient(letter, referral.patient)
        if referral.relative is not None:
            self.relative(letter, referral.relative)
        self.additional(letter, referral)
        if referral.diagnosis is not None or referral.additional_diagnoses:
            diagnoses = write.element(letter, "Referral")
            if referral.diagnosis is not None:
                self.diagnosis(diagnoses, "Refer", referral.diagnosis)
            for additional in referral.additional_diagnoses:
                self.diagnosis(diagnoses, "ReferralAdditional", additional)
        self.clinical(letter, referral)
        for attachment in referral.attachments:
            write.reference(letter, attachment)
        for note in referral.visitation:
            element = write.element(letter, "HospitalVisitation")
            write.element(element, "InformationCode", note.topic)
            self.text(element, "Information", note.text)
        return serialise(root, encoding, self.formatted, self.ns)


def build_xref01(
    referral: Referral,
    *,
    version: Xref01Version = "XH0130R",
    encoding: str = "ISO-8859-1",
    check: bool = True,
) -> bytes:
    """Write a hospital referral as XH0130R (the default) or XH0131R.

    Anything the chosen version cannot carry, or requires but the referral lacks (XH0131R needs
    at least one episode of care with its kind, and a role for the referral diagnosis), is a
    :class:`BuildError` naming it. Attachments become ``Reference/BIN`` entries; their bytes go
    into an XBIN01 (see :func:`referral_attachments`). With ``check`` (the default) the result is
    validated and a :class:`BuildError` lists anything that would make it invalid.
    """
    _refuse_what_cannot_be_built(referral, version)
    data = _Builder(version).build(referral, encoding)
    if check:
        from .validate import raise_if_invalid

        raise_if_invalid(data, "XREF01")
    return data


# --- attachments ------------------------------------------------------------------------------------


def _as_message(referral: Referral) -> CareMessage:
    """The parts of a referral the XBIN01 helpers read, as the message shape they take."""
    return CareMessage(
        envelope=referral.envelope,
        message_id=referral.message_id,
        authorised=referral.authorised,
        sender=referral.sender,
        receiver=referral.receiver,
        patient=referral.patient,
        segments=(),
        attachments=referral.attachments,
    )


def referral_attachments(
    referral: Referral, *, message_id: str | None = None, envelope_id: str | None = None
) -> AttachmentMessage | None:
    """The XBIN01 that carries a referral's attachment bytes, in its own envelope (new ids unless
    given); ``None`` when no attachment has bytes to send."""
    return attachments_for(_as_message(referral), message_id=message_id, envelope_id=envelope_id)


def join_referral_attachments(referral: Referral, binary: AttachmentMessage) -> Referral:
    """The referral with attachment bytes filled in from its XBIN01, matched by ObjectIdentifier."""
    return replace(referral, attachments=join_attachments(_as_message(referral), binary).attachments)
