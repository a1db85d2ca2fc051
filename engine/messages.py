"""Validation messages a marketer can read.

pydantic reports problems for programmers ("String should match pattern '^([01]\\d|…'",
"Input should be a valid dictionary…") and puts a tagged union's tag into the error location
("wait.until_event.timeout.amount" where the file says "wait.timeout.amount"). This module turns
each error into a plain sentence and a location that matches the data the user wrote.
"""

from __future__ import annotations

from typing import Any

_PATTERN_HINTS = {
    r"^([01]\d|2[0-3]):[0-5]\d$": "use a 24-hour time such as 09:00",
    r"^#[0-9A-Fa-f]{6}$": "use a colour such as #7E57C2",
}


def clean_loc(loc: tuple, data: Any) -> tuple:
    """Drop union tags and validator names from ``loc`` so it walks ``data`` as written."""
    out: list = []
    current = data
    for part in loc:
        if isinstance(part, str) and ("[" in part or part.startswith("function-")):
            continue
        if isinstance(current, dict):
            if part in current:
                out.append(part)
                current = current[part]
                continue
            if current.get("kind") == part:
                continue  # the discriminator's value, not a key of the data
            out.append(part)
            current = None
        elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            out.append(part)
            current = current[part]
        else:
            out.append(part)
            current = None
    return tuple(out)


def friendly(err: dict) -> str:
    """One sentence for one pydantic error (without the location, which is reported apart)."""
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    msg = str(err.get("msg", "invalid value"))
    if kind == "string_pattern_mismatch":
        hint = _PATTERN_HINTS.get(str(ctx.get("pattern", "")))
        return hint or "has the wrong format"
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a setting of this node"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "expected a group of settings (a JSON object)"
    if kind in ("list_type", "tuple_type"):
        return "expected a list"
    if kind in ("string_type",):
        return "expected text"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return "expected a whole number"
    if kind in ("float_type", "float_parsing"):
        return "expected a number"
    if kind in ("bool_type", "bool_parsing"):
        return "expected yes or no (true or false)"
    if kind == "greater_than_equal":
        return f"must be at least {ctx.get('ge')}"
    if kind == "greater_than":
        return f"must be more than {ctx.get('gt')}"
    if kind == "less_than_equal":
        return f"must be at most {ctx.get('le')}"
    if kind == "less_than":
        return f"must be less than {ctx.get('lt')}"
    if kind == "string_too_short":
        return "must not be empty" if ctx.get("min_length") == 1 else f"needs at least {ctx.get('min_length')} characters"
    if kind == "string_too_long":
        return f"must be at most {ctx.get('max_length')} characters"
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length')} item(s)"
    if kind == "too_long":
        return f"allows at most {ctx.get('max_length')} item(s)"
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected', '')}"
    if kind == "union_tag_invalid":
        return f"unknown kind {ctx.get('tag')!r}; expected one of {ctx.get('expected_tags', '')}"
    if kind == "union_tag_not_found":
        return "says which kind it is in 'kind', and that is missing"
    if kind == "value_error" and msg.startswith("Value error, "):
        return msg[len("Value error, "):]
    if kind == "assertion_error" and msg.startswith("Assertion failed, "):
        return msg[len("Assertion failed, "):]
    return msg[:1].lower() + msg[1:] if msg else "invalid value"


def errors_of(exc, data: Any) -> list[tuple[str, str]]:
    """``[(dotted path as the user wrote it, sentence)]`` for a pydantic ``ValidationError``."""
    out = []
    for err in exc.errors(include_url=False):
        loc = clean_loc(tuple(err.get("loc", ())), data)
        out.append((".".join(str(p) for p in loc), friendly(err)))
    return out
