"""``journey-studio segments``: list, show, count, members (printed and as CSV), create and delete,
run in-process through :func:`engine.cli.main` on a real workspace; rules files that are wrong in
every way a person gets them wrong; text that looks like SQL matching literally; reading while
another process holds the workspace."""

from __future__ import annotations

import codecs
import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from engine.cli import main
from engine.commands import make_node
from engine.document import Journey
from engine.store import Workspace
from engine.track import member_export
from engine.track.member_export import cell
from engine.track.segment_commands import describe_rules
from engine.track.segments import SegmentStore, rules_json
from tests.conftest import Terminal

INJECTION = "' OR 1=1 --"
VIP_RULES = {"match": "all", "conditions": [
    {"kind": "attribute", "attribute": "plan", "operator": "eq", "value": "pro"},
    {"kind": "group", "match": "any", "conditions": [
        {"kind": "tag", "tag": "vip"},
        {"kind": "event", "event": "order_completed", "min_count": 2, "within_days": 30,
         "filters": [{"property": "total", "operator": "gte", "value": 50}]}]}]}
PRO_RULES = {"match": "all", "conditions": [{"kind": "attribute", "attribute": "plan", "operator": "eq",
                                             "value": "pro"}]}


class Population:
    def __init__(self, location: str, **ids: str):
        self.location = location
        self.ids = ids

    def __getattr__(self, name: str) -> str:
        return self.ids[name]


@pytest.fixture
def pop(tmp_path: Path) -> Population:
    """Four customers, Ann's orders, and two saved segments (VIPs refreshed once)."""
    location = tmp_path / "workspace.db"
    # Relative to the real clock: the CLI counts "now"; only the order of days matters.
    recent = datetime.now(UTC) - timedelta(days=1)
    with Workspace.open(location) as ws:
        ann = ws.upsert_customer({"email": "ann@example.com", "user_id": "42"},
                                 {"name": "Ann", "plan": "pro", "city": "Lyon", "spent": 320.5},
                                 consent={"email": True}, tags=["vip"])
        bob = ws.upsert_customer({"phone": "+8613800001111"}, {"name": "张伟", "plan": "free"})
        cat = ws.upsert_customer({"email": "cat@example.com", "anonymous_id": "anon-7"},
                                 {"name": "Cat", "plan": "pro", "note": '=HYPERLINK("http://evil")',
                                  "address": {"zip": "69001"}, "email": "cat@work.example", "vip": True})
        eve = ws.upsert_customer({"user_id": "7"}, {"name": INJECTION, "plan": "pro"})
        for day in range(3):
            ws.ingest_event({"user_id": "42"}, "order_completed", {"total": 60 + day},
                            occurred_at=recent - timedelta(days=day), source="Shop")
        store = SegmentStore(ws)
        vips = store.create("VIPs", VIP_RULES, description="Pro customers who buy")
        store.create("Everyone", {})
        store.refresh(vips.id)
    return Population(str(location), ann=ann, bob=bob, cat=cat, eve=eve, vips=vips.id)


def run(pop: Population, capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["segments", *argv, "--workspace", pop.location])
    out, err = capsys.readouterr()
    return code, out, err


def write(path: Path, data) -> str:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def saved(pop: Population) -> dict[str, dict]:
    with Workspace.open(pop.location, read_only=True) as ws:
        return {info.name: info.rules for info in SegmentStore(ws).list()}


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------

def test_list_shows_every_segment_with_the_count_now_and_the_stored_membership(pop, capsys):
    code, out, _ = run(pop, capsys, "list")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["NAME", "MATCH", "NOW", "STORED", "NEWEST", "ENTRY", "RULES", "CHANGED",
                                "DESCRIPTION"]
    everyone = next(line for line in lines if line.startswith("Everyone"))
    assert everyone.split()[1:3] == ["4", "0"]          # four match now, none stored (never refreshed)
    vips = next(line for line in lines if line.startswith("VIPs"))
    assert vips.split()[1:3] == ["1", "1"] and vips.endswith("Pro customers who buy")
    assert lines[-1].startswith("2 segments")

    code, out, _ = run(pop, capsys, "list", "--json")
    listed = {s["name"]: s for s in json.loads(out)["segments"]}
    assert code == 0 and list(listed) == ["Everyone", "VIPs"]
    assert listed["VIPs"]["count"] == 1 and listed["VIPs"]["stored_member_count"] == 1
    assert listed["VIPs"]["latest_entry_at"] is not None and listed["Everyone"]["latest_entry_at"] is None
    assert listed["Everyone"]["count"] == 4 and listed["VIPs"]["description"] == "Pro customers who buy"

    code, out, _ = run(pop, capsys, "list", "--no-count", "--json")
    assert code == 0 and all(s["count"] is None for s in json.loads(out)["segments"])


