"""Tests of the CSV import: preview and mapping, events and customers, real spreadsheet encodings,
bad rows and their report, idempotence, cancelling, bulk mode and PostgreSQL."""

from __future__ import annotations

import csv
import gc
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from engine.store import Workspace
from engine.store.models import CustomerRow, EventRow, IdentifierRow
from engine.track.csv_import import (
    CsvImportError,
    ImportOptions,
    ImportProgress,
    import_customers,
    import_events,
    make_plan,
    preview,
)


def write(path: Path, rows: list[list[str]], *, encoding: str = "utf-8", delimiter: str = ",",
          newline: str = "\r\n") -> Path:
    with open(path, "w", encoding=encoding, newline="") as fh:
        csv.writer(fh, delimiter=delimiter, lineterminator=newline).writerows(rows)
    return path


def count(ws: Workspace, model) -> int:
    with ws.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(model))


def events_by_email(ws: Workspace) -> dict[str, list[tuple[str, datetime, dict]]]:
    with ws.engine.connect() as conn:
        rows = conn.execute(select(IdentifierRow.value, EventRow.name, EventRow.occurred_at, EventRow.properties)
                            .join(EventRow, EventRow.customer_id == IdentifierRow.customer_id)
                            .where(IdentifierRow.kind == "email")
                            .order_by(IdentifierRow.value, EventRow.occurred_at)).all()
    found: dict[str, list[tuple[str, datetime, dict]]] = {}
    for email, name, occurred_at, properties in rows:
        found.setdefault(email, []).append((name, occurred_at, properties))
    return found


def integrity(ws: Workspace) -> None:
    """Every event and identifier belongs to a stored customer, and the events' indexes are there."""
    with ws.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
        assert conn.exec_driver_sql("PRAGMA integrity_check").fetchall() == [("ok",)]
        names = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'index' "
                                                    "AND tbl_name = 'events'")}
        assert "ix_events_customer_name_time" in names
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


EVENTS = [["email", "event", "time", "amount", "sku"],
          ["ana@example.com", "order", "2025-03-01T09:30:00Z", "12.50", "SKU-1"],
          ["ben@example.com", "page_view", "2025-03-01T09:31:00Z", "", "SKU-2"],
          ["ana@example.com", "order", "2025-03-02T10:00:00Z", "7", "SKU-3"]]


# ----------------------------------------------------------------------------------------------
# Preview, inference and mapping
# ----------------------------------------------------------------------------------------------

def test_preview_infers_types_and_suggests_a_mapping(tmp_path: Path):
    path = write(tmp_path / "shop.csv", [
        ["Email", "Event", "When", "Amount", "Qty", "Gift", "Phone", "Signup", "Unix", "Note", "Zip"],
        ["a@example.com", "order", "2025-03-01 09:30", "12,5", "2", "yes", "+33 6 12 34 56 78", "31/12/2024",
         "1735689600", "hello", "01234"],
        ["b@example.com", "order", "2025-03-02 10:00", "3", "1", "no", "+44 7700 900123", "01/02/2025",
         "1735689700", "", "02345"],
    ], delimiter=";")
    p = preview(path)
    assert (p.encoding, p.delimiter, p.delimiter_name) == ("utf-8", ";", "semicolon")
    assert p.header == ("Email", "Event", "When", "Amount", "Qty", "Gift", "Phone", "Signup", "Unix", "Note", "Zip")
    types = {c.name: (c.type.name, c.type.date_format) for c in p.columns}
    assert types == {"Email": ("email", None), "Event": ("text", None), "When": ("datetime", "iso"),
                     "Amount": ("float", None), "Qty": ("int", None), "Gift": ("bool", None),
                     "Phone": ("phone", None), "Signup": ("date", "dmy"), "Unix": ("int", None),
                     "Note": ("text", None), "Zip": ("text", None)}
    assert p.column("Amount").type.decimal_comma
    assert p.column("Note").empty == 1
    assert (p.id_column, p.id_kind) == ("Email", "email")
    assert p.mapping["Email"] == "identifiers.email"
    assert p.mapping["Event"] == "event"
    assert p.mapping["When"] == "time"
    assert p.mapping["Amount"] == "properties.Amount"
    assert len(p.rows) == 2


