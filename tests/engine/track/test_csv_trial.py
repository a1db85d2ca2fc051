"""Tests of what a first import of real exports showed: country and province codes that are also
yes/no words (NO, ON), Excel's ``="00123"`` text wrapper, Excel's ``sep=;`` first line, phone
headers and yes/no words in other languages, and the type-fit warning of skipped rows."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from engine.cli import main
from engine.store import Workspace
from engine.store.models import EventRow, IdentifierRow
from engine.track.csv_import import ImportOptions, import_customers, import_events, preview
from engine.track.csv_types import ColumnType, infer_type


def write(path: Path, lines: list[str], *, encoding: str = "utf-8", newline: str = "\r\n") -> Path:
    path.write_bytes((newline.join(lines) + newline).encode(encoding))
    return path


def attributes(ws: Workspace, email: str) -> dict:
    customer = ws.find_customer("email", email)
    assert customer is not None, email
    return ws.get_customer(customer).attributes


def consent(ws: Workspace, email: str) -> dict:
    customer = ws.find_customer("email", email)
    assert customer is not None, email
    return ws.get_customer(customer).consent


def identifiers(ws: Workspace, kind: str) -> list[str]:
    with ws.engine.connect() as conn:
        return sorted(conn.scalars(select(IdentifierRow.value).where(IdentifierRow.kind == kind)))


# ----------------------------------------------------------------------------------------------
# Codes that are yes/no words
# ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("values", "header"), [
    (["NO", "NO", "NO"], "country_code"),
    (["NO", "NO", "NO"], "nationality"),  # ambiguous words alone, whatever the header
    (["ON", "ON", "ON"], "Default Address Province Code"),
    (["ON", "ON", "ON"], "where"),
    (["y", "Y"], "grade"),
    (["off", "OFF"], "shift"),
    (["F", "F", "f"], "gender"),
    # A header naming a code never makes yes/no, even beside an unambiguous word.
    (["yes", "no"], "country"),
    (["true", "false"], "state"),
    (["NO", "SE", "YES"], "region"),
    (["no", "yes"], "lang"),
])
def test_codes_that_are_yes_no_words_are_text(values: list[str], header: str):
    assert infer_type(values, header).name == "text"


@pytest.mark.parametrize(("values", "header"), [
    (["yes", "no", "no"], "newsletter"),
    (["Y", "N"], "vip"),  # a yes and a no word together
    (["no", "no", "yes"], "vip"),
    (["on", "off"], "active"),
    (["true", "TRUE"], "vip"),
    (["No", "No", "No", "false"], "vip"),  # an unambiguous word beside the ambiguous ones
    (["是", "否"], "会员"),
])
def test_yes_no_columns_are_still_inferred(values: list[str], header: str):
    assert infer_type(values, header) == ColumnType("bool")


def test_norway_and_ontario_are_imported_as_codes(tmp_path: Path, ws: Workspace):
    path = write(tmp_path / "customers.csv", [
        "Email,Default Address Province Code,country_code,Accepts Email Marketing",
        "a@example.com,ON,NO,no", "b@example.com,ON,NO,yes", "c@example.com,ON,NO,no"])
    found = preview(path, "customers")
    assert found.column("country_code").type.name == "text"
    assert found.column("Default Address Province Code").type.name == "text"
    result = import_customers(ws, path)
    assert result.imported == 3, result.errors
    assert attributes(ws, "a@example.com") == {"Default Address Province Code": "ON", "country_code": "NO"}
    # A consent column reads its yes/no words as before.
    assert consent(ws, "a@example.com") == {"email": False}
    assert consent(ws, "b@example.com") == {"email": True}


def test_a_consent_column_of_ambiguous_words_still_reads_them(tmp_path: Path, ws: Workspace):
    path = write(tmp_path / "customers.csv", ["email,accepts_marketing", "a@example.com,N", "b@example.com,N"])
    assert preview(path, "customers").mapping["accepts_marketing"] == "consent.email"
    result = import_customers(ws, path)
    assert result.imported == 2, result.errors
    assert consent(ws, "a@example.com") == {"email": False}


# ----------------------------------------------------------------------------------------------
# Excel's ="..." text wrapper
# ----------------------------------------------------------------------------------------------

def test_a_column_written_in_excels_text_wrapper_is_text_read_without_it():
    assert infer_type(['="00123"', '="04567"'], "zip") == ColumnType("text", apostrophe="digits")
    assert infer_type(['="00123"', "69001"], "zip") == ColumnType("text", apostrophe="digits")


def test_excels_text_wrapper_is_left_out_of_identifiers_and_attributes(tmp_path: Path, ws: Workspace):
    # As Excel writes it: the field quoted, its quotes doubled.
    path = write(tmp_path / "customers.csv", [
        "email,phone,zip,customer_no",
        'a@example.com,"=""+4917123456""","=""00123""",="007"',
        'b@example.com,"=""+4917123457""",69001,="008"'])
    result = import_customers(ws, path)
    assert result.imported == 2, result.errors
    assert identifiers(ws, "phone") == ["+4917123456", "+4917123457"]
    assert attributes(ws, "a@example.com") == {"zip": "00123", "customer_no": "007"}
    assert attributes(ws, "b@example.com") == {"zip": "69001", "customer_no": "008"}


