"""Profiles: finding customers, one customer's whole record, editing it, exporting it and erasing it.

What the Profiles window and ``journey-studio profiles`` use; every function takes an open
:class:`~engine.store.workspace.Workspace` and is one short transaction (an erasure is one write).

Search
    :func:`search` finds customers whose id, any identifier value, any tag (``yoga`` finds the
    customers tagged ``Yoga``) or any attribute value (at any depth, text and numbers) contains the
    query, ignoring case and the accents of the common Latin letters (``zurich`` finds ``Zürich``,
    ``José`` finds ``Jose``; see
    :func:`engine.track.text_fold.search_fold`, the same on SQLite and PostgreSQL). Searching one
    attribute (``attribute=``) compares as a segment rule's "contains" does (text holding the
    query, or a list holding it as an item), ignoring accents too. The query is a bound parameter; ``%``, ``_`` and
    backslashes are ordinary characters. Results come a page at a time, with the total, in one
    order that the Profiles window and ``journey-studio profiles search`` share: most recently
    updated first; customers updated at the same moment (everyone an import touched)
    alphabetically by their main identifier (:attr:`CustomerSummary.main_identifier`, A–Z case
    folded); then by id, so that the order is total and stable. A page starts either at an
    offset or, for a list that pages while customers keep changing, just after a row of an earlier
    page (``after=summary.sort_key``): rows are neither repeated nor skipped when others move.

Identifiers on the command line
    :func:`resolve` reads ``kind:value`` (``email:ann@example.com``, ``user_id:42``,
    ``custom:crm:17``), a bare value (an e-mail matched without regard to A–Z case, a phone number
    matched without spaces, dashes, dots or brackets, any identifier value, or a customer id) and
    names exactly one customer, or raises :class:`~engine.errors.NotFound` /
    :class:`~engine.errors.AmbiguousIdentifier`. In a workspace with a phone country
    (:func:`engine.identifiers.phone_country_of`), a phone number typed without a country code
    also finds the number kept in E.164 form (``06 12 34 56 78`` finds ``+33612345678``); so does
    :func:`search`.

Dates typed for an attribute
    :func:`date_value` reads a date or a date and time as people type it (``25.11.1988``,
    ``25/11/1988`` when the day is above 12, ``1988年11月25日``) and gives the text to store: the
    ISO day (``1988-11-25``), as the CSV import stores dates, or the moment in the form of
    :func:`moment_text`; ISO 8601 text stays as typed. ``05/11/1988`` (day or month first?) is
    refused, saying how to write each reading. :func:`edit` stores a moment given with the offset
    ``+00:00`` with ``Z``, as the import stores times, so that a moment in UTC has one form.

Merging two profiles by hand
    :func:`merge_plan` says what merging one profile into another would do (both profiles'
    identifiers, events and journey runs, the open runs that would end) and why it is refused, if it
    is; :func:`merge` does it, in one transaction, with the rules of :mod:`engine.track.identity`
    (reason ``manual``, recorded in the merge history). Two profiles that each hold a ``user_id``
    are refused unless the caller says they are one person with two accounts
    (``allow_two_user_ids``): a user id names one account of the business's own systems, and a
    profile holds at most one (``docs/identity.md``, rule 3), so two of them usually mean two people.

Erasure (the right to be forgotten)
    :func:`erase` deletes the customer with their identifiers, events, journey runs, the runs' step
    logs and deliveries, their segment memberships and the records of profiles merged into or out
    of them, in one transaction. Two things stay, on purpose:

    - *Counters.* Node and edge counters are aggregate history ("120 customers entered, 30 left
      through this edge") and hold nothing that identifies anyone, so they are not rewound. A run
      that was still open, though, is counted in its node's ``active``; it is moved to ``exited``
      there, as if the run had left the journey at that node. That keeps the counting invariant
      ``entered = Σ out-edge counts + active + exited`` and keeps ``active`` equal to the runs
      really open.
    - *Opt-outs.* An unsubscribe or STOP is kept as the address and channel kind it concerns, with
      its link to the customer cut (``customer_id`` set to NULL). Erasure laws let a sender keep
      the minimum needed to honour an objection to direct marketing (GDPR Art. 17(3)(b) and
      21(3), and the suppression-list practice regulators endorse); dropping it would let a later
      import of the same address be messaged again.

    Tracking-plan violation examples (:mod:`engine.track.tracking_plan`) are event properties that
    are not linked to a customer; clear them there if they may hold personal data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Connection,
    String,
    Text,
    and_,
    case,
    cast,
    column,
    delete,
    exists,
    func,
    literal,
    or_,
    select,
    update,
)

from engine.errors import (
    AmbiguousIdentifier,
    CustomerDataInvalid,
    IdentityConflict,
    JourneyStudioError,
    NotFound,
)
from engine.identifiers import canonical_identifier, phone_country_of
from engine.runtime.clock import parse_iso
from engine.store.customers import (
    CUSTOM_KIND_PREFIX,
    IDENTIFIER_KINDS,
    CustomerRecord,
    EventRecord,
    _check_attributes,
    _check_consent,
    _check_tags,
    _check_time_zone,
    _merge,
    read_customer,
)
from engine.store.models import (
    CustomerRow,
    DeliveryRow,
    EventRow,
    IdentifierRow,
    IdentityMergeRow,
    JourneyRow,
    NodeCounterRow,
    OptOutRow,
    RunRow,
    SegmentMemberRow,
    SegmentRow,
    StepRow,
    utcnow,
)
from engine.track.identity import EXCLUSIVE_KINDS, MergeRecord, merge_in_transaction
from engine.track.segments import (
    _shown,
    attribute_clause,
    compile_rules,
    fold,
    fold_sql,
    pg_empty_path,
    written_date,
)
from engine.track.text_fold import search_fold, search_fold_sql

if TYPE_CHECKING:
    from engine.store.workspace import Workspace

#: Most rows one page of :func:`search` or :func:`events_page` returns.
MAX_PAGE = 500
#: Version of the layout :func:`export` writes.
EXPORT_VERSION = 1
#: Attributes that name a person, tried in order for :attr:`CustomerSummary.label` (with the
#: full-name headers of French, Spanish, Italian, Portuguese, German and Chinese exports).
NAME_ATTRIBUTES = ("name", "full_name", "display_name", "customer_name", "nom_complet", "nombre_completo",
                   "nome_completo", "vollständiger_name", "kunde", "kundenname", "nom_du_client", "nombre_del_cliente",
                   "姓名", "客户姓名", "客户名称", "会员姓名", "名字")
#: Attribute names (as :func:`_name_key` reads them) of a first and of a last name: English, then
#: French (Prénom, Nom), German, Spanish, Italian and Portuguese, and Chinese (名, 姓).
_FIRST_NAMES = ("firstname", "givenname", "prénom", "prenom", "vorname", "nombre", "nome", "名")
_LAST_NAMES = ("lastname", "surname", "familyname", "nom", "nachname", "familienname", "apellido", "apellidos",
               "cognome", "sobrenome", "姓")
#: Chinese, Japanese and Korean characters: such a name is written family name first, unspaced.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]+")


def _name_key(key: str) -> str:
    """An attribute name without case, spaces, underscores or hyphens: ``First name``,
    ``first_name`` and ``firstName`` read alike."""
    return "".join(ch for ch in key.casefold() if ch not in " _-")


#: Identifier kinds that make the main identifier, in order of preference (any other kind after).
MAIN_IDENTIFIER_KINDS = ("email", "phone", "user_id")

_customers = CustomerRow.__table__
_identifiers = IdentifierRow.__table__
_events = EventRow.__table__
_runs = RunRow.__table__
_steps = StepRow.__table__
_deliveries = DeliveryRow.__table__
_members = SegmentMemberRow.__table__
_segments = SegmentRow.__table__
_opt_outs = OptOutRow.__table__
_merges = IdentityMergeRow.__table__
_journeys = JourneyRow.__table__
_node_counters = NodeCounterRow.__table__

_PHONE = re.compile(r"\(?\+?[0-9][0-9 ()./-]{4,}[0-9]")
_PHONE_NOISE = " -().\u00a0/"


# ---------------------------------------------------------------------------------------------
# Records
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CustomerSummary:
    """One line of a customer list."""

    id: str
    #: ``(kind, value)`` pairs, sorted.
    identifiers: tuple[tuple[str, str], ...]
    attributes: dict[str, Any]
    tags: tuple[str, ...]
    created_at: datetime
    updated_at: datetime

    @property
    def name(self) -> str | None:
        """The person's name from the attributes (a name attribute, or first and last name), however
        an export spells them: ``name``, ``Full name``, ``displayName``, ``First name`` with
        ``Last name``, ``firstName``, ``given_name`` with ``surname``, ``Prénom`` with ``Nom``,
        ``姓名``, ``姓`` with ``名``..."""
        texts: dict[str, str] = {}
        for key, value in self.attributes.items():
            if isinstance(key, str) and isinstance(value, str) and value.strip():
                texts.setdefault(_name_key(key), value.strip())
        for key in NAME_ATTRIBUTES:
            if _name_key(key) in texts:
                return texts[_name_key(key)]
        first = next((texts[k] for k in _FIRST_NAMES if k in texts), None)
        last = next((texts[k] for k in _LAST_NAMES if k in texts), None)
        if first and last and _CJK.fullmatch(first) and _CJK.fullmatch(last):
            return last + first  # 姓 张, 名 伟: 张伟
        return " ".join(p for p in (first, last) if p) or None

    @property
    def main_identifier(self) -> str | None:
        """The identifier that tells the customer apart best: an e-mail, else a phone, else a user
        id, else the first identifier (the same choice :func:`search` orders by)."""
        if not self.identifiers:
            return None
        best = min(range(len(self.identifiers)), key=lambda i: (_kind_rank(self.identifiers[i][0]), i))
        return self.identifiers[best][1]

    @property
    def label(self) -> str:
        """A name to show: the name, else the main identifier, else the id."""
        return self.name or self.main_identifier or self.id

    @property
    def sort_key(self) -> tuple[datetime, str, str]:
        """Where the customer stands in the order of :func:`search` (its ``after`` argument)."""
        return self.updated_at, fold(self.main_identifier or ""), self.id


@dataclass(frozen=True)
class SearchPage:
    """A page of customers and how many match in all."""

    total: int
    offset: int
    items: list[CustomerSummary]


@dataclass(frozen=True)
class EventPage:
    """A page of a customer's events, newest first, and how many there are in all."""

    total: int
    offset: int
    items: list[EventRecord]


