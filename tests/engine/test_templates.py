"""The template gallery: every shipped journey is valid, uses all of MTAOO, is canonical, tidy on the
canvas, and is exactly what ``resources/templates/build_templates.py`` generates."""

from __future__ import annotations

import functools
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from engine.document import Journey, dumps, load, save
from engine.spec import Registry
from engine.templates import list_templates, load_template, templates_dir
from engine.validate import validate

KEYS = ["welcome_series", "abandoned_cart", "post_purchase_review", "win_back", "birthday_offer",
        "b2b_lead_nurture"]
STEPS = {"map", "track", "analyze", "orchestrate", "optimize"}
MIN_GAP = 30
LANE_PAD = 16
ENTRY_TRIGGERS = {
    "welcome_series": ("event", "signed_up"),
    "abandoned_cart": ("event", "cart_abandoned"),
    "post_purchase_review": ("event", "order_completed"),
    "win_back": ("segment", None),
    "birthday_offer": ("date_property", None),
    "b2b_lead_nurture": ("event", "form_submitted"),
}
CONSUMER = {"welcome_series", "abandoned_cart", "post_purchase_review", "win_back", "birthday_offer"}


@pytest.fixture(scope="module")
def journeys() -> dict[str, Journey]:
    return {key: load_template(key) for key in KEYS}


def of_type(journey: Journey, type_key: str):
    return [n for n in journey.nodes if n.type == type_key]


def successors(journey: Journey) -> dict[str, list[str]]:
    succ: dict[str, list[str]] = defaultdict(list)
    for edge in journey.edges:
        succ[edge.source.node].append(edge.target.node)
    return succ


def reachable(journey: Journey, start: list[str]) -> set[str]:
    succ = successors(journey)
    seen: set[str] = set()
    stack = list(start)
    while stack:
        nid = stack.pop()
        if nid not in seen:
            seen.add(nid)
            stack.extend(succ[nid])
    return seen


def box(node, registry: Registry) -> tuple[float, float, float, float]:
    spec = registry[node.type]
    if spec.executable:
        rows = max(len(spec.input_ports(node.config)), len(spec.output_ports(node.config)), 1)
        w, h = 210, 80 + 20 * (rows - 1)
    else:
        w, h = 190, 80
    return node.position.x, node.position.y, w, h


