"""Analyze: the numbers that say whether the journey works — metrics (KPIs) and funnels.

Annotations: not executable, no ports. The metrics engine computes them from recorded events.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field

from engine.i18n import N_, QT_TRANSLATE_NOOP
from engine.spec import NodeSpec, Stage

from .common import AttributeName, ConfigBase, EventName, PropertyFilter, clip, filters_field, widget

# ---------------------------------------------------------------------------------------------
# analyze.metric
# ---------------------------------------------------------------------------------------------


def _event(title: str = N_("Event")) -> object:
    return Field(title=title, json_schema_extra=widget("event"))


class CountMeasure(ConfigBase):
    model_config = ConfigDict(title=N_("Count of events"))

    kind: Literal["count"] = Field("count", title=N_("Measure"))
    event: EventName = _event()
    filters: list[PropertyFilter] = filters_field()
    distinct_customers: bool = Field(False, title=N_("Count customers, not events"))


class ConversionMeasure(ConfigBase):
    model_config = ConfigDict(title=N_("Conversion from one event to another"))

    kind: Literal["conversion"] = Field("conversion", title=N_("Measure"))
    from_event: EventName = _event(N_("From event"))
    to_event: EventName = _event(N_("To event"))
    within_days: int = Field(7, ge=1, le=365, title=N_("Within (days)"),
                             description=N_("The second event must follow the first within this time."))


class SumMeasure(ConfigBase):
    model_config = ConfigDict(title=N_("Sum of a property"))

    kind: Literal["sum"] = Field("sum", title=N_("Measure"))
    event: EventName = _event()
    property: AttributeName = Field(title=N_("Property"), description=N_("A number property, e.g. total."))
    filters: list[PropertyFilter] = filters_field()


class AverageMeasure(ConfigBase):
    model_config = ConfigDict(title=N_("Average of a property"))

    kind: Literal["average"] = Field("average", title=N_("Measure"))
    event: EventName = _event()
    property: AttributeName = Field(title=N_("Property"), description=N_("A number property, e.g. total."))
    filters: list[PropertyFilter] = filters_field()


class TimeBetweenMeasure(ConfigBase):
    model_config = ConfigDict(title=N_("Time between two events"))

    kind: Literal["time_between"] = Field("time_between", title=N_("Measure"))
    from_event: EventName = _event(N_("From event"))
    to_event: EventName = _event(N_("To event"))
    statistic: Literal["median", "mean"] = Field("median", title=N_("Statistic"))


Measure = Annotated[CountMeasure | ConversionMeasure | SumMeasure | AverageMeasure | TimeBetweenMeasure,
                    Field(discriminator="kind")]


class MetricConfig(ConfigBase):
    name: str = Field(N_("New metric"), min_length=1, max_length=80, title=N_("Name"))
    measure: Measure = Field(title=N_("Measure"))
    level: Literal["channel", "business"] = Field(
        "business", title=N_("Level"),
        description=N_("A channel metric (opens, clicks) or a business metric (orders, revenue)."))
    window_days: int = Field(30, ge=1, le=3650, title=N_("Reporting window (days)"),
                             description=N_("The metric is computed over this many most recent days."))
    target: float | None = Field(None, ge=-1e12, le=1e12, title=N_("Target"),
                                 description=N_("The value to reach; for conversion a percentage. Optional."))
    higher_is_better: bool = Field(True, title=N_("Higher is better"))


def _metric_summary(c: MetricConfig) -> str:
    m = c.measure
    if isinstance(m, CountMeasure):
        body = f"# {m.event}"
    elif isinstance(m, ConversionMeasure):
        body = f"{m.from_event} → {m.to_event}"
    elif isinstance(m, SumMeasure):
        body = f"Σ {m.property}"
    elif isinstance(m, AverageMeasure):
        body = f"avg {m.property}"
    else:
        body = f"{m.from_event} ⇢ {m.to_event}"
    target = f" (target {c.target:g})" if c.target is not None else ""
    return clip(f"{body}{target}")


METRIC = NodeSpec(
    type_key="analyze.metric", version=1,
    title=QT_TRANSLATE_NOOP("nodes", "Metric"),
    stage=Stage.ANALYZE, config_model=MetricConfig, icon="metric",
    description=QT_TRANSLATE_NOOP("nodes", "A key number: a count, a conversion rate, revenue, or the time "
                                           "between two events, with an optional target."),
    summary=_metric_summary,
    example={
        "name": "First-order conversion",
        "measure": {"kind": "conversion", "from_event": "signed_up", "to_event": "order_completed",
                    "within_days": 14},
        "level": "business", "window_days": 30, "target": 25, "higher_is_better": True,
    },
    keywords=("kpi", "measure", "revenue", "conversion", "target"),
)


# ---------------------------------------------------------------------------------------------
# analyze.funnel
# ---------------------------------------------------------------------------------------------


class EventStep(ConfigBase):
    model_config = ConfigDict(title=N_("Event"))

    kind: Literal["event"] = Field("event", title=N_("Step"))
    event: EventName = _event()
    filters: list[PropertyFilter] = filters_field()


class StageStep(ConfigBase):
    model_config = ConfigDict(title=N_("Stage"))

    kind: Literal["stage"] = Field("stage", title=N_("Step"))
    stage_id: str = Field(min_length=1, max_length=64, title=N_("Stage"),
                          description=N_("Id of a Stage node; a customer reaches it by entering any step in it."))


FunnelStep = Annotated[EventStep | StageStep, Field(discriminator="kind")]


class FunnelConfig(ConfigBase):
    name: str = Field(N_("New funnel"), min_length=1, max_length=80, title=N_("Name"))
    steps: list[FunnelStep] = Field(min_length=2, max_length=20, title=N_("Steps"),
                                    description=N_("In order; a customer counts at a step only after the "
                                                   "previous ones."))
    conversion_window_days: int = Field(30, ge=1, le=365, title=N_("Conversion window (days)"),
                                        description=N_("All steps must happen within this time of the first."))


def _funnel_summary(c: FunnelConfig) -> str:
    names = [s.event if isinstance(s, EventStep) else "stage" for s in c.steps]
    return clip(" → ".join(names))


FUNNEL = NodeSpec(
    type_key="analyze.funnel", version=1,
    title=QT_TRANSLATE_NOOP("nodes", "Funnel"),
    stage=Stage.ANALYZE, config_model=FunnelConfig, icon="funnel",
    description=QT_TRANSLATE_NOOP("nodes", "How many customers get from one step to the next, in order, "
                                           "within a conversion window."),
    summary=_funnel_summary,
    example={
        "name": "Sign-up to repeat order",
        "steps": [
            {"kind": "event", "event": "signed_up", "filters": []},
            {"kind": "event", "event": "order_completed", "filters": []},
            {"kind": "event", "event": "order_completed",
             "filters": [{"property": "order_number", "operator": "gte", "value": 2}]},
        ],
        "conversion_window_days": 60,
    },
    keywords=("steps", "drop-off", "conversion"),
)

SPECS = [METRIC, FUNNEL]