def test_show_prints_the_rules_as_text_and_as_json_and_the_count_now(pop, capsys):
    code, out, _ = run(pop, capsys, "show", "VIPs")
    assert code == 0
    assert "  matching now:  1 customer" in out and "  stored:        1 member at the last refresh" in out
    text = out.split("rules:\n", 1)[1].split("rules as JSON:\n", 1)
    assert text[0].splitlines() == [
        "  ALL of:",
        '    attribute plan is "pro"',
        "    AND ANY of:",
        '      has tag "vip"',
        '      OR did "order_completed" at least 2 times in the last 30 days where total is at least 50']
    assert json.loads(text[1]) == rules_json(VIP_RULES)

    code, out, _ = run(pop, capsys, "show", "VIPs", "--json")
    shown = json.loads(out)
    assert code == 0 and shown["id"] == pop.vips and shown["count"] == 1 and shown["stored_member_count"] == 1
    assert shown["rules"] == rules_json(VIP_RULES) and shown["rules_text"][0] == "ALL of:"


def test_count_by_name_or_from_a_rules_file(pop, tmp_path, capsys):
    assert run(pop, capsys, "count", "VIPs") == (0, "1 customer matches segment 'VIPs' now\n", "")
    rules = write(tmp_path / "pro.json", PRO_RULES)
    assert run(pop, capsys, "count", "--rules", rules) == (0, f"3 customers match the rules in {rules} now\n", "")
    code, out, _ = run(pop, capsys, "count", "Everyone", "--json")
    assert code == 0 and json.loads(out)["count"] == 4 and json.loads(out)["segment"] == "Everyone"
    code, _, err = run(pop, capsys, "count", "VIPs", "--rules", rules)
    assert code == 1 and "not both" in err
    code, _, err = run(pop, capsys, "count")
    assert code == 1 and "give a segment NAME or --rules FILE.json" in err


def test_a_rules_file_as_show_json_prints_it_is_read_too(pop, tmp_path, capsys):
    _, out, _ = run(pop, capsys, "show", "VIPs", "--json")
    copy = tmp_path / "vips.json"
    copy.write_text(out, encoding="utf-8")
    assert run(pop, capsys, "create", "VIPs again", "--rules", str(copy))[0] == 0
    assert saved(pop)["VIPs again"] == saved(pop)["VIPs"]


def test_members_prints_a_short_table_or_json(pop, tmp_path, capsys):
    code, out, _ = run(pop, capsys, "members", "VIPs")
    assert code == 0
    assert out.splitlines() == [f"{pop.ann}  Ann  (email:ann@example.com, user_id:42)",
                                "1 customer matches segment 'VIPs' now"]
    code, out, _ = run(pop, capsys, "members", "Everyone", "--limit", "2")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 3
    assert lines[-1].startswith("2 of 4 customers matching segment 'Everyone' now")
    rules = write(tmp_path / "pro.json", PRO_RULES)
    code, out, _ = run(pop, capsys, "members", "--rules", rules, "--json")
    shown = json.loads(out)
    assert code == 0 and shown["count"] == 3
    assert sorted(c["id"] for c in shown["customers"]) == sorted([pop.ann, pop.cat, pop.eve])
    cat = next(c for c in shown["customers"] if c["id"] == pop.cat)
    assert cat["attributes"]["address"] == {"zip": "69001"}
    assert {"kind": "anonymous_id", "value": "anon-7"} in cat["identifiers"]


