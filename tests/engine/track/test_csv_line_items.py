"""An order export with one row per line item: the rows of an order are one event whose ``items``
list holds every item, whichever batch of the file the rows fall in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.cli import main
from engine.track.csv_import import CsvImportError, ImportOptions, import_events, preview

SHOPIFY = ("Name,Email,Financial Status,Created at,Total,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku\n"
           "#1001,anna@example.de,paid,2026-10-02 14:23:11 +0200,150.00,1,Blue Mug,12.50,MUG-B\n"
           "#1001,anna@example.de,,2026-10-02 14:23:11 +0200,,2,Tea Sampler,60.00,TEA-S\n"
           "#1001,anna@example.de,,2026-10-02 14:23:11 +0200,,1,Gift wrap,,\n"
           "#1002,bo@example.com,paid,2026-06-15 09:01:44 -0400,39.00,3,Green Mug,13.00,MUG-G\n")


def _file(tmp_path: Path, text: str, name: str = "orders_export.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _options(**kwargs) -> ImportOptions:
    return ImportOptions(event_name="order_completed", time_zone="Europe/Berlin", **kwargs)


def _orders(ws, email: str) -> dict[str, dict]:
    return {e.properties["Name"]: e.properties for e in ws.customer_events(ws.find_customer("email", email))}


def test_line_item_columns_are_suggested_next_to_an_order_number(tmp_path):
    head = preview(_file(tmp_path, SHOPIFY), "events")
    assert head.mapping["Name"] == "event_id"
    assert {c: t for c, t in head.mapping.items() if t.startswith("items.")} == {
        "Lineitem quantity": "items.Lineitem quantity", "Lineitem name": "items.Lineitem name",
        "Lineitem price": "items.Lineitem price", "Lineitem sku": "items.Lineitem sku"}
    assert head.mapping["Total"] == "properties.Total"


def test_every_row_of_an_order_adds_its_item(ws, tmp_path):
    result = import_events(ws, _file(tmp_path, SHOPIFY), _options())
    assert (result.imported, result.continued, result.skipped) == (2, 2, 0), result.errors
    assert "2 rows adding their line item to the event above (same 'Name')" in result.summary()
    assert result.item_columns == ["Lineitem quantity", "Lineitem name", "Lineitem price", "Lineitem sku"]
    order = _orders(ws, "anna@example.de")["#1001"]
    assert order["Total"] == 150.0 and order["Financial Status"] == "paid"
    assert order["items"] == [
        {"Lineitem name": "Blue Mug", "Lineitem price": 12.5, "Lineitem quantity": 1, "Lineitem sku": "MUG-B"},
        {"Lineitem name": "Tea Sampler", "Lineitem price": 60.0, "Lineitem quantity": 2, "Lineitem sku": "TEA-S"},
        {"Lineitem name": "Gift wrap", "Lineitem quantity": 1}]
    assert "Lineitem name" not in order  # an item's value is in the list only
    single = _orders(ws, "bo@example.com")["#1002"]
    assert single["items"] == [{"Lineitem name": "Green Mug", "Lineitem price": 13.0, "Lineitem quantity": 3,
                                "Lineitem sku": "MUG-G"}]
    again = import_events(ws, _file(tmp_path, SHOPIFY), _options())
    assert (again.imported, again.duplicates, again.continued) == (0, 2, 2)


@pytest.mark.parametrize("parallel", [False, True])
@pytest.mark.parametrize("batch_rows", [1, 2, 3, 7])
def test_an_order_cut_by_a_batch_boundary_keeps_all_its_items(ws, tmp_path, parallel, batch_rows):
    lines = ["Order ID,Email,Date,Item Name,Quantity"]
    expected: dict[str, list[dict]] = {}
    for order in range(1, 13):
        items = [{"Item Name": f"item {order}-{i}", "Quantity": i} for i in range(1, 1 + order % 4 + 1)]
        expected[f"A-{order}"] = items
        for item in items:
            lines.append(f"A-{order},c{order % 3}@example.com,2026-11-{order:02d} 10:00,{item['Item Name']},"
                         f"{item['Quantity']}")
        if order == 5:
            lines.append(",,,,")  # a blank row inside the file
    path = _file(tmp_path, "\n".join(lines) + "\n", "woo_orders.csv")
    result = import_events(ws, path, _options(parallel=parallel, batch_rows=batch_rows))
    assert result.skipped == 0, result.errors
    assert (result.imported, result.continued) == (12, sum(len(v) for v in expected.values()) - 12)
    assert result.rows_read == sum(len(v) for v in expected.values())
    stored = {}
    for n in range(3):
        for event in ws.customer_events(ws.find_customer("email", f"c{n}@example.com")):
            stored[event.properties["Order ID"]] = event.properties["items"]
    assert stored == expected


def test_items_need_an_order_number_and_keep_clear_of_a_property_named_items(ws, tmp_path):
    text = "email,time,ref,sku,items\na@example.com,2026-11-01 10:00,R1,X,3\n"
    path = _file(tmp_path, text, "plain.csv")
    with pytest.raises(CsvImportError, match="needs a column that tells the orders apart"):
        import_events(ws, path, _options(mapping={"sku": "items"}))
    with pytest.raises(CsvImportError, match="'items' is mapped to 'properties.items'"):
        import_events(ws, path, _options(mapping={"sku": "items", "ref": "event_id", "items": "properties.items"}))


def test_the_command_line_maps_line_items(tmp_path, capsys):
    workspace = str(tmp_path / "ws")
    path = _file(tmp_path, SHOPIFY.replace("Lineitem", "Position"), "orders.csv")
    args = ["import", "events", str(path), "--workspace", workspace, "--event-name", "order_completed",
            "--time-zone", "Europe/Berlin", "--map", "Position name=items", "--map", "Position sku=items.sku",
            "--map", "Name=event_id"]
    assert main([*args, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "  Position name → items[].Position name (text; one entry per row of the event)" in out
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "2 rows adding their line item to the event above (same 'Name')" in out
    assert "each order's line items ('Position name', 'Position sku') are in its event's property 'items'" in out
    from engine.store import Workspace

    ws = Workspace.open(Path(workspace))
    try:
        order = _orders(ws, "anna@example.de")["#1001"]
    finally:
        ws.close()
    assert [i.get("sku") for i in order["items"]] == ["MUG-B", "TEA-S", None]
    assert json.dumps(order["items"][0], ensure_ascii=False) == '{"Position name": "Blue Mug", "sku": "MUG-B"}'
