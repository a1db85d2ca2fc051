"""The workspace: where journeys, their drafts and their published versions are kept, and (through
:class:`~engine.store.customers.CustomerStore`) customers and their events.

A workspace is a SQLite file (WAL mode) in the user data directory by default, or any SQLAlchemy
URL (PostgreSQL for teams). Opening one brings its schema to the newest Alembic revision. One
process writes a workspace at a time: a lock file for SQLite, an advisory lock on PostgreSQL.
Inside the process writes are serialized, because Python 3.11's SQLite predates the fix for the
WAL-reset race between concurrent writers.

Every method is one short transaction and returns plain values (:class:`JourneyInfo`,
:class:`VersionInfo`, :class:`~engine.document.Journey`); no ORM object or session escapes.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, delete, event, func, inspect, select, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from engine.document import FORMAT_VERSION, Journey, content_hash, dumps, loads, new_id
from engine.errors import (
    DocumentError,
    JourneyStudioError,
    NotFound,
    PublishRefused,
    WorkspaceError,
    WorkspaceLocked,
)
from engine.holder import APP, describe_this_process
from engine.store.customers import CustomerStore
from engine.store.lock import WorkspaceFileLock, refusal
from engine.store.models import DraftRow, JourneyRow, MetaRow, VersionRow, utcnow
from engine.track.text_fold import register_sqlite

if TYPE_CHECKING:
    from datetime import datetime

    from engine.spec import Registry

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
DB_FILE_NAME = "workspace.db"
#: File endings that mark a workspace path as a database file rather than a folder.
DB_SUFFIXES = (".db", ".sqlite", ".sqlite3")
SQLITE_HEADER = b"SQLite format 3\x00"
#: Milliseconds a connection waits for a lock held by a reader's checkpoint before giving up.
BUSY_TIMEOUT_MS = 5000
#: Key of the PostgreSQL advisory lock that marks the single writer of a workspace database.
PG_WRITER_LOCK_KEY = 0x4A53_5752  # "JSWR"
#: The writer's session names itself after what it is (``journey-studio collect``, this for the app),
#: so that a refused writer can say what has the workspace; a name not starting so says nothing.
PG_APP_NAME = "journey-studio app"


def default_workspace_path() -> Path:
    """``workspace.db`` in the user data directory of Journey Studio."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("journey-studio", "JourneyStudio")) / DB_FILE_NAME


@dataclass(frozen=True)
class JourneyInfo:
    """One line of the journey list."""

    id: str
    name: str
    description: str
    status: str
    archived: bool
    created_at: datetime
    updated_at: datetime
    latest_version: int | None
    node_count: int


@dataclass(frozen=True)
class VersionInfo:
    """A published version, without its document (load it with :meth:`Workspace.load_version`)."""

    id: str
    journey_id: str
    number: int
    content_hash: str
    schema_version: int
    published_at: datetime
    note: str


#: The password part of a URL that may not parse: what lies between ``user:`` and the last ``@``.
_URL_PASSWORD = re.compile(r"(://[^:/@]*:)(.*)@")


def hide_password(text: str) -> str:
    """``text``, a database URL as typed (it may not parse), with its password replaced by ``***``."""
    return _URL_PASSWORD.sub(r"\1***@", text, count=1)


def database_url(text: str) -> URL:
    """A database URL as typed on a command line (``--db``), checked: a WorkspaceError that names
    what is wrong, never showing the password. ``postgres://`` and ``postgresql://`` mean the
    PostgreSQL driver Journey Studio installs (``postgresql+psycopg://``)."""
    text = text.strip()
    if "://" not in text:
        raise WorkspaceError("is not a database URL; write one such as postgresql+psycopg://user@host/database "
                             "(for a workspace folder or file, use --workspace)", where=hide_password(text))
    try:
        url = make_url(text)
    except (sa_exc.ArgumentError, ValueError):
        raise WorkspaceError("is not a valid database URL (postgresql+psycopg://user:password@host:port/database); "
                             "write @, : and / inside the user name or password as %40, %3A and %2F",
                             where=hide_password(text)) from None
    if url.drivername in ("postgres", "postgresql"):
        url = url.set(drivername="postgresql+psycopg")
    return url


