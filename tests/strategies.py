"""Hypothesis strategies for neutral-model messages that OIOXML letters and FHIR messages carry in full."""

from __future__ import annotations

import string
import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from typing import TypeVar

from hypothesis import strategies as st

from medcomkit import (
    Address,
    Attachment,
    AttachmentMessage,
    Author,
    CareMessage,
    CareTeam,
    Envelope,
    EpisodeStatus,
    LetterStatus,
    Organisation,
    OrgIdKind,
    Patient,
    PersonId,
    PersonIdKind,
    Phone,
    Priority,
    Receipt,
    ReceiptKind,
    ReceiptLetter,
    RefuseReason,
    TextSegment,
)
from medcomkit.core.xmltree import COPENHAGEN
from medcomkit.fhir.terminology import CATEGORIES, D_ECPR_SYSTEMS, X_ECPR_SYSTEM
from medcomkit.model.identifiers import gln_check_digit
from medcomkit.model.markup import (
    BREAKABLE,
    FORMATTED,
    INLINE_STYLES,
    Grammar,
    Run,
    escape,
    from_runs,
    normalise,
)

T = TypeVar("T", TextSegment, Attachment)

DANISH = "æøåÆØÅéüÉ§½"
TEXT_ALPHABET = string.ascii_letters + string.digits + " .,:;-_!?()'\"/&<>{}%+*=#@" + DANISH
ALNUM = string.ascii_letters + string.digits


def text(min_size: int = 1, max_size: int = 35) -> st.SearchStrategy[str]:
    return st.text(TEXT_ALPHABET, min_size=min_size, max_size=max_size)


def ids(max_size: int = 14) -> st.SearchStrategy[str]:
    return st.text(ALNUM, min_size=1, max_size=max_size)


@st.composite
def moments(draw: st.DrawFn) -> datetime:
    """Danish local times to the minute, as OIOXML carries them."""
    naive = draw(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)))
    return naive.replace(second=0, microsecond=0, tzinfo=COPENHAGEN)


@st.composite
def glns(draw: st.DrawFn) -> str:
    first12 = draw(st.text(string.digits, min_size=12, max_size=12))
    return first12 + str(gln_check_digit(first12))


