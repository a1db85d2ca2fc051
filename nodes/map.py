"""Map: the picture of the journey before anything runs — stages, personas, touchpoints, notes.

These are annotations (not executable, no ports). Executable nodes refer to a ``map.stage`` node
as their lane, which gives stage funnels; the simulator draws its population from personas.
"""

from __future__ import annotations

from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ConfigDict, Field, field_validator

from engine.i18n import QT_TRANSLATE_NOOP
from engine.spec import STAGE_COLORS, NodeSpec, Stage

from .common import SUMMARY_MAX, AttributeName, ConfigBase, HexColor, Scalar, clip, widget

# ---------------------------------------------------------------------------------------------
# map.stage
# ---------------------------------------------------------------------------------------------


class StageConfig(ConfigBase):
    name: str = Field(QT_TRANSLATE_NOOP("nodes", "New stage"), min_length=1, max_length=80,
                      title=QT_TRANSLATE_NOOP("nodes", "Name"),
                      description=QT_TRANSLATE_NOOP("nodes", "e.g. Awareness, Onboarding, Retention."))
    goal: str = Field("", max_length=500, title=QT_TRANSLATE_NOOP("nodes", "Goal"),
                      description=QT_TRANSLATE_NOOP("nodes", "What a customer should achieve in this stage."),
                      json_schema_extra=widget("multiline"))
    color: HexColor = Field(STAGE_COLORS[Stage.MAP], title=QT_TRANSLATE_NOOP("nodes", "Colour"),
                            json_schema_extra=widget("color"))
    order: int = Field(0, ge=0, le=999, title=QT_TRANSLATE_NOOP("nodes", "Order"),
                       description=QT_TRANSLATE_NOOP("nodes", "Position from left to right; lower comes "
                                                              "first."))


def _stage_summary(c: StageConfig) -> str:
    # The name is the node's title already; the goal says what the lane is for.
    return clip(f"Goal: {c.goal}") if c.goal.strip() else f"Stage {c.order + 1}"


STAGE = NodeSpec(
    type_key="map.stage", version=1,
    title=QT_TRANSLATE_NOOP("nodes", "Stage"),
    stage=Stage.MAP, config_model=StageConfig, icon="stage",
    description=QT_TRANSLATE_NOOP("nodes", "A lane of the journey, such as Onboarding, with its goal. "
                                           "Steps placed in it are counted in the stage funnel."),
    summary=_stage_summary,
    example={"name": "Onboarding", "goal": "First order within 14 days", "color": "#7E57C2", "order": 1},
    keywords=("lane", "column", "phase", "step"),
)


# ---------------------------------------------------------------------------------------------
# map.persona
# ---------------------------------------------------------------------------------------------


class Trait(ConfigBase):
    model_config = ConfigDict(title=QT_TRANSLATE_NOOP("nodes", "Trait"))

    key: str = Field(min_length=1, max_length=80, title=QT_TRANSLATE_NOOP("nodes", "Trait"),
                     description=QT_TRANSLATE_NOOP("nodes", "e.g. Motivation."))
    value: str = Field("", max_length=500, title=QT_TRANSLATE_NOOP("nodes", "Description"))


class AttributeDefault(ConfigBase):
    model_config = ConfigDict(title=QT_TRANSLATE_NOOP("nodes", "Attribute default"))

    attribute: AttributeName = Field(title=QT_TRANSLATE_NOOP("nodes", "Attribute"))
    value: Scalar = Field(title=QT_TRANSLATE_NOOP("nodes", "Value"))


class PersonaConfig(ConfigBase):
    name: str = Field(QT_TRANSLATE_NOOP("nodes", "New persona"), min_length=1, max_length=80,
                      title=QT_TRANSLATE_NOOP("nodes", "Name"))
    description: str = Field("", max_length=2000, title=QT_TRANSLATE_NOOP("nodes", "Description"),
                             json_schema_extra=widget("multiline"))
    share_percent: float = Field(25.0, ge=0, le=100,
                                 title=QT_TRANSLATE_NOOP("nodes", "Share of customers (%)"),
                                 description=QT_TRANSLATE_NOOP("nodes", "How many customers are like this "
                                                                        "persona. Shares are scaled so that "
                                                                        "all personas together make 100%."))
    traits: list[Trait] = Field(default_factory=list, max_length=30,
                                title=QT_TRANSLATE_NOOP("nodes", "Traits"))
    time_zones: list[str] = Field(default_factory=list, max_length=20,
                                  title=QT_TRANSLATE_NOOP("nodes", "Time zones"),
                                  description=QT_TRANSLATE_NOOP("nodes", "IANA names such as Europe/Berlin; "
                                                                         "simulated customers are spread "
                                                                         "over them."))
    attribute_defaults: list[AttributeDefault] = Field(
        default_factory=list, max_length=50, title=QT_TRANSLATE_NOOP("nodes", "Profile attributes"),
        description=QT_TRANSLATE_NOOP("nodes", "Attributes simulated customers of this persona start with."))

    @field_validator("time_zones")
    @classmethod
    def _zones(cls, zones: list[str]) -> list[str]:
        for zone in zones:
            try:
                ZoneInfo(zone)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"unknown time zone '{zone}'") from None
        return zones

    @field_validator("attribute_defaults")
    @classmethod
    def _unique(cls, defaults: list[AttributeDefault]) -> list[AttributeDefault]:
        names = [d.attribute for d in defaults]
        dup = next((n for n in names if names.count(n) > 1), None)
        if dup:
            raise ValueError(f"attribute '{dup}' is given twice")
        return defaults


