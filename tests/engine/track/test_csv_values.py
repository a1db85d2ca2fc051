"""Tests of how a CSV import reads values: numbers with thousands separators (decided from the whole
column, the ambiguous ones kept as text with a warning), dates typed in the other day/month order
than the rest of their column, and the leading apostrophe that Shopify writes before identifiers and
ZIP codes. Files are written as spreadsheets save them: UTF-8, and UTF-16 tab-separated text."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import select

from engine.cli import main
from engine.store import Workspace
from engine.store.models import EventRow, IdentifierRow
from engine.track.csv_import import ImportOptions, import_customers, import_events, make_plan, preview
from engine.track.csv_types import ColumnType, converter, infer_type


def write(path: Path, rows: list[list[str]], *, encoding: str = "utf-8", delimiter: str = ",") -> Path:
    with open(path, "w", encoding=encoding, newline="") as fh:
        csv.writer(fh, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return path


def excel_text(path: Path, rows: list[list[str]]) -> Path:
    """What Excel's "Unicode text" writes: UTF-16 with a byte order mark, tab-separated."""
    return write(path, rows, encoding="utf-16", delimiter="\t")


def attribute(ws: Workspace, email: str, name: str):
    customer = ws.find_customer("email", email)
    assert customer is not None, email
    return ws.get_customer(customer).attributes.get(name)


def identifiers(ws: Workspace, kind: str) -> list[str]:
    with ws.engine.connect() as conn:
        return sorted(conn.scalars(select(IdentifierRow.value).where(IdentifierRow.kind == kind)))


# ----------------------------------------------------------------------------------------------
# Numbers with thousands separators
# ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("values", "delimiter", "expected", "read"), [
    (["1,234.50", "89.00", "12,000.00"], ",", ColumnType("float", grouping=","), [1234.5, 89.0, 12000.0]),
    (["1.234,56", "12,50"], ";", ColumnType("float", decimal_comma=True, grouping="."), [1234.56, 12.5]),
    (["1 234,56", "12,50", "7"], "\t", ColumnType("float", decimal_comma=True, grouping=" "), [1234.56, 12.5, 7.0]),
    (["1\u00a0234,5", "3", "1\u202f000\u202f000"], ";", ColumnType("float", decimal_comma=True, grouping=" "),
     [1234.5, 3.0, 1000000.0]),
    (["1'234.50", "-89.10", "2\u2019000"], ",", ColumnType("float", grouping="'"), [1234.5, -89.1, 2000.0]),
    (["12,000", "1,234,567", "500"], ",", ColumnType("int", grouping=","), [12000, 1234567, 500]),
    (["12.000", "1.234.567"], ";", ColumnType("int", decimal_comma=True, grouping="."), [12000, 1234567]),
    # A decimal comma elsewhere in the column says what 1,234 is.
    (["12,50", "1,234"], ";", ColumnType("float", decimal_comma=True), [12.5, 1.234]),
    # A dot that cannot separate thousands (0.5) makes the column's dots decimal points.
    (["0.5", "1.250"], ";", ColumnType("float"), [0.5, 1.25]),
])
def test_the_column_decides_how_its_numbers_are_written(values, delimiter, expected, read):
    found = infer_type(values, "amount", delimiter=delimiter)
    assert found == expected
    conv = converter(found)
    assert conv.many(values) == read
    assert [conv.one(v) for v in values] == read
    assert all(type(v) is type(r) for v, r in zip(conv.many(values), read, strict=True))


@pytest.mark.parametrize(("values", "delimiter", "mark", "warning_end"), [
    (["1,234", "5,000"], ",", ",", "read the comma as a thousands separator"),
    (["1,234", "5,000"], "\t", ",", "read the comma as a thousands separator"),
    (["1,234", "5,000"], ";", ",", "read the comma as a decimal comma"),
    (["1.234", "2.500"], ";", ".", "read the dot as a thousands separator"),
])
def test_numbers_that_could_be_read_two_ways_are_text(values, delimiter, mark, warning_end):
    found = infer_type(values, "amount", delimiter=delimiter)
    assert (found.name, found.unsure_separator) == ("text", mark)
    warning = found.unsure_warning("amount")
    assert warning.startswith(f"column 'amount': in numbers like 1{mark}234 the ")
    assert warning.endswith(warning_end)


