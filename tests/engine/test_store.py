"""Tests of the workspace store: schema and migrations, locking, damaged files, and the journey API."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from datetime import UTC
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from pydantic import BaseModel, Field
from sqlalchemy import exc as sa_exc
from sqlalchemy import func, inspect, select, update
from sqlalchemy.orm import Session

from engine.document import Edge, Journey, Node, PortRef, content_hash, dumps, new_id
from engine.errors import DocumentError, NotFound, PublishRefused, WorkspaceError, WorkspaceLocked
from engine.spec import NodeSpec, Port, Registry, Stage
from engine.store import JourneyInfo, VersionInfo, Workspace, alembic_config, default_workspace_path
from engine.store.lock import lock_path_for
from engine.store.models import Base, DraftRow, VersionRow

REPO = Path(__file__).resolve().parents[2]


# ----------------------------------------------------------------------------------------------
# A tiny node catalogue of its own, so these tests do not depend on the real one.
# ----------------------------------------------------------------------------------------------

class EntryConfig(BaseModel):
    event: str = Field("signed_up", min_length=1)


class SendConfig(BaseModel):
    subject: str = Field("Hello", min_length=1)


REGISTRY = Registry([
    NodeSpec(type_key="test.entry", version=1, title="Entry", stage=Stage.ORCHESTRATE,
             config_model=EntryConfig, outputs=(Port("next"),), executable=True, is_entry=True),
    NodeSpec(type_key="test.send", version=1, title="Send", stage=Stage.ORCHESTRATE,
             config_model=SendConfig, inputs=(Port("in"),), outputs=(Port("next"),), executable=True),
])


def make_journey(name: str = "Welcome series", subject: str = "Hello") -> Journey:
    entry = Node(id=new_id(), type="test.entry", title="Signed up", config={"event": "signed_up"})
    send = Node(id=new_id(), type="test.send", title="Welcome", config={"subject": subject})
    send.position.x, send.position.y = 240, 80
    edge = Edge(id=new_id(), source=PortRef(node=entry.id, port="next"), target=PortRef(node=send.id, port="in"))
    return Journey(name=name, description="First week", nodes=[entry, send], edges=[edge])


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


# ----------------------------------------------------------------------------------------------
# Opening, schema, migrations
# ----------------------------------------------------------------------------------------------

def test_open_creates_schema_at_head(tmp_path: Path):
    db = tmp_path / "sub" / "workspace.db"
    with Workspace.open(db) as ws:
        assert db.is_file()
        assert ws.path == db.absolute()
        with ws.engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_heads() == (head_revision(),)
            assert {"journeys", "drafts", "versions", "meta"} <= set(inspect(conn).get_table_names())
        assert ws.workspace_id
        assert ws.list_journeys() == []
    assert ws.closed


def test_reopen_is_idempotent_and_keeps_data(tmp_path: Path):
    with Workspace.open(tmp_path) as ws:
        info = ws.create_journey(make_journey())
        workspace_id = ws.workspace_id
    for _ in range(2):
        with Workspace.open(tmp_path) as ws:
            assert ws.path == (tmp_path / "workspace.db").absolute()
            assert ws.workspace_id == workspace_id
            assert [j.id for j in ws.list_journeys()] == [info.id]
            with ws.engine.connect() as conn:
                assert MigrationContext.configure(conn).get_current_heads() == (head_revision(),)


def test_sqlite_url_and_default_path(tmp_path: Path):
    db = tmp_path / "by-url.db"
    with Workspace.open(f"sqlite:///{db}") as ws:
        assert ws.path == db
        ws.create_journey(make_journey())
        with pytest.raises(WorkspaceLocked):
            Workspace.open(db)
    default = default_workspace_path()
    assert default.name == "workspace.db"
    assert "journey-studio" in str(default).lower()


def test_wal_mode_and_foreign_keys_on(ws: Workspace):
    with ws.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() > 0


def test_models_and_migrations_agree(tmp_path: Path):
    with Workspace.open(tmp_path) as ws, ws.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_migrations_downgrade_and_upgrade_again(tmp_path: Path):
    with Workspace.open(tmp_path) as ws:
        config = alembic_config()
        with ws.engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "base")
        with ws.engine.connect() as conn:
            assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
    with Workspace.open(tmp_path) as ws:
        ws.create_journey(make_journey())
        assert len(ws.list_journeys()) == 1


def test_newer_schema_is_refused_untouched(tmp_path: Path):
    db = tmp_path / "workspace.db"
    Workspace.open(db).close()
    conn = sqlite3.connect(db)
    conn.execute("UPDATE alembic_version SET version_num = 'from-the-future'")
    conn.commit()
    conn.close()
    before = db.read_bytes()
    with pytest.raises(WorkspaceError, match="newer Journey Studio") as err:
        Workspace.open(db)
    assert str(db) in str(err.value)
    assert db.read_bytes() == before


# ----------------------------------------------------------------------------------------------
# Locking and read-only
# ----------------------------------------------------------------------------------------------

def test_second_writer_in_same_process_is_locked_out(tmp_path: Path):
    db = tmp_path / "workspace.db"
    first = Workspace.open(db)
    try:
        with pytest.raises(WorkspaceLocked) as err:
            Workspace.open(db)
        message = str(err.value)
        assert str(db) in message
        assert "open in another Journey Studio window" in message
        assert f"process {os.getpid()}" in message
        assert lock_path_for(db).exists()
    finally:
        first.close()
    # Released on close: the next window gets it.
    Workspace.open(db).close()


def test_second_writer_in_another_process_is_locked_out(tmp_path: Path):
    db = tmp_path / "workspace.db"
    script = textwrap.dedent(f"""
        from engine.errors import WorkspaceLocked
        from engine.store import Workspace
        try:
            Workspace.open({str(db)!r})
        except WorkspaceLocked as exc:
            print("LOCKED", exc)
        else:
            print("OPENED")
        with Workspace.open({str(db)!r}, read_only=True) as ws:
            print("READ", len(ws.list_journeys()))
    """)
    with Workspace.open(db) as ws:
        ws.create_journey(make_journey())
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                              cwd=REPO, timeout=120)
        assert done.returncode == 0, done.stderr
        lines = done.stdout.splitlines()
        assert lines[0].startswith("LOCKED")
        assert f"process {os.getpid()}" in lines[0]
        assert lines[1] == "READ 1"
    # Once this process closes it, another process may write.
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=REPO, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "OPENED"


def test_read_only_reads_while_locked_and_refuses_writes(tmp_path: Path):
    db = tmp_path / "workspace.db"
    with Workspace.open(db) as writer:
        info = writer.create_journey(make_journey())
        with Workspace.open(db, read_only=True) as reader:
            assert reader.read_only
            assert [j.id for j in reader.list_journeys()] == [info.id]
            assert reader.load_draft(info.id).name == "Welcome series"
            with pytest.raises(WorkspaceError, match="read-only"):
                reader.save_draft(make_journey())
            with pytest.raises(WorkspaceError, match="read-only"):
                reader.rename_journey(info.id, "Other")
        # The writer's later saves are seen by a new reader.
        writer.rename_journey(info.id, "Renamed")
        with Workspace.open(db, read_only=True) as reader:
            assert reader.list_journeys()[0].name == "Renamed"


def test_missing_workspace_without_create(tmp_path: Path):
    db = tmp_path / "nothing.db"
    with pytest.raises(WorkspaceError, match="no workspace") as err:
        Workspace.open(db, create=False)
    assert str(db) in str(err.value)
    with pytest.raises(WorkspaceError, match="no workspace"):
        Workspace.open(db, read_only=True)
    assert not db.exists()


def test_closed_workspace_refuses_calls(tmp_path: Path):
    ws = Workspace.open(tmp_path)
    ws.close()
    ws.close()
    with pytest.raises(WorkspaceError, match="closed"):
        ws.list_journeys()


# ----------------------------------------------------------------------------------------------
# Damaged and foreign files
# ----------------------------------------------------------------------------------------------

def _assert_refused_untouched(db: Path) -> WorkspaceError:
    before = db.read_bytes()
    with pytest.raises(WorkspaceError) as err:
        Workspace.open(db)
    assert not isinstance(err.value, WorkspaceLocked)
    assert str(db) in str(err.value)
    assert "not a Journey Studio workspace" in str(err.value)
    assert db.read_bytes() == before
    # SQLite may set up an empty write-ahead log beside a WAL-mode file; nothing is ever written to it.
    wal = db.with_name(db.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    # The lock is not left behind held: opening again fails the same way, not as "locked".
    with pytest.raises(WorkspaceError) as again:
        Workspace.open(db)
    assert not isinstance(again.value, WorkspaceLocked)
    return err.value


def test_random_bytes_are_refused(tmp_path: Path):
    db = tmp_path / "workspace.db"
    db.write_bytes(bytes(range(256)) * 64)
    _assert_refused_untouched(db)


def test_text_file_is_refused(tmp_path: Path):
    db = tmp_path / "workspace.db"
    db.write_text("these are my shopping notes\n", encoding="utf-8")
    _assert_refused_untouched(db)


def test_damaged_database_is_refused(tmp_path: Path):
    db = tmp_path / "workspace.db"
    with Workspace.open(db) as ws:
        for i in range(5):
            ws.create_journey(make_journey(name=f"Journey {i}"))
    data = bytearray(db.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    assert len(data) >= 3 * page_size
    # Scribble over the second page (a table's b-tree), as a failing disk would.
    data[page_size:page_size * 2] = b"\xa5" * page_size
    db.write_bytes(bytes(data))
    _assert_refused_untouched(db)


def test_database_of_another_application_is_refused(tmp_path: Path):
    db = tmp_path / "workspace.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, title TEXT)")
    conn.execute("INSERT INTO recipes (title) VALUES ('soup')")
    conn.commit()
    conn.close()
    _assert_refused_untouched(db)


# ----------------------------------------------------------------------------------------------
# Journeys
# ----------------------------------------------------------------------------------------------

def test_create_and_list(ws: Workspace):
    journey = make_journey()
    journey.settings.status = "paused"
    info = ws.create_journey(journey)
    assert isinstance(info, JourneyInfo)
    assert (info.id, info.name, info.description) == (journey.id, "Welcome series", "First week")
    assert info.status == "paused"
    assert info.archived is False
    assert info.latest_version is None
    assert info.node_count == 2
    assert info.created_at.tzinfo is not None and info.created_at.utcoffset().total_seconds() == 0
    assert ws.list_journeys() == [info]
    assert ws.journey_info(journey.id) == info
    with pytest.raises(DocumentError, match="already exists"):
        ws.create_journey(journey)


def test_list_orders_most_recent_first(ws: Workspace):
    a = ws.create_journey(make_journey("A"))
    b = ws.create_journey(make_journey("B"))
    ws.rename_journey(a.id, "A again")
    names = [j.name for j in ws.list_journeys()]
    assert names == ["A again", "B"]
    assert ws.journey_info(b.id).updated_at <= ws.journey_info(a.id).updated_at


def test_rename(ws: Workspace):
    info = ws.create_journey(make_journey())
    renamed = ws.rename_journey(info.id, "  Onboarding  ")
    assert renamed.name == "Onboarding"
    assert ws.load_draft(info.id).name == "Onboarding"
    with pytest.raises(DocumentError):
        ws.rename_journey(info.id, "   ")
    with pytest.raises(NotFound):
        ws.rename_journey("no-such-id", "X")


def test_duplicate(ws: Workspace):
    original = make_journey()
    original.settings.status = "live"
    info = ws.create_journey(original)
    ws.publish(info.id, REGISTRY)
    copy = ws.duplicate_journey(info.id)
    assert copy.id != info.id
    assert copy.name == "Welcome series (copy)"
    assert copy.status == "draft"
    assert copy.latest_version is None
    assert ws.list_versions(copy.id) == []
    loaded = ws.load_draft(copy.id)
    assert loaded.id == copy.id
    assert [n.model_dump() for n in loaded.nodes] == [n.model_dump() for n in ws.load_draft(info.id).nodes]
    named = ws.duplicate_journey(info.id, "Second try")
    assert named.name == "Second try"
    assert len({copy.id, named.id, info.id}) == 3
    assert len(ws.list_journeys()) == 3


def test_archive_hides_from_default_list(ws: Workspace):
    keep = ws.create_journey(make_journey("Keep"))
    old = ws.create_journey(make_journey("Old"))
    archived = ws.archive_journey(old.id)
    assert archived.archived is True
    assert [j.id for j in ws.list_journeys()] == [keep.id]
    assert {j.id for j in ws.list_journeys(include_archived=True)} == {keep.id, old.id}
    ws.archive_journey(old.id, archived=False)
    assert {j.id for j in ws.list_journeys()} == {keep.id, old.id}


def test_delete_cascades_to_draft_and_versions(ws: Workspace):
    info = ws.create_journey(make_journey())
    other = ws.create_journey(make_journey("Other"))
    ws.publish(info.id, REGISTRY)
    ws.publish(other.id, REGISTRY)
    ws.delete_journey(info.id)
    assert [j.id for j in ws.list_journeys(include_archived=True)] == [other.id]
    with ws.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(VersionRow)
                           .where(VersionRow.journey_id == info.id)) == 0
        assert conn.scalar(select(func.count()).select_from(DraftRow)
                           .where(DraftRow.journey_id == info.id)) == 0
        assert conn.scalar(select(func.count()).select_from(VersionRow)) == 1
    with pytest.raises(NotFound):
        ws.load_draft(info.id)
    with pytest.raises(NotFound):
        ws.delete_journey(info.id)


def test_unknown_ids_raise_not_found(ws: Workspace):
    missing = "0000-missing"
    calls = [
        lambda: ws.load_draft(missing),
        lambda: ws.save_draft(Journey(id=missing)),
        lambda: ws.autosave(Journey(id=missing)),
        lambda: ws.recovery(missing),
        lambda: ws.discard_recovery(missing),
        lambda: ws.duplicate_journey(missing),
        lambda: ws.archive_journey(missing),
        lambda: ws.journey_info(missing),
        lambda: ws.publish(missing, REGISTRY),
        lambda: ws.list_versions(missing),
        lambda: ws.load_version(missing, 1),
    ]
    for call in calls:
        with pytest.raises(NotFound) as err:
            call()
        assert missing in str(err.value)
    info = ws.create_journey(make_journey())
    with pytest.raises(NotFound, match="no version 7"):
        ws.load_version(info.id, 7)


# ----------------------------------------------------------------------------------------------
# Drafts and recovery
# ----------------------------------------------------------------------------------------------

def test_save_and_load_draft_round_trip(ws: Workspace):
    journey = make_journey()
    ws.create_journey(journey)
    assert dumps(ws.load_draft(journey.id)) == dumps(journey)

    journey.name = "Welcome séries ✉"
    journey.description = "Changed"
    journey.settings.status = "live"
    journey.settings.goals = ["purchased"]
    journey.nodes[1].config["subject"] = "Welcome aboard"
    journey.nodes[1].position.x = 512.5
    info = ws.save_draft(journey)
    assert (info.name, info.description, info.status) == ("Welcome séries ✉", "Changed", "live")
    assert dumps(ws.load_draft(journey.id)) == dumps(journey)
    with ws.engine.connect() as conn:
        stored = conn.scalar(select(DraftRow.document).where(DraftRow.journey_id == journey.id))
    assert stored == dumps(journey)


def test_autosave_and_recovery(ws: Workspace):
    journey = make_journey()
    ws.create_journey(journey)
    assert ws.recovery(journey.id) is None

    journey.nodes[1].config["subject"] = "Unsaved edit"
    ws.autosave(journey)
    recovered = ws.recovery(journey.id)
    assert recovered is not None
    assert dumps(recovered) == dumps(journey)
    # The saved draft is untouched by an autosave.
    assert ws.load_draft(journey.id).node(journey.nodes[1].id).config["subject"] == "Hello"

    ws.discard_recovery(journey.id)
    assert ws.recovery(journey.id) is None

    ws.autosave(journey)
    ws.save_draft(journey)
    assert ws.recovery(journey.id) is None
    with ws.engine.connect() as conn:
        row = conn.execute(select(DraftRow.autosave, DraftRow.autosave_at)
                           .where(DraftRow.journey_id == journey.id)).one()
    assert tuple(row) == (None, None)

    # An autosave equal to the saved draft offers nothing to recover.
    ws.autosave(journey)
    assert ws.recovery(journey.id) is None


def test_rename_keeps_pending_autosave_consistent(ws: Workspace):
    journey = make_journey()
    ws.create_journey(journey)
    journey.nodes[0].title = "Edited but not saved"
    ws.autosave(journey)
    ws.rename_journey(journey.id, "New name")
    recovered = ws.recovery(journey.id)
    assert recovered is not None
    assert recovered.name == "New name"
    assert recovered.node(journey.nodes[0].id).title == "Edited but not saved"


# ----------------------------------------------------------------------------------------------
# Publishing and versions
# ----------------------------------------------------------------------------------------------

def test_publish_refuses_journey_with_errors(ws: Workspace):
    journey = make_journey(subject="")
    ws.create_journey(journey)
    with pytest.raises(PublishRefused) as err:
        ws.publish(journey.id, REGISTRY)
    errors = [i for i in err.value.issues if i.severity == "error"]
    assert errors
    assert any(i.node_id == journey.nodes[1].id for i in errors)
    assert ws.list_versions(journey.id) == []

    unknown = make_journey()
    unknown.nodes[1].type = "test.not_installed"
    ws.create_journey(unknown)
    with pytest.raises(PublishRefused):
        ws.publish(unknown.id, REGISTRY)
    assert ws.journey_info(unknown.id).latest_version is None


def test_publish_twice_without_change_makes_one_version(ws: Workspace):
    journey = make_journey()
    ws.create_journey(journey)
    first = ws.publish(journey.id, REGISTRY, note="first")
    assert isinstance(first, VersionInfo)
    assert (first.number, first.note, first.journey_id) == (1, "first", journey.id)
    assert first.content_hash == content_hash(journey)
    assert first.schema_version == 1
    assert first.published_at.tzinfo is not None
    again = ws.publish(journey.id, REGISTRY, note="again")
    assert again == first

    # Moving a node changes the layout only: still the same logic, still one version.
    journey.nodes[0].position.x += 100
    ws.save_draft(journey)
    assert ws.publish(journey.id, REGISTRY) == first
    assert [v.number for v in ws.list_versions(journey.id)] == [1]

    # Going live after publishing changes the status only: still the same logic, still one version.
    ws.set_status(journey.id, "live")
    assert ws.publish(journey.id, REGISTRY) == first
    ws.set_status(journey.id, "paused")
    assert ws.publish(journey.id, REGISTRY) == first
    assert [v.number for v in ws.list_versions(journey.id)] == [1]
    journey.settings.status = "paused"

    journey.nodes[1].config["subject"] = "Welcome!"
    ws.save_draft(journey)
    second = ws.publish(journey.id, REGISTRY, note="new subject")
    assert second.number == 2
    assert second.id != first.id
    assert [v.number for v in ws.list_versions(journey.id)] == [1, 2]
    assert ws.latest_version(journey.id) == second
    assert ws.journey_info(journey.id).latest_version == 2
    assert ws.list_journeys()[0].latest_version == 2


def test_version_numbers_are_per_journey(ws: Workspace):
    a = ws.create_journey(make_journey("A"))
    b = ws.create_journey(make_journey("B"))
    assert ws.publish(a.id, REGISTRY).number == 1
    assert ws.publish(b.id, REGISTRY).number == 1


def test_versions_are_immutable(ws: Workspace):
    journey = make_journey()
    ws.create_journey(journey)
    published_text = dumps(journey)
    v1 = ws.publish(journey.id, REGISTRY)

    journey.nodes[1].config["subject"] = "Changed after publishing"
    ws.save_draft(journey)
    assert dumps(ws.load_version(journey.id, 1)) == published_text
    assert ws.load_version(journey.id, 1).node(journey.nodes[1].id).config["subject"] == "Hello"

    # Through the ORM: refused before any SQL is sent.
    with Session(ws.engine) as session:
        row = session.get(VersionRow, v1.id)
        row.note = "rewritten"
        with pytest.raises(WorkspaceError, match="cannot be changed"):
            session.flush()
        session.rollback()
    # Around the ORM, straight SQL: the database refuses it too.
    with pytest.raises(sa_exc.DatabaseError, match="immutable"):
        with ws.engine.begin() as conn:
            conn.execute(update(VersionRow).where(VersionRow.id == v1.id).values(document="{}"))
    assert dumps(ws.load_version(journey.id, 1)) == published_text
    assert ws.list_versions(journey.id) == [v1]
    assert not any(hasattr(Workspace, name) for name in ("update_version", "edit_version", "set_version"))


def test_timestamps_are_aware_utc(ws: Workspace):
    info = ws.create_journey(make_journey())
    version = ws.publish(info.id, REGISTRY)
    for value in (info.created_at, info.updated_at, version.published_at,
                  ws.list_journeys()[0].updated_at):
        assert value.tzinfo is not None
        assert value.astimezone(UTC) == value
        assert value.utcoffset().total_seconds() == 0


# ----------------------------------------------------------------------------------------------
# PostgreSQL (set JS_TEST_PG_URL to a database where the test may create and drop a schema)
# ----------------------------------------------------------------------------------------------

def test_postgresql_workspace(pg_url: str):
    with Workspace.open(pg_url) as ws:
        assert ws.path is None
        with ws.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert context.get_current_heads() == (head_revision(),)
            assert compare_metadata(context, Base.metadata) == []
        with pytest.raises(WorkspaceLocked, match="another Journey Studio window"):
            Workspace.open(pg_url)
        with Workspace.open(pg_url, read_only=True) as reader:
            assert reader.list_journeys() == []

        journey = make_journey()
        ws.create_journey(journey)
        assert dumps(ws.load_draft(journey.id)) == dumps(journey)
        v1 = ws.publish(journey.id, REGISTRY)
        assert ws.publish(journey.id, REGISTRY) == v1
        assert v1.published_at.utcoffset().total_seconds() == 0
        with pytest.raises(sa_exc.DatabaseError, match="immutable"):
            with ws.engine.begin() as conn:
                conn.execute(update(VersionRow).where(VersionRow.id == v1.id).values(note="x"))
        copy = ws.duplicate_journey(journey.id)
        ws.delete_journey(journey.id)
        assert [j.id for j in ws.list_journeys()] == [copy.id]
    # Reopening is idempotent and the lock was released.
    with Workspace.open(pg_url, create=False) as ws:
        assert [j.id for j in ws.list_journeys()] == [copy.id]


def test_a_new_path_without_a_database_ending_is_a_folder(tmp_path):
    target = tmp_path / "Journeys" / "Shop"
    ws = Workspace.open(target)
    try:
        assert (target / "workspace.db").is_file()
    finally:
        ws.close()
    ws = Workspace.open(tmp_path / "single.db")
    ws.close()
    assert (tmp_path / "single.db").is_file()
