"""Schema errors are placed at the element libxml2 names, found without compiling XPath."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

import medcomkit
from medcomkit.demo import write_demo_km
from medcomkit.oioxml._xml import element_path, line_of
from medcomkit.oioxml.schema import _element_at

NS = "http://rep.oio.dk/sundcom.dk/medcom.dk/xml/schemas/2006/07/01/"

DOCUMENTS = {
    "default namespace, comments and a PI between siblings": (
        f'<Emessage xmlns="{NS}"><!-- c --><Envelope><A/><?pi x?><B/><B/></Envelope>'
        "<Letter><A/><!-- c --><A/><C><D/><D/></C></Letter></Emessage>"
    ),
    "prefixed elements": (
        f'<m:Emessage xmlns:m="{NS}"><m:Envelope><m:A/><m:B/><m:B/></m:Envelope>'
        "<m:Letter><m:A/><m:A/></m:Letter></m:Emessage>"
    ),
    "no namespace and mixed namespaces": (
        f'<Emessage><Envelope><A/><A/></Envelope><Letter xmlns="{NS}"><A/><br xmlns=""/>'
        "<br xmlns=''/></Letter></Emessage>"
    ),
}


@pytest.mark.parametrize("text", DOCUMENTS.values(), ids=DOCUMENTS.keys())
def test_every_element_is_found_by_the_path_libxml2_writes(text: str) -> None:
    root = etree.fromstring(text)
    tree = root.getroottree()
    elements = list(root.iter(etree.Element))
    assert len(elements) > 5
    for element in elements:
        path = tree.getpath(element)
        assert _element_at(root, path) is element, path


def test_a_path_past_the_document_finds_nothing() -> None:
    root = etree.fromstring(DOCUMENTS["default namespace, comments and a PI between siblings"])
    assert _element_at(root, "/*/*[2]/*[9]") is None
    assert _element_at(root, "/*/*[7]/*") is None
    assert _element_at(root, "/not(a path") is None


def test_schema_issue_names_the_offending_element(tmp_path: Path) -> None:
    xdis91 = next(p for p in write_demo_km(tmp_path) if p.name == "km-xdis91.xml")
    data = xdis91.read_bytes().replace(b"<Break/>", b"<br/>", 1)
    assert b"<br/>" in data
    report = medcomkit.validate(data)
    html = [issue for issue in report.issues if issue.rule == "oioxml.formatted-text-html"]
    assert len(html) == 1
    root = etree.fromstring(data)
    (br,) = root.iter(f"{{{NS}}}br")
    assert html[0].location == element_path(br)
    assert html[0].location.startswith("/Emessage/ClinicalEmail/")
    assert html[0].line == line_of(br)
