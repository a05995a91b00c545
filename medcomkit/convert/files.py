"""Converting message files: pairing an XDIS91 with its XBIN01, and naming and writing what comes out.

A value from a message names an output file only through :func:`~.outcome.output_name` (the one
sanitising helper, :func:`medcomkit.core.files.safe_name`), and :func:`write_converted` writes a run's
files inside the chosen folder, atomically and as a unit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal, TypeVar

from ..core.errors import BuildError, MedcomkitError, unexpected
from ..core.files import FileBatch
from ..core.lang import Bilingual
from ..core.xml import MAX_DOCUMENT_BYTES
from ..model.messages import AttachmentMessage, CareMessage
from .changes import Conversion
from .codes import INPUT, XBIN01_UNREFERENCED
from .outcome import ConvertedFile, output_name
from .pairing import pair_attachments
from .to_fhir import SorLookup, xdis91_to_carecommunication
from .to_oioxml import carecommunication_to_xdis91

__all__ = ["ConvertedFile", "convert_files", "output_name", "write_converted"]

_T = TypeVar("_T")


def convert_files(
    paths: Sequence[Path],
    *,
    to: Literal["fhir", "oioxml"],
    fhir_format: Literal["json", "xml"] = "json",
    sor: SorLookup | None = None,
    max_bytes: int = MAX_DOCUMENT_BYTES,
    on_error: Callable[[Path, MedcomkitError], None] | None = None,
) -> tuple[list[ConvertedFile], list[Conversion[Any]]]:
    """Convert message files to the other generation, without the service's validation and
    receipts (see :func:`~.service.convert_like_service` for those). To FHIR, each XDIS91 is paired
    with the XBIN01 among ``paths`` that holds its attachments; to OIOXML, each CareCommunication
    gives an XDIS91 and, with attachments, an XBIN01. Returns the files to write and the conversions.

    Without ``on_error`` the first input that cannot be converted raises its error; with it, each
    failure is handed to ``on_error`` and the other inputs are still converted (a batch)."""
    from ..dispatch import parse_all
    from ..fhir.carecommunication import build_carecommunication
    from ..oioxml.xbin01 import build_xbin01
    from ..oioxml.xdis91 import build_xdis91

    def attempt(path: Path, work: Callable[[], _T]) -> _T | None:
        if on_error is None:
            return work()
        try:
            return work()
        except Exception as error:  # a batch goes on: every failure is reported, none stops the rest
            on_error(path, unexpected(error, str(path)))
            return None

    messages = [
        (path, message)
        for path in paths
        for message in attempt(path, lambda: parse_all(path, max_bytes=max_bytes)) or []  # noqa: B023
    ]
    outputs: list[ConvertedFile] = []
    conversions: list[Conversion[Any]] = []
    if to == "fhir":
        binaries = [(p, m) for p, m in messages if isinstance(m, AttachmentMessage)]
        letters: list[tuple[Path, CareMessage]] = []
        for path, message in messages:
            if isinstance(message, AttachmentMessage):
                continue
            if not isinstance(message, CareMessage) or message.thread_id is not None:
                attempt(path, lambda: _raise(_unsupported(path, "XDIS91")))  # noqa: B023 - called at once
                continue
            letters.append((path, message))
        pairing = pair_attachments([m for _, m in letters], [b for _, b in binaries])
        for index in pairing.unclaimed:  # never dropped in silence
            path = binaries[index][0]
            attempt(path, lambda: _raise(_unreferenced([path])))  # noqa: B023 - called at once

        def to_fhir(letter: CareMessage, binary: AttachmentMessage | None) -> tuple[ConvertedFile, Any]:
            conversion = xdis91_to_carecommunication(letter, binary, sor=sor)
            data = build_carecommunication(conversion.result, format=fhir_format, check=False)
            return ConvertedFile(
                output_name(letter.message_id, f".carecommunication.{fhir_format}"), data
            ), conversion

        for (path, letter), chosen in zip(letters, pairing.binary_of, strict=True):
            binary = binaries[chosen][1] if chosen is not None else None
            done = attempt(path, lambda: to_fhir(letter, binary))  # noqa: B023 - called at once
            if done is not None:
                outputs.append(done[0])
                conversions.append(done[1])
        return outputs, conversions

    def to_oioxml(path: Path, message: object) -> tuple[list[ConvertedFile], Conversion[Any]]:
        if not isinstance(message, CareMessage) or message.thread_id is None:
            raise _unsupported(path, "CareCommunication")
        conversion = carecommunication_to_xdis91(message)
        letter, attachments = conversion.result
        files = [ConvertedFile(output_name(letter.message_id, ".xdis91.xml"), build_xdis91(letter))]
        if attachments is not None:
            name = output_name(attachments.message_id, ".xbin01.xml")
            files.append(ConvertedFile(name, build_xbin01(attachments)))
        return files, conversion

    for path, message in messages:
        converted = attempt(path, lambda: to_oioxml(path, message))  # noqa: B023 - called at once
        if converted is not None:
            outputs.extend(converted[0])
            conversions.append(converted[1])
    return outputs, conversions


def write_converted(outputs: Sequence[ConvertedFile], folder: Path) -> list[Path]:
    """Write converted files into ``folder``, atomically and as a unit: if one cannot be written,
    none of this run's new files is left. Files of an earlier run with the same name are replaced;
    two outputs of this run with the same name get ``-2``, ``-3`` … rather than overwrite each other."""
    taken: set[str] = set()
    with FileBatch(folder, overwrite=True) as batch:
        for output in outputs:
            name, number = output.name, 1
            while name.lower() in taken:
                number += 1
                stem, dot, rest = output.name.partition(".")
                name = f"{stem}-{number}{dot}{rest}"
            taken.add(name.lower())
            batch.write(name, output.data)
    return batch.written_or_replaced


def _raise(error: MedcomkitError) -> None:
    raise error


def _unsupported(path: Path, wanted: str) -> BuildError:
    return BuildError(
        INPUT,
        Bilingual(
            f"{path.name} kan ikke konverteres hertil: konverteringen tager {wanted} (og XBIN01) som input.",
            f"{path.name} cannot be converted this way: the conversion takes {wanted} (and XBIN01) as input.",
        ),
    )


def _unreferenced(paths: Sequence[Path]) -> BuildError:
    names = ", ".join(p.name for p in paths)
    return BuildError(
        XBIN01_UNREFERENCED,
        Bilingual(
            f"Ingen XDIS91 henviser til XBIN01 {names}; den konverteres ikke (giv dens XDIS91 med).",
            f"No XDIS91 refers to XBIN01 {names}; it is not converted (give its XDIS91 too).",
        ),
    )
