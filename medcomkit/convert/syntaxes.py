"""EDIFACT on either side of a conversion run.

MedCom's conversion service works on OIOXML and FHIR; VANS turns EDIFACT into OIOXML and back
without changing the content (see :mod:`.twins`). So a run that involves EDIFACT is the service's
run with that syntax step before or after it:

- ``--to fhir``: an EDIFACT DIS91 (+ BIN01) is read as its XDIS91 (+ XBIN01) twin, then converted as
  the service converts XDIS91;
- ``--to oioxml``: an EDIFACT message becomes its OIOXML twin; FHIR inputs go through the service;
- ``--to edifact``: an OIOXML message becomes its EDIFACT twin; a CareCommunication or an
  Acknowledgement goes through the service to OIOXML, and what that writes becomes EDIFACT.

An EDIFACT or OIOXML input with errors is refused with its report, as the service refuses an
invalid XDIS91; nothing of it is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal

from ..core.errors import MedcomkitError
from ..core.lang import Bilingual
from ..core.report import Report, Severity
from ..fhir.codec import FHIR_NS
from .outcome import ConvertedFile, Refusal, ServiceRun
from .service import convert_like_service
from .state import ConversionState
from .to_fhir import SorLookup

__all__ = ["convert_any_syntax"]

_FHIR_MARK = FHIR_NS.encode()


def convert_any_syntax(
    inputs: Sequence[tuple[str, bytes]],
    *,
    to: Literal["fhir", "oioxml", "edifact"],
    fhir_format: Literal["json", "xml"] = "json",
    sor: SorLookup | None = None,
    state: ConversionState | None = None,
    now: datetime | None = None,
) -> ServiceRun:
    """Convert ``inputs`` ((name, bytes) pairs) to ``to``, EDIFACT included. Never raises on bad
    input: each input is converted, passed on, or refused with a reason (as
    :func:`~.service.convert_like_service`)."""
    from ..dispatch import validate_bytes
    from ..edifact.codec import is_edifact

    run = ServiceRun()
    for_service: list[tuple[str, bytes]] = []
    for source, data in inputs:
        edifact = is_edifact(data)
        if to == "fhir" and edifact:
            twins = _twins(source, data, validate_bytes(data, path=source), "oioxml", run)
            for_service += [(source, twin.data) for twin in twins]
        elif (to == "oioxml" and edifact) or (to == "edifact" and not edifact and not _fhir(data)):
            run.outputs += _twins(source, data, validate_bytes(data, path=source), to, run)
        else:  # the service validates these itself
            for_service.append((source, data))
    if not for_service:
        return run
    served = convert_like_service(
        for_service,
        to="oioxml" if to == "edifact" else to,
        fhir_format=fhir_format,
        sor=sor,
        state=state,
        now=now,
    )
    run.conversions += served.conversions
    run.notices += served.notices
    run.refused += served.refused
    if to != "edifact":
        run.outputs += served.outputs
        return run
    for output in served.outputs:  # the service's OIOXML, written as EDIFACT
        run.outputs += _twins(output.name, output.data, validate_bytes(output.data), "edifact", run)
    return run


def _twins(
    source: str, data: bytes, report: Report, to: Literal["oioxml", "edifact"], run: ServiceRun
) -> list[ConvertedFile]:
    """``data``'s messages in the other syntax; ``[]`` (and a refusal in ``run``) when it has errors."""
    from ..dispatch import parse_all
    from .twins import twin_file

    errors = [issue for issue in report.issues if issue.severity is Severity.ERROR]
    if errors:
        run.refused.append(Refusal(source, _invalid(source, len(errors), errors[0].rule), report))
        return []
    try:
        return [ConvertedFile(*twin_file(message, to)) for message in parse_all(data)]
    except MedcomkitError as error:
        run.refused.append(Refusal(source, _cannot(source, error), report))
        return []


def _fhir(data: bytes) -> bool:
    """FHIR JSON, or FHIR XML (whose namespace comes with its root element, before any content)."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith((b"{", b"[")) or _FHIR_MARK in head


def _invalid(source: str, count: int, rule: str) -> Bilingual:
    return Bilingual(
        f"{source} er ugyldig ({count} fejl, bl.a. [{rule}]) og konverteres ikke.",
        f"{source} is invalid ({count} errors, e.g. [{rule}]) and is not converted.",
    )


def _cannot(source: str, error: MedcomkitError) -> Bilingual:
    return Bilingual(
        f"{source} kan ikke skrives i den anden syntaks ({error.code}): {error.text.da}",
        f"{source} cannot be written in the other syntax ({error.code}): {error.text.en}",
    )
