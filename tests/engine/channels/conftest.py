"""Fixtures for the channel tests: loopback HTTP(S) servers and a test certificate authority."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.engine.channels.servers import Answer, Certificates, LoopbackHttpServer, make_certificates


@pytest.fixture(scope="session")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    return make_certificates(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def http_server() -> Iterator[Callable[..., LoopbackHttpServer]]:
    """``http_server(answer, tls=None)`` starts a recording server; all are stopped after the test."""
    started: list[LoopbackHttpServer] = []

    def start(answer: Answer, tls=None) -> LoopbackHttpServer:
        server = LoopbackHttpServer(answer, tls).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def vault(memory_keyring):
    """The keyring for a test: secrets in memory (see ``memory_keyring``), the real one untouched."""
    return memory_keyring