def optional(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[str | None]:
    return st.none() | strategy


@st.composite
def addresses(draw: st.DrawFn) -> Address | None:
    address = Address(
        street=draw(optional(text())),
        suburb=draw(optional(text())),
        city=draw(optional(text())),
        postcode=draw(optional(st.text(string.digits, min_size=1, max_size=9))),
    )
    return None if address == Address() else address


SPECIALITIES = (
    "almen_medicin",
    "psykolog",
    "psykiatri_praksis",
    "boerne_ungdomspsykiatri",
    "ikkeklassificeret",
)


@st.composite
def organisations(draw: st.DrawFn, *, sender: bool, address: bool = True) -> Organisation:
    return Organisation(
        ean=draw(glns()),
        name=draw(text()) if sender else draw(optional(text())),
        identifier=draw(st.text(string.digits, min_size=11, max_size=17)),
        identifier_kind=draw(st.sampled_from([k for k in OrgIdKind if k is not OrgIdKind.COUNTY])),
        department=draw(optional(text())),
        unit=draw(optional(text())),
        address=draw(addresses()) if address else None,
        phone=draw(optional(text(1, 25))) if sender else None,
        speciality=draw(st.none() | st.sampled_from(SPECIALITIES)) if sender else None,
    )


@st.composite
def patients(draw: st.DrawFn, *, with_address: bool = True) -> Patient:
    if draw(st.booleans()):
        identifier = PersonId(PersonIdKind.CPR, draw(st.text(string.digits, min_size=10, max_size=10)))
    else:
        identifier = PersonId(PersonIdKind.REPLACEMENT, draw(st.text(ALNUM, min_size=10, max_size=10)))
    return Patient(
        identifier=identifier,
        family_name=draw(text(1, 70)),
        given_name=draw(optional(text(1, 70))),
        address=draw(addresses()) if with_address else None,
        occupation=draw(optional(text())) if with_address else None,
    )


_STACKS: dict[Grammar, list[tuple[str, ...]]] = {
    FORMATTED: [
        (),
        *((s,) for s in (*INLINE_STYLES, "FixedFont")),
        *(("FixedFont", s) for s in INLINE_STYLES),
    ],
    BREAKABLE: [()],
}


@st.composite
def markups(draw: st.DrawFn, grammar: Grammar = FORMATTED, max_runs: int = 12) -> str:
    """Canonical formatted-text markup: text with Danish letters, braces, line breaks and formatting."""
    runs = []
    for _ in range(draw(st.integers(0, max_runs))):
        styles = draw(st.sampled_from(_STACKS[grammar]))
        if draw(st.integers(0, 5)) == 0:
            runs.append(Run(styles, space=True))
        else:
            runs.append(Run(styles, draw(st.text(TEXT_ALPHABET + "\n\n\t", min_size=1, max_size=60))))
    return from_runs(normalise(runs))


FILE_TYPES = ("pdf", "jpeg", "png", "tiff", "gif", "txt", "rtf", "doc", "zip")
OBJECT_CODES = ("vektor_grafik", "billede", "tekstfil", "proprietaert_indhold", "multimedie")


@st.composite
def attachments(draw: st.DrawFn, *, with_data: bool) -> Attachment:
    kind = "binary" if with_data else draw(st.sampled_from(["binary", "binary", "url", "supplementary"]))
    title = draw(text(1, 70))
    if kind == "url":
        return Attachment(title=title, url="https://example.org/" + draw(st.text(ALNUM, max_size=40)))
    if kind == "supplementary":
        return Attachment(title=title, supplementary=True)
    data = draw(st.binary(min_size=1, max_size=300)) if with_data else None
    return Attachment(
        title=title,
        identifier=str(uuid.UUID(int=draw(st.integers(0, 2**128 - 1)), version=4)),
        file_type=draw(st.sampled_from(FILE_TYPES)),
        object_code=draw(st.sampled_from(OBJECT_CODES)),
        size=len(data) if data is not None else draw(st.integers(1, 10**9)),
        data=data,
    )


@st.composite
def envelopes(draw: st.DrawFn, *, positive: bool | None = None) -> Envelope:
    return Envelope(
        identifier=draw(ids()),
        sent=draw(moments()),
        positive_receipt=draw(st.booleans()) if positive is None else positive,
    )


@st.composite
def care_messages(draw: st.DrawFn, *, with_data: bool = False, max_attachments: int = 10) -> CareMessage:
    """Korrespondancemeddelelser an XD9134L carries without loss."""
    found = draw(st.lists(attachments(with_data=with_data), max_size=max_attachments))
    unique = {a.identifier or id(a): a for a in found}  # ObjectIdentifiers must be unique
    return CareMessage(
        envelope=draw(envelopes()),
        message_id=draw(ids()),
        authorised=draw(moments()),
        sender=draw(organisations(sender=True)),
        receiver=draw(organisations(sender=False)),
        patient=draw(patients()),
        segments=(TextSegment(draw(markups())),),
        status=draw(st.sampled_from(LetterStatus)),
        episode_of_care_id=draw(optional(st.text("0123456789abcdef", min_size=32, max_size=32))),
        episode_status=draw(st.sampled_from(EpisodeStatus)),
        priority=draw(st.none() | st.sampled_from(Priority)),
        topic=draw(optional(text(1, 70))),
        attachments=tuple(unique.values()),
    )


@st.composite
def attachment_messages(draw: st.DrawFn) -> AttachmentMessage:
    found = draw(st.lists(attachments(with_data=True), min_size=1, max_size=10))
    unique = tuple({a.identifier: a for a in found}.values())
    patient = draw(st.none() | patients(with_address=False))
    return AttachmentMessage(
        envelope=draw(envelopes()),
        message_id=draw(ids()),
        authorised=draw(moments()),
        sender=draw(organisations(sender=True)),
        receiver=draw(organisations(sender=False)),
        patient=patient,
        attachments=tuple(a.as_binary_object() for a in unique),
        system_note=draw(optional(text(1, 70))) if patient is None else None,
    )


@st.composite
def receipts(draw: st.DrawFn) -> Receipt:
    kind = draw(st.sampled_from([k for k in ReceiptKind if k is not ReceiptKind.TRANSIENT]))
    negative = kind is not ReceiptKind.POSITIVE

    def reason() -> RefuseReason | None:
        return draw(st.none() | st.sampled_from(RefuseReason)) if negative else None

    def refusal_text() -> str | None:
        return draw(st.none() | markups(BREAKABLE, 6)) if negative else None

    letters = draw(
        st.lists(
            st.builds(
                ReceiptLetter,
                letter_id=ids(),
                version_code=st.sampled_from(["XD9134L", "XB0131X", "XH0130R", "H0130R"]),
                refuse_reason=st.just(None),
                refuse_text=st.just(None),
            ),
            max_size=4,
        )
    )
    letters = [
        ReceiptLetter(item.letter_id, item.version_code, reason(), refusal_text() or None) for item in letters
    ]
    return Receipt(
        kind=kind,
        envelope=draw(envelopes(positive=False)),
        message_id=draw(ids()),
        sender=Organisation(draw(glns())),
        receiver=Organisation(draw(glns())),
        original_envelope_id=draw(ids()),
        original_sender=Organisation(draw(glns())),
        original_receiver=Organisation(draw(glns())),
        letters=tuple(letters),
        refuse_reason=reason(),
        refuse_text=refusal_text() or None,
    )


# --- FHIR: messages a CareCommunication carries in full ---------------------------------------------------

FHIR_TEXT_ALPHABET = TEXT_ALPHABET + "\n"
SKS_ROLES = ("psykolog", "sygeplejerske", "socialraadgiver", "paedagog", "laerer", "speciallaege")
AUTHORISATION_ROLES = ("laege", "osteopat")
FHIR_MEDIA_TYPES = ("application/pdf", "image/png", "image/jpeg", "image/tiff", "image/gif", "image/bmp")


def uuids() -> st.SearchStrategy[str]:
    return st.integers(0, 2**128 - 1).map(lambda n: str(uuid.UUID(int=n, version=4)))


@st.composite
def fhir_moments(draw: st.DrawFn, *, after: datetime | None = None) -> datetime:
    """Times to the second with a time zone, as FHIR messages carry them."""
    low = (after.astimezone(COPENHAGEN).replace(tzinfo=None) if after else datetime(2000, 1, 1)) + timedelta(
        seconds=1
    )
    naive = draw(st.datetimes(min_value=low, max_value=max(low, datetime(2099, 12, 31))))
    zone = draw(st.sampled_from([COPENHAGEN, UTC, timezone(timedelta(hours=-3))]))
    moment = naive.replace(microsecond=0, tzinfo=COPENHAGEN).astimezone(zone)
    return moment if after is None or moment > after else after + timedelta(seconds=1)


def distinct_ids(parts: list[T], taken: set[str]) -> list[T]:
    """``parts`` with identifiers no other part has (UUIDs never collide in practice; drawn ones can)."""
    result = []
    for part in parts:
        identifier = part.identifier
        while identifier is None or identifier in taken:
            identifier = str(uuid.uuid5(uuid.NAMESPACE_OID, f"{identifier}/{len(taken)}"))
        taken.add(identifier)
        result.append(replace(part, identifier=identifier))
    return result


def fhir_text(max_size: int = 200) -> st.SearchStrategy[str]:
    """Plain message text as markup: braces escaped, line breaks kept, never blank at either end."""
    plain = st.text(FHIR_TEXT_ALPHABET, min_size=1, max_size=max_size).map(str.strip).filter(bool)
    return plain.map(escape)


def short_text(max_size: int = 35) -> st.SearchStrategy[str]:
    return st.text(TEXT_ALPHABET, min_size=1, max_size=max_size).map(str.strip).filter(bool)


@st.composite
def valid_cprs(draw: st.DrawFn) -> str:
    """CPR numbers with a real birth date in the century their 7th digit gives (modulus 11 or not)."""
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=date(2036, 12, 31)))
    serial = draw(st.integers(0, 999))
    if born.year >= 2000:
        seventh = draw(st.sampled_from([4, 9] if born.year <= 2036 else [5, 6, 7, 8]))
    else:
        seventh = draw(st.integers(0, 3))
    return f"{born:%d%m%y}{seventh}{serial:03d}"


