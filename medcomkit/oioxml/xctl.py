"""XCTL01/02/03 receipts: build one for a received letter, read them, match them to what was sent."""

from __future__ import annotations

from lxml import etree

from ..core.errors import BuildError
from ..core.lang import Bilingual
from ..core.xmltree import line_of
from ..model.markup import BREAKABLE, to_runs
from ..model.messages import Envelope, Organisation, Receipt, ReceiptKind, ReceiptLetter, RefuseReason
from .codes import RECEIPT_LETTERS, REFUSE_REASON, reverse
from .common import Reader, Writer, new_root, serialise
from .formatted import read_formatted
from .namespaces import KIND_BY_LETTER, NS_2005
from .xdis91 import code_value

__all__ = ["build_xctl", "read_xctl"]

_REFUSE_CODES = reverse(REFUSE_REASON)
_KIND_BY_LETTER = {
    letter: kind for kind, (letter, _) in RECEIPT_LETTERS.items() if kind is not ReceiptKind.TRANSIENT
}


def read_xctl(root: etree._Element, letter: etree._Element, ns: str) -> Receipt:
    read = Reader(ns)
    head = read.required(letter, "Letter")
    original = read.required(letter, "OriginalEmessage")

    def reason(parent: etree._Element) -> RefuseReason | None:
        element = parent.find(read.q("RefuseCode"))
        if element is None:
            return None
        return code_value(REFUSE_REASON, element.text or "", "RefuseCode", line_of(element))

    def text(parent: etree._Element) -> str | None:
        element = parent.find(read.q("RefuseText"))
        return read_formatted([element]) if element is not None else None

    letters = tuple(
        ReceiptLetter(
            letter_id=read.text(item, "OriginalLetterIdentifier"),
            version_code=read.text(item, "OriginalVersionCode"),
            refuse_reason=reason(item),
            refuse_text=text(item),
        )
        for item in original.iterfind(read.q("OriginalLetter"))
    )
    envelope_element = read.required(root, "Envelope")
    return Receipt(
        kind=_KIND_BY_LETTER[letter.tag.rpartition("}")[2]],
        envelope=Envelope(
            identifier=read.text(envelope_element, "Identifier"),
            sent=read.moment(envelope_element, "Sent"),
            positive_receipt=read.optional(envelope_element, "AcknowledgementCode") == "pluspositivkvitt",
        ),
        message_id=read.text(head, "Identifier"),
        sender=Organisation(read.text(letter, "Sender", "EANIdentifier")),
        receiver=Organisation(read.text(letter, "Receiver", "EANIdentifier")),
        original_envelope_id=read.text(original, "OriginalEnvelopeIdentifier"),
        original_sender=Organisation(read.text(original, "OriginalSender", "EANIdentifier")),
        original_receiver=Organisation(read.text(original, "OriginalReceiver", "EANIdentifier")),
        letters=letters,
        refuse_reason=reason(original),
        refuse_text=text(original),
    )


def build_xctl(receipt: Receipt, *, encoding: str = "ISO-8859-1", check: bool = True) -> bytes:
    """Write an XCTL01/02/03 (namespace 2005/08/07, AcknowledgementCode minuspositivkvitt)."""
    if receipt.kind is ReceiptKind.POSITIVE and (
        receipt.refuse_reason
        or receipt.refuse_text
        or any(item.refuse_reason or item.refuse_text for item in receipt.letters)
    ):
        raise BuildError(
            "xctl.build-positive-reason",
            Bilingual(
                "En positiv kvittering kan ikke have en afvisningsårsag.",
                "A positive receipt cannot carry a refusal reason.",
            ),
        )
    missing = [
        name
        for name, absent in (
            ("original_envelope_id", receipt.original_envelope_id is None),
            ("letters[].version_code", any(item.version_code is None for item in receipt.letters)),
        )
        if absent
    ]
    if missing:
        raise BuildError(
            "xctl.build-missing",
            Bilingual(
                f"En XCTL-kvittering skal have {', '.join(missing)} "
                "(den oprindelige kuvert og brevenes version).",
                f"An XCTL receipt needs {', '.join(missing)} "
                "(the original envelope and the letters' versions).",
            ),
        )
    ns = NS_2005
    write = Writer(ns)
    root = new_root(ns)
    write.envelope(root, receipt.envelope, receipt=True)
    letter_name, version_code = RECEIPT_LETTERS[receipt.kind]
    letter = write.element(root, letter_name)
    head = write.element(letter, "Letter")
    write.element(head, "Identifier", receipt.message_id)
    write.element(head, "VersionCode", version_code)
    write.element(head, "StatisticalCode", KIND_BY_LETTER[letter_name].value)
    write.element(write.element(letter, "Sender"), "EANIdentifier", receipt.sender.ean)
    write.element(write.element(letter, "Receiver"), "EANIdentifier", receipt.receiver.ean)
    original = write.element(letter, "OriginalEmessage")
    write.element(original, "OriginalEnvelopeIdentifier", receipt.original_envelope_id or "")
    write.element(write.element(original, "OriginalSender"), "EANIdentifier", receipt.original_sender.ean)
    write.element(write.element(original, "OriginalReceiver"), "EANIdentifier", receipt.original_receiver.ean)
    formatted = []

    def refusal(parent: etree._Element, reason: RefuseReason | None, text: str | None) -> None:
        if reason is not None:
            write.element(parent, "RefuseCode", _REFUSE_CODES[reason])
        if text is not None:
            formatted.append((write.element(parent, "RefuseText"), to_runs(text, BREAKABLE)))

    refusal(original, receipt.refuse_reason, receipt.refuse_text)
    for item in receipt.letters:
        element = write.element(original, "OriginalLetter")
        write.element(element, "OriginalLetterIdentifier", item.letter_id)
        write.element(element, "OriginalVersionCode", item.version_code or "")
        refusal(element, item.refuse_reason, item.refuse_text)
    data = serialise(root, encoding, formatted, ns)
    if check:
        from .validate import raise_if_invalid

        raise_if_invalid(data, KIND_BY_LETTER[letter_name].value)
    return data
