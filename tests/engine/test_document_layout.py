"""A journey file written by hand, without ``layout``: its nodes get positions that can be read
(left to right by depth from the entries, unconnected nodes in a grid below), and positions a file
gives are kept."""

from __future__ import annotations

import json

from engine.document import dumps, loads

#: The width of a node on the canvas.
NODE_WIDTH = 210


def node(nid: str, type_: str = "orchestrate.wait", **extra) -> dict:
    return {"id": nid, "type": type_, "config": {}, **extra}


def edge(eid: str, source: str, port: str, target: str) -> dict:
    return {"id": eid, "source": {"node": source, "port": port}, "target": {"node": target, "port": "in"}}


def file_text(nodes: list[dict], edges: list[dict], layout: dict | None = None) -> str:
    data = {"format_version": 1, "journey": {"id": "by-hand", "name": "By hand"}, "nodes": nodes, "edges": edges}
    if layout is not None:
        data["layout"] = {"nodes": layout}
    return json.dumps(data)


def boxes_overlap(a, b) -> bool:
    # Each node as the room the canvas gives it at most (three port rows), plus nothing.
    return (abs(a.position.x - b.position.x) < NODE_WIDTH
            and abs(a.position.y - b.position.y) < 120)


BRANCHING = file_text(
    [node("entry", "orchestrate.entry"), node("wait"), node("cond", "orchestrate.condition"),
     node("yes_send", "orchestrate.send"), node("no_send", "orchestrate.send"), node("done", "orchestrate.exit"),
     node("note", "map.note"), node("event", "track.event")],
    [edge("e1", "entry", "next", "wait"), edge("e2", "wait", "next", "cond"),
     edge("e4", "cond", "no", "no_send"), edge("e3", "cond", "yes", "yes_send"),
     edge("e5", "yes_send", "sent", "done"), edge("e6", "no_send", "sent", "done")])


def test_nodes_without_positions_are_laid_out_left_to_right_by_depth():
    j = loads(BRANCHING)
    pos = {n.id: (n.position.x, n.position.y) for n in j.nodes}
    xs = [pos[nid][0] for nid in ("entry", "wait", "cond", "yes_send", "done")]
    assert xs == sorted(xs) and len(set(xs)) == 5  # one column per step
    assert pos["yes_send"][0] == pos["no_send"][0]  # both branches in one column...
    assert pos["yes_send"][1] < pos["no_send"][1]  # ...'yes' above 'no', whatever the edge order
    assert pos["entry"][1] == pos["wait"][1] == pos["cond"][1] == pos["yes_send"][1]  # a chain is a line
    assert pos["done"][0] > pos["no_send"][0]  # after both branches that lead to it
    for a in j.nodes:
        for b in j.nodes:
            assert a is b or not boxes_overlap(a, b), (a.id, b.id)


def test_unconnected_nodes_go_in_a_grid_below_the_flow():
    j = loads(BRANCHING)
    flow_bottom = max(n.position.y for n in j.nodes if n.id not in ("note", "event"))
    note, event = j.node("note"), j.node("event")
    assert note.position.y == event.position.y > flow_bottom
    assert event.position.x > note.position.x


def test_positions_the_file_gives_are_kept_and_the_rest_go_below_them():
    text = file_text([node("a", "orchestrate.entry"), node("b"), node("c"), node("d", "map.note")],
                     [edge("e1", "a", "next", "b"), edge("e2", "b", "next", "c")],
                     {"a": {"x": 500, "y": 40}, "b": {"x": 800, "y": 40}})
    j = loads(text)
    assert (j.node("a").position.x, j.node("a").position.y) == (500, 40)
    assert (j.node("b").position.x, j.node("b").position.y) == (800, 40)
    for nid in ("c", "d"):
        assert j.node(nid).position.y > 40 + 120, nid
    assert not boxes_overlap(j.node("c"), j.node("d"))


def test_a_loop_and_two_separate_flows_do_not_pile_up():
    text = file_text([node("a", "orchestrate.entry"), node("b"), node("c", "orchestrate.jump"),
                      node("x", "orchestrate.entry"), node("y", "orchestrate.exit")],
                     [edge("e1", "a", "next", "b"), edge("e2", "b", "next", "c"),
                      edge("e3", "c", "limit_reached", "b"), edge("e4", "x", "next", "y")])
    j = loads(text)
    assert j.node("a").position.x < j.node("b").position.x < j.node("c").position.x
    assert j.node("x").position.y > j.node("b").position.y  # the second flow below the first
    spots = {(n.position.x, n.position.y) for n in j.nodes}
    assert len(spots) == len(j.nodes)


def test_stage_nodes_head_the_steps_they_hold():
    text = file_text([node("s1", "map.stage"), node("s2", "map.stage"), node("a", "orchestrate.entry", stage="s1"),
                      node("b", stage="s1"), node("c", "orchestrate.exit", stage="s2")],
                     [edge("e1", "a", "next", "b"), edge("e2", "b", "next", "c")])
    j = loads(text)
    assert j.node("s1").position.x == j.node("a").position.x
    assert j.node("s2").position.x == j.node("c").position.x
    assert j.node("s1").position.y < j.node("a").position.y


def test_the_layout_is_stable_and_a_saved_file_keeps_it():
    first = loads(BRANCHING)
    assert dumps(loads(BRANCHING)) == dumps(first)
    assert dumps(loads(dumps(first))) == dumps(first)
