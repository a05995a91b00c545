"""The one façade over ``fhir.resources.R4B``: what FHIR's base model knows, and its verdict on a resource.

fhir.resources 8.x has no FHIR R4 (4.0.1) model set, only R4B (4.3.0), which is close enough for
the messaging resources MedCom uses (see the project's stack notes). Everything medcomkit needs
from it goes through here, so the import cost and the R4-versus-R4B choice live in one module:

- :func:`type_def` describes any FHIR type as medcomkit reads it (element names, cardinality,
  primitive types, the codes of base required bindings), derived once from the R4B models. The
  structural walk and the XML codec are driven by it.
- :func:`model_issues` runs R4B's own parse of a JSON resource and translates pydantic's errors
  into issues with FHIRPath locations and bilingual text.

Output medcomkit writes still declares FHIR 4.0.1; R4B-only content is flagged (``R4B_ONLY``).
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from enum import Enum
from functools import cache
from types import NoneType, UnionType
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from fhir_core.fhirabstractmodel import FHIRAbstractModel
from fhir_core.types import FhirBase
from pydantic import ValidationError

from ..core.lang import Bilingual
from ..core.report import Issue
from . import rules as r

__all__ = [
    "R4B_ONLY",
    "ElementDef",
    "Shape",
    "TypeDef",
    "is_resource_type",
    "locate",
    "model_issues",
    "type_def",
]


class Shape(Enum):
    """How an element is written: a primitive value, a nested element, a whole resource, or XHTML."""

    PRIMITIVE = "primitive"
    COMPLEX = "complex"
    RESOURCE = "resource"
    XHTML = "xhtml"


@dataclass(frozen=True, slots=True)
class ElementDef:
    """One element of a FHIR type, as its JSON property ``name``."""

    name: str
    many: bool
    shape: Shape
    type: str  # FHIR primitive type ("dateTime") or the R4B class name of a complex type ("Reference")
    required: bool
    codes: frozenset[str] | None  # the codes of a required binding the base specification fixes
    choice: str | None  # the choice group ("value" for valueString …)


@dataclass(frozen=True, slots=True)
class TypeDef:
    """A FHIR type: its elements in specification order, its choice groups and required elements."""

    name: str
    is_resource: bool
    elements: dict[str, ElementDef]
    order: tuple[str, ...]
    choices: dict[str, tuple[str, ...]]
    required_choices: frozenset[str]
    required: tuple[str, ...]


# Types and resources FHIR R4B added; an R4 (4.0.1) receiver does not know them.
R4B_ONLY_TYPES = frozenset({"CodeableReference", "RatioRange"})
R4B_ONLY_RESOURCES = frozenset(
    {
        "AdministrableProductDefinition",
        "Citation",
        "ClinicalUseDefinition",
        "EvidenceReport",
        "Ingredient",
        "ManufacturedItemDefinition",
        "NutritionProduct",
        "PackagedProductDefinition",
        "RegulatedAuthorization",
        "SubscriptionStatus",
        "SubscriptionTopic",
    }
)
R4B_ONLY = R4B_ONLY_TYPES | R4B_ONLY_RESOURCES

# fhir_core's metadata class names → FHIR primitive type names.
_PRIMITIVES = {
    "String": "string",
    "Code": "code",
    "Id": "id",
    "Markdown": "markdown",
    "Uri": "uri",
    "Url": "url",
    "Canonical": "canonical",
    "Oid": "oid",
    "UuidVersion": "uuid",
    "Uuid": "uuid",
    "Date": "date",
    "DateTime": "dateTime",
    "Instant": "instant",
    "Time": "time",
    "Decimal": "decimal",
    "Integer": "integer",
    "Integer64": "integer64",
    "UnsignedInt": "unsignedInt",
    "PositiveInt": "positiveInt",
    "EncodedBytes": "base64Binary",
    "Base64Binary": "base64Binary",
    "Xhtml": "xhtml",
}


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """The element type inside ``Optional[List[...]]`` and whether it repeats."""
    many = False
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Union or origin is UnionType:
            annotation = next(a for a in typing.get_args(annotation) if a is not NoneType)
        elif origin is list:
            many = True
            annotation = typing.get_args(annotation)[0]
        else:
            return annotation, many


_OBSERVATION_STATUS = "registered preliminary final amended corrected cancelled entered-in-error unknown"
# fhir.resources cuts some code lists short with "+" ("and more"); these are the whole R4 lists.
_WHOLE_CODE_LISTS: dict[tuple[str, ...], str] = {
    ("registered", "preliminary", "final", "amended", "+"): _OBSERVATION_STATUS,
    ("barcode", "rfid", "manual", "+"): "barcode rfid manual card self-reported unknown",
    (
        "active",
        "completed",
        "entered-in-error",
        "+",
    ): "active completed entered-in-error intended stopped on-hold",
    ("registered", "partial", "preliminary", "final", "+"): (
        "registered partial preliminary final amended corrected appended cancelled entered-in-error unknown"
    ),
    ("planned", "arrived", "triaged", "in-progress", "onleave", "finished", "cancelled", "+"): (
        "planned arrived triaged in-progress onleave finished cancelled entered-in-error unknown"
    ),
    ("group", "display", "boolean", "decimal", "integer", "date", "dateTime", "+"): (
        "group display question boolean decimal integer date dateTime time string text url choice "
        "open-choice attachment reference quantity"
    ),
    ("create", "copy", "+"): (
        "create copy truncate escape cast append translate reference dateOp uuid pointer evaluate "
        "cc c qty id cp"
    ),
    (
        "draft",
        "active",
        "suspended",
        "+",
    ): "draft active suspended cancelled completed entered-in-error unknown",
    ("draft", "requested", "received", "accepted", "+"): (
        "draft requested received accepted rejected ready cancelled in-progress on-hold failed completed "
        "entered-in-error"
    ),
}


def _whole(codes: list[str] | None) -> frozenset[str] | None:
    if not codes:
        return None
    if "+" not in codes:
        return frozenset(codes)
    whole = _WHOLE_CODE_LISTS.get(tuple(codes))
    return frozenset(whole.split()) if whole else None  # a list we cannot complete is not checked


def _element(name: str, annotation: Any, extra: dict[str, Any], required: bool) -> ElementDef | None:
    inner, many = _unwrap(annotation)
    choice = extra.get("one_of_many")
    frozen = _whole(extra.get("enum_values"))
    if typing.get_origin(inner) is typing.Annotated:
        metadata = typing.get_args(inner)[1:]
        kind = _PRIMITIVES.get(type(metadata[0]).__name__, "string") if metadata else "string"
        shape = Shape.XHTML if kind == "xhtml" else Shape.PRIMITIVE
        return ElementDef(name, many, shape, kind, required, frozen, choice)
    if inner is bool:
        return ElementDef(name, many, Shape.PRIMITIVE, "boolean", required, frozen, choice)
    if isinstance(inner, type) and issubclass(inner, FhirBase):
        model = inner.get_model_klass()
        type_name = model.__name__
        shape = Shape.RESOURCE if type_name in ("Resource", "DomainResource") else Shape.COMPLEX
        return ElementDef(name, many, shape, type_name, required, frozen, choice)
    return None


@cache
def type_def(name: str) -> TypeDef:
    """The definition of a FHIR type or resource by its R4B class name; ``KeyError`` if unknown."""
    try:
        model: type[FHIRAbstractModel] = get_fhir_model_class(name)
    except ValueError:
        raise KeyError(name) from None
    elements: dict[str, ElementDef] = {}
    choices: dict[str, list[str]] = {}
    required_choices: set[str] = set()
    for field_name, field in model.model_fields.items():
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        if not extra.get("element_property"):
            continue
        alias = field.alias or field_name
        required = bool(extra.get("element_required")) or field.is_required()
        element = _element(alias, field.annotation, extra, required)
        if element is None:
            continue
        elements[alias] = element
        if element.choice:
            choices.setdefault(element.choice, []).append(alias)
            if extra.get("one_of_many_required"):
                required_choices.add(element.choice)
    order = tuple(n for n in model.elements_sequence() if n in elements)
    order += tuple(n for n in elements if n not in order)
    return TypeDef(
        name=name,
        is_resource=model.has_resource_base(),
        elements=elements,
        order=order,
        choices={k: tuple(v) for k, v in choices.items()},
        required_choices=frozenset(required_choices),
        required=tuple(n for n, e in elements.items() if e.required and not e.choice),
    )


@cache
def is_resource_type(name: str) -> bool:
    """True when ``name`` is a FHIR resource type R4B knows (``Patient``, not ``HumanName``)."""
    if not name or not name[0].isupper() or not name.isalnum():
        return False
    try:
        model = get_fhir_model_class(name)
    except (ValueError, ImportError):
        return False
    return model.__name__ == name and model.has_resource_base() and name not in ("Resource", "DomainResource")


def locate(resource: dict[str, Any], loc: tuple[str | int, ...]) -> tuple[TypeDef | None, ElementDef | None]:
    """The type holding the element a pydantic error location points at, and that element's definition.

    Follows the data, so it crosses resource containers (``entry.resource``) into the right type.
    """
    definition: TypeDef | None = type_def(str(resource["resourceType"]))
    node: Any = resource
    for part in loc[:-1]:
        if isinstance(part, int):
            node = node[part] if isinstance(node, list) and -len(node) <= part < len(node) else None
        else:
            element = definition.elements.get(part.lstrip("_")) if definition is not None else None
            node = node.get(part) if isinstance(node, dict) else None
            complex_element = element is not None and element.shape is Shape.COMPLEX and part[0] != "_"
            definition = type_def(element.type) if complex_element and element is not None else None
        if isinstance(node, dict) and is_resource_type(str(node.get("resourceType", ""))):
            definition = type_def(node["resourceType"])  # a resource container: entry.resource, contained
    last = loc[-1] if loc else None
    if definition is None or not isinstance(last, str):
        return definition, None
    return definition, definition.elements.get(last.lstrip("_"))


# --- R4B's own verdict -----------------------------------------------------------------------------

# Errors the structural walk reports itself, with better words; R4B's version would only repeat them.
_WALKED = frozenset({"missing", "model_field_validation.missing", "list_type", "dict_type", "model_type"})
_FORMAT_HINTS: dict[str, Bilingual] = {
    "dateTime": Bilingual(
        "ÅÅÅÅ, ÅÅÅÅ-MM, ÅÅÅÅ-MM-DD eller ÅÅÅÅ-MM-DDTtt:mm:ss+zz:zz",
        "YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm:ss+zz:zz",
    ),
    "instant": Bilingual("ÅÅÅÅ-MM-DDTtt:mm:ss+zz:zz", "YYYY-MM-DDThh:mm:ss+zz:zz"),
    "date": Bilingual(
        "ÅÅÅÅ, ÅÅÅÅ-MM eller ÅÅÅÅ-MM-DD (en rigtig dato)", "YYYY, YYYY-MM or YYYY-MM-DD (a real date)"
    ),
    "time": Bilingual("tt:mm:ss", "hh:mm:ss"),
    "id": Bilingual(
        "1-64 tegn af A-Z, a-z, 0-9, '-' og '.'", "1-64 characters of A-Z, a-z, 0-9, '-' and '.'"
    ),
    "code": Bilingual(
        "tekst uden foranstillede, efterstillede eller dobbelte mellemrum",
        "text without leading, trailing or double spaces",
    ),
    "decimal": Bilingual("et decimaltal (JSON-tal)", "a decimal number (a JSON number)"),
    "integer": Bilingual("et heltal (JSON-tal)", "a whole number (a JSON number)"),
    "positiveInt": Bilingual("et positivt heltal", "a positive whole number"),
    "unsignedInt": Bilingual("et ikke-negativt heltal", "a non-negative whole number"),
    "boolean": Bilingual("true eller false", "true or false"),
    "base64Binary": Bilingual("base64-kodede data", "base64-encoded data"),
    "oid": Bilingual("urn:oid:<cifre og punktummer>", "urn:oid:<digits and dots>"),
    "uuid": Bilingual("urn:uuid:<uuid>", "urn:uuid:<uuid>"),
}


def fhir_path(root: str, loc: tuple[str | int, ...]) -> str:
    """``Bundle.entry[2].resource.payload[1]`` from a pydantic location or walked path parts."""
    parts = [root]
    for part in loc:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        elif part.isidentifier() or part.startswith("_"):
            parts.append(f".{part}")
    return "".join(parts)


def _clean_loc(loc: tuple[str | int, ...]) -> tuple[str | int, ...]:
    # pydantic adds the name of a wrapping validator ("root", "function-after[...]") to some locations.
    return tuple(p for p in loc if isinstance(p, int) or (p.isidentifier() and p != "root") or p[:1] == "_")


def _translate(resource: dict[str, Any], error: Any) -> Issue | None:
    resource_type = str(resource["resourceType"])
    kind = str(error.get("type", ""))
    if kind in _WALKED:
        return None
    loc = _clean_loc(tuple(error.get("loc", ())))
    location = fhir_path(resource_type, loc)
    message = str(error.get("msg", "")).removeprefix("Value error, ")
    if kind == "value_error" and (
        "Expect any of field value" in message or "Any of one field value" in message
    ):
        return None  # a missing or repeated choice element (content[x] …): the walk names it
    parent, element = locate(resource, loc) if loc else (None, None)
    if kind == "extra_forbidden":
        name = str(loc[-1]) if loc else "?"
        where = fhir_path(resource_type, loc[:-1])
        return r.ELEMENT_UNKNOWN.issue(
            location, name=name, parent=f"{parent.name} ({where})" if parent else where
        )
    value = error.get("input")
    shown = repr(value) if not isinstance(value, dict | list) else type(value).__name__
    if element is not None and element.shape is not Shape.COMPLEX:
        hint = _FORMAT_HINTS.get(element.type)
        expected = (
            Bilingual(f"en gyldig {element.type} ({hint.da})", f"a valid {element.type} ({hint.en})")
            if hint
            else Bilingual(f"en gyldig {element.type}", f"a valid {element.type}")
        )
    else:
        expected = Bilingual(
            "en værdi af den type, FHIR R4 foreskriver", "a value of the type FHIR R4 prescribes"
        )
    return r.VALUE_INVALID.issue(location, value=shown[:80], expected=expected, detail=message)


def model_issues(resource: dict[str, Any], root: str) -> list[Issue]:
    """R4B's parse of one resource (JSON form), its complaints translated into issues.

    ``root`` is the FHIRPath of the resource (``Bundle`` for the whole message). Never raises:
    R4B stops with an exception (not a validation error) on a resource type it does not know, so
    a Bundle it cannot read as a whole is read entry by entry, and what is left becomes an issue.
    """
    resource_type = resource.get("resourceType")
    if not isinstance(resource_type, str) or not is_resource_type(resource_type):
        return []  # the structural walk has said what is wrong
    model = get_fhir_model_class(resource_type)
    try:
        model.model_validate(resource)
    except ValidationError as error:
        issues = []
        for detail in error.errors(include_url=False):
            issue = _translate(resource, detail)
            if issue is not None:
                location = issue.location or resource_type
                issues.append(issue._replace(location=root + location[len(resource_type) :]))
        return issues
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as error:
        entries = resource.get("entry")
        if resource_type == "Bundle" and isinstance(entries, list):
            return _entry_by_entry(resource, entries, root)
        return [r.MODEL_FAILED.issue(root, detail=f"{type(error).__name__}: {error}"[:200])]
    return []


def _entry_by_entry(bundle: dict[str, Any], entries: list[Any], root: str) -> list[Issue]:
    """R4B's verdict on a Bundle whose entries it cannot read together: the shell, then each resource."""
    shell = {
        **bundle,
        "entry": [{k: v for k, v in e.items() if k != "resource"} for e in entries if isinstance(e, dict)],
    }
    issues = model_issues(shell, root) if shell["entry"] else model_issues({**bundle, "entry": []}, root)
    for number, entry in enumerate(entries):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if isinstance(resource, dict):
            issues += model_issues(resource, f"{root}.entry[{number}].resource")
    return issues
