"""Demo data: a complete, valid korrespondancemeddelelse with a PDF attachment.

Everything here is fictitious and marked as such: the parties use location numbers from GS1's
restricted-circulation range (prefix 2), which no real SOR unit has, and the patient has a CPR
number that fails modulus 11 on a date other than 1 January, which CPR has never issued.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal

from .core.pdf import PdfDocument
from .core.xmltree import COPENHAGEN
from .model.identifiers import gln_check_digit
from .model.markup import plain_text
from .model.messages import (
    Address,
    Attachment,
    Author,
    CareMessage,
    Diagnosis,
    Envelope,
    EpisodeOfCare,
    EpisodeStatus,
    Organisation,
    OrgIdKind,
    Patient,
    PersonId,
    PersonIdKind,
    Phone,
    Priority,
    Referral,
    ReferralPriority,
    ReferralStatus,
    Referrer,
    Relation,
    Relative,
    TextSegment,
)
from .model.thread import forward, reply, start_thread
from .referral_form import Consent, Guardian, ReferralForm, referral_form_attachment

__all__ = [
    "DEMO_CPR",
    "demo_care_message",
    "demo_care_thread",
    "demo_gln",
    "demo_plan_pdf",
    "write_demo_carecommunication",
    "write_demo_km",
]

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


def write_demo_km(directory: Path, *, syntax: Literal["oioxml", "edifact"] = "oioxml") -> list[Path]:
    """Write the demo XDIS91, its XBIN01 and the PDF into ``directory``; return the paths.
    With ``syntax="edifact"`` the letter is a DIS91 with a BIN01, as most GP systems receive it."""
    from .oioxml.xbin01 import attachments_for, build_xbin01
    from .oioxml.xdis91 import build_xdis91

    message = demo_care_message()
    binary = attachments_for(message, message_id="DEMOBIN0000001", envelope_id="DEMOKUV0000002")
    assert binary is not None  # the demo message has an attachment with bytes
    if syntax == "edifact":
        from .edifact.build import build_edifact

        letters = {"km-dis91.edi": build_edifact(message), "km-bin01.edi": build_edifact(binary)}
    else:
        letters = {"km-xdis91.xml": build_xdis91(message), "km-xbin01.xml": build_xbin01(binary)}
    return _write_all(directory, {**letters, "forloebsplan.pdf": demo_plan_pdf()})


def _write_all(directory: Path, outputs: dict[str, bytes]) -> list[Path]:
    """Write the files into ``directory`` atomically, as a unit (see :class:`~.core.files.FileBatch`)."""
    from .core.files import FileBatch

    with FileBatch(directory, overwrite=True) as batch:
        for name, data in outputs.items():
            batch.write(name, data)
    return batch.written_or_replaced


# --- the same conversation in FHIR: a new message, the GP's reply, and a forward ---------------------

PSYCHOLOGIST = Author(given_name="Sara", family_name="Demo (fiktiv)", role="psykolog", phone="99999999")
GP = Author(given_name="Peter", family_name="Læge (fiktiv)", role="laege", phone="88888888")
HOSPITAL = Organisation(
    ean=demo_gln(301),
    name="Børne- og Ungdomspsykiatrien Demo (fiktiv)",
    identifier="999900000301001",
    identifier_kind=OrgIdKind.SOR,
)
# Fixed ids, so the demo files are the same every time they are written.
_THREAD = "0c3f1b52-7d4e-4a8b-9b6c-2e5d8f7a1c03"
_FORWARD_THREAD = "6a2d9e41-0b7c-4f3e-8d15-c4b7a9e2f360"
_SEGMENTS = (
    "9d1e7c40-5b2a-4e6f-8a3d-1f0c9b8e7d21",
    "3b8f2a61-9c4d-4e7a-b5f0-6d1e2c3a4b52",
    "e47c1d93-2f6b-4a8e-9c05-7b3d1a2f6e84",
)


def demo_care_thread() -> tuple[CareMessage, CareMessage, CareMessage]:
    """The demo korrespondancemeddelelse as a FHIR thread: the § 126 a unit's new message, the
    GP's reply a day later, and the unit forwarding the thread to child and adolescent psychiatry."""
    first = demo_care_message()
    new = start_thread(
        replace(
            first,
            envelope=Envelope(identifier="b1e5c2d8-4f7a-4c3b-9e6d-0a8f1b2c3d41", sent=first.authorised),
            message_id="8f4e2b71-6c3d-4a9e-b0f5-1d7c2e8a9b10",
            thread_id=_THREAD,
            category="other",
            priority=None,  # FHIR allows priority only on messages about a referral
            segments=(TextSegment(plain_text(TEXT), first.authorised, PSYCHOLOGIST, _SEGMENTS[0]),),
            attachments=tuple(
                # FHIR names the file type by MIME type and has no OIOXML object code or size
                replace(
                    a,
                    media_type="application/pdf",
                    author=PSYCHOLOGIST,
                    file_type=None,
                    object_code=None,
                    size=None,
                )
                for a in first.attachments
            ),
        )
    )
    answer = reply(
        new,
        text=(
            "Tak for orienteringen. Ida har ikke tidligere været udredt, og hun får ingen medicin. "
            "Jeg ser hende gerne til en samtale, hvis søvnen ikke bedres.\n\nMed venlig hilsen\nPeter Læge"
        ),
        author=GP,
        when=DEMO_TIME + timedelta(days=1, hours=3),
        message_id="c2a7d9e3-8b1f-4e6c-a5d0-3f9b7e1c2a64",
        envelope_id="f6d3a1b9-2e8c-4d7f-b1a5-9c0e4f7b3d85",
        segment_id=_SEGMENTS[1],
    )
    passed_on = forward(
        answer,
        to=HOSPITAL,
        text="Videresendt til orientering forud for en eventuel henvisning, efter aftale med forældrene.",
        author=PSYCHOLOGIST,
        when=DEMO_TIME + timedelta(days=8),
        message_id="4d8b1e6a-3c9f-4b2e-8d7a-5e1f0c6b9a26",
        envelope_id="a9c4e2f7-1d6b-4e8a-9f3c-7b2d5e0a1c47",
        thread_id=_FORWARD_THREAD,
        segment_id=_SEGMENTS[2],
        # The reply carried the plan without its bytes; the unit still has them from its own message.
        attachment_data={a.identifier or "": a.data for a in new.attachments if a.data is not None},
    )
    return new, answer, passed_on


