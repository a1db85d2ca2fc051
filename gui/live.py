"""Test mode: named test customers run through the published version of a journey by the durable
runner, on a virtual clock, with every message kept by a recording channel instead of sent.

The work happens in :class:`TestModeWorker`, moved to a worker thread by the Run panel; the helpers
above it hold no Qt and are usable on their own. :func:`ended_at_ports` also serves live mode: how
many runs ended at each output port that has no edge, which the counters do not say.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from engine.channels import Message, RecordingChannel
from engine.document import Journey
from engine.runtime.results import NodeCounts
from engine.spec import Registry
from engine.store.workspace import Workspace
from gui.qt import QtCore, Signal

#: Workspace meta key holding where the test clock stopped last time. Test runs stay in the
#: workspace, so the next test must not start before them (a run could wake before it parked).
TEST_CLOCK_KEY = "test_clock"
#: How far the virtual clock moves between two ticks of the runner.
TEST_STEP = timedelta(hours=1)

#: The test customers: different attributes so that conditions on them take different branches.
TEST_CUSTOMERS: tuple[dict[str, Any], ...] = (
    {"first_name": "Ada", "lifecycle": "lead", "total_orders": 0, "total_spent": 0.0, "vip": False,
     "country": "GB", "city": "London", "time_zone": "Europe/London", "phone": "+447700900001"},
    {"first_name": "Bo", "lifecycle": "customer", "total_orders": 1, "total_spent": 35.0, "vip": False,
     "country": "SE", "city": "Malmö", "time_zone": "Europe/Stockholm", "phone": "+46700000002"},
    {"first_name": "Cai", "lifecycle": "customer", "total_orders": 4, "total_spent": 260.0, "vip": True,
     "country": "DE", "city": "Berlin", "time_zone": "Europe/Berlin", "phone": ""},
    {"first_name": "Dee", "lifecycle": "lead", "total_orders": 0, "total_spent": 0.0, "vip": False,
     "country": "US", "city": "Austin", "time_zone": "America/Chicago", "phone": "+15125550104"},
    {"first_name": "Eli", "lifecycle": "churned", "total_orders": 2, "total_spent": 80.0, "vip": False,
     "country": "FR", "city": "Lyon", "time_zone": "Europe/Paris", "phone": ""},
)
#: Channel kinds the test customers consent to.
TEST_CONSENT_KINDS = ("email", "sms", "push", "whatsapp", "chat", "webhook", "in_app")


def address_of_test_customer(first_name: str) -> str:
    return f"test.{first_name.lower()}@example.test"


def ensure_test_customers(workspace: Workspace) -> list[tuple[str, str]]:
    """Create (or refresh) the test customers; returns ``(customer id, display name)`` pairs."""
    made = []
    for person in TEST_CUSTOMERS:
        attrs = {k: v for k, v in person.items() if k not in ("time_zone", "phone")}
        email = address_of_test_customer(person["first_name"])
        attrs["email"] = email
        attrs["last_name"] = "Test"
        if person["phone"]:
            attrs["phone"] = person["phone"]
        customer_id = workspace.upsert_customer(
            {"email": email}, attrs, time_zone=person["time_zone"],
            consent={kind: True for kind in TEST_CONSENT_KINDS}, tags=["test-customer"])
        made.append((customer_id, f"Test {person['first_name']}"))
    return made


def channel_ids(journey: Journey) -> list[str]:
    """Every channel account a node of ``journey`` sends through (``channel`` beside ``channel_kind``)."""
    found: dict[str, None] = {}

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if isinstance(value.get("channel"), str) and "channel_kind" in value and value["channel"]:
                found[value["channel"]] = None
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for node in journey.nodes:
        walk(node.config)
    return list(found)


def start_of_test_clock(workspace: Workspace, wall: datetime | None = None) -> datetime:
    """Where a new test run's clock starts: now, or where the last test stopped if that is later."""
    start = (wall or datetime.now(UTC)).replace(microsecond=0)
    stored = workspace.get_meta(TEST_CLOCK_KEY)
    if stored:
        try:
            last = datetime.fromisoformat(stored)
        except ValueError:
            last = None
        if last is not None and last.tzinfo is not None and last > start:
            return last
    return start


def unwired_ports(journey: Journey, registry: Registry) -> dict[str, set[str]]:
    """Each runnable node's output ports that no edge leaves from: a run leaving through one ends."""
    wired = {(e.source.node, e.source.port) for e in journey.edges}
    found: dict[str, set[str]] = {}
    for node in journey.nodes:
        spec = registry.get(node.type)
        if spec is None or not spec.executable:
            continue
        ports = {p.name for p in spec.output_ports(node.config) if (node.id, p.name) not in wired}
        if ports:
            found[node.id] = ports
    return found


