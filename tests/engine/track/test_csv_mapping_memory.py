"""A file with the same columns as one imported before is mapped as that import mapped it: on the
command line (``--map`` still changes a column) and in the import wizard."""

from __future__ import annotations

from pathlib import Path

from engine.cli import main
from engine.store import Workspace
from engine.track.csv_import import ImportOptions, import_customers, mapping_used_before, preview


def write(path: Path, lines: list[str], *, encoding: str = "utf-8") -> Path:
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


LINES = ["Email,Newsletter,Étiquettes,Ville,Points", "a@x.fr,oui,vip,Lyon,12", "b@x.fr,non,,Paris,7"]


def test_the_command_line_maps_a_file_as_the_last_one_with_its_columns(tmp_path: Path, capsys):
    workspace = str(tmp_path / "ws")
    first = write(tmp_path / "clients.csv", LINES)
    assert main(["import", "customers", str(first), "--workspace", workspace, "--map", "Newsletter=consent.email",
                 "--map", "Étiquettes=tags", "--map", "Ville=skip", "--map", "Points=attributes.points:text"]) == 0
    assert "mapped as in the last import" not in capsys.readouterr().out
    # The same columns in another file (UTF-16, as Excel saves it): mapped as before, and said so.
    again = write(tmp_path / "clients (2).csv", LINES[:1] + ["c@x.fr,oui,new,Nice,3"], encoding="utf-16")
    assert main(["import", "customers", str(again), "--workspace", workspace, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "  Newsletter → consent.email" in out and "  Étiquettes → tags" in out and "not imported: Ville" in out
    assert "  Points → attributes.points (text)" in out
    assert "columns mapped as in the last import of a file with the same columns" in out
    # --map still changes one column; the others stay as before.
    assert main(["import", "customers", str(again), "--workspace", workspace, "--map", "Ville=attributes.city"]) == 0
    capsys.readouterr()
    with Workspace.open(workspace, read_only=True) as ws:
        c = ws.get_customer(ws.find_customer("email", "c@x.fr"))
        assert c.attributes == {"city": "Nice", "points": "3"} and c.consent == {"email": True}
        assert c.tags == ("new",)
    # Other columns: suggested afresh.
    other = write(tmp_path / "other.csv", ["Email,Ville", "d@x.fr,Lyon"])
    assert main(["import", "customers", str(other), "--workspace", workspace, "--dry-run"]) == 0
    assert "Ville → attributes.Ville" in capsys.readouterr().out  # not skipped, as in the file above


def test_a_dry_run_or_an_api_import_without_keep_mapping_changes_nothing(tmp_path: Path, ws: Workspace):
    path = write(tmp_path / "clients.csv", LINES)
    header = preview(path, "customers").header
    import_customers(ws, path, ImportOptions(mapping={"Ville": "skip"}), dry_run=True)
    assert mapping_used_before(ws, "customers", header) is None                # a dry run keeps nothing
    import_customers(ws, path, ImportOptions(mapping={"Ville": "skip"}))
    used = mapping_used_before(ws, "customers", header)
    assert used is not None and used.targets["Ville"] == "skip" and used.id_column == "Email"
    result = import_customers(ws, path, ImportOptions())                          # the API asks for it or not
    assert not result.mapping_kept
    assert mapping_used_before(ws, "customers", header).targets["Ville"] == "attributes.Ville"
    ws.set_meta(next(k for k in [f"csv_mapping:customers:{_digest(header)}"]), "{not json")
    assert mapping_used_before(ws, "customers", header) is None                # unreadable: suggestions stand


def _digest(header) -> str:
    import hashlib

    return hashlib.sha256("\x1f".join(header).encode("utf-8")).hexdigest()[:32]
