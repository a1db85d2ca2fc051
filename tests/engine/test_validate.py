"""Validation: every rule reports a readable issue attached to the right node or edge."""

from __future__ import annotations

from engine.commands import make_node
from engine.document import Edge, PortRef
from engine.validate import has_errors, validate
from tests.conftest import connect


def codes(issues):
    return sorted({i.code for i in issues if i.severity == "error"})


def test_small_journey_is_valid(small_journey, registry):
    issues = validate(small_journey, registry)
    assert not has_errors(issues), [i.message for i in issues]


def test_missing_entry(small_journey, registry):
    entry = next(n for n in small_journey.nodes if n.type == "orchestrate.entry")
    small_journey.nodes.remove(entry)
    small_journey.edges = [e for e in small_journey.edges if e.source.node != entry.id]
    assert "no_entry" in codes(validate(small_journey, registry))


def test_map_only_journey_is_not_an_error(registry):
    from engine.document import Journey

    j = Journey(nodes=[make_node(registry, "map.note")])
    issues = validate(j, registry)
    assert not has_errors(issues)
    assert [i.code for i in issues] == ["nothing_to_run"]


def test_unreachable_node(small_journey, registry):
    lonely = make_node(registry, "orchestrate.exit", title="Lonely")
    small_journey.nodes.append(lonely)
    issues = validate(small_journey, registry)
    hit = [i for i in issues if i.code == "unreachable"]
    assert len(hit) == 1 and hit[0].node_id == lonely.id and '"Lonely"' in hit[0].message


def test_dangling_edge(small_journey, registry):
    small_journey.edges.append(Edge(id="e-dangling", source=PortRef(node=small_journey.nodes[0].id, port="next"),
                                    target=PortRef(node="ghost", port="in")))
    issues = validate(small_journey, registry)
    hit = [i for i in issues if i.code == "dangling_edge"]
    assert len(hit) == 1 and hit[0].edge_id == "e-dangling" and "ghost" in hit[0].message


def test_missing_port(small_journey, registry):
    send = next(n for n in small_journey.nodes if n.type == "orchestrate.send")
    done = next(n for n in small_journey.nodes if n.type == "orchestrate.exit")
    edge = connect(small_journey, send, "bounced", done)
    issues = validate(small_journey, registry)
    hit = [i for i in issues if i.code == "port_missing"]
    assert len(hit) == 1 and hit[0].edge_id == edge.id and "bounced" in hit[0].message and "sent" in hit[0].message


def test_bad_config_names_the_field(small_journey, registry):
    wait = next(n for n in small_journey.nodes if n.type == "orchestrate.wait")
    wait.config = {"wait": {"kind": "duration", "amount": -5, "unit": "days"}}
    issues = [i for i in validate(small_journey, registry) if i.code == "config_invalid"]
    assert issues and issues[0].node_id == wait.id and "amount" in issues[0].field


def test_unknown_node_type_is_reported_not_dropped(small_journey, registry):
    from engine.document import Node

    small_journey.nodes.append(Node(id="x1", type="acme.crm_sync", config={"a": 1}))
    issues = validate(small_journey, registry)
    hit = [i for i in issues if i.code == "unknown_node_type"]
    assert len(hit) == 1 and hit[0].node_id == "x1" and "acme.crm_sync" in hit[0].message
    assert small_journey.node("x1").config == {"a": 1}


def test_cycle_without_wait_is_an_error_and_with_wait_is_fine(registry):
    from engine.document import Journey

    j = Journey()
    entry = make_node(registry, "orchestrate.entry")
    cond = make_node(registry, "orchestrate.condition", title="Check")
    upd = make_node(registry, "orchestrate.update_profile", title="Tag")
    j.nodes += [entry, cond, upd]
    connect(j, entry, "next", cond)
    connect(j, cond, "yes", upd)
    back = connect(j, upd, "next", cond)
    assert "cycle_without_wait" in codes(validate(j, registry))
    # put a wait into the loop
    wait = make_node(registry, "orchestrate.wait")
    j.nodes.append(wait)
    j.edges.remove(back)
    connect(j, upd, "next", wait)
    connect(j, wait, "next", cond)
    assert "cycle_without_wait" not in codes(validate(j, registry))


def test_one_output_port_leads_to_one_node(small_journey, registry):
    entry = next(n for n in small_journey.nodes if n.type == "orchestrate.entry")
    done = next(n for n in small_journey.nodes if n.type == "orchestrate.exit")
    connect(small_journey, entry, "next", done)
    assert "port_fanout" in codes(validate(small_journey, registry))


def test_describe_is_one_readable_line(small_journey, registry):
    small_journey.nodes.append(make_node(registry, "orchestrate.exit", title="Lonely"))
    line = [i for i in validate(small_journey, registry) if i.code == "unreachable"][0].describe(small_journey)
    assert line.startswith("error") and "Lonely" in line and "\n" not in line


def test_union_errors_point_at_the_field_as_written(registry):
    spec = registry["orchestrate.wait"]
    config = {"wait": {"kind": "until_event", "event": "order_completed", "filters": [],
                       "timeout": {"amount": -5, "unit": "days"}}}
    assert spec.config_errors(config) == [("wait.timeout.amount", "must be at least 1")]