def test_members_out_writes_a_csv_excel_reads(pop, tmp_path, capsys):
    target = tmp_path / "out" / "pro.csv"
    target.parent.mkdir()
    rules = write(tmp_path / "pro.json", PRO_RULES)
    code, out, _ = run(pop, capsys, "members", "--rules", rules, "--out", str(target))
    assert code == 0 and out.startswith(f"wrote 3 customers matching the rules in {rules} to {target}")
    raw = target.read_bytes()
    assert raw.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    # customer_id, identifier kinds present in their order, then attributes sorted (a key that is
    # an identifier kind's column too gets its own name)
    assert rows[0] == ["customer_id", "email", "user_id", "anonymous_id", "tags", "address", "city",
                       "attributes.email", "name", "note", "plan", "spent", "vip"]
    body = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert list(body) == sorted([pop.ann, pop.cat, pop.eve])
    assert body[pop.ann] == {"customer_id": pop.ann, "email": "ann@example.com", "user_id": "42",
                             "anonymous_id": "", "tags": "vip", "address": "", "attributes.email": "", "city": "Lyon",
                             "name": "Ann", "note": "", "plan": "pro", "spent": "320.5", "vip": ""}
    assert body[pop.cat]["address"] == '{"zip": "69001"}' and body[pop.cat]["vip"] == "true"
    assert body[pop.cat]["tags"] == ""
    assert body[pop.cat]["attributes.email"] == "cat@work.example"
    assert body[pop.cat]["note"] == "'" + '=HYPERLINK("http://evil")'    # never run as a formula
    assert body[pop.eve]["name"] == INJECTION                               # a quote first is no formula
    assert [p.name for p in target.parent.iterdir()] == ["pro.csv"]        # no temporary file left

    code, out, _ = run(pop, capsys, "members", "Everyone", "--out", str(target), "--limit", "1", "--json")
    written = json.loads(out)
    assert code == 0 and written["rows"] == 1 and written["count"] == 4
    assert len(list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig"))))) == 2


def test_members_out_xlsx_keeps_every_cell_as_stored(pop, tmp_path, capsys):
    openpyxl = pytest.importorskip("openpyxl")
    target = tmp_path / "VIP list.xlsx"
    code, out, _ = run(pop, capsys, "members", "Everyone", "--out", str(target))
    assert code == 0 and out == f"wrote 4 customers matching segment 'Everyone' to {target} (14 columns, an Excel " \
                                "workbook)\n"
    book = openpyxl.load_workbook(target)
    sheet = book.active
    assert sheet.title == "Everyone" and sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:N5"
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("customer_id", "email", "phone", "user_id", "anonymous_id", "tags", "address", "city",
                       "attributes.email", "name", "note", "plan", "spent", "vip")
    assert all(c.font.b for c in sheet[1])                                   # a bold header
    body = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert body[pop.bob]["phone"] == "+8613800001111"        # text, the + kept (a CSV loses it in Excel)
    assert body[pop.bob]["name"] == "张伟"
    assert body[pop.ann]["spent"] == 320.5 and body[pop.ann]["user_id"] == "42"   # a number, and an id as text
    assert body[pop.cat]["vip"] is True and body[pop.cat]["address"] == '{"zip": "69001"}'
    assert body[pop.cat]["note"] == '=HYPERLINK("http://evil")'            # text as typed, never a formula
    assert sheet.cell(row=[r[0] for r in rows].index(pop.cat) + 1, column=11).data_type == "s"
    assert body[pop.eve]["name"] == INJECTION and body[pop.ann]["phone"] is None
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("workspace.db")] == ["VIP list.xlsx"]

    # The same customers give the same bytes.
    first = target.read_bytes()
    assert run(pop, capsys, "members", "Everyone", "--out", str(target), "--json")[0] == 0
    assert target.read_bytes() == first

    code, out, err = run(pop, capsys, "members", "Everyone", "--out", str(tmp_path / "old.xls"))
    assert code == 1 and out == "" and "cannot write .xls files; name the file .xlsx" in err
    assert not (tmp_path / "old.xls").exists()


