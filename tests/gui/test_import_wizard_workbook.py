"""An Excel workbook in the import wizard: its first sheet previews and imports like a CSV file, with
no encoding or delimiter to choose."""

from __future__ import annotations

from datetime import datetime


def test_a_workbook_previews_and_imports_in_the_wizard(wizard_for, ws, tmp_path, qtbot):
    from engine.xlsx import XlsxWriter
    from gui.import_wizard import ImportWizard

    book = tmp_path / "kunden.xlsx"
    with open(book, "wb") as fh:
        writer = XlsxWriter(fh, "Kunden")
        writer.write_row(["Kunde", "E-Mail", "Telefon", "Letzte Bestellung"])
        writer.write_row(["Anna Müller", "anna@example.de", "+4915112345678", datetime(2026, 11, 10, 14, 30)])
        writer.close()
    wizard = wizard_for("customers", book)
    wizard.next()
    page = wizard.preview_page
    assert page.table.item(0, 2).text() == "+4915112345678"
    assert not page.encoding.isEnabled() and not page.delimiter.isEnabled()
    assert "first sheet of the workbook" in page.facts.text()
    wizard.next()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentId() == ImportWizard.PAGE_RESULT, timeout=20_000)
    assert (wizard.result.created, wizard.result.skipped) == (1, 0)
    assert ws.find_customer("phone", "+4915112345678") is not None


def test_the_event_name_of_the_last_file_with_these_columns_is_filled_in(mapping_page_for, ws, tmp_path):
    from engine.track.csv_import import ImportOptions, import_events

    week1 = tmp_path / "orders_w1.csv"
    week1.write_text("订单号,手机号,下单时间\nE1,+8613800138000,2026-11-01 10:00\n", encoding="utf-8")
    assert import_events(ws, week1, ImportOptions(event_name="下单", keep_mapping=True)).imported == 1
    week2 = tmp_path / "orders_w2.csv"
    week2.write_text("订单号,手机号,下单时间\nE1,+8613800138000,2026-11-01 10:00\nE2,+8613800138000,"
                     "2026-11-08 10:00\n", encoding="utf-8")
    wizard = mapping_page_for(week2)
    page = wizard.mapping_page
    assert page.event_name.text() == "下单" and page.options().event_name == "下单"