def test_excels_text_wrapper_is_left_out_of_event_properties(tmp_path: Path):
    lines = ["email,event,time,sku,amount"] + [
        f'u{i}@example.com,order,2025-01-01T10:00:{i:02d}Z,="{i:05d}",{i}' for i in range(30)]
    lines.append('u9@example.com,order,2025-01-01T11:00:00Z,="00031",="12"')  # kept as text, unwrapped
    path = write(tmp_path / "events.csv", lines)
    for parallel in (False, True):
        with Workspace.open(tmp_path / f"ws-{parallel}.db") as ws:
            result = import_events(ws, path, ImportOptions(parallel=parallel))
            assert result.imported == 31, result.errors
            with ws.engine.connect() as conn:
                props = list(conn.scalars(select(EventRow.properties)))
        assert sorted(p["sku"] for p in props) == [f"{i:05d}" for i in range(32) if i != 30]
        assert sorted(str(p["amount"]) for p in props) == sorted([*map(str, range(30)), "12"])


# ----------------------------------------------------------------------------------------------
# Excel's sep= line
# ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("sep_line", "delimiter"), [("sep=;", ";"), ("sep=,", ","), ("sep=\t", "\t"),
                                                      ("SEP=;", ";")])
def test_the_sep_line_names_the_delimiter_and_is_skipped(tmp_path: Path, sep_line: str, delimiter: str):
    rows = [["email", "event", "time", "amount"]] + [
        [f"u{i}@example.com", "order", f"2025-01-01T10:00:{i:02d}Z", f"{i}"] for i in range(5)]
    path = write(tmp_path / "events.csv", ["\ufeff" + sep_line] + [delimiter.join(r) for r in rows])
    found = preview(path, "events")
    assert found.delimiter == delimiter
    assert found.header == ("email", "event", "time", "amount")
    assert found.rows[0] == ("u0@example.com", "order", "2025-01-01T10:00:00Z", "0")
    for parallel in (False, True):
        with Workspace.open(tmp_path / f"ws-{parallel}.db") as ws:
            result = import_events(ws, path, ImportOptions(parallel=parallel))
            assert result.imported == 5, result.errors
            assert result.errors == []


def test_rows_of_a_file_with_a_sep_line_are_numbered_as_excel_shows_them(tmp_path: Path, ws: Workspace):
    path = write(tmp_path / "customers.csv", ["sep=;", "email;age", "a@example.com;1", ";2",
                                              "c@example.com;3"])
    result = import_customers(ws, path)
    assert result.imported == 2
    assert [(e.row, e.line) for e in result.errors] == [(3, 4)]


# ----------------------------------------------------------------------------------------------
# Other languages
# ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("header", ["Telefon", "telefonnummer", "Handy", "mobil", "Mobilnummer", "Téléphone",
                                    "telephone", "portable", "Teléfono", "celular", "móvil", "cellulare",
                                    "telefono"])
def test_phone_headers_in_other_languages(header: str):
    assert infer_type(["0171 2345678", "030 1234567"], header).name == "phone"


@pytest.mark.parametrize(("words", "expected"), [
    (("ja", "nein"), (True, False)), (("Oui", "non"), (True, False)), (("sí", "NO"), (True, False)),
    (("si", "no"), (True, False)), (("sim", "não"), (True, False))])
def test_consent_reads_yes_no_words_of_other_languages(tmp_path: Path, ws: Workspace, words, expected):
    path = write(tmp_path / "customers.csv", ["email,accepts_marketing", f"a@example.com,{words[0]}",
                                              f"b@example.com,{words[1]}"])
    assert preview(path, "customers").mapping["accepts_marketing"] == "consent.email"
    result = import_customers(ws, path)
    assert result.imported == 2, result.errors
    assert (consent(ws, "a@example.com")["email"], consent(ws, "b@example.com")["email"]) == expected


def test_non_alone_is_not_yes_no_outside_consent():
    assert infer_type(["non", "non"], "remarque").name == "text"


# ----------------------------------------------------------------------------------------------
# Type-fit warnings name only imported rows
# ----------------------------------------------------------------------------------------------

def test_a_skipped_row_is_not_named_as_kept_as_text(tmp_path: Path, capsys):
    lines = ["email,signup_date,score"] + [f"u{i}@example.com,2024-01-{i + 1:02d},{i}" for i in range(28)]
    lines[6] = ",2024-13-45,5"  # row 7: no identifier, so skipped; its date does not fit either
    path = write(tmp_path / "people.csv", lines)
    code = main(["import", "customers", str(path), "--workspace", str(tmp_path / "ws")])
    out = capsys.readouterr().out
    assert code == 0
    assert "row 7, column 'email': the customer identifier is missing" in out
    assert "kept as text" not in out


def test_a_skipped_event_row_is_not_named_as_kept_as_text(tmp_path: Path):
    rows = [f"u{i}@example.com,visit,2025-01-01T10:00:{i:02d}Z,{i}" for i in range(40)]
    rows[5] = "u5@example.com,visit,not a time,lots"  # row 7: skipped for its time
    rows[20] = "u20@example.com,visit,2025-01-01T10:00:20Z,many"  # row 22: kept as text
    path = write(tmp_path / "events.csv", ["email,event,time,amount", *rows])
    for parallel in (False, True):
        with Workspace.open(tmp_path / f"ws-{parallel}.db") as ws:
            result = import_events(ws, path, ImportOptions(parallel=parallel, batch_rows=10))
        assert [e.row for e in result.errors] == [7]
        kept = [w for w in result.warnings if "kept as text" in w]
        assert kept == ["column 'amount': 1 value did not fit its type and was kept as text: row 22 'many'"]
