"""Builds the journey templates of the gallery (``resources/templates/*.journey.json``).

A development script, never imported by the application: edit a template here, then run

    python resources/templates/build_templates.py [--out DIR]

Every id is a uuid5 of the template key and a node slug, and files are written through
``engine.document.save``, so running it again gives byte-identical files. Before writing, each
template is validated against the node catalogue and its layout is checked (no overlapping
nodes, no overlapping stage lanes, every event it uses is in its tracking plan); the script
refuses to write a template that fails.

Layout: stage lanes are column groups. Each ``map.stage`` node sits at the top of its first
column; the runnable steps follow left to right on a grid below, branches going down; each lane
has touchpoints in a row under the flow, and the other map, track and analyze cards sit in a
band at the bottom, one row per step of the method.
"""

from __future__ import annotations

import argparse
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.document import (
    Edge,
    FrequencyCap,
    Journey,
    Node,
    PortRef,
    Position,
    QuietHours,
    ReEntry,
    Settings,
    save,
)
from engine.spec import Registry
from engine.validate import validate
from nodes import REGISTRY

#: Fixed namespace of every template id; changing it changes every id in every template.
NAMESPACE = uuid.UUID("6f3b2a52-9d1e-5c4b-8a7f-2e0d9c1b4a63")

COL = 250            # distance between flow columns
LANE_GAP = 20        # extra space where one stage lane ends and the next begins
FLOW_Y = 130         # top of the first flow row (stage cards sit above, at y = 0)
ROW = 150            # distance between flow rows
BAND_ROW = 120       # distance between rows of cards in the bottom band
NODE_W = 210         # a runnable node (and a stage card, as the canvas paints it)
CARD_W = 190         # any other annotation card
CARD_H = 82          # annotation height on the canvas (two summary lines)
MIN_GAP = 30         # free space kept around every node
LANE_PAD = 16        # the canvas paints a lane this far around its members

LANE_COLORS = ["#5C6BC0", "#26A69A", "#FFA726", "#EC407A"]

REGISTRY_ALL = Registry(REGISTRY)


# ---------------------------------------------------------------------------------------------
# A small builder: lanes by column, flow on a grid, cards in bands
# ---------------------------------------------------------------------------------------------

@dataclass
class _Lane:
    node: Node
    first: int
    last: int


@dataclass
class Template:
    key: str
    name: str
    description: str
    settings: Settings
    nodes: dict[str, Node] = field(default_factory=dict)
    lanes: list[_Lane] = field(default_factory=list)
    flow: dict[str, tuple[int, int]] = field(default_factory=dict)
    touchpoints: dict[str, int] = field(default_factory=dict)
    band: dict[str, list[str]] = field(default_factory=lambda: {"map": [], "track": [], "analyze": []})
    edges: list[Edge] = field(default_factory=list)

    # -- ids and nodes -------------------------------------------------------------------------
    def id(self, slug: str) -> str:
        return str(uuid.uuid5(NAMESPACE, f"{self.key}/{slug}"))

    def _add(self, slug: str, type_key: str, title: str, config: dict, stage: str | None = None) -> Node:
        if slug in self.nodes:
            raise ValueError(f"{self.key}: node '{slug}' defined twice")
        spec = REGISTRY_ALL[type_key]
        # Store the full config (defaults included) so the file says exactly what runs.
        full = spec.config_model.model_validate(config).model_dump(mode="json")
        node = Node(id=self.id(slug), type=type_key, type_version=spec.version, title=title,
                    stage=stage, config=full)
        self.nodes[slug] = node
        return node

    def _lane_index(self, col: int) -> int:
        for i, lane in enumerate(self.lanes):
            if lane.first <= col <= lane.last:
                return i
        raise ValueError(f"{self.key}: column {col} belongs to no stage lane")

    def lane_of(self, col: int) -> str:
        return self.lanes[self._lane_index(col)].node.id

    def x(self, col: int) -> float:
        return col * COL + self._lane_index(col) * LANE_GAP

    # -- map -------------------------------------------------------------------------------------
    def stage(self, slug: str, name: str, goal: str, columns: tuple[int, int]) -> None:
        order = len(self.lanes)
        node = self._add(slug, "map.stage", name,
                         {"name": name, "goal": goal, "color": LANE_COLORS[order], "order": order})
        self.lanes.append(_Lane(node, columns[0], columns[1]))

    def touchpoint(self, slug: str, col: int, name: str, channel: str, description: str, emotion: int,
                   pain_points: list[str], opportunities: list[str], owner: str) -> None:
        self._add(slug, "map.touchpoint", name,
                  {"name": name, "channel": channel, "description": description, "emotion": emotion,
                   "pain_points": pain_points, "opportunities": opportunities, "owner": owner},
                  stage=self.lane_of(col))
        self.touchpoints[slug] = col

    def persona(self, slug: str, name: str, description: str, share: float, traits: dict[str, str],
                zones: list[str], defaults: dict[str, Any]) -> None:
        self._add(slug, "map.persona", name,
                  {"name": name, "description": description, "share_percent": share,
                   "traits": [{"key": k, "value": v} for k, v in traits.items()], "time_zones": zones,
                   "attribute_defaults": [{"attribute": k, "value": v} for k, v in defaults.items()]})
        self.band["map"].append(slug)

    def note(self, slug: str, title: str, text: str) -> None:
        self._add(slug, "map.note", title, {"text": text, "color": "#FFF59D"})
        self.band["map"].append(slug)

    # -- track -----------------------------------------------------------------------------------
    def source(self, slug: str, name: str, protocol: str = "segment") -> None:
        self._add(slug, "track.source", name,
                  {"name": name, "source": {"kind": "collector", "protocol": protocol, "write_key_ref": ""}})
        self.band["track"].append(slug)

    def event(self, slug: str, event_name: str, description: str, properties: list[tuple], source: str) -> None:
        props = [{"name": p[0], "type": p[1], "required": p[2], "description": p[3]} for p in properties]
        self._add(slug, "track.event", event_name,
                  {"event_name": event_name, "description": description, "properties": props, "source": source})
        self.band["track"].append(slug)

    # -- analyze ---------------------------------------------------------------------------------
    def metric(self, slug: str, title: str, name: str, measure: dict, level: str, target: float | None,
               window_days: int = 30, higher_is_better: bool = True) -> None:
        self._add(slug, "analyze.metric", title,
                  {"name": name, "measure": measure, "level": level, "window_days": window_days,
                   "target": target, "higher_is_better": higher_is_better})
        self.band["analyze"].append(slug)

    def funnel(self, slug: str, title: str, name: str, steps: list[dict], window_days: int) -> None:
        self._add(slug, "analyze.funnel", title,
                  {"name": name, "steps": steps, "conversion_window_days": window_days})
        self.band["analyze"].append(slug)

    def stage_step(self, lane_slug: str) -> dict:
        return {"kind": "stage", "stage_id": self.id(lane_slug)}

    # -- orchestrate and optimize ----------------------------------------------------------------
    def step(self, slug: str, type_key: str, title: str, config: dict, col: int, row: int) -> None:
        self._add(slug, type_key, title, config, stage=self.lane_of(col))
        self.flow[slug] = (col, row)

    def link(self, source: str, port: str, target: str) -> None:
        src, dst = self.nodes[source], self.nodes[target]
        edge_id = str(uuid.uuid5(NAMESPACE, f"{self.key}/edge/{source}.{port}->{target}"))
        self.edges.append(Edge(id=edge_id, source=PortRef(node=src.id, port=port),
                               target=PortRef(node=dst.id, port="in")))

    # -- layout and checks -------------------------------------------------------------------------
    def build(self) -> Journey:
        for lane in self.lanes:
            lane.node.position = Position(x=self.x(lane.first), y=0)
        for slug, (col, row) in self.flow.items():
            self.nodes[slug].position = Position(x=self.x(col), y=FLOW_Y + row * ROW)
        flow_bottom = max(n.position.y + node_size(n)[1] for s, n in self.nodes.items() if s in self.flow)
        touch_y = flow_bottom + 50
        for slug, col in self.touchpoints.items():
            self.nodes[slug].position = Position(x=self.x(col), y=touch_y)
        y = touch_y + CARD_H + LANE_PAD + 44
        for kind in ("map", "track", "analyze"):
            for i, slug in enumerate(self.band[kind]):
                self.nodes[slug].position = Position(x=i * COL, y=y)
            y += BAND_ROW
        journey = Journey(id=self.id("journey"), name=self.name, description=self.description,
                          settings=self.settings, nodes=list(self.nodes.values()), edges=list(self.edges))
        problems = check(journey)
        if problems:
            raise SystemExit(f"{self.key}: " + "; ".join(problems))
        return journey


