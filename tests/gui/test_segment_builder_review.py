"""The segment builder on what a new user types: comparisons with text that is no number or date are
refused at their row with the way to write them, a decimal comma and ISO dates count right, a filter
naming a property its event never has gets a hint, and a refused name reads as one plain sentence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from engine.track.segments import MAX_NAME, SegmentStore


def _seed(ws) -> None:
    now = datetime.now(UTC)
    spent = [12.0, 12.5, "12.7", 1234.5, 0.0]
    signup = ["2024-12-31", "2025-01-01", "2025-01-01T08:00:00+00:00", "2025-03-05", "03/05/2025"]
    for i in range(5):
        ws.upsert_customer({"email": f"c{i}@example.com"}, {"Total Spent": spent[i], "signup": signup[i]})
    for i, amount in enumerate([5, 12.5, 40]):
        ws.ingest_event({"email": f"c{i}@example.com"}, "Order Completed", {"amount": amount},
                        occurred_at=now - timedelta(days=1))


@pytest.fixture
def builder(qtbot, ws):
    from gui.app import make_application
    from gui.segment_builder import SegmentBuilder

    make_application()
    window = SegmentBuilder(ws)
    window.messages = []
    window._error = lambda title, text: window.messages.append((title, text))
    window._ask_unsaved = lambda name: "discard"
    window._confirm = lambda title, text: True
    qtbot.addWidget(window)
    yield window
    window.shutdown()


def _settled(builder) -> bool:
    return not builder.busy and not builder.count_timer.isActive()


def _count_is(qtbot, builder, expected: int) -> None:
    qtbot.waitUntil(lambda: _settled(builder) and builder.last_count == expected)


def _refused(qtbot, builder) -> str:
    qtbot.waitUntil(lambda: _settled(builder) and builder.last_count is None and builder.error_label.isVisible())
    return builder.error_label.text()


def test_a_comparison_with_text_that_is_no_number_or_date_is_refused_at_its_row(qtbot, ws, builder):
    _seed(ws)
    builder.show()
    _count_is(qtbot, builder, 5)
    row = builder.editor.root.add_condition()
    row.attribute.name.setText("Total Spent")
    row.attribute.operator.set_key("gte")
    assert "2025-01-01" in row.attribute.value.placeholderText()
    row.attribute.value.setText("abc")
    assert _refused(qtbot, builder) == ("In condition 1, “Total Spent is at least abc” cannot be checked: ‘abc’ is "
                                        "neither a number nor a date; write a number like 12.5 or a date like "
                                        "2025-01-01.")
    assert row.property("error") is True and row.attribute.value.property("error") is True
    assert builder.count_label.text() == "—"

    row.attribute.value.setText("1.000.5")
    assert "write it without thousands separators and with a decimal point, like 1000.5" in _refused(qtbot, builder)
    row.attribute.value.setText("12,5")  # a decimal comma: 12.5
    _count_is(qtbot, builder, 3)
    assert builder.error_label.isHidden() and not row.property("error")
    assert not row.attribute.value.property("error")


def test_dates_are_compared_as_dates_and_other_spellings_are_refused(qtbot, ws, builder):
    _seed(ws)
    builder.show()
    _count_is(qtbot, builder, 5)
    row = builder.editor.root.add_condition()
    row.attribute.name.setText("signup")
    row.attribute.operator.set_key("gte")
    row.attribute.value.setText("01/02/2025")  # 1 February or January 2?
    assert "write dates year-month-day, like 2025-02-01" in _refused(qtbot, builder)
    row.attribute.value.setText("2025-01-01")
    _count_is(qtbot, builder, 3)  # not 2024-12-31, and "03/05/2025" is no ISO date
    row.attribute.operator.set_key("gt")
    _count_is(qtbot, builder, 1)


def test_a_filter_naming_a_property_its_event_lacks_gets_a_hint(qtbot, ws, builder):
    _seed(ws)
    builder.show()
    qtbot.waitUntil(lambda: _settled(builder) and builder.editor.vocabulary.known.properties == ["amount"])
    row = builder.editor.root.add_condition()
    row.kind.set_key("event")
    row.event.event.setText("Order Completed")
    _count_is(qtbot, builder, 3)
    flt = row.event.add_filter()
    flt.comparison.name.setText("Amount")
    flt.comparison.operator.set_key("gte")
    flt.comparison.value.setText("12,5")
    _count_is(qtbot, builder, 0)
    assert row.hint.isVisibleTo(builder)
    assert row.hint.text() == "No ‘Order Completed’ event has a property named ‘Amount’; did you mean ‘amount’?"
    flt.comparison.name.setText("amount")
    _count_is(qtbot, builder, 2)
    assert row.hint.text() == "" and not row.hint.isVisibleTo(builder)

    other = builder.editor.root.add_condition()
    other.attribute.name.setText("total spent")
    other.attribute.operator.set_key("gt")
    other.attribute.value.setText("0")
    _count_is(qtbot, builder, 0)
    assert other.hint.text() == "No customer has an attribute named ‘total spent’; did you mean ‘Total Spent’?"
    # Corrected, but with a value the rule refuses: no count comes, and the old hint goes at once.
    other.attribute.name.setText("Total Spent")
    other.attribute.value.setText("lots")
    assert "“Total Spent is more than lots” cannot be checked" in _refused(qtbot, builder)
    assert other.hint.text() == "" and not other.hint.isVisibleTo(builder)
    assert row.hint.text() == ""


def test_a_taken_name_is_refused_in_one_plain_sentence(qtbot, ws, builder):
    SegmentStore(ws).create("VIPs'; DROP TABLE segments; --")
    builder.show()
    qtbot.waitUntil(lambda: _settled(builder) and builder.list.topLevelItemCount() == 1)
    builder.name.setText("VIPs'; DROP TABLE segments; --")
    assert builder.save()
    qtbot.waitUntil(lambda: _settled(builder) and builder.error_label.isVisible())
    assert builder.error_label.text() == ("A segment named 'VIPs'; DROP TABLE segments; --' exists already; "
                                          "choose another name.")
    assert builder.name.property("error") is True and builder.messages == []
    assert [s.name for s in SegmentStore(ws).list()] == ["VIPs'; DROP TABLE segments; --"]
    builder.name.setText("VIPs")
    assert not builder.name.property("error")
    assert builder.save()
    qtbot.waitUntil(lambda: _settled(builder) and builder.list.topLevelItemCount() == 2)
    assert builder.error_label.isHidden()

    builder.new_segment()
    builder.name.setText("   ")
    assert builder.save() is False
    assert builder.error_label.text() == "A segment needs a name."


def test_the_name_field_stops_at_the_longest_name_the_store_takes(qtbot, ws, builder):
    builder.show()
    qtbot.waitUntil(lambda: _settled(builder))
    assert builder.name.maxLength() == MAX_NAME
    builder.name.setFocus()
    builder.name.setText("X" * (MAX_NAME - 2))
    qtbot.keyClicks(builder.name, "YYYYYY")
    assert builder.name.text() == "X" * (MAX_NAME - 2) + "YY"
    builder.name.setText("Z" * 500)
    assert len(builder.name.text()) == MAX_NAME
    assert builder.save()
    store = SegmentStore(ws)
    qtbot.waitUntil(lambda: _settled(builder) and store.find("Z" * MAX_NAME) is not None)
    assert builder.error_label.isHidden() and builder.messages == []


def test_new_with_the_focus_in_a_rule_row_starts_a_new_segment(qtbot, ws, builder):
    from gui.qt import QtWidgets

    first = SegmentStore(ws).create("First")
    builder.show()
    builder.activateWindow()
    qtbot.waitUntil(lambda: builder.isActiveWindow() and _settled(builder) and builder.list.topLevelItemCount() == 1)
    row = builder.editor.root.add_condition()  # focuses the new row's name
    row.attribute.name.setText("plan")
    row.attribute.value.setText("pro")
    assert QtWidgets.QApplication.focusWidget() is row.attribute.name
    builder.new_segment()
    qtbot.waitUntil(lambda: _settled(builder))
    # The rows went away with the focus; the list must not take it and open its first segment.
    assert builder.current_id is None and builder.list.currentItem() is None
    assert QtWidgets.QApplication.focusWidget() is builder.name
    builder.name.setText("Second")
    assert builder.save()
    qtbot.waitUntil(lambda: _settled(builder) and builder.list.topLevelItemCount() == 2)
    assert SegmentStore(ws).get(first.id).name == "First"
