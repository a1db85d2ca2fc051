"""``journey-studio screenshot`` prints the files it wrote and nothing else: the offscreen
platform's warnings about size hints and raising windows are dropped, other Qt messages are not."""

from __future__ import annotations

from tests.conftest import cli


def test_screenshot_prints_no_offscreen_noise(tmp_path):
    out = tmp_path / "shots"
    res = cli("screenshot", "--out", str(out))
    assert res.returncode == 0, res.stderr
    assert "This plugin does not support" not in res.stderr
    written = res.stdout.splitlines()
    assert written and all(line.endswith(".png") for line in written)
    assert (out / "editor.png").is_file()


def test_only_the_known_offscreen_warnings_are_dropped():
    from gui.screenshot import QuietOffscreen

    passed: list[str] = []
    quiet = QuietOffscreen()
    quiet.previous = lambda _mode, _context, message: passed.append(message)
    for message in ("This plugin does not support propagateSizeHints()", "This plugin does not support raise()",
                    "QPainter::begin: Paint device returned engine == 0",
                    "This plugin does not support setParent()"):
        quiet(None, None, message)
    assert passed == ["QPainter::begin: Paint device returned engine == 0",
                      "This plugin does not support setParent()"]
