"""``journey-studio screenshot``: render the main screens to PNG files, offscreen.

Used for the README and docs, and by people checking how a change looks without a display.

The screens show a throw-away demo workspace made for the pictures (a template's journey, sample
customers, events and segments), never the user's own. For the Send inspector (with its message
preview) and the Channels window, it gets a few channel accounts; their secrets are kept in this
process's memory, so a screenshot never writes demo passwords into the user's keyring.

Qt's offscreen platform warns that it cannot do what a window on a screen does (size hints for a
dock, raising a window) each time a screen asks; those warnings say nothing about the pictures and
are dropped while they are taken. Any other Qt message is printed as usual.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def take_screenshots(out: str | os.PathLike, template: str = "abandoned_cart", width: int = 1280,
                     height: int = 800) -> list[Path]:
    from engine.errors import JourneyStudioError
    from engine.templates import load_template

    if width < 640 or height < 480 or width > 7680 or height > 4320:
        raise JourneyStudioError(f"a screenshot size of {width}×{height} is not supported; use at least "
                                 f"640×480 and at most 7680×4320")
    load_template(template)  # an unknown template is a clear error before any window opens
    out_dir = Path(out)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise JourneyStudioError(f"cannot create the folder: {exc.strerror or exc}", where=str(out_dir)) from None
    if not os.access(out_dir, os.W_OK):
        raise JourneyStudioError("the folder is not writable", where=str(out_dir))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from gui.app import make_application
    from gui.qt import QtCore

    app = make_application()
    quiet = QuietOffscreen()
    quiet.previous = QtCore.qInstallMessageHandler(quiet)
    try:
        return _take(app, out_dir, template, width, height)
    finally:
        QtCore.qInstallMessageHandler(quiet.previous)


#: What the offscreen platform says when a window asks for what only a screen's window system does:
#: known, harmless, and printed dozens of times per run.
OFFSCREEN_NOISE = frozenset({
    "This plugin does not support propagateSizeHints()",
    "This plugin does not support raise()",
})


class QuietOffscreen:
    """A Qt message handler that drops :data:`OFFSCREEN_NOISE` and hands every other message to
    the handler it replaced, ``previous`` (or prints it on stderr, as Qt does without one)."""

    def __init__(self) -> None:
        self.previous = None

    def __call__(self, mode, context, message: str) -> None:
        if message in OFFSCREEN_NOISE:
            return
        if self.previous is not None:
            self.previous(mode, context, message)
        else:
            import sys

            sys.stderr.write(message + "\n")


def _take(app, out_dir: Path, template: str, width: int, height: int) -> list[Path]:
    from engine.errors import JourneyStudioError
    from engine.spec import default_registry
    from engine.store.workspace import Workspace
    from gui.main_window import MainWindow
    from gui.qt import QtCore, QtWidgets

    written: list[Path] = []

    def settle() -> None:
        for _ in range(5):
            app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 50)
            QtCore.QThread.msleep(5)

    def save(widget: QtWidgets.QWidget, name: str) -> Path:
        """``widget`` as it looks once pending events are handled, as ``name`` in the folder."""
        settle()
        path = out_dir / name
        if not widget.grab().save(str(path)):
            raise JourneyStudioError("cannot write the image", where=str(path))
        return path

    def shot(widget: QtWidgets.QWidget, name: str) -> None:
        written.append(save(widget, name))

    with tempfile.TemporaryDirectory(prefix="journey-studio-shot-") as tmp:
        ws = Workspace.open(Path(tmp) / "workspace.db")
        try:
            window = MainWindow(ws, default_registry())
            problems: list[str] = []
            # no one can click a message box here: collect the message and fail with it instead
            window._error = lambda title, text: problems.append(f"{title}: {text}")
            window._ask_save = lambda name: "discard"
            window.resize(width, height)
            window.show()
            shot(window, "start_page.png")
            window.new_from_template(template)
            if problems or window.editor is None:
                raise JourneyStudioError(problems[0] if problems else f"cannot open template '{template}'")
            settle()
            shot(window, "editor.png")
            # the inspector with the first message node (or any node) selected
            journey = window.editor.journey
            sends = sorted((n for n in journey.nodes if n.type == "orchestrate.send"),
                           key=lambda n: (n.position.x, n.position.y))
            pick = sends[0] if sends else journey.nodes[0]
            window.canvas.select_nodes([pick.id], center=True)
            shot(window, "inspector.png")
            _channel_shots(window, ws, shot)
            written.append(_simulation_shot(window, app, save))
            written += _track_shots(window, ws, app, save, width, height)
            written += _import_and_collector_shots(window, app, save, width, height)
            window.editor.undo_stack.setClean()
            window.close()
        finally:
            ws.close()
    return written


def _simulation_shot(window, app, save) -> Path:
    """The editor with the overlays of a simulation stopped half-way through its days."""
    import time

    from engine.errors import JourneyStudioError
    from gui.qt import QtCore, fill

    panel = window.run_panel
    panel.customers.setValue(20_000)  # long enough to stop half-way
    window.canvas.select_nodes([])
    window.simulate()
    worker = panel._worker
    if worker is not None:
        # stop half-way, from the worker's own thread: the picture shows a run in progress
        worker.progressed.connect(lambda p: worker.cancel() if p >= 0.5 else None,
                                  QtCore.Qt.ConnectionType.DirectConnection)
    deadline = time.monotonic() + 120
    while panel.running and time.monotonic() < deadline:
        app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 20)
    if panel.running or panel.last_result is None:
        raise JourneyStudioError("the simulation for the screenshot did not finish")
    done = panel.progress.value() / 1000
    panel.summary.setText(fill(panel.tr("Simulating… day %1 of %2"), str(round(done * panel.days.value())),
                               str(panel.days.value())))
    return save(window, "simulation.png")


def _seed_track_demo(ws) -> None:
    """A small shop's customers, events from three sources, segments, and events that break the
    tracking plan of the open template (as the collector and the CSV import would record them)."""
    from datetime import UTC, datetime, timedelta

    from engine.track.segments import SegmentStore
    from engine.track.tracking_plan import check_and_record

    now = datetime.now(UTC).replace(microsecond=0)
    people = [
        ("Ann Lee", "ann.lee@example.com", "+44 20 7946 0018", "London", "pro", ["vip", "newsletter"], 1840.5),
        ("Bo Chen", "bo.chen@example.com", "+86 138 0013 8000", "Shanghai", "pro", ["newsletter"], 960.0),
        ("Carla Díaz", "carla@example.org", "+34 600 123 456", "Madrid", "free", [], 75.2),
        ("David Okafor", "david.okafor@example.com", None, "Lagos", "pro", ["vip"], 2210.0),
        ("Emma Schulz", "emma.schulz@example.de", "+49 30 901820", "Berlin", "free", ["newsletter"], 120.0),
        ("Farid Haddad", "farid@example.com", None, "London", "free", [], 0.0),
        ("Grace Kim", "grace.kim@example.com", "+82 2 312 3456", "Seoul", "pro", ["vip", "beta"], 3105.9),
        ("Hugo Martin", "hugo.martin@example.fr", None, "Lyon", "free", ["newsletter"], 44.0),
        ("Isabel Rossi", "isabel.rossi@example.it", "+39 06 6982", "Rome", "pro", [], 780.0),
        ("Jonas Berg", "jonas.berg@example.se", None, "Stockholm", "free", [], 15.0),
        ("Keiko Tanaka", "keiko@example.jp", "+81 3 1234 5678", "Tokyo", "pro", ["newsletter"], 1290.0),
        ("Liam Walsh", "liam.walsh@example.ie", None, "Dublin", "free", ["beta"], 230.0),
    ]
    for index, (name, email, phone, city, plan, tags, value) in enumerate(people):
        identifiers = {"email": email, "user_id": f"u{1001 + index}"}
        if phone:
            identifiers["phone"] = phone
        ws.upsert_customer(identifiers, {"name": name, "city": city, "plan": plan, "lifetime_value": value,
                                         "signed_up": (now - timedelta(days=40 * index + 12)).date().isoformat(),
                                         "preferences": {"language": "en", "sizes": ["M", "L"]}},
                           tags=tags, consent={"email": index % 4 != 2, "sms": index % 3 == 0} if index % 5 else {},
                           time_zone="Europe/London" if city in ("London", "Dublin") else None)
    events = []
    for index, (_name, email, *_rest) in enumerate(people):
        for step in range(3 + index % 4):
            when = now - timedelta(days=step * 6 + index % 5, hours=index)
            cart = f"c-{index}-{step}"
            events.append(({"email": email}, "checkout_started", {"cart_id": cart, "cart_value": 40.0 + step * 12},
                           when, "Shop"))
            if step % 2 == 0:
                events.append(({"email": email}, "order_completed",
                               {"order_id": f"o-{index}-{step}", "total": 40.0 + step * 12, "currency": "GBP"},
                               when + timedelta(minutes=9), "Shop"))
        events.append(({"email": email}, "page_viewed", {"url": "/collections/summer", "referrer": "newsletter"},
                       now - timedelta(hours=index + 1), "Website"))
    # Events that break the plan: a misspelt name, a required property missing, a total sent as text.
    events += [
        ({"email": people[0][1]}, "wishlist_added", {"product_id": "sku-118", "price": 29.0},
         now - timedelta(minutes=12), "Website"),
        ({"email": people[1][1]}, "cart_abandoned", {"cart_id": "c-77"}, now - timedelta(minutes=30), "Shop"),
        ({"email": people[2][1]}, "order_completed", {"order_id": "o-981", "total": "59.90"},
         now - timedelta(hours=2), "CSV import"),
        ({"email": people[3][1]}, "wishlist_added", {"product_id": "sku-204", "price": 54.5},
         now - timedelta(hours=3), "Website"),
    ]
    ws.ingest_events([{"identifiers": ids, "name": name, "properties": props, "occurred_at": when, "source": source}
                      for ids, name, props, when, source in events])
    check_and_record(ws, [(name, props) for _ids, name, props, _when, _source in events])

    store = SegmentStore(ws)
    store.create("Loyal shoppers", {"kind": "group", "match": "all", "conditions": [
        {"kind": "event", "event": "order_completed", "did": True, "min_count": 2, "within_days": 30,
         "filters": [{"property": "total", "operator": "gte", "value": 40}]},
        {"kind": "consent", "channel_kind": "email", "granted": True},
        {"kind": "group", "match": "any", "conditions": [
            {"kind": "attribute", "attribute": "plan", "operator": "eq", "value": "pro"},
            {"kind": "tag", "tag": "vip", "has": True}]}]},
        "Ordered at least twice in the last month; good candidates for the loyalty programme.")
    store.create("Newsletter readers", {"kind": "group", "match": "all", "conditions": [
        {"kind": "tag", "tag": "newsletter", "has": True},
        {"kind": "consent", "channel_kind": "email", "granted": True}]})
    store.create("Lapsed customers", {"kind": "group", "match": "all", "conditions": [
        {"kind": "event", "event": "order_completed", "did": False, "min_count": 1, "within_days": 7}]})


def _track_shots(window, ws, app, save, width: int, height: int) -> list[Path]:
    """The Profiles window, the segment builder and the Tracking panel on seeded demo data."""
    import time

    from engine.errors import JourneyStudioError
    from gui.qt import QtCore

    _seed_track_demo(ws)

    def wait(widget, ready=lambda: True) -> None:
        deadline = time.monotonic() + 60
        while (widget.busy or not ready()) and time.monotonic() < deadline:
            app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 20)
        if widget.busy or not ready():
            raise JourneyStudioError("the screen for the screenshot did not finish loading")

    written = []
    window.show_profiles()
    profiles = window.profiles_window
    profiles.resize(width, height)
    wait(profiles, lambda: profiles.results_model.rowCount() > 0)
    profiles._select_row(profiles.results_model.row_of(ws.find_customer("email", "ann.lee@example.com")))
    wait(profiles, lambda: profiles.profile is not None)
    written.append(save(profiles, "profiles.png"))
    profiles.close()

    window.show_segments()
    builder = window.segment_builder
    builder.resize(width, height)
    wait(builder, lambda: builder.list.topLevelItemCount() > 0)
    builder.list.setCurrentItem(builder.list.findItems("Loyal shoppers", QtCore.Qt.MatchFlag.MatchExactly)[0])
    wait(builder, lambda: builder.last_count is not None)
    written.append(save(builder, "segment_builder.png"))
    builder.close()

    window.tracking_dock.show()
    window.tracking_dock.raise_()
    window.resizeDocks([window.tracking_dock], [max(240, height // 3)], QtCore.Qt.Orientation.Vertical)
    window.tracking_panel.refresh()
    wait(window.tracking_panel, lambda: bool(window.tracking_panel.records))
    table = window.tracking_panel.table
    for index in range(table.topLevelItemCount()):  # one example unfolded, as a reader would
        item = table.topLevelItem(index)
        item.setExpanded(item.text(0) == "order_completed")
    written.append(save(window, "tracking.png"))
    return written


# ---------------------------------------------------------------------------------------------
# Channels and the Send inspector
# ---------------------------------------------------------------------------------------------

def _memory_keyring():
    """The screenshot workspace's keyring: a dict in this process, gone when it ends."""
    from engine.secrets import MemoryKeyring

    return MemoryKeyring()


