"""The CSV exports: the legacy ``sor.csv``, the SOR2 ``SorEntity`` CSV and medcomkit's own, as a raw table."""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd

from ..core.errors import ParseError
from ..core.lang import Bilingual
from .codes import CSV_FIELDS, EMPTY, MISSING_COLUMN
from .normalise import LEVEL_NAMES, RAW_COLUMNS, flag, raw_table

__all__ = ["HEADERS", "decode", "header_fields", "header_line", "parse_csv"]

HEADERS: dict[str, tuple[str, ...]] = {
    "sor-csv": ("SOR-kode", "Parent-SOR-kode", "Enhedsnavn"),
    "sor2-csv": ("SorId", "SorType", "EntityName"),
    "medcomkit": ("sor", "parent_sor", "name"),
}


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # the legacy exports are Windows Danish


def header_line(text: str) -> tuple[int, str]:
    """(number of lines before the header, the header line); comment lines start with ``#``."""
    skipped = 0
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            return skipped, line
        skipped += 1
    return skipped, ""


def _separator(header: str) -> str:
    return max(";,\t", key=header.count)


def header_fields(text: str) -> list[str]:
    _, header = header_line(text)
    return [f.strip().strip('"') for f in header.split(_separator(header))]


def parse_csv(text: str, fmt: str, name: str) -> tuple[pd.DataFrame, bool]:
    skipped, header = header_line(text)
    if not header:
        raise ParseError(EMPTY, Bilingual(f"{name} er tom.", f"{name} is empty."), line=1)
    sep = _separator(header)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skiprows=skipped,
            skip_blank_lines=True,
            engine="c",
        )
    except pd.errors.ParserError as error:
        match = re.search(r"line (\d+)", str(error))
        line = int(match[1]) + skipped if match else None
        fields = re.search(r"Expected (\d+) fields .* saw (\d+)", str(error))
        detail = (
            Bilingual(
                f"forventede {fields[1]} felter, fandt {fields[2]}",
                f"expected {fields[1]} fields, found {fields[2]}",
            )
            if fields
            else Bilingual(str(error), str(error))
        )
        raise ParseError(
            CSV_FIELDS,
            Bilingual(
                f"{name}, linje {line}: rækken kan ikke læses: {detail.da}.",
                f"{name}, line {line}: the row cannot be read: {detail.en}.",
            ),
            line=line,
        ) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in HEADERS[fmt] if c not in frame.columns]
    if missing:
        raise ParseError(
            MISSING_COLUMN,
            Bilingual(
                f"{name}, linje {skipped + 1}: kolonnen {', '.join(missing)} mangler i overskriften.",
                f"{name}, line {skipped + 1}: the header lacks the column {', '.join(missing)}.",
            ),
            line=skipped + 1,
        )
    lines = pd.Series(np.arange(len(frame)) + skipped + 2, index=frame.index)
    if fmt == "sor-csv":
        return _from_legacy(frame, lines), False
    if fmt == "sor2-csv":
        return _from_sor2(frame, lines), False
    has_types = "message_types" in frame.columns
    return _from_medcomkit(frame, lines), has_types


def _coalesce(frame: pd.DataFrame, *names: str) -> pd.Series:
    """Per row, the first non-empty value among the columns ``names`` that the frame has."""
    result = pd.Series("", index=frame.index, dtype=object)
    for name in names:
        if name in frame.columns:
            column = frame[name].astype(object)
            result = result.where(result != "", column.str.strip())
    return result


def _street(frame: pd.DataFrame, prefix: str) -> pd.Series:
    street = _coalesce(frame, f"{prefix}StreetName")
    number = _coalesce(frame, f"{prefix}StreetBuildingId", f"{prefix}StreetBuildingIdentifier")
    return (street + " " + number).str.strip()


def _from_legacy(frame: pd.DataFrame, lines: pd.Series) -> pd.DataFrame:
    street = _coalesce(frame, "P_Adresse", "P_Vejnavn", "A_Adresse", "A_Vejnavn")
    number = _coalesce(frame, "P_Husnummer", "A_Husnummer")
    return raw_table(
        frame,
        lines,
        sor=_coalesce(frame, "SOR-kode"),
        parent_sor=_coalesce(frame, "Parent-SOR-kode"),
        name=_coalesce(frame, "Enhedsnavn"),
        type=_coalesce(frame, "Enhedstype"),
        speciality=_coalesce(frame, "Hovedspeciale"),
        ean=_coalesce(frame, "Lokationsnummer", "EAN-lokationsnummer", "EAN"),
        inherit=flag(_coalesce(frame, "Nedarvningsstatus")),
        street=(street + " " + number).str.strip(),
        postcode=_coalesce(frame, "P_Postnummer", "A_Postnummer"),
        city=_coalesce(frame, "P_By", "A_By"),
        municipality_code=_coalesce(frame, "P_KK", "A_KK"),
        region=_coalesce(frame, "P_Region", "A_Region"),
        phone=_coalesce(frame, "Telefon", "Telefonnummer"),
        email=_coalesce(frame, "Email", "E-mail"),
        system=_coalesce(frame, "Edb-system", "EDB-system", "Systemtype"),
    )


def _from_sor2(frame: pd.DataFrame, lines: pd.Series) -> pd.DataFrame:
    sor = _coalesce(frame, "SorId")
    level = _coalesce(frame, "SorType").str.upper().map(lambda v: LEVEL_NAMES.get(v, v))
    # The daily file names each unit's health institution; a parent column, where present, is more
    # precise (nested organisational units).
    parent = _coalesce(frame, "ParentSorId")
    health_institution = _coalesce(frame, "HealthInstitutionSorId")
    owner = _coalesce(frame, "InstitutionOwnerSorId")
    parent = parent.where(
        parent != "", health_institution.where((level == "OE") & (health_institution != sor), "")
    )
    parent = parent.where(parent != "", owner.where(level == "SI", ""))
    prefixes = ("PostalAddress", "VisitingAddress", "ActivityAddress")
    street = pd.Series("", index=frame.index, dtype=object)
    for prefix in prefixes:
        street = street.where(street != "", _street(frame, prefix))
    return raw_table(
        frame,
        lines,
        sor=sor,
        parent_sor=parent,
        level=level,
        name=_coalesce(frame, "EntityName"),
        type=_coalesce(frame, "EntityTypeName"),
        ean=_coalesce(frame, "EanLocationCode"),
        inherit=flag(_coalesce(frame, "EanLocationCodeInheritedIndicator", "EntityInheritedIndicator")),
        street=street,
        postcode=_coalesce(frame, *(f"{p}PostCodeId" for p in prefixes)),
        city=_coalesce(frame, *(f"{p}DistrictName" for p in prefixes)),
        municipality_code=_coalesce(frame, *(f"{p}MunicipalityCode" for p in prefixes)),
        region=_coalesce(frame, "EanLocationCodeRegionName"),
        phone=_coalesce(frame, "VirtualAddressTelephoneNumber"),
        email=_coalesce(frame, "VirtualAddressEmailAddress"),
        speciality=_coalesce(frame, "PrioritizedEntitySpeciality1Name"),
    )


def _from_medcomkit(frame: pd.DataFrame, lines: pd.Series) -> pd.DataFrame:
    columns: dict[str, pd.Series | str] = {n: _coalesce(frame, n) for n in RAW_COLUMNS if n != "inherit"}
    columns["inherit"] = flag(_coalesce(frame, "ean_inherited"))
    return raw_table(frame, lines, **columns)
