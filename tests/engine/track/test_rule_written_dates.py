"""Dates in segment rules written as people write them: ``01.01.1990`` (day.month.year with dots),
``25/11/1988`` (a day above 12) are read as the ISO day, stored so and compared with the dates
imports store; ``05/11/1988`` (5 November or May 11?) is refused, naming both readings and how to
write each. SQL (SQLite and PostgreSQL) and Python agree."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from engine.errors import SegmentInvalid
from engine.store import Workspace
from engine.store.models import CustomerRow
from engine.track.segments import SegmentStore, matches, ordering_value, parse_rules, rules_json, written_date

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


def rule(*conditions: dict) -> dict:
    return {"kind": "group", "match": "all", "conditions": list(conditions)}


def attr(name: str, operator: str, value) -> dict:
    return {"kind": "attribute", "attribute": name, "operator": operator, "value": value}


def both_ways(ws: Workspace, rules: dict) -> set[str]:
    """Who passes ``rules``, checking that SQL and Python agree."""
    in_sql = set(SegmentStore(ws).members(rules, NOW))
    with ws.engine.connect() as conn:
        everyone = list(conn.scalars(select(CustomerRow.id)))
    in_python = {cid for cid in everyone if matches(rules, ws.get_customer(cid), ws.customer_events(cid), NOW)}
    assert in_sql == in_python
    return in_sql


@pytest.mark.parametrize(("written", "day"), [
    ("01.01.1990", "1990-01-01"), ("25.11.1988", "1988-11-25"), ("1.2.1990", "1990-02-01"),
    (" 29.02.2024 ", "2024-02-29"), ("25/11/1988", "1988-11-25"), ("25-11-1988", "1988-11-25"),
    ("11/25/1988", "1988-11-25"), ("13/1/2000", "2000-01-13"), ("1988-11-25", "1988-11-25"),
])
def test_a_date_only_one_way_fits_is_read_and_stored_as_its_iso_day(written, day):
    assert written_date(written) == day
    assert ordering_value(written) == day
    stored = rules_json(rule(attr("Geburtsdatum", "lt", written)))
    assert stored["conditions"][0]["value"] == day


@pytest.mark.parametrize(("written", "advice"), [
    ("05/11/1988", "could be 5 November 1988 or May 11, 1988"),
    ("05/11/1988", "write dates year-month-day, like 1988-11-05 (5 November) or 1988-05-11 (May 11)"),
    ("5-11-1988", "like 1988-11-05 (5 November) or 1988-05-11 (May 11)"),
    ("25.11.88", "a year of two digits"),
    ("25.11.88", "write dates year-month-day, like 1988-11-25"),
    ("31.02.1990", "not a day of the calendar (a date with dots is read day first: day.month.year)"),
    ("11.25.1988", "read day first"),
    ("31/04/1990", "not a day of the calendar"),
    ("25.11.1988 14:30", "has a time of day; compare with the day alone, like 1988-11-25"),
    ("1988/11/25", "write dates year-month-day, like 1988-11-25"),
])
def test_a_date_that_cannot_be_told_apart_is_refused_saying_how_to_write_it(written, advice):
    with pytest.raises(SegmentInvalid) as caught:
        parse_rules(rule(attr("Geburtsdatum", "lt", written)))
    assert caught.value.path == "conditions[0].value"
    assert caught.value.message.startswith(f"“Geburtsdatum is less than {written}” cannot be checked: ‘{written}’")
    assert advice in caught.value.message


def test_text_that_is_no_date_is_not_read_as_one():
    assert written_date("12.5") is None
    assert written_date("1.000.000") is None
    assert written_date("Berlin") is None
    assert ordering_value("1.000.000") == "1000000"


@pytest.fixture
def born(any_ws: Workspace) -> tuple[Workspace, dict[str, str]]:
    ws = any_ws
    people = {
        "anna": ws.upsert_customer({"user_id": "anna"}, {"Geburtsdatum": "1988-11-25"}),
        "bernd": ws.upsert_customer({"user_id": "bernd"}, {"Geburtsdatum": "1990-03-04"}),
        "clara": ws.upsert_customer({"user_id": "clara"}, {"Geburtsdatum": "1989-12-31T23:00:00Z"}),
        "dora": ws.upsert_customer({"user_id": "dora"}, {"Geburtsdatum": "25.11.1988"}),  # text as written
        "emil": ws.upsert_customer({"user_id": "emil"}, {"Geburtsdatum": 1985}),
        "fritz": ws.upsert_customer({"user_id": "fritz"}, {"Stadt": "Köln"}),
    }
    return ws, people


def test_a_rule_written_day_first_picks_who_the_iso_rule_picks(born):
    ws, p = born
    before_1990 = both_ways(ws, rule(attr("Geburtsdatum", "lt", "01.01.1990")))
    assert before_1990 == {p["anna"], p["clara"]}
    assert before_1990 == both_ways(ws, rule(attr("Geburtsdatum", "lt", "1990-01-01")))
    assert both_ways(ws, rule(attr("Geburtsdatum", "gte", "25/11/1988"))) == {p["anna"], p["bernd"], p["clara"]}
    assert both_ways(ws, rule(attr("Geburtsdatum", "gt", "25.11.1988"))) == {p["bernd"], p["clara"]}


def test_equal_to_a_day_first_date_is_that_day_and_the_text_as_written(born):
    ws, p = born
    assert both_ways(ws, rule(attr("Geburtsdatum", "eq", "25.11.1988"))) == {p["anna"], p["dora"]}
    assert both_ways(ws, rule(attr("Geburtsdatum", "in", ["31.12.1989", "04.03.1990"]))) == {p["bernd"], p["clara"]}
    assert p["anna"] not in both_ways(ws, rule(attr("Geburtsdatum", "ne", "25.11.1988")))
    # Day and month that cannot be told apart: only the text as written.
    assert both_ways(ws, rule(attr("Geburtsdatum", "eq", "04/03/1990"))) == set()


def test_an_event_filter_reads_the_date_too(any_ws: Workspace):
    ws = any_ws
    who = ws.upsert_customer({"user_id": "u1"})
    ws.ingest_event({"user_id": "u1"}, "Kurs gebucht", {"Kurstag": "2025-03-15"},
                    datetime(2025, 3, 1, tzinfo=UTC))
    ws.upsert_customer({"user_id": "u2"})
    ws.ingest_event({"user_id": "u2"}, "Kurs gebucht", {"Kurstag": "2025-02-28"},
                    datetime(2025, 2, 1, tzinfo=UTC))
    booked = {"kind": "event", "event": "Kurs gebucht",
              "filters": [{"property": "Kurstag", "operator": "gte", "value": "01.03.2025"}]}
    assert both_ways(ws, rule(booked)) == {who}


def test_a_saved_segment_keeps_the_iso_day(ws: Workspace):
    saved = SegmentStore(ws).create("Vor 1990 geboren", rule(attr("Geburtsdatum", "lt", "01.01.1990")))
    assert saved.rules["conditions"][0]["value"] == "1990-01-01"


def test_a_date_whose_day_and_month_are_one_number_reads_one_day():
    assert written_date("01/01/1990") == "1990-01-01" == written_date("01-01-1990")
