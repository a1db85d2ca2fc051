"""Conformance of every registered node spec: keys, icons, configs, ports, summaries, migrations."""

from __future__ import annotations

import json
import subprocess
import sys
import typing
from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError

import nodes
from engine.spec import NodeSpec, Registry, Stage, default_registry
from nodes import REGISTRY, SPECS_BY_KEY

ICONS = Path(__file__).resolve().parents[2] / "resources" / "icons"

EXPECTED_KEYS = {
    "map.stage", "map.persona", "map.touchpoint", "map.note",
    "track.event", "track.source",
    "analyze.metric", "analyze.funnel",
    "orchestrate.entry", "orchestrate.condition", "orchestrate.multi_split", "orchestrate.random_split",
    "orchestrate.wait", "orchestrate.send", "orchestrate.update_profile", "orchestrate.notify_staff",
    "orchestrate.goal", "orchestrate.jump", "orchestrate.exit",
    "optimize.experiment", "optimize.holdout",
}

by_key = pytest.mark.parametrize("spec", REGISTRY, ids=lambda s: s.type_key)


def _models_in(annotation: object) -> list[type[BaseModel]]:
    """Every pydantic model reachable from a field annotation (lists, unions, Annotated)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for arg in typing.get_args(annotation):
        found.extend(_models_in(arg))
    return found


def _all_models(root: type[BaseModel]) -> list[type[BaseModel]]:
    seen: list[type[BaseModel]] = []
    todo = [root]
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.append(model)
        for info in model.model_fields.values():
            todo.extend(_models_in(info.annotation))
    return seen


# -- the catalogue as a whole -----------------------------------------------------------------

def test_exactly_the_catalogue():
    keys = [s.type_key for s in REGISTRY]
    assert len(keys) == len(set(keys)), "duplicate type keys"
    assert set(keys) == EXPECTED_KEYS
    assert set(SPECS_BY_KEY) == EXPECTED_KEYS
    assert all(SPECS_BY_KEY[s.type_key] is s for s in REGISTRY)


def test_registry_accepts_the_catalogue():
    registry = Registry(REGISTRY)
    assert len(registry) == len(EXPECTED_KEYS)
    assert {s.type_key for s in default_registry()} == EXPECTED_KEYS


def test_exactly_one_entry_type():
    assert [s.type_key for s in REGISTRY if s.is_entry] == ["orchestrate.entry"]


def test_cycle_breakers():
    assert {s.type_key for s in REGISTRY if s.breaks_cycles} == {"orchestrate.wait", "orchestrate.jump"}


def test_shared_icons_exist():
    for name in ("unknown", "app"):
        assert (ICONS / f"{name}.svg").is_file(), name


def test_import_loads_no_qt():
    code = ("import sys, nodes, engine.spec\n"
            "assert len(nodes.REGISTRY) == 21\n"
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
            "{'PySide6', 'shiboken6', 'qtpy', 'nodeeditor', 'PyQt5', 'PyQt6'} or m.startswith('PyQt'))\n"
            "print(','.join(bad))\n")
    out = subprocess.run(["/tmp/venv/bin/python" if Path("/tmp/venv/bin/python").exists() else sys.executable,
                          "-c", code], capture_output=True, text=True, cwd=Path(nodes.__file__).parents[1],
                         check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "", f"Qt modules loaded: {out.stdout.strip()}"


# -- every spec ------------------------------------------------------------------------------

@by_key
def test_stage_matches_key_prefix(spec: NodeSpec):
    assert isinstance(spec.stage, Stage)
    assert spec.type_key.split(".", 1)[0] == spec.stage.value


@by_key
def test_texts_present(spec: NodeSpec):
    assert spec.title.strip() and spec.description.strip()
    assert spec.version >= 1


@by_key
def test_icon_file_exists(spec: NodeSpec):
    path = ICONS / f"{spec.icon}.svg"
    assert spec.icon and path.is_file(), path
    text = path.read_text(encoding="utf-8")
    assert "<svg" in text and 'viewBox="0 0 24 24"' in text


@by_key
def test_config_forbids_extra_fields(spec: NodeSpec):
    with pytest.raises(ValidationError):
        spec.config_model.model_validate({**spec.example, "bogus": 1})
    for model in _all_models(spec.config_model):
        assert model.model_config.get("extra") == "forbid", model.__name__


@by_key
def test_example_validates_and_round_trips(spec: NodeSpec):
    assert spec.example, "every spec needs an example"
    model = spec.config_model.model_validate(spec.example)
    dumped = model.model_dump(mode="json")
    assert json.loads(json.dumps(dumped)) == dumped
    assert spec.config_model.model_validate(dumped) == model
    assert spec.config_model.model_validate(dumped).model_dump(mode="json") == dumped
    assert spec.config_errors(spec.example) == []


@by_key
def test_default_config_is_valid_json(spec: NodeSpec):
    config = spec.default_config()
    assert json.loads(json.dumps(config)) == config
    assert spec.config_errors(config) == []


@by_key
def test_json_schema_builds(spec: NodeSpec):
    schema = spec.config_model.model_json_schema()
    assert schema.get("additionalProperties") is False


@by_key
def test_every_field_has_a_title(spec: NodeSpec):
    for model in _all_models(spec.config_model):
        for name, info in model.model_fields.items():
            assert info.title and info.title.strip(), f"{model.__name__}.{name} has no title"


@by_key
def test_widget_hints_are_known(spec: NodeSpec):
    known = {"multiline", "template", "color", "channel", "event", "rules", "segment", "write_key"}
    for model in _all_models(spec.config_model):
        for name, info in model.model_fields.items():
            extra = info.json_schema_extra
            if isinstance(extra, dict) and "widget" in extra:
                assert extra["widget"] in known, f"{model.__name__}.{name}"


@by_key
def test_ports_named_and_unique(spec: NodeSpec):
    for group in (spec.inputs, spec.outputs, spec.output_ports(spec.example)):
        names = [p.name for p in group]
        assert all(isinstance(n, str) and n.strip() for n in names)
        assert len(names) == len(set(names)), names
        assert all(p.display for p in group)


@by_key
def test_dynamic_outputs(spec: NodeSpec):
    if spec.dynamic_outputs is None:
        assert spec.output_ports(spec.example) == spec.outputs
        return
    ports = spec.dynamic_outputs(spec.config_model.model_validate(spec.example))
    names = [p.name for p in ports]
    assert names and len(names) == len(set(names))
    assert spec.output_ports(spec.example) == ports


@by_key
def test_summary_is_short_text(spec: NodeSpec):
    assert spec.summary is not None
    text = spec.summary(spec.config_model.model_validate(spec.example))
    assert isinstance(text, str) and text.strip()
    assert "\n" not in text and len(text) <= 40, text
    assert isinstance(spec.summarize(spec.default_config()), str)


@by_key
def test_ports_match_role(spec: NodeSpec):
    if spec.executable:
        assert spec.stage in (Stage.ORCHESTRATE, Stage.OPTIMIZE)
        if spec.type_key != "orchestrate.exit":
            assert spec.outputs, "an executable type needs an output"
            assert spec.output_ports(spec.example)
        if spec.is_entry:
            assert spec.inputs == ()
        else:
            assert [p.name for p in spec.inputs] == ["in"]
    else:
        assert spec.stage in (Stage.MAP, Stage.TRACK, Stage.ANALYZE)
        assert spec.inputs == () and spec.outputs == ()
        assert not spec.is_entry and not spec.breaks_cycles


@by_key
def test_migrations(spec: NodeSpec):
    # Configs change only by bumping the version and shipping a step-by-step migration.
    if spec.version > 1:
        assert callable(spec.migrate), "a spec past version 1 needs a migrate function"
    else:
        assert spec.migrate is None, "version 1 has nothing to migrate from"


#: Types whose config needs something only the user can give (an event, a message, a target);
#: every other type must start valid from its defaults alone.
NEEDS_INPUT = {
    "track.event", "analyze.metric", "analyze.funnel", "orchestrate.condition", "orchestrate.multi_split",
    "orchestrate.send", "orchestrate.update_profile", "orchestrate.notify_staff", "orchestrate.goal",
    "orchestrate.jump",
}


@by_key
def test_defaults_validate_where_possible(spec: NodeSpec):
    if spec.type_key in NEEDS_INPUT:
        with pytest.raises(ValidationError):
            spec.config_model()
        # The example gives only what has no default: a new node holds none of its other values.
        # (The whole example where those alone are not valid: an e-mail send needs its subject.)
        required = {name: spec.example[name] for name, info in spec.config_model.model_fields.items()
                    if info.is_required()}
        try:
            expected = spec.config_model.model_validate(required)
        except ValidationError:
            expected = spec.config_model.model_validate(spec.example)
        assert spec.default_config() == expected.model_dump(mode="json")
    else:
        spec.config_model()
