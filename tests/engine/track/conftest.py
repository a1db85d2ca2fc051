"""Fixtures shared by the Track tests: a collector running on a workspace, and the CSV import's
reading processes."""

from __future__ import annotations

import pytest

from engine.track import csv_import


@pytest.fixture
def processes(monkeypatch) -> list:
    """The reading processes started, once closed."""
    closed: list = []
    close = csv_import._ReadingProcess.close

    def recording(self) -> None:
        close(self)
        closed.append(self)

    monkeypatch.setattr(csv_import._ReadingProcess, "close", recording)
    return closed


@pytest.fixture
def running(ws):
    """A collector on a free loopback port with a write key, stopped afterwards."""
    from tests.engine.track.test_collector import _start

    run = _start(ws)
    yield run
    run.collector.stop()
