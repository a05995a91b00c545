"""Targeted mutations of MedCom's FHIR examples, each with the rule ids it must be reported under.

Every mutant changes one thing in a valid reference example (JSON form) and names the rules that
must fire. The catalogue is shared by the mutation test (are the rules reported?) and the FHIRPath
equivalence test (does every invariant's Python verdict match its published expression on it?).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fhir_support import load

Bundle = dict[str, Any]

BASES = {
    "cc-new": "ig/medcom-carecommunication-5.0.2/examples/Bundle-add5e7e2-0c0f-4a4a-bfff-f6f984fa7e3c.json",
    "cc-reply": "ig/medcom-carecommunication-5.0.2/examples/Bundle-b56549f7-ed10-422d-8088-f7222b686e46.json",
    "cc-full": "ig/medcom-carecommunication-5.0.2/examples/Bundle-gfd00bc2-9c26-4174-934e-f6e4360845de.json",
    "cc-oioxml-reply": (
        "ig/medcom-carecommunication-5.0.2/examples/Bundle-k7bfbc0c-553d-11ed-bdc3-0242ac120002.json"
    ),
    "ack-error": "ig/medcom-acknowledgement-2.0.3/examples/Bundle-bc9535ef-ed94-4060-a928-7baddec7ee71.json",
    "ack-ok": "ig/medcom-acknowledgement-2.0.3/examples/Bundle-a8c041b8-c65a-4fde-a90f-962076918834.json",
}

EXT = "http://medcomfhir.dk/ig/core/StructureDefinition/"
LPR3 = "https://www.esundhed.dk/Registre/Landspatientregisteret"


@dataclass(frozen=True)
class FhirMutant:
    name: str
    base: str
    change: Callable[[Bundle], object]
    expected: frozenset[str]

    def bundle(self) -> Bundle:
        data = copy.deepcopy(load(BASES[self.base]))
        self.change(data)
        return data


def all_of(d: Bundle, resource_type: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in d["entry"] if e["resource"]["resourceType"] == resource_type]


def one(d: Bundle, resource_type: str, number: int = 0) -> dict[str, Any]:
    return all_of(d, resource_type)[number]


def header(d: Bundle) -> dict[str, Any]:
    return one(d, "MessageHeader")


def communication(d: Bundle) -> dict[str, Any]:
    return one(d, "Communication")


def current_provenance(d: Bundle) -> dict[str, Any]:
    target = f"MessageHeader/{header(d)['id']}"
    return next(p for p in all_of(d, "Provenance") if p["target"][0]["reference"] == target)


def add_entry(d: Bundle, resource: dict[str, Any]) -> None:
    d["entry"].append(
        {"fullUrl": f"https://example.org/{resource['resourceType']}/{resource['id']}", "resource": resource}
    )


def organization(d: Bundle, number: int = 0) -> dict[str, Any]:
    return one(d, "Organization", number)


def identifier(resource: dict[str, Any], system: str) -> dict[str, Any]:
    return next(i for i in resource["identifier"] if i["system"] == system)


def payload_extension(d: Bundle, url: str, number: int = 0) -> dict[str, Any]:
    payload = communication(d)["payload"][number]
    return next(e for e in payload["extension"] if e["url"] == EXT + url)


def _set(target: dict[str, Any], **values: Any) -> None:
    target.update(values)


def _pop(target: dict[str, Any], *keys: str) -> None:
    for key in keys:
        target.pop(key, None)


def _second_patient(d: Bundle) -> None:
    add_entry(d, {**copy.deepcopy(one(d, "Patient")), "id": "second-patient"})


def _no_provenance(d: Bundle) -> None:
    d["entry"] = [e for e in d["entry"] if e["resource"]["resourceType"] != "Provenance"]


def _other_without_topic(d: Bundle) -> None:
    communication(d)["category"][0]["coding"][0]["code"] = "other"
    communication(d).pop("topic")


def _attachment_type(d: Bundle, content_type: str) -> None:
    attachment = next(p for p in communication(d)["payload"] if "contentAttachment" in p)
    attachment["contentAttachment"]["contentType"] = content_type


def _header_not_first(d: Bundle) -> None:
    d["entry"].append(d["entry"].pop(0))


def _revision_nowhere(d: Bundle) -> None:
    entity = next(e for e in current_provenance(d)["entity"] if e["role"] == "revision")
    entity["what"]["reference"] = "MessageHeader/8d1b7c4e-0000-4000-8000-000000000000"


def _no_revision(d: Bundle) -> None:
    provenance = current_provenance(d)
    provenance["entity"] = [e for e in provenance["entity"] if e["role"] != "revision"]


def _role_code_and_text(d: Bundle) -> None:
    one(d, "PractitionerRole")["code"][0]["text"] = "Sygeplejerske"


def _sender_elsewhere(d: Bundle) -> None:
    receiver = header(d)["destination"][0]["receiver"]["reference"]
    one(d, "PractitionerRole")["organization"]["reference"] = receiver


def _recipient_elsewhere(d: Bundle) -> None:
    one(d, "CareTeam")["managingOrganization"][0]["reference"] = header(d)["sender"]["reference"]


def _encounter_unreferenced(d: Bundle) -> None:
    communication(d).pop("encounter")


def _lpr3_not_uuidv5(d: Bundle) -> None:
    one(d, "Encounter")["episodeOfCare"].append(
        {"identifier": {"system": LPR3, "value": "urn:uuid:0c3f2a9e-8b5d-4f7b-9c1d-2e6a4b8d0f13"}}
    )


def _replacement_cpr(system: str, value: str) -> Callable[[Bundle], None]:
    def change(d: Bundle) -> None:
        one(d, "Patient")["identifier"] = [{"system": system, "value": value}]

    return change


def _no_mandatory_identifier(d: Bundle) -> None:
    org = organization(d)
    org["identifier"] = [i for i in org["identifier"] if i["system"] != "urn:oid:1.2.208.176.1.1"]


def _organization_identifier(system: str, value: str) -> Callable[[Bundle], None]:
    def change(d: Bundle) -> None:
        organization(d)["identifier"].append({"system": system, "value": value})

    return change


def _gln(value: str, system: str = "https://www.gs1.org/gln") -> Callable[[Bundle], None]:
    def change(d: Bundle) -> None:
        gln = identifier(organization(d), "https://www.gs1.org/gln")
        gln["value"], gln["system"] = value, system

    return change


def _sor(value: str) -> Callable[[Bundle], None]:
    def change(d: Bundle) -> None:
        identifier(organization(d), "urn:oid:1.2.208.176.1.1")["value"] = value

    return change


def _eleven_attachments(d: Bundle) -> None:
    payloads = communication(d)["payload"]
    attachment = next(p for p in payloads if "contentAttachment" in p)
    attachment["contentAttachment"]["data"] = "JVBERi0xLjQK"
    for number in range(10):
        clone = copy.deepcopy(attachment)
        for extension in clone["extension"]:
            if extension["url"] == EXT + "medcom-core-identifier-extension":
                extension["valueIdentifier"]["value"] = (
                    f"urn:uuid:00000000-0000-4000-8000-0000000000{number:02d}"
                )
        payloads.append(clone)


def _no_text_segment(d: Bundle) -> None:
    communication(d)["payload"][0].pop("contentString")


def _drop_payload_extension(url: str) -> Callable[[Bundle], None]:
    def change(d: Bundle) -> None:
        payload = communication(d)["payload"][0]
        payload["extension"] = [e for e in payload["extension"] if e["url"] != EXT + url]

    return change


def _narrative(div: str) -> Callable[[Bundle], None]:
    def change(d: Bundle) -> None:
        one(d, "Patient")["text"] = {"status": "generated", "div": div}

    return change


def _two_cprs(d: Bundle) -> None:
    patient = one(d, "Patient")
    patient["identifier"].append(copy.deepcopy(patient["identifier"][0]))


def _entity_role(role: str) -> Callable[[Bundle], None]:
    def change(d: Bundle) -> None:
        current_provenance(d)["entity"][0]["role"] = role

    return change


def _no_source(d: Bundle) -> None:
    provenance = current_provenance(d)
    provenance["entity"] = [e for e in provenance["entity"] if e["role"] != "source"]


def _ack_header(change: Callable[[dict[str, Any]], object]) -> Callable[[Bundle], None]:
    def apply(d: Bundle) -> None:
        change(header(d))

    return apply


def _ack_cc(d: Bundle) -> None:
    destination = copy.deepcopy(header(d)["destination"][0])
    destination["extension"][0]["valueCoding"]["code"] = "cc"
    header(d)["destination"].append(destination)


def _no_operation_outcome(d: Bundle) -> None:
    d["entry"] = [e for e in d["entry"] if e["resource"]["resourceType"] != "OperationOutcome"]
    header(d)["response"].pop("details", None)


def _cc_destination(d: Bundle) -> None:
    header(d)["destination"][0]["extension"][0]["valueCoding"]["code"] = "cc"


def _untraced_segment(d: Bundle) -> None:
    payload_extension(d, "medcom-core-identifier-extension")["valueIdentifier"]["value"] = (
        "urn:uuid:5b7c1d2e-3f40-4a51-8b62-7c8d9e0f1a2b"
    )


def _date_as_text(d: Bundle) -> None:
    extension = payload_extension(d, "medcom-core-datetime-extension")
    extension.pop("valueDateTime")
    extension["valueString"] = "i går"


def _third_organization_without_sor(d: Bundle) -> None:
    add_entry(d, {"resourceType": "Organization", "id": "org-without-sor", "name": "Afdeling uden SOR"})
    one(d, "PractitionerRole")["organization"] = {"reference": "Organization/org-without-sor"}


M = FhirMutant
F = frozenset
CATALOGUE: tuple[FhirMutant, ...] = (
    # --- the cases the brief names ---------------------------------------------------------------
    M("a second Patient", "cc-new", _second_patient, F({"medcom-careCommunication-2"})),
    M("no Provenance", "cc-new", _no_provenance, F({"medcom-messaging-2"})),
    M(
        "priority without regarding-referral",
        "cc-new",
        lambda d: _set(communication(d), priority="asap"),
        F({"medcom-careCommunication-5"}),
    ),
    M("category 'other' without topic", "cc-new", _other_without_topic, F({"medcom-careCommunication-6"})),
    M(
        "unknown category code",
        "cc-new",
        lambda d: _set(communication(d)["category"][0]["coding"][0], code="gossip"),
        F({"binding.medcom-careCommunication-categories"}),
    ),
    M(
        "CPR with an impossible date",
        "cc-new",
        lambda d: _set(one(d, "Patient")["identifier"][0], value="3102479989"),
        F({"cpr"}),
    ),
    M("12-digit GLN", "cc-new", _gln("579000134812"), F({"gln-length"})),
    M(
        "video/mp4 attachment",
        "cc-reply",
        lambda d: _attachment_type(d, "video/mp4"),
        F({"binding.medcom-core-attachmentMimeTypes"}),
    ),
    M(
        "dangling reference",
        "cc-new",
        lambda d: _set(communication(d)["subject"], reference="Patient/nowhere"),
        F({"fhir.reference-unresolved"}),
    ),
    M(
        "timestamp without time zone",
        "cc-new",
        lambda d: _set(d, timestamp="2024-05-01T12:00:00"),
        F({"fhir.timezone"}),
    ),
    M("reply whose revision points nowhere", "cc-reply", _revision_nowhere, F({"cc.revision-unknown"})),
    # --- every published invariant ----------------------------------------------------------------
    M("MessageHeader not first", "cc-new", _header_not_first, F({"bdl-12", "medcom-careCommunication-1"})),
    M(
        "header without its profile",
        "cc-new",
        lambda d: _pop(header(d), "meta"),
        F({"medcom-careCommunication-1"}),
    ),
    M(
        "Provenance without its profile",
        "cc-new",
        lambda d: _pop(current_provenance(d), "meta"),
        F({"medcom-careCommunication-3"}),
    ),
    M(
        "Practitioner without name",
        "cc-new",
        lambda d: _pop(one(d, "Practitioner"), "name"),
        F({"medcom-careCommunication-4", "medcom-careCommunication-8"}),
    ),
    M("author role with code and text", "cc-new", _role_code_and_text, F({"medcom-careCommunication-7"})),
    M(
        "author role with neither code nor text",
        "cc-new",
        lambda d: _pop(one(d, "PractitionerRole"), "code"),
        F({"medcom-careCommunication-7"}),
    ),
    M(
        "Encounter without episode id",
        "cc-full",
        lambda d: _pop(one(d, "Encounter"), "episodeOfCare"),
        F({"medcom-careCommunication-9"}),
    ),
    M(
        "specific sender of another organisation",
        "cc-full",
        _sender_elsewhere,
        F({"medcom-careCommunication-11"}),
    ),
    M(
        "specific recipient of another organisation",
        "cc-full",
        _recipient_elsewhere,
        F({"medcom-careCommunication-12"}),
    ),
    M(
        "PractitionerRole without practitioner",
        "cc-new",
        lambda d: _pop(one(d, "PractitionerRole"), "practitioner"),
        F({"medcom-careCommunication-13"}),
    ),
    M("Encounter not referenced", "cc-full", _encounter_unreferenced, F({"medcom-careCommunication-15"})),
    M(
        "encounter without Encounter",
        "cc-new",
        lambda d: _set(communication(d), encounter={"reference": "Encounter/missing"}),
        F({"medcom-careCommunication-15", "medcom-careCommunication-9"}),
    ),
    M(
        "definition of version 4",
        "cc-new",
        lambda d: _set(header(d), definition=header(d)["definition"].replace("|5.0", "|4.0")),
        F({"medcom-carecommunication-definition-url"}),
    ),
    M(
        "thread id not a UUID",
        "cc-new",
        lambda d: _set(communication(d)["identifier"][0], value="urn:uuid:not-a-uuid"),
        F({"medcom-uuidv4"}),
    ),
    M(
        "segment id with a prefix",
        "cc-new",
        lambda d: _set(
            payload_extension(d, "medcom-core-identifier-extension")["valueIdentifier"],
            value="id urn:uuid:24d01288-ad36-4af2-96a8-fd1432dadee1",
        ),
        F({"medcom-uuidv4"}),
    ),
    M(
        "phone without digits",
        "cc-new",
        lambda d: _set(
            payload_extension(d, "medcom-core-contact-extension")["valueContactPoint"], value="ukendt"
        ),
        F({"medcom-core-contact"}),
    ),
    M(
        "X-eCPR of D-eCPR form",
        "cc-new",
        _replacement_cpr("urn:oid:1.2.208.176.1.6.1.1", "0703925VJ5"),
        F({"x-ecpr"}),
    ),
    M(
        "D-eCPR of X-eCPR form",
        "cc-new",
        _replacement_cpr("urn:oid:1.2.208.176.1.6.1.3", "0703921VJ5"),
        F({"d-ecpr"}),
    ),
    M(
        "D-eCPR of an unknown region",
        "cc-new",
        _replacement_cpr("urn:oid:1.2.208.176.1.6.1.3.999", "1206550VK9"),
        F({"binding.DkCoreDeCPRValueSet"}),
    ),
    M("10-digit SOR id", "cc-new", _sor("1234567890"), F({"min-digits-sor"})),
    M("GLN with a wrong check digit", "cc-new", _gln("5790001348121"), F({"gln-modulus-10"})),
    M("LPR3 id not a UUIDv5", "cc-full", _lpr3_not_uuidv5, F({"uuidv5"})),
    M(
        "organisation without SOR, KOMBIT or CVR",
        "cc-new",
        _no_mandatory_identifier,
        F({"dk-core-organization-mandatory-identifier", "msg.organization-identifiers"}),
    ),
    M(
        "polygamous marital status",
        "cc-new",
        lambda d: _set(
            one(d, "Patient"),
            maritalStatus={
                "coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-MaritalStatus", "code": "P"}]
            },
        ),
        F({"marital-status-unknown-usage"}),
    ),
    M(
        "KOMBIT id not a UUID",
        "cc-new",
        _organization_identifier("https://kombit.dk/sts/organisation", "42"),
        F({"uuid"}),
    ),
    M("CVR of 7 digits", "cc-new", _organization_identifier("http://cvr.dk", "2691999"), F({"CVR-length"})),
    M(
        "CVR failing modulus 11",
        "cc-new",
        _organization_identifier("http://cvr.dk", "26919992"),
        F({"CVR-modulus-11"}),
    ),
    M(
        "acknowledgement error without OperationOutcome",
        "ack-error",
        _no_operation_outcome,
        F({"medcom-acknowledgement-1"}),
    ),
    M(
        "acknowledgement without response",
        "ack-ok",
        _ack_header(lambda h: h.pop("response")),
        F({"medcom-acknowledgement-2"}),
    ),
    M("acknowledgement with a cc receiver", "ack-ok", _ack_cc, F({"medcom-acknowledgement-2"})),
    M(
        "acknowledgement header without id",
        "ack-ok",
        _ack_header(lambda h: h.pop("id")),
        F({"medcom-messaging-1", "msg.header-id"}),
    ),
    M(
        "acknowledgement Provenance without time",
        "ack-ok",
        lambda d: _pop(one(d, "Provenance", 1), "occurredDateTime"),
        F({"medcom-messaging-3", "msg.provenance-occurred"}),
    ),
    # --- every required binding -------------------------------------------------------------------
    M(
        "event code from another system",
        "cc-new",
        lambda d: _set(header(d)["eventCoding"], system="http://example.org/events"),
        F({"binding.medcom-messaging-messageTypes"}),
    ),
    M(
        "acknowledgement activity unknown",
        "ack-ok",
        lambda d: _set(one(d, "Provenance", 1)["activity"]["coding"][0], code="receipt"),
        F({"binding.medcom-messaging-activityCodes", "medcom-messaging-3"}),
    ),
    M(
        "CareCommunication activity retract",
        "cc-new",
        lambda d: _set(current_provenance(d)["activity"]["coding"][0], code="retract-message"),
        F({"binding.medcom-careCommunication-messagingActivities"}),
    ),
    M(
        "priority urgent",
        "cc-full",
        lambda d: _set(communication(d), priority="urgent"),
        F({"binding.medcom-careCommunication-requestPriority"}),
    ),
    M(
        "encounter class unknown",
        "cc-full",
        lambda d: _set(one(d, "Encounter")["class"], code="XYZ"),
        F({"binding.medcom-core-encounter-class"}),
    ),
    M(
        "issue details code unknown",
        "ack-error",
        lambda d: _set(one(d, "OperationOutcome")["issue"][0]["details"]["coding"][0], code="MSG_UNHEARD_OF"),
        F({"binding.medcom-acknowledgement-issue-details"}),
    ),
    M(
        "response code unknown",
        "ack-ok",
        _ack_header(lambda h: _set(h["response"], code="fine")),
        F({"fhir.code-invalid"}),
    ),
    # --- base FHIR structure ----------------------------------------------------------------------
    M("null value", "cc-new", lambda d: _set(one(d, "Patient"), birthDate=None), F({"ele-1"})),
    M("empty object", "cc-new", lambda d: _set(one(d, "Patient"), address=[{}]), F({"ele-1"})),
    M(
        "unknown element",
        "cc-new",
        lambda d: _set(one(d, "Patient"), cprNumber="x"),
        F({"fhir.element-unknown"}),
    ),
    M(
        "gender outside its value set",
        "cc-new",
        lambda d: _set(one(d, "Patient"), gender="mand"),
        F({"fhir.code-invalid"}),
    ),
    M("status missing", "cc-new", lambda d: _pop(communication(d), "status"), F({"fhir.required"})),
    M(
        "impossible date",
        "cc-new",
        lambda d: _set(one(d, "Patient"), birthDate="1947-02-30"),
        F({"fhir.value-invalid"}),
    ),
    M(
        "boolean as a string",
        "cc-new",
        lambda d: _set(one(d, "Patient"), deceasedBoolean="true"),
        F({"fhir.json-type"}),
    ),
    M(
        "two content forms",
        "cc-new",
        lambda d: _set(
            communication(d)["payload"][0], contentAttachment={"title": "x", "contentType": "image/png"}
        ),
        F({"fhir.choice"}),
    ),
    M(
        "URI with a space",
        "cc-new",
        lambda d: _set(one(d, "Patient")["identifier"][0], system="urn:oid 1.2"),
        F({"fhir.uri"}),
    ),
    M(
        "unknown resource type",
        "cc-new",
        lambda d: add_entry(d, {"resourceType": "Citizen", "id": "c1"}),
        F({"fhir.resource-type"}),
    ),
    M(
        "R4B-only datatype",
        "cc-new",
        lambda d: _set(
            one(d, "Patient"),
            extension=[{"url": "http://example.org/x", "valueCodeableReference": {"concept": {"text": "x"}}}],
        ),
        F({"fhir.r4b-only"}),
    ),
    M(
        "extension with value and nested extensions",
        "cc-new",
        lambda d: _set(
            one(d, "Patient"),
            extension=[
                {
                    "url": "http://example.org/x",
                    "valueString": "a",
                    "extension": [{"url": "y", "valueString": "b"}],
                }
            ],
        ),
        F({"ext-1"}),
    ),
    M(
        "script in the narrative",
        "cc-new",
        _narrative('<div xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script>Bruno</div>'),
        F({"txt-1"}),
    ),
    M(
        "empty narrative",
        "cc-new",
        _narrative('<div xmlns="http://www.w3.org/1999/xhtml"> <p/> </div>'),
        F({"txt-2"}),
    ),
    M(
        "local reference without contained resource",
        "cc-new",
        lambda d: _set(one(d, "Patient"), managingOrganization={"reference": "#org"}),
        F({"ref-1"}),
    ),
    M(
        "attachment data without contentType",
        "cc-reply",
        lambda d: _pop(
            next(p for p in communication(d)["payload"] if "contentAttachment" in p)["contentAttachment"],
            "contentType",
        ),
        F({"att-1"}),
    ),
    M(
        "duplicate fullUrl",
        "cc-new",
        lambda d: _set(d["entry"][2], fullUrl=d["entry"][1]["fullUrl"]),
        F({"bdl-7", "fhir.fullurl-id"}),
    ),
    M(
        "reference to the wrong type",
        "cc-new",
        lambda d: _set(communication(d)["subject"], reference=f"Organization/{organization(d)['id']}"),
        F({"fhir.reference-type"}),
    ),
    # --- MedCom messaging -------------------------------------------------------------------------
    M("Bundle without id", "cc-new", lambda d: _pop(d, "id"), F({"msg.bundle-id"})),
    M("Bundle of type collection", "cc-new", lambda d: _set(d, type="collection"), F({"msg.bundle-type"})),
    M(
        "entry without resource",
        "cc-new",
        lambda d: d["entry"].append({"fullUrl": "urn:uuid:x"}),
        F({"msg.entry-resource"}),
    ),
    M("Bundle without timestamp", "cc-new", lambda d: _pop(d, "timestamp"), F({"msg.timestamp"})),
    M("event without system", "cc-new", lambda d: _pop(header(d)["eventCoding"], "system"), F({"msg.event"})),
    M("destination cc only", "cc-new", _cc_destination, F({"msg.destination-primary", "msg.destination-cc"})),
    M(
        "destination without use",
        "cc-new",
        lambda d: _pop(header(d)["destination"][0], "extension"),
        F({"msg.destination-use", "msg.destination-primary"}),
    ),
    M(
        "destination without receiver",
        "cc-new",
        lambda d: _pop(header(d)["destination"][0], "receiver"),
        F({"msg.receiver"}),
    ),
    M("header without sender", "cc-new", lambda d: _pop(header(d), "sender"), F({"msg.sender"})),
    M(
        "receiver without EAN",
        "cc-new",
        lambda d: _set(
            organization(d, 1), identifier=[identifier(organization(d, 1), "urn:oid:1.2.208.176.1.1")]
        ),
        F({"msg.organization-identifiers"}),
    ),
    M(
        "Provenance with two targets",
        "cc-new",
        lambda d: current_provenance(d)["target"].append({"reference": "MessageHeader/other"}),
        F({"msg.provenance-target"}),
    ),
    M(
        "Provenance without time",
        "cc-new",
        lambda d: _pop(current_provenance(d), "occurredDateTime"),
        F({"msg.provenance-occurred"}),
    ),
    M(
        "Provenance with two activities",
        "cc-new",
        lambda d: current_provenance(d)["activity"]["coding"].append({"system": "x", "code": "y"}),
        F({"msg.provenance-activity"}),
    ),
    M(
        "no Provenance for this message",
        "cc-new",
        lambda d: _set(current_provenance(d)["target"][0], reference="MessageHeader/some-earlier-message"),
        F({"msg.provenance-current"}),
    ),
    # --- Danish identifiers and MedCom core ---------------------------------------------------------
    M(
        "GLN under the http system",
        "cc-new",
        _gln("5790001348120", "http://www.gs1.org/gln"),
        F({"dk.gln-system-http"}),
    ),
    M(
        "GLN under the legacy OID",
        "cc-new",
        _gln("5790001348120", "urn:oid:1.3.88"),
        F({"dk.gln-system-oid"}),
    ),
    M(
        "CPR failing modulus 11",
        "cc-new",
        lambda d: _set(one(d, "Patient")["identifier"][0], value="2509479989"),
        F({"dk.cpr-modulus11"}),
    ),
    M("two CPR numbers", "cc-new", _two_cprs, F({"core.patient-identifier"})),
    M(
        "CPR with use temp",
        "cc-new",
        lambda d: _set(one(d, "Patient")["identifier"][0], use="temp"),
        F({"core.identifier-use"}),
    ),
    M(
        "Patient without official name",
        "cc-new",
        lambda d: _set(one(d, "Patient")["name"][0], use="usual"),
        F({"core.patient-name"}),
    ),
    M(
        "CareTeam without name",
        "cc-full",
        lambda d: _pop(one(d, "CareTeam"), "name"),
        F({"core.careteam-name"}),
    ),
    M(
        "Encounter without subject",
        "cc-full",
        lambda d: _pop(one(d, "Encounter"), "subject"),
        F({"core.encounter-subject"}),
    ),
    M(
        "Encounter with account",
        "cc-full",
        lambda d: _set(one(d, "Encounter"), account=[{"reference": "Account/a1"}]),
        F({"core.encounter-account"}),
    ),
    M(
        "LPR3 system misspelt",
        "cc-full",
        lambda d: one(d, "Encounter")["episodeOfCare"].append(
            {
                "identifier": {
                    "system": "https://www.esundhed.dk/Registre/Landspatientsregisteret",
                    "value": "urn:uuid:6d9ec3f8-c1e9-5a3c-9c0b-1f2e3d4c5b6a",
                }
            }
        ),
        F({"core.lpr3-system"}),
    ),
    M("organisation without SOR", "cc-new", _third_organization_without_sor, F({"core.organization-sor"})),
    M("date extension of the wrong type", "cc-new", _date_as_text, F({"core.extension"})),
    M(
        "phone with letters",
        "cc-new",
        lambda d: _set(
            payload_extension(d, "medcom-core-contact-extension")["valueContactPoint"], value="tlf. 38683868"
        ),
        F({"core.contact-characters"}),
    ),
    M(
        "identifier system as a bare OID",
        "cc-new",
        lambda d: _set(one(d, "Patient")["identifier"][0], system="1.2.208.176.1.2"),
        F({"core.identifier-system-absolute"}),
    ),
    M(
        "segment id of UUID version 1",
        "cc-new",
        lambda d: _set(
            payload_extension(d, "medcom-core-identifier-extension")["valueIdentifier"],
            value="urn:uuid:cd422e42-5bad-11ed-9b6a-0242ac120002",
        ),
        F({"core.uuid-version", "cc.provenance-payload", "cc.payload-provenance"}),
    ),
    # --- CareCommunication ------------------------------------------------------------------------
    M(
        "a second Communication",
        "cc-new",
        lambda d: add_entry(d, {**copy.deepcopy(communication(d)), "id": "second-communication"}),
        F({"cc.communication"}),
    ),
    M("header without focus", "cc-new", lambda d: _pop(header(d), "focus"), F({"cc.header-focus"})),
    M(
        "header without definition",
        "cc-new",
        lambda d: _pop(header(d), "definition"),
        F({"cc.header-definition"}),
    ),
    M(
        "two thread ids",
        "cc-new",
        lambda d: communication(d)["identifier"].append(
            {"value": "urn:uuid:7a0e3b1c-2d4f-4e5a-8b6c-9d0e1f2a3b4c"}
        ),
        F({"cc.communication-identifier"}),
    ),
    M("status completed", "cc-new", lambda d: _set(communication(d), status="completed"), F({"cc.status"})),
    M(
        "category without code",
        "cc-new",
        lambda d: _pop(communication(d)["category"][0]["coding"][0], "code"),
        F({"cc.category"}),
    ),
    M(
        "two categories",
        "cc-new",
        lambda d: communication(d)["category"].append(copy.deepcopy(communication(d)["category"][0])),
        F({"cc.category"}),
    ),
    M(
        "Communication without subject",
        "cc-new",
        lambda d: _pop(communication(d), "subject"),
        F({"cc.subject"}),
    ),
    M(
        "topic without text",
        "cc-new",
        lambda d: _set(communication(d), topic={"coding": [{"code": "x"}]}),
        F({"cc.topic-text"}),
    ),
    M(
        "two specific recipients",
        "cc-full",
        lambda d: communication(d)["recipient"].append(copy.deepcopy(communication(d)["recipient"][0])),
        F({"cc.recipient"}),
    ),
    M("no text segment", "cc-new", _no_text_segment, F({"cc.payload-text", "fhir.choice"})),
    M(
        "text segment without author",
        "cc-new",
        _drop_payload_extension("medcom-core-practitioner-extension"),
        F({"cc.payload-extension"}),
    ),
    M(
        "attachment without title",
        "cc-reply",
        lambda d: _pop(
            next(p for p in communication(d)["payload"] if "contentAttachment" in p)["contentAttachment"],
            "title",
        ),
        F({"cc.attachment-title"}),
    ),
    M("eleven attachments", "cc-reply", _eleven_attachments, F({"cc.attachment-count"})),
    M("entity role derivation", "cc-new", _entity_role("derivation"), F({"cc.provenance-entity"})),
    M("Provenance without source", "cc-new", _no_source, F({"cc.provenance-source"})),
    M("reply without revision", "cc-reply", _no_revision, F({"cc.provenance-revision"})),
    M(
        "segment not traced to a Provenance",
        "cc-new",
        _untraced_segment,
        F({"cc.payload-provenance", "cc.provenance-payload"}),
    ),
    M(
        "acknowledgement Provenance of another activity",
        "ack-ok",
        lambda d: _set(one(d, "Provenance", 1)["activity"]["coding"][0], code="new-message"),
        F({"ack.provenance"}),
    ),
    M(
        "acknowledgement of another message",
        "ack-ok",
        lambda d: _set(header(d)["response"], identifier="0e8f1a2b-3c4d-4e5f-8a6b-7c8d9e0f1a2b"),
        F({"ack.response-identifier"}),
    ),
    M(
        "reply to OIOXML naming the letter first",
        "cc-oioxml-reply",
        lambda d: None,
        F({"cc.revision-identifier"}),
    ),
    M(
        "acknowledgement error without details",
        "ack-error",
        lambda d: header(d)["response"].pop("details", None),
        F({"ack.response-details"}),
    ),
)
