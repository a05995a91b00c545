"""Each invariant's Python implementation gives the verdict of its published FHIRPath expression.

The published expressions are read from MedCom's StructureDefinitions (and dk-core's FSH, whose
package is not available), compiled once with fhirpathpy using ``models["r4"]``, and evaluated on
every reference example and every mutant of the catalogue. ``resolve()`` is supplied as a user
function over the Bundle (fhirpathpy has none). An empty result counts as a violation, as in the
HL7 validator.

Where medcomkit implements what a defective published expression intends (``Invariant.defect``),
its verdict is compared with an intended expression written here, and a witness — a mutant on which
published and intended disagree — shows the defect is real. The three conformsTo() invariants of the
Acknowledgement cannot be evaluated as published (the canonicals do not resolve); they are compared
with their intended expressions only. Run with ``-s`` for the per-invariant summary.
"""

from __future__ import annotations

import copy
import json
import re
from collections import Counter
from collections.abc import Callable
from functools import cache
from typing import Any

import pytest
from fhir_mutants import BASES, CATALOGUE, EXT, add_entry, communication, one
from fhir_support import FHIR_REFERENCE, fhir_examples, load, require_fhir_reference

from medcomkit.fhir.document import read_fhir
from medcomkit.fhir.index import MessageIndex
from medcomkit.fhir.invariants import INVARIANTS, Invariant

pytestmark = pytest.mark.reference

Bundle = dict[str, Any]
_HOLDER: dict[str, MessageIndex] = {}

MSG = "http://medcomfhir.dk/ig/messaging/StructureDefinition/medcom-messaging-destinationUseExtension"
USE_SYSTEM = "http://medcomfhir.dk/ig/terminology/CodeSystem/medcom-messaging-destinationUse"
EVENTS = "http://medcomfhir.dk/ig/terminology/CodeSystem/medcom-messaging-eventCodes"
ACTIVITIES = "http://medcomfhir.dk/ig/terminology/CodeSystem/medcom-messaging-activityCodes"
EVENT_CODES = "'empty-message' | 'care-communication-message' | 'hospital-notification-message' | "
EVENT_CODES += "'acknowledgement-message' | 'homecareobservation-message'"
_USE = f"extension('{MSG}')"
_ACTIVITY_CODES = (
    "'new-message' | 'forward-message' | 'reply-message' | 'retract-message' | 'modified-message' | "
    "'carboncopy-message' | 'acknowledgement' | 'admit-emergency' | 'admit-inpatient' | "
    "'start-leave-inpatient' | "
    "'end-leave-inpatient' | 'discharge-emergency-home' | 'discharge-inpatient-home' | "
    "'revise-admit-emergency' | 'revise-admit-inpatient' | 'revise-start-leave-inpatient' | "
    "'revise-end-leave-inpatient' | 'revise-discharge-emergency-home' | 'revise-discharge-inpatient-home' | "
    "'cancel-admit-emergency' | 'cancel-admit-inpatient' | 'cancel-start-leave-inpatient' | "
    "'cancel-end-leave-inpatient' | 'cancel-discharge-emergency-home' | 'cancel-discharge-inpatient-home'"
)

