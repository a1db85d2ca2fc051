"""The main window: start page, canvas, palette, inspector, journeys, validation and actions.

The window owns one :class:`~gui.editor.Editor` at a time. It turns menu actions, shortcuts and
panel signals into engine commands, and it talks to the workspace store for drafts, autosave,
crash recovery and publishing.
"""

from __future__ import annotations

import json
from pathlib import Path

from engine.commands import (
    FRAGMENT_MIME,
    AddNode,
    EditJourney,
    GroupIntoStage,
    RenameNode,
    SetConfig,
    copy_fragment,
    make_node,
    paste_command,
)
from engine.document import FILE_SUFFIX, Journey, load, new_id, save
from engine.errors import JourneyStudioError, PublishRefused
from engine.spec import Registry
from engine.validate import Issue
from gui.background import Background
from gui.canvas import Canvas, translate_node_text
from gui.editor import Editor
from gui.inspector import Inspector
from gui.journey_browser import JourneyBrowser
from gui.palette import Palette
from gui.qt import Qt, QtCore, QtGui, QtWidgets, fill, key_sequences
from gui.run_panel import RunPanel
from gui.start_page import StartPage
from gui.tracking_panel import SourceCountsFeed, TrackingPanel
from gui.validation_panel import ValidationPanel

AUTOSAVE_MS = 15_000
#: After collector events arrive, read the event names again once arrivals pause this long.
CHOICES_SETTLE_MS = 5_000
#: Opening a journey never zooms out further than this, so node text stays readable.
READABLE_ZOOM = 0.6


