"""What ``collect keys add`` and ``collect --help`` tell the user: a bad argument is named by its
option, a taken name points at ``--name``, the key's limits are in the help, a new key is said to
count from the collector's next start, and the usage shows that plain ``collect`` needs no ACTION."""

from __future__ import annotations

from pathlib import Path

from engine.cli import main
from engine.store import Workspace
from engine.track import collector_keys
from tests.conftest import cli


def test_a_bad_key_or_name_is_named_by_its_option_before_the_workspace_is_opened(tmp_path: Path, capsys):
    where = tmp_path / "ws"
    assert main(["collect", "keys", "add", "--key", "sdkkey", "--workspace", str(where)]) == 1
    assert capsys.readouterr().err == ("journey-studio: error: --key: a write key must be 8 to 200 characters "
                                       "without spaces\n")
    assert main(["collect", "keys", "add", "--key", "has a space", "--workspace", str(where)]) == 1
    assert capsys.readouterr().err.startswith("journey-studio: error: --key: ")
    assert main(["collect", "keys", "add", "--name", " ", "--workspace", str(where)]) == 1
    assert capsys.readouterr().err == ("journey-studio: error: --name: a write key needs a name of 1 to 100 "
                                       "characters\n")
    assert not where.exists()


def test_a_taken_name_points_at_name_and_a_new_key_counts_from_the_next_start(tmp_path: Path, capsys):
    where = tmp_path / "ws"
    with Workspace.open(where) as ws:
        collector_keys.ensure_key(ws)  # what the first 'collect' does
    assert main(["collect", "keys", "add", "--key", "my-own-key-1", "--workspace", str(where)]) == 1
    assert capsys.readouterr().err == (
        f"journey-studio: error: {where / 'workspace.db'}: there is already a write key named 'default'; "
        "give this one another name with --name NAME\n")
    assert main(["collect", "keys", "add", "--key", "my-own-key-1", "--name", "sdk", "--workspace", str(where)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [
        "stored the key as 'sdk'",
        "The collector accepts it from its next start ('journey-studio collect', 'run --collect' or the app)."]
    assert main(["collect", "keys", "remove", "sdk", "--workspace", str(where)]) == 0
    assert capsys.readouterr().out == "removed the write key 'sdk'; the collector refuses it from its next start\n"
    with Workspace.open(where, read_only=True) as ws:
        assert [k.name for k in collector_keys.list_keys(ws)] == ["default"]


def test_the_help_shows_both_forms_of_collect_and_the_limits_of_a_key():
    res = cli("collect", "--help")
    assert res.returncode == 0, res.stderr
    usage = res.stdout.split("\n\n")[0].splitlines()
    assert usage[0] == "usage: journey-studio collect [--host HOST] [--port PORT] [--write-key KEY] [--quiet]"
    assert usage[-1] == "       journey-studio collect keys list|add|remove ..."
    assert "ACTION" not in "\n".join(usage)
    # The actions keep their own names in their usage lines.
    res = cli("collect", "keys", "add", "--help")
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("usage: journey-studio collect keys add ")
    assert "8 to 200" in " ".join(res.stdout.split())


def test_the_counts_line_names_merges_and_refused_links_in_the_right_number():
    from engine.track.collect_commands import format_counts
    from engine.track.collector import CollectorCounts

    def line(**kw) -> str:
        base = dict(requests=3, received=3, committed=2, duplicates=0, profile_updates=0, merges=0,
                    refused_links=0, ignored=0, pending=0)
        return format_counts(CollectorCounts(**{**base, **kw}))

    assert line() == "3 messages received, 2 stored"
    assert line(merges=1, refused_links=1) == "3 messages received, 2 stored, 1 profile merged, 1 link refused"
    assert line(merges=2, refused_links=3) == "3 messages received, 2 stored, 2 profiles merged, 3 links refused"
    # A refused request counts once whatever it held, so refusals are not "messages".
    assert line(received=1, rejected={"unauthorized": 15}) == (
        "1 message received, 2 stored, 15 refusals of requests or messages (unauthorized 15)")
    assert line(rejected={"too_large": 1}).endswith(", 1 refusal of requests or messages (too_large 1)")
