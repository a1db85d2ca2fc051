"""The .journey.json format: canonical output, round trips, migrations and clear errors."""

from __future__ import annotations

import json

import pytest

from engine.document import FORMAT_VERSION, Journey, dumps, load, loads, save
from engine.errors import JourneyFormatError


def test_canonical_text_is_sorted_indented_and_ends_with_newline(small_journey):
    text = dumps(small_journey)
    data = json.loads(text)
    assert text.endswith("}\n")
    assert list(data) == sorted(data)
    assert data["format_version"] == FORMAT_VERSION
    assert text.splitlines()[1].startswith('  "')
    assert [n["id"] for n in data["nodes"]] == sorted(n["id"] for n in data["nodes"])
    assert [e["id"] for e in data["edges"]] == sorted(e["id"] for e in data["edges"])
    # layout is kept apart from logic
    assert all("position" not in n for n in data["nodes"])
    assert set(data["layout"]["nodes"]) == {n.id for n in small_journey.nodes}


def test_save_load_save_is_byte_identical(small_journey, tmp_path):
    a = tmp_path / "a.journey.json"
    b = tmp_path / "b.journey.json"
    save(small_journey, a)
    save(load(a), b)
    assert a.read_bytes() == b.read_bytes()


def test_config_change_touches_only_that_node(small_journey):
    before = dumps(small_journey).splitlines()
    send = next(n for n in small_journey.nodes if n.type == "orchestrate.send")
    send.config["subject"] = "A new subject"
    after = dumps(small_journey).splitlines()
    changed = [i for i, (x, y) in enumerate(zip(before, after, strict=True)) if x != y]
    assert len(changed) == 1
    assert "A new subject" in after[changed[0]]


def test_moving_a_node_touches_only_layout(small_journey):
    before = dumps(small_journey).splitlines()
    small_journey.nodes[0].position.x += 120
    after = dumps(small_journey).splitlines()
    changed = [i for i, (x, y) in enumerate(zip(before, after, strict=True)) if x != y]
    assert len(changed) == 1
    layout_start = next(i for i, line in enumerate(after) if line.startswith('  "layout"'))
    nodes_start = next(i for i, line in enumerate(after) if line.startswith('  "nodes"'))
    assert layout_start < changed[0] < nodes_start


def test_chinese_text_is_written_as_utf8_without_escapes(small_journey, tmp_path):
    small_journey.name = "欢迎旅程"
    small_journey.nodes[0].title = "新用户注册"
    path = tmp_path / "zh.journey.json"
    save(small_journey, path)
    raw = path.read_bytes().decode("utf-8")
    assert "欢迎旅程" in raw and "新用户注册" in raw and "\\u" not in raw
    assert load(path).name == "欢迎旅程"


def test_unknown_node_types_are_kept_with_their_data(small_journey, tmp_path):
    data = json.loads(dumps(small_journey))
    data["nodes"].append({"id": "zz-unknown", "type": "acme.crm_sync", "type_version": 3, "title": "CRM",
                          "stage": None, "config": {"deep": {"x": [1, 2]}}})
    text = loads(json.dumps(data)).model_dump()
    assert any(n["type"] == "acme.crm_sync" and n["config"] == {"deep": {"x": [1, 2]}} for n in text["nodes"])
    again = dumps(loads(json.dumps(data)))
    assert "acme.crm_sync" in again and '"deep"' in again


def test_newer_format_is_refused_with_a_clear_message(tmp_path):
    path = tmp_path / "future.journey.json"
    path.write_text(json.dumps({"format_version": FORMAT_VERSION + 1, "journey": {}, "nodes": [], "edges": []}))
    with pytest.raises(JourneyFormatError) as err:
        load(path)
    assert "newer" in str(err.value) and str(path) in str(err.value)
    assert err.value.path == "format_version"


@pytest.mark.parametrize("text, path_fragment", [
    ("{not json", None),
    ('{"format_version": 1, "journey": {}, "nodes": [{"id": "a"}], "edges": []}', "nodes[0].type"),
    ('{"format_version": 1, "journey": {}, "nodes": [], "edges": [{"id": "e", "source": {"node": "a"}, '
     '"target": {"node": "b", "port": "in"}}]}', "edges[0].source.port"),
    ('{"format_version": 1, "journey": {"settings": {"time_zone": "Mars/Base"}}, "nodes": [], "edges": []}',
     "journey.settings.time_zone"),
    ('{"format_version": "1", "journey": {}, "nodes": [], "edges": []}', "format_version"),
    ('{"format_version": 1, "journey": {}, "nodes": {}, "edges": []}', "nodes"),
    ('[1, 2]', "$"),
])
def test_bad_files_name_the_json_path(tmp_path, text, path_fragment):
    path = tmp_path / "bad.journey.json"
    path.write_text(text)
    with pytest.raises(JourneyFormatError) as err:
        load(path)
    assert str(path) in str(err.value)
    if path_fragment:
        assert err.value.path == path_fragment


def test_truncated_file_is_a_format_error(small_journey, tmp_path):
    path = tmp_path / "t.journey.json"
    path.write_text(dumps(small_journey)[:200])
    with pytest.raises(JourneyFormatError, match="not valid JSON"):
        load(path)


def test_format_0_is_migrated(tmp_path):
    old = {"name": "Old", "id": "j1", "nodes": [{"id": "n1", "type": "map.note", "title": "x", "config": {},
                                                  "position": {"x": 5, "y": 7}}], "edges": []}
    journey = loads(json.dumps(old))
    assert journey.name == "Old" and journey.nodes[0].position.x == 5


def test_save_is_atomic_and_leaves_no_temp_files(small_journey, tmp_path):
    path = tmp_path / "x.journey.json"
    save(small_journey, path)
    save(small_journey, path)
    assert [p.name for p in tmp_path.iterdir()] == ["x.journey.json"]


def test_empty_journey_round_trips():
    j = Journey(name="Empty")
    assert dumps(loads(dumps(j))) == dumps(j)


def test_current_layout_without_format_version_is_refused_not_guessed(small_journey, tmp_path):
    data = json.loads(dumps(small_journey))
    del data["format_version"]
    path = tmp_path / "nofv.journey.json"
    path.write_text(json.dumps(data))
    with pytest.raises(JourneyFormatError) as err:
        load(path)
    assert err.value.path == "format_version" and "missing" in err.value.message


def test_empty_file_says_so(tmp_path):
    path = tmp_path / "empty.journey.json"
    path.write_text("  \n")
    with pytest.raises(JourneyFormatError, match="the file is empty"):
        load(path)


def test_messages_are_for_people_not_programmers(tmp_path):
    bad = {"format_version": 1, "journey": {"settings": {"quiet_hours": {"start": "9pm"}}},
           "nodes": [], "edges": []}
    with pytest.raises(JourneyFormatError) as err:
        loads(json.dumps(bad))
    assert err.value.path == "journey.settings.quiet_hours.start"
    assert "24-hour time such as 09:00" in err.value.message and "pattern" not in err.value.message
    bad["journey"]["settings"] = {"time_zone": "Mars/Olympus"}
    with pytest.raises(JourneyFormatError) as err:
        loads(json.dumps(bad))
    assert err.value.message == "unknown time zone 'Mars/Olympus'"
    bad["journey"]["settings"] = {}
    bad["layout"] = "x"
    with pytest.raises(JourneyFormatError) as err:
        loads(json.dumps(bad))
    assert err.value.path == "layout"