def node_size(node: Node) -> tuple[float, float]:
    """Width and height as the canvas paints them (the larger of the two size rules)."""
    spec = REGISTRY_ALL[node.type]
    if not spec.executable:
        return (NODE_W if node.type == "map.stage" else CARD_W), CARD_H
    rows = max(len(spec.input_ports(node.config)), len(spec.output_ports(node.config)), 1)
    return NODE_W, 80 + 20 * (rows - 1)


def referenced_events(journey: Journey) -> set[str]:
    """Every event name the flow, the metrics and the funnels of a journey refer to."""
    found: set[str] = set()

    def walk(value: Any, key: str = "") -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif isinstance(value, str) and value and key in ("event", "from_event", "to_event", "goal_event"):
            found.add(value)

    for node in journey.nodes:
        if node.type != "track.event":
            walk(node.config)
    found.update(journey.settings.goals)
    found.update(journey.settings.exit_events)
    return found


def check(journey: Journey) -> list[str]:
    problems = [issue.describe(journey) for issue in validate(journey, REGISTRY_ALL)
                if issue.severity in ("error", "warning")]
    boxes = {n.id: (n.position.x, n.position.y, *node_size(n)) for n in journey.nodes}
    ids = sorted(boxes)
    for i, a in enumerate(ids):
        ax, ay, aw, ah = boxes[a]
        for b in ids[i + 1:]:
            bx, by, bw, bh = boxes[b]
            if ax < bx + bw + MIN_GAP and bx < ax + aw + MIN_GAP and ay < by + bh + MIN_GAP and by < ay + ah + MIN_GAP:
                problems.append(f"'{journey.node(a).title}' and '{journey.node(b).title}' are too close")
    lanes = []
    for stage in (n for n in journey.nodes if n.type == "map.stage"):
        members = [stage, *journey.stage_members(stage.id)]
        x0 = min(boxes[m.id][0] for m in members) - LANE_PAD
        y0 = min(boxes[m.id][1] for m in members) - LANE_PAD
        x1 = max(boxes[m.id][0] + boxes[m.id][2] for m in members) + LANE_PAD
        y1 = max(boxes[m.id][1] + boxes[m.id][3] for m in members) + LANE_PAD
        for other_id, (ox, oy, ow, oh) in boxes.items():
            owner = journey.node(other_id)
            if owner.stage != stage.id and owner.id != stage.id and ox < x1 and x0 < ox + ow and oy < y1 and y0 < oy + oh:
                problems.append(f"'{owner.title}' lies inside lane '{stage.title}'")
        lanes.append((stage.title, x0, y0, x1, y1))
    for i, (na, ax0, ay0, ax1, ay1) in enumerate(lanes):
        for nb, bx0, by0, bx1, by1 in lanes[i + 1:]:
            if ax0 < bx1 and bx0 < ax1 and ay0 < by1 and by0 < ay1:
                problems.append(f"lanes '{na}' and '{nb}' overlap")
    planned = {n.config["event_name"] for n in journey.nodes if n.type == "track.event"}
    missing = sorted(referenced_events(journey) - planned)
    if missing:
        problems.append(f"events without a tracking-plan entry: {', '.join(missing)}")
    shares = sum(n.config["share_percent"] for n in journey.nodes if n.type == "map.persona")
    if shares != 100:
        problems.append(f"persona shares add up to {shares:g}%, not 100%")
    return problems


# ---------------------------------------------------------------------------------------------
# Shared pieces
# ---------------------------------------------------------------------------------------------

def consumer_settings(time_zone: str, goals: list[str], *, policy: str = "after_exit", cooldown: int = 0,
                      max_messages: int = 3, per_days: int = 7) -> Settings:
    return Settings(
        time_zone=time_zone,
        quiet_hours=QuietHours(enabled=True, start="21:00", end="08:00", behaviour="delay"),
        frequency_cap=FrequencyCap(enabled=True, max_messages=max_messages, per_days=per_days),
        goals=goals,
        re_entry=ReEntry(policy=policy, cooldown_days=cooldown),
    )


def email(subject: str, body: str) -> dict:
    return {"channel": "email-main", "channel_kind": "email", "subject": subject, "body": body}


def sms(body: str) -> dict:
    return {"channel": "sms-main", "channel_kind": "sms", "body": body}


def wait_for(amount: int, unit: str = "days") -> dict:
    return {"wait": {"kind": "duration", "amount": amount, "unit": unit}}


def wait_until_event(event: str, amount: int, unit: str = "days", filters: list | None = None) -> dict:
    return {"wait": {"kind": "until_event", "event": event, "filters": filters or [],
                     "timeout": {"amount": amount, "unit": unit}}}


ORDER_PROPS = [
    ("order_id", "string", True, "Shop order number"),
    ("total", "number", True, "Order total including tax"),
    ("currency", "string", False, "ISO code, e.g. GBP"),
    ("coupon", "string", False, "Discount code used, if any"),
]
MESSAGE_PROPS = [
    ("message_id", "string", True, "Id of the message the channel delivered"),
    ("campaign", "string", False, "Journey step that sent it"),
]


def email_events(t: Template, *names: str) -> None:
    descriptions = {
        "email_delivered": "Recorded by the email channel when the provider accepts a message.",
        "email_opened": "Recorded when the customer opens an email (tracking pixel).",
        "email_clicked": "Recorded when the customer follows a link in an email.",
    }
    for name in names:
        t.event(f"event_{name}", name, descriptions[name], MESSAGE_PROPS, "Email channel")


# ---------------------------------------------------------------------------------------------
# The templates
# ---------------------------------------------------------------------------------------------