# What the defective published expressions intend, as FHIRPath (medcomkit's Python must agree).
INTENDED: dict[str, str] = {
    "medcom-messaging-1": (
        "entry.resource.ofType(MessageHeader).all(id.exists() and eventCoding.system.exists() and "
        f"eventCoding.code.exists() and eventCoding.system = '{EVENTS}' "
        f"and eventCoding.code in ({EVENT_CODES}) "
        f"and destination.where({_USE}.value.code = 'primary').count() = 1 "
        f"and destination.all({_USE}.count() = 1 and {_USE}.value.system = '{USE_SYSTEM}' "
        f"and ({_USE}.value.code = 'primary' or {_USE}.value.code = 'cc') "
        "and receiver.exists()) and sender.exists())"
    ),
    "medcom-messaging-3": (
        "entry.resource.ofType(Provenance).all(target.count() = 1 and occurredDateTime.exists() and "
        "activity.coding.count() = 1 "
        "and activity.coding.where(system.exists() and code.exists()).count() = 1 "
        f"and activity.coding.all(system = '{ACTIVITIES}' and code in ({_ACTIVITY_CODES})))"
    ),
    "medcom-acknowledgement-2": (
        "entry.resource.ofType(MessageHeader).all(response.exists() and "
        f"destination.where({_USE}.value.code = 'cc').empty() and "
        "(response.details.resolve().empty() or response.details.resolve().is(OperationOutcome)))"
    ),
    "medcom-careCommunication-4": "entry.resource.ofType(Practitioner).all(name.exists())",
    "medcom-careCommunication-6": "category.coding.where(code = 'other').empty() or topic.exists()",
    "medcom-careCommunication-8": (
        f"payload.extension('{EXT}medcom-core-practitioner-extension')"
        ".all(value.resolve().practitioner.resolve().name.exists())"
    ),
    "medcom-careCommunication-11": (
        f"Bundle.entry.resource.ofType(Communication).extension('{EXT}medcom-core-sender-extension')"
        ".all(value.reference.resolve().managingOrganization.reference.resolve() = "
        "%resource.entry.resource.ofType(MessageHeader).sender.reference.resolve() or "
        "value.reference.resolve().organization.reference.resolve() = "
        "%resource.entry.resource.ofType(MessageHeader).sender.reference.resolve())"
    ),
    "medcom-careCommunication-13": (
        "Bundle.entry.resource.ofType(PractitionerRole).all(practitioner.reference.exists())"
    ),
    "dk-core-organization-mandatory-identifier": (
        "identifier.where(system='urn:oid:1.2.208.176.1.1' or system='https://kombit.dk/sts/organisation' or "
        "system='urn:oid:2.16.840.1.113883.2.24.1.1' or system='http://cvr.dk').exists()"
    ),
    "marital-status-unknown-usage": (
        "maritalStatus.coding.where(code = 'P' and system = 'http://terminology.hl7.org/CodeSystem/v3-MaritalStatus')"
        ".empty() and maritalStatus.coding.where(code = 'A' and system = "
        "'http://terminology.hl7.org/CodeSystem/v3-MaritalStatus').empty()"
    ),
}
# The published expression evaluated where the published invariant sits, when that differs from ours.
PUBLISHED_CONTEXT = {"medcom-careCommunication-15": "Bundle.entry.resource.ofType(Communication)"}
# Expressions that cannot be evaluated as published: conformsTo() with canonicals that do not resolve.
CONFORMS_TO = {"medcom-messaging-1", "medcom-messaging-3", "medcom-acknowledgement-2"}


def _anchored(expression: str) -> str:
    """An unanchored matches('x') as the whole-value match its text describes."""
    return re.sub(
        r"matches\('(.*)'\)", lambda m: f"matches('^{m.group(1).lstrip('^').rstrip('$')}$')", expression
    )


def published() -> dict[str, list[tuple[str, str]]]:
    """Invariant id → (element path, expression) as published (StructureDefinitions, dk-core FSH)."""
    found: dict[str, list[tuple[str, str]]] = {}
    for path in sorted(FHIR_REFERENCE.glob("ig/*/StructureDefinition-*.json")):
        definition = json.loads(path.read_text(encoding="utf-8"))
        for element in definition.get("snapshot", {}).get("element", []):
            for constraint in element.get("constraint", []):
                pair = (element["path"], " ".join(constraint.get("expression", "").split()))
                if pair not in found.setdefault(constraint["key"], []):
                    found[constraint["key"]].append(pair)
    for path in sorted((FHIR_REFERENCE / "fsh" / "dk-core-3.4.0").glob("*.fsh")):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r'^Invariant: (\S+)\n(?:.*\n)*?Expression: "((?:[^"\\]|\\.)*)"', text, re.M):
            found.setdefault(
                match.group(1), [("(dk-core)", " ".join(match.group(2).replace("\\n", " ").split()))]
            )
    return found


def master_15() -> str:
    text = (FHIR_REFERENCE / "fsh/medcom-carecommunication/MedComCareCommunicationMessage.fsh").read_text(
        "utf-8"
    )
    match = re.search(r'Invariant: medcom-careCommunication-15\n(?:.*\n)*?Expression: "([^"]*)"', text)
    assert match, "master's medcom-careCommunication-15 not found"
    return " ".join(match.group(1).split())


def fsh_5_0_4(invariant_id: str, file: str) -> str:
    """An invariant's expression as CareCommunication 5.0.4's FSH writes it."""
    text = (FHIR_REFERENCE / "fsh/medcom-carecommunication" / file).read_text("utf-8")
    match = re.search(rf'Invariant: {re.escape(invariant_id)}\n(?:.*\n)*?Expression: "([^"]*)"', text)
    assert match, f"5.0.4's {invariant_id} not found in {file}"
    return " ".join(match.group(1).split())


def _resolve(inputs: list[Any]) -> list[Any]:
    from fhirpathpy.engine.nodes import ResourceNode

    index = _HOLDER["index"]
    out = []
    for item in inputs:
        entry = index.resolve(item.get("reference") if isinstance(item, dict) else item)
        if entry is not None:
            out.append(ResourceNode.create_node(entry.resource, entry.type))  # type: ignore[no-untyped-call]
    return out


