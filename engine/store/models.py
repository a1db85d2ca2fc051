"""The workspace schema: SQLAlchemy tables for journeys, their drafts and published versions, for
customers, their identifiers and their events, and for the runs of published versions (their step
log, per-node and per-edge counters, and the delivery outbox).

The Alembic migrations in ``engine/store/migrations`` must build exactly this schema; a test
compares the two. Timestamps are timezone-aware UTC on the Python side on every database.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
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


class CustomerRow(Base):
    """One customer profile; how it is recognised lives in ``identifiers``."""

    __tablename__ = "customers"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    #: An IANA zone name, for quiet hours and "wait until a time of day".
    time_zone: Mapped[str | None] = mapped_column(String(64), nullable=True)
    #: ``{channel_kind: bool}``; a channel kind absent here has no recorded consent.
    consent: Mapped[dict[str, bool]] = mapped_column(JSON, nullable=False, default=dict)
    #: A sorted list of distinct tags.
    tags: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    created_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)


class IdentifierRow(Base):
    """A key that points at one customer: a user id, an anonymous id, an email, a phone..."""

    __tablename__ = "identifiers"

    # The (kind, value) pair is the key: one identifier can never name two customers.
    kind: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(String(500), primary_key=True)
    customer_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("customers.id", ondelete="CASCADE"), nullable=False, index=True)


class EventRow(Base):
    """Something a customer did, at ``occurred_at``; ``dedup_key`` makes a second import a no-op."""

    __tablename__ = "events"
    __table_args__ = (
        # Serves "events of this customer named X since T", the question journeys ask most.
        Index("ix_events_customer_name_time", "customer_id", "name", "occurred_at"),
    )

    # An integer key: on SQLite it is the rowid itself, so a bulk import maintains no extra index.
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True,
                                    autoincrement=True)
    customer_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("customers.id", ondelete="CASCADE"), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    properties: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    occurred_at: Mapped[datetime] = mapped_column(nullable=False)
    received_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)
    source: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    dedup_key: Mapped[str | None] = mapped_column(String(200), nullable=True, unique=True)
    #: The name of the collector write key the event arrived with (never the key itself); NULL
    #: for imported events, keys given on the command line and events stored before names were kept.
    write_key: Mapped[str | None] = mapped_column(String(100), nullable=True)


class RunRow(Base):
    """One customer's way through one published version, in one mode (test or live)."""

    __tablename__ = "runs"
    __table_args__ = (
        # Serves "due runs, oldest wake-up first", the runner's main question.
        Index("ix_runs_status_wake_at", "status", "wake_at"),
        # Serves "this customer's runs" when one of their events arrives.
        Index("ix_runs_customer_mode_status", "customer_id", "mode", "status"),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    journey_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("journeys.id", ondelete="CASCADE"), nullable=False, index=True)
    #: The published version the run is pinned to; publishing a newer one leaves it here.
    version_number: Mapped[int] = mapped_column(Integer, nullable=False)
    customer_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("customers.id", ondelete="CASCADE"), nullable=False)
    mode: Mapped[str] = mapped_column(String(16), nullable=False)
    node_id: Mapped[str] = mapped_column(String(64), nullable=False)
    #: ``active`` (due to run its node), ``waiting`` (parked) or ``done``.
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    wake_at: Mapped[datetime | None] = mapped_column(nullable=True)
    wait_event: Mapped[str | None] = mapped_column(String(200), nullable=True)
    wait_filters: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    event_port: Mapped[str | None] = mapped_column(String(100), nullable=True)
    timeout_port: Mapped[str | None] = mapped_column(String(100), nullable=True)
    resume_port: Mapped[str | None] = mapped_column(String(100), nullable=True)
    #: The behaviours' durable scratch (``StepContext.run_vars``).
    vars: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    #: Node ids in order of arrival (repeats kept): a conversion is counted at each of them.
    visits: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    #: Goals (goal node ids, goal events) this run has reached, each counted once.
    goals: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    #: Properties of the event that started or last resumed the run.
    event: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    started_at: Mapped[datetime] = mapped_column(nullable=False)
    updated_at: Mapped[datetime] = mapped_column(nullable=False)
    converted: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    steps: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class StepRow(Base):
    """One line of a run's step log: a node behaviour run, a wake-up, or the run's end."""

    __tablename__ = "steps"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True,
                                    autoincrement=True)
    run_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("runs.id", ondelete="CASCADE"), nullable=False, index=True)
    node_id: Mapped[str] = mapped_column(String(64), nullable=False)
    #: The output port the run left through; ``None`` when it parked, ended or jumped.
    port: Mapped[str | None] = mapped_column(String(100), nullable=True)
    at: Mapped[datetime] = mapped_column(nullable=False)
    mode: Mapped[str] = mapped_column(String(16), nullable=False)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")


