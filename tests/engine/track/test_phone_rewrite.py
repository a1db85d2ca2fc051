"""``journey-studio profiles phones``: phone numbers stored before the workspace had a phone country
(``0612345678``) written in E.164 form (``+33612345678``), on SQLite and PostgreSQL. In place when
nobody holds that form; the local copy dropped when its customer holds it; the profile merged into
the one that holds it otherwise, unless both hold a user id."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from engine.cli import main
from engine.errors import NotFound
from engine.identifiers import PHONE_COUNTRY_META
from engine.store import Workspace
from engine.store.models import IdentifierRow
from engine.track import phone_rewrite, profiles
from engine.track.identity import merge_history
from engine.track.phone_rewrite import PhoneRewriteStopped, local_phone_count, plan_phones, rewrite_phones
from tests.conftest import Terminal

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def ws(any_ws):
    return any_ws


@pytest.fixture(params=["sqlite", "postgresql"])
def place(request, tmp_path: Path) -> tuple[str, list[str]]:
    """A workspace's location, and the options that name it on the command line."""
    if request.param == "sqlite":
        location = str(tmp_path / "workspace.db")
        return location, ["--workspace", location]
    url = request.getfixturevalue("pg_url")
    return url, ["--db", url]


def phones_of(ws: Workspace, customer_id: str) -> list[str]:
    with ws.engine.connect() as conn:
        return sorted(conn.scalars(select(IdentifierRow.value).where(IdentifierRow.kind == "phone",
                                                                     IdentifierRow.customer_id == customer_id)))


def all_phones(ws: Workspace) -> list[str]:
    with ws.engine.connect() as conn:
        return sorted(conn.scalars(select(IdentifierRow.value).where(IdentifierRow.kind == "phone")))


def exists(ws: Workspace, customer_id: str) -> bool:
    try:
        ws.get_customer(customer_id)
    except NotFound:
        return False
    return True


def people(ws: Workspace) -> dict[str, str]:
    """Customers stored before the workspace had a phone country, which is then FR."""
    ids = {
        # Nobody holds +33612345678: rewritten in place; the attribute stays as written.
        "ann": ws.upsert_customer({"phone": "0612345678", "email": "ann@example.com"},
                                  {"name": "Ann", "phone": "06 12 34 56 78"}),
        # The collector later named Bo by +33698765432: a second profile, which is kept.
        "bo_old": ws.upsert_customer({"phone": "0698765432", "email": "bo@old.example"}, {"city": "Lyon"}),
        "bo": ws.upsert_customer({"phone": "+33698765432", "email": "bo@example.com"}, {"name": "Bo"}),
        # Holds both forms.
        "cy": ws.upsert_customer({"phone": "0611111111"}),
        # Two accounts: the merge is refused.
        "dan_old": ws.upsert_customer({"phone": "0622222222", "user_id": "u1"}),
        "dan": ws.upsert_customer({"phone": "+33622222222", "user_id": "u2"}),
        # Not numbers of FR.
        "eve": ws.upsert_customer({"phone": "123"}),
        "fay": ws.upsert_customer({"phone": "1800FLOWERS"}),
        # With a country code already: not looked at.
        "gus": ws.upsert_customer({"phone": "+447911123456"}),
    }
    profiles.change_identifier(ws, ids["cy"], "phone", None, "+33611111111")
    for n in range(2):
        ws.ingest_event({"phone": "0698765432"}, "order", {"n": n}, occurred_at=T0, source="csv:old.csv")
    ws.ingest_event({"phone": "+33698765432"}, "visit", {}, occurred_at=T0, source="segment")
    ws.set_meta(PHONE_COUNTRY_META, "FR")
    return ids


# ---------------------------------------------------------------------------------------------
# The plan
# ---------------------------------------------------------------------------------------------


