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

from ..core.lang import Bilingual
from ..core.rules import Rule
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
# Where _ACTIVE could find an event handler: whitespace and "on", with the same flags (see _could_be_active).
_ON = re.compile(r"\son", re.IGNORECASE)
# A character of text right after a tag: what _MARKUP leaves behind cannot then be blank.
# Latin-1 folded for _could_be_active: ASCII capitals to small letters, whitespace (as \s) to a space.
_FOLD = bytes(32 if chr(i).isspace() else i + 32 if 65 <= i <= 90 else i for i in range(256))
_TEXT = re.compile(r">\s*[^<\s]")
_WHITESPACE = re.compile(r"\s")
_MARKUP = re.compile(r"<[^>]*>")


# How the walk passes a value that is fine without writing its path (most values of a message are):
# by the element's type, worked out once per FHIR type (see _plan). Anything else takes the full way.
_STRING, _COMPLEX, _CODE, _URI, _DATETIME, _ID, _BOOLEAN, _NUMBER = range(8)
_PLANS: dict[str, dict[str, tuple[int, Any, bool, ElementDef]]] = {}
_CHOICE_KEYS: dict[str, dict[str, tuple[str, str]]] = {}


def _quick(element_def: ElementDef) -> tuple[int, Any, bool, ElementDef]:
    """The quick check for one element's values, its argument (the codes, the complex type), whether
    the element repeats, and its definition."""
    kind, many = element_def.type, element_def.many
    if element_def.shape is Shape.COMPLEX:
        return _COMPLEX, kind, many, element_def
    if element_def.shape is not Shape.PRIMITIVE:
        return -1, None, many, element_def
    if kind == "boolean":
        return _BOOLEAN, None, many, element_def
    if kind in _INTEGERS or kind == "decimal":
        return _NUMBER, None, many, element_def
    if element_def.codes is not None:
        return _CODE, element_def.codes, many, element_def
    if kind in _URIS:
        return _URI, None, many, element_def
    if kind in ("dateTime", "instant"):
        return _DATETIME, None, many, element_def
    if kind == "id":
        return _ID, None, many, element_def
    return _STRING, None, many, element_def


def _plan(definition: TypeDef) -> dict[str, tuple[int, Any, bool, ElementDef]]:
    """Each element of a type → its quick check (see :func:`_quick`), worked out once per type."""
    found = _PLANS.get(definition.name)
    if found is None:
        found = {name: _quick(e) for name, e in definition.elements.items()}
        _PLANS[definition.name] = found
    return found


def _fine(check: int, argument: Any, value: Any) -> bool:
    """True when a primitive value passes everything :meth:`Walk._primitive` checks."""
    if check == _BOOLEAN:
        return value.__class__ is bool
    if check == _NUMBER:
        return value.__class__ is int or value.__class__ is float
    if value.__class__ is not str or not value:
        return False
    if check == _STRING:
        return True
    if check == _CODE:
        return value in argument
    if check == _URI:
        return _WHITESPACE.search(value) is None
    if check == _DATETIME:
        return "T" not in value or not _DATETIME_WITH_TIME.match(value) or _ZONE.search(value) is not None
    return check == _ID and len(value) <= 64


