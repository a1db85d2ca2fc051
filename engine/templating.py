"""Message templates: subjects and bodies filled in with customer and event values, safely.

Templates are Jinja2, rendered in an :class:`~jinja2.sandbox.ImmutableSandboxedEnvironment` with
only two roots, ``customer`` (the profile attributes, ``customer.first_name``) and ``event`` (the
properties of the event that started or resumed the run, ``event.order_id``), plus ``range`` and
``dict``. A template is written by a marketer but fed with data from outside, so it is treated as
untrusted in both directions:

- *Escapes are refused before anything runs.* Private attributes (``''.__class__``), includes and
  imports are found in the parsed template and refused with
  :class:`~engine.errors.TemplateRefused`; the sandbox refuses what can only be seen at run time
  (``x[name]`` with a computed name, unsafe methods). Values only offer a short list of methods
  (``upper``, ``split``, ``replace``...), and only the filters in :data:`FILTERS` exist.
- *Rendering is bounded.* The output (``max_chars``, 100 000 by default) is counted as it streams;
  so is text written into macro and ``set`` buffers. Every arithmetic operator is intercepted and
  checks the size of its result before computing it (``'x' * 10**9`` and ``10**10**10`` are refused
  without being built); ``range()`` stops at :data:`MAX_RANGE` items; turning a value into text is
  refused when the text would be too long. Time (``max_seconds``, 1 s by default) is checked at
  every loop iteration (the compiled template wraps every ``for`` loop's iterable), every call,
  attribute lookup and operator, so nested loops with empty bodies stop too. Anything that hits a
  bound raises :class:`~engine.errors.TemplateLimitExceeded`.
- *Errors say where.* A missing value names its full path and line (``line 2: 'customer.first_name'
  is missing``); ``{{ customer.first_name | default('there') }}`` and ``{% if customer.x %}`` are
  fine. :func:`check` lists the problems of a template without rendering it, for the editor.

Rendered values are written as the old placeholder renderer wrote them: ``None`` as nothing,
booleans as ``true``/``false``, whole floats without ``.0``. With ``html=True`` every value is
HTML-escaped (autoescape); the template's own markup is kept. With ``json=True`` (a webhook's JSON
body) every printed text is escaped as the inside of a JSON string, so a value holding ``"`` or
``\\`` stays inside the string it is printed in and cannot add fields to the document; numbers and
``true``/``false`` print as they are, and ``{{ event.items | tojson }}`` prints a value as JSON
(a list, an object, a quoted text).
"""

from __future__ import annotations

import json
import math
import re
import string
import time
import types
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, date, datetime
from datetime import time as dtime
from functools import lru_cache, update_wrapper
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jinja2 import ChainableUndefined, StrictUndefined, Template, TemplateSyntaxError, Undefined, nodes
from jinja2.compiler import CodeGenerator, Frame, optimizeconst
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import missing

from engine.errors import JourneyStudioError, TemplateError, TemplateLimitExceeded, TemplateRefused

#: Default bound on the rendered text, in characters.
MAX_CHARS = 100_000
#: Default bound on rendering time, in seconds.
MAX_SECONDS = 1.0
#: Longest template accepted, in characters.
MAX_TEMPLATE_CHARS = 100_000
#: Most items ``range()`` may give (Jinja's own sandbox allows 100 000).
MAX_RANGE = 10_000
#: Largest integer a template may compute, in bits (about 300 decimal digits).
MAX_INT_BITS = 1024
#: Text written into macro, ``set`` and ``filter`` buffers, as a multiple of ``max_chars``.
BUFFER_FACTOR = 10
#: The names a template can read besides its own variables.
ROOTS = ("customer", "event")

_TEMPLATE_FILE = "<template>"


# ---------------------------------------------------------------------------------------------
# Bounds
# ---------------------------------------------------------------------------------------------


class _Bound(Exception):
    """Raised inside rendering when a bound is hit; turned into TemplateLimitExceeded with a line."""


class _Refused(SecurityError):
    """Raised inside rendering for a refused operation; turned into TemplateRefused with a line."""


@dataclass
class _Budget:
    deadline: float
    max_seconds: float
    max_chars: int
    buffered: int = 0

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise _Bound(f"the template took longer than the limit of {self.max_seconds:g} s to render "
                         "(a loop that runs too many times?)")


_BUDGET: ContextVar[_Budget | None] = ContextVar("journey_studio_template_budget", default=None)


def _budget() -> _Budget | None:
    return _BUDGET.get()