@dataclass(frozen=True)
class JourneyRun:
    """A customer's run through a journey, for the profile's Journeys list."""

    run_id: str
    journey_id: str
    journey_name: str
    version_number: int
    mode: str
    #: ``active``, ``waiting`` or ``done``.
    status: str
    node_id: str
    #: The current node's title (its type key when it has none; empty when the version is unreadable).
    node_title: str
    started_at: datetime
    updated_at: datetime
    wake_at: datetime | None
    wait_event: str | None
    converted: bool


@dataclass(frozen=True)
class Profile:
    """Everything the Profiles window shows of one customer."""

    customer: CustomerRecord
    events: EventPage
    journeys: list[JourneyRun]
    #: ``(segment id, name, member since)`` at the segments' last refresh.
    segments: list[tuple[str, str, datetime]]
    #: Opt-outs recorded for the customer: ``(channel kind, address)``.
    opt_outs: list[tuple[str, str]] = field(default_factory=list)
    #: When the customer's earliest event happened (``None`` without events): an import brings
    #: events older than the profile itself.
    first_event_at: datetime | None = None
    #: ``(segment id, name)`` of the saved segments whose rules pick the customer now (what the
    #: segment builder counts), which may differ from :attr:`segments` until the next refresh.
    matching_now: list[tuple[str, str]] = field(default_factory=list)

    @property
    def customer_since(self) -> datetime:
        """The earlier of the profile's creation and the customer's first event."""
        created = self.customer.created_at
        if self.first_event_at is None:
            return created
        return min(created, self.first_event_at, key=_comparable)


@dataclass(frozen=True)
class Erasure:
    """What :func:`erase` removed."""

    customer_id: str
    identifiers: int
    events: int
    runs: int
    #: Runs that were still open, moved from ``active`` to ``exited`` in their node's counters.
    open_runs: int
    steps: int
    deliveries: int
    segment_memberships: int
    identity_merges: int
    #: Opt-outs kept by address and channel kind, no longer linked to the customer.
    opt_outs_kept: int


@dataclass(frozen=True)
class MergeSide:
    """One of the two profiles of a merge, as :func:`merge_plan` found it."""

    customer: CustomerRecord
    events: int
    journey_runs: int

    @property
    def summary(self) -> CustomerSummary:
        c = self.customer
        return CustomerSummary(c.id, tuple(c.identifiers), dict(c.attributes), tuple(c.tags), c.created_at,
                               c.updated_at)

    @property
    def user_ids(self) -> tuple[str, ...]:
        return tuple(value for kind, value in self.customer.identifiers if kind in EXCLUSIVE_KINDS)


@dataclass(frozen=True)
class MergePlan:
    """What merging ``merged`` into ``kept`` would do, and whether it is refused."""

    kept: MergeSide
    merged: MergeSide
    #: Runs of the merged profile that would end because the kept profile is in the middle of the
    #: same journey in the same mode (rule 7).
    runs_to_end: int
    #: Why the merge is refused without ``allow_two_user_ids`` (``None``: it is not).
    conflict: str | None


@dataclass(frozen=True)
class MergeOutcome:
    """What :func:`merge` did."""

    record: MergeRecord
    #: The kept customer as the merge left them.
    customer: CustomerRecord
    events_moved: int
    runs_moved: int


# ---------------------------------------------------------------------------------------------
# Search
# ---------------------------------------------------------------------------------------------


#: Between the attribute values of a customer that SQLite search folds together.
_ATOM_SEPARATOR = "\x1f"
#: A number typed with a decimal comma (``9999,9``).
_DECIMAL_COMMA = re.compile(r"-?[0-9]+,[0-9]+")


