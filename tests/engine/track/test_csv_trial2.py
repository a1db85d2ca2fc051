"""Tests of what a new user's first imports showed: a customer's ``Name`` taken for the event name,
placeholder cells (``n/a``) over stored numbers, e-mail identifiers that cannot be addresses,
refusals that did not say which file and columns, phone headers in other languages, and a bad
value named twice by the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from engine.cli import main
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
from engine.track.csv_types import ColumnType, address_problem, infer_type
from tests.engine.track.test_csv_trial import identifiers


def write(path: Path, lines: list[str], *, encoding: str = "utf-8", newline: str = "\r\n") -> Path:
    path.write_bytes((newline.join(lines) + newline).encode(encoding))
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def attributes(ws: Workspace, email: str) -> dict:
    customer = ws.find_customer("email", email)
    assert customer is not None, email
    return ws.get_customer(customer).attributes


def euro(path: Path, *rows: str) -> Path:
    """A German customer export: UTF-8 with a BOM, semicolons, decimal commas, day/month/year."""
    return write(path, ["\ufeffE-Mail;Name;Umsatz;Letzte Bestellung",
                        *(rows or ['k1@example.de;"Müller, Hans";1.234,56;31/12/2023'])])


# ----------------------------------------------------------------------------------------------
# 1. A customer's name is not the event name
# ----------------------------------------------------------------------------------------------

def test_a_name_column_is_not_taken_for_the_event_name(tmp_path: Path, capsys):
    path = euro(tmp_path / "euro.csv")
    found = preview(path, "events")
    assert found.mapping["Name"] == "properties.Name"
    assert "event" not in found.mapping.values()
    # No column is the event name: the import is refused, saying what would fix it.
    code, out, err = run(capsys, "import", "events", str(path), "--workspace", str(tmp_path / "ws"),
                         "--map", "Letzte Bestellung=time", "--dry-run")
    assert code == 1 and out == ""
    assert "no column holds the event name" in err
    assert "map one with --map COLUMN=event, or give every row the same name with --event-name NAME" in err
    code, out, err = run(capsys, "import", "events", str(path), "--workspace", str(tmp_path / "ws"),
                         "--map", "Letzte Bestellung=time", "--event-name", "order", "--dry-run")
    assert code == 0, err
    assert "  Name → properties.Name (text)\n" in out
    assert "  every row → event 'order'\n" in out


@pytest.mark.parametrize("header", [
    "event", "Event", "Event Name", "event_name", "Action", "activity", "Activity Name", "事件", "事件名称",
    "Ereignis", "Ereignisname", "Événement", "Nom de l'événement", "Evento", "Nombre del evento", "Nome evento",
    "Nome do evento", "Ação", "Aktion", "Actividad"])
def test_event_name_headers_are_still_found(tmp_path: Path, header: str):
    path = write(tmp_path / "events.csv", [f"email,{header},time", "a@example.com,visit,2025-01-01T10:00:00Z"])
    assert preview(path, "events").mapping[header] == "event"


def test_name_mapped_by_hand_is_still_the_event_name(tmp_path: Path, ws: Workspace):
    path = write(tmp_path / "events.csv", ["email,name,time", "a@example.com,visit,2025-01-01T10:00:00Z"])
    result = import_events(ws, path, ImportOptions(mapping={"name": "event"}))
    assert result.imported == 1, result.errors
    with ws.engine.connect() as conn:
        assert list(conn.scalars(select(EventRow.name))) == ["visit"]


# ----------------------------------------------------------------------------------------------
# 2. Placeholder cells of attributes are empty cells
# ----------------------------------------------------------------------------------------------

def test_a_placeholder_changes_no_stored_attribute_nor_the_column_type(tmp_path: Path, ws: Workspace):
    first = write(tmp_path / "first.csv", ["Email,First name,Total spent", "user5@example.com,Five,15747.02"])
    assert import_customers(ws, first).created == 1
    second = write(tmp_path / "second.csv", ["Email,First name,Total spent", "user5@example.com,,n/a",
                                             "user7@example.com,Seven,12.5"], newline="\n")
    found = preview(second, "customers")
    assert found.column("Total spent").type == ColumnType("float")
    assert not [w for w in found.warnings if "fit its type" in w]
    result = import_customers(ws, second)
    assert (result.created, result.updated, result.unchanged, result.skipped) == (1, 0, 1, 0), result.errors
    assert attributes(ws, "user5@example.com") == {"First name": "Five", "Total spent": 15747.02}
    assert attributes(ws, "user7@example.com") == {"First name": "Seven", "Total spent": 12.5}
    assert result.warnings == ["column 'Total spent': 1 cell that only says there is no value was left empty: "
                               "row 2 'n/a'"]


@pytest.mark.parametrize("cell", ["n/a", "N/A", "#N/A", "null", "NULL", "none", "None", "-", "—", " n/a "])
def test_the_usual_placeholders_are_empty_cells(tmp_path: Path, ws: Workspace, cell: str):
    rows = ["email,score,city", "a@example.com,10,Lyon"]
    assert import_customers(ws, write(tmp_path / "first.csv", rows)).created == 1
    path = write(tmp_path / "second.csv", ["email,score,city", f"a@example.com,{cell},{cell}",
                                           "b@example.com,12,Paris"])
    result = import_customers(ws, path)
    assert result.unchanged == 1 and result.created == 1, result.errors
    assert attributes(ws, "a@example.com") == {"score": 10, "city": "Lyon"}
    assert attributes(ws, "b@example.com") == {"score": 12, "city": "Paris"}
    assert "column 'score': 1 cell that only says there is no value was left empty" in result.warnings[0]
    assert "column 'city': 1 cell" in result.warnings[1]


@pytest.mark.parametrize("cell", ["NA", "no", "na", "n", "0", "?"])
def test_values_that_only_look_like_placeholders_are_values(tmp_path: Path, ws: Workspace, cell: str):
    path = write(tmp_path / "customers.csv", ["email,country", f"a@example.com,{cell}", "b@example.com,FR"])
    result = import_customers(ws, path)
    assert result.created == 2 and result.warnings == []
    assert attributes(ws, "a@example.com") == {"country": cell}


def test_many_placeholders_are_counted_and_the_first_named(tmp_path: Path, ws: Workspace):
    rows = ["email,amount"] + [f"u{i}@example.com,{'-' if i % 3 == 0 else i}" for i in range(30)]
    result = import_customers(ws, write(tmp_path / "customers.csv", rows), ImportOptions(batch_rows=7))
    assert result.created == 30 and result.skipped == 0
    assert result.warnings == ["column 'amount': 10 cells that only say there is no value were left empty: "
                               "row 2 '-', row 5 '-', row 8 '-' and 7 more"]
    assert attributes(ws, "u0@example.com") == {}
    assert attributes(ws, "u1@example.com") == {"amount": 1}


def test_placeholders_of_a_forced_type_are_empty_cells_too(tmp_path: Path, ws: Workspace):
    path = write(tmp_path / "customers.csv", ["email,born", "a@example.com,NULL", "b@example.com,1990-01-02"])
    result = import_customers(ws, path, ImportOptions(mapping={"born": "attributes.born:date"}))
    assert result.created == 2 and result.skipped == 0, result.errors
    assert attributes(ws, "a@example.com") == {}


def test_placeholders_of_event_properties_are_still_values(tmp_path: Path, ws: Workspace):
    path = write(tmp_path / "events.csv", ["email,event,time,coupon", "a@example.com,order,2025-01-01T10:00:00Z,n/a"])
    assert import_events(ws, path).imported == 1
    with ws.engine.connect() as conn:
        assert list(conn.scalars(select(EventRow.properties))) == [{"coupon": "n/a"}]


# ----------------------------------------------------------------------------------------------
# 3. E-mail identifiers that cannot be addresses
# ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "reason"), [
    ("user0@Example,COM", "a comma"), ("ann@example.com;bob@example.com", "a semicolon"),
    ("Ann <ann@example.com>", "a space"), ("<ann@example.com>", "an angle bracket"),
    ("ann@example.com bob@example.com", "a space"), ("ann@@example.com", "a second @"),
    ("ann@example.com@example.org", "a second @"), ("ann\u00a0@example.com", "a space"),
    ("ann@exa\tmple.com", "a space")])
def test_what_no_address_holds(value: str, reason: str):
    assert address_problem(value) == f"'{value}' is not an email address: it holds {reason}"


@pytest.mark.parametrize("value", ["ann@example.com", "user@localhost", '"ann smith"@example.com',
                                   '"a@b"@example.com', "ann+tag@example.co.uk", "josé@exämple.de"])
def test_addresses(value: str):
    assert address_problem(value) is None


def test_an_address_with_a_comma_is_a_row_error_and_the_good_rows_are_kept(tmp_path: Path, ws: Workspace):
    rows = ["Email;Name", "user0@Example,COM;Zero", "ok@example.com;Ok", "a@b@example.com;Two",
            "Ann <ann@example.com>;Ann", "lh@localhost;Local", '"""jo smith""@example.com";Jo']
    result = import_customers(ws, write(tmp_path / "customers.csv", rows))
    assert (result.created, result.skipped) == (3, 3)
    assert [e.describe() for e in result.errors] == [
        "row 2, column 'Email': 'user0@Example,COM' is not an email address: it holds a comma",
        "row 4, column 'Email': 'a@b@example.com' is not an email address: it holds a second @",
        "row 5, column 'Email': 'Ann <ann@example.com>' is not an email address: it holds a space"]
    assert identifiers(ws, "email") == ['"jo smith"@example.com', "lh@localhost", "ok@example.com"]
    assert result.warnings == [
        "column 'Email': 1 e-mail address has no dot in its domain (after the @), like user@localhost, and was "
        "imported as written; check the column: row 6 'lh@localhost'"]


