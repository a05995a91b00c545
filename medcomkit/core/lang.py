"""Danish and English text for everything a user reads.

User-facing messages (validation issues, error messages) always exist in both languages, so a
presenter can show Danish and a vendor developer can read English from the same object.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

__all__ = ["LANGUAGES", "MAX_QUOTED", "Bilingual", "Lang", "check_lang", "shorten"]

Lang = Literal["da", "en"]
LANGUAGES: tuple[Lang, ...] = get_args(Lang)
# A message quotes at most this many characters of a value: a 20 MB field must not become a 20 MB
# error message (on a terminal, in a log, in a journal's HTML).
MAX_QUOTED = 200


def shorten(value: str, limit: int = MAX_QUOTED) -> str:
    """``value``, or its first ``limit`` characters and how many more there were."""
    if len(value) <= limit:
        return value
    return f"{value[:limit]}… (+{len(value) - limit})"


@dataclass(frozen=True, slots=True)
class Bilingual:
    """One message in Danish and in English."""

    da: str
    en: str

    def get(self, lang: Lang = "da") -> str:
        return self.en if lang == "en" else self.da

    def format(self, **params: object) -> Bilingual:
        """Fill ``{name}`` placeholders in both texts (values are inserted, never interpreted).

        A value that is itself :class:`Bilingual` goes in language by language.
        """
        da = {k: v.da if isinstance(v, Bilingual) else v for k, v in params.items()}
        en = {k: v.en if isinstance(v, Bilingual) else v for k, v in params.items()}
        return Bilingual(self.da.format(**da), self.en.format(**en))


def check_lang(lang: str) -> Lang:
    """Return ``lang`` as a :data:`Lang`, or raise ``ValueError`` naming the allowed values."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    return lang