@st.composite
def fhir_person_ids(draw: st.DrawFn) -> PersonId:
    if draw(st.booleans()):
        return PersonId(PersonIdKind.CPR, draw(valid_cprs()))
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=date(2036, 12, 28)))
    letters = draw(st.text(string.ascii_uppercase, min_size=2, max_size=2))
    digit = draw(st.integers(0, 9))
    if draw(st.booleans()):  # national replacement CPR (X-eCPR)
        value = f"{born:%d%m%y}{draw(st.sampled_from('17'))}{letters}{digit}"
        return PersonId(PersonIdKind.REPLACEMENT, value, X_ECPR_SYSTEM)
    value = f"{born:%d%m%y}{draw(st.sampled_from('056'))}{letters}{digit}"
    return PersonId(PersonIdKind.REPLACEMENT, value, draw(st.sampled_from(sorted(D_ECPR_SYSTEMS))))


@st.composite
def fhir_patients(draw: st.DrawFn) -> Patient:
    street, city = draw(optional(short_text())), draw(optional(short_text()))
    postcode = draw(optional(st.text(string.digits, min_size=4, max_size=4)))
    address = Address(street=street, city=city, postcode=postcode)
    return Patient(
        identifier=draw(fhir_person_ids()),
        family_name=draw(short_text(70)),
        given_name=draw(optional(short_text(70))),
        address=None if address == Address() else address,
        phones=tuple(
            draw(
                st.lists(
                    st.builds(
                        Phone,
                        st.text(string.digits, min_size=8, max_size=8),
                        st.none() | st.sampled_from(["mobile", "work", "home"]),
                    ),
                    max_size=2,
                )
            )
        ),
        email=draw(optional(st.just("forælder@example.org"))),
    )