@pytest.mark.parametrize("parallel", [False, True])
def test_an_events_file_refuses_such_addresses_too(tmp_path: Path, parallel: bool):
    rows = ["email,event,time"] + [f"u{i}@example.com,visit,2025-01-01T10:00:{i:02d}Z" for i in range(30)]
    rows[5] = "u4@example,com,visit,2025-01-01T10:00:04Z"
    rows[9] = '"u8@example.com, u9@example.com",visit,2025-01-01T10:00:08Z'
    path = write(tmp_path / "events.csv", rows)
    with Workspace.open(tmp_path / "ws.db") as ws:
        result = import_events(ws, path, ImportOptions(parallel=parallel, batch_rows=10))
    assert result.imported == 28
    assert [(e.row, e.column, e.reason) for e in result.errors] == [
        (6, "", "the row has 4 fields but the header has 3"),
        (10, "email", "'u8@example.com, u9@example.com' is not an email address: it holds a comma")]


def test_no_dot_in_the_domain_is_warned_about_without_blaming_test_setups(tmp_path: Path, ws: Workspace):
    rows = ["email,name"] + [f"user{i}@intranet,N{i}" for i in range(12)]
    result = import_customers(ws, write(tmp_path / "customers.csv", rows))
    assert result.created == 12
    (warning,) = result.warnings
    assert warning.startswith("column 'email': 12 e-mail addresses have no dot in their domain (after the @), like "
                              "user@localhost, and were imported as written; check the column: row 2 'user0@intranet'")
    assert "test" not in warning


