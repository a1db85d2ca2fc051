"""The synthetic population of the journey simulator: personas, customers and their events' data.

Customers are drawn from the journey's ``map.persona`` nodes (share of the population, time zones,
attribute defaults) or, when it has none, from :data:`DEFAULT_PERSONAS`. Everything comes from one
``random.Random(seed)``: the same seed gives the same customers.

Every customer gets a plausible profile: ``first_name``, ``last_name``, ``email`` (97 %), ``phone``
(80 %), ``birthday``, ``country`` (from the time zone), ``plan``, ``lifecycle``, ``cart_value``,
``orders_count``, ``days_since_last_order``, ``lifetime_value``, ``company``, ``company_size`` and
``job_title``. A persona's attribute defaults then set that persona's values:

- numbers are the centre of the persona's values and vary by up to ±30 % (whole numbers stay whole;
  whole numbers under 10, such as an order count of 1, are kept as given);
- dates (``birthday``) keep their year give or take five years and fall on a random day of it, so
  birthdays spread over the calendar;
- text and true/false values are used as given.

Attributes the journey's rules, splits and date waits name that neither the base profile nor a
persona provides are filled from the journey itself: a value listed in a split or compared in a
rule (or a number around a rule's threshold) half of the time, a date for date waits and triggers.

Consent per channel kind is drawn with the shares of the response model (email 0.9, sms 0.6, chat
and webhook 1.0 by default).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from random import Random
from typing import Any
from zoneinfo import ZoneInfo

from engine.document import Journey
from engine.runtime.clock import parse_iso, zone_of
from engine.runtime.context import CustomerView
from engine.runtime.response import CHANNEL_KINDS, Profile, ResponseModel
from engine.runtime.triggers import as_number

FIRST_NAMES = ("Alex", "Sam", "Jordan", "Taylor", "Morgan", "Jamie", "Chris", "Robin", "Charlie", "Priya",
               "Aisha", "Lena", "Mateo", "Noah", "Emma", "Olivia", "Liam", "Sofia", "Yuki", "Omar",
               "Chloe", "Ben", "Grace", "Ivan", "Nina", "Hugo", "Maya", "Tom", "Zara", "Leo")
LAST_NAMES = ("Smith", "Jones", "Brown", "Taylor", "Wilson", "Murphy", "Kelly", "Garcia", "Müller",
              "Rossi", "Khan", "Patel", "Nguyen", "Kim", "Novak", "Silva", "Dubois", "Walsh", "Evans", "Byrne")
COMPANIES = ("Northwind", "Bluebird Labs", "Acme Tools", "Greenleaf", "Harbour & Co", "Pixel Forge",
             "Summit Foods", "Brightpath", "Oakridge", "Lumen Health")
JOB_TITLES = ("Founder", "Operations manager", "IT lead", "Marketing manager", "Office manager", "Analyst")
PLANS = (("free", 50), ("basic", 30), ("pro", 20))
COUNTRY_OF_ZONE = {"Europe/London": "GB", "Europe/Dublin": "IE", "Europe/Berlin": "DE", "Europe/Paris": "FR",
                   "Europe/Madrid": "ES", "Europe/Rome": "IT", "Europe/Amsterdam": "NL", "Australia/Sydney": "AU",
                   "Asia/Tokyo": "JP", "Asia/Kolkata": "IN", "America/Toronto": "CA", "America/Sao_Paulo": "BR"}
#: Share of customers with an address for each channel kind that needs one.
ADDRESS_SHARE = {"email": 0.97, "phone": 0.8}


@dataclass(frozen=True)
class Persona:
    name: str
    share: float
    time_zones: tuple[str, ...] = ()
    attributes: dict[str, Any] = field(default_factory=dict)


#: The population used when a journey has no persona: regulars, occasional buyers and newcomers.
DEFAULT_PERSONAS = (
    Persona("Regular", 0.3, (), {"orders_count": 8, "days_since_last_order": 20, "lifetime_value": 480,
                                 "lifecycle": "customer"}),
    Persona("Occasional", 0.45, (), {"orders_count": 2, "days_since_last_order": 75, "lifetime_value": 110,
                                     "lifecycle": "customer"}),
    Persona("Newcomer", 0.25, (), {"orders_count": 0, "lifetime_value": 0, "lifecycle": "lead"}),
)


class SimCustomer:
    """A simulated customer and the simulator's bookkeeping about them."""

    __slots__ = ("index", "id", "persona", "profile", "view", "zone", "unsubscribed", "history", "sent_at",
                 "runs", "entered_before", "last_entry", "last_exit", "entries")

    def __init__(self, index: int, customer_id: str, persona: int, profile: Profile, view: CustomerView,
                 zone: ZoneInfo):
        self.index = index
        self.id = customer_id
        self.persona = persona
        self.profile = profile
        self.view = view
        self.zone = zone
        self.unsubscribed = False
        #: ``name -> [(moment, properties)]`` for the events the journey counts (filled lazily).
        self.history: dict[str, list] | None = None
        #: When counted (not exempt) messages were sent, for the frequency cap.
        self.sent_at: list | None = None
        self.runs: list | None = None
        self.entered_before = False
        self.last_entry = None
        self.last_exit = None
        self.entries = 0


