"""The messages MedCom's test gives a vendor's system: written at run time, for the system to import.

For the receive protocol they are MedCom's receive examples, read from MedCom's reference examples
when those are at hand, and otherwise made from medcomkit's demo thread for the cases that can be
made from it (a new message, a reply, a forward, duplicates, resubmissions and invalid messages).
For the XDIS91 protocol they are medcomkit's demo XDIS91 with its XBIN01. Nothing of MedCom's is
stored in medcomkit: copies are made only when asked, from the folder the user points to.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from ..core.errors import SourceError
from ..core.files import FileBatch, safe_name
from ..core.lang import Bilingual
from .cases import Protocol, case_ids
from .files import case_of, message_files

__all__ = ["InputFile", "Inputs", "find_reference", "inputs_for", "read_inputs", "write_inputs"]

Source = Literal["reference", "demo", "folder"]
_EXAMPLES = ("fhir", "examples", "carecommunication-testexamples")
# Kept in MedCom's file on purpose: its author meant to delete it to make the message invalid.
_R_TEK_O_PLACEHOLDER = "To be removed"


@dataclass(frozen=True, slots=True)
class InputFile:
    case_id: str
    name: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Inputs:
    """Where the inputs came from, and the files, each belonging to one case."""

    source: Source
    files: tuple[InputFile, ...]
    location: str | None = None
    protocol: Protocol = Protocol.CARECOMMUNICATION_RECEIVE

    def for_case(self, case_id: str) -> list[InputFile]:
        return [f for f in self.files if f.case_id == case_id]

    def describe(self) -> Bilingual:
        if self.source == "reference":
            return Bilingual(
                f"MedComs testeksempler ({self.location})", f"MedCom's test examples ({self.location})"
            )
        if self.source == "folder":
            return Bilingual(f"filerne i {self.location}", f"the files in {self.location}")
        if self.protocol is Protocol.XDIS91:
            return Bilingual(
                "medcomkits demo-XDIS91 med XBIN01, hvor mappen ikke har de modtagne meddelelser",
                "medcomkit's demo XDIS91 with XBIN01, where the folder lacks the received messages",
            )
        return Bilingual(
            "medcomkits demotråd (uden MedComs referenceeksempler)",
            "medcomkit's demo thread (without MedCom's reference examples)",
        )


def _examples_dir(reference: Path) -> Path | None:
    for candidate in (reference.joinpath(*_EXAMPLES), reference / _EXAMPLES[-1], reference):
        if (candidate / "receive").is_dir() or (candidate / "send").is_dir():
            return candidate
    return None


def find_reference(explicit: Path | None = None, *, search: bool = True) -> Path | None:
    """MedCom's certification test examples: in ``explicit`` (the reference folder, or the folder
    holding ``send``/``receive``), or, when ``search``, in ``../shared/reference`` seen from the
    working directory or from a medcomkit source checkout. ``None`` when they are not there.

    An explicit folder without the examples raises :class:`SourceError`.
    """
    if explicit is not None:
        found = _examples_dir(explicit)
        if found is None:
            raise SourceError(
                "selftest.reference",
                Bilingual(
                    f"{explicit} indeholder ikke MedComs testeksempler (mapperne send/receive).",
                    f"{explicit} does not hold MedCom's test examples (the send/receive folders).",
                ),
            )
        return found
    if not search:
        return None
    checkout = Path(__file__).resolve().parents[3]
    for root in (Path.cwd().parent / "shared" / "reference", checkout / "shared" / "reference"):
        if root.is_dir() and (found := _examples_dir(root)) is not None:
            return found
    return None


# --- the receive protocol ------------------------------------------------------------------------------


def _intended_r_tek_o(data: bytes) -> bytes:
    """R-Tek-O as MedCom meant it: without the placeholder text its author forgot to delete."""
    bundle: dict[str, Any] = json.loads(data)
    changed = False
    for entry in bundle.get("entry", []):
        resource = entry.get("resource", {})
        if resource.get("resourceType") != "Communication":
            continue
        for payload in resource.get("payload", []):
            if payload.get("contentString") == _R_TEK_O_PLACEHOLDER:
                del payload["contentString"]
                changed = True
    return json.dumps(bundle, ensure_ascii=False, indent=2).encode() if changed else data


def _second_delivery(name: str) -> str:
    stem, dot, suffix = name.rpartition(".")
    return f"{stem}-delivery-2.{suffix}" if dot else f"{name}-delivery-2"


def _from_reference(examples: Path) -> list[InputFile]:
    ids = case_ids(Protocol.CARECOMMUNICATION_RECEIVE)
    files: list[InputFile] = []
    for folder in (examples / "receive", examples / "receive-extra"):
        if not folder.is_dir():
            continue
        for name in message_files(folder):
            case_id = case_of(name, ids)
            if case_id is None:
                continue
            data = (folder / name).read_bytes()
            if case_id == "R-Tek-O" and name.endswith(".json"):
                data = _intended_r_tek_o(data)
            files.append(InputFile(case_id, name, data))
            if case_id == "R-Tek-J":  # MedCom delivers it twice
                files.append(InputFile(case_id, _second_delivery(name), data))
    return files


_DEMO_IDS = uuid.UUID("d6a0c1e4-7b52-5f3e-9c18-2a4e6b8d0f13")


def _demo_receive() -> list[InputFile]:
    """The receive cases medcomkit can make from its demo thread, with fixed ids so the same
    inputs are written every time (the acknowledgements must answer them)."""
    from ..demo import demo_care_thread
    from ..fhir.carecommunication import build_carecommunication, carecommunication_resource
    from ..fhir.document import write_fhir
    from ..model.messages import CareMessage, Envelope

    new, answer, passed_on = demo_care_thread()

    def fixed(key: str) -> str:
        return str(uuid.uuid5(_DEMO_IDS, key))

    def variant(key: str, envelope_key: str) -> CareMessage:
        """The demo's new message as a message of its own (own ids, no attachment)."""
        return replace(
            new,
            envelope=Envelope(fixed(f"{envelope_key}/bundle"), new.envelope.sent),
            message_id=fixed(f"{key}/header"),
            thread_id=fixed(f"{key}/thread"),
            segments=tuple(
                replace(s, identifier=fixed(f"{key}/segment/{i}")) for i, s in enumerate(new.segments)
            ),
            attachments=(),
        )

    def invalid(message: CareMessage, defect: str) -> bytes:
        bundle = carecommunication_resource(message)
        communication = next(
            e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Communication"
        )
        if defect == "category":  # a category coding with a system but no code, as R-Tek-M
            del communication["category"][0]["coding"][0]["code"]
        else:  # no message text, as R-Tek-O is meant to be
            for payload in communication["payload"]:
                payload.pop("contentString", None)
        return write_fhir(bundle, "json")

    files = [
        InputFile("R-A", "R-A-new-demo.json", build_carecommunication(new)),
        InputFile("R-B", "R-B-reply-demo.json", build_carecommunication(answer)),
        InputFile("R-C", "R-C-forward-demo.json", build_carecommunication(passed_on)),
    ]
    duplicate = build_carecommunication(variant("J", "J"))
    files += [
        InputFile("R-Tek-J", "R-Tek-J-duplicate-demo.json", duplicate),
        InputFile("R-Tek-J", "R-Tek-J-duplicate-demo-delivery-2.json", duplicate),
        InputFile("R-Tek-K", "R-Tek-K-resubmission-demo.json", build_carecommunication(variant("K", "K"))),
        InputFile("R-Tek-L", "R-Tek-L-resubmission-demo.json", build_carecommunication(variant("K", "L"))),
        InputFile("R-Tek-M", "R-Tek-M-invalid-demo.json", invalid(variant("M", "M"), "category")),
        InputFile("R-Tek-N", "R-Tek-N-invalid-demo.json", invalid(variant("M", "N"), "category")),
        InputFile("R-Tek-O", "R-Tek-O-invalid-demo.json", invalid(variant("O", "O"), "text")),
    ]
    return files


