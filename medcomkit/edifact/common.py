"""What every MedCom EDIFACT message shares: envelope dates, parties, addresses, patients, and
building an interchange around a message's segments."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time

from ..core.errors import BuildError, ParseError
from ..core.kinds import Kind
from ..core.lang import Bilingual
from ..core.xmltree import COPENHAGEN, to_local
from ..model.messages import Address, Envelope, Organisation, OrgIdKind, Patient, PersonId, PersonIdKind
from .codes import ORG_ID_KIND, ORG_ID_QUALIFIER, SPECIALITY, SPECIALITY_NUMBER
from .envelope import KIND_TYPES, Interchange, Message
from .syntax import Segment, write_segments

__all__ = [
    "Group",
    "build_interchange",
    "groups",
    "segment",
]

_MARKER = re.compile(r"S[0-9]{2}")


@dataclass
class Group:
    """A MedCom segment group: its marker (``S01`` …; ``""`` before the first) and segments."""

    marker: str
    segments: list[Segment]

    def first(self, tag: str, qualifier: str | None = None) -> Segment | None:
        return next(self.all(tag, qualifier), None)

    def all(self, tag: str, qualifier: str | None = None) -> Iterator[Segment]:
        return (s for s in self.segments if s.tag == tag and (qualifier is None or s.qualifier == qualifier))


def groups(body: list[Segment]) -> list[Group]:
    """The body cut at each group marker segment (S01, S02 …)."""
    found = [Group("", [])]
    for item in body:
        if _MARKER.fullmatch(item.tag):
            found.append(Group(item.tag, [item]))
        else:
            found[-1].segments.append(item)
    return found


def parse_error(message: Message, segment: Segment | None, da: str, en: str) -> ParseError:
    where = f"segment {segment.number} {segment.tag}: " if segment is not None else ""
    return ParseError(
        "edifact.parse",
        Bilingual(
            f"{where}{da} Meddelelsen {message.reference} kan ikke læses; valider den for at se alle fejl.",
            f"{where}{en} The message {message.reference} cannot be read; validate it to see every problem.",
        ),
    )


def dtm_moment(message: Message, dtm: Segment | None) -> datetime:
    """The time in a DTM segment of format 203 (CCYYMMDDHHMM), as Danish local time."""
    value = dtm.get(1, 2) if dtm is not None else ""
    moment = parse_ccyymmddhhmm(value)
    if moment is None:
        raise parse_error(message, dtm, "DTM har ikke en gyldig tid.", "DTM has no valid time.")
    return moment


def parse_ccyymmddhhmm(value: str) -> datetime | None:
    if len(value) != 12 or not value.isdigit():
        return None
    try:
        return datetime(
            int(value[:4]),
            int(value[4:6]),
            int(value[6:8]),
            int(value[8:10]),
            int(value[10:12]),
            tzinfo=COPENHAGEN,
        )
    except ValueError:
        return None


def today() -> date:
    """Today's date in Denmark: what a two-digit UNB year is read near when the message carries no
    four-digit date (a receipt). Tests replace it to fix "today"."""
    return datetime.now(COPENHAGEN).date()


def _centuries(yy: int, near: date) -> list[int]:
    """The years ending in ``yy`` in the centuries around ``near``'s year, nearest first (the
    earlier on a tie), so the first is within 50 years of it."""
    base = near.year - near.year % 100 + yy
    return sorted((base - 100, base, base + 100), key=lambda year: (abs(year - near.year), year))


def nearest_century(moment: datetime, near: date) -> datetime:
    """``moment`` moved by whole centuries to the year nearest ``near``'s (see ``_centuries``);
    ``moment`` itself when no such day exists (29 February)."""
    for year in _centuries(moment.year % 100, near):
        try:
            return moment.replace(year=year)
        except ValueError:  # outside 1–9999, or 29 February in a year without it
            continue
    return moment


def parse_unb_moment(day: str, clock: str, near: date | None = None) -> datetime | None:
    """UNB's YYMMDD and HHMM, in the century that puts the year nearest ``near`` (today when not
    given), so within 50 years of it. MedCom's converter instead reads 00–20 as 20xx and 21–99 as
    19xx, so a message sent in 2026 reads there as sent in 1926."""
    if len(day) != 6 or len(clock) != 4 or not (day + clock).isdigit():
        return None
    for year in _centuries(int(day[:2]), near if near is not None else today()):
        try:
            return datetime.combine(
                date(year, int(day[2:4]), int(day[4:6])),
                time(int(clock[:2]), int(clock[2:])),
                tzinfo=COPENHAGEN,
            )
        except ValueError:  # no such day or time (29 February only in some of the centuries)
            continue
    return None


def message_date(message: Message) -> date | None:
    """The first four-digit date the message carries (a DTM of format CCYYMMDDHHMM)."""
    for found in message.body:
        if found.tag == "DTM":
            moment = parse_ccyymmddhhmm(found.get(1, 2))
            if moment is not None:
                return moment.date()
    return None


def envelope_of(interchange: Interchange, message: Message) -> Envelope:
    unb = interchange.unb
    if unb is None:
        raise parse_error(message, None, "UNB mangler.", "UNB is missing.")
    # UNB has a two-digit year: its century is the one nearest the message's own date, or today's
    sent = parse_unb_moment(unb.get(4, 1), unb.get(4, 2), message_date(message))
    if sent is None:
        raise parse_error(
            message, unb, "UNB har ikke en gyldig dato og tid.", "UNB has no valid date and time."
        )
    return Envelope(identifier=unb.get(5), sent=sent, positive_receipt=unb.get(9) == "1")


def address_of(adr: Segment | None) -> Address | None:
    if adr is None:
        return None
    address = Address(
        street=adr.get(2, 2) or None,
        suburb=adr.get(2, 3) or None,
        city=adr.get(3) or None,
        postcode=adr.get(4) or None,
    )
    return None if address == Address() else address


def organisation_of(group: Group, ean: str) -> Organisation:
    """A party from its S01 group: NAD, ADR, CON (telephone) and SPR (speciality)."""
    nad = group.first("NAD")
    assert nad is not None  # the group was chosen by its NAD
    kind: OrgIdKind | None = None
    if len(nad.elements) >= 2 and len(nad.elements[1]) >= 2:
        kind = ORG_ID_KIND.get(nad.get(2, 2))
    con = group.first("CON")
    spr = group.first("SPR")
    return Organisation(
        ean=ean,
        name=nad.get(4, 1) or None,
        identifier=nad.get(2, 1) or None,
        identifier_kind=kind,
        department=nad.get(4, 2) or None,
        unit=nad.get(4, 3) or None,
        address=address_of(group.first("ADR")),
        phone=con.get(2, 1) or None if con is not None else None,
        speciality=SPECIALITY.get(spr.get(2, 1), spr.get(2, 1)) or None if spr is not None else None,
    )


def patient_of(group: Group, *, details: bool = True) -> Patient:
    """The patient from an S07 group: PNA (CPR and names), RFF+XPI, ADR and EMP."""
    pna = group.first("PNA")
    assert pna is not None
    cpr = pna.get(2, 1)
    replacement = group.first("RFF", "XPI")
    if cpr:
        identifier = PersonId(PersonIdKind.CPR, cpr)
    else:
        identifier = PersonId(
            PersonIdKind.REPLACEMENT, replacement.get(1, 2) if replacement is not None else ""
        )
    emp = group.first("EMP")
    return Patient(
        identifier=identifier,
        family_name=pna.get(5, 2),
        given_name=pna.get(6, 2) or None,
        address=address_of(group.first("ADR")) if details else None,
        occupation=(emp.get(3, 4) or None) if details and emp is not None else None,
    )


# --- building -------------------------------------------------------------------------------------

Element = str | list[str]


def segment(tag: str, *elements: Element) -> Segment:
    return Segment(tag, [[e] if isinstance(e, str) else list(e) for e in elements])


def dtm(qualifier: str, moment: datetime) -> Segment:
    return segment("DTM", [qualifier, to_local(moment).strftime("%Y%m%d%H%M"), "203"])


def nad(
    qualifier: str, party: Organisation, *, placeholder: bool, department_placeholder: bool = False
) -> Segment:
    """NAD with the party's register id and names; ``placeholder`` writes ``_`` for a missing name,
    ``department_placeholder`` for a missing department before a unit name (BIN01)."""
    code, agency = (
        ORG_ID_QUALIFIER.get(party.identifier_kind, ("", "9")) if party.identifier_kind else ("", "9")
    )
    if party.identifier_kind is OrgIdKind.COUNTY:
        raise BuildError(
            "edifact.build-identifier",
            Bilingual(
                "EDIFACT har ingen kode for et amtsnummer; brug fx SOR-kode eller lokationsnummer.",
                "EDIFACT has no code for a county number; use e.g. a SOR code or location number.",
            ),
        )
    name = party.name or ("_" if placeholder else "")
    department = party.department or ("_" if department_placeholder and party.unit else "")
    return segment(
        "NAD",
        qualifier,
        [party.identifier or "", code, agency],
        "",
        [name, department, party.unit or "", "", "", "US"],
    )


def adr(address: Address | None) -> list[Segment]:
    if address is None or address == Address():
        return []
    return [
        segment(
            "ADR",
            "",
            ["US", address.street or "", address.suburb or ""],
            address.city or "",
            address.postcode or "",
        )
    ]


def spr(party: Organisation, name: str, *, unknown: str = "") -> Segment:
    """SPR with the sender's speciality number; ``unknown`` is written when there is none (DIS91
    writes 99, "not classified"; REF01 and BIN01 leave it empty)."""
    number = SPECIALITY_NUMBER.get(party.speciality, party.speciality) if party.speciality else unknown
    return segment("SPR", "ORG", [number, "SKS", "SST"], [name, "SKS", "SST"])


def pna(patient: Patient) -> list[Segment]:
    cpr = patient.identifier.value if patient.identifier.kind is PersonIdKind.CPR else None
    found = [
        segment(
            "PNA",
            "PAT",
            [cpr, "", "", "CPR", "IM"] if cpr else "",
            "",
            "",
            ["SU", patient.family_name],
            ["FO" if patient.given_name else "", patient.given_name or ""],
        )
    ]
    if cpr is None:
        found.append(segment("RFF", ["XPI", patient.identifier.value]))
    return found


def build_interchange(
    envelope: Envelope,
    sender_ean: str,
    receiver_ean: str,
    message_id: str,
    kind: Kind,
    body: list[Segment],
    *,
    receipt: bool = False,
) -> bytes:
    """UNB, UNH, the body, UNT and UNZ written as ISO-8859-1 EDIFACT (refusing what it cannot carry)."""
    message_type = KIND_TYPES[kind]
    sent = to_local(envelope.sent)
    unb_elements: list[Element] = [
        ["UNOC", "3"],
        [sender_ean, "14"],
        [receiver_ean, "14"],
        [sent.strftime("%y%m%d"), sent.strftime("%H%M")],
        envelope.identifier,
    ]
    if not receipt:
        unb_elements += ["", "", "", "1" if envelope.positive_receipt else "0"]
    segments = [
        segment("UNB", *unb_elements),
        segment("UNH", message_id, message_type.identifier, message_type.name),
        *body,
        segment("UNT", str(len(body) + 2), message_id),
        segment("UNZ", "1", envelope.identifier),
    ]
    _refuse_outside_latin1(segments)
    return write_segments(segments)


_NOT_UNOC = re.compile("[^\x20-\x7e\xa0-\xff]")


def _refuse_outside_latin1(segments: list[Segment]) -> None:
    """Refuse a value with a character UNOC cannot carry (outside printable ISO-8859-1)."""
    for item in segments:
        for element in item.elements:
            for value in element:
                bad = _NOT_UNOC.search(value)
                if bad is not None:
                    raise _character_error(item.tag, bad.group())


def _character_error(tag: str, char: str) -> BuildError:
    shown = repr(char)
    return BuildError(
        "edifact.build-character",
        Bilingual(
            f"{tag} indeholder tegnet {shown} (U+{ord(char):04X}), som ikke findes i UNOC "
            "(ISO-8859-1's skrivbare tegn); EDIFACT kan ikke bære det.",
            f"{tag} contains the character {shown} (U+{ord(char):04X}), which is not in UNOC "
            "(the printable characters of ISO-8859-1); EDIFACT cannot carry it.",
        ),
    )