def test_an_xlsx_cell_longer_than_excel_takes_is_cut_and_said(pop, tmp_path, capsys):
    openpyxl = pytest.importorskip("openpyxl")
    with Workspace.open(pop.location) as ws:
        ws.upsert_customer({"user_id": "long"}, {"plan": "pro", "bio": "é" * 40_000 + "\x01"})
    target = tmp_path / "pro.xlsx"
    rules = write(tmp_path / "pro.json", PRO_RULES)
    code, out, _ = run(pop, capsys, "members", "--rules", rules, "--out", str(target), "--json")
    written = json.loads(out)
    assert code == 0 and written["format"] == "xlsx" and written["rows"] == 4
    assert written["notes"] == ["1 cell was longer than Excel's 32,767 characters and cut there (a .csv export "
                                "keeps them whole)"]
    rows = list(openpyxl.load_workbook(target).active.iter_rows(values_only=True))
    bio = rows[0].index("bio")
    assert [row[bio] for row in rows[1:] if row[bio]] == ["é" * 32_767]
    assert openpyxl.load_workbook(target).active.title == "pro"            # named after the rules file


def test_a_failed_export_leaves_the_old_file_and_no_partial_one(pop, tmp_path, capsys, monkeypatch):
    target = tmp_path / "vips.csv"
    target.write_text("the earlier export\n", encoding="utf-8")

    def broken(value):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(member_export, "cell", broken)
    code, out, err = run(pop, capsys, "members", "Everyone", "--out", str(target))
    assert code == 1 and out == ""
    assert err == f"journey-studio: error: {target}: cannot write the file: No space left on device; nothing was " \
                  "written\n"
    assert target.read_text(encoding="utf-8") == "the earlier export\n"
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("workspace.db")] == ["vips.csv"]

    code, _, err = run(pop, capsys, "members", "VIPs", "--out", str(tmp_path / "missing" / "x.csv"))
    assert code == 1 and "cannot write there" in err and "x.csv" in err


def test_cell_keeps_data_and_disarms_formulas():
    assert [cell(v) for v in (None, True, 3, 2.5, "Lyon", [1, "a"], "+86 138 0000 1111", "-12.5")] == \
        ["", "true", "3", "2.5", "Lyon", '[1, "a"]', "+86 138 0000 1111", "-12.5"]
    assert [cell(v) for v in ("=1+1", "@SUM(A1)", "+cmd|' /C calc'!A0", "-2+3+cmd", "\tx")] == \
        ["'=1+1", "'@SUM(A1)", "'+cmd|' /C calc'!A0", "'-2+3+cmd", "'\tx"]


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------

def test_create_saves_rules_from_a_file(pop, tmp_path, capsys):
    rules = write(tmp_path / "pro.json", PRO_RULES)
    code, out, _ = run(pop, capsys, "create", "Pro", "--rules", rules, "--description", "Paying")
    assert code == 0 and out.startswith("created segment 'Pro' (id ") and out.endswith("; 3 customers match it now\n")
    assert saved(pop)["Pro"] == rules_json(PRO_RULES)
    code, _, err = run(pop, capsys, "create", "pro", "--rules", rules)
    assert code == 1 and "a segment named 'Pro' exists already" in err and "nothing created" in err


def test_create_with_an_invalid_rule_names_the_file_and_the_field_and_creates_nothing(pop, tmp_path, capsys):
    bad = {"match": "all", "conditions": [
        {"kind": "tag", "tag": "vip"},
        {"kind": "group", "match": "any", "conditions": [
            {"kind": "event", "event": "order_completed",
             "filters": [{"property": "total", "operator": "gte", "value": "lots"}]}]}]}
    path = write(tmp_path / "bad.json", bad)
    before = saved(pop)
    code, out, err = run(pop, capsys, "create", "Broken", "--rules", path)
    assert code == 1 and out == ""
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert err.startswith(f"journey-studio: error: {path} at conditions[1].conditions[0].filters[0].value: ")
    assert "‘lots’ is neither a number nor a date" in err
    assert saved(pop) == before

    path = write(tmp_path / "op.json", {"conditions": [{"kind": "attribute", "attribute": "plan", "operator": "is"}]})
    code, _, err = run(pop, capsys, "create", "Broken", "--rules", path)
    assert code == 1 and err.startswith(f"journey-studio: error: {path} at conditions[0].operator: ")
    assert saved(pop) == before