class MainWindow(QtWidgets.QMainWindow):
    def __init__(self, workspace, registry: Registry, parent=None):
        super().__init__(parent)
        self.workspace = workspace
        self.registry = registry
        self.editor: Editor | None = None
        self.canvas: Canvas | None = None
        self.journey_id: str | None = None
        self._autosaved_revision = -1
        self._live_chip_for: tuple[str | None, str] | None = None

        self.setWindowTitle(self.tr("Journey Studio"))
        self.resize(1280, 800)
        self.setDockOptions(QtWidgets.QMainWindow.DockOption.AnimatedDocks
                            | QtWidgets.QMainWindow.DockOption.AllowTabbedDocks)

        # central: start page or the canvas
        self.stack = QtWidgets.QStackedWidget(self)
        self.start_page = StartPage(parent=self)
        self.canvas_host = QtWidgets.QWidget(self)
        self.canvas_layout = QtWidgets.QVBoxLayout(self.canvas_host)
        self.canvas_layout.setContentsMargins(0, 0, 0, 0)
        self.stack.addWidget(self.start_page)
        self.stack.addWidget(self.canvas_host)
        self.setCentralWidget(self.stack)

        # docks
        self.palette = Palette(registry, self)
        self.browser = JourneyBrowser(workspace, self)
        self.inspector = Inspector(self)
        self.validation = ValidationPanel(self)
        self._journey_issues: list[Issue] = []
        self.palette_dock = self._dock("palette", self.tr("Nodes"), self.palette, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.browser_dock = self._dock("journeys", self.tr("Journeys"), self.browser,
                                       Qt.DockWidgetArea.LeftDockWidgetArea)
        self.tabifyDockWidget(self.browser_dock, self.palette_dock)
        self.palette_dock.raise_()
        self.inspector_dock = self._dock("inspector", self.tr("Inspector"), self.inspector,
                                         Qt.DockWidgetArea.RightDockWidgetArea)
        self.validation_dock = self._dock("validation", self.tr("Problems"), self.validation,
                                          Qt.DockWidgetArea.BottomDockWidgetArea)
        self.run_panel = RunPanel(registry, self)
        self.run_panel.journey_provider = self._journey_to_simulate
        self.run_panel.workspace = workspace
        self.run_dock = self._dock("run", self.tr("Run"), self.run_panel, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.tracking_panel = TrackingPanel(workspace, self)
        self.tracking_dock = self._dock("tracking", self.tr("Tracking"), self.tracking_panel,
                                        Qt.DockWidgetArea.BottomDockWidgetArea)
        # Hidden until it joins the Problems/Run tabs on first show: side by side with them it
        # would widen the window past its size.
        self.tracking_dock.hide()
        # The live event counts of the open journey's data source nodes.
        self.source_feed = SourceCountsFeed(workspace, self)
        self.tracking_panel.sourcesRead.connect(self.source_feed.offer)  # one scan of the events serves both
        # What the inspector's segment, event and write-key pickers offer, read off the UI thread.
        self.choices_reader = Background(self)
        self._picker_choices = None
        self._segment_names: dict[str, str] = {}
        self._choices_timer = QtCore.QTimer(self)
        self._choices_timer.setSingleShot(True)
        self._choices_timer.setInterval(CHOICES_SETTLE_MS)
        self._choices_timer.timeout.connect(self.refresh_picker_choices)
        self.profiles_window = None  # the Track tool windows, made on first use
        self.segment_builder = None
        self.channels_window = None  # made on first use; secrets through channel_secrets (None: the OS keyring)
        self.channel_secrets = None
        self._unopenable_channels: dict[str, str] = {}  # account id → why it cannot be opened
        self.import_wizard = None  # the CSV import wizard and the collector window, made on first use
        self.collector_panel = None
        # Tabified when the window is first shown: tabifying before that, in an offscreen grab,
        # leaves a second, stale tab bar in the picture.
        self._docks_sized = False

        self._build_actions()
        self._build_menus_and_toolbar()
        self.zoom_label = QtWidgets.QLabel("")
        self.statusBar().addPermanentWidget(self.zoom_label)

        # wiring
        self.start_page.templateChosen.connect(self.new_from_template)
        self.start_page.blankChosen.connect(self.new_blank)
        self.start_page.importChosen.connect(self.import_file)
        self.start_page.recentChosen.connect(self.open_journey)
        self.browser.openRequested.connect(self.open_journey)
        self.browser.newRequested.connect(self.show_start_page)
        self.browser.changed.connect(self._on_browser_changed)
        self.palette.addRequested.connect(self.add_node_at_center)
        self.inspector.configEdited.connect(self._on_config_edited)
        self.inspector.titleEdited.connect(self._on_title_edited)
        self.inspector.manageChannelsRequested.connect(self.show_channels)
        self.inspector.formRequested.connect(self._on_form_request)
        self.inspector.set_workspace(workspace)
        self.validation.issueActivated.connect(self._on_issue_activated)
        self.run_panel.metricsReady.connect(self._on_metrics)
        self.run_panel.metricsCleared.connect(self._on_metrics_cleared)

        self.autosave_timer = QtCore.QTimer(self)
        self.autosave_timer.setInterval(AUTOSAVE_MS)
        self.autosave_timer.timeout.connect(self.autosave)
        self.autosave_timer.start()

        self.show_start_page()
        self._update_actions()

    # ------------------------------------------------------------------------------------------
    # construction helpers
    # ------------------------------------------------------------------------------------------
    def _dock(self, name, title, widget, area) -> QtWidgets.QDockWidget:
        dock = QtWidgets.QDockWidget(title, self)
        dock.setObjectName(f"dock_{name}")
        dock.setWidget(widget)
        dock.setFeatures(QtWidgets.QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QtWidgets.QDockWidget.DockWidgetFeature.DockWidgetClosable
                         | QtWidgets.QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        self.addDockWidget(area, dock)
        return dock

    def _action(self, text, slot, shortcut=None, tip=None, icon=None) -> QtGui.QAction:
        """An action of the window; ``shortcut`` is a key sequence, a standard key (all of the
        platform's bindings for it) or a list of both (:func:`key_sequences`)."""
        action = QtGui.QAction(text, self)
        if shortcut is not None:
            action.setShortcuts(key_sequences(*(shortcut if isinstance(shortcut, list) else [shortcut])))
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        if icon is not None:
            action.setIcon(self.style().standardIcon(icon))
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        K = QtGui.QKeySequence.StandardKey  # noqa: N806
        SP = QtWidgets.QStyle.StandardPixmap  # noqa: N806
        self.act_home = self._action(self.tr("Start page"), self.show_start_page, None,
                                     self.tr("Templates and recent journeys"), SP.SP_DirHomeIcon)
        self.act_new = self._action(self.tr("&New journey"), self.new_blank, K.New,
                                    self.tr("Start a blank journey"), SP.SP_FileIcon)
        self.act_save = self._action(self.tr("&Save draft"), self.save_draft, K.Save,
                                     self.tr("Save the draft to the workspace"), SP.SP_DialogSaveButton)
        self.act_import = self._action(self.tr("&Import journey file…"), self.import_file, K.Open,
                                       self.tr("Open a .journey.json file as a new journey"),
                                       SP.SP_DialogOpenButton)
        self.act_export = self._action(self.tr("&Export journey file…"), self.export_file,
                                       QtGui.QKeySequence("Ctrl+E"),
                                       self.tr("Save this journey as a .journey.json file"))
        self.act_quit = self._action(self.tr("&Quit"), self.close, K.Quit)
        self.act_undo = self._action(self.tr("&Undo"), self.undo, K.Undo, None, SP.SP_ArrowBack)
        # Ctrl+Shift+Z and Ctrl+Y on every platform, whichever the platform's own redo key is.
        self.act_redo = self._action(self.tr("&Redo"), self.redo, [K.Redo, QtGui.QKeySequence("Ctrl+Shift+Z"),
                                                                   QtGui.QKeySequence("Ctrl+Y")],
                                     None, SP.SP_ArrowForward)
        # The toolbar keeps a short label (the menu and the tooltip say what would be undone), so
        # that the buttons after it do not move with every edit.
        self.act_undo.setIconText(self.tr("Undo"))
        self.act_redo.setIconText(self.tr("Redo"))
        self.act_cut = self._action(self.tr("Cu&t"), self.cut, K.Cut)
        self.act_copy = self._action(self.tr("&Copy"), self.copy, K.Copy)
        self.act_paste = self._action(self.tr("&Paste"), self.paste, K.Paste)
        self.act_duplicate = self._action(self.tr("&Duplicate"), self.duplicate, QtGui.QKeySequence("Ctrl+D"))
        self.act_delete = self._action(self.tr("De&lete"), self.delete, [K.Delete, QtGui.QKeySequence("Backspace")])
        self.act_select_all = self._action(self.tr("Select &all"), self.select_all, K.SelectAll)
        self.act_fit = self._action(self.tr("Zoom to &fit"), self.zoom_to_fit, QtGui.QKeySequence("Ctrl+0"),
                                    self.tr("Show the whole journey"))
        self.act_zoom_in = self._action(self.tr("Zoom &in"), lambda: self._zoom(1.25), K.ZoomIn)
        self.act_zoom_out = self._action(self.tr("Zoom &out"), lambda: self._zoom(0.8), K.ZoomOut)
        self.act_find = self._action(self.tr("Find node type"), self._focus_palette, K.Find)
        self.act_validate = self._action(self.tr("Chec&k for problems"), self.validate_now,
                                         QtGui.QKeySequence("F7"), self.tr("Validate the journey"),
                                         SP.SP_DialogApplyButton)
        self.act_publish = self._action(self.tr("&Publish"), self.publish, QtGui.QKeySequence("Ctrl+Shift+P"),
                                        self.tr("Validate and store an immutable version of this journey"),
                                        SP.SP_ArrowUp)
        self.act_go_live = self._action(self.tr("Go &live"), self.go_live, None,
                                        self.tr("Publish this journey and start running it for real customers"),
                                        SP.SP_MediaSeekForward)
        self.act_pause = self._action(self.tr("P&ause"), self.pause, None,
                                      self.tr("Stop starting new runs of this journey; it keeps its versions"),
                                      SP.SP_MediaPause)
        self.act_settings = self._action(self.tr("Journey se&ttings…"), self.edit_settings,
                                         QtGui.QKeySequence("Ctrl+,"),
                                         self.tr("Name, time zone, quiet hours, frequency cap, goals"))
        self.act_simulate = self._action(self.tr("&Simulate"), self.simulate, QtGui.QKeySequence("F5"),
                                         self.tr("Run synthetic customers through this journey on a "
                                                 "virtual clock"), QtWidgets.QStyle.StandardPixmap.SP_MediaPlay)
        self.act_overlays = self._action(self.tr("Show &metrics on canvas"), self._toggle_overlays,
                                         QtGui.QKeySequence("Ctrl+M"))
        self.act_overlays.setCheckable(True)
        self.act_overlays.setChecked(True)
        self.act_about = self._action(self.tr("&About Journey Studio"), self._about)
        self.act_channels = self._action(self.tr("&Channels…"), lambda: self.show_channels(), None,
                                         self.tr("Connect email, SMS, webhook and chat accounts; test them "
                                                 "and see their last errors"))
        self.act_profiles = self._action(self.tr("&Profiles…"), lambda: self.show_profiles(),
                                         QtGui.QKeySequence("Ctrl+Shift+U"),
                                         self.tr("Find customers; see, edit, export or erase their profiles"))
        self.act_segments = self._action(self.tr("&Segments…"), lambda: self.show_segments(),
                                         QtGui.QKeySequence("Ctrl+Shift+G"),
                                         self.tr("Build segments from attributes, tags, consent and events"))
        self.act_import_customers = self._action(self.tr("Import &customers…"), lambda: self.show_import("customers"),
                                                 QtGui.QKeySequence("Ctrl+Shift+I"),
                                                 self.tr("Bring customers in from a CSV file (a spreadsheet or a "
                                                         "shop's export)"))
        self.act_import_events = self._action(self.tr("Import e&vents…"), lambda: self.show_import("events"), None,
                                              self.tr("Bring events in from a CSV file: who did what, and when"))
        self.act_collector = self._action(self.tr("C&ollector…"), lambda: self.show_collector(),
                                          QtGui.QKeySequence("Ctrl+Shift+K"),
                                          self.tr("Receive events from websites and apps (Segment and Sensors "
                                                  "Analytics SDKs) and watch them arrive"))
        self.undo_text = {}

    def _build_menus_and_toolbar(self) -> None:
        mb = self.menuBar()
        m = mb.addMenu(self.tr("&File"))
        for a in (self.act_home, self.act_new, self.act_save, None, self.act_import, self.act_export, None,
                  self.act_import_customers, self.act_import_events, None, self.act_quit):
            m.addSeparator() if a is None else m.addAction(a)
        m = mb.addMenu(self.tr("&Edit"))
        for a in (self.act_undo, self.act_redo, None, self.act_cut, self.act_copy, self.act_paste,
                  self.act_duplicate, self.act_delete, None, self.act_select_all, self.act_find):
            m.addSeparator() if a is None else m.addAction(a)
        m = mb.addMenu(self.tr("&View"))
        for a in (self.act_fit, self.act_zoom_in, self.act_zoom_out, None, self.act_overlays):
            m.addSeparator() if a is None else m.addAction(a)
        m.addSeparator()
        for dock in (self.palette_dock, self.browser_dock, self.inspector_dock, self.run_dock,
                     self.validation_dock, self.tracking_dock):
            m.addAction(dock.toggleViewAction())
        m = mb.addMenu(self.tr("&Journey"))
        for a in (self.act_settings, self.act_channels, None, self.act_validate, self.act_simulate,
                  self.act_publish, self.act_go_live, self.act_pause):
            m.addSeparator() if a is None else m.addAction(a)
        m = mb.addMenu(self.tr("&Track"))
        for a in (self.act_profiles, self.act_segments, None, self.act_import_customers, self.act_import_events,
                  self.act_collector, None, self.tracking_dock.toggleViewAction()):
            m.addSeparator() if a is None else m.addAction(a)
        m = mb.addMenu(self.tr("&Help"))
        m.addAction(self.act_about)

        tb = self.addToolBar(self.tr("Main"))
        tb.setObjectName("toolbar_main")
        tb.setMovable(False)
        tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        tb.setIconSize(QtCore.QSize(16, 16))
        for a in (self.act_home, self.act_new, self.act_save, None, self.act_undo, self.act_redo, None,
                  self.act_fit, None, self.act_validate, self.act_simulate, self.act_publish,
                  self.act_go_live, self.act_pause):
            tb.addSeparator() if a is None else tb.addAction(a)

    # ------------------------------------------------------------------------------------------
    # opening and closing journeys
    # ------------------------------------------------------------------------------------------
    def show_start_page(self) -> None:
        if self.editor is not None and not self._maybe_save():
            return
        self._close_editor()
        recent = [(j.id, j.name, j.updated_at) for j in self._list_journeys()][:8]
        self.start_page.set_recent(recent)
        self.stack.setCurrentWidget(self.start_page)
        self.zoom_label.setText("")
        # the inspector and problems have nothing to say without a journey
        # The inspector has nothing to show without a journey. (The bottom docks stay: hiding and
        # re-showing tabified docks leaves a stray tab bar behind in Qt.)
        self.inspector_dock.hide()
        self.run_panel.setEnabled(False)
        self._docks_hidden = True
        self.setWindowTitle(self.tr("Journey Studio"))
        self._update_actions()

    def _list_journeys(self):
        try:
            return self.workspace.list_journeys()
        except JourneyStudioError as exc:
            self._error(self.tr("Cannot read the workspace"), str(exc))
            return []

    def new_from_template(self, key: str) -> None:
        from engine.templates import load_template

        try:
            journey = load_template(key)
        except JourneyStudioError as exc:
            self._error(self.tr("Cannot open the template"), str(exc))
            return
        copy = self._fresh_copy(journey)
        copy.settings.time_zone = self._local_zone()  # quiet hours and times of day where the shop is
        self._create_and_open(copy)

    def new_blank(self) -> None:
        journey = Journey(name=self.tr("Untitled journey"))
        journey.settings.time_zone = self._local_zone()
        spec = self.registry.get("orchestrate.entry")
        if spec is not None:
            # Named as the palette names it, in the app's language.
            journey.nodes.append(make_node(self.registry, "orchestrate.entry", 0, 0,
                                           title=QtCore.QCoreApplication.translate("nodes", spec.title)))
        self._create_and_open(journey)

    @staticmethod
    def _local_zone() -> str:
        from gui.import_wizard import system_time_zone

        return system_time_zone()

    @staticmethod
    def _fresh_copy(journey: Journey) -> Journey:
        """A new journey id, so a template can be used many times in one workspace."""
        copy = journey.copy_deep()
        copy.id = new_id()
        return copy

    def _create_and_open(self, journey: Journey) -> None:
        if self.editor is not None and not self._maybe_save():
            return
        try:
            self.workspace.create_journey(journey)
        except JourneyStudioError as exc:
            self._error(self.tr("Cannot create the journey"), str(exc))
            return
        self.browser.refresh()
        self.open_journey(journey.id, check_unsaved=False)

    def open_journey(self, journey_id: str, check_unsaved: bool = True) -> None:
        if check_unsaved and self.editor is not None and journey_id != self.journey_id and not self._maybe_save():
            return
        try:
            journey = self.workspace.load_draft(journey_id)
            recovered = self.workspace.recovery(journey_id)
        except JourneyStudioError as exc:
            self._error(self.tr("Cannot open the journey"), str(exc))
            return
        dirty_from_recovery = False
        if recovered is not None:
            if self._ask_recover(journey.name):
                journey = recovered
                dirty_from_recovery = True
            else:
                self.workspace.discard_recovery(journey_id)
        self._close_editor()
        self._open_editor(journey)
        if dirty_from_recovery:
            self.editor.undo_stack.resetClean()
        self.journey_id = journey_id
        self.browser.set_current(journey_id)

    def _open_editor(self, journey: Journey) -> None:
        self.editor = Editor(journey, self.registry, self)
        self.canvas = Canvas(self.editor, self.canvas_host)
        self.canvas_layout.addWidget(self.canvas.view)
        self.editor.failed.connect(self._on_command_failed)
        self.editor.issuesChanged.connect(self._on_issues)
        self.editor.changed.connect(self._on_doc_changed)
        self.editor.undo_stack.cleanChanged.connect(self._update_title)
        self.editor.undo_stack.indexChanged.connect(self._update_actions)
        self.canvas.selectionChanged.connect(self._on_selection)
        self.canvas.dropRequested.connect(self.add_node)
        self.canvas.message.connect(lambda text: self.statusBar().showMessage(text, 5000))
        self.canvas.nodeActivated.connect(lambda _nid: self.inspector_dock.raise_())
        self.canvas.zoomChanged.connect(lambda z: self.zoom_label.setText(f"{z * 100:.0f}%"))
        self.canvas.view.customContextMenuRequested.connect(self._canvas_menu)
        self.stack.setCurrentWidget(self.canvas_host)
        self._on_issues(self.editor.issues)
        self.inspector.show_nothing()
        self._update_title()
        self._update_actions()
        if getattr(self, "_docks_hidden", False):
            self._docks_hidden = False
            self.inspector_dock.show()
            self.run_panel.setEnabled(True)
            QtCore.QTimer.singleShot(0, self._size_docks)
        self.canvas.view.zoom_to_fit(self.canvas.view.flow_rect(), min_scale=READABLE_ZOOM)
        QtCore.QTimer.singleShot(0, self._initial_zoom)
        self.canvas.view.setFocus()
        self.refresh_channel_health()
        self.refresh_picker_choices()
        self.tracking_panel.set_open_journey(self.journey_id, self.editor.journey.name, self.editor.journey)
        self.canvas.set_overlays_visible(self.act_overlays.isChecked())
        self.source_feed.set_active(self.act_overlays.isChecked())
        self.source_feed.attach(self.canvas)

    def _initial_zoom(self) -> None:
        if self.canvas is not None:
            self.canvas.view.zoom_to_fit(self.canvas.view.flow_rect(), min_scale=READABLE_ZOOM)

    def _close_editor(self) -> None:
        if self.editor is None:
            return
        self.run_panel.shutdown()
        self.run_panel.clear()
        self.source_feed.detach()
        self.canvas.dispose()
        self.editor.undo_stack.blockSignals(True)
        self.editor.blockSignals(True)
        self.canvas.blockSignals(True)
        self.canvas.view.setParent(None)
        self.canvas.view.deleteLater()
        self.editor.close()
        self.editor.deleteLater()
        self.canvas.deleteLater()
        self.editor = None
        self.canvas = None
        self.journey_id = None
        self.tracking_panel.set_open_journey(None)
        self.inspector.show_nothing()
        self._journey_issues = []
        self.validation.set_issues([], None)
        self.browser.set_current("")

    def _maybe_save(self) -> bool:
        """Ask about unsaved changes; True when it is fine to go on."""
        if self.editor is None or self.editor.undo_stack.isClean():
            return True
        answer = self._ask_save(self.editor.journey.name)
        if answer == "save":
            return self.save_draft()
        if answer == "discard":
            try:
                self.workspace.discard_recovery(self.journey_id)
            except JourneyStudioError:
                pass
            self.editor.undo_stack.setClean()
            return True
        return False

    def _ask_recover(self, name: str) -> bool:
        answer = QtWidgets.QMessageBox.question(
            self, self.tr("Recover unsaved changes?"),
            self.tr("Journey Studio closed before “%1” was saved. Recover the changes made "
                    "since the last save?").replace("%1", name),
            QtWidgets.QMessageBox.StandardButton.Yes | QtWidgets.QMessageBox.StandardButton.No,
            QtWidgets.QMessageBox.StandardButton.Yes)
        return answer == QtWidgets.QMessageBox.StandardButton.Yes

    def _ask_save(self, name: str) -> str:
        """Save, discard or cancel? Returns "save", "discard" or "cancel"."""
        box = QtWidgets.QMessageBox(self)
        box.setIcon(QtWidgets.QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Unsaved changes"))
        box.setText(self.tr("Save the changes to “%1”?").replace("%1", name))
        box.setInformativeText(self.tr("If you don't save, the changes since the last save are lost."))
        box.setStandardButtons(QtWidgets.QMessageBox.StandardButton.Save
                               | QtWidgets.QMessageBox.StandardButton.Discard
                               | QtWidgets.QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QtWidgets.QMessageBox.StandardButton.Save)
        answer = box.exec()
        if answer == QtWidgets.QMessageBox.StandardButton.Save:
            return "save"
        if answer == QtWidgets.QMessageBox.StandardButton.Discard:
            return "discard"
        return "cancel"

    # ------------------------------------------------------------------------------------------
    # saving, autosave, files
    # ------------------------------------------------------------------------------------------
    def save_draft(self) -> bool:
        if self.editor is None:
            return False
        try:
            self.workspace.save_draft(self.editor.journey)
        except JourneyStudioError as exc:
            self._error(self.tr("The draft was not saved"), str(exc))
            return False
        self.editor.undo_stack.setClean()
        self._autosaved_revision = self.editor.doc.revision
        self.statusBar().showMessage(self.tr("Draft saved"), 3000)
        self.browser.refresh()
        return True

    def autosave(self) -> None:
        """Keep a crash-recovery copy; the draft itself changes only on Save."""
        if self.editor is None or self.editor.undo_stack.isClean():
            return
        if self.editor.doc.revision == self._autosaved_revision:
            return
        try:
            self.workspace.autosave(self.editor.journey)
            self._autosaved_revision = self.editor.doc.revision
        except JourneyStudioError as exc:
            self.statusBar().showMessage(self.tr("Autosave failed: %1").replace("%1", str(exc)), 8000)

    def import_file(self) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(
            self, self.tr("Import journey"), str(Path.home()),
            self.tr("Journey files (*%1);;All files (*)").replace("%1", FILE_SUFFIX))
        if path:
            self.import_path(path)

    def import_path(self, path: str) -> bool:
        try:
            journey = load(path)
        except JourneyStudioError as exc:
            self._error(self.tr("Cannot import the file"), str(exc))
            return False
        existing = {j.id for j in self.workspace.list_journeys(include_archived=True)}
        if journey.id in existing:
            journey = self._fresh_copy(journey)
        self._create_and_open(journey)
        return True

    def export_file(self) -> None:
        if self.editor is None:
            return
        name = self.editor.journey.name.strip().replace("/", "-") or "journey"
        path, _ = QtWidgets.QFileDialog.getSaveFileName(
            self, self.tr("Export journey"), str(Path.home() / f"{name}{FILE_SUFFIX}"),
            self.tr("Journey files (*%1)").replace("%1", FILE_SUFFIX))
        if path:
            self.export_path(path)

    def export_path(self, path: str) -> bool:
        if not path.endswith(FILE_SUFFIX):
            path += FILE_SUFFIX
        try:
            save(self.editor.journey, path)
        except OSError as exc:
            self._error(self.tr("Cannot export the journey"), f"{path}: {exc.strerror or exc}")
            return False
        self.statusBar().showMessage(self.tr("Exported to %1").replace("%1", path), 5000)
        return True

    # ------------------------------------------------------------------------------------------
    # editing
    # ------------------------------------------------------------------------------------------
    def add_node(self, type_key: str, x: float, y: float) -> None:
        if self.editor is None:
            return
        spec = self.registry.get(type_key)
        if spec is None:
            return
        title = QtCore.QCoreApplication.translate("nodes", spec.title)
        node = make_node(self.registry, type_key, round(x - 105), round(y - 30), title=title)
        if self.editor.execute(AddNode(node, self.tr("Add %1").replace("%1", title))):
            self.canvas.select_nodes([node.id])

    def add_node_at_center(self, type_key: str) -> None:
        """Add a node in the middle of the view, at the nearest free spot (never on top of another)."""
        if self.canvas is None:
            return
        cx, cy = self.canvas.view_center()
        taken = [cnode.grNode.sceneBoundingRect() for cnode in self.canvas.nodes.values()]
        w, h = 210, 110  # a generous node footprint, gaps included
        for ring in range(0, 12):
            spots = [(dx, dy) for dx in range(-ring, ring + 1) for dy in range(-ring, ring + 1)
                     if max(abs(dx), abs(dy)) == ring]
            for dx, dy in sorted(spots, key=lambda d: (abs(d[1]), abs(d[0]), d)):
                x, y = cx + dx * (w + 40), cy + dy * (h + 30)
                rect = QtCore.QRectF(x - w / 2 - 15, y - h / 2 - 15, w + 30, h + 30)
                if not any(rect.intersects(r) for r in taken):
                    self.add_node(type_key, x, y)
                    return
        self.add_node(type_key, cx, cy)

    def undo(self) -> None:
        if self.editor is not None:
            self.editor.undo_stack.undo()

    def redo(self) -> None:
        if self.editor is not None:
            self.editor.undo_stack.redo()

    def _focused_text_input(self) -> bool:
        w = QtWidgets.QApplication.focusWidget()
        return isinstance(w, (QtWidgets.QLineEdit, QtWidgets.QPlainTextEdit, QtWidgets.QTextEdit,
                              QtWidgets.QAbstractSpinBox))

    def copy(self) -> bool:
        if self.editor is None or not self.canvas.selected_node_ids():
            return False
        fragment = copy_fragment(self.editor.journey, self.canvas.selected_node_ids())
        mime = QtCore.QMimeData()
        text = json.dumps(fragment, ensure_ascii=False, sort_keys=True)
        mime.setData(FRAGMENT_MIME, text.encode("utf-8"))
        mime.setText(text)
        QtWidgets.QApplication.clipboard().setMimeData(mime)
        return True

    def cut(self) -> None:
        if self.copy():
            self.canvas.delete_selection()

    def paste(self) -> None:
        if self.editor is None:
            return
        mime = QtWidgets.QApplication.clipboard().mimeData()
        raw = None
        if mime is not None and mime.hasFormat(FRAGMENT_MIME):
            raw = bytes(mime.data(FRAGMENT_MIME)).decode("utf-8")
        elif mime is not None and mime.hasText():
            raw = mime.text()
        if not raw:
            return
        try:
            fragment = json.loads(raw)
            command, new_ids = paste_command(self.editor.doc, fragment, (40, 40))
        except (ValueError, JourneyStudioError):
            self.statusBar().showMessage(self.tr("The clipboard does not hold journey nodes."), 4000)
            return
        if self.editor.execute(command):
            self.canvas.select_nodes(new_ids)

    def duplicate(self) -> None:
        if self.editor is None or not self.canvas.selected_node_ids():
            return
        fragment = copy_fragment(self.editor.journey, self.canvas.selected_node_ids())
        command, new_ids = paste_command(self.editor.doc, fragment, (40, 40), label=self.tr("Duplicate"))
        if self.editor.execute(command):
            self.canvas.select_nodes(new_ids)

    def delete(self) -> None:
        if self.canvas is not None and not self._focused_text_input():
            self.canvas.delete_selection()

    def select_all(self) -> None:
        if self.canvas is not None and not self._focused_text_input():
            self.canvas.select_all()

    def zoom_to_fit(self) -> None:
        if self.canvas is not None:
            self.canvas.view.zoom_to_fit()

    def _zoom(self, factor: float) -> None:
        if self.canvas is not None:
            self.canvas.view.zoom_by(factor)

    def _focus_palette(self) -> None:
        self.palette_dock.show()
        self.palette_dock.raise_()
        search = getattr(self.palette, "search", None)
        if search is not None:
            search.setFocus()
            search.selectAll()

    def _toggle_overlays(self, checked: bool) -> None:
        if self.canvas is not None:
            self.canvas.set_overlays_visible(checked)
        self.source_feed.set_active(checked)

    # ------------------------------------------------------------------------------------------
    # validation and publishing
    # ------------------------------------------------------------------------------------------
    def validate_now(self) -> None:
        if self.editor is None:
            return
        issues = self.editor.revalidate()
        errors = sum(1 for i in issues if i.severity == "error")
        self.validation_dock.show()
        self.validation_dock.raise_()
        self.statusBar().showMessage(
            self.tr("No problems found") if not errors else self.tr("%n error(s) to fix", "", errors), 5000)

    def publish(self) -> None:
        if self.editor is None:
            return
        issues = self.editor.revalidate()
        if any(i.severity == "error" for i in issues):
            self.validation_dock.show()
            self.validation_dock.raise_()
            self._error(self.tr("Not published"), self._refused_text(PublishRefused(issues + self._segment_issues())))
            return
        if not self.save_draft():
            return
        try:
            before = self.workspace.latest_version(self.journey_id)
            version = self.workspace.publish(self.journey_id, self.registry)
        except PublishRefused as exc:
            self.refresh_picker_choices()  # a segment deleted elsewhere shows under Problems too
            self.validation_dock.show()
            self.validation_dock.raise_()
            self._error(self.tr("Not published"), self._refused_text(exc))
            return
        except JourneyStudioError as exc:
            self._error(self.tr("Not published"), str(exc))
            return
        if before is not None and before.id == version.id:
            self.statusBar().showMessage(self.tr("Nothing changed since version %1: it stays the latest")
                                         .replace("%1", str(version.number)), 6000)
        else:
            self.statusBar().showMessage(self.tr("Published version %1").replace("%1", str(version.number)), 6000)
        self.browser.refresh()
        self._refresh_live_chip()

    def _refused_text(self, refused: PublishRefused) -> str:
        """Why publishing was refused: the first few errors, each naming its node."""
        errors = [i for i in refused.issues if getattr(i, "severity", "error") == "error"]
        lines = [f"• {self._issue_line(i)}" for i in errors[:5]]
        if len(errors) > 5:
            lines.append(self.tr("… and %n more", "", len(errors) - 5))
        return self.tr("The journey has problems to fix first:") + "\n" + "\n".join(lines)

    def _issue_line(self, issue) -> str:
        """An issue's message, led by its node's name unless the message names it already."""
        node = self.editor.journey.node(issue.node_id) if self.editor and getattr(issue, "node_id", None) else None
        if node is None:
            return issue.message
        spec = self.registry.get(node.type)
        name = node.title or (translate_node_text(spec.title) if spec else node.type)
        return issue.message if issue.message.startswith(f'"{name}"') else f"“{name}”: {issue.message}"

    def go_live(self) -> bool:
        """Validate, publish and mark the journey live; refused (Problems shown) while it has errors."""
        if self.editor is None:
            return False
        issues = self.editor.revalidate()
        if any(i.severity == "error" for i in issues):
            self.validation_dock.show()
            self.validation_dock.raise_()
            self._error(self.tr("Not live"), self._refused_text(PublishRefused(issues + self._segment_issues())))
            return False
        if not self.save_draft():
            return False
        previous = self.editor.journey.settings.status
        try:
            # The status is set before publishing so that the version carries it: pausing and going
            # live again then finds the same logic and publishes no new version.
            self.workspace.set_status(self.journey_id, "live")
            version = self.workspace.publish(self.journey_id, self.registry)
        except JourneyStudioError as exc:
            try:
                self.workspace.set_status(self.journey_id, previous)
            except JourneyStudioError:
                pass
            if isinstance(exc, PublishRefused):
                self.refresh_picker_choices()
                self.validation_dock.show()
                self.validation_dock.raise_()
                self._error(self.tr("Not live"), self._refused_text(exc))
            else:
                self._error(self.tr("Not live"), str(exc))
            return False
        self._set_open_status("live")
        self.statusBar().showMessage(self.tr("Live with version %1").replace("%1", str(version.number)), 6000)
        return True

    def pause(self) -> bool:
        """Mark the journey paused: no new runs start; its draft edits stay as they are."""
        if self.editor is None:
            return False
        try:
            self.workspace.set_status(self.journey_id, "paused")
        except JourneyStudioError as exc:
            self._error(self.tr("Not paused"), str(exc))
            return False
        self._set_open_status("paused")
        self.statusBar().showMessage(self.tr("Paused"), 6000)
        return True

    def _set_open_status(self, status: str) -> None:
        # Straight on the open document, not through the undo stack: the status is already stored,
        # and undoing an edit must not take a journey off air.
        self.editor.journey.settings.status = status
        self.browser.refresh()
        self._update_title()
        self._update_actions()

    def _refresh_live_chip(self) -> None:
        """The status-bar chip: "Live — version N" or "Paused — version N", empty otherwise."""
        chip = getattr(self, "live_chip", None)
        if chip is None:
            chip = self.live_chip = QtWidgets.QLabel("")
            chip.setObjectName("liveChip")
            self.statusBar().insertPermanentWidget(0, chip)
        status = self.editor.journey.settings.status if self.editor is not None else ""
        latest = None
        if status in ("live", "paused"):
            try:
                latest = self.workspace.latest_version(self.editor.journey.id)
            except JourneyStudioError:
                latest = None
        if latest is None:
            chip.setText("")
            chip.setVisible(False)
            return
        text = self.tr("Live — version %1") if status == "live" else self.tr("Paused — version %1")
        chip.setText(text.replace("%1", str(latest.number)))
        colour = "#2E7D32" if status == "live" else "#EF6C00"
        chip.setStyleSheet(f"QLabel#liveChip {{ color: white; background: {colour}; border-radius: 7px; "
                           "padding: 1px 8px; font-weight: 600; }")
        chip.setVisible(True)

    # ------------------------------------------------------------------------------------------
    # reactions
    # ------------------------------------------------------------------------------------------
    def _on_selection(self, node_ids: list[str]) -> None:
        if self.editor is None:
            return
        if len(node_ids) == 1:
            node = self.editor.journey.node(node_ids[0])
            self._offer_picker_choices()  # with the event names this journey declares now
            self.inspector.show_node(node, self.registry.get(node.type), self.editor.issues_for(node.id))
        elif node_ids:
            self.inspector.show_many(len(node_ids))
        else:
            self.inspector.show_nothing()
        self._update_actions()

    def _on_config_edited(self, node_id: str, path: str, config: dict) -> None:
        if self.editor is not None and self.editor.journey.node(node_id) is not None:
            command = SetConfig(node_id, config, path)
            # The undo menu names the field as the inspector shows it ("Undo Edit Segment").
            title = self._field_title(path)
            if title:
                command.label = self.tr("Edit %1").replace("%1", title)
            self.editor.execute(command)

    def _field_title(self, path: str) -> str:
        """The title the inspector shows for the field at ``path``, or for the nearest field
        holding it (a variant's ``kind`` is chosen in its union's drop-down)."""
        form = self.inspector.form
        while form is not None and path:
            field = form.editor(path)
            if field is not None and field.title:
                return field.title
            path = path.rpartition(".")[0]
        return ""

    def _on_title_edited(self, node_id: str, title: str) -> None:
        if self.editor is not None and self.editor.journey.node(node_id) is not None:
            self.editor.execute(RenameNode(node_id, title))

    def _on_doc_changed(self) -> None:
        self._update_title()
        self.tracking_panel.set_open_journey(self.journey_id, self.editor.journey.name, self.editor.journey)
        # keep the inspector in step with undo/redo of the shown node
        if self.canvas is not None:
            ids = self.canvas.selected_node_ids()
            if len(ids) == 1 and self.editor.journey.node(ids[0]) is not None:
                self.inspector.refresh(self.editor.journey.node(ids[0]), self.editor.issues_for(ids[0]))

    def _on_issues(self, issues) -> None:
        if self.editor is None:
            return
        self._journey_issues = list(issues)
        self._show_issues()
        ids = self.canvas.selected_node_ids() if self.canvas else []
        if len(ids) == 1 and self.editor.journey.node(ids[0]) is not None:
            self.inspector.refresh(self.editor.journey.node(ids[0]), self.editor.issues_for(ids[0]))

    def _show_issues(self) -> None:
        """The Problems panel: the journey's issues, an error for each node naming a saved segment
        the workspace does not have, a warning for each data source naming a write key the
        workspace does not have, and a warning for each node whose channel account is missing,
        carries other messages, failed its last delivery (its channel badge) or cannot be opened
        (an issue badge)."""
        if self.editor is None:
            return
        accounts: list[Issue] = []
        unopenable: list[Issue] = []
        if self.canvas is not None:
            accounts = [Issue("warning", "channel.account", cnode.channel_problem, node_id=node_id, field="channel")
                        for node_id, cnode in self.canvas.nodes.items() if cnode.channel_problem]
            unopenable = self._unopenable_channel_issues()
        segments = self._segment_issues()
        keys = self._write_key_issues()
        plan = self._tracking_plan_issues()
        if self.canvas is not None:
            self.canvas.set_extra_issues(segments + keys + plan + unopenable)
        self.validation.set_issues(self._journey_issues + segments + keys + plan + accounts + unopenable,
                                   self.editor.journey)

    def _tracking_plan_issues(self) -> list[Issue]:
        """Warnings for the open journey's tracked events whose declaration conflicts with another
        of the same event (in this journey or another saved one), or names a source that is none,
        as the workspace's saved journeys declare them."""
        if self._picker_choices is None or self.editor is None or self._picker_choices.plan is None:
            return []
        from engine.track.tracking_plan import conflict_issues

        return conflict_issues(self.editor.journey, self._picker_choices.plan)

    def _unopenable_channel_issues(self) -> list[Issue]:
        """A warning for each node that sends through an account which exists but cannot be opened
        (a secret the keyring cannot give, settings this version refuses): its sends fail."""
        found = []
        for node_id, cnode in self.canvas.nodes.items():
            account = cnode.jnode.config.get("channel")
            if cnode.channel_problem or not isinstance(account, str) or account not in self._unopenable_channels:
                continue
            text = (fill(self.tr("Channel account “%1” cannot be opened, so nothing is sent through it: %2"),
                         account, self._unopenable_channels[account]))
            found.append(Issue("warning", "channel.account", text, node_id=node_id, field="channel"))
        return found

    def _segment_issues(self) -> list[Issue]:
        """Errors for the open journey's nodes naming a segment the workspace does not have (as
        far as the last read of the segments knows)."""
        if self._picker_choices is None or self.editor is None:
            return []
        from engine.track.segments import unknown_segment_issues

        return unknown_segment_issues(self.editor.journey, {c.id for c in self._picker_choices.segments},
                                      self._segment_names)

    def _write_key_issues(self) -> list[Issue]:
        """Warnings for the open journey's data sources naming a write key the collector lacks."""
        if self._picker_choices is None or self.editor is None or self._picker_choices.problems:
            return []
        from engine.track.choices import unknown_write_key_issues

        return unknown_write_key_issues(self.editor.journey, self._picker_choices.write_keys)

    def _on_issue_activated(self, node_id: str, edge_id: str) -> None:
        if self.canvas is None:
            return
        if not node_id and edge_id:
            edge = self.editor.journey.edge(edge_id)
            node_id = edge.source.node if edge else ""
        if node_id:
            self.canvas.select_nodes([node_id], center=True)

    # -- simulation ------------------------------------------------------------------------------
    def _journey_to_simulate(self) -> Journey | None:
        return self.editor.journey if self.editor is not None else None

    def simulate(self) -> None:
        if self.editor is None:
            return
        issues = self.editor.revalidate()
        if any(i.severity == "error" for i in issues):
            self.validation_dock.show()
            self.validation_dock.raise_()
            self.statusBar().showMessage(self.tr("Fix the problems first: a journey with errors cannot run."),
                                         6000)
            return
        self.run_dock.show()
        self.run_dock.raise_()
        if not self.act_overlays.isChecked():
            self.act_overlays.setChecked(True)
            self._toggle_overlays(True)
        self.run_panel.start()

    def _on_metrics(self, node_metrics: dict, edge_labels: dict) -> None:
        if self.canvas is not None:
            self.canvas.set_metrics(node_metrics, edge_labels)

    def _on_metrics_cleared(self) -> None:
        if self.canvas is not None:
            self.canvas.set_metrics({}, {})

    def _on_command_failed(self, message: str) -> None:
        self.statusBar().showMessage(message, 6000)

    def _on_browser_changed(self) -> None:
        if self.journey_id is None:
            return
        ids = {j.id: j for j in self._list_journeys()}
        if self.journey_id not in ids:  # deleted or archived from the browser
            if self.editor is not None:
                self.editor.undo_stack.setClean()
            self.show_start_page()
        elif self.editor is not None and ids[self.journey_id].name != self.editor.journey.name:
            self.editor.journey.name = ids[self.journey_id].name
            self._update_title()

    def _canvas_menu(self, pos) -> None:
        menu = QtWidgets.QMenu(self)
        for a in (self.act_cut, self.act_copy, self.act_paste, self.act_duplicate, self.act_delete, None,
                  self.act_select_all, self.act_fit):
            menu.addSeparator() if a is None else menu.addAction(a)
        selected = self.canvas.selected_node_ids()
        lanes = [n for n in self.editor.journey.nodes if n.type == "map.stage"]
        if selected and lanes:
            menu.addSeparator()
            group = menu.addMenu(self.tr("Put in stage"))
            for lane in sorted(lanes, key=lambda n: (n.config.get("order", 0), n.title)):
                action = group.addAction(lane.config.get("name") or lane.title)
                action.triggered.connect(lambda _=False, lid=lane.id: self.group_selection(lid))
            remove = menu.addAction(self.tr("Take out of stage"))
            remove.triggered.connect(lambda: self.group_selection(None))
        menu.exec(self.canvas.view.mapToGlobal(pos))

    def group_selection(self, stage_id: str | None) -> None:
        if self.canvas is not None and self.canvas.selected_node_ids():
            self.editor.execute(GroupIntoStage(self.canvas.selected_node_ids(), stage_id))
            self.canvas.scene.grScene.update()

    def edit_settings(self) -> None:
        if self.editor is None:
            return
        from gui.settings_dialog import JourneySettingsDialog

        dialog = JourneySettingsDialog(self.editor.journey, self)
        if self._run_dialog(dialog):
            self.editor.execute(EditJourney(self.tr("Edit journey settings"), **dialog.values()))
            self._update_title()

    def _run_dialog(self, dialog: QtWidgets.QDialog) -> bool:
        return dialog.exec() == QtWidgets.QDialog.DialogCode.Accepted

    def _update_title(self, *_args) -> None:
        if self.editor is None:
            self.setWindowTitle(self.tr("Journey Studio"))
        else:
            star = "" if self.editor.undo_stack.isClean() else " •"
            self.setWindowTitle(f"{self.editor.journey.name}{star} — Journey Studio")

    def _update_actions(self, *_args) -> None:
        has = self.editor is not None
        sel = bool(has and self.canvas.selected_node_ids())
        for a in (self.act_save, self.act_export, self.act_paste, self.act_settings, self.act_simulate, self.act_select_all, self.act_fit,
                  self.act_zoom_in, self.act_zoom_out, self.act_validate, self.act_publish):
            a.setEnabled(has)
        status = self.editor.journey.settings.status if has else ""
        self.act_go_live.setEnabled(has and status != "live")
        self.act_pause.setEnabled(has and status == "live")
        if self._live_chip_for != (self.editor.journey.id if has else None, status):
            self._live_chip_for = (self.editor.journey.id if has else None, status)
            self._refresh_live_chip()
        for a in (self.act_cut, self.act_copy, self.act_duplicate):
            a.setEnabled(sel)
        self.act_undo.setEnabled(has and self.editor.undo_stack.canUndo())
        self.act_redo.setEnabled(has and self.editor.undo_stack.canRedo())
        if has:
            self.act_undo.setText(self.tr("&Undo %1").replace("%1", self.editor.undo_stack.undoText()).strip())
            self.act_redo.setText(self.tr("&Redo %1").replace("%1", self.editor.undo_stack.redoText()).strip())
            for action in (self.act_undo, self.act_redo):
                keys = action.shortcut().toString(QtGui.QKeySequence.SequenceFormat.NativeText)
                action.setToolTip(f"{action.text().replace('&', '')} ({keys})")

    def _error(self, title: str, text: str) -> None:
        QtWidgets.QMessageBox.warning(self, title, text)

    def _about(self) -> None:
        from engine import __version__

        QtWidgets.QMessageBox.about(
            self, self.tr("About Journey Studio"),
            self.tr("<b>Journey Studio %1</b><br>Map, track, analyze, orchestrate and optimize customer "
                    "journeys on your own desktop.").replace("%1", __version__))

    def _size_docks(self) -> None:
        self.resizeDocks([self.palette_dock, self.inspector_dock], [220, 310], Qt.Orientation.Horizontal)
        self.resizeDocks([self.validation_dock], [170], Qt.Orientation.Vertical)

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        if not self._docks_sized:
            self._docks_sized = True
            self.tabifyDockWidget(self.validation_dock, self.run_dock)
            self.tabifyDockWidget(self.run_dock, self.tracking_dock)
            self.tracking_dock.show()
            self.validation_dock.raise_()
            self._size_docks()

    # -- Track tool windows ----------------------------------------------------------------------
    def show_profiles(self, customer_id: str | None = None) -> None:
        """Open (or bring forward) the Profiles window; with ``customer_id``, show that customer."""
        if self.profiles_window is None:
            from gui.profiles_window import ProfilesWindow

            self.profiles_window = ProfilesWindow(self.workspace, self)
            self.profiles_window.journeyRequested.connect(lambda jid: jid and self.open_journey(jid))
        self._bring_forward(self.profiles_window)
        if customer_id:
            self.profiles_window.show_customer(customer_id)

    def show_segments(self) -> None:
        """Open (or bring forward) the segment builder."""
        if self.segment_builder is None:
            from gui.segment_builder import SegmentBuilder

            self.segment_builder = SegmentBuilder(self.workspace, self)
            self.segment_builder.customerRequested.connect(lambda cid: cid and self.show_profiles(cid))
            self.segment_builder.segmentsChanged.connect(self.refresh_picker_choices)
        self._bring_forward(self.segment_builder)

    # -- CSV import and the collector -------------------------------------------------------------
    def show_import(self, kind: str = "customers", path: str | None = None) -> None:
        """Open the CSV import wizard for customers or events (one wizard at a time)."""
        from gui.import_wizard import ImportWizard

        if self.import_wizard is not None and self.import_wizard.isVisible():
            self._bring_forward(self.import_wizard)
            return
        if self.import_wizard is not None:
            self.import_wizard.deleteLater()
        self.import_wizard = ImportWizard(self.workspace, kind, path, self)
        self.import_wizard.imported.connect(self._on_csv_imported)
        # Shown, not exec()'d: the editor stays usable while a long import runs.
        self._bring_forward(self.import_wizard)

    def _on_csv_imported(self, result) -> None:
        self.statusBar().showMessage(fill(self.tr("Import of %1: %2 rows read, %3 skipped with errors"),
                                          Path(result.path).name, f"{result.rows_read:,}",
                                          f"{result.skipped:,}"), 10000)
        if self.profiles_window is not None and self.profiles_window.isVisible():
            self.profiles_window.refresh()
        self.source_feed.refresh()
        self.refresh_picker_choices()

    def show_collector(self) -> None:
        """Open (or bring forward) the Collector window."""
        if self.collector_panel is None:
            from gui.collector_panel import CollectorPanel

            self.collector_panel = CollectorPanel(self.workspace, self)
            # Queued from the collector's writer thread by the panel: the engine takes new events now.
            self.collector_panel.eventsStored.connect(self._on_collector_events)
            self.collector_panel.keysChanged.connect(self.refresh_picker_choices)
            self.statusBar().addPermanentWidget(self.collector_panel.status_label)
        self._bring_forward(self.collector_panel)

    def collect_where_the_command_did(self) -> None:
        """Open the Collector window and start collecting at the address the command-line
        collector this app took the workspace over from listened on (the default one if unknown)."""
        from engine.track.collect_commands import address_used

        self.show_collector()
        assert self.collector_panel is not None
        self.collector_panel.start_at(*(address_used(self.workspace) or (None, None)))

    def _on_collector_events(self, _count: int) -> None:
        engine = getattr(self, "live_engine", None)
        if engine is not None:
            engine.run_now()
        self.source_feed.refresh_soon()
        if self.profiles_window is not None and self.profiles_window.isVisible():
            self.profiles_window.check_shown()  # the profile shown may have been merged away
        # New event names: offered once arrivals settle, not re-read for every batch.
        self._choices_timer.start()

    # -- what the pickers offer ------------------------------------------------------------------
    def refresh_picker_choices(self) -> None:
        """Read the saved segments, event names and write keys the inspector's pickers offer (in
        the background; the answer updates the pickers shown and those shown later)."""
        from engine.track.choices import picker_choices

        self._choices_timer.stop()
        workspace = self.workspace
        self.choices_reader.submit(lambda: picker_choices(workspace), self._on_picker_choices,
                                   self._on_picker_choices_failed, key="picker-choices")

    def _on_picker_choices(self, choices) -> None:
        self._picker_choices = choices
        # A node naming a segment deleted since still reads well: the workspace keeps deleted
        # segments' names, and this window those it saw.
        self._segment_names.update(choices.deleted_segments)
        self._segment_names.update((c.id, c.name) for c in choices.segments)
        if choices.problems:
            self.statusBar().showMessage(choices.problems[0], 6000)
        self._offer_picker_choices()
        self._show_issues()

    def _on_picker_choices_failed(self, message: str) -> None:
        self.statusBar().showMessage(self.tr("Cannot read the segments and event names: %1").replace("%1", message),
                                     6000)

    def _offer_picker_choices(self) -> None:
        """Give the pickers the choices read last, with the event names the open journey's
        ``track.event`` nodes declare (unsaved edits included)."""
        choices = self._picker_choices
        if choices is None:
            return
        from engine.track.choices import EventChoice, SegmentChoice

        events = {c.name: c for c in choices.events}
        if self.editor is not None:
            for node in self.editor.journey.nodes:
                name = node.config.get("event_name") if node.type == "track.event" else None
                if isinstance(name, str) and name.strip() and not (name in events and events[name].declared):
                    name = name.strip()
                    seen = events.get(name)
                    events[name] = EventChoice(name, True, seen is not None and seen.received)
        saved = {c.id for c in choices.segments}
        gone = [SegmentChoice(sid, name, 0, deleted=True) for sid, name in self._segment_names.items()
                if sid not in saved]
        self.inspector.set_choices("segment", [*choices.segments, *gone])
        if self.canvas is not None:
            self.canvas.set_segment_names(self._segment_names)
        self.inspector.set_choices("event", sorted(events.values(), key=lambda c: (c.name.casefold(), c.name)))
        self.inspector.set_choices("write_key", list(choices.write_keys))

    def _on_form_request(self, name: str) -> None:
        if name == "edit_done":
            if self.editor is not None:
                self.editor.seal()
        elif name == "manage_segments":
            self.show_segments()
        elif name == "manage_write_keys":
            self.show_collector()

    # -- channels --------------------------------------------------------------------------------
    def show_channels(self) -> None:
        """Open (or bring forward) the Channels window."""
        if self.channels_window is None:
            from gui.channels_window import ChannelsWindow

            self.channels_window = ChannelsWindow(self.workspace, self, secrets=self.channel_secrets)
            self.channels_window.changed.connect(self._on_channels_changed)
        self._bring_forward(self.channels_window)

    def _on_channels_changed(self) -> None:
        engine = getattr(self, "live_engine", None)
        if engine is not None:
            engine.reload_channels()
        self.refresh_channel_health()

    def refresh_channel_health(self) -> None:
        """Tell the channel pickers which accounts exist and the canvas which Send nodes to badge:
        read once here (journey opened, accounts changed, a live pass sent), never while painting."""
        from gui.channels_window import channel_health

        try:
            health = channel_health(self.workspace, self.channel_secrets)
        except JourneyStudioError as exc:
            self.statusBar().showMessage(self.tr("Cannot read the channel accounts: %1").replace("%1", str(exc)),
                                         6000)
            return
        self.inspector.set_choices("channel", health.choices())
        self._unopenable_channels = dict(health.unavailable)
        if self.canvas is not None:
            # An account that cannot be opened fails every send with that reason: one warning
            # saying so, not a second one about its last delivery.
            failing = {k: v for k, v in health.failing.items() if k not in health.unavailable}
            self.canvas.set_channel_health(health.carries(), failing)
        self._show_issues()

    def _on_live_status(self, _text: str) -> None:
        last = self.live_engine.last
        if last is not None and (last.sent or last.failed):
            self.refresh_channel_health()

    @staticmethod
    def _bring_forward(window: QtWidgets.QWidget) -> None:
        window.show()
        window.raise_()
        window.activateWindow()

    def start_live_engine(self, interval_s: float | None = None) -> None:
        """Run the live journeys in the background while this window is open."""
        from gui.live_engine import PASS_INTERVAL_S, LiveEngineService

        if getattr(self, "live_engine", None) is not None:
            return
        self.live_engine = LiveEngineService(self.workspace, self.registry, self,
                                             interval_s=interval_s or PASS_INTERVAL_S)
        self.statusBar().addPermanentWidget(self.live_engine.label)
        self.live_engine.status.connect(self._on_live_status)
        self.live_engine.start()

    def closeEvent(self, event) -> None:  # noqa: N802
        if not self._maybe_save():
            event.ignore()
            return
        # A Track window with unsaved edits may ask, and the answer may be to stay.
        tools = [tool for tool in (self.profiles_window, self.segment_builder, self.channels_window)
                 if tool is not None]
        if not all(tool.close() for tool in tools):
            event.ignore()
            return
        self._close_editor()
        # An import stops between batches and the collector stores what it has read before the
        # workspace may be closed.
        for tool in (self.import_wizard, self.collector_panel):
            if tool is not None:
                tool.shutdown()
        engine = getattr(self, "live_engine", None)
        if engine is not None:
            engine.stop()
        # Their engine calls finish before the workspace may be closed.
        for tool in tools:
            tool.shutdown()
        self.tracking_panel.shutdown()
        self.source_feed.shutdown()
        self.choices_reader.shutdown()
        event.accept()

