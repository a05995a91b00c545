"""DNHF, Den Nationale Henvisningsformidling: how a referral gets in, which message types DNHF is
certified for, and packaging a hospital referral with its attachments for sending.

DNHF distributes referrals, attachments and receipts between referrers and those who receive
them, and keeps them only as long as it needs to: it is no journal system, so the sender keeps its
own copy (see :mod:`medcomkit.archive`). The facts here carry their sources; where public sources
are silent (the button integration), medcomkit says so and models what a vendor would build.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final, Literal
from urllib.parse import urlencode

from .core.errors import BuildError
from .core.lang import Bilingual
from .model.messages import AttachmentMessage, Referral

__all__ = [
    "CERTIFIED",
    "ENTRY_ROUTES",
    "SOURCES",
    "CertifiedType",
    "ContextLaunch",
    "Direction",
    "EntryRoute",
    "ReferralPackage",
    "Route",
    "certified_for",
    "package_referral",
]

# Where the facts below come from (cited by key).
SOURCES: Final = {
    "NSI-DNHF": "https://services.nsi.dk/en/Services/DNHF — Den Nationale Henvisnings Formidling (DNHF)",
    "DNHF-INFO": "http://dnhf-info.dk/wm527688 — Om DNHF (20-11-2020)",
    "GS": "https://github.com/medcomdk/GodkendteSystemer — MedCom: godkendte systemer, samlet liste",
    "NSI-SEB": "https://services.nsi.dk/en/Services/SEB — SEB, vejledning til brugerstyring",
    "PSYK-RH": "https://www.psykiatri-regionh.dk/fagfolk/Center-for-visitation-og-diagnostik/fagperson/"
    "Sider/Henvisning-af-b%C3%B8rn-og-unge.aspx — Henvisning af børn og unge (Region Hovedstaden)",
}


class Direction(StrEnum):
    RECEIVE = "receive"
    SEND = "send"


@dataclass(frozen=True, slots=True)
class CertifiedType:
    """A message type DNHF is MedCom-certified for, in one direction."""

    direction: Direction
    kind: str
    versions: tuple[str, ...]
    name: str


def _types(direction: Direction, rows: list[tuple[str, str, str]]) -> list[CertifiedType]:
    return [CertifiedType(direction, kind, tuple(v.split()), name) for kind, v, name in rows]


# MedCom's approval list for DNHF (supplier CGI, "Specialsystem"), all "Godkendt" [GS]. DNHF both
# receives and sends the referral types; the rest differ by direction.
_REFERRALS = [
    ("REF01", "H0131R", "Sygehushenvisning"),
    ("REF02", "H0231R", "Billeddiagnostisk henvisning"),
    ("REF06", "H0630R H0631R", "Speciallægehenvisning"),
    ("REF07", "H0732R", "Fysioterapihenvisning"),
    ("REF08", "H0830R H0831R H0832R", "Fodterapihenvisning"),
    ("REF10", "H1031R", "Psykologhenvisning"),
    ("REF12", "H1230R H1231R", "REF12-henvisning"),
    ("XREF15", "XH1530R", "Kommunehenvisning (MunicipalityReferral)"),
    ("XREF22", "XH2230R", "Akut kommunehenvisning (EmergencyMunicipalityReferral)"),
    ("BIN01", "B0131X", "Bilag"),
]
_RECEIPTS = [
    ("CTL02", "", "Negativ kvittering (EDIFACT)"),
    ("CTL03", "", "Positiv kvittering (EDIFACT)"),
    ("XCTL02", "XC0230Q", "Negativ kvittering"),
    ("XCTL03", "XC0330Q", "Positiv kvittering"),
    ("VANSEnvelope", "1.0", "VANS-kuvert"),
]
CERTIFIED: Final = tuple(
    _types(
        Direction.RECEIVE,
        [
            *_REFERRALS,
            ("BIN02", "B0210X", "Henvisningsbilag"),
            ("CTL01", "", "Negativ VANS-kvittering (EDIFACT)"),
            ("XCTL01", "XC0130Q", "Negativ VANS-kvittering"),
            *_RECEIPTS,
        ],
    )
    + _types(Direction.SEND, [*_REFERRALS, ("DIS91", "D9134L", "Korrespondancebrev"), *_RECEIPTS])
)


def certified_for(kind: str, direction: Direction = Direction.RECEIVE) -> bool:
    """Whether DNHF is MedCom-certified for message type ``kind`` (``REF01``, ``XREF01`` …)."""
    return any(t.kind == kind and t.direction is direction for t in CERTIFIED)


class Route(StrEnum):
    BUTTON = "button"  # knapløsning: context launch from the municipal system
    WEB = "web"  # direct log-on to DNHF's web module
    SYSTEM = "system"  # the municipal system sends the referral itself over VANS


@dataclass(frozen=True, slots=True)
class EntryRoute:
    """One way a referral gets into DNHF, for the guide's table."""

    route: Route
    title: Bilingual
    how: Bilingual
    needs: Bilingual
    source: str  # a key of SOURCES, or "medcomkit" for medcomkit's own model


