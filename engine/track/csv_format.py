"""Reading spreadsheet exports: encoding and delimiter detection, and a record reader that gives
every record its line numbers and reports a malformed record instead of importing garbage.

Encodings: a byte order mark decides (UTF-8, UTF-16 LE/BE as Excel's "Unicode Text" writes it,
UTF-32); without one, UTF-16 is recognised by its zero bytes, then UTF-8 is tried, then GB18030
(the superset of GBK that Chinese Excel writes), then Windows-1252. A ``\\ufeff`` left at the start
of the first header cell is removed whatever the encoding. A first line ``sep=;`` (as Excel
writes it, with any delimiter) names the delimiter and is skipped: the header follows it.

Python's :mod:`csv` module has traps this reader closes:

- **Unclosed quote.** A quote that is never closed makes the reader swallow the following lines into
  one field, silently. A record that spans several lines is taken as a runaway quote when its field
  count differs from the header's, when a continuation line inside a field looks like a whole row
  (as many delimiters as a row has), when the field grows beyond the field size limit, or when the
  file ends inside the quotes. It is reported at the line where it starts, and reading restarts on
  the next line, so the rows after it are read as rows.
- **Field size limit.** :mod:`csv` raises on a field longer than :func:`csv.field_size_limit`
  (131,072 characters unless someone changed it); such a record is reported with its line and
  column and reading goes on. The limit itself is left as it is: raising it for everyone is not this
  module's business.
- **Line numbers.** Records are given the physical line they start on, counting the lines inside
  quoted fields, so a message points where a text editor shows the problem, and their ordinal
  (the row number a spreadsheet shows, the header being row 1).

The file is read in blocks of :data:`CHUNK_BYTES`, decoded incrementally and split into lines
here, so that the last few blocks can be read again after a runaway quote. Lines that hold no
quote at all and are all as wide as the header are split at the delimiter without the csv module,
which gives the same rows in about half the time; the first lines that do not qualify hand the
rest of the file to the csv module.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain, islice, repeat
from pathlib import Path
from typing import BinaryIO

#: Delimiters recognised when sniffing, in order of preference on a tie.
DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
#: Bytes read to detect the encoding and the delimiter.
SNIFF_BYTES = 256 * 1024
#: Bytes read (and decoded) at a time.
CHUNK_BYTES = 1 << 20
#: A line with no line break for this many characters is cut, so a file without line breaks
#: (a binary file, a runaway field) cannot make the reader hold it all in memory.
MAX_LINE_CHARS = 16 * 1024 * 1024
#: Records looked at to sniff the delimiter.
SNIFF_RECORDS = 50

#: Excel's first line naming the delimiter: ``sep=;`` (also ``sep=\t`` written with a backslash).
_SEP_LINE = re.compile(r'"?sep=(\\t|[^\r\n"])"?[ \t]*(?:\r\n|\r|\n)', re.IGNORECASE)
# str.splitlines also splits on these, which csv treats as ordinary characters.
_EXOTIC_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


def _has_exotic_breaks(text: str) -> bool:
    if text.isascii():  # constant time: the string knows it
        return any(c in text for c in "\x0b\x0c\x1c\x1d\x1e")
    return _EXOTIC_BREAKS.search(text) is not None


def _dialect(delimiter: str) -> dict[str, object]:
    # strict: an end of file inside quotes, or text after a closing quote, is an error to report
    # rather than something to paper over.
    return {"delimiter": delimiter, "quotechar": '"', "doublequote": True, "strict": True,
            "skipinitialspace": False, "lineterminator": "\n"}


# ----------------------------------------------------------------------------------------------
# Detection
# ----------------------------------------------------------------------------------------------

def detect_encoding(head: bytes) -> str:
    """The encoding of a file that starts with ``head`` (a few hundred kilobytes are plenty)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head:
        # UTF-16 without a BOM: text that is mostly ASCII has a zero in every other byte.
        even, odd = head[0::2], head[1::2]
        if odd and odd.count(0) > 0.3 * len(odd) and even.count(0) < 0.05 * len(even):
            return "utf-16-le"
        if even and even.count(0) > 0.3 * len(even) and odd.count(0) < 0.05 * len(odd):
            return "utf-16-be"
    if _decodes(head, "utf-8"):
        return "utf-8"
    if _decodes(head, "gb18030") and _looks_chinese(head):
        return "gb18030"
    if _decodes(head, "cp1252"):
        return "cp1252"
    return "latin-1"


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        # Not final: the sample may end in the middle of a character.
        codecs.getincrementaldecoder(encoding)(errors="strict").decode(data, False)
    except UnicodeDecodeError:
        return False
    return True


