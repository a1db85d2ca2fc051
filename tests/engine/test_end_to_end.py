"""Every Orchestrate and Optimize node type driven end to end: a small journey is published in a
workspace, known customers run through it in test mode on a virtual clock, and the deliveries, the
branch (edge) counters and the node counters are checked exactly."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from engine.channels import RecordingChannel
from engine.commands import make_node
from engine.document import Journey, Node
from engine.runtime.clock import VirtualClock
from engine.runtime.context import bucket
from engine.runtime.runner import Runner
from engine.store import Workspace
from tests.conftest import connect

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # a Monday
SECOND = timedelta(seconds=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


@dataclass
class Setup:
    """A journey under construction, its workspace, clock, channels and test-mode runner."""

    ws: Workspace
    registry: Any
    clock: VirtualClock = field(default_factory=lambda: VirtualClock(T0))
    mail: RecordingChannel = field(default_factory=RecordingChannel)
    sms: RecordingChannel = field(default_factory=RecordingChannel)
    staff: RecordingChannel = field(default_factory=RecordingChannel)
    journey: Journey = field(default_factory=lambda: Journey(name="End to end"))
    version: int = 0
    runner: Runner | None = None

    def node(self, type_key: str, title: str | None = None, **config: Any) -> Node:
        node = make_node(self.registry, type_key, title=title)
        node.config.update(config)
        self.journey.nodes.append(node)
        return node

    def entry(self, **config: Any) -> Node:
        return self.node("orchestrate.entry", trigger=config.pop("trigger", {"kind": "manual"}), **config)

    def send(self, subject: str, channel: str = "email-main", kind: str = "email") -> Node:
        return self.node("orchestrate.send", title=subject, channel=channel, channel_kind=kind, subject=subject,
                         body="Hello {{ customer.first_name | default('there') }}")

    def link(self, src: Node, port: str, dst: Node) -> None:
        connect(self.journey, src, port, dst)

    def publish(self, live: bool = False) -> Runner:
        self.ws.create_journey(self.journey)
        self.version = self.ws.publish(self.journey.id, self.registry).number
        if live:
            self.ws.set_status(self.journey.id, "live")
        self.runner = Runner(self.ws, self.registry, self.clock,
                             {"email-main": self.mail, "sms-main": self.sms, "staff-chat": self.staff}, mode="test")
        return self.runner

    def customers(self, count: int, **attributes: Any) -> list[str]:
        return [self.person(f"c{i}", **attributes) for i in range(count)]

    def person(self, name: str, *, consent: dict | None = None, time_zone: str | None = None,
               identifiers: dict | None = None, **attributes: Any) -> str:
        email = f"{name}@example.com"
        attrs = {"first_name": name.capitalize(), "email": email} | attributes
        return self.ws.upsert_customer(identifiers or {"email": email}, attrs, time_zone=time_zone,
                                       consent={"email": True} if consent is None else consent)

    def enter_all(self, ids: list[str]) -> list[str]:
        assert self.runner is not None
        runs = [self.runner.enter(self.journey.id, c) for c in ids]
        assert None not in runs
        return runs  # type: ignore[return-value]

    def event(self, customer_id: str, name: str, properties: dict | None = None,
              at: datetime | None = None) -> None:
        assert self.runner is not None
        email = self.ws.get_customer(customer_id).identifier("email")
        assert email is not None
        record = self.ws.ingest_event({"email": email}, name, properties or {},
                                      occurred_at=at or self.clock.now())
        assert record.customer_id == customer_id
        self.runner.handle_event(record)

    def counts(self) -> tuple[dict[str, tuple[int, int, int, int]], dict[tuple[str, str], int]]:
        """Node counters as (entered, active, exited, converted) and edge counts by (source, port)."""
        assert self.runner is not None
        nodes, edges = self.runner.counters(self.journey.id, self.version)
        by_port = {(e.source.node, e.source.port): edges.get(e.id, 0) for e in self.journey.edges}
        return ({k: (c.entered, c.active, c.exited, c.converted) for k, c in nodes.items()}, by_port)

    def conserved(self) -> None:
        """entered = Σ out edges + active + exited for every node, and the edges equal the step log."""
        assert self.runner is not None
        nodes, edges = self.runner.counters(self.journey.id, self.version)
        assert set(nodes) == {n.id for n in self.journey.nodes}
        for node_id, c in nodes.items():
            out = sum(edges.get(e.id, 0) for e in self.journey.edges if e.source.node == node_id)
            assert c.entered == out + c.active + c.exited, (node_id, c, out)
            assert 0 <= c.converted <= c.entered
        log = self.runner.store.steps_for(self.journey.id, self.version, "test")
        for edge in self.journey.edges:
            taken = sum(1 for s in log if s.node_id == edge.source.node and s.port == edge.source.port)
            assert edges.get(edge.id, 0) == taken

    def tick(self) -> None:
        assert self.runner is not None
        while self.runner.tick():
            pass


@pytest.fixture
def s(tmp_path: Path, registry) -> Setup:
    ws = Workspace.open(tmp_path / "workspace.db")
    yield Setup(ws, registry)
    ws.close()


def subjects(channel: RecordingChannel) -> Counter:
    return Counter(m.subject for m in channel.messages)


def to_of(channel: RecordingChannel) -> list[str]:
    return sorted(m.to for m in channel.messages)


# ---------------------------------------------------------------------------------------------
# orchestrate.entry and orchestrate.exit
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("trigger", ["manual", "event"])
def test_entry_send_exit(s, trigger):
    entry = s.entry(trigger={"kind": "manual"} if trigger == "manual" else
                    {"kind": "event", "event": "signed_up",
                     "filters": [{"property": "plan", "operator": "eq", "value": "pro"}]})
    send = s.send("Welcome {{ customer.first_name }}")
    done = s.node("orchestrate.exit", reason="welcomed")
    s.link(entry, "next", send)
    s.link(send, "sent", done)
    s.publish(live=trigger == "event")
    ids = s.customers(3)
    if trigger == "manual":
        runs = s.enter_all(ids)
    else:
        for c in ids:
            s.event(c, "signed_up", {"plan": "pro"})
        s.event(ids[0], "signed_up", {"plan": "free"})  # the filter refuses it
        s.event(ids[0], "other_event", {"plan": "pro"})
        runs = [r.id for c in ids for r in s.runner.store.runs_of(c, s.journey.id, "test")]
    assert len(runs) == 3
    assert sorted(m.subject for m in s.mail.messages) == ["Welcome C0", "Welcome C1", "Welcome C2"]
    assert to_of(s.mail) == ["c0@example.com", "c1@example.com", "c2@example.com"]
    nodes, edges = s.counts()
    assert nodes == {entry.id: (3, 0, 0, 0), send.id: (3, 0, 0, 0), done.id: (3, 0, 3, 0)}
    assert edges == {(entry.id, "next"): 3, (send.id, "sent"): 3}
    for run_id in runs:
        assert s.runner.store.load(run_id).status == "done"
        assert s.runner.store.steps_of(run_id)[-1].note == "welcomed"
    s.conserved()


def test_event_entry_needs_a_live_journey(s):
    entry = s.entry(trigger={"kind": "event", "event": "signed_up"})
    done = s.node("orchestrate.exit")
    s.link(entry, "next", done)
    s.publish(live=False)
    (c,) = s.customers(1)
    s.event(c, "signed_up")
    assert s.runner.store.runs_of(c, s.journey.id, "test") == []
    s.ws.set_status(s.journey.id, "live")
    s.event(c, "signed_up")
    assert len(s.runner.store.runs_of(c, s.journey.id, "test")) == 1
    assert s.counts()[0][done.id] == (1, 0, 1, 0)
    s.conserved()


# ---------------------------------------------------------------------------------------------
# orchestrate.condition
# ---------------------------------------------------------------------------------------------

# each case: the check, then per customer (profile attributes, consent, events as (name, days ago,
# properties)) and whether the answer is yes
CONDITIONS = {
    "attribute": ({"kind": "attribute", "rules": [{"attribute": "plan", "operator": "eq", "value": "pro"}],
                   "match": "all", "missing_attribute": "no"},
                  [({"plan": "pro"}, {}, [], True), ({"plan": "free"}, {}, [], False), ({}, {}, [], False),
                   ({"plan": "pro"}, {}, [], True)]),
    "attribute_missing_yes": ({"kind": "attribute", "rules": [{"attribute": "age", "operator": "gte", "value": 18}],
                               "match": "all", "missing_attribute": "yes"},
                              [({"age": 30}, {}, [], True), ({"age": 12}, {}, [], False), ({}, {}, [], True)]),
    "event_within": ({"kind": "event_within", "event": "purchase", "min_count": 2, "within_days": 7, "filters": []},
                     [({}, {}, [("purchase", 1, {}), ("purchase", 3, {})], True),
                      ({}, {}, [("purchase", 1, {})], False),
                      ({}, {}, [("purchase", 9, {}), ("purchase", 10, {})], False),
                      ({}, {}, [("purchase", 2, {}), ("purchase", 9, {}), ("purchase", 0.5, {})], True)]),
    # A saved segment "VIP" (tier = vip) in the workspace's segment store; its id is filled in below.
    "segment": ({"kind": "segment", "segment_id": "VIP"},
                [({"tier": "vip"}, {}, [], True), ({"tier": "basic"}, {}, [], False),
                 ({}, {}, [], False), ({"segments": ["VIP"]}, {}, [], False)]),
    "consent": ({"kind": "consent", "channel_kind": "sms"},
                [({}, {"sms": True}, [], True), ({}, {"sms": False}, [], False), ({}, {}, [], False)]),
}


@pytest.mark.parametrize("case", sorted(CONDITIONS))
def test_condition(s, case):
    check, people = CONDITIONS[case]
    if check["kind"] == "segment":
        from engine.track.segments import SegmentStore

        saved = SegmentStore(s.ws).create("VIP", {"match": "all", "conditions": [
            {"kind": "attribute", "attribute": "tier", "operator": "eq", "value": "vip"}]})
        check = {**check, "segment_id": saved.id}
    entry = s.entry()
    cond = s.node("orchestrate.condition", check=check)
    yes, no = s.send("Yes"), s.send("No")
    done = s.node("orchestrate.exit")
    s.link(entry, "next", cond)
    s.link(cond, "yes", yes)
    s.link(cond, "no", no)
    s.link(yes, "sent", done)
    s.link(no, "sent", done)
    s.publish()
    ids, expected = [], Counter()
    for i, (attrs, consent, events, answer) in enumerate(people):
        ids.append(s.person(f"c{i}", consent={"email": True} | consent, **attrs))
        for name, days_ago, props in events:
            s.ws.ingest_event({"email": f"c{i}@example.com"}, name, props, occurred_at=T0 - timedelta(days=days_ago))
        expected["Yes" if answer else "No"] += 1
    s.enter_all(ids)
    assert subjects(s.mail) == expected
    assert {m.to for m in s.mail.messages if m.subject == "Yes"} == {
        f"c{i}@example.com" for i, p in enumerate(people) if p[3]}
    _, edges = s.counts()
    assert (edges[(cond.id, "yes")], edges[(cond.id, "no")]) == (expected["Yes"], expected["No"])
    assert edges[(yes.id, "sent")] + edges[(no.id, "sent")] == len(ids)
    s.conserved()


# ---------------------------------------------------------------------------------------------
# orchestrate.multi_split, orchestrate.random_split
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case_sensitive", [False, True])
def test_multi_split(s, case_sensitive):
    entry = s.entry()
    split = s.node("orchestrate.multi_split", attribute="country", values=["DE", "fr", 3],
                   case_sensitive=case_sensitive)
    sends = {port: s.send(port) for port in ("branch_1", "branch_2", "branch_3", "else")}
    done = s.node("orchestrate.exit")
    s.link(entry, "next", split)
    for port, send in sends.items():
        s.link(split, port, send)
        s.link(send, "sent", done)
    s.publish()
    countries = ["DE", "de", "fr", "FR", "it", None, "3", 3]
    ids = [s.person(f"c{i}", **({} if c is None else {"country": c})) for i, c in enumerate(countries)]
    s.enter_all(ids)
    if case_sensitive:
        expected = {"branch_1": 1, "branch_2": 1, "branch_3": 2, "else": 4}
    else:
        expected = {"branch_1": 2, "branch_2": 2, "branch_3": 2, "else": 2}
    assert subjects(s.mail) == Counter(expected)
    _, edges = s.counts()
    assert {port: edges[(split.id, port)] for port in sends} == expected
    s.conserved()


def test_random_split_follows_the_buckets(s):
    entry = s.entry()
    paths = [("a", 30), ("b", 50), ("c", 20)]
    split = s.node("orchestrate.random_split", paths=[{"name": n, "weight": w} for n, w in paths])
    sends = {name: s.send(f"path {name}") for name, _ in paths}
    done = s.node("orchestrate.exit")
    s.link(entry, "next", split)
    for name, send in sends.items():
        s.link(split, name, send)
        s.link(send, "sent", done)
    s.publish()
    ids = s.customers(40)
    s.enter_all(ids)

    def path_of(customer_id: str) -> str:
        point = bucket(customer_id, split.id)
        return "a" if point < 0.3 else "b" if point < 0.8 else "c"

    expected = Counter(path_of(c) for c in ids)
    assert sum(expected.values()) == 40
    _, edges = s.counts()
    assert {name: edges[(split.id, name)] for name in sends} == {n: expected[n] for n in sends}
    by_customer = {m.customer_id: m.subject for m in s.mail.messages}
    assert by_customer == {c: f"path {path_of(c)}" for c in ids}
    s.conserved()


# ---------------------------------------------------------------------------------------------
# orchestrate.wait (duration, time_of_day, date_property)
# ---------------------------------------------------------------------------------------------

# each case: the wait, then per customer (profile, time zone) and the moment the run goes on (None: at once)
WAITS = {
    "duration": ({"kind": "duration", "amount": 36, "unit": "hours"},
                 [({}, None, T0 + 36 * HOUR), ({}, "Asia/Tokyo", T0 + 36 * HOUR)]),
    "time_of_day": ({"kind": "time_of_day", "time": "09:00", "weekdays": ["wed", "sat"]},
                    [({}, "UTC", datetime(2026, 3, 4, 9, 0, tzinfo=UTC)),
                     ({}, "Europe/Berlin", datetime(2026, 3, 4, 8, 0, tzinfo=UTC)),
                     ({}, "America/New_York", datetime(2026, 3, 4, 14, 0, tzinfo=UTC))]),
    "time_of_day_later_today": ({"kind": "time_of_day", "time": "11:30", "weekdays": []},
                                [({}, "UTC", datetime(2026, 3, 2, 11, 30, tzinfo=UTC)),
                                 ({}, "Europe/Berlin", datetime(2026, 3, 2, 10, 30, tzinfo=UTC)),
                                 ({}, "Asia/Tokyo", datetime(2026, 3, 3, 2, 30, tzinfo=UTC))]),
    "date_property": ({"kind": "date_property", "attribute": "renewal", "offset_days": -2, "time": "09:00"},
                      [({"renewal": "2026-03-10"}, "UTC", datetime(2026, 3, 8, 9, 0, tzinfo=UTC)),
                       ({"renewal": "2026-03-06"}, "Europe/Berlin", datetime(2026, 3, 4, 8, 0, tzinfo=UTC)),
                       ({"renewal": "2026-03-01"}, "UTC", None), ({}, "UTC", None),
                       ({"renewal": "soon"}, "UTC", None)]),
}


@pytest.mark.parametrize("case", sorted(WAITS))
def test_wait_holds_until_its_moment(s, case):
    wait, people = WAITS[case]
    entry = s.entry()
    pause = s.node("orchestrate.wait", wait=wait)
    send = s.send("After the wait")
    done = s.node("orchestrate.exit")
    s.link(entry, "next", pause)
    s.link(pause, "next", send)
    s.link(send, "sent", done)
    s.publish()
    ids = [s.person(f"c{i}", time_zone=zone, **attrs) for i, (attrs, zone, _) in enumerate(people)]
    due = dict(zip(ids, [moment for *_, moment in people], strict=True))
    s.enter_all(ids)

    def released(by: datetime | None) -> set[str]:
        return {c for c, moment in due.items() if moment is None or (by is not None and moment <= by)}

    assert {m.customer_id for m in s.mail.messages} == released(None)
    s.conserved()
    for moment in sorted({m for m in due.values() if m is not None}):
        s.clock.set(moment - SECOND)
        s.tick()
        assert {m.customer_id for m in s.mail.messages} == released(moment - SECOND)
        nodes, _ = s.counts()
        assert nodes[pause.id][1] == len(ids) - len(released(moment - SECOND))
        s.conserved()
        s.clock.set(moment)
        s.tick()
        assert {m.customer_id for m in s.mail.messages} == released(moment)
        assert all(m.subject == "After the wait" for m in s.mail.messages)
        s.conserved()
    assert len(s.mail.messages) == len(ids)
    nodes, edges = s.counts()
    assert nodes[pause.id] == (len(ids), 0, 0, 0) and edges[(pause.id, "next")] == len(ids)
    assert nodes[done.id] == (len(ids), 0, len(ids), 0)


# ---------------------------------------------------------------------------------------------
# orchestrate.wait until_event
# ---------------------------------------------------------------------------------------------


def test_wait_until_event_or_timeout(s):
    entry = s.entry()
    pause = s.node("orchestrate.wait", wait={
        "kind": "until_event", "event": "order_completed",
        "filters": [{"property": "total", "operator": "gte", "value": 10}],
        "timeout": {"amount": 3, "unit": "days"}})
    thanks, reminder = s.send("Thanks for {{ event.total }}"), s.send("Reminder")
    done = s.node("orchestrate.exit")
    s.link(entry, "next", pause)
    s.link(pause, "event", thanks)
    s.link(pause, "timeout", reminder)
    s.link(thanks, "sent", done)
    s.link(reminder, "sent", done)
    s.publish()
    ids = s.customers(5)
    s.enter_all(ids)
    s.clock.advance(DAY)
    s.event(ids[0], "order_completed", {"total": 25})
    s.event(ids[1], "order_completed", {"total": 5})  # the filter fails: still waiting
    s.event(ids[2], "something_else", {"total": 50})
    s.clock.advance(DAY)
    s.event(ids[1], "order_completed", {"total": 10})
    assert sorted(m.subject for m in s.mail.messages) == ["Thanks for 10", "Thanks for 25"]
    nodes, edges = s.counts()
    assert nodes[pause.id][:2] == (5, 3)
    s.conserved()

    s.clock.set(T0 + 3 * DAY - SECOND)
    s.tick()
    assert len(s.mail.messages) == 2
    s.clock.set(T0 + 3 * DAY)
    s.tick()
    assert subjects(s.mail) == Counter({"Thanks for 25": 1, "Thanks for 10": 1, "Reminder": 3})
    assert {m.customer_id for m in s.mail.messages if m.subject == "Reminder"} == set(ids[2:])
    s.event(ids[3], "order_completed", {"total": 99})  # too late: the run has moved on
    assert len(s.mail.messages) == 5
    nodes, edges = s.counts()
    assert (edges[(pause.id, "event")], edges[(pause.id, "timeout")]) == (2, 3)
    assert nodes[pause.id] == (5, 0, 0, 0) and nodes[done.id] == (5, 0, 5, 0)
    s.conserved()


# ---------------------------------------------------------------------------------------------
# orchestrate.send
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["email", "sms"])
@pytest.mark.parametrize("failing", [False, True])
def test_send_outcomes(s, kind, failing):
    channel = "email-main" if kind == "email" else "sms-main"
    entry = s.entry()
    send = s.send("Offer for {{ customer.first_name }}", channel=channel, kind=kind)
    ends = {port: s.node("orchestrate.exit", title=port) for port in ("sent", "failed", "skipped")}
    s.link(entry, "next", send)
    for port, end in ends.items():
        s.link(send, port, end)
    recorder = s.mail if kind == "email" else s.sms
    recorder.fail = failing
    s.publish()
    reachable = [s.person(f"c{i}", consent={kind: True}, phone=f"+4915100000{i}") for i in range(3)]
    refused = s.person("no_consent", consent={kind: False}, phone="+491510000099")
    missing = s.person("no_address", consent={kind: True}, identifiers={"user_id": "u-no-address"},
                       email=None, first_name="Nobody")
    s.enter_all([*reachable, refused, missing])
    address = "email" if kind == "email" else "phone"
    expected_to = sorted(s.ws.get_customer(c).attributes[address] for c in reachable)
    assert sorted(m.to for m in recorder.attempts) == expected_to
    assert sorted(m.subject for m in recorder.attempts) == ["Offer for C0", "Offer for C1", "Offer for C2"]
    assert len(recorder.messages) == (0 if failing else 3)
    other = s.sms if kind == "email" else s.mail
    assert other.attempts == [] and s.staff.attempts == []
    _, edges = s.counts()
    assert edges == {(entry.id, "next"): 5, (send.id, "sent"): 0 if failing else 3,
                     (send.id, "failed"): 3 if failing else 0, (send.id, "skipped"): 2}
    reasons = sorted(d.reason for d in s.runner.store.deliveries() if d.status == "skipped")
    assert reasons == ["no address", "no consent"]
    s.conserved()


# ---------------------------------------------------------------------------------------------
# orchestrate.update_profile
# ---------------------------------------------------------------------------------------------


def test_update_profile_is_stored_and_seen_by_later_nodes(s):
    entry = s.entry()
    update = s.node("orchestrate.update_profile", operations=[
        {"kind": "set", "attribute": "plan", "value": "gold"}, {"kind": "unset", "attribute": "trial"},
        {"kind": "add_tag", "tag": "upgraded"}, {"kind": "remove_tag", "tag": "prospect"}])
    cond = s.node("orchestrate.condition", check={
        "kind": "attribute", "match": "all", "missing_attribute": "no",
        "rules": [{"attribute": "plan", "operator": "eq", "value": "gold"},
                  {"attribute": "trial", "operator": "not_exists", "value": None}]})
    yes = s.send("Your plan: {{ customer.plan }}")
    s.link(entry, "next", update)
    s.link(update, "next", cond)
    s.link(cond, "yes", yes)
    s.publish()
    ids = [s.ws.upsert_customer({"email": f"c{i}@example.com"}, {"email": f"c{i}@example.com", "trial": True,
                                                                  "plan": "free"},
                                consent={"email": True}, tags=["prospect", "keep"]) for i in range(3)]
    s.enter_all(ids)
    for c in ids:
        record = s.ws.get_customer(c)
        assert record.attributes == {"email": record.identifier("email"), "plan": "gold"}
        assert sorted(record.tags) == ["keep", "upgraded"]
    assert subjects(s.mail) == Counter({"Your plan: gold": 3})
    nodes, edges = s.counts()
    assert edges == {(entry.id, "next"): 3, (update.id, "next"): 3, (cond.id, "yes"): 3}
    assert nodes[yes.id] == (3, 0, 3, 0)  # "sent" has no edge: the runs end there
    s.conserved()


# ---------------------------------------------------------------------------------------------
# orchestrate.notify_staff
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("failing", [False, True])
def test_notify_staff(s, failing):
    entry = s.entry()
    notify = s.node("orchestrate.notify_staff", channel="staff-chat", channel_kind="chat",
                    recipients=["#sales", "ops@shop.example"], message="Call {{ customer.first_name }}")
    ok, bad = s.node("orchestrate.exit", title="ok"), s.node("orchestrate.exit", title="bad")
    s.link(entry, "next", notify)
    s.link(notify, "next", ok)
    s.link(notify, "failed", bad)
    s.staff.fail = failing
    s.publish()
    # staff notices ignore the customer's consent
    ids = [s.person("c0"), s.person("c1", consent={"email": False})]
    s.enter_all(ids)
    assert s.mail.attempts == []
    assert sorted(m.body for m in s.staff.attempts) == ["Call C0", "Call C1"]
    assert all(m.recipients == ("#sales", "ops@shop.example") and m.to == "#sales, ops@shop.example"
               for m in s.staff.attempts)
    assert len(s.staff.messages) == (0 if failing else 2)
    nodes, edges = s.counts()
    assert edges[(notify.id, "next")] == (0 if failing else 2)
    assert edges[(notify.id, "failed")] == (2 if failing else 0)
    assert nodes[bad.id if failing else ok.id] == (2, 0, 2, 0)
    s.conserved()


# ---------------------------------------------------------------------------------------------
# orchestrate.goal
# ---------------------------------------------------------------------------------------------


def test_goal_counts_conversions(s):
    entry = s.entry()
    cond = s.node("orchestrate.condition", check={
        "kind": "attribute", "match": "all", "missing_attribute": "no",
        "rules": [{"attribute": "plan", "operator": "eq", "value": "pro"}]})
    pause = s.node("orchestrate.wait", wait={"kind": "duration", "amount": 2, "unit": "days"})
    goal = s.node("orchestrate.goal", name="Big order", event="purchase",
                  filters=[{"property": "total", "operator": "gte", "value": 10}])
    done, other = s.node("orchestrate.exit"), s.node("orchestrate.exit")
    s.link(entry, "next", cond)
    s.link(cond, "yes", pause)
    s.link(cond, "no", other)
    s.link(pause, "next", goal)
    s.link(goal, "next", done)
    s.publish()
    pros = s.customers(3, plan="pro")
    free = [s.person(f"f{i}", plan="free") for i in range(2)]
    runs = dict(zip(pros + free, s.enter_all(pros + free), strict=True))
    s.clock.advance(DAY)
    s.event(pros[0], "purchase", {"total": 20})  # converts while waiting
    s.event(pros[1], "purchase", {"total": 5})  # the filter fails
    s.event(free[0], "purchase", {"total": 50})  # already out of the journey
    nodes, _ = s.counts()
    assert nodes[entry.id] == (5, 0, 0, 1) and nodes[cond.id] == (5, 0, 0, 1)
    assert nodes[pause.id] == (3, 3, 0, 1) and nodes[goal.id] == (0, 0, 0, 0)
    assert s.runner.store.load(runs[pros[0]]).goals == [goal.id]
    s.conserved()
    s.clock.advance(DAY)
    s.tick()
    nodes, edges = s.counts()
    assert nodes[goal.id] == (3, 0, 0, 3) and nodes[done.id] == (3, 0, 3, 3)
    assert nodes[entry.id] == (5, 0, 0, 3) and nodes[other.id] == (2, 0, 2, 0)
    assert (edges[(cond.id, "yes")], edges[(cond.id, "no")], edges[(goal.id, "next")]) == (3, 2, 3)
    assert all(s.runner.store.load(runs[c]).goals == [goal.id] for c in pros)
    assert all(s.runner.store.load(runs[c]).goals == [] for c in free)
    s.conserved()


# ---------------------------------------------------------------------------------------------
# orchestrate.jump
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("max_loops", [1, 3])
def test_jump_loops_at_most_max_loops(s, max_loops):
    entry = s.entry()
    send = s.send("Round")
    pause = s.node("orchestrate.wait", wait={"kind": "duration", "amount": 1, "unit": "days"})
    jump = s.node("orchestrate.jump", target={"kind": "node", "node_id": send.id}, max_loops=max_loops)
    done = s.node("orchestrate.exit")
    s.link(entry, "next", send)
    s.link(send, "sent", pause)
    s.link(pause, "next", jump)
    s.link(jump, "limit_reached", done)
    s.publish()
    ids = s.customers(2)
    runs = s.enter_all(ids)
    for day in range(1, max_loops + 2):
        assert len(s.mail.messages) == 2 * day
        s.clock.advance(DAY - SECOND)
        s.tick()
        assert len(s.mail.messages) == 2 * day
        s.clock.advance(SECOND)
        s.tick()
        s.conserved()
    rounds = max_loops + 1
    assert Counter(m.customer_id for m in s.mail.messages) == Counter({c: rounds for c in ids})
    assert len({m.idempotency_key for m in s.mail.messages}) == 2 * rounds
    nodes, edges = s.counts()
    assert nodes[send.id] == (2 * rounds, 0, 0, 0)
    assert nodes[jump.id] == (2 * rounds, 0, 2 * max_loops, 0)
    assert edges[(jump.id, "limit_reached")] == 2 and nodes[done.id] == (2, 0, 2, 0)
    assert all(s.runner.store.load(r).vars[f"jump:{jump.id}"] == max_loops for r in runs)
    s.clock.advance(10 * DAY)
    s.tick()
    assert len(s.mail.messages) == 2 * rounds


# ---------------------------------------------------------------------------------------------
# optimize.experiment, optimize.holdout
# ---------------------------------------------------------------------------------------------


def test_experiment_assignment_is_sticky_across_re_entry(s):
    entry = s.entry(re_entry="after_exit", re_entry_cooldown_days=0)
    exp = s.node("optimize.experiment", name="Subject test", goal_event="purchase",
                 variants=[{"name": "control", "weight": 70}, {"name": "variant_b", "weight": 30}])
    sends = {"control": s.send("Control"), "variant_b": s.send("Variant B")}
    done = s.node("orchestrate.exit")
    s.link(entry, "next", exp)
    for name, send in sends.items():
        s.link(exp, name, send)
        s.link(send, "sent", done)
    s.publish()
    ids = s.customers(30)
    first = s.enter_all(ids)
    s.clock.advance(DAY)
    second = s.enter_all(ids)

    def variant_of(customer_id: str) -> str:
        return "control" if bucket(customer_id, exp.id) < 0.7 else "variant_b"

    expected = Counter(variant_of(c) for c in ids)
    _, edges = s.counts()
    assert {n: edges[(exp.id, n)] for n in sends} == {n: 2 * expected[n] for n in sends}
    seen: dict[str, set[str]] = {}
    for m in s.mail.messages:
        seen.setdefault(m.customer_id, set()).add(m.subject)
    assert seen == {c: {"Control" if variant_of(c) == "control" else "Variant B"} for c in ids}
    for run_id, c in zip(first + second, ids + ids, strict=True):
        assert s.runner.store.load(run_id).vars[f"experiment:{exp.id}"] == variant_of(c)
    assert len(s.mail.messages) == 60
    s.conserved()


@pytest.mark.parametrize("percent", [0, 25, 50])
def test_holdout_customers_receive_nothing(s, percent):
    entry = s.entry()
    hold = s.node("optimize.holdout", percent=percent)
    send = s.send("Promo")
    done, held = s.node("orchestrate.exit"), s.node("orchestrate.exit")
    s.link(entry, "next", hold)
    s.link(hold, "treatment", send)
    s.link(hold, "holdout", held)
    s.link(send, "sent", done)
    s.publish()
    ids = s.customers(40)
    s.enter_all(ids)
    held_out = {c for c in ids if bucket(c, hold.id) < percent / 100}
    if percent == 0:
        assert held_out == set()
    assert {m.customer_id for m in s.mail.messages} == set(ids) - held_out
    assert len(s.mail.messages) == 40 - len(held_out)
    nodes, edges = s.counts()
    assert (edges[(hold.id, "treatment")], edges[(hold.id, "holdout")]) == (40 - len(held_out), len(held_out))
    assert nodes[held.id] == (len(held_out), 0, len(held_out), 0)
    s.conserved()
