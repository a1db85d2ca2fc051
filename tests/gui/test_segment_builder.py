"""The segment builder: rules built row by row update the live count and sample, user text matches
literally, errors name the row, and saving or deleting a segment journeys use asks first."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from engine.commands import make_node
from engine.document import Journey
from engine.spec import default_registry
from engine.track.segments import SegmentStore
from gui.qt import Qt, QtGui, QtWidgets


def _seed(ws) -> None:
    now = datetime.now(UTC)
    for i in range(12):
        email = f"c{i}@example.com"
        ws.upsert_customer({"email": email}, {"name": f"Customer {i}", "plan": "pro" if i % 3 == 0 else "free",
                                              "age": 20 + i},
                           tags=["vip"] if i % 4 == 0 else [], consent={"email": i % 2 == 0})
        for n in range(i % 4):  # 0 to 3 orders of 30, 40 and 50
            ws.ingest_event({"email": email}, "order_completed", {"total": 30 + 10 * n},
                            occurred_at=now - timedelta(days=2 + n))


@pytest.fixture
def builder(qtbot, ws):
    from gui.app import make_application
    from gui.segment_builder import SegmentBuilder

    make_application()
    window = SegmentBuilder(ws)
    window.messages = []
    window.questions = []
    window.answer = True
    window._error = lambda title, text: window.messages.append((title, text))
    window._ask_unsaved = lambda name: "discard"

    def confirm(title, text):
        window.questions.append((title, text))
        return window.answer

    window._confirm = confirm
    qtbot.addWidget(window)
    yield window
    window.shutdown()


def _count_is(qtbot, builder, expected: int) -> None:
    qtbot.waitUntil(lambda: not builder.busy and not builder.count_timer.isActive()
                    and builder.last_count == expected)


def test_building_a_rule_updates_the_live_count(qtbot, ws, builder):
    _seed(ws)
    builder.show()
    _count_is(qtbot, builder, 12)  # no conditions: everyone

    row = builder.editor.root.add_condition()
    row.attribute.name.setText("plan")
    row.attribute.value.setText("pro")
    _count_is(qtbot, builder, 4)  # customers 0, 3, 6, 9
    # The operator says how it compares: "is" is exact, capitals included; "contains" ignores them.
    assert "capital letters included" in row.attribute.operator.toolTip()
    contains = row.attribute.operator.findData("contains")
    assert "ignoring capitals" in row.attribute.operator.itemData(contains, Qt.ItemDataRole.ToolTipRole)
    row.attribute.operator.set_key("contains")
    assert "ignoring capitals" in row.attribute.operator.toolTip()
    row.attribute.operator.set_key("eq")
    assert {item.text().split("\n")[0] for item in _sample(builder)} == {f"Customer {i}" for i in (0, 3, 6, 9)}

    # pro AND (vip OR consent for email): vip are 0, 4, 8; consent the even ones
    group = builder.editor.root.add_group()
    first = group.items[0]
    first.kind.set_key("tag")
    first.tag.setText("vip")
    second = group.add_condition()
    second.kind.set_key("consent")
    assert group.match.key() == "any"  # a group added under "all" starts as "any"
    _count_is(qtbot, builder, 2)  # 0 and 6

    # ... AND did order_completed at least once in the last 30 days
    event = builder.editor.root.add_condition()
    event.kind.set_key("event")
    event.event.event.setText("order_completed")
    event.event.within.setValue(30)
    _count_is(qtbot, builder, 1)  # 6 (0 has no orders)

    builder.editor.root.remove_item(group)
    _count_is(qtbot, builder, 3)  # pro with an order: 3, 6, 9
    flt = event.event.add_filter()
    flt.comparison.name.setText("total")
    flt.comparison.operator.set_key("gte")
    flt.comparison.value.setText("40")
    _count_is(qtbot, builder, 2)  # 9 ordered only once, for 30
    event.event.min_count.setValue(2)
    _count_is(qtbot, builder, 1)  # 3 ordered for 40 and 50
    assert builder.editor.rules()["conditions"][1] == {
        "kind": "event", "event": "order_completed", "did": True, "min_count": 2, "within_days": 30,
        "filters": [{"property": "total", "operator": "gte", "value": "40"}]}


def _sample(builder):
    """The sample's customers (without the "no one matches" line)."""
    items = [builder.sample.item(i) for i in range(builder.sample.count())]
    return [item for item in items if item.flags() & Qt.ItemFlag.ItemIsEnabled]


