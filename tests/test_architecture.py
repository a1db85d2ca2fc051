"""Guards for the two hard rules: the layering, and the PySide6 version that keeps None alive."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QT_PREFIXES = ("PySide6", "PyQt5", "PyQt6", "PySide2", "qtpy", "nodeeditor", "shiboken6", "shiboken2")


def test_engine_and_nodes_load_no_qt_in_a_fresh_interpreter():
    code = (
        "import sys, importlib, pkgutil\n"
        "import engine, nodes\n"
        "for pkg in (engine, nodes):\n"
        "    for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "        if '.migrations' in m.name: continue\n"
        "        importlib.import_module(m.name)\n"
        "from engine.spec import default_registry; default_registry()\n"
        "import engine.cli\n"
        f"bad = sorted(n for n in sys.modules if n.split('.')[0] in {QT_PREFIXES!r})\n"
        "print(','.join(bad))\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env,
                         timeout=120)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == ""


def test_headless_cli_commands_load_no_qt():
    code = (
        "import sys, io, contextlib\n"
        "from gui.launcher import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['nodes', '--json']); main(['templates'])\n"
        f"bad = sorted(n for n in sys.modules if n.split('.')[0] in {QT_PREFIXES!r})\n"
        "print(','.join(bad))\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == ""


def test_no_source_outside_gui_imports_qt():
    offenders = []
    for folder in ("engine", "nodes", "resources"):
        for path in (ROOT / folder).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                elif isinstance(node, ast.ImportFrom):
                    names = []
                for name in names:
                    if name.split(".")[0] in QT_PREFIXES or name.split(".")[0] == "gui":
                        offenders.append(f"{path.relative_to(ROOT)}: {name}")
    assert offenders == []


def test_engine_does_not_import_nodes():
    offenders = []
    for path in (ROOT / "engine").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "nodes":
                offenders.append(str(path))
            if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "nodes" for a in node.names):
                offenders.append(str(path))
    assert offenders == []


def test_pyside6_pin_keeps_below_6_12():
    text = (ROOT / "pyproject.toml").read_text()
    assert '"PySide6>=6.8,<6.12"' in text
    import PySide6

    major, minor = (int(x) for x in PySide6.__version__.split(".")[:2])
    assert (6, 8) <= (major, minor) < (6, 12)


def test_gui_binds_nodeeditor_to_pyside6_even_with_pyqt5_installed(tmp_path):
    fake = tmp_path / "PyQt5"
    fake.mkdir()
    (fake / "__init__.py").write_text("")
    (fake / "QtCore.py").write_text("PYQT_VERSION_STR = '5.15.99'\n")
    code = (
        "import sys\n"
        f"sys.path.insert(0, {str(tmp_path)!r})\n"
        "import gui.qt, nodeeditor, qtpy\n"
        "from gui import canvas\n"
        "print(nodeeditor._QT_API_NAME, qtpy.API_NAME, 'PyQt5.QtCore' in sys.modules)\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_API": "pyqt5"}
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env,
                         timeout=120)
    assert res.returncode == 0, res.stderr
    assert res.stdout.split() == ["pyside6", "PySide6", "False"]
