"""``journey-studio journeys``: import journey files, publish them, set them live and pause them
without the app, as a shop's server running ``collect`` and ``run`` needs."""

from __future__ import annotations

import json
from pathlib import Path

from engine.cli import main
from engine.commands import make_node
from engine.document import Journey, save
from engine.store import Workspace

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "resources" / "templates" / "abandoned_cart.journey.json"


def test_import_publish_live_pause_and_export(tmp_path, capsys):
    location = str(tmp_path / "ws")
    assert main(["journeys", "import", str(TEMPLATE), "--workspace", location]) == 0
    assert capsys.readouterr().out.startswith("imported 'Abandoned cart' as a draft (")
    assert main(["journeys", "import", str(TEMPLATE), "--workspace", location, "--json"]) == 0
    copy = json.loads(capsys.readouterr().out)[0]  # the same file again: a copy with a new id
    assert main(["journeys", "list", "--workspace", location, "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 2 and copy["id"] in {r["id"] for r in rows}
    assert main(["journeys", "live", copy["id"], "--workspace", location]) == 0
    assert "is live with version 1" in capsys.readouterr().out
    with Workspace.open(location) as ws:
        info = ws.journey_info(copy["id"])
        assert (info.status, info.latest_version) == ("live", 1)
    assert main(["journeys", "pause", copy["id"], "--workspace", location]) == 0
    assert "paused 'Abandoned cart'" in capsys.readouterr().out
    assert main(["journeys", "live", copy["id"], "--workspace", location, "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert (again["status"], again["version"]) == ("live", 1)
    with Workspace.open(location) as ws:
        assert ws.journey_info(copy["id"]).latest_version == 1  # live again: the same version
    out = tmp_path / "out.journey.json"
    assert main(["journeys", "export", copy["id"], str(out), "--workspace", location]) == 0
    assert main(["validate", str(out)]) == 0


def test_a_journey_with_errors_is_refused_with_every_problem(tmp_path, registry, capsys):
    location = str(tmp_path / "ws")
    broken = Journey(name="Broken")
    broken.nodes.append(make_node(registry, "orchestrate.send", config={"channel": "", "channel_kind": "email",
                                                                        "subject": "", "body": ""}))
    path = tmp_path / "broken.journey.json"
    save(broken, path)
    assert main(["journeys", "import", str(path), "--workspace", location]) == 0
    capsys.readouterr()
    assert main(["journeys", "live", "broken", "--workspace", location]) == 1
    err = capsys.readouterr().err
    assert "'Broken' cannot be published:" in err and "error" in err and "Traceback" not in err
    with Workspace.open(location) as ws:
        [info] = ws.list_journeys()
        assert (info.status, info.latest_version) == ("draft", None)  # nothing changed
    assert main(["journeys", "publish", "Brokn", "--workspace", location]) == 1
    assert "there is no journey 'Brokn'; did you mean 'Broken'?" in capsys.readouterr().err


def test_a_bad_file_imports_nothing(tmp_path, capsys):
    location = str(tmp_path / "ws")
    bad = tmp_path / "bad.journey.json"
    bad.write_text("{not json", encoding="utf-8")
    assert main(["journeys", "import", str(TEMPLATE), str(bad), "--workspace", location]) == 1
    assert "nothing was imported" in capsys.readouterr().err
    with Workspace.open(location) as ws:
        assert ws.list_journeys() == []


def test_import_update_replaces_the_draft_of_the_journey_with_the_files_id(tmp_path, capsys):
    from engine.document import load

    location = str(tmp_path / "ws")
    assert main(["journeys", "import", str(TEMPLATE), "--workspace", location, "--json"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    edited = load(TEMPLATE)
    edited.id = row["id"]
    edited.name = "Abandoned cart (edited)"
    path = tmp_path / "edited.journey.json"
    save(edited, path)
    assert main(["journeys", "import", str(path), "--update", "--workspace", location]) == 0
    assert "updated the draft of 'Abandoned cart (edited)'" in capsys.readouterr().out
    with Workspace.open(location) as ws:
        [info] = ws.list_journeys()
        assert (info.id, info.name) == (row["id"], "Abandoned cart (edited)")
    assert main(["journeys", "live", row["id"], "--workspace", location]) == 0
    assert main(["journeys", "pause", row["id"], "--workspace", location]) == 0
    assert main(["journeys", "pause", row["id"], "--workspace", location]) == 0  # already paused: fine


def test_a_journey_imported_again_is_a_draft_copy_that_says_so_and_can_be_archived(tmp_path, capsys):
    location = str(tmp_path / "ws")
    live = tmp_path / "welcome.journey.json"
    save(Journey(name="Welcome series", settings={"status": "live"}), live)
    assert main(["journeys", "import", str(live), "--workspace", location]) == 0
    capsys.readouterr()
    assert main(["journeys", "import", str(live), "--workspace", location]) == 0
    out = capsys.readouterr().out
    assert "imported 'Welcome series' as a copy with a new id" in out and "--update" in out
    copy_id = out.split("(", 1)[1].split(")", 1)[0]
    with Workspace.open(location) as ws:
        assert ws.journey_info(copy_id).status == "draft"  # the file says live; the copy has no version
    assert main(["journeys", "archive", copy_id, "--workspace", location]) == 0
    assert "archived 'Welcome series'" in capsys.readouterr().out
    assert main(["journeys", "list", "--workspace", location, "--json"]) == 0
    assert [r["name"] for r in json.loads(capsys.readouterr().out)] == ["Welcome series"]
    assert main(["journeys", "unarchive", copy_id, "--workspace", location]) == 0
    assert "is back in the list" in capsys.readouterr().out


def _live_template(tmp_path, capsys) -> tuple[str, str, str, str]:
    """A workspace with the template imported and set live: its location, the journey id, and what
    going live printed (standard output, standard error)."""
    location = str(tmp_path / "ws")
    assert main(["journeys", "import", str(TEMPLATE), "--workspace", location, "--json"]) == 0
    journey_id = json.loads(capsys.readouterr().out)[0]["id"]
    assert main(["journeys", "live", journey_id, "--workspace", location]) == 0
    captured = capsys.readouterr()
    return location, journey_id, captured.out, captured.err


def test_a_live_journey_is_paused_before_it_is_archived(tmp_path, capsys):
    location, journey_id, _out, _err = _live_template(tmp_path, capsys)
    assert main(["journeys", "archive", journey_id, "--workspace", location]) == 1
    assert "is live: pause it first" in capsys.readouterr().err


def test_going_live_names_the_channel_accounts_the_workspace_lacks(tmp_path, capsys):
    location, journey_id, out, err = _live_template(tmp_path, capsys)
    assert "is live with version 1" in out
    assert "warning: 'Abandoned cart' sends through channel 'email-main', which is not set up" in err
    assert "journey-studio channels add email-main --kind" in err
    assert main(["journeys", "live", journey_id, "--workspace", location, "--json"]) == 0
    assert "email-main" in json.loads(capsys.readouterr().out)["missing_channels"]
