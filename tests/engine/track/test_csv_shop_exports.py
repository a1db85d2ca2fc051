"""Shop exports as they come: WooCommerce orders whose hand-typed row writes its date month/day,
Shopify orders whose times carry their offsets and whose phone orders have no e-mail."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from engine.cli import main
from engine.track.csv_import import ImportOptions, dates_used_before, import_events

WOO = ("Order Number,Order Date,Billing Email Address,Order Total\n"
       "4501,2026-08-20 10:22:05,claire@example.fr,90.00\n"
       "4502,2026-11-02 09:13:22,anna@example.de,35.90\n"
       "4505,11/03/2026 14:05,frank@example.ie,25.00\n")

SHOPIFY = ("Name,Email,Phone,Created at,Total\n"
           "#1001,anna@example.de,,2026-10-02 14:23:11 +0200,150.00\n"
           "#1002,bo@example.com,,2026-06-15 09:01:44 -0400,39.00\n"
           "#1006,,+49 171 9876543,2026-11-01 18:00:00 +0100,12.00\n")


def _file(tmp_path: Path, text: str, name: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _options(**kwargs) -> ImportOptions:
    return ImportOptions(event_name="order_completed", time_zone="Europe/Berlin", **kwargs)


def test_a_month_day_format_chosen_still_reads_the_iso_dates_beside_it(ws, tmp_path):
    path = _file(tmp_path, WOO, "woo.csv")
    result = import_events(ws, path, _options(date_format="mdy"))
    assert (result.imported, result.skipped) == (3, 0), result.errors
    # The format was chosen: the preview's "could be day/month or month/day" is not repeated.
    assert not any("could be day/month or month/day" in w for w in result.warnings)
    (typed,) = ws.customer_events(ws.find_customer("email", "frank@example.ie"))
    assert typed.occurred_at == datetime(2026, 11, 3, 13, 5, tzinfo=UTC)
    (iso,) = ws.customer_events(ws.find_customer("email", "claire@example.fr"))
    assert iso.occurred_at == datetime(2026, 8, 20, 8, 22, 5, tzinfo=UTC)


def test_the_file_is_read_again_in_the_date_format_chosen_before(ws, tmp_path):
    path = _file(tmp_path, WOO, "woo.csv")
    import_events(ws, path, _options(date_format="mdy"))
    assert dates_used_before(ws, "csv:woo.csv") == "mdy"

    again = import_events(ws, path, _options())  # no format given: the one chosen before
    assert (again.imported, again.duplicates) == (0, 3)
    assert again.date_format_kept == "mdy" and not again.warnings

    other = import_events(ws, path, _options(date_format="dmy"), dry_run=True)
    assert any("woo.csv was imported before with dates read as month/day/year" in w for w in other.warnings)
    assert other.imported == 1  # 11/03 read as 11 March: another event, as the warning says
    assert dates_used_before(ws, "csv:woo.csv") == "mdy"  # a dry run records nothing


def test_the_command_says_which_date_format_it_kept_and_not_the_zone_of_times_with_offsets(tmp_path, capsys):
    workspace = str(tmp_path / "ws")
    woo = _file(tmp_path, WOO, "woo.csv")
    assert main(["import", "events", str(woo), "--workspace", workspace, "--event-name", "order_completed",
                 "--date-format", "mdy", "--time-zone", "Europe/Berlin"]) == 0
    capsys.readouterr()
    assert main(["import", "events", str(woo), "--workspace", workspace, "--event-name", "order_completed"]) == 0
    out = capsys.readouterr().out
    assert "dates were read as month/day/year (12/31/2024 6:30 PM), as when the file was imported before" in out
    assert "could be day/month or month/day" not in out

    shopify = _file(tmp_path, SHOPIFY, "shopify.csv")
    assert main(["import", "events", str(shopify), "--workspace", workspace, "--event-name", "order_completed"]) == 0
    out = capsys.readouterr().out
    assert "times written without a zone" not in out  # every time carries its offset


def test_a_row_without_the_identifier_points_at_the_phone_column(ws, tmp_path):
    path = _file(tmp_path, SHOPIFY, "shopify.csv")
    result = import_events(ws, path, _options(mapping={"Email": "identifiers.email"}))
    assert (result.imported, result.skipped) == (2, 1)
    assert result.zones_written
    [hint] = [w for w in result.warnings if "no customer identifier in 'Email'" in w]
    assert "'Phone' may identify its customer" in hint and "--map 'Phone=identifiers.phone'" in hint

    mapped = import_events(ws, path, _options(mapping={"Phone": "identifiers.phone"}))
    assert (mapped.imported, mapped.duplicates, mapped.skipped) == (1, 2, 0)
    assert not any("no customer identifier" in w for w in mapped.warnings)


SHOPIFY_ITEMS = ("Name,Email,Financial Status,Created at,Total,Lineitem name\n"
                 "#1001,anna@example.de,paid,2026-10-02 14:23:11 +0200,150.00,Blue Mug\n"
                 "#1001,anna@example.de,,2026-10-02 14:23:11 +0200,,Tea Sampler\n"
                 "#1001,anna@example.de,,2026-10-02 14:23:11 +0200,,Gift wrap\n"
                 "#1002,bo@example.com,paid,2026-06-15 09:01:44 -0400,39.00,Green Mug\n"
                 "#1003,anna@example.de,paid,2026-11-02 10:00:00 +0100,20.00,Spoon\n")


def test_an_orders_line_items_are_one_event_and_the_next_export_adds_nothing(ws, tmp_path):
    path = _file(tmp_path, SHOPIFY_ITEMS, "orders_export.csv")
    result = import_events(ws, path, _options())
    assert (result.rows_read, result.imported, result.continued, result.duplicates) == (5, 3, 2, 0)
    assert result.event_id_column == "Name"
    assert "2 rows adding their line item to the event above (same 'Name')" in result.summary()
    anna = ws.customer_events(ws.find_customer("email", "anna@example.de"))
    assert sorted(e.properties["Name"] for e in anna) == ["#1001", "#1003"]
    first = next(e for e in anna if e.properties["Name"] == "#1001")
    assert first.properties["Total"] == 150.0
    assert [item["Lineitem name"] for item in first.properties["items"]] == ["Blue Mug", "Tea Sampler", "Gift wrap"]

    # Next week's export: the same orders, one refunded since, and a new one.
    later = SHOPIFY_ITEMS.replace("#1002,bo@example.com,paid", "#1002,bo@example.com,refunded") + \
        "#1004,bo@example.com,paid,2026-11-20 12:00:00 +0100,15.00,Cup\n"
    again = import_events(ws, _file(tmp_path, later, "orders_export_week2.csv"), _options())
    assert (again.imported, again.duplicates, again.continued) == (1, 3, 2)
    assert len(ws.customer_events(ws.find_customer("email", "bo@example.com"))) == 2


def test_an_event_id_column_is_named_on_the_command_line_and_rows_without_one_are_events_as_before(ws, tmp_path):
    text = ("email,event,time,ref\n"
            "ana@example.com,Bought,2026-11-20 09:00,A-1\n"
            "ana@example.com,Bought,2026-11-20 09:00,A-1\n"
            "ana@example.com,Bought,2026-11-20 09:05,\n"
            "ana@example.com,Bought,2026-11-20 09:05,\n"
            "ana@example.com,Bought,2026-11-21 10:00,A-1\n")
    path = _file(tmp_path, text, "purchases.csv")
    result = import_events(ws, path, ImportOptions(time_zone="UTC", mapping={"ref": "event_id"}))
    # Row 3 continues row 2; rows 4 and 5 (no id) are one event by their content, as without an id
    # column; row 6 has A-1 at another time: an event of its own (an id names an event at its time).
    assert (result.imported, result.continued, result.duplicates) == (3, 1, 1)
    again = import_events(ws, path, ImportOptions(time_zone="UTC", mapping={"ref": "event_id"}))
    assert (again.imported, again.continued, again.duplicates) == (0, 1, 4)
    assert any(line.startswith("ref → event_id") for line in result.mapping)


def test_line_items_read_by_a_second_process_make_the_same_events(ws, tmp_path):
    path = _file(tmp_path, SHOPIFY_ITEMS, "orders_export.csv")
    result = import_events(ws, path, _options(parallel=True))
    assert (result.rows_read, result.imported, result.continued, result.duplicates) == (5, 3, 2, 0)


def test_a_user_id_from_another_shop_that_adds_an_e_mail_address_is_warned_about(ws, tmp_path):
    from engine.track.csv_import import import_customers

    shopify = _file(tmp_path, "Customer ID,First Name,Email\n7001,Anna,anna@example.de\n7002,Bob,bo@example.com\n",
                    "shopify_customers.csv")
    assert import_customers(ws, shopify, ImportOptions()).created == 2
    woo = _file(tmp_path, "customer_id,first_name,email\n7001,Lena,lena@example.de\n15,Frank,frank@example.ie\n"
                          "7002,Bob,bo@example.com\n", "woo_customers.csv")
    result = import_customers(ws, woo, ImportOptions())
    [warning] = [w for w in result.warnings if "found by user_id alone" in w]
    assert "user_id '7001': 'anna@example.de' and now 'lena@example.de'" in warning
    assert "--map 'customer_id=identifiers.custom:<shop>'" in warning
    assert "7002" not in warning  # the same address again: nothing to say

    # Mapped as the other shop's own numbers, Lena is a customer of her own.
    again = _file(tmp_path, "customer_id,first_name,email\n7001,Lena,lena2@example.de\n", "woo_again.csv")
    mapped = import_customers(ws, again, ImportOptions(mapping={"customer_id": "identifiers.custom:woo"}))
    assert mapped.created == 1 and not any("found by user_id alone" in w for w in mapped.warnings)


def test_dates_written_several_ways_are_said_to_be_kept_as_text(ws, tmp_path):
    from engine.track.csv_import import import_customers

    path = _file(tmp_path, "email,Signup date\na@example.com,10.11.2025\nb@example.com,2025-11-10\n"
                           "c@example.com,11/10/2025\nd@example.com,\"Nov 10, 2025\"\n", "list.csv")
    result = import_customers(ws, path, ImportOptions())
    [warning] = [w for w in result.warnings if w.startswith("column 'Signup date'")]
    assert "2 of its 4 sampled values read as dates" in warning and "kept as text" in warning
    assert "--map 'Signup date=attributes.Signup date:date'" in warning

    typed = import_customers(ws, path, ImportOptions(mapping={"Signup date": "attributes.Signup date:date"},
                                                     date_format="dmy"))
    assert not any(w.startswith("column 'Signup date'") for w in typed.warnings)
    assert typed.skipped == 1  # "Nov 10, 2025": not day/month/year
    assert ws.get_customer(ws.find_customer("email", "b@example.com")).attributes["Signup date"] == "2025-11-10"


def test_a_city_given_as_the_time_zone_is_named_in_the_refusal(ws, tmp_path):
    import pytest

    from engine.track.csv_import import CsvImportError, zone_named

    with pytest.raises(CsvImportError, match="unknown time zone 'Berlin'; did you mean Europe/Berlin"):
        import_events(ws, _file(tmp_path, WOO, "woo.csv"), ImportOptions(event_name="x", time_zone="Berlin"))
    assert zone_named("new york") == "America/New_York" and zone_named("Atlantis") is None


def _workbook(path: Path, rows: list[list]) -> Path:
    from engine.xlsx import XlsxWriter

    with open(path, "wb") as fh:
        writer = XlsxWriter(fh, "Customers")
        for row in rows:
            writer.write_row(row)
        writer.close()
    return path


def test_an_excel_workbook_imports_as_its_first_sheet_with_its_numbers_and_dates(ws, tmp_path):
    """No "Save as CSV" first: Excel's CSV would drop the + of +4915112345678 and write dates in
    this computer's format."""
    from engine.track.csv_import import import_customers, preview

    book = _workbook(tmp_path / "kunden.xlsx", [
        ["Kunde", "E-Mail", "Telefon", "Letzte Bestellung", "Umsatz"],
        ["Anna Müller", "anna@example.de", "+4915112345678", datetime(2026, 11, 10, 14, 30), 1234.5],
        ["Hans Groß", "hans@example.de", "+491719876543", datetime(2026, 9, 3), 78.9],
    ])
    shown = preview(book, "customers")
    assert shown.path == str(book) and shown.header == ("Kunde", "E-Mail", "Telefon", "Letzte Bestellung", "Umsatz")
    result = import_customers(ws, book, ImportOptions())
    assert (result.created, result.skipped) == (2, 0) and result.path == str(book)
    anna = ws.get_customer(ws.find_customer("phone", "+4915112345678"))
    assert anna.attributes["Kunde"] == "Anna Müller" and anna.attributes["Umsatz"] == 1234.5
    assert str(anna.attributes["Letzte Bestellung"]).startswith("2026-11-10")
    assert import_customers(ws, book, ImportOptions()).unchanged == 2  # the same workbook again


