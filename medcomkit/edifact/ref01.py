"""REF01, the hospital referral in EDIFACT (``MEDREF:D:93A:UN:H0130R``), to and from the neutral
:class:`~medcomkit.model.messages.Referral` — the EDIFACT twin of XREF01 (XH0130R).

Segment layout (as MedCom's converter writes it)::

    BGM+HNV++9+NA  DTM+137 (authorised)
    S01 NAD+PO  [ADR] [CON] SEQ++1 SPR+ORG      sender (the referring practice)
    S01 NAD+SSP [ADR] SEQ++2                    receiver (the hospital)
    S01 NAD+BV  RFF+AHL:1 SEQ++3                referrer (title:name)
    S01 NAD+PRH [ADR] [CON] SEQ++4              copy of the answer to (optional)
    S02 GIS+N RFF+ROI (episode id or _) DTM+4 [CIN+H] [CIN+<role>]… [FTX+DI (reason)]
    S06 STS++NR
    S07 PNA+PAT [RFF+XPI] [ADR] [CON+HO|CE|WO]… [EMP (title)]
    S10 REL+PER+<relation> PNA+PAS              relative (optional)
    S12 [FTX+IN (e-mail)] FTX+NC|CF|MT|AL|BIN|URL|SUP …   clinical texts, attachment references
    S18 GIS+N [PTY+PRI] [FTX+<visitation>]… [PAS (referral status)]
    S19 STS++NR [TDT+PHL (transport)] [FTX+COT (supplementary)]
"""

from __future__ import annotations

from dataclasses import replace

from ..core.errors import BuildError
from ..core.kinds import Kind
from ..core.lang import Bilingual
from ..model.markup import from_runs, normalise, to_runs
from ..model.messages import (
    Address,
    Diagnosis,
    EpisodeOfCare,
    Organisation,
    PatientTransport,
    Phone,
    Referral,
    ReferralPriority,
    ReferralStatus,
    Referrer,
    Relation,
    Relative,
    VisitationNote,
)
from .codes import LETTER_STATUS, ORG_ID_KIND, reverse
from .common import (
    Group,
    adr,
    build_interchange,
    dtm,
    dtm_moment,
    envelope_of,
    groups,
    nad,
    organisation_of,
    patient_of,
    pna,
    segment,
    spr,
)
from .dis91 import (
    REFERENCE_QUALIFIERS,
    code,
    ftx_segments,
    one_group,
    party_group,
    read_references,
    reference_segments,
)
from .envelope import Interchange, Message
from .ftx import read_text
from .syntax import Segment

__all__ = ["build_ref01", "read_ref01"]

PRIORITY = {
    "WA": ReferralPriority.ELECTIVE,
    "AC": ReferralPriority.ACUTE,
    "SA": ReferralPriority.SPECIAL_CIRCUMSTANCES,
}
REFERRAL_STATUS = {"HA": ReferralStatus.OUTPATIENT, "HS": ReferralStatus.ADMISSION}
TRANSPORT = {"TX": PatientTransport.NONE, "ST": PatientTransport.LYING, "SI": PatientTransport.SITTING}
RELATION = {"GU": Relation.UNSPECIFIED, "MO": Relation.MOTHER, "FA": Relation.FATHER, "SD": Relation.CHILD}
PHONE_USE = {"HO": "home", "CE": "mobile", "WO": "work"}
DIAGNOSIS_SYSTEM = {"SKS": "SKSdiagnosekode", "USP": "uspecificeretkode", "ICP": "ICPCkode"}
DIAGNOSIS_ROLE = {
    "DI": "uspec_diagnose",
    "H": "henv_diagnose",
    "B": "bidiagnose",
    "DM": "tillaegsdiagnose",
    "A": "aktionsdiagnose",
    "G": "grundmorbus",
    "M": "midlertidig_diagnose",
    "S": "forloebsdiagnose",
    "TR": "operation",
    "IN": "roentgenundersoegelse",
}
VISITATION = {
    "US": "ustruktureret",
    "EL": "egen_laege",
    "HV": "henvisning_modtaget",
    "VI": "visitering",
    "IK": "indkaldt",
    "AF": "indlagt_paa",
    "UA": "udenamts_kaution",
}
CLINICAL = (("NC", "anamnesis"), ("CF", "examination"), ("MT", "medication"), ("AL", "cave"))
_CODES = {
    name: reverse(table)
    for name, table in (
        ("priority", PRIORITY),
        ("status", REFERRAL_STATUS),
        ("transport", TRANSPORT),
        ("relation", RELATION),
        ("phone", PHONE_USE),
        ("system", DIAGNOSIS_SYSTEM),
        ("role", DIAGNOSIS_ROLE),
        ("visitation", VISITATION),
        ("letter", LETTER_STATUS),
    )
}


