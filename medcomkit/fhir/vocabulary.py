"""Which code system or identifier system a value belongs to when medcomkit writes FHIR.

The terminology module holds MedCom's published URLs and codes; this one answers the
questions a codec asks while building: "this role code, which system?", "this replacement
CPR, which OID?", "this OIOXML file type, which MIME type?".
"""

from __future__ import annotations

from typing import Final

from ..model.identifiers import ReplacementKind, replacement_kind
from . import terminology as t

__all__ = [
    "ROLE_DISPLAY",
    "ack_detail_system",
    "encounter_class_system",
    "media_type_for",
    "oioxml_file_type_for",
    "replacement_system",
    "role_system",
    "sor_endpoint",
]

# The three roles MedCom takes from the authorisation register; every other code is SKS.
_AUTHORISATION_ROLES: Final = frozenset({"ambulancebehandler", "laege", "osteopat"})
_NULL_FLAVOR_ROLES: Final = frozenset({"NAVU"})

# OIOXML file types with their MIME types. Only the first group may travel in a CareCommunication
# (medcom-core-attachmentMimeTypes); the others are converted all the same and refused by the receiver.
_MEDIA_TYPES: Final = {
    "pdf": "application/pdf",
    "gif": "image/gif",
    "jpeg": "image/jpeg",
    "jpg": "image/jpeg",
    "png": "image/png",
    "tiff": "image/tiff",
    "tif": "image/tiff",
    "bmp": "image/bmp",
    "txt": "text/plain",
    "rtf": "application/rtf",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "zip": "application/zip",
    "dcm": "application/dicom",
    "pcx": "image/vnd.zbrush.pcx",
    "wav": "audio/wav",
    "avi": "video/x-msvideo",
    "mpg": "video/mpeg",
    "mid": "audio/midi",
}
_FILE_TYPES: Final = {media: ext for ext, media in reversed(_MEDIA_TYPES.items())}


# Display names of the practitioner role codes (CodeSystems medcom-core-PractitionerRoles*, 2.0.0).
ROLE_DISPLAY: Final = {
    "speciallaege": "Speciallæge",
    "speciallaegeipraksis": "Speciallæge i praksis",
    "cheflaege": "Cheflæge",
    "overlaege": "Overlæge",
    "afdelingslaege": "Afdelingslæge",
    "sygehuslaege": "Sygehuslæge",
    "sygeplejerske": "Sygeplejerske",
    "sundhedsplejerske": "Sundhedsplejerske",
    "socialogsundhedsassistent": "Social- og sundhedsassistent",
    "socialogsundhedsmedhjaelper": "Social- og sundhedsmedhjælper",
    "socialogsundhedsmehjaelper": "Social- og sundhedsmedhjælper",
    "sygehjaelper": "Sygehjælper",
    "plejer": "Plejer",
    "plejehjemsassistent": "Plejehjemsassistent",
    "tandlaege": "Tandlæge",
    "klinisktandtekniker": "Klinisk tandtekniker",
    "tandplejer": "Tandplejer",
    "farmaceut": "Farmaceut",
    "apoteker": "Apoteker",
    "psykolog": "Psykolog",
    "pyskolog": "Psykolog",
    "jordemoder": "Jordemoder",
    "fysioterapeut": "Fysioterapeut",
    "ergoterapeut": "Ergoterapeut",
    "bioanalytiker": "Bioanalytiker",
    "radiograf": "Radiograf",
    "diaetist": "Diætist",
    "diaetistassistent": "Diætistassistent",
    "audilogiassistent": "Audilogiassistent",
    "neurofysiologassistent": "Neurofysiologassistent",
    "kiropraktor": "Kiropraktor",
    "zoneterapeut": "Zoneterapeut",
    "psykoterapeut": "Psykoterapeut",
    "audiologopaed": "Audiologopæd",
    "laegesekretaer": "Lægesekretær",
    "ledendelaegesekretaer": "Ledende lægesekretær",
    "sygeplejesekretaer": "Sygeplejesekretær",
    "sygeplejesekretear": "Sygeplejesekretær",
    "fodterapeut": "Fodterapeut",
    "socialraadgiver": "Socialrådgiver",
    "ledendesocialraadgiver": "Ledende socialrådgiver",
    "laerer": "Lærer",
    "paedagog": "Pædagog",
    "beskaeftigelsesvejleder": "Beskæftigelsesvejleder",
    "bandagist": "Bandagist",
    "skomager": "Skomager",
    "optiker": "Optiker",
    "ambulancebehandler": "Ambulancebehandler",
    "laege": "Læge",
    "osteopat": "Osteopat",
}


def role_system(code: str) -> str:
    """The code system of a MedCom practitioner role code."""
    if code in _AUTHORISATION_ROLES:
        return t.PRACTITIONER_ROLE_AUTHORISATION_SYSTEM
    if code in _NULL_FLAVOR_ROLES:
        return t.V3_NULL_FLAVOR_SYSTEM
    return t.PRACTITIONER_ROLE_SKS_SYSTEM


def replacement_system(value: str) -> str:
    """The identifier system of a replacement CPR: national (X-eCPR) or decentral (D-eCPR)."""
    if replacement_kind(value) is ReplacementKind.NATIONAL:
        return t.X_ECPR_SYSTEM
    return t.D_ECPR_SYSTEM


def encounter_class_system(code: str) -> str:
    """Encounter.class codes are v3-ActCode, except MedCom's own ``other``."""
    if code == t.ENCOUNTER_CLASS_OTHER:
        return t.ENCOUNTER_ACT_SYSTEM
    return t.V3_ACT_CODE_SYSTEM


def media_type_for(file_type: str | None) -> str | None:
    """The MIME type of an OIOXML file type (``pdf`` → ``application/pdf``); ``None`` if unknown."""
    if file_type is None:
        return None
    return _MEDIA_TYPES.get(file_type.lower())


def oioxml_file_type_for(media_type: str | None) -> str | None:
    """The OIOXML file type of a MIME type (``image/png`` → ``png``); ``None`` if OIOXML has none."""
    if media_type is None:
        return None
    return _FILE_TYPES.get(media_type.lower())


def sor_endpoint(sor: str | None) -> str:
    """The SOR endpoint URL MedCom writes in MessageHeader destination and source."""
    return f"{t.SOR_ENDPOINT}{sor or ''}"


def ack_detail_system(code: str) -> str:
    """Acknowledgement issue details come from two systems; MedCom's own codes start ``MSG_`` too."""
    if code in t.ACK_ERROR_CODES:
        return t.ACK_ERROR_SYSTEM
    return t.OPERATION_OUTCOME_SYSTEM