def test_ordering_operators_read_before_and_after_for_a_date(qtbot, ws, builder):
    row = builder.editor.root.add_condition()
    operator = row.attribute.operator
    lt = operator.findData("lt")
    assert operator.itemText(lt) == "is less than"
    row.attribute.value.setText("1990-01-01")
    assert [operator.itemText(operator.findData(k)) for k in ("gt", "gte", "lt", "lte")] == \
        ["is after", "is on or after", "is before", "is on or before"]
    row.attribute.value.setText("100")
    assert operator.itemText(lt) == "is less than"


def test_a_did_not_rule_counts_customers_without_the_event(qtbot, ws, builder):
    _seed(ws)
    builder.show()
    row = builder.editor.root.add_condition()
    row.kind.set_key("event")
    row.event.did.set_key(False)
    row.event.event.setText("order_completed")
    _count_is(qtbot, builder, 3)  # 0, 4 and 8 never ordered


def test_an_event_row_reads_as_a_sentence(qtbot, ws, builder):
    """The event name is a noun: "did not do [order_completed] at all [in the last 60 days]", not
    "did not order_completed at least 1 time"; "did [order_completed] [at least 2 times]"."""
    _seed(ws)
    builder.show()
    row = builder.editor.root.add_condition()
    row.kind.set_key("event")
    editor = row.event
    editor.event.setText("order_completed")
    editor.within.setValue(60)

    def words() -> list[str]:
        return [editor.did.currentText(), editor.event.text(), editor.min_count.lineEdit().text(),
                editor.within.lineEdit().text()]

    assert words() == ["did", "order_completed", "at least 1 time", "in the last 60 days"]
    editor.did.set_key(False)
    assert words() == ["did not do", "order_completed", "at all", "in the last 60 days"]
    assert editor.min_count.value() == 1
    _count_is(qtbot, builder, 3)  # 0, 4 and 8 never ordered
    assert builder.editor.root.to_json()["conditions"][0] == {
        "kind": "event", "event": "order_completed", "did": False, "min_count": 1, "within_days": 60}
    # More than once: "did not do it at least 2 times", i.e. fewer than 2 times (never, or once).
    editor.min_count.setValue(2)
    assert words() == ["did not do", "order_completed", "at least 2 times", "in the last 60 days"]
    _count_is(qtbot, builder, 6)  # 0, 4 and 8 never ordered; 1, 5 and 9 once
    editor.min_count.setValue(1)
    editor.did.set_key(True)
    assert words() == ["did", "order_completed", "at least 1 time", "in the last 60 days"]
    # A saved negated rule loads with the same words.
    loaded = builder.editor.root.add_condition()
    loaded.load({"kind": "event", "event": "order_completed", "did": False, "min_count": 1, "within_days": None})
    assert loaded.event.did.currentText() == "did not do"
    assert loaded.event.min_count.lineEdit().text() == "at all"
    assert loaded.event.within.lineEdit().text() == "ever"


def test_an_injection_looking_value_matches_literally(qtbot, ws, builder):
    _seed(ws)
    odd = ws.upsert_customer({"email": "odd@example.com"}, {"name": "Odd One", "plan": "' OR 1=1 --"})
    builder.show()
    row = builder.editor.root.add_condition()
    row.attribute.name.setText("plan")
    row.attribute.value.setText("' OR 1=1 --")
    _count_is(qtbot, builder, 1)
    assert [item.text().split("\n")[0] for item in _sample(builder)] == ["Odd One"]
    assert builder.last_sample[0].id == odd
    row.attribute.value.setText("x' OR '1'='1")
    _count_is(qtbot, builder, 0)