def test_the_plan_counts_each_case_with_its_numbers(ws: Workspace):
    ids = people(ws)
    plan = plan_phones(ws, "FR")
    assert plan.country == "FR"
    assert (plan.local, plan.to_e164, plan.actionable) == (6, 4, 3)
    assert local_phone_count(ws) == 6
    assert [(p.customer_id, p.number, p.e164) for p in plan.in_place] == [(ids["ann"], "0612345678", "+33612345678")]
    assert [(p.customer_id, p.number, p.e164) for p in plan.already_held] == [
        (ids["cy"], "0611111111", "+33611111111")]
    assert [(p.customer_id, p.number, p.e164, p.holder_id, p.two_user_ids) for p in plan.merges] == [
        (ids["dan_old"], "0622222222", "+33622222222", ids["dan"], True),
        (ids["bo_old"], "0698765432", "+33698765432", ids["bo"], False)]
    assert plan.refused_merges == 1
    assert [(p.customer_id, p.number, p.e164) for p in plan.not_valid] == [
        (ids["eve"], "123", None), (ids["fay"], "1800FLOWERS", None)]
    assert not plan.nothing_to_do
    assert len(all_phones(ws)) == 10  # a plan changes nothing


def test_two_local_forms_of_one_number_are_one_number(ws: Workspace):
    first = ws.upsert_customer({"phone": "0655443322"})
    second = ws.upsert_customer({"phone": "33655443322"})  # the country code without its +
    plan = plan_phones(ws, "FR")
    assert [(p.customer_id, p.number) for p in plan.in_place] == [(first, "0655443322")]
    assert [(p.customer_id, p.holder_id) for p in plan.merges] == [(second, first)]
    done = rewrite_phones(ws, plan)
    assert [(m.kept_id, m.merged_id) for m in done.merged] == [(first, second)]
    assert not exists(ws, second) and phones_of(ws, first) == ["+33655443322"]


def test_a_profile_with_two_local_numbers_held_by_another_is_merged_once(ws: Workspace):
    old = ws.upsert_customer({"phone": "0612121212"})
    profiles.change_identifier(ws, old, "phone", None, "0613131313")
    new = ws.upsert_customer({"phone": "+33612121212"})
    profiles.change_identifier(ws, new, "phone", None, "+33613131313")
    plan = plan_phones(ws, "FR")
    assert len(plan.merges) == 1 and [p.number for p in plan.already_held] == ["0613131313"]
    done = rewrite_phones(ws, "FR")
    assert [(m.kept_id, m.merged_id) for m in done.merged] == [(new, old)]
    assert [p.number for p in done.removed] == ["0613131313"]
    assert phones_of(ws, new) == ["+33612121212", "+33613131313"] and not exists(ws, old)


# ---------------------------------------------------------------------------------------------
# The rewrite
# ---------------------------------------------------------------------------------------------


def test_rewrite_does_each_case(ws: Workspace):
    ids = people(ws)
    before = ws.get_customer(ids["ann"]).updated_at
    done = rewrite_phones(ws, plan_phones(ws, "FR"))

    # In place: the same customer, found by the E.164 form; the attribute is the customer's own.
    assert [(p.customer_id, p.number, p.e164) for p in done.rewritten] == [
        (ids["ann"], "0612345678", "+33612345678")]
    assert ws.find_customer("phone", "+33612345678") == ids["ann"]
    ann = ws.get_customer(ids["ann"])
    assert phones_of(ws, ids["ann"]) == ["+33612345678"]
    assert ann.attributes == {"name": "Ann", "phone": "06 12 34 56 78"} and ann.updated_at > before

    # Same customer: the local copy goes.
    assert [(p.customer_id, p.number) for p in done.removed] == [(ids["cy"], "0611111111")]
    assert phones_of(ws, ids["cy"]) == ["+33611111111"]

    # Another customer: merged into the profile that holds +33…, events moving with it.
    assert [(m.kept_id, m.merged_id, m.number, m.e164, m.events_moved) for m in done.merged] == [
        (ids["bo"], ids["bo_old"], "0698765432", "+33698765432", 2)]
    assert not exists(ws, ids["bo_old"])
    bo = ws.get_customer(ids["bo"])
    assert sorted(bo.identifiers) == [("email", "bo@example.com"), ("email", "bo@old.example"),
                                      ("phone", "+33698765432")]
    assert bo.attributes == {"name": "Bo", "city": "Lyon"}
    assert profiles.events_page(ws, ids["bo"]).total == 3
    history = merge_history(ws, ids["bo"])
    assert [(m.kept_customer_id, m.merged_customer_id, m.reason) for m in history] == [
        (ids["bo"], ids["bo_old"], "manual")]

    # Both hold a user id: nothing changes for either.
    assert [(m.kept_id, m.merged_id, m.number, m.e164) for m in done.refused] == [
        (ids["dan"], ids["dan_old"], "0622222222", "+33622222222")]
    assert phones_of(ws, ids["dan_old"]) == ["0622222222"] and phones_of(ws, ids["dan"]) == ["+33622222222"]

    # Not valid in FR, or with a code already: as they were.
    assert [p.number for p in done.not_valid] == ["123", "1800FLOWERS"]
    assert phones_of(ws, ids["eve"]) == ["123"] and phones_of(ws, ids["gus"]) == ["+447911123456"]
    assert not done.skipped

    # A second run has nothing to do: only the refused pair and the invalid numbers are left.
    again = plan_phones(ws, "FR")
    assert again.nothing_to_do and again.local == 3 and again.refused_merges == 1
    second = rewrite_phones(ws, again)
    assert not second.changed and len(second.refused) == 1
    assert all_phones(ws) == ["+33611111111", "+33612345678", "+33622222222", "+33698765432", "+447911123456",
                              "0622222222", "123", "1800FLOWERS"]