def _looks_chinese(data: bytes) -> bool:
    """Whether GB18030 text is really Chinese: most of its characters are in GB2312, the common set.

    Western text in Windows-1252 often decodes as GB18030 too (an accented letter followed by a
    letter makes a valid pair), but those pairs fall outside GB2312.
    """
    text = codecs.getincrementaldecoder("gb18030")(errors="strict").decode(data, False)
    wide = [c for c in text if ord(c) > 0x7F]
    if not wide:
        return False
    common = 0
    for char in wide:
        try:
            char.encode("gb2312")
            common += 1
        except UnicodeEncodeError:
            pass
    return common >= 0.8 * len(wide)


def sniff_delimiter(text: str) -> str:
    """The delimiter among :data:`DELIMITERS` that splits the first records most consistently."""
    lines = text.splitlines(keepends=True)
    if len(lines) > 1:
        lines = lines[:-1]  # the sample may cut the last line short
    best, best_score = ",", (0.0, 0)
    for delimiter in DELIMITERS:
        reader = csv.reader(iter(lines), **{**_dialect(delimiter), "strict": False})
        counts = []
        try:
            for row in islice(reader, SNIFF_RECORDS):
                if row and any(row):
                    counts.append(len(row))
        except csv.Error:
            pass
        if not counts:
            continue
        mode = max(set(counts), key=lambda c: (counts.count(c), c))
        if mode < 2:
            continue
        score = (counts.count(mode) / len(counts), mode)
        if score[0] > best_score[0] or (score[0] == best_score[0] and score[1] > best_score[1]):
            best, best_score = delimiter, score
    return best


# ----------------------------------------------------------------------------------------------
# Lines
# ----------------------------------------------------------------------------------------------

class _Chunk:
    __slots__ = ("first", "lines", "chars")

    def __init__(self, first: int, lines: list[str], chars: int):
        self.first = first
        self.lines = lines
        self.chars = chars


class LineSource:
    """The lines of a file, decoded, split the way ``open(..., newline="")`` splits them.

    The last few blocks stay available (:meth:`lines_from`) so that reading can restart a few
    lines back. Undecodable bytes become U+FFFD and their lines are listed in ``replaced_lines``.
    """

    def __init__(self, raw: BinaryIO, encoding: str, *, chunk_bytes: int = CHUNK_BYTES,
                 keep_chars: int = 0):
        self._raw = raw
        self._decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        self._chunk_bytes = chunk_bytes
        self._keep_chars = max(keep_chars, 2 * chunk_bytes)
        self._carry = ""
        self._next_line = 1
        self._kept: deque[_Chunk] = deque()
        self._kept_chars = 0
        self.bytes_read = 0
        self.replaced_lines: list[int] = []
        self._blocks = self._generate()

    def lines(self) -> Iterator[str]:
        """Every line from the current position on (one iterator; take it once)."""
        return chain.from_iterable(self._blocks)

    def lines_from(self, line: int) -> Iterator[str] | None:
        """The lines from physical line ``line`` on, or None if it is no longer kept."""
        for index, chunk in enumerate(self._kept):
            if chunk.first <= line < chunk.first + len(chunk.lines):
                later = [c.lines for c in list(self._kept)[index + 1:]]
                return chain(islice(chunk.lines, line - chunk.first, None), *later,
                             chain.from_iterable(self._blocks))
        return None

    def line_text(self, line: int) -> str | None:
        """The text of one physical line, if still kept."""
        for chunk in self._kept:
            if chunk.first <= line < chunk.first + len(chunk.lines):
                return chunk.lines[line - chunk.first]
        return None

    def _generate(self) -> Iterator[list[str]]:
        final = False
        while not final:
            data = self._raw.read(self._chunk_bytes)
            self.bytes_read += len(data)
            final = not data
            text = self._carry + self._decoder.decode(data, final)
            if final:
                body, self._carry = text, ""
            else:
                cut = max(text.rfind("\n"), text.rfind("\r")) + 1
                if cut == len(text) and text.endswith("\r"):
                    # It may be the first half of a "\r\n" split between two blocks: the whole
                    # line waits for the next block, which tells.
                    cut = max(text.rfind("\n", 0, cut - 1), text.rfind("\r", 0, cut - 1)) + 1
                if cut <= 0 and len(text) > MAX_LINE_CHARS:
                    cut = len(text)
                body, self._carry = text[:cut], text[cut:]
            if not body:
                continue
            lines = _LINES.findall(body) if _has_exotic_breaks(body) else body.splitlines(True)
            if "\ufffd" in body:
                self.replaced_lines.extend(self._next_line + i for i, line in enumerate(lines)
                                           if "\ufffd" in line)
            chunk = _Chunk(self._next_line, lines, len(body))
            self._next_line += len(lines)
            self._kept.append(chunk)
            self._kept_chars += chunk.chars
            while len(self._kept) > 2 and self._kept_chars - self._kept[0].chars >= self._keep_chars:
                self._kept_chars -= self._kept.popleft().chars
            yield lines