def ended_at_ports(workspace: Workspace, registry: Registry, journey: Journey, version: int,
                   mode: str) -> dict[str, dict[str, int]]:
    """Runs of a version that ended by leaving a node through an output port with no edge, by node
    and port (the part of the node's ``exited`` counter the canvas shows beside those ports).

    The counters do not split ``exited`` by port, so this counts the step log's lines for those
    ports: one aggregate query, restricted to the nodes that have such a port."""
    from sqlalchemy import func, select

    from engine.store.models import RunRow, StepRow

    unwired = unwired_ports(journey, registry)
    if not unwired:
        return {}
    ports = sorted({p for names in unwired.values() for p in names})
    with workspace._session() as s:
        rows = s.execute(
            select(StepRow.node_id, StepRow.port, func.count())
            .join(RunRow, RunRow.id == StepRow.run_id)
            .where(RunRow.journey_id == journey.id, RunRow.version_number == version, StepRow.mode == mode,
                   StepRow.node_id.in_(sorted(unwired)), StepRow.port.in_(ports))
            .group_by(StepRow.node_id, StepRow.port)).all()
    found: dict[str, dict[str, int]] = {}
    for node_id, port, count in rows:
        if port in unwired.get(node_id, ()):
            found.setdefault(node_id, {})[port] = count
    return found


@dataclass
class TestResult:
    """What a test run left behind: the test-mode counters of the version (all test runs so far),
    this run's entries and the messages the recording channels kept."""

    __test__ = False  # not a pytest test class, despite the name

    journey_id: str
    version: int
    days: int
    customers: int
    entered: int
    nodes: dict[str, NodeCounts]
    edges: dict[str, int]
    messages: list[Message] = field(default_factory=list)
    cancelled: bool = False
    #: Runs that ended at an output port with no edge: node → port → runs.
    ended_at: dict[str, dict[str, int]] = field(default_factory=dict)


class TestModeWorker(QtCore.QObject):
    """Runs the test customers through one published version; signals reach the panel queued."""

    __test__ = False  # not a pytest test class, despite the name

    progressed = Signal(float)
    snapshot = Signal(object)
    finished = Signal(object)
    failed = Signal(str)

    def __init__(self, workspace: Workspace, registry: Registry, journey_id: str, version: int, days: int):
        super().__init__()
        self.workspace = workspace
        self.registry = registry
        self.journey_id = journey_id
        self.version = version
        self.days = days
        self._cancel = False

    def cancel(self) -> None:
        self._cancel = True

    def run(self) -> None:
        from engine.errors import JourneyStudioError

        try:
            result = self._run()
        except JourneyStudioError as exc:
            self.failed.emit(str(exc))
            return
        except Exception as exc:  # the UI must hear about any failure, never hang on a dead thread
            self.failed.emit(f"{type(exc).__name__}: {exc}")
            return
        self.finished.emit(result)

    def _run(self) -> TestResult:
        from engine.runtime.clock import VirtualClock
        from engine.runtime.runner import Runner

        ws = self.workspace
        published = ws.load_version(self.journey_id, self.version)
        channels = {cid: RecordingChannel() for cid in channel_ids(published)}
        clock = VirtualClock(start_of_test_clock(ws))
        runner = Runner(ws, self.registry, clock, channels, mode="test")
        customers = ensure_test_customers(ws)
        entered = sum(1 for customer_id, _ in customers if runner.enter(self.journey_id, customer_id) is not None)

        def result(cancelled: bool) -> TestResult:
            nodes, edges = runner.counters(self.journey_id, self.version, "test")
            messages = [m for ch in channels.values() for m in ch.messages]
            ended = ended_at_ports(ws, self.registry, published, self.version, "test")
            return TestResult(self.journey_id, self.version, self.days, len(customers), entered, nodes, edges,
                              messages, cancelled, ended)

        steps_per_day = int(timedelta(days=1) / TEST_STEP)
        total = self.days * steps_per_day
        cancelled = False
        for step in range(1, total + 1):
            if self._cancel:
                cancelled = True
                break
            clock.advance(TEST_STEP)
            runner.tick()
            if step % steps_per_day == 0:
                self.progressed.emit(step / total)
                self.snapshot.emit(result(False))
        ws.set_meta(TEST_CLOCK_KEY, clock.now().isoformat())
        return result(cancelled)


__all__ = ["TEST_CUSTOMERS", "TestModeWorker", "TestResult", "channel_ids", "ended_at_ports",
           "ensure_test_customers", "start_of_test_clock", "address_of_test_customer", "unwired_ports"]
