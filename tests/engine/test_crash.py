"""``journey-studio run`` killed with SIGKILL at random moments while it sends email to a real SMTP server
on this machine, restarted each time: no step is lost or taken twice, no message goes out twice, the
counters agree with the step log, the database stays intact, and every send cut off by a kill is
reported as ambiguous with its Message-ID (``journey-studio outbox``). Also the ``outbox`` command."""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import sqlite3
import subprocess
import threading
from collections import Counter
from email.parser import BytesHeaderParser
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from engine.channels.smtp import message_id
from engine.cli import main
from engine.commands import make_node
from engine.document import Journey
from engine.store import Workspace
from engine.store.models import RunRow
from engine.store.runs import RunStore
from tests.conftest import connect
from tests.engine.test_run_command import (
    ROOT,
    Inbox,
    build_workspace,
    cli,
    cli_command,
    cli_env,
    free_port,
)

CUSTOMERS = 150
KILLS = 32
SEED = 20261122


class MessageIds:
    """An aiosmtpd handler noting the Message-ID of every message it accepts; a little slow on purpose,
    so that kills land in the middle of a send."""

    def __init__(self):
        self.lock = threading.Lock()
        self.ids: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.005)
        headers = BytesHeaderParser().parsebytes(envelope.content)
        with self.lock:
            self.ids.append(str(headers["Message-ID"]))
        return "250 Message accepted"


def build_journey_workspace(path: Path, registry) -> tuple[Journey, dict[str, str]]:
    """A live journey: event 'signed_up' → email A → email B → exit (A goes on to B whatever it
    answered), and CUSTOMERS customers with an address, consent and their 'signed_up' event."""
    j = Journey(name="Crash")
    j.settings.status = "live"
    entry = make_node(registry, "orchestrate.entry", title="Signed up",
                      config={"trigger": {"kind": "event", "event": "signed_up"}})
    first = make_node(registry, "orchestrate.send", title="A",
                      config={"channel": "email-main", "channel_kind": "email", "subject": "A", "body": "first"})
    second = make_node(registry, "orchestrate.send", title="B",
                       config={"channel": "email-main", "channel_kind": "email", "subject": "B", "body": "second"})
    done = make_node(registry, "orchestrate.exit", title="Done")
    j.nodes += [entry, first, second, done]
    connect(j, entry, "next", first)
    connect(j, first, "sent", second)
    connect(j, first, "failed", second)
    connect(j, second, "sent", done)
    connect(j, second, "failed", done)
    with Workspace.open(path) as ws:
        ws.create_journey(j)
        ws.publish(j.id, registry)
        for i in range(CUSTOMERS):
            address = f"c{i}@example.com"
            ws.upsert_customer({"email": address}, {"email": address}, consent={"email": True})
            ws.ingest_event({"email": address}, "signed_up", {"n": i})
    return j, {"entry": entry.id, "a": first.id, "b": second.id, "exit": done.id}


def integrity(db: Path) -> str:
    con = sqlite3.connect(db)
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()


def open_work(db: Path) -> tuple[int, int]:
    """Runs not yet done and deliveries still pending."""
    con = sqlite3.connect(db)
    try:
        runs = con.execute("SELECT count(*) FROM runs WHERE status != 'done'").fetchone()[0]
        pending = con.execute("SELECT count(*) FROM deliveries WHERE status = 'pending'").fetchone()[0]
        return runs, pending
    finally:
        con.close()


