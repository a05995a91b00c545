"""The regional referral form for child and adolescent psychiatry, rendered as PDF and attached to
the demo referral."""

from __future__ import annotations

import io
import uuid
from dataclasses import replace

import pypdf

import medcomkit
from medcomkit import AttachmentMessage
from medcomkit.demo import REFERRAL_REASON, demo_referral, demo_referral_form
from medcomkit.model.messages import PersonId, PersonIdKind
from medcomkit.oioxml.xref01 import build_xref01, referral_attachments
from medcomkit.referral_form import (
    FORM_TITLE,
    REGION,
    Consent,
    ReferralForm,
    referral_form_attachment,
    render_referral_form,
)


def _text(pdf: bytes) -> str:
    """All pages' text with whitespace normalised (the PDF wraps long lines)."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def _words(text: str) -> str:
    return " ".join(text.split())


def test_demo_form_opens_and_names_the_child_and_the_reason() -> None:
    form = demo_referral_form()
    pdf = render_referral_form(form)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert reader.metadata is not None
    assert reader.metadata.title == f"{FORM_TITLE} - Ida (fiktiv) Testesen"
    text = _text(pdf)
    assert REGION in text
    assert "(fiktiv)" in REGION
    assert FORM_TITLE in text
    assert "Ida (fiktiv) Testesen" in text
    assert "120313-4996" in text
    assert _words(REFERRAL_REASON) in text
    assert "sundhedslovens § 126 a" in text
    assert "Mette Testesen (fiktiv) (har forældremyndighed)" in text
    assert "[X] Forældremyndighedens indehaver(e) har givet samtykke" in text
    assert "15 år" not in text  # the young person's own consent is asked only from 15 years


def test_rendering_is_deterministic_and_follows_the_fields() -> None:
    form = demo_referral_form()
    assert render_referral_form(form) == render_referral_form(form)
    refused = replace(
        form,
        consent=Consent(given=False, young_person=True),
        interpreter="arabisk",
        reason="{Bold}Akut forværring{/Bold}\nSe bilag.",
    )
    text = _text(render_referral_form(refused))
    assert "[ ] Forældremyndighedens indehaver(e)" in text  # spaces normalised
    assert "[X] Den unge (15 år eller ældre) har selv givet samtykke" in text
    assert "Ja, arabisk" in text
    assert "Akut forværring Se bilag." in text
    assert "{Bold}" not in text  # formatting markup is left out, its text kept


def test_replacement_cpr_is_marked_as_such() -> None:
    form = demo_referral_form()
    child = replace(form.child, identifier=PersonId(PersonIdKind.REPLACEMENT, "1203131AB4"))
    assert "1203131AB4 (erstatnings-CPR)" in _text(render_referral_form(replace(form, child=child)))


def test_long_answers_flow_onto_more_pages() -> None:
    form: ReferralForm = replace(demo_referral_form(), school_situation="Fravær og bekymringer. " * 400)
    pdf = render_referral_form(form)
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) >= 3
    assert "Dato og underskrift" in _text(pdf)


def test_form_becomes_a_pdf_attachment() -> None:
    form = demo_referral_form()
    attachment = referral_form_attachment(form)
    assert attachment.data is not None
    assert attachment.data.startswith(b"%PDF-1.4")
    assert attachment.data == render_referral_form(form)
    assert (attachment.file_type, attachment.object_code) == ("pdf", "vektor_grafik")
    assert attachment.size == len(attachment.data)
    assert attachment.title == "Henvisningsskema, Region Demo (fiktiv)"
    assert attachment.identifier is not None
    assert str(uuid.UUID(attachment.identifier)) == attachment.identifier
    fixed = referral_form_attachment(form, identifier="7c2e9b14-5d3a-4f8e-a6b1-0e9d4c3f2a58", title="Skema")
    assert (fixed.identifier, fixed.title) == ("7c2e9b14-5d3a-4f8e-a6b1-0e9d4c3f2a58", "Skema")


def test_the_demo_xbin01_carries_the_form_the_xref01_refers_to() -> None:
    referral = demo_referral()
    binary = referral_attachments(referral)
    assert binary is not None
    carried = medcomkit.parse(medcomkit.build_xbin01(binary))
    assert isinstance(carried, AttachmentMessage)
    form = render_referral_form(demo_referral_form())
    (attachment,) = [a for a in carried.attachments if a.data == form]
    assert attachment.identifier == referral.attachments[0].identifier
    identifier = (attachment.identifier or "").replace("-", "")
    assert f"<ObjectIdentifier>{identifier}</ObjectIdentifier>".encode() in build_xref01(referral)
    assert "Ida (fiktiv) Testesen" in _text(form)