# ----------------------------------------------------------------------------------------------
# Records
# ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RecordProblem:
    """A record that could not be read as a row."""

    #: Its row number as a spreadsheet counts (the header is row 1).
    row: int
    #: The physical line it starts on.
    line: int
    #: The column (from 0) where the problem is, when known.
    column: int | None
    reason: str
    #: The start of the offending text.
    value: str = ""


@dataclass
class RecordBatch:
    """Consecutive records: the rows read and the problems met between them."""

    rows: list[list[str]]
    #: Row number (header = 1) and first physical line of each row.
    row_numbers: list[int]
    lines: list[int]
    problems: list[RecordProblem]
    #: Bytes of the file read so far.
    bytes_done: int
    #: The last physical line read.
    last_line: int


def _breaks(row: list[str]) -> int:
    """Line breaks inside the fields of a row ("\\r\\n" counting once)."""
    text = "".join(row)
    return text.count("\n") + text.count("\r") - text.count("\r\n")


class RecordReader:
    """Rows of a CSV file in batches, each with its row number and line, problems reported.

    Set :attr:`columns` once the header is read: it names columns in messages and gives the
    expected field count that helps recognise an unclosed quote.
    """

    def __init__(self, source: LineSource, delimiter: str, *, skip_lines: int = 0):
        self._source = source
        self.delimiter = delimiter
        self._lines = source.lines()
        # Skipped lines (Excel's "sep=;") still count as physical lines, not as rows.
        skipped = sum(1 for _line in islice(self._lines, skip_lines))
        self._reader = csv.reader(self._lines, **_dialect(delimiter))
        self._base = skipped
        self._rows = 0
        self._eof = False
        self.columns: list[str] | None = None
        self.field_limit = csv.field_size_limit()
        #: Whether to try splitting lines without the csv module (see _split_lines).
        self._split = True

    @property
    def eof(self) -> bool:
        return self._eof

    @property
    def consumed(self) -> int:
        """Physical lines read so far."""
        return self._base + self._reader.line_num

    def read(self, size: int) -> RecordBatch:
        """Up to ``size`` rows (fewer at the end of the file)."""
        rows: list[list[str]] = []
        numbers: list[int] = []
        lines: list[int] = []
        problems: list[RecordProblem] = []
        while len(rows) < size and not self._eof:
            before = len(rows)
            start = self.consumed
            if self._split and self.columns is not None and len(self.columns) > 1:
                got = self._split_lines(rows, size - before)
                if got is not None:
                    lines.extend(range(start + 1, start + got + 1))
                    numbers.extend(range(self._rows + 1, self._rows + got + 1))
                    self._rows += got
                    if got < size - before:
                        self._eof = True
                    continue
            error: csv.Error | None = None
            try:
                rows.extend(islice(self._reader, size - before))
            except csv.Error as exc:
                error = exc
            got = len(rows) - before
            if error is None and got < size - before:
                self._eof = True
            if error is None and self.consumed - start == got:
                lines.extend(range(start + 1, start + got + 1))
                numbers.extend(range(self._rows + 1, self._rows + got + 1))
                self._rows += got
                continue
            last = self._place(rows, before, start, numbers, lines, problems)
            if last is None:
                self._eof = False  # restarted after a runaway quote: there is more to read
                continue
            if error is not None:
                self._problem(error, last + 1, problems)
        return RecordBatch(rows, numbers, lines, problems, self._source.bytes_read, self.consumed)

    def _split_lines(self, rows: list[list[str]], size: int) -> int | None:
        """Up to ``size`` rows read by splitting lines at the delimiter, which takes about half the
        time of the csv module and gives the same rows when the lines hold no quote at all, are all
        as wide as the header and none is longer than the field size limit. Returns how many
        were read, or None (the lines go back to the csv module) if the lines do not qualify; then
        the rest of the file is read by the csv module too, as a file with quotes has them
        throughout."""
        chunk = list(islice(self._lines, size))
        body = "".join(chunk)
        pieces = body.splitlines()
        delimiter = self.delimiter
        width = len(self.columns or ())
        # splitlines also splits at breaks the csv module keeps in a field: then the counts differ.
        if '"' not in body and len(pieces) == len(chunk) \
                and max(map(len, chunk), default=0) <= self.field_limit:
            split = list(map(str.split, pieces, repeat(delimiter)))
            if all(map(width.__eq__, map(len, split))):
                rows.extend(split)
                self._base += len(chunk)
                return len(chunk)
        self._split = False
        self._base = self.consumed
        self._lines = chain(chunk, self._lines)
        self._reader = csv.reader(self._lines, **_dialect(delimiter))
        return None

    def _place(self, rows: list[list[str]], first: int, start: int, numbers: list[int],
               lines: list[int], problems: list[RecordProblem]) -> int | None:
        """Number rows[first:] one by one; returns the last line they take, or None when one of
        them was a runaway quote (reported; it and the rows after it are dropped and reading
        restarts on the line after its first)."""
        line = start
        index = first
        while index < len(rows):
            row = rows[index]
            begin = line + 1
            breaks = _breaks(row)
            line = begin + breaks
            self._rows += 1
            if breaks and self._runaway(row):
                column = self._open_quote_column(begin)
                problems.append(RecordProblem(
                    self._rows, begin, column,
                    f"a quoted field in {self._name(column)} is not closed where it should be (it runs "
                    f"over {breaks + 1} lines and takes in what look like whole rows); this line was "
                    "skipped and the lines after it were read as rows",
                    _excerpt(row[column] if column is not None and column < len(row) else "".join(row))))
                if self._restart(begin + 1):
                    del rows[index:]
                    return None
                # Too far back to read again: drop the record and go on from where the reader is.
                del rows[index]
                continue
            numbers.append(self._rows)
            lines.append(begin)
            index += 1
        return line

    def _runaway(self, row: list[str]) -> bool:
        expected = len(self.columns) if self.columns else 0
        if expected and len(row) != expected:
            return True
        threshold = max(2, expected - 1)
        for value in row:
            if "\n" in value or "\r" in value:
                for piece in value.splitlines()[1:]:
                    if piece.count(self.delimiter) >= threshold:
                        return True
        return False

    def _problem(self, error: csv.Error, begin: int, problems: list[RecordProblem]) -> None:
        end = self.consumed
        message = str(error)
        self._rows += 1
        text = self._source.line_text(begin) or ""
        if "field larger than field limit" in message:
            opened = _open_quote(text, self.delimiter)
            if opened is None:
                column = _long_field_column(text, self.delimiter, self.field_limit)
                problems.append(RecordProblem(
                    self._rows, begin, column,
                    f"{self._name(column)} is longer than {self.field_limit:,} characters", _excerpt(text)))
                return
            column, offset = opened
            last = self._skip_long_cell(begin, end, text[offset + 1:])
            if last is not None:
                problems.append(RecordProblem(
                    self._rows, begin, column,
                    f"{self._name(column)} is longer than {self.field_limit:,} characters (a quoted cell "
                    f"over {last - begin + 1} lines); the row was skipped", _excerpt(text)))
                return
            problems.append(RecordProblem(
                self._rows, begin, column,
                f"a quoted field in {self._name(column)} is not closed: it runs over {end - begin + 1} "
                f"lines and more than {self.field_limit:,} characters; this line was skipped and the "
                "lines after it were read as rows", _excerpt(text)))
            self._restart(begin + 1)
            return
        elif "unexpected end of data" in message:
            column = self._open_quote_column(begin)
            problems.append(RecordProblem(
                self._rows, begin, column,
                f"a quoted field in {self._name(column)} is not closed before the end of the file"
                + ("; this line was skipped and the lines after it were read as rows" if end > begin else ""),
                _excerpt(text)))
        else:
            column = self._open_quote_column(begin) if end > begin else None
            if column is not None:
                # A quote opened on this line ran into the quotes of later lines.
                problems.append(RecordProblem(
                    self._rows, begin, column,
                    f"a quoted field in {self._name(column)} is not closed on its line and runs into the "
                    f"next {end - begin} lines; this line was skipped and the lines after it were read as rows",
                    _excerpt(text)))
            else:
                problems.append(RecordProblem(self._rows, begin, None,
                                              f"the line is not valid CSV ({message})", _excerpt(text)))
        if end > begin:
            self._restart(begin + 1)

    def _skip_long_cell(self, begin: int, end: int, rest_of_first: str) -> int | None:
        """After a quoted cell grew beyond the field limit: if it is a long cell that ends with a
        closing quote, move past that line and return its number; None if it looks like an unclosed
        quote instead (lines that look like rows inside it, or no closing quote in sight)."""
        threshold = max(2, len(self.columns or ()) - 1)
        quotes = rest_of_first.count('"')
        for line in range(begin + 1, end + 1):
            text = self._source.line_text(line)
            if text is None or text.count(self.delimiter) >= threshold:
                return None
            quotes += text.count('"')
        # Each quote after the opening one toggles (a doubled quote toggles twice).
        last, chars = end, 0
        while quotes % 2 == 0:
            text = next(self._lines, None)
            if text is None or text.count(self.delimiter) >= threshold or chars > 8 * self.field_limit:
                return None
            self._base += 1
            last += 1
            chars += len(text)
            quotes += text.count('"')
        return last

    def _restart(self, line: int) -> bool:
        lines = self._source.lines_from(line)
        if lines is None:
            return False
        self._lines = lines
        self._reader = csv.reader(lines, **_dialect(self.delimiter))
        self._base = line - 1
        self._eof = False
        return True

    def _open_quote_column(self, line: int) -> int | None:
        text = self._source.line_text(line)
        return None if text is None else _open_quote_column(text, self.delimiter)

    def _name(self, column: int | None) -> str:
        if column is None:
            return "a column"
        if self.columns and column < len(self.columns):
            return f"column '{self.columns[column]}'"
        return f"column {column + 1}"