def personas_of(journey: Journey) -> list[Persona]:
    """The journey's personas, shares scaled to 1; the default population when there is none (or
    when every share is 0)."""
    found = []
    for node in journey.nodes:
        if node.type != "map.persona":
            continue
        c = node.config
        found.append(Persona(str(c.get("name") or node.title or "Persona"), float(c.get("share_percent", 25.0)),
                             tuple(c.get("time_zones") or ()),
                             {d["attribute"]: d["value"] for d in c.get("attribute_defaults") or ()}))
    total = sum(p.share for p in found)
    if not found or total <= 0:
        return list(DEFAULT_PERSONAS)
    return [Persona(p.name, p.share / total, p.time_zones, p.attributes) for p in found]


def referenced_attributes(journey: Journey) -> dict[str, list]:
    """``attribute -> [hints]`` named by the journey's rules, splits and date waits/triggers; a hint is
    ``("rule", operator, value)``, ``("values", [..])`` or ``("date",)``."""
    refs: dict[str, list] = {}

    def rules(items) -> None:
        for r in items or ():
            if isinstance(r, dict) and r.get("attribute"):
                refs.setdefault(r["attribute"], []).append(("rule", r.get("operator", "eq"), r.get("value")))

    for node in journey.nodes:
        c = node.config
        if node.type == "orchestrate.condition" and isinstance(c.get("check"), dict):
            rules(c["check"].get("rules"))
        elif node.type == "orchestrate.multi_split" and c.get("attribute"):
            refs.setdefault(c["attribute"], []).append(("values", list(c.get("values") or ())))
        elif node.type == "orchestrate.wait" and isinstance(c.get("wait"), dict):
            if c["wait"].get("kind") == "date_property" and c["wait"].get("attribute"):
                refs.setdefault(c["wait"]["attribute"], []).append(("date",))
        elif node.type == "orchestrate.entry" and isinstance(c.get("trigger"), dict):
            t = c["trigger"]
            if t.get("kind") == "date_property" and t.get("attribute"):
                refs.setdefault(t["attribute"], []).append(("date",))
            rules(t.get("rules"))
    return refs


class Population:
    """Builds the simulated customers of one simulation."""

    def __init__(self, journey: Journey, customers: int, rng: Random, response: ResponseModel,
                 start: date, id_prefix: str = "sim"):
        if customers < 0:
            raise ValueError("the number of customers cannot be negative")
        self.journey = journey
        self.size = customers
        self.rng = rng
        self.start = start
        self.personas = personas_of(journey)
        self.profiles = [response.for_persona(p.name) for p in self.personas]
        self.zones = [[zone_of(z, journey.settings.time_zone) for z in (p.time_zones or (journey.settings.time_zone,))]
                      for p in self.personas]
        self.references = referenced_attributes(journey)
        self.id_prefix = id_prefix
        cumulative, total = [], 0.0
        for p in self.personas:
            total += p.share
            cumulative.append(total)
        self._cumulative = cumulative

    def persona_index(self, point: float) -> int:
        target = point * self._cumulative[-1]
        for i, edge in enumerate(self._cumulative):
            if target < edge:
                return i
        return len(self._cumulative) - 1

    def customers(self) -> list[SimCustomer]:
        return [self.make(i) for i in range(self.size)]

    def make(self, index: int) -> SimCustomer:
        rng = self.rng
        pi = self.persona_index(rng.random())
        persona, profile = self.personas[pi], self.profiles[pi]
        zone = rng.choice(self.zones[pi])
        attributes = self._base_attributes(index, zone.key, rng)
        for name, value in persona.attributes.items():
            attributes[name] = self._vary(value, rng)
        for name, hints in self.references.items():
            if name not in attributes:
                value = self._from_hints(hints, rng)
                if value is not None:
                    attributes[name] = value
        consent = {kind: rng.random() < profile.consent.get(kind, 1.0) for kind in CHANNEL_KINDS}
        view = CustomerView(f"{self.id_prefix}-{index:06d}", attributes, zone.key, consent, set())
        return SimCustomer(index, view.id, pi, profile, view, zone)

    # -- attributes ---------------------------------------------------------------------------
    def _base_attributes(self, index: int, zone: str, rng: Random) -> dict[str, Any]:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        orders = min(40, int(rng.expovariate(1 / 3.0)))
        attributes: dict[str, Any] = {
            "first_name": first,
            "last_name": last,
            "birthday": (date(1950, 1, 1) + timedelta(days=rng.randrange(20089))).isoformat(),  # to 2004
            "country": COUNTRY_OF_ZONE.get(zone, "US" if zone.startswith("America/") else "GB"),
            "plan": rng.choices([p for p, _ in PLANS], weights=[w for _, w in PLANS])[0],
            "lifecycle": "customer" if orders else "lead",
            "cart_value": round(math.exp(rng.gauss(math.log(55.0), 0.7)), 2),
            "orders_count": orders,
            "days_since_last_order": rng.randint(1, 365) if orders else None,
            "lifetime_value": round(orders * math.exp(rng.gauss(math.log(60.0), 0.4)), 2),
            "company": rng.choice(COMPANIES),
            "company_size": max(1, int(math.exp(rng.gauss(math.log(40.0), 1.2)))),
            "job_title": rng.choice(JOB_TITLES),
        }
        if attributes["days_since_last_order"] is None:
            del attributes["days_since_last_order"]
        if rng.random() < ADDRESS_SHARE["email"]:
            attributes["email"] = f"{first}.{last}.{index}@example.com".lower()
        if rng.random() < ADDRESS_SHARE["phone"]:
            attributes["phone"] = f"+1555{index % 10_000_000:07d}"
        return attributes

    def _vary(self, value: Any, rng: Random) -> Any:
        if isinstance(value, bool) or value is None:
            return value
        if isinstance(value, int):
            return value if abs(value) < 10 else round(value * rng.uniform(0.7, 1.3))
        if isinstance(value, float):
            return round(value * rng.uniform(0.7, 1.3), 2)
        if isinstance(value, str):
            when = parse_iso(value)
            if when is not None and len(value.strip()) == 10:
                year = min(max(when.year + rng.randint(-5, 5), 1901), self.start.year)
                return (date(year, 1, 1) + timedelta(days=rng.randrange(365))).isoformat()
        return value

    def _from_hints(self, hints: list, rng: Random) -> Any:
        hint = rng.choice(hints)
        if hint[0] == "date":
            return (self.start - timedelta(days=rng.randrange(365 * 40))).isoformat()
        if hint[0] == "values":
            values = hint[1]
            return rng.choice(values) if values and rng.random() < 0.8 else None
        _, operator, value = hint
        if operator in ("exists", "not_exists"):
            return True if rng.random() < 0.5 else None
        number = as_number(value)
        if number is not None:
            spread = abs(number) or 1.0
            drawn = number + rng.uniform(-spread, spread)
            return round(drawn) if isinstance(value, int) else round(drawn, 2)
        if isinstance(value, bool):
            return value if rng.random() < 0.5 else not value
        if rng.random() < 0.5:
            return value
        return None if value is None else f"other-{rng.randint(1, 5)}"