@st.composite
def fhir_organisations(draw: st.DrawFn) -> Organisation:
    return Organisation(
        ean=draw(glns()),
        name=draw(optional(short_text())),
        identifier=draw(st.text(string.digits, min_size=11, max_size=18)),
        identifier_kind=OrgIdKind.SOR,
    )


@st.composite
def fhir_authors(draw: st.DrawFn) -> Author:
    """An author as a segment needs one: a name, a role (code or text) and a phone number."""
    role = draw(st.none() | st.sampled_from(SKS_ROLES + AUTHORISATION_ROLES))
    return Author(
        given_name=draw(short_text()),
        family_name=draw(short_text()),
        role=role,
        role_text=draw(short_text()) if role is None else None,
        phone=draw(st.text(string.digits, min_size=8, max_size=12)),
    )


@st.composite
def fhir_attachments(draw: st.DrawFn, *, when: datetime) -> Attachment:
    data = draw(st.binary(min_size=1, max_size=200))
    return Attachment(
        title=draw(short_text(70)),
        identifier=draw(uuids()),
        media_type=draw(st.sampled_from(FHIR_MEDIA_TYPES)),
        data=data,
        added=when,
        author=draw(st.none() | fhir_authors()),
        created=draw(st.none() | fhir_moments()),
    )


@st.composite
def fhir_parties(draw: st.DrawFn, organisation: Organisation) -> Author | CareTeam | None:
    """A specific sender or recipient: nobody, a person in a role, or a care team."""
    choice = draw(st.sampled_from(["none", "author", "team"]))
    if choice == "author":
        return replace(draw(fhir_authors()), phone=None)
    if choice == "team":
        return CareTeam(draw(short_text()), organisation)
    return None