# ----------------------------------------------------------------------------------------------
# 4. Refusals name the file and its columns
# ----------------------------------------------------------------------------------------------

def test_no_identifier_column_names_the_file_and_its_columns(tmp_path: Path, capsys):
    path = write(tmp_path / "mismatch.csv", ["foo,bar,baz", "1,2,3"])
    workspace = str(tmp_path / "ws")
    code, out, err = run(capsys, "import", "customers", str(path), "--workspace", workspace)
    assert code == 1 and out == ""
    assert err == (f"journey-studio: error: {path}: no column identifies the customer (the columns are foo, bar, "
                   "baz); choose one with --id-column (and --id-kind), or map one with --map "
                   "COLUMN=identifiers.email\n")
    code, out, err = run(capsys, "import", "customers", str(path), "--workspace", workspace, "--json")
    assert code == 1 and err == ""
    data = json.loads(out)
    assert data["where"] == str(path)
    assert data["error"].startswith("no column identifies the customer (the columns are foo, bar, baz); ")


def test_no_time_column_names_the_file_and_its_columns(tmp_path: Path, capsys):
    path = euro(tmp_path / "euro.csv")
    code, out, err = run(capsys, "import", "events", str(path), "--workspace", str(tmp_path / "ws"),
                         "--event-name", "order", "--map", "Letzte Bestellung=attributes.last", "--json")
    assert code == 2  # an attribute is no field of an event
    code, out, err = run(capsys, "import", "events", str(path), "--workspace", str(tmp_path / "ws"),
                         "--event-name", "order", "--map", "Letzte Bestellung=skip", "--json")
    assert code == 1 and err == ""
    assert json.loads(out) == {
        "error": "no column holds the event time (the columns are E-Mail, Name, Umsatz, Letzte Bestellung); map "
                 "one with --map COLUMN=time", "where": str(path)}


