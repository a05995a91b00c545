"""DNHF: the routes in, the certification facts, and packaging a referral."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

import medcomkit
from medcomkit import BuildError, Severity
from medcomkit.demo import DEMO_CPR, demo_referral
from medcomkit.dnhf import (
    CERTIFIED,
    ENTRY_ROUTES,
    SOURCES,
    ContextLaunch,
    Direction,
    Route,
    certified_for,
    package_referral,
)


def test_dnhf_is_certified_for_edifact_referrals_but_not_xref01() -> None:
    assert certified_for("REF01", Direction.RECEIVE)
    assert certified_for("REF01", Direction.SEND)
    assert certified_for("BIN02", Direction.RECEIVE)
    assert not certified_for("BIN02", Direction.SEND)
    assert not certified_for("XREF01")
    assert not certified_for("XBIN01")
    kinds = {t.kind for t in CERTIFIED}
    assert {"XREF15", "XREF22", "DIS91", "VANSEnvelope"} <= kinds


def test_every_route_names_a_source_that_is_listed() -> None:
    assert {r.route for r in ENTRY_ROUTES} == set(Route)
    for route in ENTRY_ROUTES:
        assert route.source == "medcomkit" or route.source in SOURCES
        assert route.how.da
        assert route.how.en
    # The button integration is medcomkit's model, and says so.
    button = next(r for r in ENTRY_ROUTES if r.route is Route.BUTTON)
    assert button.source == "medcomkit"
    assert "ikke offentliggjort" in button.how.da


def test_a_context_launch_never_puts_the_cpr_in_the_url() -> None:
    launch = ContextLaunch(sender_ean="2000000001265", receiver_sor="999900000301001", case_id="SAG-42")
    url = launch.url("https://dnhf.example/start?v=1")
    query = parse_qs(urlsplit(url).query)
    assert query["senderEan"] == ["2000000001265"]
    assert query["caseId"] == ["SAG-42"]
    assert query["v"] == ["1"]
    assert DEMO_CPR not in url
    with pytest.raises(BuildError):
        launch.url("http://dnhf.example/start")


@pytest.mark.parametrize("version", ["XH0130R", "XH0131R"])
def test_the_demo_referral_is_packaged_valid_with_its_form(version: str) -> None:
    package = package_referral(demo_referral(version=version), version=version)  # type: ignore[arg-type]
    files = package.files()
    assert set(files) == {"henvisning-xref01.xml", "henvisning-xbin01.xml"}
    for data in files.values():
        report = medcomkit.validate(data)
        assert [i for i in report.issues if i.severity is Severity.ERROR] == []
    assert package.binary is not None
    assert any(a.data and a.data.startswith(b"%PDF") for a in package.binary.attachments)
    joined = " ".join(note.en for note in package.notes)
    assert "not a journal system" in joined
    assert "not XREF01" in joined  # DNHF's approval list does not name it
