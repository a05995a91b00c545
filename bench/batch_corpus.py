"""Batches of XDIS91/XBIN01 files for the batch benchmark and tests: each letter with its own
attachment (its own ObjectIdentifier), and the mixed batch of good and bad inputs a receiver's
inbox holds — pairs, an XBIN01 without its letter, a letter without its XBIN01, an invalid
letter with its XBIN01, a duplicate, a receipt, a message of the wrong direction, bytes that are
no message, a file that is not there."""

from __future__ import annotations

import uuid
from dataclasses import replace
from pathlib import Path

__all__ = ["mixed_batch", "write_pairs"]


def write_pairs(folder: Path, count: int, *, first: int = 0, attachment_bytes: int = 2000) -> list[Path]:
    """``count`` XDIS91 files, each with its XBIN01, in the order letter, binary, letter, …

    The XDIS91 writes its ObjectIdentifier without hyphens in upper case, the XBIN01 with hyphens
    (as implementations do), so pairing must compare them as the same id.
    """
    from medcomkit.demo import demo_care_message
    from medcomkit.model.messages import Envelope
    from medcomkit.oioxml.xbin01 import attachments_for, build_xbin01
    from medcomkit.oioxml.xdis91 import build_xdis91

    folder.mkdir(parents=True, exist_ok=True)
    base = demo_care_message()
    data = b"%PDF-1.4\n" + bytes(range(256)) * (attachment_bytes // 256 + 1)
    paths = []
    for number in range(first, first + count):
        identifier = str(uuid.UUID(int=number + 1, version=4))
        attachment = replace(base.attachments[0], identifier=identifier, data=data, size=len(data))
        letter = replace(
            base,
            envelope=Envelope(identifier=f"KUV{number:07d}LTR", sent=base.envelope.sent),
            message_id=f"BREV{number:07d}LTR",
            attachments=(attachment,),
        )
        binary = attachments_for(letter, message_id=f"BIN{number:07d}ATT", envelope_id=f"KUV{number:07d}ATT")
        assert binary is not None
        written = replace(
            letter, attachments=(replace(attachment, identifier=identifier.replace("-", "").upper()),)
        )
        letter_path, binary_path = folder / f"{number:06d}-xdis91.xml", folder / f"{number:06d}-xbin01.xml"
        letter_path.write_bytes(build_xdis91(written))
        binary_path.write_bytes(build_xbin01(binary))
        paths += [letter_path, binary_path]
    return paths


def mixed_batch(folder: Path) -> list[Path]:
    """A batch with every kind of trouble, in an order where pairs are split up (see the module)."""
    from medcomkit.dispatch import parse
    from medcomkit.model.messages import CareMessage, ReceiptKind
    from medcomkit.model.receipts import receipt_for
    from medcomkit.oioxml.xctl import build_xctl

    pairs = write_pairs(folder, 8)
    letters, binaries = pairs[0::2], pairs[1::2]
    orphan_binary = binaries[5]  # its letter is not in the batch
    lonely_letter = letters[6]  # its binary is not in the batch
    invalid_letter = folder / "invalid-xdis91.xml"  # invalid: refused, and its binary with it
    invalid_letter.write_bytes(letters[7].read_bytes().replace(b"<Identifier>", b"<Identifier>TOO-LONG-", 1))
    duplicate = folder / "copy-of-000000-xdis91.xml"
    duplicate.write_bytes(letters[0].read_bytes())
    letter = parse(letters[1].read_bytes())
    assert isinstance(letter, CareMessage)
    receipt = folder / "receipt-xctl03.xml"  # answers a letter converted in the same batch
    receipt.write_bytes(
        build_xctl(
            receipt_for(
                letter, kind=ReceiptKind.POSITIVE, message_id="KVIT00000001", envelope_id="KVITKUV0000001"
            )
        )
    )
    not_a_message = folder / "notes.xml"
    not_a_message.write_bytes(b"<notes><note>call back</note></notes>")
    broken = folder / "broken.xml"
    broken.write_bytes(b"<Emessage><unclosed>")
    cpr = folder / "cpr-0101011234.xml"  # a name a CPR number is masked in
    cpr.write_bytes(b"not xml at all")
    return [
        letters[0],
        binaries[1],
        broken,
        letters[1],
        binaries[0],
        duplicate,
        receipt,
        orphan_binary,
        letters[2],
        binaries[2],
        letters[3],
        binaries[3],
        lonely_letter,
        invalid_letter,
        binaries[7],
        not_a_message,
        letters[4],
        binaries[4],
        cpr,
        folder / "missing-xdis91.xml",
    ]
