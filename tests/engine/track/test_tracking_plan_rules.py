"""Rules of the tracking plan as an app developer meets them: the property names a plan may declare,
declarations of one event in several journeys (scoped by their source, combined, conflicts said),
examples that go with the customer they came from, and what ``journey-studio tracking`` says
about a plan changed since the stored events were checked."""

from __future__ import annotations

import pytest

from engine.commands import make_node
from engine.document import Journey
from engine.validate import validate
from nodes.track import TrackEventConfig


def _event_node(registry, name: str, *props: tuple[str, str, bool], source: str = ""):
    return make_node(registry, "track.event", title=name, config={
        "event_name": name, "description": "", "source": source,
        "properties": [{"name": n, "type": t, "required": r, "description": ""} for n, t, r in props]})


# ---------------------------------------------------------------------------------------------
# Property names
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["$app_version", "product-id", "产品", "shipping.city", "$context.library.name",
                                  "Größe", "order_id"])
def test_sensors_preset_hyphenated_and_non_ascii_names_are_accepted(registry, name):
    config = TrackEventConfig(event_name="Purchase", properties=[{"name": name, "type": "string"}])
    assert config.properties[0].name == name
    journey = Journey(name="Plan", nodes=[_event_node(registry, "Purchase", (name, "string", True))])
    assert [i.message for i in validate(journey, registry) if i.severity == "error"] == []


@pytest.mark.parametrize("name", ["has space", "a..b", "trailing.", "-x", "1st"])
def test_a_wrong_name_says_which_names_are_allowed(registry, name):
    journey = Journey(name="Plan", nodes=[_event_node(registry, "Purchase", (name, "string", True))])
    (error,) = [i.message for i in validate(journey, registry) if i.severity == "error"]
    assert "wrong format" not in error
    assert f"Properties › 1 › Name cannot be '{name}'" in error
    assert "letters (any language), digits, _ and -, optionally starting with $" in error
    assert "a dot separates the levels of a nested value" in error
