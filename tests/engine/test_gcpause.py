"""Pausing the cyclic garbage collector around bulk work: nested and overlapping pauses."""

from __future__ import annotations

import gc
import threading

import pytest

from engine import gcpause


@pytest.fixture(autouse=True)
def _automatic_collection():
    """Each test starts with the interpreter collecting (a Qt app made by an earlier test in this
    process has taken collection over) and leaves things as it found them."""
    taken = gcpause._taken_over
    gcpause.take_over(False)
    yield
    gcpause.take_over(taken)


def test_pauses_nest_and_the_collector_comes_back_after_the_last():
    assert gc.isenabled()
    with gcpause.paused():
        assert not gc.isenabled()
        with gcpause.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer pause still holds
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off():
    gc.disable()
    try:
        with gcpause.paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_overlapping_pauses_on_two_threads():
    inside, release = threading.Event(), threading.Event()

    @gcpause.pausing
    def work() -> str:
        inside.set()
        release.wait(5)
        return "done"

    results: list[str] = []
    worker = threading.Thread(target=lambda: results.append(work()))
    worker.start()
    assert inside.wait(5)
    with gcpause.paused():
        pass
    assert not gc.isenabled()  # the other thread's pause goes on
    release.set()
    worker.join(5)
    assert results == ["done"] and gc.isenabled()


def test_an_exception_ends_the_pause():
    try:
        with gcpause.paused():
            raise ValueError("boom")
    except ValueError:
        pass
    assert gc.isenabled()


def test_quick_switching_is_put_back_unless_someone_else_set_their_own():
    import sys

    before = sys.getswitchinterval()
    with gcpause.quick_switching():
        assert abs(sys.getswitchinterval() - gcpause.QUICK_SWITCH_S) < 1e-6
    assert sys.getswitchinterval() == before
    try:
        with gcpause.quick_switching():
            sys.setswitchinterval(0.0002)  # the collector started meanwhile
        assert abs(sys.getswitchinterval() - 0.0002) < 1e-6  # left as the collector wants it
    finally:
        sys.setswitchinterval(before)


def test_a_program_that_took_collection_over_keeps_it_off_through_pauses():
    gcpause.take_over()
    assert not gc.isenabled()
    with gcpause.paused():
        assert gcpause.active()
    assert not gcpause.active() and not gc.isenabled()  # the end of a pause does not turn it on
    gcpause.take_over(False)
    assert gc.isenabled()


def test_handing_collection_back_during_a_pause_waits_for_its_end():
    gcpause.take_over()
    with gcpause.paused():
        gcpause.take_over(False)
        assert not gc.isenabled()  # the pause goes on
    assert gc.isenabled()
