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
from typing import Literal, NamedTuple

from ..core.errors import MedcomkitError
from ..core.lang import Bilingual
from ..core.report import Report, Severity
from ..core.workers import Workers
from ..edifact.codec import is_edifact
from ..fhir.codec import FHIR_NS
from .context import Context
from .outcome import ConvertedFile, Refusal, ServiceInput, ServiceRun
from .service import read_for_service, serve
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
    jobs: int | None = 1,
) -> ServiceRun:
    """Convert ``inputs`` ((name, bytes) pairs) to ``to``, EDIFACT included. Never raises on bad
    input: each input is converted, passed on, or refused with a reason (as
    :func:`~.service.convert_like_service`).

    ``jobs`` processes share the work (``None``: every core): each input is read, validated and
    parsed once in a worker, XDIS91s are paired with their XBIN01s over all inputs, and each pair
    is converted in a worker; ``state`` is read and written by this process only, in input order.
    The result is the same for any ``jobs``."""
    context = Context(to, fhir_format, sor, now or datetime.now().astimezone())
    with Workers(context, jobs=jobs, inputs=len(inputs)) as workers:
        return _assemble(workers.map(read_any_syntax, inputs), context, state, workers)


class _Read(NamedTuple):
    """One input after its syntax step: files already made, refusals, and what the service reads."""

    outputs: list[ConvertedFile]
    refused: list[Refusal]
    service: list[list[ServiceInput] | Refusal]


def read_any_syntax(context: Context, source_data: tuple[str, bytes]) -> _Read:
    """One input validated and read, turned into the other syntax where that is all there is to
    do: a step on its own (see :mod:`medcomkit.core.workers`)."""
    from ..dispatch import validate_bytes

    source, data = source_data
    to = context.to
    edifact = is_edifact(data)
    run = ServiceRun()
    if to == "fhir" and edifact:
        twins = _twins(source, data, validate_bytes(data, path=source), "oioxml", run)
        read = [read_for_service(context, (source, twin.data)) for twin in twins]
        return _Read([], run.refused, read)
    if (to == "oioxml" and edifact) or (to == "edifact" and not edifact and not _fhir(data)):
        outputs = _twins(source, data, validate_bytes(data, path=source), to, run)
        return _Read(outputs, run.refused, [])
    return _Read([], [], [read_for_service(context, source_data)])  # the service validates these


def _assemble(
    reads: list[_Read], context: Context, state: ConversionState | None, workers: Workers[Context]
) -> ServiceRun:
    run = ServiceRun()
    for_service: list[list[ServiceInput] | Refusal] = []
    for read in reads:
        run.outputs += read.outputs
        run.refused += read.refused
        for_service += read.service
    if not for_service:
        return run
    served = serve(for_service, context, state, workers)
    run.conversions += served.conversions
    run.notices += served.notices
    run.refused += served.refused
    if context.to != "edifact":
        run.outputs += served.outputs
        return run
    for outputs, refused in workers.map(to_edifact, served.outputs):  # the service's OIOXML as EDIFACT
        run.outputs += outputs
        run.refused += refused
    return run


def to_edifact(context: Context, output: ConvertedFile) -> tuple[list[ConvertedFile], list[Refusal]]:
    """An OIOXML file the service made, written as EDIFACT: a step on its own."""
    from ..dispatch import validate_bytes

    run = ServiceRun()
    outputs = _twins(output.name, output.data, validate_bytes(output.data), "edifact", run)
    return outputs, run.refused


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
