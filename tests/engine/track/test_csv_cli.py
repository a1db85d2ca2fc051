"""End-to-end tests of ``journey-studio import customers|events FILE.csv``."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from engine.cli import main
from engine.store import Workspace


def write(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return path


@pytest.fixture
def workspace(tmp_path: Path) -> str:
    return str(tmp_path / "ws")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_import_events_prints_a_summary_and_the_first_errors(tmp_path: Path, workspace: str, capsys):
    lines = ["email;what;when;amount"] + [f"u{i}@example.com;visit;{i + 1:02d}/01/2025 10:00;{i},5" for i in range(12)]
    lines[3] = "u2@example.com;visit;32/01/2025 10:00;1"
    lines[5] = ";visit;04/01/2025 10:00;1"
    path = write(tmp_path / "shop.csv", lines, encoding="utf-8-sig")
    report = tmp_path / "report.csv"
    code, out, err = run(capsys, "import", "events", str(path), "--workspace", workspace, "--map", "what=event",
                         "--map", "when=time", "--time-zone", "Europe/Paris", "--errors", str(report))
    assert code == 0, err
    assert "12 rows read: 10 events imported, 10 new customers, 2 skipped with errors" in out
    assert "row 4, column 'when': '32/01/2025 10:00' is not a date and time in the format day/month/year" in out
    assert "row 6, column 'email': the customer identifier is missing" in out
    assert f"Every skipped row is listed in {report}" in out
    with open(report, encoding="utf-8-sig", newline="") as fh:
        assert [r[:3] for r in csv.reader(fh, delimiter=";")] == [["row", "line", "column"], ["4", "4", "when"], ["6", "6", "email"]]
    with Workspace.open(workspace) as ws:
        events = ws.customer_events(ws.find_customer("email", "u0@example.com"))
    assert events[0].properties == {"amount": 0.5}
    assert events[0].occurred_at.isoformat() == "2025-01-01T09:00:00+00:00"

    code, out, _ = run(capsys, "import", "events", str(path), "--workspace", workspace, "--map", "what=event",
                       "--map", "when=time", "--time-zone", "Europe/Paris")
    assert code == 0
    assert "0 events imported, 10 duplicates, 2 skipped with errors" in out
    assert "--errors REPORT.csv" in out


def test_nothing_importable_exits_1(tmp_path: Path, workspace: str, capsys):
    path = write(tmp_path / "bad.csv", ["email,event,time", ",x,2025-01-01", "a@example.com,x,not a date"])
    code, out, _ = run(capsys, "import", "events", str(path), "--workspace", workspace, "--date-format", "iso")
    assert code == 1
    assert "0 events imported" in out and "2 skipped with errors" in out
    empty = write(tmp_path / "empty.csv", ["email,event,time"])
    code, out, _ = run(capsys, "import", "events", str(empty), "--workspace", workspace)
    assert code == 1 and "no data rows" in out


def test_user_errors_are_one_line(tmp_path: Path, workspace: str, capsys):
    path = write(tmp_path / "e.csv", ["email,event,time", "a@example.com,x,2025-01-01"])
    code, _, err = run(capsys, "import", "events", str(path), "--workspace", workspace, "--map", "nope=event")
    assert code == 2  # a column the file does not have: the command line is wrong
    assert err.strip() == ("journey-studio: error: mapping 'nope=event': there is no column 'nope' (the columns "
                           "are email, event, time)")
    code, _, err = run(capsys, "import", "events", str(tmp_path / "missing.csv"), "--workspace", workspace)
    assert code == 1 and "cannot read the file" in err and "Traceback" not in err
    with pytest.raises(SystemExit) as exit_info:
        main(["import", "events", str(path), "--workspace", workspace, "--map", "email"])
    assert exit_info.value.code == 2 and "expected COLUMN=FIELD" in capsys.readouterr().err


def test_import_customers_json_and_dry_run(tmp_path: Path, workspace: str, capsys):
    path = write(tmp_path / "people.csv", ["Email,Name,Email Consent,Tags", "ana@example.com,Ana,yes,vip|new",
                                           "ben@example.com,Ben,no,"])
    code, out, _ = run(capsys, "import", "customers", str(path), "--workspace", workspace, "--dry-run")
    assert code == 0
    assert "dry run, nothing was written (utf-8, comma-separated)" in out
    assert "Email Consent → consent.email (bool or marketing status)" in out
    assert "2 customers would be created" in out
    with Workspace.open(workspace) as ws:
        assert ws.find_customer("email", "ana@example.com") is None

    code, out, _ = run(capsys, "import", "customers", str(path), "--workspace", workspace, "--json")
    assert code == 0
    data = json.loads(out)
    assert (data["created"], data["updated"], data["skipped"], data["errors"]) == (2, 0, 0, [])
    with Workspace.open(workspace) as ws:
        ana = ws.get_customer(ws.find_customer("email", "ana@example.com"))
    assert ana.attributes == {"Name": "Ana"} and ana.consent == {"email": True} and ana.tags == ("new", "vip")

    code, out, _ = run(capsys, "import", "customers", str(path), "--workspace", workspace, "--id-column", "Email",
                       "--id-kind", "email")
    assert code == 0 and "0 customers created, 0 updated, 2 rows unchanged" in out


def test_encoding_and_delimiter_can_be_forced(tmp_path: Path, workspace: str, capsys):
    path = tmp_path / "gbk.txt"
    path.write_bytes("用户|事件|时间\r\nu1|购买|2025-01-01T08:00:00+08:00\r\n".encode("gbk"))
    code, out, err = run(capsys, "import", "events", str(path), "--workspace", workspace, "--encoding", "gbk",
                         "--delimiter", "|", "--id-column", "用户", "--id-kind", "user_id")
    assert code == 0, err
    assert "1 event imported" in out
    with Workspace.open(workspace) as ws:
        event = ws.customer_events(ws.find_customer("user_id", "u1"))[0]
    assert (event.name, event.occurred_at.isoformat()) == ("购买", "2025-01-01T00:00:00+00:00")


def customers_with_a_bad_row(tmp_path: Path) -> Path:
    return write(tmp_path / "c_bad.csv", ["email,name", "ana@example.com,Ana", "not-an-email,Bad",
                                          "ben@example.com,Ben"])


def test_an_unwritable_error_report_is_refused_before_anything_is_imported(tmp_path: Path, workspace: str,
                                                                          capsys):
    path = customers_with_a_bad_row(tmp_path)
    report = tmp_path / "nonexistent" / "dir" / "r.csv"
    code, out, err = run(capsys, "import", "customers", str(path), "--workspace", workspace, "--errors", str(report))
    assert code == 2 and out == ""
    assert err == (f"journey-studio: error: {report}: cannot write the error report (No such file or directory); "
                   "nothing was imported\n")
    code, out, err = run(capsys, "import", "customers", str(path), "--workspace", workspace, "--errors", str(report),
                         "--json")
    assert code == 2 and err == ""
    assert json.loads(out) == {"error": "cannot write the error report (No such file or directory); nothing was "
                                        "imported", "where": str(report)}
    code, _, err = run(capsys, "import", "customers", str(path), "--workspace", workspace, "--errors", str(path))
    assert code == 2 and "the error report would overwrite the CSV file" in err
    assert path.read_text(encoding="utf-8").startswith("email,name\n")
    with Workspace.open(workspace) as ws:
        assert ws.find_customer("email", "ana@example.com") is None


def test_a_report_that_fails_at_the_end_comes_after_the_summary_and_exits_3(tmp_path: Path, workspace: str,
                                                                           capsys):
    full = Path("/dev/full")  # opens for writing, and every write fails with "no space left"
    if not full.exists():
        pytest.skip("no /dev/full on this system")
    path = customers_with_a_bad_row(tmp_path)
    code, out, err = run(capsys, "import", "customers", str(path), "--workspace", workspace, "--errors", str(full))
    assert code == 3
    assert "3 rows read: 2 customers created, 0 updated, 1 skipped with errors" in out
    assert "row 3, column 'email': 'not-an-email' is not an email address" in out
    assert "Every skipped row is listed" not in out
    assert err == "journey-studio: error: /dev/full: cannot write the error report: No space left on device\n"
    with Workspace.open(workspace) as ws:
        assert ws.find_customer("email", "ben@example.com") is not None

    other = str(tmp_path / "ws2")
    code, out, err = run(capsys, "import", "customers", str(path), "--workspace", other, "--errors", str(full),
                         "--json")
    assert code == 3 and err == ""
    data = json.loads(out)
    assert (data["created"], data["skipped"]) == (2, 1)
    assert (data["error"], data["where"]) == ("cannot write the error report: No space left on device", "/dev/full")

    # Nothing importable stays exit 1 even when the report cannot be written either.
    bad = write(tmp_path / "all_bad.csv", ["email,name", "nope,A"])
    code, _, err = run(capsys, "import", "customers", str(bad), "--workspace", other, "--errors", str(full))
    assert code == 1 and "cannot write the error report" in err


def test_a_refused_import_leaves_no_empty_report_behind(tmp_path: Path, workspace: str, capsys):
    report = tmp_path / "r.csv"
    code, _, err = run(capsys, "import", "customers", str(tmp_path / "nope.csv"), "--workspace", workspace,
                       "--errors", str(report))
    assert code == 1 and "cannot read the file" in err
    assert not report.exists()


def test_with_json_every_refusal_is_a_json_object_on_stdout(tmp_path: Path, workspace: str, capsys):
    missing = tmp_path / "nope.csv"
    code, out, err = run(capsys, "import", "customers", str(missing), "--workspace", workspace, "--json")
    assert code == 1 and err == ""
    assert json.loads(out) == {"error": "cannot read the file: No such file or directory", "where": str(missing)}

    path = customers_with_a_bad_row(tmp_path)
    code, out, err = run(capsys, "import", "customers", str(path), "--workspace", workspace, "--map", "nope=skip",
                         "--json")
    assert code == 2 and err == ""
    assert json.loads(out) == {"error": "mapping 'nope=skip': there is no column 'nope' (the columns are email, name)",
                               "where": None}



def test_the_summary_counts_in_words_that_agree(tmp_path: Path, workspace: str, capsys):
    path = write(tmp_path / "one.csv", ["email,event,time", "a@example.com,visit,2025-01-01T10:00:00Z"])
    code, out, _ = run(capsys, "import", "events", str(path), "--workspace", workspace)
    assert code == 0 and "1 row read: 1 event imported, 1 new customer, 0 skipped with errors" in out
    code, out, _ = run(capsys, "import", "events", str(path), "--workspace", workspace)
    assert code == 0 and "1 row read: 0 events imported, 1 duplicate, 0 skipped with errors" in out


def test_values_kept_as_text_are_named_by_row(tmp_path: Path, workspace: str, capsys):
    lines = ["email,signup_date"] + [f"u{i}@example.com,2024-01-{i + 1:02d}" for i in range(28)]
    lines[4] = "u3@example.com,2024-13-45"
    path = write(tmp_path / "people.csv", lines)
    code, out, err = run(capsys, "import", "customers", str(path), "--workspace", workspace)
    assert code == 0, err
    # The preview's warning names the same value, with its type: it says what was done too.
    assert ("warning: column 'signup_date': 1 of the first 28 values does not fit its type (date, ISO 8601 like "
            "2024-12-31 or 2024-12-31T18:30:00Z): row 5 '2024-13-45'; it was kept as text\n") in out
    assert "did not fit its type" not in out
    with Workspace.open(workspace) as ws:
        kept = ws.get_customer(ws.find_customer("email", "u3@example.com"))
    assert kept.attributes == {"signup_date": "2024-13-45"}

    # Events, read in small batches: the first three in file order are named, the others counted.
    rows = [f"u{i}@example.com,visit,2025-01-01T10:00:00Z,{i}" for i in range(120)]
    for i, value in ((90, "n/a"), (7, "lots"), (59, "?"), (100, "x"), (8, "-")):
        rows[i] = rows[i].rsplit(",", 1)[0] + f",{value}"
    path = write(tmp_path / "events.csv", ["email,event,time,amount", *rows])
    code, out, err = run(capsys, "import", "events", str(path), "--workspace", workspace, "--batch-rows", "10",
                         "--json")
    assert code == 0, err
    assert ("column 'amount': 5 values did not fit its type and were kept as text: "
            "row 9 'lots', row 10 '-', row 61 '?' and 2 more") in json.loads(out)["warnings"]


def test_import_events_says_how_often_the_tracking_plan_was_broken(tmp_path: Path, workspace: str, capsys):
    from engine.commands import make_node
    from engine.document import Journey
    from engine.spec import default_registry

    with Workspace.open(workspace) as ws:
        plan = Journey(name="Plan")
        plan.nodes.append(make_node(default_registry(), "track.event", title="visit", config={
            "event_name": "visit", "description": "", "source": "", "properties": []}))
        ws.create_journey(plan)
    path = write(tmp_path / "shop.csv", ["email,event,time", "a@example.com,visit,2025-01-01 10:00",
                                         "a@example.com,refund,2025-01-02 10:00",
                                         "b@example.com,refund,2025-01-03 10:00"])
    code, out, err = run(capsys, "import", "events", str(path), "--workspace", workspace)
    assert code == 0, err
    assert "  2 breaches of the tracking plan (unknown events, missing or mistyped properties): " \
           "'journey-studio tracking' lists them, as the Tracking panel in the app does" in out