def _tick() -> None:
    budget = _BUDGET.get()
    if budget is not None:
        budget.tick()


def _limit() -> int:
    budget = _BUDGET.get()
    return budget.max_chars if budget is not None else MAX_CHARS


def _too_long(size: int, what: str) -> _Bound:
    return _Bound(f"{what} would be {size:,} characters long, more than the limit of {_limit():,}")


def _text_size(value: Any, limit: int) -> int:
    """About how many characters ``str(value)`` has; stops counting past ``limit``."""
    total = 0
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            total += len(item)
        elif isinstance(item, bool) or item is None:
            total += 5
        elif isinstance(item, int):
            total += item.bit_length() // 3 + 2
        elif isinstance(item, (float, date, dtime)):
            total += 32
        elif isinstance(item, _Record):
            total += 2 + len(item)
            stack.extend(item._values.keys())
            stack.extend(item._values.values())
        elif isinstance(item, Mapping):
            total += 2 + 4 * len(item)
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            total += 2 + 2 * len(item)
            stack.extend(item)
        else:  # ranges, generators, loop helpers: their text is short
            total += 32
        if total > limit:
            return total
    return total


def _check_text_size(value: Any, what: str) -> None:
    limit = _limit()
    size = _text_size(value, limit)
    if size > limit:
        raise _Bound(f"{what} would be more than the limit of {limit:,} characters")


def _check_value(value: Any) -> None:
    """A computed value must fit the bounds: text and lists up to the limit, integers up to
    :data:`MAX_INT_BITS` bits."""
    if isinstance(value, (str, list, tuple)) and len(value) > _limit():
        raise _too_long(len(value), "a value")
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > MAX_INT_BITS:
        raise _Bound(f"a number in the template has more than {MAX_INT_BITS} bits")


_SEQUENCES = (str, list, tuple)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_binop(operator: str, left: Any, right: Any) -> None:
    """Refuse an operation whose result would be too big, before computing it."""
    limit = _limit()
    if operator == "*":
        if isinstance(left, _SEQUENCES) and _is_int(right):
            size = len(left) * max(right, 0)
        elif _is_int(left) and isinstance(right, _SEQUENCES):
            size = len(right) * max(left, 0)
        elif _is_int(left) and _is_int(right):
            if left.bit_length() + right.bit_length() > MAX_INT_BITS:
                raise _Bound(f"a multiplication would give a number of more than {MAX_INT_BITS} bits")
            return
        else:
            return
        if size > limit:
            raise _too_long(size, "a repeated value")
    elif operator == "**":
        if _is_int(left) and _is_int(right) and right > 0 and abs(left) > 1:
            # 2**1024 already has 1025 bits; bit_length * exponent bounds the result from above
            if (abs(left).bit_length() - 1) * right >= MAX_INT_BITS:
                raise _Bound(f"a power would give a number of more than {MAX_INT_BITS} bits")
    elif operator == "+":
        if isinstance(left, _SEQUENCES) and isinstance(right, _SEQUENCES):
            size = len(left) + len(right)
            if size > limit:
                raise _too_long(size, "a joined value")
    elif operator == "%" and isinstance(left, str):
        _check_printf(left)
        _check_text_size(right, "a formatted value")


_PRINTF = re.compile(r"%(?:\([^)]*\))?[#0 +\-]*(\*|\d+)?(?:\.(\*|\d+))?")


def _check_printf(fmt: str) -> None:
    limit = _limit()
    for width, precision in _PRINTF.findall(fmt):
        for number in (width, precision):
            if number == "*":
                raise _Refused("a '*' width in % formatting is not allowed in templates")
            if number and int(number) > limit:
                raise _too_long(int(number), "a formatted value")


def _check_format_string(fmt: str) -> None:
    limit = _limit()
    try:
        parsed = list(string.Formatter().parse(fmt))
    except ValueError:
        return  # the call itself reports the bad format
    for _literal, _field, spec, _conversion in parsed:
        if not spec:
            continue
        if "{" in spec:
            raise _Refused("nested {} fields in a format specification are not allowed in templates")
        for number in re.findall(r"\d+", spec):
            if int(number) > limit:
                raise _too_long(int(number), "a formatted value")


