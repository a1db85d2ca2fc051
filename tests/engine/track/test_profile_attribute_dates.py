"""Dates typed for a profile attribute: ``25.11.1988`` and the other unambiguous ways of writing a
day are read and stored year-month-day (``1988-11-25``), as the CSV import stores dates; and a
moment in UTC is stored in one form, with ``Z`` as the import writes it, so that it reads the same
before a save and after."""

from __future__ import annotations

import pytest

from engine.errors import CustomerDataInvalid
from engine.store import Workspace
from engine.track.csv_types import year_first_iso
from engine.track.profiles import date_value, edit, moment_text, search


@pytest.mark.parametrize(("typed", "stored"), [
    ("25.11.1988", "1988-11-25"), ("1.2.1990", "1990-02-01"), (" 25.11.1988 ", "1988-11-25"),
    ("1988-11-25", "1988-11-25"), ("25/11/1988", "1988-11-25"), ("11/25/1988", "1988-11-25"),
    ("1988/11/25", "1988-11-25"), ("1988年11月25日", "1988-11-25"),
    ("1988/11/25 14:30", "1988-11-25T14:30:00"),
    ("24.11.2026 18:30", "2026-11-24T18:30:00"), ("24.11.2026 18:30Z", "2026-11-24T18:30:00Z"),
    ("24.11.2026 18:30:00.250Z", "2026-11-24T18:30:00.250000Z"), ("24.11.2026 18:30 +01:00", "2026-11-24T18:30:00+01:00"),
    ("24/11/2026 18:30+00:00", "2026-11-24T18:30:00Z"),
])
def test_a_date_typed_as_people_write_it_is_stored_year_month_day(typed, stored):
    assert date_value(typed) == stored
    assert date_value(stored) == stored  # what is stored reads back as itself


@pytest.mark.parametrize("typed", ["2026-11-24T18:30:00Z", "2026-11-24T18:30Z", "2026-11-24T18:30:00.250Z",
                                   "2026-11-24T18:30:00+02:00", "2026-11-24 18:30", "2026-11-24T18:30:00+00:00"])
def test_iso_text_is_kept_as_typed_so_that_an_untouched_value_stays_as_it_was(typed):
    assert date_value(typed) == typed
    assert date_value(f" {typed} ") == typed


@pytest.mark.parametrize(("typed", "advice"), [
    ("05/11/1988", "write dates year-month-day, like 1988-11-05 (5 November) or 1988-05-11 (May 11)"),
    ("25.11.88", "a year of two digits"),
    ("31.02.1990", "is not a day of the calendar"),
    ("24.11.2026 25:61", "‘25:61’ is not a time of day"),
    ("next Tuesday", "is not a date like 2025-03-01 or 2025-03-01T09:30"),
    ("", "the date is empty"),
])
def test_a_date_that_cannot_be_read_is_refused_saying_how_to_write_it(typed, advice):
    with pytest.raises(CustomerDataInvalid) as caught:
        date_value(typed)
    assert advice in caught.value.message


def test_a_moment_in_utc_is_written_as_imports_write_it():
    from datetime import UTC, date, datetime, timedelta, timezone

    assert moment_text(date(1988, 11, 25)) == "1988-11-25"
    assert moment_text(datetime(2026, 11, 24, 18, 30, tzinfo=UTC)) == "2026-11-24T18:30:00Z"
    assert moment_text(datetime(2026, 11, 24, 18, 30, tzinfo=timezone(timedelta(hours=1)))) == \
        "2026-11-24T18:30:00+01:00"
    assert moment_text(datetime(2026, 11, 24, 18, 30)) == "2026-11-24T18:30:00"


@pytest.fixture
def customer(any_ws: Workspace) -> tuple[Workspace, str]:
    ws = any_ws
    return ws, ws.upsert_customer({"email": "anna@example.com"},
                                  {"Termin": "2026-11-24T18:30:00Z", "Name": "Anna"})


def test_a_saved_moment_in_utc_keeps_the_form_it_was_typed_in(customer):
    ws, cid = customer
    # What the Profiles window hands over for a date cell typed 2026-11-24T18:30:00Z.
    typed = year_first_iso("2026-11-24T18:30:00Z")
    record = edit(ws, cid, attributes={"Termin": typed, "Beginn": "2026-12-01T09:00:00+00:00"})
    assert record.attributes["Termin"] == "2026-11-24T18:30:00Z"
    assert record.attributes["Beginn"] == "2026-12-01T09:00:00Z"
    assert ws.get_customer(cid).attributes["Beginn"] == "2026-12-01T09:00:00Z"
    whole = edit(ws, cid, attributes={**record.attributes, "Ende": "2026-12-01 10:00:00+00:00"},
                 replace_attributes=True)
    assert whole.attributes["Ende"] == "2026-12-01T10:00:00Z"


def test_other_values_are_stored_as_given(customer):
    ws, cid = customer
    values = {"Lokal": "2026-11-24T18:30:00", "Berlin": "2026-11-24T18:30:00+01:00",
              "Notiz": "Anruf 2026-11-24T18:30:00+00:00", "Tag": "2026-11-24", "Liste": ["2026-11-24T18:30:00+00:00"]}
    record = edit(ws, cid, attributes=values)
    assert {k: record.attributes[k] for k in values} == values


def test_a_date_stored_year_month_day_is_found_by_a_search_for_it(customer):
    ws, cid = customer
    edit(ws, cid, attributes={"Geburtsdatum": date_value("25.11.1988")})
    assert [c.id for c in search(ws, "1988-11-25").items] == [cid]


def test_a_date_whose_day_and_month_are_one_number_is_that_day():
    assert date_value("05/05/1988") == "1988-05-05"
