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
from collections.abc import Sequence
from pathlib import Path, PurePath

from engine.errors import WorkspaceLocked

# On Windows the locked region must not cover the process id, or others could not read it.
_WINDOWS_LOCK_OFFSET = 1 << 30

#: What a process that is not a command of the command line records: the app is the one other
#: program that opens a workspace for writing.
APP = "app"
#: Names under which the command line runs: the installed script, and ``python -m`` of its modules.
_PROGRAM_NAMES = frozenset({"journey-studio", "journey-studio.exe", "journey-studio-script.py"})
_PROGRAM_MODULES = frozenset({("engine", "cli.py"), ("gui", "launcher.py")})
#: Options that come before the command and take a value (argparse also accepts a prefix of them).
_GLOBAL_VALUE_OPTIONS = ("--workspace", "--db")
#: More than this is not a holder description but a damaged file.
_MAX_HOLDER = 200


def lock_path_for(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


def describe_this_process(argv: Sequence[str] | None = None) -> str:
    """``journey-studio <command>`` when this process runs a command of the command line, else :data:`APP`."""
    argv = sys.argv if argv is None else argv
    if not argv or not _is_command_line(argv[0]):
        return APP
    command = _command_word(argv[1:])
    return APP if command in (None, "app") else f"journey-studio {command}"


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
            raise WorkspaceLocked(refusal(who, holder), where=str(self.db_path)) from None
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


def _is_command_line(program: str) -> bool:
    path = PurePath(program.replace("\\", "/"))
    return path.name.lower() in _PROGRAM_NAMES or tuple(p.lower() for p in path.parts[-2:]) in _PROGRAM_MODULES


def _command_word(args: Sequence[str]) -> str | None:
    """The first word of ``args`` that is neither an option nor the value of a global option."""
    takes_value = False
    for arg in args:
        if takes_value:
            takes_value = False
        elif arg.startswith("-"):
            takes_value = len(arg) > 2 and "=" not in arg and any(o.startswith(arg) for o in _GLOBAL_VALUE_OPTIONS)
        else:
            return arg
    return None


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
