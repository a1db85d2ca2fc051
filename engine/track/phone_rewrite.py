"""Phone numbers stored without a country code, written with one: ``journey-studio profiles phones``.

A workspace that reads phone numbers in a country (:func:`engine.identifiers.phone_country_of`)
keeps ``06 12 34 56 78`` as ``+33612345678``. Numbers stored before the country was chosen keep
the form they were stored in (``0612345678``), so a person imported before and after becomes two
customers, and looking ``+33…`` up misses the older profile. This module finds those numbers and
writes them in E.164 form, as an import would store them now.

:func:`plan_phones` reads only and says, for every stored phone identifier without a country code
(a value that does not start with ``+``), what would happen to it:

- *in place*: nobody holds its E.164 form yet; the identifier is given that value;
- *already held*: the same customer holds the E.164 form too; the local copy is removed;
- *merge*: another customer holds the E.164 form; the customer of the local number is merged
  into the one that holds the E.164 number (:func:`engine.track.profiles.merge`, reason
  ``manual``, in the merge history), which is the profile later imports and the collector find,
  and the local copy that moved with the merge is removed. A merge of two profiles that each hold a
  user id is refused (rule 3 of ``docs/identity.md``): both profiles and the local number stay as
  they are, and the pair is reported, to be merged by hand with
  ``journey-studio profiles merge KEEP OTHER --allow-two-user-ids`` if they are one person;
- *not valid*: not a number of that country (:func:`engine.identifiers.local_phone`); kept as
  written.

Numbers are taken in order of their value; two local numbers with one E.164 form (``0612345678``
and ``33612345678``) are one number: the first is written in place, the second then counts as held
by that customer (the same customer, or a merge).

:func:`rewrite_phones` does it in short transactions: up to :data:`BATCH` numbers written in place
or removed per transaction, each merge in its own, and the local copy a merge moved removed in the
next. Every number is looked at again inside the transaction that changes it (is it still there,
whose is it now, who holds its E.164 form now), so that the work done follows what is stored, not
what the plan read. A failure midway leaves every finished transaction in place and the rest as
it was; :class:`PhoneRewriteStopped` says what was done. Customers' attributes (a ``phone``
attribute, say) are what the customer or an import wrote: they are left as they are.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import Connection, delete, func, select, update

from engine.errors import IdentityConflict, JourneyStudioError, NotFound
from engine.identifiers import canonical_identifier
from engine.store.customers import EXCLUSIVE_KINDS
from engine.store.models import CustomerRow, IdentifierRow, utcnow

if TYPE_CHECKING:
    from engine.store.workspace import Workspace

#: Numbers written in place or removed in one transaction at most.
BATCH = 500
#: Times one number is looked at again after what it needed changed under it, before it is left.
ATTEMPTS = 3
_LOOKUP_CHUNK = 500

_identifiers = IdentifierRow.__table__
_customers = CustomerRow.__table__


@dataclass(frozen=True)
class PhoneNumber:
    """A phone identifier stored without a country code."""

    customer_id: str
    #: As stored (``0612345678``).
    number: str
    #: Its E.164 form in the country (``+33612345678``); None when it is not a valid number there.
    e164: str | None = None
    #: The other customer that holds :attr:`e164` (for a merge), else None.
    holder_id: str | None = None
    #: For a merge: both profiles hold a user id, so the merge would be refused.
    two_user_ids: bool = False


@dataclass(frozen=True)
class PhonePlan:
    """What :func:`rewrite_phones` would do with the workspace's phone numbers in ``country``."""

    country: str
    #: Written in E.164 form in place: nobody holds that form yet.
    in_place: tuple[PhoneNumber, ...] = ()
    #: The same customer holds the E.164 form already: the local copy goes.
    already_held: tuple[PhoneNumber, ...] = ()
    #: Another customer (:attr:`PhoneNumber.holder_id`) holds the E.164 form: the two profiles are
    #: merged into that one.
    merges: tuple[PhoneNumber, ...] = ()
    #: Not valid numbers of the country: kept as written.
    not_valid: tuple[PhoneNumber, ...] = ()

    @property
    def local(self) -> int:
        """Phone identifiers stored without a country code."""
        return len(self.in_place) + len(self.already_held) + len(self.merges) + len(self.not_valid)

    @property
    def to_e164(self) -> int:
        """Those that are numbers of the country, and so would be written in E.164 form."""
        return len(self.in_place) + len(self.already_held) + len(self.merges)

    @property
    def refused_merges(self) -> int:
        """Merges that would be refused, as the profiles stand: both hold a user id."""
        return sum(1 for p in self.merges if p.two_user_ids)

    @property
    def actionable(self) -> int:
        """Numbers :func:`rewrite_phones` would change, as the profiles stand (refused merges left out)."""
        return self.to_e164 - self.refused_merges

    @property
    def nothing_to_do(self) -> bool:
        """Whether :func:`rewrite_phones` would change nothing."""
        return self.actionable == 0

    def steps(self) -> Iterator[PhoneNumber]:
        """The numbers to write, in the order they are taken."""
        return iter(sorted((*self.in_place, *self.already_held, *self.merges), key=_order))


