"""The import wizard on an order export with one row per line item: the item columns are offered
as "Line item value", and each order is one event with all its items."""

from __future__ import annotations

import os

from tests.engine.track.test_csv_line_items import SHOPIFY
from tests.gui.test_import_wizard import _choose


def test_line_item_columns_are_chosen_and_gathered(mapping_page_for, ws, tmp_path, qtbot):
    from gui.import_wizard import ImportWizard

    path = tmp_path / "orders_export.csv"
    path.write_text(SHOPIFY, encoding="utf-8")
    wizard = mapping_page_for(path)
    page = wizard.mapping_page
    rows = {r.name: r for r in page.rows}
    assert rows["Name"].target.currentData() == "event_id"
    assert rows["Lineitem name"].target.currentData() == "item"
    assert rows["Lineitem name"].target.currentText() == "Line item value"
    assert rows["Lineitem name"].field.currentText() == "Lineitem name"
    assert rows["Total"].target.currentData() == "property"
    page.event_name.setText("order_completed")
    # Without the order number the items have nothing to gather into: the page says so.
    _choose(rows["Name"].target, "property")
    assert not page.isComplete()
    assert page.plan_error == (
        "Column 'Lineitem quantity' is mapped to 'items.Lineitem quantity', a value of an order's line items, which "
        "needs a column that tells the orders apart (the order number); set its column's “Import as” to “Event id "
        "(order number)”")
    _choose(rows["Name"].target, "event_id")
    _choose(rows["Lineitem sku"].target, "property")  # stays a property of the order (first row's value)
    assert page.plan_error == "" and page.isComplete()
    if os.environ.get("JS_SHOTS"):
        wizard.grab().save(os.path.join(os.environ["JS_SHOTS"], "wizard_line_items.png"))

    wizard.next()  # Import
    qtbot.waitUntil(lambda: wizard.currentId() == ImportWizard.PAGE_RESULT, timeout=20_000)
    result = wizard.result
    assert (result.imported, result.continued, result.skipped) == (2, 2, 0), result.errors
    events = ws.customer_events(ws.find_customer("email", "anna@example.de"))
    order = events[0].properties
    assert [i["Lineitem name"] for i in order["items"]] == ["Blue Mug", "Tea Sampler", "Gift wrap"]
    assert order["Lineitem sku"] == "MUG-B" and "Lineitem sku" not in order["items"][0]
    if os.environ.get("JS_SHOTS"):
        wizard.grab().save(os.path.join(os.environ["JS_SHOTS"], "wizard_line_items_result.png"))