def welcome_series() -> Template:
    t = Template(
        "welcome_series", "Welcome series",
        "Greet new sign-ups straight away, share quick tips and nudge them towards a first order "
        "with a small welcome offer.",
        consumer_settings("Europe/London", ["order_completed"], policy="never"))
    t.stage("lane_welcome", "Welcome", "Every new sign-up gets a warm welcome within minutes.", (0, 1))
    t.stage("lane_started", "Get started", "Customers open the tips and browse the shop.", (2, 4))
    t.stage("lane_first_order", "First order", "A first order within 14 days of signing up.", (5, 8))

    t.step("entry", "orchestrate.entry", "New sign-up",
           {"trigger": {"kind": "event", "event": "signed_up"}, "re_entry": "never"}, 0, 0)
    t.step("send_welcome", "orchestrate.send", "Send welcome email", email(
        "Welcome aboard, {{ customer.first_name | default('friend') }}!",
        "Hi {{ customer.first_name | default('friend') }},\n\nthanks for joining us, it's lovely to have you here.\n\n"
        "Over the next few days we'll share a few tips to help you find your favourites. If you ever "
        "have a question, just reply to this email: a real person reads every one.\n\nSee you soon,\n"
        "The team"), 1, 0)
    t.step("wait_2d", "orchestrate.wait", "Wait 2 days", wait_for(2), 2, 0)
    t.step("subject_test", "optimize.experiment", "Tips subject test",
           {"name": "Getting-started subject line",
            "variants": [{"name": "control", "weight": 50}, {"name": "variant_b", "weight": 50}],
            "goal_event": "order_completed", "conversion_window_days": 14,
            "stopping_rule": {"kind": "bayesian", "probability_threshold": 0.95, "min_sample_per_variant": 200}},
           3, 0)
    tips_body = ("Hi {{ customer.first_name | default('friend') }},\n\nhere are three things our regulars love:\n\n"
                 "1. Save favourites with the heart button to find them again later.\n"
                 "2. Orders over £40 ship free.\n"
                 "3. Not the right size? Returns are free for 30 days.\n\nHappy browsing,\nThe team")
    t.step("tips_a", "orchestrate.send", "Tips email (A)",
           email("3 ways to get the most out of your account", tips_body), 4, 0)
    t.step("tips_b", "orchestrate.send", "Tips email (B)",
           email("{{ customer.first_name | default('friend') }}, your quick-start guide is here", tips_body), 4, 1)
    t.step("wait_order", "orchestrate.wait", "Wait for order", wait_until_event("order_completed", 5), 5, 0)
    t.step("goal", "orchestrate.goal", "First order", {"name": "First order", "event": "order_completed"}, 6, 0)
    t.step("can_text", "orchestrate.condition", "Can we text?",
           {"check": {"kind": "consent", "channel_kind": "sms"}}, 6, 1)
    t.step("mark_customer", "orchestrate.update_profile", "Mark as customer",
           {"operations": [{"kind": "set", "attribute": "lifecycle", "value": "customer"},
                           {"kind": "add_tag", "tag": "welcome-complete"}]}, 7, 0)
    t.step("sms_offer", "orchestrate.send", "Text 10% offer", sms(
        "Hi {{ customer.first_name | default('friend') }}, a little welcome gift: 10% off your first order with code WELCOME10 "
        "(valid 7 days). Reply STOP to opt out."), 7, 1)
    t.step("email_offer", "orchestrate.send", "Email 10% offer", email(
        "A little welcome gift for you, {{ customer.first_name | default('friend') }}",
        "Hi {{ customer.first_name | default('friend') }},\n\nto say thanks for joining, here's 10% off your first order. "
        "Use code WELCOME10 at checkout; it's valid for 7 days.\n\nEnjoy,\nThe team"), 7, 2)
    t.step("exit_done", "orchestrate.exit", "Welcome complete", {"reason": "Placed a first order"}, 8, 0)
    t.step("exit_offer", "orchestrate.exit", "Offer sent", {"reason": "Got the welcome offer"}, 8, 1)

    t.link("entry", "next", "send_welcome")
    t.link("send_welcome", "sent", "wait_2d")
    t.link("wait_2d", "next", "subject_test")
    t.link("subject_test", "control", "tips_a")
    t.link("subject_test", "variant_b", "tips_b")
    t.link("tips_a", "sent", "wait_order")
    t.link("tips_b", "sent", "wait_order")
    t.link("wait_order", "event", "goal")
    t.link("wait_order", "timeout", "can_text")
    t.link("goal", "next", "mark_customer")
    t.link("can_text", "yes", "sms_offer")
    t.link("can_text", "no", "email_offer")
    t.link("mark_customer", "next", "exit_done")
    t.link("sms_offer", "sent", "exit_offer")
    t.link("email_offer", "sent", "exit_offer")

    t.touchpoint("tp_signup", 0, "Sign-up form", "web", "Creates an account from the newsletter box or checkout.",
                 1, ["Asked for more details than needed"], ["Ask only for email and first name"], "Web team")
    t.touchpoint("tp_welcome", 1, "Welcome email", "email", "The first message from us after signing up.",
                 2, [], ["Show three best sellers"], "Marketing")
    t.touchpoint("tp_tips", 3, "Tips email", "email", "Practical tips for the first visits.",
                 0, ["Not sure where to start"], ["Link to a short size guide"], "Marketing")
    t.touchpoint("tp_checkout", 6, "First checkout", "web", "Paying for the first order.",
                 -1, ["Delivery cost shown late", "Has to create a password"],
                 ["Show the free-delivery threshold in the cart"], "Web team")

    t.persona("persona_newcomer", "Curious newcomer", "Signed up to see what's on offer; browses on the phone "
              "in the evening.", 60, {"Motivation": "Find something nice without effort",
                                      "Channel": "Email on mobile"},
              ["Europe/London", "Europe/Dublin"], {"lifecycle": "lead"})
    t.persona("persona_deal", "Deal seeker", "Joined for the offers and waits for a discount before buying.",
              40, {"Motivation": "Get a good price", "Channel": "Email and SMS"}, ["Europe/London"],
              {"lifecycle": "lead"})
    t.note("note", "Keep it short", "One message, one button. Test the tips subject line before changing "
           "the body; the offer only goes to people who have not ordered after a week.")
    t.source("source", "Website")
    t.event("event_signed_up", "signed_up", "Sent by the website when an account is created.",
            [("signup_source", "string", False, "newsletter, checkout or account page"),
             ("marketing_opt_in", "boolean", True, "Agreed to marketing messages")], "Website")
    t.event("event_order_completed", "order_completed", "Sent by the shop when a payment succeeds.",
            ORDER_PROPS, "Website")
    email_events(t, "email_delivered", "email_opened")
    t.metric("metric_conversion", "Conversion", "First-order conversion",
             {"kind": "conversion", "from_event": "signed_up", "to_event": "order_completed", "within_days": 14},
             "business", 25)
    t.metric("metric_open_rate", "Open rate", "Welcome email open rate",
             {"kind": "conversion", "from_event": "email_delivered", "to_event": "email_opened", "within_days": 3},
             "channel", 45)
    t.metric("metric_revenue", "Revenue", "First-order revenue",
             {"kind": "sum", "event": "order_completed", "property": "total"}, "business", None)
    t.funnel("funnel", "Sign-up to order", "Welcome to first order",
             [t.stage_step("lane_welcome"), t.stage_step("lane_started"), t.stage_step("lane_first_order"),
              {"kind": "event", "event": "order_completed"}], 14)
    return t


