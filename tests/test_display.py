"""The display helpers the miniguides show their objects with: whole, Danish, offline HTML."""

from __future__ import annotations

import base64
import re

import pandas as pd
import pytest

from medcomkit import Severity, display
from medcomkit.archive import State
from medcomkit.display import (
    SYNTHETIC_LABEL,
    approval_grid,
    bar_chart,
    danish,
    describe_gln,
    figure,
    folded,
    inline_page,
    run_command,
    table,
    text,
)
from medcomkit.landscape import approval_matrix
from medcomkit.model.identifiers import GlnProblem
from medcomkit.model.messages import ReferralPriority


def test_a_table_shows_whole_cells_without_an_index_left_aligned() -> None:
    long = "Organisation, afdeling og enhed skrives i ét navn, fordi FHIR kun har ét felt til det " * 2
    shown = table(pd.DataFrame({"hvorfor": [long, "<b>kort</b>"]}, index=[7, 8]))
    assert long.strip() in shown.html
    assert "..." not in shown.html
    assert ">7<" not in shown.html
    assert ">8<" not in shown.html
    assert "&lt;b&gt;kort&lt;/b&gt;" in shown.html  # cell text is escaped
    assert all("text-align:left" in cell for cell in re.findall(r"<t[dh] [^>]*>", shown.html))
    assert "word-break:normal" in shown.html  # wrap between words, never inside one


def test_a_table_picks_renames_and_fills_cells() -> None:
    rows = [{"month": "2026-01", "count": 3, "synthetic": True, "note": None}]
    shown = table(
        rows, columns={"month": "måned", "count": "antal", "synthetic": "syntetisk", "note": "note"}
    )
    assert re.findall(r"<th [^>]*>([^<]*)</th>", shown.html) == ["måned", "antal", "syntetisk", "note"]
    assert re.findall(r"<td [^>]*>([^<]*)</td>", shown.html) == ["2026-01", "3", "ja", "–"]
    assert repr(shown).splitlines()[0] == "måned | antal | syntetisk | note"


def test_long_text_is_folded_with_its_first_lines_shown() -> None:
    xml = "\n".join(f"<Linje{i}>værdi</Linje{i}>" for i in range(64))
    shown = folded(xml, summary="XDIS91-meddelelsen", head=8)
    assert shown.html.count("<details>") == 1
    assert "&lt;Linje7&gt;" in shown.html.split("<details>")[0]
    assert "&lt;Linje8&gt;" not in shown.html.split("<details>")[0]
    assert "vis alle 64 linjer" in shown.html
    assert folded("kort", summary="x").html == text("kort").html  # short text is not folded


def test_a_figure_is_an_image_with_danish_alt_text_and_a_synthetic_label() -> None:
    from matplotlib.figure import Figure

    fig = Figure()
    fig.add_subplot().plot([1, 2, 3])
    shown = figure(fig, alt="Antal kommuner pr. måned", synthetic=True)
    assert 'alt="Antal kommuner pr. måned (syntetiske data)"' in shown.html
    assert any(t.get_text() == SYNTHETIC_LABEL for t in fig.texts)  # written on the image itself
    data = re.search(r'src="data:image/png;base64,([^"]+)"', shown.html)
    assert data is not None
    assert base64.b64decode(data[1]).startswith(b"\x89PNG")
    with pytest.raises(ValueError, match="alt text"):
        figure(Figure(), alt=" ")


def test_a_bar_chart_is_labelled() -> None:
    shown = bar_chart(
        {"JOSA": 16, "Novax": 7}, title="Kommuner", xlabel="kommuner", alt="Kommuner pr. system"
    )
    assert 'alt="Kommuner pr. system"' in shown.html
    assert SYNTHETIC_LABEL.lower() not in shown.html