def test_decimals_written_with_a_comma_are_numbers_even_when_a_few_are(ws: Workspace, tmp_path: Path):
    # Comma-separated, the decimal comma quoted: most amounts are whole numbers, one is 12,50.
    rows = [["email", "Spend", "Code"]] + [[f"c{i}@example.com", str(i + 1), "1,234"] for i in range(5)]
    rows[3][1] = "12,50"
    path = write(tmp_path / "spend.csv", rows)
    p = preview(path, "customers")
    assert p.column("Spend").type.describe() == "float, decimal comma"
    assert p.column("Code").type.name == "text"  # 1,234 could be a thousands separator: left as text
    import_customers(ws, path)
    spend = {ws.get_customer(ws.find_customer("email", f"c{i}@example.com")).attributes["Spend"] for i in range(5)}
    assert spend == {1.0, 2.0, 12.5, 4.0, 5.0}


def test_day_month_order_is_read_from_the_data_or_flagged_ambiguous(tmp_path: Path):
    mdy = preview(write(tmp_path / "a.csv", [["user_id", "event", "time"], ["1", "x", "12/31/2024 6:30 PM"],
                                             ["2", "x", "01/02/2025 7:00 AM"]]))
    assert (mdy.column("time").type.date_format, mdy.column("time").type.ambiguous) == ("mdy", False)
    both = preview(write(tmp_path / "b.csv", [["user_id", "event", "time"], ["1", "x", "03/04/2024"],
                                              ["2", "x", "05/06/2024"]]))
    assert (both.column("time").type.date_format, both.column("time").type.ambiguous) == ("dmy", True)
    assert any("day/month or month/day" in w for w in both.warnings)
    unix = preview(write(tmp_path / "c.csv", [["user_id", "event", "timestamp"], ["1", "x", "1735689600123"]]))
    assert (unix.column("timestamp").type.name, unix.column("timestamp").type.date_format) == ("datetime", "unix_ms")


def test_plan_follows_the_options_and_refuses_what_cannot_work(tmp_path: Path):
    path = write(tmp_path / "e.csv", EVENTS)
    p = preview(path)
    plan = make_plan(p, ImportOptions(mapping={"sku": "skip", "amount": "properties.price:float"}))
    assert [c.target for c in plan.columns] == ["identifiers.email", "event", "time", "properties.price"]
    assert plan.columns[-1].strict and plan.skipped == ("sku",)
    with pytest.raises(CsvImportError, match="no column 'nope'"):
        make_plan(p, ImportOptions(mapping={"nope": "skip"}))
    with pytest.raises(CsvImportError, match="unknown field 'attributes.x'"):
        make_plan(p, ImportOptions(mapping={"sku": "attributes.x"}))
    with pytest.raises(CsvImportError, match="no column holds the event time"):
        make_plan(p, ImportOptions(mapping={"time": "skip"}))
    with pytest.raises(CsvImportError, match="not both"):
        make_plan(p, ImportOptions(event_name="purchase"))
    with pytest.raises(CsvImportError, match="unknown time zone"):
        make_plan(p, ImportOptions(time_zone="Mars/Olympus"))
    with pytest.raises(CsvImportError, match="unknown identifier kind"):
        make_plan(p, ImportOptions(id_column="sku", id_kind="passport"))
    # A column the user maps displaces the suggested one.
    plan = make_plan(p, ImportOptions(id_column="sku", id_kind="custom:sku"))
    assert {c.name: c.target for c in plan.columns}["email"] == "properties.email"
    assert (plan.id_column, plan.id_kind) == ("sku", "custom:sku")


# ----------------------------------------------------------------------------------------------
# Events
# ----------------------------------------------------------------------------------------------

def test_events_are_imported_with_types_and_identities(ws: Workspace, tmp_path: Path):
    result = import_events(ws, write(tmp_path / "e.csv", EVENTS))
    assert (result.rows_read, result.imported, result.created, result.skipped, result.duplicates) == (3, 3, 2, 0, 0)
    found = events_by_email(ws)
    assert found["ana@example.com"] == [
        ("order", datetime(2025, 3, 1, 9, 30, tzinfo=UTC), {"amount": 12.5, "sku": "SKU-1"}),
        ("order", datetime(2025, 3, 2, 10, 0, tzinfo=UTC), {"amount": 7.0, "sku": "SKU-3"})]
    # An empty cell leaves the property out.
    assert found["ben@example.com"] == [("page_view", datetime(2025, 3, 1, 9, 31, tzinfo=UTC), {"sku": "SKU-2"})]
    customer = ws.find_customer("email", "ana@example.com")
    records = ws.customer_events(customer)
    assert all(r.source == "csv:e.csv" and r.dedup_key.startswith("csv:2025-03-0") for r in records)
    assert gc.isenabled()
    integrity(ws)


