"""Shared fixtures: the real node catalogue and small journeys built through engine commands."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from engine.commands import make_node
from engine.document import Edge, Journey, PortRef
from engine.spec import Registry


@pytest.fixture(scope="session")
def registry() -> Registry:
    from nodes import REGISTRY

    return Registry(REGISTRY)


#: The repository's root.
ROOT = Path(__file__).resolve().parents[1]


def cli(*args: str, cwd: Path | str | None = None) -> subprocess.CompletedProcess:
    """``journey-studio ARGS`` as a real process (offscreen, without the debug tracebacks)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("JOURNEY_STUDIO_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "gui.launcher", *args], capture_output=True, text=True,
                          cwd=cwd or ROOT, env=env, timeout=120)


def connect(journey: Journey, src, sport: str, dst, dport: str = "in", edge_id: str | None = None) -> Edge:
    from engine.document import new_id

    edge = Edge(id=edge_id or new_id(), source=PortRef(node=src.id, port=sport),
                target=PortRef(node=dst.id, port=dport))
    journey.edges.append(edge)
    return edge


@pytest.fixture
def smtp_server():
    """Starts real aiosmtpd servers on loopback: ``start(handler) -> port``; stopped afterwards."""
    import socket

    from aiosmtpd.controller import Controller

    servers = []

    def start(handler) -> int:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        controller = Controller(handler, hostname="127.0.0.1", port=port)
        controller.start()
        servers.append(controller)
        return port

    yield start
    for controller in servers:
        controller.stop()


@pytest.fixture
def memory_keyring():
    """The keyring for a test: secrets in memory (engine.secrets.MemoryKeyring), the real one
    untouched and put back afterwards."""
    import keyring

    from engine.secrets import MemoryKeyring

    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def small_journey(registry) -> Journey:
    """entry → wait → send → exit, plus a note: valid and runnable."""
    j = Journey(name="Welcome")
    entry = make_node(registry, "orchestrate.entry", 0, 0, title="Signed up")
    wait = make_node(registry, "orchestrate.wait", 260, 0, title="Wait a day")
    send = make_node(registry, "orchestrate.send", 520, 0, title="Welcome mail")
    done = make_node(registry, "orchestrate.exit", 780, 0, title="Done")
    note = make_node(registry, "map.note", 0, 200, title="Idea")
    j.nodes += [entry, wait, send, done, note]
    connect(j, entry, "next", wait)
    connect(j, wait, "next", send)
    connect(j, send, "sent", done)
    return j


def wait_for(predicate, timeout: float = 20.0) -> None:
    """Wait until ``predicate()`` is true (for work done by another thread); fail after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("the condition did not come true in time")
        time.sleep(0.02)


class Terminal(io.StringIO):
    """Standard input that says it is a terminal, with what the user types (for confirmations)."""

    def isatty(self) -> bool:
        return True