def abandoned_cart() -> Template:
    t = Template(
        "abandoned_cart", "Abandoned cart",
        "Remind shoppers about the cart they left behind and test which incentive brings them back to "
        "checkout.",
        consumer_settings("Europe/London", ["order_completed"], cooldown=7))
    t.stage("lane_left", "Cart left", "Notice a cart left for an hour.", (0, 1))
    t.stage("lane_reminder", "Reminder", "A friendly reminder brings them back within a day.", (2, 3))
    t.stage("lane_last_chance", "Last chance", "An incentive that fits the cart.", (4, 6))
    t.stage("lane_recovery", "Recovery", "An order within three days of leaving the cart.", (7, 9))

    t.step("entry", "orchestrate.entry", "Cart abandoned",
           {"trigger": {"kind": "event", "event": "cart_abandoned",
                        "filters": [{"property": "cart_value", "operator": "gt", "value": 0}]}}, 0, 0)
    t.step("wait_1h", "orchestrate.wait", "Wait 1 hour", wait_for(1, "hours"), 1, 0)
    t.step("reminder", "orchestrate.send", "Send cart reminder", email(
        "You left something in your cart, {{ customer.first_name | default('friend') }}",
        "Hi {{ customer.first_name | default('friend') }},\n\nyour cart is saved and waiting for you. Pop back whenever you're "
        "ready: we've kept everything just as you left it.\n\nQuestions about sizes or delivery? Just reply "
        "to this email.\n\nThe team"), 2, 0)
    t.step("wait_order", "orchestrate.wait", "Wait for order", wait_until_event("order_completed", 1), 3, 0)
    t.step("big_cart", "orchestrate.condition", "Cart £50 or more?",
           {"check": {"kind": "event_within", "event": "cart_abandoned", "within_days": 2,
                      "filters": [{"property": "cart_value", "operator": "gte", "value": 50}]}}, 4, 1)
    t.step("incentive_test", "optimize.experiment", "Incentive test",
           {"name": "10% off or free delivery",
            "variants": [{"name": "ten_percent", "weight": 50}, {"name": "free_delivery", "weight": 50}],
            "goal_event": "order_completed", "conversion_window_days": 3,
            "stopping_rule": {"kind": "fixed_sample", "sample_size_per_variant": 500, "confidence": 0.95}},
           5, 1)
    t.step("send_code", "orchestrate.send", "Send 10% code", email(
        "10% off the things you picked, {{ customer.first_name | default('friend') }}",
        "Hi {{ customer.first_name | default('friend') }},\n\nstill thinking it over? Here's 10% off your cart with code "
        "COMEBACK10, valid for 48 hours.\n\nThe team"), 6, 1)
    t.step("send_free_delivery", "orchestrate.send", "Offer free delivery", email(
        "Free delivery on your cart, {{ customer.first_name | default('friend') }}",
        "Hi {{ customer.first_name | default('friend') }},\n\nwe'll deliver your cart for free if you order in the next 48 hours; "
        "no code needed.\n\nThe team"), 6, 2)
    t.step("sms_nudge", "orchestrate.send", "Text a reminder", sms(
        "Hi {{ customer.first_name | default('friend') }}, your cart is still saved for you. Pick up where you left off any time. "
        "Reply STOP to opt out."), 6, 3)
    t.step("wait_order_2", "orchestrate.wait", "Wait for order", wait_until_event("order_completed", 2), 7, 1)
    t.step("goal", "orchestrate.goal", "Cart recovered", {"name": "Cart recovered", "event": "order_completed"},
           8, 0)
    t.step("tag_lost", "orchestrate.update_profile", "Tag as lost cart",
           {"operations": [{"kind": "add_tag", "tag": "lost-cart"}]}, 8, 2)
    t.step("exit_recovered", "orchestrate.exit", "Recovered", {"reason": "Ordered after the reminders"}, 9, 0)
    t.step("exit_lost", "orchestrate.exit", "Not recovered", {"reason": "No order within three days"}, 9, 2)

    t.link("entry", "next", "wait_1h")
    t.link("wait_1h", "next", "reminder")
    t.link("reminder", "sent", "wait_order")
    t.link("wait_order", "event", "goal")
    t.link("wait_order", "timeout", "big_cart")
    t.link("big_cart", "yes", "incentive_test")
    t.link("big_cart", "no", "sms_nudge")
    t.link("incentive_test", "ten_percent", "send_code")
    t.link("incentive_test", "free_delivery", "send_free_delivery")
    t.link("send_code", "sent", "wait_order_2")
    t.link("send_free_delivery", "sent", "wait_order_2")
    t.link("sms_nudge", "sent", "wait_order_2")
    t.link("wait_order_2", "event", "goal")
    t.link("wait_order_2", "timeout", "tag_lost")
    t.link("goal", "next", "exit_recovered")
    t.link("tag_lost", "next", "exit_lost")

    t.touchpoint("tp_cart", 0, "Cart page", "web", "Reviews the cart, then leaves before paying.",
                 -1, ["Delivery cost only shown at checkout", "Unsure about the size"],
                 ["Show delivery cost in the cart"], "Web team")
    t.touchpoint("tp_reminder", 2, "Reminder email", "email", "A reminder with the items left in the cart.",
                 0, [], ["Show product photos and stock levels"], "Marketing")
    t.touchpoint("tp_offer", 5, "Incentive", "email", "A discount or free delivery for larger carts.",
                 1, ["Feels pushy if it comes too often"], ["Cap incentives to once a month"], "Marketing")
    t.touchpoint("tp_checkout", 8, "Checkout", "web", "Comes back and pays.",
                 1, ["Has to log in again on mobile"], ["Keep the cart for 30 days"], "Web team")

    t.persona("persona_comparer", "Bargain hunter", "Fills a cart in several tabs and compares prices "
              "before buying.", 55, {"Motivation": "Best value", "Barrier": "Delivery costs"},
              ["Europe/London"], {"lifecycle": "customer"})
    t.persona("persona_busy", "Busy buyer", "Knows what they want but gets interrupted on the phone.",
              45, {"Motivation": "Save time", "Barrier": "Interruptions"}, ["Europe/London", "Europe/Dublin"],
              {"lifecycle": "customer"})
    t.note("note", "Big carts only", "Only carts worth £50 or more get an incentive; smaller "
           "carts get a friendly text, so customers don't learn to wait for codes.")
    t.source("source", "Shop")
    t.event("event_cart_abandoned", "cart_abandoned",
            "Sent by the shop when a cart has had no activity for 30 minutes.",
            [("cart_id", "string", True, ""), ("cart_value", "number", True, "Cart total"),
             ("item_count", "number", False, "")], "Shop")
    t.event("event_checkout_started", "checkout_started", "Sent when the customer opens the checkout.",
            [("cart_id", "string", True, ""), ("cart_value", "number", True, "")], "Shop")
    t.event("event_order_completed", "order_completed", "Sent by the shop when a payment succeeds.",
            ORDER_PROPS, "Shop")
    email_events(t, "email_delivered", "email_clicked")
    t.metric("metric_recovery", "Recovery rate", "Cart recovery rate",
             {"kind": "conversion", "from_event": "cart_abandoned", "to_event": "order_completed", "within_days": 3},
             "business", 15)
    t.metric("metric_revenue", "Revenue", "Recovered revenue",
             {"kind": "sum", "event": "order_completed", "property": "total"}, "business", None)
    t.metric("metric_clicks", "Click rate", "Reminder click rate",
             {"kind": "conversion", "from_event": "email_delivered", "to_event": "email_clicked", "within_days": 2},
             "channel", 8)
    t.funnel("funnel", "Cart to order", "Cart to order",
             [{"kind": "event", "event": "cart_abandoned"}, {"kind": "event", "event": "checkout_started"},
              {"kind": "event", "event": "order_completed"}], 3)
    return t


