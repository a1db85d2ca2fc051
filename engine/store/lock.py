"""The single-writer lock of a workspace file: an exclusive, non-blocking OS lock on ``<db>.lock``.

The lock belongs to the open file handle, so the operating system drops it when the process ends,
however it ends; a stale lock file left on disk therefore never blocks anyone. The holder writes
its process id and what it is (``journey-studio collect``, the app) into the file, one a line, so
that the refusal can say what has the workspace; a lock file of an older version holds the id only.
The refusal's wording (:func:`refusal`) is shared with the PostgreSQL writer lock.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from engine.errors import WorkspaceLocked
from engine.holder import APP, describe_this_process

# On Windows the locked region must not cover the process id, or others could not read it.
_WINDOWS_LOCK_OFFSET = 1 << 30

#: More than this is not a holder description but a damaged file.
_MAX_HOLDER = 200


def lock_path_for(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


def refusal(who: str, holder: str | None) -> str:
    """The reason a second writer is turned away, one line: ``who`` is ``process 1234`` or the like,
    ``holder`` what the holder recorded (``None`` if it recorded nothing)."""
    if holder == APP:
        return f"is open in another Journey Studio window ({who}); close it there first, then try again"
    if holder:
        return f"is in use by '{holder}' ({who}); stop it (Ctrl+C where it runs) or let it finish, then try again"
    return f"is in use by another Journey Studio process ({who}); close or stop it first, then try again"


class WorkspaceFileLock:
    """Held from :meth:`acquire` until :meth:`release`; a second holder gets :class:`WorkspaceLocked`."""

    def __init__(self, db_path: Path):
        self.db_path = db_path
        self.path = lock_path_for(db_path)
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        if self._fd is not None:
            return
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            _lock(fd)
        except OSError:
            pid, holder = _read_holder(fd)
            os.close(fd)
            who = f"process {pid}" if pid else "another process"
            raise WorkspaceLocked(refusal(who, holder), where=str(self.db_path), pid=pid, holder=holder) from None
        try:
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, f"{os.getpid()}\n{describe_this_process()}\n".encode("utf-8", "replace"))
        except OSError:
            pass  # the holder's details are only for the message; the lock itself is what counts
        self._fd = fd

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            _unlock(fd)
        finally:
            os.close(fd)


def _read_holder(fd: int) -> tuple[int | None, str | None]:
    """The process id and the description the holder wrote (either ``None`` when absent)."""
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        text = os.read(fd, 1024).decode("utf-8", "replace")
    except OSError:
        return None, None
    lines = text.splitlines()
    first = lines[0].strip() if lines else ""
    holder = lines[1].strip() if len(lines) > 1 else ""
    ok = holder and len(holder) <= _MAX_HOLDER and holder.isprintable()
    return (int(first) if first.isdigit() else None), (holder if ok else None)


if sys.platform == "win32":
    import msvcrt

    def _lock(fd: int) -> None:
        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)

    def _unlock(fd: int) -> None:
        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
