"""Palette, start page, journey browser and validation panel, each on its own with tiny fixtures."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import BaseModel, ConfigDict, Field

from engine.document import Journey, Node, save
from engine.errors import DocumentError, NotFound
from engine.spec import NodeSpec, Port, Registry, Stage
from engine.templates import TemplateInfo
from engine.validate import Issue
from gui.journey_browser import COL_NAME, JourneyBrowser, format_relative
from gui.palette import NODE_MIME_TYPE, Palette, stage_icon
from gui.qt import Qt, QtCore
from gui.start_page import StartPage, stages_of_types
from gui.validation_panel import ValidationPanel


class _Empty(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _SendConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    body: str = Field("Hello", min_length=1)


def _spec(key: str, title: str, stage: Stage, description: str = "", keywords=(), model=_Empty) -> NodeSpec:
    return NodeSpec(type_key=key, version=1, title=title, stage=stage, config_model=model,
                    inputs=(Port("in"),), outputs=(Port("out"),), icon=key.split(".")[1],
                    description=description, keywords=tuple(keywords))


@pytest.fixture
def registry() -> Registry:
    # Registered out of stage order on purpose: the palette must order groups itself.
    return Registry([
        _spec("optimize.holdout", "Holdout", Stage.OPTIMIZE, "A control group that receives nothing."),
        _spec("orchestrate.send", "Send message", Stage.ORCHESTRATE, "Send through a channel.",
              keywords=("email", "sms"), model=_SendConfig),
        _spec("orchestrate.wait", "Wait", Stage.ORCHESTRATE, "Pause for a while."),
        _spec("map.note", "Sticky note", Stage.MAP, "A note on the map."),
        _spec("analyze.metric", "Metric", Stage.ANALYZE, "A KPI with a target."),
    ])


# ---------------------------------------------------------------------------------------------
# Palette
# ---------------------------------------------------------------------------------------------

def _group_titles(palette: Palette) -> list[str]:
    tree = palette.tree
    return [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())
            if not tree.topLevelItem(i).isHidden()]


def test_palette_groups_in_stage_order(qtbot, registry):
    palette = Palette(registry)
    qtbot.addWidget(palette)
    assert _group_titles(palette) == ["Map", "Analyze", "Orchestrate", "Optimize"]
    assert palette.visible_type_keys() == ["map.note", "analyze.metric", "orchestrate.send",
                                           "orchestrate.wait", "optimize.holdout"]
    send = palette._item_for("orchestrate.send")
    assert send.text(0) == "Send message"
    assert "Send through a channel." in send.toolTip(0)
    assert not send.icon(0).isNull()
    header = palette.tree.topLevelItem(0)
    assert header.font(0).bold()


def test_palette_search_filters_and_restores(qtbot, registry):
    palette = Palette(registry)
    qtbot.addWidget(palette)
    palette.search.setText("EMAIL")  # a keyword, case-insensitive
    assert palette.visible_type_keys() == ["orchestrate.send"]
    assert palette.visible_stages() == [Stage.ORCHESTRATE]
    palette.search.setText("control group")  # description words
    assert palette.visible_type_keys() == ["optimize.holdout"]
    palette.search.setText("analyze.met")  # type key
    assert palette.visible_type_keys() == ["analyze.metric"]
    palette.search.setText("nothing like this")
    assert palette.visible_type_keys() == []
    assert not palette.empty_label.isHidden()
    palette.search.setFocus()
    qtbot.keyClick(palette.search, Qt.Key.Key_Escape)
    assert palette.search.text() == ""
    assert len(palette.visible_type_keys()) == 5
    assert _group_titles(palette) == ["Map", "Analyze", "Orchestrate", "Optimize"]
    assert palette.empty_label.isHidden()


def test_palette_double_click_and_enter_request_add(qtbot, registry):
    palette = Palette(registry)
    qtbot.addWidget(palette)
    palette.show()
    item = palette._item_for("orchestrate.wait")
    palette.tree.scrollToItem(item)
    rect = palette.tree.visualItemRect(item)
    # QTest sends a double click without the press before it, which item views ignore.
    qtbot.mouseClick(palette.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(palette.addRequested) as blocker:
        qtbot.mouseDClick(palette.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == ["orchestrate.wait"]

    received = []
    palette.addRequested.connect(received.append)
    palette.tree.setCurrentItem(palette._item_for("map.note"))
    qtbot.keyClick(palette.tree, Qt.Key.Key_Return)
    # Enter in the search box adds the highlighted match.
    palette.search.setText("metric")
    qtbot.keyClick(palette.search, Qt.Key.Key_Return)
    assert received == ["map.note", "analyze.metric"]


def test_palette_header_double_click_adds_nothing(qtbot, registry):
    palette = Palette(registry)
    qtbot.addWidget(palette)
    received = []
    palette.addRequested.connect(received.append)
    palette.tree.itemDoubleClicked.emit(palette.tree.topLevelItem(0), 0)
    assert received == []


def test_palette_drag_mime_data(qtbot, registry):
    palette = Palette(registry)
    qtbot.addWidget(palette)
    mime = palette.mime_data_for("orchestrate.send")
    assert mime.formats() == [NODE_MIME_TYPE]
    assert bytes(mime.data(NODE_MIME_TYPE)).decode("utf-8") == "orchestrate.send"
    # The tree builds its drag payload through the same method.
    tree_mime = palette.tree.mimeData([palette._item_for("analyze.metric")])
    assert bytes(tree_mime.data(NODE_MIME_TYPE)) == b"analyze.metric"
    assert palette.tree.mimeData([palette.tree.topLevelItem(0)]).formats() == []


def test_stage_icon_is_cached_and_drawn_in_stage_colour(qtbot, registry):
    spec = registry["map.note"]
    icon = stage_icon(spec, 24)
    assert icon is stage_icon(spec, 24)
    image = icon.pixmap(24, 24).toImage()
    # A pixel near the rounded corner's inside is the stage colour (the line art is in the middle).
    assert image.pixelColor(4, 12).name().lower() == "#7e57c2"


# ---------------------------------------------------------------------------------------------
# Start page
# ---------------------------------------------------------------------------------------------

@pytest.fixture
def templates(tmp_path) -> list[TemplateInfo]:
    out = []
    for key, name, types in [
        ("welcome", "Welcome series", ["orchestrate.entry", "orchestrate.send", "map.note"]),
        ("winback", "Win back", ["track.event", "analyze.metric", "optimize.holdout", "custom.thing"]),
    ]:
        journey = Journey(name=name, description=f"About {name}.",
                          nodes=[Node(id=f"n{i}", type=t) for i, t in enumerate(types)])
        path = tmp_path / f"{key}.journey.json"
        save(journey, path)
        out.append(TemplateInfo(key=key, name=name, description=journey.description, path=path,
                                node_count=len(types)))
    return out


def test_start_page_has_one_card_per_template_plus_blank(qtbot, templates):
    page = StartPage(templates)
    qtbot.addWidget(page)
    assert page.template_keys() == ["welcome", "winback"]
    assert len(page.grid.cards()) == 3
    assert page.grid.cards()[0] is page.blank_card
    welcome, winback = page.template_cards
    assert welcome.chips.stages == [Stage.MAP, Stage.ORCHESTRATE]
    assert winback.chips.stages == [Stage.TRACK, Stage.ANALYZE, Stage.OPTIMIZE]
    assert welcome.meta.text() == "3 nodes"


def test_start_page_card_clicks_emit(qtbot, templates):
    page = StartPage(templates)
    qtbot.addWidget(page)
    page.resize(1280, 760)
    page.show()
    qtbot.waitExposed(page)
    card = page.template_cards[1]
    with qtbot.waitSignal(page.templateChosen) as blocker:
        qtbot.mouseClick(card, Qt.MouseButton.LeftButton, pos=card.rect().center())
    assert blocker.args == ["winback"]
    with qtbot.waitSignal(page.blankChosen):
        qtbot.mouseClick(page.blank_card, Qt.MouseButton.LeftButton, pos=page.blank_card.rect().center())
    with qtbot.waitSignal(page.importChosen):
        qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    assert page.grid.columns() == 3


def test_start_page_grid_reflows(qtbot, templates):
    page = StartPage(templates)
    qtbot.addWidget(page)
    grid = page.grid
    assert grid.columns_for(1000) == 3
    assert grid.columns_for(520) == 2
    assert grid.columns_for(300) == 1
    assert grid.heightForWidth(300) > grid.heightForWidth(1000)


def test_start_page_recent_list(qtbot, templates):
    page = StartPage(templates)
    qtbot.addWidget(page)
    assert page.recent_list.isHidden() and not page.recent_empty.isHidden()
    now = datetime.now(UTC)
    page.set_recent([("j1", "Welcome", now - timedelta(minutes=5)), ("j2", "Cart", now - timedelta(days=3))])
    assert page.recent_ids() == ["j1", "j2"]
    assert not page.recent_list.isHidden() and page.recent_empty.isHidden()
    with qtbot.waitSignal(page.recentChosen) as blocker:
        page.recent_list.itemActivated.emit(page.recent_list.item(1))
    assert blocker.args == ["j2"]
    page.show()
    page.resize(1280, 760)
    qtbot.waitExposed(page)
    rect = page.recent_list.visualItemRect(page.recent_list.item(0))
    qtbot.mouseClick(page.recent_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(page.recentChosen) as blocker:
        qtbot.mouseDClick(page.recent_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == ["j1"]


def test_stages_of_types_ignores_unknown_prefixes():
    assert stages_of_types(["optimize.x", "map.y", "plugin.z", "map.w"]) == [Stage.MAP, Stage.OPTIMIZE]


# ---------------------------------------------------------------------------------------------
# Journey browser
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FakeInfo:
    id: str
    name: str
    description: str
    status: str
    archived: bool
    updated_at: datetime
    latest_version: int | None
    node_count: int


class FakeWorkspace:
    """In memory, with the same methods the browser uses on the real workspace."""

    def __init__(self, infos):
        self.journeys = {info.id: info for info in infos}
        self.calls: list[tuple] = []
        self._clock = datetime(2030, 1, 1, tzinfo=UTC)

    def _tick(self) -> datetime:
        self._clock += timedelta(minutes=1)
        return self._clock

    def _get(self, journey_id):
        if journey_id not in self.journeys:
            raise NotFound(f"no journey with id '{journey_id}'")
        return self.journeys[journey_id]

    def list_journeys(self, include_archived=False):
        infos = [i for i in self.journeys.values() if include_archived or not i.archived]
        return sorted(infos, key=lambda i: i.updated_at, reverse=True)

    def rename_journey(self, journey_id, name):
        self.calls.append(("rename", journey_id, name))
        if not name.strip():
            raise DocumentError("a journey needs a name")
        info = replace(self._get(journey_id), name=name.strip(), updated_at=self._tick())
        self.journeys[journey_id] = info
        return info

    def duplicate_journey(self, journey_id, new_name=None):
        self.calls.append(("duplicate", journey_id))
        source = self._get(journey_id)
        copy = replace(source, id=f"{journey_id}-copy", name=new_name or f"{source.name} (copy)",
                       status="draft", archived=False, latest_version=None, updated_at=self._tick())
        self.journeys[copy.id] = copy
        return copy

    def archive_journey(self, journey_id, archived=True):
        self.calls.append(("archive", journey_id, archived))
        info = replace(self._get(journey_id), archived=archived, updated_at=self._tick())
        self.journeys[journey_id] = info
        return info

    def delete_journey(self, journey_id):
        self.calls.append(("delete", journey_id))
        self._get(journey_id)
        del self.journeys[journey_id]


@pytest.fixture
def workspace() -> FakeWorkspace:
    base = datetime(2029, 12, 31, tzinfo=UTC)
    return FakeWorkspace([
        FakeInfo("a", "Welcome series", "Greets new customers", "live", False, base, 3, 6),
        FakeInfo("b", "Abandoned cart", "", "draft", False, base - timedelta(hours=2), None, 4),
        FakeInfo("c", "Old newsletter", "", "draft", True, base - timedelta(days=30), 1, 2),
    ])


def _browser(qtbot, workspace) -> JourneyBrowser:
    browser = JourneyBrowser(workspace)
    qtbot.addWidget(browser)
    errors = []
    browser._show_error = lambda text, error: errors.append((text, str(error)))
    browser.errors = errors
    return browser


def test_browser_lists_journeys_and_filters_archived(qtbot, workspace):
    browser = _browser(qtbot, workspace)
    assert browser.journey_ids() == ["a", "b"]
    row = browser.tree.topLevelItem(0)
    assert [row.text(c) for c in (1, 3)] == ["Live", "v3"]
    assert browser.tree.topLevelItem(1).text(3) == "—"
    browser.show_archived.setChecked(True)
    assert browser.journey_ids() == ["a", "b", "c"]
    assert browser._item_for("c").text(1) == "Archived"
    browser.show_archived.setChecked(False)
    assert browser.journey_ids() == ["a", "b"]


def test_browser_search_and_current(qtbot, workspace):
    browser = _browser(qtbot, workspace)
    browser.search.setText("greets")  # matches the description
    assert browser.journey_ids() == ["a"]
    browser.search.setText("zzz")
    assert browser.journey_ids() == [] and not browser.empty_label.isHidden()
    browser.search.clear()
    browser.set_current("b")
    assert browser._item_for("b").font(COL_NAME).bold()
    assert not browser._item_for("a").font(COL_NAME).bold()
    browser.refresh()
    assert browser._item_for("b").font(COL_NAME).bold()


def test_the_open_journey_is_selected_when_nothing_else_is(qtbot, workspace):
    browser = _browser(qtbot, workspace)
    assert browser.selected_id() is None and not browser.action_rename.isEnabled()
    browser.set_current("b")
    assert browser.selected_id() == "b" and browser.action_rename.isEnabled()
    browser.select("a")
    browser.set_current("b")
    assert browser.selected_id() == "a"  # a row picked while "b" stays open stays picked


def test_opening_another_journey_selects_it(qtbot, workspace):
    browser = _browser(qtbot, workspace)
    browser.set_current("a")
    assert browser.selected_id() == "a"
    browser.set_current("b")  # the window opened "b": the list follows
    assert browser.selected_id() == "b" and browser._item_for("b").font(COL_NAME).bold()


def test_a_narrow_list_keeps_room_for_the_names(qtbot, workspace):
    browser = _browser(qtbot, workspace)
    browser.resize(220, 500)
    browser.show()
    qtbot.waitExposed(browser)
    assert browser.tree.isColumnHidden(2) and browser.tree.isColumnHidden(3)
    assert not browser.tree.isColumnHidden(1)
    tip = browser._item_for("a").toolTip(COL_NAME)
    assert "Updated " in tip and "Latest published version: 3" in tip
    assert "Never published" in browser._item_for("b").toolTip(COL_NAME)
    browser.resize(600, 500)
    qtbot.waitUntil(lambda: not browser.tree.isColumnHidden(2))
    assert not browser.tree.isColumnHidden(3)


def test_browser_open_and_new(qtbot, workspace):
    browser = _browser(qtbot, workspace)
    browser.select("b")
    with qtbot.waitSignal(browser.openRequested) as blocker:
        browser.action_open.trigger()
    assert blocker.args == ["b"]
    with qtbot.waitSignal(browser.openRequested) as blocker:
        browser.tree.itemActivated.emit(browser._item_for("a"), 0)
    assert blocker.args == ["a"]
    with qtbot.waitSignal(browser.newRequested):
        browser.action_new.trigger()


def test_browser_inline_rename(qtbot, workspace):
    browser = _browser(qtbot, workspace)
    with qtbot.waitSignal(browser.changed):
        browser._item_for("b").setText(COL_NAME, "Cart rescue")
    assert workspace.journeys["b"].name == "Cart rescue"
    assert browser._item_for("b").text(COL_NAME) == "Cart rescue"
    # A blank name is refused without asking the workspace, and the old name comes back.
    browser._item_for("b").setText(COL_NAME, "   ")
    assert browser._item_for("b").text(COL_NAME) == "Cart rescue"
    assert workspace.calls == [("rename", "b", "Cart rescue")]


def test_browser_rename_error_is_shown_and_reverted(qtbot, workspace):
    browser = _browser(qtbot, workspace)
    del workspace.journeys["a"]  # someone else removed it
    changed = []
    browser.changed.connect(lambda: changed.append(True))
    browser._item_for("a").setText(COL_NAME, "New name")
    assert browser._item_for("a").text(COL_NAME) == "Welcome series"
    assert len(browser.errors) == 1 and "no journey with id 'a'" in browser.errors[0][1]
    assert changed == []


def test_browser_duplicate_selects_copy(qtbot, workspace):
    browser = _browser(qtbot, workspace)
    browser.select("a")
    with qtbot.waitSignal(browser.changed):
        browser.action_duplicate.trigger()
    assert "a-copy" in browser.journey_ids()
    assert browser.selected_id() == "a-copy"
    assert browser._item_for("a-copy").text(COL_NAME) == "Welcome series (copy)"


def test_browser_archive_and_unarchive(qtbot, workspace):
    browser = _browser(qtbot, workspace)
    browser.select("b")
    assert browser.action_archive.text() == "Archive"
    with qtbot.waitSignal(browser.changed):
        browser.action_archive.trigger()
    assert workspace.journeys["b"].archived
    assert "b" not in browser.journey_ids()
    browser.show_archived.setChecked(True)
    browser.select("b")
    assert browser.action_archive.text() == "Unarchive"
    with qtbot.waitSignal(browser.changed):
        browser.action_archive.trigger()
    assert not workspace.journeys["b"].archived


@pytest.mark.parametrize("answer", [True, False])
def test_browser_delete_asks_first(qtbot, workspace, answer):
    browser = _browser(qtbot, workspace)
    asked = []

    def confirm(text):
        asked.append(text)
        return answer

    browser._confirm = confirm
    changed = []
    browser.changed.connect(lambda: changed.append(True))
    browser.select("a")
    browser.action_delete.trigger()
    assert asked == ["Delete “Welcome series”? Its draft and all published versions are removed. "
                     "This cannot be undone."]
    assert ("a" in workspace.journeys) is not answer
    assert ("a" in browser.journey_ids()) is not answer
    assert changed == ([True] if answer else [])


def test_browser_actions_disabled_without_selection(qtbot, workspace):
    browser = _browser(qtbot, workspace)
    browser.tree.clearSelection()
    assert not browser.action_delete.isEnabled()
    assert browser.action_new.isEnabled()
    browser.select("a")
    assert browser.action_delete.isEnabled()


def test_format_relative():
    now = datetime(2030, 6, 1, 12, 0, tzinfo=UTC)
    assert format_relative(now - timedelta(seconds=20), now) == "just now"
    assert format_relative(now - timedelta(minutes=5), now) == "5 min ago"
    assert format_relative(now - timedelta(hours=3), now) == "3 h ago"
    assert format_relative(now - timedelta(days=1, hours=2), now) == "yesterday"
    assert format_relative(now - timedelta(days=4), now) == "4 days ago"
    assert "2030" in format_relative(datetime(2030, 1, 15, tzinfo=UTC), now)
    # Naive datetimes are read as UTC.
    assert format_relative(datetime(2030, 6, 1, 11, 55), now) == "5 min ago"


# ---------------------------------------------------------------------------------------------
# Validation panel
# ---------------------------------------------------------------------------------------------

@pytest.fixture
def journey() -> Journey:
    return Journey(name="Welcome", nodes=[Node(id="n-send", type="orchestrate.send", title="Say hello"),
                                          Node(id="n-wait", type="orchestrate.wait")])


def test_validation_summary(qtbot, journey, registry):
    panel = ValidationPanel()
    qtbot.addWidget(panel)
    panel.set_issues([
        Issue("warning", "stage_missing", "Stage gone.", node_id="n-wait"),
        Issue("error", "config_invalid", "Message: too short", node_id="n-send", field="body"),
        Issue("error", "no_entry", "The journey has no Entry node."),
    ], journey, registry)
    assert panel.summary_text() == "2 errors, 1 warning"
    assert [i.severity for i in panel.visible_issues()] == ["error", "error", "warning"]
    assert panel.location_text(panel.issues()[0]) == "Say hello"  # the message names its field already
    assert panel.location_text(panel.issues()[2]) == "Wait"  # untitled: named after its type
    panel.set_severity_visible("error", False)
    assert [i.code for i in panel.visible_issues()] == ["stage_missing"]
    panel.set_severity_visible("error", True)
    assert len(panel.visible_issues()) == 3

    panel.set_issues([Issue("warning", "w", "Careful.")], journey)
    assert panel.summary_text() == "1 warning — you can still publish"
    panel.set_issues([Issue("info", "nothing_to_run", "Map only.")], journey)
    assert panel.summary_text() == "No problems found — ready to publish"
    panel.set_issues([], journey)
    assert panel.summary_text() == "No problems found — ready to publish"
    assert panel.filter_bar.isHidden()


def test_validation_click_emits_node_and_edge(qtbot, journey):
    panel = ValidationPanel()
    qtbot.addWidget(panel)
    panel.set_issues([
        Issue("error", "port_fanout", "Two paths.", node_id="n-send", edge_id="e-1"),
        Issue("error", "no_entry", "No entry."),
    ], journey)
    panel.resize(360, 300)
    panel.show()
    qtbot.waitExposed(panel)
    rect = panel.list.visualItemRect(panel.list.item(0))
    with qtbot.waitSignal(panel.issueActivated) as blocker:
        qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == ["n-send", "e-1"]
    with qtbot.waitSignal(panel.issueActivated) as blocker:
        panel.list.itemActivated.emit(panel.list.item(1))
    assert blocker.args == ["", ""]


def test_validation_rows_grow_with_long_messages(qtbot, journey):
    panel = ValidationPanel()
    qtbot.addWidget(panel)
    long = "A very long message " * 12
    panel.set_issues([Issue("error", "a", "Short."), Issue("error", "b", long)], journey)
    panel.resize(300, 400)
    panel.show()
    qtbot.waitExposed(panel)
    short_rect = panel.list.visualItemRect(panel.list.item(0))
    long_rect = panel.list.visualItemRect(panel.list.item(1))
    assert long_rect.height() > 2 * short_rect.height() - 10
    assert QtCore.QRect(panel.list.viewport().rect()).width() >= long_rect.width()
