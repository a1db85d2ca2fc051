"""Building blocks shared by the node catalogue.

Owns the config base class (extra fields forbidden), the field types several node types use
(event and attribute names, property filters, attribute rules, durations, weighted paths, colours,
channel references) and the small helpers that build ports and one-line summaries.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from engine.i18n import QT_TRANSLATE_NOOP
from engine.spec import Port

#: Longest summary shown on a node; longer ones end in an ellipsis.
SUMMARY_MAX = 40


def widget(name: str) -> dict[str, str]:
    """Inspector hint for a field: ``multiline``, ``template``, ``color``, ``channel``, ``event``,
    ``rules``, ``segment`` or ``write_key``."""
    return {"widget": name}


class ConfigBase(BaseModel):
    """Every node config and nested part: unknown keys are errors, so typos never pass silently."""

    model_config = ConfigDict(extra="forbid")


# ---------------------------------------------------------------------------------------------
# Shared scalar types
# ---------------------------------------------------------------------------------------------

#: An event name as sent by the source (``order_completed``, ``Order Completed``).
EventName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
#: A customer attribute or event property: letters, digits, ``_`` and ``.`` for nested keys.
AttributeName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100,
                                                 pattern=r"^[A-Za-z_][A-Za-z0-9_.]*$")]
#: A tag on a customer profile.
TagName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
#: ``HH:MM`` on a 24-hour clock.
TimeOfDay = Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]
#: ``#RRGGBB``.
HexColor = Annotated[str, StringConstraints(pattern=r"^#[0-9A-Fa-f]{6}$")]
#: A port name chosen by the user (paths, variants): lower case, digits and ``_``.
PortName = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[a-z][a-z0-9_]{0,31}$")]
#: A value compared with or written to an attribute. Exact JSON types are kept (``true`` stays a bool).
Scalar = str | int | float | bool

ChannelKind = Literal["email", "sms", "webhook", "chat"]
CHANNEL_KIND_LABELS: dict[str, str] = {
    "email": QT_TRANSLATE_NOOP("nodes", "Email"),
    "sms": QT_TRANSLATE_NOOP("nodes", "SMS"),
    "webhook": QT_TRANSLATE_NOOP("nodes", "Webhook"),
    "chat": QT_TRANSLATE_NOOP("nodes", "Chat"),
}

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

TimeUnit = Literal["minutes", "hours", "days", "weeks"]
UNIT_SECONDS: dict[str, int] = {"minutes": 60, "hours": 3600, "days": 86400, "weeks": 604800}


def channel_field(title: str = QT_TRANSLATE_NOOP("nodes", "Channel "
                                                          "account"), *, required: bool = True) -> Any:
    """A reference to a connected channel account by its id; the secret stays in the keyring."""
    return Field(
        ... if required else "",
        title=title,
        description=QT_TRANSLATE_NOOP("nodes", "The connected channel account to use (its id; credentials "
                                               "are stored separately)."),
        min_length=1 if required else 0, max_length=200,
        json_schema_extra=widget("channel"))


# ---------------------------------------------------------------------------------------------
# Rules and filters
# ---------------------------------------------------------------------------------------------

Operator = Literal["eq", "ne", "gt", "gte", "lt", "lte", "contains", "exists", "not_exists"]
#: How an operator reads in a summary.
OPERATOR_SYMBOLS: dict[str, str] = {
    "eq": "=", "ne": "≠", "gt": ">", "gte": "≥", "lt": "<", "lte": "≤",
    "contains": "contains", "exists": "is set", "not_exists": "is not set",
}
#: Operators that test presence only and take no value.
UNARY_OPERATORS = frozenset({"exists", "not_exists"})


def _check_operand(operator: str, value: Any) -> None:
    if operator in UNARY_OPERATORS:
        if value is not None:
            raise ValueError(f"operator '{operator}' takes no value")
    elif value is None:
        raise ValueError(f"operator '{operator}' needs a value")
    elif operator == "contains" and isinstance(value, bool):
        raise ValueError("'contains' needs text or a number to look for")


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class AttributeRule(ConfigBase):
    """``attribute operator value`` on the customer profile, e.g. ``plan eq pro``."""

    model_config = ConfigDict(title=QT_TRANSLATE_NOOP("nodes", "Attribute rule"))

    attribute: AttributeName = Field(title=QT_TRANSLATE_NOOP("nodes", "Attribute"),
                                     description=QT_TRANSLATE_NOOP("nodes", "Profile attribute, e.g. plan or "
                                                                            "city."))
    operator: Operator = Field("eq", title=QT_TRANSLATE_NOOP("nodes", "Operator"))
    value: Scalar | None = Field(None, title=QT_TRANSLATE_NOOP("nodes", "Value"),
                                 description=QT_TRANSLATE_NOOP("nodes", "Left empty for 'is set' and 'is not "
                                                                        "set'."))

    @model_validator(mode="after")
    def _operand(self) -> AttributeRule:
        _check_operand(self.operator, self.value)
        return self

    def text(self) -> str:
        if self.operator in UNARY_OPERATORS:
            return f"{self.attribute} {OPERATOR_SYMBOLS[self.operator]}"
        return f"{self.attribute} {OPERATOR_SYMBOLS[self.operator]} {_show(self.value)}"


class PropertyFilter(ConfigBase):
    """``property operator value`` on an event's properties, e.g. ``total gte 50``."""

    model_config = ConfigDict(title=QT_TRANSLATE_NOOP("nodes", "Property filter"))

    property: AttributeName = Field(title=QT_TRANSLATE_NOOP("nodes", "Property"),
                                    description=QT_TRANSLATE_NOOP("nodes", "Event property, e.g. total or "
                                                                           "sku."))
    operator: Operator = Field("eq", title=QT_TRANSLATE_NOOP("nodes", "Operator"))
    value: Scalar | None = Field(None, title=QT_TRANSLATE_NOOP("nodes", "Value"),
                                 description=QT_TRANSLATE_NOOP("nodes", "Left empty for 'is set' and 'is not "
                                                                        "set'."))

    @model_validator(mode="after")
    def _operand(self) -> PropertyFilter:
        _check_operand(self.operator, self.value)
        return self

    def text(self) -> str:
        if self.operator in UNARY_OPERATORS:
            return f"{self.property} {OPERATOR_SYMBOLS[self.operator]}"
        return f"{self.property} {OPERATOR_SYMBOLS[self.operator]} {_show(self.value)}"


