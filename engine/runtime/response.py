"""How simulated customers respond: the response model the journey simulator draws from.

A :class:`ResponseModel` says, per channel kind, how likely a message is delivered, opened, clicked
and followed by the event the journey hopes for, how long each takes, and how often it makes the
customer unsubscribe; how often customers do an event on their own; how they do the event that
starts an event-triggered journey; and how many agree to each channel. Every value can be overridden
per persona (by persona name). The model is plain data: :meth:`ResponseModel.to_json` writes the
dict a user edits and :meth:`ResponseModel.from_json` reads it back (``journey-studio simulate
--response FILE.json``); a key left out keeps its default.

Defaults (documented here because users tune them):

=========  ========  =====  ======  ==========  ===========  ==========  ===========  ==========
channel    delivery  open   click   conversion  unsubscribe  open after  click after  converts
                                                             (median)    open         after click
=========  ========  =====  ======  ==========  ===========  ==========  ===========  ==========
email      0.97      0.40   0.25    0.30        0.003        3 h         6 min        2 h
sms        0.98      0.90   0.15    0.25        0.010        12 min      3 min        1 h
chat       0.99      0.70   0.10    0.20        0.0          30 min      6 min        2 h
webhook    0.995     0.0    0.0     0.0         0.0          –           –            –
=========  ========  =====  ======  ==========  ===========  ==========  ===========  ==========

``open`` is a share of delivered messages, ``click`` of opened ones, ``conversion`` of clicked ones;
``unsubscribe`` is a share of opened messages (SMS "STOP" replies included). Delays are log-normal:
``median_hours`` is the typical delay and ``spread`` the standard deviation of its logarithm (1.0:
a third of the delays are under a third of the median or over three times it).

- Organic events: a customer in the journey does an awaited or goal event on their own at
  ``organic_daily_rate`` per day (0.03; ``organic_rates`` sets it per event name).
- Entry events: ``trigger.probability`` (0.9) of the customers do the entry event, the first time at
  a uniform moment of the first ``trigger.spread_days`` (7) days, and each time again with
  ``trigger.repeat_probability`` (0.2) after ``trigger.repeat_after`` (median 10 days).
- Consent: the share of customers who agreed to each channel kind: email 0.9, sms 0.6, chat and
  webhook 1.0.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from random import Random
from typing import Any

from engine.errors import JourneyFormatError

CHANNEL_KINDS = ("email", "sms", "chat", "webhook")


def _probability(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0.0 <= float(value) <= 1.0:
        raise JourneyFormatError(f"must be a probability between 0 and 1, got {value!r}", path=where)
    return float(value)


def _positive(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or float(value) < 0.0:
        raise JourneyFormatError(f"must be a number of at least 0, got {value!r}", path=where)
    return float(value)


@dataclass(frozen=True, slots=True)
class Delay:
    """A log-normal delay: ``median_hours`` typical, ``spread`` the sigma of its logarithm."""

    median_hours: float
    spread: float = 1.0

    def draw_hours(self, rng: Random) -> float:
        if self.median_hours <= 0.0:
            return 0.0
        return self.median_hours * math.exp(rng.gauss(0.0, self.spread)) if self.spread else self.median_hours

    @classmethod
    def from_json(cls, data: Any, where: str, base: Delay) -> Delay:
        if not isinstance(data, dict):
            raise JourneyFormatError("must be an object with median_hours and spread", path=where)
        unknown = set(data) - {"median_hours", "spread"}
        if unknown:
            raise JourneyFormatError(f"unknown key '{sorted(unknown)[0]}'", path=where)
        return cls(_positive(data.get("median_hours", base.median_hours), f"{where}.median_hours"),
                   _positive(data.get("spread", base.spread), f"{where}.spread"))


@dataclass(frozen=True, slots=True)
class ChannelResponse:
    """How customers answer messages of one channel kind."""

    delivery: float
    open: float
    click: float
    conversion: float
    unsubscribe: float
    open_delay: Delay
    click_delay: Delay
    conversion_delay: Delay

    @classmethod
    def from_json(cls, data: Any, where: str, base: ChannelResponse) -> ChannelResponse:
        if not isinstance(data, dict):
            raise JourneyFormatError("must be an object", path=where)
        names = {f.name for f in fields(cls)}
        unknown = set(data) - names
        if unknown:
            raise JourneyFormatError(f"unknown key '{sorted(unknown)[0]}'", path=where)
        values: dict[str, Any] = {}
        for name in names:
            current = getattr(base, name)
            if name not in data:
                values[name] = current
            elif isinstance(current, Delay):
                values[name] = Delay.from_json(data[name], f"{where}.{name}", current)
            else:
                values[name] = _probability(data[name], f"{where}.{name}")
        return cls(**values)


@dataclass(frozen=True, slots=True)
class TriggerResponse:
    """How customers do the event that starts an event-triggered journey."""

    probability: float = 0.9
    spread_days: float = 7.0
    repeat_probability: float = 0.2
    repeat_after: Delay = Delay(240.0, 0.5)

    @classmethod
    def from_json(cls, data: Any, where: str, base: TriggerResponse) -> TriggerResponse:
        if not isinstance(data, dict):
            raise JourneyFormatError("must be an object", path=where)
        unknown = set(data) - {"probability", "spread_days", "repeat_probability", "repeat_after"}
        if unknown:
            raise JourneyFormatError(f"unknown key '{sorted(unknown)[0]}'", path=where)
        return cls(
            _probability(data.get("probability", base.probability), f"{where}.probability"),
            _positive(data.get("spread_days", base.spread_days), f"{where}.spread_days"),
            _probability(data.get("repeat_probability", base.repeat_probability), f"{where}.repeat_probability"),
            Delay.from_json(data["repeat_after"], f"{where}.repeat_after", base.repeat_after)
            if "repeat_after" in data else base.repeat_after)


def default_channels() -> dict[str, ChannelResponse]:
    return {
        "email": ChannelResponse(0.97, 0.40, 0.25, 0.30, 0.003, Delay(3.0), Delay(0.1), Delay(2.0)),
        "sms": ChannelResponse(0.98, 0.90, 0.15, 0.25, 0.010, Delay(0.2), Delay(0.05), Delay(1.0)),
        "chat": ChannelResponse(0.99, 0.70, 0.10, 0.20, 0.0, Delay(0.5), Delay(0.1), Delay(2.0)),
        "webhook": ChannelResponse(0.995, 0.0, 0.0, 0.0, 0.0, Delay(0.0), Delay(0.0), Delay(0.0)),
    }


def default_consent() -> dict[str, float]:
    return {"email": 0.9, "sms": 0.6, "chat": 1.0, "webhook": 1.0}


@dataclass(frozen=True)
class Profile:
    """The response model resolved for one persona (what the simulator reads while it runs)."""

    channels: dict[str, ChannelResponse]
    organic_daily_rate: float
    organic_rates: dict[str, float]
    trigger: TriggerResponse
    consent: dict[str, float]

    def channel(self, kind: str) -> ChannelResponse:
        return self.channels.get(kind) or self.channels["webhook"]

    def organic_rate(self, event: str) -> float:
        return self.organic_rates.get(event, self.organic_daily_rate)


@dataclass
class ResponseModel:
    """The editable response model: defaults plus per-persona overrides (partial dicts in the same
    shape as the top level, keyed by persona name)."""

    channels: dict[str, ChannelResponse] = field(default_factory=default_channels)
    organic_daily_rate: float = 0.02
    organic_rates: dict[str, float] = field(default_factory=dict)
    trigger: TriggerResponse = field(default_factory=TriggerResponse)
    consent: dict[str, float] = field(default_factory=default_consent)
    personas: dict[str, dict] = field(default_factory=dict)

    # -- JSON ---------------------------------------------------------------------------------
    def to_json(self) -> dict:
        return {
            "channels": {kind: asdict(c) for kind, c in sorted(self.channels.items())},
            "organic_daily_rate": self.organic_daily_rate,
            "organic_rates": dict(sorted(self.organic_rates.items())),
            "trigger": asdict(self.trigger),
            "consent": dict(sorted(self.consent.items())),
            "personas": json.loads(json.dumps(self.personas)),
        }

    @classmethod
    def from_json(cls, data: Any, *, where: str = "response") -> ResponseModel:
        """A model from the dict :meth:`to_json` writes; missing keys keep their defaults."""
        base = cls()
        if not isinstance(data, dict):
            raise JourneyFormatError("the response model must be a JSON object", path=where)
        unknown = set(data) - {"channels", "organic_daily_rate", "organic_rates", "trigger", "consent", "personas"}
        if unknown:
            raise JourneyFormatError(f"unknown key '{sorted(unknown)[0]}'", path=where)
        model = _apply(base, data, where)
        personas = data.get("personas", {})
        if not isinstance(personas, dict):
            raise JourneyFormatError("must be an object keyed by persona name", path=f"{where}.personas")
        for name, override in personas.items():
            if not isinstance(override, dict) or "personas" in override:
                raise JourneyFormatError("must be an object like the top level (without 'personas')",
                                         path=f"{where}.personas.{name}")
            _apply(model, override, f"{where}.personas.{name}")  # checked now, applied per persona later
        model.personas = json.loads(json.dumps(personas))
        return model

    @classmethod
    def load(cls, path: str | Path) -> ResponseModel:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise JourneyFormatError(f"cannot read the response model: {exc.strerror or exc}", file=str(path)) from None
        except json.JSONDecodeError as exc:
            raise JourneyFormatError(f"not valid JSON: {exc.msg} (line {exc.lineno})", file=str(path)) from None
        try:
            return cls.from_json(data)
        except JourneyFormatError as exc:
            raise JourneyFormatError(exc.message, file=str(path), path=exc.path) from None

    # -- per persona --------------------------------------------------------------------------
    def for_persona(self, name: str | None) -> Profile:
        model = self
        if name is not None and name in self.personas:
            model = _apply(self, self.personas[name], f"response.personas.{name}")
        return Profile(dict(model.channels), model.organic_daily_rate, dict(model.organic_rates),
                       model.trigger, dict(model.consent))


def _apply(base: ResponseModel, data: dict, where: str) -> ResponseModel:
    """``base`` with the keys of ``data`` laid over it (checked)."""
    channels = dict(base.channels)
    raw_channels = data.get("channels", {})
    if not isinstance(raw_channels, dict):
        raise JourneyFormatError("must be an object keyed by channel kind", path=f"{where}.channels")
    for kind, value in raw_channels.items():
        if kind not in CHANNEL_KINDS:
            raise JourneyFormatError(f"unknown channel kind '{kind}' (use {', '.join(CHANNEL_KINDS)})",
                                     path=f"{where}.channels")
        channels[kind] = ChannelResponse.from_json(value, f"{where}.channels.{kind}", channels[kind])
    rates = dict(base.organic_rates)
    raw_rates = data.get("organic_rates", {})
    if not isinstance(raw_rates, dict):
        raise JourneyFormatError("must be an object keyed by event name", path=f"{where}.organic_rates")
    for event, rate in raw_rates.items():
        rates[str(event)] = _positive(rate, f"{where}.organic_rates.{event}")
    consent = dict(base.consent)
    raw_consent = data.get("consent", {})
    if not isinstance(raw_consent, dict):
        raise JourneyFormatError("must be an object keyed by channel kind", path=f"{where}.consent")
    for kind, share in raw_consent.items():
        if kind not in CHANNEL_KINDS:
            raise JourneyFormatError(f"unknown channel kind '{kind}'", path=f"{where}.consent")
        consent[kind] = _probability(share, f"{where}.consent.{kind}")
    return ResponseModel(
        channels=channels,
        organic_daily_rate=_positive(data.get("organic_daily_rate", base.organic_daily_rate),
                                     f"{where}.organic_daily_rate"),
        organic_rates=rates,
        trigger=TriggerResponse.from_json(data["trigger"], f"{where}.trigger", base.trigger)
        if "trigger" in data else base.trigger,
        consent=consent,
        personas=base.personas,
    )
