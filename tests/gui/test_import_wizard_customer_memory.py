"""The import wizard on a customers file imported before starts from that import's time zone and
date format, so importing it again changes nothing."""

from __future__ import annotations

from engine.track.csv_import import ImportOptions, import_customers
from tests.engine.track.test_csv_customer_lists import KUNDEN


def _columns_page_of_customers(ws, path, qtbot):
    """A 1280×800 wizard importing ``path`` as customers, on its Columns page."""
    from gui.app import make_application
    from gui.import_wizard import ImportWizard

    make_application()
    wizard = ImportWizard(ws, "customers", str(path))
    qtbot.addWidget(wizard)
    wizard.resize(1280, 800)
    wizard.show()
    wizard.next()
    wizard.next()
    assert wizard.currentId() == ImportWizard.PAGE_MAPPING
    return wizard


def test_a_customers_file_starts_from_its_last_zone_and_date_format(ws, tmp_path, qtbot):
    from gui.import_wizard import ImportWizard

    path = tmp_path / "kunden_export.csv"
    path.write_text(KUNDEN, encoding="utf-8")
    import_customers(ws, path, ImportOptions(time_zone="Europe/Berlin", date_format="dmy"))
    wizard = _columns_page_of_customers(ws, path, qtbot)
    page = wizard.mapping_page
    try:
        assert page.time_zone.currentText() == "Europe/Berlin"
        assert page.options().date_format == "dmy"
        page.time_zone.setCurrentText("UTC")
        page.check()
        assert "the customers' date and time attributes change. Choose Europe/Berlin to change nothing" in \
            page.warnings.text()
        page.time_zone.setCurrentText("Europe/Berlin")
        page.check()
        wizard.next()
        qtbot.waitUntil(lambda: wizard.currentId() == ImportWizard.PAGE_RESULT, timeout=20_000)
        assert (wizard.result.created, wizard.result.updated, wizard.result.unchanged) == (0, 0, 2)
    finally:
        wizard.shutdown()


def test_another_identifier_column_gets_a_kind_of_its_own(ws, tmp_path, qtbot):
    path = tmp_path / "kunden.csv"
    path.write_text("E-Mail;Kunden-Nr;Name\nanna@example.de;K-1001;Anna\nbo@example.de;K-1002;Bo\n",
                    encoding="utf-8")
    wizard = _columns_page_of_customers(ws, path, qtbot)
    page = wizard.mapping_page
    try:
        assert page.id_column.currentText() == "E-Mail" and page.id_kind.currentText() == "email"
        page.id_column.setCurrentIndex(page.id_column.findText("Kunden-Nr"))
        page.id_column.activated.emit(page.id_column.currentIndex())
        rows = {r.name: r for r in page.rows}
        assert rows["Kunden-Nr"].target.currentData() == "identifier"
        assert rows["Kunden-Nr"].field.currentText() == "user_id" == page.id_kind.currentText()
        assert page.plan_error == "" and page.isComplete()
        assert page.options().id_column == "Kunden-Nr" and page.options().id_kind == "user_id"
    finally:
        wizard.shutdown()
