"""Tests of CSV reading: encodings, delimiters, line numbers, and the traps of Python's csv module
(unclosed quotes, the field size limit, a BOM in the first header cell)."""

from __future__ import annotations

import codecs
import csv
from pathlib import Path

import pytest

from engine.track.csv_format import clean_header, detect_encoding, open_records, sniff, sniff_delimiter

HEADER = ["email", "event", "time", "note"]


def read_all(path: Path, *, chunk_bytes: int = 64, **kwargs):
    """Everything a reader gives, read in small blocks and batches to cross their boundaries."""
    fmt = sniff(path, **kwargs)
    raw, _source, reader = open_records(path, fmt, chunk_bytes=chunk_bytes)
    with raw:
        header = reader.read(1)
        reader.columns = clean_header(header.rows[0])
        rows, lines, numbers, problems = [], [], [], []
        while not reader.eof:
            batch = reader.read(3)
            rows += batch.rows
            lines += batch.lines
            numbers += batch.row_numbers
            problems += batch.problems
    return fmt, reader.columns, rows, lines, numbers, problems


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize(("encoding", "expected"), [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gb18030", "gb18030"), ("gbk", "gb18030"),
    ("utf-16", "utf-16"), ("utf-16-le", "utf-16-le"), ("utf-16-be", "utf-16-be"), ("cp1252", "cp1252")])
def test_encodings_are_detected(tmp_path: Path, encoding: str, expected: str):
    text = "name\tcity\r\n张三\t北京\r\n李四\t上海\r\n" if encoding.startswith(("gb", "utf")) else \
        "name\tcity\r\nJosé\tSão Paulo\r\nRenée\tGenève\r\n"
    if encoding == "cp1252":
        text = text.replace("São", "Sao")
    path = write(tmp_path / "f.txt", text, encoding)
    fmt, columns, rows, *_ = read_all(path)
    assert fmt.encoding == expected
    assert fmt.delimiter == "\t"
    assert columns == ["name", "city"]
    assert rows == [line.split("\t") for line in text.splitlines()[1:]]


def test_latin_text_is_not_taken_for_chinese():
    # "é" followed by a letter is a valid GB18030 pair; the text is still Western.
    sample = "name,city\nRenée,Genève\nAndré,Besançon\nBéatrice,Orléans\n".encode("cp1252")
    assert detect_encoding(sample) == "cp1252"


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiter_is_sniffed(delimiter: str):
    lines = [["email", "amount", "note"], ["a@example.com", "1,5", "x; y"], ["b@example.com", "2", "z|w"]]
    text = "".join(delimiter.join(f'"{c}"' if any(d in c for d in ",;|\t") else c for c in row) + "\n"
                   for row in lines)
    assert sniff_delimiter(text) == delimiter


def test_bom_does_not_rename_the_first_column(tmp_path: Path):
    path = write(tmp_path / "bom.csv", "email,event\na@example.com,order\n", "utf-8-sig")
    for forced in (None, "utf-8"):
        _fmt, columns, rows, *_ = read_all(path, encoding=forced)
        assert columns == ["email", "event"]
        assert rows == [["a@example.com", "order"]]
    assert clean_header(["\ufeffemail", " ", "x", "x"]) == ["email", "column_2", "x", "x_2"]


def test_line_numbers_count_the_lines_inside_quoted_fields(tmp_path: Path):
    text = ('email,event,time,note\r\n'
            'a@example.com,order,2025-01-01,"first\r\nsecond\r\nthird"\r\n'
            'b@example.com,order,2025-01-02,plain\r\n'
            '\r\n'
            'c@example.com,order,2025-01-03,"one\nmore"\r\n'
            'd@example.com,order,2025-01-04,end\r\n')
    _fmt, _columns, rows, lines, numbers, problems = read_all(write(tmp_path / "f.csv", text))
    assert problems == []
    assert [r[0] if r else "" for r in rows] == ["a@example.com", "b@example.com", "", "c@example.com",
                                                 "d@example.com"]
    emails = {r[0] if r else "": (line, number) for r, line, number in zip(rows, lines, numbers, strict=True)}
    assert emails["a@example.com"] == (2, 2)
    assert emails["b@example.com"] == (5, 3)
    assert emails["c@example.com"] == (7, 5)
    assert emails["d@example.com"] == (9, 6)
    assert rows[0][3] == "first\r\nsecond\r\nthird"


def test_unclosed_quote_that_runs_into_later_quotes(tmp_path: Path):
    text = ('email,event,time,note\n'
            'a@example.com,order,2025-01-01,fine\n'
            'b@example.com,order,2025-01-02,"broken\n'
            'c@example.com,order,2025-01-03,ok\n'
            'd@example.com,order,2025-01-04,"quoted, fine"\n'
            'e@example.com,order,2025-01-05,ok\n')
    _fmt, _columns, rows, lines, _numbers, problems = read_all(write(tmp_path / "f.csv", text))
    assert [r[0] for r in rows] == ["a@example.com", "c@example.com", "d@example.com", "e@example.com"]
    assert lines == [2, 4, 5, 6]
    assert rows[2][3] == "quoted, fine"
    assert len(problems) == 1
    assert (problems[0].line, problems[0].column) == (3, 3)
    assert "column 'note'" in problems[0].reason and "not closed" in problems[0].reason


