"""MedCom FHIR terminology as Python constants: code systems, value sets, identifier systems, profiles.

Canonical URLs and codes as published in MedCom terminology 2.0.1, messaging 4.0.2 / 2.1.0, core
3.0.1, CareCommunication 5.0.4, Acknowledgement 2.0.3 and dk-core 3.4.0. Builders and validators
import them from here, so a URL is spelt once. Plain data: importing this module is cheap.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from ..core.lang import Bilingual

__all__ = [
    "ACK_ISSUE_DETAIL_CODES",
    "ACTIVITY_CODES",
    "ACTIVITY_SYSTEM",
    "ATTACHMENT_MIME_TYPES",
    "CARECOMMUNICATION_ACTIVITIES",
    "CARECOMMUNICATION_DEFINITION",
    "CATEGORIES",
    "CATEGORY_SYSTEM",
    "CPR_SYSTEM",
    "DESTINATION_USE_SYSTEM",
    "D_ECPR_SYSTEMS",
    "ENCOUNTER_CLASS_CODES",
    "EVENT_SYSTEM",
    "GLN_SYSTEM",
    "GLN_SYSTEMS",
    "MESSAGE_TYPES",
    "REQUEST_PRIORITIES",
    "RESPONSE_CODES",
    "SOR_SYSTEM",
    "X_ECPR_SYSTEM",
]

FHIR_VERSION: Final = "4.0.1"
MIME_FHIR_JSON: Final = "application/fhir+json"
MIME_FHIR_XML: Final = "application/fhir+xml"
# The MIME parameter that declares R4 when a message travels in a VANS envelope or over HTTP.
FHIR_VERSION_PARAMETER: Final = "fhirVersion=4.0"

_TERMINOLOGY: Final = "http://medcomfhir.dk/ig/terminology"
_CS: Final = f"{_TERMINOLOGY}/CodeSystem"
_VS: Final = f"{_TERMINOLOGY}/ValueSet"

# --- code systems ---------------------------------------------------------------------------------
EVENT_SYSTEM: Final = f"{_CS}/medcom-messaging-eventCodes"
ACTIVITY_SYSTEM: Final = f"{_CS}/medcom-messaging-activityCodes"
DESTINATION_USE_SYSTEM: Final = f"{_CS}/medcom-messaging-destinationUse"
CATEGORY_SYSTEM: Final = f"{_CS}/medcom-careCommunication-categoryCodes"
ACK_ERROR_SYSTEM: Final = f"{_CS}/medcom-acknowledgement-error-codes"
ENCOUNTER_ACT_SYSTEM: Final = f"{_CS}/medcom-core-encounter-act-codes"
PRACTITIONER_ROLE_SKS_SYSTEM: Final = f"{_CS}/medcom-core-PractitionerRolesSKSadministrativ"
PRACTITIONER_ROLE_AUTHORISATION_SYSTEM: Final = f"{_CS}/medcom-core-PractitionerRolesAutorisationsregistret"
STATISTICAL_CODE_SYSTEM: Final = f"{_CS}/medcom-messaging-statisticalCodes"
REQUEST_PRIORITY_SYSTEM: Final = "http://hl7.org/fhir/request-priority"
RESPONSE_CODE_SYSTEM: Final = "http://hl7.org/fhir/response-code"
OPERATION_OUTCOME_SYSTEM: Final = "http://terminology.hl7.org/CodeSystem/operation-outcome"
MIME_TYPE_SYSTEM: Final = "urn:ietf:bcp:13"
V3_ACT_CODE_SYSTEM: Final = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
V3_MARITAL_STATUS_SYSTEM: Final = "http://terminology.hl7.org/CodeSystem/v3-MaritalStatus"
V3_NULL_FLAVOR_SYSTEM: Final = "http://terminology.hl7.org/CodeSystem/v3-NullFlavor"
PROVENANCE_ENTITY_ROLE_SYSTEM: Final = "http://hl7.org/fhir/provenance-entity-role"

# --- value sets -----------------------------------------------------------------------------------
VS_MESSAGE_TYPES: Final = f"{_VS}/medcom-messaging-messageTypes"
VS_ACTIVITY_CODES: Final = f"{_VS}/medcom-messaging-activityCodes"
VS_CARECOMMUNICATION_ACTIVITIES: Final = f"{_VS}/medcom-careCommunication-messagingActivities"
VS_CATEGORIES: Final = f"{_VS}/medcom-careCommunication-categories"
VS_REQUEST_PRIORITY: Final = f"{_VS}/medcom-careCommunication-requestPriority"
VS_ATTACHMENT_MIME_TYPES: Final = f"{_VS}/medcom-core-attachmentMimeTypes"
VS_ENCOUNTER_CLASS: Final = f"{_VS}/medcom-core-encounter-class"
VS_ACK_ISSUE_DETAILS: Final = f"{_VS}/medcom-acknowledgement-issue-details"
VS_PRACTITIONER_ROLES: Final = f"{_VS}/medcom-core-PractitionerRoles"
VS_RESPONSE_CODE: Final = "http://hl7.org/fhir/ValueSet/response-code"
VS_D_ECPR: Final = "http://hl7.dk/fhir/core/ValueSet/DkCoreDeCPRValueSet"

# --- codes ----------------------------------------------------------------------------------------
EVENT_CARECOMMUNICATION: Final = "care-communication-message"
EVENT_ACKNOWLEDGEMENT: Final = "acknowledgement-message"
EVENT_CODES: Final = frozenset(
    {
        "empty-message",
        EVENT_CARECOMMUNICATION,
        "hospital-notification-message",
        EVENT_ACKNOWLEDGEMENT,
        "homecareobservation-message",
    }
)
MESSAGE_TYPES: Final = EVENT_CODES  # the value set holds the whole code system

ACTIVITY_NEW: Final = "new-message"
ACTIVITY_REPLY: Final = "reply-message"
ACTIVITY_FORWARD: Final = "forward-message"
ACTIVITY_ACKNOWLEDGEMENT: Final = "acknowledgement"
_HOSPITAL_NOTIFICATION: Final = (
    "admit-emergency",
    "admit-inpatient",
    "start-leave-inpatient",
    "end-leave-inpatient",
    "discharge-emergency-home",
    "discharge-inpatient-home",
)
ACTIVITY_CODES: Final = frozenset(
    {
        ACTIVITY_NEW,
        ACTIVITY_FORWARD,
        ACTIVITY_REPLY,
        "retract-message",
        "modified-message",
        "carboncopy-message",
        ACTIVITY_ACKNOWLEDGEMENT,
        *_HOSPITAL_NOTIFICATION,
        *(f"revise-{code}" for code in _HOSPITAL_NOTIFICATION),
        *(f"cancel-{code}" for code in _HOSPITAL_NOTIFICATION),
    }
)
# CareCommunication allows only these; retract, modify and cc are not part of the standard.
CARECOMMUNICATION_ACTIVITIES: Final = frozenset({ACTIVITY_NEW, ACTIVITY_REPLY, ACTIVITY_FORWARD})

DESTINATION_PRIMARY: Final = "primary"
DESTINATION_CC: Final = "cc"
DESTINATION_USE_CODES: Final = frozenset({DESTINATION_PRIMARY, DESTINATION_CC})

CATEGORY_OTHER: Final = "other"
CATEGORY_REGARDING_REFERRAL: Final = "regarding-referral"
# Code → display (Danish, English), as in the code system medcom-careCommunication-categoryCodes 1.9.0.
CATEGORIES: Final = MappingProxyType(
    {
        "alcohol-and-drug-treatment": Bilingual("Rusmiddelbehandling", "Alcohol and drug treatment"),
        "assistive-devices": Bilingual("Hjælpemidler", "Assistive technology"),
        "carecoordination": Bilingual("Forløbskoordinering", "Care Coordination"),
        "decease": Bilingual("Dødsfald", "Decease"),
        "discharge": Bilingual("Udskrivelse", "Discharge"),
        "examination-results": Bilingual("Undersøgelsessvar", "Examination Results"),
        "healthcare": Bilingual("Sundhedspleje", "Healthcare"),
        "home-care-assessment": Bilingual("Visitation", "Home care assessment"),
        "medicine": Bilingual("Medicin", "Medicine"),
        "nursing": Bilingual("Sygepleje", "Nursing"),
        "outpatient": Bilingual("Ambulant", "Outpatient"),
        "psychiatry-social-disability": Bilingual(
            "Psykiatri, social, handicap", "Psychiatry, Social, Disability"
        ),
        CATEGORY_REGARDING_REFERRAL: Bilingual("Vedr. henvisning", "Regarding Referral"),
        "telemedicine": Bilingual("Telemedicin", "Telemedicine"),
        "training": Bilingual("Træning", "Training"),
        "acute-ambulant": Bilingual("Akut ambulant", "Acute ambulant"),
        "extended-care-responsibility": Bilingual(
            "Udvidet behandlingsansvar", "Extended care responsibility"
        ),
        CATEGORY_OTHER: Bilingual("Andet", "Other"),
    }
)

PRIORITY_ROUTINE: Final = "routine"
PRIORITY_ASAP: Final = "asap"
REQUEST_PRIORITIES: Final = frozenset({PRIORITY_ROUTINE, PRIORITY_ASAP})

RESPONSE_OK: Final = "ok"
RESPONSE_TRANSIENT_ERROR: Final = "transient-error"
RESPONSE_FATAL_ERROR: Final = "fatal-error"
RESPONSE_CODES: Final = frozenset({RESPONSE_OK, RESPONSE_TRANSIENT_ERROR, RESPONSE_FATAL_ERROR})

ACK_ERROR_CODES: Final = frozenset(
    {
        "MSG_Receiver_Identifier_UNKNOWN",
        "MSG_Receiver_Identifier_MISSING",
        "MSG_RECEIVER_UNABLE_TO_RECEIVE_MSG_TYPE",
        "MSG_VALUESET_VALUE_UNKNOWN",
        "MSG_CodeSystem_VALUE_UNKNOWN",
        "MSG_Element_To_Long",
        "MSG_Datatype_Wrong",
        "MSG_Mailbox_Out_Of_Operation",
        "MSG_Damaged_durin_transport",  # sic, as published
    }
)
# The operation-outcome codes the value set medcom-acknowledgement-issue-details takes in.
OPERATION_OUTCOME_CODES: Final = frozenset(
    {
        "MSG_ID_INVALID",
        "MSG_ID_TOO_LONG",
        "MSG_BAD_FORMAT",
        "MSG_BAD_SYNTAX",
        "MSG_DATE_FORMAT",
        "MSG_DUPLICATE_ID",
        "MSG_INVALID_ID",
        "MSG_JSON_OBJECT",
        "MSG_LOCAL_FAIL",
        "MSG_NO_MATCH",
        "MSG_NO_EXIST",
        "MSG_NO_SUMMARY",
        "MSG_PARAM_INVALID",
        "MSG_PARAM_NO_REPEAT",
        "MSG_PARAM_UNKNOWN",
        "MSG_RESOURCE_ID_MISMATCH",
        "MSG_RESOURCE_ID_FAIL",
        "MSG_RESOURCE_ID_MISSING",
        "MSG_RESOURCE_NOT_ALLOWED",
        "MSG_RESOURCE_REQUIRED",
        "MSG_RESOURCE_TYPE_MISMATCH",
        "MSG_TRANSACTION_DUPLICATE_ID",
        "MSG_TRANSACTION_MISSING_ID",
        "MSG_UNKNOWN_TYPE",
        "MSG_VERSION_AWARE",
        "MSG_VERSION_AWARE_CONFLICT",
        "MSG_VERSION_AWARE_URL",
        "MSG_WRONG_NS",
    }
)
# (system, code) pairs of medcom-acknowledgement-issue-details.
ACK_ISSUE_DETAIL_CODES: Final = frozenset(
    {(OPERATION_OUTCOME_SYSTEM, code) for code in OPERATION_OUTCOME_CODES}
    | {(ACK_ERROR_SYSTEM, code) for code in ACK_ERROR_CODES}
)

# medcom-core-attachmentMimeTypes: the only attachment types a CareCommunication may carry (no video).
ATTACHMENT_MIME_TYPES: Final = frozenset(
    {"application/pdf", "image/gif", "image/jpeg", "image/png", "image/tiff", "image/bmp"}
)

# medcom-core-encounter-class: v3-ActCode descendants of _ActEncounterCode except OBSENC, plus "other".
ENCOUNTER_CLASS_OTHER: Final = "other"
V3_ENCOUNTER_CODES: Final = frozenset(
    {"AMB", "EMER", "FLD", "HH", "IMP", "ACUTE", "NONAC", "PRENC", "SS", "VR"}
)
ENCOUNTER_CLASS_CODES: Final = frozenset(
    {(V3_ACT_CODE_SYSTEM, code) for code in V3_ENCOUNTER_CODES}
    | {(ENCOUNTER_ACT_SYSTEM, ENCOUNTER_CLASS_OTHER)}
)

# --- identifier systems ---------------------------------------------------------------------------
CPR_SYSTEM: Final = "urn:oid:1.2.208.176.1.2"
X_ECPR_SYSTEM: Final = "urn:oid:1.2.208.176.1.6.1.1"  # national replacement CPR (use = temp)
D_ECPR_SYSTEM: Final = "urn:oid:1.2.208.176.1.6.1.3"  # decentral (regional) replacement CPR (use = temp)
D_ECPR_REGIONS: Final = MappingProxyType(
    {
        f"{D_ECPR_SYSTEM}.177": "Region Sjælland",
        f"{D_ECPR_SYSTEM}.179": "Region Nordjylland",
        f"{D_ECPR_SYSTEM}.181": "Region Midtjylland",
        f"{D_ECPR_SYSTEM}.183": "Region Syddanmark",
        f"{D_ECPR_SYSTEM}.187": "Region Hovedstaden",
    }
)
D_ECPR_SYSTEMS: Final = frozenset({D_ECPR_SYSTEM, *D_ECPR_REGIONS})
PERSON_SYSTEMS: Final = frozenset({CPR_SYSTEM, X_ECPR_SYSTEM, *D_ECPR_SYSTEMS})

SOR_SYSTEM: Final = "urn:oid:1.2.208.176.1.1"
GLN_SYSTEM: Final = "https://www.gs1.org/gln"  # dk-core ≤ 3.4.0, used by the CareCommunication 5.0.2 chain
GLN_SYSTEM_HTTP: Final = "http://www.gs1.org/gln"  # dk-core ≥ 3.5.0 (MedCom core 4.0.0)
GLN_SYSTEM_LEGACY_OID: Final = "urn:oid:1.3.88"  # old MedCom mapping documents
GLN_SYSTEMS: Final = frozenset({GLN_SYSTEM, GLN_SYSTEM_HTTP, GLN_SYSTEM_LEGACY_OID})
YDERNUMMER_SYSTEM: Final = "urn:oid:1.2.208.176.1.4"
KOMBIT_SYSTEM: Final = "https://kombit.dk/sts/organisation"
CVR_SYSTEM: Final = "http://cvr.dk"
CVR_SYSTEM_OID: Final = (
    "urn:oid:2.16.840.1.113883.2.24.1.1"  # the CVR system dk-core's organisation rule names
)
MUNICIPALITY_SYSTEM: Final = "http://hl7.dk/fhir/core/CodeSystem/dk-core-municipality-codes"
REGIONAL_SUBDIVISION_SYSTEM: Final = "http://hl7.dk/fhir/core/CodeSystem/dk-core-regional-subdivision-codes"
PRODUCENT_ID_SYSTEM: Final = f"{_CS}/MedComProducentID"
LPR3_SYSTEM: Final = "https://www.esundhed.dk/Registre/Landspatientregisteret"
SOR_ENDPOINT: Final = "https://sor2.sum.dsdn.dk/#id="  # endpoint URL prefix; the SOR_SYSTEM id follows

# --- message definitions --------------------------------------------------------------------------
MESSAGE_DEFINITION_CARECOMMUNICATION: Final = (
    "http://medcomfhir.dk/ig/messagedefinitions/MessageDefinition/MedComCareCommunicationMessageDefinition"
)
CARECOMMUNICATION_DEFINITION: Final = f"{MESSAGE_DEFINITION_CARECOMMUNICATION}|5.0"
MESSAGE_DEFINITION_ACKNOWLEDGEMENT: Final = (
    "http://medcomfhir.dk/ig/messagedefinitions/MessageDefinition/MedComAcknowledgementMessageDefinition"
)

# --- profiles and extensions ----------------------------------------------------------------------
_IG: Final = "http://medcomfhir.dk/ig"
PROFILE_MESSAGING_MESSAGE: Final = f"{_IG}/messaging/StructureDefinition/medcom-messaging-message"
PROFILE_MESSAGING_HEADER: Final = f"{_IG}/messaging/StructureDefinition/medcom-messaging-messageHeader"
PROFILE_MESSAGING_PROVENANCE: Final = f"{_IG}/messaging/StructureDefinition/medcom-messaging-provenance"
PROFILE_MESSAGING_ORGANIZATION: Final = f"{_IG}/messaging/StructureDefinition/medcom-messaging-organization"
PROFILE_CC_MESSAGE: Final = f"{_IG}/carecommunication/StructureDefinition/medcom-careCommunication-message"
PROFILE_CC_MESSAGE_HEADER: Final = (
    f"{_IG}/carecommunication/StructureDefinition/medcom-careCommunication-messageHeader"
)
PROFILE_CC_COMMUNICATION: Final = (
    f"{_IG}/carecommunication/StructureDefinition/medcom-careCommunication-communication"
)
PROFILE_CC_PROVENANCE: Final = (
    f"{_IG}/carecommunication/StructureDefinition/medcom-careCommunication-provenance"
)
PROFILE_ACK_MESSAGE: Final = f"{_IG}/acknowledgement/StructureDefinition/medcom-messaging-acknowledgement"
PROFILE_ACK_HEADER: Final = (
    f"{_IG}/acknowledgement/StructureDefinition/medcom-messaging-acknowledgementHeader"
)
PROFILE_ACK_OUTCOME: Final = (
    f"{_IG}/acknowledgement/StructureDefinition/medcom-acknowledgement-operationoutcome"
)
PROFILE_CORE_PATIENT: Final = f"{_IG}/core/StructureDefinition/medcom-core-patient"
PROFILE_CORE_ORGANIZATION: Final = f"{_IG}/core/StructureDefinition/medcom-core-organization"
PROFILE_CORE_PRACTITIONER: Final = f"{_IG}/core/StructureDefinition/medcom-core-practitioner"
PROFILE_CORE_PRACTITIONER_ROLE: Final = f"{_IG}/core/StructureDefinition/medcom-core-practitionerrole"
PROFILE_CORE_CARETEAM: Final = f"{_IG}/core/StructureDefinition/medcom-core-careteam"
PROFILE_CORE_ENCOUNTER: Final = f"{_IG}/core/StructureDefinition/medcom-core-encounter"

EXT_DESTINATION_USE: Final = f"{_IG}/messaging/StructureDefinition/medcom-messaging-destinationUseExtension"
EXT_DATETIME: Final = f"{_IG}/core/StructureDefinition/medcom-core-datetime-extension"
EXT_PRACTITIONER: Final = f"{_IG}/core/StructureDefinition/medcom-core-practitioner-extension"
EXT_CONTACT: Final = f"{_IG}/core/StructureDefinition/medcom-core-contact-extension"
EXT_IDENTIFIER: Final = f"{_IG}/core/StructureDefinition/medcom-core-identifier-extension"
EXT_SENDER: Final = f"{_IG}/core/StructureDefinition/medcom-core-sender-extension"
DATA_ABSENT_REASON: Final = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"

# --- limits ---------------------------------------------------------------------------------------
MAX_MESSAGE_BYTES: Final = 100 * 1024 * 1024  # CareCommunication incl. attachments and VANS envelope
MAX_ATTACHMENTS_DURING_CONVERSION: Final = 10  # while the VANS conversion service runs