def _closed_port() -> int:
    """A loopback port nothing listens on: the demo shop's webhook endpoint, switched off."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _demo_accounts(ws, secrets) -> str:
    """A few accounts, one whose server is down and whose last deliveries failed (for real: a live
    journey sends through it). Returns that account's id."""
    from datetime import UTC, datetime

    from engine.channels.accounts import AccountStore
    from engine.commands import make_node
    from engine.document import Edge, Journey, PortRef, new_id
    from engine.runtime.clock import VirtualClock
    from engine.runtime.runner import Runner
    from engine.spec import default_registry

    store = AccountStore(ws, secrets)
    store.add("email-main", "Newsletter", "smtp",
              {"host": "smtp.cornershop.example", "port": 587, "security": "starttls",
               "username": "news@cornershop.example", "sender": "Corner Shop <news@cornershop.example>",
               "reply_to": "hello@cornershop.example", "unsubscribe_mailto": "unsubscribe@cornershop.example"},
              {"password": "demo-" + new_id()}, rate_per_minute=120)
    store.add("team-chat", "Team chat", "slack", {},
              {"webhook_url": "https://hooks.slack.com/services/T0000/B0000/" + new_id()})
    store.add("shop-hook", "Shop webhook", "webhook",
              {"url": f"http://localhost:{_closed_port()}/journey-hooks", "headers": "X-Shop: corner-shop"},
              {"signing_secret": "whsec-" + new_id()})
    store.add("demo", "Demo (simulated)", "simulated", {"failure_percent": 5})

    registry = default_registry()
    journey = Journey(name="Order updates to the shop")
    journey.settings.status = "live"
    entry = make_node(registry, "orchestrate.entry", 0, 0, "Order placed", {"trigger": {"kind": "manual"}})
    send = make_node(registry, "orchestrate.send", 260, 0, "Tell the shop",
                     {"channel": "shop-hook", "channel_kind": "webhook",
                      "body": '{"event": "order_update", "customer": "{{ customer.email }}"}'})
    done = make_node(registry, "orchestrate.exit", 520, 0, "Done")
    journey.nodes += [entry, send, done]
    for a, port, b in ((entry, "next", send), (send, "sent", done), (send, "failed", done)):
        journey.edges.append(Edge(id=new_id(), source=PortRef(node=a.id, port=port), target=PortRef(node=b.id, port="in")))
    ws.create_journey(journey)
    ws.publish(journey.id, registry)
    runner = Runner(ws, registry, VirtualClock(datetime.now(UTC).replace(microsecond=0)), store.open_channels(),
                    mode="live", max_attempts=1)
    for name in ("ana", "ben", "chloe"):
        email = f"{name}@example.com"
        customer = ws.upsert_customer({"email": email}, {"first_name": name.title(), "email": email},
                                      consent={"webhook": True})
        runner.enter(journey.id, customer)
    runner.tick()
    runner.flush()
    return "shop-hook"