def _check_str_call(method: Any, args: tuple, kwargs: dict) -> None:
    """Bound the ``str`` methods whose result can be much longer than their input."""
    text: str = method.__self__
    name = method.__name__
    limit = _limit()
    if name in ("center", "ljust", "rjust", "zfill"):
        width = args[0] if args else kwargs.get("width", 0)
        if _is_int(width) and width > limit:
            raise _too_long(width, f"the result of {name}()")
    elif name == "replace":
        if len(args) >= 2 and isinstance(args[0], str) and isinstance(args[1], str):
            old, new = args[0], args[1]
            count = args[2] if len(args) > 2 else kwargs.get("count", -1)
            found = text.count(old) if old else len(text) + 1
            if _is_int(count) and count >= 0:
                found = min(found, count)
            size = len(text) + found * (len(new) - len(old))
            if size > limit:
                raise _too_long(size, "the result of replace()")
    elif name == "join" and args:
        items = args[0]
        if isinstance(items, (list, tuple)):
            size = sum(_text_size(i, limit) for i in items) + len(text) * max(len(items) - 1, 0)
            if size > limit:
                raise _too_long(size, "the result of join()")


#: Methods a template may call on built-in values; every other method is refused.
_METHODS: tuple[tuple[type, frozenset[str]], ...] = (
    (str, frozenset({
        "capitalize", "casefold", "center", "count", "endswith", "find", "format", "format_map", "index",
        "isalnum", "isalpha", "isascii", "isdecimal", "isdigit", "islower", "isnumeric", "isspace",
        "istitle", "isupper", "join", "ljust", "lower", "lstrip", "partition", "removeprefix",
        "removesuffix", "replace", "rfind", "rindex", "rjust", "rpartition", "rsplit", "rstrip", "split",
        "splitlines", "startswith", "strip", "swapcase", "title", "upper", "zfill"})),
    (bool, frozenset()),
    (int, frozenset({"bit_length"})),
    (float, frozenset({"is_integer"})),
    (list, frozenset({"count", "index"})),
    (tuple, frozenset({"count", "index"})),
    (dict, frozenset({"get", "items", "keys", "values"})),
    (datetime, frozenset({"date", "isoformat", "isoweekday", "time", "timestamp", "weekday"})),
    (date, frozenset({"isoformat", "isoweekday", "weekday"})),
)


def _allowed_method(obj: Any, attr: str) -> bool | None:
    for kind, allowed in _METHODS:
        if isinstance(obj, kind):
            return attr in allowed
    return None


# ---------------------------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------------------------


class _Record:
    """A mapping of values (the customer, the event, a nested object) that knows its path, so that
    a missing value is reported as ``customer.address.city``. Its keys are its attributes: a key
    called ``items`` is the value, never a method."""

    __slots__ = ("_path", "_values")

    def __init__(self, path: str, values: dict[str, Any]):
        self._path = path
        self._values = values

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __contains__(self, key: object) -> bool:
        return key in self._values

    def __bool__(self) -> bool:
        return bool(self._values)

    def __str__(self) -> str:
        return str(_plain(self))

    __repr__ = __str__


def _plain(value: Any) -> Any:
    if isinstance(value, _Record):
        return {k: _plain(v) for k, v in value._values.items()}
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


#: Values passed as they are; paths are spelled out only for what holds more values (a profile is
#: mostly plain values, and checking them against ``Mapping`` one by one is slow).
_PLAIN = frozenset({str, int, float, bool, type(None)})