@pytest.mark.parametrize(("values", "delimiter"), [
    (["1.234", "2.500"], ","),  # a decimal point, as such values always were read outside semicolon files
    (["+1 234 567 890", "+1 234 567 891"], ","),  # phone numbers, not thousands
    (["1,234.50", "1.234,56"], ","),  # two ways in one column: no way is the column's
    (["01234", "02345"], ","),  # ZIP codes
])
def test_values_that_are_not_separated_thousands_keep_their_type(values, delimiter):
    found = infer_type(values, "x", delimiter=delimiter)
    assert not found.grouping and not found.unsure_separator


def test_a_separated_value_is_read_as_its_column_writes_numbers():
    point = converter(ColumnType("float"))
    comma = converter(ColumnType("float", decimal_comma=True))
    # Only the column tells 1,234 and 1.234 apart...
    assert (point.one("1,234"), comma.one("1,234")) == (1234.0, 1.234)
    assert (point.one("1.234"), comma.one("1.234")) == (1.234, 1234.0)
    # ...not values whose separators say what they are.
    for conv in (point, comma):
        assert conv.one("1,234.50") == conv.one("1.234,50") == conv.one("1 234,50") == 1234.5
        assert conv.one("1,234,567") == 1234567.0
        with pytest.raises(ValueError, match="'1,23,4' is not a number"):
            conv.one("1,23,4")
    # Converting a whole column at once does not read 1.234 as a decimal in a column with a decimal
    # comma: it leaves it to converting value by value.
    with pytest.raises(ValueError):
        comma.many(["1.234", "2,5"])
    assert comma.many(["1,5", "2"]) == [1.5, 2.0]
    whole = converter(ColumnType("int"))
    assert (whole.one("12,000"), whole.one("1 234 567")) == (12000, 1234567)
    with pytest.raises(ValueError, match="is not a whole number"):
        whole.one("1,234.50")


def test_thousands_separators_import_as_numbers(ws: Workspace, tmp_path: Path):
    path = write(tmp_path / "customers.csv", [
        ["Email", "Total Spent", "Orders"],
        ["a@example.com", "1,234.50", "1,200"],
        ["b@example.com", "89.00", "3"],
        ["c@example.com", "12,000.00", "1,234,567"],
    ])
    p = preview(path, "customers")
    assert p.column("Total Spent").type.describe() == "float, written like 1,234.50"
    assert p.column("Orders").type == ColumnType("int", grouping=",")
    result = import_customers(ws, path)
    assert (result.created, result.skipped, result.warnings) == (3, 0, [])
    assert [attribute(ws, f"{c}@example.com", "Total Spent") for c in "abc"] == [1234.5, 89.0, 12000.0]
    assert [attribute(ws, f"{c}@example.com", "Orders") for c in "abc"] == [1200, 3, 1234567]


def test_decimal_comma_and_dot_thousands_in_a_semicolon_file(ws: Workspace, tmp_path: Path):
    path = write(tmp_path / "kunden.csv", [["E-Mail", "Betrag"], ["a@example.com", "1.234,56"],
                                           ["b@example.com", "12,50"], ["c@example.com", "3"]], delimiter=";")
    p = preview(path, "customers")
    assert (p.delimiter, p.column("Betrag").type.describe()) == (";", "float, written like 1.234,50")
    import_customers(ws, path)
    assert [attribute(ws, f"{c}@example.com", "Betrag") for c in "abc"] == [1234.56, 12.5, 3.0]


def test_space_thousands_in_a_utf16_tab_file(ws: Workspace, tmp_path: Path):
    path = excel_text(tmp_path / "clients.txt", [["email", "Montant"], ["a@example.com", "1\u202f234,56"],
                                                 ["b@example.com", "12 000,00"], ["c@example.com", "7,5"]])
    p = preview(path, "customers")
    assert (p.encoding, p.delimiter, p.column("Montant").type.name) == ("utf-16", "\t", "float")
    import_customers(ws, path)
    assert [attribute(ws, f"{c}@example.com", "Montant") for c in "abc"] == [1234.56, 12000.0, 7.5]


