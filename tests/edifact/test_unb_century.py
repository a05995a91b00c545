"""UNB carries the year in two digits (YYMMDD): the reader takes the century nearest the message's
own four-digit date (its DTM), or today's when it has none (a CONTRL receipt), so within 50 years
of it. MedCom's converter reads 21–99 as 19xx instead (see test_edifact_oracle.py)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from medcomkit.cli import main
from medcomkit.core.xmltree import COPENHAGEN
from medcomkit.demo import demo_care_message, write_demo_km
from medcomkit.edifact import build_edifact, common, read_edifact
from medcomkit.edifact.common import nearest_century, parse_unb_moment
from medcomkit.model.messages import CareMessage, Receipt
from medcomkit.model.receipts import receipt_for


def _unb_day(data: bytes) -> str:
    unb = data.split(b"UNB+", 1)[1].split(b"'", 1)[0].decode("latin-1")
    return unb.split("+")[3]


def test_a_dis91_from_2026_reads_as_sent_in_2026() -> None:
    when = datetime(2026, 12, 2, 9, 30, tzinfo=COPENHAGEN)
    data = build_edifact(demo_care_message(when=when))
    assert _unb_day(data) == "261202:0930"  # the writer gives YY = 26
    assert b"DTM+137:202612020930:203'" in data
    (message,) = read_edifact(data)
    assert isinstance(message, CareMessage)
    assert message.envelope.sent == when  # not 1926-12-02
    assert message.authorised == when


@pytest.mark.parametrize(
    ("year", "written"),
    [(1998, "98"), (2000, "00"), (2020, "20"), (2021, "21"), (2026, "26"), (2075, "75"), (2099, "99")],
)
def test_writing_and_reading_the_unb_year_round_trips_with_the_letters_date(year: int, written: str) -> None:
    when = datetime(year, 2, 28, 23, 59, tzinfo=COPENHAGEN)
    data = build_edifact(demo_care_message(when=when))
    assert _unb_day(data) == f"{written}0228:2359"
    (message,) = read_edifact(data)
    assert message.envelope.sent == when


def _receipt_sent(monkeypatch: pytest.MonkeyPatch, sent: datetime, today: date) -> datetime:
    """A CONTRL receipt (no four-digit date in it) sent at ``sent``, read on ``today``."""
    monkeypatch.setattr(common, "today", lambda: today)
    receipt = receipt_for(demo_care_message(), sent=sent)
    data = build_edifact(receipt)
    assert b"DTM" not in data
    (read,) = read_edifact(data)
    assert isinstance(read, Receipt)
    return read.envelope.sent


def test_without_a_four_digit_date_the_year_is_read_within_50_years_of_today(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    today = date(2026, 12, 2)
    for year in (2026, 1999, 1977, 2075, 2000):
        sent = datetime(year, 12, 1, 8, 0, tzinfo=COPENHAGEN)
        assert _receipt_sent(monkeypatch, sent, today) == sent
    # the window slides with today: read in 2090, 99 is 2099 and 41 is 2041
    later = date(2090, 1, 1)
    assert _receipt_sent(monkeypatch, datetime(2099, 1, 1, tzinfo=COPENHAGEN), later).year == 2099
    assert _receipt_sent(monkeypatch, datetime(2041, 1, 1, tzinfo=COPENHAGEN), later).year == 2041


def _year(day: str, clock: str, near: date) -> int | None:
    moment = parse_unb_moment(day, clock, near)
    return None if moment is None else moment.year


def test_parse_unb_moment_reads_near_the_date_it_is_given() -> None:
    assert parse_unb_moment("261202", "1200", date(2026, 1, 1)) == datetime(
        2026, 12, 2, 12, tzinfo=COPENHAGEN
    )
    assert parse_unb_moment("991231", "2359", date(2026, 1, 1)) == datetime(
        1999, 12, 31, 23, 59, tzinfo=COPENHAGEN
    )
    assert _year("991231", "2359", date(2100, 1, 1)) == 2099
    assert _year("000101", "0000", date(2099, 12, 31)) == 2100
    # 50 years either way: the earlier
    assert _year("760101", "0000", date(2026, 1, 1)) == 1976
    # 29 February exists in 2000 but not 2100: the nearest century where the day is real
    assert _year("000229", "1200", date(2080, 1, 1)) == 2000
    assert parse_unb_moment("010229", "1200", date(2026, 1, 1)) is None
    assert parse_unb_moment("261302", "1200", date(2026, 1, 1)) is None
    assert parse_unb_moment("261202", "2460", date(2026, 1, 1)) is None


def test_nearest_century_moves_by_whole_centuries() -> None:
    moment = datetime(1926, 12, 2, 12, tzinfo=COPENHAGEN)
    assert nearest_century(moment, date(2026, 12, 2)) == moment.replace(year=2026)
    assert nearest_century(moment, date(1930, 1, 1)) == moment
    assert nearest_century(moment, date(2110, 1, 1)) == moment.replace(year=2126)


def test_the_journal_lists_a_2026_edifact_letter_as_sent_in_2026(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    written = {p.name: p for p in write_demo_km(tmp_path / "km", syntax="edifact")}
    db = str(tmp_path / "journal.db")
    assert main(["archive", "add", "--db", db, "--direction", "received", str(written["km-dis91.edi"])]) == 0
    capsys.readouterr()
    assert main(["archive", "list", "--db", db, "--now", "2026-12-02T12:00"]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert "2026-11-26 10:15" in line
    assert "1926" not in line