def _attribute_values_contain(dialect: str, needle: str) -> Any:
    """Whether an attribute value (text or number, at any depth), folded as
    :func:`~engine.track.text_fold.search_fold` folds, contains ``needle`` (already folded)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import JSONB, JSONPATH

        every = cast(literal("strict $.**"), JSONPATH)  # every value at any depth
        values = (func.jsonb_path_query(cast(_customers.c.attributes, JSONB), every)
                  .table_valued(column("value", JSONB)).render_derived())
        text = values.c.value.op("#>>", return_type=Text)(pg_empty_path())
        return exists(select(literal(1)).select_from(values).where(
            func.jsonb_typeof(values.c.value).in_(("string", "number")),
            search_fold_sql(text, dialect).contains(needle, autoescape=True)))
    tree = func.json_tree(_customers.c.attributes).table_valued("type", "atom")
    atom, atomic = cast(tree.c.atom, String), tree.c.type.in_(("text", "integer", "real"))
    if _ATOM_SEPARATOR in needle:
        return exists(select(literal(1)).select_from(tree).where(
            atomic, search_fold_sql(atom, dialect).contains(needle, autoescape=True)))
    # The values joined and folded at once: SQLite calls the folding function once per customer
    # rather than once per value. The separator is not in the needle, so no match spans two values.
    joined = select(func.group_concat(atom, _ATOM_SEPARATOR)).select_from(tree).where(atomic).scalar_subquery()
    return search_fold_sql(joined, dialect).contains(needle, autoescape=True)


def _tags_contain(dialect: str, needle: str) -> Any:
    """Whether a tag of the customer, folded as :func:`~engine.track.text_fold.search_fold` folds,
    contains ``needle`` (already folded): ``yoga`` finds the tag ``Yoga``, ``Yogakurs`` and ``Hatha
    Yoga``. A customer without tags (most of them) costs one look at an empty list."""
    if dialect == "postgresql":
        tags = case((func.json_typeof(_customers.c.tags) == "array", _customers.c.tags),
                    else_=cast(literal("[]"), JSON))
        each = func.json_array_elements_text(tags).table_valued(column("value", Text)).render_derived()
        tag = each.c.value
    else:
        each = func.json_each(_customers.c.tags).table_valued("value", "type")
        tag = cast(each.c.value, String)
    found = select(literal(1)).select_from(each).where(search_fold_sql(tag, dialect).contains(needle, autoescape=True))
    if dialect != "postgresql":
        found = found.where(each.c.type == "text")
    return exists(found)


def search_clause(dialect: str, text: str, attribute: str | None = None, *,
                  phone_country: str | None = None) -> Any:
    """The WHERE clause of :func:`search` on ``customers`` (``None`` for an empty query), blind to
    case and accents (:mod:`engine.track.text_fold`; with ``attribute``, that attribute's text, or an
    item of a list it holds, as a segment rule's "contains" compares but accents ignored too);
    ``phone_country``: the workspace's country of phone numbers written without a country code,
    in which a number typed without one is read too."""
    if not text:
        return None
    if attribute:
        return attribute_clause(dialect, attribute, "contains", text, accent_blind=True)
    needle = search_fold(text)
    value = search_fold_sql(_identifiers.c.value, dialect)
    matches = value.contains(needle, autoescape=True)
    if _PHONE.fullmatch(text):
        # Phone numbers are kept without separators: "+33 6 12 34 56 78" finds +33612345678.
        digits = canonical_identifier("phone", text)
        if digits != needle:
            matches = or_(matches, (_identifiers.c.kind == "phone")
                          & _identifiers.c.value.contains(digits, autoescape=True))
        local = _local_form(text, phone_country)
        if local is not None:
            # Kept as E.164 by an import or the collector: "06 12 34 56 78" finds +33612345678.
            matches = or_(matches, (_identifiers.c.kind == "phone") & (_identifiers.c.value == local))
    in_identifiers = exists(select(literal(1)).select_from(_identifiers).where(
        _identifiers.c.customer_id == _customers.c.id, matches))
    found = [search_fold_sql(_customers.c.id, dialect).contains(needle, autoescape=True), in_identifiers,
             _tags_contain(dialect, needle), _attribute_values_contain(dialect, needle)]
    if _DECIMAL_COMMA.fullmatch(text):
        # Numbers are stored with a decimal point: "9999,9" finds 9999.9.
        found.append(_attribute_values_contain(dialect, search_fold(text.replace(",", "."))))
    return or_(*found)


def _kind_rank(kind: str) -> int:
    return MAIN_IDENTIFIER_KINDS.index(kind) if kind in MAIN_IDENTIFIER_KINDS else len(MAIN_IDENTIFIER_KINDS)


def _main_identifier_sql(dialect: str) -> Any:
    """The customer's main identifier, A–Z folded (``''`` when they have none), for ordering."""
    rank = case(*((_identifiers.c.kind == kind, i) for i, kind in enumerate(MAIN_IDENTIFIER_KINDS)),
                else_=len(MAIN_IDENTIFIER_KINDS))
    # The same pick as CustomerSummary.main_identifier, which sees identifiers sorted by kind, value.
    first = (select(_identifiers.c.value).where(_identifiers.c.customer_id == _customers.c.id)
             .order_by(rank, _identifiers.c.kind, _identifiers.c.value).limit(1).scalar_subquery())
    return fold_sql(func.coalesce(first, ""), dialect)


def search(ws: Workspace, text: str = "", offset: int = 0, limit: int = 50, *,
           attribute: str | None = None, after: tuple[datetime, str, str] | None = None) -> SearchPage:
    """Customers whose id, identifiers, tags or attribute values contain ``text`` (all customers
    when it is empty), ignoring case and accents, in the order the module notes give. With
    ``attribute``, only that attribute is searched (text containing ``text``, or a list holding
    it, ignoring case and accents too). ``after`` is the
    :attr:`~CustomerSummary.sort_key` of a row already shown: the page starts just past it (and
    ``offset`` counts from there)."""
    if not isinstance(text, str):
        raise CustomerDataInvalid("the search text must be text", field="text")
    text = text.strip()
    offset, limit = max(0, int(offset)), max(0, min(int(limit), MAX_PAGE))
    dialect = ws.engine.dialect.name
    country = phone_country_of(ws) if not attribute and _PHONE.fullmatch(text) else None
    clause = search_clause(dialect, text, attribute, phone_country=country)
    count = select(func.count()).select_from(_customers)
    keyed = select(_customers.c.id, _customers.c.updated_at, _main_identifier_sql(dialect).label("main"))
    if clause is None:
        keyed = keyed.add_columns(literal(None).label("total"))  # counting everyone is cheap
    else:
        # The matches are counted as the page is read: the clause is evaluated once, not twice.
        count = count.where(clause)
        keyed = keyed.add_columns(func.count().over().label("total")).where(clause)
    rows = keyed.subquery("keyed")
    page = select(rows.c.id, rows.c.total).order_by(rows.c.updated_at.desc(), rows.c.main, rows.c.id)
    if after is not None:
        when, main, customer_id = _cursor(after)
        page = page.where(or_(rows.c.updated_at < when, and_(rows.c.updated_at == when, or_(
            rows.c.main > main, and_(rows.c.main == main, rows.c.id > customer_id)))))
    with ws._session() as s:
        conn = s.connection()
        found = list(conn.execute(page.offset(offset).limit(limit))) if limit else []
        if found and found[0].total is not None:
            total = int(found[0].total)
        elif clause is not None and limit and not offset and after is None:
            total = 0  # the first page is empty: nothing matches
        else:
            total = int(conn.scalar(count) or 0)
        return SearchPage(total, offset, summaries(conn, [r.id for r in found]))


def _cursor(after: Any) -> tuple[datetime, str, str]:
    try:
        when, main, customer_id = after
    except (TypeError, ValueError):
        raise CustomerDataInvalid("'after' must be a customer's sort key (updated at, main identifier, id)",
                                  field="after") from None
    if not (isinstance(when, datetime) and isinstance(main, str) and isinstance(customer_id, str)):
        raise CustomerDataInvalid("'after' must be a customer's sort key (updated at, main identifier, id)",
                                  field="after")
    return when, main, customer_id


def summaries(conn: Connection, ids: Sequence[str]) -> list[CustomerSummary]:
    """Summaries of the customers ``ids``, in that order (unknown ids are left out)."""
    if not ids:
        return []
    rows = {r.id: r for r in conn.execute(select(_customers).where(_customers.c.id.in_(list(ids))))}
    pairs: dict[str, list[tuple[str, str]]] = {}
    for r in conn.execute(select(_identifiers.c.customer_id, _identifiers.c.kind, _identifiers.c.value)
                          .where(_identifiers.c.customer_id.in_(list(rows)))
                          .order_by(_identifiers.c.kind, _identifiers.c.value)):
        pairs.setdefault(r.customer_id, []).append((r.kind, r.value))
    return [CustomerSummary(cid, tuple(pairs.get(cid, ())), dict(rows[cid].attributes), tuple(rows[cid].tags),
                            rows[cid].created_at, rows[cid].updated_at)
            for cid in ids if cid in rows]


# ---------------------------------------------------------------------------------------------
# Naming one customer
# ---------------------------------------------------------------------------------------------


def parse_identifier(text: str) -> tuple[str | None, str]:
    """``(kind, value)`` for ``kind:value`` with a known kind (or ``custom:<name>:value``), else
    ``(None, text)``."""
    text = text.strip()
    head, sep, rest = text.partition(":")
    if sep and head in IDENTIFIER_KINDS and rest.strip():
        return head, rest.strip()
    if sep and head + ":" == CUSTOM_KIND_PREFIX:
        name, sep2, value = rest.partition(":")
        if sep2 and name.strip() == name and name and value.strip():
            return CUSTOM_KIND_PREFIX + name, value.strip()
    return None, text


def _local_form(text: str, country: str | None) -> str | None:
    """``text``, a phone number typed without a country code, as the workspace keeps it when it
    reads such numbers as numbers of ``country`` (E.164), or None (no country, a number with one,
    or not a possible number of that country)."""
    if not country:
        return None
    digits = canonical_identifier("phone", text)
    local = canonical_identifier("phone", text, country)
    return local if local != digits else None


def _phone_digits(expr: Any) -> Any:
    for ch in _PHONE_NOISE:
        expr = func.replace(expr, ch, "")
    return expr


def candidates(ws: Workspace, text: str) -> list[tuple[str, str]]:
    """Every ``(customer id, what matched)`` that ``text`` could name, as :func:`resolve` reads it."""
    kind, value = parse_identifier(text)
    dialect = ws.engine.dialect.name
    found: dict[tuple[str, str], None] = {}
    country = phone_country_of(ws) if kind == "phone" or (kind is None and _PHONE.fullmatch(value)) else None
    with ws._session() as s:
        conn = s.connection()
        if kind is not None:
            values = {value, canonical_identifier(kind, value)}
            if kind == "phone" and (local := _local_form(value, country)) is not None:
                values.add(local)  # "phone:06 12 34 56 78" finds +33612345678 in a workspace of FR numbers
            query = select(_identifiers.c.customer_id, _identifiers.c.kind, _identifiers.c.value).where(
                _identifiers.c.kind == kind, _identifiers.c.value.in_(values))
            rows = list(conn.execute(query))
            if not rows and kind == "email":
                rows = list(conn.execute(select(_identifiers.c.customer_id, _identifiers.c.kind,
                                                _identifiers.c.value)
                                         .where(_identifiers.c.kind == "email",
                                                fold_sql(_identifiers.c.value, dialect) == fold(value))))
            for r in rows:
                found[(r.customer_id, f"{r.kind}:{r.value}")] = None
            return list(found)
        if conn.scalar(select(_customers.c.id).where(_customers.c.id == value)) is not None:
            found[(value, f"customer id {value}")] = None
        checks = [_identifiers.c.value == value]
        if "@" in value:
            checks.append((_identifiers.c.kind == "email")
                          & (fold_sql(_identifiers.c.value, dialect) == fold(value)))
        if _PHONE.fullmatch(value):
            digits = "".join(ch for ch in value if ch not in _PHONE_NOISE)
            checks.append((_identifiers.c.kind == "phone") & (_phone_digits(_identifiers.c.value) == digits))
            # As numbers are kept: "0034 612 34 56 78" finds +34612345678.
            checks.append((_identifiers.c.kind == "phone")
                          & (_identifiers.c.value == canonical_identifier("phone", value)))
            local = _local_form(value, country)
            if local is not None:
                checks.append((_identifiers.c.kind == "phone") & (_identifiers.c.value == local))
        for r in conn.execute(select(_identifiers.c.customer_id, _identifiers.c.kind, _identifiers.c.value)
                              .where(or_(*checks)).order_by(_identifiers.c.kind, _identifiers.c.value)):
            found[(r.customer_id, f"{r.kind}:{r.value}")] = None
    return list(found)


def resolve(ws: Workspace, text: str) -> str:
    """The id of the one customer ``text`` names (see the module notes for the forms it takes)."""
    if not isinstance(text, str) or not text.strip():
        raise NotFound("give a customer: kind:value (email:ann@example.com, user_id:42), an e-mail, a phone "
                       "number or a customer id")
    found = candidates(ws, text)
    customers = sorted({cid for cid, _ in found})
    if len(customers) == 1:
        return customers[0]
    kind, value = parse_identifier(text)
    if not customers:
        what = f"{kind} '{value}'" if kind else f"the identifier or id '{value}'"
        hint = "" if kind else "; to be specific, write kind:value (email:…, phone:…, user_id:…)"
        digits = canonical_identifier("phone", value)
        if (kind in (None, "phone") and _PHONE.fullmatch(value) and not digits.startswith("+")
                and phone_country_of(ws) is None):
            hint += ("; phone numbers are usually kept with their country code: write it with one "
                     "(+33 6 12 34 56 78), or give the country of the workspace's local numbers with "
                     "'journey-studio import customers FILE --phone-country CC'")
        raise NotFound(f"no customer has {what}{hint}", where=ws.location)
    listed = "; ".join(f"{what} (customer {cid})" for cid, what in found)
    raise AmbiguousIdentifier(f"'{text.strip()}' names {len(customers)} customers: {listed}. Use kind:value "
                              "or a customer id", candidates=found)


# ---------------------------------------------------------------------------------------------
# One customer
# ---------------------------------------------------------------------------------------------


def events_page(ws: Workspace, customer_id: str, offset: int = 0, limit: int = 50,
                name: str | None = None) -> EventPage:
    """A page of the customer's events, newest first (optionally only those named ``name``)."""
    offset, limit = max(0, int(offset)), max(0, min(int(limit), MAX_PAGE))
    criteria = [_events.c.customer_id == customer_id]
    if name is not None:
        criteria.append(_events.c.name == name)
    with ws._session() as s:
        conn = s.connection()
        _require(conn, ws, customer_id)
        return _events_page(conn, criteria, offset, limit)


def _events_page(conn: Connection, criteria: list[Any], offset: int, limit: int) -> EventPage:
    total = int(conn.scalar(select(func.count()).select_from(_events).where(*criteria)) or 0)
    rows = conn.execute(select(_events).where(*criteria)
                        .order_by(_events.c.occurred_at.desc(), _events.c.id.desc())
                        .offset(offset).limit(limit))
    return EventPage(total, offset, [_event(r) for r in rows])


def journey_runs(ws: Workspace, customer_id: str) -> list[JourneyRun]:
    """The customer's runs, newest first, with their journey's name and current node."""
    with ws._session() as s:
        conn = s.connection()
        _require(conn, ws, customer_id)
        rows = list(conn.execute(_runs_query(customer_id)))
    return _journey_runs(ws, rows)


def _runs_query(customer_id: str) -> Any:
    return (select(_runs, _journeys.c.name.label("journey_name"))
            .join(_journeys, _journeys.c.id == _runs.c.journey_id)
            .where(_runs.c.customer_id == customer_id)
            .order_by(_runs.c.started_at.desc(), _runs.c.id))


def _journey_runs(ws: Workspace, rows: Iterable[Any]) -> list[JourneyRun]:
    titles: dict[tuple[str, int], dict[str, str]] = {}
    result = []
    for r in rows:
        key = (r.journey_id, r.version_number)
        if key not in titles:
            try:
                journey = ws.load_version(*key)
            except Exception:  # an unreadable version still lists its runs, without node titles
                titles[key] = {}
            else:
                titles[key] = {n.id: n.title or n.type for n in journey.nodes}
        result.append(JourneyRun(r.id, r.journey_id, r.journey_name, r.version_number, r.mode, r.status,
                                 r.node_id, titles[key].get(r.node_id, ""), r.started_at, r.updated_at,
                                 r.wake_at, r.wait_event, bool(r.converted)))
    return result


def profile(ws: Workspace, customer_id: str, events_limit: int = 50) -> Profile:
    """The whole profile: the record, the newest events (a first page), journeys, segments and
    opt-outs."""
    customer = ws.get_customer(customer_id)
    with ws._session() as s:
        conn = s.connection()
        events = _events_page(conn, [_events.c.customer_id == customer_id], 0,
                              max(0, min(events_limit, MAX_PAGE)))
        runs = list(conn.execute(_runs_query(customer_id)))
        segments = [(r.id, r.name, r.since) for r in conn.execute(
            select(_segments.c.id, _segments.c.name, _members.c.since)
            .join(_members, _members.c.segment_id == _segments.c.id)
            .where(_members.c.customer_id == customer_id).order_by(_segments.c.name))]
        opt_outs = [(r.channel_kind, r.address) for r in conn.execute(
            select(_opt_outs.c.channel_kind, _opt_outs.c.address)
            .where(_opt_outs.c.customer_id == customer_id).order_by(_opt_outs.c.received_at, _opt_outs.c.id))]
        first = (conn.scalar(select(func.min(_events.c.occurred_at)).where(_events.c.customer_id == customer_id))
                 if events.total else None)
        matching = [(m["id"], m["name"]) for m in _segments_matching(conn, ws, customer_id, utcnow())]
    return Profile(customer, events, _journey_runs(ws, runs), segments, opt_outs, first, matching)


# ---------------------------------------------------------------------------------------------
# Dates typed for an attribute
# ---------------------------------------------------------------------------------------------

#: A date typed with a time of day after it (``25.11.1988 14:30``): the date, and the time.
_DATE_AND_TIME = re.compile(r"(\S+?)(?:[ T]+([0-9].*))?", re.DOTALL)
#: An ISO 8601 moment whose offset is zero but not written ``Z`` (``2026-11-24T18:30:00+00:00``).
_ZERO_OFFSET = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]+)?)?"
                          r"[+-]00(?::?00)?")