def alembic_config() -> Config:
    """The Alembic configuration of the workspace schema, built in code (no ``alembic.ini``)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


class Workspace(CustomerStore):
    """An open workspace. Use :meth:`open`; close it (or use ``with``) to release the lock."""

    def __init__(self, engine: Engine, *, location: str, path: Path | None, read_only: bool,
                 release: list | None = None):
        self._engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._write_lock = threading.RLock()
        self._release = release or []
        self._closed = False
        #: The file (SQLite) or the URL with its password hidden; used in every message.
        self.location = location
        #: The SQLite file, or ``None`` for a database server.
        self.path = path
        self.read_only = read_only

    # ------------------------------------------------------------------------------------------
    # Opening and closing
    # ------------------------------------------------------------------------------------------

    @classmethod
    def open(cls, path_or_url: str | Path | None = None, *, create: bool = True,
             read_only: bool = False) -> Workspace:
        """Open (and if needed create and upgrade) a workspace.

        ``None`` means :func:`default_workspace_path`; a directory means ``<dir>/workspace.db``;
        a string containing ``://`` is a SQLAlchemy URL. Raises :class:`WorkspaceLocked` if another
        process has it open for writing, :class:`WorkspaceError` if it cannot be used.
        """
        if path_or_url is None:
            return cls._open_sqlite(default_workspace_path(), create=create, read_only=read_only)
        if isinstance(path_or_url, str) and "://" in path_or_url:
            url = database_url(path_or_url)
            if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:" \
                    and not url.database.startswith("file:"):
                return cls._open_sqlite(Path(url.database), create=create, read_only=read_only)
            return cls._open_url(url, create=create, read_only=read_only)
        path = Path(path_or_url).expanduser()
        if path.is_dir():
            path = path / DB_FILE_NAME
        elif not path.exists() and path.suffix.lower() not in DB_SUFFIXES:
            # "--workspace ~/Journeys" names a folder to create, not a database file called Journeys
            if create and not read_only:
                try:
                    path.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise WorkspaceError(f"cannot create the workspace folder: {exc.strerror or exc}",
                                         where=str(path)) from None
            path = path / DB_FILE_NAME
        return cls._open_sqlite(path, create=create, read_only=read_only)

    @classmethod
    def _open_sqlite(cls, path: Path, *, create: bool, read_only: bool) -> Workspace:
        path = path.absolute()
        where = str(path)
        exists = path.is_file() and path.stat().st_size > 0
        if path.exists() and not path.is_file():
            raise WorkspaceError("is not a file", where=where)
        if not exists and (read_only or not create):
            raise WorkspaceError(_no_workspace_here(path), where=where)
        if not exists:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise WorkspaceError(f"cannot create the folder: {exc.strerror or exc}", where=where) from None

        lock = None if read_only else WorkspaceFileLock(path)
        engine: Engine | None = None
        try:
            if lock is not None:
                try:
                    lock.acquire()
                except WorkspaceLocked:
                    raise
                except OSError as exc:
                    raise WorkspaceError(f"cannot create the lock file {lock.path}: "
                                         f"{exc.strerror or exc}", where=where) from None
            if exists:
                # Checked through a read-only connection first: a damaged or foreign file is
                # refused before anything (WAL switch, migrations) could write to it.
                _check_sqlite_file(path)
            engine = _sqlite_engine(path, read_only=read_only)
            _prepare_schema(engine, where=where, read_only=read_only)
        except BaseException:
            if engine is not None:
                engine.dispose()
            if lock is not None:
                lock.release()
            raise
        release = [lock.release] if lock is not None else []
        return cls(engine, location=where, path=path, read_only=read_only, release=release)

    @classmethod
    def _open_url(cls, url: URL, *, create: bool, read_only: bool) -> Workspace:
        where = url.render_as_string(hide_password=True)
        try:
            engine = create_engine(url, pool_pre_ping=True)
        except (sa_exc.ArgumentError, sa_exc.NoSuchModuleError, ImportError) as exc:
            raise WorkspaceError(f"cannot use this database: {exc}", where=where) from None
        release: list = []
        try:
            if not read_only and engine.dialect.name == "postgresql":
                release.append(_pg_writer_lock(engine, where))
            if not create:
                with _translate(where, "cannot read the workspace"), engine.connect() as conn:
                    if "journeys" not in inspect(conn).get_table_names():
                        raise WorkspaceError("there is no workspace in this database yet; "
                                             + _MAKES_ONE.format(app="the app (journey-studio --db URL)"),
                                             where=where)
            _prepare_schema(engine, where=where, read_only=read_only)
        except BaseException:
            for fn in release:
                fn()
            engine.dispose()
            raise
        return cls(engine, location=where, path=None, read_only=read_only, release=release)

    def close(self) -> None:
        """Release the writer lock and every connection; safe to call twice."""
        if self._closed:
            return
        self._closed = True
        try:
            for fn in self._release:
                fn()
        finally:
            self._engine.dispose()

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine, for the parts of the engine that keep their own tables."""
        return self._engine

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        mode = "read-only" if self.read_only else "read-write"
        return f"<Workspace {self.location} {mode}{' closed' if self._closed else ''}>"

    # ------------------------------------------------------------------------------------------
    # Journeys
    # ------------------------------------------------------------------------------------------

    def create_journey(self, journey: Journey) -> JourneyInfo:
        """Store a new journey with ``journey`` as its draft."""
        with self._session(write=True) as s:
            if s.get(JourneyRow, journey.id) is not None:
                raise DocumentError(f"a journey with id '{journey.id}' already exists in this workspace",
                                    where=self.location)
            now = utcnow()
            row = JourneyRow(id=journey.id, created_at=now, updated_at=now, archived=False)
            _mirror(row, journey)
            s.add(row)
            row.draft = DraftRow(journey_id=journey.id, document=dumps(journey), updated_at=now)
            s.flush()
            return self._info(s, row)

    def list_journeys(self, include_archived: bool = False) -> list[JourneyInfo]:
        """Journeys, most recently changed first."""
        latest = (select(VersionRow.journey_id, func.max(VersionRow.number).label("latest"))
                  .group_by(VersionRow.journey_id).subquery())
        query = (select(JourneyRow, latest.c.latest)
                 .outerjoin(latest, latest.c.journey_id == JourneyRow.id)
                 .order_by(JourneyRow.updated_at.desc(), JourneyRow.name, JourneyRow.id))
        if not include_archived:
            query = query.where(JourneyRow.archived.is_(False))
        with self._session() as s:
            return [_journey_info(row, number) for row, number in s.execute(query)]

    def journey_info(self, journey_id: str) -> JourneyInfo:
        with self._session() as s:
            return self._info(s, self._journey_row(s, journey_id))

    def rename_journey(self, journey_id: str, name: str) -> JourneyInfo:
        """Rename in the list and in the draft (and in a pending autosave, so recovery keeps it)."""
        name = name.strip()
        if not name:
            raise DocumentError("a journey needs a name", where=self.location)
        with self._session(write=True) as s:
            row = self._journey_row(s, journey_id)
            draft = self._draft_row(s, journey_id)
            now = utcnow()
            journey = self._parse(draft.document, journey_id, "draft")
            journey.name = name
            draft.document = dumps(journey)
            draft.updated_at = now
            if draft.autosave is not None:
                pending = self._parse(draft.autosave, journey_id, "autosave")
                pending.name = name
                draft.autosave = dumps(pending)
                draft.autosave_at = now
            row.name = name
            row.updated_at = now
            s.flush()
            return self._info(s, row)

    def set_status(self, journey_id: str, status: str) -> JourneyInfo:
        """Set the journey's status (draft, live, paused, archived) in the list and in the draft
        (and in a pending autosave, so recovery keeps it); other unsaved edits stay unsaved."""
        from typing import get_args

        from engine.document import Settings

        allowed = get_args(Settings.model_fields["status"].annotation)
        if status not in allowed:
            raise DocumentError(f"unknown journey status '{status}' (expected one of {', '.join(allowed)})",
                                where=self.location)
        with self._session(write=True) as s:
            row = self._journey_row(s, journey_id)
            draft = self._draft_row(s, journey_id)
            now = utcnow()
            journey = self._parse(draft.document, journey_id, "draft")
            journey.settings.status = status
            draft.document = dumps(journey)
            draft.updated_at = now
            if draft.autosave is not None:
                pending = self._parse(draft.autosave, journey_id, "autosave")
                pending.settings.status = status
                draft.autosave = dumps(pending)
                draft.autosave_at = now
            row.status = status
            row.updated_at = now
            s.flush()
            return self._info(s, row)

    def duplicate_journey(self, journey_id: str, new_name: str | None = None) -> JourneyInfo:
        """A new journey (new id, status draft) with a copy of the draft; versions are not copied."""
        with self._session(write=True) as s:
            source = self._journey_row(s, journey_id)
            journey = self._parse(self._draft_row(s, journey_id).document, journey_id, "draft")
            journey.id = new_id()
            journey.name = (new_name or "").strip() or f"{source.name} (copy)"
            journey.settings.status = "draft"
            now = utcnow()
            row = JourneyRow(id=journey.id, created_at=now, updated_at=now, archived=False)
            _mirror(row, journey)
            s.add(row)
            row.draft = DraftRow(journey_id=journey.id, document=dumps(journey), updated_at=now)
            s.flush()
            return self._info(s, row)

    def archive_journey(self, journey_id: str, archived: bool = True) -> JourneyInfo:
        """Hide a journey from the default list (or bring it back); nothing is deleted."""
        with self._session(write=True) as s:
            row = self._journey_row(s, journey_id)
            row.archived = archived
            row.updated_at = utcnow()
            s.flush()
            return self._info(s, row)

    def delete_journey(self, journey_id: str) -> None:
        """Delete a journey with its draft and every published version."""
        with self._session(write=True) as s:
            self._journey_row(s, journey_id)
            # Explicit, so that it does not depend on the database enforcing ON DELETE CASCADE.
            s.execute(delete(VersionRow).where(VersionRow.journey_id == journey_id))
            s.execute(delete(DraftRow).where(DraftRow.journey_id == journey_id))
            s.execute(delete(JourneyRow).where(JourneyRow.id == journey_id))

    # ------------------------------------------------------------------------------------------
    # Drafts and crash recovery
    # ------------------------------------------------------------------------------------------

    def load_draft(self, journey_id: str) -> Journey:
        with self._session() as s:
            return self._parse(self._draft_row(s, journey_id).document, journey_id, "draft")

    def save_draft(self, journey: Journey) -> JourneyInfo:
        """Store the draft, mirror name/description/status into the list, drop any autosave."""
        with self._session(write=True) as s:
            row = self._journey_row(s, journey.id)
            draft = self._draft_row(s, journey.id)
            now = utcnow()
            draft.document = dumps(journey)
            draft.updated_at = now
            draft.autosave = None
            draft.autosave_at = None
            _mirror(row, journey)
            row.updated_at = now
            s.flush()
            return self._info(s, row)

    def autosave(self, journey: Journey) -> None:
        """Keep an unsaved state of the draft for crash recovery; the draft itself is untouched."""
        with self._session(write=True) as s:
            draft = self._draft_row(s, journey.id)
            draft.autosave = dumps(journey)
            draft.autosave_at = utcnow()

    def recovery(self, journey_id: str) -> Journey | None:
        """The autosaved journey if it is newer than the saved draft and differs from it."""
        with self._session() as s:
            draft = self._draft_row(s, journey_id)
            if draft.autosave is None or draft.autosave_at is None:
                return None
            if draft.autosave_at < draft.updated_at or draft.autosave == draft.document:
                return None
            return self._parse(draft.autosave, journey_id, "autosave")

    def discard_recovery(self, journey_id: str) -> None:
        with self._session(write=True) as s:
            draft = self._draft_row(s, journey_id)
            draft.autosave = None
            draft.autosave_at = None

    # ------------------------------------------------------------------------------------------
    # Publishing and versions
    # ------------------------------------------------------------------------------------------

    def publish(self, journey_id: str, registry: Registry, note: str = "") -> VersionInfo:
        """Validate the draft and store it as the next immutable version.

        Raises :class:`PublishRefused` (carrying every issue) if validation finds an error, or a node
        names a saved segment the workspace does not have. If the logic equals the latest version's
        (the same content hash, or one that differs only in the journey's status: publishing and
        then going live is one version), that version is returned as is.
        """
        from engine.validate import validate

        with self._session(write=True) as s:
            self._journey_row(s, journey_id)
            document = self._draft_row(s, journey_id).document
            journey = self._parse(document, journey_id, "draft")
            issues = validate(journey, registry)
            from engine.track.segments import segment_issues

            issues += segment_issues(s.connection(), journey)
            if any(issue.severity == "error" for issue in issues):
                raise PublishRefused(issues)
            digest = content_hash(journey)
            latest = s.scalars(select(VersionRow).where(VersionRow.journey_id == journey_id)
                               .order_by(VersionRow.number.desc()).limit(1)).first()
            if latest is not None and (latest.content_hash == digest or _logic_hash(
                    self._parse(latest.document, journey_id, f"version {latest.number}")) == _logic_hash(journey)):
                return _version_info(latest)
            row = VersionRow(id=new_id(), journey_id=journey_id,
                             number=(latest.number if latest is not None else 0) + 1,
                             document=dumps(journey), content_hash=digest,
                             schema_version=FORMAT_VERSION, published_at=utcnow(), note=note)
            s.add(row)
            s.flush()
            return _version_info(row)

    def list_versions(self, journey_id: str) -> list[VersionInfo]:
        """Published versions, oldest first."""
        with self._session() as s:
            self._journey_row(s, journey_id)
            rows = s.scalars(select(VersionRow).where(VersionRow.journey_id == journey_id)
                             .order_by(VersionRow.number))
            return [_version_info(r) for r in rows]

    def latest_version(self, journey_id: str) -> VersionInfo | None:
        versions = self.list_versions(journey_id)
        return versions[-1] if versions else None

    def load_version(self, journey_id: str, number: int) -> Journey:
        with self._session() as s:
            row = s.scalars(select(VersionRow).where(VersionRow.journey_id == journey_id,
                                                     VersionRow.number == number)).first()
            if row is None:
                self._journey_row(s, journey_id)
                raise NotFound(f"journey {journey_id} has no version {number}", where=self.location)
            return self._parse(row.document, journey_id, f"version {number}")

    # ------------------------------------------------------------------------------------------
    # Workspace facts
    # ------------------------------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        with self._session() as s:
            row = s.get(MetaRow, key)
            return None if row is None else row.value

    def set_meta(self, key: str, value: str) -> None:
        with self._session(write=True) as s:
            row = s.get(MetaRow, key)
            if row is None:
                s.add(MetaRow(key=key, value=value))
            else:
                row.value = value

    @property
    def workspace_id(self) -> str | None:
        """A uuid given to the workspace when it was created."""
        return self.get_meta("workspace_id")

    # ------------------------------------------------------------------------------------------
    # Internals
    # ------------------------------------------------------------------------------------------

    @contextmanager
    def _session(self, write: bool = False) -> Iterator[Session]:
        if self._closed:
            raise WorkspaceError("the workspace is closed", where=self.location)
        if write and self.read_only:
            raise WorkspaceError("the workspace is open read-only; changes cannot be saved",
                                 where=self.location)
        with (self._write_lock if write else nullcontext()), \
                _translate(self.location, "the workspace database failed"):
            with self._sessions.begin() as session:
                yield session

    def _journey_row(self, s: Session, journey_id: str) -> JourneyRow:
        row = s.get(JourneyRow, journey_id)
        if row is None:
            raise NotFound(f"there is no journey with id '{journey_id}'", where=self.location)
        return row

    def _draft_row(self, s: Session, journey_id: str) -> DraftRow:
        row = s.get(DraftRow, journey_id)
        if row is None:
            self._journey_row(s, journey_id)
            raise NotFound(f"journey '{journey_id}' has no draft", where=self.location)
        return row

    def _parse(self, text_: str, journey_id: str, what: str) -> Journey:
        return loads(text_, file=f"{self.location} (journey {journey_id}, {what})")

    def _info(self, s: Session, row: JourneyRow) -> JourneyInfo:
        latest = s.scalar(select(func.max(VersionRow.number)).where(VersionRow.journey_id == row.id))
        return _journey_info(row, latest)


