"""``journey-studio import`` as a real process: a wrong command line exits 2 with one line and no
traceback, whatever the wrong value is; a file that cannot be imported exits 1; and what ``--help``
says about the exit codes stays true."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import cli

COLUMNS = "email, City, event, time"


@pytest.fixture
def people(tmp_path: Path) -> Path:
    path = tmp_path / "people.csv"
    path.write_text("email,City,event,time\nann@example.com,Paris,visit,2025-01-01T10:00:00Z\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(("options", "message"), [
    (["--map", "Foo=attributes.x"],
     f"mapping 'Foo=attributes.x': there is no column 'Foo' (the columns are {COLUMNS})"),
    (["--map", "City=bogus"],
     "column 'City': unknown field 'bogus' for an import of customers; use one of tags, time_zone, "
     "identifiers.<name>, attributes.<name>, consent.<name>, skip"),
    (["--map", "City=attributes.town:txt"],
     "column 'City': unknown type 'txt' in 'attributes.town:txt' (did you mean 'text'?); the types are text, "
     "int, float, bool, date, datetime, email, phone"),
    (["--map", "City=attributes.town:banana"],
     "column 'City': unknown type 'banana' in 'attributes.town:banana'; the types are text, int, float, bool, "
     "date, datetime, email, phone"),
    (["--id-kind", "foo"],
     "column 'email': unknown identifier kind 'foo'; use one of user_id, anonymous_id, distinct_id, email, "
     "phone or custom:<name>"),
    (["--id-column", "Nope"], f"the identifier column: there is no column 'Nope' (the columns are {COLUMNS})"),
    (["--encoding", "latin-9x"], "{path}: unknown encoding 'latin-9x'"),
    (["--time-zone", "Mars/Olympus"],
     "unknown time zone 'Mars/Olympus'; use an IANA name such as Europe/Paris or Asia/Shanghai"),
], ids=["map-unknown-column", "map-unknown-field", "map-type-typo", "map-unknown-type", "id-kind", "id-column",
       "encoding", "time-zone"])
def test_a_wrong_option_value_is_a_usage_error(people: Path, tmp_path: Path, options: list[str], message: str):
    workspace = str(tmp_path / "ws")
    report = tmp_path / "errors.csv"
    done = cli("import", "customers", str(people), "--workspace", workspace, "--errors", str(report), *options)
    assert done.returncode == 2, done.stderr
    assert done.stderr == f"journey-studio: error: {message.format(path=people)}\n"
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert not report.exists()  # refused before anything was done: no empty report is left

    done = cli("import", "customers", str(people), "--workspace", workspace, "--json", *options)
    assert done.returncode == 2 and done.stderr == ""
    where = str(people) if options[0] == "--encoding" else None
    assert json.loads(done.stdout) == {"error": message.format(path=people).removeprefix(f"{people}: "),
                                       "where": where}


def test_a_file_that_cannot_be_imported_still_exits_1(tmp_path: Path):
    # Nothing wrong with the command line: the time column is not dates.
    path = tmp_path / "events.csv"
    path.write_text("email,event,time\nann@example.com,visit,soon\nbob@example.com,visit,later\n", encoding="utf-8")
    done = cli("import", "events", str(path), "--workspace", str(tmp_path / "ws"))
    assert done.returncode == 1
    assert done.stderr == ("journey-studio: error: column 'time' is mapped to the event time but its values do not "
                           "look like dates (text): none of its 2 sampled values reads as a date in a known format; "
                           "give their format with --date-format\n")


def test_help_says_which_errors_exit_1_and_which_exit_2():
    done = cli("import", "--help")
    assert done.returncode == 0
    text = " ".join(done.stdout.split())
    assert "1 when nothing could be imported" in text
    assert ("2 when the command line is wrong (including an unknown field, identifier kind, time zone, encoding "
            "or date format, or a column the file does not have)") in text