@st.composite
def fhir_categories(draw: st.DrawFn) -> tuple[str, str | None, Priority | None]:
    """A category with what it needs: ``other`` needs a topic; only ``regarding-referral`` a priority."""
    category = draw(st.sampled_from(sorted(CATEGORIES)))
    topic = draw(short_text(60)) if category == "other" else draw(optional(short_text(60)))
    priority = draw(st.none() | st.sampled_from(Priority)) if category == "regarding-referral" else None
    return category, topic, priority


@st.composite
def fhir_new_messages(draw: st.DrawFn, *, max_attachments: int = 3) -> CareMessage:
    """A new CareCommunication: every part with its identifier, time and author."""
    when = draw(fhir_moments())
    sender = draw(fhir_organisations())
    receiver = draw(fhir_organisations().filter(lambda o: o.ean != sender.ean))
    category, topic, priority = draw(fhir_categories())
    episode = draw(optional(st.text("0123456789abcdef", min_size=32, max_size=32)))
    status = draw(st.sampled_from([s for s in EpisodeStatus if s is not EpisodeStatus.OUTPATIENT_XRAY]))
    texts = draw(st.lists(fhir_text(), min_size=1, max_size=3))
    taken: set[str] = set()
    segments = distinct_ids([TextSegment(s, when, draw(fhir_authors()), draw(uuids())) for s in texts], taken)
    attachments = distinct_ids(draw(st.lists(fhir_attachments(when=when), max_size=max_attachments)), taken)
    return CareMessage(
        envelope=Envelope(identifier=draw(uuids()), sent=when),
        message_id=draw(uuids()),
        authorised=when,
        sender=sender,
        receiver=receiver,
        patient=draw(fhir_patients()),
        segments=tuple(segments),
        thread_id=draw(uuids()),
        category=category,
        topic=topic,
        priority=priority,
        episode_of_care_id=episode,
        episode_status=status if episode or status is EpisodeStatus.DECEASED else EpisodeStatus.INACTIVE,
        attachments=tuple(attachments),
        specific_sender=draw(fhir_parties(sender)),
        specific_recipient=draw(fhir_parties(receiver)),
    )


# --- XREF01: hospital referrals an XH0130R or XH0131R carries in full ------------------------------------

from medcomkit.model.messages import (  # noqa: E402
    Diagnosis,
    EpisodeOfCare,
    PatientTransport,
    Referral,
    ReferralPriority,
    ReferralStatus,
    Referrer,
    Relation,
    Relative,
    VisitationNote,
)

DIAGNOSIS_SYSTEMS = ("SKSdiagnosekode", "uspecificeretkode", "ICPCkode")
DIAGNOSIS_ROLES = (
    "uspec_diagnose",
    "henv_diagnose",
    "bidiagnose",
    "tillaegsdiagnose",
    "aktionsdiagnose",
    "midlertidig_diagnose",
    "forloebsdiagnose",
    "operation",
    "roentgenundersoegelse",
)
# What XH0131R (2017/05/01) adds to the code lists.
DIAGNOSIS_SYSTEMS_2017 = (
    *DIAGNOSIS_SYSTEMS,
    "speciallaegehenvisning",
    "fysioterapihenvisning",
    "psykologhenvisning",
    "Fysioterapihenvisningsdiagnose",
    "Psykologhenvisningsdiagnose",
)
DIAGNOSIS_ROLES_2017 = (
    *DIAGNOSIS_ROLES,
    "henv_diagnose_ny_sygdom",
    "henv_diagnose_samme_sygdom",
    "speciallaegehenvisning",
    "fysioterapihenvisning",
    "psykologhenvisning",
    "fysioterapihenvisningspgruppe",
)
VISITATION_TOPICS = (
    "ustruktureret",
    "egen_laege",
    "henvisning_modtaget",
    "visitering",
    "indkaldt",
    "indlagt_paa",
    "udenamts_kaution",
)
PARTY_KINDS = [k for k in OrgIdKind if k is not OrgIdKind.COUNTY]
HOSPITAL_CHOICES = ("ALDB00", "ALDB01", "ALDB02", "ALDB03")