def test_an_invalid_rule_is_shown_at_its_row(qtbot, ws, builder):
    _seed(ws)
    builder.show()
    group = builder.editor.root.add_group()
    row = group.items[0]
    row.kind.set_key("event")
    where = row.event.add_filter()
    where.comparison.name.setText("total")
    where.comparison.value.setText("40")  # a filter, but no event name yet
    builder.recount()
    assert builder.last_count is None
    assert builder.sample_title.text() == "Sample"  # not the last count's "Sample: n of m"
    assert "condition 1 › 1" in builder.error_label.text()
    assert "event name is empty" in builder.error_label.text()
    assert row.property("error") is True
    assert row.event.event.property("error") is True
    row.event.event.setText("signed_up")
    builder.recount()
    assert builder.error_label.isHidden()
    assert not row.property("error")
    _count_is(qtbot, builder, 0)


def test_empty_rows_are_left_out_of_the_count_until_filled_in(qtbot, ws, builder):
    """A row just added ("+ Condition", "+ Group", "+ where…") is not an error while the count
    runs: it is left out, and the note says so. Saving drops it."""
    _seed(ws)
    builder.show()
    _count_is(qtbot, builder, 12)
    group = builder.editor.root.add_group()  # starts with one empty condition
    qtbot.waitUntil(lambda: not builder.busy and not builder.count_timer.isActive())
    builder.recount()
    _count_is(qtbot, builder, 12)
    assert builder.error_label.isHidden()
    assert group.items[0].property("error") is not True
    assert "1 empty condition is left out" in builder.count_note.text()

    # A filled row after the empty one, with an empty filter and a bad one: the bad one is marked
    # where it is shown (the rows left out do not shift the numbers).
    event = group.add_condition()
    event.kind.set_key("event")
    event.event.event.setText("order_completed")
    event.event.add_filter()
    bad = event.event.add_filter()
    bad.comparison.value.setText("40")  # a value, but no property
    builder.recount()
    assert builder.last_count is None
    assert "condition 1 › 2 › filter 2" in builder.error_label.text()
    assert bad.comparison.name.property("error") is True
    bad.comparison.name.setText("total")
    bad.comparison.operator.set_key("gte")
    builder.recount()
    _count_is(qtbot, builder, 6)  # customers with an order of 40 or more: 2, 3, 6, 7, 10, 11
    assert "2 empty conditions are left out" in builder.count_note.text()
    assert builder.editor.filled_rules()[0]["conditions"] == [{"kind": "group", "match": "any", "conditions": [
        {"kind": "event", "event": "order_completed", "did": True, "min_count": 1, "within_days": None,
         "filters": [{"property": "total", "operator": "gte", "value": "40"}]}]}]

    # Saving drops the empty rows, as the count did, and says so.
    builder.name.setText("Big orders")
    expected = builder.editor.filled_rules()[0]
    assert builder.save() is True
    qtbot.waitUntil(lambda: not builder.busy and len(SegmentStore(ws).list()) == 1)
    assert SegmentStore(ws).list()[0].rules == expected
    assert builder.editor.blank_count() == 0
    assert len(group.items) == 1 and len(event.event.filters) == 1
    assert "2 empty conditions removed" in builder.statusBar().currentMessage()
    assert builder.editor.rules() == expected


