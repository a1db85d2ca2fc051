"""The node catalogue: every node type of Map, Track, Analyze, Orchestrate and Optimize.

``REGISTRY`` is the plain list of specs that the ``journey_studio.node_packs`` entry point loads;
``SPECS_BY_KEY`` maps each type key to its spec. This package imports only ``engine`` and pydantic.
"""

from __future__ import annotations

from engine.spec import NodeSpec

from . import analyze, map, optimize, orchestrate, track

REGISTRY: list[NodeSpec] = [*map.SPECS, *track.SPECS, *analyze.SPECS, *orchestrate.SPECS, *optimize.SPECS]

SPECS_BY_KEY: dict[str, NodeSpec] = {spec.type_key: spec for spec in REGISTRY}

__all__ = ["REGISTRY", "SPECS_BY_KEY"]
