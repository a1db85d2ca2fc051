"""Phone numbers written with a slash after the area code, as German and Austrian customers write
them (``0151/23456780``, ``030/1234567``): the slash is a separator like a space or a dash, so the
number read in the workspace's country is the one a website sends with its country code, and
nothing that is not a phone number becomes one."""

from __future__ import annotations

import base64
import http.client
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine.identifiers import canonical_identifier, identifier_problem
from engine.store import Workspace
from engine.store.models import CustomerRow, IdentifierRow
from engine.track import collector_keys
from engine.track.collector import Collector
from engine.track.csv_import import ImportOptions, import_customers
from engine.track.phone_rewrite import plan_phones
from engine.track.profiles import change_identifier, resolve, search


def phones(ws: Workspace) -> list[str]:
    with ws.engine.connect() as conn:
        return sorted(conn.scalars(select(IdentifierRow.value).where(IdentifierRow.kind == "phone")))


def customer_count(ws: Workspace) -> int:
    with ws.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(CustomerRow))


@pytest.mark.parametrize("written", [
    "0151/23456780", "0151 / 234 567 80", "0151/234 567-80", "(0151) 23456780", "0151.234.567.80",
    "0151-23456780", "+49 151/23456780", "+49/151/23456780", "0049 151/23456780", "+49 (0)151/23456780",
    "+49/(0)151/23456780", "'0151/23456780",
])
def test_a_slash_separates_the_digits_as_spaces_and_dashes_do(written):
    assert canonical_identifier("phone", written, "DE") == "+4915123456780"


def test_without_a_country_the_slash_goes_as_the_other_separators_go():
    assert canonical_identifier("phone", "0151/23456780") == "015123456780"
    assert canonical_identifier("phone", "0151/23456780") == canonical_identifier("phone", "0151 23456780")
    assert canonical_identifier("phone", "+43 664/1234567") == "+436641234567"


def test_other_kinds_keep_their_slashes():
    assert canonical_identifier("user_id", "crm/0151/17", "DE") == "crm/0151/17"
    assert canonical_identifier("email", "Jo/Ann@Example.com", "DE") == "jo/ann@example.com"
    assert canonical_identifier("custom:crm", "12/34", "DE") == "12/34"


@pytest.mark.parametrize("written", ["n/a", "N/A", "#N/A", "n.a."])
def test_a_value_that_says_there_is_none_is_still_named_so(written):
    kept = canonical_identifier("phone", written, "DE")
    assert identifier_problem("phone", kept) == f"'{kept}' only says there is no value"


@pytest.mark.parametrize("written", ["ab/cd", "/", "call me / later"])
def test_text_without_digits_is_still_no_phone_number(written):
    kept = canonical_identifier("phone", written, "DE")
    assert identifier_problem("phone", kept) is not None


def test_a_date_or_a_short_code_is_not_made_a_number_of_the_country():
    # Not valid German numbers: kept as without a country, digits only, never in E.164 form.
    assert canonical_identifier("phone", "01/01/1990", "DE") == "01011990"
    assert canonical_identifier("phone", "12/34", "DE") == "1234"


def test_an_import_with_slashes_and_a_website_with_the_country_code_name_one_customer(ws, tmp_path: Path):
    path = tmp_path / "kunden.csv"
    path.write_text("Telefon,Name\n0151/23456780,Anna\n030/1234567,Bernd\n", encoding="utf-8")
    result = import_customers(ws, path, ImportOptions(phone_country="DE"))
    assert result.created == 2 and result.skipped == 0
    assert not [w for w in result.warnings if "could not be read" in w]
    assert phones(ws) == ["+4915123456780", "+49301234567"]

    key = collector_keys.add_key(ws, "shop")
    collector = Collector(ws, "127.0.0.1", 0)
    collector.start()
    try:
        assert collector.phone_country == "DE"
        conn = http.client.HTTPConnection("127.0.0.1", collector.port, timeout=30)
        auth = {"Authorization": "Basic " + base64.b64encode(f"{key}:".encode()).decode(),
                "Content-Type": "application/json"}
        for body in ({"userId": "u-anna", "traits": {"phone": "+4915123456780"}},
                     {"userId": "u-bernd", "traits": {"phone": "030/1234567"}}):
            conn.request("POST", "/v1/identify", body=json.dumps(body), headers=auth)
            response = conn.getresponse()
            assert response.status == 200, response.read()
            response.read()
        conn.close()
    finally:
        collector.stop()
    assert customer_count(ws) == 2
    anna = ws.find_customer("phone", "+4915123456780")
    assert anna is not None and ws.find_customer("user_id", "u-anna") == anna
    assert ws.get_customer(anna).attributes["Name"] == "Anna"
    assert ws.find_customer("user_id", "u-bernd") == ws.find_customer("phone", "+49301234567")


def test_the_profiles_find_and_change_a_number_written_with_a_slash(ws, tmp_path: Path):
    path = tmp_path / "kunden.csv"
    path.write_text("phone,name\n+49 151 23456780,Anna\n", encoding="utf-8")
    import_customers(ws, path, ImportOptions(phone_country="DE"))
    anna = ws.find_customer("phone", "+4915123456780")
    assert resolve(ws, "0151/23456780") == anna
    assert resolve(ws, "phone:0151/23456780") == anna
    assert [c.id for c in search(ws, "0151/23456780").items] == [anna]
    change_identifier(ws, anna, "phone", "0151/23456780", "0171/9876543")
    assert phones(ws) == ["+491719876543"]


def test_numbers_stored_with_a_slash_before_are_offered_their_country_code(ws):
    # A workspace that kept "0151/23456780" as written: 'profiles phones' now reads it.
    customer = ws.upsert_customer({"user_id": "u1"})
    with ws.engine.begin() as conn:
        conn.execute(IdentifierRow.__table__.insert().values(kind="phone", value="0151/23456780",
                                                             customer_id=customer))
    plan = plan_phones(ws, "DE")
    assert [(p.number, p.e164) for p in plan.in_place] == [("0151/23456780", "+4915123456780")]