# ----------------------------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------------------------

def _mirror(row: JourneyRow, journey: Journey) -> None:
    row.name = journey.name
    row.description = journey.description
    row.status = journey.settings.status
    row.node_count = len(journey.nodes)


def _journey_info(row: JourneyRow, latest: int | None) -> JourneyInfo:
    return JourneyInfo(id=row.id, name=row.name, description=row.description, status=row.status,
                       archived=bool(row.archived), created_at=row.created_at, updated_at=row.updated_at,
                       latest_version=latest, node_count=row.node_count)


def _logic_hash(journey: Journey) -> str:
    """The content hash with the journey's status left out (a status is not logic)."""
    return content_hash(journey.model_copy(update={"settings": journey.settings.model_copy(update={"status": "draft"})}))


def _version_info(row: VersionRow) -> VersionInfo:
    return VersionInfo(id=row.id, journey_id=row.journey_id, number=row.number,
                       content_hash=row.content_hash, schema_version=row.schema_version,
                       published_at=row.published_at, note=row.note)


@contextmanager
def _translate(where: str, what: str) -> Iterator[None]:
    """Database failures become a :class:`WorkspaceError` naming the workspace, never a traceback."""
    try:
        yield
    except JourneyStudioError:
        raise
    except sa_exc.DBAPIError as exc:
        detail = str(exc.orig) if exc.orig is not None else str(exc)
        raise WorkspaceError(f"{what}: {detail}", where=where) from exc
    except sa_exc.SQLAlchemyError as exc:
        raise WorkspaceError(f"{what}: {exc}", where=where) from exc


