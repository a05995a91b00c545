"""What the CareCommunication and Acknowledgement codecs share: times, ids, organisations,
Provenances, looking resources up in a message Bundle, and turning unreadable shapes into
clear errors."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from typing import Any, Literal, ParamSpec, TypeVar

from ..core.errors import BuildError, ParseError
from ..core.lang import Bilingual
from ..core.report import raise_for_errors
from ..model.messages import Activity, MessageRef, Organisation, OrgIdKind, ThreadEvent
from . import terminology as t

__all__ = [
    "DEFAULT_BASE",
    "BundleReader",
    "Format",
    "Json",
    "extension",
    "fhir_time",
    "load_bundle",
    "organisation_from",
    "organization_resource",
    "parse_time",
    "plain_uuid",
    "provenance_resource",
    "raise_if_invalid",
    "reading",
    "urn",
]

Json = dict[str, Any]
Format = Literal["json", "xml"]
DEFAULT_BASE = "https://medcomfhir.dk/ig/carecommunication/"  # the base MedCom's examples use

_P = ParamSpec("_P")
_R = TypeVar("_R")


# --- values -------------------------------------------------------------------------------------------


def fhir_time(moment: datetime) -> str:
    """A FHIR dateTime/instant to the second; FHIR messages require a time zone."""
    if moment.tzinfo is None:
        raise BuildError(
            "fhir.build-timezone",
            Bilingual(
                f"Tidspunktet {moment} har ingen tidszone; FHIR kræver en.",
                f"The time {moment} has no time zone; FHIR requires one.",
            ),
        )
    return moment.isoformat(timespec="seconds")


def parse_time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def urn(identifier: str) -> str:
    return identifier if identifier.startswith("urn:") else f"urn:uuid:{identifier}"


def plain_uuid(value: str) -> str:
    return value.removeprefix("urn:uuid:")


def extension(element: Json, url: str) -> Json | None:
    return next((e for e in element.get("extension", []) if e.get("url") == url), None)


# --- organisations and provenances -------------------------------------------------------------------


def organization_resource(party: Organisation, rid: str, profile: str) -> Json:
    """An Organization with the party's EAN (GLN) and, when known, SOR code."""
    identifiers = [{"system": t.GLN_SYSTEM, "value": party.ean}]
    if party.sor is not None:
        identifiers.append({"system": t.SOR_SYSTEM, "value": party.sor})
    resource: Json = {
        "resourceType": "Organization",
        "id": rid,
        "meta": {"profile": [profile]},
        "identifier": identifiers,
    }
    if party.name:
        resource["name"] = party.name
    return resource


def organisation_from(resource: Json) -> Organisation:
    ean = sor = None
    for identifier in resource.get("identifier", []):
        if identifier.get("system") in t.GLN_SYSTEMS:
            ean = identifier.get("value")
        elif identifier.get("system") == t.SOR_SYSTEM:
            sor = identifier.get("value")
    return Organisation(
        ean=ean or "",
        name=resource.get("name"),
        identifier=sor,
        identifier_kind=OrgIdKind.SOR if sor is not None else None,
    )


def provenance_resource(event: ThreadEvent, organisation: str, rid: str, profile: str) -> Json:
    """One message's Provenance: who sent it, when, doing what, answering which message, adding what."""
    resource: Json = {
        "resourceType": "Provenance",
        "id": rid,
        "meta": {"profile": [profile]},
        "target": [{"reference": f"MessageHeader/{event.message_id}"}],
        "occurredDateTime": fhir_time(event.occurred),
        "recorded": fhir_time(event.recorded or event.occurred),
        "activity": {"coding": [{"system": t.ACTIVITY_SYSTEM, "code": event.activity.value}]},
        "agent": [{"who": {"reference": organisation}}],
    }
    entities: list[Json] = []
    if event.previous is not None:
        # A FHIR predecessor is named by its MessageHeader; an OIOXML/EDIFACT one by
        # "[lokationsnummer]#[brevid]".
        what: Json = (
            {"identifier": {"value": f"{event.previous.sender_ean}#{event.previous.message_id}"}}
            if event.previous.sender_ean
            else {"reference": f"MessageHeader/{event.previous.message_id}"}
        )
        entities.append({"role": "revision", "what": what})
    entities += [{"role": "source", "what": {"identifier": {"value": urn(p)}}} for p in event.payload_ids]
    if entities:
        resource["entity"] = entities
    return resource


# --- reading --------------------------------------------------------------------------------------------


def load_bundle(data: bytes | Mapping[str, Any]) -> Json:
    """A message Bundle in its JSON form, from FHIR JSON or XML bytes or an already loaded dict."""
    if isinstance(data, Mapping):
        return dict(data)
    from .document import read_fhir

    return read_fhir(data).resource