def _excerpt(text: str, size: int = 60) -> str:
    text = text.replace("\r", "").replace("\n", "⏎")
    return text if len(text) <= size else text[:size] + "…"


def _fields(text: str, delimiter: str) -> Iterator[tuple[int, int, str, bool]]:
    """(column, offset, field text, closed) for each field of one physical line, quotes undone
    loosely."""
    text = text.rstrip("\r\n")
    column, pos = 0, 0
    while True:
        if text.startswith('"', pos):
            end = pos + 1
            while True:
                end = text.find('"', end)
                if end < 0:
                    yield column, pos, text[pos + 1:], False
                    return
                if text.startswith('""', end):
                    end += 2
                    continue
                break
            nxt = text.find(delimiter, end)
            yield column, pos, text[pos + 1:end], True
            if nxt < 0:
                return
            pos = nxt + 1
        else:
            nxt = text.find(delimiter, pos)
            yield column, pos, text[pos:] if nxt < 0 else text[pos:nxt], True
            if nxt < 0:
                return
            pos = nxt + 1
        column += 1


def _open_quote_column(text: str, delimiter: str) -> int | None:
    opened = _open_quote(text, delimiter)
    return None if opened is None else opened[0]


def _open_quote(text: str, delimiter: str) -> tuple[int, int] | None:
    """(column, offset of its opening quote) of a quoted field not closed on this line."""
    for column, offset, _value, closed in _fields(text, delimiter):
        if not closed:
            return column, offset
    return None


