"""Tests of what a shop owner's third round of imports showed: a phone column named in French
(``Tél. portable``) not used to find the customer, a mistyped type in ``--map`` taken for part of
a name, and events dated in the future imported without a word."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from engine.cli import main
from engine.store import Workspace
from engine.track.csv_import import ImportOptions, import_customers, import_events, preview
from tests.engine.track.test_csv_trial import identifiers


def write(path: Path, lines: list[str], *, encoding: str = "utf-8") -> Path:
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def test_a_column_of_phone_numbers_named_in_any_language_identifies_the_customer(tmp_path: Path, ws: Workspace):
    path = write(tmp_path / "clients.csv", ["Nom;Prénom;E-mail;Tél. portable",
                                            "Durand;Marie;N/A;06 44 55 66 77",
                                            "Martin;Paul;paul@example.fr;",
                                            "Petit;Léa;lea@example.fr;+33 6 11 22 33 44"])
    found = preview(path, "customers")
    assert found.mapping["Tél. portable"] == "identifiers.phone"
    assert found.mapping["E-mail"] == "identifiers.email"
    result = import_customers(ws, path, ImportOptions(phone_country="FR"))
    assert (result.created, result.skipped) == (3, 0)          # Marie is found by her phone number
    assert identifiers(ws, "phone") == ["+33611223344", "+33644556677"]
    assert identifiers(ws, "email") == ["lea@example.fr", "paul@example.fr"]
    assert ws.find_customer("phone", "+33611223344") == ws.find_customer("email", "lea@example.fr")


def test_a_number_column_without_a_phone_header_stays_an_attribute(tmp_path: Path):
    path = write(tmp_path / "orders.csv", ["email,Order number", "a@example.com,0612345678",
                                           "b@example.com,0698765432"])
    assert preview(path, "customers").mapping["Order number"] == "attributes.Order number"


def test_events_dated_in_the_future_are_imported_and_named(tmp_path: Path, ws: Workspace):
    ahead = datetime.now(UTC) + timedelta(days=40)
    soon = datetime.now(UTC) + timedelta(minutes=1)               # within the margin: a clock a little fast
    path = write(tmp_path / "orders.csv", ["email,event,time",
                                           f"a@example.com,order,{ahead:%Y-%m-%dT%H:%M:%SZ}",
                                           "a@example.com,visit,2024-03-01T10:00:00Z",
                                           f"b@example.com,order,{soon:%Y-%m-%dT%H:%M:%SZ}"])
    result = import_events(ws, path, ImportOptions())
    assert result.imported == 3
    future = [w for w in result.warnings if "dated later than now" in w]
    assert future == [f"column 'time': 1 event is dated later than now and was imported with that time; check the "
                      f"time zone and the dates: row 2 '{ahead:%Y-%m-%dT%H:%M:%SZ}'"]



def test_the_future_warning_asks_about_day_and_month_only_when_they_could_be_swapped():
    from engine.track.csv_types import FUTURE, note_warning, noted

    def warning(*values: str) -> str:
        tally = noted(FUTURE)
        for row, value in enumerate(values, 2):
            tally.add(row, value)
        return note_warning(FUTURE, "time", tally)

    assert "check the order of day and month (or the time zone): row 2 '03/04/2031 10:00'" in warning("03/04/2031 10:00")
    assert "check the time zone and the dates: row 2 '24.11.2031 08:05'" in warning("24.11.2031 08:05")
    assert "check the time zone and the dates" in warning("2031-03-04 10:00", "05.05.2031")
    assert "order of day and month" in warning("24.11.2031", "11.12.2031")


def test_the_command_line_names_future_events_once(tmp_path: Path, capsys):
    path = write(tmp_path / "ev.csv", ["email;event;date", "ann@example.com;order;24/11/2099 10:00",
                                       "ann@example.com;visit;23/11/2020 08:00"])
    code = main(["import", "events", str(path), "--workspace", str(tmp_path / "ws")])
    out = capsys.readouterr().out
    assert code == 0 and out.count("dated later than now") == 1 and "row 2 '24/11/2099 10:00'" in out


def test_iso_dates_in_a_day_month_column_are_read_as_dates(tmp_path: Path, ws: Workspace):
    path = write(tmp_path / "clients.csv", ["email;Date de naissance", "a@x.fr;03/04/1990", "b@x.fr;1985-12-01",
                                            "c@x.fr;31/12/1979"])
    result = import_customers(ws, path, ImportOptions())
    assert result.created == 3 and not [w for w in result.warnings if "kept as text" in w]
    events = write(tmp_path / "orders.csv", ["email;event;time", "a@x.fr;order;24/11/2025 10:00",
                                             "a@x.fr;order;2025-11-23T09:00:00Z", "a@x.fr;order;2025-11-23 08:00"])
    done = import_events(ws, events, ImportOptions())
    assert done.imported == 3 and done.skipped == 0
    stored = sorted(e.occurred_at.isoformat() for e in ws.customer_events(ws.find_customer("email", "a@x.fr")))
    assert stored == ["2025-11-23T08:00:00+00:00", "2025-11-23T09:00:00+00:00", "2025-11-24T10:00:00+00:00"]


def test_codes_of_digits_stay_text_and_lose_nothing(tmp_path: Path, ws: Workspace):
    from engine.track.csv_types import infer_type

    assert infer_type(["01000", "75001", "200000"], "Code postal").name == "text"          # a leading zero
    assert infer_type(["6212345678901234567", "6212345678901234568"], "会员卡号").name == "text"  # 19 digits
    assert infer_type(["75001", "69002"], "Code postal").name == "int"
    assert infer_type(["0.5", "1.25"], "ratio").name == "float"                               # not a code
    path = write(tmp_path / "cn.csv", ["email,会员卡号,Code postal", "a@x.fr,6212345678901234567,01000",
                                       "b@x.fr,6212345678901234568,75001"])
    import_customers(ws, path, ImportOptions())
    cards = sorted(ws.get_customer(ws.find_customer("email", e)).attributes["会员卡号"] for e in ("a@x.fr", "b@x.fr"))
    assert cards == ["6212345678901234567", "6212345678901234568"]
    assert ws.get_customer(ws.find_customer("email", "a@x.fr")).attributes["Code postal"] == "01000"


def test_chinese_and_french_headers_of_phones_and_addresses_name_the_customer(tmp_path: Path):
    phones = write(tmp_path / "h.csv", ["手机号码,姓名", "13800138000,王小明", "13900139000,李华"])
    assert preview(phones, "customers").mapping["手机号码"] == "identifiers.phone"
    for header in ("Adresse e-mail", "Courriel", "电子邮箱"):
        path = write(tmp_path / "m.csv", [f"{header},Nom", "a@x,A", "b@y,B", "c@z.fr,C", "d@w.fr,D"])
        assert preview(path, "customers").mapping[header] == "identifiers.email", header


def test_day_month_and_iso_dates_half_and_half_are_dates():
    from engine.track.csv_types import ColumnType, infer_type

    found = infer_type(["03/04/1990", "1985-12-01", "15/07/1978", "1992-02-03"], "Date de naissance")
    assert found == ColumnType("date", "dmy", iso_too=True)
    assert infer_type(["1985-12-01", "1992-02-03"]) == ColumnType("date", "iso")
    assert infer_type(["03/04/1990", "1985-12-01", "soon"]).name == "text"     # not all dates: as before
