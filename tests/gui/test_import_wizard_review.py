"""The import wizard says what a new user needs before and after importing: a file without data
rows, sample values that the chosen date format or type does not read, why the error report was
not saved, every skip reason in full, and the number of rows in words that fit it."""

from __future__ import annotations

from gui.qt import Qt, QtWidgets
from tests.gui.test_import_wizard import CUSTOMERS, _choose, _row


def _import(wizard, qtbot) -> None:
    """From the Preview page through Columns to the result."""
    from gui.import_wizard import ImportWizard

    wizard.next()
    assert wizard.currentId() == ImportWizard.PAGE_MAPPING
    assert wizard.mapping_page.isComplete(), wizard.mapping_page.plan_error
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentId() == ImportWizard.PAGE_RESULT, timeout=20_000)


def _next_button(wizard) -> QtWidgets.QAbstractButton:
    return wizard.button(QtWidgets.QWizard.WizardButton.NextButton)


# -- a file without data rows -------------------------------------------------------------------

def test_a_header_only_file_is_said_to_have_no_data_rows_on_the_preview(wizard_for, tmp_path):
    from gui.import_wizard import ImportWizard

    source = tmp_path / "header only.csv"
    source.write_text("email,name\n", encoding="utf-8")
    wizard = wizard_for("customers", source)
    wizard.next()
    assert wizard.currentId() == ImportWizard.PAGE_PREVIEW
    page = wizard.preview_page
    assert "no data rows" in page.facts.text()
    assert page.empty.isVisibleTo(wizard)
    assert page.empty.text().startswith("The file has no data rows")
    # Nothing to import: the wizard does not go on to map columns of an empty file.
    assert not page.isComplete()
    assert not _next_button(wizard).isEnabled()


def test_an_import_that_reads_no_rows_does_not_report_success(wizard_for, tmp_path, qtbot):
    # Blank lines after the header: more than the preview reads, so only the import can tell.
    source = tmp_path / "blank.csv"
    source.write_text("email,name\n" + "\n" * 1500, encoding="utf-8")
    wizard = wizard_for("customers", source)
    wizard.next()
    assert wizard.preview_page.isComplete()
    assert "The first 1,000 lines after the header are blank" in wizard.preview_page.problems.text()
    _import(wizard, qtbot)
    assert wizard.result.rows_read == 0
    page = wizard.result_page
    assert page.title() == "Nothing to import"
    assert "no data rows" in page.headline.text()
    assert "in the workspace" not in page.headline.text()
    assert not page.errors_title.isVisibleTo(wizard)
    assert not page.table.isVisibleTo(wizard)


# -- sample values against the chosen format ----------------------------------------------------

def test_choosing_a_date_format_rechecks_the_sample_values_before_importing(wizard_for, ws, tmp_path, qtbot):
    times = ["2025-01-01T10:00:00Z", "2025-01-02T10:00:00Z", "2025-01-03T10:00:00Z", "2025-01-04T10:00:00Z",
             "2025-01-05T10:00:00Z", "31/01/2025 10:00", "28/02/2025 10:00"]
    sizes = ["small", "medium", "large", "huge", "tiny", "42", "mini"]
    rows = [f"u{i}@example.com,visit,{t},{s}" for i, (t, s) in enumerate(zip(times, sizes, strict=True))]
    source = tmp_path / "visits.csv"
    source.write_text("\n".join(["email,event,timestamp,size", *rows]) + "\n", encoding="utf-8")
    wizard = wizard_for("events", source)
    wizard.next()
    wizard.next()
    page = wizard.mapping_page
    # As detected: ISO 8601 and day/month/year side by side, both read; nothing to warn about.
    assert "not a date" not in page.warnings.text()
    assert page.options().date_format is None


    # Day/month/year chosen: the ISO dates beside them still read one way only.
    _choose(page.date_format, "dmy")
    assert page.fit_warnings == [] and "timestamp" not in page.warnings.text()
    _choose(page.date_format, "mdy")
    expected = ("Column “timestamp”: 2 of the 7 sample values are not a date in the format month/day/year "
                "(12/31/2024), e.g. “31/01/2025 10:00”; rows with such a value will be skipped and listed.")
    assert page.warnings.isVisibleTo(wizard) and expected in page.warnings.text()
    assert page.fit_warnings == [expected]
    # A change of time zone checks again, and the warning stays.
    page.time_zone.setCurrentText("Europe/Paris")
    assert page.fit_warnings == [expected]
    # So does a column type: "size" forced to a whole number keeps its words as text.
    _choose(_row(page, "size").type, "int")
    assert page.fit_warnings == [expected, "Column “size”: 6 of the 7 sample values are not a whole number, "
                                           "e.g. “small”; rows with such a value will be skipped and listed."]
    _choose(_row(page, "size").type, None)
    assert page.fit_warnings == [expected]
    _choose(page.date_format, "iso")
    assert page.fit_warnings == ["Column “timestamp”: 2 of the 7 sample values are not a date in the format "
                                 "ISO 8601 (2024-12-31 18:30), e.g. “31/01/2025 10:00”; rows with such a value "
                                 "will be skipped and listed."]
    # As detected, both ways of writing are read: nothing to say.
    _choose(page.date_format, None)
    assert page.fit_warnings == [] and "timestamp" not in page.warnings.text()
    _choose(page.date_format, "mdy")

    wizard.next()
    from gui.import_wizard import ImportWizard

    qtbot.waitUntil(lambda: wizard.currentId() == ImportWizard.PAGE_RESULT, timeout=20_000)
    # What the Columns page said is what the import did.
    assert (wizard.result.rows_read, wizard.result.imported, wizard.result.skipped) == (7, 5, 2)


