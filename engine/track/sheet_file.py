"""Excel workbooks (.xlsx) imported like CSV files.

A shop's customer list is as often a workbook as a CSV export, and saving it as CSV from Excel
loses what Excel decided about the cells (``+4915112345678`` becomes ``4915112345678``, dates
take the computer's format). :func:`csv_of` writes the first sheet of a workbook as a UTF-8 CSV
file (cells as :mod:`engine.track.xlsx_read` reads them: numbers as written, dates as ISO 8601)
and the import reads that, so every rule of a CSV import holds for a workbook too. The copy is
made once per workbook version (path, size and time of change) in the temporary folder, so that
the wizard's previews and the import share it.
"""

from __future__ import annotations

import csv
import hashlib
import os
import tempfile
from pathlib import Path

from engine.track.xlsx_read import XlsxError, read_rows

#: What a workbook's first bytes are (a zip archive), and the names it is given.
_ZIP_MAGIC = b"PK\x03\x04"
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


def is_workbook(path: str | Path) -> bool:
    """Whether ``path`` is named or made like an .xlsx workbook (a zip archive)."""
    path = Path(path)
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        return True
    try:
        with open(path, "rb") as fh:
            return fh.read(4) == _ZIP_MAGIC
    except OSError:
        return False


def _cache_dir() -> Path:
    folder = Path(tempfile.gettempdir()) / "journey-studio-sheets"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def csv_of(path: str | Path, head: int | None = None) -> Path:
    """``path`` itself for a text file; for a workbook, a CSV copy of its first sheet (made if the
    workbook changed since the last copy), or with ``head`` of its first ``head`` rows only (what
    a preview reads: a large sheet is then not written out on the window's thread). Raises
    :class:`XlsxError` for a workbook that cannot be read and OSError for a file that cannot be
    opened."""
    path = Path(path)
    if not is_workbook(path):
        return path
    stat = path.stat()
    key = hashlib.blake2b(f"{path.resolve()}\0{stat.st_size}\0{stat.st_mtime_ns}".encode(),
                          digest_size=12).hexdigest()
    whole = _cache_dir() / f"{key}.csv"
    if whole.is_file():
        return whole  # the whole sheet serves a preview too
    target = whole if head is None else _cache_dir() / f"{key}.head{head}.csv"
    if target.is_file():
        return target
    partial = target.with_suffix(f".{os.getpid()}.part")
    try:
        with open(partial, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator="\r\n")
            for count, row in enumerate(read_rows(path)):
                if head is not None and count >= head:
                    break
                writer.writerow(row)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


__all__ = ["WORKBOOK_SUFFIXES", "XlsxError", "csv_of", "is_workbook"]
