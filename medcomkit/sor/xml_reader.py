"""The SOR XML export v2, streamed: one row per entity, its fields from the wrapper or the entity itself."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from lxml import etree

from ..core.errors import ParseError
from ..core.lang import Bilingual
from ..core.xml import check_prolog
from .codes import UNKNOWN_FORMAT, XML_MALFORMED
from .normalise import flag, raw_table

__all__ = ["parse_xml"]

_KNOWN_TYPE_CODES = {
    # SNOMED CT codes SOR uses for institution types (from NSP's SOR importer)
    "394761003": "Lægepraksis",
    "550671000005100": "Speciallægepraksis",
    "22232009": "Sygehus",
    "264372000": "Apotek",
}

_ENTITIES = {
    "InstitutionOwnerEntity": "IE",
    "HealthInstitutionEntity": "SI",
    "OrganizationalUnitEntity": "OE",
}
_WRAPPERS = frozenset({"InstitutionOwner", "HealthInstitution", "OrganizationalUnit"})
_ADDRESSES = ("PostalAddressInformation", "VisitingAddressInformation", "ActivityAddressInformation")


def _local(tag: object) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _leaves(element: etree._Element) -> dict[str, str]:
    """Local name → text of every element below ``element`` that has text (first occurrence wins)."""
    found: dict[str, str] = {}
    for node in element.iter():
        if node is element:
            continue
        text = node.text
        if text is not None and text.strip():
            found.setdefault(_local(node.tag), text.strip())
    return found


def _read_fields(container: etree._Element, row: dict[str, Any]) -> None:
    """Fill ``row`` from the field elements directly inside ``container`` (a wrapper or an entity)."""
    addresses: dict[str, dict[str, str]] = {}
    for child in container:
        local = _local(child.tag)
        if local in _ENTITIES or not local:
            continue
        if local in _ADDRESSES:
            addresses[local] = _leaves(child)
        elif local == "VirtualAddressInformation":
            virtual = _leaves(child)
            row["phone"] = virtual.get("TelephoneNumberIdentifier", "")
            row["email"] = virtual.get("EmailAddressIdentifier", "")
        elif local in ("OptionalEanLocationCode", "EanLocationCodeEntity"):
            ean = _leaves(child)
            row["ean"] = ean.get("EanLocationCode", "")
            row["inherit"] = ean.get("EntityInheritedIndicator", "")
            row["system"] = ean.get("SystemType", ean.get("SystemSupplier", ""))
        elif local == "EntityInheritedIndicator":
            row["inherit"] = (child.text or "").strip()
        elif local == "SorIdentifier":
            row["sor"] = (child.text or "").strip()
        elif local == "EntityName":
            row["name"] = (child.text or "").strip()
        elif local in ("UnitType", "InstitutionType", "OwnerType"):
            code = (child.text or "").strip()
            row["type"] = _KNOWN_TYPE_CODES.get(code, code)
        elif local == "ClinicalSpecialityCollection":
            row["speciality"] = _leaves(child).get("SpecialityCode", "")
    for kind in _ADDRESSES:  # the postal address is the unit's address; the others stand in for it
        if kind in addresses:
            parts = addresses[kind]
            row["street"] = " ".join(
                p for p in (parts.get("StreetName", ""), parts.get("StreetBuildingIdentifier", "")) if p
            )
            row["postcode"] = parts.get("PostCodeIdentifier", "")
            row["city"] = parts.get("DistrictName", "")
            row["municipality_code"] = parts.get("MunicipalityCode", "")
            break


def parse_xml(source: str | bytes | None, name: str) -> pd.DataFrame:
    assert source is not None
    try:  # a DOCTYPE is refused before libxml2 could open what it names
        check_prolog(source if isinstance(source, bytes) else Path(source))
    except ParseError as error:
        raise ParseError(
            error.code, Bilingual(f"{name}: {error.text.da}", f"{name}: {error.text.en}"), line=1
        ) from None
    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    tags = [f"{{*}}{t}" for t in (*_ENTITIES, *_WRAPPERS)]
    rows: list[dict[str, Any]] = []
    stack: list[int] = []
    events = etree.iterparse(
        stream,
        events=("start", "end"),
        tag=tags,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=True,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        for event, element in events:
            local = _local(element.tag)
            if event == "start":
                if local in _ENTITIES:
                    rows.append(
                        {
                            "level": _ENTITIES[local],
                            "parent": stack[-1] if stack else -1,
                            "line": element.sourceline,
                        }
                    )
                    stack.append(len(rows) - 1)
                continue
            if local in _WRAPPERS:
                if stack:
                    _read_fields(element, rows[stack[-1]])
                element.clear(keep_tail=True)
                continue
            row = rows[stack.pop()]
            if "sor" not in row:  # the older layout: fields directly inside the entity
                _read_fields(element, row)
            element.clear(keep_tail=True)
            # Processed sibling entities are no longer needed; the wrapper before them is already read.
            parent = element.getparent()
            previous = element.getprevious()
            while parent is not None and previous is not None and _local(previous.tag) in _ENTITIES:
                parent.remove(previous)
                previous = element.getprevious()
    except etree.XMLSyntaxError as error:
        line = error.lineno if error.lineno and error.lineno > 0 else None
        raise ParseError(
            XML_MALFORMED,
            Bilingual(
                f"{name}, linje {line}: XML'en er ikke velformet: {error.msg}.",
                f"{name}, line {line}: the XML is not well-formed: {error.msg}.",
            ),
            line=line,
        ) from None
    if not rows:
        raise ParseError(
            UNKNOWN_FORMAT,
            Bilingual(
                f"{name} er XML, men ikke et SOR-udtræk: der er ingen InstitutionOwnerEntity.",
                f"{name} is XML but not a SOR export: it has no InstitutionOwnerEntity.",
            ),
            line=1,
        )
    frame = pd.DataFrame.from_records(rows)
    sors = frame["sor"].fillna("") if "sor" in frame.columns else pd.Series("", index=frame.index)
    parent_rows = frame["parent"].to_numpy()
    parents = np.where(parent_rows >= 0, sors.to_numpy()[np.maximum(parent_rows, 0)], "")
    columns: dict[str, pd.Series | str] = {
        c: frame[c].fillna("").astype(object) if c in frame.columns else ""
        for c in (
            "sor",
            "level",
            "name",
            "type",
            "ean",
            "street",
            "postcode",
            "city",
            "municipality_code",
            "phone",
            "email",
            "speciality",
            "system",
        )
    }
    columns["parent_sor"] = pd.Series(parents, index=frame.index, dtype=object)
    columns["inherit"] = flag(frame["inherit"].fillna("")) if "inherit" in frame.columns else ""
    return raw_table(frame, frame["line"].fillna(0).astype(int), **columns)
