"""What an attachment's bytes really are, compared with the file type its message declares.

OIOXML's XBIN01, EDIFACT's BIN01 and the FHIR conversion all declare a file type next to the
bytes; the signatures here let each of them say "declared PDF, but it is a PNG" the same way.
"""

from __future__ import annotations

from ..core.lang import Bilingual

__all__ = ["content_mismatch", "sniff_file_type"]

# File signatures, to compare with the declared ObjectExtensionCode.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"BM", "bmp"),
    (b"PK\x03\x04", "zip"),
    (b"\x1f\x8b", "gzip"),
    (b"{\\rtf", "rtf"),
    (b"\xd0\xcf\x11\xe0", "doc"),
    (b"MZ", "exe"),
    (b"RIFF", "wav"),
)
_SIGNED_TYPES = frozenset(name for _, name in _SIGNATURES)
_SIGNATURE_FAMILIES: dict[str, frozenset[str]] = {
    "zip": frozenset({"zip", "doc", "xls", "plo", "fnx", "bin", "inh"}),  # Office Open XML is a zip
    "doc": frozenset({"doc", "xls"}),
    "wav": frozenset({"wav", "avi", "rmi"}),
    "gzip": frozenset({"bin", "zip", "inh"}),
    "exe": frozenset({"exe", "com"}),
}


_SIGNATURES_BY_FIRST_BYTE: dict[int, tuple[tuple[bytes, str], ...]] = {
    first: tuple(entry for entry in _SIGNATURES if entry[0][0] == first)
    for first in {signature[0] for signature, _ in _SIGNATURES}
}


def sniff_file_type(data: bytes) -> str | None:
    """The file type the first bytes reveal (``pdf``, ``png`` …), or ``None`` when unknown."""
    for signature, name in _SIGNATURES_BY_FIRST_BYTE.get(data[0], ()) if data else ():
        if data.startswith(signature):
            return name
    return None


def content_mismatch(declared: str, data: bytes) -> Bilingual | None:
    """What the content really is, when it contradicts the declared file type; else ``None``."""
    actual = sniff_file_type(data)
    if actual is None:
        # Binary formats must show their signature; text formats have none to check.
        if declared in _SIGNED_TYPES:
            return Bilingual(
                f"noget andet (den mangler {declared}-filens signatur)",
                f"something else (it lacks the {declared} file signature)",
            )
        return None
    if actual == declared or declared in _SIGNATURE_FAMILIES.get(actual, frozenset()):
        return None
    return Bilingual(f"en {actual}-fil", f"a {actual} file")
