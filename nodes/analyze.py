"""Analyze: the numbers that say whether the journey works — metrics (KPIs) and funnels.

Annotations: not executable, no ports. The metrics engine computes them from recorded events.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field

from engine.i18n import QT_TRANSLATE_NOOP
from engine.spec import NodeSpec, Stage

from .common import (
    SUMMARY_MAX,
    AttributeName,
    ConfigBase,
    EventName,
    PropertyFilter,
    clip,
    filters_field,
    widget,
)

# ---------------------------------------------------------------------------------------------
# analyze.metric
# ---------------------------------------------------------------------------------------------


def _event(title: str = QT_TRANSLATE_NOOP("nodes", "Event")) -> object:
    return Field(title=title, json_schema_extra=widget("event"))


class CountMeasure(ConfigBase):
    model_config = ConfigDict(title=QT_TRANSLATE_NOOP("nodes", "Count of events"))

    kind: Literal["count"] = Field("count", title=QT_TRANSLATE_NOOP("nodes", "Measure"))
    event: EventName = _event()
    filters: list[PropertyFilter] = filters_field()
    distinct_customers: bool = Field(False, title=QT_TRANSLATE_NOOP("nodes", "Count customers, not events"))


class ConversionMeasure(ConfigBase):
    model_config = ConfigDict(title=QT_TRANSLATE_NOOP("nodes", "Conversion from one event to another"))

    kind: Literal["conversion"] = Field("conversion", title=QT_TRANSLATE_NOOP("nodes", "Measure"))
    from_event: EventName = _event(QT_TRANSLATE_NOOP("nodes", "From event"))
    to_event: EventName = _event(QT_TRANSLATE_NOOP("nodes", "To event"))
    within_days: int = Field(7, ge=1, le=365, title=QT_TRANSLATE_NOOP("nodes", "Within (days)"),
                             description=QT_TRANSLATE_NOOP("nodes", "The second event must follow the first "
                                                                    "within this time."))


class SumMeasure(ConfigBase):
    model_config = ConfigDict(title=QT_TRANSLATE_NOOP("nodes", "Sum of a property"))

    kind: Literal["sum"] = Field("sum", title=QT_TRANSLATE_NOOP("nodes", "Measure"))
    event: EventName = _event()
    property: AttributeName = Field(title=QT_TRANSLATE_NOOP("nodes", "Property"),
                                    description=QT_TRANSLATE_NOOP("nodes", "A number property, e.g. total."))
    filters: list[PropertyFilter] = filters_field()


class AverageMeasure(ConfigBase):
    model_config = ConfigDict(title=QT_TRANSLATE_NOOP("nodes", "Average of a property"))

    kind: Literal["average"] = Field("average", title=QT_TRANSLATE_NOOP("nodes", "Measure"))
    event: EventName = _event()
    property: AttributeName = Field(title=QT_TRANSLATE_NOOP("nodes", "Property"),
                                    description=QT_TRANSLATE_NOOP("nodes", "A number property, e.g. total."))
    filters: list[PropertyFilter] = filters_field()


class TimeBetweenMeasure(ConfigBase):
    model_config = ConfigDict(title=QT_TRANSLATE_NOOP("nodes", "Time between two events"))

    kind: Literal["time_between"] = Field("time_between", title=QT_TRANSLATE_NOOP("nodes", "Measure"))
    from_event: EventName = _event(QT_TRANSLATE_NOOP("nodes", "From event"))
    to_event: EventName = _event(QT_TRANSLATE_NOOP("nodes", "To event"))
    statistic: Literal["median", "mean"] = Field("median", title=QT_TRANSLATE_NOOP("nodes", "Statistic"))


Measure = Annotated[CountMeasure | ConversionMeasure | SumMeasure | AverageMeasure | TimeBetweenMeasure,
                    Field(discriminator="kind")]


class MetricConfig(ConfigBase):
    name: str = Field(QT_TRANSLATE_NOOP("nodes", "New metric"), min_length=1, max_length=80,
                      title=QT_TRANSLATE_NOOP("nodes", "Name"))
    measure: Measure = Field(title=QT_TRANSLATE_NOOP("nodes", "Measure"))
    level: Literal["channel", "business"] = Field(
        "business", title=QT_TRANSLATE_NOOP("nodes", "Level"),
        description=QT_TRANSLATE_NOOP("nodes", "A channel metric (opens, clicks) or a business metric "
                                               "(orders, revenue)."))
    window_days: int = Field(30, ge=1, le=3650, title=QT_TRANSLATE_NOOP("nodes", "Reporting window (days)"),
                             description=QT_TRANSLATE_NOOP("nodes", "The metric is computed over this many "
                                                                    "most recent days."))
    target: float | None = Field(None, ge=-1e12, le=1e12, title=QT_TRANSLATE_NOOP("nodes", "Target"),
                                 description=QT_TRANSLATE_NOOP("nodes", "The value to reach; for conversion "
                                                                        "a percentage. Optional."))
    higher_is_better: bool = Field(True, title=QT_TRANSLATE_NOOP("nodes", "Higher is better"))


def _fitted(bodies: list[str], tail: str = "") -> str:
    """The first of ``bodies`` that fits whole with ``tail``; else the last one, shortened so that
    ``tail`` (a target, a step count) stays readable."""
    for body in bodies:
        if len(body) + len(tail) <= SUMMARY_MAX:
            return body + tail
    return clip(bodies[-1], SUMMARY_MAX - len(tail)) + tail


def _metric_summary(c: MetricConfig) -> str:
    m = c.measure
    if isinstance(m, CountMeasure):
        bodies = ([f"Customers with {m.event}", f"Customers: {m.event}"] if m.distinct_customers
                  else [f"Count of {m.event}"])
    elif isinstance(m, ConversionMeasure):
        bodies = [f"{m.from_event} → {m.to_event}", f"Conversion to {m.to_event}", f"Reached {m.to_event}"]
    elif isinstance(m, SumMeasure):
        bodies = [f"Sum of {m.property}"]
    elif isinstance(m, AverageMeasure):
        bodies = [f"Average of {m.property}"]
    else:
        bodies = [f"Time {m.from_event} → {m.to_event}", f"Time to {m.to_event}"]
    if c.target is None:
        return _fitted(bodies)
    unit = "%" if isinstance(m, ConversionMeasure) else ""
    return _fitted(bodies, f" · target {c.target:,g}{unit}")


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
    model_config = ConfigDict(title=QT_TRANSLATE_NOOP("nodes", "Event"))

    kind: Literal["event"] = Field("event", title=QT_TRANSLATE_NOOP("nodes", "Step"))
    event: EventName = _event()
    filters: list[PropertyFilter] = filters_field()


class StageStep(ConfigBase):
    model_config = ConfigDict(title=QT_TRANSLATE_NOOP("nodes", "Stage"))

    kind: Literal["stage"] = Field("stage", title=QT_TRANSLATE_NOOP("nodes", "Step"))
    stage_id: str = Field(min_length=1, max_length=64, title=QT_TRANSLATE_NOOP("nodes", "Stage"),
                          description=QT_TRANSLATE_NOOP("nodes", "Id of a Stage node; a customer reaches it "
                                                                 "by entering any step in it."))


FunnelStep = Annotated[EventStep | StageStep, Field(discriminator="kind")]


class FunnelConfig(ConfigBase):
    name: str = Field(QT_TRANSLATE_NOOP("nodes", "New funnel"), min_length=1, max_length=80,
                      title=QT_TRANSLATE_NOOP("nodes", "Name"))
    steps: list[FunnelStep] = Field(min_length=2, max_length=20, title=QT_TRANSLATE_NOOP("nodes", "Steps"),
                                    description=QT_TRANSLATE_NOOP("nodes", "In order; a customer counts at a "
                                                                           "step only after the previous "
                                                                           "ones."))
    conversion_window_days: int = Field(30, ge=1, le=365,
                                        title=QT_TRANSLATE_NOOP("nodes", "Conversion window (days)"),
                                        description=QT_TRANSLATE_NOOP("nodes", "All steps must happen within "
                                                                               "this time of the first."))


def _funnel_summary(c: FunnelConfig) -> str:
    first, last = (s.event if isinstance(s, EventStep) else "a stage" for s in (c.steps[0], c.steps[-1]))
    n = len(c.steps)
    return _fitted([f"{first} → {last} · {n} steps", f"{n} steps to {last}"])


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