def write_demo_carecommunication(directory: Path, *, format: Literal["json", "xml"] = "json") -> list[Path]:
    """Write the demo thread as three CareCommunication Bundles (new, reply, forward)."""
    from .fhir.carecommunication import build_carecommunication

    outputs = {
        f"carecommunication-{name}.{format}": build_carecommunication(message, format=format)
        for name, message in zip(("ny", "svar", "videresendt"), demo_care_thread(), strict=True)
    }
    return _write_all(directory, outputs)


# --- a hospital referral (XREF01) from the § 126 a unit to child and adolescent psychiatry ------------

__all__ += ["demo_referral", "demo_referral_form", "write_demo_referral"]

REFERRAL_TIME = DEMO_TIME + timedelta(weeks=10)  # when the six conversations are over
BUP = Organisation(
    ean=demo_gln(301),
    name="BUP Region Demo (fiktiv)",
    identifier="999900000301001",
    identifier_kind=OrgIdKind.SOR,
    department="Børne- og ungdomspsykiatri",
    unit="Visitationen",
    address=Address(street="Hospitalsvej 3", city="Demoby", postcode="9999"),
)
REFERRER = Referrer(name="Sara Demo (fiktiv)", title="Psykolog")
CHILD = replace(PATIENT, phones=(Phone("99 99 12 34", "mobile"),), email="familien.testesen@example.org")
MOTHER = Guardian(
    "Mette Testesen (fiktiv)", "Mor", phone="99 99 12 35", email="familien.testesen@example.org"
)
FATHER = Guardian("Jonas Testesen (fiktiv)", "Far", phone="99 99 12 36")
REFERRAL_REASON = (
    "Henvises til udredning for angst og depressive symptomer. Ida har gennemført et forløb i kommunens "
    "lettilgængelige tilbud (§ 126 a) med seks samtaler over ti uger uden tilstrækkelig bedring.\n"
    "Symptomerne har varet omkring et halvt år: indsovningsbesvær, mange bekymringer, ondt i maven om "
    "morgenen og stigende skolefravær."
)
_REFERRAL_IDS = {
    "form": "7c2e9b14-5d3a-4f8e-a6b1-0e9d4c3f2a58",
    "plan": "9a41c7e2-3b5d-4f60-8e1a-2c7d9b0f4e63",
    "episode": "3f9a6c2e1b7d4e508a9c2d1f6e4b7a30",
}


