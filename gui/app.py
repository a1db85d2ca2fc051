"""Starting the desktop app: QApplication, look and feel, translations, workspace, main window."""

from __future__ import annotations

import atexit
import sys
from importlib.resources import files

from engine.errors import JourneyStudioError
from gui import garbage
from gui.qt import QtCore, QtGui, QtWidgets

APP_QSS = "styles/app.qss"


def make_application(argv: list[str] | None = None) -> QtWidgets.QApplication:
    """The QApplication with Journey Studio's style; reuses an existing one (tests)."""
    app = QtWidgets.QApplication.instance()
    if app is None:
        app = QtWidgets.QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("Journey Studio")
    app.setOrganizationName("JourneyStudio")
    app.setApplicationDisplayName("Journey Studio")
    app.setStyle("Fusion")
    app.setPalette(light_palette())
    qss = files("resources") / APP_QSS
    if qss.is_file():
        app.setStyleSheet(qss.read_text(encoding="utf-8"))
    icon = files("resources") / "icons" / "app.svg"
    if icon.is_file():
        app.setWindowIcon(QtGui.QIcon(str(icon)))
    install_translations(app)
    garbage.install(app)
    if app.platformName() in ("offscreen", "minimal") and not getattr(app, "_js_clipboard_guard", False):
        # Qt's offscreen clipboard crashes at interpreter exit while it still holds our data.
        app._js_clipboard_guard = True
        atexit.register(_clear_clipboard)
    return app


def _clear_clipboard() -> None:
    app = QtWidgets.QApplication.instance()
    if app is not None:
        app.clipboard().clear()


def light_palette() -> QtGui.QPalette:
    p = QtGui.QPalette()
    C = QtGui.QColor  # noqa: N806
    R = QtGui.QPalette.ColorRole  # noqa: N806
    p.setColor(R.Window, C("#F4F6F9"))
    p.setColor(R.WindowText, C("#1F2933"))
    p.setColor(R.Base, C("#FFFFFF"))
    p.setColor(R.AlternateBase, C("#F7F9FB"))
    p.setColor(R.ToolTipBase, C("#FFFFFF"))
    p.setColor(R.ToolTipText, C("#1F2933"))
    p.setColor(R.Text, C("#1F2933"))
    p.setColor(R.PlaceholderText, C("#8A96A6"))
    p.setColor(R.Button, C("#FFFFFF"))
    p.setColor(R.ButtonText, C("#1F2933"))
    p.setColor(R.Highlight, C("#1E88E5"))
    p.setColor(R.HighlightedText, C("#FFFFFF"))
    p.setColor(R.Link, C("#1565C0"))
    p.setColor(R.Mid, C("#C9D1DB"))
    p.setColor(R.Dark, C("#9AA5B1"))
    p.setColor(R.Light, C("#FFFFFF"))
    # setColor() above fills every colour group, the disabled one included: without these, a
    # disabled button, field or label is drawn exactly like an enabled one.
    D = QtGui.QPalette.ColorGroup.Disabled  # noqa: N806
    for role in (R.WindowText, R.Text, R.ButtonText):
        p.setColor(D, role, C("#A3ADBA"))
    p.setColor(D, R.Button, C("#EEF1F5"))
    p.setColor(D, R.Base, C("#F4F6F9"))
    p.setColor(D, R.Highlight, C("#B8C4D1"))
    return p


def install_translations(app: QtWidgets.QApplication) -> None:
    """Load ``resources/translations/journey_studio_<locale>.qm`` when one exists for the locale, and
    Qt's own (``qtbase_<locale>.qm``: the wizards' Back and Cancel, the standard dialogs' buttons)."""
    folder = files("resources") / "translations"
    locale = QtCore.QLocale.system()
    translator = QtCore.QTranslator(app)
    if folder.is_dir() and translator.load(locale, "journey_studio", "_", str(folder)):
        app.installTranslator(translator)
        qt = QtCore.QTranslator(app)
        qt_folder = QtCore.QLibraryInfo.path(QtCore.QLibraryInfo.LibraryPath.TranslationsPath)
        if qt.load(locale, "qtbase", "_", qt_folder):
            app.installTranslator(qt)


def open_workspace(workspace: str | None, db: str | None):
    from engine.store.workspace import Workspace, database_url

    if db:
        database_url(db)  # a --db that is not a URL is refused, not taken for a folder
    return Workspace.open(db or workspace)


def show_startup_error(title: str, text: str) -> None:
    """Tell the user why the app cannot start (replaced in tests, where no one can click OK)."""
    sys.stderr.write(f"journey-studio: {text}\n")
    QtWidgets.QMessageBox.critical(None, title, text)


def run_app(workspace: str | None = None, db: str | None = None, open_files: list[str] | None = None) -> int:
    from engine.errors import WorkspaceLocked

    app = make_application()
    took_over = False
    try:
        ws = open_workspace(workspace, db)
    except WorkspaceLocked as exc:
        from gui.take_over import can_take_over, take_over

        if not can_take_over(exc):
            show_startup_error(QtCore.QCoreApplication.translate("App", "Cannot open the workspace"), str(exc))
            return 1
        ws = take_over(exc, lambda: open_workspace(workspace, db), show_startup_error)
        if ws is None:
            return 1
        took_over = True
    except JourneyStudioError as exc:
        show_startup_error(QtCore.QCoreApplication.translate("App", "Cannot open the workspace"), str(exc))
        return 1
    from engine.spec import default_registry
    from gui.main_window import MainWindow

    window = MainWindow(ws, default_registry())
    window.show()
    window.start_live_engine()
    if took_over:
        window.collect_where_the_command_did()
    for path in open_files or []:
        window.import_path(path)
    try:
        return app.exec()
    finally:
        ws.close()
