"""Files written whole and then renamed into place, so that a reader never sees half of one and a
failure leaves the file that was there: created as any file is (read and write for everyone less
the umask, where ``tempfile.mkstemp`` would make the finished file readable by its owner alone),
and a file replaced keeps its own permissions."""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path


def _short(name: str, limit: int = 100) -> str:
    """``name`` cut to ``limit`` bytes in UTF-8 (between characters), so that the temporary file
    named after a long target name still fits the file system's 255 bytes."""
    return name.encode("utf-8", "surrogateescape")[:limit].decode("utf-8", "ignore")


def new_file_beside(target: Path, *, suffix: str = ".tmp") -> str:
    """A new, empty file in ``target``'s folder, named after it (``.members.csv.1f2e3d4c.tmp``), to be
    written and then renamed over ``target`` (:func:`replace_file`). It is created as any file is,
    with read and write for everyone less the umask (``tempfile.mkstemp`` would make it readable by
    its owner alone, and the finished export with it). :class:`OSError` when the folder cannot
    take it."""
    folder = target.parent if str(target.parent) else Path(".")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOINHERIT", 0)
    for _attempt in range(100):
        path = folder / f".{_short(target.name)}.{secrets.token_hex(4)}{suffix}"
        try:
            os.close(os.open(path, flags, 0o666))
        except FileExistsError:
            continue
        return str(path)
    raise FileExistsError(f"no free temporary name beside {target}")


def replace_file(temp: str, target: Path) -> None:
    """Rename the finished ``temp`` over ``target``; a ``target`` that is there keeps its
    permissions, as writing into it would have kept them."""
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        pass  # no such file yet: the new one keeps the mode it was created with
    else:
        try:
            os.chmod(temp, mode)
        except OSError:
            pass  # a file system without permissions (FAT on a USB stick)
    os.replace(temp, target)