def test_saving_a_segment_stores_it_and_lists_it(qtbot, ws, builder):
    _seed(ws)
    builder.show()
    qtbot.waitUntil(lambda: not builder.busy)
    assert builder.save() is False  # no name yet
    assert "name" in builder.error_label.text()

    builder.name.setText("Pro customers")
    builder.description.setPlainText("Paying plans")
    row = builder.editor.root.add_condition()
    row.attribute.name.setText("plan")
    row.attribute.value.setText("pro")
    assert builder.save()
    store = SegmentStore(ws)
    qtbot.waitUntil(lambda: store.find("Pro customers") is not None)
    saved = store.find("Pro customers")
    assert saved.description == "Paying plans"
    assert saved.rules["conditions"] == [{"kind": "attribute", "attribute": "plan", "operator": "eq",
                                          "value": "pro"}]
    qtbot.waitUntil(lambda: builder.list.topLevelItemCount() == 1 and builder.list.topLevelItem(0).text(1) == "4")
    assert builder.list.topLevelItem(0).text(0) == "Pro customers"
    assert builder.current_id == saved.id and not builder.dirty


def test_changing_or_deleting_a_segment_in_use_asks_first(qtbot, ws, builder):
    _seed(ws)
    store = SegmentStore(ws)
    info = store.create("VIPs", {"kind": "group", "match": "all",
                                 "conditions": [{"kind": "tag", "tag": "vip", "has": True}]})
    registry = default_registry()
    node = make_node(registry, "orchestrate.condition", 0, 0, title="Is a VIP",
                     config={"check": {"kind": "segment", "segment_id": info.id}})
    ws.create_journey(Journey(name="VIP welcome", nodes=[node]))

    builder.show()
    qtbot.waitUntil(lambda: builder.list.topLevelItemCount() == 1)
    builder.list.setCurrentItem(builder.list.topLevelItem(0))
    assert builder.current_id == info.id
    _count_is(qtbot, builder, 3)

    builder.editor.root.items[0].tag.setText("gold")
    builder.answer = False
    builder.save()
    qtbot.waitUntil(lambda: bool(builder.questions))
    assert "VIP welcome" in builder.questions[-1][1]
    qtbot.waitUntil(lambda: not builder.busy)
    assert store.get(info.id).rules["conditions"][0]["tag"] == "vip"  # refused: nothing stored

    builder.answer = True
    builder.save()
    qtbot.waitUntil(lambda: store.get(info.id).rules["conditions"][0]["tag"] == "gold")

    builder.questions.clear()
    builder.answer = False
    builder.delete_current()
    qtbot.waitUntil(lambda: bool(builder.questions) and not builder.busy)
    assert "VIP welcome" in builder.questions[-1][1]
    assert store.find("VIPs") is not None
    builder.answer = True
    builder.delete_current()
    qtbot.waitUntil(lambda: store.find("VIPs") is None)
    qtbot.waitUntil(lambda: builder.list.topLevelItemCount() == 0 and not builder.busy)
    assert builder.current_id is None


def test_deleting_the_shown_segment_asks_nothing_more_and_empties_the_form(qtbot, ws, builder):
    store = SegmentStore(ws)
    store.create("Newsletter subscribers", {"kind": "group", "match": "all",
                                            "conditions": [{"kind": "tag", "tag": "news", "has": True}]})
    asked: list[str] = []
    builder._ask_unsaved = lambda name: asked.append(name) or "save"  # "save" would bring it back
    builder.show()
    qtbot.waitUntil(lambda: builder.list.topLevelItemCount() == 1)
    builder.list.setCurrentItem(builder.list.topLevelItem(0))
    builder.delete_current()
    qtbot.waitUntil(lambda: builder.list.topLevelItemCount() == 0 and not builder.busy)
    assert asked == []
    assert store.list() == []
    assert (builder.current_id, builder.name.text(), builder.dirty) == (None, "", False)