@dataclass(frozen=True)
class PhoneMerge:
    """Two profiles that held one number in both forms."""

    #: The profile that holds the E.164 form (kept, or that would have been).
    kept_id: str
    #: The profile that held the number without a country code.
    merged_id: str
    number: str
    e164: str
    events_moved: int = 0


@dataclass
class PhoneOutcome:
    """What :func:`rewrite_phones` did."""

    country: str
    #: Written in E.164 form in place.
    rewritten: list[PhoneNumber] = field(default_factory=list)
    #: Local copies removed: their customer held the E.164 form already.
    removed: list[PhoneNumber] = field(default_factory=list)
    #: Profiles merged into the one that held the E.164 form (the local copy then removed).
    merged: list[PhoneMerge] = field(default_factory=list)
    #: Merges refused (both profiles hold a user id): both profiles and the number left as they were.
    refused: list[PhoneMerge] = field(default_factory=list)
    #: Not valid numbers of the country, kept as written (from the plan).
    not_valid: list[PhoneNumber] = field(default_factory=list)
    #: Numbers that were gone, or kept changing, when their turn came: left as they were.
    skipped: list[PhoneNumber] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.rewritten or self.removed or self.merged)


class PhoneRewriteStopped(JourneyStudioError):
    """:func:`rewrite_phones` failed (or was interrupted) midway. What was done before is kept
    (:attr:`outcome`); the rest is as it was."""

    def __init__(self, message: str, *, outcome: PhoneOutcome, interrupted: bool = False):
        self.outcome = outcome
        self.interrupted = interrupted
        super().__init__(message)


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------


def _without_code() -> list:
    return [_identifiers.c.kind == "phone", ~_identifiers.c.value.startswith("+")]


def local_phone_count(ws: Workspace) -> int:
    """How many phone identifiers are stored without a country code (one COUNT)."""
    with ws._session() as s:
        return int(s.connection().scalar(select(func.count()).select_from(_identifiers)
                                         .where(*_without_code())) or 0)


def _order(p: PhoneNumber) -> tuple[str, str]:
    return p.number, p.customer_id


def _chunks(values: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), _LOOKUP_CHUNK):
        yield values[start:start + _LOOKUP_CHUNK]


def e164_of(number: str, country: str) -> str | None:
    """``number`` (stored without a country code) as an import in ``country`` stores it now, if
    that is an E.164 form (None: not a valid number there)."""
    kept = canonical_identifier("phone", number, country)
    return kept if kept != number and kept.startswith("+") else None


def plan_phones(ws: Workspace, country: str) -> PhonePlan:
    """What writing the workspace's phone numbers without a country code as numbers of
    ``country`` (an ISO code as :func:`engine.identifiers.check_phone_country` returns it) would
    do; reads only."""
    with ws._session() as s:
        conn = s.connection()
        local = [(r.customer_id, r.value) for r in conn.execute(
            select(_identifiers.c.customer_id, _identifiers.c.value).where(*_without_code())
            .order_by(_identifiers.c.value, _identifiers.c.customer_id))]
        forms = {number: e164_of(number, country) for _cid, number in local}
        wanted = sorted({e for e in forms.values() if e is not None})
        held: dict[str, str] = {}
        for chunk in _chunks(wanted):
            held.update((r.value, r.customer_id) for r in conn.execute(
                select(_identifiers.c.value, _identifiers.c.customer_id)
                .where(_identifiers.c.kind == "phone", _identifiers.c.value.in_(list(chunk)))))
        people = sorted({cid for cid, _n in local} | set(held.values()))
        with_user_id: set[str] = set()
        for chunk in _chunks(people):
            with_user_id.update(conn.scalars(
                select(_identifiers.c.customer_id).where(_identifiers.c.kind.in_(sorted(EXCLUSIVE_KINDS)),
                                                         _identifiers.c.customer_id.in_(list(chunk)))))
    # The numbers in the order they are written, with the merges they cause followed.
    merged_into: dict[str, str] = {}

    def now(customer_id: str) -> str:
        while customer_id in merged_into:
            customer_id = merged_into[customer_id]
        return customer_id

    in_place, already, merges, not_valid = [], [], [], []
    for customer_id, number in local:
        e164 = forms[number]
        owner = now(customer_id)
        if e164 is None:
            not_valid.append(PhoneNumber(owner, number))
            continue
        holder = held.get(e164)
        holder = None if holder is None else now(holder)
        if holder is None:
            in_place.append(PhoneNumber(owner, number, e164))
            held[e164] = owner
        elif holder == owner:
            already.append(PhoneNumber(owner, number, e164))
        else:
            refused = owner in with_user_id and holder in with_user_id
            merges.append(PhoneNumber(owner, number, e164, holder, refused))
            if not refused:
                merged_into[owner] = holder
                if owner in with_user_id:
                    with_user_id.add(holder)
    return PhonePlan(country, tuple(in_place), tuple(already), tuple(merges), tuple(not_valid))


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------