@cache
def compiled(expression: str) -> Callable[..., list[Any]]:
    from fhirpathpy import compile as fhirpath_compile
    from fhirpathpy.models import models

    options = {"userInvocationTable": {"resolve": {"fn": _resolve, "arity": {0: []}}}}
    return fhirpath_compile(expression, model=models["r4"], options=options)


def verdict(expression: str, node: Any, bundle: Bundle) -> bool:
    result = compiled(expression)(node, {"resource": bundle})
    return result == [True]


def nodes(invariant_context: str, bundle: Bundle) -> list[Any]:
    if invariant_context == "Bundle":
        return [bundle]
    return list(compiled(invariant_context)(bundle, {"resource": bundle}))


def expressions(
    invariant: Invariant, published_map: dict[str, list[tuple[str, str]]]
) -> tuple[str | None, str]:
    """(published expression or None, the expression medcomkit must agree with)."""
    candidates = published_map[invariant.id]
    if invariant.id == "medcom-uuidv4":
        candidates = [c for c in candidates if c[0] == "Communication.identifier"]
    expression = candidates[0][1]
    if invariant.id in CONFORMS_TO:
        return None, INTENDED[invariant.id]
    if invariant.id == "medcom-careCommunication-15":
        return expression, master_15()
    if invariant.id == "medcom-carecommunication-definition-url":
        return expression, fsh_5_0_4(invariant.id, "MedComCareCommunicationHeader.fsh")
    if invariant.id in ("medcom-uuidv4", "uuid", "uuidv5"):
        return expression, _anchored(expression)
    return expression, INTENDED.get(invariant.id, expression)


def dataset() -> list[tuple[str, Bundle]]:
    data: list[tuple[str, Bundle]] = []
    seen: set[str] = set()
    for path in fhir_examples():
        bundle = read_fhir(path.read_bytes()).resource
        key = json.dumps(bundle, sort_keys=True)
        if key not in seen:
            seen.add(key)
            data.append((path.name, bundle))
    data += [(f"mutant: {m.name}", m.bundle()) for m in CATALOGUE]
    data += [
        (f"witness: {name}", change(copy.deepcopy(load(BASES[base]))))
        for name, (base, change) in WITNESSES.items()
    ]
    return data


def _returning(change: Callable[[Bundle], object]) -> Callable[[Bundle], Bundle]:
    def apply(bundle: Bundle) -> Bundle:
        change(bundle)
        return bundle

    return apply


def _unnamed_second_practitioner(d: Bundle) -> None:
    one(d, "Practitioner", 1).pop("name")


def _one_role_without_practitioner(d: Bundle) -> None:
    one(d, "PractitionerRole", 1).pop("practitioner")


def _only_cvr(d: Bundle) -> None:
    org = one(d, "Organization")
    org["identifier"] = [{"system": "http://cvr.dk", "value": "26919991"}]


def _other_extension(d: Bundle) -> None:
    communication(d)["extension"] = [{"url": "http://example.org/other", "valueString": "x"}]


def _prefixed(d: Bundle) -> None:
    communication(d)["identifier"][0]["value"] = "id urn:uuid:b2eb3d0e-5de5-4de9-b2a3-0ff321ad1c3a"


def _kombit_prefixed(d: Bundle) -> None:
    one(d, "Organization")["identifier"].append(
        {
            "system": "https://kombit.dk/sts/organisation",
            "value": "x urn:uuid:a107fd1e-9f35-422c-9d1e-add097bbf4a6",
        }
    )


def _lpr3_prefixed(d: Bundle) -> None:
    one(d, "Encounter")["episodeOfCare"].append(
        {"identifier": {"system": "https://www.esundhed.dk/Registre/Landspatientregisteret",
                        "value": "x urn:uuid:6d9ec3f8-c1e9-5a3c-9c0b-1f2e3d4c5b6a"}}
    )  # fmt: skip


def _only_polygamous(d: Bundle) -> None:
    one(d, "Patient")["maritalStatus"] = {
        "coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-MaritalStatus", "code": "P"}]
    }


def _no_category_code_with_topic(d: Bundle) -> None:
    communication(d)["category"][0]["coding"][0].pop("code")


def _no_author(d: Bundle) -> None:
    for payload in communication(d)["payload"]:
        payload["extension"] = [e for e in payload["extension"] if "practitioner-extension" not in e["url"]]


def _encounter_unreferenced(d: Bundle) -> None:
    communication(d).pop("encounter")


def _definition_4(d: Bundle) -> None:
    one(d, "MessageHeader")["definition"] = one(d, "MessageHeader")["definition"].replace("|5.0", "|4.0")


