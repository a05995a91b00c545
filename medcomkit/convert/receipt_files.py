"""Receipts converted later, as the conversion service does: an XCTL for a message that went out as
OIOXML becomes an Acknowledgement (once the XCTL for each of its letters is in), an Acknowledgement
for a message that went out as FHIR becomes its XCTLs — both found through the id correlation a
:class:`~medcomkit.convert.state.ConversionState` kept."""

from __future__ import annotations

from typing import Literal

from ..core.errors import MedcomkitError
from ..core.lang import Bilingual
from ..model.messages import Receipt, ReceiptKind
from .changes import Correlation
from .codes import RECEIPT_MISSING
from .outcome import (
    ConvertedFile,
    Notice,
    Refusal,
    ServiceInput,
    ServiceRun,
    cannot,
    errors_of,
    invalid,
    output_name,
)
from .receipts import acknowledgement_to_xctl, xctl_to_acknowledgement
from .state import ConversionState

__all__ = ["convert_acknowledgement", "convert_xctl"]


def convert_xctl(
    item: ServiceInput, run: ServiceRun, fhir_format: Literal["json", "xml"], state: ConversionState | None
) -> None:
    from ..dispatch import parse
    from ..fhir.acknowledgement import build_acknowledgement

    receipt = item.message
    assert isinstance(receipt, Receipt)
    errors = errors_of(item.report)
    if errors:
        run.refused.append(Refusal(item.source, invalid(item, errors), item.report))
        return
    letter_id = receipt.letters[0].letter_id if receipt.letters else ""
    envelope_id = receipt.original_envelope_id or ""
    correlation = state.by_oioxml(envelope_id, letter_id) if state is not None else None
    if state is None or correlation is None:
        run.refused.append(_unknown_original(item, f"{envelope_id}/{letter_id}", state))
        return
    letters = [(correlation.oioxml_envelope_id, correlation.oioxml_letter_id)]
    if correlation.xbin_envelope_id and correlation.xbin_letter_id:
        letters.append((correlation.xbin_envelope_id, correlation.xbin_letter_id))
    kept = [parse(d) for d in state.receipts_for(letters)]
    answers = [r for r in kept if isinstance(r, Receipt)] + [receipt]
    try:
        conversion = xctl_to_acknowledgement(answers, correlation)
        data = build_acknowledgement(conversion.result, format=fhir_format)
    except MedcomkitError as error:
        if error.code != RECEIPT_MISSING:
            run.refused.append(Refusal(item.source, cannot(item, error), item.report))
            return
        # Use cases, Ack mapping: while one of the two XCTL is missing no Acknowledgement is sent.
        state.keep_receipt(envelope_id, letter_id, item.data)
        run.notices.append(Notice(item.source, _waiting(error.text)))
        return
    state.forget_receipts(letters)
    run.outputs.append(
        ConvertedFile(output_name(conversion.result.message_id, f".acknowledgement.{fhir_format}"), data)
    )
    run.conversions.append(conversion)


def _waiting(why: Bilingual) -> Bilingual:
    return Bilingual(
        f"Kvitteringen er gemt, indtil den anden XCTL kommer: {why.da}",
        f"The receipt is kept until the other XCTL comes: {why.en}",
    )


def _unknown_original(item: ServiceInput, original: str, state: ConversionState | None) -> Refusal:
    where = str(state.path) if state is not None else "—"
    return Refusal(
        item.source,
        Bilingual(
            f"{item.source} kvitterer for {original}, men tilstandsfilen ({where}) kender ingen konvertering "
            "af den meddelelse; konvertér meddelelsen med samme --state først.",
            f"{item.source} answers {original}, but the state file ({where}) knows no conversion of that "
            "message; convert the message with the same --state first.",
        ),
        item.report,
    )


def convert_acknowledgement(item: ServiceInput, run: ServiceRun, state: ConversionState | None) -> None:
    from ..oioxml.xctl import build_xctl

    acknowledgement = item.message
    assert isinstance(acknowledgement, Receipt)
    errors = errors_of(item.report)
    if errors:
        run.refused.append(Refusal(item.source, invalid(item, errors), item.report))
        return
    header_id = acknowledgement.letters[0].letter_id if acknowledgement.letters else ""
    correlation: Correlation | None = state.by_fhir(header_id) if state is not None else None
    if correlation is None:
        run.refused.append(_unknown_original(item, header_id, state))
        return
    try:
        conversion = acknowledgement_to_xctl(acknowledgement, correlation)
        files = [
            ConvertedFile(output_name(r.message_id, f".{_xctl_name(r)}.xml"), build_xctl(r))
            for r in conversion.result
        ]
    except MedcomkitError as error:
        run.refused.append(Refusal(item.source, error.text, item.report))
        return
    run.outputs += files
    run.conversions.append(conversion)


def _xctl_name(receipt: Receipt) -> str:
    return {
        ReceiptKind.POSITIVE: "xctl03",
        ReceiptKind.VANS_NEGATIVE: "xctl01",
    }.get(receipt.kind, "xctl02")