def _long_field_column(text: str, delimiter: str, limit: int) -> int | None:
    for column, _offset, value, _closed in _fields(text, delimiter):
        if len(value) > limit:
            return column
    return _open_quote_column(text, delimiter)


# ----------------------------------------------------------------------------------------------
# Opening a file
# ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FileFormat:
    """How a CSV file is written."""

    encoding: str
    delimiter: str
    size: int
    #: The decoded start of the file (for previews and type inference).
    sample: str
    #: Not text at all: a spreadsheet workbook, an archive, an image...
    binary: str = ""
    #: Lines before the header to skip: 1 for Excel's ``sep=;`` line, which names the delimiter.
    skip_lines: int = 0


def sniff(path: str | Path, *, encoding: str | None = None, delimiter: str | None = None) -> FileFormat:
    """Detect (or check) the encoding and delimiter of a file. Raises OSError if it cannot be read
    and LookupError for an unknown encoding name."""
    path = Path(path)
    with open(path, "rb") as fh:
        head = fh.read(SNIFF_BYTES)
        size = fh.seek(0, io.SEEK_END)
    if encoding:
        codecs.lookup(encoding)
    else:
        encoding = detect_encoding(head)
    binary = ""
    if head.startswith(b"PK\x03\x04"):
        binary = "a zip archive, such as an Excel .xlsx workbook"
    elif head.startswith(b"\xd0\xcf\x11\xe0"):
        binary = "an old Excel .xls workbook"
    elif b"\x00" in head and not encoding.startswith(("utf-16", "utf-32")):
        binary = "binary data"
    sample = codecs.getincrementaldecoder(encoding)(errors="replace").decode(head, len(head) == size)
    sample = sample.removeprefix("\ufeff")
    named = _SEP_LINE.match(sample)
    skip = 0
    if named is not None:
        # Excel's first line "sep=;" names the delimiter; it is not the header.
        skip = 1
        delimiter = delimiter or ("\t" if named[1] == "\\t" else named[1])
        sample = sample[named.end():]
    if not delimiter:
        delimiter = sniff_delimiter(sample)
    return FileFormat(encoding, delimiter, size, sample, binary, skip)