def demo_referral_form() -> ReferralForm:
    """The region's referral form for the demo child, as the § 126 a unit fills it in."""
    return ReferralForm(
        child=CHILD,
        guardians=(MOTHER, FATHER),
        custody="Fælles forældremyndighed",
        consent=Consent(given=True, given_by=(MOTHER.name, FATHER.name), on=REFERRAL_TIME.date()),
        referrer=REFERRER,
        referrer_organisation=SENDER,
        reason=REFERRAL_REASON,
        diagnosis="Obs. pga. mistanke om psykisk lidelse (DZ032); ikke-organisk søvnløshed (DF510)",
        tried_126a=(
            "Seks samtaler med psykolog over ti uger (manualbaseret forløb for angst), med mor til to af "
            "dem. Søvnen er lidt bedre; bekymringer og skolefravær er uændrede. SDQ ved start og slut "
            "ligger over grænseværdien for emotionelle symptomer."
        ),
        tried_other="PPR: to samtaler med skolepsykolog i foråret 2026 og nedsat skema i to uger.",
        school="Demoby Skole (fiktiv), 7. klasse",
        school_situation=(
            "Trives fagligt, men har 18 % fravær i dette skoleår, mest om mandagen. Skolen har en "
            "trivselsplan og et fast voksenmøde hver morgen."
        ),
        medication="Ingen fast medicin.",
        other_professionals="Skolepsykolog, PPR Demo Kommune (fiktiv), tlf. 99 99 88 77.",
        attachments=("Forløbsplan fra det lettilgængelige tilbud (PDF)",),
        signed=REFERRAL_TIME.date(),
    )


def demo_referral(*, version: Literal["XH0130R", "XH0131R"] = "XH0130R") -> Referral:
    """A complete hospital referral from the § 126 a unit to child and adolescent psychiatry,
    with the region's form and the course plan as PDF attachments. XH0131R needs the episode's
    kind and the referral diagnosis's role, so the referral is made for the version asked for."""
    newer = version == "XH0131R"
    plan = demo_plan_pdf()
    return Referral(
        envelope=Envelope(identifier="DEMOKUV0000011", sent=REFERRAL_TIME),
        message_id="DEMOHENV000001",
        authorised=REFERRAL_TIME,
        sender=SENDER,
        referrer=REFERRER,
        receiver=BUP,
        patient=CHILD,
        episodes=(EpisodeOfCare(_REFERRAL_IDS["episode"], "henviser" if newer else None),),
        answer_copy_to=replace(RECEIVER, ean=""),  # a copy of the answer to the child's GP
        relative=Relative(Relation.MOTHER, "Testesen", "Mette (fiktiv)"),
        priority=ReferralPriority.ELECTIVE,
        referral_status=ReferralStatus.OUTPATIENT,
        reason=REFERRAL_REASON,
        supplementary="Forældrene har fælles forældremyndighed og har begge givet samtykke til henvisningen.",
        diagnosis=Diagnosis(
            "Obs. pga. mistanke om psykisk lidelse", "DZ032", role="henv_diagnose" if newer else None
        ),
        additional_diagnoses=(Diagnosis("Ikke-organisk søvnløshed", "DF510", role="bidiagnose"),),
        cave="Ingen kendte allergier.",
        anamnesis=(
            "{Bold}Forløb i det lettilgængelige tilbud{/Bold}\n"
            "Henvendte sig med mor i september 2026 på grund af bekymringer og dårlig søvn. Seks samtaler "
            "over ti uger; søvnen er lidt bedre, bekymringer og skolefravær er uændrede."
        ),
        examination="SDQ (forældre- og barneversion) ved start og slut: over grænseværdien for "
        "emotionelle symptomer. Ingen tegn på selvskade.",
        medication="Ingen fast medicin.",
        attachments=(
            referral_form_attachment(demo_referral_form(), identifier=_REFERRAL_IDS["form"]),
            Attachment(
                title="Forløbsplan, lettilgængeligt tilbud",
                identifier=_REFERRAL_IDS["plan"],
                file_type="pdf",
                object_code="vektor_grafik",
                size=len(plan),
                data=plan,
            ),
        ),
    )


def write_demo_referral(
    directory: Path,
    *,
    version: Literal["XH0130R", "XH0131R"] = "XH0130R",
    syntax: Literal["oioxml", "edifact"] = "oioxml",
) -> list[Path]:
    """Write the demo XREF01, its XBIN01 and the filled-in form as PDF into ``directory``. With
    ``syntax="edifact"`` the referral is a REF01 with a BIN01, as DNHF sends it (REF01 is H0130R)."""
    from .oioxml.xbin01 import build_xbin01
    from .oioxml.xref01 import build_xref01, referral_attachments
    from .referral_form import render_referral_form

    referral = demo_referral(version=version)
    binary = referral_attachments(referral, message_id="DEMOBIN0000011", envelope_id="DEMOKUV0000012")
    assert binary is not None  # the demo referral has attachments with bytes
    if syntax == "edifact":
        from .edifact.build import build_edifact

        letters = {
            "henvisning-ref01.edi": build_edifact(referral),
            "henvisning-bin01.edi": build_edifact(binary),
        }
    else:
        letters = {
            "henvisning-xref01.xml": build_xref01(referral, version=version),
            "henvisning-xbin01.xml": build_xbin01(binary),
        }
    return _write_all(
        directory, {**letters, "henvisningsskema.pdf": render_referral_form(demo_referral_form())}
    )