class NodeCounterRow(Base):
    """Runs counted at one node of one version in one mode; kept up to date as steps are written."""

    __tablename__ = "node_counters"

    journey_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("journeys.id", ondelete="CASCADE"), primary_key=True)
    version_number: Mapped[int] = mapped_column(Integer, primary_key=True)
    mode: Mapped[str] = mapped_column(String(16), primary_key=True)
    node_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    entered: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    active: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    exited: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    converted: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class EdgeCounterRow(Base):
    """How many runs left through one edge of one version in one mode."""

    __tablename__ = "edge_counters"

    journey_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("journeys.id", ondelete="CASCADE"), primary_key=True)
    version_number: Mapped[int] = mapped_column(Integer, primary_key=True)
    mode: Mapped[str] = mapped_column(String(16), primary_key=True)
    edge_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class DeliveryRow(Base):
    """The outbox: a message written ``pending`` before its channel is called, its outcome after."""

    __tablename__ = "deliveries"
    __table_args__ = (
        # Serves the frequency cap: "messages this customer was sent lately".
        Index("ix_deliveries_customer_mode_status", "customer_id", "mode", "status"),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: Fixed by run, node and visit: the same step asking again finds this row instead of resending.
    idempotency_key: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    run_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("runs.id", ondelete="CASCADE"), nullable=False, index=True)
    customer_id: Mapped[str] = mapped_column(String(64), nullable=False)
    mode: Mapped[str] = mapped_column(String(16), nullable=False)
    node_id: Mapped[str] = mapped_column(String(64), nullable=False)
    channel: Mapped[str] = mapped_column(String(200), nullable=False)
    channel_kind: Mapped[str] = mapped_column(String(32), nullable=False)
    #: ``pending``, ``sent``, ``failed``, ``skipped`` or ``ambiguous`` (the channel may or may not
    #: have delivered: the process stopped between the call and its answer).
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    #: Transactional messages do not count towards the frequency cap.
    frequency_cap_exempt: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_at: Mapped[datetime] = mapped_column(nullable=False)
    updated_at: Mapped[datetime] = mapped_column(nullable=False)
    message_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    #: A failed attempt that may succeed later (``retrying``) is tried again from this time.
    next_attempt_at: Mapped[datetime | None] = mapped_column(nullable=True)
    #: The provider's own code for the outcome (an SMTP reply code, an HTTP status, an SMS error code).
    provider_code: Mapped[str | None] = mapped_column(String(100), nullable=True)


class ChannelAccountRow(Base):
    """A connected channel account: metadata only. Its secrets live in the OS keyring."""

    __tablename__ = "channel_accounts"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    #: ``smtp``, ``twilio``, ``webhook``, ``slack``, ``teams``, ``wecom``, ``dingtalk``, ``simulated``...
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    #: Host, port, sender, URL and the like; never a password or a token.
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    #: Messages per minute at most; 0 means no limit.
    rate_per_minute: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    created_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)


class OptOutRow(Base):
    """Someone asked not to be contacted on a channel kind (an unsubscribe mail, an SMS STOP...)."""

    __tablename__ = "opt_outs"
    __table_args__ = (Index("ix_opt_outs_kind_address", "channel_kind", "address"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True,
                                    autoincrement=True)
    channel_kind: Mapped[str] = mapped_column(String(32), nullable=False)
    #: The address as the channel knows it (lower-cased e-mail, E.164 phone number).
    address: Mapped[str] = mapped_column(String(500), nullable=False)
    #: Kept without a foreign key: an opt-out outlives the profile it came from.
    customer_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    source: Mapped[str] = mapped_column(String(32), nullable=False)
    #: What it came from (an IMAP Message-ID, a provider's message id): the same mail read twice is
    #: recorded once.
    reference: Mapped[str | None] = mapped_column(String(500), nullable=True, unique=True)
    received_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)


class SegmentRow(Base):
    """A saved segment: rules (a JSON tree) that compile to a query, never SQL text."""

    __tablename__ = "segments"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    rules: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    created_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)


class SegmentMemberRow(Base):
    """Who was in a segment when it was last evaluated, so that entering it can start a journey."""

    __tablename__ = "segment_members"

    segment_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("segments.id", ondelete="CASCADE"), primary_key=True)
    customer_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True, index=True)
    since: Mapped[datetime] = mapped_column(nullable=False)


class TrackingViolationRow(Base):
    """An ingested event that breaks the tracking plan, counted per event, kind and property."""

    __tablename__ = "tracking_violations"
    __table_args__ = (UniqueConstraint("event_name", "kind", "property"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True,
                                    autoincrement=True)
    event_name: Mapped[str] = mapped_column(String(200), nullable=False)
    #: ``unknown_event``, ``missing_property`` or ``mistyped_property``.
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    property: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    #: The latest offending event, whose properties are the example shown: no copy of a customer's
    #: data is kept here, so erasing the customer (their events) takes the example with it, and a
    #: merge (which moves events) keeps it with the profile it went to.
    example_event_id: Mapped[int | None] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), ForeignKey("events.id", ondelete="SET NULL"),
        nullable=True, index=True)
    #: The example's properties only when no stored event is known to be it (a caller checking
    #: events it does not store); otherwise empty.
    example: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    first_seen: Mapped[datetime] = mapped_column(nullable=False)
    last_seen: Mapped[datetime] = mapped_column(nullable=False)


class IdentityMergeRow(Base):
    """One profile merged into another (identify, alias, sign-up), kept for the record."""

    __tablename__ = "identity_merges"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True,
                                    autoincrement=True)
    kept_customer_id: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    merged_customer_id: Mapped[str] = mapped_column(String(64), nullable=False)
    identifiers: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    at: Mapped[datetime] = mapped_column(nullable=False)


@event.listens_for(VersionRow, "before_update")
def _refuse_version_update(mapper, connection, target: VersionRow) -> None:
    # The database refuses too (a trigger from the migration); this catches it before the SQL.
    raise WorkspaceError(f"published version {target.number} of journey {target.journey_id} "
                         "cannot be changed; publish a new version instead")
