"""The CSV import wizard: preview, mapping, import off the UI thread, cancel, and the error report.

Every question the wizard would ask in a dialog (which file, where to export) is answered through
its hooks, so no modal dialog ever blocks the offscreen run.
"""

from __future__ import annotations

import csv
import threading
from datetime import UTC, datetime

from gui.qt import Qt, QtCore, QtWidgets

CUSTOMERS = """email,name,city,newsletter_opt_in,tags,lifetime_value
ann@example.com,Ann,London,yes,vip;newsletter,12.5
bob@example.com,Bob,Paris,no,,7
not-an-email,Carl,Rome,yes,,3
dee@example.com,Dee,Berlin,yes,newsletter,40
"""


def _row(page, column: str):
    return next(r for r in page.rows if r.name == column)


def _choose(combo, data) -> None:
    """Pick an item as the user does (activated is what the page listens to)."""
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def test_customers_with_a_bad_row_are_imported_and_the_errors_exported(wizard_for, ws, tmp_path, qtbot):
    from gui.import_wizard import ImportWizard

    source = tmp_path / "shop customers.csv"
    source.write_text(CUSTOMERS, encoding="utf-8")
    wizard = wizard_for("customers", "")
    # Browse… answers through the hook instead of a file dialog.
    wizard._ask_open_path = lambda current: str(source)
    qtbot.mouseClick(wizard.file_page.browse, Qt.MouseButton.LeftButton)
    assert wizard.file_page.path_edit.text() == str(source)
    assert wizard.file_page.customers.isChecked()

    wizard.next()
    assert wizard.currentId() == ImportWizard.PAGE_PREVIEW
    table = wizard.preview_page.table
    assert [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())] == \
        ["email", "name", "city", "newsletter_opt_in", "tags", "lifetime_value"]
    assert table.rowCount() == 4
    assert table.item(2, 0).text() == "not-an-email"
    assert wizard.preview_page.encoding.currentData() == "utf-8"
    assert wizard.preview_page.delimiter.currentData() == ","

    wizard.next()
    assert wizard.currentId() == ImportWizard.PAGE_MAPPING
    page = wizard.mapping_page
    # The engine's suggestions are the defaults.
    assert page.id_column.currentText() == "email" and page.id_kind.currentText() == "email"
    assert _row(page, "newsletter_opt_in").target.currentData() == "consent"
    assert _row(page, "newsletter_opt_in").field.currentText() == "email"
    assert _row(page, "tags").target.currentData() == "tags"
    assert _row(page, "lifetime_value").type.currentText().startswith("Number")
    assert not page.plan_error and page.isComplete()
    # The user renames an attribute and leaves a column out.
    _row(page, "name").field.setEditText("full_name")
    _choose(_row(page, "city").target, "skip")
    assert page.options().mapping["city"] == "skip"
    assert page.options().mapping["name"] == "attributes.full_name"

    wizard.next()  # Import: the commit page
    qtbot.waitUntil(lambda: wizard.currentId() == ImportWizard.PAGE_RESULT, timeout=20_000)
    result = wizard.result
    assert result is not None and not result.cancelled
    assert (result.rows_read, result.created, result.skipped) == (4, 3, 1)

    ann = ws.get_customer(ws.find_customer("email", "ann@example.com"))
    assert ann.attributes["full_name"] == "Ann"
    assert "city" not in ann.attributes
    assert ann.consent == {"email": True}
    assert ann.tags == ("newsletter", "vip")
    assert ws.find_customer("email", "dee@example.com") is not None
    assert ws.find_customer("email", "not-an-email") is None

    page = wizard.result_page
    assert page.count_labels["created"].text() == "3"
    assert page.count_labels["skipped"].text() == "1"
    model = page.table.model()
    assert model.rowCount() == 1
    cells = [model.index(0, c).data() for c in range(model.columnCount())]
    assert cells[0] == "4" and cells[2] == "email" and cells[3] == "not-an-email"
    assert "not an email address" in cells[4]

    report = tmp_path / "report.csv"
    suggested = []
    wizard._ask_errors_path = lambda path: suggested.append(path) or str(report)
    assert page.export.isVisible()
    qtbot.mouseClick(page.export, Qt.MouseButton.LeftButton)
    assert suggested == [str(tmp_path / "shop customers-errors.csv")]
    with open(report, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["row", "line", "column", "value", "reason"]
    assert rows[1][:4] == ["4", "4", "email", "not-an-email"]
    assert str(report) in page.export_note.text()


def test_events_need_a_name_and_take_the_chosen_time_zone(wizard_for, ws, tmp_path, qtbot):
    from gui.import_wizard import ImportWizard

    source = tmp_path / "payments.csv"
    source.write_text("user_id,amount,paid_at\nu1,19.90,2025-03-14 18:30:00\nu2,5,2025-03-15 08:00:00\n",
                      encoding="utf-8")
    wizard = wizard_for("events", source)
    wizard.next()
    wizard.next()
    page = wizard.mapping_page
    assert _row(page, "paid_at").target.currentData() == "time"
    # No column holds the event name: the page says so and will not go on.
    assert "event name" in page.plan_error and not page.isComplete()
    assert page.error.isVisibleTo(wizard)
    page.event_name.setText("payment_received")
    assert not page.plan_error and page.isComplete()
    page.time_zone.setCurrentText("Europe/Paris")
    assert page.options().time_zone == "Europe/Paris"

    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentId() == ImportWizard.PAGE_RESULT, timeout=20_000)
    assert wizard.result.imported == 2 and wizard.result.skipped == 0
    assert not wizard.result_page.table.isVisibleTo(wizard)
    events = ws.customer_events(ws.find_customer("user_id", "u1"))
    assert [e.name for e in events] == ["payment_received"]
    # 18:30 in Paris in March (UTC+1) is 17:30 UTC.
    when = events[0].occurred_at
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    assert when == datetime(2025, 3, 14, 17, 30, tzinfo=UTC)
    assert events[0].properties["amount"] == 19.9