@pytest.mark.slow
def test_sigkill_loses_no_step_and_sends_no_message_twice(tmp_path, registry):
    db = tmp_path / "workspace.db"
    journey, ids = build_journey_workspace(db, registry)
    handler = MessageIds()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    rng = random.Random(SEED)
    command = cli_command("run", "--workspace", str(db), "--smtp-host", "127.0.0.1", "--smtp-port", str(port),
                          "--interval", "0.2")
    try:
        for _ in range(KILLS):
            proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                    cwd=ROOT, env=cli_env(), start_new_session=True)
            try:
                # Wait for the first line (the workspace is open) so the kill lands while it works.
                proc.stdout.readline()
                threading.Event().wait(rng.uniform(0.0, 0.4))
            finally:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=60)
                proc.stdout.close()
            assert proc.returncode == -signal.SIGKILL
            assert integrity(db) == "ok"
        for _ in range(5):
            if open_work(db) == (0, 0):
                break
            res = cli("run", "--once", "--workspace", str(db), "--smtp-host", "127.0.0.1", "--smtp-port", str(port))
            assert res.returncode == 0, res.stderr
        assert open_work(db) == (0, 0)
    finally:
        controller.stop()
    assert integrity(db) == "ok"

    with Workspace.open(db, read_only=True) as ws:
        store = RunStore(ws)
        with ws._session() as s:
            runs = [r.id for r in s.scalars(select(RunRow).where(RunRow.mode == "live"))]
            run_customers = Counter(s.scalars(select(RunRow.customer_id).where(RunRow.mode == "live")))
        states = {run_id: store.load(run_id) for run_id in runs}
        steps = {run_id: store.steps_of(run_id) for run_id in runs}
        all_steps = store.steps_for(journey.id, 1, "live")
        nodes, edges = store.counters(journey.id, 1, "live")
        delivered = store.deliveries(mode="live")
    assert len(run_customers) == CUSTOMERS
    assert all(state.status == "done" for state in states.values())

    by_run: dict[str, dict[str, object]] = {}
    for d in delivered:
        assert d.node_id not in by_run.setdefault(d.run_id, {})
        by_run[d.run_id][d.node_id] = d
    for run_id, log in steps.items():
        # No step lost, none taken twice: each run walked the whole journey once.
        assert [(s.node_id, s.port is None) for s in log] == [
            (ids["entry"], False), (ids["a"], False), (ids["b"], False), (ids["exit"], True)], log
        sends = by_run[run_id]
        assert set(sends) == {ids["a"], ids["b"]}
        for step in log[1:3]:
            d = sends[step.node_id]
            assert d.status in ("sent", "ambiguous"), d
            assert step.port == ("sent" if d.status == "sent" else "failed")

    received = Counter(handler.ids)
    known = {message_id(d.idempotency_key): d for d in delivered}
    assert len(known) == len(delivered) == 2 * len(runs)
    assert set(received) <= set(known), "the server got a message the engine knows nothing of"
    assert max(received.values()) == 1, [m for m, n in received.items() if n > 1]
    ambiguous = [d for d in delivered if d.status == "ambiguous"]
    for d in delivered:
        mid = message_id(d.idempotency_key)
        if d.status == "sent":
            assert d.message_id == mid and received[mid] == 1
        else:
            assert received[mid] <= 1
    assert len(ambiguous) <= KILLS

    # The counters are what the step log says, and runs are conserved at every node.
    step_edges = Counter((s.node_id, s.port) for s in all_steps if s.port is not None)
    for edge in journey.edges:
        assert edges.get(edge.id, 0) == step_edges[(edge.source.node, edge.source.port)]
    incoming = Counter()
    for edge in journey.edges:
        incoming[edge.target.node] += edges.get(edge.id, 0)
    out = Counter()
    for edge in journey.edges:
        out[edge.source.node] += edges.get(edge.id, 0)
    assert nodes[ids["entry"]].entered == len(runs)
    for node_id, counts in nodes.items():
        if node_id != ids["entry"]:
            assert counts.entered == incoming[node_id]
        assert counts.active == 0
        assert counts.entered == out[node_id] + counts.active + counts.exited
    assert sum(c.exited for c in nodes.values()) == len(runs)
    assert Counter(s.node_id for s in all_steps) == {node_id: len(runs) for node_id in ids.values()}

    # The user is shown every ambiguous send with its Message-ID.
    res = cli("outbox", "--workspace", str(db), "list", "--status", "ambiguous", "--json")
    assert res.returncode == 0, res.stderr
    listed = json.loads(res.stdout)
    assert sorted((r["id"], r["message_id"]) for r in listed) == sorted(
        (d.id, message_id(d.idempotency_key)) for d in ambiguous)
    print(f"{KILLS} kills, {len(ambiguous)} ambiguous, {len(handler.ids)} messages received")

    # One 'signed_up' event each, so one run each: a restart must not hand an event to the journey
    # again once a run it started has finished (that customer would get every message twice).
    twice = {c: n for c, n in run_customers.items() if n > 1}
    assert not twice, f"customers entered more than once for one event: {twice}"


