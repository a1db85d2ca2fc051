"""Edit commands: do, undo, redo, merging and paste with fresh ids, all without Qt."""

from __future__ import annotations

import pytest

from engine.commands import (
    AddNode,
    Connect,
    EditJourney,
    GroupIntoStage,
    JourneyDocument,
    MoveNodes,
    RemoveEdges,
    RemoveNodes,
    RenameNode,
    SetConfig,
    UndoStack,
    Ungroup,
    copy_fragment,
    make_node,
    paste_command,
)
from engine.document import dumps
from engine.errors import DocumentError, IncompatiblePorts


@pytest.fixture
def stack(small_journey, registry):
    return UndoStack(JourneyDocument(small_journey, registry))


def snapshot(stack):
    return dumps(stack.doc.journey)


def by_type(stack, type_key):
    return next(n for n in stack.doc.journey.nodes if n.type == type_key)


def roundtrip(stack, cmd):
    """do, undo, redo: the document is back exactly where each step left it."""
    before = snapshot(stack)
    stack.push(cmd)
    after = snapshot(stack)
    assert after != before
    stack.undo()
    assert snapshot(stack) == before
    stack.redo()
    assert snapshot(stack) == after
    return after


def test_add_node(stack, registry):
    roundtrip(stack, AddNode(make_node(registry, "orchestrate.goal", 10, 10)))


def test_remove_node_restores_edges_and_order(stack):
    roundtrip(stack, RemoveNodes([by_type(stack, "orchestrate.wait").id]))
    assert len(stack.doc.journey.edges) == 1


def test_connect_and_disconnect(stack):
    send = by_type(stack, "orchestrate.send")
    done = by_type(stack, "orchestrate.exit")
    roundtrip(stack, Connect(send.id, "failed", done.id, "in"))
    edge = next(e for e in stack.doc.journey.edges if e.source.port == "failed")
    roundtrip(stack, RemoveEdges([edge.id]))


def test_connect_refuses_bad_ports_and_taken_outputs(stack):
    send = by_type(stack, "orchestrate.send")
    done = by_type(stack, "orchestrate.exit")
    entry = by_type(stack, "orchestrate.entry")
    before = snapshot(stack)
    with pytest.raises(IncompatiblePorts):
        stack.push(Connect(send.id, "nope", done.id, "in"))
    with pytest.raises(IncompatiblePorts, match="already connected"):
        stack.push(Connect(entry.id, "next", done.id, "in"))
    with pytest.raises(IncompatiblePorts):
        stack.push(Connect(done.id, "in", send.id, "in"))
    with pytest.raises(IncompatiblePorts, match="itself"):
        stack.push(Connect(send.id, "failed", send.id, "in"))
    assert snapshot(stack) == before and not stack.can_redo


def test_connect_refuses_a_loop_without_wait(stack, registry):
    upd = make_node(registry, "orchestrate.update_profile")
    stack.push(AddNode(upd))
    send = by_type(stack, "orchestrate.send")
    stack.push(Connect(send.id, "failed", upd.id, "in"))
    with pytest.raises(IncompatiblePorts, match="loop"):
        stack.push(Connect(upd.id, "next", send.id, "in"))
    # through the wait it is allowed
    wait = by_type(stack, "orchestrate.wait")
    stack.push(Connect(upd.id, "next", wait.id, "in"))


def test_move(stack):
    node = by_type(stack, "orchestrate.send")
    roundtrip(stack, MoveNodes({node.id: ((node.position.x, node.position.y), (900, 400))}))


def test_set_config_merges_typing_into_one_step(stack):
    send = by_type(stack, "orchestrate.send")
    before = snapshot(stack)
    for text in ("H", "He", "Hel", "Hello"):
        stack.push(SetConfig(send.id, {**send.config, "subject": text}, "subject"))
    assert stack.doc.journey.node(send.id).config["subject"] == "Hello"
    assert stack.labels()[-1] == "Edit subject" and len(stack.labels()) == 1
    stack.undo()
    assert snapshot(stack) == before
    # a different field is a new step
    stack.redo()
    stack.push(SetConfig(send.id, {**stack.doc.journey.node(send.id).config, "body": "Hi"}, "body"))
    assert len(stack.labels()) == 2


def test_rename_merges(stack):
    node = by_type(stack, "orchestrate.exit")
    before = snapshot(stack)
    stack.push(RenameNode(node.id, "D"))
    stack.push(RenameNode(node.id, "Do"))
    assert len(stack.labels()) == 1
    stack.undo()
    assert snapshot(stack) == before


def test_edit_journey_settings(stack):
    settings = stack.doc.journey.settings.model_copy(deep=True)
    settings.time_zone = "Asia/Shanghai"
    roundtrip(stack, EditJourney(settings=settings, name="新旅程"))


def test_group_and_ungroup(stack, registry):
    lane = make_node(registry, "map.stage", title="Onboarding")
    stack.push(AddNode(lane))
    ids = [by_type(stack, "orchestrate.wait").id, by_type(stack, "orchestrate.send").id]
    roundtrip(stack, GroupIntoStage(ids, lane.id))
    assert all(stack.doc.journey.node(i).stage == lane.id for i in ids)
    roundtrip(stack, Ungroup(ids))
    with pytest.raises(DocumentError):
        stack.push(GroupIntoStage(ids, by_type(stack, "orchestrate.exit").id))


def test_removing_a_stage_releases_members_and_undo_restores_them(stack, registry):
    lane = make_node(registry, "map.stage")
    stack.push(AddNode(lane))
    send = by_type(stack, "orchestrate.send")
    stack.push(GroupIntoStage([send.id], lane.id))
    roundtrip(stack, RemoveNodes([lane.id]))
    stack.undo()
    assert stack.doc.journey.node(send.id).stage == lane.id


def test_paste_gives_fresh_ids_and_keeps_inner_edges(stack):
    ids = [by_type(stack, "orchestrate.wait").id, by_type(stack, "orchestrate.send").id]
    fragment = copy_fragment(stack.doc.journey, ids)
    cmd, new_ids = paste_command(stack.doc, fragment, (40, 40))
    roundtrip(stack, cmd)
    assert len(new_ids) == 2 and not set(new_ids) & set(ids)
    journey = stack.doc.journey
    inner = [e for e in journey.edges if e.source.node in new_ids and e.target.node in new_ids]
    assert len(inner) == 1
    assert all(journey.node(n).position.x == journey.node(o).position.x + 40 for n, o in zip(new_ids, ids,
                                                                                          strict=True))
    # pasting twice gives yet other ids
    cmd2, new_ids2 = paste_command(stack.doc, fragment)
    stack.push(cmd2)
    assert not set(new_ids2) & set(new_ids)


def test_paste_rejects_foreign_clipboard(stack):
    with pytest.raises(DocumentError):
        paste_command(stack.doc, {"hello": "world"})


def test_listeners_hear_every_change(stack, registry):
    heard = []
    stack.doc.subscribe(heard.append)
    node = make_node(registry, "orchestrate.goal")
    stack.push(AddNode(node))
    stack.undo()
    assert [c.kind for c in heard] == ["node_added", "node_removed"]


def test_undo_on_empty_stack_is_harmless(stack):
    assert stack.undo() is False and stack.redo() is False
