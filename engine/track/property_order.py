"""The order in which an event's properties are shown to a person.

SDKs add their own metadata to an event's properties, under names that start with ``$``: the
collector stores a Segment call's ``context`` as ``$context`` and a Sensors event carries
``$lib``, ``$lib_version``, ``$os``... Sorted by name, or in the order a Sensors SDK sends them,
that metadata comes first and a one-line rendering (the Collector window's latest events, the
Tracking panel's examples) shows nothing but it. :func:`display_order` puts the properties a
person asked about first, then the event's own properties, then the ``$`` metadata.

Only the order changes: no property is dropped or altered. Headless (no Qt), so that every window
and the command line order alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

#: Properties whose name starts with this are SDK metadata (``$context``, ``$lib``...).
METADATA_PREFIX = "$"
#: The key :func:`engine.track.tracking_plan.bounded_example` puts in an example it had to cut.
CUT_MARKER = "…"


def is_metadata(name: Any) -> bool:
    """Whether a property name is SDK metadata (``$context``, Sensors' ``$lib``...)."""
    return isinstance(name, str) and name.startswith(METADATA_PREFIX)


def display_order(properties: Mapping[str, Any] | None, first: Iterable[str] = (), *,
                  sort: bool = False) -> dict[str, Any]:
    """``properties`` re-ordered for display: the names in ``first`` (in their order), then the
    event's own properties, then the ``$``-prefixed metadata, then the marker of a cut example.

    A dotted name in ``first`` (``shipping.city``) that is not a property of its own brings the
    property holding it (``shipping``) forward, as :func:`engine.runtime.triggers.lookup` reads it.
    Names in ``first`` that the event lacks are skipped. ``sort`` sorts the own properties and the
    metadata by name; otherwise each keeps the order it came in.
    """
    props = dict(properties or {})
    keys = list(props)
    if sort:
        keys.sort(key=str)
    leading: list[str] = []
    for name in first:
        if not name:
            continue
        if name not in props and "." in name:
            name = name.split(".", 1)[0]
        if name in props and name not in leading:
            leading.append(name)
    taken = set(leading)
    own = [k for k in keys if k not in taken and not is_metadata(k) and k != CUT_MARKER]
    metadata = [k for k in keys if k not in taken and is_metadata(k)]
    marker = [CUT_MARKER] if CUT_MARKER in props and CUT_MARKER not in taken else []
    return {k: props[k] for k in (*leading, *own, *metadata, *marker)}
