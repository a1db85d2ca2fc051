"""The Send inspector's template editor and live preview: a personalised subject for the chosen
sample customer, template errors shown with their line (never a traceback), a customer looked up
in the workspace, event values, placeholder insertion, highlighting, and the Notify team node."""

from __future__ import annotations

import pytest

from gui.qt import Qt, QtGui
from gui.template_editor import parse_event_values, sample_customers


def open_send(window, title: str = "Send welcome email"):
    window.start_page.templateChosen.emit("welcome_series")
    node = next(n for n in window.editor.journey.nodes if n.title == title)
    window.canvas.select_nodes([node.id])
    return node


def set_template(qtbot, window, path: str, text: str) -> None:
    """Type ``text`` into a template field, then wait for the preview to catch up."""
    edit = window.inspector.form.widget_for(path)
    edit.selectAll()
    with qtbot.waitSignal(window.inspector.preview.rendered):
        for index, line in enumerate(text.split("\n")):
            if index:
                qtbot.keyClick(edit, Qt.Key.Key_Return)
            qtbot.keyClicks(edit, line)


def test_preview_renders_a_personalised_subject_for_the_chosen_customer(window, qtbot):
    node = open_send(window)
    preview = window.inspector.preview
    assert preview is not None and preview.isVisibleTo(window.inspector)
    assert preview.customer.currentText() == "Test Ada"
    assert preview.texts()["subject"] == "Welcome aboard, Ada!"
    assert preview.texts()["body"].startswith("Hi Ada,")
    assert preview.to_label.text() == "To: test.ada@example.test"
    assert preview.error_text() == ""

    with qtbot.waitSignal(preview.rendered):
        preview.customer.setCurrentIndex(preview.customer.findText("Test Cai"))
    assert preview.texts()["subject"] == "Welcome aboard, Cai!"

    set_template(qtbot, window, "subject", "{{ customer.city }} loves you, {{ customer.first_name }}")
    assert preview.texts()["subject"] == "Berlin loves you, Cai"
    # the edit went through the form into the document
    assert window.editor.journey.node(node.id).config["subject"] == \
        "{{ customer.city }} loves you, {{ customer.first_name }}"


def test_template_errors_are_shown_with_their_line(window, qtbot):
    open_send(window)
    preview = window.inspector.preview
    set_template(qtbot, window, "body", "Hello,\n\nyour code: {{ customer.coupon }}")
    error = preview.error_text()
    assert "Message, line 3" in error and "customer.coupon" in error and "missing" in error
    assert preview.errors.styleSheet().endswith("#C62828;")
    assert "Traceback" not in error

    set_template(qtbot, window, "subject", "Hi {{ customer.first_name | shout }}")
    assert "Subject, line 1" in preview.error_text() and "no filter named" in preview.error_text()

    set_template(qtbot, window, "subject", "{{ ''.__class__.__mro__ }}")
    assert "Subject, line 1" in preview.error_text() and "not allowed" in preview.error_text()


def test_html_version_is_previewed_escaped(window, qtbot):
    open_send(window)
    preview = window.inspector.preview
    set_template(qtbot, window, "html_body", "<p>Hi <b>{{ customer.first_name }}</b></p>")
    assert preview.texts()["html_body"] == "Hi Ada"
    assert preview.html.isVisibleTo(preview)


def test_a_customer_from_the_workspace(window, ws, qtbot):
    ws.upsert_customer({"email": "zoe@example.com"}, {"first_name": "Zoë", "email": "zoe@example.com"})
    open_send(window)
    preview = window.inspector.preview
    preview.customer.setCurrentIndex(preview.customer.findData(preview.WORKSPACE))
    assert preview.lookup_row.isVisibleTo(preview)
    qtbot.keyClicks(preview.lookup, "nobody@example.com")
    assert preview.find_customer() is False
    assert "no customer" in preview.error_text()
    preview.lookup.clear()
    qtbot.keyClicks(preview.lookup, "zoe@example.com")
    with qtbot.waitSignal(preview.rendered):
        qtbot.keyClick(preview.lookup, Qt.Key.Key_Return)
    assert preview.texts()["subject"] == "Welcome aboard, Zoë!"
    assert preview.to_label.text() == "To: zoe@example.com"
    # A customer whose e-mail is an identifier only (a CSV import's): the send finds it, so does the preview.
    ws.upsert_customer({"email": "li@example.cn"}, {"first_name": "Li"})
    preview.lookup.clear()
    qtbot.keyClicks(preview.lookup, "li@example.cn")
    with qtbot.waitSignal(preview.rendered):
        qtbot.keyClick(preview.lookup, Qt.Key.Key_Return)
    assert preview.to_label.text() == "To: li@example.cn"


