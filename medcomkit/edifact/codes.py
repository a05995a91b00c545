"""EDIFACT code values in MedCom's messages and the neutral model values they stand for.

The tables follow MedCom's EDIFACT⇄XML converter (glasdam/edifact_converter, its XSLTs read as
facts), so a conversion here and there gives the same codes.
"""

from __future__ import annotations

from typing import TypeVar

from ..model.messages import EpisodeStatus, LetterStatus, OrgIdKind, Priority, RefuseReason

__all__ = [
    "EPISODE_STATUS",
    "EXTENSIONS",
    "LETTER_STATUS",
    "OBJECT_CODES",
    "ORG_ID_KIND",
    "ORG_ID_QUALIFIER",
    "PRIORITY",
    "REFUSE_REASON",
    "SPECIALITY",
    "SPECIALITY_NUMBER",
    "reverse",
]

# NAD C082: code list qualifier and agency by identifier kind.
ORG_ID_QUALIFIER: dict[OrgIdKind, tuple[str, str]] = {
    OrgIdKind.HOSPITAL_DEPARTMENT: ("SKS", "SST"),
    OrgIdKind.PROVIDER_NUMBER: ("YNR", "SFU"),
    OrgIdKind.LOCATION_NUMBER: ("", "9"),
    OrgIdKind.MUNICIPALITY: ("KOM", "IM"),
    OrgIdKind.SOR: ("SOR", "SST"),
}
ORG_ID_KIND: dict[str, OrgIdKind] = {
    "SKS": OrgIdKind.HOSPITAL_DEPARTMENT,
    "YNR": OrgIdKind.PROVIDER_NUMBER,
    "EAN": OrgIdKind.LOCATION_NUMBER,
    "": OrgIdKind.LOCATION_NUMBER,
    "KOM": OrgIdKind.MUNICIPALITY,
    "SOR": OrgIdKind.SOR,
}
LETTER_STATUS: dict[str, LetterStatus] = {"N": LetterStatus.NEW, "M": LetterStatus.CORRECTED}
PRIORITY: dict[str, Priority] = {"NO": Priority.ROUTINE, "HI": Priority.HIGH}
EPISODE_STATUS: dict[str, EpisodeStatus] = {
    "POT": EpisodeStatus.INACTIVE,
    "HS": EpisodeStatus.INPATIENT,
    "HA": EpisodeStatus.OUTPATIENT,
    "DA": EpisodeStatus.DECEASED,
    "REQ": EpisodeStatus.OUTPATIENT_XRAY,
}
REFUSE_REASON: dict[str, RefuseReason] = {
    "NC": RefuseReason.UNSPECIFIED,
    "LOK": RefuseReason.UNKNOWN_LOCATION_NUMBER,
    "MID": RefuseReason.RECEIVER_ID_PROBLEM,
    "VER": RefuseReason.VERSION_PROBLEM,
    "SYN": RefuseReason.SYNTAX_ERROR,
}
# OIOXML ObjectCode and ObjectExtensionCode as EDIFACT writes them (UNO and FTX+BIN).
OBJECT_CODES: dict[str, str] = {
    "tekstfil": "TXT",
    "billede": "IMG",
    "program": "PRG",
    "vektor_grafik": "VGR",
    "biosignaler": "BSG",
    "multimedie": "MUL",
    "proprietaert_indhold": "PRP",
}
EXTENSIONS: dict[str, str] = {
    "pcx": "PCX",
    "tiff": "TIF",
    "jpeg": "JPG",
    "gif": "GIF",
    "bmp": "BMP",
    "png": "PNG",
    "mpg": "MPG",
    "dcm": "DCM",
    "scp": "SCP",
    "txt": "TXT",
    "rtf": "RTF",
    "doc": "DOC",
    "xls": "XLS",
    "wpd": "WPD",
    "exe": "EXE",
    "pdf": "PDF",
    "wav": "WAV",
    "avi": "AVI",
    "mid": "MID",
    "rmi": "RMI",
    "com": "COM",
    "zip": "ZIP",
    "bin": "BIN",
    "inh": "INH",
    "plo": "PLO",
    "fnx": "FNX",
}
# SPR: the sender's speciality (AFSSPEC number) and the OIOXML MedicalSpecialityCode.
SPECIALITY: dict[str, str] = {
    "99": "ikkeklassificeret",
    "1": "intern_medicin_sygehus",
    "2": "geriatri",
    "3": "hepatologi",
    "4": "haematologi",
    "5": "infektionsmedicin",
    "6": "kardiologi",
    "7": "med_allergologi",
    "8": "med_endokrinologi",
    "9": "med_gastroenterologi",
    "10": "med_lungesygdomme",
    "11": "nefrologi",
    "12": "reumatologi",
    "18": "dermato_venerologi_sygehus",
    "20": "neurologi",
    "22": "onkologi",
    "30": "kirurgi_sygehus",
    "31": "karkirurgi",
    "32": "kir_gastroenterologi",
    "33": "plastikkirurgi",
    "34": "thoraxkirurgi",
    "35": "urologi",
    "38": "gynaekologi_obstetrik_sygehus",
    "40": "neurokirurgi",
    "42": "ortopaedisk_kirurgi_sygehus",
    "44": "oftalmologi",
    "46": "oto_rhino_laryngologi",
    "48": "hospitalsodontologi",
    "50": "psykiatri_sygehus",
    "52": "boerne_ungdomspsykiatri",
    "60": "klin_biokemi",
    "61": "klin_fys_nuklearmedicin",
    "62": "klin_immunologi",
    "63": "klin_mikrobiologi",
    "64": "klin_neurofysiologi",
    "65": "patologisk_anatomi",
    "66": "diagnostisk_radiologi",
    "67": "klin_farmakologi",
    "68": "klin_genetik",
    "80": "paediatri_sygehus",
    "84": "anaestesiologi_sygehus",
    "86": "arbejdsmedicin",
    "90": "almen_medicin",
    "91": "samfundsmedicin",
    "580": "almenlaege_laegevagt",
    "1519": "oejenlaege",
    "2021": "oere_naese_halslaege",
    "2501": "anaestesiologi_praksis",
    "2503": "roentgen_kbh",
    "2504": "dermato_venerologi_praksis",
    "2505": "roentgen",
    "2506": "reumatologi_fysiurgi",
    "2507": "gynaekologi_obstetrik_praksis",
    "2508": "intern_medicin_praksis",
    "2509": "kirurgi_praksis",
    "2511": "klinisk_kemi",
    "2518": "neuromedicin",
    "2520": "ortopaedisk_kirurgi_praksis",
    "2522": "patologi",
    "2523": "plastkirurgi",
    "2524": "psykiatri_praksis",
    "2525": "paediatri",
    "2526": "boernepsykiatri",
    "2528": "tropemedicin",
    "4050": "tandlaege",
    "4551": "fysioterapi",
    "5053": "kiropraktor",
    "5552": "briller",
    "6054": "fodterapi",
    "6055": "fodbehandlking",
    "7045": "med_laboratorier",
    "7046": "omegnslaboratorier",
    "9463": "psykolog",
}
SPECIALITY_NUMBER: dict[str, str] = {name: number for number, name in SPECIALITY.items()}


K = TypeVar("K")
V = TypeVar("V")


def reverse(table: dict[K, V]) -> dict[V, K]:
    return {value: key for key, value in table.items()}
