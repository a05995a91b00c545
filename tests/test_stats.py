"""VANS statistics: the schema, the validating loader, synthetic data, the measures, the plots, the CLI."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from medcomkit import ParseError, SourceError
from medcomkit.cli import main
from medcomkit.demo import demo_gln
from medcomkit.landscape import municipalities
from medcomkit.sor import demo_registry
from medcomkit.stats import (
    SCHEMA,
    check_stats,
    fhir_share,
    figure_png,
    load_stats,
    plot_fhir_share,
    plot_referral_routes,
    plot_uptake,
    referral_routes,
    schema_table,
    silent_units,
    summarise,
    synthetic_stats,
    uptake_by_municipality,
    uptake_by_system,
)

HEADER = (
    "month,sender_ean,sender_kind,receiver_ean,receiver_kind,municipality,system,message_type,version,count"
)
KOMMUNE_A, KOMMUNE_B, GP, BUP, DNHF = (demo_gln(n) for n in (10851, 10461, 30005, 40001, 90001))


def _csv(*rows: str) -> bytes:
    return ("\n".join((HEADER, *rows)) + "\n").encode()


# A small table whose measures are worked out by hand below.
SMALL = _csv(
    f"2025-09,{KOMMUNE_A},kommune,{GP},almen_praksis,851,JOSA,XDIS91,XD9134L,3",
    f"2025-09,{KOMMUNE_A},kommune,{GP},almen_praksis,851,JOSA,CareCommunication,5.0,1",
    f"2025-09,{GP},almen_praksis,{KOMMUNE_A},kommune,851,JOSA,XCTL03,XC0330Q,3",
    f"2025-10,{KOMMUNE_A},kommune,{GP},almen_praksis,851,JOSA,XDIS91,XD9134L,2",
    f"2025-10,{KOMMUNE_B},kommune,{GP},almen_praksis,0461,,XDIS91,XD9134L,4",
    f"2025-10,{KOMMUNE_B},kommune,{GP},almen_praksis,461,,CareCommunication,5.0,4",
    f"2025-10,{KOMMUNE_B},kommune,{DNHF},dnhf,461,DNHF,REF01,H0131R,2",
    f"2025-10,{DNHF},dnhf,{BUP},sygehus,461,DNHF,REF01,H0131R,2",
    f"2025-10,{GP},almen_praksis,{BUP},sygehus,,,REF01,H0131R,5",
    f"2025-11,{GP},almen_praksis,{BUP},sygehus,,,XREF01,XH0131R,1",
)


@pytest.fixture(scope="module")
def synthetic() -> pd.DataFrame:
    return synthetic_stats()


def test_the_schema_is_the_documented_one() -> None:
    assert [c.name for c in SCHEMA] == [
        "month",
        "sender_ean",
        "sender_kind",
        "receiver_ean",
        "receiver_kind",
        "municipality",
        "system",
        "message_type",
        "version",
        "count",
        "synthetic",
    ]
    table = schema_table("da")
    assert list(table.columns) == ["kolonne", "krævet", "betydning", "eksempel"]
    assert table.set_index("kolonne").loc["count", "krævet"] == "ja"
    assert schema_table("en").set_index("column").loc["system", "required"] == "no"
    # Every example value passes the checks.
    examples = pd.DataFrame([{c.name: c.example for c in SCHEMA}])
    assert check_stats(examples) == []


def test_load_types_the_table() -> None:
    table = load_stats(SMALL)
    assert list(table.columns) == [c.name for c in SCHEMA]
    assert table["count"].dtype == "int64"
    assert table["count"].sum() == 27
    assert table["synthetic"].dtype == bool
    assert not table["synthetic"].any()
    assert set(table["municipality"]) == {"851", "461", ""}  # "0461" is normalised


def test_bad_values_are_reported_with_line_and_column() -> None:
    data = _csv(
        f"2025-09,{KOMMUNE_A},kommune,{GP},almen_praksis,851,JOSA,XDIS91,XD9134L,3",
        f"2025-13,{KOMMUNE_A},kommune,{GP},almen_praksis,851,JOSA,XDIS91,XD9134L,3",
        f"2025-10,{KOMMUNE_A[:-1]}0,kommune,{GP},almen_praksis,851,JOSA,XDIS91,XD9134L,-2",
        f"2025-10,{KOMMUNE_A},borger,{GP},almen_praksis,999,JOSA,XDIS 91,XD9134L,2",
    )
    with pytest.raises(ParseError) as raised:
        load_stats(data)
    error = raised.value
    assert error.code == "stats.invalid"
    assert error.line == 3
    danish, english = error.message("da"), error.message("en")
    assert "linje 3, kolonne month: '2025-13' er ikke en måned" in danish
    assert "line 4, column sender_ean" in english
    assert "check digit" in english
    assert "line 4, column count: '-2' is not a whole number" in english
    assert "line 5, column sender_kind: 'borger' is not one of" in english
    assert "line 5, column municipality: '999'" in english
    assert "line 5, column message_type" in english
    # The same problems as data, without raising.
    frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    assert [(p.line, p.column) for p in check_stats(frame)] == [
        (3, "month"),
        (4, "sender_ean"),
        (4, "count"),
        (5, "sender_kind"),
        (5, "municipality"),
        (5, "message_type"),
    ]


def test_missing_columns_and_ragged_rows() -> None:
    with pytest.raises(ParseError) as raised:
        load_stats(b"month,sender_ean,count\n2025-09,x,1\n")
    assert "column receiver_ean" in raised.value.message("en")
    assert "kolonnen mangler i overskriften" in raised.value.message("da")
    with pytest.raises(ParseError) as ragged:
        load_stats(_csv(f"2025-09,{KOMMUNE_A},kommune,{GP},almen_praksis,851,JOSA,XDIS91,XD9134L,3,ekstra"))
    assert ragged.value.line == 2
    assert "line 2" in ragged.value.message("en")
    with pytest.raises(SourceError):
        load_stats(Path("/nonexistent/stats.csv"))


def test_measures_by_hand() -> None:
    table = load_stats(SMALL)
    uptake = uptake_by_municipality(table)
    assert len(uptake) == 98
    aalborg, odense = uptake.loc["851"], uptake.loc["461"]
    assert (aalborg["first_month"], aalborg["latest_month"], aalborg["active_months"]) == (
        "2025-09",
        "2025-10",
        2,
    )
    assert (aalborg["messages"], aalborg["messages_latest"]) == (6, 0)  # nothing in 2025-11, the latest month
    assert (odense["messages"], odense["system"]) == (8, "Novax")  # the system from the landscape table
    assert list(uptake.index[:2]) == ["461", "851"]
    assert (uptake["messages"].iloc[2:] == 0).all()
    by_system = uptake_by_system(table)
    assert by_system.loc["2025-10"].to_dict() == {"JOSA": 1, "ukendt": 1}
    assert by_system.loc["2025-11"].sum() == 0
    assert uptake_by_system(table, value="messages").loc["2025-10", "ukendt"] == 8
    share = fhir_share(table)
    assert isinstance(share, pd.Series)
    assert share["2025-09"] == pytest.approx(1 / 4)
    assert share["2025-10"] == pytest.approx(4 / 10)
    assert pd.isna(share["2025-11"])
    routes = referral_routes(table)
    assert routes.loc["2025-10"].to_dict() == {"DNHF": 2, "direkte": 5}  # the row *to* DNHF is not counted
    assert routes.loc["2025-11"].to_dict() == {"DNHF": 0, "direkte": 1}


def test_silent_units_are_the_units_that_sent_nothing() -> None:
    table = load_stats(SMALL)
    silent = silent_units(table)
    registry = demo_registry()
    municipal = registry.table[
        (registry.table["level"] == "OE")
        & ~registry.table["ean_inherited"]
        & (registry.table["ean"] != "")
        & registry.table["municipality_code"].isin(municipalities()["code"])
    ]
    assert len(silent) == len(municipal) - 2  # the two that sent
    assert KOMMUNE_A not in set(silent["ean"])
    assert demo_gln(20851) in set(silent["ean"])  # Aalborg's § 126 a unit has sent nothing
    assert len(silent_units(table, since="2025-10")) == len(municipal) - 2
    assert len(silent_units(table, since="2025-11")) == len(municipal)


def test_synthetic_statistics_are_seeded_marked_and_valid(synthetic: pd.DataFrame) -> None:
    assert synthetic["synthetic"].all()
    assert check_stats(synthetic) == []
    pd.testing.assert_frame_equal(synthetic, synthetic_stats())
    other = synthetic_stats(seed=7)
    assert not other.equals(synthetic)
    assert other["synthetic"].all()
    assert sorted(synthetic["month"].unique()) == [
        str(p) for p in pd.period_range("2025-06", periods=18, freq="M")
    ]
    assert (synthetic["count"] > 0).all()
    # Every location number in it is a unit of the demo registry.
    eans = set(demo_registry().table["ean"])
    assert set(synthetic["sender_ean"]) | set(synthetic["receiver_ean"]) <= eans


def test_synthetic_story(synthetic: pd.DataFrame) -> None:
    """What the synthetic data are made to show, so the miniguide's plots show it."""
    share = fhir_share(synthetic)
    assert isinstance(share, pd.Series)
    # No FHIR before the systems were approved for CareCommunication 5.0 (February–July 2026).
    assert share.loc[:"2026-07"].fillna(0).eq(0).all()
    assert share.iloc[-1] > share.loc["2026-08"] > 0
    per_system = fhir_share(synthetic, by="system")
    assert isinstance(per_system, pd.DataFrame)
    assert per_system["Netcompany Modulus"].iloc[-1] > 0.5
    assert per_system["Novax"].fillna(0).eq(0).all()  # not approved for CareCommunication
    assert per_system["JOSA"].fillna(0).eq(0).all()  # in test: no FHIR in production
    routes = referral_routes(synthetic)
    assert routes["direkte"].eq(0).all()  # GPs refer via DNHF too
    assert routes["DNHF"].gt(0).all()
    from_dnhf = synthetic[(synthetic["sender_kind"] == "dnhf") & (synthetic["message_type"] == "REF01")]
    municipal = from_dnhf[from_dnhf["municipality"] != ""].groupby("month")["count"].sum()
    assert municipal.index.min() == "2025-10"  # the § 126 a units start referring via DNHF
    uptake = uptake_by_system(synthetic)
    assert uptake.iloc[-1]["JOSA"] == 16  # all sixteen JOSA municipalities by the end
    assert uptake.iloc[0].sum() < uptake.iloc[-1].sum()
    assert len(silent_units(synthetic)) > 50