# -- the error report ---------------------------------------------------------------------------

def test_an_error_report_that_cannot_be_saved_names_the_path_and_why(wizard_for, tmp_path, qtbot):
    source = tmp_path / "customers.csv"
    source.write_text(CUSTOMERS, encoding="utf-8")
    wizard = wizard_for("customers", source)
    wizard.next()
    _import(wizard, qtbot)
    page = wizard.result_page
    target = tmp_path / "no such folder" / "report.csv"
    wizard._ask_errors_path = lambda suggested: str(target)
    qtbot.mouseClick(page.export, Qt.MouseButton.LeftButton)
    assert not target.exists()
    assert page.export_error.isVisibleTo(wizard) and not page.export_note.isVisibleTo(wizard)
    text = page.export_error.text()
    assert str(target) in text
    assert f"the folder {target.parent} does not exist" in text
    # In the error colour, not the grey of a hint.
    assert page.export_error.palette().color(page.export_error.foregroundRole()).name().upper() == "#C62828"

    report = tmp_path / "report.csv"
    wizard._ask_errors_path = lambda suggested: str(report)
    qtbot.mouseClick(page.export, Qt.MouseButton.LeftButton)
    assert report.exists()
    assert not page.export_error.isVisibleTo(wizard)
    assert page.export_note.text() == f"Saved 1 row to {report}"


# -- a long skip reason -------------------------------------------------------------------------

def test_a_long_skip_reason_can_be_read_in_full(wizard_for, tmp_path, qtbot):
    source = tmp_path / "members.csv"
    source.write_text("user_id,email,name\n"
                      "member-000000000000000001,ann@example.com,Ann\n"
                      "member-000000000000000002,ann@example.com,Ann Lee\n", encoding="utf-8")
    wizard = wizard_for("customers", source)
    wizard.next()
    wizard.next()
    page = wizard.mapping_page
    _choose(_row(page, "email").target, "identifier")
    page.id_column.setCurrentIndex(page.id_column.findText("user_id"))
    page.id_column.activated.emit(page.id_column.currentIndex())
    assert not page.plan_error, page.plan_error
    wizard.next()
    from gui.import_wizard import ImportWizard

    qtbot.waitUntil(lambda: wizard.currentId() == ImportWizard.PAGE_RESULT, timeout=20_000)
    result_page = wizard.result_page
    reason = wizard.result.errors[0].reason
    assert len(reason) > 120 and "cannot be added" in reason
    table = result_page.table
    model = table.model()
    assert model.index(0, 4).data() == reason
    # The Reason column is as wide as the reason; the table scrolls sideways to it.
    assert table.columnWidth(4) >= table.fontMetrics().horizontalAdvance(reason)
    assert table.horizontalScrollBar().maximum() > 0
    header = table.horizontalHeader()
    assert all(header.sectionResizeMode(c) == QtWidgets.QHeaderView.ResizeMode.Interactive for c in range(5))
    assert reason.replace("'", "'") in model.index(0, 4).data(Qt.ItemDataRole.ToolTipRole)
    # The chosen row's reason, whole and wrapped, under the table.
    assert result_page.detail.isVisibleTo(wizard) and result_page.detail.wordWrap()
    assert result_page.detail.text() == f"Row 3 (line 3), column “email”: {reason}"
    assert result_page.detail.width() <= table.width()


# -- rows in the preview ------------------------------------------------------------------------

