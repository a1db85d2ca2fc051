"""The workspace schema: SQLAlchemy tables for journeys, their drafts and published versions.

The Alembic migrations in ``engine/store/migrations`` must build exactly this schema; a test
compares the two. Timestamps are timezone-aware UTC on the Python side on every database.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from engine.errors import WorkspaceError

#: Journey statuses, as in ``engine.document.Settings.status``.
STATUSES = ("draft", "live", "paused", "archived")


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime everywhere: SQLite keeps no zone, so one is put back on the way out."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; pass an aware (UTC) datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


# Named constraints, so that migrations (and SQLite batch rebuilds) can refer to them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}


class JourneyRow(Base):
    """One journey: the list entry, mirrored from its draft on every save."""

    __tablename__ = "journeys"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="draft")
    archived: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    #: Kept with the row so that listing journeys never parses documents.
    node_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    created_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)

    # Declared so that the unit of work inserts a journey before the rows that point at it.
    draft: Mapped[DraftRow | None] = relationship(passive_deletes=True, cascade="all, delete-orphan")
    versions: Mapped[list[VersionRow]] = relationship(passive_deletes=True, cascade="all",
                                                      order_by="VersionRow.number")


class DraftRow(Base):
    """The editable document of a journey, plus the last autosave for crash recovery."""

    __tablename__ = "drafts"

    journey_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("journeys.id", ondelete="CASCADE"), primary_key=True)
    #: Canonical text from ``engine.document.dumps``.
    document: Mapped[str] = mapped_column(Text, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)
    autosave: Mapped[str | None] = mapped_column(Text, nullable=True)
    autosave_at: Mapped[datetime | None] = mapped_column(nullable=True)


class VersionRow(Base):
    """A published, immutable snapshot of a journey; runs pin one of these."""

    __tablename__ = "versions"
    __table_args__ = (UniqueConstraint("journey_id", "number"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    journey_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("journeys.id", ondelete="CASCADE"), nullable=False, index=True)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    document: Mapped[str] = mapped_column(Text, nullable=False)
    content_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    schema_version: Mapped[int] = mapped_column(Integer, nullable=False)
    published_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")


class MetaRow(Base):
    """Workspace-wide key/value facts (its id, the version that created it)."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text, nullable=False)


@event.listens_for(VersionRow, "before_update")
def _refuse_version_update(mapper, connection, target: VersionRow) -> None:
    # The database refuses too (a trigger from the migration); this catches it before the SQL.
    raise WorkspaceError(f"published version {target.number} of journey {target.journey_id} "
                         "cannot be changed; publish a new version instead")
