"""The entries of a message Bundle, and resolving references among them.

MedCom requires every referenced resource to be an entry of the message, so a reference
resolves by the entry's ``fullUrl`` or by ``Type/id``. All accessors tolerate malformed input
(a check must never raise on bad data): what is not the expected JSON shape is simply absent.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Entry", "MessageIndex", "dicts", "first", "text"]


def dicts(value: Any) -> list[dict[str, Any]]:
    """The JSON objects in ``value`` (a list of them, or one), ignoring anything else."""
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, dict)]
    return []


def first(value: Any) -> dict[str, Any] | None:
    """The first JSON object in ``value``, if any."""
    found = dicts(value)
    return found[0] if found else None


def text(value: Any) -> str | None:
    """``value`` when it is a non-empty string, else ``None``."""
    return value if isinstance(value, str) and value else None


def codings(concept: Any) -> list[dict[str, Any]]:
    """The codings of one CodeableConcept or a list of them."""
    return [c for cc in dicts(concept) for c in dicts(cc.get("coding"))]


def profiles(resource: dict[str, Any]) -> list[str]:
    """The profile URLs a resource declares in ``meta.profile``."""
    meta = resource.get("meta")
    values = meta.get("profile") if isinstance(meta, dict) else None
    return [p for p in values if isinstance(p, str)] if isinstance(values, list) else []


def extensions(element: Any, url: str) -> list[dict[str, Any]]:
    """The extensions of ``element`` with ``url``."""
    if not isinstance(element, dict):
        return []
    return [e for e in dicts(element.get("extension")) if e.get("url") == url]


@dataclass(slots=True)
class Entry:
    """One ``Bundle.entry`` with a resource."""

    index: int
    resource: dict[str, Any]
    type: str
    id: str | None
    full_url: str | None

    @property
    def path(self) -> str:
        return f"Bundle.entry[{self.index}].resource"

    @property
    def key(self) -> str:
        return f"{self.type}/{self.id}"


@dataclass
class MessageIndex:
    """The resources of a message Bundle by position, type and reference key."""

    bundle: dict[str, Any]
    entries: list[Entry] = field(default_factory=list)
    by_type: dict[str, list[Entry]] = field(default_factory=dict)
    _keys: dict[str, Entry] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for index, entry in (
            enumerate(self.bundle.get("entry") or []) if isinstance(self.bundle.get("entry"), list) else ()
        ):
            resource = entry.get("resource") if isinstance(entry, dict) else None
            if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
                continue
            full_url = text(entry.get("fullUrl"))
            item = Entry(index, resource, resource["resourceType"], text(resource.get("id")), full_url)
            self.entries.append(item)
            self.by_type.setdefault(item.type, []).append(item)
            if full_url is not None:
                self._keys.setdefault(full_url, item)
            if item.id is not None:
                self._keys.setdefault(item.key, item)

    def of_type(self, resource_type: str) -> list[Entry]:
        return self.by_type.get(resource_type, [])

    @property
    def header(self) -> Entry | None:
        """The MessageHeader: entry[0] when it is one, else the first MessageHeader in the Bundle."""
        headers = self.of_type("MessageHeader")
        return headers[0] if headers else None

    def resolve(self, reference: Any) -> Entry | None:
        """The entry a Reference (object) or reference string points to, if it is in the Bundle."""
        target = reference.get("reference") if isinstance(reference, dict) else reference
        if not isinstance(target, str) or not target:
            return None
        found = self._keys.get(target)
        if found is not None:
            return found
        if "/_history/" in target:
            target = target.partition("/_history/")[0]
            found = self._keys.get(target)
            if found is not None:
                return found
        if "://" in target and not target.startswith("urn:"):
            # An absolute URL whose Type/id ends an entry's fullUrl under another base is not the same
            # resource; only the exact fullUrl counts.
            return None
        return None

    def resolve_all(self, references: Any) -> Iterator[Entry]:
        for reference in dicts(references):
            found = self.resolve(reference)
            if found is not None:
                yield found