#: How a date attribute is written, for messages.
DATE_EXAMPLES = "2025-03-01 or 2025-03-01T09:30"


def moment_text(when: date | datetime) -> str:
    """How a date or a moment is stored as an attribute value (JSON has no date type): a day as
    ``1988-11-25``; a moment to the second (with its fraction only when it has one), in UTC written
    with ``Z`` as imports write times (``2026-11-24T18:30:00Z``), else with the offset it was given
    (``2026-11-24T18:30:00+02:00``), or with none when it has none (``2026-11-24T18:30:00``)."""
    if not isinstance(when, datetime):
        return when.isoformat()
    offset = when.utcoffset()
    if offset is not None and not offset:
        return when.replace(tzinfo=None).isoformat() + "Z"
    return when.isoformat()


def date_value(text: str) -> str:
    """A date, or a date and time, typed for an attribute (the Profiles window's Date type), as
    text to store; :class:`~engine.errors.CustomerDataInvalid` saying how to write it when it is
    none or cannot be read unambiguously.

    ISO 8601 text (``1988-11-25``, ``2026-11-24T18:30:00Z``, ``2026-11-24 18:30``) is kept as
    written, so that a value saved untouched stays as it was (:func:`edit` writes a moment in UTC
    with ``Z``). Other forms are written as :func:`moment_text` writes dates and moments: a day
    as :func:`engine.track.segments.written_date` reads it (``25.11.1988`` day first with dots,
    ``25/11/1988`` when the day is above 12; ``05/11/1988`` is refused, naming both readings),
    perhaps with a time after it (``25.11.1988 14:30``); and year first with slashes, dots or as
    Chinese and Japanese write it (``1988/11/25``, ``1988年11月25日``)."""
    stripped = text.strip()
    if not stripped:
        raise CustomerDataInvalid(f"the date is empty; write a date like {DATE_EXAMPLES}", field="")
    if parse_iso(stripped) is not None:
        return stripped
    found = _DATE_AND_TIME.fullmatch(stripped)
    try:
        day = written_date(found.group(1)) if found is not None else None
    except ValueError as exc:
        raise CustomerDataInvalid(str(exc), field="") from None
    if found is not None and day is not None:
        if found.group(2) is None:
            return day
        time_text = "".join(found.group(2).split())
        try:
            return moment_text(datetime.fromisoformat(f"{day}T{time_text}"))
        except ValueError:
            raise CustomerDataInvalid(f"“{_shown(stripped)}”: ‘{_shown(found.group(2))}’ is not a time of day; "
                                      "write it like 09:30 or 18:30:00", field="") from None
    from engine.track.csv_types import year_first_iso

    iso = year_first_iso(stripped)
    when = parse_iso(iso) if iso is not None else None
    if when is not None:
        return moment_text(when)
    raise NotADate(f"“{_shown(stripped)}” is not a date like {DATE_EXAMPLES} (25.11.1988 is read as well)",
                   field="")