def test_event_values_fill_event_placeholders(window, qtbot):
    window.start_page.templateChosen.emit("post_purchase_review")
    node = next(n for n in window.editor.journey.nodes if n.type == "orchestrate.notify_staff")
    window.canvas.select_nodes([node.id])
    preview = window.inspector.preview
    assert preview is not None
    assert preview.event_row.isVisibleTo(preview)  # the message reads {{ event.rating }}
    assert "rated ?/5" in preview.texts()["body"]
    assert preview.to_label.text() == "To: #customer-care"
    with qtbot.waitSignal(preview.rendered):
        qtbot.keyClicks(preview.event_values, "rating=1")
    assert "rated 1/5" in preview.texts()["body"]


def test_placeholder_menu_inserts_an_attribute_at_the_cursor(window, qtbot):
    node = open_send(window)
    editor = window.inspector.form.editor("subject")
    menu = editor.placeholders.menu()
    paths = editor.placeholders.paths()
    assert paths[:3] == ["customer.first_name", "customer.last_name", "customer.email"]
    editor.edit.moveCursor(QtGui.QTextCursor.MoveOperation.End)
    with qtbot.waitSignal(window.inspector.preview.rendered):
        next(a for a in menu.actions() if a.data() == "customer.city").trigger()
    assert window.editor.journey.node(node.id).config["subject"].endswith("!{{ customer.city }}")
    assert window.inspector.preview.texts()["subject"] == "Welcome aboard, Ada!London"


def test_placeholder_menu_offers_the_workspaces_attributes(window, ws):
    ws.upsert_customer({"email": "a@example.com"}, {"loyalty_tier": "gold"})
    window.inspector.set_workspace(ws)  # forget the names read so far
    open_send(window)
    assert "customer.loyalty_tier" in window.inspector.form.editor("body").placeholders.paths()


def test_placeholders_are_tinted(window):
    open_send(window)
    edit = window.inspector.form.widget_for("body")
    block = edit.document().firstBlock()  # "Hi {{ customer.first_name | default('friend') }},"
    start = block.text().index("{{")
    ranges = block.layout().formats()
    assert any(r.start == start and r.length == block.text().index("}}") + 2 - start
               and r.format.foreground().color() == QtGui.QColor("#1565C0") for r in ranges)
    assert edit.font().fixedPitch() or "mono" in edit.font().family().lower()


def test_other_nodes_have_no_preview(window):
    window.start_page.templateChosen.emit("welcome_series")
    wait = next(n for n in window.editor.journey.nodes if n.type == "orchestrate.wait")
    window.canvas.select_nodes([wait.id])
    assert window.inspector.preview is None


@pytest.mark.parametrize(("text", "expected"), [
    ("rating=2, order_id=A-1001", {"rating": 2, "order_id": "A-1001"}),
    ("total = 9.5 ,vip=true, note=", {"total": 9.5, "vip": True, "note": ""}),
    ("junk, =3", {}),
])
def test_event_values_are_parsed_with_their_types(text, expected):
    assert parse_event_values(text) == expected


def test_sample_customers_are_the_test_mode_customers():
    from gui.live import TEST_CUSTOMERS, address_of_test_customer

    samples = sample_customers()
    assert [label for label, _ in samples] == [f"Test {p['first_name']}" for p in TEST_CUSTOMERS]
    ada = samples[0][1]
    assert ada["email"] == address_of_test_customer("Ada") and ada["last_name"] == "Test"
    assert "time_zone" not in ada