def _owner(conn: Connection, value: str) -> str | None:
    return conn.scalar(select(_identifiers.c.customer_id)
                       .where(_identifiers.c.kind == "phone", _identifiers.c.value == value))


def rewrite_phones(ws: Workspace, plan: PhonePlan | str) -> PhoneOutcome:
    """Write the phone numbers of ``plan`` (or of a plan made now for the country ``plan``) in
    E.164 form, as the module notes say; :class:`PhoneRewriteStopped` if it fails midway."""
    if isinstance(plan, str):
        plan = plan_phones(ws, plan)
    outcome = PhoneOutcome(plan.country, not_valid=list(plan.not_valid))
    try:
        _rewrite(ws, list(plan.steps()), outcome)
    except KeyboardInterrupt:
        raise PhoneRewriteStopped(f"interrupted; {_done_so_far(outcome)}", outcome=outcome,
                                  interrupted=True) from None
    except Exception as exc:
        reason = exc.message if isinstance(exc, JourneyStudioError) else f"{type(exc).__name__}: {exc}"
        raise PhoneRewriteStopped(f"stopped by an error ({reason}); {_done_so_far(outcome)}",
                                  outcome=outcome) from exc
    return outcome


def _n(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"


def _done_so_far(outcome: PhoneOutcome) -> str:
    if not outcome.changed:
        return "nothing had been changed"
    return (f"before that {_n(len(outcome.rewritten), 'phone number was', 'phone numbers were')} written with "
            f"the country code, {_n(len(outcome.removed), 'copy', 'copies')} without it removed and "
            f"{_n(len(outcome.merged), 'pair', 'pairs')} of profiles merged; those changes are kept and the rest "
            "is as it was: run the command again to do the rest")


def _rewrite(ws: Workspace, steps: list[PhoneNumber], outcome: PhoneOutcome) -> None:
    from engine.track.profiles import merge

    index = 0
    #: Numbers whose profile was merged: their local copy is part of the merge, not a removal.
    after_merge: set[int] = set()
    attempts: dict[int, int] = {}
    while index < len(steps):
        rewritten: list[PhoneNumber] = []
        removed: list[PhoneNumber] = []
        skipped: list[PhoneNumber] = []
        pending: tuple[str, str] | None = None
        with ws._session(write=True) as s:
            conn = s.connection()
            touched: set[str] = set()
            while index < len(steps) and len(rewritten) + len(removed) < BATCH:
                step = steps[index]
                assert step.e164 is not None
                owner = _owner(conn, step.number)
                holder = _owner(conn, step.e164)
                if owner is None:  # gone since the plan was read (erased, changed by hand)
                    skipped.append(step)
                elif holder is None:
                    conn.execute(update(_identifiers).where(
                        _identifiers.c.kind == "phone", _identifiers.c.value == step.number,
                        _identifiers.c.customer_id == owner).values(value=step.e164))
                    rewritten.append(PhoneNumber(owner, step.number, step.e164))
                    touched.add(owner)
                elif holder == owner:
                    conn.execute(delete(_identifiers).where(
                        _identifiers.c.kind == "phone", _identifiers.c.value == step.number,
                        _identifiers.c.customer_id == owner))
                    if index not in after_merge:
                        removed.append(PhoneNumber(owner, step.number, step.e164))
                    touched.add(owner)
                else:
                    pending = (holder, owner)
                    break
                index += 1
            if touched:
                conn.execute(update(_customers).where(_customers.c.id.in_(sorted(touched)))
                             .values(updated_at=utcnow()))
        outcome.rewritten += rewritten
        outcome.removed += removed
        outcome.skipped += skipped
        if pending is None:
            continue
        kept_id, merged_id = pending
        step = steps[index]
        assert step.e164 is not None
        attempts[index] = attempts.get(index, 0) + 1
        if attempts[index] > ATTEMPTS:
            outcome.skipped.append(step)
            index += 1
            continue
        try:
            done = merge(ws, kept_id, merged_id)
        except IdentityConflict:
            outcome.refused.append(PhoneMerge(kept_id, merged_id, step.number, step.e164))
            index += 1
            continue
        except NotFound:
            continue  # one of them went meanwhile: the number is looked at again
        outcome.merged.append(PhoneMerge(kept_id, merged_id, step.number, step.e164, done.events_moved))
        # The local number is the kept profile's now, beside its E.164 form: the next
        # transaction looks at it again and removes it.
        after_merge.add(index)
