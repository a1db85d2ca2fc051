"""Optimize: learning which path works — A/B/n experiments and holdout (control) groups.

Configs, ports and summaries live here; assignment (``run``) comes from ``behaviour.py`` and the
statistics belong to the engine.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field, field_validator

from engine.i18n import QT_TRANSLATE_NOOP
from engine.spec import NodeSpec, Port, Stage

from . import behaviour
from .common import (
    IN,
    ConfigBase,
    PropertyFilter,
    WeightedPath,
    check_paths,
    clip,
    filters_field,
    path_ports,
    port,
    shares_text,
    widget,
)

# ---------------------------------------------------------------------------------------------
# optimize.experiment
# ---------------------------------------------------------------------------------------------


class FixedSample(ConfigBase):
    model_config = ConfigDict(title=QT_TRANSLATE_NOOP("nodes", "Fixed sample size"))

    kind: Literal["fixed_sample"] = Field("fixed_sample", title=QT_TRANSLATE_NOOP("nodes", "Stop"))
    sample_size_per_variant: int = Field(1000, ge=10, le=10_000_000,
                                         title=QT_TRANSLATE_NOOP("nodes", "Customers per variant"),
                                         description=QT_TRANSLATE_NOOP("nodes", "Decide once every variant "
                                                                                "has had this many."))
    confidence: float = Field(0.95, ge=0.5, le=0.999, title=QT_TRANSLATE_NOOP("nodes", "Confidence"),
                              description=QT_TRANSLATE_NOOP("nodes", "For the significance test at the end, "
                                                                     "e.g. 0.95."))


class Bayesian(ConfigBase):
    model_config = ConfigDict(title=QT_TRANSLATE_NOOP("nodes", "Probability to be best"))

    kind: Literal["bayesian"] = Field("bayesian", title=QT_TRANSLATE_NOOP("nodes", "Stop"))
    probability_threshold: float = Field(0.95, ge=0.5, le=0.999,
                                         title=QT_TRANSLATE_NOOP("nodes", "Probability to be best"),
                                         description=QT_TRANSLATE_NOOP("nodes", "Declare a winner once one "
                                                                                "variant is this likely to "
                                                                                "be the best."))
    min_sample_per_variant: int = Field(100, ge=10, le=10_000_000,
                                        title=QT_TRANSLATE_NOOP("nodes", "At least (customers per variant)"))


class Bandit(ConfigBase):
    model_config = ConfigDict(title=QT_TRANSLATE_NOOP("nodes", "Bandit (shift traffic to the best)"))

    kind: Literal["bandit"] = Field("bandit", title=QT_TRANSLATE_NOOP("nodes", "Stop"))
    algorithm: Literal["thompson"] = Field("thompson", title=QT_TRANSLATE_NOOP("nodes", "Algorithm"),
                                           description=QT_TRANSLATE_NOOP("nodes", "Thompson sampling."))
    burn_in_per_variant: int = Field(100, ge=0, le=1_000_000,
                                     title=QT_TRANSLATE_NOOP("nodes", "Even split first (customers per "
                                                                      "variant)"))


StoppingRule = Annotated[FixedSample | Bayesian | Bandit, Field(discriminator="kind")]


def _two_variants() -> list[WeightedPath]:
    return [WeightedPath(name="control", weight=50), WeightedPath(name="variant_b", weight=50)]


class ExperimentConfig(ConfigBase):
    name: str = Field(QT_TRANSLATE_NOOP("nodes", "New experiment"), min_length=1, max_length=80,
                      title=QT_TRANSLATE_NOOP("nodes", "Name"))
    variants: list[WeightedPath] = Field(default_factory=_two_variants, min_length=2, max_length=10,
                                         title=QT_TRANSLATE_NOOP("nodes", "Variants"),
                                         description=QT_TRANSLATE_NOOP("nodes", "One output per variant; "
                                                                                "weights are the initial "
                                                                                "traffic split."))
    goal_event: str = Field("", max_length=200, title=QT_TRANSLATE_NOOP("nodes", "Primary goal event"),
                            description=QT_TRANSLATE_NOOP("nodes", "Empty to use the journey's goal events."),
                            json_schema_extra=widget("event"))
    goal_filters: list[PropertyFilter] = filters_field(QT_TRANSLATE_NOOP("nodes", "Goal filters"))
    conversion_window_days: int = Field(14, ge=1, le=365,
                                        title=QT_TRANSLATE_NOOP("nodes", "Conversion window (days)"),
                                        description=QT_TRANSLATE_NOOP("nodes", "A conversion counts if it "
                                                                               "happens this soon after a "
                                                                               "customer is assigned."))
    stopping_rule: StoppingRule = Field(default_factory=Bayesian,
                                        title=QT_TRANSLATE_NOOP("nodes", "Stopping rule"))
    auto_promote: bool = Field(False, title=QT_TRANSLATE_NOOP("nodes", "Send everyone to the winner"),
                               description=QT_TRANSLATE_NOOP("nodes", "When the rule picks a winner, route "
                                                                      "all new customers to it."))

    @field_validator("variants")
    @classmethod
    def _variants(cls, variants: list[WeightedPath]) -> list[WeightedPath]:
        check_paths(variants, "variant")
        return variants

    @field_validator("goal_event")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()


EXPERIMENT = NodeSpec(
    type_key="optimize.experiment", version=1,
    title=QT_TRANSLATE_NOOP("nodes", "Experiment"),
    stage=Stage.OPTIMIZE, config_model=ExperimentConfig, icon="experiment",
    inputs=(IN,), outputs=(Port("control", label="control"), Port("variant_b", label="variant_b")),
    dynamic_outputs=lambda c: path_ports(c.variants),
    description=QT_TRANSLATE_NOOP("nodes", "Test two or more paths against a goal and find the winner: a "
                                           "fixed sample, probability to be best, or a bandit."),
    summary=lambda c: clip(f"{' / '.join(v.name for v in c.variants)}: {shares_text(c.variants)}"),
    example={
        "name": "Welcome subject line",
        "variants": [{"name": "control", "weight": 50}, {"name": "variant_b", "weight": 50}],
        "goal_event": "order_completed", "goal_filters": [], "conversion_window_days": 14,
        "stopping_rule": {"kind": "bayesian", "probability_threshold": 0.95, "min_sample_per_variant": 200},
        "auto_promote": True,
    },
    run=behaviour.run_experiment,
    executable=True,
    keywords=("ab test", "a/b", "split test", "bandit", "variant", "winner"),
)


# ---------------------------------------------------------------------------------------------
# optimize.holdout
# ---------------------------------------------------------------------------------------------


class HoldoutConfig(ConfigBase):
    percent: float = Field(10.0, ge=0, le=50, title=QT_TRANSLATE_NOOP("nodes", "Held out (%)"),
                           description=QT_TRANSLATE_NOOP("nodes", "Share of customers who receive nothing, "
                                                                  "to measure lift. Chosen from the customer "
                                                                  "id, so always the same customers."))


HOLDOUT = NodeSpec(
    type_key="optimize.holdout", version=1,
    title=QT_TRANSLATE_NOOP("nodes", "Holdout"),
    stage=Stage.OPTIMIZE, config_model=HoldoutConfig, icon="holdout",
    inputs=(IN,),
    outputs=(port("treatment", QT_TRANSLATE_NOOP("nodes", "Treatment")),
             port("holdout", QT_TRANSLATE_NOOP("nodes", "Holdout"),
                  QT_TRANSLATE_NOOP("nodes", "Receives nothing; compared with treatment to measure lift."))),
    description=QT_TRANSLATE_NOOP("nodes", "Keep a control group out of the journey to measure what it "
                                           "really adds."),
    summary=lambda c: clip(f"Holdout {c.percent:g}%"),
    example={"percent": 10},
    run=behaviour.run_holdout,
    executable=True,
    keywords=("control group", "lift", "incrementality"),
)

SPECS = [EXPERIMENT, HOLDOUT]
