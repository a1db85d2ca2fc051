"""The simulator's counts that the canvas and the Run panel need beyond the node counters: where
runs ended at an output port with no edge, and how many runs and customers entered and converted
(each once, however many goals they reached)."""

from __future__ import annotations

from engine.runtime.simulator import Simulation
from engine.templates import load_template


def run_abandoned_cart(registry, customers: int = 600):
    journey = load_template("abandoned_cart")
    return journey, Simulation(journey, registry, customers=customers, days=30, seed=1).run()


def test_runs_that_leave_through_an_unconnected_port_are_counted_per_port(registry):
    journey, result = run_abandoned_cart(registry)
    wired = {(e.source.node, e.source.port) for e in journey.edges}
    sends = [n for n in journey.nodes if n.type == "orchestrate.send"]
    assert sends
    skipped_or_failed = 0
    for node in journey.nodes:
        counts = result.nodes.get(node.id)
        if counts is None:
            continue
        ended = result.ended_at.get(node.id, {})
        # only ports without an edge, and never more than the node's ends
        assert all((node.id, port) not in wired for port in ended), (node.title, ended)
        assert sum(ended.values()) <= counts.exited
        outs = sum(result.edges[e.id] for e in journey.edges if e.source.node == node.id)
        if node.type == "orchestrate.send":
            # a send ends a run only through its unconnected Failed/Skipped ports
            assert outs + sum(ended.values()) + counts.active == counts.entered, (node.title, counts, ended)
            skipped_or_failed += sum(ended.values())
    assert skipped_or_failed > 0


def test_conversions_are_counted_once_per_run_and_per_customer(registry):
    journey, result = run_abandoned_cart(registry)
    entry = next(n for n in journey.nodes if n.type == "orchestrate.entry")
    # every run passes the entry once in this template, so its counts are the runs'
    assert result.runs_started == result.nodes[entry.id].entered
    assert result.runs_converted == result.nodes[entry.id].converted > 0
    # the goal node and the journey's goal event both count each converted run: adding them up
    # would count every conversion twice
    assert sum(result.goals.values()) == 2 * result.runs_converted
    assert 0 < result.customers_converted <= result.runs_converted
    assert result.customers_converted <= result.customers_entered <= result.runs_started
    assert result.customers_entered <= result.customers


def test_snapshots_carry_the_same_counts(registry):
    journey = load_template("abandoned_cart")
    seen = []
    final = Simulation(journey, registry, customers=300, days=30, seed=2).run(on_snapshot=seen.append,
                                                                              snapshot_every_s=0.0)
    last = seen[-1]
    assert last.ended_at == final.ended_at and last.runs_converted == final.runs_converted
    assert last.customers_entered == final.customers_entered