def test_importing_the_same_file_twice_adds_nothing(ws: Workspace, tmp_path: Path):
    path = write(tmp_path / "e.csv", EVENTS + [EVENTS[1]])  # a row repeated in the file, too
    first = import_events(ws, path)
    assert (first.imported, first.duplicates) == (3, 1)
    before = (count(ws, EventRow), count(ws, CustomerRow), count(ws, IdentifierRow))
    second = import_events(ws, path)
    assert (second.imported, second.duplicates, second.created, second.skipped) == (0, 4, 0, 0)
    assert (count(ws, EventRow), count(ws, CustomerRow), count(ws, IdentifierRow)) == before
    # The same data with columns in another order and other number spellings is the same events.
    reordered = [[r[4], r[3], r[2], r[1], r[0]] for r in EVENTS]
    reordered[1][1] = "12.5000"
    third = import_events(ws, write(tmp_path / "reordered.csv", reordered))
    assert (third.imported, third.duplicates) == (0, 3)


@pytest.mark.parametrize("rows", [1, 31, 33, 1250])
def test_every_row_of_a_batch_is_written_whatever_its_size(ws: Workspace, tmp_path: Path, rows: int):
    # Events go in statements of 500 rows, then a multiple of 32, then fewer than 32.
    lines = [["email", "event", "time"]] + [[f"u{i % 7}@example.com", "visit", f"2025-01-01T{i // 3600:02d}:"
                                             f"{i // 60 % 60:02d}:{i % 60:02d}Z"] for i in range(rows)]
    path = write(tmp_path / "many.csv", lines)
    assert import_events(ws, path, ImportOptions(batch_rows=rows)).imported == rows == count(ws, EventRow)
    with ws.engine.connect() as conn:
        keys = conn.execute(select(EventRow.dedup_key, EventRow.occurred_at).order_by(EventRow.id)).all()
    assert len({k for k, _ in keys}) == rows
    assert all(k.startswith(f"csv:{t:%Y-%m-%d %H:%M:%S}.000000:") and len(k) == 63 for k, t in keys)
    assert import_events(ws, path).duplicates == rows


def test_an_identifier_stored_by_someone_else_between_transactions_is_found(ws: Workspace, tmp_path: Path):
    # The workspace holds no e-mail address when the import starts, so the import skips looking new
    # ones up, until another connection commits between two of its transactions.
    lines = [["email", "event", "time"]] + [[f"u{i}@example.com", "visit", f"2025-01-01T00:00:{i:02d}Z"]
                                            for i in range(50)] + [["late@example.com", "visit", "2025-01-02T00:00:00Z"]]
    path = write(tmp_path / "e.csv", lines)
    made: list[str] = []

    def between_transactions(_events) -> None:
        if not made:
            made.append(ws.upsert_customer({"email": "late@example.com"}))

    result = import_events(ws, path, ImportOptions(batch_rows=10, commit_rows=10, bulk=False),
                           on_events=between_transactions)
    assert (result.imported, result.created) == (51, 50)
    assert ws.find_customer("email", "late@example.com") == made[0]
    assert len(ws.customer_events(made[0])) == 1


def test_naive_times_are_in_the_chosen_zone_and_formats_can_be_given(ws: Workspace, tmp_path: Path):
    path = write(tmp_path / "e.csv", [["user_id", "what", "day"], ["u1", "visit", "05/03/2025 14:00"],
                                      ["u2", "visit", "06/03/2025 09:15"]])
    result = import_events(ws, path, ImportOptions(mapping={"what": "event", "day": "time"}, date_format="mdy",
                                                   time_zone="Europe/Paris"))
    assert result.imported == 2
    u1 = ws.customer_events(ws.find_customer("user_id", "u1"))
    assert u1[0].occurred_at == datetime(2025, 5, 3, 12, 0, tzinfo=UTC)  # CEST is UTC+2
    u2 = ws.customer_events(ws.find_customer("user_id", "u2"))
    assert u2[0].occurred_at == datetime(2025, 6, 3, 7, 15, tzinfo=UTC)