def test_a_plan_read_before_others_changed_the_store_is_followed_as_the_store_is_now(ws: Workspace):
    ids = people(ws)
    plan = plan_phones(ws, "FR")
    # Since the plan: someone gave Ann's number with its code to a new profile, and Cy was erased.
    newcomer = ws.upsert_customer({"phone": "+33612345678", "email": "ann@new.example"})
    profiles.erase(ws, ids["cy"])
    done = rewrite_phones(ws, plan)
    assert not done.rewritten  # no longer free: merged into the newcomer instead
    assert sorted((m.kept_id, m.merged_id) for m in done.merged) == sorted(
        [(newcomer, ids["ann"]), (ids["bo"], ids["bo_old"])])
    assert phones_of(ws, newcomer) == ["+33612345678"] and not exists(ws, ids["ann"])
    assert [(p.customer_id, p.number) for p in done.skipped] == [(ids["cy"], "0611111111")]


def test_a_failure_midway_keeps_what_was_done_and_says_so(ws: Workspace, monkeypatch):
    ids = people(ws)
    monkeypatch.setattr(phone_rewrite, "BATCH", 1)  # one number a transaction

    def broken(*_args, **_kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(profiles, "merge", broken)
    with pytest.raises(PhoneRewriteStopped) as caught:
        rewrite_phones(ws, "FR")
    message = str(caught.value)
    assert "stopped by an error (RuntimeError: the disk is full)" in message
    assert ("before that 1 phone number was written with the country code, 1 copy without it removed and 0 pairs "
            "of profiles merged; those changes are kept") in message
    done = caught.value.outcome
    assert [p.number for p in done.rewritten] == ["0612345678"] and [p.number for p in done.removed] == ["0611111111"]
    assert phones_of(ws, ids["ann"]) == ["+33612345678"] and phones_of(ws, ids["cy"]) == ["+33611111111"]
    assert phones_of(ws, ids["bo_old"]) == ["0698765432"] and phones_of(ws, ids["dan_old"]) == ["0622222222"]

    monkeypatch.undo()
    rest = rewrite_phones(ws, "FR")  # run again: the rest
    assert [m.merged_id for m in rest.merged] == [ids["bo_old"]] and not rest.rewritten and not rest.removed


def test_nothing_stored_without_a_code_is_nothing_to_do(ws: Workspace):
    ws.upsert_customer({"phone": "+33612345678"})
    plan = plan_phones(ws, "FR")
    assert plan.local == 0 and plan.nothing_to_do
    assert not rewrite_phones(ws, plan).changed


# ---------------------------------------------------------------------------------------------
# journey-studio profiles phones
# ---------------------------------------------------------------------------------------------


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def cli(place) -> tuple[str, list[str], dict[str, str]]:
    location, options = place
    with Workspace.open(location) as ws:
        ids = people(ws)
    return location, options, ids


def test_cli_reports_counts_examples_and_the_command(cli, capsys):
    location, options, ids = cli
    code, out, err = run(capsys, "profiles", "phones", *options)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "6 phone numbers are stored without a country code; read as FR numbers (+33…):"
    assert "  1 would be written with the country code:" in lines
    assert f"    customer {ids['ann']}: 0612345678 → +33612345678" in lines
    assert ("  2 would then be a number another customer holds: the two profiles would be merged, keeping the one "
            "that holds the +33… number:") in lines
    assert f"    customer {ids['bo_old']} (0698765432) into customer {ids['bo']} (+33698765432)" in lines
    assert any(line.startswith("  in 1 pair of these both profiles hold a user id: it would be left as it is")
               and "--allow-two-user-ids" in line for line in lines)
    assert f"    customer {ids['dan_old']} (0622222222) and customer {ids['dan']} (+33622222222)" in lines
    assert ("  1 is held with the country code by the same customer already: the copy without it would be "
            "removed:") in lines
    assert f"    customer {ids['cy']}: 0611111111 (holds +33611111111)" in lines
    assert "  2 are not valid FR numbers and would be kept as written:" in lines
    assert f"    customer {ids['eve']}: 123" in lines
    assert lines[-1].startswith("to do it: journey-studio profiles phones --rewrite --")
    assert "--country" not in lines[-1]  # the workspace's own country
    with Workspace.open(location, read_only=True) as ws:
        assert local_phone_count(ws) == 6


def test_cli_json_report_and_rewrite(cli, capsys):
    location, options, ids = cli
    code, out, err = run(capsys, "profiles", "phones", "--json", *options)
    assert code == 0, err
    data = json.loads(out)
    assert data["action"] == "report" and data["country"] == "FR" and data["nothing_to_do"] is False
    assert data["counts"] == {"without_country_code": 6, "to_e164": 4, "in_place": 1, "merges": 2,
                              "merges_refused": 1, "already_held": 1, "not_valid": 2}
    assert data["in_place"] == [{"customer_id": ids["ann"], "number": "0612345678", "e164": "+33612345678"}]
    assert {"customer_id": ids["bo_old"], "number": "0698765432", "e164": "+33698765432",
            "holder_id": ids["bo"], "two_user_ids": False} in data["merges"]
    assert data["not_valid"] == [{"customer_id": ids["eve"], "number": "123"},
                                 {"customer_id": ids["fay"], "number": "1800FLOWERS"}]
    assert data["command"].startswith("journey-studio profiles phones --rewrite")

    code, out, err = run(capsys, "profiles", "phones", "--rewrite", "--yes", "--json", *options)
    assert code == 0, err
    data = json.loads(out)
    assert data["action"] == "rewrite"
    assert data["counts"] == {"rewritten": 1, "removed": 1, "merged": 1, "refused": 1, "not_valid": 2, "skipped": 0}
    assert data["merged"] == [{"kept_customer_id": ids["bo"], "merged_customer_id": ids["bo_old"],
                               "number": "0698765432", "e164": "+33698765432", "events_moved": 2}]
    assert data["refused"] == [{"kept_customer_id": ids["dan"], "merged_customer_id": ids["dan_old"],
                                "number": "0622222222", "e164": "+33622222222"}]  # nothing moved


def test_cli_rewrite_asks_in_a_terminal_and_refuses_a_pipe(cli, capsys, monkeypatch):
    location, options, ids = cli
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))
    code, out, err = run(capsys, "profiles", "phones", "--rewrite", *options)
    assert code == 1 and out == ""
    assert err.splitlines() == [
        "journey-studio: error: nothing rewritten: changing 3 phone numbers stored without a country code needs "
        "confirmation in a terminal (an answer from a pipe is not read); add --yes to rewrite without asking"]
    with Workspace.open(location, read_only=True) as ws:
        assert local_phone_count(ws) == 6 and exists(ws, ids["bo_old"])

    monkeypatch.setattr("sys.stdin", Terminal("n\n"))
    code, out, err = run(capsys, "profiles", "phones", "--rewrite", *options)
    assert code == 1
    assert out.startswith("Write 3 phone numbers stored without a country code as FR numbers (+33…)?\n")
    assert "  1 pair of profiles is merged into the profile that holds the +33… number" in out
    assert "  1 pair of profiles is left as it is: both profiles hold a user id." in out
    assert out.rstrip().endswith("[y/N] nothing rewritten")
    with Workspace.open(location, read_only=True) as ws:
        assert local_phone_count(ws) == 6

    monkeypatch.setattr("sys.stdin", Terminal("y\n"))
    code, out, err = run(capsys, "profiles", "phones", "--rewrite", *options)
    assert code == 0, err
    assert "rewrote 1 phone number as +33… (FR numbers with their country code)" in out
    assert "removed 1 copy without the country code of numbers their customer holds as +33… already" in out
    assert (f"  customer {ids['bo_old']} into customer {ids['bo']} (0698765432 = +33698765432; 2 events moved)"
            in out)
    assert "left 1 pair of profiles as they are: both profiles of the pair hold a user id" in out
    assert (f"  customer {ids['dan_old']} (0622222222) and customer {ids['dan']} (+33622222222): journey-studio "
            f"profiles merge {ids['dan']} {ids['dan_old']} --allow-two-user-ids") in out
    assert (f"2 numbers are not valid FR numbers and were kept as written: customer {ids['eve']}: 123, "
            f"customer {ids['fay']}: 1800FLOWERS") in out
    with Workspace.open(location, read_only=True) as ws:
        assert ws.find_customer("phone", "+33612345678") == ids["ann"]
        assert not exists(ws, ids["bo_old"]) and exists(ws, ids["dan_old"])

    # Again: nothing to do, without asking (stdin is a pipe) and with exit code 0.
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code, out, err = run(capsys, "profiles", "phones", "--rewrite", *options)
    assert code == 0 and err == ""
    assert out.splitlines()[-1] == "nothing to do: the merges left need a decision by hand"
    code, out, err = run(capsys, "profiles", "phones", "--json", *options)
    assert json.loads(out)["nothing_to_do"] is True and json.loads(out)["command"] is None