def _wrap(value: Any, path: str) -> Any:
    if type(value) in _PLAIN or isinstance(value, _Record):
        return value
    if isinstance(value, Mapping):
        return _Record(path, {str(k): v if type(v) in _PLAIN else _wrap(v, f"{path}.{k}") for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(v if type(v) in _PLAIN else _wrap(v, f"{path}[{i}]") for i, v in enumerate(value))
    return value


def _missing_message(undefined: Undefined) -> str:
    hint = undefined._undefined_hint
    if hint:
        return hint
    obj, name = undefined._undefined_obj, undefined._undefined_name
    if isinstance(obj, _Record):
        return f"'{obj._path}.{name}' is missing; give it a fallback with | default('...')"
    if obj is missing:
        roots = " and ".join(f"'{r}.…'" for r in ROOTS)
        return f"'{name}' is not defined; templates can read {roots}"
    if isinstance(obj, tuple) and _is_int(name):
        return f"there is no item {name} in a list of {len(obj)}"
    return f"a {type(obj).__name__} value has no '{name}'"


class _StrictMissing(StrictUndefined):
    """A missing value: printing it, looping over it or comparing it is an error naming it;
    ``default`` replaces it and ``{% if %}`` reads it as false."""

    __slots__ = ()

    def __bool__(self) -> bool:
        return False

    @property
    def _undefined_message(self) -> str:
        return _missing_message(self)


class _LenientMissing(ChainableUndefined):
    """A missing value that prints as nothing, as do its attributes."""

    __slots__ = ()

    @property
    def _undefined_message(self) -> str:
        return _missing_message(self)


def _finalize(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Undefined):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if not isinstance(value, str):
        _check_text_size(value, "a printed value")
    return value


class _JsonText(str):
    """Text that is JSON already (the ``tojson`` filter's result): printed as it is in a JSON body."""

    __slots__ = ()


def _finalize_json(value: Any) -> Any:
    """What a JSON body prints for a value: its text escaped for the inside of a JSON string."""
    if isinstance(value, _JsonText):
        return str(value)
    value = _finalize(value)
    if isinstance(value, Undefined) or (isinstance(value, int | float) and not isinstance(value, bool)
                                        and math.isfinite(value)):
        return value
    return json.dumps(str(value), ensure_ascii=False)[1:-1]


def _plain(value: Any) -> Any:
    """A template value as the JSON it came from (records and tuples back to objects and lists)."""
    if isinstance(value, _Record):
        return {k: _plain(v) for k, v in value._values.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, datetime | date | dtime):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _tojson(value: Any) -> _JsonText:
    """The ``tojson`` filter: ``value`` as compact JSON text."""
    if isinstance(value, Undefined):
        str(value)  # a missing value: strict templates say which
        return _JsonText("null")
    return _JsonText(json.dumps(_plain(value), ensure_ascii=False, separators=(",", ":")))


# ---------------------------------------------------------------------------------------------
# Filters
# ---------------------------------------------------------------------------------------------

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_DATE_DIRECTIVES = "d e m Y y H I M S p B b A a j Z z %"


def _as_datetime(value: Any) -> datetime | date:
    if isinstance(value, (datetime, date)):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, UTC)
    if isinstance(value, str):
        text = value.strip()
        try:
            if len(text) == 10:
                return date.fromisoformat(text)
            return datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
        except ValueError:
            pass
    raise TemplateError(f"the date filter cannot read {str(value)[:60]!r} as a date "
                        "(give a date, an ISO 8601 text such as 2024-05-01T09:30:00Z, or seconds since 1970)")


def _format_date(moment: datetime | date, fmt: str) -> str:
    out: list[str] = []
    i = 0
    has_time = isinstance(moment, datetime)
    while i < len(fmt):
        ch = fmt[i]
        if ch != "%":
            out.append(ch)
            i += 1
            continue
        unpadded = fmt[i + 1:i + 2] == "-"
        code = fmt[i + 2:i + 3] if unpadded else fmt[i + 1:i + 2]
        i += 3 if unpadded else 2

        def num(n: int, width: int = 2, _unpadded: bool = unpadded) -> str:
            return str(n) if _unpadded else str(n).zfill(width)

        if code in "HIMSpZz" and code and not has_time:
            raise TemplateError(f"the date format uses %{code} but the value is a date without a time")
        if code == "d":
            out.append(num(moment.day))
        elif code == "e":
            out.append(str(moment.day))
        elif code == "m":
            out.append(num(moment.month))
        elif code == "Y":
            out.append(str(moment.year))
        elif code == "y":
            out.append(num(moment.year % 100))
        elif code == "j":
            out.append(num(moment.timetuple().tm_yday, 3))
        elif code == "B":
            out.append(_MONTHS[moment.month - 1])
        elif code == "b":
            out.append(_MONTHS[moment.month - 1][:3])
        elif code == "A":
            out.append(_DAYS[moment.weekday()])
        elif code == "a":
            out.append(_DAYS[moment.weekday()][:3])
        elif code == "%":
            out.append("%")
        elif isinstance(moment, datetime) and code == "H":
            out.append(num(moment.hour))
        elif isinstance(moment, datetime) and code == "I":
            out.append(num((moment.hour - 1) % 12 + 1))
        elif isinstance(moment, datetime) and code == "M":
            out.append(num(moment.minute))
        elif isinstance(moment, datetime) and code == "S":
            out.append(num(moment.second))
        elif isinstance(moment, datetime) and code == "p":
            out.append("AM" if moment.hour < 12 else "PM")
        elif isinstance(moment, datetime) and code == "Z":
            out.append(moment.tzname() or "")
        elif isinstance(moment, datetime) and code == "z":
            offset = moment.utcoffset()
            if offset is not None:
                minutes = int(offset.total_seconds() // 60)
                sign = "+" if minutes >= 0 else "-"
                out.append(f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}")
        else:
            shown = f"%{'-' if unpadded else ''}{code}" if code else "a lone %"
            raise TemplateError(f"the date format has {shown}, which is not a known directive; use "
                                + ", ".join(f"%{d}" for d in _DATE_DIRECTIVES.split()))
    return "".join(out)


def date_filter(value: Any, format: str = "%Y-%m-%d", zone: str | None = None) -> str:  # noqa: A002
    """``{{ event.ordered_at | date('%d %B %Y') }}``: a date in a strftime-like format (English
    names; ``%-d`` drops the leading zero), optionally converted to a time zone (an IANA name)."""
    moment = _as_datetime(value)
    if zone:
        if not isinstance(moment, datetime):
            raise TemplateError("the date filter can only convert a date with a time to a time zone")
        try:
            target = ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise TemplateError(f"the date filter got '{zone}', which is not a known time zone "
                                "(use a name such as Europe/Paris)") from None
        aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
        moment = aware.astimezone(target)
    return _format_date(moment, str(format))


def _guard_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a filter so that its input is not turned into an over-long text and its result fits."""
    skip = 1 if hasattr(func, "jinja_pass_arg") else 0

    def guarded(*args: Any, **kwargs: Any) -> Any:
        _tick()
        if len(args) > skip:
            _check_text_size(args[skip], f"the input of the '{name}' filter")
        if name == "join" and len(args) > skip and not isinstance(args[skip], Undefined):
            items = list(args[skip])
            sep = args[skip + 1] if len(args) > skip + 1 else kwargs.get("d", "")
            limit = _limit()
            size = sum(_text_size(i, limit) for i in items) + len(str(sep)) * max(len(items) - 1, 0)
            if size > limit:
                raise _too_long(size, "the result of the 'join' filter")
            args = (*args[:skip], items, *args[skip + 1:])
        if name == "replace" and len(args) > skip + 2:
            text, old, new = str(args[skip]), str(args[skip + 1]), str(args[skip + 2])
            found = text.count(old) if old else len(text) + 1
            size = len(text) + found * (len(new) - len(old))
            if size > _limit():
                raise _too_long(size, "the result of the 'replace' filter")
        result = func(*args, **kwargs)
        _check_value(result)
        return result

    update_wrapper(guarded, func)  # keeps the pass_context / pass_eval_context marker
    return guarded


#: The filters a template may use (Jinja's of these names, plus ``date``).
FILTERS = (
    "abs", "capitalize", "count", "d", "date", "default", "dictsort", "e", "escape", "first", "float", "int",
    "items", "join", "last", "length", "list", "lower", "map", "max", "min", "reject", "rejectattr", "replace",
    "reverse", "round", "select", "selectattr", "sort", "string", "striptags", "sum", "title", "tojson",
    "trim", "truncate", "unique", "upper", "urlencode", "wordcount",
)


# ---------------------------------------------------------------------------------------------
# The environment
# ---------------------------------------------------------------------------------------------


class _BoundedCodeGenerator(CodeGenerator):
    """Jinja's code generator with three hooks: every ``for`` loop iterates through
    ``environment.bounded_iter`` (a time check per item), every buffer counts what is written
    to it, and every ``~`` checks the size of its parts before joining them."""

    def buffer(self, frame: Frame) -> None:
        frame.buffer = self.temporary_identifier()
        self.writeline(f"{frame.buffer} = environment.output_buffer()")

    def visit_For(self, node: nodes.For, frame: Frame) -> None:
        it = node.iter
        if not (isinstance(it, nodes.Call) and isinstance(it.node, nodes.EnvironmentAttribute)
                and it.node.name == "bounded_iter"):
            hook = nodes.EnvironmentAttribute("bounded_iter", lineno=it.lineno)
            node.iter = nodes.Call(hook, [it], [], None, None, lineno=it.lineno)
            node.iter.set_environment(self.environment)
        super().visit_For(node, frame)

    @optimizeconst
    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        if frame.eval_ctx.volatile:
            func_name = "(markup_join if context.eval_ctx.volatile else str_join)"
        elif frame.eval_ctx.autoescape:
            func_name = "markup_join"
        else:
            func_name = "str_join"
        self.write(f"{func_name}(environment.checked_parts((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write(")))")


class _OutputBuffer(list):
    """A template buffer (macro body, ``set`` block) that counts the text written to it."""

    __slots__ = ()

    @staticmethod
    def _count(item: Any) -> None:
        budget = _budget()
        if budget is None:
            return
        budget.tick()
        if isinstance(item, str):
            budget.buffered += len(item)
            if budget.buffered > budget.max_chars * BUFFER_FACTOR:
                raise _Bound(f"the template wrote more than {budget.max_chars * BUFFER_FACTOR:,} characters "
                             "into macros and blocks (a macro called too many times?)")

    def append(self, item: Any) -> None:
        self._count(item)
        super().append(item)

    def extend(self, items: Iterable[Any]) -> None:
        items = tuple(items)
        for item in items:
            self._count(item)
        super().extend(items)


def _bounded_range(*args: Any) -> range:
    _tick()
    rng = range(*args)
    try:
        size = len(rng)
    except OverflowError:
        size = MAX_RANGE + 1
    if size > MAX_RANGE:
        raise _Bound(f"range() would give more than {MAX_RANGE:,} numbers, the limit in templates")
    return rng


def _bounded_iter(iterable: Any) -> Iterator[Any]:
    budget = _budget()
    for item in iterable:
        if budget is not None:
            budget.tick()
        yield item


def _checked_parts(parts: tuple[Any, ...]) -> tuple[Any, ...]:
    limit = _limit()
    size = 0
    for part in parts:
        size += _text_size(part, limit)
        if size > limit:
            raise _too_long(size, "a joined text (~)")
    return parts


class _Environment(ImmutableSandboxedEnvironment):
    """The sandbox with bounds: see the module documentation."""

    code_generator_class = _BoundedCodeGenerator
    intercepted_binops = frozenset({"+", "-", "*", "/", "//", "%", "**"})

    def __init__(self, *, escape: str, strict: bool):
        super().__init__(autoescape=escape == "html", undefined=_StrictMissing if strict else _LenientMissing,
                         finalize=_finalize_json if escape == "json" else _finalize, keep_trailing_newline=True,
                         auto_reload=False, cache_size=0)
        # no lipsum (CPU), cycler, joiner or namespace (mutable state that outlives a loop iteration)
        self.globals.clear()
        self.globals.update(range=_bounded_range, dict=dict)
        filters = {name: self.filters[name] for name in FILTERS if name in self.filters}
        filters["date"] = date_filter
        filters["tojson"] = _tojson
        self.filters = {name: _guard_filter(name, func) for name, func in filters.items()}
        self.bounded_iter = _bounded_iter
        self.output_buffer = _OutputBuffer
        self.checked_parts = _checked_parts

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if not super().is_safe_attribute(obj, attr, value):
            return False
        if callable(value) and isinstance(value, (types.BuiltinMethodType, types.MethodType)):
            allowed = _allowed_method(obj, attr)
            if allowed is not None:
                return allowed
        return True

    def unsafe_undefined(self, obj: Any, attribute: str) -> Undefined:
        # Refuse at once rather than return a value that fails later: the message names the culprit.
        raise _Refused(f"'{attribute}' of a {type(obj).__name__} value is not available in templates")

    def getattr(self, obj: Any, attribute: str) -> Any:
        _tick()
        if isinstance(obj, _Record):
            if attribute.startswith("_"):
                raise _Refused(f"'{attribute}' is a private name and cannot be used in templates")
            try:
                return obj._values[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        _tick()
        if isinstance(obj, _Record):
            if isinstance(argument, str) and argument.startswith("_"):
                raise _Refused(f"'{argument}' is a private name and cannot be used in templates")
            try:
                return obj._values[argument]
            except (KeyError, TypeError):
                return self.undefined(obj=obj, name=argument)
        return super().getitem(obj, argument)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapper = super().wrap_str_format(value)
        if wrapper is None:
            return None
        _check_format_string(value.__self__)

        def checked(*args: Any, **kwargs: Any) -> str:
            for arg in (*args, *kwargs.values()):
                _check_text_size(arg, "a formatted value")
            return wrapper(*args, **kwargs)

        return update_wrapper(checked, value)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        _tick()
        _check_binop(operator, left, right)
        try:
            result = self.binop_table[operator](left, right)
        except OverflowError:
            raise _Bound("a number in the template is too large") from None
        _check_value(result)
        return result

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        _tick()
        if not __self.is_safe_callable(__obj):
            raise _Refused(f"calling {getattr(__obj, '__name__', type(__obj).__name__)!s} is not allowed "
                           "in templates")
        if isinstance(__obj, types.BuiltinMethodType) and isinstance(getattr(__obj, "__self__", None), str):
            _check_str_call(__obj, args, kwargs)
        result = __context.call(__obj, *args, **kwargs)
        _check_value(result)
        return result


@lru_cache(maxsize=8)
def _environment(escape: str, strict: bool) -> _Environment:
    """The environment for an escape mode: ``""`` (plain text), ``"html"`` or ``"json"``."""
    return _Environment(escape=escape, strict=strict)


def writes_json(template: str) -> bool:
    """Whether ``template`` writes a JSON document (a webhook body such as
    ``{"order": "{{ event.order_id }}"}``) rather than text: it opens with ``{`` that starts no
    placeholder, or with ``[`` followed by what begins a JSON value (``[Shop] …`` is text)."""
    text = template.lstrip()
    if text[:1] == "{":
        return text[1:2] not in ("{", "%", "#")
    if text[:1] == "[":
        rest = text[1:].lstrip()
        return rest[:1] in ("{", "[", '"', "]", "-") or rest[:1].isdigit()
    return False


def _escape(html: bool, json: bool) -> str:
    return "html" if html else "json" if json else ""


# ---------------------------------------------------------------------------------------------
# Checking
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateProblem:
    """One finding of :func:`check`: ``error`` (rendering would fail) or ``warning``."""

    line: int | None
    message: str
    severity: Literal["error", "warning"] = "error"

    def describe(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


def _refusals(tree: nodes.Template) -> list[TemplateProblem]:
    found: list[TemplateProblem] = []
    for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Include, nodes.Import, nodes.FromImport,
                               nodes.Extends)):
        if isinstance(node, nodes.Getattr):
            name = node.attr
        elif isinstance(node, nodes.Getitem):
            if not (isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str)):
                continue
            name = node.arg.value
        else:
            found.append(TemplateProblem(node.lineno, "templates cannot include, import or extend other "
                                                      "templates; this is not allowed"))
            continue
        if name.startswith("_"):
            found.append(TemplateProblem(node.lineno, f"'{name}' is a private attribute; reaching into "
                                                      "Python internals is not allowed in templates"))
    return found


def _parse(template: str, *, escape: str, strict: bool, name: str | None) -> nodes.Template:
    if not isinstance(template, str):
        raise TemplateError(f"a template must be text, not {type(template).__name__}", name=name)
    if len(template) > MAX_TEMPLATE_CHARS:
        raise TemplateLimitExceeded(f"the template is {len(template):,} characters long, more than the limit "
                                    f"of {MAX_TEMPLATE_CHARS:,}", name=name)
    try:
        return _environment(escape, strict).parse(template)
    except TemplateSyntaxError as exc:
        raise TemplateError(_syntax_message(exc), line=exc.lineno, name=name) from None


def _syntax_message(exc: TemplateSyntaxError) -> str:
    message = exc.message or "syntax error"
    if message.startswith("No filter named"):
        allowed = ", ".join(sorted(set(FILTERS) - {"d", "e"}))
        return f"there is no filter named{message[len('No filter named'):].rstrip('.')}; the filters are {allowed}"
    if message.startswith("No test named"):
        return f"there is no test named{message[len('No test named'):].rstrip('.')}"
    return f"syntax error: {message}"


@lru_cache(maxsize=256)
def _compile(template: str, escape: str, strict: bool) -> Template:
    return _environment(escape, strict).from_string(template)


@lru_cache(maxsize=256)
def _prepared(template: str, escape: str, strict: bool) -> Template:
    """The template parsed, checked for refused constructs and compiled, once per text (a failure is
    not kept: it is raised again, from scratch, the next time)."""
    tree = _parse(template, escape=escape, strict=strict, name=None)
    refused = _refusals(tree)
    if refused:
        raise TemplateRefused(refused[0].message, line=refused[0].line)
    try:
        compiled = _environment(escape, strict).from_string(tree)
    except TemplateSyntaxError as exc:
        raise TemplateError(_syntax_message(exc), line=exc.lineno) from None
    # Jinja keeps a template's globals as a ChainMap over the environment's, and every render
    # copies and lists them; the sandbox's globals never change, so one plain dict serves.
    compiled.globals = dict(compiled.globals)
    return compiled


def check(template: str, *, html: bool = False, json: bool = False,
          roots: Iterable[str] = ROOTS) -> list[TemplateProblem]:
    """The problems of ``template`` without rendering it: syntax errors, unknown filters, refused
    constructs (errors) and names that are not ``customer``/``event`` or set by the template
    (warnings), each with its line. An empty list means it can be rendered."""
    try:
        tree = _parse(template, escape=_escape(html, json), strict=True, name=None)
    except TemplateError as exc:
        return [TemplateProblem(exc.line, exc.message)]
    problems = _refusals(tree)
    try:
        _compile(template, _escape(html, json), True)  # compiling runs nothing; it finds unknown filters and tests
    except TemplateSyntaxError as exc:
        problems.append(TemplateProblem(exc.lineno, _syntax_message(exc)))
    known = set(roots) | set(_environment(_escape(html, json), True).globals) | {"loop", "caller", "varargs", "kwargs"}
    known |= {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
    known |= {m.name for m in tree.find_all(nodes.Macro)}
    unknown = {n.name for n in tree.find_all(nodes.Name) if n.ctx == "load"} - known
    reported: set[str] = set()
    for node in tree.find_all(nodes.Name):
        if node.ctx == "load" and node.name in unknown and node.name not in reported:
            reported.add(node.name)
            problems.append(TemplateProblem(node.lineno, f"'{node.name}' is not defined; templates can read "
                                            + " and ".join(f"'{r}.…'" for r in roots), "warning"))
    return sorted(problems, key=lambda p: (p.line or 0, p.severity != "error"))


# ---------------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------------


def _template_line(exc: BaseException) -> int | None:
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == _TEMPLATE_FILE:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def render(template: str, context: Mapping[str, Any], *, html: bool = False, json: bool = False,
           max_chars: int = MAX_CHARS, max_seconds: float = MAX_SECONDS, strict: bool = True,
           name: str | None = None) -> str:
    """Render ``template`` with ``context`` (usually ``{"customer": {...}, "event": {...}}``; nested
    mappings are read as ``customer.address.city``).

    ``html`` escapes every value for HTML, ``json`` for the inside of a JSON string (see the
    module documentation); ``strict`` (the default) makes printing a missing value an error
    naming it, otherwise it prints as nothing. ``name`` (``subject``, ``body``) prefixes messages.
    Raises :class:`~engine.errors.TemplateError` (syntax, missing value, bad value),
    :class:`~engine.errors.TemplateRefused` (a forbidden construct, never run) or
    :class:`~engine.errors.TemplateLimitExceeded` (a bound hit), each with the template line when
    known.
    """
    if "{" not in template and len(template) <= max_chars:
        return template
    try:
        compiled = _prepared(template, _escape(html, json), strict)
    except TemplateError as exc:
        raise type(exc)(exc.message, line=exc.line, name=name) from None
    values = {str(k): _wrap(v, str(k)) for k, v in context.items()}
    budget = _Budget(deadline=time.monotonic() + max_seconds, max_seconds=max_seconds, max_chars=max_chars)
    token = _BUDGET.set(budget)
    try:
        out: list[str] = []
        size = 0
        for chunk in compiled.generate(values):
            size += len(chunk)
            if size > max_chars:
                raise TemplateLimitExceeded(f"the rendered text is longer than the limit of {max_chars:,} "
                                            "characters", name=name)
            out.append(chunk)
        return "".join(out)
    except _Bound as exc:
        raise TemplateLimitExceeded(str(exc), line=_template_line(exc), name=name) from None
    except SecurityError as exc:
        raise TemplateRefused(str(exc), line=_template_line(exc), name=name) from None
    except UndefinedError as exc:
        raise TemplateError(exc.message or "a value is missing", line=_template_line(exc), name=name) from None
    except TemplateLimitExceeded:
        raise
    except TemplateError as exc:
        raise type(exc)(exc.message, line=exc.line or _template_line(exc), name=name) from None
    except RecursionError:
        raise TemplateLimitExceeded("the template calls itself too deeply (a macro that never stops?)",
                                    name=name) from None
    except MemoryError:
        raise TemplateLimitExceeded("the template needs too much memory", name=name) from None
    except JourneyStudioError:
        raise
    except Exception as exc:
        raise TemplateError(f"{type(exc).__name__}: {exc}", line=_template_line(exc), name=name) from None
    finally:
        _BUDGET.reset(token)


__all__ = [
    "FILTERS",
    "MAX_CHARS",
    "MAX_RANGE",
    "MAX_SECONDS",
    "ROOTS",
    "TemplateProblem",
    "check",
    "date_filter",
    "render",
    "writes_json",
]
