"""What converting files gives: the files to write, what the user must be told, and the inputs
refused with their reports and the negative receipts the conversion service would send."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..core.errors import MedcomkitError
from ..core.files import safe_name
from ..core.lang import Bilingual
from ..core.report import Issue, Report, Severity
from ..model.messages import AttachmentMessage, CareMessage, ReceiptKind, RefuseReason
from .changes import Conversion

__all__ = ["ConvertedFile", "Notice", "Refusal", "ServiceInput", "ServiceRun", "output_name"]


def output_name(message_id: str | None, suffix: str) -> str:
    """The file name of an output named after ``message_id`` (a value from a message: it names the
    file only through the one sanitising helper), ending in ``suffix`` (ours, e.g. ``.xdis91.xml``)."""
    return safe_name(message_id or "", fallback="meddelelse", suffix=suffix)


@dataclass(frozen=True, slots=True)
class ConvertedFile:
    """A file to write: a converted message, a converted receipt or an XBIN01 passed on."""

    name: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Notice:
    """Something the user must be told about an input that was not simply converted."""

    source: str
    text: Bilingual


@dataclass(frozen=True, slots=True)
class Refusal:
    """An input that was refused: why, its validation report, and the negative receipt (if one
    can be made) the service would send back."""

    source: str
    reason: Bilingual
    report: Report | None = None
    receipt: ConvertedFile | None = None


@dataclass(slots=True)
class ServiceRun:
    """What one run of the conversion gave."""

    outputs: list[ConvertedFile] = field(default_factory=list)
    conversions: list[Conversion[Any]] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ServiceInput:
    """One message read from one input, with the input's validation report."""

    source: str
    data: bytes
    report: Report
    message: object


def errors_of(report: Report, allowed: frozenset[str] = frozenset()) -> list[Issue]:
    return [i for i in report.issues if i.severity is Severity.ERROR and i.rule not in allowed]


def invalid(item: ServiceInput, errors: list[Issue]) -> Bilingual:
    first = errors[0]
    return Bilingual(
        f"{item.source} er ugyldig ({len(errors)} fejl, bl.a. [{first.rule}] {first.message('da')}) og "
        "konverteres ikke; konverteringsservicen afviser den.",
        f"{item.source} is invalid ({len(errors)} errors, e.g. [{first.rule}] {first.message('en')}) and "
        "is not converted; the conversion service refuses it.",
    )


def cannot(item: ServiceInput, error: MedcomkitError) -> Bilingual:
    return Bilingual(
        f"{item.source} kan ikke konverteres ({error.code}): {error.text.da}",
        f"{item.source} cannot be converted ({error.code}): {error.text.en}",
    )


def refuse_oioxml(item: ServiceInput, reason: Bilingual) -> Refusal:
    """Refuse an OIOXML letter with the XCTL01 (negative VANS receipt) the service sends back."""
    from ..model.receipts import receipt_for
    from ..oioxml.xctl import build_xctl

    message = item.message
    receipt = None
    if isinstance(message, CareMessage | AttachmentMessage):
        try:
            xctl = receipt_for(
                message,
                kind=ReceiptKind.VANS_NEGATIVE,
                reason=RefuseReason.SYNTAX_ERROR,
                text=reason.en[:1000],
            )
            receipt = ConvertedFile(
                output_name(xctl.message_id, ".xctl01.xml"), build_xctl(xctl, check=False)
            )
        except MedcomkitError:
            receipt = None  # too broken to answer (e.g. no sender): the report says why
    return Refusal(item.source, reason, item.report, receipt)


def refuse_fhir(item: ServiceInput, reason: Bilingual) -> Refusal:
    """Refuse a CareCommunication with the fatal-error Acknowledgement the service sends back."""
    from ..fhir.acknowledgement import acknowledge

    receipt = None
    try:
        ack, data = acknowledge(item.data)
        if ack.kind is not ReceiptKind.POSITIVE:
            receipt = ConvertedFile(
                output_name(ack.message_id, f".acknowledgement.{_fhir_format(item.data)}"), data
            )
    except MedcomkitError:
        receipt = None  # too broken to answer: the report says why
    return Refusal(item.source, reason, item.report, receipt)


def _fhir_format(data: bytes) -> str:
    return "json" if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"{", b"[")) else "xml"