@pytest.mark.parametrize(("content", "reason"), [
    (b'{"conditions": [', "is not valid JSON: Expecting value at line 1, column 17"),
    ('{"conditions": [{"kind": "tag", "tag": "café"}]}'.encode("latin-1"), "is not UTF-8 text (byte 0xe9 at position 43)"),
    (b"[]", "should hold the rules as one JSON object"),
    (b"", "is empty"),
    (b"[" * 100_000, "nests too deeply"),
    (b'{"rules": [1]}', "its 'rules' should be a JSON object"),
])
def test_an_unusable_rules_file_is_one_line_naming_it(pop, tmp_path, capsys, content, reason):
    path = tmp_path / "rules.json"
    path.write_bytes(content)
    for action in ("count", "members", "create"):
        argv = (action, "New", "--rules", str(path)) if action == "create" else (action, "--rules", str(path))
        code, out, err = run(pop, capsys, *argv)
        assert code == 1 and out == ""
        assert err.startswith(f"journey-studio: error: {path}: ") and reason in err and len(err.splitlines()) == 1
    assert "New" not in saved(pop)


def test_a_missing_rules_file_or_a_folder_is_named(pop, tmp_path, capsys):
    code, _, err = run(pop, capsys, "count", "--rules", str(tmp_path / "nope.json"))
    assert code == 1 and err == f"journey-studio: error: {tmp_path / 'nope.json'}: cannot read the file (No such " \
                                "file or directory)\n"
    code, _, err = run(pop, capsys, "count", "--rules", str(tmp_path))
    assert code == 1 and err == f"journey-studio: error: {tmp_path}: is a folder, not a rules file\n"


def test_a_rules_file_in_utf16_with_a_bom_is_read(pop, tmp_path, capsys):
    path = tmp_path / "powershell.json"
    path.write_bytes(json.dumps(PRO_RULES).encode("utf-16"))   # with its byte-order mark
    assert run(pop, capsys, "count", "--rules", str(path))[1] == f"3 customers match the rules in {path} now\n"


def test_delete_asks_in_a_terminal_refuses_a_pipe_and_takes_yes(pop, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))
    code, _, err = run(pop, capsys, "delete", "VIPs")
    assert code == 1
    assert err == ("journey-studio: error: nothing deleted: deleting segment 'VIPs' (1 stored member) needs "
                   "confirmation in a terminal (an answer from a pipe is not read); add --yes to delete without "
                   "asking\n")
    assert "VIPs" in saved(pop)
    monkeypatch.setattr("sys.stdin", Terminal("n\n"))
    code, out, _ = run(pop, capsys, "delete", "VIPs")
    assert code == 1 and "Delete segment 'VIPs' (1 stored member)?" in out and out.endswith("nothing deleted\n")
    assert "VIPs" in saved(pop)
    monkeypatch.setattr("sys.stdin", Terminal("yes\n"))
    assert run(pop, capsys, "delete", "VIPs")[0] == 0
    assert "VIPs" not in saved(pop)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert run(pop, capsys, "delete", "Everyone", "--yes") == (0, "deleted segment 'Everyone' (0 stored members)\n", "")
    assert saved(pop) == {}


def test_delete_names_the_journeys_that_use_the_segment(pop, capsys, monkeypatch, registry):
    with Workspace.open(pop.location) as ws:
        journey = Journey(name="VIP care")
        journey.nodes.append(make_node(registry, "orchestrate.condition",
                                       config={"check": {"kind": "segment", "segment_id": pop.vips}}))
        ws.create_journey(journey)
    monkeypatch.setattr("sys.stdin", Terminal("n\n"))
    code, out, _ = run(pop, capsys, "delete", "VIPs")
    assert code == 1 and "Journeys that use it: VIP care (draft)." in out
    code, out, _ = run(pop, capsys, "delete", "VIPs", "--yes")
    assert code == 0 and "warning: 1 journey still names it (VIP care); choose another segment there" in out