def post_purchase_review() -> Template:
    t = Template(
        "post_purchase_review", "Post-purchase review",
        "Ask for a review once the order has arrived, thank happy customers and alert the team "
        "straight away when someone is unhappy.",
        consumer_settings("Europe/London", ["review_submitted"], cooldown=30))
    t.stage("lane_delivery", "Delivery", "The order arrives and is unpacked.", (0, 1))
    t.stage("lane_request", "Review request", "Customers are asked at the right moment.", (2, 4))
    t.stage("lane_feedback", "Feedback", "A review within four days of asking.", (5, 6))
    t.stage("lane_follow_up", "Follow-up", "Unhappy customers hear from a person within a day.", (7, 9))

    t.step("entry", "orchestrate.entry", "Order completed",
           {"trigger": {"kind": "event", "event": "order_completed"}}, 0, 0)
    t.step("wait_5d", "orchestrate.wait", "Wait 5 days", wait_for(5), 1, 0)
    t.step("channel_test", "optimize.experiment", "Email or text?",
           {"name": "Review request channel",
            "variants": [{"name": "email", "weight": 50}, {"name": "text", "weight": 50}],
            "goal_event": "review_submitted", "conversion_window_days": 7,
            "stopping_rule": {"kind": "bayesian", "probability_threshold": 0.95, "min_sample_per_variant": 150}},
           2, 0)
    t.step("ask_email", "orchestrate.send", "Ask for a review", email(
        "How are you getting on with your order, {{ customer.first_name | default('friend') }}?",
        "Hi {{ customer.first_name | default('friend') }},\n\nwe hope your order arrived safely. Would you spare a minute to tell "
        "us how you like it? Your review helps other shoppers and helps us get better.\n\n"
        "Something not right? Reply to this email and we'll sort it out.\n\nThank you,\nThe team"), 3, 0)
    t.step("ask_sms", "orchestrate.send", "Ask by text", sms(
        "Hi {{ customer.first_name | default('friend') }}, how's your order? We'd love a quick review, it takes a minute. "
        "Reply STOP to opt out."), 3, 1)
    t.step("wait_review", "orchestrate.wait", "Wait for review", wait_until_event("review_submitted", 4), 4, 0)
    t.step("goal", "orchestrate.goal", "Review received", {"name": "Review received", "event": "review_submitted"},
           5, 0)
    t.step("exit_no_review", "orchestrate.exit", "No review", {"reason": "No review within four days"}, 5, 1)
    t.step("unhappy", "orchestrate.condition", "Rated 2 or less?",
           {"check": {"kind": "event_within", "event": "review_submitted", "within_days": 7,
                      "filters": [{"property": "rating", "operator": "lte", "value": 2}]}}, 6, 0)
    t.step("alert_team", "orchestrate.notify_staff", "Alert the team",
           {"channel": "chat-team", "channel_kind": "chat", "recipients": ["#customer-care"],
            "message": "Unhappy customer {{ customer.first_name | default('(no name)') }} rated {{ event.rating | default('?') }}/5 — please call back "
                       "on {{ customer.phone | default('(no phone on file)') }} today."}, 7, 0)
    t.step("thank_you", "orchestrate.send", "Send thank-you", email(
        "Thank you for your review, {{ customer.first_name | default('friend') }}!",
        "Hi {{ customer.first_name | default('friend') }},\n\nthank you for taking the time to review your order. It means a lot "
        "to a small team like ours.\n\nAs a thank-you, here's 10% off your next order with code THANKS10.\n\n"
        "The team"), 7, 1)
    t.step("flag_callback", "orchestrate.update_profile", "Flag for call-back",
           {"operations": [{"kind": "set", "attribute": "needs_callback", "value": True},
                           {"kind": "add_tag", "tag": "unhappy-review"}]}, 8, 0)
    t.step("exit_happy", "orchestrate.exit", "Happy customer", {"reason": "Thanked for a good review"}, 8, 1)
    t.step("exit_callback", "orchestrate.exit", "Team will call", {"reason": "Passed to customer care"}, 9, 0)

    t.link("entry", "next", "wait_5d")
    t.link("wait_5d", "next", "channel_test")
    t.link("channel_test", "email", "ask_email")
    t.link("channel_test", "text", "ask_sms")
    t.link("ask_email", "sent", "wait_review")
    t.link("ask_sms", "sent", "wait_review")
    t.link("wait_review", "event", "goal")
    t.link("wait_review", "timeout", "exit_no_review")
    t.link("goal", "next", "unhappy")
    t.link("unhappy", "yes", "alert_team")
    t.link("unhappy", "no", "thank_you")
    t.link("alert_team", "next", "flag_callback")
    # The flag is the team's call-back list, so it is set even when the chat alert fails.
    t.link("alert_team", "failed", "flag_callback")
    t.link("thank_you", "sent", "exit_happy")
    t.link("flag_callback", "next", "exit_callback")

    t.touchpoint("tp_parcel", 0, "Parcel arrives", "other", "The order is delivered and unpacked.",
                 1, ["Parcel left with a neighbour"], ["Send a delivery photo"], "Fulfilment")
    t.touchpoint("tp_request", 3, "Review request", "email", "We ask how the order went.",
                 0, ["Asked before the parcel arrived"], ["Wait for the delivery event where there is one"],
                 "Marketing")
    t.touchpoint("tp_review_page", 5, "Review page", "web", "Rates the order from 1 to 5 and leaves a comment.",
                 0, ["Review form asks to log in"], ["One-tap star rating in the email"], "Web team")
    t.touchpoint("tp_callback", 7, "Call-back", "phone", "Customer care calls unhappy customers.",
                 -1, ["Has to explain the problem twice"], ["Show the review and order on the call screen"],
                 "Customer care")

    t.persona("persona_regular", "Happy regular", "Orders every month and is glad to share an opinion.",
              70, {"Motivation": "Help a shop they like", "Channel": "Email"}, ["Europe/London"],
              {"orders_count": 6})
    t.persona("persona_first", "First-time buyer", "Bought once; a bad experience now decides whether they "
              "come back.", 30, {"Motivation": "Be heard when something goes wrong", "Channel": "SMS"},
              ["Europe/London", "Europe/Dublin"], {"orders_count": 1})
    t.note("note", "Call back fast", "Ratings of 2 or less post to #customer-care in the team chat. "
           "Whoever picks it up reacts with a tick and calls within one working day.")
    t.source("source", "Shop")
    t.event("event_order_completed", "order_completed", "Sent by the shop when a payment succeeds.",
            ORDER_PROPS, "Shop")
    t.event("event_review_submitted", "review_submitted", "Sent by the review page when a review is posted.",
            [("order_id", "string", True, ""), ("rating", "number", True, "Stars, 1 to 5"),
             ("comment", "string", False, "")], "Shop")
    email_events(t, "email_delivered", "email_opened")
    t.metric("metric_review_rate", "Review rate", "Review rate",
             {"kind": "conversion", "from_event": "order_completed", "to_event": "review_submitted",
              "within_days": 14}, "business", 20)
    t.metric("metric_rating", "Average rating", "Average rating",
             {"kind": "average", "event": "review_submitted", "property": "rating"}, "business", 4.5)
    t.metric("metric_open_rate", "Open rate", "Review email open rate",
             {"kind": "conversion", "from_event": "email_delivered", "to_event": "email_opened", "within_days": 3},
             "channel", 50)
    t.funnel("funnel", "Order to review", "Order to review",
             [{"kind": "event", "event": "order_completed"}, {"kind": "event", "event": "email_opened"},
              {"kind": "event", "event": "review_submitted"}], 14)
    return t


