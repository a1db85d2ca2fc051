"""Profile search finds customers by their tags too (``Yoga`` finds everyone tagged Yoga), blind to
case and accents as the rest of the search is, on SQLite and PostgreSQL; the command line as well."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.cli import main
from engine.store import Workspace
from engine.track.profiles import edit, search


@pytest.fixture
def studio(any_ws: Workspace) -> tuple[Workspace, dict[str, str]]:
    ws = any_ws
    people = {
        "anna": ws.upsert_customer({"email": "anna@example.com"}, {"Name": "Anna"}, tags=["Yoga", "VIP"]),
        "bernd": ws.upsert_customer({"email": "bernd@example.com"}, {"Name": "Bernd"}, tags=["yoga"]),
        "clara": ws.upsert_customer({"email": "clara@example.com"}, {"Name": "Clara"}, tags=["Hatha Yoga"]),
        "dora": ws.upsert_customer({"email": "dora@example.com"}, {"Name": "Dora"}, tags=["Pilates"]),
        "emil": ws.upsert_customer({"email": "emil@example.com"}, {"Name": "Emil"}),
        "fritz": ws.upsert_customer({"email": "fritz@example.com"}, {"Name": "Fritz"}, tags=["Ärger", "Kunde 100%"]),
    }
    return ws, people


def found(ws: Workspace, text: str) -> set[str]:
    page = search(ws, text, limit=100)
    assert page.total == len(page.items)
    return {c.id for c in page.items}


def test_a_tag_finds_the_customers_who_carry_it_in_any_case(studio):
    ws, p = studio
    yoga = {p["anna"], p["bernd"], p["clara"]}
    assert found(ws, "Yoga") == yoga
    assert found(ws, "yoga") == yoga
    assert found(ws, "YOGA") == yoga
    assert found(ws, "Yog") == yoga  # the start of a tag
    assert found(ws, "pilates") == {p["dora"]}
    assert found(ws, "VIP") == {p["anna"]}


def test_tags_are_searched_blind_to_accents_and_with_ordinary_percent_signs(studio):
    ws, p = studio
    assert found(ws, "arger") == {p["fritz"]}
    assert found(ws, "ÄRGER") == {p["fritz"]}
    assert found(ws, "100%") == {p["fritz"]}
    assert found(ws, "1_0") == set()


def test_a_tag_added_later_is_found_and_one_taken_away_is_not(studio):
    ws, p = studio
    edit(ws, p["emil"], tags=["Yoga"])
    edit(ws, p["bernd"], tags=[])
    assert found(ws, "yoga") == {p["anna"], p["clara"], p["emil"]}


def test_a_query_that_is_no_tag_finds_nobody_by_tags(studio):
    ws, p = studio
    assert found(ws, "Zumba") == set()
    # Searching one attribute does not look at tags.
    assert search(ws, "Yoga", attribute="Name").total == 0


def test_the_command_line_lists_them(tmp_path: Path, capsys):
    location = tmp_path / "ws.db"
    with Workspace.open(location) as ws:
        ws.upsert_customer({"email": "anna@example.com"}, {"Name": "Anna"}, tags=["Yoga"])
        ws.upsert_customer({"email": "bo@example.com"}, {"Name": "Bo"})
    assert main(["profiles", "search", "yoga", "--workspace", str(location)]) == 0
    out = capsys.readouterr().out
    assert "Anna" in out and "Bo" not in out
    assert out.endswith("1–1 of 1 customer\n")