def test_no_event_name_column_names_the_file_and_its_columns(tmp_path: Path):
    path = write(tmp_path / "events.csv", ["email,when", "a@example.com,2025-01-01T10:00:00Z"])
    with pytest.raises(CsvImportError) as refused:
        make_plan(preview(path, "events"))
    assert refused.value.message == "no column holds the event name (the columns are email, when)"
    assert (refused.value.where, refused.value.fix) == (str(path), "event")


# ----------------------------------------------------------------------------------------------
# 5. Phone headers in other languages name the phone identifier
# ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("header", ["Telefon", "Telefonnummer", "Handy", "Mobil", "Mobilnummer", "Téléphone",
                                    "Portable", "Teléfono", "Móvil", "Celular", "Telefono", "Cellulare",
                                    "Telemóvel", "Telefone", "手机"])
def test_phone_headers_in_other_languages_are_the_phone_identifier(tmp_path: Path, ws: Workspace, header: str):
    path = write(tmp_path / "customers.csv", [f"E-Mail;{header};Stadt", "k1@example.de;+49 171 2345678;Köln",
                                              "k2@example.de;0171 2345679;Bonn"])
    found = preview(path, "customers")
    assert found.column(header).type.name == "phone"
    assert found.mapping[header] == "identifiers.phone"
    result = import_customers(ws, path)
    assert result.created == 2, result.errors
    assert identifiers(ws, "phone") == ["+491712345678", "01712345679"]
    assert attributes(ws, "k1@example.de") == {"Stadt": "Köln"}


@pytest.mark.parametrize("header", ["Telemóvel", "telefone"])
def test_portuguese_phone_headers_make_a_phone_column(header: str):
    assert infer_type(["912 345 678", "21 345 6789"], header).name == "phone"
    assert infer_type(["912 345 678", "21 345 6789"], "remark").name == "text"


# ----------------------------------------------------------------------------------------------
# 6. One bad value, one line
# ----------------------------------------------------------------------------------------------

def gbk(path: Path, rows: int = 3, bad: tuple[int, ...] = (2,)) -> Path:
    lines = ["手机,姓名,注册日期"] + [f"138001380{i:02d},客户{i},2024-01-{i % 28 + 1:02d}" for i in range(rows)]
    for index in bad:
        lines[index + 1] = f"138001380{index:02d},客户{index},1月7日"
    return write(path, lines, encoding="gbk")