def test_a_saved_segment_loads_back_into_the_editor_unchanged(qtbot, ws, builder):
    store = SegmentStore(ws)
    rules = {"kind": "group", "match": "any", "conditions": [
        {"kind": "attribute", "attribute": "age", "operator": "gte", "value": 30},
        {"kind": "attribute", "attribute": "plan", "operator": "in", "value": ["pro", "team"]},
        {"kind": "consent", "channel_kind": "push", "granted": False},
        {"kind": "group", "match": "all", "conditions": [
            {"kind": "event", "event": "order_completed", "did": False, "min_count": 2, "within_days": 60,
             "filters": [{"property": "coupon", "operator": "exists"}]}]}]}
    store.create("Mixed", rules)
    builder.show()
    qtbot.waitUntil(lambda: builder.list.topLevelItemCount() == 1)
    builder.list.setCurrentItem(builder.list.topLevelItem(0))
    assert not builder.dirty
    loaded = builder.editor.rules()
    assert loaded["conditions"][0]["value"] == 30  # an untouched number stays a number
    assert loaded["conditions"][1]["value"] == ["pro", "team"]
    assert loaded["conditions"][2] == {"kind": "consent", "channel_kind": "push", "granted": False}
    assert loaded["conditions"][3]["conditions"][0]["filters"] == [{"property": "coupon", "operator": "exists"}]


def _completions(edit, prefix: str) -> list[str]:
    completer = edit.completer()
    completer.setCompletionPrefix(prefix)
    model = completer.completionModel()
    return [model.index(i, 0).data() for i in range(model.rowCount())]


def test_names_complete_and_a_name_nothing_has_gets_a_hint(qtbot, ws, builder):
    now = datetime.now(UTC)
    ws.upsert_customer({"email": "ann@example.com"}, {"City": "Tokyo", "plan": "pro"}, tags=["VIP"])
    ws.upsert_customer({"email": "bob@example.com"}, {"City": "Lyon"})
    ws.ingest_event({"email": "ann@example.com"}, "Order Completed", {"total": 40}, occurred_at=now)
    builder.show()
    qtbot.waitUntil(lambda: not builder.busy and builder.editor.vocabulary.known.events == ["Order Completed"])

    event = builder.editor.root.add_condition()
    event.kind.set_key("event")
    # Completion ignores capitals and matches anywhere in the name.
    assert _completions(event.event.event, "completed") == ["Order Completed"]
    event.event.event.setText("order completed")
    _count_is(qtbot, builder, 0)
    assert event.hint.isVisibleTo(builder)
    assert event.hint.text() == "No event named ‘order completed’ has been received; did you mean ‘Order Completed’?"
    event.event.event.setText("Order Completed")
    _count_is(qtbot, builder, 1)
    assert not event.hint.isVisibleTo(builder) and event.hint.text() == ""
    flt = event.event.add_filter()
    assert _completions(flt.comparison.name, "TOT") == ["total"]
    event.event._remove_filter(flt)  # an empty filter would make the rules invalid
    event.event.event.setText("Refund Issued")
    _count_is(qtbot, builder, 0)
    assert event.hint.text() == "No event named ‘Refund Issued’ has been received yet."
    builder.editor.root.remove_item(event)

    city = builder.editor.root.add_condition()
    assert _completions(city.attribute.name, "cit") == ["City"]
    city.attribute.name.setText("city")
    city.attribute.value.setText("Tokyo")
    _count_is(qtbot, builder, 0)
    assert city.hint.text() == "No customer has an attribute named ‘city’; did you mean ‘City’?"
    city.attribute.name.setText("City")
    assert _completions(city.attribute.value, "o") == ["Lyon", "Tokyo"]
    city.attribute.value.setText("tokyo")
    _count_is(qtbot, builder, 0)
    assert city.hint.text().startswith("Customers have ‘Tokyo’, not ‘tokyo’")
    city.attribute.value.setText("Tokyo")
    _count_is(qtbot, builder, 1)
    assert city.hint.text() == ""

    city.kind.set_key("tag")
    assert _completions(city.tag, "v") == ["VIP"]
    # Tags match in any case: "vip" finds the customer tagged "VIP", and the field says so.
    city.tag.setText("vip")
    _count_is(qtbot, builder, 1)
    assert city.hint.text() == ""
    assert "“VIP”, “vip” and “Vip” are one tag" in city.tag.toolTip()