def test_fixed_event_name_and_extra_identifiers(ws: Workspace, tmp_path: Path):
    known = ws.upsert_customer({"phone": "+33600000001"}, {"name": "Known"})
    path = write(tmp_path / "e.csv", [["email", "phone", "at"],
                                      ["k@example.com", "+33600000001", "2025-01-01T00:00:00Z"],
                                      ["", "+33600000002", "2025-01-02T00:00:00Z"],
                                      ["x@example.com", "", "2025-01-03T00:00:00Z"]])
    result = import_events(ws, path, ImportOptions(event_name="newsletter_open",
                                                   mapping={"phone": "identifiers.phone", "at": "time"}))
    assert (result.imported, result.created, result.skipped) == (3, 2, 0)
    assert ws.find_customer("email", "k@example.com") == known
    assert [e.name for e in ws.customer_events(known)] == ["newsletter_open"]
    assert ws.find_customer("phone", "+33600000002") is not None


def test_bad_rows_are_reported_and_good_rows_kept(ws: Workspace, tmp_path: Path):
    limit = csv.field_size_limit()
    lines = [
        "email,event,time,amount,note",                                        # line 1, row 1
        "a@example.com,order,2025-01-01T00:00:00Z,1,ok",                        # 2
        'b@example.com,order,2025-01-01T00:01:00Z,2,"two\nlines"',              # 3-4
        "c@example.com,order,2025-02-30T00:00:00Z,3,bad date",                  # 5
        ",order,2025-01-01T00:03:00Z,4,no identifier",                          # 6
        f"d@example.com,order,2025-01-01T00:04:00Z,5,{'x' * (limit + 1)}",      # 7
        "e@example.com,order,2025-01-01T00:05:00Z,6,ok",                        # 8
        'f@example.com,order,2025-01-01T00:06:00Z,7,"unclosed',                 # 9
        "g@example.com,order,2025-01-01T00:07:00Z,8,ok",                        # 10
        "h@example.com,,2025-01-01T00:08:00Z,9,no name",                        # 11
        "not-an-email,order,2025-01-01T00:09:00Z,10,bad id",                    # 12
        "i@example.com,order,2025-01-01T00:10:00Z,eleven,kept as text",         # 13
        "j@example.com,order,2025-01-01T00:11:00Z,12,too,many",                 # 14
        "k@example.com,order,2025-01-01T00:12:00Z",                             # 15: short row, padded
    ]
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = import_events(ws, path)
    got = {(e.row, e.line, e.column): e.reason for e in result.errors}
    assert set(got) == {(4, 5, "time"), (5, 6, "email"), (6, 7, "note"), (8, 9, "note"), (10, 11, "event"),
                        (11, 12, "email"), (13, 14, "")}
    assert "is not a date and time" in got[(4, 5, "time")]
    assert "identifier is missing" in got[(5, 6, "email")]
    assert f"longer than {limit:,} characters" in got[(6, 7, "note")]
    assert "not closed" in got[(8, 9, "note")]
    assert "event name is missing" in got[(10, 11, "event")]
    assert "not an email address" in got[(11, 12, "email")]
    assert "6 fields" in got[(13, 14, "")]
    assert result.skipped == 7
    assert result.rows_read == 13
    found = events_by_email(ws)
    assert sorted(found) == ["a@example.com", "b@example.com", "e@example.com", "g@example.com", "i@example.com",
                             "k@example.com"]
    assert found["b@example.com"][0][2]["note"] == "two\nlines"
    assert found["i@example.com"][0][2]["amount"] == "eleven"
    assert found["k@example.com"][0][2] == {}
    assert any("'amount': 1 value did not fit" in w for w in result.warnings)
    # The report opens in a spreadsheet and names each row.
    report = tmp_path / "report.csv"
    result.write_errors(report)
    with open(report, encoding="utf-8-sig", newline="") as fh:
        table = list(csv.reader(fh))
    assert table[0] == ["row", "line", "column", "value", "reason"]
    assert [(int(r[0]), int(r[1]), r[2]) for r in table[1:]] == sorted(got)
    assert csv.field_size_limit() == limit
    again = import_events(ws, path)
    assert (again.imported, again.duplicates, again.skipped) == (0, 6, 7)
    integrity(ws)