def test_the_preview_counts_rows_exactly_when_it_read_them_all(wizard_for, tmp_path):
    six = tmp_path / "six.csv"
    six.write_text("email,name\n" + "".join(f"u{i}@example.com,U{i}\n" for i in range(6)) + "\n",
                   encoding="utf-8")
    wizard = wizard_for("customers", six)
    wizard.next()
    assert wizard.preview_page.facts.text().startswith("2 columns · 6 rows · ")

    one = tmp_path / "one.csv"
    one.write_text("email\nann@example.com", encoding="utf-8")
    wizard = wizard_for("customers", one)
    wizard.next()
    assert wizard.preview_page.facts.text().startswith("1 column · 1 row · ")

    # More rows than the preview reads: an estimate, and said to be one.
    many = tmp_path / "many.csv"
    many.write_text("email\n" + "".join(f"u{i}@example.com\n" for i in range(3000)), encoding="utf-8")
    wizard = wizard_for("customers", many)
    wizard.next()
    facts = wizard.preview_page.facts.text()
    assert facts.startswith("1 column · about ") and facts.split(" · ")[1].endswith(" rows")


# -- repeated header names ----------------------------------------------------------------------

def test_a_repeated_header_name_is_explained_where_the_new_name_shows(wizard_for, tmp_path):
    from gui.import_wizard import ImportWizard

    source = tmp_path / "excel export.csv"
    # As Excel saves "Unicode text": UTF-16 with tabs.
    source.write_text("email\tname\tname\tcity\n"
                      "zoe@example.com\tZoë\tZ2\tParis\n"
                      "bob@example.com\tBob\tB\tRome\n", encoding="utf-16")
    wizard = wizard_for("customers", source)
    wizard.next()
    assert wizard.currentId() == ImportWizard.PAGE_PREVIEW
    page = wizard.preview_page
    table = page.table
    assert [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())] == \
        ["email", "name", "name_2", "city"]
    said = "Two columns are named 'name'; the second is imported as 'name_2'"
    assert page.renamed.isVisibleTo(wizard) and page.renamed.text() == said
    wizard.next()
    mapping = wizard.mapping_page
    assert mapping.warnings.isVisibleTo(wizard) and said in mapping.warnings.text().splitlines()

    # A file without repeated names says nothing of the kind.
    plain = tmp_path / "plain.csv"
    plain.write_text("email,name\nann@example.com,Ann\n", encoding="utf-8")
    wizard = wizard_for("customers", plain)
    wizard.next()
    assert not wizard.preview_page.renamed.isVisibleTo(wizard)


# -- a time column that reads none of its values ------------------------------------------------

def test_import_is_disabled_while_the_time_column_reads_none_of_its_sample_values(wizard_for, tmp_path, qtbot):
    from gui.import_wizard import ImportWizard

    source = tmp_path / "visits.csv"
    source.write_text("email,event,time\n" + "".join(
        f"u{i}@example.com,visit,2025-01-0{i + 1}T10:00:00Z\n" for i in range(4)), encoding="utf-8")
    wizard = wizard_for("events", source)
    wizard.next()
    wizard.next()
    page = wizard.mapping_page
    commit = wizard.button(QtWidgets.QWizard.WizardButton.CommitButton)
    assert page.isComplete() and commit.isEnabled()

    _choose(page.date_format, "unix_s")
    assert not page.isComplete() and not commit.isEnabled()
    assert page.error.isVisibleTo(wizard)
    assert page.error.text() == (
        "None of the 4 sample values of the time column “time” is a date in the format Unix time, seconds, "
        "e.g. “2025-01-01T10:00:00Z”: every row would be skipped. Choose the format of its dates "
        "under Dates, or the column that holds the event times.")
    # Clicking Import does nothing while it is disabled, and validating the page refuses too.
    qtbot.mouseClick(commit, Qt.MouseButton.LeftButton)
    assert wizard.currentId() == ImportWizard.PAGE_MAPPING
    assert not page.validatePage()

    _choose(page.date_format, "iso")
    assert page.isComplete() and commit.isEnabled() and not page.error.isVisibleTo(wizard)


def test_import_stays_enabled_when_some_sample_times_fit_the_chosen_format(wizard_for, tmp_path, qtbot):
    from gui.import_wizard import ImportWizard

    source = tmp_path / "visits.csv"
    source.write_text("email,event,time\n"
                      "a@example.com,visit,2025-01-31T10:00:00Z\n"
                      "b@example.com,visit,31/01/2025 10:00\n"
                      "c@example.com,visit,30/01/2025 10:00\n", encoding="utf-8")
    wizard = wizard_for("events", source)
    wizard.next()
    wizard.next()
    page = wizard.mapping_page
    _choose(page.date_format, "mdy")
    commit = wizard.button(QtWidgets.QWizard.WizardButton.CommitButton)
    assert page.isComplete() and commit.isEnabled() and not page.plan_error
    # The rows that will be skipped are still said.
    assert "2 of the 3 sample values are not a date" in page.warnings.text()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentId() == ImportWizard.PAGE_RESULT, timeout=20_000)
    assert (wizard.result.imported, wizard.result.skipped) == (1, 2)