def test_the_sample_title_says_how_many_of_the_matches_it_shows(qtbot, ws, builder, monkeypatch):
    import gui.segment_builder as sb

    monkeypatch.setattr(sb, "SAMPLE_SIZE", 5)
    _seed(ws)
    builder.show()
    _count_is(qtbot, builder, 12)
    assert len(_sample(builder)) == 5 and builder.sample_title.text() == "Sample: 5 of 12"
    row = builder.editor.root.add_condition()
    row.attribute.name.setText("plan")
    row.attribute.value.setText("pro")
    _count_is(qtbot, builder, 4)
    assert builder.sample_title.text() == "Sample" and len(_sample(builder)) == 4  # everyone who matches


def test_export_members_writes_a_workbook_and_cancel_writes_nothing(qtbot, ws, builder, tmp_path, monkeypatch):
    openpyxl = pytest.importorskip("openpyxl")
    _seed(ws)
    ws.upsert_customer({"phone": "+33612345678"}, {"name": "Zoé", "plan": "pro"})
    builder.show()
    _count_is(qtbot, builder, 13)
    assert builder.export_button.isEnabled()
    row = builder.editor.root.add_condition()
    row.attribute.name.setText("plan")
    row.attribute.value.setText("pro")
    builder.name.setText("Pro: plan?")
    _count_is(qtbot, builder, 5)
    asked = []
    target = tmp_path / "pro.xlsx"
    builder._ask_export_path = lambda suggested: asked.append(suggested) or str(target)

    builder.export_members()
    qtbot.waitUntil(lambda: builder._export is None and not builder.busy)
    assert [p.name for p in asked] == ["Pro plan.xlsx"]                  # a file name any system takes
    assert builder.messages == [] and target.exists()
    rows = list(openpyxl.load_workbook(target).active.iter_rows(values_only=True))
    assert len(rows) == 6 and rows[0][:3] == ("customer_id", "email", "phone")
    assert "+33612345678" in [r[2] for r in rows]                       # text, the + kept
    assert builder.statusBar().currentMessage() == f"Exported 5 customers to {target}"
    assert builder.export_button.isEnabled()

    # Cancelled on the first progress report: nothing is written, the old file stays.
    import engine.track.member_export as member_export

    monkeypatch.setattr(member_export, "CHUNK", 1)
    target.write_bytes(b"old")

    def cancel_soon(*args, **kwargs):
        builder._export[1].set()
        return real_summaries(*args, **kwargs)

    import gui.segment_builder as module

    real_summaries = module.member_summaries
    monkeypatch.setattr(module, "member_summaries", cancel_soon)
    builder.export_members()
    qtbot.waitUntil(lambda: builder._export is None and not builder.busy)
    assert target.read_bytes() == b"old" and builder.messages == []
    assert builder.statusBar().currentMessage() == "Export cancelled; nothing was written"
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("workspace.db")] == ["pro.xlsx"]

    # An old Excel format is refused before anything is read.
    builder._ask_export_path = lambda suggested: str(tmp_path / "pro.xls")
    builder.export_members()
    assert builder.messages and "name the file .xlsx" in builder.messages[-1][1]
    assert builder._export is None