def rules_field(title: str = QT_TRANSLATE_NOOP("nodes", "Rules"), *, min_length: int = 0) -> Any:
    return Field(default_factory=list, title=title, min_length=min_length, max_length=50,
                 json_schema_extra=widget("rules"))


def filters_field(title: str = QT_TRANSLATE_NOOP("nodes", "Property filters")) -> Any:
    return Field(default_factory=list, title=title, max_length=50,
                 description=QT_TRANSLATE_NOOP("nodes", "All filters must match for the event to count."))


Match = Literal["all", "any"]


def match_field() -> Any:
    return Field("all", title=QT_TRANSLATE_NOOP("nodes", "Match"),
                 description=QT_TRANSLATE_NOOP("nodes", "Whether all rules or any one rule must hold."))


def rules_text(rules: list[AttributeRule] | list[PropertyFilter], match: str = "all") -> str:
    joiner = " and " if match == "all" else " or "
    return joiner.join(r.text() for r in rules)


# ---------------------------------------------------------------------------------------------
# Durations and weighted paths
# ---------------------------------------------------------------------------------------------

class Duration(ConfigBase):
    """An amount of time such as 2 days."""

    model_config = ConfigDict(title=QT_TRANSLATE_NOOP("nodes", "Duration"))

    amount: int = Field(1, ge=1, le=10_000, title=QT_TRANSLATE_NOOP("nodes", "Amount"))
    unit: TimeUnit = Field("days", title=QT_TRANSLATE_NOOP("nodes", "Unit"))

    @property
    def seconds(self) -> int:
        return self.amount * UNIT_SECONDS[self.unit]

    def text(self) -> str:
        unit = self.unit[:-1] if self.amount == 1 else self.unit
        return f"{self.amount} {unit}"


class WeightedPath(ConfigBase):
    """One outgoing path of a split or experiment; its ``name`` is the output port's name."""

    model_config = ConfigDict(title=QT_TRANSLATE_NOOP("nodes", "Path"))

    name: PortName = Field(title=QT_TRANSLATE_NOOP("nodes", "Name"),
                           description=QT_TRANSLATE_NOOP("nodes", "Lower-case letters, digits and _; also "
                                                                  "the name of the output."))
    weight: int = Field(50, ge=0, le=10_000, title=QT_TRANSLATE_NOOP("nodes", "Weight"),
                        description=QT_TRANSLATE_NOOP("nodes", "Relative share of customers sent this way."))


def check_paths(paths: list[WeightedPath], what: str) -> None:
    """Names unique, and at least one path that can receive customers."""
    seen: set[str] = set()
    for p in paths:
        if p.name in seen:
            raise ValueError(f"two {what}s are named '{p.name}'")
        seen.add(p.name)
    if paths and sum(p.weight for p in paths) <= 0:
        raise ValueError(f"at least one {what} needs a weight above 0")


def shares_text(paths: list[WeightedPath]) -> str:
    """``50% / 50%``: weights as rounded percentages."""
    total = sum(p.weight for p in paths) or 1
    return " / ".join(f"{round(100 * p.weight / total):g}%" for p in paths)


def path_ports(paths: list[WeightedPath]) -> tuple[Port, ...]:
    return tuple(Port(p.name, label=p.name) for p in paths)


# ---------------------------------------------------------------------------------------------
# Summaries and ports
# ---------------------------------------------------------------------------------------------

def clip(text: str, limit: int = SUMMARY_MAX) -> str:
    """One line, at most ``limit`` characters, ending in ``…`` when cut."""
    line = re.sub(r"\s+", " ", text).strip()
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def port(name: str, label: str, description: str = "") -> Port:
    return Port(name=name, label=label, description=description)


IN = Port("in", label=QT_TRANSLATE_NOOP("nodes", "In"))
NEXT = Port("next", label=QT_TRANSLATE_NOOP("nodes", "Next"))
