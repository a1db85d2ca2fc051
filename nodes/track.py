"""Track: the tracking plan (which events exist, with which properties) and the data sources.

Annotations: not executable, no ports. Ingested events are checked against ``track.event``
entries; ``track.source`` says where events come from (a CSV file or the collector).
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, ConfigDict, Field, StringConstraints, field_validator

from engine.i18n import QT_TRANSLATE_NOOP
from engine.spec import NodeSpec, Stage

from .common import ConfigBase, EventName, clip, widget

# ---------------------------------------------------------------------------------------------
# track.event
# ---------------------------------------------------------------------------------------------

#: What a property holds. ``list`` (a JSON array, such as a cart's ``items``) and ``object`` (a JSON
#: object, such as ``shipping``) came after the first four: a file that uses only those loads and
#: checks as before, so the node's version stays 1 (see :mod:`engine.track.tracking_plan`).
PropertyType = Literal["string", "number", "boolean", "datetime", "list", "object"]

_TYPE_LABELS = {
    "string": QT_TRANSLATE_NOOP("nodes", "String"),
    "number": QT_TRANSLATE_NOOP("nodes", "Number"),
    "boolean": QT_TRANSLATE_NOOP("nodes", "Boolean"),
    "datetime": QT_TRANSLATE_NOOP("nodes", "Date and time"),
    "list": QT_TRANSLATE_NOOP("nodes", "List"),
    "object": QT_TRANSLATE_NOOP("nodes", "Object"),
}


#: One level of a property name: letters of any script, digits, spaces inside it (a spreadsheet's
#: column, ``Financial Status``), ``_`` and ``-``, optionally after a ``$`` (the Sensors SDKs'
#: preset properties: ``$app_version``, ``$os``). The first level does not start with a digit or
#: ``-``. A dot separates the levels of a nested value (``shipping.city``, ``items.Lineitem name``).
_PROPERTY_NAME = re.compile(r"\$?[^\W\d](?:[\w -]*[\w-])?(?:\.\$?[\w-](?:[\w -]*[\w-])?)*")
PROPERTY_NAME_RULE = ("use letters (any language), digits, spaces, _ and -, optionally starting with $ "
                      "($app_version); a dot separates the levels of a nested value (shipping.city)")


def _property_name(value: str) -> str:
    if _PROPERTY_NAME.fullmatch(value) is None:
        raise ValueError(f"cannot be '{value[:60]}': {PROPERTY_NAME_RULE}")
    return value


#: The name of an event property as SDKs send it: ``order_id``, ``$app_version``, ``product-id``,
#: ``产品``, ``shipping.city`` (see :data:`PROPERTY_NAME_RULE`).
PropertyName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
                         AfterValidator(_property_name)]


class EventProperty(ConfigBase):
    model_config = ConfigDict(title=QT_TRANSLATE_NOOP("nodes", "Property"))

    name: PropertyName = Field(title=QT_TRANSLATE_NOOP("nodes", "Name"),
                               description=QT_TRANSLATE_NOOP("nodes", "As the source sends it: letters (any "
                                                                      "language), digits, spaces, _ and -, "
                                                                      "optionally starting with $; a dot "
                                                                      "separates the levels of a nested value "
                                                                      "(shipping.city)."))
    type: PropertyType = Field("string", title=QT_TRANSLATE_NOOP("nodes", "Type"),
                               description=QT_TRANSLATE_NOOP("nodes", "List: an array, such as a cart's "
                                                                      "items. Object: nested values, such "
                                                                      "as a shipping address; a dotted name "
                                                                      "(shipping.city) declares one value "
                                                                      "inside it."),
                               json_schema_extra={"labels": _TYPE_LABELS})
    required: bool = Field(False, title=QT_TRANSLATE_NOOP("nodes", "Required"))
    description: str = Field("", max_length=500, title=QT_TRANSLATE_NOOP("nodes", "Description"))


class TrackEventConfig(ConfigBase):
    event_name: EventName = Field(title=QT_TRANSLATE_NOOP("nodes", "Event name"),
                                  description=QT_TRANSLATE_NOOP("nodes", "Exactly as the source sends it."),
                                  json_schema_extra=widget("event"))
    description: str = Field("", max_length=2000, title=QT_TRANSLATE_NOOP("nodes", "Description"),
                             description=QT_TRANSLATE_NOOP("nodes", "When the event is sent and what it "
                                                                    "means."),
                             json_schema_extra=widget("multiline"))
    properties: list[EventProperty] = Field(default_factory=list, max_length=100,
                                            title=QT_TRANSLATE_NOOP("nodes", "Properties"))
    source: str = Field("", max_length=120, title=QT_TRANSLATE_NOOP("nodes", "Source"),
                        description=QT_TRANSLATE_NOOP("nodes", "Name of the data source that sends it; empty "
                                                               "for any source."))

    @field_validator("properties")
    @classmethod
    def _unique(cls, props: list[EventProperty]) -> list[EventProperty]:
        names = [p.name for p in props]
        dup = next((n for n in names if names.count(n) > 1), None)
        if dup:
            raise ValueError(f"property '{dup}' is listed twice")
        return props


def _event_summary(c: TrackEventConfig) -> str:
    # The event name is usually the node's title; say what it carries and who sends it.
    n = len(c.properties)
    text = f"{n} propert{'y' if n == 1 else 'ies'}" if n else "No properties"
    return clip(f"{text} · from {c.source}") if c.source.strip() else text


EVENT = NodeSpec(
    type_key="track.event", version=1,
    title=QT_TRANSLATE_NOOP("nodes", "Tracked event"),
    stage=Stage.TRACK, config_model=TrackEventConfig, icon="event",
    description=QT_TRANSLATE_NOOP("nodes", "An entry of the tracking plan: an event name and the properties "
                                           "it carries. Incoming events are checked against it."),
    summary=_event_summary,
    example={
        "event_name": "order_completed",
        "description": "Sent by the shop when a payment succeeds.",
        "properties": [
            {"name": "order_id", "type": "string", "required": True, "description": ""},
            {"name": "total", "type": "number", "required": True, "description": "Gross amount"},
            {"name": "coupon", "type": "string", "required": False, "description": ""},
        ],
        "source": "Shop",
    },
    keywords=("tracking plan", "schema", "analytics"),
)


# ---------------------------------------------------------------------------------------------
# track.source
# ---------------------------------------------------------------------------------------------


class CsvSource(ConfigBase):
    model_config = ConfigDict(title=QT_TRANSLATE_NOOP("nodes", "CSV file"))

    kind: Literal["csv"] = Field("csv", title=QT_TRANSLATE_NOOP("nodes", "Kind"))
    path: str = Field(min_length=1, max_length=1000, title=QT_TRANSLATE_NOOP("nodes", "File"),
                      description=QT_TRANSLATE_NOOP("nodes", "Path of the CSV file, one event per row."))
    delimiter: Literal[",", ";", "\t", "|"] = Field(",", title=QT_TRANSLATE_NOOP("nodes", "Delimiter"))
    customer_column: str = Field("customer_id", min_length=1, max_length=100,
                                 title=QT_TRANSLATE_NOOP("nodes", "Customer id column"))
    event_column: str = Field("event", min_length=1, max_length=100,
                              title=QT_TRANSLATE_NOOP("nodes", "Event column"))
    timestamp_column: str = Field("timestamp", min_length=1, max_length=100,
                                  title=QT_TRANSLATE_NOOP("nodes", "Time column"))


class CollectorSource(ConfigBase):
    model_config = ConfigDict(title=QT_TRANSLATE_NOOP("nodes", "Collector"))

    kind: Literal["collector"] = Field("collector", title=QT_TRANSLATE_NOOP("nodes", "Kind"))
    protocol: Literal["segment", "sensors"] = Field(
        "segment", title=QT_TRANSLATE_NOOP("nodes", "Protocol"),
        description=QT_TRANSLATE_NOOP("nodes", "Segment HTTP tracking API, or the Sensors Analytics SDK "
                                               "format."))
    write_key_ref: str = Field("", max_length=200, title=QT_TRANSLATE_NOOP("nodes", "Write key"),
                               json_schema_extra=widget("write_key"),
                               description=QT_TRANSLATE_NOOP("nodes", "Name of the collector write key this "
                                                                      "source's senders use, one of the "
                                                                      "workspace's keys (Track › Collector, "
                                                                      "Write keys; or 'journey-studio collect "
                                                                      "keys list'). Only the name is kept here, "
                                                                      "never the key. Only events sent with "
                                                                      "that key are counted; empty counts every "
                                                                      "key of the protocol."))


class TrackSourceConfig(ConfigBase):
    name: str = Field(QT_TRANSLATE_NOOP("nodes", "Data source"), min_length=1, max_length=80,
                      title=QT_TRANSLATE_NOOP("nodes", "Name"))
    source: Annotated[CsvSource | CollectorSource, Field(discriminator="kind")] = Field(
        default_factory=CollectorSource, title=QT_TRANSLATE_NOOP("nodes", "Source"))


def _source_summary(c: TrackSourceConfig) -> str:
    if isinstance(c.source, CsvSource):
        return clip(f"CSV: {c.source.path.replace(chr(92), '/').rsplit('/', 1)[-1]}")
    text = f"{'Segment' if c.source.protocol == 'segment' else 'Sensors'} collector"
    return clip(f"{text} · key {c.source.write_key_ref.strip()}") if c.source.write_key_ref.strip() else text


SOURCE = NodeSpec(
    type_key="track.source", version=1,
    title=QT_TRANSLATE_NOOP("nodes", "Data source"),
    stage=Stage.TRACK, config_model=TrackSourceConfig, icon="source",
    description=QT_TRANSLATE_NOOP("nodes", "Where events come from: a CSV export, or the built-in collector "
                                           "that accepts Segment or Sensors tracking calls. Shows how many "
                                           "events arrived from it, in all and in the last 24 hours. A "
                                           "collector source naming a write key counts the events sent with "
                                           "that key, so a website and an app with keys of their own count "
                                           "apart; one naming no key counts every event of its protocol. A "
                                           "CSV source counts the imports of files with its file name."),
    summary=_source_summary,
    example={"name": "Shop website", "source": {"kind": "collector", "protocol": "segment",
                                                "write_key_ref": "Shop website"}},
    keywords=("import", "csv", "collector", "segment", "sensors", "ingest"),
)

SPECS = [EVENT, SOURCE]