def test_events_of_a_workbook_are_known_by_its_name_and_not_stored_twice(ws, tmp_path):
    book = _workbook(tmp_path / "orders.xlsx", [["email", "event", "time", "total"],
                                                 ["ana@example.com", "order_completed", datetime(2026, 11, 20, 9), 12.5],
                                                 ["bo@example.com", "order_completed", datetime(2026, 11, 21, 10), 20]])
    first = import_events(ws, book, ImportOptions(time_zone="UTC"))
    assert first.imported == 2
    (event,) = ws.customer_events(ws.find_customer("email", "ana@example.com"))
    assert event.source == "csv:orders.xlsx" and event.occurred_at == datetime(2026, 11, 20, 9, tzinfo=UTC)
    assert import_events(ws, book, ImportOptions(time_zone="UTC")).duplicates == 2


def test_a_workbook_that_is_not_one_is_named_as_such(ws, tmp_path):
    import pytest

    from engine.track.csv_import import CsvImportError

    fake = tmp_path / "list.xlsx"
    fake.write_text("email\nana@example.com\n", encoding="utf-8")
    with pytest.raises(CsvImportError, match=r"list\.xlsx: not an Excel \.xlsx workbook"):
        import_events(ws, fake, ImportOptions(event_name="x"))


def test_shopifys_text_mark_is_left_out_of_phone_numbers_kept_as_attributes(ws, tmp_path):
    from engine.track.csv_import import import_customers

    path = _file(tmp_path, "Email,Default Address Phone,Default Address Zip,Note\n"
                           "a@example.com,'+49 30 1234567,'10115,'tis the season\n"
                           "b@example.com,'+1 (613) 555-0142,'K1A 0B1,\n", "customers_export.csv")
    import_customers(ws, path, ImportOptions())
    a = ws.get_customer(ws.find_customer("email", "a@example.com")).attributes
    assert (a["Default Address Phone"], a["Default Address Zip"]) == ("+49 30 1234567", "10115")
    assert a["Note"] == "'tis the season"  # words: the apostrophe is the writer's
    b = ws.get_customer(ws.find_customer("email", "b@example.com")).attributes
    assert b["Default Address Phone"] == "+1 (613) 555-0142"


