"""Finding SOR units by part of their name without scanning every name.

At load every word of every unit's search key (its folded name and municipality) is listed with
the units that hold it. A query word is looked for among the distinct words only — a few thousand
even in the full register — and the units of each word that contains it are taken from the index.
Keys are folded to words of letters and digits separated by single spaces, so a query word (which
has no space) occurs in a key exactly when it occurs in one of the key's words: the index finds
the same units as a substring test on every key.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["NameIndex", "NameRanks"]

_Positions = np.ndarray[Any, np.dtype[np.int64]]
_Mask = np.ndarray[Any, np.dtype[np.bool_]]


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

    def containing(self, part: str, size: int) -> _Mask:
        """Which of the ``size`` units have a word that contains ``part`` (no spaces in it)."""
        mask = np.zeros(size, dtype=bool)
        text, starts = self._text, self._starts
        at = text.find(part)
        while at >= 0:
            word = bisect_right(starts, at) - 1
            mask[self._postings[word]] = True
            following = word + 1
            if following == len(starts):
                break
            at = text.find(part, starts[following])
        return mask

    def matches(self, words: Sequence[str], size: int) -> _Mask:
        """Which of the ``size`` units have a key that contains every one of ``words``."""
        mask = np.ones(size, dtype=bool)
        for part in sorted(set(words), key=len, reverse=True):  # longest first: the fewest units
            mask &= self.containing(part, size)
            if not mask.any():
                break
        return mask

    def search(self, words: Sequence[str], size: int) -> _Positions:
        """Positions, in order, of the units whose key contains every one of ``words``."""
        return np.flatnonzero(self.matches(words, size))


class NameRanks:
    """Units by whole name and by name prefix, to rank the matches of a search without looking at
    each: a name equal to the query first, then names that start with it, then the rest."""

    __slots__ = ("_exact", "_order", "_sorted")

    def __init__(self, names: Sequence[str]) -> None:
        exact: dict[str, list[int]] = {}
        for position, name in enumerate(names):
            exact.setdefault(name, []).append(position)
        self._exact = {name: np.asarray(p, dtype=np.int64) for name, p in exact.items()}
        self._order = np.asarray(sorted(range(len(names)), key=names.__getitem__), dtype=np.int64)
        self._sorted = [names[p] for p in self._order]

    def ranked(self, key: str, mask: _Mask, limit: int | None = None) -> _Positions:
        """Positions of the units in ``mask``, best first (each rank in registry order)."""
        mask = mask.copy()
        exact = self._exact.get(key, np.empty(0, dtype=np.int64))
        exact = exact[mask[exact]]
        mask[exact] = False
        low = bisect_left(self._sorted, key)
        high = bisect_left(self._sorted, key + "\U0010ffff", low)  # every name starting with key
        prefix = np.sort(self._order[low:high])
        prefix = prefix[mask[prefix]]
        mask[prefix] = False
        found = np.concatenate((exact, prefix))
        if limit is not None and len(found) >= limit:
            return found[:limit]
        rest = np.flatnonzero(mask)
        return np.concatenate((found, rest if limit is None else rest[: limit - len(found)]))