# ---------------------------------------------------------------------------------------------
# Event properties
# ---------------------------------------------------------------------------------------------

#: Review ratings 1..5 and how often each is given.
RATING_WEIGHTS = (0.08, 0.06, 0.11, 0.25, 0.50)


def event_properties(name: str, customer: SimCustomer, rng: Random, counter: int,
                     declared: dict[str, str] | None = None) -> dict[str, Any]:
    """Plausible properties for an event the customer does: the properties the tracking plan
    declares for ``name`` (``declared``: property -> type), and the usual ones for carts, orders,
    reviews and messages."""
    attributes = customer.view.attributes
    props: dict[str, Any] = {}
    for prop, kind in (declared or {}).items():
        if prop in attributes:
            props[prop] = attributes[prop]
        elif kind == "number":
            props[prop] = round(math.exp(rng.gauss(math.log(40.0), 0.8)), 2)
        elif kind == "boolean":
            props[prop] = rng.random() < 0.5
        elif kind == "datetime":
            props[prop] = None
        elif kind == "list":
            props[prop] = []
        elif kind == "object":
            props[prop] = {}
        else:
            props[prop] = f"{prop}-{counter}"
    lowered = name.lower()
    if "cart" in lowered or "checkout" in lowered:
        props["cart_value"] = attributes.get("cart_value", props.get("cart_value", 40.0))
        props.setdefault("item_count", 1 + int(rng.expovariate(0.5)))
    if "order" in lowered or "purchase" in lowered:
        value = attributes.get("cart_value") or round(math.exp(rng.gauss(math.log(55.0), 0.6)), 2)
        props["total"] = value
        props.setdefault("order_id", f"order-{counter}")
        props.setdefault("currency", "GBP" if attributes.get("country") in ("GB", "IE") else "USD")
    if "review" in lowered or "rating" in props:
        props["rating"] = rng.choices((1, 2, 3, 4, 5), weights=RATING_WEIGHTS)[0]
    return {k: v for k, v in props.items() if v is not None}


def satisfy(filters: list[dict], props: dict[str, Any]) -> dict[str, Any]:
    """``props`` with the equality filters of an entry trigger or a wait filled in: the simulated
    customers do the event the journey listens for. Other operators are left to the drawn values,
    so range filters (cart over £50) still split the population."""
    for f in filters:
        operator = f.get("operator", "eq")
        if operator == "eq" and f.get("value") is not None:
            props[f["property"]] = f["value"]
        elif operator == "exists" and f["property"] not in props:
            props[f["property"]] = True
        elif operator == "not_exists":
            props.pop(f["property"], None)
    return props
