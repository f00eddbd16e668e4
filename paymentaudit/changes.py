"""What differs inside two values, element by element: for finding messages and report tables.

A difference between two lists of rules or policy statements is stated by the elements only
one side has, and a difference between two mappings by the keys that differ, recursively, so
a message names what changed instead of the first 80 characters of two long JSON texts.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from paymentaudit.model import canonical_json

# How far a list of one changed element is followed into that element (Statement -> Resource).
MAX_DEPTH = 4


@dataclass(frozen=True)
class Change:
    """One element-level difference below an attribute."""

    sign: str  # "+" only in the new value, "-" only in the old value, "~" changed
    path: str  # below the attribute: "" (the value itself), ".key", "[]" (a list element)
    old: Any = None
    new: Any = None


def changes(old: Any, new: Any, path: str = "", depth: int = 0) -> list[Change]:
    """The differences between ``old`` and ``new``: list elements one side lacks, mapping keys
    added, removed or changed (recursively); a scalar change is one "~" Change."""
    return list(_walk(old, new, path, depth))


def _walk(old: Any, new: Any, path: str, depth: int) -> Iterator[Change]:
    if isinstance(old, dict) and isinstance(new, dict) and depth < MAX_DEPTH:
        for k in sorted(old.keys() | new.keys(), key=str):
            sub = f"{path}.{k}"
            if k not in old:
                yield Change("+", sub, None, new[k])
            elif k not in new:
                yield Change("-", sub, old[k], None)
            elif old[k] != new[k]:
                yield from _walk(old[k], new[k], sub, depth + 1)
        return
    if isinstance(old, list) and isinstance(new, list) and depth < MAX_DEPTH:
        old_keys = {canonical_json(x) for x in old}
        new_keys = {canonical_json(x) for x in new}
        added = [x for x in new if canonical_json(x) not in old_keys]
        removed = [x for x in old if canonical_json(x) not in new_keys]
        if not added and not removed:
            yield Change("~", path + " (order)", old, new)
            return
        if len(added) == 1 and len(removed) == 1 and _same_kind(removed[0], added[0]):
            # One element changed (a statement, a rule): say what changed inside it.
            yield from _walk(
                removed[0], added[0], f"{path}[{_label(removed[0], added[0])}]", depth + 1
            )
            return
        yield from (Change("+", f"{path}[]", None, x) for x in added)
        yield from (Change("-", f"{path}[]", x, None) for x in removed)
        return
    yield Change("~", path, old, new)


def _same_kind(a: Any, b: Any) -> bool:
    return any(isinstance(a, t) and isinstance(b, t) for t in (dict, list))


def _label(a: Any, b: Any) -> str:
    """An element's identity when both sides share one (a policy statement's Sid, a name)."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in ("Sid", "sid", "name", "Name", "id", "key"):
            if key in a and a.get(key) == b.get(key) and isinstance(a[key], str | int):
                return f"{key}={a[key]}"
    return ""


def render(change: Change) -> str:
    """A change as one line for matching: ``+ <json>``, ``- <json>`` or ``~ <json> -> <json>``."""
    if change.sign == "+":
        return f"+ {canonical_json(change.new)}"
    if change.sign == "-":
        return f"- {canonical_json(change.old)}"
    return f"~ {canonical_json(change.old)} -> {canonical_json(change.new)}"


def short(value: Any, limit: int = 80) -> str:
    """A value for a message: JSON cut to ``limit`` characters, ``(none)`` for None."""
    if value is None:
        return "(none)"
    text = json.dumps(value, default=str, sort_keys=True)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def describe(
    path: str,
    old: Any,
    new: Any,
    old_label: str,
    new_label: str,
    limit: int = 3,
    *,
    earlier: bool = False,
) -> str:
    """A one-line message: what differs at ``path`` between the two sides, element by element.

    Two environments read "80 in dev, 90 in prod-abc123"; with ``earlier`` (the same
    environment at two times, ``old_label`` the earlier time) "was 80 at 2026-11-29 19:00Z,
    now 90".
    """
    found = changes(old, new)

    def both(where: str, a: Any, b: Any) -> str:
        if earlier:
            return f"{where}: was {short(a)} at {old_label}, now {short(b)}"
        return f"{where}: {short(a)} in {old_label}, {short(b)} in {new_label}"

    def only(values: str, in_new: bool) -> str:
        if earlier:
            return f"{values} {'only now' if in_new else f'only at {old_label}'}"
        return f"{values} only in {new_label if in_new else old_label}"

    if len(found) == 1 and found[0].path == "":
        return both(path, old, new)
    # Elements one side lacks at the same place are listed together.
    groups: dict[tuple[str, str], list[Change]] = {}
    for i, c in enumerate(found):
        key = (c.sign, c.path) if c.sign in "+-" else (c.sign, str(i))
        groups.setdefault(key, []).append(c)
    parts = []
    for (sign, _), group in list(groups.items())[:limit]:
        c = group[0]
        where = f"{path}{c.path}"
        if sign in "+-":
            values = ", ".join(short(x.new if sign == "+" else x.old, 120) for x in group)
            parts.append(f"{where}: {only(values, sign == '+')}")
        elif c.path.endswith(" (order)"):
            parts.append(f"{where}: same elements in another order")
        else:
            parts.append(both(where, c.old, c.new))
    more = f" (and {len(groups) - limit} more)" if len(groups) > limit else ""
    return "; ".join(parts) + more