@functools.cache
def _builder():
    """The template build script, loaded from its file (it is a tool, not part of the package)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_templates", templates_dir() / "build_templates.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("build_templates", module)  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def used_events(journey: Journey) -> set[str]:
    return _builder().referenced_events(journey)


def test_the_gallery_has_all_six_templates():
    listed = {t.key: t for t in list_templates()}
    assert set(KEYS) <= set(listed)
    for key in KEYS:
        assert listed[key].name and listed[key].description.endswith(".")


@pytest.mark.parametrize("key", KEYS)
def test_template_validates_without_errors_or_warnings(journeys, registry, key):
    issues = [i for i in validate(journeys[key], registry) if i.severity in ("error", "warning")]
    assert issues == [], [i.describe(journeys[key]) for i in issues]


@pytest.mark.parametrize("key", KEYS)
def test_template_uses_every_step_of_mtaoo(journeys, key):
    journey = journeys[key]
    assert {n.type.split(".")[0] for n in journey.nodes} == STEPS
    for type_key in ("orchestrate.entry", "orchestrate.send", "orchestrate.goal", "orchestrate.exit",
                     "map.persona", "map.touchpoint", "map.note", "track.event", "track.source",
                     "analyze.metric", "analyze.funnel"):
        assert of_type(journey, type_key), f"{key} has no {type_key}"
    assert of_type(journey, "optimize.experiment") or of_type(journey, "optimize.holdout")
    assert 3 <= len(of_type(journey, "map.stage")) <= 4
    assert sum(p.config["share_percent"] for p in of_type(journey, "map.persona")) == 100


@pytest.mark.parametrize("key", KEYS)
def test_every_step_sits_in_a_stage_lane(journeys, registry, key):
    journey = journeys[key]
    lanes = {n.id for n in of_type(journey, "map.stage")}
    for node in journey.nodes:
        if registry[node.type].executable:
            assert node.stage in lanes, f"{node.title!r} is in no lane"
    for lane in lanes:
        assert any(registry[m.type].executable for m in journey.stage_members(lane))


@pytest.mark.parametrize("key", KEYS)
def test_every_event_used_is_in_the_tracking_plan(journeys, key):
    journey = journeys[key]
    planned = {n.config["event_name"] for n in of_type(journey, "track.event")}
    assert used_events(journey) <= planned
    goal_events = {n.config["event"] for n in of_type(journey, "orchestrate.goal")}
    assert goal_events <= set(journey.settings.goals)


@pytest.mark.parametrize("key", KEYS)
def test_entry_trigger_settings_and_messages_fit_the_journey(journeys, key):
    journey = journeys[key]
    (entry,) = of_type(journey, "orchestrate.entry")
    kind, event = ENTRY_TRIGGERS[key]
    assert entry.config["trigger"]["kind"] == kind
    if event:
        assert entry.config["trigger"]["event"] == event
    if kind == "date_property":
        assert entry.config["trigger"]["attribute"] == "birthday"
    if kind == "segment":
        assert entry.config["trigger"]["rules"]
    assert journey.settings.frequency_cap.enabled
    assert journey.settings.quiet_hours.enabled == (key in CONSUMER)
    for send in of_type(journey, "orchestrate.send"):
        assert "{{ customer.first_name |" in send.config["body"], send.title
        if send.config["channel_kind"] == "email":
            assert send.config["subject"].strip(), send.title


def test_the_set_covers_waits_experiments_and_holdouts(journeys):
    waits = {n.config["wait"]["kind"] for j in journeys.values() for n in of_type(j, "orchestrate.wait")}
    assert {"duration", "until_event", "time_of_day"} <= waits
    assert of_type(journeys["abandoned_cart"], "optimize.experiment")
    assert of_type(journeys["win_back"], "optimize.holdout")


def test_post_purchase_alerts_the_team_after_a_low_rating(journeys):
    journey = journeys["post_purchase_review"]
    entries = [n.id for n in of_type(journey, "orchestrate.entry")]
    from_entry = reachable(journey, entries)
    (notify,) = of_type(journey, "orchestrate.notify_staff")
    assert notify.id in from_entry
    assert notify.config["channel"] == "chat-team" and notify.config["channel_kind"] == "chat"
    assert "{{ customer.first_name |" in notify.config["message"]
    assert "{{ event.rating |" in notify.config["message"]
    # the alert lies on the "yes" branch of a condition about the rating
    by_id = {n.id: n for n in journey.nodes}
    gates = [e for e in journey.edges
             if by_id[e.source.node].type == "orchestrate.condition" and e.source.port == "yes"
             and notify.id in reachable(journey, [e.target.node])]
    assert gates and all(e.source.node in from_entry for e in gates)
    assert "rating" in str(by_id[gates[0].source.node].config)
    # and after waiting for the review, with a way out when none comes
    review_waits = [n for n in of_type(journey, "orchestrate.wait")
                    if n.config["wait"]["kind"] == "until_event"
                    and n.config["wait"]["event"] == "review_submitted"]
    assert review_waits
    ports = {e.source.port for e in journey.edges if e.source.node == review_waits[0].id}
    assert ports == {"event", "timeout"}


@pytest.mark.parametrize("key", KEYS)
def test_save_load_save_is_byte_identical(key, tmp_path):
    path = templates_dir() / f"{key}.journey.json"
    text = path.read_text(encoding="utf-8")
    assert dumps(load(path)) == text
    copy = tmp_path / path.name
    save(load(path), copy)
    save(load(copy), copy)
    assert copy.read_bytes() == path.read_bytes()


@pytest.mark.parametrize("key", KEYS)
def test_no_two_nodes_overlap(journeys, registry, key):
    journey = journeys[key]
    boxes = [(n.title, box(n, registry)) for n in journey.nodes]
    for i, (ta, (ax, ay, aw, ah)) in enumerate(boxes):
        for tb, (bx, by, bw, bh) in boxes[i + 1:]:
            apart = (ax + aw + MIN_GAP <= bx or bx + bw + MIN_GAP <= ax
                     or ay + ah + MIN_GAP <= by or by + bh + MIN_GAP <= ay)
            assert apart, f"{ta!r} and {tb!r} are closer than {MIN_GAP}px"


@pytest.mark.parametrize("key", KEYS)
def test_stage_lanes_do_not_overlap(journeys, registry, key):
    journey = journeys[key]
    rects = []
    for stage in of_type(journey, "map.stage"):
        members = [box(m, registry) for m in [stage, *journey.stage_members(stage.id)]]
        rects.append((stage.title,
                      min(x for x, _, _, _ in members) - LANE_PAD, min(y for _, y, _, _ in members) - LANE_PAD,
                      max(x + w for x, _, w, _ in members) + LANE_PAD,
                      max(y + h for _, y, _, h in members) + LANE_PAD))
        # the stage card heads its lane
        assert stage.position.y == min(y for _, y, _, _ in members)
    for i, (na, ax0, ay0, ax1, ay1) in enumerate(rects):
        for nb, bx0, by0, bx1, by1 in rects[i + 1:]:
            assert ax1 <= bx0 or bx1 <= ax0 or ay1 <= by0 or by1 <= ay0, f"lanes {na!r} and {nb!r} overlap"


@pytest.mark.parametrize("key", KEYS)
def test_flow_runs_left_to_right(journeys, registry, key):
    journey = journeys[key]
    by_id = {n.id: n for n in journey.nodes}
    for edge in journey.edges:
        assert by_id[edge.target.node].position.x > by_id[edge.source.node].position.x


def test_regenerating_the_templates_gives_identical_files(tmp_path):
    script = templates_dir() / "build_templates.py"
    result = subprocess.run([sys.executable, str(script), "--out", str(tmp_path)],
                            capture_output=True, text=True, cwd=Path(__file__).resolve().parents[2])
    assert result.returncode == 0, result.stderr
    for key in KEYS:
        name = f"{key}.journey.json"
        assert (tmp_path / name).read_bytes() == (templates_dir() / name).read_bytes(), name