ENCODED = [["邮箱", "事件", "时间", "商品"],
           ["zhang@example.com", "购买", "2025-03-01 09:30:00", "茶叶"],
           ["li@example.com", "浏览", "2025-03-01 10:00:00", "瓷器, 青花"],
           ["wang@example.com", "购买", "2025-03-02 11:00:00", "丝绸\n围巾"]]


@pytest.mark.parametrize(("encoding", "delimiter"), [
    ("utf-8", ","), ("utf-8-sig", ","), ("gb18030", ","), ("gbk", ","), ("utf-16", "\t"), ("utf-16-be", "\t")])
def test_spreadsheet_encodings(ws: Workspace, tmp_path: Path, encoding: str, delimiter: str):
    path = tmp_path / "export.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=delimiter, lineterminator="\r\n").writerows(ENCODED)
    body = path.read_text(encoding="utf-8")
    # Excel's "Unicode Text" is UTF-16 with a byte order mark, tab-separated.
    data = ("\ufeff" + body).encode(encoding) if encoding == "utf-16-be" else body.encode(encoding)
    path.write_bytes(data)
    p = preview(path)
    assert p.header == ("邮箱", "事件", "时间", "商品")
    assert p.delimiter == delimiter
    assert p.mapping == {"邮箱": "identifiers.email", "事件": "event", "时间": "time", "商品": "properties.商品"}
    result = import_events(ws, path)
    assert (result.imported, result.skipped) == (3, 0), result.errors
    found = events_by_email(ws)
    assert found["li@example.com"] == [("浏览", datetime(2025, 3, 1, 10, 0, tzinfo=UTC), {"商品": "瓷器, 青花"})]
    assert found["wang@example.com"][0][2] == {"商品": "丝绸\n围巾"}
    assert import_events(ws, path).imported == 0


def test_bom_first_column_is_found_by_name(ws: Workspace, tmp_path: Path):
    path = write(tmp_path / "bom.csv", EVENTS, encoding="utf-8-sig")
    result = import_events(ws, path, ImportOptions(encoding="utf-8", id_column="email"))
    assert result.imported == 3
    assert ws.find_customer("email", "ana@example.com") is not None


def test_cancelling_keeps_what_was_committed_and_says_how_far(ws: Workspace, tmp_path: Path):
    rows = [["email", "event", "time"]] + [[f"u{i}@example.com", "visit", f"2025-01-01T00:{i // 60 % 60:02d}:"
                                            f"{i % 60:02d}Z"] for i in range(1000)]
    path = write(tmp_path / "many.csv", rows)
    stop = threading.Event()
    seen: list[ImportProgress] = []

    def progress(p: ImportProgress) -> None:
        seen.append(p)
        if p.phase == "reading" and p.rows >= 250:
            stop.set()

    result = import_events(ws, path, ImportOptions(batch_rows=100, commit_rows=200), progress=progress,
                           cancel=stop)
    assert result.cancelled
    assert result.imported == 300 == count(ws, EventRow)
    assert result.last_line == 301
    assert seen[-1].phase == "done" and seen[0].bytes_total == path.stat().st_size
    assert all(a.rows <= b.rows for a, b in zip(seen, seen[1:], strict=False))
    integrity(ws)
    rest = import_events(ws, path)
    assert (rest.imported, rest.duplicates) == (700, 300)
    assert count(ws, EventRow) == 1000


def test_cancelling_a_callable_in_bulk_mode_keeps_the_indexes(ws: Workspace, tmp_path: Path):
    rows = [["email", "event", "time"]] + [[f"u{i % 50}@example.com", "visit", f"2025-01-01T{i // 3600:02d}:"
                                            f"{i // 60 % 60:02d}:{i % 60:02d}Z"] for i in range(2000)]
    path = write(tmp_path / "many.csv", rows)
    batches = []
    result = import_events(ws, path, ImportOptions(batch_rows=500, bulk=True),
                           progress=lambda p: batches.append(p.phase), cancel=lambda: batches.count("reading") >= 2)
    assert result.bulk and result.cancelled
    assert result.imported == 1000 == count(ws, EventRow)
    assert "indexing" in batches
    integrity(ws)
    assert import_events(ws, path, ImportOptions(bulk=True)).imported == 1000
    integrity(ws)