class NotADate(CustomerDataInvalid):
    """:func:`date_value`'s refusal of text that is no date at all (its other refusals say why a
    date-like value cannot be read: two readings, no such day)."""


def _moments_in_utc(attributes: dict[str, Any]) -> dict[str, Any]:
    """``attributes`` with every moment in UTC written as imports write it (``…T18:30:00Z``, not
    ``…T18:30:00+00:00``), so that a value reads the same after a save as before it."""
    changed = {}
    for key, value in attributes.items():
        if isinstance(value, str) and _ZERO_OFFSET.fullmatch(value):
            when = parse_iso(value.replace(",", "."))
            if isinstance(when, datetime):
                changed[key] = moment_text(when)
    return {**attributes, **changed} if changed else attributes


def edit(ws: Workspace, customer_id: str, *, attributes: Mapping[str, Any] | None = None,
         replace_attributes: bool = False, consent: Mapping[str, bool | None] | None = None,
         tags: Iterable[str] | None = None, time_zone: str | None = None) -> CustomerRecord:
    """Change a customer's profile by id, with the rules of
    :meth:`~engine.store.customers.CustomerStore.upsert_customer`: ``attributes`` and ``consent``
    are merged key by key, ``None`` removing a key (``replace_attributes`` makes ``attributes`` the
    whole new set instead); ``tags`` replace the tags; ``time_zone`` replaces the zone, ``""``
    clears it. Every input is checked before anything is written. An attribute given as a moment
    in UTC is stored as imports store one, with ``Z`` (:func:`moment_text`): ``+00:00`` is the
    same moment written another way."""
    attrs = _check_attributes(attributes)
    if attrs is not None:
        attrs = _moments_in_utc(attrs)
    consents = _check_consent(consent)
    tag_list = _check_tags(tags)
    zone = _check_time_zone(time_zone)
    with ws._session(write=True) as s:
        conn = s.connection()
        current = conn.execute(select(_customers.c.attributes, _customers.c.consent, _customers.c.tags,
                                      _customers.c.time_zone).where(_customers.c.id == customer_id)).first()
        if current is None:
            raise NotFound(f"there is no customer with id '{customer_id}'", where=ws.location)
        changes: dict[str, Any] = {}
        if attrs is not None:
            merged = ({k: v for k, v in attrs.items() if v is not None} if replace_attributes
                      else _merge(current.attributes, attrs))
            if merged != current.attributes:
                changes["attributes"] = merged
        if consents:
            merged = _merge(current.consent, consents)
            if merged != current.consent:
                changes["consent"] = merged
        if tag_list is not None and tag_list != list(current.tags):
            changes["tags"] = tag_list
        if zone is not None and (zone or None) != current.time_zone:
            changes["time_zone"] = zone or None
        if changes:
            conn.execute(update(_customers).where(_customers.c.id == customer_id)
                         .values(**changes, updated_at=utcnow()))
    return ws.get_customer(customer_id)


