"""CPR masking: the one function every output surface uses to hide the serial part of a CPR number.

A CPR number can be spelled many ways in a received message: ``1203134996``, ``120313-4996``,
``120313 4996``, ``120313–4996`` (en dash, or any other Unicode dash), full-width or other Unicode
digits, inside other text. All of them, and the near-misses a typo makes (9 or 11 digits that
start with a valid date), are masked to ``120313-****``: the date stays readable, the serial goes.
Masking errs on the side of hiding: any 10 digits in a row are masked, date or not.
"""

from __future__ import annotations

import io
import re
import unicodedata
from typing import TextIO

__all__ = ["MaskingWriter", "mask_cpr"]

# Digits in any script (\d is Unicode-aware for str patterns), plus the super- and subscript
# digits that str.isdigit also accepts.
_DIGIT = r"[\d\u00b2\u00b3\u00b9\u2070\u2074-\u2079\u2080-\u2089]"
# Between date and serial: nothing, or a few spaces (any Unicode space), hyphens, dashes or minus
# signs, soft hyphens and zero-width characters.
_SEPARATOR = r"[\s\u00ad\u200b-\u200d\u2060\ufeff\-\u2010-\u2015\u2212\u2e3a\u2e3b\ufe58\ufe63\uff0d]{0,3}"
_CPR_LIKE = re.compile(rf"(?<!{_DIGIT})({_DIGIT}{{6}}){_SEPARATOR}({_DIGIT}{{3,5}})(?!{_DIGIT})")
_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _ascii(digits: str) -> str:
    return "".join(str(unicodedata.digit(ch, 0)) for ch in digits)


def _starts_with_date(date: str) -> bool:
    day, month = int(date[:2]), int(date[2:4])
    return 1 <= month <= 12 and 1 <= day <= _DAYS[month - 1]


def _masked(match: re.Match[str]) -> str:
    date = _ascii(match.group(1))
    serial = match.group(2)
    if len(serial) != 4 and not _starts_with_date(date):
        return match.group(0)  # 9 or 11 digits that do not start with a date: not a CPR typo
    return f"{date}-{'*' * len(serial)}"


def mask_cpr(text: str) -> str:
    """Hide the serial part of anything that may be a CPR number: ``2509479989``, ``250947 9989``,
    ``250947–9989``, ``２５０９４７９９８９`` all become ``250947-****`` (see the module docstring)."""
    return _CPR_LIKE.sub(_masked, text)


class MaskingWriter(io.TextIOBase):
    """A text stream that masks CPR numbers in what is written to it, line by line (so a number
    written in two pieces is still seen whole). The command line writes through it, so no command
    prints a full CPR number, whatever value from a message it shows, unless asked not to."""

    def __init__(self, target: TextIO) -> None:
        super().__init__()
        self.target = target
        self._pending: list[str] = []

    def write(self, text: str) -> int:
        end = text.rfind("\n")
        if end < 0:
            self._pending.append(text)
            return len(text)
        self._pending.append(text[: end + 1])
        self.target.write(mask_cpr("".join(self._pending)))
        self._pending = [text[end + 1 :]] if end + 1 < len(text) else []
        return len(text)

    def flush(self) -> None:
        if self._pending:
            self.target.write(mask_cpr("".join(self._pending)))
            self._pending = []
        self.target.flush()

    def fileno(self) -> int:
        return self.target.fileno()

    def isatty(self) -> bool:
        return self.target.isatty()

    def writable(self) -> bool:
        return True