def test_numbers_written_several_ways_that_agree_on_the_decimal_comma_are_numbers(ws: Workspace, tmp_path: Path):
    """A French shop's column: spaces and dots between thousands, each value saying the comma is
    the decimal mark. None of them is like 1,234, so nothing is unsure."""
    values = ["1 234,50", "89,90", "0,00", "450,00", "12,5", "10", "1.234,56"]
    path = write(tmp_path / "clients.csv", [["Courriel", "Total achats"]]
                 + [[f"c{i}@example.fr", v] for i, v in enumerate(values)], delimiter=";")
    p = preview(path, "customers")
    assert p.column("Total achats").type.describe() == "float, decimal comma"
    assert not any("could separate" in w for w in p.warnings)
    result = import_customers(ws, path)
    assert result.skipped == 0 and not any("kept as text" in w for w in result.warnings)
    assert [attribute(ws, f"c{i}@example.fr", "Total achats") for i in range(len(values))] == \
        [1234.5, 89.9, 0.0, 450.0, 12.5, 10.0, 1234.56]


@pytest.mark.parametrize(("values", "expected"), [
    (["1,234", "2,345"], "text"),  # each could be either: unsure
    (["1 234,50", "1,234.5"], "text"),  # they disagree
    (["1,234", "12,50"], "float, decimal comma"),  # the second settles the first
    (["1 234", "1,234,567"], "int"),  # thousands written two ways, no decimals
])
def test_what_a_column_of_numbers_written_several_ways_reads_as(values, expected):
    assert infer_type(values, "Total", delimiter=";").describe() == expected


def test_a_forced_number_type_reads_the_column_s_thousands(ws: Workspace, tmp_path: Path, capsys):
    path = write(tmp_path / "spent.csv", [["Email", "Total Spent"], ["a@example.com", "1,234.50"],
                                          ["b@example.com", "89.00"], ["c@example.com", "12,000.00"]])
    code = main(["import", "customers", str(path), "--workspace", str(tmp_path / "ws"),
                 "--map", "Total Spent=attributes.total_spent:float"])
    out = capsys.readouterr().out
    assert code == 0
    assert "3 customers created" in out and "0 skipped with errors" in out
    with Workspace.open(tmp_path / "ws") as cli_ws:
        assert [attribute(cli_ws, f"{c}@example.com", "total_spent") for c in "abc"] == [1234.5, 89.0, 12000.0]
    german = write(tmp_path / "betrag.csv", [["Email", "Betrag"], ["a@example.com", "1.234,56"],
                                             ["b@example.com", "12,50"]], delimiter=";")
    result = import_customers(ws, german, ImportOptions(mapping={"Betrag": "attributes.betrag:float"}))
    assert (result.created, result.skipped) == (2, 0)
    assert [attribute(ws, f"{c}@example.com", "betrag") for c in "ab"] == [1234.56, 12.5]


def test_ambiguous_thousands_stay_text_with_a_warning_until_a_type_is_chosen(ws: Workspace, tmp_path: Path):
    rows = [["Email", "Points"], ["a@example.com", "1,234"], ["b@example.com", "5,000"], ["c@example.com", "12"]]
    path = write(tmp_path / "points.csv", rows)
    p = preview(path, "customers")
    assert p.column("Points").type.name == "text"
    warning = ("column 'Points': in numbers like 1,234 the comma could separate thousands or decimals, so they "
               "are kept as text; choose a number type for the column to read the comma as a thousands separator")
    assert warning in p.warnings
    result = import_customers(ws, path)
    assert warning in result.warnings
    assert attribute(ws, "a@example.com", "Points") == "1,234"
    # Chosen as a number, the values are read the way the warning said.
    result = import_customers(ws, path, ImportOptions(mapping={"Points": "attributes.Points:int"}))
    assert (result.updated, result.skipped) == (3, 0)
    assert [attribute(ws, f"{c}@example.com", "Points") for c in "abc"] == [1234, 5000, 12]
    assert warning not in result.warnings  # read as numbers: nothing is kept as text
    # In a semicolon-separated file the comma is read as a decimal comma.
    semicolon = write(tmp_path / "points-semicolon.csv", rows, delimiter=";")
    result = import_customers(ws, semicolon, ImportOptions(mapping={"Points": "attributes.Points:float"}))
    assert result.skipped == 0
    assert [attribute(ws, f"{c}@example.com", "Points") for c in "abc"] == [1.234, 5.0, 12.0]