# ---------------------------------------------------------------------------------------------
# Merging by hand
# ---------------------------------------------------------------------------------------------


def merge_plan(ws: Workspace, kept_id: str, merged_id: str) -> MergePlan:
    """What merging customer ``merged_id`` into ``kept_id`` would do (nothing is changed);
    :class:`~engine.errors.NotFound` for an unknown id, :class:`~engine.errors.CustomerDataInvalid`
    when both ids are the same customer."""
    _check_two(kept_id, merged_id)
    with ws._session() as s:
        return _plan(s.connection(), ws, kept_id, merged_id)


def merge(ws: Workspace, kept_id: str, merged_id: str, *, allow_two_user_ids: bool = False) -> MergeOutcome:
    """Merge customer ``merged_id`` into ``kept_id`` (the rules of :mod:`engine.track.identity`,
    reason ``manual``), checking again inside the merge's transaction what :func:`merge_plan`
    checks: :class:`~engine.errors.IdentityConflict` when both hold a user id and
    ``allow_two_user_ids`` is not given; nothing changes then."""
    _check_two(kept_id, merged_id)
    with ws._session(write=True) as s:
        conn = s.connection()
        plan = _plan(conn, ws, kept_id, merged_id)
        if plan.conflict is not None and not allow_two_user_ids:
            raise IdentityConflict(
                f"nothing merged: {plan.conflict}",
                identifiers={f"user_id of {side.customer.id}": ", ".join(side.user_ids)
                             for side in (plan.kept, plan.merged)},
                customer_ids=[kept_id, merged_id])
        record = merge_in_transaction(conn, kept_id, merged_id, now=utcnow(), reason="manual")
    return MergeOutcome(record, ws.get_customer(kept_id), plan.merged.events, plan.merged.journey_runs)


def _check_two(kept_id: str, merged_id: str) -> None:
    for name, value in (("kept", kept_id), ("merged", merged_id)):
        if not isinstance(value, str) or not value:
            raise CustomerDataInvalid("give a customer id", field=name)
    if kept_id == merged_id:
        raise CustomerDataInvalid(f"both name customer {kept_id}: a profile cannot be merged into itself",
                                  field="")


def _plan(conn: Connection, ws: Workspace, kept_id: str, merged_id: str) -> MergePlan:
    sides = []
    for customer_id in (kept_id, merged_id):
        record = read_customer(conn, customer_id)
        if record is None:
            raise NotFound(f"there is no customer with id '{customer_id}'", where=ws.location)
        events = int(conn.scalar(select(func.count()).select_from(_events)
                                 .where(_events.c.customer_id == customer_id)) or 0)
        runs = int(conn.scalar(select(func.count()).select_from(_runs)
                               .where(_runs.c.customer_id == customer_id)) or 0)
        sides.append(MergeSide(record, events, runs))
    kept, merged = sides
    open_runs = {(r.journey_id, r.mode) for r in conn.execute(
        select(_runs.c.journey_id, _runs.c.mode).where(_runs.c.customer_id == kept_id, _runs.c.status != "done"))}
    to_end = sum(1 for r in conn.execute(
        select(_runs.c.journey_id, _runs.c.mode).where(_runs.c.customer_id == merged_id, _runs.c.status != "done"))
        if (r.journey_id, r.mode) in open_runs)
    conflict = None
    if kept.user_ids and merged.user_ids:
        conflict = (f"both profiles hold a user id (customer {kept_id} has "
                    f"{', '.join('user_id:' + v for v in kept.user_ids)}, customer {merged_id} has "
                    f"{', '.join('user_id:' + v for v in merged.user_ids)}). A user id names one account in your "
                    "own systems and a profile holds at most one, so two user ids usually mean two people")
    return MergePlan(kept, merged, to_end, conflict)


# ---------------------------------------------------------------------------------------------
# Export and erasure
# ---------------------------------------------------------------------------------------------