def test_summary(synthetic: pd.DataFrame) -> None:
    summary = summarise(synthetic)
    assert summary.synthetic
    assert (summary.first_month, summary.latest_month) == ("2025-06", "2026-11")
    assert summary.messages == int(synthetic["count"].sum())
    assert summary.by_system_latest == {
        k: v for k, v in uptake_by_system(synthetic).iloc[-1].sort_values(ascending=False).items() if v
    }
    assert summary.referrals_latest == referral_routes(synthetic).iloc[-1].to_dict()
    text = summary.to_text("da")
    assert text.startswith("OBS: syntetiske data")
    assert "JOSA 16" in text
    assert "synthetic data" in summary.to_text("en")
    assert json.loads(json.dumps(summary.to_dict()))["latest_month"] == "2026-11"


def test_plots_render_offline_as_png(synthetic: pd.DataFrame) -> None:
    for plot in (plot_uptake, plot_fhir_share, plot_referral_routes):
        figure = plot(synthetic)
        png = figure_png(figure)
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        assert len(png) > 10_000
    uptake = plot_uptake(synthetic).axes[0]
    assert len(uptake.get_lines()) == synthetic["system"].replace("", "ukendt").nunique() - 1  # no DNHF line
    bars = plot_referral_routes(synthetic).axes[0]
    assert len(bars.patches) == 2 * 18


