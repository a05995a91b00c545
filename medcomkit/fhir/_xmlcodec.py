"""FHIR's XML representation ⇄ its JSON representation, driven by the R4B type definitions.

medcomkit validates and builds the JSON form (a ``dict``); FHIR XML is read into the same dict and
written from it, following the FHIR R4 XML rules: primitives carry ``value`` attributes with their
``id`` and extensions beside them (``_name`` in JSON), elements carry ``id`` as an attribute,
``Extension.url`` is an attribute, resources sit inside a container element, and the narrative is
XHTML kept as a string. XML input is always parsed by :func:`medcomkit.core.xml.parse_xml` first.

Reading never raises for content it can represent; what breaks FHIR's XML rules (a repeated
single element, text where only elements belong, a malformed number) becomes an issue.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping
from typing import Any

from lxml import etree

from ..core.errors import BuildError, ParseError
from ..core.lang import Bilingual
from ..core.report import Issue
from ..core.xml import parse_xml
from . import rules as r
from ._resources import ElementDef, Shape, TypeDef, is_resource_type, type_def

__all__ = ["FHIR_NS", "XHTML_NS", "json_to_xml", "xml_to_json"]

FHIR_NS = "http://hl7.org/fhir"
XHTML_NS = "http://www.w3.org/1999/xhtml"
MAX_DEPTH = 64  # a MedCom message nests about 10 levels; anything this deep is hostile or broken
_F = f"{{{FHIR_NS}}}"
_X = f"{{{XHTML_NS}}}"
_INTEGER = re.compile(r"-?[0-9]+")
_DECIMAL = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")
_INTEGER_TYPES = frozenset({"integer", "integer64", "unsignedInt", "positiveInt"})


def _too_deep() -> ParseError:
    return ParseError(r.TOO_DEEP.id, r.TOO_DEEP.text.format(limit=MAX_DEPTH))


_DIV_OPEN = re.compile(r"<div(?=[\s/>])[^>]*?xmlns\s*=\s*(['\"])http://www\.w3\.org/1999/xhtml\1[^>]*>")
_DIV_TAG = re.compile(r"<(/?)div(?=[\s/>])[^>]*?(/?)>")


def narrative_spans(source: str) -> list[str]:
    """The narrative ``<div>``s of an XML text exactly as written, in document order (best effort).

    Used to keep the XHTML verbatim (quote style, character references) when reading XML; each
    span is verified against the parsed element before it is used.
    """
    spans: list[str] = []
    position = 0
    while (opening := _DIV_OPEN.search(source, position)) is not None:
        start, end = opening.start(), opening.end()
        if opening.group(0).endswith("/>"):
            spans.append(source[start:end])
            position = end
            continue
        depth = 1
        while depth:
            tag = _DIV_TAG.search(source, end)
            if tag is None:
                return spans
            if tag.group(1):
                depth -= 1
            elif not tag.group(2):
                depth += 1
            end = tag.end()
        spans.append(source[start:end])
        position = end
    return spans


def _canonical(element: etree._Element) -> bytes:
    return etree.tostring(element, method="c14n", exclusive=True)


class _Reader:
    """One XML document to JSON; remembers the line of every JSON object it creates."""

    def __init__(self, spans: list[str]) -> None:
        self.lines: dict[int, int] = {}
        self.issues: list[Issue] = []
        self._spans = spans
        self._next_span = 0

    def _line(self, data: dict[str, Any], element: etree._Element) -> None:
        line: object = element.sourceline
        if isinstance(line, int):
            self.lines[id(data)] = line

    def narrative(self, div: etree._Element) -> str:
        """The narrative as written in the source when that can be verified, else as lxml writes it."""
        if self._next_span < len(self._spans):
            span = self._spans[self._next_span]
            self._next_span += 1
            try:
                if _canonical(parse_xml(span.encode("utf-8")).root) == _canonical(div):
                    return span
            except (ParseError, ValueError):
                pass
        return etree.tostring(div, encoding="unicode", with_tail=False)

    def resource(self, element: etree._Element, path: str, depth: int) -> dict[str, Any]:
        name = etree.QName(element).localname
        data: dict[str, Any] = {"resourceType": name}
        self._line(data, element)
        if not is_resource_type(name):
            return data  # the structural walk reports the unknown type
        self._children(element, type_def(name), data, path, depth)
        return data

    def complex(self, element: etree._Element, definition: TypeDef, path: str, depth: int) -> dict[str, Any]:
        data: dict[str, Any] = {}
        self._line(data, element)
        identifier = element.get("id")
        if identifier is not None:
            data["id"] = identifier
        url = element.get("url")
        if url is not None and "url" in definition.elements:
            data["url"] = url
        self._children(element, definition, data, path, depth)
        return data

    def _children(
        self, element: etree._Element, definition: TypeDef, data: dict[str, Any], path: str, depth: int
    ) -> None:
        if depth > MAX_DEPTH:
            raise _too_deep()
        if element.text and element.text.strip():
            self._text_issue(element, path)
        primitives: dict[str, tuple[list[Any], list[dict[str, Any] | None]]] = {}
        counts: dict[str, int] = {}
        for child in element:
            raw: object = child.tag
            if not isinstance(raw, str):
                continue  # comments and processing instructions
            tag = raw
            if child.tail and child.tail.strip():
                self._text_issue(element, path)
            if tag.startswith(_F):
                name = tag[len(_F) :]
            elif tag == f"{_X}div":
                name = "div"
            else:
                name = etree.QName(child).localname
            element_def = definition.elements.get(name)
            index = counts.get(name, 0)
            counts[name] = index + 1
            child_path = (
                f"{path}.{name}[{index}]"
                if element_def is not None and element_def.many
                else f"{path}.{name}"
            )
            if element_def is None or (not tag.startswith(_F) and element_def.shape is not Shape.XHTML):
                self._put(data, name, self._unknown(child, depth + 1), many=name in data)
            elif element_def.shape is Shape.PRIMITIVE:
                value, extra = self._primitive(child, element_def, child_path, depth)
                values, extras = primitives.setdefault(name, ([], []))
                values.append(value)
                extras.append(extra)
            elif element_def.shape is Shape.XHTML:
                data[name] = self.narrative(child)
            elif element_def.shape is Shape.RESOURCE:
                inner = next((c for c in child if isinstance(c.tag, str)), None)
                if inner is None:
                    continue  # an empty container: the walk reports the missing resource
                self._put_element(data, element_def, self.resource(inner, child_path, depth + 1), child_path)
            else:
                value_def = type_def(element_def.type)
                self._put_element(
                    data, element_def, self.complex(child, value_def, child_path, depth + 1), child_path
                )
        for name, (values, extras) in primitives.items():
            element_def = definition.elements[name]
            if not element_def.many and len(values) > 1:
                self.issues.append(
                    r.XML_REPEATED.issue(f"{path}.{name}", name=name, count=len(values), element=path)
                )
                values, extras = values[:1], extras[:1]
            if any(v is not None for v in values):
                data[name] = values if element_def.many else values[0]
            if any(e is not None for e in extras):
                data[f"_{name}"] = extras if element_def.many else extras[0]

    def _put_element(self, data: dict[str, Any], element_def: ElementDef, value: Any, path: str) -> None:
        name = element_def.name
        if element_def.many:
            data.setdefault(name, []).append(value)
        elif name in data:
            self.issues.append(
                r.XML_REPEATED.issue(path, name=name, count=2, element=path.rpartition(".")[0])
            )
        else:
            data[name] = value

    @staticmethod
    def _put(data: dict[str, Any], name: str, value: Any, *, many: bool) -> None:
        if many:
            existing = data[name]
            data[name] = [*existing, value] if isinstance(existing, list) else [existing, value]
        else:
            data[name] = value

    def _primitive(
        self, element: etree._Element, element_def: ElementDef, path: str, depth: int
    ) -> tuple[Any, dict[str, Any] | None]:
        raw = element.get("value")
        value: Any = raw
        if raw is not None:
            value = self._typed(raw, element_def.type, path)
        extra: dict[str, Any] | None = None
        identifier = element.get("id")
        extensions = [c for c in element if isinstance(c.tag, str)]
        if identifier is not None or extensions:
            extra = {}
            if identifier is not None:
                extra["id"] = identifier
            if extensions:
                extension_def = type_def("Extension")
                extra["extension"] = [
                    self.complex(c, extension_def, f"{path}.extension", depth + 1) for c in extensions
                ]
        return value, extra

    def _typed(self, raw: str, kind: str, path: str) -> Any:
        if kind == "boolean":
            if raw in ("true", "false"):
                return raw == "true"
        elif kind in _INTEGER_TYPES:
            if _INTEGER.fullmatch(raw):
                return int(raw)
        elif kind == "decimal":
            if _DECIMAL.fullmatch(raw):
                return int(raw) if _INTEGER.fullmatch(raw) else float(raw)
        else:
            return raw
        self.issues.append(
            r.VALUE_INVALID.issue(
                path,
                value=repr(raw),
                expected=Bilingual(f"en gyldig {kind}", f"a valid {kind}"),
                detail="XML",
            )
        )
        return None

    def _unknown(self, element: etree._Element, depth: int) -> Any:
        """An element the type does not have, kept as it is so the structural check can name it."""
        if depth > MAX_DEPTH:
            raise _too_deep()
        children = [c for c in element if isinstance(c.tag, str)]
        if not children:
            return element.get("value", element.text or "")
        data: dict[str, Any] = {}
        for child in children:
            name = etree.QName(child).localname
            self._put(data, name, self._unknown(child, depth + 1), many=name in data)
        return data

    def _text_issue(self, element: etree._Element, path: str) -> None:
        line: object = element.sourceline
        issue = r.XML_TEXT.issue(path, line if isinstance(line, int) else None, element=path)
        if issue not in self.issues:
            self.issues.append(issue)


def xml_to_json(
    root: etree._Element, source: str | None = None
) -> tuple[dict[str, Any], dict[int, int], list[Issue]]:
    """A FHIR XML resource as its JSON form, the line of each JSON object (by ``id()``) and any issues.

    ``source`` is the document's text, to keep narratives verbatim. Raises :class:`ParseError`
    when the root is not a FHIR resource.
    """
    tag = root.tag if isinstance(root.tag, str) else ""
    name = etree.QName(root).localname if tag else ""
    if not tag.startswith(_F) or not is_resource_type(name):
        namespace = etree.QName(root).namespace if tag else None
        reason = Bilingual(
            f"rodelementet er <{name}> i navnerummet {namespace or '(intet)'}",
            f"the root element is <{name}> in the namespace {namespace or '(none)'}",
        )
        raise ParseError(r.NOT_A_RESOURCE.id, r.NOT_A_RESOURCE.text.format(what="XML", reason=reason))
    reader = _Reader(narrative_spans(source) if source and "xhtml" in source else [])
    data = reader.resource(root, name, 0)
    return data, reader.lines, reader.issues


# --- writing ---------------------------------------------------------------------------------------


def _build_error(path: str, problem: str, problem_da: str) -> BuildError:
    return BuildError(
        "fhir.xml-build",
        Bilingual(
            f"Kan ikke skrive {path} som FHIR XML: {problem_da}",
            f"Cannot write {path} as FHIR XML: {problem}",
        ),
    )


class _Writer:
    def __init__(self) -> None:
        self.narratives: list[str] = []
        self.nonce = uuid.uuid4().hex

    def placeholder(self, div: str) -> etree._Element:
        """A comment standing in for a narrative, replaced by the verbatim XHTML after serialising."""
        self.narratives.append(div)
        return etree.Comment(f"{self.nonce}-{len(self.narratives) - 1}")

    def resource(self, parent: etree._Element | None, data: Mapping[str, Any], path: str) -> etree._Element:
        name = data.get("resourceType")
        if not isinstance(name, str) or not is_resource_type(name):
            raise _build_error(
                path, f"resourceType {name!r} is not a FHIR resource", f"resourceType {name!r} er ukendt"
            )
        element = (
            etree.Element(f"{_F}{name}", nsmap={None: FHIR_NS})  # type: ignore[dict-item]
            if parent is None
            else etree.SubElement(parent, f"{_F}{name}")
        )
        self._elements(element, data, type_def(name), path)
        return element

    def _complex(self, element: etree._Element, data: Any, definition: TypeDef, path: str) -> None:
        if not isinstance(data, Mapping):
            raise _build_error(path, "expected a JSON object", "forventede et JSON-objekt")
        if "id" in data:
            element.set("id", str(data["id"]))
        if definition.name == "Extension" and "url" in data:
            element.set("url", str(data["url"]))
        self._elements(element, data, definition, path)

    def _elements(
        self, element: etree._Element, data: Mapping[str, Any], definition: TypeDef, path: str
    ) -> None:
        for key in data:
            name = key[1:] if key.startswith("_") else key
            if key in ("resourceType", "fhir_comments") or name in definition.elements:
                continue
            raise _build_error(
                f"{path}.{key}",
                f"{definition.name} has no element {key!r}",
                f"{definition.name} har intet element {key!r}",
            )
        attributes = (
            () if definition.is_resource else ("id", "url") if definition.name == "Extension" else ("id",)
        )
        for name in definition.order:
            if name in attributes:
                continue
            value, extra = data.get(name), data.get(f"_{name}")
            if value is None and extra is None:
                continue
            element_def = definition.elements[name]
            child_path = f"{path}.{name}"
            if element_def.shape is Shape.PRIMITIVE:
                self._primitives(element, element_def, value, extra, child_path)
                continue
            items = value if isinstance(value, list) else [value]
            for index, item in enumerate(items):
                item_path = f"{child_path}[{index}]" if element_def.many else child_path
                if element_def.shape is Shape.XHTML:
                    _xhtml(item, item_path)
                    element.append(self.placeholder(item))
                elif element_def.shape is Shape.RESOURCE:
                    container = etree.SubElement(element, f"{_F}{name}")
                    if not isinstance(item, Mapping):
                        raise _build_error(item_path, "expected a resource", "forventede en ressource")
                    self.resource(container, item, item_path)
                else:
                    child = etree.SubElement(element, f"{_F}{name}")
                    self._complex(child, item, type_def(element_def.type), item_path)

    def _primitives(
        self, element: etree._Element, element_def: ElementDef, value: Any, extra: Any, path: str
    ) -> None:
        values = value if isinstance(value, list) else [value]
        extras = extra if isinstance(extra, list) else [extra]
        for index in range(max(len(values), len(extras))):
            item = values[index] if index < len(values) else None
            item_extra = extras[index] if index < len(extras) else None
            child = etree.SubElement(element, f"{_F}{element_def.name}")
            if isinstance(item_extra, Mapping):
                if "id" in item_extra:
                    child.set("id", str(item_extra["id"]))
                extension_def = type_def("Extension")
                for n, extension in enumerate(item_extra.get("extension") or []):
                    sub = etree.SubElement(child, f"{_F}extension")
                    self._complex(sub, extension, extension_def, f"{path}.extension[{n}]")
            if item is not None:
                try:
                    child.set("value", _lexical(item))
                except ValueError as error:
                    raise _build_error(path, str(error), str(error)) from None


def _lexical(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    return str(value)


def _xhtml(value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise _build_error(
            path, "the narrative must be an XHTML string", "narrativen skal være en XHTML-streng"
        )
    try:
        div = parse_xml(value.encode("utf-8")).root
    except ParseError as error:
        raise _build_error(
            path, f"the narrative is not well-formed XHTML: {error.text.en}", error.text.da
        ) from None
    if div.tag != f"{_X}div":
        raise _build_error(
            path, "the narrative must be an XHTML <div>", "narrativen skal være en XHTML-<div>"
        )
    return value


def _indent(element: etree._Element, level: int = 0) -> None:
    """Indent FHIR elements two spaces a level, leaving the XHTML narrative exactly as it is.

    No whitespace follows the narrative: some readers (fhir.resources) keep it as part of the XHTML.
    """
    children = list(element)
    if not children:
        return
    inner = "\n" + "  " * (level + 1)
    element.text = inner
    for child in children:
        if isinstance(child.tag, str) and child.tag.startswith(_F):
            _indent(child, level + 1)
        child.tail = inner
    children[-1].tail = "\n" + "  " * level
    for child in children:
        tag: object = child.tag
        if not isinstance(tag, str):  # a narrative placeholder
            child.tail = None


def json_to_xml(resource: Mapping[str, Any], *, pretty: bool = True) -> bytes:
    """FHIR XML bytes (UTF-8, with declaration) for a resource in JSON form; raises :class:`BuildError`."""
    writer = _Writer()
    root = writer.resource(None, resource, str(resource.get("resourceType", "?")))
    if pretty:
        _indent(root)
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    for number, div in enumerate(writer.narratives):
        data = data.replace(f"<!--{writer.nonce}-{number}-->".encode("ascii"), div.encode("utf-8"), 1)
    return data