def test_the_approval_grid_says_each_status_in_words_and_colour() -> None:
    shown = approval_grid(approval_matrix(("XDIS91", "XREF01")))
    cells = re.findall(r'<td style="[^"]*background:(#[0-9a-f]{6})[^"]*">([^<]*)</td>', shown.html)
    words = {word for _, word in cells}
    assert words <= {"godkendt", "i test", "ingen godkendelse"}
    assert "godkendt" in words
    assert len({colour for colour, word in cells if word == "godkendt"}) == 1
    assert "XDIS91 sende" in shown.html
    assert "XREF01 modtage" in shown.html
    assert "G" not in re.findall(r"<td [^>]*>([^<]*)</td>", shown.html)


def test_a_report_page_is_shown_in_a_sandboxed_inline_frame() -> None:
    page = '<!DOCTYPE html><html lang="da"><body><h1>Selvtest "S-B"</h1></body></html>'
    shown = inline_page(page, title="Selvtestens rapport")
    assert shown.html.startswith("<iframe srcdoc=")
    assert 'sandbox=""' in shown.html
    assert "&lt;h1&gt;Selvtest &quot;S-B&quot;&lt;/h1&gt;" in shown.html
    assert "http" not in shown.html  # loads nothing


def test_a_command_is_shown_as_the_user_types_it() -> None:
    run = run_command("--help")
    assert run.returncode == 0
    assert run.line == "medcomkit --help"
    assert "<strong>medcomkit --help</strong>" in run._repr_html_()
    assert "python" not in run._repr_html_().split("\n")[0]
    assert run_command("validate", "findes ikke.xml").line == "medcomkit validate 'findes ikke.xml'"


def test_location_numbers_and_status_values_in_danish() -> None:
    assert describe_gln("2000000001266").endswith(
        "forkert kontrolciffer — det sidste ciffer skulle have været 5"
    )
    assert "i orden" in describe_gln("2000000001265")
    assert "ikke 13 cifre" in describe_gln("12345")
    assert danish(Severity.ERROR) == "fejl"
    assert danish(State.RESEND_DUE) == "ingen kvittering, skal sendes igen"
    assert danish(ReferralPriority.ELECTIVE) == "planlagt (elektiv)"
    assert danish(GlnProblem.CHECK_DIGIT) == "forkert kontrolciffer"
    assert danish(None) == "–"
    assert danish("fri tekst") == "fri tekst"


def test_edifact_is_shown_one_segment_a_line_with_cpr_masked() -> None:
    data = (
        b"UNA:+.? 'UNB+UNOC:3+5790000000012:14+5790000000029:14+261126:1015+K1++++1'"
        b"UNH+BREV2026112601+MEDDIS:D:93A:UN:D9134L+DIS91'PNA+PAT+2509479989:::CPR:IM+++SU:Test'"
        b"FTX+NC+P00++Svar?: ja?'nej'UNT+4+BREV2026112601'UNZ+1+K1'"
    )
    shown = display.segments(data, summary="DIS91", head=3)
    lines = shown.plain.splitlines()
    assert lines[:3] == [
        "UNA:+.? '",
        "UNB+UNOC:3+5790000000012:14+5790000000029:14+261126:1015+K1++++1'",
        "UNH+BREV2026112601+MEDDIS:D:93A:UN:D9134L+DIS91'",  # a letter id is no CPR
    ]
    assert "2509479989" not in shown.html
    assert "250947-****" in shown.html
    assert "FTX+NC+P00++Svar?: ja?&#x27;nej&#x27;" in shown.html  # a released ' stays in its segment
    guide = display.segment_guide(
        data, [("UNB", "kuverten"), ("PNA+PAT", "patienten"), ("RFF+REI", "forløbet")], width=30
    )
    assert "2509479989" not in guide.html
    assert guide.plain.splitlines() == [
        "segment | betyder",
        "UNB+UNOC:3+5790000000012:14+5 … | kuverten",
        "PNA+PAT+250947-****:::CPR:IM+ … | patienten",
    ]