def test_cli_needs_a_country(place, capsys):
    location, options = place
    with Workspace.open(location) as ws:
        ws.upsert_customer({"phone": "0612345678"})
    code, out, err = run(capsys, "profiles", "phones", *options)
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "give it with --country CC" in err and "--phone-country CC" in err

    code, out, err = run(capsys, "profiles", "phones", "--country", "France", *options)
    assert code == 1 and "--country: 'France' is not a country code for phone numbers" in err
    assert "or none" not in err

    code, out, err = run(capsys, "profiles", "phones", "--country", "fr", *options)
    assert code == 0, err
    assert "  1 would be written with the country code:" in out
    assert "--rewrite --country FR" in out
    assert "note: the workspace has no phone country" in out and "--phone-country FR" in out

    code, out, err = run(capsys, "profiles", "phones", "--country", "FR", "--rewrite", "--yes", *options)
    assert code == 0, err
    assert "rewrote 1 phone number as +33…" in out
    with Workspace.open(location, read_only=True) as ws:
        assert all_phones(ws) == ["+33612345678"]


def test_cli_says_when_nothing_is_stored_without_a_code(place, capsys):
    location, options = place
    with Workspace.open(location) as ws:
        ws.upsert_customer({"phone": "+33612345678"})
        ws.set_meta(PHONE_COUNTRY_META, "FR")
    for extra in ([], ["--rewrite"]):
        code, out, err = run(capsys, "profiles", "phones", *extra, *options)
        assert code == 0, err
        assert out == "no phone numbers are stored without a country code: nothing to do\n"


def test_cli_json_failure_midway_is_one_json_object(cli, capsys, monkeypatch):
    _location, options, _ids = cli

    def broken(*_args, **_kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(profiles, "merge", broken)
    code, out, err = run(capsys, "profiles", "phones", "--rewrite", "--yes", "--json", *options)
    assert code == 1
    data = json.loads(out)                                   # one object: the outcome, with the error
    assert data["action"] == "rewrite" and "the disk is full" in data["error"]
    assert data["counts"]["rewritten"] == 1
    assert err.startswith("journey-studio: error: stopped by an error (RuntimeError: the disk is full)")
    code, out, err = run(capsys, "profiles", "phones", "--rewrite", "--yes", *options)
    assert code == 1 and "the disk is full" in err           # without --json: the error as a line
