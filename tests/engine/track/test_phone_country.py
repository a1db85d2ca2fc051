"""The workspace's phone country: phone numbers written without a country code (a shop's export,
``06 12 34 56 78``) are kept in E.164 form (``+33612345678``), so that they name the same customer
as the website's ``+33 6 12 34 56 78``. The CSV import reads them in the country given (and
remembers it), the collector and the profiles' lookup in the country remembered."""

from __future__ import annotations

import base64
import http.client
import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from engine.cli import main
from engine.errors import NotFound
from engine.identifiers import (
    PHONE_COUNTRY_META,
    PhoneCountryError,
    calling_codes,
    canonical_identifier,
    check_phone_country,
    phone_country_of,
)
from engine.store import Workspace
from engine.store.models import CustomerRow, EventRow, IdentifierRow
from engine.track import collector_keys, csv_import
from engine.track.collector import Collector
from engine.track.csv_import import (
    CsvImportError,
    ImportOptions,
    import_customers,
    import_events,
    phone_country_used_before,
)
from engine.track.profiles import resolve, search

ROOT = Path(__file__).resolve().parents[3]


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def phones(ws: Workspace) -> list[str]:
    with ws.engine.connect() as conn:
        return sorted(conn.scalars(select(IdentifierRow.value).where(IdentifierRow.kind == "phone")))


def customer_count(ws: Workspace) -> int:
    with ws.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(CustomerRow))


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# ----------------------------------------------------------------------------------------------
# The kept form
# ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("country", "written", "kept"), [
    ("FR", "06 12 34 56 78", "+33612345678"),
    ("fr", "0612345678", "+33612345678"),
    ("FR", "33 6 12 34 56 78", "+33612345678"),  # the country code without its +
    ("GB", "07911 123456", "+447911123456"),
    ("GB", "020 7946 0018", "+442079460018"),
    ("DE", "030 901820", "+4930901820"),
    ("DE", "01511 2345678", "+4915112345678"),
    ("US", "(415) 555-2671", "+14155552671"),
    ("US", "415.555.2671", "+14155552671"),
    ("CN", "138 0013 8000", "+8613800138000"),
    ("CN", "010 1234 5678", "+861012345678"),
])
def test_a_local_number_is_kept_in_e164_form(country: str, written: str, kept: str):
    assert canonical_identifier("phone", written, country) == kept


@pytest.mark.parametrize(("written", "kept"), [
    ("+33 6 12 34 56 78", "+33612345678"),
    ("0033 6 12 34 56 78", "+33612345678"),
    ("+44 20 7946 0018", "+442079460018"),
    ("0044 20 7946 0018", "+442079460018"),
    ("+1 415", "+1415"),  # not a possible number, kept as it always was
    ("0049 30", "+4930"),
])
def test_numbers_with_a_country_code_keep_their_form(written: str, kept: str):
    for country in (None, "FR", "GB", "US", "CN"):
        assert canonical_identifier("phone", written, country) == kept


@pytest.mark.parametrize(("country", "written", "kept"), [
    ("FR", "123", "123"),
    ("FR", "06 12", "0612"),
    ("FR", "06 12 34 56 78 90 12 34", "0612345678901234"),
    ("US", "1-800-FLOWERS", "1800FLOWERS"),  # letters: kept as written, never spelled out
    ("FR", "06 12 34 56 78 ext 5", "0612345678ext5"),
    # Possible lengths, but in none of the country's number ranges: never +10612345678.
    ("US", "06 12 34 56 78", "0612345678"),
    ("CN", "06 12 34 56 78", "0612345678"),
    ("GB", "06 12 00 00 01", "0612000001"),
    ("FR", "07 11 22 33 44", "0711223344"),
])
def test_a_number_that_is_not_one_of_the_country_is_kept_as_without_a_country(country: str, written: str, kept: str):
    assert canonical_identifier("phone", written, country) == kept
    assert canonical_identifier("phone", written) == kept