def test_a_value_with_misplaced_separators_is_reported(ws: Workspace, tmp_path: Path):
    rows = [["Email", "Spent"]] + [[f"c{i}@example.com", f"{i + 1},{i:03d}.50"] for i in range(20)]
    rows[5][1] = "1,23,4.50"
    path = write(tmp_path / "spent.csv", rows)
    assert preview(path, "customers").column("Spent").type == ColumnType("float", grouping=",")
    result = import_customers(ws, path)
    assert result.skipped == 0
    assert any("1 value did not fit its type and was kept as text: row 6 '1,23,4.50'" in w for w in result.warnings)
    assert attribute(ws, "c0@example.com", "Spent") == 1000.5
    forced = import_customers(ws, path, ImportOptions(mapping={"Spent": "attributes.Spent:float"}))
    assert [(e.row, e.column, e.reason) for e in forced.errors] == [(6, "Spent", "'1,23,4.50' is not a number")]


def test_event_amounts_with_thousands_in_both_reading_paths(tmp_path: Path):
    lines = [["email", "event", "time", "amount"]] + [
        [f"u{i}@example.com", "order", f"2025-01-0{i % 9 + 1}T10:00:00Z", f"{i + 1},{i * 7 % 1000:03d}.{i % 100:02d}"]
        for i in range(30)]
    path = write(tmp_path / "orders.csv", lines)
    found = []
    for parallel in (False, True):
        with Workspace.open(tmp_path / f"ws-{parallel}.db") as ws:
            result = import_events(ws, path, ImportOptions(parallel=parallel))
            assert (result.imported, result.skipped, result.warnings) == (30, 0, [])
            with ws.engine.connect() as conn:
                found.append(sorted(p["amount"] for p in conn.scalars(select(EventRow.properties))))
    assert found[0] == found[1] == sorted(float(f"{i + 1}{i * 7 % 1000:03d}.{i % 100:02d}") for i in range(30))


# ----------------------------------------------------------------------------------------------
# Dates in the other day/month order
# ----------------------------------------------------------------------------------------------

def test_a_date_in_the_other_order_is_a_row_error(ws: Workspace, tmp_path: Path):
    path = excel_text(tmp_path / "visits.txt", [["Email", "Last visit"], ["a@example.com", "03/04/2025 14:05"],
                                                ["b@example.com", "13/04/2025 09:00"], ["c@example.com", "04/13/2025"]])
    p = preview(path, "customers")
    column = p.column("Last visit").type
    # 13/04 settles day/month (04/13 settles the other way; the first wins a tie).
    assert (column.date_format, column.ambiguous) == ("dmy", False)
    result = import_customers(ws, path)
    assert (result.rows_read, result.created, result.skipped) == (3, 2, 1)
    assert [(e.row, e.column, e.value, e.reason) for e in result.errors] == [
        (4, "Last visit", "04/13/2025", "'04/13/2025' is not a date in day/month/year order, as the rest of the column")]
    assert attribute(ws, "a@example.com", "Last visit") == "2025-04-03T14:05:00Z"
    assert ws.find_customer("email", "c@example.com") is None


def test_most_settling_dates_decide_the_order():
    assert infer_type(["04/13/2025", "13/04/2025", "05/14/2025"]) == ColumnType("date", "mdy")
    assert infer_type(["13/04/2025", "04/13/2025", "14/05/2025"]) == ColumnType("date", "dmy")
    # A tie: the first value that settles the order decides.
    assert infer_type(["04/13/2025", "13/04/2025", "03/03/2025"]) == ColumnType("date", "mdy")
    assert infer_type(["13/04/2025", "04/13/2025", "03/03/2025"]) == ColumnType("date", "dmy")


def test_a_date_in_the_other_order_fails_its_event_row_too(tmp_path: Path):
    lines = [["email", "event", "time", "delivery"]] + [
        [f"u{i}@example.com", "order", f"2025-02-{i + 1:02d}T10:00:00Z", f"{i + 13}/02/2025"] for i in range(10)]
    lines[4][3] = "02/20/2025"
    lines[6][3] = "not yet"
    path = write(tmp_path / "orders.csv", lines)
    for parallel in (False, True):
        with Workspace.open(tmp_path / f"ws-{parallel}.db") as ws:
            result = import_events(ws, path, ImportOptions(parallel=parallel))
            assert (result.imported, result.skipped) == (9, 1)
            assert [(e.row, e.column, e.reason) for e in result.errors] == [
                (5, "delivery", "'02/20/2025' is not a date in day/month/year order, as the rest of the column")]
            # A value that is no date at all is still kept as text, and said so.
            assert any("row 7 'not yet'" in w for w in result.warnings)