def _persona_summary(c: PersonaConfig) -> str:
    return clip(f"{c.share_percent:g}% of customers")


PERSONA = NodeSpec(
    type_key="map.persona", version=1,
    title=QT_TRANSLATE_NOOP("nodes", "Persona"),
    stage=Stage.MAP, config_model=PersonaConfig, icon="persona",
    description=QT_TRANSLATE_NOOP("nodes", "A kind of customer: who they are, how many there are and what "
                                           "drives them. The simulator builds its customers from personas."),
    summary=_persona_summary,
    example={
        "name": "Busy parent",
        "description": "Orders on the phone in the evening; values speed over price.",
        "share_percent": 40,
        "traits": [{"key": "Motivation", "value": "Save time"}],
        "time_zones": ["Europe/Berlin"],
        "attribute_defaults": [{"attribute": "plan", "value": "free"}, {"attribute": "kids", "value": 2}],
    },
    keywords=("audience", "segment", "customer", "profile"),
)


# ---------------------------------------------------------------------------------------------
# map.touchpoint
# ---------------------------------------------------------------------------------------------

TouchpointChannel = Literal["web", "app", "email", "sms", "chat", "phone", "store", "social", "ads", "other"]


class TouchpointConfig(ConfigBase):
    name: str = Field(QT_TRANSLATE_NOOP("nodes", "New touchpoint"), min_length=1, max_length=80,
                      title=QT_TRANSLATE_NOOP("nodes", "Name"))
    channel: TouchpointChannel = Field("web", title=QT_TRANSLATE_NOOP("nodes", "Channel"))
    description: str = Field("", max_length=2000, title=QT_TRANSLATE_NOOP("nodes", "Description"),
                             json_schema_extra=widget("multiline"))
    emotion: int = Field(0, ge=-2, le=2, title=QT_TRANSLATE_NOOP("nodes", "Emotion"),
                         description=QT_TRANSLATE_NOOP("nodes", "How the customer feels here, from −2 "
                                                                "(upset) to +2 (delighted)."))
    pain_points: list[str] = Field(default_factory=list, max_length=30,
                                   title=QT_TRANSLATE_NOOP("nodes", "Pain points"))
    opportunities: list[str] = Field(default_factory=list, max_length=30,
                                     title=QT_TRANSLATE_NOOP("nodes", "Opportunities"))
    owner: str = Field("", max_length=120, title=QT_TRANSLATE_NOOP("nodes", "Owner"),
                       description=QT_TRANSLATE_NOOP("nodes", "Who in the team looks after it."))


CHANNEL_NAMES: dict[str, str] = {
    "web": "Web", "app": "App", "email": "Email", "sms": "SMS", "chat": "Chat", "phone": "Phone",
    "store": "Store", "social": "Social", "ads": "Ads", "other": "Other channel",
}
#: How an emotion score reads: a marketer thinks "negative", not "-1".
EMOTION_WORDS: dict[int, str] = {
    -2: "very negative", -1: "negative", 0: "neutral", 1: "positive", 2: "very positive",
}


def _counted(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _touchpoint_summary(c: TouchpointConfig) -> str:
    text = f"{CHANNEL_NAMES[c.channel]} · feels {EMOTION_WORDS[c.emotion]}"
    # Extras only when they fit whole: a cut-off "2 pain po…" says less than nothing.
    for extra in (_counted(len(c.pain_points), "pain point", "pain points") if c.pain_points else "",
                  _counted(len(c.opportunities), "idea", "ideas") if c.opportunities else ""):
        if extra and len(f"{text} · {extra}") <= SUMMARY_MAX:
            text = f"{text} · {extra}"
    return text


TOUCHPOINT = NodeSpec(
    type_key="map.touchpoint", version=1,
    title=QT_TRANSLATE_NOOP("nodes", "Touchpoint"),
    stage=Stage.MAP, config_model=TouchpointConfig, icon="touchpoint",
    description=QT_TRANSLATE_NOOP("nodes", "A moment where the customer meets the business, how they feel "
                                           "there, what hurts and what could be better."),
    summary=_touchpoint_summary,
    example={
        "name": "Checkout", "channel": "web", "description": "Paying for the first order.",
        "emotion": -1, "pain_points": ["Shipping cost shown late"],
        "opportunities": ["Show free-shipping threshold in the cart"], "owner": "Web team",
    },
    keywords=("moment", "interaction", "emotion", "pain point"),
)


# ---------------------------------------------------------------------------------------------
# map.note
# ---------------------------------------------------------------------------------------------


class NoteConfig(ConfigBase):
    text: str = Field("", max_length=5000, title=QT_TRANSLATE_NOOP("nodes", "Text"),
                      json_schema_extra=widget("multiline"))
    color: HexColor = Field("#FFF59D", title=QT_TRANSLATE_NOOP("nodes", "Colour"),
                            json_schema_extra=widget("color"))


def _note_summary(c: NoteConfig) -> str:
    return clip(c.text) if c.text.strip() else QT_TRANSLATE_NOOP("nodes", "Empty note")


NOTE = NodeSpec(
    type_key="map.note", version=1,
    title=QT_TRANSLATE_NOOP("nodes", "Note"),
    stage=Stage.MAP, config_model=NoteConfig, icon="note",
    description=QT_TRANSLATE_NOOP("nodes", "A sticky note for ideas, questions and decisions."),
    summary=_note_summary,
    example={"text": "Ask support which questions come up after the first order.", "color": "#FFF59D"},
    keywords=("sticky", "comment", "text"),
)

SPECS = [STAGE, PERSONA, TOUCHPOINT, NOTE]