def test_choosing_the_identifier_column_follows_into_the_mapping(wizard_for, tmp_path):
    source = tmp_path / "members.csv"
    source.write_text("member_no,email,city\nM1,a@example.com,Oslo\n", encoding="utf-8")
    wizard = wizard_for("customers", source)
    wizard.next()
    wizard.next()
    page = wizard.mapping_page
    assert page.id_column.currentText() == "email"
    page.id_column.setCurrentIndex(page.id_column.findText("city"))
    page.id_column.activated.emit(page.id_column.currentIndex())
    page.id_kind.setCurrentText("custom:city")
    assert _row(page, "city").target.currentData() == "identifier"
    assert _row(page, "city").field.currentText() == "custom:city"
    options = page.options()
    assert (options.id_column, options.id_kind) == ("city", "custom:city")
    assert options.mapping["city"] == "identifiers.custom:city"
    # Giving the identifier column another use hands the role to the next identifier.
    _choose(_row(page, "city").target, "attribute")
    assert page.id_column.currentText() == "email"
    assert not page.plan_error


def test_cancel_stops_a_larger_import_and_keeps_what_was_committed(wizard_for, ws, tmp_path, qtbot):
    from gui.import_wizard import ImportWizard

    total = 20_000
    source = tmp_path / "clicks.csv"
    with open(source, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["user_id", "event", "time"])
        for i in range(total):
            writer.writerow([f"u{i % 500}", "clicked", f"2025-01-01T00:{i // 3600 % 60:02d}:{i % 60:02d}Z"])
    wizard = wizard_for("events", source)
    wizard.batch_rows = 500
    gate = threading.Event()
    seen = []

    def hold_first_batch(_progress) -> None:
        # On the worker thread: the import waits here until the test has pressed Cancel, so the
        # cancel lands mid-file however fast the machine is.
        if not seen:
            seen.append(True)
            gate.wait(30)

    wizard.importStarting.connect(lambda worker: worker.progressed.connect(
        hold_first_batch, Qt.ConnectionType.DirectConnection))
    wizard.next()
    wizard.next()
    assert wizard.mapping_page.isComplete(), wizard.mapping_page.plan_error
    wizard.next()
    page = wizard.import_page
    try:
        qtbot.waitUntil(lambda: "rows read" in page.counts.text(), timeout=20_000)
        assert wizard.running and not wizard.import_page.isComplete()
        assert not wizard.button(QtWidgets.QWizard.WizardButton.NextButton).isEnabled()
        assert not wizard.button(QtWidgets.QWizard.WizardButton.BackButton).isEnabled()
        # Half-way through the file by rows, not "done" because the reader took the whole file.
        assert 0 < page.bar.value() < 1000
        # The wizard's own Cancel stops the import rather than closing the wizard under it.
        wizard.reject()
        assert wizard.isVisible() and wizard.cancelling
        assert not page.cancel.isEnabled()
    finally:
        gate.set()
    qtbot.waitUntil(lambda: wizard.currentId() == ImportWizard.PAGE_RESULT, timeout=30_000)
    result = wizard.result
    assert result.cancelled
    assert 0 < result.rows_read < total
    assert wizard.result_page.title() == "Import cancelled"
    assert wizard.result_page.errors_title.text() == (
        f"No errors in the {result.rows_read:,} rows read before the import was cancelled; the rest of the file "
        "was not read.")
    stored = sum(len(ws.customer_events(ws.find_customer("user_id", f"u{i}") or "none")) for i in range(500))
    assert stored == result.imported


def test_unreadable_files_give_a_message_not_a_traceback(wizard_for, tmp_path):
    from gui.import_wizard import ImportWizard

    wizard = wizard_for("customers", tmp_path / "missing.csv")
    wizard.next()
    assert wizard.currentId() == ImportWizard.PAGE_FILE
    assert "There is no file" in wizard.file_page.error.text()
    wizard.file_page.path_edit.setText(str(tmp_path))
    wizard.next()
    assert wizard.currentId() == ImportWizard.PAGE_FILE
    assert wizard.file_page.error.text() == f"{tmp_path} is a folder: choose a CSV file in it."
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    wizard.file_page.path_edit.setText(str(empty))
    wizard.next()
    assert wizard.currentId() == ImportWizard.PAGE_FILE
    assert "no header row" in wizard.file_page.error.text()


