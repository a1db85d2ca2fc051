"""Reference cycles are freed on the UI thread only: a collection frees the Qt objects a cycle
holds where it runs, and a worker thread must never delete what the UI thread may be painting."""

from __future__ import annotations

import gc
import threading
import weakref

from engine import gcpause
from gui import garbage
from gui.qt import QtCore


class _Holder:
    pass


def _cycle_with_a_qt_object(freed_on: list[int]) -> None:
    holder = _Holder()
    holder.me = holder
    holder.timer = QtCore.QTimer()  # a Qt object only the cycle keeps
    weakref.finalize(holder, lambda: freed_on.append(threading.get_ident()))


def _make_cyclic_garbage(count: int) -> None:
    for _ in range(count):
        loop: list = []
        loop.append(loop)


def test_the_app_collects_on_its_own_thread_and_not_automatically(qapp):
    from gui.app import make_application

    make_application()
    collector = qapp.findChild(garbage.MainThreadCollector)
    assert collector is not None
    assert garbage.install(qapp) is collector  # made once
    assert not gc.isenabled()


def test_a_cycle_is_freed_on_the_ui_thread_however_much_a_worker_allocates(qtbot, qapp):
    from gui.app import make_application

    make_application()
    freed_on: list[int] = []
    _cycle_with_a_qt_object(freed_on)
    # Far past every threshold: an automatic collector would run on the worker many times.
    worker = threading.Thread(target=_make_cyclic_garbage, args=(200_000,))
    worker.start()
    worker.join()
    assert freed_on == []
    qtbot.waitUntil(lambda: freed_on != [], timeout=10 * garbage.INTERVAL_MS)
    assert freed_on == [threading.main_thread().ident]


def test_nothing_is_collected_while_bulk_work_pauses_collection(qtbot, qapp):
    from gui.app import make_application

    collector = garbage.install(make_application())
    freed_on: list[int] = []
    with gcpause.paused():
        _cycle_with_a_qt_object(freed_on)
        _make_cyclic_garbage(20_000)
        qtbot.wait(3 * garbage.INTERVAL_MS)
        assert freed_on == []
    assert not gc.isenabled()  # the end of the pause leaves collection to the UI thread
    qtbot.waitUntil(lambda: freed_on != [], timeout=10 * garbage.INTERVAL_MS)
    assert sum(collector.collections) > 0
