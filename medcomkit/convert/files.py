"""Converting message files: pairing an XDIS91 with its XBIN01, and naming what comes out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from .._errors import BuildError
from .._lang import Bilingual
from ..model import AttachmentMessage, CareMessage
from .changes import Conversion
from .pairing import pair_attachments
from .to_fhir import SorLookup, xdis91_to_carecommunication
from .to_oioxml import carecommunication_to_xdis91

__all__ = ["ConvertedFile", "convert_files"]


@dataclass(frozen=True, slots=True)
class ConvertedFile:
    name: str
    data: bytes


def convert_files(
    paths: Sequence[Path],
    *,
    to: Literal["fhir", "oioxml", "edifact"],
    fhir_format: Literal["json", "xml"] = "json",
    sor: SorLookup | None = None,
) -> tuple[list[ConvertedFile], list[Conversion[Any]]]:
    """Convert message files to the other generation. To FHIR, each XDIS91 is paired with the
    XBIN01 among ``paths`` that holds its attachments; to OIOXML, each CareCommunication gives an
    XDIS91 and, with attachments, an XBIN01. Returns the files to write and the conversions.

    An EDIFACT message to OIOXML, or an OIOXML message to EDIFACT, is written in the other syntax
    as it is (see :mod:`.twins`); a CareCommunication to EDIFACT goes via XDIS91 (+ XBIN01), and
    EDIFACT DIS91 (+ BIN01) to FHIR as XDIS91 does."""
    from ..fhir.carecommunication import build_carecommunication
    from ..oioxml.xbin01 import build_xbin01
    from ..oioxml.xdis91 import build_xdis91
    from ..parsing import parse_all

    messages = [(path, message) for path in paths for message in parse_all(path)]
    outputs: list[ConvertedFile] = []
    conversions: list[Conversion[Any]] = []
    if to != "fhir":
        from .twins import twin_file

        rest = []
        for path, message in messages:
            fhir = isinstance(message, CareMessage) and message.thread_id is not None
            if not fhir and _edifact(path) == (to == "oioxml"):
                outputs.append(ConvertedFile(*twin_file(message, to)))
            else:
                rest.append((path, message))  # a CareCommunication is converted below
        messages = rest
    if to == "fhir":
        binaries = [(p, m) for p, m in messages if isinstance(m, AttachmentMessage)]
        letters: list[CareMessage] = []
        for path, message in messages:
            if isinstance(message, AttachmentMessage):
                continue
            if not isinstance(message, CareMessage) or message.thread_id is not None:
                raise _unsupported(path, "XDIS91")
            letters.append(message)
        pairing = pair_attachments(letters, [b for _, b in binaries])
        if pairing.unclaimed:  # never dropped in silence: the service passes them on (convert.service)
            raise _unreferenced([binaries[i][0] for i in pairing.unclaimed])
        for message, index in zip(letters, pairing.binary_of, strict=True):
            binary = binaries[index][1] if index is not None else None
            conversion = xdis91_to_carecommunication(message, binary, sor=sor)
            data = build_carecommunication(conversion.result, format=fhir_format, check=False)
            outputs.append(ConvertedFile(f"{message.message_id}.carecommunication.{fhir_format}", data))
            conversions.append(conversion)
        return outputs, conversions
    for path, message in messages:
        if not isinstance(message, CareMessage) or message.thread_id is None:
            raise _unsupported(path, "CareCommunication")
        to_oioxml = carecommunication_to_xdis91(message)
        letter, attachments = to_oioxml.result
        if to == "edifact":
            from .twins import twin_file

            outputs.append(ConvertedFile(*twin_file(letter, "edifact")))
            if attachments is not None:
                outputs.append(ConvertedFile(*twin_file(attachments, "edifact")))
            conversions.append(to_oioxml)
            continue
        outputs.append(ConvertedFile(f"{letter.message_id}.xdis91.xml", build_xdis91(letter)))
        if attachments is not None:
            outputs.append(ConvertedFile(f"{attachments.message_id}.xbin01.xml", build_xbin01(attachments)))
        conversions.append(to_oioxml)
    return outputs, conversions


def _edifact(path: Path) -> bool:
    from ..sniff import is_edifact

    with path.open("rb") as handle:
        return is_edifact(handle.read(64))


def _unsupported(path: Path, wanted: str) -> BuildError:
    return BuildError(
        "convert.input",
        Bilingual(
            f"{path.name} kan ikke konverteres hertil: konverteringen tager {wanted} (og XBIN01) som input.",
            f"{path.name} cannot be converted this way: the conversion takes {wanted} (and XBIN01) as input.",
        ),
    )


def _unreferenced(paths: Sequence[Path]) -> BuildError:
    names = ", ".join(p.name for p in paths)
    return BuildError(
        "convert.xbin01-unreferenced",
        Bilingual(
            f"Ingen XDIS91 henviser til XBIN01 {names}; den konverteres ikke (giv dens XDIS91 med).",
            f"No XDIS91 refers to XBIN01 {names}; it is not converted (give its XDIS91 too).",
        ),
    )
