"""``screenshot`` renders sample data and opens no workspace, so ``--workspace``/``--db`` given to it,
before or after the command name, is refused with that reason instead of ignored or "unrecognized"."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ROOT, cli


@pytest.mark.parametrize(("before", "after", "option"), [
    ([], ["--workspace", "W"], "--workspace"),
    (["--workspace", "W"], [], "--workspace"),
    (["--db", "sqlite:///w.db"], [], "--db"),
    ([], ["--db=sqlite:///w.db"], "--db"),
])
def test_screenshot_refuses_a_workspace(tmp_path: Path, before: list[str], after: list[str], option: str):
    out = tmp_path / "shots"
    res = cli(*before, "screenshot", "--out", str(out), *after)
    assert res.returncode == 2
    assert res.stderr.splitlines()[-1] == ("journey-studio screenshot: error: screenshot renders sample data; "
                                           f"it does not open a workspace (leave out {option})")
    assert "unrecognized" not in res.stderr
    assert not out.exists() and not (ROOT / "W").exists()

