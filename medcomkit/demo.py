"""Demo data: a complete, valid korrespondancemeddelelse with a PDF attachment.

Everything here is fictitious and marked as such: the parties use location numbers from GS1's
restricted-circulation range (prefix 2), which no real SOR unit has, and the patient has a CPR
number that fails modulus 11 on a date other than 1 January, which CPR has never issued.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path

from .identifiers import gln_check_digit
from .model import (
    Address,
    Attachment,
    CareMessage,
    Envelope,
    EpisodeStatus,
    Organisation,
    OrgIdKind,
    Patient,
    PersonId,
    PersonIdKind,
    Priority,
    TextSegment,
)
from .oioxml._xml import COPENHAGEN
from .pdf import PdfDocument

__all__ = ["DEMO_CPR", "demo_care_message", "demo_gln", "demo_plan_pdf", "write_demo_km"]

DEMO_CPR = "1203134996"  # fictitious: 12 March 2013, fails modulus 11
DEMO_TIME = datetime(2026, 11, 26, 10, 15, tzinfo=COPENHAGEN)


def demo_gln(serial: int) -> str:
    """A fictitious 13-digit location number with a valid check digit.

    GS1 prefix 2 is for restricted circulation, so no real location has such a number.
    """
    first12 = f"2000000{serial:05d}"
    return first12 + str(gln_check_digit(first12))


SENDER = Organisation(
    ean=demo_gln(126),
    name="Demo Kommune (fiktiv)",
    identifier="999900000126001",
    identifier_kind=OrgIdKind.SOR,
    department="Lettilgængeligt tilbud",
    unit="§ 126 a, børn og unge",
    address=Address(street="Eksempelvej 1", city="Demoby", postcode="9999"),
    phone="99 99 99 99",
    speciality="psykolog",
)
RECEIVER = Organisation(
    ean=demo_gln(201),
    name="Lægehuset Demoby (fiktiv)",
    identifier="999900000201001",
    identifier_kind=OrgIdKind.SOR,
    address=Address(street="Prøvegade 2", city="Demoby", postcode="9999"),
)
PATIENT = Patient(
    identifier=PersonId(PersonIdKind.CPR, DEMO_CPR),
    family_name="Testesen",
    given_name="Ida (fiktiv)",
    address=Address(street="Eksempelvej 10", city="Demoby", postcode="9999"),
)
TEXT = (
    "{Bold}Vedr. Ida i det lettilgængelige tilbud{/Bold}\n"
    "Ida (13 år) er startet i kommunens lettilgængelige tilbud til børn og unge i psykisk mistrivsel "
    "efter sundhedslovens § 126 a. Forløbet omfatter seks samtaler over ti uger.\n"
    "\n"
    "Vi vil gerne høre, om du som egen læge har oplysninger, vi bør kende til, fx om tidligere "
    "udredning eller medicin. Forløbsplanen er vedhæftet som PDF.\n"
    "\n"
    "Med venlig hilsen\n"
    "Psykolog Sara Demo (fiktiv)\n"
    "Demo Kommune"
)


def demo_plan_pdf() -> bytes:
    """The attachment: a short, fictitious plan for the course of treatment."""
    document = PdfDocument("Forløbsplan (fiktiv demo)")
    document.heading("Forløbsplan — lettilgængeligt tilbud (§ 126 a)")
    document.paragraph("Fiktivt eksempel fra medcomkit. Indeholder ingen rigtige personoplysninger.")
    document.field("Barn", "Ida Testesen (fiktiv), CPR 120313-4996 (fiktivt)")
    document.field("Tilbud", "Seks samtaler over ti uger med psykolog; opfølgning efter tre måneder.")
    document.field("Mål", "Bedre søvn, færre bekymringer og tilbagevenden til fuld skolegang.")
    document.field("Kontakt", "Demo Kommune, lettilgængeligt tilbud, tlf. 99 99 99 99")
    return document.to_bytes()


def demo_care_message(*, when: datetime = DEMO_TIME) -> CareMessage:
    """A complete korrespondancemeddelelse from a § 126 a unit to the child's GP, with a PDF."""
    plan = demo_plan_pdf()
    return CareMessage(
        envelope=Envelope(identifier="DEMOKUV0000001", sent=when),
        message_id="DEMOBREV000001",
        authorised=when,
        sender=SENDER,
        receiver=RECEIVER,
        patient=PATIENT,
        segments=(TextSegment(TEXT),),
        episode_status=EpisodeStatus.INACTIVE,
        priority=Priority.ROUTINE,
        topic="Forløb i lettilgængeligt tilbud (§ 126 a)",
        attachments=(
            Attachment(
                title="Forløbsplan",
                identifier=str(uuid.UUID("5e0f6d9c-3a1b-4c8e-9f21-7b6a4d2c1e90")),
                file_type="pdf",
                object_code="vektor_grafik",
                size=len(plan),
                data=plan,
            ),
        ),
    )


def write_demo_km(directory: Path) -> list[Path]:
    """Write the demo XDIS91, its XBIN01 and the PDF into ``directory``; return the paths."""
    from .oioxml.xbin01 import attachments_for, build_xbin01
    from .oioxml.xdis91 import build_xdis91

    message = demo_care_message()
    binary = attachments_for(message, message_id="DEMOBIN0000001", envelope_id="DEMOKUV0000002")
    assert binary is not None  # the demo message has an attachment with bytes
    directory.mkdir(parents=True, exist_ok=True)
    outputs = {
        "km-xdis91.xml": build_xdis91(message),
        "km-xbin01.xml": build_xbin01(binary),
        "forloebsplan.pdf": demo_plan_pdf(),
    }
    written = []
    for name, data in outputs.items():
        path = directory / name
        path.write_bytes(data)
        written.append(path)
    return written
