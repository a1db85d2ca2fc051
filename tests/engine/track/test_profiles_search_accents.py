"""Profile search is blind to accents and case (``zurich`` finds ``Zürich``), on SQLite and
PostgreSQL, while segment rules keep folding A–Z only."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from sqlalchemy import select

from engine.cli import main
from engine.store import Workspace
from engine.track import profiles
from engine.track.segments import SegmentStore
from engine.track.text_fold import COMBINING, FOLD_FROM, FOLD_TO, search_fold, search_fold_sql


@pytest.fixture
def ws(any_ws):
    return any_ws


def found(ws: Workspace, text: str, **kw) -> set[str]:
    return {c.id for c in profiles.search(ws, text, **kw).items}


@pytest.fixture
def people(ws: Workspace) -> dict[str, str]:
    return {
        "anna": ws.upsert_customer({"email": "anna@example.com"}, {"name": "Anna Meier", "city": "Zürich"}),
        "maria": ws.upsert_customer({"email": "mlg@example.com"}, {"name": "María López"}),
        "jose": ws.upsert_customer({"email": "jose@example.com"}, {"name": "Jose Ortega", "city": "Lima"}),
        "lech": ws.upsert_customer({"email": "ŁUKASZ@Example.PL"}, {"address": {"city": "Łódź"}}),
        "odd": ws.upsert_customer({"custom:crm": "C_7"}, {"note": "100% pure"}),
    }


def test_a_needle_without_accents_finds_an_accented_attribute(ws: Workspace, people):
    assert found(ws, "zurich") == {people["anna"]}
    assert found(ws, "lopez") == {people["maria"]}   # her e-mail does not hold it: the name does
    assert found(ws, "maria lopez") == {people["maria"]}
    assert found(ws, "lodz") == {people["lech"]}     # a nested attribute value


@pytest.mark.parametrize("needle", ["ZÜRICH", "zürich", "Zurich", "ZURICH", "Zürich", "zu\u0308rich"])
def test_every_case_and_accent_of_the_needle_finds_it(ws: Workspace, people, needle):
    assert found(ws, needle) == {people["anna"]}


def test_an_accented_needle_finds_a_plain_value(ws: Workspace, people):
    assert found(ws, "José") == {people["jose"]}
    assert found(ws, "JOSÉ ORTEGA") == {people["jose"]}
    assert found(ws, "Límá") == {people["jose"]}


def test_identifiers_fold_the_same_way(ws: Workspace, people):
    assert found(ws, "lukasz@example.pl") == {people["lech"]}
    assert found(ws, "łukasz") == {people["lech"]}
    assert found(ws, "JÖSE@") == {people["jose"]}


def test_a_value_written_decomposed_is_found(ws: Workspace):
    decomposed = unicodedata.normalize("NFD", "Genève")
    assert decomposed != "Genève"
    geneva = ws.upsert_customer({"email": "g@example.com"}, {"city": decomposed})
    assert found(ws, "geneve") == {geneva}
    assert found(ws, "Genève") == {geneva}


@pytest.mark.parametrize(("needle", "who"), [
    ("%' OR 1=1 --", {"eve"}), ("' or 1=1 --", {"eve"}), ("_", {"odd"}), ("%", {"eve", "odd"}),
    ("\\", {"eve"}), ("ünder %'", {"eve"}), ("%' OR 2=2 --", set()),
])
def test_an_injection_needle_matches_literally(ws: Workspace, people, needle, who):
    people["eve"] = ws.upsert_customer({"email": "eve@example.com"}, {"note": "Under %' OR 1=1 -- here \\"})
    assert found(ws, needle) == {people[name] for name in who}
    assert profiles.search(ws, needle).total == len(who)


def test_segment_rules_keep_folding_a_to_z_only(ws: Workspace, people):
    """Saved segments keep matching the customers they matched: only profile search changed."""
    segments = SegmentStore(ws)
    segment = segments.create("Zurich people", {"match": "all", "conditions": [
        {"kind": "attribute", "attribute": "city", "operator": "contains", "value": "zurich"}]})
    assert segments.refresh(segment.id) == ([], [])
    accented = segments.create("Zürich people", {"match": "all", "conditions": [
        {"kind": "attribute", "attribute": "city", "operator": "contains", "value": "ZüRICH"}]})
    assert segments.refresh(accented.id) == ([people["anna"]], [])


def test_searching_one_attribute_ignores_accents_too(ws: Workspace, people):
    assert found(ws, "zurich", attribute="city") == {people["anna"]}
    assert found(ws, "ZüRICH", attribute="city") == {people["anna"]}
    assert found(ws, "zurich", attribute="name") == set()             # only that attribute is looked in
    bea = ws.upsert_customer({"email": "bea@example.com"}, {"cities": ["Zürich", "Genève"]})
    assert found(ws, "geneve", attribute="cities") == {bea}           # an item of a list, whole
    assert found(ws, "gen", attribute="cities") == set()


@pytest.mark.parametrize("sample", [
    FOLD_FROM + FOLD_TO + "ß æ 张 ΩΣ Ωμέγα ǄǅIı ",
    "".join(map(chr, range(32, 0x250))) + "".join(map(chr, range(0x1E00, 0x1F00))),  # Latin, and more
    unicodedata.normalize("NFD", "Crème brûlée à Łódź, İstanbul, Ørsted"),
    "Plain ASCII: Hello, WORLD @ 42 %_\\",
    COMBINING,
])
def test_the_sql_folding_is_the_python_folding(ws: Workspace, sample):
    dialect = ws.engine.dialect.name
    table = {ord(a): b for a, b in zip(FOLD_FROM, FOLD_TO, strict=True)} | dict.fromkeys(map(ord, COMBINING))
    with ws.engine.connect() as conn:
        assert conn.scalar(select(search_fold_sql(sample, dialect))) == sample.translate(table)
    assert search_fold(sample) == unicodedata.normalize("NFC", sample).translate(table)


def test_totals_stay_right_past_the_first_page(ws: Workspace, people):
    everyone_in_zurich = [ws.upsert_customer({"user_id": f"z{i}"}, {"city": "ZÜRICH"}) for i in range(4)]
    first = profiles.search(ws, "zurich", limit=2)
    assert first.total == 5 and len(first.items) == 2
    assert profiles.search(ws, "zurich", offset=4).total == 5
    assert profiles.search(ws, "zurich", offset=9).total == 5       # past the end: counted apart
    assert profiles.search(ws, "zurich", limit=0).total == 5
    rest = profiles.search(ws, "zurich", after=first.items[-1].sort_key)
    assert rest.total == 5 and len(rest.items) == 3
    assert {c.id for c in first.items + rest.items} == set(everyone_in_zurich) | {people["anna"]}
    assert profiles.search(ws, "nowhere-at-all").total == 0
    assert profiles.search(ws, "").total == 9


def test_a_needle_never_spans_two_attribute_values(ws: Workspace):
    joined = ws.upsert_customer({"email": "a@example.com"}, {"code": "x\x1fy", "other": "Öz"})
    ws.upsert_customer({"email": "b@example.com"}, {"p": "x", "q": "y"})
    assert found(ws, "x\x1fy") == {joined}
    assert found(ws, "X\x1fY") == {joined}


def test_the_folding_table_is_one_to_one():
    assert len(FOLD_FROM) == len(FOLD_TO) == len(set(FOLD_FROM))
    assert not set(FOLD_FROM) & set(FOLD_TO)  # one pass folds completely
    assert search_fold("ÀÁÂÃÄÅĀĂĄ àáâãäåāăą ÇĆČ ÈÉÊËĒĖĘĚ ÌÍÎÏĪĮ ÑŃŇ ÒÓÔÕÖØŌŐ ÙÚÛÜŪŮŰŲ ÝŸ ŚŠŞ ŹŻŽ Ł ĐĎ Ř ŤŢ Ğ") \
        == "aaaaaaaaa aaaaaaaaa ccc eeeeeeee iiiiii nnn oooooooo uuuuuuuu yy sss zzz l dd r tt g"
    assert search_fold("ß Æ 张 %_") == "ß Æ 张 %_"


def test_read_only_workspaces_search_without_accents(tmp_path: Path):
    location = tmp_path / "workspace.db"
    with Workspace.open(location) as ws:
        anna = ws.upsert_customer({"email": "anna@example.com"}, {"city": "Zürich"})
    with Workspace.open(location, create=False, read_only=True) as ws:
        assert found(ws, "zurich") == {anna}


def test_cli_search_without_accents(tmp_path: Path, capsys):
    location = tmp_path / "workspace.db"
    with Workspace.open(location) as ws:
        anna = ws.upsert_customer({"email": "anna@example.com"}, {"name": "Anna Meier", "city": "Zürich"})
        ws.upsert_customer({"email": "bo@example.com"}, {"name": "Bo", "city": "Basel"})
    assert main(["profiles", "search", "zurich", "--workspace", str(location)]) == 0
    out = capsys.readouterr().out
    assert f"{anna}  Anna Meier  (email:anna@example.com)" in out and "1–1 of 1 customer" in out


def test_cli_search_of_an_attribute_nobody_has_names_the_closest(tmp_path: Path, capsys):
    location = str(tmp_path / "workspace.db")
    with Workspace.open(location) as ws:
        ws.upsert_customer({"email": "zoe@example.com"}, {"Prénom": "Zoé", "Ville": "Zürich"})
    assert main(["profiles", "search", "zurich", "--attribute", "ville", "--workspace", location]) == 0
    assert capsys.readouterr().out == (
        "no customers match 'zurich'\nnote: no customer has an attribute 'ville' (names are exact, capitals and "
        "accents included); did you mean 'Ville'?\n")
    assert main(["profiles", "search", "zurich", "--attribute", "Ville", "--workspace", location]) == 0
    assert "1–1 of 1 customer" in capsys.readouterr().out
    assert main(["profiles", "search", "lyon", "--attribute", "Ville", "--workspace", location]) == 0
    assert capsys.readouterr().out == "no customers match 'lyon'\n"          # the attribute is there: no note
    assert main(["profiles", "search", "zoe@", "--attribute", "email", "--workspace", location]) == 0
    assert "searched without --attribute" in capsys.readouterr().out
