"""Finding SOR units by part of their name without scanning every name.

At load every word of every unit's search key (its folded name and municipality) is listed with
the units that hold it. A query word is looked for among the distinct words only — a few thousand
even in the full register — and the units of each word that contains it are taken from the index.
Keys are folded to words of letters and digits separated by single spaces, so a query word (which
has no space) occurs in a key exactly when it occurs in one of the key's words: the index finds
the same units as a substring test on every key.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["NameIndex"]

_Positions = np.ndarray[Any, np.dtype[np.int64]]


class NameIndex:
    """Word → positions of the units whose key holds it; queried by substring of a word."""

    __slots__ = ("_postings", "_starts", "_text")

    def __init__(self, keys: Sequence[str]) -> None:
        postings: dict[str, list[int]] = {}
        for position, key in enumerate(keys):
            for word in set(key.split()):
                postings.setdefault(word, []).append(position)
        words = list(postings)
        self._postings = [np.asarray(postings[w], dtype=np.int64) for w in words]
        # All words in one string, each after a newline, so str.find searches them all in C.
        self._text = "".join(f"\n{w}" for w in words)
        starts, at = [], 0
        for word in words:
            starts.append(at)
            at += len(word) + 1
        self._starts = starts

    def containing(self, part: str) -> _Positions:
        """Sorted positions of the units with a word that contains ``part`` (no spaces in it)."""
        found: list[_Positions] = []
        text, starts = self._text, self._starts
        at = text.find(part)
        while at >= 0:
            word = bisect_right(starts, at) - 1
            found.append(self._postings[word])
            following = word + 1
            if following == len(starts):
                break
            at = text.find(part, starts[following])
        if not found:
            return np.empty(0, dtype=np.int64)
        if len(found) == 1:
            return found[0]
        return np.unique(np.concatenate(found))

    def search(self, words: Sequence[str]) -> _Positions:
        """Sorted positions of the units whose key contains every one of ``words``."""
        hits: _Positions | None = None
        for part in sorted(set(words), key=len, reverse=True):  # longest first: the fewest units
            positions = self.containing(part)
            hits = positions if hits is None else np.intersect1d(hits, positions, assume_unique=True)
            if not len(hits):
                break
        return hits if hits is not None else np.empty(0, dtype=np.int64)
