from __future__ import annotations

import io

import pypdf

from medcomkit.demo import demo_plan_pdf
from medcomkit.pdf import PdfDocument


def test_pdf_text_is_extractable_with_danish_letters() -> None:
    reader = pypdf.PdfReader(io.BytesIO(demo_plan_pdf()))
    text = reader.pages[0].extract_text()
    assert "Forløbsplan — lettilgængeligt tilbud (§ 126 a)" in text
    assert "Ida Testesen (fiktiv)" in text
    assert reader.metadata is not None
    assert reader.metadata.title == "Forløbsplan (fiktiv demo)"


def test_long_documents_flow_onto_more_pages_and_output_is_deterministic() -> None:
    document = PdfDocument("Lang")
    for number in range(120):
        document.paragraph(f"Afsnit {number}: " + "tekst " * 30)
    data = document.to_bytes()
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) > 3
    assert "Afsnit 119" in reader.pages[-1].extract_text()
    assert data == document.to_bytes()