def _segments_matching(conn: Connection, ws: Workspace, customer_id: str, now: datetime) -> list[dict[str, str]]:
    """The saved segments whose rules pick ``customer_id`` at ``now``, by name (a segment whose
    stored rules no longer read is left out)."""
    dialect = ws.engine.dialect.name
    readable = []
    for row in conn.execute(select(_segments.c.id, _segments.c.name, _segments.c.rules)
                            .order_by(_segments.c.name, _segments.c.id)):
        try:
            readable.append((row, compile_rules(row.rules, dialect, now)))
        except JourneyStudioError:
            continue
    if not readable:
        return []
    # One statement for every segment: a column per segment saying whether it picks the customer.
    answers = conn.execute(select(*(exists(select(_customers.c.id).where(_customers.c.id == customer_id, clause))
                                    .label(f"s{index}") for index, (_row, clause) in enumerate(readable)))).one()
    return [{"id": row.id, "name": row.name} for (row, _clause), picked in zip(readable, answers, strict=True)
            if picked]


def export(ws: Workspace, customer_id: str, now: datetime | None = None) -> dict[str, Any]:
    """Everything stored about one customer, as JSON-ready data. The keys ``identifiers``,
    ``attributes``, ``consent``, ``events`` and ``journey_runs`` are a contract of
    ``journey-studio profiles export``; times are ISO 8601 in UTC, events oldest first. An event
    the collector stored with the name of its write key has it as ``write_key`` (the name only,
    never the key). ``segments`` is the customer's stored membership, as of each segment's last
    refresh (what starts journeys); ``segments_matching_now`` the saved segments whose rules pick
    the customer at ``now``."""
    customer = ws.get_customer(customer_id)
    with ws._session() as s:
        conn = s.connection()
        events = [_event_json(_event(r), r.write_key) for r in conn.execute(
            select(_events).where(_events.c.customer_id == customer_id)
            .order_by(_events.c.occurred_at, _events.c.id))]
        runs = list(conn.execute(_runs_query(customer_id).order_by(None)
                                 .order_by(_runs.c.started_at, _runs.c.id)))
        run_ids = [r.id for r in runs]
        steps: dict[str, list[dict[str, Any]]] = {}
        deliveries: dict[str, list[dict[str, Any]]] = {}
        for chunk in _chunks(run_ids):
            for st in conn.execute(select(_steps).where(_steps.c.run_id.in_(chunk)).order_by(_steps.c.id)):
                steps.setdefault(st.run_id, []).append({"node_id": st.node_id, "port": st.port,
                                                        "at": _iso(st.at), "mode": st.mode, "note": st.note})
        for d in conn.execute(select(_deliveries).where(or_(_deliveries.c.customer_id == customer_id,
                                                            _deliveries.c.run_id.in_(select(_runs.c.id).where(
                                                                _runs.c.customer_id == customer_id))))
                              .order_by(_deliveries.c.created_at, _deliveries.c.id)):
            deliveries.setdefault(d.run_id, []).append({
                "id": d.id, "node_id": d.node_id, "channel": d.channel, "channel_kind": d.channel_kind,
                "status": d.status, "reason": d.reason, "attempts": d.attempts, "message_id": d.message_id,
                "provider_code": d.provider_code, "created_at": _iso(d.created_at),
                "updated_at": _iso(d.updated_at)})
        segments = [{"id": r.id, "name": r.name, "since": _iso(r.since)} for r in conn.execute(
            select(_segments.c.id, _segments.c.name, _members.c.since)
            .join(_members, _members.c.segment_id == _segments.c.id)
            .where(_members.c.customer_id == customer_id).order_by(_segments.c.name))]
        matching = _segments_matching(conn, ws, customer_id, now or utcnow())
        opt_outs = [{"channel_kind": r.channel_kind, "address": r.address, "source": r.source,
                     "received_at": _iso(r.received_at)} for r in conn.execute(
            select(_opt_outs).where(_opt_outs.c.customer_id == customer_id)
            .order_by(_opt_outs.c.received_at, _opt_outs.c.id))]
        merges = [{"kept_customer_id": r.kept_customer_id, "merged_customer_id": r.merged_customer_id,
                   "identifiers": r.identifiers, "reason": r.reason, "at": _iso(r.at)} for r in conn.execute(
            select(_merges).where(or_(_merges.c.kept_customer_id == customer_id,
                                      _merges.c.merged_customer_id == customer_id)).order_by(_merges.c.at))]
    return {
        "format": "journey-studio/customer-export",
        "version": EXPORT_VERSION,
        "exported_at": _iso(now or utcnow()),
        "customer_id": customer.id,
        "created_at": _iso(customer.created_at),
        "updated_at": _iso(customer.updated_at),
        "identifiers": [{"kind": kind, "value": value} for kind, value in customer.identifiers],
        "attributes": customer.attributes,
        "consent": customer.consent,
        "tags": list(customer.tags),
        "time_zone": customer.time_zone,
        "segments": segments,
        "segments_matching_now": matching,
        "events": events,
        "journey_runs": [{
            "id": r.id, "journey_id": r.journey_id, "journey_name": r.journey_name,
            "version": r.version_number, "mode": r.mode, "status": r.status, "node_id": r.node_id,
            "started_at": _iso(r.started_at), "updated_at": _iso(r.updated_at), "converted": bool(r.converted),
            "goals": list(r.goals),
            "visits": list(r.visits), "event": dict(r.event), "vars": dict(r.vars),
            "steps": steps.get(r.id, []), "deliveries": deliveries.get(r.id, [])} for r in runs],
        "opt_outs": opt_outs,
        "identity_merges": merges,
    }


def erase(ws: Workspace, customer_id: str) -> Erasure:
    """Delete a customer and everything about them in one transaction (see the module notes for
    what stays and why); :class:`~engine.errors.NotFound` if there is no such customer."""
    with ws._session(write=True) as s:
        conn = s.connection()
        _require(conn, ws, customer_id)
        their_runs = select(_runs.c.id).where(_runs.c.customer_id == customer_id)
        open_runs = list(conn.execute(
            select(_runs.c.journey_id, _runs.c.version_number, _runs.c.mode, _runs.c.node_id,
                   func.count().label("n"))
            .where(_runs.c.customer_id == customer_id, _runs.c.status != "done")
            .group_by(_runs.c.journey_id, _runs.c.version_number, _runs.c.mode, _runs.c.node_id)))
        for r in open_runs:
            conn.execute(update(_node_counters).where(
                _node_counters.c.journey_id == r.journey_id,
                _node_counters.c.version_number == r.version_number, _node_counters.c.mode == r.mode,
                _node_counters.c.node_id == r.node_id)
                .values(active=_node_counters.c.active - r.n, exited=_node_counters.c.exited + r.n))
        # Children first and explicitly, so nothing depends on the database enforcing ON DELETE CASCADE.
        steps = conn.execute(delete(_steps).where(_steps.c.run_id.in_(their_runs))).rowcount
        deliveries = conn.execute(delete(_deliveries).where(
            or_(_deliveries.c.run_id.in_(their_runs), _deliveries.c.customer_id == customer_id))).rowcount
        runs = conn.execute(delete(_runs).where(_runs.c.customer_id == customer_id)).rowcount
        events = conn.execute(delete(_events).where(_events.c.customer_id == customer_id)).rowcount
        identifiers = conn.execute(delete(_identifiers)
                                   .where(_identifiers.c.customer_id == customer_id)).rowcount
        members = conn.execute(delete(_members).where(_members.c.customer_id == customer_id)).rowcount
        # The records of profiles merged into this one, and of those merged into them before:
        # each names identifiers that were this person's.
        theirs = {customer_id}
        reached = theirs
        while reached:
            reached = set(conn.scalars(select(_merges.c.merged_customer_id)
                                       .where(_merges.c.kept_customer_id.in_(sorted(reached))))) - theirs
            theirs |= reached
        merges = conn.execute(delete(_merges).where(or_(
            _merges.c.kept_customer_id.in_(sorted(theirs)), _merges.c.merged_customer_id == customer_id))).rowcount
        kept = conn.execute(update(_opt_outs).where(_opt_outs.c.customer_id == customer_id)
                            .values(customer_id=None)).rowcount
        conn.execute(delete(_customers).where(_customers.c.id == customer_id))
        return Erasure(customer_id, identifiers, events, runs, sum(r.n for r in open_runs), steps, deliveries,
                       members, merges, kept)


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def _require(conn: Connection, ws: Workspace, customer_id: str) -> None:
    if conn.scalar(select(_customers.c.id).where(_customers.c.id == customer_id)) is None:
        raise NotFound(f"there is no customer with id '{customer_id}'", where=ws.location)