def _demo_xdis91() -> list[InputFile]:
    from ..demo import demo_care_message
    from ..oioxml.xbin01 import attachments_for, build_xbin01
    from ..oioxml.xdis91 import build_xdis91

    message = demo_care_message()
    binary = attachments_for(message, message_id="DEMOBIN0000001", envelope_id="DEMOKUV0000002")
    files = [InputFile("XDIS91-C", "XDIS91-C-demo-xdis91.xml", build_xdis91(message))]
    if binary is not None:
        files.append(InputFile("XDIS91-C", "XDIS91-C-demo-xbin01.xml", build_xbin01(binary)))
    return files


def inputs_for(protocol: Protocol, reference: Path | None = None) -> Inputs:
    """The inputs a vendor's system must import for ``protocol``: MedCom's examples found in
    ``reference`` (see :func:`find_reference`), or else made from medcomkit's demo data."""
    if protocol is Protocol.XDIS91:
        return Inputs("demo", tuple(_demo_xdis91()), protocol=protocol)
    if protocol is not Protocol.CARECOMMUNICATION_RECEIVE:
        return Inputs("demo", (), protocol=protocol)
    if reference is not None:
        files = _from_reference(reference)
        if files:
            return Inputs("reference", tuple(files), reference.name)
    return Inputs("demo", tuple(_demo_receive()))


def read_inputs(directory: Path, protocol: Protocol) -> Inputs:
    """Inputs written earlier (by :func:`write_inputs`) and kept in ``directory``."""
    if not directory.is_dir():
        raise SourceError(
            "selftest.inputs",
            Bilingual(f"Mappen {directory} findes ikke.", f"The folder {directory} does not exist."),
        )
    ids = case_ids(protocol)
    files = []
    for name in message_files(directory):
        case_id = case_of(name, ids)
        if case_id is not None:
            files.append(InputFile(case_id, name, (directory / name).read_bytes()))
    return Inputs("folder", tuple(files), directory.name, protocol)


def write_inputs(inputs: Inputs | Iterable[InputFile], directory: Path) -> list[Path]:
    """Write the input files into ``directory`` (made if missing); return their paths."""
    files = inputs.files if isinstance(inputs, Inputs) else tuple(inputs)
    # Names may come from a folder of someone else's files: each is made safe and kept inside.
    with FileBatch(directory, overwrite=True) as batch:
        for item in files:
            stem, dot, extension = item.name.rpartition(".")
            name = (
                safe_name(stem, suffix=f".{safe_name(extension, max_length=10)}")
                if dot
                else safe_name(item.name)
            )
            batch.write(name, item.data)
    return batch.written_or_replaced
