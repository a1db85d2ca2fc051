"""Files the program writes get the permissions any file gets (read and write for others as the
umask allows), also journey files, which are shared through git; a file replaced keeps its own."""

from __future__ import annotations

import os
import stat
import sys

import pytest

from engine.document import load, save
from engine.templates import load_template

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_saved_journey_file_follows_the_umask_and_keeps_a_replaced_files_mode(tmp_path):
    journey = load_template("abandoned_cart")
    old = os.umask(0o022)
    try:
        path = tmp_path / "cart.journey.json"
        save(journey, path)
        assert _mode(path) == 0o644
        os.chmod(path, 0o600)  # the user made it private: saving again keeps it so
        save(journey, path)
        assert _mode(path) == 0o600
        assert load(path).id == journey.id
        assert [p.name for p in tmp_path.iterdir()] == ["cart.journey.json"]  # no temporary file left
    finally:
        os.umask(old)