def win_back() -> Template:
    t = Template(
        "win_back", "Win-back",
        "Bring back customers who have not ordered for 90 days with a personal offer, and keep a "
        "holdout group to see what it really adds.",
        consumer_settings("Europe/London", ["order_completed"], cooldown=180))
    t.stage("lane_lapsed", "Lapsed", "Notice customers drifting away.", (0, 2))
    t.stage("lane_miss_you", "We miss you", "A personal offer that fits what they spent.", (3, 4))
    t.stage("lane_reminder", "Reminder", "A short reminder before the offer ends.", (5, 6))
    t.stage("lane_comeback", "Comeback", "An order within three weeks.", (7, 9))

    t.step("entry", "orchestrate.entry", "Lapsed 90 days",
           {"trigger": {"kind": "segment", "match": "all",
                        "rules": [{"attribute": "days_since_last_order", "operator": "gte", "value": 90},
                                  {"attribute": "orders_count", "operator": "gte", "value": 1}]}}, 0, 0)
    t.step("holdout", "optimize.holdout", "Hold out 10%", {"percent": 10}, 1, 0)
    t.step("midweek", "orchestrate.wait", "Mid-week, 10:00",
           {"wait": {"kind": "time_of_day", "time": "10:00", "weekdays": ["tue", "wed", "thu"]}}, 2, 0)
    t.step("exit_holdout", "orchestrate.exit", "Holdout group", {"reason": "Held out to measure lift"}, 2, 1)
    t.step("big_spender", "orchestrate.condition", "Spent £200 or more?",
           {"check": {"kind": "attribute", "missing_attribute": "no",
                      "rules": [{"attribute": "lifetime_value", "operator": "gte", "value": 200}]}}, 3, 0)
    t.step("send_code", "orchestrate.send", "Send 20% code", email(
        "We miss you, {{ customer.first_name | default('friend') }}: here's 20% off",
        "Hi {{ customer.first_name | default('friend') }},\n\nit's been a while and we've missed you! As one of our favourite "
        "customers, here's 20% off your next order with code WELCOMEBACK20, valid for two weeks.\n\n"
        "The team"), 4, 0)
    t.step("send_news", "orchestrate.send", "Send what's new", email(
        "A lot has changed since your last visit, {{ customer.first_name | default('friend') }}",
        "Hi {{ customer.first_name | default('friend') }},\n\nwe've added lots of new things since you last stopped by. Come and "
        "have a look; delivery is free on your next order for the next two weeks.\n\nThe team"), 4, 1)
    t.step("wait_order", "orchestrate.wait", "Wait for order", wait_until_event("order_completed", 7), 5, 0)
    t.step("sms_reminder", "orchestrate.send", "Text a reminder", sms(
        "Hi {{ customer.first_name | default('friend') }}, just a reminder: your comeback offer ends in a week. We'd love to see "
        "you again! Reply STOP to opt out."), 6, 1)
    t.step("wait_order_2", "orchestrate.wait", "Wait for order", wait_until_event("order_completed", 7), 7, 1)
    t.step("goal", "orchestrate.goal", "Came back", {"name": "Came back", "event": "order_completed"}, 8, 0)
    t.step("mark_lapsed", "orchestrate.update_profile", "Mark as lapsed",
           {"operations": [{"kind": "set", "attribute": "lifecycle", "value": "lapsed"},
                           {"kind": "add_tag", "tag": "win-back-no-response"}]}, 8, 2)
    t.step("exit_won", "orchestrate.exit", "Won back", {"reason": "Ordered again"}, 9, 0)
    t.step("exit_lapsed", "orchestrate.exit", "Still lapsed", {"reason": "No order after the offer"}, 9, 2)

    t.link("entry", "next", "holdout")
    t.link("holdout", "treatment", "midweek")
    t.link("holdout", "holdout", "exit_holdout")
    t.link("midweek", "next", "big_spender")
    t.link("big_spender", "yes", "send_code")
    t.link("big_spender", "no", "send_news")
    t.link("send_code", "sent", "wait_order")
    t.link("send_news", "sent", "wait_order")
    t.link("wait_order", "event", "goal")
    t.link("wait_order", "timeout", "sms_reminder")
    t.link("sms_reminder", "sent", "wait_order_2")
    t.link("wait_order_2", "event", "goal")
    t.link("wait_order_2", "timeout", "mark_lapsed")
    t.link("goal", "next", "exit_won")
    t.link("mark_lapsed", "next", "exit_lapsed")

    t.touchpoint("tp_last_order", 1, "Last order", "web", "Their last visit, three months or more ago.",
                 0, ["Found a cheaper shop", "Simply forgot about us"], ["Ask why in a one-question survey"],
                 "Marketing")
    t.touchpoint("tp_email", 3, "Comeback email", "email", "A personal offer sized to what they spent.",
                 1, ["Generic offers feel like spam"], ["Show items like their past orders"], "Marketing")
    t.touchpoint("tp_sms", 5, "Text reminder", "sms", "A short reminder before the offer ends.",
                 0, ["Texts can feel intrusive"], ["Send only to customers who opted in to SMS"], "Marketing")
    t.touchpoint("tp_return", 8, "Return visit", "web", "Comes back to the shop and orders again.",
                 1, ["Saved address is out of date"], ["Show what's new since their last order"], "Web team")

    t.persona("persona_regular", "Lapsed regular", "Used to order every month, then stopped without a word.",
              60, {"Motivation": "Good value from a shop they trust", "Barrier": "Found an alternative"},
              ["Europe/London", "Europe/Dublin"],
              {"days_since_last_order": 120, "orders_count": 8, "lifetime_value": 420})
    t.persona("persona_one_time", "One-time buyer", "Ordered once for a gift and never came back.",
              40, {"Motivation": "A reason to return", "Barrier": "No habit yet"}, ["Europe/London"],
              {"days_since_last_order": 150, "orders_count": 1, "lifetime_value": 45})
    t.note("note", "Measure the lift", "The 10% holdout receives nothing. Compare its return rate with the "
           "rest after 30 days to see how many comebacks the campaign really caused.")
    t.source("source", "Shop")
    t.event("event_order_completed", "order_completed", "Sent by the shop when a payment succeeds.",
            ORDER_PROPS, "Shop")
    email_events(t, "email_delivered", "email_opened", "email_clicked")
    t.metric("metric_reactivated", "Won back", "Customers won back",
             {"kind": "count", "event": "order_completed", "distinct_customers": True,
              "filters": [{"property": "coupon", "operator": "eq", "value": "WELCOMEBACK20"}]}, "business", 50)
    t.metric("metric_revenue", "Revenue", "Win-back revenue",
             {"kind": "sum", "event": "order_completed", "property": "total"}, "business", None)
    t.metric("metric_open_rate", "Open rate", "Comeback email open rate",
             {"kind": "conversion", "from_event": "email_delivered", "to_event": "email_opened", "within_days": 3},
             "channel", 30)
    t.funnel("funnel", "Email to order", "Email to comeback",
             [{"kind": "event", "event": "email_opened"}, {"kind": "event", "event": "email_clicked"},
              {"kind": "event", "event": "order_completed"}], 21)
    return t