def test_other_kinds_ignore_the_country():
    assert canonical_identifier("email", " Ana@Example.com ", "FR") == "ana@example.com"
    assert canonical_identifier("user_id", "0612345678", "FR") == "0612345678"


def test_country_codes_are_checked_and_named_in_the_error():
    assert check_phone_country(" fr ") == "FR"
    assert check_phone_country("Cn") == "CN"
    for bad in ("XX", "France", "33", "", "F"):
        with pytest.raises(PhoneCountryError) as caught:
            check_phone_country(bad)
        message = str(caught.value)
        assert f"'{bad}'" in message and "FR, DE, GB, CN or US" in message
        assert isinstance(caught.value, ValueError)
    with pytest.raises(PhoneCountryError, match="the United Kingdom is GB"):
        check_phone_country("uk")
    codes = calling_codes()
    assert (codes["FR"], codes["GB"], codes["DE"], codes["CN"], codes["US"]) == (33, 44, 49, 86, 1)


def test_plain_imports_do_not_load_phonenumbers():
    code = ("import sys; from engine.identifiers import canonical_identifier; "
            "import engine.track.csv_types, engine.track.collector_messages; "
            "assert canonical_identifier('phone', '06 12 34 56 78') == '0612345678'; "
            "print('phonenumbers' in sys.modules); "
            "assert canonical_identifier('phone', '06 12 34 56 78', 'FR') == '+33612345678'; "
            "print('phonenumbers' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "True"]


# ----------------------------------------------------------------------------------------------
# The CSV import
# ----------------------------------------------------------------------------------------------

def test_local_numbers_of_a_customers_file_and_a_segment_identify_are_one_customer(ws, tmp_path: Path):
    path = write(tmp_path / "shop.csv", ["phone,name", "06 12 34 56 78,Ann", "07 98 76 54 32,Bo"])
    result = import_customers(ws, path, ImportOptions(phone_country="FR"))
    assert result.created == 2 and result.phone_country == "FR" and not result.warnings
    assert phones(ws) == ["+33612345678", "+33798765432"]

    key = collector_keys.add_key(ws, "site")
    collector = Collector(ws, "127.0.0.1", 0)
    collector.start()
    try:
        assert collector.phone_country == "FR"
        conn = http.client.HTTPConnection("127.0.0.1", collector.port, timeout=30)
        auth = {"Authorization": "Basic " + base64.b64encode(f"{key}:".encode()).decode(),
                "Content-Type": "application/json"}
        for body in ({"userId": "u-ann", "traits": {"phone": "+33 6 12 34 56 78", "plan": "pro"}},
                     {"userId": "u-bo", "traits": {"phone": "07 98 76 54 32"}}):  # local: read in FR too
            conn.request("POST", "/v1/identify", body=json.dumps(body), headers=auth)
            response = conn.getresponse()
            assert response.status == 200, response.read()
            response.read()
        conn.close()
    finally:
        collector.stop()
    ann = ws.find_customer("phone", "+33612345678")
    assert ann is not None and ws.find_customer("user_id", "u-ann") == ann
    assert ws.get_customer(ann).attributes == {"name": "Ann", "phone": "+33 6 12 34 56 78", "plan": "pro"}
    assert ws.find_customer("user_id", "u-bo") == ws.find_customer("phone", "+33798765432")
    assert customer_count(ws) == 2


def test_the_sensors_protocol_reads_local_mobiles_in_the_workspace_country(ws):
    ws.set_meta(PHONE_COUNTRY_META, "CN")
    key = collector_keys.add_key(ws, "app")
    collector = Collector(ws, "127.0.0.1", 0)
    collector.start()
    try:
        data = base64.b64encode(json.dumps({
            "type": "track", "event": "visit", "distinct_id": "d1", "time": 1735689600000,
            "identities": {"$identity_mobile": "138 0013 8000"}, "properties": {}}).encode()).decode()
        conn = http.client.HTTPConnection("127.0.0.1", collector.port, timeout=30)
        conn.request("POST", "/sa?" + urlencode({"project": "default", "token": key}),
                     body=urlencode({"data": data}),
                     headers={"Content-Type": "application/x-www-form-urlencoded"})
        response = conn.getresponse()
        assert response.status == 200, response.read()
        conn.close()
    finally:
        collector.stop()
    assert phones(ws) == ["+8613800138000"]


def test_without_a_country_the_collector_keeps_local_numbers_as_sent(ws):
    key = collector_keys.add_key(ws, "site")
    collector = Collector(ws, "127.0.0.1", 0)
    collector.start()
    try:
        assert collector.phone_country is None
        conn = http.client.HTTPConnection("127.0.0.1", collector.port, timeout=30)
        conn.request("POST", "/v1/identify", body=json.dumps({"userId": "u1", "traits": {"phone": "06 12 34 56 78"}}),
                     headers={"Authorization": "Basic " + base64.b64encode(f"{key}:".encode()).decode(),
                              "Content-Type": "application/json"})
        assert conn.getresponse().status == 200
        conn.close()
    finally:
        collector.stop()
    assert phones(ws) == ["0612345678"]


def test_numbers_that_are_not_of_the_country_are_kept_and_named_in_a_warning(ws, tmp_path: Path):
    path = write(tmp_path / "shop.csv", ["phone,name", "06 12 34 56 78,Ann", "123,Bo", "45,Cy", "+44 20 7946 0018,Di",
                                         "0612,Ed", "7,Fa", "06 99 88 77 66,Gi", "8,Hu"])
    result = import_customers(ws, path, ImportOptions(phone_country="FR"))
    assert result.created == 8 and result.skipped == 0
    assert result.warnings == ["column 'phone': 5 phone numbers could not be read as FR numbers and were kept as "
                               "written: row 3 '123', row 4 '45', row 6 '0612' and 2 more"]
    assert phones(ws) == ["+33612345678", "+33699887766", "+442079460018", "0612", "123", "45", "7", "8"]

    one = write(tmp_path / "one.csv", ["phone", "+33 6 00 00 00 01", "99 99"])
    single = import_customers(ws, one, ImportOptions(phone_country="FR"))
    assert single.warnings == ["column 'phone': 1 phone number could not be read as an FR number and was kept as "
                               "written: row 3 '99 99'"]


def test_an_events_file_names_the_rows_too_and_adds_nothing_when_read_again(ws, tmp_path: Path):
    path = write(tmp_path / "orders.csv", ["phone,event,time", "06 12 34 56 78,order,2025-01-01T10:00:00Z",
                                           "123,order,2025-01-01T11:00:00Z", "0612345678,visit,2025-01-02T10:00:00Z"])
    result = import_events(ws, path, ImportOptions(phone_country="FR", time_zone="UTC"))
    assert (result.imported, result.created) == (3, 2)
    assert result.warnings[-1] == ("column 'phone': 1 phone number could not be read as an FR number and was kept "
                                   "as written: row 3 '123'")
    assert phones(ws) == ["+33612345678", "123"]
    # Dedup keys hash the file's own text: the same file read with another country adds nothing.
    again = import_events(ws, path, ImportOptions(phone_country="none", time_zone="UTC"))
    assert (again.imported, again.duplicates) == (0, 3)


def test_the_country_is_remembered_used_next_time_and_forgotten_with_none(ws, tmp_path: Path):
    first = write(tmp_path / "first.csv", ["phone", "06 12 34 56 78"])
    second = write(tmp_path / "second.csv", ["phone", "06 99 88 77 66"])
    third = write(tmp_path / "third.csv", ["phone", "06 55 44 33 22"])
    assert phone_country_used_before(ws) is None
    dry = import_customers(ws, first, ImportOptions(phone_country="fr"), dry_run=True)
    assert dry.phone_country == "FR" and phone_country_used_before(ws) is None  # a dry run records nothing
    import_customers(ws, first, ImportOptions(phone_country="fr"))
    assert phone_country_used_before(ws) == "FR" and phone_country_of(ws) == "FR"

    kept = import_customers(ws, second, ImportOptions())
    assert (kept.phone_country, kept.phone_country_kept) == ("FR", True)
    assert "+33699887766" in phones(ws)

    forgot = import_customers(ws, third, ImportOptions(phone_country="none"))
    assert (forgot.phone_country, forgot.phone_country_kept) == ("", False)
    assert "0655443322" in phones(ws)
    assert phone_country_used_before(ws) is None and phone_country_of(ws) is None
    later = import_customers(ws, write(tmp_path / "later.csv", ["phone", "06 11 11 11 11"]), ImportOptions())
    assert later.phone_country == "" and "0611111111" in phones(ws)


def test_a_file_imported_again_reads_its_numbers_in_its_own_country_and_adds_nothing(tmp_path: Path, capsys):
    """A shop selling in France and China: the French file imported again after the Chinese one
    (which made China the workspace's country) still reads 06… as French numbers."""
    workspace = str(tmp_path / "ws")
    french = write(tmp_path / "clients_fr.csv", ["name,phone", "Marc,06 23 45 67 89"])
    chinese = write(tmp_path / "clients_cn.csv", ["name,phone", "张伟,138 0013 8000"])
    assert run(capsys, "import", "customers", str(french), "--workspace", workspace, "--phone-country", "FR")[0] == 0
    assert run(capsys, "import", "customers", str(chinese), "--workspace", workspace, "--phone-country", "CN")[0] == 0
    code, out, err = run(capsys, "import", "customers", str(french), "--workspace", workspace)
    assert code == 0, err
    assert "0 customers created, 0 updated" in out
    assert "read as FR numbers, as when this file was imported before" in out
    with Workspace.open(workspace) as ws:
        assert phones(ws) == ["+33623456789", "+8613800138000"]
        assert customer_count(ws) == 2
        assert phone_country_used_before(ws) == "CN"  # the workspace keeps the last country chosen
        other = write(tmp_path / "new_cn.csv", ["phone", "139 0000 1111"])
        assert import_customers(ws, other).phone_country == "CN"  # a new file follows the workspace


def test_local_numbers_imported_without_a_country_get_a_warning_naming_the_likely_one(ws, tmp_path: Path):
    path = write(tmp_path / "clients.csv", ["Prénom,Tél. portable", "Marc,06 23 45 67 89", "Ann,07 61 22 33 44",
                                            "Bo,+33 6 11 22 33 44"])
    result = import_customers(ws, path)
    [warning] = [w for w in result.warnings if "no country code" in w]
    assert warning.startswith("column 'Tél. portable': phone numbers such as '06 23 45 67 89' have no country code")
    assert "(FR, judging by the numbers)" in warning and "--phone-country FR" in warning
    assert "profiles phones --rewrite --country FR" in warning
    international = write(tmp_path / "intl.csv", ["phone", "+33 6 23 45 67 89", "+86 138 0013 8000"])
    assert not [w for w in import_customers(ws, international).warnings if "no country code" in w]
    chosen = import_customers(ws, write(tmp_path / "again.csv", ["phone", "06 99 88 77 66"]),
                              ImportOptions(phone_country="FR"))
    assert not [w for w in chosen.warnings if "no country code" in w]


@pytest.mark.parametrize(("numbers", "prefer", "expected"), [
    (["0623456789", "0761223344"], None, "FR"),
    (["0623456789", "0711223344"], None, "FR"),  # a mistyped French mobile is no reason to say Germany
    (["13800138000", "13912345678"], None, "CN"),
    (["07911123456"], None, "GB"),
    (["0612345678"], "NL", "NL"),  # this computer's country first, when the numbers fit it
    (["123456"], None, None),
])
def test_the_country_of_local_numbers_is_guessed_from_their_mobile_ranges(numbers, prefer, expected):
    from engine.identifiers import guess_phone_country

    assert guess_phone_country(numbers, prefer) == expected


def test_a_bad_country_refuses_the_import(ws, tmp_path: Path):
    path = write(tmp_path / "shop.csv", ["phone", "06 12 34 56 78"])
    with pytest.raises(CsvImportError) as caught:
        import_customers(ws, path, ImportOptions(phone_country="France"))
    assert caught.value.option == "phone_country" and caught.value.usage
    assert "'France'" in str(caught.value) and "FR, DE, GB, CN or US" in str(caught.value)
    assert customer_count(ws) == 0 and phone_country_used_before(ws) is None


def test_the_command_line_remembers_says_so_and_forgets(tmp_path: Path, capsys):
    workspace = str(tmp_path / "ws")
    first = write(tmp_path / "first.csv", ["phone,name", "06 12 34 56 78,Ann", "123,Bo"])
    code, out, err = run(capsys, "import", "customers", str(first), "--workspace", workspace, "--phone-country", "fr")
    assert code == 0, err
    assert "column 'phone': 1 phone number could not be read as an FR number and was kept as written: row 3 '123'" in out
    assert "as in this workspace's imports before" not in out

    second = write(tmp_path / "second.csv", ["phone", "06 99 88 77 66"])
    code, out, err = run(capsys, "import", "customers", str(second), "--workspace", workspace)
    assert code == 0, err
    assert ("phone numbers without a country code were read as FR numbers, as in this workspace's imports before "
            "(--phone-country chooses another, --phone-country none keeps them as written)") in out

    third = write(tmp_path / "third.csv", ["phone", "06 55 44 33 22"])
    code, out, err = run(capsys, "import", "customers", str(third), "--workspace", workspace, "--json")
    data = json.loads(out)
    assert code == 0 and (data["phone_country"], data["phone_country_kept"]) == ("FR", True)

    code, out, err = run(capsys, "import", "customers", str(third), "--workspace", workspace, "--phone-country",
                         "none", "--json")
    assert code == 0 and json.loads(out)["phone_country"] == ""
    fourth = write(tmp_path / "fourth.csv", ["phone", "06 11 11 11 11"])
    code, out, err = run(capsys, "import", "customers", str(fourth), "--workspace", workspace)
    assert code == 0 and "read as FR numbers" not in out
    with Workspace.open(workspace) as ws:
        assert phones(ws) == ["+33612345678", "+33655443322", "+33699887766", "0611111111", "0655443322", "123"]
        assert phone_country_used_before(ws) is None


def test_an_empty_country_on_the_command_line_also_keeps_numbers_as_written(tmp_path: Path, capsys):
    workspace = str(tmp_path / "ws")
    path = write(tmp_path / "shop.csv", ["phone", "06 12 34 56 78"])
    assert run(capsys, "import", "customers", str(path), "--workspace", workspace, "--phone-country", "FR")[0] == 0
    other = write(tmp_path / "other.csv", ["phone", "06 99 88 77 66"])
    code, out, err = run(capsys, "import", "customers", str(other), "--workspace", workspace, "--phone-country", "")
    assert code == 0, err
    with Workspace.open(workspace) as ws:
        assert phones(ws) == ["+33612345678", "0699887766"] and phone_country_used_before(ws) is None


def test_a_bad_country_on_the_command_line_is_one_clean_line(tmp_path: Path, capsys):
    workspace = str(tmp_path / "ws")
    path = write(tmp_path / "shop.csv", ["phone", "06 12 34 56 78"])
    code, out, err = run(capsys, "import", "customers", str(path), "--workspace", workspace, "--phone-country", "XY")
    # A value wrong in itself: the command line is wrong, as for an unknown time zone (exit 2).
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("journey-studio: error: 'XY' is not a country code for phone numbers")
    assert "FR, DE, GB, CN or US" in err
    code, out, err = run(capsys, "import", "customers", str(path), "--workspace", workspace, "--phone-country", "UK",
                         "--json")
    assert code == 2 and err == "" and "the United Kingdom is GB" in json.loads(out)["error"]
    with Workspace.open(workspace) as ws:
        assert customer_count(ws) == 0




def _stored(ws: Workspace) -> list[tuple]:
    with ws.engine.connect() as conn:
        who: dict[str, list[str]] = {}
        for kind, value, customer in conn.execute(select(IdentifierRow.kind, IdentifierRow.value,
                                                         IdentifierRow.customer_id)):
            who.setdefault(customer, []).append(f"{kind}:{value}")
        rows = conn.execute(select(EventRow.customer_id, EventRow.name, EventRow.occurred_at, EventRow.dedup_key)
                            .order_by(EventRow.id)).all()
    return [(tuple(sorted(who[r.customer_id])), r.name, r.occurred_at, r.dedup_key) for r in rows]


@pytest.mark.parametrize("with_email", [False, True], ids=["one identifier column", "two identifier columns"])
def test_the_reading_process_reads_numbers_in_the_country_as_this_one_does(tmp_path: Path, processes, monkeypatch,
                                                                           with_email: bool):
    monkeypatch.setattr(csv_import, "CONVERT_ROWS", 64)
    lines = ["phone,email,event,time" if with_email else "phone,event,time"]
    for i in range(300):
        phone = f"06 12 34 {i % 40:02d} {i % 7:02d}" if i % 11 else f"{i}"  # every 11th is not a number of FR
        email = (f"u{i}@example.com," if i % 3 else ",") if with_email else ""
        lines.append(f"{phone},{email}visit,2025-01-01T{i // 60 % 24:02d}:{i % 60:02d}:00Z")
    path = write(tmp_path / "events.csv", lines)
    results, contents = [], []
    for parallel in (False, True):
        with Workspace.open(tmp_path / f"ws-{parallel}.db") as ws:
            options = ImportOptions(parallel=parallel, batch_rows=70, phone_country="FR", time_zone="UTC",
                                    mapping={"email": "identifiers.email", "phone": "identifiers.phone"}
                                    if with_email else {})
            result = import_events(ws, path, options)
            results.append((result.rows_read, result.imported, result.created, result.skipped, result.warnings))
            contents.append(_stored(ws))
            assert phone_country_used_before(ws) == "FR"
    assert len(processes) == 1 and processes[0]._proc.returncode == 0
    assert results[0] == results[1] and contents[0] == contents[1]
    assert results[0][:2] == (300, 300) and results[0][3] == 0
    warning = results[0][-1][-1]
    assert warning.startswith("column 'phone': 28 phone numbers could not be read as FR numbers and were kept as "
                              "written: row 2 '0', row 13 '11', row 24 '22' and 25 more")
    kept = {who for who, *_ in contents[0]}
    assert any("phone:+336123400" in "".join(who) for who in kept)
    assert not any("phone:06" in "".join(who) for who in kept)


# ----------------------------------------------------------------------------------------------
# Profiles
# ----------------------------------------------------------------------------------------------

def test_profiles_find_a_local_number_in_a_workspace_of_a_country(ws, tmp_path: Path):
    path = write(tmp_path / "shop.csv", ["phone,name", "+33 6 12 34 56 78,Ann", "+44 20 7946 0018,Bo"])
    import_customers(ws, path, ImportOptions(phone_country="none"))
    ann = ws.find_customer("phone", "+33612345678")
    with pytest.raises(NotFound):
        resolve(ws, "06 12 34 56 78")  # no country: a local number is only its digits
    assert search(ws, "06 12 34 56 78").total == 0

    ws.set_meta(PHONE_COUNTRY_META, "FR")
    assert resolve(ws, "06 12 34 56 78") == ann
    assert resolve(ws, "0612345678") == ann
    assert resolve(ws, "phone:06.12.34.56.78") == ann
    assert resolve(ws, "+33 6 12 34 56 78") == ann
    page = search(ws, "06 12 34 56 78")
    assert page.total == 1 and page.items[0].id == ann
    with pytest.raises(NotFound):
        resolve(ws, "020 7946 0018")  # a number of GB, not of FR
    ws.set_meta(PHONE_COUNTRY_META, "GB")
    assert resolve(ws, "020 7946 0018") == ws.find_customer("phone", "+442079460018")


def test_changing_the_country_says_what_it_changes(tmp_path: Path, capsys):
    workspace = str(tmp_path / "ws")
    fr = write(tmp_path / "fr.csv", ["phone,name", "06 12 34 56 78,Ann"])
    code, out, err = run(capsys, "import", "customers", str(fr), "--workspace", workspace, "--phone-country", "FR")
    assert code == 0, err
    assert "the workspace's phone country is now FR: later imports" in out and "warning" not in out

    gb = write(tmp_path / "gb.csv", ["phone,name", "07911 123456,Bo", "06 12 00 00 01,Cy"])
    code, out, err = run(capsys, "import", "customers", str(gb), "--workspace", workspace, "--phone-country", "GB")
    assert code == 0, err
    assert ("warning: the workspace's phone country changes from FR to GB: later imports, the collector (once it "
            "starts again) and looking profiles up by a number read numbers written without a country code as GB "
            "numbers; numbers stored before keep the form they were stored in") in out
    assert "could not be read as a GB number and was kept as written: row 3 '06 12 00 00 01'" in out

    code, out, err = run(capsys, "import", "customers", str(fr), "--workspace", workspace, "--phone-country", "none")
    assert code == 0, err
    assert "the workspace forgets its phone country (GB)" in out
    with Workspace.open(workspace) as ws:
        assert phones(ws) == ["+33612345678", "+447911123456", "0612000001", "0612345678"]


def test_setting_the_country_counts_the_numbers_stored_without_one(tmp_path: Path, capsys):
    workspace = str(tmp_path / "ws")
    old = write(tmp_path / "old.csv", ["phone,name", "06 12 34 56 78,Ann", "06 99 88 77 66,Bo", "123,Cy"])
    code, out, err = run(capsys, "import", "customers", str(old), "--workspace", workspace)
    assert code == 0, err
    new = write(tmp_path / "new.csv", ["phone,name", "06 12 34 56 78,Ann", "45,Di"])
    code, out, err = run(capsys, "import", "customers", str(new), "--workspace", workspace, "--phone-country", "FR",
                         "--dry-run")
    assert code == 0 and "stored without a country code" not in out  # a dry run changes no country
    code, out, err = run(capsys, "import", "customers", str(new), "--workspace", workspace, "--phone-country", "FR")
    assert code == 0, err
    # The numbers stored before this import: its own "45" is named in its warning.
    assert ("  the workspace's phone country is now FR: later imports, the collector (once it starts again) and "
            "looking profiles up by a number read numbers written without a country code as FR numbers; numbers "
            "stored before keep the form they were stored in (3 phone numbers are stored without a country code: "
            "'journey-studio profiles phones --rewrite' writes those valid in FR with their country code)") in out

    gb = write(tmp_path / "gb.csv", ["phone", "07911 123456"])
    code, out, err = run(capsys, "import", "customers", str(gb), "--workspace", workspace, "--phone-country", "GB")
    assert code == 0, err
    assert ("warning: the workspace's phone country changes from FR to GB: later imports, the collector (once it "
            "starts again) and looking profiles up by a number read numbers written without a country code as GB "
            "numbers; numbers stored before keep the form they were stored in (4 phone numbers are stored without a "
            "country code: 'journey-studio profiles phones --rewrite' writes those valid in GB with their country "
            "code)") in out
    code, out, err = run(capsys, "import", "customers", str(gb), "--workspace", workspace, "--phone-country", "none")
    assert code == 0 and "the workspace forgets its phone country (GB)" in out
    assert "stored without a country code" not in out


def test_one_number_stored_without_a_country_code_is_named_so(ws, tmp_path: Path):
    ws.upsert_customer({"phone": "0612345678"})
    result = import_customers(ws, write(tmp_path / "shop.csv", ["phone", "+33 6 99 88 77 66"]),
                              ImportOptions(phone_country="FR"))
    assert result.phone_country_change.endswith(
        "numbers stored before keep the form they were stored in (1 phone number is stored without a country code: "
        "'journey-studio profiles phones --rewrite' writes it with its country code if it is valid in FR)")
    again = import_customers(ws, write(tmp_path / "more.csv", ["phone", "06 11 22 33 44"]), ImportOptions())
    assert again.phone_country_change == ""  # the country stays: nothing to say