def test_an_unknown_name_is_refused_with_the_closest_one(pop, capsys):
    for argv in (("show", "vips"), ("count", "VIP"), ("members", "Everyone!"), ("delete", "vips", "--yes")):
        code, out, err = run(pop, capsys, *argv)
        close = "Everyone" if argv[1].startswith("Every") else "VIPs"
        assert code == 1 and out == ""
        assert err.endswith(f"there is no segment named '{argv[1]}'; did you mean '{close}'?\n")
    code, _, err = run(pop, capsys, "show", "Churned")
    assert code == 1 and err.endswith("there is no segment named 'Churned'; 'journey-studio segments list' shows "
                                      "them all\n")
    assert set(saved(pop)) == {"VIPs", "Everyone"}
    assert run(pop, capsys, "count", pop.vips)[1] == "1 customer matches segment 'VIPs' now\n"   # an id works too


def test_text_that_looks_like_sql_matches_literally(pop, tmp_path, capsys):
    exact = write(tmp_path / "exact.json", {"conditions": [
        {"kind": "attribute", "attribute": "name", "operator": "eq", "value": INJECTION}]})
    code, out, _ = run(pop, capsys, "create", "Odd name", "--rules", exact)
    assert code == 0 and out.endswith("; 1 customer matches it now\n")
    code, out, _ = run(pop, capsys, "members", "Odd name", "--json")
    assert code == 0 and [c["id"] for c in json.loads(out)["customers"]] == [pop.eve]
    code, out, _ = run(pop, capsys, "show", "Odd name")
    assert """    attribute name is "' OR 1=1 --\"""" in out.splitlines()
    for value in ("' OR '1'='1", "x' OR 1=1 --", "%", "_"):
        rules = write(tmp_path / "try.json", {"conditions": [
            {"kind": "attribute", "attribute": "plan", "operator": "contains", "value": value}]})
        assert run(pop, capsys, "count", "--rules", rules)[1] == f"0 customers match the rules in {rules} now\n"
    assert run(pop, capsys, "count", "Everyone")[1] == "4 customers match segment 'Everyone' now\n"


def test_reading_works_while_another_process_holds_the_workspace(pop, tmp_path, capsys):
    rules = write(tmp_path / "pro.json", PRO_RULES)
    with Workspace.open(pop.location):   # the app, holding the writer lock
        assert run(pop, capsys, "list")[0] == 0
        assert run(pop, capsys, "show", "VIPs")[0] == 0
        assert run(pop, capsys, "count", "VIPs")[1] == "1 customer matches segment 'VIPs' now\n"
        assert run(pop, capsys, "members", "--rules", rules, "--out", str(tmp_path / "pro.csv"))[0] == 0
        code, _, err = run(pop, capsys, "create", "Pro", "--rules", rules)
        assert code == 1 and "try again" in err and len(err.splitlines()) == 1
        code, _, err = run(pop, capsys, "delete", "VIPs", "--yes")
        assert code == 1 and "try again" in err
    assert set(saved(pop)) == {"VIPs", "Everyone"}
    assert (tmp_path / "pro.csv").read_bytes().startswith(codecs.BOM_UTF8)


def test_describe_rules_reads_every_kind_of_condition():
    rules = {"match": "any", "conditions": [
        {"kind": "attribute", "attribute": "Total spent", "operator": "gte", "value": "12,5"},
        {"kind": "attribute", "attribute": "city", "operator": "in", "value": ["Lyon", "上海"]},
        {"kind": "attribute", "attribute": "phone", "operator": "not_exists"},
        {"kind": "tag", "tag": "churned", "has": False},
        {"kind": "consent", "channel_kind": "sms", "granted": False},
        {"kind": "event", "event": "login", "did": False},
        {"kind": "event", "event": "order", "did": False, "min_count": 3, "within_days": 1},
        {"kind": "group", "match": "all", "conditions": []},
        {"kind": "group", "match": "all", "conditions": [
            {"kind": "attribute", "attribute": "plan", "operator": "ne", "value": True},
            {"kind": "attribute", "attribute": "name", "operator": "starts_with", "value": 'A"'}]}]}
    assert describe_rules(rules) == [
        "ANY of:",
        '  attribute "Total spent" is at least 12.5',
        '  OR attribute city is one of "Lyon", "上海"',
        "  OR attribute phone is not set",
        '  OR does not have tag "churned"',
        "  OR consent for sms is not granted",
        '  OR did not do "login"',
        '  OR did "order" fewer than 3 times in the last 1 day',
        "  OR everyone (an empty group)",
        "  OR ALL of:",
        "    attribute plan is not true",
        '    AND attribute name starts with "A\\""']
    assert describe_rules({}) == ["everyone (no conditions)"]
    assert describe_rules({"match": "any"}) == ["no one (an empty ANY group)"]