#: How a workspace comes to be, for a command that only reads one and finds none.
_MAKES_ONE = ("{app}, 'journey-studio journeys import FILE.journey.json', 'journey-studio import customers FILE' "
              "or 'journey-studio collect' makes one")


def _no_workspace_here(path: Path) -> str:
    """Why a command that reads a workspace stops at ``path``, and the commands that make one there."""
    import shlex

    if path == default_workspace_path().absolute():
        app = "the app (journey-studio)"
    else:
        folder = path.parent if path.name == DB_FILE_NAME else path
        app = f"the app (journey-studio --workspace {shlex.quote(str(folder))})"
    return "there is no workspace here; " + _MAKES_ONE.format(app=app)


def _not_a_workspace(path: Path, reason: str) -> WorkspaceError:
    return WorkspaceError(f"is not a Journey Studio workspace, or it is damaged ({reason}). "
                          "The file was left as it is.", where=str(path))


def _check_sqlite_file(path: Path) -> None:
    """Refuse anything but a sound SQLite file holding a Journey Studio schema (or nothing yet)."""
    try:
        with open(path, "rb") as fh:
            header = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise WorkspaceError(f"cannot read the file: {exc.strerror or exc}", where=str(path)) from None
    if header != SQLITE_HEADER:
        raise _not_a_workspace(path, "it is not a database file")
    try:
        conn = sqlite3.connect(path.as_uri() + "?mode=ro", uri=True)
        try:
            result = [r[0] for r in conn.execute("PRAGMA quick_check").fetchall()]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise _not_a_workspace(path, str(exc)) from None
    if result != ["ok"]:
        raise _not_a_workspace(path, f"the integrity check failed: {result[0] if result else 'no answer'}")
    tables = {t for t in tables if not t.startswith("sqlite_")}
    if tables and "alembic_version" not in tables:
        raise _not_a_workspace(path, "it holds tables of another application")


