"""Fixtures shared by the Track tests."""

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