def _choice_keys(definition: TypeDef) -> dict[str, tuple[str, str]]:
    """Each JSON key of a choice element (``valueString``, ``_valueString``) → its group and form
    (``value``, ``valueString``)."""
    found = _CHOICE_KEYS.get(definition.name)
    if found is None:
        found = {}
        for group, names in definition.choices.items():
            for name in names:
                found[name] = found[f"_{name}"] = (group, name)
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
        plan = _plan(definition)
        bundle = definition.name == "Bundle"
        for key, value in data.items():
            quick = plan.get(key)
            if quick is None:
                if key[:1] == "_":  # no element name begins with "_": this is a primitive's id/extension
                    element_def = elements.get(key[1:])
                    if element_def is not None and element_def.shape is Shape.PRIMITIVE:
                        self._primitive_extras(
                            value, element_def, data, f"{path}.{key}", f"{element}.{key[1:]}", depth
                        )
                continue  # resourceType, fhir_comments, or unknown: R4B names unknown elements
            check, argument, many, element_def = quick
            if not many:  # the common cases first, without writing a path for what is fine
                if check == _STRING:
                    if value.__class__ is str and value:
                        continue
                elif check == _COMPLEX:
                    if value.__class__ is dict and value:
                        self._complex(value, argument, f"{path}.{key}", f"{element}.{key}", depth)
                        continue
                elif _fine(check, argument, value):
                    continue
            child = f"{path}.{key}"
            if value is None:
                self.add(r.EMPTY, child, data, how=_HOW["null"])
            elif many:
                if not isinstance(value, list):
                    self._json_type(child, data, value, element_def, "array")
                elif not value:
                    self.add(r.EMPTY, child, data, how=_HOW["array"])
                else:
                    self._items(
                        data,
                        key,
                        value,
                        element_def,
                        check,
                        argument,
                        child,
                        f"{element}.{key}",
                        depth,
                        bundle,
                    )
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
        check: int,
        argument: Any,
        child: str,
        element: str,
        depth: int,
        bundle: bool,
    ) -> None:
        """The values of a repeating element; one that is fine needs no path of its own."""
        extras = data.get(f"_{key}")
        entries = bundle and key == "entry"
        for index, item in enumerate(value):
            if entries:
                self._entry = index
            if check == _COMPLEX:
                if item.__class__ is dict and item:
                    self._complex(item, argument, f"{child}[{index}]", element, depth)
                    continue
            elif check >= 0 and _fine(check, argument, item):
                continue
            if item is None:
                aligned = isinstance(extras, list) and index < len(extras) and extras[index]
                if not aligned:
                    self.add(r.EMPTY, f"{child}[{index}]", data, how=_HOW["null"])
                continue
            self._value(item, element_def, f"{child}[{index}]", element, data, depth)
        if entries:
            self._entry = None

    def _complex(self, value: dict[str, Any], kind: str, path: str, element: str, depth: int) -> None:
        """A non-empty object of a complex type (what :meth:`_value` does for one)."""
        if kind in R4B_ONLY:
            self.add(r.R4B_ONLY, path, value, name=kind)
        elif kind == "Reference":
            self._reference(value, path, element)
        self._object(value, type_def(kind), path, element, depth + 1)

    def _choices(self, data: dict[str, Any], definition: TypeDef, path: str) -> None:
        # Which forms the object uses, from its own few keys, rather than trying every name of every
        # group (value[x] alone has 50): most objects use one form of a group, or none.
        keys = _choice_keys(definition)
        present: dict[str, str | None] = {}  # group → the one form used, or None for several
        for key in data:
            hit = keys.get(key)
            if hit is not None:
                group, name = hit
                if present.setdefault(group, name) != name:
                    present[group] = None
        for group, names in definition.choices.items():
            if group in present:
                if present[group] is None:
                    used = [n for n in names if n in data or f"_{n}" in data]
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
                self._complex(value, element_def.type, path, element, depth)
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
        active = _ACTIVE.search(div) if _could_be_active(div) else None
        if active is not None:
            shown = active.group(1) or active.group(2)
            what = Bilingual(f"'{shown}'", f"'{shown}'")
            self.add(r.NARRATIVE_HTML, path, parent, element=path, what=what)
            return
        # Text is left once the markup is gone (an entity is text too, so it needs no replacing); text
        # right after a tag, found by a search that stops there, settles it without removing markup.
        if "<img" not in div and _TEXT.search(div) is None and not _MARKUP.sub("", div).strip():
            self.add(r.NARRATIVE_EMPTY, path, parent, element=path)


def _could_be_active(div: str) -> bool:
    """False when :data:`_ACTIVE` cannot match, found without it (it tries both of its alternatives at
    every character of every tag, which made it most of the cost of a narrative).

    A match needs the letters "java" in any case, or whitespace and "on" in any case inside a tag
    (after a "<" with no ">" between). A narrative that fits in Latin-1 (nearly all) is folded in one
    pass of ``bytes.translate`` (A-Z to a-z, every whitespace to a space), where both are plain
    substring searches; only a narrative with whitespace before "on" is looked at more closely.
    """
    try:
        folded: bytes | None = div.encode("latin-1").translate(_FOLD)
    except UnicodeEncodeError:
        folded = None
    if folded is not None:
        if b"java" in folded:
            return True
        if b" on" not in folded:
            return False
    elif "java" in div.lower():
        return True
    for found in _ON.finditer(div):
        at = found.start()
        if div.rfind("<", 0, at) > div.rfind(">", 0, at):
            return True
    return False


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
