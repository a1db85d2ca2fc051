"""What a refused second writer learns about the holder of a workspace: the command line command or
the app that has it, as the holder wrote it into the lock file next to its process id (a lock file
of an older version, with the id only, still reads)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from engine.errors import WorkspaceLocked
from engine.holder import APP, describe_this_process
from engine.store import Workspace
from engine.store.lock import lock_path_for

ROOT = Path(__file__).resolve().parents[2]


def _env() -> dict[str, str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONUNBUFFERED": "1"}
    env.pop("JOURNEY_STUDIO_DEBUG", None)
    return env


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gui.launcher", *args], capture_output=True, text=True,
                          cwd=ROOT, env=_env(), timeout=120)


def test_a_command_records_itself_as_the_holder_while_it_runs():
    from engine.cli import build_parser, run

    parser, sub = build_parser()
    seen: dict[str, str] = {}
    for name in ("probe", "app"):
        p = sub.add_parser(name)
        p.set_defaults(handler=lambda args: seen.setdefault(args.command, describe_this_process()) and 0)
    assert run(parser, ["probe"]) == 0 and run(parser, ["app"]) == 0
    assert seen == {"probe": "journey-studio probe", "app": APP}
    assert describe_this_process() == APP  # put back once the command has ended


def test_the_lock_file_names_the_holder_and_an_older_one_still_reads(tmp_path: Path):
    db = tmp_path / "workspace.db"
    lock_file = lock_path_for(db)
    with Workspace.open(db):
        # This process runs no command of the command line, so it counts as the app.
        assert lock_file.read_text(encoding="utf-8").splitlines() == [str(os.getpid()), APP]
        with pytest.raises(WorkspaceLocked) as err:
            Workspace.open(db)
        assert str(err.value) == (f"{db}: is open in another Journey Studio window (process {os.getpid()}); "
                                  "close it there first, then try again")
        lock_file.write_text("4321\njourney-studio import\n", encoding="utf-8")
        with pytest.raises(WorkspaceLocked) as err:
            Workspace.open(db)
        assert str(err.value) == (f"{db}: is in use by 'journey-studio import' (process 4321); stop it (Ctrl+C "
                                  "where it runs) or let it finish, then try again")
        lock_file.write_text("4321\n", encoding="utf-8")  # as versions that wrote the id only left it
        with pytest.raises(WorkspaceLocked) as err:
            Workspace.open(db)
        assert str(err.value) == (f"{db}: is in use by another Journey Studio process (process 4321); close or "
                                  "stop it first, then try again")
        lock_file.write_text("", encoding="utf-8")
        with pytest.raises(WorkspaceLocked, match=r"by another Journey Studio process \(another process\)"):
            Workspace.open(db)


def test_commands_refused_while_collect_runs_name_the_collector(tmp_path: Path):
    where = tmp_path / "ws"
    table = tmp_path / "customers.csv"
    table.write_text("email\nann@example.com\n", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "gui.launcher", "collect", "--workspace", str(where),
                             "--port", "0", "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=ROOT, env=_env())
    try:
        line = ""
        while not line.startswith("Press Ctrl+C"):
            line = proc.stdout.readline()
            assert line, proc.stderr.read()
        for args in (["collect", "keys", "add", "--name", "site"], ["collect", "keys", "remove", "default"],
                     ["profiles", "delete", "u43", "--yes"], ["import", "customers", str(table)]):
            res = cli(*args, "--workspace", str(where))
            assert res.returncode == 1, res.stdout
            assert res.stderr.splitlines() == [
                f"journey-studio: error: {where / 'workspace.db'}: is in use by 'journey-studio collect' "
                f"(process {proc.pid}); stop it (Ctrl+C where it runs) or let it finish, then try again"], args
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    # Once it has stopped, the same command goes through.
    res = cli("collect", "keys", "add", "--name", "site", "--workspace", str(where))
    assert res.returncode == 0, res.stderr