def test_an_ambiguous_date_column_is_described_without_nested_brackets(tmp_path: Path):
    path = write(tmp_path / "a.csv", [["email", "Birthday"], ["a@example.com", "03/04/1990"],
                                      ["b@example.com", "05/06/1991"], ["c@example.com", "someday"]])
    p = preview(path, "customers")
    described = p.column("Birthday").type.describe()
    assert described == "date, day/month/year like 31/12/2024; day and month could be swapped"
    assert not any("))" in w for w in p.warnings)
    assert ColumnType("datetime", "iso").describe() == "datetime, ISO 8601 like 2024-12-31 or 2024-12-31T18:30:00Z"
    assert ColumnType("datetime", "%d.%m.%Y").describe() == "datetime, %d.%m.%Y"


# ----------------------------------------------------------------------------------------------
# Shopify's leading apostrophe
# ----------------------------------------------------------------------------------------------

SHOPIFY = [["Customer ID", "Email", "Zip", "Note", "Code"],
           ["'7145031762089", "a@example.com", "'01234", "'quoted' on purpose", "'A1"],
           ["'7145031762090", "b@example.com", "'02345", "plain", "'B2"],
           ["'7145031762091", "c@example.com", "'90210", "'123", "'C3"]]


@pytest.mark.parametrize("utf16", [False, True])
def test_shopify_apostrophes_are_left_out_of_identifiers_and_zip_codes(ws: Workspace, tmp_path: Path, utf16: bool):
    path = (excel_text(tmp_path / "customers.txt", SHOPIFY) if utf16
            else write(tmp_path / "customers_export.csv", SHOPIFY))
    p = preview(path, "customers")
    assert p.mapping["Customer ID"] == "identifiers.user_id"
    result = import_customers(ws, path)
    assert (result.created, result.skipped) == (3, 0)
    assert identifiers(ws, "user_id") == ["7145031762089", "7145031762090", "7145031762091"]
    assert [attribute(ws, f"{c}@example.com", "Zip") for c in "abc"] == ["01234", "02345", "90210"]
    # A text attribute loses the apostrophe of a value that is digits after it, whatever the others;
    # one before other text stays.
    assert [attribute(ws, f"{c}@example.com", "Note") for c in "abc"] == ["'quoted' on purpose", "plain", "123"]
    assert [attribute(ws, f"{c}@example.com", "Code") for c in "abc"] == ["'A1", "'B2", "'C3"]
    # The same customers exported without the apostrophes are the same customers.
    again = write(tmp_path / "again.csv", [["Customer ID", "Zip"], ["7145031762089", "01235"]])
    result = import_customers(ws, again)
    assert (result.created, result.updated) == (0, 1)
    assert attribute(ws, "a@example.com", "Zip") == "01235"


def test_an_identifier_column_drops_the_apostrophe_before_any_text(ws: Workspace, tmp_path: Path):
    path = write(tmp_path / "members.csv", [["member_id", "Email", "Code"], ["'A-100", "a@example.com", "'A-100"],
                                            ["'B-200", "b@example.com", "'B-200"]])
    plan = make_plan(preview(path, "customers"))
    assert [c.target for c in plan.columns] == ["identifiers.user_id", "identifiers.email", "attributes.Code"]
    import_customers(ws, path)
    assert identifiers(ws, "user_id") == ["A-100", "B-200"]
    assert attribute(ws, "a@example.com", "Code") == "'A-100"  # not an identifier: kept as written


def test_apostrophe_identifiers_of_events_dedup_as_the_stripped_values(tmp_path: Path):
    lines = [["customer_id", "event", "time"]] + [[f"'{7145031762000 + i % 4}", "order", f"2025-03-{i + 1:02d} 10:00"]
                                                  for i in range(12)]
    path = write(tmp_path / "orders.csv", lines)
    plain = write(tmp_path / "orders-plain.csv", [[c.lstrip("'") for c in row] for row in lines])
    for parallel in (False, True):
        with Workspace.open(tmp_path / f"ws-{parallel}.db") as ws:
            first = import_events(ws, path, ImportOptions(parallel=parallel))
            assert (first.imported, first.created) == (12, 4)
            assert identifiers(ws, "user_id") == [str(7145031762000 + i) for i in range(4)]
            # The same events written without the apostrophes are duplicates of these.
            second = import_events(ws, plain, ImportOptions(parallel=parallel, source=f"csv:{path.name}"))
            assert (second.imported, second.duplicates, second.created) == (0, 12, 0)