def test_unclosed_quote_that_swallows_whole_rows(tmp_path: Path):
    # The stray quote is closed by another stray quote: csv returns one record with the right
    # number of fields, whose last field holds two whole rows.
    text = ('email,event,time,note\n'
            'b@example.com,order,2025-01-02,"broken\n'
            'c@example.com,order,2025-01-03,ok\n'
            'd@example.com,order,2025-01-04,typo"\n'
            'e@example.com,order,2025-01-05,ok\n')
    _fmt, _columns, rows, lines, _numbers, problems = read_all(write(tmp_path / "f.csv", text))
    assert [r[0] for r in rows] == ["c@example.com", "d@example.com", "e@example.com"]
    assert lines == [3, 4, 5]
    assert [(p.line, p.column) for p in problems] == [(2, 3)]


def test_unclosed_quote_at_the_end_of_the_file(tmp_path: Path):
    text = ('email,event,time,note\n'
            'a@example.com,order,2025-01-01,fine\n'
            'f@example.com,order,2025-01-06,"never closed\n'
            'g@example.com,order,2025-01-07,ok\n')
    _fmt, _columns, rows, lines, _numbers, problems = read_all(write(tmp_path / "f.csv", text))
    assert [r[0] for r in rows] == ["a@example.com", "g@example.com"]
    assert lines == [2, 4]
    assert [(p.line, p.column) for p in problems] == [(3, 3)]
    assert "end of the file" in problems[0].reason


def test_field_over_the_csv_limit_is_reported_and_reading_goes_on(tmp_path: Path):
    limit = csv.field_size_limit()
    text = ('email,event,time,note\n'
            'a@example.com,order,2025-01-01,fine\n'
            f'b@example.com,order,2025-01-02,{"x" * (limit + 10)}\n'
            'c@example.com,order,2025-01-03,ok\n'
            f'd@example.com,order,2025-01-04,"{"y" * limit}\n{"y" * 20}"\n'
            'e@example.com,order,2025-01-05,ok\n')
    _fmt, _columns, rows, lines, _numbers, problems = read_all(write(tmp_path / "f.csv", text))
    assert csv.field_size_limit() == limit
    assert [r[0] for r in rows] == ["a@example.com", "c@example.com", "e@example.com"]
    assert lines == [2, 4, 7]
    assert [(p.line, p.column) for p in problems] == [(3, 3), (5, 3)]
    assert f"column 'note' is longer than {limit:,} characters" in problems[0].reason
    assert f"column 'note' is longer than {limit:,} characters (a quoted cell over 2 lines)" in problems[1].reason


def test_unclosed_quote_beyond_the_field_limit(tmp_path: Path):
    # A stray quote with thousands of rows after it: csv would swallow them into one field until it
    # passes the limit. The rows are read as rows.
    rows_after = [f"u{i}@example.com,order,2025-01-01T00:00:00Z,ok" for i in range(4000)]
    text = 'email,event,time,note\n' + 'a@example.com,order,2025-01-01,"oops\n' + "\n".join(rows_after) + "\n"
    _fmt, _columns, rows, lines, numbers, problems = read_all(write(tmp_path / "f.csv", text), chunk_bytes=4096)
    assert [(p.line, p.row, p.column) for p in problems] == [(2, 2, 3)]
    assert "not closed" in problems[0].reason
    assert [r[0] for r in rows] == [f"u{i}@example.com" for i in range(4000)]
    assert lines == list(range(3, 4003))
    assert numbers == list(range(3, 4003))


def test_undecodable_bytes_are_replaced_and_listed(tmp_path: Path):
    path = tmp_path / "f.csv"
    path.write_bytes(b"email,name\na@example.com,ok\nb@example.com,bad \xff byte\n" + b"c@example.com,ok\n" * 5)
    fmt = sniff(path, encoding="utf-8")
    raw, source, reader = open_records(path, fmt)
    with raw:
        reader.read(1)
        batch = reader.read(100)
    assert batch.rows[1] == ["b@example.com", "bad \ufffd byte"]
    assert source.replaced_lines == [3]


def test_lines_split_like_the_csv_module(tmp_path: Path):
    # U+2028 and form feeds are ordinary characters to csv; lone CR ends a line.
    text = "a,b\rx\u2028y,1\r\nz\x0cw,2\n"
    _fmt, columns, rows, lines, *_ = read_all(write(tmp_path / "f.csv", text))
    assert columns == ["a", "b"]
    assert rows == [["x\u2028y", "1"], ["z\x0cw", "2"]]
    assert lines == [2, 3]


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_a_block_ending_in_cr_makes_no_blank_row(tmp_path: Path, newline: str):
    # Read in 64-byte blocks, some end between the CR and the LF of a line break (or, with lone CRs,
    # right after one): the line must still end there, not become a line and an empty one.
    text = "x,y,z" + newline + "".join(f"a{i},b{i},{i}{newline}" for i in range(40))
    _fmt, _columns, rows, lines, numbers, problems = read_all(write(tmp_path / "f.csv", text))
    assert rows == [[f"a{i}", f"b{i}", str(i)] for i in range(40)]
    assert lines == numbers == list(range(2, 42))
    assert problems == []


def test_bom_of_each_utf_flavour(tmp_path: Path):
    for encoding, bom in (("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE),
                          ("utf-32-le", codecs.BOM_UTF32_LE)):
        path = tmp_path / f"{encoding}.csv"
        path.write_bytes(bom + "a;b\n1;2\n".encode(encoding))
        _fmt, columns, rows, *_ = read_all(path)
        assert columns == ["a", "b"] and rows == [["1", "2"]], encoding