def birthday_offer() -> Template:
    t = Template(
        "birthday_offer", "Birthday offer",
        "Send every customer a birthday treat on the morning of their birthday, with a bigger gift "
        "for your best customers and a gentle reminder before it expires.",
        consumer_settings("Europe/London", ["order_completed"]))
    t.stage("lane_birthday", "Birthday", "Customers hear from us on their birthday morning.", (0, 2))
    t.stage("lane_treat", "Treat", "A gift that matches how much they shop with us.", (3, 4))
    t.stage("lane_redeem", "Redeem", "The birthday code is used within a week.", (5, 7))

    t.step("entry", "orchestrate.entry", "On their birthday",
           {"trigger": {"kind": "date_property", "attribute": "birthday", "offset_days": 0, "time": "09:00",
                        "yearly": True}}, 0, 0)
    t.step("holdout", "optimize.holdout", "Hold out 10%", {"percent": 10}, 1, 0)
    t.step("vip", "orchestrate.condition", "VIP customer?",
           {"check": {"kind": "attribute", "missing_attribute": "no",
                      "rules": [{"attribute": "lifetime_value", "operator": "gte", "value": 300}]}}, 2, 0)
    t.step("exit_holdout", "orchestrate.exit", "Holdout group", {"reason": "Held out to measure lift"}, 2, 1)
    t.step("vip_gift", "orchestrate.send", "Send VIP gift", email(
        "Happy birthday, {{ customer.first_name | default('friend') }}! A £15 gift from us",
        "Happy birthday, {{ customer.first_name | default('friend') }}!\n\nthank you for being one of our best customers. Here's "
        "a £15 gift to spend on anything you like: use code BDAYVIP15 within the next 7 days.\n\n"
        "Have a wonderful day,\nThe team"), 3, 0)
    t.step("treat", "orchestrate.send", "Send birthday treat", email(
        "Happy birthday, {{ customer.first_name | default('friend') }}! Here's a treat",
        "Happy birthday, {{ customer.first_name | default('friend') }}!\n\nwe hope you have a lovely day. To celebrate, here's "
        "15% off anything in the shop with code BDAY15, valid for 7 days.\n\nThe team"), 3, 1)
    t.step("wait_order", "orchestrate.wait", "Wait for order", wait_until_event("order_completed", 5), 4, 0)
    t.step("goal", "orchestrate.goal", "Birthday order", {"name": "Birthday order", "event": "order_completed"},
           5, 0)
    t.step("can_text", "orchestrate.condition", "Can we text?",
           {"check": {"kind": "consent", "channel_kind": "sms"}}, 5, 1)
    t.step("mark_redeemed", "orchestrate.update_profile", "Note birthday order",
           {"operations": [{"kind": "set", "attribute": "birthday_offer_redeemed", "value": True},
                           {"kind": "add_tag", "tag": "birthday-buyer"}]}, 6, 0)
    t.step("sms_reminder", "orchestrate.send", "Text a reminder", sms(
        "Hi {{ customer.first_name | default('friend') }}, your birthday treat is waiting: it ends in 2 days. Hope you had a "
        "great day! Reply STOP to opt out."), 6, 1)
    t.step("email_reminder", "orchestrate.send", "Email a reminder", email(
        "Your birthday treat ends soon, {{ customer.first_name | default('friend') }}",
        "Hi {{ customer.first_name | default('friend') }},\n\na quick reminder that your birthday code ends in 2 days. We'd hate "
        "for you to miss it!\n\nThe team"), 6, 2)
    t.step("exit_redeemed", "orchestrate.exit", "Treat used", {"reason": "Ordered with the birthday offer"}, 7, 0)
    t.step("exit_reminded", "orchestrate.exit", "Reminder sent", {"reason": "Reminded before the code ends"}, 7, 1)

    t.link("entry", "next", "holdout")
    t.link("holdout", "treatment", "vip")
    t.link("holdout", "holdout", "exit_holdout")
    t.link("vip", "yes", "vip_gift")
    t.link("vip", "no", "treat")
    t.link("vip_gift", "sent", "wait_order")
    t.link("treat", "sent", "wait_order")
    t.link("wait_order", "event", "goal")
    t.link("wait_order", "timeout", "can_text")
    t.link("goal", "next", "mark_redeemed")
    t.link("can_text", "yes", "sms_reminder")
    t.link("can_text", "no", "email_reminder")
    t.link("mark_redeemed", "next", "exit_redeemed")
    t.link("sms_reminder", "sent", "exit_reminded")
    t.link("email_reminder", "sent", "exit_reminded")

    t.touchpoint("tp_profile", 0, "Profile page", "web", "Where customers add their birthday.",
                 0, ["Birthday field is easy to miss"], ["Say what the birthday treat is next to the field"],
                 "Web team")
    t.touchpoint("tp_birthday_email", 3, "Birthday email", "email", "The birthday greeting with a gift code.",
                 2, [], ["A short video from the team for VIPs"], "Marketing")
    t.touchpoint("tp_checkout", 6, "Checkout", "web", "Uses the birthday code on an order.",
                 1, ["Code hard to copy on a phone"], ["Apply the code from a link"], "Web team")

    t.persona("persona_loyal", "Loyal regular", "Shops with us every few weeks and loves a personal touch.",
              35, {"Motivation": "Feel appreciated", "Channel": "Email"}, ["Europe/London"],
              {"lifetime_value": 520, "birthday": "1986-06-14"})
    t.persona("persona_occasional", "Occasional buyer", "Buys a few times a year, often as a treat.",
              65, {"Motivation": "A good reason to buy", "Channel": "Email and SMS"},
              ["Europe/London", "Europe/Dublin"], {"lifetime_value": 90, "birthday": "1994-02-03"})
    t.note("note", "Get birthdays", "Only customers with a birthday on their profile enter. Ask for it at "
           "sign-up and on the profile page, and say what they get.")
    t.source("source", "Shop")
    t.event("event_order_completed", "order_completed", "Sent by the shop when a payment succeeds.",
            ORDER_PROPS, "Shop")
    email_events(t, "email_delivered", "email_opened", "email_clicked")
    t.metric("metric_redemptions", "Codes used", "Birthday codes used",
             {"kind": "count", "event": "order_completed", "distinct_customers": True,
              "filters": [{"property": "coupon", "operator": "contains", "value": "BDAY"}]}, "business", 40)
    t.metric("metric_revenue", "Revenue", "Birthday revenue",
             {"kind": "sum", "event": "order_completed", "property": "total",
              "filters": [{"property": "coupon", "operator": "contains", "value": "BDAY"}]}, "business", None)
    t.metric("metric_open_rate", "Open rate", "Birthday email open rate",
             {"kind": "conversion", "from_event": "email_delivered", "to_event": "email_opened", "within_days": 2},
             "channel", 55)
    t.funnel("funnel", "Email to order", "Birthday email to order",
             [{"kind": "event", "event": "email_delivered"}, {"kind": "event", "event": "email_opened"},
              {"kind": "event", "event": "email_clicked"}, {"kind": "event", "event": "order_completed"}], 7)
    return t


