"""The base FHIR R4 checks R4B's models leave out, in one walk over the JSON form.

R4B's pydantic models check datatypes and unknown elements, but not: JSON's representation rules
(no ``null``, no empty objects, arrays or strings, booleans as ``true``/``false``), the codes of
required bindings in the base specification (``enum_values``), URIs, time zones on date-times,
R4B-only content, extension shape (ext-1) or the narrative (txt-1, txt-2). Nor do they stop
missing required elements from hiding behind other errors. This walk does those, collects every
Reference for the reference-integrity check, and bounds the nesting depth before R4B sees it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .._lang import Bilingual
from .._rule import Rule
from . import rules as r
from ._resources import R4B_ONLY, ElementDef, Shape, TypeDef, is_resource_type, type_def
from ._xmlcodec import MAX_DEPTH

__all__ = ["Reference", "Walk", "walk"]

_DATETIME_WITH_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?")
_ZONE = re.compile(r"(Z|[+-][0-9]{2}:[0-9]{2})$")
_INTEGERS = frozenset({"integer", "integer64", "unsignedInt", "positiveInt"})
_URIS = frozenset({"uri", "url", "canonical"})
_JSON_NAMES = {
    bool: Bilingual("en boolean", "a boolean"),
    int: Bilingual("et tal", "a number"),
    float: Bilingual("et tal", "a number"),
    str: Bilingual("en streng", "a string"),
    list: Bilingual("et array", "an array"),
    dict: Bilingual("et objekt", "an object"),
}
_EXPECTED = {
    "boolean": Bilingual("true eller false (uden anførselstegn)", "true or false (without quotes)"),
    "number": Bilingual("et JSON-tal (uden anførselstegn)", "a JSON number (without quotes)"),
    "string": Bilingual("en JSON-streng", "a JSON string"),
    "object": Bilingual("et JSON-objekt", "a JSON object"),
    "array": Bilingual("et JSON-array, også ved én forekomst", "a JSON array, even for a single value"),
    "single": Bilingual("én værdi, ikke et array", "a single value, not an array"),
}

# The narrative's basic HTML (the elements and attributes FHIR's txt-1 allows).
_HTML_ELEMENTS = frozenset(
    [
        "a",
        "abbr",
        "acronym",
        "address",
        "b",
        "bdo",
        "big",
        "blockquote",
        "br",
        "caption",
        "cite",
        "code",
        "col",
        "colgroup",
        "dd",
        "dfn",
        "div",
        "dl",
        "dt",
        "em",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "kbd",
        "li",
        "map",
        "area",
        "ol",
        "p",
        "pre",
        "q",
        "samp",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "tt",
        "ul",
        "var",
        "s",
        "u",
        "del",
        "ins",
    ]
)
_TAG_NAME = re.compile(r"<([A-Za-z][A-Za-z0-9:.-]*)")
# An event-handler attribute (onclick=…) or a javascript: URL inside a tag.
_ACTIVE = re.compile(r"<[^>]*?(?:\s(on[A-Za-z]+)\s*=|(javascript\s*:))", re.IGNORECASE)
# Where _ACTIVE could begin an event handler: whitespace and "on", with the same flags.
_ON = re.compile(r"\son", re.IGNORECASE)
_WHITESPACE = re.compile(r"\s")
_MARKUP = re.compile(r"<[^>]*>")


# Primitive types whose JSON string the walk looks into (a number or boolean is not a string at all).
_LOOKED_INTO = _INTEGERS | _URIS | {"boolean", "decimal", "dateTime", "instant", "id"}
_PLAIN: dict[str, frozenset[str]] = {}
_CHOICE_KEYS: dict[str, dict[str, str]] = {}


def _is_plain(element_def: ElementDef) -> bool:
    """A primitive for which a non-empty JSON string is all the walk checks (string, code without a
    required binding, date, markdown …): the walk passes such a value without building its path."""
    return (
        element_def.shape is Shape.PRIMITIVE
        and element_def.codes is None
        and element_def.type not in _LOOKED_INTO
    )


def _plain(definition: TypeDef) -> frozenset[str]:
    """The single-valued plain elements of a type (see :func:`_is_plain`), worked out once per type."""
    found = _PLAIN.get(definition.name)
    if found is None:
        found = frozenset(n for n, e in definition.elements.items() if not e.many and _is_plain(e))
        _PLAIN[definition.name] = found
    return found


def _choice_keys(definition: TypeDef) -> dict[str, str]:
    """Each JSON key of a choice element (``valueString``, ``_valueString``) → its group (``value``)."""
    found = _CHOICE_KEYS.get(definition.name)
    if found is None:
        found = {}
        for group, names in definition.choices.items():
            for name in names:
                found[name] = found[f"_{name}"] = group
        _CHOICE_KEYS[definition.name] = found
    return found


@dataclass(frozen=True, slots=True)
class Reference:
    """A Reference element met on the walk."""

    path: str  # FHIRPath with indexes: Bundle.entry[3].resource.subject
    element: str  # resource type and element names: Communication.subject
    data: dict[str, Any]
    entry: int | None  # the Bundle entry it belongs to


@dataclass
class Walk:
    """The issues and references of one walk; ``add`` receives (rule, location, node, params)."""

    add: Callable[..., None]
    references: list[Reference] = field(default_factory=list)
    _contained: list[frozenset[str]] = field(default_factory=list)
    _entry: int | None = None

    # --- resources ------------------------------------------------------------------------------
    def resource(self, data: dict[str, Any], path: str, depth: int) -> None:
        resource_type = data.get("resourceType")
        if not isinstance(resource_type, str):
            self.add(r.RESOURCE_TYPE, path, data, problem=_NO_TYPE)
            return
        if not is_resource_type(resource_type):
            problem = Bilingual(
                f"'{resource_type[:60]}' er ikke en FHIR R4-ressourcetype",
                f"'{resource_type[:60]}' is not a FHIR R4 resource type",
            )
            self.add(r.RESOURCE_TYPE, path, data, problem=problem)
            return
        if resource_type in R4B_ONLY:
            self.add(r.R4B_ONLY, path, data, name=resource_type)
        contained = data.get("contained")
        ids = (
            frozenset(c["id"] for c in contained if isinstance(c, dict) and isinstance(c.get("id"), str))
            if isinstance(contained, list)
            else frozenset()
        )
        self._contained.append(ids)
        self._object(data, type_def(resource_type), path, resource_type, depth)
        self._contained.pop()

    # --- elements -------------------------------------------------------------------------------
    def _object(self, data: dict[str, Any], definition: TypeDef, path: str, element: str, depth: int) -> None:
        if depth > MAX_DEPTH:
            self.add(r.TOO_DEEP, path, data, limit=MAX_DEPTH)
            return
        elements = definition.elements
        plain = _plain(definition)
        bundle = definition.name == "Bundle"
        for key, value in data.items():
            if key in plain and value.__class__ is str and value:
                continue  # most elements of a message: a string that needs no more than being one
            element_def = elements.get(key)
            if element_def is None:
                if key[:1] == "_":  # no element name begins with "_": this is a primitive's id/extension
                    element_def = elements.get(key[1:])
                    if element_def is not None and element_def.shape is Shape.PRIMITIVE:
                        self._primitive_extras(
                            value, element_def, data, f"{path}.{key}", f"{element}.{key[1:]}", depth
                        )
                continue  # resourceType, fhir_comments, or unknown: R4B names unknown elements
            child = f"{path}.{key}"
            if value is None:
                self.add(r.EMPTY, child, data, how=_HOW["null"])
            elif element_def.many:
                if not isinstance(value, list):
                    self._json_type(child, data, value, element_def, "array")
                elif not value:
                    self.add(r.EMPTY, child, data, how=_HOW["array"])
                else:
                    self._items(data, key, value, element_def, child, f"{element}.{key}", depth, bundle)
            elif isinstance(value, list):
                self._json_type(child, data, value, element_def, "single")
            else:
                self._value(value, element_def, child, f"{element}.{key}", data, depth)
        for name in definition.required:
            if name not in data and f"_{name}" not in data:
                self.add(r.REQUIRED, f"{path}.{name}", data, type=definition.name)
        if definition.choices:
            self._choices(data, definition, path)
        if definition.name == "Extension":
            self._extension(data, path)

    def _items(
        self,
        data: dict[str, Any],
        key: str,
        value: list[Any],
        element_def: ElementDef,
        child: str,
        element: str,
        depth: int,
        bundle: bool,
    ) -> None:
        """The values of a repeating element; a string of a plain type needs no path unless it is wrong."""
        extras = data.get(f"_{key}")
        entries = bundle and key == "entry"
        plain = _is_plain(element_def)
        for index, item in enumerate(value):
            if plain and item.__class__ is str and item:
                continue
            if entries:
                self._entry = index
            if item is None:
                aligned = isinstance(extras, list) and index < len(extras) and extras[index]
                if not aligned:
                    self.add(r.EMPTY, f"{child}[{index}]", data, how=_HOW["null"])
                continue
            self._value(item, element_def, f"{child}[{index}]", element, data, depth)
        if entries:
            self._entry = None

    def _choices(self, data: dict[str, Any], definition: TypeDef, path: str) -> None:
        # Which groups the object uses, from its own few keys, rather than trying every name of every
        # group (value[x] alone has 50): most objects use one group or none.
        keys = _choice_keys(definition)
        present = {keys[k] for k in data if k in keys}
        for group, names in definition.choices.items():
            if group in present:
                used = [n for n in names if n in data or f"_{n}" in data]
                if len(used) > 1:
                    problem = Bilingual(
                        f"har flere former ({', '.join(used)}); kun én er tilladt.",
                        f"has several forms ({', '.join(used)}); only one is allowed.",
                    )
                    self.add(r.CHOICE, f"{path}.{group}", data, element=f"{path}.{group}", problem=problem)
            elif group in definition.required_choices:
                shown = ", ".join(names[:6]) + (" …" if len(names) > 6 else "")
                problem = Bilingual(f"mangler; angiv én af {shown}.", f"is missing; give one of {shown}.")
                self.add(r.CHOICE, f"{path}.{group}", data, element=f"{path}.{group}", problem=problem)

    def _value(
        self, value: Any, element_def: ElementDef, path: str, element: str, parent: dict[str, Any], depth: int
    ) -> None:
        shape = element_def.shape
        if shape is Shape.PRIMITIVE:
            self._primitive(value, element_def, path, parent)
        elif shape is Shape.COMPLEX:
            if not isinstance(value, dict):
                self._json_type(path, parent, value, element_def, "object")
            elif not value:
                self.add(r.EMPTY, path, parent, how=_HOW["object"])
            else:
                kind = element_def.type
                if kind in R4B_ONLY:
                    self.add(r.R4B_ONLY, path, value, name=kind)
                elif kind == "Reference":
                    self._reference(value, path, element)
                self._object(value, type_def(kind), path, element, depth + 1)
        elif shape is Shape.RESOURCE:
            if not isinstance(value, dict):
                self._json_type(path, parent, value, element_def, "object")
            else:
                self.resource(value, path, depth + 1)
        elif not isinstance(value, str):
            self._json_type(path, parent, value, element_def, "string")
        else:
            self._narrative(value, path, parent)

    def _primitive(self, value: Any, element_def: ElementDef, path: str, parent: dict[str, Any]) -> None:
        kind = element_def.type
        if kind == "boolean":
            if not isinstance(value, bool):
                self._json_type(path, parent, value, element_def, "boolean")
            return
        if kind in _INTEGERS or kind == "decimal":
            if isinstance(value, bool) or not isinstance(value, int | float):
                self._json_type(path, parent, value, element_def, "number")
            return
        if not isinstance(value, str):
            self._json_type(path, parent, value, element_def, "string")
            return
        if not value:
            self.add(r.EMPTY, path, parent, how=_HOW["string"])
            return
        codes = element_def.codes
        if codes is not None and value not in codes:
            self.add(r.CODE_INVALID, path, parent, code=value, element=path, allowed=", ".join(sorted(codes)))
        elif kind in _URIS:
            if _WHITESPACE.search(value):
                self.add(r.URI_INVALID, path, parent, element=path, value=value[:200])
        elif kind in ("dateTime", "instant"):
            if "T" in value and _DATETIME_WITH_TIME.match(value) and not _ZONE.search(value):
                self.add(r.TIMEZONE, path, parent, value=value, example=value[:19] + "+01:00")
        elif kind == "id" and len(value) > 64:
            expected = Bilingual("et gyldigt id (højst 64 tegn)", "a valid id (at most 64 characters)")
            self.add(
                r.VALUE_INVALID,
                path,
                parent,
                value=repr(value[:70]),
                expected=expected,
                detail=f"{len(value)}",
            )

    def _primitive_extras(
        self, value: Any, element_def: ElementDef, parent: dict[str, Any], path: str, element: str, depth: int
    ) -> None:
        items = value if isinstance(value, list) and element_def.many else [value]
        extension_def = type_def("Extension")
        for index, item in enumerate(items):
            item_path = f"{path}[{index}]" if element_def.many else path
            if item is None:
                continue  # aligned with a value that has no id or extension
            if not isinstance(item, dict) or not item:
                self.add(r.EMPTY, item_path, parent, how=_HOW["object"])
                continue
            extensions = item.get("extension")
            if isinstance(extensions, list):
                for n, extension in enumerate(extensions):
                    if isinstance(extension, dict):
                        self._object(
                            extension, extension_def, f"{item_path}.extension[{n}]", element, depth + 1
                        )

    def _json_type(
        self, path: str, parent: dict[str, Any], value: Any, element_def: ElementDef, expected: str
    ) -> None:
        found = _JSON_NAMES.get(type(value), Bilingual(type(value).__name__, type(value).__name__))
        self.add(
            r.JSON_TYPE,
            path,
            parent,
            element=path,
            found=found,
            type=element_def.type,
            expected=_EXPECTED[expected],
        )

    # --- special types --------------------------------------------------------------------------
    def _reference(self, value: dict[str, Any], path: str, element: str) -> None:
        target = value.get("reference")
        if isinstance(target, str) and target.startswith("#"):
            local = target[1:]
            if local and local not in (self._contained[-1] if self._contained else frozenset()):
                self.add(r.CONTAINED_UNRESOLVED, path, value, reference=target, id=local)
            return
        self.references.append(Reference(path, element, value, self._entry))

    def _extension(self, data: dict[str, Any], path: str) -> None:
        has_value = any(k.startswith("value") for k in data) or any(k.startswith("_value") for k in data)
        has_children = bool(data.get("extension"))
        if has_value == has_children:
            how = _BOTH if has_value else _NEITHER
            self.add(r.EXTENSION_VALUE, path, data, url=str(data.get("url", "?"))[:200], how=how)

    def _narrative(self, div: str, path: str, parent: dict[str, Any]) -> None:
        stripped = div.lstrip()
        if not stripped.startswith("<div") or "http://www.w3.org/1999/xhtml" not in stripped[:200]:
            what = Bilingual(
                'ikke en <div> i XHTML-navnerummet (xmlns="http://www.w3.org/1999/xhtml")',
                'no <div> in the XHTML namespace (xmlns="http://www.w3.org/1999/xhtml")',
            )
            self.add(r.NARRATIVE_HTML, path, parent, element=path, what=what)
            return
        names = set(_TAG_NAME.findall(div))
        if not names <= _HTML_ELEMENTS:  # a name in upper case, or not basic HTML
            names = {name.lower() for name in names}
            if not names <= _HTML_ELEMENTS:
                name = sorted(names - _HTML_ELEMENTS)[0]
                what = Bilingual(f"elementet <{name}>", f"the element <{name}>")
                self.add(r.NARRATIVE_HTML, path, parent, element=path, what=what)
                return
        # _ACTIVE tries both alternatives at every character of every tag; it can only match where
        # whitespace precedes "on" or the letters "java" occur, which two scans in C rule out at once.
        active = _ACTIVE.search(div) if _ON.search(div) or "java" in div.lower() else None
        if active is not None:
            shown = active.group(1) or active.group(2)
            what = Bilingual(f"'{shown}'", f"'{shown}'")
            self.add(r.NARRATIVE_HTML, path, parent, element=path, what=what)
            return
        # Text is left once the markup is gone (an entity is text too, so it needs no replacing).
        if "<img" not in div and not _MARKUP.sub("", div).strip():
            self.add(r.NARRATIVE_EMPTY, path, parent, element=path)


_NO_TYPE = Bilingual(
    'ressourcen har intet "resourceType"; en ressource i JSON begynder med "resourceType": "<Type>"',
    'the resource has no "resourceType"; a resource in JSON starts with "resourceType": "<Type>"',
)
_HOW = {
    "null": Bilingual("null", "null"),
    "array": Bilingual("et tomt array", "an empty array"),
    "object": Bilingual("et tomt objekt", "an empty object"),
    "string": Bilingual("en tom streng", "an empty string"),
}
_BOTH = Bilingual("både en værdi og under-extensions", "both a value and nested extensions")
_NEITHER = Bilingual("hverken en værdi eller under-extensions", "neither a value nor nested extensions")


def walk(
    resource: dict[str, Any], add: Callable[[Rule, str | None, object], None] | Callable[..., None]
) -> Walk:
    """Walk a resource (usually the message Bundle); issues go to ``add``; returns the references met."""
    state = Walk(add)
    state.resource(resource, str(resource.get("resourceType", "?")), 0)
    return state
