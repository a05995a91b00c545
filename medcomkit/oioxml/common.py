"""Reading and writing the parts every OIOXML letter shares: envelope, letter head, parties,
patient and attachment references. Codecs for each message type are built from these."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import cast

from lxml import etree

from ..core.errors import BuildError, ParseError
from ..core.lang import Bilingual
from ..core.xmltree import (
    checked_text,
    child_text,
    element_path,
    line_of,
    local_name,
    parse_datetime,
    to_local,
)
from ..model.markup import Run
from ..model.messages import (
    Address,
    Attachment,
    Envelope,
    Organisation,
    OrgIdKind,
    Patient,
    PersonId,
    PersonIdKind,
)
from .codes import EXPECTED_OBJECT_CODE
from .formatted import write_runs

__all__ = [
    "Reader",
    "Writer",
    "canonical_id",
    "format_date",
    "format_time",
    "new_root",
    "xml_id",
]

IDENTIFIER_CODES: dict[str, OrgIdKind] = {
    "sorkode": OrgIdKind.SOR,
    "lokationsnummer": OrgIdKind.LOCATION_NUMBER,
    "ydernummer": OrgIdKind.PROVIDER_NUMBER,
    "sygehusafdelingsnummer": OrgIdKind.HOSPITAL_DEPARTMENT,
    "kommunenummer": OrgIdKind.MUNICIPALITY,
    "amt": OrgIdKind.COUNTY,
}
IDENTIFIER_CODE_NAMES = {kind: code for code, kind in IDENTIFIER_CODES.items()}

_HEX32 = re.compile(r"[0-9a-fA-F]{32}")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def canonical_id(value: str) -> str:
    """A UUID in canonical form (lower case, hyphenated) when ``value`` is one, else ``value``."""
    stripped = value.strip()
    if _HEX32.fullmatch(stripped) or _UUID.fullmatch(stripped):
        return str(uuid.UUID(stripped))
    return value


def xml_id(value: str, *, hyphens: bool) -> str:
    """A canonical UUID written with or without hyphens; other ids unchanged."""
    if _UUID.fullmatch(value):
        return value if hyphens else value.replace("-", "")
    return value


def new_root(ns: str, name: str = "Emessage") -> etree._Element:
    """A root element with ``ns`` as the default namespace (no prefixes, as MedCom writes it)."""
    return etree.Element(f"{{{ns}}}{name}", nsmap={None: ns})  # type: ignore[dict-item]


def format_date(moment: datetime) -> str:
    """An OIOXML Date: the Danish local calendar day."""
    return to_local(moment).strftime("%Y-%m-%d")


def format_time(moment: datetime) -> str:
    """An OIOXML Time: Danish local time to the minute."""
    return to_local(moment).strftime("%H:%M")


class Reader:
    """Reads values from one letter, raising :class:`ParseError` only for what it cannot do without."""

    def __init__(self, ns: str) -> None:
        self.ns = ns

    def q(self, *names: str) -> str:
        return "/".join(f"{{{self.ns}}}{n}" for n in names)

    def required(self, parent: etree._Element, *names: str) -> etree._Element:
        found = parent.find(self.q(*names))
        if found is None:
            path = element_path(parent) + "/" + "/".join(names)
            raise ParseError(
                "oioxml.parse-missing",
                Bilingual(
                    f"{path} mangler, så meddelelsen kan ikke læses. Valider den for at se alle fejl.",
                    f"{path} is missing, so the message cannot be read. Validate it to see every problem.",
                ),
                line=line_of(parent),
            )
        return found

    def text(self, parent: etree._Element, *names: str) -> str:
        return self.required(parent, *names).text or ""

    def optional(self, parent: etree._Element | None, *names: str) -> str | None:
        return child_text(parent, self.q(*names)) if parent is not None else None

    def moment(self, parent: etree._Element, name: str) -> datetime:
        container = self.required(parent, name)
        date_text, time_text = self.text(container, "Date"), self.text(container, "Time")
        try:
            return parse_datetime(date_text, time_text)
        except ValueError:
            raise ParseError(
                "oioxml.parse-datetime",
                Bilingual(
                    f"{element_path(container)} har ikke en gyldig dato og tid "
                    f"('{date_text}' '{time_text}').",
                    f"{element_path(container)} has no valid date and time ('{date_text}' '{time_text}').",
                ),
                line=line_of(container),
            ) from None

    def integer(self, parent: etree._Element, name: str) -> int | None:
        value = self.optional(parent, name)
        try:
            return int(value.strip()) if value else None
        except ValueError:
            return None

    def envelope(self, root: etree._Element) -> Envelope:
        envelope = self.required(root, "Envelope")
        return Envelope(
            identifier=self.text(envelope, "Identifier"),
            sent=self.moment(envelope, "Sent"),
            positive_receipt=self.optional(envelope, "AcknowledgementCode") == "pluspositivkvitt",
        )

    def address(self, parent: etree._Element) -> Address | None:
        address = Address(
            street=self.optional(parent, "StreetName"),
            suburb=self.optional(parent, "SuburbName"),
            city=self.optional(parent, "DistrictName"),
            postcode=self.optional(parent, "PostCodeIdentifier"),
        )
        return None if address == Address() else address

    def organisation(self, party: etree._Element) -> Organisation:
        code = self.optional(party, "IdentifierCode")
        return Organisation(
            ean=self.text(party, "EANIdentifier"),
            name=self.optional(party, "OrganisationName"),
            identifier=self.optional(party, "Identifier"),
            identifier_kind=IDENTIFIER_CODES.get(code) if code else None,
            department=self.optional(party, "DepartmentName"),
            unit=self.optional(party, "UnitName"),
            address=self.address(party),
            phone=self.optional(party, "TelephoneSubscriberIdentifier"),
            speciality=self.optional(party, "MedicalSpecialityCode"),
        )

    def patient(self, patient: etree._Element, *, with_address: bool = True) -> Patient:
        cpr = self.optional(patient, "CivilRegistrationNumber")
        if cpr is not None:
            identifier = PersonId(PersonIdKind.CPR, cpr)
        else:
            identifier = PersonId(PersonIdKind.REPLACEMENT, self.text(patient, "AlternativeIdentifier"))
        return Patient(
            identifier=identifier,
            family_name=self.text(patient, "PersonSurnameName"),
            given_name=self.optional(patient, "PersonGivenName"),
            address=self.address(patient) if with_address else None,
            occupation=self.optional(patient, "OccupancyText") if with_address else None,
        )

    def reference(self, reference: etree._Element) -> Attachment:
        title = self.optional(reference, "RefDescription")
        url = self.optional(reference, "URL")
        if url is not None:
            return Attachment(title=title, url=url)
        if reference.find(self.q("SUP")) is not None:
            return Attachment(title=title, supplementary=True)
        binary = self.required(reference, "BIN")
        return Attachment(
            title=title,
            identifier=canonical_id(self.text(binary, "ObjectIdentifier")),
            file_type=self.optional(binary, "ObjectExtensionCode"),
            object_code=self.optional(binary, "ObjectCode"),
            size=self.integer(binary, "OriginalObjectSize"),
        )


class Writer:
    """Builds one letter's elements in a namespace; refuses text XML cannot carry."""

    def __init__(self, ns: str) -> None:
        self.ns = ns

    def element(self, parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
        child = etree.SubElement(parent, f"{{{self.ns}}}{name}")
        if text is not None:
            child.text = checked_text(text, name)
        return child

    def optional(self, parent: etree._Element, name: str, text: str | None) -> None:
        if text is not None:
            self.element(parent, name, text)

    def moment(self, parent: etree._Element, name: str, moment: datetime) -> None:
        container = self.element(parent, name)
        self.element(container, "Date", format_date(moment))
        self.element(container, "Time", format_time(moment))

    def envelope(self, root: etree._Element, envelope: Envelope, *, receipt: bool = False) -> None:
        element = self.element(root, "Envelope")
        self.moment(element, "Sent", envelope.sent)
        self.element(element, "Identifier", envelope.identifier)
        wanted = envelope.positive_receipt and not receipt
        self.element(element, "AcknowledgementCode", "pluspositivkvitt" if wanted else "minuspositivkvitt")

    def letter_head(
        self,
        parent: etree._Element,
        *,
        message_id: str,
        version_code: str,
        type_code: str,
        authorised: datetime,
        status: str = "nytbrev",
        episode_of_care_id: str | None = None,
    ) -> None:
        head = self.element(parent, "Letter")
        self.element(head, "Identifier", message_id)
        self.element(head, "VersionCode", version_code)
        self.element(head, "StatisticalCode", type_code)
        self.moment(head, "Authorisation", authorised)
        self.element(head, "TypeCode", type_code)
        self.element(head, "StatusCode", status)
        self.optional(head, "EpisodeOfCareIdentifier", episode_of_care_id)

    def address(self, parent: etree._Element, address: Address | None) -> None:
        if address is None:
            return
        self.optional(parent, "StreetName", address.street)
        self.optional(parent, "SuburbName", address.suburb)
        self.optional(parent, "DistrictName", address.city)
        self.optional(parent, "PostCodeIdentifier", address.postcode)

    def organisation(
        self, parent: etree._Element, name: str, party: Organisation, *, sender: bool
    ) -> etree._Element:
        element = self.element(parent, name)
        self.element(element, "EANIdentifier", party.ean)
        if party.identifier is None or party.identifier_kind is None:
            raise BuildError(
                "oioxml.build-identifier",
                Bilingual(
                    f"{name} skal have et lokalt id og dets type (Identifier/IdentifierCode), fx SOR-kode.",
                    f"{name} needs a local identifier and its kind (Identifier/IdentifierCode), "
                    "e.g. a SOR code.",
                ),
            )
        self.element(element, "Identifier", party.identifier)
        self.element(element, "IdentifierCode", IDENTIFIER_CODE_NAMES[party.identifier_kind])
        if sender and party.name is None:
            raise BuildError(
                "oioxml.build-sender-name",
                Bilingual(
                    "Afsenderen skal have et navn (OrganisationName).",
                    "The sender needs a name (OrganisationName).",
                ),
            )
        self.optional(element, "OrganisationName", party.name)
        self.optional(element, "DepartmentName", party.department)
        self.optional(element, "UnitName", party.unit)
        self.address(element, party.address)
        if sender:
            self.optional(element, "TelephoneSubscriberIdentifier", party.phone)
            self.optional(element, "MedicalSpecialityCode", party.speciality)
        return element

    def patient_identity(self, element: etree._Element, patient: Patient) -> None:
        if patient.identifier.kind is PersonIdKind.CPR:
            self.element(element, "CivilRegistrationNumber", patient.identifier.value)
        else:
            self.element(element, "AlternativeIdentifier", patient.identifier.value)
        self.element(element, "PersonSurnameName", patient.family_name)
        self.optional(element, "PersonGivenName", patient.given_name)

    def reference(self, parent: etree._Element, attachment: Attachment) -> None:
        element = self.element(parent, "Reference")
        if attachment.title is None:
            raise BuildError(
                "oioxml.build-attachment-title",
                Bilingual(
                    "Et bilag skal have en titel (RefDescription).",
                    "An attachment needs a title (RefDescription).",
                ),
            )
        self.element(element, "RefDescription", attachment.title)
        if attachment.url is not None:
            self.element(element, "URL", attachment.url)
        elif attachment.supplementary:
            self.element(element, "SUP", "true")
        else:
            binary = self.element(element, "BIN")
            described = describe_binary(attachment)
            self.element(binary, "ObjectIdentifier", xml_id(described.identifier or "", hyphens=False))
            self.element(binary, "ObjectCode", described.object_code)
            self.element(binary, "ObjectExtensionCode", described.file_type)
            self.element(binary, "OriginalObjectSize", str(described.size))


def describe_binary(attachment: Attachment) -> Attachment:
    """The attachment with the BIN fields filled in (size from the data, ObjectCode from the
    file type); raises :class:`BuildError` when something necessary is missing."""
    missing = [
        name
        for name, value in (("identifier", attachment.identifier), ("file_type", attachment.file_type))
        if value is None
    ]
    size = (
        attachment.size
        if attachment.size is not None
        else (len(attachment.data) if attachment.data is not None else None)
    )
    if size is None:
        missing.append("size/data")
    object_code = attachment.object_code or EXPECTED_OBJECT_CODE.get(attachment.file_type or "")
    if object_code is None and attachment.file_type is not None:
        missing.append("object_code")
    if missing:
        raise BuildError(
            "oioxml.build-attachment",
            Bilingual(
                f"Bilaget '{attachment.title}' mangler {', '.join(missing)}.",
                f"The attachment '{attachment.title}' lacks {', '.join(missing)}.",
            ),
        )
    return Attachment(
        title=attachment.title,
        identifier=attachment.identifier,
        file_type=attachment.file_type,
        object_code=object_code,
        size=size,
        data=attachment.data,
    )


def letters_of(root: etree._Element) -> list[etree._Element]:
    """The letter elements of an Emessage (everything but Envelope and Local_Elements)."""
    return [
        child
        for child in root
        if isinstance(child.tag, str) and local_name(child) not in ("Envelope", "Local_Elements")
    ]


def serialise(
    root: etree._Element,
    encoding: str,
    formatted: list[tuple[etree._Element, list[Run]]],
    ns: str,
) -> bytes:
    """Indented XML with a conventional declaration; formatted text is filled in after
    indenting, so no layout whitespace ever lands inside mixed content."""
    etree.indent(root, space="  ")
    for element, runs in formatted:
        write_runs(element, runs, ns)
    codec = _ENCODINGS.get(encoding.lower())
    if codec is None:
        raise BuildError(
            "oioxml.build-encoding",
            Bilingual(
                f"Tegnsættet '{encoding}' understøttes ikke; brug ISO-8859-1 eller UTF-8.",
                f"The encoding '{encoding}' is not supported; use ISO-8859-1 or UTF-8.",
            ),
        )
    declaration = f'<?xml version="1.0" encoding="{codec}"?>\n'.encode("ascii")
    body = cast(bytes, etree.tostring(root, encoding=codec, xml_declaration=False))
    return declaration + body + b"\n"


_ENCODINGS = {
    "iso-8859-1": "ISO-8859-1",
    "latin-1": "ISO-8859-1",
    "latin1": "ISO-8859-1",
    "utf-8": "UTF-8",
    "utf8": "UTF-8",
}
