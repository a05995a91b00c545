"""Which ObjectCode goes with which file type (a table of its own: validation needs it without the
model)."""

from __future__ import annotations

__all__ = ["EXPECTED_OBJECT_CODE"]

# MedCom's pairing of file type and ObjectCode (conversion use cases §4.6.2, OS2korrespondance).
EXPECTED_OBJECT_CODE: dict[str, str] = {
    "pdf": "vektor_grafik",
    **dict.fromkeys(("gif", "jpeg", "png", "tiff", "bmp", "pcx", "dcm"), "billede"),
    **dict.fromkeys(("txt", "rtf", "doc", "xls", "wpd"), "tekstfil"),
    "scp": "biosignaler",
    **dict.fromkeys(("mpg", "wav", "avi", "mid", "rmi", "inh", "bin"), "multimedie"),
    **dict.fromkeys(("exe", "com"), "program"),
    **dict.fromkeys(("zip", "plo", "fnx"), "proprietaert_indhold"),
}