def _channel_shots(window, ws, shot) -> None:
    """``send_inspector.png``: the editor with a Send node's preview in view; ``channels.png``: the
    Channels window with the failing account selected and a connection test just run."""
    import time

    from engine.errors import JourneyStudioError
    from engine.secrets import SecretStore
    from gui.qt import QtCore

    secrets = SecretStore(_memory_keyring())
    window.channel_secrets = secrets
    failing = _demo_accounts(ws, secrets)
    window.refresh_channel_health()

    journey = window.editor.journey
    # An email node next to a badged one (the template's SMS account is not set up), so that the
    # picture shows a preview and a badge together.
    badged = [n for n in journey.nodes if window.canvas.nodes[n.id].channel_problem]
    sends = sorted((n for n in journey.nodes if n.type == "orchestrate.send" and n.config.get("channel_kind") == "email"),
                   key=lambda n: min((abs(n.position.x - b.position.x) + abs(n.position.y - b.position.y)
                                      for b in badged), default=0))
    if sends:
        window.canvas.select_nodes([sends[0].id], center=True)
    inspector = window.inspector
    # Room for the preview: a wider inspector, a low Problems dock, the preview scrolled into view.
    window.resizeDocks([window.inspector_dock], [470], QtCore.Qt.Orientation.Horizontal)
    window.resizeDocks([window.validation_dock], [60], QtCore.Qt.Orientation.Vertical)
    if inspector.preview is not None:
        inspector.preview.refresh_now()
        for _ in range(3):
            QtCore.QCoreApplication.processEvents()
        inspector.scroll.verticalScrollBar().setValue(inspector.scroll.verticalScrollBar().maximum())
    shot(window, "send_inspector.png")
    window.canvas.select_nodes([])
    window._size_docks()

    window.show_channels()
    channels = window.channels_window
    channels.resize(1280, 800)
    if not channels.select(failing):
        raise JourneyStudioError("the screenshot's demo account is missing from the Channels window")
    done: list[bool] = []
    channels.testFinished.connect(lambda *_: done.append(True))
    channels.test_connection()
    deadline = time.monotonic() + 30
    while not done and time.monotonic() < deadline:
        QtCore.QCoreApplication.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 20)
    shot(channels, "channels.png")
    channels.hide()