def reading(what: str) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """Turn a shape the reader cannot follow (a list where an object belongs, a missing value)
    into a :class:`ParseError` that points to ``medcomkit.validate`` instead of a traceback."""

    def decorate(function: Callable[_P, _R]) -> Callable[_P, _R]:
        @functools.wraps(function)
        def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            try:
                return function(*args, **kwargs)
            except (AttributeError, TypeError, KeyError, IndexError, ValueError) as error:
                if isinstance(error, ParseError):
                    raise
                raise ParseError(
                    "fhir.parse-shape",
                    Bilingual(
                        f"{what} kan ikke læses: en del af den har ikke den form, FHIR foreskriver "
                        f"({type(error).__name__}: {error}). Kør medcomkit validate for at se hvor.",
                        f"The {what} cannot be read: part of it does not have the shape FHIR "
                        f"prescribes ({type(error).__name__}: {error}). Run medcomkit validate to see where.",
                    ),
                ) from None

        return wrapper

    return decorate


class BundleReader:
    """Looks up the resources of a message Bundle by ``Type/id`` or fullUrl."""

    def __init__(self, bundle: Json, what: str) -> None:
        self.bundle = bundle
        self.resources: dict[str, Json] = {}
        entries = bundle.get("entry") or []
        for entry in entries:
            resource = entry.get("resource", {})
            if "resourceType" in resource and "id" in resource:
                self.resources[f"{resource['resourceType']}/{resource['id']}"] = resource
            full_url = entry.get("fullUrl")
            if full_url:
                self.resources.setdefault(full_url, resource)
                tail = "/".join(full_url.rstrip("/").split("/")[-2:])
                self.resources.setdefault(tail, resource)
        header = (entries[0].get("resource") if entries else None) or {}
        if header.get("resourceType") != "MessageHeader":
            raise ParseError(
                "fhir.parse-header",
                Bilingual(
                    f"Den første ressource i {what} er ikke en MessageHeader.",
                    f"The first resource of the {what} is not a MessageHeader.",
                ),
            )
        self.header: Json = header

    def get(self, reference: Json | None) -> Json | None:
        if not reference or "reference" not in reference:
            return None
        return self.resources.get(reference["reference"])

    def require(self, reference: Json | None, what: str) -> Json:
        resource = self.get(reference)
        if resource is None:
            target = (reference or {}).get("reference")
            raise ParseError(
                "fhir.parse-reference",
                Bilingual(
                    f"{what} peger på en ressource, der ikke findes i meddelelsen ({target}).",
                    f"{what} refers to a resource that is not in the message ({target}).",
                ),
            )
        return resource

    def sender(self) -> Organisation:
        return organisation_from(self.require(self.header.get("sender"), "MessageHeader.sender"))

    def receiver(self) -> Organisation:
        destination = (self.header.get("destination") or [{}])[0]
        return organisation_from(
            self.require(destination.get("receiver"), "MessageHeader.destination.receiver")
        )

    def provenances(self) -> Iterator[Json]:
        seen: set[int] = set()
        for resource in self.resources.values():
            if resource.get("resourceType") == "Provenance" and id(resource) not in seen:
                seen.add(id(resource))
                yield resource

    def events(self) -> list[ThreadEvent]:
        """Every Provenance as a thread event, oldest first."""
        return sorted((self.event(p) for p in self.provenances()), key=lambda e: e.occurred)

    def event(self, provenance: Json) -> ThreadEvent:
        target = (provenance.get("target") or [{}])[0].get("reference", "")
        coding = ((provenance.get("activity") or {}).get("coding") or [{}])[0]
        agent = self.get(((provenance.get("agent") or [{}])[0]).get("who"))
        previous = None
        payload_ids = []
        for entity in provenance.get("entity", []):
            what = entity.get("what", {})
            if entity.get("role") == "revision":
                if "reference" in what:
                    previous = MessageRef(what["reference"].rpartition("/")[2])
                elif "identifier" in what:
                    value = what["identifier"].get("value", "")
                    ean, _, letter = value.partition("#")
                    previous = MessageRef(letter, ean) if letter else MessageRef(value)
            elif entity.get("role") == "source" and "identifier" in what:
                payload_ids.append(plain_uuid(what["identifier"].get("value", "")))
        occurred = parse_time(provenance.get("occurredDateTime"))
        recorded = parse_time(provenance.get("recorded"))
        code = coding.get("code")
        return ThreadEvent(
            message_id=target.rpartition("/")[2],
            activity=Activity(code) if code in Activity._value2member_map_ else Activity.NEW,
            sender=organisation_from(agent) if agent else Organisation(""),
            occurred=occurred or datetime.min,
            previous=previous,
            payload_ids=tuple(payload_ids),
            recorded=recorded if recorded != occurred else None,
        )


# --- checking what was built --------------------------------------------------------------------------


def raise_if_invalid(data: bytes, what: str) -> None:
    """Raise a :class:`BuildError` listing every error medcomkit's validation finds in ``data``."""
    from .validate import validate_fhir

    _, issues = validate_fhir(data)
    lead = Bilingual(f"Den byggede {what} er ugyldig: ", f"The built {what} is invalid: ")
    raise_for_errors(issues, "fhir.build-invalid", lead)