# -- the outbox command ----------------------------------------------------------------------------

def test_outbox_list_and_drop(tmp_path, registry, capsys):
    db = tmp_path / "workspace.db"
    build_workspace(db, registry)
    res = cli("run", "--once", "--workspace", str(db))  # no SMTP server: the send fails
    assert res.returncode == 0, res.stderr
    capsys.readouterr()

    assert main(["outbox", "--workspace", str(db), "list", "--json"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["status"] == "failed" and row["to"] == "ana@example.com" and row["channel"] == "email-main"
    assert "not connected" in row["reason"] and row["message_id"] is None
    assert row["journey"] and row["node"]  # where it was sent from, by name
    assert main(["outbox", "--workspace", str(db), "list"]) == 0
    assert f"to ana@example.com  from '{row['node']}' in '{row['journey']}'" in capsys.readouterr().out

    assert main(["outbox", "--workspace", str(db), "list", "--status", "ambiguous"]) == 0
    assert capsys.readouterr().out.strip() == "no deliveries with status 'ambiguous'"

    assert main(["outbox", "--workspace", str(db), "drop", row["id"]]) == 0
    assert capsys.readouterr().out.strip() == f"dropped delivery {row['id']}"
    assert main(["outbox", "list", "--workspace", str(db), "--status", "dropped"]) == 0
    out = capsys.readouterr().out
    assert row["id"] in out and "dropped by the user" in out and "1 delivery" in out

    assert main(["outbox", "--workspace", str(db), "drop", row["id"]]) == 1
    err = capsys.readouterr().err
    assert "is dropped; only an ambiguous, failed or retrying delivery can be dropped" in err and "Traceback" not in err
    assert main(["outbox", "--workspace", str(db), "drop", "no-such-id"]) == 1
    assert "there is no delivery with id 'no-such-id'" in capsys.readouterr().err


def test_outbox_shows_the_message_id_of_an_ambiguous_send(tmp_path, registry, capsys):
    db = tmp_path / "workspace.db"
    build_workspace(db, registry)
    assert cli("run", "--once", "--workspace", str(db)).returncode == 0
    with Workspace.open(db) as ws:
        store = RunStore(ws)
        [d] = store.deliveries()
        # As the runner leaves a send cut off by a kill: its row never got the server's answer.
        store.finish_delivery(d.idempotency_key, "ambiguous", "cut off", d.updated_at)
    capsys.readouterr()
    assert main(["outbox", "--workspace", str(db), "list", "--status", "ambiguous", "--json"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["id"] == d.id and row["message_id"] == message_id(d.idempotency_key)
    assert main(["outbox", "--workspace", str(db), "list"]) == 0
    assert message_id(d.idempotency_key) in capsys.readouterr().out


def test_outbox_resend_sends_the_same_message_id_once_more(tmp_path, registry, capsys, smtp_server):
    inbox = Inbox()
    port = smtp_server(inbox)
    db = tmp_path / "workspace.db"
    build_workspace(db, registry)
    assert cli("run", "--once", "--workspace", str(db)).returncode == 0
    with Workspace.open(db) as ws:
        store = RunStore(ws)
        [d] = store.deliveries()
        store.finish_delivery(d.idempotency_key, "ambiguous", "cut off", d.updated_at)
    capsys.readouterr()
    assert main(["outbox", "--workspace", str(db), "resend", d.id, "--smtp-host", "127.0.0.1",
                 "--smtp-port", str(port)]) == 0
    assert capsys.readouterr().out.strip() == f"sent delivery {d.id} again"
    [(mail, rcpt)] = inbox.messages
    assert mail["Message-ID"] == message_id(d.idempotency_key) and rcpt == ["ana@example.com"]
    with Workspace.open(db, read_only=True) as ws:
        [again] = RunStore(ws).deliveries()
    assert again.status == "sent" and again.attempts == 2
    assert main(["outbox", "--workspace", str(db), "resend", d.id]) == 1
    assert "only an ambiguous or failed delivery can be sent again" in capsys.readouterr().err
