"""Behaviour of the runnable node types: ``run(config, ctx)`` and the entry and goal hooks.

Each ``run_*`` takes the node's validated config and an ``engine.runtime.context.StepContext`` and
returns ``Go``, ``Park``, ``End`` or ``Jump`` (``engine.runtime.results``). Every side effect goes
through the context; nothing here touches a store, a channel or the wall clock. The specs in
``orchestrate.py`` and ``optimize.py`` attach these functions.

==========================  ==================================================================
type                        result
==========================  ==================================================================
orchestrate.entry           ``Go("next")``. ``entry_trigger(config)`` gives the matching
                            ``engine.runtime.triggers`` object.
orchestrate.condition       ``Go("yes")`` / ``Go("no")``:

                            - *attribute*: the rules joined by all/any. A rule on an absent
                              attribute (missing or null) is unknown; when the known rules
                              cannot settle the answer, ``missing_attribute`` is the branch,
                              with a note naming the attribute. Presence rules (is set / is
                              not set) are always known.
                            - *event_within*: yes when ``ctx.count_events(event, filters,
                              now − within_days)`` ≥ ``min_count``.
                            - *segment*: ``ctx.in_segment(segment_id)``: the workspace's
                              segment store in test and live; in a simulation, whether the
                              profile attribute ``segments`` (a list of segment ids) holds the
                              id, and no (noted) without that attribute.
                            - *consent*: yes when ``ctx.customer.consent`` says true for the
                              channel kind; no entry counts as no (noted).
orchestrate.multi_split     The first of ``values`` equal to the attribute → ``branch_N`` (1-based
                            position); text compares case-insensitively unless
                            ``case_sensitive``; numbers and numeric text compare as numbers;
                            booleans match true/false. No match → ``else``; absent attribute →
                            ``else`` with a note.
orchestrate.random_split    Weights laid end to end over [0, 1); ``ctx.bucket(node_id)`` picks
                            the path, so a customer always gets the same one. A zero-weight path
                            is never chosen.
orchestrate.wait            - *duration*: ``Park(until=now + duration)`` then ``next`` (elapsed
                              time: a 1-day wait over a DST change lasts 24 hours).
                            - *time_of_day*: ``Park`` until the next ``time`` on an allowed
                              weekday (none listed: any day) in the customer's zone (else the
                              journey's), strictly after now.
                            - *date_property*: the attribute's day (ISO date or datetime; a
                              datetime with an offset is read in the customer's zone) moved by
                              ``offset_days``, at ``time`` in the customer's zone. Already past,
                              absent or not a date → ``Go("next")`` with a note.
                            - *until_event*: ``Park(event, filters, until=now + timeout)``;
                              ``event`` if it happens, ``timeout`` otherwise.
orchestrate.send            Subject, body and HTML rendered with ``ctx.render``, then
                            ``ctx.send``: sent → ``sent``; failed → ``failed`` and skipped →
                            ``skipped``, each noted with the reason; deferred (quiet hours,
                            "delay") → ``Park(until=retry_at, resume_port=RUN_AGAIN)``: the
                            empty port means "run this node again", so every rule is checked
                            afresh then.
orchestrate.update_profile  ``ctx.update_profile(operations)`` then ``Go("next")``.
orchestrate.notify_staff    Message rendered, ``ctx.notify_staff``: sent → ``next``, otherwise
                            ``failed`` with the reason.
orchestrate.goal            ``Go("next")``. ``goal_event(config)`` gives ``(event, filters)``.
orchestrate.jump            ``run_vars["jump:<node id>"]`` counts this run's jumps from the node;
                            under ``max_loops`` it goes up by one and the result is
                            ``Jump(node_id)`` (another journey: ``Jump(node_id, journey_id)``,
                            an empty node id meaning that journey's entry); at ``max_loops`` →
                            ``Go("limit_reached")`` with a note. ``max_loops=3`` jumps 3 times.
orchestrate.exit            ``End(reason)``.
optimize.experiment         Like random_split over the variants, with the choice also kept in
                            ``run_vars["experiment:<node id>"]``; the bucket is salted with the
                            node id only, so a customer who enters again gets the same variant.
optimize.holdout            ``holdout`` when ``ctx.bucket(node_id) < percent / 100``, else
                            ``treatment``.
==========================  ==================================================================
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from engine import templating
from engine.errors import TemplateError
from engine.runtime import triggers
from engine.runtime.clock import at_local, parse_iso
from engine.runtime.context import StepContext
from engine.runtime.results import RUN_AGAIN, End, Go, Jump, Outcome, Park
from engine.runtime.triggers import equals, evaluate_rules, lookup

from .common import WEEKDAYS, ConfigBase, WeightedPath

if TYPE_CHECKING:
    from .optimize import ExperimentConfig, HoldoutConfig
    from .orchestrate import (
        ConditionConfig,
        EntryConfig,
        ExitConfig,
        GoalConfig,
        JumpConfig,
        MultiSplitConfig,
        NotifyStaffConfig,
        RandomSplitConfig,
        SendConfig,
        UpdateProfileConfig,
        WaitConfig,
    )

#: The note for a segment check where no segment store answers (a simulation whose synthetic
#: profile has no ``segments`` attribute).
NO_SEGMENT_STORE = "no segment store here and no 'segments' attribute on the profile"


def _dicts(models: list[ConfigBase]) -> list[dict]:
    """Rules, filters or operations as the plain dicts the runtime stores and compares (made once
    per list: a node's config is parsed once per published version and not changed after; the
    dicts are shared, so nothing may change them)."""
    found = _DUMPED.get(id(models))
    if found is not None and found[0] is models:
        return found[1]
    dumped = [m.model_dump(mode="json") for m in models]
    if len(_DUMPED) >= 4096:
        _DUMPED.clear()
    # The list itself is kept with its dicts, so its id cannot be taken by another list meanwhile.
    _DUMPED[id(models)] = (models, dumped)
    return dumped


_DUMPED: dict[int, tuple[list, list[dict]]] = {}
#: The outcome most steps have (immutable, so one serves all).
_NEXT = Go("next")


def _names(names: tuple[str, ...]) -> str:
    return ", ".join(f"'{n}'" for n in names)


# ---------------------------------------------------------------------------------------------
# orchestrate.entry
# ---------------------------------------------------------------------------------------------


def run_entry(config: EntryConfig, ctx: StepContext) -> Outcome:
    return _NEXT


def entry_trigger(config: EntryConfig) -> triggers.Trigger:
    t = config.trigger
    if t.kind == "event":
        return triggers.EventTrigger(t.event, tuple(_dicts(t.filters)))
    if t.kind == "segment":
        return triggers.SegmentTrigger(tuple(_dicts(t.rules)), t.match, t.segment_id)
    if t.kind == "schedule":
        return triggers.ScheduleTrigger(t.repeat, t.at, t.every, t.unit, t.time, t.starts_on,
                                        tuple(_dicts(t.rules)), t.match, t.segment_id)
    if t.kind == "date_property":
        return triggers.DatePropertyTrigger(t.attribute, t.offset_days, t.time, t.yearly)
    return triggers.ManualTrigger()


# ---------------------------------------------------------------------------------------------
# orchestrate.condition
# ---------------------------------------------------------------------------------------------


def run_condition(config: ConditionConfig, ctx: StepContext) -> Outcome:
    check = config.check
    if check.kind == "attribute":
        result = evaluate_rules(_dicts(check.rules), check.match, ctx.customer.attributes)
        if result.matched is None:
            port = check.missing_attribute
            return Go(port, f"attribute {_names(result.missing)} missing: branch '{port}'")
        note = f"attribute {_names(result.missing)} missing; the other rules decide" if result.missing else ""
        return Go("yes" if result.matched else "no", note)
    if check.kind == "event_within":
        since = ctx.now - timedelta(days=check.within_days)
        count = ctx.count_events(check.event, _dicts(check.filters), since)
        return Go("yes" if count >= check.min_count else "no",
                  f"{count} × {check.event} in {check.within_days} days")
    if check.kind == "segment":
        member = ctx.in_segment(check.segment_id)
        if member is None:
            return Go("no", NO_SEGMENT_STORE)
        return Go("yes" if member else "no")
    granted = ctx.customer.consent.get(check.channel_kind)
    if granted is None:
        return Go("no", f"no {check.channel_kind} consent recorded")
    return Go("yes" if granted else "no")


# ---------------------------------------------------------------------------------------------
# Splits
# ---------------------------------------------------------------------------------------------


def run_multi_split(config: MultiSplitConfig, ctx: StepContext) -> Outcome:
    # Imported here: orchestrate imports this module to attach the behaviours.
    from .orchestrate import ELSE, branch_port

    actual = lookup(ctx.customer.attributes, config.attribute)
    if actual is None:
        return Go(ELSE, f"attribute '{config.attribute}' missing")
    for index, value in enumerate(config.values):
        if equals(actual, value, case_sensitive=config.case_sensitive):
            return Go(branch_port(index))
    return Go(ELSE)


def pick_path(paths: list[WeightedPath], point: float) -> str:
    """The path whose share of [0, 1) holds ``point``, weights laid end to end in order."""
    total = sum(p.weight for p in paths)
    target = point * total
    cumulative = 0
    chosen = ""
    for p in paths:
        if p.weight <= 0:
            continue
        cumulative += p.weight
        chosen = p.name
        if target < cumulative:
            return chosen
    return chosen  # only for a point rounding onto the very end


def run_random_split(config: RandomSplitConfig, ctx: StepContext) -> Outcome:
    return Go(pick_path(config.paths, ctx.bucket(ctx.node_id)))


def run_experiment(config: ExperimentConfig, ctx: StepContext) -> Outcome:
    key = f"experiment:{ctx.node_id}"
    names = {v.name for v in config.variants if v.weight > 0}
    kept = ctx.run_vars.get(key)
    if kept in names:
        return Go(kept)
    variant = pick_path(config.variants, ctx.bucket(ctx.node_id))
    ctx.run_vars[key] = variant
    return Go(variant)


def run_holdout(config: HoldoutConfig, ctx: StepContext) -> Outcome:
    return Go("holdout" if ctx.bucket(ctx.node_id) < config.percent / 100 else "treatment")


# ---------------------------------------------------------------------------------------------
# orchestrate.wait
# ---------------------------------------------------------------------------------------------


def run_wait(config: WaitConfig, ctx: StepContext) -> Outcome:
    w = config.wait
    if w.kind == "duration":
        return Park(until=ctx.now + timedelta(seconds=w.duration.seconds))
    if w.kind == "until_event":
        return Park(until=ctx.now + timedelta(seconds=w.timeout.seconds), event=w.event,
                    filters=_dicts(w.filters), event_port="event", timeout_port="timeout")
    zone = ctx.zone
    if w.kind == "time_of_day":
        allowed = set(w.weekdays) or set(WEEKDAYS)
        today = ctx.now.astimezone(zone).date()
        for ahead in range(9):
            day = today + timedelta(days=ahead)
            if WEEKDAYS[day.weekday()] not in allowed:
                continue
            moment = at_local(day, w.time, zone)
            if moment > ctx.now:
                return Park(until=moment)
        raise ValueError("no allowed weekday")  # unreachable: eight days hold every weekday
    raw = lookup(ctx.customer.attributes, w.attribute)
    if raw is None:
        return Go("next", f"attribute '{w.attribute}' missing: no wait")
    if parse_iso(raw) is None:
        return Go("next", f"attribute '{w.attribute}' is not a date ({raw!r}): no wait")
    moment = triggers.date_moment(raw, w.offset_days, w.time, zone)
    assert moment is not None
    if moment <= ctx.now:
        return Go("next", f"{w.attribute} moment {moment.isoformat()} is past: no wait")
    return Park(until=moment)


# ---------------------------------------------------------------------------------------------
# Messages and profile
# ---------------------------------------------------------------------------------------------


def run_send(config: SendConfig, ctx: StepContext) -> Outcome:
    try:
        subject = ctx.render(config.subject, name="subject")
        # A webhook's JSON body gets its values escaped, so what a customer typed stays one value.
        body = ctx.render(config.body, name="body",
                          json=config.channel_kind == "webhook" and templating.writes_json(config.body))
        html_body = ctx.render(config.html_body, html=True, name="HTML body") if config.html_body else ""
    except TemplateError as exc:  # nothing is sent; the step log says which template and why
        ctx.template_failed(str(exc))
        return Go("failed", f"template: {exc}")
    outcome = ctx.send(config.channel, config.channel_kind, subject, body, html_body,
                       respect_quiet_hours=config.respect_quiet_hours,
                       frequency_cap_exempt=config.frequency_cap_exempt)
    if outcome.status == "deferred":
        assert outcome.retry_at is not None
        return Park(until=outcome.retry_at, resume_port=RUN_AGAIN, note=outcome.reason)
    return Go(outcome.status, outcome.reason)


def run_update_profile(config: UpdateProfileConfig, ctx: StepContext) -> Outcome:
    ctx.update_profile(_dicts(config.operations))
    return _NEXT


def run_notify_staff(config: NotifyStaffConfig, ctx: StepContext) -> Outcome:
    try:
        text = ctx.render(config.message, name="message")
    except TemplateError as exc:
        ctx.template_failed(str(exc))
        return Go("failed", f"template: {exc}")
    outcome = ctx.notify_staff(config.channel, config.channel_kind, list(config.recipients), text)
    if outcome.status == "sent":
        return _NEXT
    return Go("failed", outcome.reason or outcome.status)


# ---------------------------------------------------------------------------------------------
# Goal, jump, exit
# ---------------------------------------------------------------------------------------------


def run_goal(config: GoalConfig, ctx: StepContext) -> Outcome:
    return _NEXT


def goal_event(config: GoalConfig) -> tuple[str, list[dict]]:
    return config.event, _dicts(config.filters)


def run_jump(config: JumpConfig, ctx: StepContext) -> Outcome:
    key = f"jump:{ctx.node_id}"
    done: Any = ctx.run_vars.get(key, 0)
    if done >= config.max_loops:
        return Go("limit_reached", f"jumped {done} times already (at most {config.max_loops})")
    ctx.run_vars[key] = done + 1
    t = config.target
    if t.kind == "journey":
        return Jump(t.node_id, t.journey_id)
    return Jump(t.node_id)


def run_exit(config: ExitConfig, ctx: StepContext) -> Outcome:
    return End(config.reason)


__all__ = [
    "NO_SEGMENT_STORE", "entry_trigger", "goal_event", "pick_path", "run_condition", "run_entry",
    "run_exit", "run_experiment", "run_goal", "run_holdout", "run_jump", "run_multi_split",
    "run_notify_staff", "run_random_split", "run_send", "run_update_profile", "run_wait",
]
