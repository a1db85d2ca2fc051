"""Values of ordering rules (is more than / at least / less than / at most): a number or a date,
decimal commas read, other text refused naming the rule and value; dates compared as days on
SQLite and PostgreSQL alike; and the check for event properties nobody sends."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.dialects import postgresql, sqlite

from engine.errors import SegmentInvalid
from engine.store import Workspace
from engine.track.segments import (
    SegmentStore,
    compile_rules,
    matches,
    missing_properties,
    ordering_value,
    parse_rules,
    rules_json,
)

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def ws(any_ws):
    return any_ws


def rule(*conditions: dict) -> dict:
    return {"kind": "group", "match": "all", "conditions": list(conditions)}


def attr(name: str, operator: str, value) -> dict:
    return {"kind": "attribute", "attribute": name, "operator": operator, "value": value}


def bought(*filters: dict) -> dict:
    return {"kind": "event", "event": "Order Completed", "filters": list(filters)}


def both_ways(ws: Workspace, rules: dict) -> set[str]:
    """Who passes ``rules``, checking that SQL and Python agree."""
    in_sql = set(SegmentStore(ws).members(rules, NOW))
    in_python = {cid for cid in _everyone(ws)
                 if matches(rules, ws.get_customer(cid), ws.customer_events(cid), NOW)}
    assert in_sql == in_python
    return in_sql


def _everyone(ws: Workspace) -> list[str]:
    from sqlalchemy import select

    from engine.store.models import CustomerRow

    with ws.engine.connect() as conn:
        return list(conn.scalars(select(CustomerRow.id)))


# ---------------------------------------------------------------------------------------------
# What an ordering rule accepts
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "meant"), [
    ("100", "100"), ("12,5", "12.5"), ("-12,75", "-12.75"), (" 100 ", "100"), ("+5", "5"), (".5", "0.5"),
    ("0,500", "0.500"), ("1234,567", "1234.567"), ("1.000", "1.000"), ("2025-01-01", "2025-01-01"),
    (" 2024-02-29 ", "2024-02-29"),
    # Thousands separators that only one reading fits.
    ("1.000,5", "1000.5"), ("1,000.5", "1000.5"), ("1 000", "1000"), ("1.234.567", "1234567"),
    ("-12.345,67", "-12345.67"),
])
def test_numbers_and_dates_are_read_as_typed(typed, meant):
    assert ordering_value(typed) == meant
    stored = rules_json(rule(attr("Total Spent", "gte", typed)))
    assert stored["conditions"][0]["value"] == meant


@pytest.mark.parametrize(("typed", "advice"), [
    ("abc", "neither a number nor a date; write a number like 12.5 or a date like 2025-01-01"),
    ("1.000.5", "without thousands separators and with a decimal point, like 1000.5"),
    ("1,000,5", "without thousands separators"),
    ("1,000", "could mean 1000 or 1.000; write 1000, or 1.000 with a decimal point"),
    ("01/02/2025", "write dates year-month-day, like 2025-02-01"),
    ("1.1.25", "write dates year-month-day, like 2025-01-01"),
    ("2025/1/1", "write dates year-month-day, like 2025-01-01"),
    ("2025-02-30", "not a day of the calendar"),
    ("2025-01-01T10:00", "compare with the day alone, like 2025-01-01"),
    ("1e3", "neither a number nor a date"),
    ("1" * 31, "more than 30 digits"),
])
def test_other_text_is_refused_naming_the_rule_the_value_and_how_to_write_it(typed, advice):
    with pytest.raises(SegmentInvalid) as caught:
        parse_rules(rule(attr("plan", "eq", "pro"), attr("Total Spent", "gte", typed)))
    assert caught.value.path == "conditions[1].value"
    assert caught.value.message.startswith(f"“Total Spent is at least {typed.strip()}” cannot be checked: ")
    assert f"‘{typed.strip()}’" in caught.value.message
    assert advice in caught.value.message


def test_an_empty_value_is_refused():
    with pytest.raises(SegmentInvalid) as caught:
        parse_rules(rule(attr("Total Spent", "lte", "  ")))
    assert caught.value.path == "conditions[0].value"
    assert caught.value.message == ("“Total Spent is at most” cannot be checked: the value is empty; write a number "
                                    "like 12.5 or a date like 2025-01-01")


def test_an_event_filter_is_refused_at_its_value_too():
    with pytest.raises(SegmentInvalid) as caught:
        parse_rules(rule(bought({"property": "amount", "operator": "lt", "value": "12.5€"})))
    assert caught.value.path == "conditions[0].filters[0].value"
    assert caught.value.message.startswith("“amount is less than 12.5€” cannot be checked")


def test_the_store_refuses_to_save_a_rule_it_cannot_check(lite: Workspace):
    store = SegmentStore(lite)
    with pytest.raises(SegmentInvalid, match="“signup is more than 01/02/2025”"):
        store.create("New this year", rule(attr("signup", "gt", "01/02/2025")))
    assert store.list() == []
    saved = store.create("Big spenders", rule(attr("Total Spent", "gte", "12,5")))
    assert saved.rules["conditions"][0]["value"] == "12.5"


def test_a_long_value_is_shortened_in_the_message():
    with pytest.raises(SegmentInvalid) as caught:
        parse_rules(rule(attr("note", "gt", "x" * 900)))
    assert len(caught.value.message) < 300 and "x" * 39 + "…" in caught.value.message


def test_other_operators_keep_their_text():
    stored = rules_json(rule(attr("price", "eq", "12,5"), attr("name", "contains", "1.000,5"),
                             attr("when", "in", ["01/01/2025"])))
    assert [c["value"] for c in stored["conditions"]] == ["12,5", "1.000,5", ["01/01/2025"]]


# ---------------------------------------------------------------------------------------------
# Counts on both databases
# ---------------------------------------------------------------------------------------------

def test_a_decimal_comma_counts_as_the_number(ws: Workspace):
    small = ws.upsert_customer({"user_id": "a"}, {"Total Spent": 12.0})
    exact = ws.upsert_customer({"user_id": "b"}, {"Total Spent": 12.5})
    text = ws.upsert_customer({"user_id": "c"}, {"Total Spent": "12.7"})
    big = ws.upsert_customer({"user_id": "d"}, {"Total Spent": 1234.5})
    ws.upsert_customer({"user_id": "e"}, {"Total Spent": "lots"})
    assert both_ways(ws, rule(attr("Total Spent", "gte", "12,5"))) == {exact, text, big}
    assert both_ways(ws, rule(attr("Total Spent", "lt", "12,5"))) == {small}
    assert SegmentStore(ws).count(rule(attr("Total Spent", "gt", " 1000 ")), NOW) == 1
    ws.ingest_event({"user_id": "a"}, "Order Completed", {"amount": 12.5}, occurred_at=NOW)
    ws.ingest_event({"user_id": "b"}, "Order Completed", {"amount": 9}, occurred_at=NOW)
    assert both_ways(ws, rule(bought({"property": "amount", "operator": "gte", "value": "12,5"}))) == {small}


def test_dates_compare_as_days_never_as_text(ws: Workspace):
    before = ws.upsert_customer({"user_id": "a"}, {"signup": "2024-12-31"})
    first = ws.upsert_customer({"user_id": "b"}, {"signup": "2025-01-01"})
    timed = ws.upsert_customer({"user_id": "c"}, {"signup": "2025-01-01T08:00:00+00:00"})
    spaced = ws.upsert_customer({"user_id": "d"}, {"signup": "2025-01-01 23:59:59"})
    later = ws.upsert_customer({"user_id": "e"}, {"signup": "2025-03-05"})
    # As text "2025/06/01" sorts after "2025-01-01" and "9999" after every date: neither is a date.
    ws.upsert_customer({"user_id": "f"}, {"signup": "2025/06/01"})
    ws.upsert_customer({"user_id": "g"}, {"signup": "9999"})
    ws.upsert_customer({"user_id": "h"}, {"signup": 20250601})
    ws.upsert_customer({"user_id": "i"}, {"signup": "2025-06-01x"})
    ws.upsert_customer({"user_id": "j"}, {})
    on_the_day = {first, timed, spaced}
    assert both_ways(ws, rule(attr("signup", "gte", "2025-01-01"))) == on_the_day | {later}
    assert both_ways(ws, rule(attr("signup", "gt", "2025-01-01"))) == {later}
    assert both_ways(ws, rule(attr("signup", "lte", "2025-01-01"))) == on_the_day | {before}
    assert both_ways(ws, rule(attr("signup", "lt", "2025-01-01"))) == {before}
    assert SegmentStore(ws).count(rule(attr("signup", "gte", "2025-01-01")), NOW) == 4
    with pytest.raises(SegmentInvalid, match="year-month-day"):
        SegmentStore(ws).count(rule(attr("signup", "gte", "01/02/2025")), NOW)


def test_is_with_a_decimal_comma_also_matches_the_number(ws: Workspace):
    exact = ws.upsert_customer({"user_id": "a"}, {"size": 12.5})
    text = ws.upsert_customer({"user_id": "b"}, {"size": "12.5"})
    as_typed = ws.upsert_customer({"user_id": "c"}, {"size": "12,5"})
    ws.upsert_customer({"user_id": "d"}, {"size": 125})
    thousand = ws.upsert_customer({"user_id": "e"}, {"size": 1000})
    assert thousand not in both_ways(ws, rule(attr("size", "eq", "1,000")))
    one = ws.upsert_customer({"user_id": "f"}, {"size": 1})
    written = ws.upsert_customer({"user_id": "g"}, {"size": "1,000"})
    assert both_ways(ws, rule(attr("size", "eq", "12,5"))) == {exact, text, as_typed}
    assert both_ways(ws, rule(attr("size", "in", ["12,5", "7"]))) == {exact, text, as_typed}
    assert both_ways(ws, rule(attr("size", "ne", "12,5"))).isdisjoint({exact, text, as_typed})
    # A thousand, or one? Only the text as written matches.
    assert both_ways(ws, rule(attr("size", "eq", "1,000"))) == {written}
    assert one not in both_ways(ws, rule(attr("size", "eq", "1,000")))
    ws.ingest_event({"user_id": "a"}, "Order Completed", {"amount": 12.5}, occurred_at=NOW)
    assert both_ways(ws, rule(bought({"property": "amount", "operator": "eq", "value": "12,5"}))) == {exact}


def test_is_with_a_date_matches_times_on_that_day(ws: Workspace):
    plain = ws.upsert_customer({"user_id": "a"}, {"signup": "2025-01-01"})
    timed = ws.upsert_customer({"user_id": "b"}, {"signup": "2025-01-01T08:00:00+00:00"})
    spaced = ws.upsert_customer({"user_id": "c"}, {"signup": "2025-01-01 23:59:59"})
    ws.upsert_customer({"user_id": "d"}, {"signup": "2025-01-02T00:00:00Z"})
    ws.upsert_customer({"user_id": "e"}, {"signup": "2025-01-01x"})
    ws.upsert_customer({"user_id": "f"}, {"signup": "01/01/2025"})
    others = ws.upsert_customer({"user_id": "g"}, {})
    on_the_day = {plain, timed, spaced}
    assert both_ways(ws, rule(attr("signup", "eq", "2025-01-01"))) == on_the_day
    assert both_ways(ws, rule(attr("signup", "ne", "2025-01-01"))).isdisjoint(on_the_day)
    assert others in both_ways(ws, rule(attr("signup", "ne", "2025-01-01")))
    # Not a day of the calendar: text only.
    ws.upsert_customer({"user_id": "h"}, {"signup": "2025-02-30T10:00:00"})
    assert both_ways(ws, rule(attr("signup", "eq", "2025-02-30"))) == set()


def test_dates_in_event_properties(ws: Workspace):
    ann = ws.upsert_customer({"user_id": "ann"}, {})
    bob = ws.upsert_customer({"user_id": "bob"}, {})
    ws.ingest_event({"user_id": "ann"}, "Order Completed", {"ship": {"on": "2025-05-02T09:00:00Z"}}, occurred_at=NOW)
    ws.ingest_event({"user_id": "bob"}, "Order Completed", {"ship": {"on": "02/05/2025"}}, occurred_at=NOW)
    filt = {"property": "ship.on", "operator": "gte", "value": "2025-05-01"}
    assert both_ways(ws, rule(bought(filt))) == {ann}
    assert both_ways(ws, rule({**bought(filt), "did": False})) == {bob}


@pytest.mark.parametrize("dialect", [sqlite.dialect(), postgresql.psycopg.dialect()])
def test_numbers_and_dates_are_bound_never_written_into_the_sql(dialect):
    rules = rule(attr("signup", "gte", "2031-07-19"), attr("Total Spent", "lt", "98765,25"))
    sql = str(compile_rules(rules, dialect.name, NOW).compile(dialect=dialect))
    assert "2031" not in sql and "98765" not in sql


# ---------------------------------------------------------------------------------------------
# Properties nobody sends
# ---------------------------------------------------------------------------------------------

def test_missing_properties_are_looked_for_in_events_of_their_name(ws: Workspace):
    ws.ingest_event({"user_id": "a"}, "Order Completed", {"amount": 5, "shipping": {"city": "Lyon"}, "gone": None},
                    occurred_at=NOW)
    ws.ingest_event({"user_id": "a"}, "Refund Issued", {"reason": "late"}, occurred_at=NOW)
    pairs = [("Order Completed", "amount"), ("Order Completed", "Amount"), ("Order Completed", "shipping.city"),
             ("Order Completed", "reason"), ("Order Completed", "gone"), ("Refund Issued", "reason"),
             ("Never Sent", "amount"), ("Order Completed", 'bad "name"')]
    assert missing_properties(ws, pairs) == {("Order Completed", "Amount"), ("Order Completed", "reason"),
                                             ("Order Completed", "gone"), ("Never Sent", "amount")}


@pytest.fixture
def lite(tmp_path):
    workspace = Workspace.open(tmp_path / "workspace.db")
    yield workspace
    workspace.close()


def test_a_name_differing_only_in_capitals_or_spaces_is_taken(tmp_path):
    from engine.errors import SegmentInvalid
    from engine.store import Workspace
    from engine.track.segments import SegmentStore

    with Workspace.open(tmp_path / "workspace.db") as ws:
        store = SegmentStore(ws)
        vips = store.create("VIPs")
        for name in ("vips", " VIPS ", "vips\t"):
            with pytest.raises(SegmentInvalid, match="a segment named 'VIPs' exists already"):
                store.create(name)
        other = store.create("Lapsed")
        with pytest.raises(SegmentInvalid, match="'VIPs' exists already"):
            store.update(other.id, name="vIPs")
        assert store.update(vips.id, name="vips").name == "vips"  # its own name, in other capitals


def test_segments_named_alike_before_the_check_still_save_their_rules(tmp_path):
    from sqlalchemy import update

    from engine.store import Workspace
    from engine.track.segments import SegmentStore, _segments

    with Workspace.open(tmp_path / "workspace.db") as ws:
        store = SegmentStore(ws)
        upper, lower = store.create("VIPs"), store.create("Others")
        # A workspace saved before names were compared without capitals.
        with ws._session(write=True) as s:
            s.connection().execute(update(_segments).where(_segments.c.id == lower.id).values(name="vips"))
        tagged = rule({"kind": "tag", "tag": "vip", "has": True})
        # What the segment builder sends on Save: the name as it stands, and the rules.
        assert store.update(upper.id, name="VIPs", rules=tagged).rules == rules_json(tagged)
        assert store.update(lower.id, name="vips", description="old").description == "old"
        store.create("Lapsed")
        with pytest.raises(SegmentInvalid, match="'Lapsed' exists already"):
            store.update(lower.id, name="lapsed")  # a new name is still checked


def test_chinese_names_match_whether_stored_escaped_or_as_written(ws: Workspace, tmp_path):
    """The CSV import and the collector store 金额 as written; a profile saved through the store
    escapes it (\\u91d1\\u989d). Rules on such attributes and event properties find both."""
    from engine.track.csv_import import import_customers, import_events

    customers = tmp_path / "customers.csv"
    customers.write_text("手机号码,累计消费,城市\n+8613800138000,1234.5,北京\n+8613900139000,99,上海\n", encoding="utf-8")
    import_customers(ws, customers)
    orders = tmp_path / "orders.csv"
    orders.write_text("手机号码,事件,下单时间,金额\n"
                      f"+8613800138000,下单,{NOW:%Y-%m-%d} 08:00:00,56.0\n"
                      f"+8613900139000,下单,{NOW:%Y-%m-%d} 09:00:00,12.0\n", encoding="utf-8")
    import_events(ws, orders)
    escaped = ws.upsert_customer({"user_id": "app-user"}, {"累计消费": 2000, "城市": "北京"})
    ws.ingest_event({"user_id": "app-user"}, "下单", {"金额": 88.0}, occurred_at=NOW)
    zhang = ws.find_customer("phone", "+8613800138000")
    assert both_ways(ws, rule(attr("累计消费", "gte", "1000"))) == {zhang, escaped}
    assert both_ways(ws, rule(attr("城市", "eq", "北京"))) == {zhang, escaped}
    ordered = {"kind": "event", "event": "下单", "filters": [{"property": "金额", "operator": "gte", "value": 50}]}
    assert both_ways(ws, rule(ordered)) == {zhang, escaped}