def test_a_failed_export_says_why_and_a_cancel_still_says_cancelled(qtbot, ws, builder, tmp_path, monkeypatch):
    _seed(ws)
    builder.show()
    _count_is(qtbot, builder, 12)
    # A folder that does not exist: the export fails, and the reason is shown (not "cancelled").
    target = tmp_path / "missing" / "members.csv"
    builder._ask_export_path = lambda suggested: str(target)
    builder.export_members()
    qtbot.waitUntil(lambda: builder._export is None and not builder.busy)
    assert len(builder.messages) == 1
    title, text = builder.messages[0]
    assert title == "Export members" and "cannot write there" in text and str(target) in text
    assert builder.statusBar().currentMessage() != "Export cancelled; nothing was written"
    assert not target.parent.exists()
    assert builder.export_button.isEnabled()

    # The Cancel button of the progress dialog still cancels, and says so.
    import engine.track.member_export as member_export
    import gui.segment_builder as module

    monkeypatch.setattr(member_export, "CHUNK", 1)
    builder.messages.clear()
    target = tmp_path / "members.csv"
    builder._ask_export_path = lambda suggested: str(target)
    proceed = threading.Event()
    real_write = module.write_members

    def write_after_cancel(*args, **kwargs):
        proceed.wait(10)
        return real_write(*args, **kwargs)

    monkeypatch.setattr(module, "write_members", write_after_cancel)
    builder.export_members()
    progress = builder._export[0]
    cancel = progress.findChild(QtWidgets.QPushButton)
    assert cancel.text() == "Cancel"
    cancel.click()
    proceed.set()
    qtbot.waitUntil(lambda: builder._export is None and not builder.busy)
    assert builder.messages == [] and not target.exists()
    assert builder.statusBar().currentMessage() == "Export cancelled; nothing was written"


def test_the_suggested_file_name_fits_any_file_system():
    from gui.segment_builder import file_name

    chinese = "高价值客户" * 18 + "王"  # 91 characters, 273 bytes in UTF-8
    name = file_name(chinese)
    assert len((name + ".xlsx").encode("utf-8")) <= 155
    assert chinese.startswith(name) and len(name) == 50  # cut between characters, never inside one
    assert file_name("a" * 300) == "a" * 100
    assert file_name("é" * 120) == "é" * 75  # two bytes each
    assert file_name("Pro: plan?") == "Pro plan"
    assert file_name("   ") == "members"
    assert file_name("a\ud800b") == "a b"  # a lone surrogate has no UTF-8 form


def _line_heights(font, text: str) -> list[float]:
    """Each line of ``text`` as laid out in ``font``, fallback fonts (Chinese) included."""
    heights = []
    for part in text.split("\n"):
        layout = QtGui.QTextLayout(part, font)
        layout.beginLayout()
        line = layout.createLine()
        line.setLineWidth(10_000)
        heights.append(line.height())
        layout.endLayout()
    return heights


def test_a_sample_customer_with_a_chinese_name_shows_both_lines(qtbot, ws, builder):
    ws.upsert_customer({"email": "wang.xiaoming@example.cn"}, {"name": "王小明"})
    ws.upsert_customer({"email": "lihua@example.cn"}, {"name": "李华"})
    ws.upsert_customer({"email": "ann@example.com"}, {"name": "Ann Smith"})
    builder.resize(1280, 800)
    builder.show()
    _count_is(qtbot, builder, 3)
    items = {item.text().split("\n")[0]: item for item in _sample(builder)}
    assert items["王小明"].text() == "王小明\nwang.xiaoming@example.cn"
    font = builder.sample.font()
    ann = builder.sample.visualItemRect(items["Ann Smith"]).height()
    # What a row adds around its text (padding, border), from a Latin row, where both lines show.
    around = ann - sum(_line_heights(font, items["Ann Smith"].text()))
    for name in ("王小明", "李华"):
        item = items[name]
        lines = _line_heights(font, item.text())
        height = builder.sample.visualItemRect(item).height()
        assert height == builder.sample.sizeHintForIndex(builder.sample.indexFromItem(item)).height()
        # The style draws a line only when the next one fits at the same height: the text area
        # holds the tallest line (the name, in a fallback font) twice, or the e-mail is hidden.
        assert height - around >= 2 * max(lines), (name, height, around, lines)
        assert height - around >= 2 * builder.sample.fontMetrics().lineSpacing()