def test_encoding_and_delimiter_can_be_changed_in_the_preview(wizard_for, tmp_path):
    source = tmp_path / "kunden.csv"
    source.write_bytes("email;stadt\na@example.com;München\n".encode("cp1252"))
    wizard = wizard_for("customers", source)
    wizard.next()
    page = wizard.preview_page
    assert page.delimiter.currentData() == ";"
    assert page.table.item(0, 1).text() == "München"
    # Read as a comma-separated file, everything lands in one column.
    page.delimiter.setCurrentIndex(page.delimiter.findData(","))
    page.delimiter.activated.emit(page.delimiter.currentIndex())
    assert page.table.columnCount() == 1
    assert wizard.preview.delimiter == ","
    index = page.encoding.findData("latin-1")
    page.encoding.setCurrentIndex(index)
    page.encoding.activated.emit(index)
    assert wizard.preview.encoding == "latin-1"


def test_main_window_opens_the_wizard_from_the_file_menu(window, qtbot):
    window.act_import_events.trigger()
    wizard = window.import_wizard
    assert wizard is not None and wizard.isVisible()
    assert wizard.file_page.events.isChecked()
    # A second request brings the same wizard forward.
    window.act_import_customers.trigger()
    assert window.import_wizard is wizard
    file_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&File")
    assert window.act_import_customers in file_menu.actions()
    wizard.reject()
    assert not wizard.isVisible()
    QtCore.QCoreApplication.processEvents()


def test_long_column_names_and_types_are_shown_from_their_start_at_1280_by_800(wizard_for, tmp_path, qtbot):
    from gui.import_wizard import ImportWizard

    source = tmp_path / "shopify customers.csv"
    source.write_text("Email,Default Address Province Code,Created At\n"
                      "ann@example.com,ON,03/04/2024 10:15\nbob@example.com,BC,05/06/2024 09:00\n",
                      encoding="utf-8")
    wizard = wizard_for("customers", source)
    wizard.resize(1280, 800)
    wizard.next()
    wizard.next()
    assert wizard.currentId() == ImportWizard.PAGE_MAPPING
    page = wizard.mapping_page
    table = page.table
    province = _row(page, "Default Address Province Code")
    assert province.field.currentText() == "Default Address Province Code"
    assert province.field.lineEdit().cursorPosition() == 0  # the start is in view, not the end
    assert province.field.toolTip() == "Default Address Province Code"
    metrics = province.field.fontMetrics()
    assert province.field.lineEdit().width() >= metrics.horizontalAdvance("Default Address Province Code")
    created = _row(page, "Created At")
    assert "day and month" in created.type.currentText()
    assert created.type.toolTip() == created.type.currentText()
    assert table.columnWidth(4) >= created.type.fontMetrics().horizontalAdvance(created.type.currentText()) + 20
    assert table.item(province.index, 0).toolTip().startswith("Default Address Province Code")


def test_number_styles_are_named_and_an_unsure_column_is_explained(wizard_for, ws, tmp_path, qtbot):
    from gui.import_wizard import ImportWizard

    path = tmp_path / "de.csv"
    path.write_text("Email;Betrag;Punkte\nana@example.com;1.234,56;1,234\nbo@example.com;12,50;2,345\n"
                    "ana@example.com;7,00;3,456\n", encoding="utf-8")
    wizard = wizard_for("customers", path)
    wizard.next()
    wizard.next()
    page = wizard.mapping_page
    assert "1.234,5" in _row(page, "Betrag").type.currentText()
    assert any(w.startswith("Column “Punkte”: in numbers like 1,234 the comma could separate")
               for w in page.type_warnings)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentId() == ImportWizard.PAGE_RESULT, timeout=20_000)
    result = wizard.page(ImportWizard.PAGE_RESULT)
    # The tiles count rows and add up to the rows read; the second row of ana updated her.
    counts = {key: int(label.text().replace(",", "")) for key, label in result.count_labels.items()}
    assert counts["rows"] == counts["created"] + counts["updated"] + counts["duplicates"] + counts["skipped"] == 3
    assert counts["updated"] == 1
    from engine.track.profiles import resolve

    assert ws.get_customer(resolve(ws, "ana@example.com")).attributes["Betrag"] == 7.0


def test_the_last_page_says_once_what_was_done_with_values_that_did_not_fit(tmp_path, ws):
    from engine.track.csv_import import import_customers
    from gui.import_wizard import result_warnings

    path = tmp_path / "people.csv"
    path.write_text("email,signup\n" + "".join(f"u{i}@example.com,2024-01-{i + 1:02d}\n" for i in range(9))
                    + "u9@example.com,soon\n", encoding="utf-8")
    result = import_customers(ws, path)
    assert len([w for w in result.warnings if "column 'signup'" in w]) == 2  # the first rows, and the import
    assert [w for w in result_warnings(result) if "column 'signup'" in w] == [
        "column 'signup': 1 value did not fit its type and was kept as text: row 11 'soon'"]
