"""The journey simulator: determinism, the counting law, cancel, progress, the response model, and
the ``simulate`` / ``demo`` commands (no timings checked)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from engine.document import Journey, save
from engine.errors import JourneyFormatError
from engine.runtime.population import DEFAULT_PERSONAS, personas_of
from engine.runtime.response import ResponseModel
from engine.runtime.simulator import Simulation, SimulationResult
from engine.templates import list_templates, load_template

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = [t.key for t in list_templates()]
TOP_KEYS = {"customers", "days", "seed", "steps", "elapsed_s", "nodes", "edges", "deliveries", "goals"}


def simulate(key: str, registry, *, customers: int = 300, days: int = 30, seed: int = 0, **run) -> SimulationResult:
    return Simulation(load_template(key), registry, customers=customers, days=days, seed=seed).run(**run)


def without_time(result: SimulationResult) -> dict:
    data = result.to_json()
    data.pop("elapsed_s")
    return data


def assert_conserved(journey: Journey, result: SimulationResult) -> None:
    """entered = Σ outgoing edge counts + active + exited, for every node."""
    for node_id, counts in result.nodes.items():
        out = sum(result.edges[e.id] for e in journey.edges if e.source.node == node_id)
        assert counts.entered == out + counts.active + counts.exited, (node_id, counts, out)
        assert 0 <= counts.converted <= counts.entered
        assert counts.active >= 0 and counts.exited >= 0
    for edge in journey.edges:
        assert result.edges[edge.id] <= result.nodes[edge.source.node].entered


@pytest.mark.parametrize("key", TEMPLATES)
def test_same_seed_same_numbers_and_conservation(registry, key):
    journey = load_template(key)
    snapshots: list[SimulationResult] = []
    first = Simulation(journey, registry, customers=300, days=30, seed=3).run(
        on_snapshot=snapshots.append, snapshot_every_s=0.0)
    second = simulate(key, registry, seed=3)
    assert without_time(first) == without_time(second)
    assert first.steps > 0 and not first.cancelled
    assert sum(c.entered for c in first.nodes.values()) > 0
    assert snapshots, "a snapshot at least at the end"
    for snap in [*snapshots, first]:
        assert_conserved(journey, snap)
    other = simulate(key, registry, seed=4)
    assert without_time(other) != without_time(first)


def test_snapshots_are_copies_taken_along_the_way(registry):
    journey = load_template("abandoned_cart")
    seen: list[SimulationResult] = []
    result = Simulation(journey, registry, customers=1500, days=30, seed=1).run(
        on_snapshot=seen.append, snapshot_every_s=0.0)
    assert len(seen) >= 2
    totals = [s.steps for s in seen]
    assert totals == sorted(totals) and totals[-1] == result.steps
    for snap in seen:
        assert_conserved(journey, snap)
    seen[-1].nodes[next(iter(seen[-1].nodes))].entered = -1  # a copy: the result is unaffected
    assert all(c.entered >= 0 for c in result.nodes.values())


def test_progress_reaches_one_and_rises(registry):
    fractions: list[float] = []
    simulate("welcome_series", registry, customers=800, progress=fractions.append)
    assert fractions[-1] == 1.0
    assert fractions == sorted(fractions) and all(0.0 <= f <= 1.0 for f in fractions)


def test_cancel_returns_a_partial_result(registry):
    journey = load_template("abandoned_cart")
    polls = {"n": 0}

    def cancelled() -> bool:
        polls["n"] += 1
        return polls["n"] >= 3

    partial = Simulation(journey, registry, customers=2000, days=30, seed=0).run(cancelled=cancelled)
    full = simulate("abandoned_cart", registry, customers=2000)
    assert partial.cancelled and not full.cancelled
    assert 0 < partial.steps < full.steps
    assert_conserved(journey, partial)


def test_counts_follow_the_journey(registry):
    journey = load_template("abandoned_cart")
    result = simulate("abandoned_cart", registry, customers=1000, seed=2)
    by_title = {n.title: n.id for n in journey.nodes}
    entry = result.nodes[by_title["Cart abandoned"]]
    assert entry.entered >= 800  # 90 % do the entry event, some more than once
    goal = result.nodes[by_title["Cart recovered"]]
    assert goal.converted == goal.entered > 0
    assert result.goals[by_title["Cart recovered"]] >= goal.entered
    assert result.goals["order_completed"] > 0
    assert result.deliveries["email-main"] > result.deliveries["sms-main"] > 0
    # the cart-value condition splits on the cart value of the entry event
    condition = by_title["Cart £50 or more?"]
    yes = next(e.id for e in journey.edges if e.source.node == condition and e.source.port == "yes")
    no = next(e.id for e in journey.edges if e.source.node == condition and e.source.port == "no")
    assert result.edges[yes] > 0 and result.edges[no] > 0


def test_personas_and_default_population(registry):
    journey = load_template("b2b_lead_nurture")
    personas = personas_of(journey)
    assert sorted(p.name for p in personas) == ["Founder", "IT lead", "Ops manager"]
    assert abs(sum(p.share for p in personas) - 1.0) < 1e-9
    bare = Journey(name="No personas")
    assert personas_of(bare) == list(DEFAULT_PERSONAS)


def test_response_model_round_trip_and_errors():
    model = ResponseModel()
    data = model.to_json()
    assert ResponseModel.from_json(data).to_json() == data
    edited = ResponseModel.from_json({"channels": {"email": {"open": 0.9}}, "personas": {"Busy buyer": {
        "channels": {"sms": {"click": 0.5}}, "consent": {"sms": 0.1}}}})
    assert edited.channels["email"].open == 0.9 and edited.channels["email"].click == model.channels["email"].click
    busy = edited.for_persona("Busy buyer")
    assert busy.channel("sms").click == 0.5 and busy.consent["sms"] == 0.1
    assert edited.for_persona("Someone else").consent["sms"] == model.consent["sms"]
    with pytest.raises(JourneyFormatError, match="probability"):
        ResponseModel.from_json({"channels": {"email": {"open": 2}}})
    with pytest.raises(JourneyFormatError, match="unknown channel kind"):
        ResponseModel.from_json({"channels": {"fax": {}}})


def test_response_model_changes_the_numbers(registry):
    journey = load_template("welcome_series")
    quiet = ResponseModel.from_json({"channels": {k: {"delivery": 0.0} for k in ("email", "sms")}})
    result = Simulation(journey, registry, customers=300, days=30, seed=0, response=quiet).run()
    assert sum(result.deliveries.values()) == 0
    assert_conserved(journey, result)


# ---------------------------------------------------------------------------------------------
# The commands, as real subprocesses
# ---------------------------------------------------------------------------------------------


def cli(*args, cwd=None):
    env = {**os.environ}
    env.pop("JOURNEY_STUDIO_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "engine.cli", *args], capture_output=True, text=True,
                          cwd=cwd or ROOT, env=env, timeout=300)


def test_simulate_json_keys_and_repeatability():
    path = str(ROOT / "resources" / "templates" / "abandoned_cart.journey.json")
    runs = [cli("simulate", path, "--customers", "200", "--days", "10", "--seed", "5", "--json") for _ in range(2)]
    assert all(r.returncode == 0 for r in runs), runs[0].stderr
    first, second = (json.loads(r.stdout) for r in runs)
    assert set(first) == TOP_KEYS
    assert (first["customers"], first["days"], first["seed"]) == (200, 10, 5)
    for counts in first["nodes"].values():
        assert set(counts) == {"entered", "active", "exited", "converted"}
    first.pop("elapsed_s")
    second.pop("elapsed_s")
    assert first == second
    assert "PySide6" not in cli("simulate", path, "--customers", "5", "--json").stderr


def test_simulate_table_and_validation_errors(tmp_path):
    path = str(ROOT / "resources" / "templates" / "win_back.journey.json")
    res = cli("simulate", path, "--customers", "100", "--days", "5")
    assert res.returncode == 0 and "entered" in res.stdout and "Deliveries" in res.stdout
    broken = load_template("win_back")
    broken.edges[0].target.node = "ghost-node"
    bad = tmp_path / "bad.journey.json"
    save(broken, bad)
    res = cli("simulate", str(bad), "--customers", "10")
    assert res.returncode == 1 and "ghost-node" in res.stdout
    assert "Traceback" not in res.stdout + res.stderr


def test_simulate_with_a_response_file(tmp_path):
    response = tmp_path / "response.json"
    response.write_text(json.dumps({"channels": {"email": {"delivery": 0}}}), encoding="utf-8")
    path = str(ROOT / "resources" / "templates" / "welcome_series.journey.json")
    res = cli("simulate", path, "--customers", "100", "--json", "--response", str(response))
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["deliveries"]["email-main"] == 0
    response.write_text("{not json", encoding="utf-8")
    res = cli("simulate", path, "--customers", "10", "--response", str(response))
    assert res.returncode == 1 and "not valid JSON" in res.stderr


def test_demo_builds_a_workspace(tmp_path):
    workspace = tmp_path / "demo"
    res = cli("demo", "--workspace", str(workspace), "--customers", "300")
    assert res.returncode == 0, res.stderr
    assert "Main path" in res.stdout and "Deliveries" in res.stdout and "Biggest drop-off" in res.stdout
    assert str(workspace) in res.stdout
    assert (workspace / "workspace.db").is_file()
    again = cli("demo", "--workspace", str(workspace), "--customers", "300")
    assert again.returncode == 0, again.stderr

    from engine.store.workspace import Workspace

    with Workspace.open(workspace) as ws:
        journeys = ws.list_journeys()
        assert len(journeys) == 1 and journeys[0].latest_version == 1
        # The user takes the journey live: the next demo must leave it alone.
        ws.set_status(journeys[0].id, "live")
        mine = ws.load_draft(journeys[0].id)
    third = cli("demo", "--workspace", str(workspace), "--customers", "300")
    assert third.returncode == 0, third.stderr
    with Workspace.open(workspace) as ws:
        by_id = {j.id: j for j in ws.list_journeys()}
        assert len(by_id) == 2
        assert by_id[mine.id].status == "live" and by_id[mine.id].latest_version == 1
        assert ws.load_draft(mine.id) == mine
        [copy] = [j for j in by_id.values() if j.id != mine.id]
        assert copy.name.endswith("(demo)")


def test_simulate_benchmark_at_a_tiny_size():
    from engine.bench import run_simulate

    figures = run_simulate(customers=50, days=3)["simulate"]
    assert figures["samples"] == 1 and figures["steps"] > 0 and figures["peak_mb"] > 0
    assert {"median_ms", "p95_ms", "target_ms", "ok", "note"} <= set(figures)