def test_one_bad_config_gives_one_error_not_a_cascade(registry):
    from engine.document import Journey

    j = Journey()
    entry = make_node(registry, "orchestrate.entry")
    wait = make_node(registry, "orchestrate.wait", config={
        "wait": {"kind": "until_event", "event": "order_completed", "filters": [],
                 "timeout": {"amount": 3, "unit": "days"}}})
    hit = make_node(registry, "orchestrate.goal")
    miss = make_node(registry, "orchestrate.exit")
    j.nodes += [entry, wait, hit, miss]
    connect(j, entry, "next", wait)
    connect(j, wait, "event", hit)
    connect(j, wait, "timeout", miss)
    assert not has_errors(validate(j, registry))
    wait.config["wait"]["timeout"]["amount"] = -5
    errors = [i for i in validate(j, registry) if i.severity == "error"]
    assert [(i.code, i.field) for i in errors] == [("config_invalid", "wait.timeout.amount")]
    assert errors[0].message == "Wait › Give up after › Amount must be at least 1"  # as the inspector titles them


def test_entry_that_leads_nowhere_cannot_be_published(registry):
    from engine.document import Journey

    j = Journey(nodes=[make_node(registry, "orchestrate.entry", title="Start")])
    issues = validate(j, registry)
    assert codes(issues) == ["entry_unconnected"]
    assert '"Start"' in issues[0].message


def test_a_break_in_the_flow_is_reported_once_at_its_first_node(small_journey, registry):
    # cut entry → wait: the wait and the two steps behind it are lost, reported as one problem
    small_journey.edges = [e for e in small_journey.edges if e.target.node != small_journey.nodes[1].id]
    hit = [i for i in validate(small_journey, registry) if i.code == "unreachable"]
    assert len(hit) == 1 and hit[0].node_id == small_journey.nodes[1].id
    assert "nor can the 2 steps after it" in hit[0].message


def test_a_wait_for_an_event_the_journey_does_not_declare_is_a_warning_naming_the_closest(registry):
    from engine.document import Journey

    journey = Journey(name="Orders")
    declared = make_node(registry, "track.event", config={
        "event_name": "Order Completed", "description": "", "source": "",
        "properties": [{"name": "total", "type": "number", "required": True, "description": ""},
                       {"name": "total", "type": "string", "required": False, "description": ""}]})
    entry = make_node(registry, "orchestrate.entry", config={"trigger": {"kind": "event", "event": "Signed Up"}})
    wait = make_node(registry, "orchestrate.wait", title="Wait for the order",
                     config={"wait": {"kind": "until_event", "event": "Order Complete",
                                      "timeout": {"amount": 1, "unit": "days"}}})
    journey.nodes += [declared, entry, wait]
    connect(journey, entry, "next", wait)
    issues = [i for i in validate(journey, registry) if i.severity == "warning"]
    by_node = {i.node_id: i for i in issues if i.code == "event_not_declared"}
    assert by_node[wait.id].message.endswith("Did you mean 'Order Completed'?") and by_node[wait.id].field == "wait.event"
    assert "Add a Tracked event node for it" in by_node[entry.id].message  # Signed Up: nothing close
    # A property declared twice is the node's own config error, said once.
    assert [i.severity for i in validate(journey, registry) if "twice" in i.message] == ["error"]
    # A journey that declares nothing is not checked against a plan it does not have.
    plain = Journey(name="Plain")
    plain.nodes += [make_node(registry, "orchestrate.entry", config={"trigger": {"kind": "event", "event": "x"}})]
    assert not [i for i in validate(plain, registry) if i.code == "event_not_declared"]


def test_broken_message_templates_are_found_before_publishing(registry):
    from engine.document import Journey

    journey = Journey(name="Hooks")
    entry = make_node(registry, "orchestrate.entry", config={"trigger": {"kind": "manual"}})
    hook = make_node(registry, "orchestrate.send", title="Tell the shop",
                     config={"channel": "shop", "channel_kind": "webhook", "subject": "",
                             "body": '{"email": "{{ customer.email }", "items": {{ event.items | tojsn }}}'})
    comma = make_node(registry, "orchestrate.send", title="Trailing comma",
                      config={"channel": "shop", "channel_kind": "webhook", "subject": "",
                              "body": '{"email": "{{ customer.email }}", "items": {{ event.items | tojson }},}'})
    typo = make_node(registry, "orchestrate.send", title="Typo",
                     config={"channel": "mail", "channel_kind": "email", "subject": "Hi {{ costumer.first_name }}",
                             "body": "Hello"})
    journey.nodes += [entry, hook, comma, typo]
    connect(journey, entry, "next", hook)
    connect(journey, hook, "sent", comma)
    connect(journey, comma, "sent", typo)
    issues = validate(journey, registry)
    errors = [i for i in issues if i.severity == "error" and i.code == "template_invalid"]
    assert [(i.node_id, i.field) for i in errors] == [(hook.id, "body")]
    assert errors[0].message.startswith('"Tell the shop": its body: line 1: syntax error')
    assert has_errors(issues)  # cannot be published
    [not_json] = [i for i in issues if i.code == "webhook_body_not_json"]
    assert not_json.node_id == comma.id and "inside an envelope" in not_json.message
    [name] = [i for i in issues if i.code == "template_name"]
    assert name.node_id == typo.id and name.field == "subject" and "'costumer' is not defined" in name.message
