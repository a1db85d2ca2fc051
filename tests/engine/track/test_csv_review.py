"""Tests of CSV import details a new user meets: numbers Excel shortened in identifier columns,
e-mail addresses without a dot in their domain, repeated header names, date patterns, Shopify's
marketing statuses, spreadsheet text marks in attributes, wording and row counts."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import select

from engine.store import Workspace
from engine.store.models import EventRow
from engine.track.csv_import import (
    CsvImportError,
    ImportOptions,
    import_customers,
    import_events,
    make_plan,
    preview,
)
from engine.track.csv_types import check_date_format
from tests.conftest import cli


def write(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\r\n").writerows(rows)
    return path


# -- 1. numbers Excel shortened ------------------------------------------------------------------

def test_a_phone_excel_wrote_in_scientific_notation_is_a_row_error(tmp_path: Path, ws: Workspace):
    path = write(tmp_path / "customers.csv", [
        ["email", "Phone", "name"],
        ["ann@example.com", "1.38001E+10", "Ann"],
        ["bob@example.com", "+1 (555) 010-9999", "Bob"],
    ])
    result = import_customers(ws, path, ImportOptions(mapping={"Phone": "identifiers.phone"}))
    assert result.created == 1 and result.skipped == 1
    [error] = result.errors
    assert (error.row, error.column, error.value) == (2, "Phone", "1.38001E+10")
    assert "'1.38001E+10' is a number Excel shortened" in error.reason
    assert "format the column as text in Excel and export again" in error.reason
    assert ws.find_customer("phone", "138001E+10") is None
    assert ws.find_customer("email", "ann@example.com") is None


def test_user_ids_and_custom_identifiers_excel_shortened_are_row_errors(tmp_path: Path, ws: Workspace):
    path = write(tmp_path / "events.csv", [
        ["user_id", "event", "time"],
        ["123456789012", "order", "2025-01-01T10:00:00Z"],
        ["1.23457E+11", "order", "2025-01-02T10:00:00Z"],
        ["2e+3", "order", "2025-01-03T10:00:00Z"],
    ])
    result = import_events(ws, path)
    assert result.imported == 1
    assert [(e.row, e.column) for e in result.errors] == [(3, "user_id"), (4, "user_id")]
    assert all("a number Excel shortened" in e.reason for e in result.errors)

    customers = write(tmp_path / "members.csv", [["member", "name"], ["1,23457E+11", "Ann"], ["M-1E+2", "Bob"]])
    result = import_customers(ws, customers, ImportOptions(id_column="member", id_kind="custom:member"))
    assert [(e.row, e.column) for e in result.errors] == [(2, "member")]
    assert ws.find_customer("custom:member", "M-1E+2") is not None


# -- 2. e-mail addresses without a dot in the domain --------------------------------------------

def test_an_email_without_a_dot_in_its_domain_is_imported_and_its_row_named(tmp_path: Path, ws: Workspace):
    rows = [["email", "name"]] + [[f"c{i}@example.com", f"C{i}"] for i in range(6)]
    rows[3] = ["chloe@example", "Chloé"]
    rows[5] = ["dev@localhost", "Dev"]
    path = write(tmp_path / "customers.csv", rows)
    result = import_customers(ws, path)
    assert result.created == 6 and not result.errors
    assert ws.find_customer("email", "chloe@example") is not None
    [warning] = [w for w in result.warnings if "no dot" in w]
    assert warning.startswith("column 'email': 2 e-mail addresses have no dot")
    assert "row 4 'chloe@example'" in warning and "row 6 'dev@localhost'" in warning


@pytest.mark.parametrize("parallel", [False, True])
def test_an_event_file_names_the_rows_with_an_email_without_a_dot(tmp_path: Path, ws: Workspace, parallel: bool):
    path = write(tmp_path / "events.csv", [
        ["email", "event", "time"],
        ["ann@example.com", "visit", "2025-01-01T10:00:00Z"],
        ["chloe@example", "visit", "2025-01-01T11:00:00Z"],
        ["bob@example", "visit", "not a time"],
    ])
    # In a second process (as large files are read), the rows come back through the pipe.
    result = import_events(ws, path, ImportOptions(parallel=parallel))
    assert result.imported == 2 and result.skipped == 1
    [warning] = [w for w in result.warnings if "no dot" in w]
    # The row skipped for its time is not among those said to hold such an address.
    assert "1 e-mail address has no dot" in warning and "row 3 'chloe@example'" in warning
    assert "row 4" not in warning


# -- 3. repeated header names -------------------------------------------------------------------

def test_repeated_header_names_are_warned_about(tmp_path: Path, ws: Workspace):
    path = write(tmp_path / "dup.csv", [["email", "name", "name", "phone", "tag", "tag", "tag"],
                                        ["x1@example.com", "Xia", "Yan", "123", "a", "b", "c"]])
    found = preview(path, "customers")
    assert "two columns are named 'name'; the second is imported as 'name_2'" in found.warnings
    assert "three columns are named 'tag'; the others are imported as 'tag_2' and 'tag_3'" in found.warnings
    result = import_customers(ws, path)
    assert "two columns are named 'name'; the second is imported as 'name_2'" in result.warnings
    customer = ws.get_customer(ws.find_customer("email", "x1@example.com"))
    assert customer.attributes["name_2"] == "Yan"


# -- 4. date patterns ---------------------------------------------------------------------------

def test_an_unknown_strftime_directive_is_refused():
    with pytest.raises(ValueError, match="%Q"):
        check_date_format("%d/%m/%Y %Q")
    with pytest.raises(ValueError, match="stray"):
        check_date_format("%d/%m/%Y %")
    assert check_date_format("%d.%m.%Y %H:%M") == "%d.%m.%Y %H:%M"
    assert check_date_format("%Y%%%m") == "%Y%%%m"


def test_the_command_line_refuses_an_unknown_date_directive(tmp_path: Path):
    path = write(tmp_path / "events.csv", [["email", "event", "time"], ["a@example.com", "x", "01/02/2025 10:00"]])
    done = cli("import", "events", str(path), "--workspace", str(tmp_path / "ws"), "--date-format", "%d/%m/%Y %Q")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "%Q" in done.stderr


# -- 5. Shopify's marketing statuses ------------------------------------------------------------

def test_shopify_marketing_statuses_are_consent(tmp_path: Path, ws: Workspace):
    path = write(tmp_path / "shopify.csv", [
        ["Customer ID", "Email", "Email Marketing Status", "SMS Marketing Status"],
        ["1", "a@example.com", "subscribed", "not_subscribed"],
        ["2", "b@example.com", "unsubscribed", "pending"],
        ["3", "c@example.com", "NOT_SUBSCRIBED", "invalid"],
        ["4", "d@example.com", "redacted", "SUBSCRIBED"],
        ["5", "e@example.com", "", ""],
    ])
    plan = make_plan(preview(path, "customers"))
    assert {c.name: c.target for c in plan.columns}["Email Marketing Status"] == "consent.email"
    assert {c.name: c.target for c in plan.columns}["SMS Marketing Status"] == "consent.sms"
    result = import_customers(ws, path)
    assert result.created == 5 and not result.errors

    def consent(email: str) -> dict:
        return ws.get_customer(ws.find_customer("email", email)).consent

    assert consent("a@example.com") == {"email": True, "sms": False}
    assert consent("b@example.com") == {"email": False}
    assert consent("c@example.com") == {"email": False}
    assert consent("d@example.com") == {"sms": True}
    assert consent("e@example.com") == {}


def test_consent_for_a_channel_no_account_sends_through_is_an_attribute(tmp_path: Path, ws: Workspace):
    path = write(tmp_path / "shop.csv", [
        ["Email", "WhatsApp Marketing Status", "Push Opt In", "Email Consent"],
        ["a@example.com", "subscribed", "yes", "yes"],
    ])
    plan = make_plan(preview(path, "customers"))
    targets = {c.name: c.target for c in plan.columns}
    assert targets["WhatsApp Marketing Status"] == "attributes.WhatsApp Marketing Status"
    assert targets["Push Opt In"] == "attributes.Push Opt In"
    assert targets["Email Consent"] == "consent.email"
    result = import_customers(ws, path)
    customer = ws.get_customer(ws.find_customer("email", "a@example.com"))
    assert result.created == 1 and customer.consent == {"email": True}
    assert customer.attributes["WhatsApp Marketing Status"] == "subscribed"
    # Asked for by name, as the collector does, it is refused naming the column and the kinds.
    with pytest.raises(CsvImportError, match="column 'Push Opt In': 'push' is not a channel kind; consent is "
                                             "recorded for email, sms, webhook, chat"):
        make_plan(preview(path, "customers"), ImportOptions(mapping={"Push Opt In": "consent.push"}))


@pytest.mark.parametrize(("header", "rows", "expected"), [
    (["Courriel", "Consentement e-mail", "SMS Einwilligung"], [["a@example.fr", "Oui", "nein"],
                                                               ["b@example.fr", "NON", "ja"]],
     {"Consentement e-mail": "consent.email", "SMS Einwilligung": "consent.sms"}),
    (["邮箱", "邮件订阅", "同意接收短信"], [["a@example.fr", "是", "否"], ["b@example.fr", "否", "是"]],
     {"邮件订阅": "consent.email", "同意接收短信": "consent.sms"}),
])
def test_french_german_and_chinese_consent_headers_are_consent(tmp_path: Path, ws: Workspace, header, rows, expected):
    path = write(tmp_path / "clients.csv", [header, *rows])
    targets = {c.name: c.target for c in make_plan(preview(path, "customers")).columns}
    assert {name: target for name, target in targets.items() if name in expected} == expected
    result = import_customers(ws, path)
    assert (result.created, result.skipped) == (2, 0)
    assert ws.get_customer(ws.find_customer("email", "b@example.fr")).consent == {"email": False, "sms": True}


def test_a_marketing_status_beside_the_accepts_column_is_the_consent(tmp_path: Path, ws: Workspace):
    path = write(tmp_path / "shopify.csv", [
        ["Customer ID", "Email", "Accepts Email Marketing", "Email Marketing Status"],
        ["1", "a@example.com", "yes", "not_subscribed"],
        ["2", "b@example.com", "no", "subscribed"],
    ])
    targets = {c.name: c.target for c in make_plan(preview(path, "customers")).columns}
    assert targets["Email Marketing Status"] == "consent.email"
    assert targets["Accepts Email Marketing"] == "attributes.Accepts Email Marketing"
    import_customers(ws, path)
    assert ws.get_customer(ws.find_customer("email", "a@example.com")).consent == {"email": False}
    assert ws.get_customer(ws.find_customer("email", "b@example.com")).consent == {"email": True}


def test_a_word_that_is_no_marketing_status_is_a_row_error(tmp_path: Path, ws: Workspace):
    path = write(tmp_path / "shopify.csv", [["Email", "SMS Marketing Status"],
                                            ["a@example.com", "subscribed"], ["b@example.com", "maybe"]])
    result = import_customers(ws, path)
    [error] = result.errors
    assert (error.row, error.column) == (3, "SMS Marketing Status")
    assert "subscribed" in error.reason


# -- 6. a spreadsheet's text mark in attributes -------------------------------------------------

def test_the_text_mark_of_digits_is_dropped_from_text_attributes(tmp_path: Path, ws: Workspace):
    path = write(tmp_path / "customers.csv", [
        ["email", "Zip", "Note"],
        ["a@example.com", "'02134", "'quoted"],
        ["b@example.com", "69001", "'0123"],
        ["c@example.com", "", "''0123"],
    ])
    import_customers(ws, path)

    def attributes(email: str) -> dict:
        return ws.get_customer(ws.find_customer("email", email)).attributes

    assert attributes("a@example.com") == {"Zip": "02134", "Note": "'quoted"}
    assert attributes("b@example.com") == {"Zip": "69001", "Note": "0123"}
    assert attributes("c@example.com") == {"Note": "''0123"}


# -- 7. wording and row counts ------------------------------------------------------------------

def test_an_unknown_field_names_the_import_with_the_right_article(tmp_path: Path):
    path = write(tmp_path / "events.csv", [["email", "event", "time"], ["a@example.com", "x", "2025-01-01"]])
    with pytest.raises(CsvImportError) as caught:
        make_plan(preview(path, "events"), ImportOptions(mapping={"email": "bogus"}))
    assert "for an import of events" in str(caught.value)
    done = cli("import", "events", str(path), "--workspace", str(tmp_path / "ws"), "--map", "email=bogus")
    assert done.returncode == 2
    assert "for an import of events" in done.stderr and "a events" not in done.stderr


def test_a_small_file_read_whole_counts_its_data_rows_exactly(tmp_path: Path):
    rows = [["email", "name"]] + [[f"c{i}@example.com", f"C{i}"] for i in range(6)]
    path = write(tmp_path / "customers.csv", rows)
    with open(path, "a", encoding="utf-8", newline="") as fh:
        fh.write("\r\n,\r\n")  # a blank line and a row of empty cells
    found = preview(path, "customers")
    assert (found.estimated_rows, found.exact_rows) == (6, True)
    one = write(tmp_path / "one.csv", [["email"], ["a@example.com"]])
    assert (preview(one, "customers").estimated_rows, preview(one, "customers").exact_rows) == (1, True)


def test_a_file_larger_than_the_sample_has_an_estimate(tmp_path: Path):
    path = write(tmp_path / "big.csv", [["email"]] + [[f"c{i}@example.com"] for i in range(50)])
    found = preview(path, "customers", rows=5, sample_rows=10)
    assert not found.exact_rows
    assert 45 <= found.estimated_rows <= 55


# -- 8. integers written as decimals, and numbers Excel shortened in scientific notation ----------

@pytest.mark.parametrize("parallel", [False, True])
def test_an_identifier_written_as_a_decimal_is_imported_without_its_dot_zero(tmp_path: Path, ws: Workspace,
                                                                             parallel: bool):
    path = write(tmp_path / "events.csv", [
        ["phone", "user_id", "event", "time"],
        ["13800138000.0", "42.00", "visit", "2025-01-01T10:00:00Z"],
        ["+44 20 7946 0958", "43", "visit", "2025-01-01T11:00:00Z"],
        ["13900139000.00", "44.0", "visit", "2025-01-01T12:00:00Z"],
        ["555.010.9999", "45", "visit", "2025-01-01T13:00:00Z"],
    ])
    result = import_events(ws, path, ImportOptions(mapping={"phone": "identifiers.phone"}, parallel=parallel))
    assert result.imported == 4 and not result.errors
    # The ".0" a spreadsheet wrote is no digit of the phone number (the phone rule drops dots).
    assert ws.find_customer("phone", "13800138000") is not None
    assert ws.find_customer("phone", "138001380000") is None
    assert ws.find_customer("phone", "13900139000") is not None
    assert ws.find_customer("user_id", "42") is not None and ws.find_customer("user_id", "44") is not None
    # Dots between groups of a phone number are still separators.
    assert ws.find_customer("phone", "5550109999") is not None
    warnings = [w for w in result.warnings if "'.0'" in w]
    assert warnings == [
        "column 'phone': 2 values written as a decimal (a spreadsheet saved the numbers that way) were imported "
        "without the '.0': row 2 '13800138000.0', row 4 '13900139000.00'",
        "column 'user_id': 2 values written as a decimal (a spreadsheet saved the numbers that way) were imported "
        "without the '.0': row 2 '42.00', row 4 '44.0'"]


def test_scientific_notation_without_a_sign_in_an_identifier_is_a_row_error(tmp_path: Path, ws: Workspace):
    path = write(tmp_path / "customers.csv", [
        ["email", "phone", "member"],
        ["a@example.com", "1.38E10", "M1"],
        ["b@example.com", "1.38e+10", "M2"],
        ["c@example.com", "1,38E10", "M3"],
        ["d@example.com", "13800138000.0", "7.0"],
        ["e@example.com", "+1 555 010 9999", "1E5"],
        ["f@example.com", "", "M-1E5"],
        ["g@example.com", "", "5E+12"],
    ])
    result = import_customers(ws, path, ImportOptions(mapping={"phone": "identifiers.phone",
                                                               "member": "identifiers.custom:member"}))
    assert [(e.row, e.column, e.value) for e in result.errors] == [
        (2, "phone", "1.38E10"), (3, "phone", "1.38e+10"), (4, "phone", "1,38E10"), (8, "member", "5E+12")]
    assert all("is a number Excel shortened" in e.reason for e in result.errors)
    assert ws.find_customer("phone", "138E10") is None and ws.find_customer("email", "a@example.com") is None
    assert ws.find_customer("phone", "13800138000") is not None
    assert ws.find_customer("custom:member", "7") is not None
    assert ws.find_customer("custom:member", "M-1E5") is not None
    # Without a sign or decimals, Excel never writes it: a code someone chose.
    assert ws.find_customer("custom:member", "1E5") is not None
    assert "column 'member': 1 value written as a decimal (a spreadsheet saved the number that way) was " \
           "imported without the '.0': row 5 '7.0'" in result.warnings


@pytest.mark.parametrize("parallel", [False, True])
def test_a_property_excel_shortened_is_imported_and_its_rows_named(tmp_path: Path, ws: Workspace, parallel: bool):
    rows = [["email", "event", "time", "order_id", "plan"]]
    rows += [[f"u{i}@example.com", "order", f"2025-01-01T10:{i:02d}:00Z", str(123456789012 + i), "Enterprise"]
             for i in range(8)]
    rows[3][3] = "1.23457E+11"
    rows[6][3] = "9.87654E+12"
    rows[7][3] = "1.5E+3"  # small enough that no digit was lost
    rows[8][2] = "not a time"  # its row is skipped, and not named
    rows[8][3] = "2.5E+11"
    path = write(tmp_path / "orders.csv", rows)
    result = import_events(ws, path, ImportOptions(parallel=parallel))
    assert result.imported == 7 and result.skipped == 1
    [warning] = [w for w in result.warnings if "Excel shortened" in w]
    assert warning == ("column 'order_id': 2 values are numbers Excel shortened to scientific notation, which lost "
                       "their last digits; they were imported as shown — format the column as text in Excel and "
                       "export again: row 4 '1.23457E+11', row 7 '9.87654E+12'")
    with ws.engine.connect() as conn:
        values = sorted(p["order_id"] for p in conn.scalars(select(EventRow.properties)))
    assert 123457000000 in values and 9876540000000 in values


def test_a_column_of_plain_numbers_and_words_gets_no_such_warning(tmp_path: Path, ws: Workspace):
    rows = [["email", "event", "time", "order_id", "note"],
            ["a@example.com", "order", "2025-01-01T10:00:00Z", "123456789012", "EXPRESS 1E+11"],
            ["b@example.com", "order", "2025-01-01T11:00:00Z", "1.234567E+11", "E"]]
    result = import_events(ws, write(tmp_path / "orders.csv", rows))
    assert result.imported == 2
    assert not [w for w in result.warnings if "Excel shortened" in w]


# -- 9. a dry run and the tracking plan ----------------------------------------------------------

def test_a_dry_run_says_the_events_would_break_the_tracking_plan(tmp_path: Path):
    from engine.commands import make_node
    from engine.document import Journey
    from engine.spec import default_registry

    workspace = tmp_path / "ws"
    with Workspace.open(workspace) as ws:
        plan = Journey(name="Plan")
        plan.nodes.append(make_node(default_registry(), "track.event", title="visit", config={
            "event_name": "visit", "description": "", "source": "", "properties": []}))
        ws.create_journey(plan)
    path = write(tmp_path / "shop.csv", [["email", "event", "time"], ["a@example.com", "visit", "2025-01-01 10:00"],
                                         ["a@example.com", "refund", "2025-01-02 10:00"]])
    done = cli("import", "events", str(path), "--workspace", str(workspace), "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "these events would break the tracking plan (1 breach: unknown events, missing or mistyped " \
           "properties)" in done.stdout
    assert "Tracking panel" not in done.stdout
    done = cli("import", "events", str(path), "--workspace", str(workspace))
    assert "1 breach of the tracking plan (unknown events, missing or mistyped properties): 'journey-studio " \
           "tracking' lists them, as the Tracking panel in the app does" in done.stdout


# -- 10. the preview's type check of e-mail addresses --------------------------------------------

def test_an_address_without_a_dot_fits_the_email_type_and_is_warned_about_once(tmp_path: Path, ws: Workspace):
    rows = [["email", "name"]] + [[f"c{i}@example.com", f"C{i}"] for i in range(40)]
    rows[4] = ["b@localhost", "B"]
    rows[9] = ["not an address", "X"]
    path = write(tmp_path / "customers.csv", rows)
    found = preview(path, "customers")
    assert found.column("email").type.name == "email"
    misfits = [w for w in found.warnings if "does not fit" in w or "do not fit" in w]
    assert misfits == ["column 'email': 1 of the first 40 values does not fit its type (email): "
                       "row 10 'not an address'"]
    result = import_customers(ws, path)
    about_localhost = [w for w in result.warnings if "b@localhost" in w]
    assert len(about_localhost) == 1 and "no dot in its domain" in about_localhost[0]


# -- 11. tracking-plan breaches of rows already stored ---------------------------------------------

def _plan_with_order(ws: Workspace) -> None:
    from engine.commands import make_node
    from engine.document import Journey
    from engine.spec import default_registry

    plan = Journey(name="Plan")
    plan.nodes.append(make_node(default_registry(), "track.event", title="order", config={
        "event_name": "order", "description": "", "source": "",
        "properties": [{"name": "amount", "type": "number", "required": True, "description": ""}]}))
    ws.create_journey(plan)


def _breaches(ws: Workspace) -> dict[tuple[str, str], int]:
    from engine.track.tracking_plan import violations

    return {(v.event_name, v.kind): v.count for v in violations(ws)}


@pytest.mark.parametrize("batch_rows", [None, 2])
def test_a_file_imported_again_counts_the_breaches_of_its_new_rows_only(tmp_path: Path, any_ws: Workspace,
                                                                        batch_rows: int | None):
    _plan_with_order(any_ws)
    head = [["email", "event", "time"]]
    old = [[f"u{i}@example.com", "page_view", f"2025-03-01T09:{i:02d}:00Z"] for i in range(3)]
    options = ImportOptions(batch_rows=batch_rows) if batch_rows else None
    first = import_events(any_ws, write(tmp_path / "e.csv", head + old), options)
    assert (first.imported, first.plan_violations) == (3, 3)
    # The same file with a new row, twice (one event): its one breach is counted, the others were.
    new = ["new@example.com", "page_view", "2025-03-02T09:00:00Z"]
    second = import_events(any_ws, write(tmp_path / "e.csv", head + [old[0], new, old[1], new, old[2]]), options)
    assert (second.imported, second.duplicates, second.plan_violations) == (1, 4, 1)
    assert _breaches(any_ws) == {("page_view", "unknown_event"): 4}


def test_breaches_are_counted_once_over_many_rows_stored_and_new(tmp_path: Path, ws: Workspace):
    _plan_with_order(ws)
    rows = [[f"u{i % 50}@example.com", "order" if i % 2 else "signup", f"2025-03-01 09:00:{i % 60:02d}",
             str(i)] for i in range(1500)]
    head = [["email", "event", "time", "sku"]]
    first = import_events(ws, write(tmp_path / "a.csv", head + rows[::3]))
    assert first.imported == 500
    # Every row breaks the plan: signups are unknown, orders lack their amount.
    assert first.plan_violations == 500
    second = import_events(ws, write(tmp_path / "b.csv", head + rows))
    assert (second.imported, second.duplicates, second.plan_violations) == (1000, 500, 1000)
    assert sum(_breaches(ws).values()) == 1500


# -- 12. times outside the years 1 to 9999 in UTC --------------------------------------------------

def test_a_converter_reports_a_time_outside_the_years_it_can_hold_as_a_bad_value():
    from zoneinfo import ZoneInfo

    from engine.track.csv_types import ColumnType, DateTimeConverter

    new_york = DateTimeConverter(ColumnType("datetime", "iso"), ZoneInfo("America/New_York"))
    with pytest.raises(OverflowError):
        new_york.many(["2025-03-01T09:00:00", "9999-12-31T23:00:00"])  # the caller goes value by value
    with pytest.raises(ValueError, match="'9999-12-31T23:00:00' is after the year 9999 once in UTC"):
        new_york.one("9999-12-31T23:00:00")
    with pytest.raises(ValueError, match="'0001-01-01T00:30:00\\+01:00' is before the year 1 once in UTC"):
        new_york.storage_one("0001-01-01T00:30:00+01:00")
    tokyo_days = DateTimeConverter(ColumnType("date", "iso"), ZoneInfo("Asia/Tokyo"))
    with pytest.raises(ValueError, match="'0001-01-01' is before the year 1 once in UTC"):
        tokyo_days.storage_one("0001-01-01")


@pytest.mark.parametrize("parallel", [False, True])
def test_one_time_out_of_range_is_a_row_error_and_the_others_are_imported(tmp_path: Path, ws: Workspace,
                                                                          parallel: bool):
    path = write(tmp_path / "e.csv", [["email", "event", "time"],
                                      ["a@example.com", "order", "2025-03-01T09:00:00"],
                                      ["b@example.com", "order", "9999-12-31T23:00:00"],
                                      ["c@example.com", "order", "2025-03-02T09:00:00"]])
    result = import_events(ws, path, ImportOptions(time_zone="America/New_York", parallel=parallel))
    assert (result.imported, result.skipped) == (2, 1)
    assert [(e.row, e.column, e.reason) for e in result.errors] == [
        (3, "time", "'9999-12-31T23:00:00' is after the year 9999 once in UTC, where no time can be stored")]


def test_the_command_line_lists_a_time_out_of_range_and_imports_the_rest(tmp_path: Path):
    path = write(tmp_path / "e.csv", [["email", "event", "time"],
                                      ["a@example.com", "order", "2025-03-01T09:00:00"],
                                      ["b@example.com", "order", "9999-12-31T23:00:00"]])
    done = cli("import", "--workspace", str(tmp_path / "ws"), "--time-zone", "America/New_York", "events", str(path))
    assert done.returncode == 0, done.stderr
    assert "unexpected error" not in done.stderr
    assert "1 event imported" in done.stdout
    assert "row 3, column 'time': '9999-12-31T23:00:00' is after the year 9999 once in UTC" in done.stdout


def test_a_time_attribute_out_of_range_is_kept_as_text_or_is_an_error_when_forced(tmp_path: Path, ws: Workspace):
    path = write(tmp_path / "c.csv", [["email", "signup"], ["a@example.com", "2025-03-01T09:00:00"],
                                      ["b@example.com", "9999-12-31T23:00:00"]])
    zone = "America/New_York"
    result = import_customers(ws, path, ImportOptions(time_zone=zone))
    assert (result.created, result.skipped) == (2, 0)
    assert ws.get_customer(ws.find_customer("email", "a@example.com")).attributes == {"signup": "2025-03-01T14:00:00Z"}
    # Not a time the column can hold: kept as the file writes it, as any value that does not fit.
    assert ws.get_customer(ws.find_customer("email", "b@example.com")).attributes == {"signup": "9999-12-31T23:00:00"}
    assert any("column 'signup': 1 value did not fit its type and was kept as text: row 3" in w
               for w in result.warnings)
    forced = import_customers(ws, path, ImportOptions(time_zone=zone, mapping={"signup": "attributes.signup:datetime"}))
    assert [(e.row, e.column, e.reason) for e in forced.errors] == [
        (3, "signup", "'9999-12-31T23:00:00' is after the year 9999 once in UTC, where no time can be stored")]


# -- 13. a spreadsheet's text mark among plain numbers ---------------------------------------------

def test_a_zip_column_with_one_marked_code_among_numbers_is_text_without_the_mark(tmp_path: Path, ws: Workspace):
    path = write(tmp_path / "c.csv", [["Email", "Zip", "Mobile"], ["u0@example.com", "'02134", "+33612345670"],
                                      ["u1@example.com", "69001", "'+33612345671"],
                                      ["u2@example.com", "75001", "+33612345672"]])
    zip_type = preview(path, "customers").column("Zip").type
    assert (zip_type.name, zip_type.apostrophe) == ("text", "digits")
    result = import_customers(ws, path, ImportOptions(mapping={"Mobile": "attributes.Mobile"}))
    assert (result.created, list(result.warnings)) == (3, [])
    stored = [ws.get_customer(ws.find_customer("email", f"u{i}@example.com")).attributes for i in range(3)]
    assert [a["Zip"] for a in stored] == ["02134", "69001", "75001"]
    assert [a["Mobile"] for a in stored] == ["+33612345670", "+33612345671", "+33612345672"]


def test_a_marked_value_after_the_sample_of_a_number_column_is_kept_as_text_without_the_mark(
        tmp_path: Path, ws: Workspace):
    rows = [[f"u{i}@example.com", str(10_000 + i)] for i in range(1100)] + [["late@example.com", "'02134"]]
    path = write(tmp_path / "c.csv", [["Email", "Code"], *rows])
    assert preview(path, "customers").column("Code").type.name == "int"
    result = import_customers(ws, path)
    assert result.created == 1101
    assert ws.get_customer(ws.find_customer("email", "late@example.com")).attributes == {"Code": "02134"}
    assert ws.get_customer(ws.find_customer("email", "u1@example.com")).attributes == {"Code": 10_001}


# -- 14. a spreadsheet's text mark in identifiers ------------------------------------------------

def test_an_identifier_drops_the_text_mark_before_digits_beside_unmarked_values(tmp_path: Path, ws: Workspace):
    path = write(tmp_path / "c.csv", [["Email", "Phone"], ["a@example.com", "'0612345678"],
                                      ["b@example.com", "+33612345679"], ["c@example.com", "'+33 6 12 34 56 70"],
                                      ["d@example.com", "13800138000.0"]])
    result = import_customers(ws, path, ImportOptions(mapping={"Phone": "identifiers.phone"}))
    assert (result.created, result.skipped) == (4, 0)
    phones = [ws.get_customer(ws.find_customer("email", f"{c}@example.com")).identifier("phone") for c in "abcd"]
    assert phones == ["0612345678", "+33612345679", "+33612345670", "13800138000"]


@pytest.mark.parametrize("parallel", [False, True])
def test_an_event_identifier_marked_after_the_sample_is_the_same_customer(tmp_path: Path, ws: Workspace,
                                                                          parallel: bool):
    rows = [[f"{7145031762000 + i}", "order", f"2025-03-01 10:{i % 60:02d}:{i // 60 % 60:02d}"] for i in range(1100)]
    rows.append(["'7145031762000", "refund", "2025-03-02 10:00"])
    path = write(tmp_path / "e.csv", [["customer_id", "event", "time"], *rows])
    result = import_events(ws, path, ImportOptions(parallel=parallel))
    assert (result.imported, result.created, result.skipped) == (1101, 1100, 0)
    customer = ws.find_customer("user_id", "7145031762000")
    assert [e.name for e in ws.customer_events(customer)] == ["order", "refund"]
    assert ws.find_customer("user_id", "'7145031762000") is None