def b2b_lead_nurture() -> Template:
    t = Template(
        "b2b_lead_nurture", "B2B lead nurture",
        "Turn guide downloads into demo requests with helpful follow-ups on business days, and hand "
        "sales-ready leads to the sales team in chat.",
        Settings(time_zone="America/New_York",
                 quiet_hours=QuietHours(enabled=False),
                 frequency_cap=FrequencyCap(enabled=True, max_messages=2, per_days=7),
                 goals=["demo_requested"],
                 re_entry=ReEntry(policy="after_exit", cooldown_days=90)))
    t.stage("lane_lead", "Lead", "Every download gets the guide and a lead record.", (0, 2))
    t.stage("lane_educate", "Educate", "Leads read a case study that fits their problem.", (3, 5))
    t.stage("lane_evaluate", "Evaluate", "A demo request within a week of the case study.", (6, 7))
    t.stage("lane_handoff", "Hand-off", "Sales-ready leads reach sales within one business day.", (8, 9))

    t.step("entry", "orchestrate.entry", "Guide downloaded",
           {"trigger": {"kind": "event", "event": "form_submitted",
                        "filters": [{"property": "form_name", "operator": "eq", "value": "buyers_guide"}]}},
           0, 0)
    t.step("mark_lead", "orchestrate.update_profile", "Mark as lead",
           {"operations": [{"kind": "set", "attribute": "lifecycle", "value": "lead"},
                           {"kind": "add_tag", "tag": "buyers-guide"}]}, 1, 0)
    t.step("send_guide", "orchestrate.send", "Send the guide", email(
        "Your buyer's guide, {{ customer.first_name | default('friend') }}",
        "Hi {{ customer.first_name | default('friend') }},\n\nthanks for downloading our buyer's guide; here's your copy. "
        "Chapter 3 has the checklist most teams start with.\n\nIf it raises questions, just reply: I'm happy "
        "to help.\n\nBest regards,\nThe team"), 2, 0)
    t.step("next_tuesday", "orchestrate.wait", "Next Tuesday, 9:30",
           {"wait": {"kind": "time_of_day", "time": "09:30", "weekdays": ["tue"]}}, 3, 0)
    t.step("subject_test", "optimize.experiment", "Subject line test",
           {"name": "Case study subject line",
            "variants": [{"name": "control", "weight": 50}, {"name": "variant_b", "weight": 50}],
            "goal_event": "demo_requested", "conversion_window_days": 21,
            "stopping_rule": {"kind": "bayesian", "probability_threshold": 0.9, "min_sample_per_variant": 100}},
           4, 0)
    case_body = ("Hi {{ customer.first_name | default('friend') }},\n\nteams like yours often ask how others got started. This "
                 "short case study shows how a 60-person company cut its reporting time in half in the first "
                 "month.\n\nWould a 20-minute demo help? Pick a time that suits you from the link below.\n\n"
                 "Best regards,\nThe team")
    t.step("case_a", "orchestrate.send", "Case study (A)",
           email("How a team like yours halved its reporting time", case_body), 5, 0)
    t.step("case_b", "orchestrate.send", "Case study (B)",
           email("{{ customer.first_name | default('friend') }}, a 3-minute read for {{ customer.company }}", case_body), 5, 1)
    t.step("wait_demo", "orchestrate.wait", "Wait for demo", wait_until_event("demo_requested", 7), 6, 0)
    t.step("goal", "orchestrate.goal", "Demo requested", {"name": "Demo requested", "event": "demo_requested"},
           7, 0)
    t.step("big_company", "orchestrate.condition", "50+ employees?",
           {"check": {"kind": "attribute", "missing_attribute": "no",
                      "rules": [{"attribute": "company_size", "operator": "gte", "value": 50}]}}, 7, 1)
    t.step("alert_sales", "orchestrate.notify_staff", "Alert sales",
           {"channel": "chat-team", "channel_kind": "chat", "recipients": ["#sales"],
            "message": "Sales-ready lead: {{ customer.first_name | default('friend') }} {{ customer.last_name }} from "
                       "{{ customer.company }}. Please get in touch within one business day."}, 8, 0)
    t.step("to_newsletter", "orchestrate.update_profile", "Move to newsletter",
           {"operations": [{"kind": "set", "attribute": "lifecycle", "value": "nurture"},
                           {"kind": "add_tag", "tag": "monthly-newsletter"}]}, 8, 1)
    t.step("exit_sales", "orchestrate.exit", "Handed to sales", {"reason": "Sales-ready"}, 9, 0)
    t.step("exit_newsletter", "orchestrate.exit", "Back to newsletter", {"reason": "Not ready yet"}, 9, 1)

    t.link("entry", "next", "mark_lead")
    t.link("mark_lead", "next", "send_guide")
    t.link("send_guide", "sent", "next_tuesday")
    t.link("next_tuesday", "next", "subject_test")
    t.link("subject_test", "control", "case_a")
    t.link("subject_test", "variant_b", "case_b")
    t.link("case_a", "sent", "wait_demo")
    t.link("case_b", "sent", "wait_demo")
    t.link("wait_demo", "event", "goal")
    t.link("wait_demo", "timeout", "big_company")
    t.link("goal", "next", "alert_sales")
    t.link("big_company", "yes", "alert_sales")
    t.link("big_company", "no", "to_newsletter")
    t.link("alert_sales", "next", "exit_sales")
    t.link("to_newsletter", "next", "exit_newsletter")

    t.touchpoint("tp_form", 0, "Download form", "web", "Fills in the form to get the buyer's guide.",
                 1, ["Form asks for a phone number"], ["Ask only for name, work email and company"], "Web team")
    t.touchpoint("tp_guide", 2, "Guide email", "email", "Receives the guide and a personal note.",
                 1, [], ["Point to the one chapter that matters most"], "Marketing")
    t.touchpoint("tp_case_study", 4, "Case study email", "email", "Reads how a similar company succeeded.",
                 0, ["Too long to read on a phone"], ["Lead with one number and one quote"], "Marketing")
    t.touchpoint("tp_demo_page", 6, "Demo booking", "web", "Picks a time for a demo.",
                 0, ["No slots that suit other time zones"], ["Offer early and late slots"], "Sales")
    t.touchpoint("tp_sales_call", 8, "Sales call", "phone", "The first conversation with sales.",
                 1, ["Has to repeat what they already told us"], ["Sales reads the lead's history first"], "Sales")

    t.persona("persona_ops", "Ops manager", "Looking for a tool to save the team time; needs to "
              "convince a boss.", 50, {"Motivation": "Less manual work", "Role in buying": "Champion"},
              ["America/New_York", "America/Chicago"], {"company_size": 120, "job_title": "Operations manager"})
    t.persona("persona_founder", "Founder", "Runs a small company and decides fast, but has little time.",
              30, {"Motivation": "Grow without hiring", "Role in buying": "Decision maker"},
              ["America/Los_Angeles", "Europe/London"], {"company_size": 15, "job_title": "Founder"})
    t.persona("persona_it", "IT lead", "Checks security and integrations before anything is bought.",
              20, {"Motivation": "No surprises", "Role in buying": "Gatekeeper"}, ["America/New_York"],
              {"company_size": 300, "job_title": "IT lead"})
    t.note("note", "Speed matters", "Leads contacted within a day book far more demos. The chat alert goes to "
           "#sales with the company name; whoever takes it replies in the thread.")
    t.source("source", "Website", protocol="sensors")
    t.event("event_form_submitted", "form_submitted", "Sent by the website when a form is submitted.",
            [("form_name", "string", True, "e.g. buyers_guide"), ("company", "string", False, ""),
             ("job_title", "string", False, "")], "Website")
    t.event("event_demo_requested", "demo_requested", "Sent by the booking page when a demo is booked.",
            [("company", "string", True, ""), ("company_size", "number", False, "Employees"),
             ("slot", "datetime", True, "Booked time")], "Website")
    email_events(t, "email_delivered", "email_opened", "email_clicked")
    t.metric("metric_lead_to_demo", "Lead to demo", "Lead to demo",
             {"kind": "conversion", "from_event": "form_submitted", "to_event": "demo_requested",
              "within_days": 30}, "business", 8, window_days=90)
    t.metric("metric_time_to_demo", "Time to demo", "Time to demo",
             {"kind": "time_between", "from_event": "form_submitted", "to_event": "demo_requested",
              "statistic": "median"}, "business", None, window_days=90, higher_is_better=False)
    t.metric("metric_click_rate", "Click rate", "Case study click rate",
             {"kind": "conversion", "from_event": "email_delivered", "to_event": "email_clicked", "within_days": 7},
             "channel", 5)
    t.funnel("funnel", "Download to demo", "Download to demo",
             [{"kind": "event", "event": "form_submitted"}, {"kind": "event", "event": "email_opened"},
              {"kind": "event", "event": "email_clicked"}, {"kind": "event", "event": "demo_requested"}], 30)
    return t


TEMPLATES = {
    "welcome_series": welcome_series,
    "abandoned_cart": abandoned_cart,
    "post_purchase_review": post_purchase_review,
    "win_back": win_back,
    "birthday_offer": birthday_offer,
    "b2b_lead_nurture": b2b_lead_nurture,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the journey templates of the gallery.")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent,
                        help="directory to write the .journey.json files to (default: next to this script)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for key, make in TEMPLATES.items():
        journey = make().build()
        path = args.out / f"{key}.journey.json"
        save(journey, path)
        sys.stdout.write(f"wrote {path}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
