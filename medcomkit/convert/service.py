"""Converting message files as MedCom's conversion service does (use cases 3.1.0, S1–S4; the
conversion test protocol): messages and their receipts, valid or not.

What the service does with input it cannot convert cleanly is documented, and done exactly:

- an XBIN01 that is missing or invalid: the XDIS91 still becomes a CareCommunication, whose
  attachment payload deliberately lacks data and title, and the receipt carries MedCom's note (S1.A2);
- a file type FHIR does not permit: converted all the same, and flagged (S1.A4);
- an XBIN01 given alone, or that comes after its XDIS91 went on without it: passed on unconverted,
  and the user is told (S1.A3).

Any other invalid message is refused: nothing is written for it, its validation report is
returned, and the negative receipt the service would send is made — an XCTL01 for OIOXML input,
a fatal-error Acknowledgement for FHIR input. Receipts (XCTL, Acknowledgement) are converted with
the id correlation a :class:`~medcomkit.convert.state.ConversionState` kept from the conversion of
the message they answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, Literal

from ..core.errors import MedcomkitError
from ..core.kinds import Kind
from ..core.lang import Bilingual
from ..core.report import Issue
from ..core.workers import Workers
from ..model.messages import AttachmentMessage, CareMessage, Receipt
from ..oioxml.xbin01 import object_key
from .changes import Change, ChangeKind, Conversion
from .context import Context
from .outcome import (
    ConvertedFile,
    Notice,
    Refusal,
    ServiceInput,
    ServiceRun,
    cannot,
    errors_of,
    invalid,
    output_name,
    refuse_fhir,
    refuse_oioxml,
)
from .pairing import pair_attachments
from .receipt_files import convert_acknowledgement, convert_xctl
from .state import ConversionState, StateWriter, StateWrites
from .to_fhir import SorLookup, xdis91_to_carecommunication
from .to_oioxml import carecommunication_to_xdis91

__all__ = ["DELIBERATE_RULES", "PERMITTED_ERROR_RULES", "REPAIRED_RULES", "convert_like_service"]

# The one FHIR error the service lets through: a file type FHIR does not permit (S1.A4).
PERMITTED_ERROR_RULES = frozenset({"binding.medcom-core-attachmentMimeTypes"})
# What the deliberately data-less attachment payload of use case S1.A2 breaks (no data is no FHIR
# error; no title is).
DELIBERATE_RULES = frozenset({"cc.attachment-title"})
# Errors the parser repairs: UTF-8 bytes under an ISO-8859-1 declaration are read as UTF-8, so a code
# like 'hÃ¸j_prioritet' is read as 'høj_prioritet' (MedCom's own Flow 1 XDIS91 has it). The service
# converts such a letter; medcomkit does too, and says so in the notes.
# Likewise HTML in Text01 (also in Flow 1): <br> is read as a line break, other HTML keeps its text.
REPAIRED_RULES = frozenset({"xml.mojibake-value", "oioxml.formatted-text-html"})


def convert_like_service(
    inputs: Sequence[tuple[str, bytes]],
    *,
    to: Literal["fhir", "oioxml"],
    fhir_format: Literal["json", "xml"] = "json",
    sor: SorLookup | None = None,
    state: ConversionState | None = None,
    now: datetime | None = None,
) -> ServiceRun:
    """Convert ``inputs`` ((name, bytes) pairs) to the other generation, as the service does.
    Never raises on bad input: each input is converted, passed on, or refused with a reason."""
    context = Context(to, fhir_format, sor, now or datetime.now().astimezone())
    with Workers(context, jobs=1, inputs=len(inputs)) as workers:
        return serve(workers.map(read_for_service, inputs), context, state, workers)


def read_for_service(context: Context, source_data: tuple[str, bytes]) -> list[ServiceInput] | Refusal:
    """One input validated and read: its messages, or its refusal when it cannot be read at all.
    A step on its own (see :mod:`medcomkit.core.workers`): each input is read once, here or in a worker,
    and the messages it gives are used from then on, never parsed again."""
    from ..dispatch import parse_all, validate_bytes

    source, data = source_data
    report = validate_bytes(data, path=source)
    try:
        messages = parse_all(data)
    except MedcomkitError as error:
        return Refusal(source, error.text, report)
    return [ServiceInput(source, data, report, m) for m in messages]


def serve(
    read: Sequence[list[ServiceInput] | Refusal],
    context: Context,
    state: ConversionState | None,
    workers: Workers[Context],
) -> ServiceRun:
    """Convert what :func:`read_for_service` gave, in input order. XDIS91s are paired with their
    XBIN01s first, over all inputs; each message's conversion then runs in ``workers`` (pairs
    together), and everything that reads or writes ``state`` runs here, in input order."""
    run = ServiceRun()
    parsed: list[ServiceInput] = []
    for outcome in read:
        if isinstance(outcome, Refusal):
            run.refused.append(outcome)
        else:
            parsed += outcome
    to = "oioxml" if context.to == "edifact" else context.to
    wrong = [i for i in parsed if _direction(i) != to]
    for item in wrong:
        run.refused.append(Refusal(item.source, _wrong_direction(item, to), item.report))
    right = [i for i in parsed if _direction(i) == to]
    if to == "fhir":
        _to_fhir(right, run, state, workers)
    else:
        _to_oioxml(right, run, state, workers)
    return run


def _merge(run: ServiceRun, part: ServiceRun) -> None:
    """Add what one step gave to the run, as if the step had added it itself."""
    run.outputs += part.outputs
    run.conversions += part.conversions
    run.notices += part.notices
    run.refused += part.refused


def _direction(item: ServiceInput) -> str | None:
    """Which way an input converts: OIOXML (XDIS91, XBIN01, XCTL) to FHIR, FHIR to OIOXML."""
    message, kind = item.message, item.report.kind
    if isinstance(message, AttachmentMessage):
        return "fhir"
    if isinstance(message, CareMessage):
        return "fhir" if message.thread_id is None else "oioxml"
    if isinstance(message, Receipt):
        return "oioxml" if kind is Kind.ACKNOWLEDGEMENT else "fhir"
    return None


def _wrong_direction(item: ServiceInput, to: str) -> Bilingual:
    kind = item.report.kind.value
    wanted = "XDIS91, XBIN01 eller XCTL" if to == "fhir" else "CareCommunication eller Acknowledgement"
    wanted_en = "XDIS91, XBIN01 or XCTL" if to == "fhir" else "CareCommunication or Acknowledgement"
    return Bilingual(
        f"{item.source} ({kind}) kan ikke konverteres til {to}: konverteringen tager {wanted} som input.",
        f"{item.source} ({kind}) cannot be converted to {to}: the conversion takes {wanted_en} as input.",
    )


# --- OIOXML to FHIR ------------------------------------------------------------------------------


def _to_fhir(
    items: list[ServiceInput], run: ServiceRun, state: ConversionState | None, workers: Workers[Context]
) -> None:
    letters = [i for i in items if isinstance(i.message, CareMessage)]
    binaries = [i for i in items if isinstance(i.message, AttachmentMessage)]
    receipts = [i for i in items if isinstance(i.message, Receipt)]
    pairing = pair_attachments(
        [i.message for i in letters if isinstance(i.message, CareMessage)],
        [i.message for i in binaries if isinstance(i.message, AttachmentMessage)],
    )
    # An XDIS91 goes to its step with its XBIN01 (the bytes of the XBIN01's file are not needed).
    tasks = [
        (item, replace(binaries[index], data=b"") if index is not None else None)
        for item, index in zip(letters, pairing.binary_of, strict=True)
        if not errors_of(item.report, REPAIRED_RULES)
    ]
    done = iter(workers.map(letter_to_fhir, tasks))
    converted: set[int] = set()
    refused_with: dict[int, str] = {}
    for item, binary_index in zip(letters, pairing.binary_of, strict=True):
        errors = errors_of(item.report, REPAIRED_RULES)
        if errors:
            run.refused.append(refuse_oioxml(item, invalid(item, errors)))
            if binary_index is not None:
                refused_with.setdefault(binary_index, item.source)
            continue
        if binary_index is not None:
            converted.add(binary_index)
        part, writes = next(done)
        _merge(run, part)
        if state is not None:
            writes.replay(state)
    # An XBIN01 whose only XDIS91 was refused goes with it: refused, and named.
    for index, letter_source in refused_with.items():
        if index not in converted:
            reason = Bilingual(
                f"{binaries[index].source} hører til {letter_source}, som er afvist; den konverteres ikke.",
                f"{binaries[index].source} belongs to {letter_source}, which is refused; it is not "
                "converted.",
            )
            run.refused.append(refuse_oioxml(binaries[index], reason))
    for index in pairing.unclaimed:
        _pass_on(binaries[index], run, state)
    for item in receipts:
        convert_xctl(item, run, workers.shared.fhir_format, state)


def letter_to_fhir(
    context: Context, task: tuple[ServiceInput, ServiceInput | None]
) -> tuple[ServiceRun, StateWrites]:
    """One XDIS91 (with its XBIN01) converted: a step that writes the state only through what it
    returns, so it can run in a worker."""
    item, binary = task
    run, writes = ServiceRun(), StateWrites()
    _letter_to_fhir(item, binary, run, context.fhir_format, context.sor, writes, context.when)
    return run, writes


def _binary_problem(binary: ServiceInput) -> Bilingual | None:
    """Why an XBIN01 cannot be used (MedCom: "XBIN01 mangler eller er ugyldig"), or ``None``."""
    errors = errors_of(binary.report)
    if errors:
        first = errors[0]
        return Bilingual(
            f"XBIN01 {binary.source} er ugyldig ([{first.rule}] {first.message('da')})",
            f"the XBIN01 {binary.source} is invalid ([{first.rule}] {first.message('en')})",
        )
    return None


def _letter_to_fhir(
    item: ServiceInput,
    binary: ServiceInput | None,
    run: ServiceRun,
    fhir_format: Literal["json", "xml"],
    sor: SorLookup | None,
    state: StateWriter | None,
    when: datetime,
) -> None:
    from ..dispatch import validate_bytes
    from ..fhir.carecommunication import build_carecommunication

    letter = item.message
    assert isinstance(letter, CareMessage)
    attachments = binary.message if binary is not None else None
    assert attachments is None or isinstance(attachments, AttachmentMessage)
    problem = _binary_problem(binary) if binary is not None else None
    try:
        conversion = xdis91_to_carecommunication(letter, attachments, sor=sor, binary_problem=problem)
        data = build_carecommunication(conversion.result, format=fhir_format, check=False)
    except MedcomkitError as error:
        run.refused.append(refuse_oioxml(item, cannot(item, error)))
        return
    conversion = _repair_notes(item, conversion)
    output = validate_bytes(data)
    # Deliberately invalid output (S1.A2: attachment without data and title) is sent all the same;
    # any other error in what medcomkit built is a defect of its own, and nothing is written.
    deliberate = conversion.correlation.conversion_problem is not None
    unexpected = errors_of(output, PERMITTED_ERROR_RULES | (DELIBERATE_RULES if deliberate else frozenset()))
    if unexpected:
        run.refused.append(refuse_oioxml(item, _not_convertible(item, unexpected, "CareCommunication")))
        return
    name = output_name(conversion.result.message_id, f".carecommunication.{fhir_format}")
    run.outputs.append(ConvertedFile(name, data))
    run.conversions.append(conversion)
    flagged = errors_of(output)
    if flagged:
        run.notices.append(
            Notice(
                item.source,
                Bilingual(
                    f"{name} er konverteret, men ugyldig, som konverteringsservicen gør det "
                    f"({', '.join(sorted({i.rule for i in flagged}))}); modtageren kvitterer negativt.",
                    f"{name} is converted but invalid, as the conversion service makes it "
                    f"({', '.join(sorted({i.rule for i in flagged}))}); the receiver acknowledges "
                    "negatively.",
                ),
            )
        )
    if state is not None:
        state.remember(conversion.correlation, when)
        if deliberate:
            missing = [
                object_key(a.identifier)
                for a in conversion.result.attachments
                if a.data is None and a.url is None and a.identifier
            ]
            state.await_objects(missing, letter.message_id, when)


_REPAIRS = (
    (
        frozenset({"xml.encoding-mismatch", "xml.mojibake-value"}),
        Change(
            ChangeKind.REWRITTEN,
            "<?xml encoding?>",
            "Bundle (UTF-8)",
            Bilingual(
                "Filen siger ISO-8859-1, men er skrevet i UTF-8 (mojibake); den er læst som UTF-8 — "
                "tjek navne og tekst med æ, ø og å.",
                "The file says ISO-8859-1 but is written in UTF-8 (mojibake); it is read as UTF-8 — "
                "check names and text with æ, ø and å.",
            ),
            "1:Text",
        ),
    ),
    (
        frozenset({"oioxml.formatted-text-html"}),
        Change(
            ChangeKind.REWRITTEN,
            "ClinicalInformation.Text01 (HTML)",
            "payload.contentString",
            Bilingual(
                "Teksten har HTML, som ikke er MedCom-formatering: <br> er læst som linjeskift, anden HTML "
                "beholder kun sin tekst.",
                "The text has HTML, which is not MedCom formatting: <br> is read as a line break, other "
                "HTML keeps only its text.",
            ),
            "1:Text",
        ),
    ),
)


def _repair_notes(item: ServiceInput, conversion: Conversion[Any]) -> Conversion[Any]:
    """What the forgiving parser repaired in the input is said in the notes (never silently)."""
    found = item.report.rules()
    repairs = tuple(change for rules, change in _REPAIRS if rules & found)
    return replace(conversion, changes=(*conversion.changes, *repairs)) if repairs else conversion


def _pass_on(binary: ServiceInput, run: ServiceRun, state: ConversionState | None) -> None:
    """An XBIN01 no XDIS91 in this run refers to: late (its XDIS91 went on without it) or alone."""
    message = binary.message
    assert isinstance(message, AttachmentMessage)
    errors = errors_of(binary.report)
    if errors:
        run.refused.append(refuse_oioxml(binary, invalid(binary, errors)))
        return
    late = None
    if state is not None:
        late = next(
            (found for a in message.attachments if (found := state.awaited(object_key(a.identifier)))),
            None,
        )
    name = output_name(message.message_id, ".xbin01.xml")
    run.outputs.append(ConvertedFile(name, binary.data))
    if late is not None:
        letter_id, converted = late
        text = Bilingual(
            f"XBIN01 {binary.source} kom for sent: XDIS91 {letter_id} blev konverteret uden den "
            f"({converted}). Den sendes videre ukonverteret som {name} (use case S1.A3).",
            f"XBIN01 {binary.source} came late: XDIS91 {letter_id} was converted without it "
            f"({converted}). It is passed on unconverted as {name} (use case S1.A3).",
        )
    else:
        text = Bilingual(
            f"Ingen XDIS91 henviser til XBIN01 {binary.source}; den sendes videre ukonverteret som {name} "
            "(use case S1.A3, XBIN01 alene).",
            f"No XDIS91 refers to XBIN01 {binary.source}; it is passed on unconverted as {name} "
            "(use case S1.A3, standalone XBIN01).",
        )
    run.notices.append(Notice(binary.source, text))


def _not_convertible(item: ServiceInput, issues: list[Issue], made: str) -> Bilingual:
    """The converted message is invalid: most often a value the source format allows and the target
    does not (a location number with a wrong check digit, a CPR number with an impossible date);
    otherwise a defect in medcomkit. Either way nothing is written, and the first issue says which."""
    first = issues[0]
    rules = ", ".join(sorted({i.rule for i in issues}))
    return Bilingual(
        f"{item.source} giver en ugyldig {made} ({rules}; fx {first.message('da')}). Værdien er tilladt i "
        "inputtets format, men ikke i målets — eller det er en fejl i medcomkit. Intet er skrevet.",
        f"{item.source} gives an invalid {made} ({rules}; e.g. {first.message('en')}). The value is allowed "
        "in the input's format but not in the target's — or it is a defect in medcomkit. Nothing is written.",
    )


# --- FHIR to OIOXML ------------------------------------------------------------------------------


def _to_oioxml(
    items: list[ServiceInput], run: ServiceRun, state: ConversionState | None, workers: Workers[Context]
) -> None:
    # CareCommunications convert in the workers; an Acknowledgement reads the state, so it is
    # converted here, after the state writes of the messages before it.
    messages = [i for i in items if isinstance(i.message, CareMessage)]
    done = iter(workers.map(carecommunication_to_oioxml, messages))
    for item in items:
        if isinstance(item.message, CareMessage):
            part, writes = next(done)
            _merge(run, part)
            if state is not None:
                writes.replay(state)
        else:
            convert_acknowledgement(item, run, state)


def carecommunication_to_oioxml(context: Context, item: ServiceInput) -> tuple[ServiceRun, StateWrites]:
    """One CareCommunication converted: a step, as :func:`letter_to_fhir`."""
    run, writes = ServiceRun(), StateWrites()
    _carecommunication_to_oioxml(item, run, writes, context.when)
    return run, writes


def _carecommunication_to_oioxml(
    item: ServiceInput, run: ServiceRun, state: StateWriter | None, when: datetime
) -> None:
    from ..dispatch import validate_bytes
    from ..oioxml.xbin01 import build_xbin01
    from ..oioxml.xdis91 import build_xdis91

    message = item.message
    assert isinstance(message, CareMessage)
    errors = errors_of(item.report, PERMITTED_ERROR_RULES)
    if errors:
        run.refused.append(refuse_fhir(item, invalid(item, errors)))
        return
    try:
        conversion = carecommunication_to_xdis91(message)
        letter, binary = conversion.result
        files = [
            ConvertedFile(output_name(letter.message_id, ".xdis91.xml"), build_xdis91(letter, check=False))
        ]
        if binary is not None:
            files.append(
                ConvertedFile(
                    output_name(binary.message_id, ".xbin01.xml"), build_xbin01(binary, check=False)
                )
            )
    except MedcomkitError as error:
        run.refused.append(refuse_fhir(item, cannot(item, error)))
        return
    unexpected = [i for f in files for i in errors_of(validate_bytes(f.data))]
    if unexpected:
        run.refused.append(refuse_fhir(item, _not_convertible(item, unexpected, "XDIS91/XBIN01")))
        return
    run.outputs += files
    run.conversions.append(conversion)
    if errors_of(item.report):
        rules = ", ".join(sorted({i.rule for i in errors_of(item.report)}))
        run.notices.append(
            Notice(
                item.source,
                Bilingual(
                    f"{item.source} har en filtype, FHIR ikke tillader ({rules}); den er konverteret "
                    "alligevel (use case S1.A4), og modtageren kan afvise den.",
                    f"{item.source} has a file type FHIR does not permit ({rules}); it is converted all "
                    "the same (use case S1.A4), and the receiver may refuse it.",
                ),
            )
        )
    if state is not None:
        state.remember(conversion.correlation, when)