def test_dry_run_writes_nothing(ws: Workspace, tmp_path: Path):
    result = import_events(ws, write(tmp_path / "e.csv", EVENTS), dry_run=True)
    assert (result.dry_run, result.imported, result.created) == (True, 3, 2)
    assert count(ws, EventRow) == count(ws, CustomerRow) == 0


def test_committed_events_can_be_handed_over(ws: Workspace, tmp_path: Path):
    handed = []
    path = write(tmp_path / "e.csv", EVENTS)
    import_events(ws, path, on_events=handed.extend)
    assert sorted((e.name, e.properties.get("sku")) for e in handed) == [
        ("order", "SKU-1"), ("order", "SKU-3"), ("page_view", "SKU-2")]
    assert all(e.created and e.id for e in handed)
    handed.clear()
    import_events(ws, path, on_events=handed.extend)
    assert handed == []


def test_a_conflict_between_identifiers_skips_the_row(ws: Workspace, tmp_path: Path):
    ws.upsert_customer({"email": "a@example.com"})
    ws.upsert_customer({"phone": "+33600000009"})
    path = write(tmp_path / "e.csv", [["email", "phone", "event", "time"],
                                      ["a@example.com", "+33600000009", "x", "2025-01-01T00:00:00Z"],
                                      ["a@example.com", "", "x", "2025-01-01T00:00:00Z"]])
    result = import_events(ws, path, ImportOptions(mapping={"phone": "identifiers.phone"}))
    assert result.imported == 1
    assert [(e.row, e.column) for e in result.errors] == [(2, "email")]
    assert "belong to different customers" in result.errors[0].reason


def test_a_file_without_rows_or_header(ws: Workspace, tmp_path: Path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(CsvImportError, match="no header row"):
        import_events(ws, empty)
    workbook = tmp_path / "export.xlsx"
    workbook.write_bytes(b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)))
    with pytest.raises(CsvImportError, match="export.xlsx: the workbook is damaged"):
        preview(workbook)
    header_only = write(tmp_path / "h.csv", EVENTS[:1])
    result = import_events(ws, header_only)
    assert (result.rows_read, result.good_rows) == (0, 0)


# ----------------------------------------------------------------------------------------------
# Customers
# ----------------------------------------------------------------------------------------------

CUSTOMERS = [["email", "phone", "first_name", "age", "vip", "email_consent", "sms_opt_in", "tags", "timezone",
              "signed_up"],
             ["ana@example.com", "+33600000001", "Ana", "34", "true", "yes", "no", "newsletter; spring", "Europe/Paris",
              "2024-05-01"],
             ["ben@example.com", "", "Ben", "", "false", "", "1", "", "", "2024-06-02"]]


def test_customers_are_upserted_and_merged(ws: Workspace, tmp_path: Path):
    existing = ws.upsert_customer({"email": "ana@example.com"}, {"plan": "gold", "first_name": "A."},
                                  consent={"push": True}, tags=["old"])
    p = preview(write(tmp_path / "c.csv", CUSTOMERS), kind="customers")
    assert p.mapping == {"email": "identifiers.email", "phone": "identifiers.phone", "first_name": "attributes.first_name",
                         "age": "attributes.age", "vip": "attributes.vip", "email_consent": "consent.email",
                         "sms_opt_in": "consent.sms", "tags": "tags", "timezone": "time_zone",
                         "signed_up": "attributes.signed_up"}
    result = import_customers(ws, tmp_path / "c.csv")
    assert (result.rows_read, result.created, result.updated, result.unchanged, result.skipped) == (2, 1, 1, 0, 0)
    ana = ws.get_customer(existing)
    assert ana.attributes == {"plan": "gold", "first_name": "Ana", "age": 34, "vip": True, "signed_up": "2024-05-01"}
    assert ana.consent == {"push": True, "email": True, "sms": False}
    assert ana.tags == ("newsletter", "old", "spring")
    assert ana.time_zone == "Europe/Paris"
    assert ana.identifier("phone") == "+33600000001"
    ben = ws.get_customer(ws.find_customer("email", "ben@example.com"))
    assert ben.attributes == {"first_name": "Ben", "vip": False, "signed_up": "2024-06-02"}
    assert ben.consent == {"sms": True}
    again = import_customers(ws, tmp_path / "c.csv")
    assert (again.created, again.updated, again.unchanged, again.imported) == (0, 0, 2, 0)
    assert ws.get_customer(existing) == ana