def test_next_weeks_export_is_the_same_event_and_another_name_is_warned_about(ws, tmp_path, capsys):
    from engine.cli import main

    workspace = str(tmp_path / "ws")
    week1 = _file(tmp_path, WOO, "orders_w1.csv")
    assert main(["import", "events", str(week1), "--workspace", workspace, "--event-name", "下单",
                 "--time-zone", "Asia/Shanghai"]) == 0
    capsys.readouterr()
    week2 = _file(tmp_path, WOO + "4506,2026-11-20 10:00:00,anna@example.de,12.00\n", "orders_w2.csv")
    assert main(["import", "events", str(week2), "--workspace", workspace, "--time-zone", "Asia/Shanghai"]) == 0
    out = capsys.readouterr().out
    assert "1 event imported" in out and "3 duplicates" in out  # the name of last week's import
    assert "every row is the event '下单', as in that import" in out
    assert main(["import", "events", str(week2), "--workspace", workspace, "--event-name", "订单",
                 "--time-zone", "Asia/Shanghai", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "imported before as events named '下单'; these rows are '订单'" in out


def test_tags_written_the_chinese_way_are_split(ws, tmp_path):
    from engine.track.csv_import import import_customers

    path = _file(tmp_path, "手机号,标签\n+8613800138000,会员、VIP\n+8613900139000,会员，新客\n", "客户.csv")
    import_customers(ws, path, ImportOptions())
    assert sorted(ws.get_customer(ws.find_customer("phone", "+8613800138000")).tags) == ["VIP", "会员"]
    assert sorted(ws.get_customer(ws.find_customer("phone", "+8613900139000")).tags) == ["会员", "新客"]


def test_an_orders_further_items_written_under_merged_cells_are_that_order(ws, tmp_path):
    """Exports with merged cells leave the customer and time empty on an order's further rows."""
    text = ("订单号,手机号,下单时间,商品名称\n"
            "E1,+8613800138000,2026-11-01 10:00,连衣裙\n"
            "E1,,,丝巾\n"
            "E2,+8613900139000,2026-11-02 11:00,眼罩\n")
    result = import_events(ws, _file(tmp_path, text, "orders.csv"), ImportOptions(event_name="下单", time_zone="UTC"))
    assert (result.imported, result.continued, result.skipped) == (2, 1, 0), result.errors


def test_a_large_workbooks_preview_reads_its_first_rows_and_the_import_all_of_them(ws, tmp_path):
    """The wizard previews on the window's thread: only the first rows of the sheet are written out
    then; the count comes from the sheet's used range. The import reads every row."""
    from engine.track.csv_import import SAMPLE_ROWS, import_customers, preview
    from engine.track.sheet_file import csv_of

    rows = [["email", "name"]] + [[f"u{i}@example.com", f"User {i}"] for i in range(SAMPLE_ROWS + 500)]
    book = _workbook(tmp_path / "big.xlsx", rows)
    shown = preview(book, "customers")
    assert not shown.exact_rows and shown.estimated_rows == SAMPLE_ROWS + 500
    head = csv_of(book, 10)
    whole = head.with_name(head.name.split(".head")[0] + ".csv")
    assert not whole.exists()  # no copy of the whole sheet yet: the preview read its first rows
    assert import_customers(ws, book, ImportOptions()).created == SAMPLE_ROWS + 500
