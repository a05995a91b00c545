"""Hypothesis strategies for neutral-model messages that an OIOXML letter can carry in full."""

from __future__ import annotations

import string
import uuid
from datetime import datetime

from hypothesis import strategies as st

from medcomkit import (
    Address,
    Attachment,
    AttachmentMessage,
    CareMessage,
    Envelope,
    EpisodeStatus,
    LetterStatus,
    Organisation,
    OrgIdKind,
    Patient,
    PersonId,
    PersonIdKind,
    Priority,
    Receipt,
    ReceiptKind,
    ReceiptLetter,
    RefuseReason,
    TextSegment,
)
from medcomkit.identifiers import gln_check_digit
from medcomkit.markup import BREAKABLE, FORMATTED, INLINE_STYLES, Grammar, Run, from_runs, normalise
from medcomkit.oioxml._xml import COPENHAGEN

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
        attachments=tuple(
            Attachment(
                identifier=a.identifier,
                file_type=a.file_type,
                object_code=a.object_code,
                size=a.size,
                data=a.data,
            )
            for a in unique
        ),
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