def test_a_value_kept_as_text_is_named_once(tmp_path: Path, capsys):
    path = gbk(tmp_path / "gbk.csv")
    code, out, err = run(capsys, "import", "customers", str(path), "--workspace", str(tmp_path / "ws"), "--dry-run")
    assert code == 0, err
    warnings = [line for line in out.splitlines() if "warning: column '注册日期'" in line]
    assert warnings == ["  warning: column '注册日期': 1 of the first 3 values does not fit its type (date, ISO 8601 "
                        "like 2024-12-31 or 2024-12-31T18:30:00Z): row 4 '1月7日'; it was kept as text"]
    # The result keeps both: what the preview saw and what the import did.
    code, out, err = run(capsys, "import", "customers", str(path), "--workspace", str(tmp_path / "ws"), "--json")
    assert code == 0, err
    assert [w for w in json.loads(out)["warnings"] if "注册日期" in w] == [
        "column '注册日期': 1 of the first 3 values does not fit its type (date, ISO 8601 like 2024-12-31 or "
        "2024-12-31T18:30:00Z): row 4 '1月7日'",
        "column '注册日期': 1 value did not fit its type and was kept as text: row 4 '1月7日'"]


def test_values_beyond_the_sample_keep_both_lines(tmp_path: Path, capsys):
    # The preview samples the first 1,000 rows: the import finds one more value that does not fit.
    path = gbk(tmp_path / "gbk.csv", rows=1200, bad=(2, 1100))
    code, out, err = run(capsys, "import", "customers", str(path), "--workspace", str(tmp_path / "ws"), "--dry-run")
    assert code == 0, err
    warnings = [line for line in out.splitlines() if "warning: column '注册日期'" in line]
    assert warnings == [
        "  warning: column '注册日期': 1 of the first 1,000 values does not fit its type (date, ISO 8601 like "
        "2024-12-31 or 2024-12-31T18:30:00Z): row 4 '1月7日'",
        "  warning: column '注册日期': 2 values did not fit its type and were kept as text: row 4 '1月7日', "
        "row 1102 '1月7日'"]


# -- a chosen encoding the file is not in ----------------------------------------------------------

@pytest.mark.parametrize("text, written, chosen, detected", [
    ("邮箱,姓名\na@example.com,张三\n", "gbk", "utf-8", "gb18030"),
    ("\ufeffEmail\tName\r\na@example.com\tAnn\r\n", "utf-16-le", "latin-1", "utf-16"),
])
def test_a_chosen_encoding_the_column_names_do_not_read_in_is_refused(ws, tmp_path, text, written, chosen, detected):
    path = tmp_path / "export.csv"
    path.write_bytes(text.encode(written))
    with pytest.raises(CsvImportError) as refused:
        import_customers(ws, path, ImportOptions(encoding=chosen))
    assert refused.value.message == f"the column names do not read as {chosen}: the file looks like {detected} text"
    assert refused.value.fix == "encoding" and refused.value.where == str(path)
    assert ws.find_customer("email", "a@example.com") is None
    assert import_customers(ws, path).created == 1  # detected, it reads


def test_a_chosen_encoding_that_reads_is_used(ws, tmp_path):
    path = write(tmp_path / "plain.csv", ["Email,Name", "a@example.com,Ann"])
    assert import_customers(ws, path, ImportOptions(encoding="latin-1")).created == 1


def test_the_command_line_says_to_leave_the_encoding_out(capsys, tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes("邮箱,姓名\na@example.com,张三\n".encode("gbk"))
    code, _out, err = run(capsys, "--workspace", str(tmp_path / "ws"), "import", "customers", str(path),
                          "--encoding", "utf-8")
    assert code == 1
    assert "looks like gb18030 text; leave out --encoding (the encoding is detected) or give that one" in err
