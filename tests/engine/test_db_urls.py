"""``--db`` takes database URLs only, says what is wrong with one that does not parse without
showing its password, and reads postgres:// as the PostgreSQL driver Journey Studio installs."""

from __future__ import annotations

import pytest

from engine.cli import main
from engine.errors import WorkspaceError
from engine.store.workspace import database_url, hide_password


def test_a_db_without_a_scheme_is_refused_and_makes_no_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["--db", "pg.example.com/trial", "journeys", "list"]) == 1
    err = capsys.readouterr().err
    assert "pg.example.com/trial: is not a database URL" in err and "--workspace" in err
    assert not (tmp_path / "pg.example.com").exists()


@pytest.mark.parametrize("url", ["postgresql+psycopg://team2:p@ss:w0rd@/team2db?host=/tmp",
                                 "postgresql+psycopg://u:s3cret@localhost:port/db"])
def test_a_url_that_does_not_parse_is_named_without_its_password(url, capsys):
    assert main(["--db", url, "journeys", "list"]) == 1
    err = capsys.readouterr().err
    assert "is not a valid database URL" in err and "%40" in err
    assert "w0rd" not in err and "s3cret" not in err and "Traceback" not in err and "ValueError" not in err


def test_postgres_urls_use_the_installed_driver():
    assert database_url("postgres://u@db.example.com/shop").drivername == "postgresql+psycopg"
    assert database_url("postgresql://u@db.example.com/shop").drivername == "postgresql+psycopg"
    assert database_url("sqlite:///x.db").drivername == "sqlite"
    assert hide_password("postgresql://me:a@b@host/db") == "postgresql://me:***@host/db"
    with pytest.raises(WorkspaceError):
        database_url("not a url")
