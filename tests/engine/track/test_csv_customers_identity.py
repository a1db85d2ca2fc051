"""Tests of identity in the CSV import: a row never gives a customer a second user id (rule 3 of
docs/identity.md), conflicts are reported by row and column, and every row of a customer import
is counted once (created, updated, unchanged or skipped)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine.cli import main
from engine.store import Workspace
from engine.store.models import CustomerRow, EventRow, IdentifierRow
from engine.track.csv_import import ImportOptions, ImportResult, import_customers, import_events, preview


def write(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return path


def count(ws: Workspace, model) -> int:
    with ws.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(model))


def user_ids(ws: Workspace) -> dict[str, list[str]]:
    """The user ids of each customer that has any."""
    with ws.engine.connect() as conn:
        rows = conn.execute(select(IdentifierRow.customer_id, IdentifierRow.value)
                            .where(IdentifierRow.kind == "user_id").order_by(IdentifierRow.value)).all()
    found: dict[str, list[str]] = {}
    for customer, value in rows:
        found.setdefault(customer, []).append(value)
    return found


def assert_rows_add_up(result: ImportResult) -> None:
    assert result.created + result.updated + result.unchanged + result.skipped == result.rows_read
    assert result.imported == result.created + result.updated
    assert result.good_rows == result.rows_read - result.skipped


TWO = [["Customer ID", "First Name", "Email"], ["1001", "Ana", "ana@example.com"], ["1002", "Fay", "ANA@example.com"]]


# ----------------------------------------------------------------------------------------------
# One user id per profile
# ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("batch_rows", [20_000, 1])
def test_a_row_that_would_give_a_customer_made_by_the_file_a_second_user_id_is_skipped(
        ws: Workspace, tmp_path: Path, batch_rows: int):
    path = write(tmp_path / "two.csv", TWO)
    result = import_customers(ws, path, ImportOptions(batch_rows=batch_rows))
    assert (result.rows_read, result.created, result.updated, result.unchanged, result.skipped) == (2, 1, 0, 0, 1)
    assert_rows_add_up(result)
    [error] = result.errors
    assert (error.row, error.column, error.value) == (3, "Email", "ana@example.com")
    assert error.describe() == ("row 3, column 'Email': email 'ana@example.com' already belongs to the customer "
                                "with user_id '1001'; a profile has one user_id, so this row's user_id '1002' "
                                "cannot be added to it")
    ana = ws.get_customer(ws.find_customer("email", "ana@example.com"))
    assert sorted(ana.identifiers) == [("email", "ana@example.com"), ("user_id", "1001")]
    assert ana.attributes == {"First Name": "Ana"}  # nothing of row 3 was applied
    assert ws.find_customer("user_id", "1002") is None
    assert count(ws, CustomerRow) == 1

    again = import_customers(ws, path, ImportOptions(batch_rows=batch_rows))
    assert (again.created, again.updated, again.unchanged, again.skipped) == (0, 0, 1, 1)
    assert_rows_add_up(again)
    assert [(e.row, e.column) for e in again.errors] == [(3, "Email")]
    assert ws.get_customer(ana.id) == ana


def test_a_stored_customer_with_a_user_id_takes_no_second_one(ws: Workspace, tmp_path: Path):
    holder = ws.upsert_customer({"user_id": "u1", "email": "a@example.com"}, {"plan": "gold"})
    bare = ws.upsert_customer({"email": "b@example.com"})
    path = write(tmp_path / "c.csv", [
        ["email", "user_id", "phone", "plan"],
        ["a@example.com", "u2", "", "silver"],       # a holds u1: refused
        ["b@example.com", "u3", "+33600000003", "bronze"],  # b holds none: takes u3
        ["", "u4", "+33600000003", ""],                 # b by its phone, and b holds u3: refused
        ["c@example.com", "", "+33600000003", "x"],  # links c to b by the phone: allowed
        ["", "u1", "", "platinum"],                     # a by its own user id: fine
        ["d@example.com", "u1", "", ""],               # a new address for a: fine
    ])
    options = ImportOptions(mapping={"phone": "identifiers.phone", "email": "identifiers.email"})
    result = import_customers(ws, path, options)
    assert_rows_add_up(result)
    assert [(e.row, e.column, e.value) for e in result.errors] == [(2, "email", "a@example.com"),
                                                                  (4, "phone", "+33600000003")]
    assert "user_id 'u1'; a profile has one user_id, so this row's user_id 'u2'" in result.errors[0].reason
    assert "user_id 'u3'; a profile has one user_id, so this row's user_id 'u4'" in result.errors[1].reason
    assert user_ids(ws) == {holder: ["u1"], bare: ["u3"]}
    assert ws.get_customer(holder).attributes == {"plan": "platinum"}
    assert ws.get_customer(bare).attributes == {"plan": "x"}
    assert ws.find_customer("email", "c@example.com") == bare
    assert ws.find_customer("email", "d@example.com") == holder
    assert ws.find_customer("user_id", "u2") is None and ws.find_customer("user_id", "u4") is None


def test_the_customer_linked_through_an_identifier_given_earlier_in_the_batch(ws: Workspace, tmp_path: Path):
    holder = ws.upsert_customer({"user_id": "u1", "email": "a@example.com"})
    path = write(tmp_path / "c.csv", [
        ["email", "phone", "user_id"],
        ["a@example.com", "+33600000001", ""],   # gives a the phone
        ["", "+33600000001", "u9"],              # names a by that phone: a has u1 already
    ])
    result = import_customers(ws, path, ImportOptions(mapping={"phone": "identifiers.phone"}))
    assert (result.updated, result.skipped) == (1, 1)
    assert [(e.row, e.column, e.value) for e in result.errors] == [(3, "phone", "+33600000001")]
    assert user_ids(ws) == {holder: ["u1"]}


def test_a_workspace_without_user_ids_gets_one_per_customer(ws: Workspace, tmp_path: Path):
    known = ws.upsert_customer({"email": "a@example.com"})
    path = write(tmp_path / "c.csv", [["email", "user_id"], ["a@example.com", "u1"], ["A@example.com", "u2"],
                                      ["b@example.com", "u3"], ["b@example.com", "u4"]])
    result = import_customers(ws, path)
    assert (result.created, result.updated, result.unchanged, result.skipped) == (1, 1, 0, 2)
    assert [(e.row, e.column) for e in result.errors] == [(3, "email"), (5, "email")]
    found = user_ids(ws)
    assert found[known] == ["u1"] and sorted(found.values()) == [["u1"], ["u3"]]


def test_an_event_row_that_would_give_a_second_user_id_is_skipped(ws: Workspace, tmp_path: Path):
    holder = ws.upsert_customer({"user_id": "u1", "email": "a@example.com"})
    path = write(tmp_path / "e.csv", [
        ["email", "user_id", "event", "time"],
        ["a@example.com", "u1", "visit", "2025-01-01T00:00:00Z"],
        ["a@example.com", "u2", "visit", "2025-01-02T00:00:00Z"],
        ["n@example.com", "u7", "visit", "2025-01-03T00:00:00Z"],
        ["n@example.com", "u8", "visit", "2025-01-04T00:00:00Z"],
    ])
    result = import_events(ws, path, ImportOptions(mapping={"user_id": "identifiers.user_id"}))
    assert (result.rows_read, result.imported, result.created, result.skipped) == (4, 2, 1, 2)
    assert result.imported + result.duplicates + result.skipped == result.rows_read
    assert [(e.row, e.column, e.value) for e in result.errors] == [(3, "email", "a@example.com"),
                                                                  (5, "email", "n@example.com")]
    assert "customer with user_id 'u7'" in result.errors[1].reason
    assert count(ws, EventRow) == 2
    assert user_ids(ws)[holder] == ["u1"] and ws.find_customer("user_id", "u2") is None


def test_the_conflict_message_names_the_merge_and_quotes_once(ws: Workspace, tmp_path: Path):
    ws.upsert_customer({"user_id": "u1"})
    ws.upsert_customer({"email": "o'brien@example.com"})
    path = write(tmp_path / "c.csv", [["Customer ID", "Email"], ["u1", "o'brien@example.com"]])
    result = import_customers(ws, path)
    [error] = result.errors
    assert error.reason == ("user_id 'u1' and email \"o'brien@example.com\" belong to different customers; "
                            "merge them first (journey-studio profiles merge, or Merge in the Profiles window)")
    # A value that starts with a spreadsheet's text marker is not shown with a doubled quote.
    quoted = "user_id \"'7145031762090\""
    ws.upsert_customer({"user_id": "'7145031762090", "email": "ana@example.com"})
    path = write(tmp_path / "d.csv", [["Email", "Customer ID"], ["ana@example.com", "u2"]])
    [error] = import_customers(ws, path).errors
    assert f"belongs to the customer with {quoted}; a profile has one user_id" in error.reason
    assert "''" not in error.reason


# ----------------------------------------------------------------------------------------------
# Counts
# ----------------------------------------------------------------------------------------------

SHOPIFY_HEADER = ["Customer ID", "First Name", "Last Name", "Email", "Accepts Email Marketing",
                  "Default Address City", "Phone", "Accepts SMS Marketing", "Total Spent", "Total Orders", "Tags"]
SHOPIFY = [
    SHOPIFY_HEADER,
    ["'7145031762090", "Ana", "Silva", "ana@example.com", "yes", "Lyon", "+33612345678", "no", "120.50", "3",
     "vip, newsletter"],
    ["'7145031762091", "Ben", "Ode", "ben@example.com", "no", "", "", "no", "0.00", "0", ""],
    ["'7145031762090", "Ana", "Silva", "ANA@example.com", "yes", "Lyon", "+33 6 12 34 56 78", "no", "120.50", "3",
     "vip"],                                                    # Ana again, nothing new
    ["'7145031762092", "Cy", "Roe", "cy@example.com", "yes", "Nantes", "", "yes", "10.00", "1", ""],
    ["'7145031762093", "Dee", "Vo", "ana@example.com", "no", "", "", "no", "0.00", "0", ""],  # Ana's e-mail
    ["'7145031762092", "Cy", "Roe", "cy@example.com", "yes", "Nantes", "+33699999999", "yes", "25.00", "2", ""],
]


def test_shopify_customers_every_row_counted_once(ws: Workspace, tmp_path: Path):
    path = write(tmp_path / "customers_export.csv", SHOPIFY)
    first = import_customers(ws, path)
    assert (first.rows_read, first.created, first.updated, first.unchanged, first.skipped) == (6, 3, 1, 1, 1)
    assert_rows_add_up(first)
    assert [(e.row, e.column) for e in first.errors] == [(6, "Email")]
    reason = first.errors[0].reason
    assert "email 'ana@example.com' already belongs to the customer with user_id " in reason
    assert "7145031762090" in reason and "a profile has one user_id" in reason and "''" not in reason
    cy = ws.get_customer(ws.find_customer("email", "cy@example.com"))
    assert cy.attributes["Total Orders"] == 2 and cy.identifier("phone") == "+33699999999"
    assert cy.consent == {"email": True, "sms": True}

    again = import_customers(ws, path)
    # Cy's two rows set the orders to 1 then back to 2: Cy is as it was, so both rows are unchanged.
    assert (again.created, again.updated, again.unchanged, again.skipped) == (0, 0, 5, 1)
    assert (again.customers_updated, again.imported) == (0, 0)
    assert_rows_add_up(again)
    assert ws.get_customer(cy.id) == cy


def test_rows_naming_one_customer_twice_are_counted_each(ws: Workspace, tmp_path: Path):
    path = write(tmp_path / "c.csv", [["email", "name", "city"], ["a@example.com", "Ana", ""],
                                      ["A@example.com", "Fay", ""], ["a@example.com", "", "Lyon"],
                                      ["a@example.com", "", "Lyon"]])
    first = import_customers(ws, path)
    assert (first.created, first.updated, first.unchanged, first.customers_updated) == (1, 2, 1, 0)
    assert_rows_add_up(first)
    ws.upsert_customer({"email": "a@example.com"}, {"name": "Zoe"})
    second = import_customers(ws, path)
    # Zoe becomes Ana, then Fay: the customer changed, and so did the rows that changed it.
    assert (second.created, second.updated, second.unchanged, second.customers_updated) == (0, 2, 2, 1)
    assert_rows_add_up(second)
    third = import_customers(ws, path)
    assert (third.updated, third.unchanged) == (0, 4)
    dry = import_customers(ws, path, dry_run=True)
    assert (dry.updated, dry.unchanged) == (0, 4)


def test_the_command_line_counts_add_up(tmp_path: Path, capsys):
    path = write(tmp_path / "two.csv", TWO)
    workspace = str(tmp_path / "ws")
    for expected in ((1, 0, 0, 1), (0, 0, 1, 1)):
        assert main(["import", "customers", str(path), "--workspace", workspace, "--json"]) == 0
        data = json.loads(capsys.readouterr().out)
        assert (data["created"], data["updated"], data["unchanged"], data["skipped"]) == expected
        assert sum(expected) == data["rows_read"] == 2 and data["good_rows"] == 1
    assert main(["import", "customers", str(path), "--workspace", workspace]) == 0
    out = capsys.readouterr().out
    assert "2 rows read: 0 customers created, 0 updated, 1 row unchanged, 1 skipped with errors" in out
    assert "row 3, column 'Email': email 'ana@example.com' already belongs to the customer with user_id '1001'" in out


# ----------------------------------------------------------------------------------------------
# Consent columns of Shopify exports
# ----------------------------------------------------------------------------------------------

def test_shopify_marketing_columns_are_consent(tmp_path: Path):
    p = preview(write(tmp_path / "customers_export.csv", SHOPIFY), kind="customers")
    assert p.mapping["Accepts Email Marketing"] == "consent.email"
    assert p.mapping["Accepts SMS Marketing"] == "consent.sms"
    assert p.mapping["Customer ID"] == "identifiers.user_id" and p.mapping["Phone"] == "identifiers.phone"
    older = preview(write(tmp_path / "old.csv", [["Email", "Accepts Marketing", "Accepted Marketing Terms"],
                                                 ["a@example.com", "yes", "yes"]]), kind="customers")
    assert older.mapping["Accepts Marketing"] == "consent.email"
    assert older.mapping["Accepted Marketing Terms"] == "attributes.Accepted Marketing Terms"
