"""A region's referral form for child and adolescent psychiatry, filled in and rendered as PDF.

The regions ask referrers to fill in a form ("Henvisning til børne- og ungdomspsykiatrien",
today mostly a Word template) and send it with the electronic referral. This module fills such a
form from structured fields and renders a text-extractable PDF with :mod:`medcomkit.core.pdf`, ready
to travel as the XBIN01 attachment of an XREF01.

The region and its form are fictitious ("Region Demo (fiktiv)"). The sections follow what the
regions ask for: the child, parents and custody, consent, referrer, reason for referral, what has
been tried (the municipal § 126 a offer, PPR), the school situation, current medicine, other
professionals involved and the attachments.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from .core.pdf import PdfDocument
from .model.markup import plain_text
from .model.messages import Address, Attachment, Organisation, Patient, PersonIdKind, Referrer

__all__ = [
    "FORM_TITLE",
    "REGION",
    "Consent",
    "Guardian",
    "ReferralForm",
    "referral_form_attachment",
    "render_referral_form",
]

REGION = "Region Demo (fiktiv)"
FORM_TITLE = "Henvisning til børne- og ungdomspsykiatrien"
_NOTICE = (
    "Fiktivt skema fra medcomkit: regionen, personerne og numrene findes ikke. Skemaet sendes som "
    "bilag (XBIN01) til den elektroniske henvisning (XREF01)."
)


@dataclass(frozen=True, slots=True)
class Guardian:
    """A parent or other adult responsible for the child; ``custody`` is whether they hold
    parental responsibility (forældremyndighed)."""

    name: str
    relation: str  # as the form shows it: "Mor", "Far", "Plejemor" …
    custody: bool = True
    phone: str | None = None
    email: str | None = None
    address: Address | None = None


@dataclass(frozen=True, slots=True)
class Consent:
    """Consent to the referral: who gave it and when. From 15 years the young person consents
    too (``young_person`` is ``None`` for a younger child)."""

    given: bool
    given_by: tuple[str, ...] = ()
    on: date | None = None
    young_person: bool | None = None


@dataclass(frozen=True, slots=True)
class ReferralForm:
    """The fields of the form. Free texts are plain text (a newline starts a new line) or
    formatted-text markup, whose formatting the PDF leaves out."""

    child: Patient
    guardians: tuple[Guardian, ...]
    custody: str  # e.g. "Fælles forældremyndighed"
    consent: Consent
    referrer: Referrer
    referrer_organisation: Organisation
    reason: str
    tried_126a: str  # the course in the municipal § 126 a offer and its result
    school: str  # school and class
    school_situation: str
    medication: str
    tried_other: str | None = None  # PPR and other help
    diagnosis: str | None = None  # working diagnosis or "obs. pro"
    interpreter: str | None = None  # the language, when an interpreter is needed
    other_professionals: str | None = None  # caseworker, school psychologist (PPR) …
    attachments: tuple[str, ...] = ()
    signed: date | None = None
    region: str = REGION


def _cpr(patient: Patient) -> str:
    value = patient.identifier.value
    if patient.identifier.kind is PersonIdKind.CPR and len(value) == 10:
        return f"{value[:6]}-{value[6:]}"
    return f"{value} (erstatnings-CPR)"


def _address(address: Address | None) -> str | None:
    if address is None:
        return None
    town = " ".join(part for part in (address.postcode, address.city) if part)
    return ", ".join(part for part in (address.street, address.suburb, town) if part) or None


def _name(patient: Patient) -> str:
    return " ".join(part for part in (patient.given_name, patient.family_name) if part)


def _day(value: date | None) -> str:
    return f"{value:%d.%m.%Y}" if value is not None else "-"


def _box(checked: bool) -> str:
    return "[X]" if checked else "[  ]"


def _text(value: str | None) -> str:
    return plain_text(value) if value else "-"


def render_referral_form(form: ReferralForm) -> bytes:
    """The filled-in form as a PDF (deterministic: the same form gives the same bytes)."""
    document = PdfDocument(f"{FORM_TITLE} - {_name(form.child)}")
    document.heading(form.region, size=11)
    document.heading(FORM_TITLE)
    document.paragraph(_NOTICE, size=8.5)

    document.heading("1. Barnet / den unge", size=12.5)
    document.field("Navn", _name(form.child))
    document.field("CPR-nummer", _cpr(form.child))
    document.field("Adresse", _address(form.child.address) or "-")
    document.field("Skole og klassetrin", form.school)
    interpreter = f"Ja, {form.interpreter}" if form.interpreter else "Nej"
    document.field("Behov for tolk", interpreter)

    document.heading("2. Forældre og forældremyndighed", size=12.5)
    for guardian in form.guardians:
        contact = "; ".join(
            part
            for part in (
                f"tlf. {guardian.phone}" if guardian.phone else None,
                guardian.email,
                _address(guardian.address),
            )
            if part
        )
        custody = "har forældremyndighed" if guardian.custody else "har ikke forældremyndighed"
        document.field(
            guardian.relation, f"{guardian.name} ({custody})" + (f"\n{contact}" if contact else "")
        )
    document.field("Forældremyndighed", form.custody)

    document.heading("3. Samtykke", size=12.5)
    consent = form.consent
    document.paragraph(
        f"{_box(consent.given)} Forældremyndighedens indehaver(e) har givet samtykke til henvisningen"
    )
    if consent.young_person is not None:
        document.paragraph(
            f"{_box(consent.young_person)} Den unge (15 år eller ældre) har selv givet samtykke"
        )
    document.field("Givet af", ", ".join(consent.given_by) or "-")
    document.field("Dato", _day(consent.on))

    document.heading("4. Henviser", size=12.5)
    organisation = form.referrer_organisation
    document.field("Navn og titel", ", ".join(p for p in (form.referrer.name, form.referrer.title) if p))
    workplace = ", ".join(p for p in (organisation.name, organisation.department, organisation.unit) if p)
    document.field("Arbejdssted", workplace or "-")
    document.field("Adresse", _address(organisation.address) or "-")
    document.field("Telefon", organisation.phone or "-")
    document.field("SOR-kode / lokationsnummer", f"{organisation.sor or '-'} / {organisation.ean or '-'}")

    document.heading("5. Henvisningsårsag", size=12.5)
    document.field("Årsag, symptomer og varighed", _text(form.reason))
    document.field("Foreløbig diagnose / obs. pro", _text(form.diagnosis))

    document.heading("6. Hvad er forsøgt", size=12.5)
    document.field("Forløb i det lettilgængelige tilbud (sundhedslovens § 126 a)", _text(form.tried_126a))
    document.field("PPR og andre indsatser", _text(form.tried_other))

    document.heading("7. Skole og trivsel", size=12.5)
    document.field("Skolesituation, fravær og støtte", _text(form.school_situation))

    document.heading("8. Aktuel medicin", size=12.5)
    document.paragraph(_text(form.medication))

    document.heading("9. Andre fagpersoner", size=12.5)
    document.paragraph(_text(form.other_professionals))

    document.heading("10. Bilag", size=12.5)
    document.paragraph("\n".join(f"- {title}" for title in form.attachments) or "Ingen")

    document.heading("Dato og underskrift", size=12.5)
    document.paragraph(f"{_day(form.signed)}   {form.referrer.name}")
    return document.to_bytes()


def referral_form_attachment(
    form: ReferralForm, *, identifier: str | None = None, title: str | None = None
) -> Attachment:
    """The rendered form as an attachment for a referral (a PDF; its bytes go into the XBIN01).

    ``identifier`` is the attachment's UUID (a new one unless given); ``title`` defaults to the
    form's name and region, at most the 70 characters OIOXML allows.
    """
    data = render_referral_form(form)
    return Attachment(
        title=title or f"Henvisningsskema, {form.region}"[:70],
        identifier=identifier or str(uuid.uuid4()),
        file_type="pdf",
        object_code="vektor_grafik",
        size=len(data),
        data=data,
    )
