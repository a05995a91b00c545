"""Pairing XDIS91 with XBIN01 by ObjectIdentifier: each XBIN01 is claimed or left over (never lost),
case and hyphens do not matter, and the work grows linearly with the number of files."""

from __future__ import annotations

import uuid
from dataclasses import replace

import pytest

from medcomkit.convert.pairing import pair_attachments
from medcomkit.demo import demo_care_message
from medcomkit.model import Attachment, AttachmentMessage, CareMessage
from medcomkit.oioxml.xbin01 import attachments_for


def _pairs(count: int) -> tuple[list[CareMessage], list[AttachmentMessage]]:
    base = demo_care_message()
    letters, binaries = [], []
    for number in range(count):
        identifier = str(uuid.UUID(int=number + 1, version=4))
        attachment = replace(base.attachments[0], identifier=identifier)
        letter = replace(base, message_id=f"L{number}", attachments=(attachment,))
        binary = attachments_for(letter, message_id=f"B{number}", envelope_id=f"K{number}")
        assert binary is not None
        # XDIS91 writes the id without hyphens in upper case, XBIN01 with hyphens.
        letters.append(
            replace(
                letter, attachments=(replace(attachment, identifier=identifier.replace("-", "").upper()),)
            )
        )
        binaries.append(binary)
    return letters, binaries


def test_every_xbin01_is_claimed_or_left_over() -> None:
    letters, binaries = _pairs(5)
    stray = replace(binaries[0], message_id="STRAY", attachments=(Attachment(identifier=str(uuid.uuid4())),))
    pairing = pair_attachments(letters[::-1], [*binaries, stray])
    assert pairing.binary_of == (4, 3, 2, 1, 0)
    assert pairing.unclaimed == (5,)


def _key_lookups(count: int, monkeypatch: pytest.MonkeyPatch) -> int:
    """How many ObjectIdentifiers pairing ``count`` XDIS91/XBIN01 pairs reads: the work it does,
    counted rather than timed (a loaded machine makes timings noisy)."""
    from medcomkit.convert import pairing
    from medcomkit.oioxml.xbin01 import object_key as real

    letters, binaries = _pairs(count)
    calls = 0

    def counting(identifier: str | None) -> str:
        nonlocal calls
        calls += 1
        return real(identifier)

    monkeypatch.setattr(pairing, "object_key", counting)
    pair_attachments(letters, binaries[::-1])
    monkeypatch.setattr(pairing, "object_key", real)
    return calls


def test_pairing_is_linear_in_the_number_of_files(monkeypatch: pytest.MonkeyPatch) -> None:
    small, large = _key_lookups(100, monkeypatch), _key_lookups(400, monkeypatch)
    assert large == 4 * small  # each id is read once; pairing every letter with every XBIN01 would be 16x
