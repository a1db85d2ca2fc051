"""The import wizard reads an events file imported before in the zone it was imported with, so that
importing it again adds nothing; choosing another zone is warned about before importing."""

from __future__ import annotations

from engine.track.csv_import import ImportOptions, import_events
from tests.gui.test_import_wizard_dates import events_file


def test_a_file_imported_before_starts_in_its_zone(mapping_page_for, ws, tmp_path, qtbot):  # noqa: F811
    path = events_file(tmp_path / "visits.csv", ["2025-01-01 10:00", "2025-01-02 11:00"])
    import_events(ws, path, ImportOptions(time_zone="Asia/Tokyo"))
    wizard = mapping_page_for(path)
    page = wizard.mapping_page
    assert page.time_zone.currentText() == "Asia/Tokyo"
    assert "imported before" not in page.warnings.text()
    page.time_zone.setCurrentText("Europe/Madrid")
    qtbot.waitUntil(lambda: "This file was imported before with times read in Asia/Tokyo; read in "
                            "Europe/Madrid, its events are stored again" in page.warnings.text())
    page.time_zone.setCurrentText("Asia/Tokyo")
    qtbot.waitUntil(lambda: "imported before" not in page.warnings.text())


def test_a_new_file_starts_in_this_computers_zone(mapping_page_for, ws, tmp_path):  # noqa: F811
    from gui.import_wizard import system_time_zone

    wizard = mapping_page_for(events_file(tmp_path / "new.csv", ["2025-01-01 10:00"]))
    assert wizard.mapping_page.time_zone.currentText() == system_time_zone()