def open_records(path: str | Path, fmt: FileFormat, *, chunk_bytes: int = CHUNK_BYTES
                 ) -> tuple[BinaryIO, LineSource, RecordReader]:
    """Open a file for reading records; the caller closes the returned binary file."""
    raw = open(path, "rb")  # noqa: SIM115 - handed to the caller, who closes it
    limit = csv.field_size_limit()
    # Enough kept to read again from the start of a runaway field (which ends at the limit).
    source = LineSource(raw, fmt.encoding, chunk_bytes=chunk_bytes, keep_chars=16 * limit)
    return raw, source, RecordReader(source, fmt.delimiter, skip_lines=fmt.skip_lines)


class NoHeader(ValueError):
    """The file has no header row: it is empty, or blank."""


class RecordFile:
    """A CSV file read after its header, a batch of records at a time.

    :meth:`batches` yields first a batch without rows that holds the problems met before the header
    (or none), then the batches of data rows. Once they are all read, :attr:`consumed` is the last
    physical line read and :attr:`replaced_lines` lists the lines with undecodable bytes.
    """

    def __init__(self, path: str | Path, fmt: FileFormat, batch_rows: int):
        self.path = path
        self.fmt = fmt
        self.batch_rows = batch_rows
        self.header: list[str] = []
        self.consumed = 0
        self.replaced_lines: list[int] = []

    def batches(self) -> Iterator[RecordBatch]:
        """Raises OSError if the file cannot be read and :class:`NoHeader`."""
        raw, source, reader = open_records(self.path, self.fmt)
        with raw:
            problems: list[RecordProblem] = []
            while True:
                batch = reader.read(1)
                problems += batch.problems
                if batch.rows and any(cell.strip() for cell in batch.rows[0]):
                    self.header = reader.columns = clean_header(batch.rows[0])
                    break
                if reader.eof:
                    raise NoHeader("the file has no header row (it is empty)")
            yield RecordBatch([], [], [], problems, source.bytes_read, reader.consumed)
            while not reader.eof:
                yield reader.read(self.batch_rows)
            self.consumed = reader.consumed
            self.replaced_lines = source.replaced_lines


def clean_header(cells: list[str]) -> list[str]:
    """Header cells stripped, a BOM removed, blanks named ``column_N`` and repeats numbered."""
    names: list[str] = []
    seen: set[str] = set()
    for index, cell in enumerate(cells):
        name = cell.replace("\ufeff", "").strip() if index == 0 else cell.strip()
        name = name or f"column_{index + 1}"
        base, n = name, 2
        while name in seen:
            name = f"{base}_{n}"
            n += 1
        seen.add(name)
        names.append(name)
    return names
