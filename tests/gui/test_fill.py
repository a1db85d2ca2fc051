"""Placeholders are filled in one pass: a value holding ``%2`` (a path, a name) is shown as it is."""

from __future__ import annotations

from gui.qt import fill


def test_fill_replaces_each_placeholder_once_and_keeps_values_as_written():
    assert fill("Row %1: %2", "7", "bad") == "Row 7: bad"
    assert fill("%2 before %1, %2 again", "one", "two") == "two before one, two again"
    assert fill("Could not write %1: %2.", "/tmp/100%2 sure.json", "disk full") == \
        "Could not write /tmp/100%2 sure.json: disk full."
    assert fill("%1 of %3", "a") == "a of %3"  # no value: left as it is
    assert fill("match now, %1% of %2", "12.5", "40") == "match now, 12.5% of 40"