def _comparable(when: datetime) -> datetime:
    """``when`` with a time zone (UTC when the database returned none), to compare it."""
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def _event(row: Any) -> EventRecord:
    return EventRecord(id=row.id, customer_id=row.customer_id, name=row.name, properties=dict(row.properties),
                       occurred_at=row.occurred_at, received_at=row.received_at, source=row.source,
                       dedup_key=row.dedup_key)


def _event_json(ev: EventRecord, write_key: str | None = None) -> dict[str, Any]:
    data = {"id": ev.id, "name": ev.name, "properties": ev.properties, "occurred_at": _iso(ev.occurred_at),
            "received_at": _iso(ev.received_at), "source": ev.source, "dedup_key": ev.dedup_key}
    if write_key is not None:
        data["write_key"] = write_key
    return data


def _iso(when: datetime | None) -> str | None:
    return None if when is None else when.isoformat()


def _chunks(values: Sequence[str], size: int = 500) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


# ---------------------------------------------------------------------------------------------
# Where a profile went; changing one identifier
# ---------------------------------------------------------------------------------------------


def merged_into(ws: Workspace, customer_id: str) -> tuple[tuple[MergeRecord, ...], CustomerSummary | None]:
    """Where customer ``customer_id`` is now, for a window that still shows it.

    ``((), its summary)`` while it exists. After it was merged into another profile: the merges
    that took it there, oldest first (the one that merged it, then the one that merged that
    profile in turn, and so on), and the summary of the profile that holds it now. ``((), None)``
    when it is gone without a merge on record: it was erased, or the profile it was merged into
    was (an erasure removes the records of the profiles merged into the erased one), or there
    never was such a customer. Reads only."""
    chain: list[MergeRecord] = []
    with ws._session() as s:
        conn = s.connection()
        current, seen = customer_id, {customer_id}
        while True:
            found = summaries(conn, [current])
            if found:
                return tuple(chain), found[0]
            row = conn.execute(select(_merges).where(_merges.c.merged_customer_id == current)
                               .order_by(_merges.c.id.desc()).limit(1)).first()
            if row is None or row.kept_customer_id in seen:
                return (), None
            data = row.identifiers or {}
            chain.append(MergeRecord(
                row.kept_customer_id, row.merged_customer_id,
                tuple((str(k), str(v)) for k, v in data.get("moved", [])),
                tuple((str(k), str(v)) for k, v in data.get("linked_by", [])),
                tuple(data.get("ended_runs", [])), row.reason, _comparable(row.at)))
            current = row.kept_customer_id
            seen.add(current)


def change_identifier(ws: Workspace, customer_id: str, kind: str, old_value: str | None,
                      new_value: str | None) -> CustomerRecord:
    """Change one identifier of a customer, in one transaction: ``(kind, old_value)`` becomes
    ``(kind, new_value)``; ``old_value=None`` adds ``new_value``, ``new_value=None`` removes
    ``old_value``. Values are read as the workspace keeps them
    (:func:`~engine.identifiers.canonical_identifier`, with the workspace's phone country).

    Nothing changes and :class:`~engine.errors.NotFound` is raised when there is no such customer
    or it does not hold ``old_value``; :class:`~engine.errors.IdentityConflict` (naming the other
    customer in ``customer_ids``) when another customer holds ``new_value``; and
    :class:`~engine.errors.CustomerDataInvalid` for a value that cannot be an identifier, for a
    second ``user_id`` (rule 3 of ``docs/identity.md``) and for taking a customer's last
    identifier away. A customer that holds ``new_value`` already just loses ``old_value``."""
    from engine.store.customers import check_identifier

    if old_value is None and new_value is None:
        raise CustomerDataInvalid("give the identifier to change, the new value, or both", field="identifiers")
    country = phone_country_of(ws) if kind == "phone" else None
    old = new = None
    if old_value is not None:
        kind, old = check_identifier(kind, canonical_identifier(kind, old_value, country)
                                     if isinstance(old_value, str) else old_value, f"identifiers.{kind}")
    if new_value is not None:
        kind, new = check_identifier(kind, canonical_identifier(kind, new_value, country)
                                     if isinstance(new_value, str) else new_value, f"identifiers.{kind}")
    with ws._session(write=True) as s:
        conn = s.connection()
        _require(conn, ws, customer_id)
        held = [(r.kind, r.value) for r in conn.execute(
            select(_identifiers.c.kind, _identifiers.c.value).where(_identifiers.c.customer_id == customer_id))]
        if old is not None and (kind, old) not in held:
            raise NotFound(f"the customer has no {kind} '{old}'", where=ws.location)
        if old == new:
            return _read(conn, customer_id)
        if new is not None and (kind, new) not in held:
            holder = conn.scalar(select(_identifiers.c.customer_id)
                                 .where(_identifiers.c.kind == kind, _identifiers.c.value == new))
            if holder is not None:
                raise IdentityConflict(f"{kind} '{new}' already belongs to another customer",
                                       identifiers={kind: new}, customer_ids=[holder])
            if old is None and kind in EXCLUSIVE_KINDS and any(k == kind for k, _v in held):
                raise CustomerDataInvalid(f"the customer holds a {kind} already; a profile has one",
                                          field=f"identifiers.{kind}")
        if new is None and len(held) <= 1:
            raise CustomerDataInvalid("a customer keeps at least one identifier: add another one first",
                                      field=f"identifiers.{kind}")
        if old is not None:
            conn.execute(delete(_identifiers).where(_identifiers.c.kind == kind, _identifiers.c.value == old))
        if new is not None and (kind, new) not in held:
            conn.execute(_identifiers.insert().values(kind=kind, value=new, customer_id=customer_id))
        conn.execute(update(_customers).where(_customers.c.id == customer_id).values(updated_at=utcnow()))
        return _read(conn, customer_id)


def _read(conn: Connection, customer_id: str) -> CustomerRecord:
    """The customer as stored now, inside a transaction that made sure it exists."""
    record = read_customer(conn, customer_id)
    if record is None:  # pragma: no cover - the caller checked in the same transaction
        raise NotFound(f"there is no customer with id '{customer_id}'")
    return record
