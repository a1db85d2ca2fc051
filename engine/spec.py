"""Node specs: the one declarative description of a node type.

A :class:`NodeSpec` drives the palette, the inspector form, validation, serialization and (in the
runner) behaviour. The engine never imports the ``nodes`` package: node packs are passed in as a
:class:`Registry`, or discovered through the ``journey_studio.node_packs`` entry point.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.metadata import entry_points
from typing import Any

from pydantic import BaseModel, ValidationError

from engine.errors import ConfigInvalid, UnknownNodeType
from engine.messages import errors_of


class Stage(enum.StrEnum):
    """The five steps of MTAOO, in order."""

    MAP = "map"
    TRACK = "track"
    ANALYZE = "analyze"
    ORCHESTRATE = "orchestrate"
    OPTIMIZE = "optimize"

    @property
    def order(self) -> int:
        return list(Stage).index(self)


#: Display colours per stage (also used by the canvas and the exports).
STAGE_COLORS: dict[Stage, str] = {
    Stage.MAP: "#7E57C2",
    Stage.TRACK: "#0288D1",
    Stage.ANALYZE: "#00897B",
    Stage.ORCHESTRATE: "#EF6C00",
    Stage.OPTIMIZE: "#C2185B",
}


@dataclass(frozen=True)
class Port:
    """A named input or output. Edges refer to ports by ``name``, never by index."""

    name: str
    label: str = ""
    description: str = ""

    @property
    def display(self) -> str:
        return self.label or self.name


#: ``run(config, ctx)`` returns the output port to follow or a park instruction (engine issue).
RunFn = Callable[[Any, Any], Any]
#: ``migrate(from_version, config_dict) -> config_dict`` brings a config one version forward.
MigrateFn = Callable[[int, dict], dict]


@dataclass(frozen=True)
class NodeSpec:
    """Everything the product knows about one node type."""

    type_key: str
    version: int
    title: str
    stage: Stage
    config_model: type[BaseModel]
    inputs: tuple[Port, ...] = ()
    outputs: tuple[Port, ...] = ()
    icon: str = ""
    description: str = ""
    #: Behaviour, supplied for runnable types by the engine issue.
    run: RunFn | None = None
    migrate: MigrateFn | None = None
    #: Older type keys this spec replaces (renames).
    replaces: tuple[str, ...] = ()
    #: One-line summary for the canvas, e.g. "Wait 2 days".
    summary: Callable[[BaseModel], str] | None = None
    #: Ports that depend on the config (one branch per value, one path per variant).
    dynamic_outputs: Callable[[BaseModel], tuple[Port, ...]] | None = None
    #: A config that validates, used by the conformance tests and the palette preview.
    example: dict = field(default_factory=dict)
    #: Part of the runnable flow (Orchestrate and Optimize types); others are annotations.
    executable: bool = False
    #: An entry node: a customer's run starts here.
    is_entry: bool = False
    #: A cycle through a node of this type is allowed (waits and jumps).
    breaks_cycles: bool = False
    #: Search words for the palette, besides title and description.
    keywords: tuple[str, ...] = ()
    #: Entry types: ``trigger(config)`` gives the ``engine.runtime.triggers`` object that starts runs.
    trigger: Callable | None = None
    #: Goal types: ``goal_event(config)`` gives ``(event, filters)`` so a goal reached anywhere counts.
    goal_event: Callable | None = None

    # -- config ------------------------------------------------------------------------------
    def default_config(self) -> dict:
        """The config a freshly added node starts with (valid, or as close as defaults allow): the
        defaults, and from the node type's example only the fields that have none (a tracked
        event's name), so that a new node holds no example's description, properties or source."""
        try:
            return self.config_model().model_dump(mode="json")
        except ValidationError:
            pass
        required = {name: self.example[name] for name, info in self.config_model.model_fields.items()
                    if info.is_required() and name in self.example}
        try:
            return self.config_model.model_validate(required).model_dump(mode="json")
        except ValidationError:
            return self.config_model.model_validate(self.example).model_dump(mode="json")

    def parse_config(self, config: dict, *, node_id: str | None = None) -> BaseModel:
        """Validate ``config``; raise :class:`ConfigInvalid` naming the first bad field."""
        try:
            return self.config_model.model_validate(config)
        except ValidationError as exc:
            problems = errors_of(exc, config)
            field_path, message = problems[0]
            raise ConfigInvalid(message, node_id=node_id, field=field_path or None,
                                errors=exc.errors(include_url=False)) from None

    def config_errors(self, config: dict) -> list[tuple[str, str]]:
        """``[(field path, message)]`` for every problem in ``config``; empty when valid."""
        try:
            self.config_model.model_validate(config)
        except ValidationError as exc:
            return errors_of(exc, config)
        return []

    # -- ports -------------------------------------------------------------------------------
    def output_ports(self, config: dict | BaseModel | None = None) -> tuple[Port, ...]:
        if self.dynamic_outputs is None or config is None:
            return self.outputs
        try:
            model = config if isinstance(config, BaseModel) else self.config_model.model_validate(config)
        except ValidationError:
            return self.outputs
        return self.dynamic_outputs(model)

    def input_ports(self, config: dict | BaseModel | None = None) -> tuple[Port, ...]:
        return self.inputs

    def summarize(self, config: dict) -> str:
        if self.summary is None:
            return ""
        try:
            return self.summary(self.config_model.model_validate(config))
        except ValidationError:
            return ""
        except Exception:  # a summary must never break painting
            return ""


class Registry:
    """A set of node specs keyed by type key (and by the older keys they replace)."""

    def __init__(self, specs: Iterable[NodeSpec] = ()):
        self._specs: dict[str, NodeSpec] = {}
        self._aliases: dict[str, str] = {}
        for spec in specs:
            self.register(spec)

    def register(self, spec: NodeSpec) -> None:
        if spec.type_key in self._specs:
            raise ValueError(f"node type '{spec.type_key}' registered twice")
        self._specs[spec.type_key] = spec
        for old in spec.replaces:
            self._aliases[old] = spec.type_key

    def resolve(self, type_key: str) -> str:
        return self._aliases.get(type_key, type_key)

    def get(self, type_key: str) -> NodeSpec | None:
        return self._specs.get(self.resolve(type_key))

    def __getitem__(self, type_key: str) -> NodeSpec:
        spec = self.get(type_key)
        if spec is None:
            raise UnknownNodeType(type_key)
        return spec

    def __contains__(self, type_key: object) -> bool:
        return isinstance(type_key, str) and self.get(type_key) is not None

    def __iter__(self) -> Iterator[NodeSpec]:
        return iter(sorted(self._specs.values(), key=lambda s: (s.stage.order, s.type_key)))

    def __len__(self) -> int:
        return len(self._specs)

    def merged(self, other: Registry) -> Registry:
        return Registry([*self, *other])


ENTRY_POINT_GROUP = "journey_studio.node_packs"


@lru_cache(maxsize=1)
def default_registry() -> Registry:
    """All node packs installed through the ``journey_studio.node_packs`` entry point."""
    registry = Registry()
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        pack = ep.load()
        specs = pack if isinstance(pack, Iterable) else pack()
        for spec in specs:
            registry.register(spec)
    return registry