ENTRY_ROUTES: Final = (
    EntryRoute(
        Route.SYSTEM,
        Bilingual("Fra fagsystemet over VANS", "From the case system over VANS"),
        Bilingual(
            "Systemet bygger henvisningen (REF01/XREF01) og bilagene og sender dem via DNHF's "
            "dataindgang ('3-partssystemer').",
            "The system builds the referral (REF01/XREF01) and its attachments and sends them through "
            "DNHF's data interface ('third-party systems').",
        ),
        Bilingual(
            "MedCom-certificering af systemet til henvisningstypen; lokationsnummer med typen i SOR-EDI.",
            "MedCom certification of the system for the referral type; a location number with the type in "
            "SOR-EDI.",
        ),
        "NSI-DNHF",
    ),
    EntryRoute(
        Route.BUTTON,
        Bilingual("Knapløsning (kontekststart)", "Button integration (context launch)"),
        Bilingual(
            "En knap i fagsystemet åbner DNHF med afsender, patient, modtager og sag udfyldt — som de "
            "dybe links, kommunale systemer allerede bruger. DNHF's grænseflade til dette er ikke "
            "offentliggjort; medcomkit viser de data, en sådan start skal bære.",
            "A button in the case system opens DNHF with sender, patient, receiver and case filled in — "
            "like the deep links municipal systems already use. DNHF's interface for this is not "
            "published; medcomkit shows the data such a launch must carry.",
        ),
        Bilingual(
            "Samarbejdsaftaler, som MedCom indgår med DNHF og leverandøren; brugeren logger på som ved "
            "webmodulet.",
            "Collaboration agreements MedCom makes with DNHF and the vendor; the user logs on as for the "
            "web module.",
        ),
        "medcomkit",
    ),
    EntryRoute(
        Route.WEB,
        Bilingual("Direkte log-on i webmodulet", "Direct log-on to the web module"),
        Bilingual(
            "Sagsbehandleren logger på DNHF's henvisningsmodul og udfylder henvisningen dér. Henvisningen "
            "skal journalføres lokalt (printes eller gemmes).",
            "The caseworker logs on to DNHF's referral module and fills in the referral there. The "
            "referral must be journalised locally (printed or saved).",
        ),
        Bilingual(
            "Brugeridentitet: SEB (Sundhedsvæsenets Elektroniske Brugerstyring), MitID Erhverv eller "
            "lokal IdP; roller tildeles af organisationens SEB-administrator.",
            "A user identity: SEB (the health service's user management), MitID Erhverv or a local IdP; "
            "roles are granted by the organisation's SEB administrator.",
        ),
        "NSI-SEB",
    ),
)


@dataclass(frozen=True, slots=True)
class ContextLaunch:
    """What a button in the municipal system hands DNHF to open a referral: who refers, to whom,
    about which case. The patient's CPR is deliberately not among the URL parameters — a CPR in
    a URL ends up in browser histories and server logs — but travels with the signed session."""

    sender_ean: str
    receiver_sor: str
    case_id: str
    referral_type: str = "REF01"
    user: str | None = None

    def parameters(self) -> dict[str, str]:
        values = {
            "senderEan": self.sender_ean,
            "receiverSor": self.receiver_sor,
            "caseId": self.case_id,
            "referralType": self.referral_type,
        }
        if self.user:
            values["user"] = self.user
        return values

    def url(self, base: str) -> str:
        """The launch URL under ``base`` (the address DNHF gives the vendor; none is public)."""
        if not base.startswith("https://"):
            raise BuildError(
                "dnhf.launch-url",
                Bilingual("Kontekststart skal ske over https.", "A context launch must use https."),
            )
        separator = "&" if "?" in base else "?"
        return f"{base}{separator}{urlencode(self.parameters())}"


@dataclass(frozen=True, slots=True)
class ReferralPackage:
    """A hospital referral ready to send: the XREF01, the XBIN01 with its attachments, and what the
    sender must know (notes) before it goes."""

    xref01: bytes
    xbin01: bytes | None
    binary: AttachmentMessage | None
    notes: tuple[Bilingual, ...] = field(default_factory=tuple)

    def files(self) -> dict[str, bytes]:
        """The files to hand to VANS (and to keep in the municipality's own journal)."""
        result = {"henvisning-xref01.xml": self.xref01}
        if self.xbin01 is not None:
            result["henvisning-xbin01.xml"] = self.xbin01
        return result


def package_referral(
    referral: Referral, *, version: Literal["XH0130R", "XH0131R"] = "XH0130R"
) -> ReferralPackage:
    """Build and validate a referral's XREF01 and the XBIN01 with its attachments.

    Raises :class:`BuildError` when either would be invalid. The notes say what DNHF's
    certification list means for the package and that the sender must keep its own copy.
    """
    from .oioxml.xbin01 import build_xbin01
    from .oioxml.xref01 import build_xref01, referral_attachments

    xref01 = build_xref01(referral, version=version)
    binary = referral_attachments(referral)
    xbin01 = build_xbin01(binary) if binary is not None else None
    notes = [
        Bilingual(
            "DNHF er ikke et journalsystem: gem henvisningen, bilagene og kvitteringerne i kommunens "
            "egen journal (medcomkit.archive).",
            "DNHF is not a journal system: keep the referral, its attachments and the receipts in the "
            "municipality's own journal (medcomkit.archive).",
        )
    ]
    if not certified_for("XREF01"):
        notes.append(
            Bilingual(
                "DNHF's MedCom-godkendelse nævner REF01 (EDIFACT) og BIN01/BIN02, ikke XREF01 og XBIN01. "
                "Afklar med MedCom og regionen, hvordan en XREF01 når frem, før den sendes via DNHF.",
                "DNHF's MedCom approval names REF01 (EDIFACT) and BIN01/BIN02, not XREF01 and XBIN01. "
                "Settle with MedCom and the region how an XREF01 reaches the receiver before sending it "
                "through DNHF.",
            )
        )
    return ReferralPackage(xref01, xbin01, binary, tuple(notes))