# ---------------------------------------------------------------------------------------------
# The CSV import wizard and the collector
# ---------------------------------------------------------------------------------------------

_DEMO_CUSTOMERS_CSV = "\n".join((
    "email,first_name,last_name,city,phone,signed_up,last_order,newsletter_opt_in,sms_opt_in,tags,lifetime_value,"
    "plan,internal_notes",
    "ann.lee@example.com,Ann,Lee,London,+44 20 7946 0018,2023-04-12,14/03/2025 18:30,yes,no,vip;newsletter,1840.50,"
    "pro,called twice",
    "bo.chen@example.com,Bo,Chen,Shanghai,+86 138 0013 8000,2023-06-02,02/04/2025 09:12,yes,yes,newsletter,960.00,pro,",
    "carla@example.org,Carla,Díaz,Madrid,+34 600 123 456,2024-01-20,28/02/2025 20:05,no,no,,75.20,free,prefers SMS",
    "david.okafor@example.com,David,Okafor,Lagos,,2022-11-08,30/03/2025 11:45,yes,no,vip,2210.00,pro,",
    "emma.schulz@example.de,Emma,Schulz,Berlin,+49 30 901820,2024-05-17,19/01/2025 16:20,yes,no,newsletter,120.00,free,",
)) + "\n"


def _import_and_collector_shots(window, app, save, width: int, height: int) -> list[Path]:
    """``import_wizard.png``: the wizard's Columns page for a shop's customer export;
    ``collector.png``: the collector on a free loopback port after a few SDK calls (and two
    refused ones)."""
    import base64
    import http.client
    import json
    import time
    from urllib.parse import urlencode

    from engine.errors import JourneyStudioError
    from gui.qt import QtCore

    def wait(ready, what: str) -> None:
        deadline = time.monotonic() + 60
        while not ready() and time.monotonic() < deadline:
            app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 20)
        if not ready():
            raise JourneyStudioError(f"the {what} for the screenshot did not get ready")

    written = []
    with tempfile.TemporaryDirectory(prefix="journey-studio-csv-") as tmp:
        source = Path(tmp) / "shop-customers.csv"
        source.write_text(_DEMO_CUSTOMERS_CSV, encoding="utf-8")
        window.show_import("customers", str(source))
        wizard = window.import_wizard
        wizard.resize(width, height)
        wizard.next()
        wizard.next()
        page = wizard.mapping_page
        if wizard.currentId() != wizard.PAGE_MAPPING:
            raise JourneyStudioError("the import wizard did not reach its Columns page")
        notes = next(row for row in page.rows if row.name == "internal_notes")
        notes.target.setCurrentIndex(notes.target.findData("skip"))
        notes.target.activated.emit(notes.target.currentIndex())
        written.append(save(wizard, "import_wizard.png"))
        wizard.reject()

    window.show_collector()
    panel = window.collector_panel
    panel.resize(width, height)
    panel.port.setValue(0)  # a free loopback port: never clash with a collector the user runs
    panel.start()
    wait(lambda: panel.running or panel.error.text(), "collector")
    if not panel.running:
        raise JourneyStudioError(panel.error.text())
    key = panel.fresh_keys.get("default") or next(iter(panel.fresh_keys.values()))
    conn = http.client.HTTPConnection("127.0.0.1", panel.collector.port, timeout=30)
    auth = {"Authorization": "Basic " + base64.b64encode(f"{key}:".encode()).decode(),
            "Content-Type": "application/json"}
    calls = [("/v1/identify", {"userId": "u1001", "traits": {"email": "ann.lee@example.com", "plan": "pro"}}),
             ("/v1/page", {"userId": "u1001", "name": "Summer collection"}),
             ("/v1/track", {"userId": "u1001", "event": "Product Added", "properties": {"sku": "sku-118"}}),
             ("/v1/track", {"anonymousId": "anon-7f3a", "event": "Product Viewed", "properties": {"sku": "sku-204"}}),
             ("/v1/batch", {"batch": [{"type": "track", "userId": "u1002", "event": "Checkout Started",
                                       "properties": {"cart_value": 52.0}},
                                      {"type": "track", "userId": "u1002", "event": "Order Completed",
                                       "properties": {"total": 52.0, "currency": "GBP"}}]})]
    for path, body in calls:
        conn.request("POST", path, json.dumps(body), auth)
        conn.getresponse().read()
    sensors = base64.b64encode(json.dumps({"type": "track", "event": "ViewProduct", "distinct_id": "wx-5521",
                                           "time": int(time.time() * 1000),
                                           "properties": {"product": "sku-77"}}).encode()).decode()
    conn.request("POST", f"/sa?project=default&token={key}", urlencode({"data": sensors}),
                 {"Content-Type": "application/x-www-form-urlencoded"})
    conn.getresponse().read()
    conn.request("POST", "/v1/track", json.dumps({"userId": "u9", "event": "x"}),
                 {"Authorization": "Basic " + base64.b64encode(b"wk_old_key_from_last_year:").decode()})
    conn.getresponse().read()
    conn.request("POST", "/v1/track", "{not json", auth)
    conn.getresponse().read()
    conn.close()
    wait(lambda: panel.last_counts is not None and panel.last_counts.committed >= 6
         and panel.last_counts.rejected_total >= 2, "collector's counts")
    written.append(save(panel, "collector.png"))
    panel.stop()
    wait(lambda: not panel.running and not panel.busy, "collector's stop")
    panel.hide()
    return written

