"""``journey-studio app`` takes ``--workspace``/``--db`` after the command name too, as every
other command does."""

from __future__ import annotations

import pytest

from gui.launcher import build_full_parser


@pytest.mark.parametrize("argv", [["app", "--workspace", "/tmp/w"], ["--workspace", "/tmp/w", "app"]])
def test_the_workspace_is_taken_before_or_after_app(argv):
    args = build_full_parser().parse_args(argv)
    assert args.workspace == "/tmp/w" and args.db is None


def test_app_with_both_a_workspace_and_a_database_is_refused(capsys):
    with pytest.raises(SystemExit):
        build_full_parser().parse_args(["app", "--workspace", "/tmp/w", "--db", "sqlite:///x.db"])
    assert "not allowed with argument" in capsys.readouterr().err