def _text(ftxs: list[Segment]) -> str | None:
    if not ftxs:
        return None
    text, _ = read_text([(item.get(2), item.elements[3] if len(item.elements) >= 4 else []) for item in ftxs])
    return text


def _diagnosis(cin: Segment, *, referral: bool) -> Diagnosis:
    """A CIN segment; the first CIN+H is the referral diagnosis (no role), the rest have roles."""
    return Diagnosis(
        text=cin.get(2, 4),
        code=cin.get(2, 1) or None,
        system=DIAGNOSIS_SYSTEM.get(cin.get(2, 2), cin.get(2, 2)),
        role=None if referral else DIAGNOSIS_ROLE.get(cin.qualifier, cin.qualifier),
    )


def _referrer(group: Group) -> Referrer:
    bv = group.first("NAD")
    assert bv is not None
    kind = ORG_ID_KIND.get(bv.get(2, 2)) if bv.get(2, 1) else None
    return Referrer(
        name=bv.get(4, 2),
        title=bv.get(4, 1) or None,
        identifier=bv.get(2, 1) or None,
        identifier_kind=kind,
    )


def _optional_party(found: list[Group], qualifier: str) -> Group | None:
    for group in found:
        if group.marker == "S01":
            item = group.first("NAD")
            if item is not None and item.qualifier == qualifier:
                return group
    return None


def read_ref01(interchange: Interchange, message: Message) -> Referral:
    """The neutral model of a REF01 message."""
    found = groups(message.body)
    unb = interchange.unb
    assert unb is not None
    envelope = envelope_of(interchange, message)
    letter = one_group(message, found, "S02", "GIS")
    patient_group = one_group(message, found, "S07", "PNA")
    gis = letter.first("GIS")
    assert gis is not None
    by_marker: dict[str, list[Segment]] = {}
    for group in found:
        by_marker.setdefault(group.marker, []).extend(group.segments)
    s12 = [s for s in by_marker.get("S12", []) if s.tag == "FTX"]
    s18 = by_marker.get("S18", [])
    s19 = by_marker.get("S19", [])
    episode = letter.first("RFF", "ROI")
    episode_id = episode.get(1, 2) if episode is not None else ""
    cins = list(letter.all("CIN"))
    refer = next((c for c in cins if c.qualifier == "H"), None)
    relative_group = next((g for g in found if g.marker == "S10"), None)
    relative = None
    if relative_group is not None:
        rel, pas = relative_group.first("REL"), relative_group.first("PNA")
        if rel is not None and pas is not None:
            relative = Relative(
                relation=code(message, RELATION, rel, rel.get(2), "REL"),
                family_name=pas.get(5, 2),
                given_name=pas.get(6, 2) or None,
                identifier=pas.get(2, 1) or None,
            )
    patient = patient_of(patient_group)
    email = next((s for s in s12 if s.qualifier == "IN"), None)
    patient = replace(
        patient,
        phones=tuple(Phone(c.get(2, 1), PHONE_USE.get(c.qualifier)) for c in patient_group.all("CON")),
        email=email.get(4, 1) or None if email is not None else None,
    )
    pty = next((s for s in s18 if s.tag == "PTY"), None)
    pas_status = next((s for s in s18 if s.tag == "PAS"), None)
    tdt = next((s for s in s19 if s.tag == "TDT"), None)
    copy_group = _optional_party(found, "PRH")
    answer_copy = None
    if copy_group is not None:
        copy = organisation_of(copy_group, "")
        answer_copy = copy
    texts = {field: _text([s for s in s12 if s.qualifier == q]) for q, field in CLINICAL}
    return Referral(
        envelope=envelope,
        message_id=message.reference,
        authorised=dtm_moment(message, found[0].first("DTM")),
        sender=organisation_of(party_group(message, found, "PO"), unb.get(2, 1)),
        referrer=_referrer(party_group(message, found, "BV")),
        receiver=organisation_of(party_group(message, found, "SSP"), unb.get(3, 1)),
        patient=patient,
        status=code(message, LETTER_STATUS, gis, gis.get(1), "GIS"),
        episodes=(EpisodeOfCare(episode_id),) if episode_id not in ("", "_") else (),
        answer_copy_to=answer_copy,
        relative=relative,
        priority=code(message, PRIORITY, pty, pty.get(2), "PTY") if pty is not None else None,
        referral_status=code(message, REFERRAL_STATUS, pas_status, pas_status.get(1), "PAS")
        if pas_status is not None
        else None,
        transport=code(message, TRANSPORT, tdt, tdt.get(3), "TDT") if tdt is not None else None,
        reason=_text(list(letter.all("FTX", "DI"))),
        supplementary=_text([s for s in s19 if s.tag == "FTX" and s.qualifier == "COT"]),
        diagnosis=_diagnosis(refer, referral=True) if refer is not None else None,
        additional_diagnoses=tuple(_diagnosis(c, referral=False) for c in cins if c is not refer),
        cave=texts["cave"],
        anamnesis=texts["anamnesis"],
        examination=texts["examination"],
        medication=texts["medication"],
        attachments=read_references([s for s in s12 if s.qualifier in REFERENCE_QUALIFIERS]),
        visitation=tuple(
            VisitationNote(VISITATION.get(s.qualifier, s.qualifier), _text([s]) or "")
            for s in s18
            if s.tag == "FTX"
        ),
    )