def test_segments_without_an_action_prints_its_usage(pop, capsys):
    code, out, _ = run(pop, capsys)
    assert code == 2 and "list" in out and "members" in out


def test_a_condition_without_a_kind_says_which_kinds_there_are(pop, tmp_path, capsys):
    rules = write(tmp_path / "guess.json", {"match": "all", "conditions": [{"field": "plan", "op": "=", "value": "pro"}]})
    code, _, err = run(pop, capsys, "count", "--rules", rules)
    assert code == 1
    assert "at conditions[0]: each condition needs a 'kind': one of attribute, tag, consent, event, group" in err
    rules = write(tmp_path / "typo.json", {"conditions": [{"kind": "attr", "attribute": "plan", "value": "pro"}]})
    code, _, err = run(pop, capsys, "count", "--rules", rules)
    assert code == 1 and "'kind' must be one of attribute, tag, consent, event, group, not 'attr'" in err


def test_rules_that_match_nobody_say_which_names_nothing_has(pop, tmp_path, capsys):
    rules = write(tmp_path / "none.json", {"match": "any", "conditions": [
        {"kind": "attribute", "attribute": "phone", "operator": "exists"},
        {"kind": "attribute", "attribute": "plna", "value": "pro"},
        {"kind": "group", "conditions": [{"kind": "event", "event": "order_complete"}]}]})
    code, out, err = run(pop, capsys, "count", "--rules", rules)
    assert code == 0 and out.startswith("0 customers match")
    assert err.splitlines() == [
        "note: no customer has an attribute 'phone'; the e-mail addresses and phone numbers that identify "
        "customers are identifiers, which rules do not read",
        "note: no customer has an attribute 'plna'; did you mean 'plan'?",
        "note: no event 'order_complete' is stored; did you mean 'order_completed'?"]
    code, out, _ = run(pop, capsys, "count", "--rules", rules, "--json")
    assert len(json.loads(out)["hints"]) == 3
    code, out, err = run(pop, capsys, "count", "VIPs")
    assert code == 0 and err == ""  # a segment that matches someone gets no notes


def test_list_columns_line_up_after_chinese_names_and_whole_numbers_lose_their_point(pop, tmp_path, capsys):
    from engine.track.command_output import width
    from engine.track.member_export import cell

    def at(line: str, column: int) -> str:
        """The character that stands at terminal ``column`` (0-based) of ``line``."""
        for index, _ch in enumerate(line):
            if width(line[:index + 1]) > column:
                return line[index]
        return ""

    rules = write(tmp_path / "pro.json", PRO_RULES)
    assert run(pop, capsys, "create", "Paris / 中国", "--rules", rules)[0] == 0
    code, out, _ = run(pop, capsys, "list")
    header, *rows = out.splitlines()[:4]
    # STORED is right-aligned: its last digit stands under the header's last letter on every row,
    # the row with a Chinese name (two columns a character) included.
    end = width(header[:header.index("STORED") + len("STORED")]) - 1
    assert any("中国" in row for row in rows)
    for row in rows:
        assert at(row, end).isdigit() and at(row, end + 1) == " ", row
    assert cell(430.0) == "430" and cell(320.5) == "320.5" and cell(3) == "3" and cell(1e20) == "1e+20"


def test_members_out_without_a_name_is_refused(pop, capsys):
    code, out, err = run(pop, capsys, "members", "Everyone", "--out", "")
    assert code == 1 and out == "" and err == "journey-studio: error: --out needs a file name, such as members.xlsx " \
                                              "or members.csv\n"


def test_json_asked_for_gets_the_error_as_json_too(pop, capsys):
    code, out, err = run(pop, capsys, "count", "Nobody like this", "--json")
    assert code == 1
    data = json.loads(out)
    assert set(data) == {"error", "where"} and "Nobody like this" in data["error"]
    assert err.startswith("journey-studio: error: ")                 # and the line for people
    code, out, err = run(pop, capsys, "count", "Nobody like this")
    assert code == 1 and out == ""                                     # without --json: the line only