def test_codes_that_happen_to_be_yes_words_stay_text():
    from engine.track.csv_types import infer_type

    assert infer_type(["ON", "ON", "BC"], "Default Address Province Code").name == "text"
    assert infer_type(["yes", "no", "yes"], "Accepts Email Marketing").name == "bool"
    # Beside both a yes and a no word, one stray value is still tolerated.
    values = ["yes", "no"] * 15 + ["n/a"]
    assert infer_type(values, "newsletter").name == "bool"


def test_chinese_dates_are_dates_and_times(ws: Workspace, tmp_path: Path):
    """Chinese shop exports write 2024年5月5日 20:01 (and 2024年5月5日 for a birthday), in GB18030."""
    path = write(tmp_path / "orders.csv", [["邮箱", "事件", "下单时间", "生日"],
                                           ["a@example.cn", "下单", "2024年5月5日 20:01", "1990年3月4日"],
                                           ["b@example.cn", "下单", "2024年12月31日 8:05", "1985-12-01"]],
                 encoding="gb18030")
    p = preview(path, "events")
    assert (p.encoding, p.column("下单时间").type.name, p.column("生日").type.name) == ("gb18030", "datetime", "date")
    result = import_events(ws, path, ImportOptions(time_zone="Asia/Shanghai"))
    assert (result.imported, result.skipped) == (2, 0)
    with ws.engine.connect() as conn:
        times = sorted(str(t) for t in conn.scalars(select(EventRow.occurred_at)))
    assert times == ["2024-05-05 12:01:00+00:00", "2024-12-31 00:05:00+00:00"]


@pytest.mark.parametrize(("values", "delimiter", "expected", "numbers"), [
    (["¥56.00", "¥1,234.50", "¥0.00"], ",", "float, written like 1,234.50, without the ¥ sign", [56.0, 1234.5, 0.0]),
    (["￥56", "￥12", ""], ",", "int, without the ￥ sign", [56, 12, None]),
    (["12,50 €", "3 €", "-1 234,56 €"], ";", "float, written like 1 234,50, without the € sign", [12.5, 3.0, -1234.56]),
    (["56.00元", "12元", "7.5元"], ",", "float, without the 元 sign", [56.0, 12.0, 7.5]),
])
def test_amounts_written_with_their_currency_are_numbers(ws: Workspace, tmp_path: Path, values, delimiter, expected,
                                                         numbers):
    path = write(tmp_path / "orders.csv", [["email", "amount"]] + [[f"c{i}@example.com", v] for i, v in enumerate(values)],
                 delimiter=delimiter)
    p = preview(path, "customers")
    assert p.column("amount").type.describe() == expected
    assert not p.warnings
    result = import_customers(ws, path)
    assert result.skipped == 0 and not result.warnings
    assert [attribute(ws, f"c{i}@example.com", "amount") for i in range(len(values))] == numbers


def test_a_chinese_shop_writes_yuan_several_ways_and_a_number_type_reads_any_sign(ws: Workspace, tmp_path: Path):
    values = ["¥1,234.50", "￥856.00", "1234.50元", "RMB 856"]
    assert infer_type(values, "累计消费").describe() == "float, written like 1,234.50, without the ¥ sign"
    path = write(tmp_path / "mixed.csv", [["email", "spent"], ["a@example.com", "¥5"], ["b@example.com", "$6"]])
    result = import_customers(ws, path, ImportOptions(mapping={"spent": "attributes.spent:float"}))
    assert result.skipped == 0
    assert [attribute(ws, f"{c}@example.com", "spent") for c in "ab"] == [5.0, 6.0]


def test_mixed_currencies_stay_text(ws: Workspace, tmp_path: Path):
    assert infer_type(["¥5", "$6", "€7"], "amount").name == "text"
    assert infer_type(["abc", "¥5", "def"], "amount").name == "text"
