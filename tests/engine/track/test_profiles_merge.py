"""Merging two profiles by hand: the plan, the refusals (same customer, unknown customer, two user
ids), the merge itself, ``journey-studio profiles merge`` with its confirmation, the first event
of a profile, and the IDENTIFIER help of the profile commands."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from engine.channels import RecordingChannel
from engine.cli import main
from engine.errors import CustomerDataInvalid, IdentityConflict, NotFound
from engine.runtime.clock import VirtualClock
from engine.runtime.runner import Runner
from engine.store import Workspace
from engine.track import profiles
from engine.track.identity import merge_history
from tests.conftest import Terminal
from tests.engine.track.test_profiles import welcome

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
DAY = timedelta(days=1)


@pytest.fixture
def ws(any_ws):
    return any_ws


def _people(ws: Workspace) -> dict[str, str]:
    ids = {
        "ann": ws.upsert_customer({"email": "ann@example.com", "user_id": "1001"}, {"name": "Ann", "city": "Lyon"},
                                  tags=["vip"]),
        "visitor": ws.upsert_customer({"anonymous_id": "abc"}, {"city": "Paris", "device": "ios"}, tags=["web"]),
        "bo": ws.upsert_customer({"user_id": "2002", "email": "bo@example.com"}, {"name": "Bo"}),
    }
    ws.ingest_event({"anonymous_id": "abc"}, "page_viewed", {"path": "/"}, occurred_at=T0 - 400 * DAY,
                    source="segment")
    ws.ingest_event({"anonymous_id": "abc"}, "page_viewed", {"path": "/shoes"}, occurred_at=T0 - 399 * DAY,
                    source="segment")
    ws.ingest_event({"user_id": "1001"}, "order", {"total": 9}, occurred_at=T0, source="csv:orders.csv")
    return ids


def test_the_plan_says_what_moves_and_the_merge_does_it(ws: Workspace):
    ids = _people(ws)
    plan = profiles.merge_plan(ws, ids["ann"], ids["visitor"])
    assert plan.kept.customer.id == ids["ann"] and plan.merged.customer.id == ids["visitor"]
    assert (plan.kept.events, plan.merged.events) == (1, 2)
    assert (plan.kept.journey_runs, plan.merged.journey_runs) == (0, 0)
    assert plan.merged.customer.identifiers == (("anonymous_id", "abc"),)
    assert plan.conflict is None and plan.runs_to_end == 0
    assert ws.get_customer(ids["visitor"]).id == ids["visitor"]  # a plan changes nothing

    done = profiles.merge(ws, ids["ann"], ids["visitor"])
    assert done.events_moved == 2 and done.runs_moved == 0
    assert done.record.moved == (("anonymous_id", "abc"),) and done.record.reason == "manual"
    assert done.customer.identifiers == (("anonymous_id", "abc"), ("email", "ann@example.com"),
                                         ("user_id", "1001"))
    assert done.customer.attributes == {"name": "Ann", "city": "Lyon", "device": "ios"}  # the kept one wins
    assert done.customer.tags == ("vip", "web")
    with pytest.raises(NotFound):
        ws.get_customer(ids["visitor"])
    assert profiles.events_page(ws, ids["ann"]).total == 3
    assert [(m.kept_customer_id, m.merged_customer_id) for m in merge_history(ws, ids["ann"])] == \
        [(ids["ann"], ids["visitor"])]


def test_refusals_same_customer_unknown_customer_and_two_user_ids(ws: Workspace):
    ids = _people(ws)
    with pytest.raises(CustomerDataInvalid, match="cannot be merged into itself"):
        profiles.merge_plan(ws, ids["ann"], ids["ann"])
    with pytest.raises(NotFound, match="no customer with id 'nobody'"):
        profiles.merge(ws, ids["ann"], "nobody")

    plan = profiles.merge_plan(ws, ids["ann"], ids["bo"])
    assert plan.conflict is not None
    assert "user_id:1001" in plan.conflict and "user_id:2002" in plan.conflict
    with pytest.raises(IdentityConflict, match="nothing merged: both profiles hold a user id") as caught:
        profiles.merge(ws, ids["ann"], ids["bo"])
    assert caught.value.customer_ids == [ids["ann"], ids["bo"]]
    assert ws.get_customer(ids["bo"]).identifiers == (("email", "bo@example.com"), ("user_id", "2002"))
    assert merge_history(ws) == []

    done = profiles.merge(ws, ids["ann"], ids["bo"], allow_two_user_ids=True)
    assert [v for k, v in done.customer.identifiers if k == "user_id"] == ["1001", "2002"]


def test_the_plan_counts_open_runs_that_will_end(ws: Workspace, registry):
    journey = welcome(registry, "Welcome")
    ws.create_journey(journey)
    ws.publish(journey.id, registry)
    runner = Runner(ws, registry, VirtualClock(T0), {"email-main": RecordingChannel()}, mode="live")
    ann = ws.upsert_customer({"email": "ann@example.com"})
    twin = ws.upsert_customer({"anonymous_id": "abc"})
    runner.enter(journey.id, ann)
    runner.enter(journey.id, twin)
    plan = profiles.merge_plan(ws, ann, twin)
    assert plan.runs_to_end == 1 and plan.merged.journey_runs == 1
    done = profiles.merge(ws, ann, twin)
    assert done.runs_moved == 1 and len(done.record.ended_runs) == 1


def test_profile_knows_the_first_event_and_dates_the_customer_from_it(ws: Workspace):
    ids = _people(ws)
    view = profiles.profile(ws, ids["visitor"])
    assert view.first_event_at == T0 - 400 * DAY
    assert view.customer_since == T0 - 400 * DAY  # before the profile was made
    bare = ws.upsert_customer({"email": "new@example.com"})
    view = profiles.profile(ws, bare)
    assert view.first_event_at is None and view.customer_since == view.customer.created_at


# ---------------------------------------------------------------------------------------------
# journey-studio profiles merge
# ---------------------------------------------------------------------------------------------

@pytest.fixture
def cli_ws(tmp_path: Path):
    location = tmp_path / "workspace.db"
    with Workspace.open(location) as ws:
        ids = _people(ws)
    return str(location), ids


def test_cli_merge_asks_then_merges_and_reports(cli_ws, monkeypatch, capsys):
    location, ids = cli_ws
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))
    assert main(["profiles", "merge", "ann@example.com", "anonymous_id:abc", "--workspace", location]) == 1
    err = capsys.readouterr().err
    assert "nothing merged" in err and "needs confirmation in a terminal" in err and "add --yes" in err

    monkeypatch.setattr("sys.stdin", Terminal("n\n"))
    assert main(["profiles", "merge", "ann@example.com", "anonymous_id:abc", "--workspace", location]) == 1
    out = capsys.readouterr().out
    assert f"Merge customer {ids['visitor']} into customer {ids['ann']}?" in out
    assert f"customer {ids['ann']} (Ann): email:ann@example.com, user_id:1001; 1 event, 0 journey runs" in out
    assert f"customer {ids['visitor']}: anonymous_id:abc; 2 events, 0 journey runs" in out
    assert "merge history" in out and out.rstrip().endswith("nothing merged")
    with Workspace.open(location, read_only=True) as ws:
        assert ws.get_customer(ids["visitor"]).id == ids["visitor"]

    monkeypatch.setattr("sys.stdin", Terminal("yes\n"))
    assert main(["profiles", "merge", "user_id:1001", "abc", "--workspace", location]) == 0
    out = capsys.readouterr().out
    assert (f"merged customer {ids['visitor']} into customer {ids['ann']}: 1 identifier moved (anonymous_id:abc), "
            "2 events moved, 0 journey runs moved") in out
    assert f"customer {ids['ann']} now has: anonymous_id:abc, email:ann@example.com, user_id:1001" in out
    with Workspace.open(location, read_only=True) as ws:
        assert profiles.events_page(ws, ids["ann"]).total == 3
        assert [m.reason for m in merge_history(ws, ids["ann"])] == ["manual"]


def test_cli_merge_refuses_with_reasons(cli_ws, capsys):
    location, ids = cli_ws
    assert main(["profiles", "merge", "ann@example.com", "user_id:1001", "--yes", "--workspace", location]) == 1
    assert (f"nothing merged: 'ann@example.com' and 'user_id:1001' both name customer {ids['ann']}"
            in capsys.readouterr().err)
    assert main(["profiles", "merge", "ann@example.com", "user_id:9", "--yes", "--workspace", location]) == 1
    assert "no customer has user_id '9'" in capsys.readouterr().err
    assert main(["profiles", "merge", "ann@example.com", "bo@example.com", "--yes", "--workspace", location]) == 1
    err = capsys.readouterr().err
    assert "nothing merged: both profiles hold a user id" in err
    assert f"customer {ids['ann']} has user_id:1001, customer {ids['bo']} has user_id:2002" in err
    assert "add --allow-two-user-ids" in err
    with Workspace.open(location, read_only=True) as ws:
        assert ws.get_customer(ids["bo"]).id == ids["bo"]

    assert main(["profiles", "merge", "ann@example.com", "bo@example.com", "--yes", "--allow-two-user-ids",
                 "--json", "--workspace", location]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["kept_customer_id"] == ids["ann"] and data["merged_customer_id"] == ids["bo"]
    assert data["events_moved"] == 0 and {"kind": "user_id", "value": "2002"} in data["identifiers"]
    assert data["identifiers_moved"] == [{"kind": "email", "value": "bo@example.com"},
                                         {"kind": "user_id", "value": "2002"}]


def test_cli_show_prints_the_first_event_time(cli_ws, capsys):
    location, ids = cli_ws
    assert main(["profiles", "show", "abc", "--json", "--workspace", location]) == 0
    assert json.loads(capsys.readouterr().out)["first_event_at"] == (T0 - 400 * DAY).isoformat()


@pytest.mark.parametrize("action", ["show", "export", "delete", "merge"])
def test_identifier_arguments_say_which_forms_they_take(action, capsys):
    with pytest.raises(SystemExit) as done:
        main(["profiles", action, "--help"])
    assert done.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "an e-mail address, a phone number, kind:value (such as user_id:1001, anonymous_id:abc" in text
    assert "or a customer id" in text