#: Page cache of each read-write SQLite connection (KiB).
CACHE_KIB = 32 * 1024
#: Log pages after which a commit folds the log into the database.
WAL_AUTOCHECKPOINT_PAGES = 10_000


def _sqlite_engine(path: Path, *, read_only: bool) -> Engine:
    if read_only:
        uri = path.as_uri() + "?mode=ro"
        # One connection per use: a read-only viewer is light, and nothing is left open.
        engine = create_engine("sqlite://", poolclass=NullPool,
                               creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False))
    else:
        engine = create_engine(URL.create("sqlite", database=str(path)))

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin (so DDL in
        # migrations is transactional too).
        dbapi_conn.isolation_level = None
        # Accent-blind profile search (engine.track.profiles.search) calls it.
        register_sqlite(dbapi_conn)
        cursor = dbapi_conn.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys = ON")
            if not read_only:
                cursor.execute("PRAGMA journal_mode = WAL")
                # Bulk work (the runner's batches, imports) touches indexes bigger than SQLite's
                # default 2 MB page cache; pages are cached only as they are used.
                cursor.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
                # Fold the log into the database every 40 MB rather than every 4 MB: a batch of
                # runs writes tens of MB, and folding after each commit doubled its disk work.
                cursor.execute(f"PRAGMA wal_autocheckpoint = {WAL_AUTOCHECKPOINT_PAGES}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN")

    return engine


def _pg_writer_lock(engine: Engine, where: str):
    """Hold a session-level advisory lock on a dedicated connection; returns its release function.

    The lock is keyed by the schema too, so that one server can hold several workspaces.
    """
    key = "SELECT pg_try_advisory_lock(:key, hashtext(current_schema()))"
    with _translate(where, "cannot connect to the workspace database"):
        conn = engine.connect()
        try:
            got = conn.execute(text(key), {"key": PG_WRITER_LOCK_KEY}).scalar()
            holder = None
            if got:
                me = describe_this_process()
                conn.execute(text("SELECT set_config('application_name', :name, false)"),
                             {"name": PG_APP_NAME if me == APP else me})
            else:
                holder = conn.execute(text(
                    "SELECT a.pid, a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                    "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = :key AND l.objsubid = 2 "
                    "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
                    "AND l.objid = (hashtext(current_schema())::bigint & 4294967295)::text::oid"),
                    {"key": PG_WRITER_LOCK_KEY}).first()
            conn.commit()
        except BaseException:
            conn.close()
            raise
    if not got:
        conn.close()
        who = f"server process {holder.pid}" if holder is not None else "another process"
        name = (holder.application_name or "") if holder is not None else ""
        what = APP if name == PG_APP_NAME else name if name.startswith("journey-studio ") else None
        raise WorkspaceLocked(refusal(who, what), where=where)

    def release() -> None:
        try:
            conn.execute(text("SELECT pg_advisory_unlock(:key, hashtext(current_schema()))"),
                         {"key": PG_WRITER_LOCK_KEY})
            conn.commit()
        except sa_exc.SQLAlchemyError:
            pass  # closing the connection ends the session, which drops the lock anyway
        finally:
            conn.close()

    return release


def _prepare_schema(engine: Engine, *, where: str, read_only: bool) -> None:
    """Bring the schema to the newest revision (read-only: only check that it is there)."""
    config = alembic_config()
    script = ScriptDirectory.from_config(config)
    heads = set(script.get_heads())
    known = {rev.revision for rev in script.walk_revisions()}
    with _translate(where, "cannot read the workspace"):
        with engine.connect() as conn:
            current = set(MigrationContext.configure(conn).get_current_heads())
            if not current:
                names = set(inspect(conn).get_table_names())
                if names & {"journeys", "drafts", "versions"}:
                    raise WorkspaceError("is not a Journey Studio workspace: it has journey tables but "
                                         "no schema revision", where=where)
            conn.rollback()
    unknown = current - known
    if unknown:
        raise WorkspaceError(f"was written by a newer Journey Studio (schema {', '.join(sorted(unknown))}); "
                             "update Journey Studio to open it", where=where)
    if current == heads:
        return
    if read_only:
        raise WorkspaceError("needs to be upgraded before it can be read; open it once for writing",
                             where=where)
    with _translate(where, "cannot upgrade the workspace"):
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
            created = conn.execute(select(MetaRow.value).where(MetaRow.key == "workspace_id")).scalar()
            if created is None:
                conn.execute(MetaRow.__table__.insert().values(key="workspace_id", value=new_id()))
                conn.execute(MetaRow.__table__.insert().values(key="created_at",
                                                               value=utcnow().isoformat()))