def _extra_patient_entry(d: Bundle) -> None:
    add_entry(d, {**copy.deepcopy(one(d, "Patient")), "id": "p2"})


# Mutants on which a defective published expression and its intent disagree (the defect's witness).
WITNESSES: dict[str, tuple[str, Callable[[Bundle], Bundle]]] = {
    "medcom-careCommunication-4": ("cc-reply", _returning(_unnamed_second_practitioner)),
    "medcom-careCommunication-6": ("cc-new", _returning(_no_category_code_with_topic)),
    "medcom-careCommunication-8": ("cc-new", _returning(_no_author)),
    "medcom-careCommunication-11": ("cc-new", _returning(_other_extension)),
    "medcom-careCommunication-13": ("cc-reply", _returning(_one_role_without_practitioner)),
    "medcom-careCommunication-15": ("cc-full", _returning(_encounter_unreferenced)),
    "medcom-carecommunication-definition-url": ("cc-new", _returning(_definition_4)),
    "medcom-uuidv4": ("cc-reply", _returning(_prefixed)),
    "uuid": ("cc-new", _returning(_kombit_prefixed)),
    "uuidv5": ("cc-full", _returning(_lpr3_prefixed)),
    "dk-core-organization-mandatory-identifier": ("cc-new", _returning(_only_cvr)),
    "marital-status-unknown-usage": ("cc-new", _returning(_only_polygamous)),
}


@cache
def _dataset() -> tuple[tuple[str, str], ...]:
    return tuple((name, json.dumps(bundle)) for name, bundle in dataset())


@pytest.mark.slow
@pytest.mark.parametrize("invariant_id", sorted(INVARIANTS))
def test_python_verdict_matches_the_fhirpath_expression(invariant_id: str) -> None:
    require_fhir_reference()
    invariant = INVARIANTS[invariant_id]
    published_map = published()
    assert invariant_id in published_map, f"{invariant_id} is not published in the reference files"
    published_expression, reference_expression = expressions(invariant, published_map)
    if invariant.defect is None:
        assert reference_expression == published_expression, "a faithful invariant is compared as published"
    counts: Counter[str] = Counter()
    witnesses: list[str] = []
    mismatches: list[str] = []
    for name, text in _dataset():
        bundle = json.loads(text)
        index = MessageIndex(bundle)
        _HOLDER["index"] = index
        for node in nodes(invariant.context, bundle):
            ours = invariant.holds(node, index)
            expected = verdict(reference_expression, node, bundle)
            counts["nodes"] += 1
            counts["violations"] += not ours
            if ours != expected:
                mismatches.append(f"{name}: python {ours}, FHIRPath {expected} on {str(node)[:120]}")
        if published_expression is not None and invariant.defect is not None:
            context = PUBLISHED_CONTEXT.get(invariant_id, invariant.context)
            for node in nodes(context, bundle):
                if verdict(published_expression, node, bundle) != verdict(
                    reference_expression, node, bundle
                ) or (
                    context != invariant.context
                    and verdict(published_expression, node, bundle) != invariant.holds(bundle, index)
                ):
                    witnesses.append(name)
                    break
    print(
        f"\n{invariant_id:45} {counts['nodes']:5} evaluations, {counts['violations']:4} violations"
        + (
            f"; published differs on {len(set(witnesses))} bundles ({invariant.defect})"
            if invariant.defect
            else ""
        )
    )
    assert not mismatches, "\n".join(mismatches[:10])
    assert counts["violations"] > 0, (
        f"no example or mutant violates {invariant_id}: the test would not notice a bug"
    )
    if invariant.defect is not None and published_expression is not None:
        assert witnesses, f"{invariant_id}: no witness shows the documented defect ({invariant.defect})"


def test_every_medcom_invariant_of_the_profiles_in_play_is_implemented() -> None:
    require_fhir_reference()
    in_play = {
        key
        for key, places in published().items()
        if key.startswith(("medcom-", "dk-core-", "marital-"))
        or key
        in {"cpr", "x-ecpr", "d-ecpr", "min-digits-sor", "gln-length", "gln-modulus-10", "uuidv5", "uuid"}
    }
    not_in_messages = {
        "medcom-homecareObservation-4": "MedComRequesterOrganization (HomeCareObservation only)",
        "medcom-homecareReport-5": "MedComCoreMedia (not in CareCommunication or Acknowledgement)",
        "medcom-homecareReport-6": "MedComCoreMedia (not in CareCommunication or Acknowledgement)",
        "dk-core-observation-mandatory-units": "Observation (not in CareCommunication or Acknowledgement)",
    }
    missing = in_play - set(INVARIANTS) - set(not_in_messages)
    assert not missing, f"published invariants without a Python implementation: {sorted(missing)}"