def test_customer_rows_with_errors(ws: Workspace, tmp_path: Path):
    ws.upsert_customer({"email": "x@example.com"})
    ws.upsert_customer({"phone": "+1555000111"})
    path = write(tmp_path / "c.csv", [
        ["email", "phone", "email_consent", "timezone", "age"],
        ["ok@example.com", "", "yes", "Asia/Shanghai", "20"],
        ["", "", "yes", "", "1"],
        ["bad@example.com", "", "perhaps", "", "2"],
        ["tz@example.com", "", "", "Mars/Base", "3"],
        ["x@example.com", "+1555000111", "", "", "4"],
        ["same@example.com", "", "no", "", "5"],
        ["same@example.com", "", "", "", "6"],
    ])
    result = import_customers(ws, path, ImportOptions(mapping={"age": "attributes.age:int"}))
    assert {(e.row, e.column) for e in result.errors} == {(3, "email"), (4, "email_consent"), (5, "timezone"),
                                                         (6, "email")}
    assert (result.created, result.skipped) == (2, 4)
    same = ws.get_customer(ws.find_customer("email", "same@example.com"))
    assert same.attributes == {"age": 6} and same.consent == {"email": False}


# ----------------------------------------------------------------------------------------------
# PostgreSQL
# ----------------------------------------------------------------------------------------------

def test_postgresql_import(pg_url: str, tmp_path: Path):
    events = write(tmp_path / "e.csv", EVENTS + [["", "order", "2025-03-03T00:00:00Z", "1", "x"]])
    customers = write(tmp_path / "c.csv", CUSTOMERS)
    with Workspace.open(pg_url) as pg:
        first = import_events(pg, events)
        assert (first.imported, first.created, first.skipped) == (3, 2, 1)
        assert [(e.row, e.column) for e in first.errors] == [(5, "email")]
        second = import_events(pg, events)
        assert (second.imported, second.duplicates) == (0, 3)
        found = events_by_email(pg)
        assert found["ana@example.com"][0] == ("order", datetime(2025, 3, 1, 9, 30, tzinfo=UTC),
                                               {"amount": 12.5, "sku": "SKU-1"})
        result = import_customers(pg, customers)
        assert (result.created, result.updated) == (0, 2)  # the event import made both
        ana = pg.get_customer(pg.find_customer("email", "ana@example.com"))
        assert ana.consent == {"email": True, "sms": False} and ana.tags == ("newsletter", "spring")
        assert import_customers(pg, customers).imported == 0
        with pg.engine.connect() as conn:
            orphans = conn.execute(text("SELECT count(*) FROM events e LEFT JOIN customers c ON c.id = e.customer_id "
                                        "WHERE c.id IS NULL")).scalar()
        assert orphans == 0


def test_imported_events_are_checked_against_the_tracking_plan(ws: Workspace, tmp_path: Path, registry):
    from engine.commands import make_node
    from engine.document import Journey
    from engine.track.tracking_plan import violations

    plan = Journey(name="Plan")
    plan.nodes.append(make_node(registry, "track.event", title="order", config={
        "event_name": "order", "description": "", "source": "",
        "properties": [{"name": "amount", "type": "number", "required": True, "description": ""}]}))
    ws.create_journey(plan)
    result = import_events(ws, write(tmp_path / "e.csv", EVENTS))
    found = {(v.event_name, v.kind, v.property): v.count for v in violations(ws)}
    # page_view is not in the plan; every order has its amount.
    assert found == {("page_view", "unknown_event", ""): 1}
    assert result.plan_violations == 1 and result.to_json()["plan_violations"] == 1


def test_forcing_a_date_type_keeps_the_detected_format(ws: Workspace, tmp_path: Path):
    from engine.track.csv_import import ImportOptions, import_customers

    path = write(tmp_path / "c.csv", [["email", "signed_up"], ["ana@example.com", "31/01/2024"],
                                      ["ben@example.com", "15/02/2024"]])
    result = import_customers(ws, path, ImportOptions(mapping={"signed_up": "attributes.signed_up:date"}))
    assert result.skipped == 0 and not result.errors
    record = ws.get_customer(ws.find_customer("email", "ana@example.com"))
    assert str(record.attributes["signed_up"]).startswith("2024-01-31")