# --- building -------------------------------------------------------------------------------------


def _adr_placeholder(address: Address | None) -> list[Segment]:
    """ADR as REF01 writes it: ``_`` for a missing street when some address part is there."""
    found = adr(address)
    for item in found:
        if not item.elements[1][1]:
            item.elements[1][1] = "_"
    return found


def _refuse(referral: Referral) -> None:
    lost: list[tuple[str, str]] = []  # (Danish, English)
    if len(referral.episodes) > 1 or any(e.kind for e in referral.episodes):
        lost.append(("forløbstype eller mere end ét forløbs-id", "episodes beyond one episode id"))
    if referral.referral_status is ReferralStatus.HOME:
        lost.append(("henvisningsstatus «hjemmet»", "referral_status home"))
    if referral.hospital_choice is not None:
        lost.append(("frit sygehusvalg", "hospital_choice"))
    if referral.diagnosis is not None and referral.diagnosis.role not in (None, "henv_diagnose"):
        lost.append(("henvisningsdiagnosens rolle", "diagnosis.role"))
    if any(d.role is None or d.role not in _CODES["role"] for d in referral.additional_diagnoses):
        lost.append(("de øvrige diagnosers rolle", "additional_diagnoses[].role"))
    if referral.diagnosis is None and any(d.role == "henv_diagnose" for d in referral.additional_diagnoses):
        # CIN+H is the referral diagnosis: without one, the first such would be read as it.
        lost.append(
            (
                "en øvrig diagnose som henvisningsdiagnose uden en henvisningsdiagnose",
                "additional_diagnoses[].role henv_diagnose without a referral diagnosis",
            )
        )
    if any(phone.use not in _CODES["phone"] for phone in referral.patient.phones):
        lost.append(
            (
                "patientens telefontype (mobil, arbejde eller hjem)",
                "patient.phones[].use (mobile, work or home)",
            )
        )
    if lost:
        raise BuildError(
            "ref01.build-unsupported",
            Bilingual(
                "REF01 (H0130R) kan ikke rumme: " + ", ".join(da for da, _ in lost) + ".",
                "REF01 (H0130R) cannot carry: " + ", ".join(en for _, en in lost) + ".",
            ),
        )


def _cin(qualifier: str, diagnosis: Diagnosis) -> Segment:
    system = _CODES["system"].get(diagnosis.system, "")
    return segment("CIN", qualifier, [diagnosis.code or "", str(system), "", diagnosis.text])


def _markup_text(qualifier: str, markup: str | None) -> list[Segment]:
    if markup is None:
        return []
    return ftx_segments(qualifier, from_runs(normalise(to_runs(markup))))