def test_plots_need_no_display_and_no_pyplot() -> None:
    code = (
        "import sys\n"
        "from medcomkit import stats\n"
        "png = stats.figure_png(stats.plot_uptake(stats.synthetic_stats(months=4)))\n"
        "assert png.startswith(b'\\x89PNG')\n"
        "print('matplotlib.pyplot' in sys.modules)\n"
    )
    env = {"PATH": "/usr/bin:/bin", "MPLBACKEND": "", "DISPLAY": ""}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_cli_summary(tmp_path: Path, synthetic: pd.DataFrame, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "statistik.csv"
    synthetic.to_csv(path, index=False)
    assert main(["stats", "summary", "--input", str(path)]) == 0
    assert "syntetiske data" in capsys.readouterr().out
    assert main(["stats", "summary", "--input", str(path), "--format", "json", "--lang", "en"]) == 0
    assert json.loads(capsys.readouterr().out)["synthetic"] is True
    bad = tmp_path / "bad.csv"
    bad.write_bytes(SMALL.replace(b"2025-11", b"2025-1"))
    assert main(["stats", "summary", "--input", str(bad), "--lang", "en"]) == 1
    assert "line 11, column month" in capsys.readouterr().err
    assert main(["stats", "summary", "--input", str(tmp_path / "none.csv")]) == 2
    assert "Kan ikke læse" in capsys.readouterr().err