@st.composite
def diagnoses(draw: st.DrawFn, *, version: str, role: bool) -> Diagnosis:
    newer = version == "XH0131R"
    code = draw(optional(st.sampled_from(["DF930", "DZ032", "DI10", "DE659", "P76"]) | text(1, 17)))
    return Diagnosis(
        text=draw(text(1, 70)),
        code=code,
        system=draw(st.sampled_from(DIAGNOSIS_SYSTEMS_2017 if newer else DIAGNOSIS_SYSTEMS)),
        role=draw(st.sampled_from(DIAGNOSIS_ROLES_2017 if newer else DIAGNOSIS_ROLES)) if role else None,
    )


@st.composite
def referral_patients(draw: st.DrawFn) -> Patient:
    phones = draw(
        st.lists(
            st.builds(Phone, text(1, 25), st.sampled_from(["mobile", "work", "home"])),
            max_size=3,
        )
    )
    return replace(draw(patients()), phones=tuple(phones), email=draw(optional(text(1, 70))))


@st.composite
def referrals(draw: st.DrawFn, *, version: str = "XH0130R", with_data: bool = False) -> Referral:
    """Hospital referrals that the given XREF01 version carries without loss."""
    newer = version == "XH0131R"
    if newer:
        episodes = draw(st.lists(st.builds(EpisodeOfCare, text(1, 35), text(1, 17)), min_size=1, max_size=3))
    else:
        episodes = draw(st.lists(st.builds(EpisodeOfCare, text(1, 35)), max_size=1))
    copy = draw(st.none() | organisations(sender=False))
    found = draw(st.lists(attachments(with_data=with_data), max_size=10))
    unique = {a.identifier or id(a): a for a in found}  # ObjectIdentifiers must be unique
    statuses = [s for s in ReferralStatus if newer or s is not ReferralStatus.HOME]
    markup = optional(markups(max_runs=6))
    return Referral(
        envelope=draw(envelopes()),
        message_id=draw(ids()),
        authorised=draw(moments()),
        sender=draw(organisations(sender=True)),
        referrer=Referrer(
            name=draw(text(1, 35)),
            title=draw(optional(text(1, 35))),
            identifier=draw(optional(st.text(string.digits, min_size=1, max_size=17))),
            identifier_kind=draw(st.none() | st.sampled_from(PARTY_KINDS)),
        ),
        receiver=draw(organisations(sender=False)),
        patient=draw(referral_patients()),
        status=draw(st.sampled_from(LetterStatus)),
        episodes=tuple(episodes),
        answer_copy_to=replace(copy, ean="", phone=draw(optional(text(1, 25)))) if copy else None,
        relative=draw(
            st.none()
            | st.builds(
                Relative,
                st.sampled_from(Relation),
                text(1, 70),
                optional(text(1, 70)),
                optional(st.text(ALNUM, min_size=1, max_size=10)),
            )
        ),
        priority=draw(st.none() | st.sampled_from(ReferralPriority)),
        referral_status=draw(st.none() | st.sampled_from(statuses)),
        transport=draw(st.none() | st.sampled_from(PatientTransport)),
        hospital_choice=draw(optional(st.sampled_from(HOSPITAL_CHOICES))) if newer else None,
        reason=draw(markup),
        supplementary=draw(markup),
        diagnosis=draw(st.none() | diagnoses(version=version, role=newer)),
        additional_diagnoses=tuple(draw(st.lists(diagnoses(version=version, role=True), max_size=5))),
        cave=draw(markup),
        anamnesis=draw(markup),
        examination=draw(markup),
        medication=draw(markup),
        attachments=tuple(unique.values()),
        visitation=tuple(
            draw(
                st.lists(
                    st.builds(VisitationNote, st.sampled_from(VISITATION_TOPICS), markups(max_runs=4)),
                    max_size=9,
                )
            )
        ),
    )