def build_ref01(referral: Referral) -> bytes:
    """Write a REF01 (H0130R) interchange, as MedCom's converter writes the XH0130R twin."""
    _refuse(referral)
    sender, receiver, referrer = referral.sender, referral.receiver, referral.referrer
    patient = referral.patient
    body: list[Segment] = [
        segment("BGM", "HNV", "", "9", "NA"),
        dtm("137", referral.authorised),
        segment("S01", "01"),
        nad("PO", sender, placeholder=False),
        *_adr_placeholder(sender.address),
        *([segment("CON", "", [sender.phone, "TE"])] if sender.phone else []),
        segment("SEQ", "", "1"),
        spr(sender, "REF01"),
        segment("S01", "01"),
        nad("SSP", receiver, placeholder=True),
        *_adr_placeholder(receiver.address),
        segment("SEQ", "", "2"),
        segment("S01", "01"),
        _referrer_nad(referrer),
        segment("RFF", ["AHL", "1"]),
        segment("SEQ", "", "3"),
    ]
    copy = referral.answer_copy_to
    if copy is not None:
        body += [
            segment("S01", "01"),
            nad("PRH", copy, placeholder=True),
            *_adr_placeholder(copy.address),
            *([segment("CON", "", [copy.phone, "TE"])] if copy.phone else []),
            segment("SEQ", "", "4"),
        ]
    episode = referral.episodes[0].identifier if referral.episodes else "_"
    body += [
        segment("S02", "02"),
        segment("GIS", str(_CODES["letter"][referral.status])),
        segment("RFF", ["ROI", episode]),
        dtm("4", referral.authorised),
        *([_cin("H", referral.diagnosis)] if referral.diagnosis is not None else []),
        *(_cin(str(_CODES["role"][d.role]), d) for d in referral.additional_diagnoses),
        *_markup_text("DI", referral.reason),
        segment("S06", "06"),
        segment("STS", "", "NR"),
        segment("S07", "07"),
        *pna(patient),
        *_adr_placeholder(patient.address),
        *(segment("CON", str(_CODES["phone"][phone.use]), [phone.number, "TE"]) for phone in patient.phones),
        *([segment("EMP", "1", "", ["", "", "", patient.occupation])] if patient.occupation else []),
    ]
    relative = referral.relative
    if relative is not None:
        body += [
            segment("S10", "10"),
            segment("REL", "PER", str(_CODES["relation"][relative.relation])),
            segment(
                "PNA",
                "PAS",
                [relative.identifier, "", "", "CPR", "IM"] if relative.identifier else "",
                "",
                "",
                ["SU", relative.family_name],
                ["FO" if relative.given_name else "", relative.given_name or ""],
            ),
        ]
    s12: list[Segment] = [segment("FTX", "IN", "P00", "", patient.email)] if patient.email else []
    for qualifier, field in CLINICAL:
        s12 += _markup_text(qualifier, getattr(referral, field))
    s12 += reference_segments(referral.attachments)
    for start in range(0, len(s12), 10):  # a group holds at most ten FTX; none, no group
        body += [segment("S12", "12"), *s12[start : start + 10]]
    body += [segment("S18", "18"), segment("GIS", "N")]
    if referral.priority is not None:
        body.append(segment("PTY", "PRI", str(_CODES["priority"][referral.priority])))
    for note in referral.visitation:
        body += _markup_text(str(_CODES["visitation"].get(note.topic, note.topic)), note.text)
    if referral.referral_status is not None:
        body.append(segment("PAS", str(_CODES["status"][referral.referral_status])))
    body += [segment("S19", "19"), segment("STS", "", "NR")]
    if referral.transport is not None:
        body.append(segment("TDT", "PHL", "", str(_CODES["transport"][referral.transport])))
    body += _markup_text("COT", referral.supplementary)
    return build_interchange(
        referral.envelope, sender.ean, receiver.ean, referral.message_id, Kind.REF01, body
    )


def _referrer_nad(referrer: Referrer) -> Segment:
    identifier: list[str] | str = ""
    if referrer.identifier:
        party = Organisation(ean="", identifier=referrer.identifier, identifier_kind=referrer.identifier_kind)
        identifier = nad("BV", party, placeholder=False).elements[1]
    return segment("NAD", "BV", identifier, "", [referrer.title or "", referrer.name, "", "", "", "US"])
