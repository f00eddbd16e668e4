"""The compare engine: pair resources by (type, logical name) and diff each pair.

Pairs whose normalized configurations are equal are skipped before DeepDiff runs, so
DeepDiff only sees the few pairs that differ. Every step is linear in the number of
resources: one dict lookup per pair, one equality test per pair.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from paymentaudit._callable import make_callable
from paymentaudit.model import ResourceKey


def _import_deepdiff() -> Any:
    """DeepDiff, imported without numpy and pandas when they are not loaded yet.

    deepdiff imports both, if installed, to recognize their types; configurations here are
    plain JSON, and the two imports would cost the CLI a third of a second and 40 MB. A
    process that already uses pandas (a notebook) keeps the full import.
    """
    blocked = [name for name in ("numpy", "pandas") if name not in sys.modules]
    for name in blocked:
        sys.modules[name] = None  # type: ignore[assignment]  # "import numpy" now fails fast
    try:
        from deepdiff import DeepDiff as deep_diff
    finally:
        for name in blocked:
            if sys.modules.get(name) is None:
                del sys.modules[name]
    return deep_diff


DeepDiff = _import_deepdiff()

_MISSING = object()


@dataclass(frozen=True)
class Change:
    """One differing attribute of a resource pair."""

    path: str  # dotted; list-valued attributes are reported at the list's path
    baseline: Any  # None when absent on that side
    target: Any


@dataclass(frozen=True)
class PairDiff:
    """The outcome of comparing one resource key across two sides."""

    key: ResourceKey
    status: str  # "equal" | "changed" | "missing" | "unexpected"
    changes: tuple[Change, ...] = ()


def format_path(parts: list[Any]) -> str:
    """Dotted path; a key that itself holds a dot is written in brackets."""
    out = []
    for part in parts:
        text = str(part)
        if out and ("." in text or not text):
            out[-1] += f"[{text}]"
        elif not out and "." in text:
            out.append(f"[{text}]")
        else:
            out.append(text)
    return ".".join(out)


def _dig(data: Any, parts: list[Any]) -> Any:
    for part in parts:
        if isinstance(data, Mapping) and part in data:
            data = data[part]
        else:
            return None
    return data


def diff_configs(baseline: Mapping[str, Any], target: Mapping[str, Any]) -> list[Change]:
    """The changed attribute paths between two normalized configurations (DeepDiff)."""
    if baseline == target:
        return []
    # ignore_private_variables=False: DeepDiff would otherwise skip keys starting with "__"
    # (a tag or an environment variable may well be named so).
    tree = DeepDiff(
        baseline,
        target,
        ignore_order=False,
        ignore_private_variables=False,
        view="tree",
        verbose_level=2,
    )
    paths: dict[tuple[Any, ...], None] = {}
    for category in tree:
        for level in tree[category]:
            parts = level.path(output_format="list")
            cut = next((i for i, p in enumerate(parts) if isinstance(p, int)), len(parts))
            paths[tuple(parts[:cut])] = None
    changes = []
    for parts in sorted(paths, key=lambda p: [str(x) for x in p]):
        plist = list(parts)
        changes.append(Change(format_path(plist), _dig(baseline, plist), _dig(target, plist)))
    return changes


def pair(
    baseline: Mapping[ResourceKey, Mapping[str, Any]],
    target: Mapping[ResourceKey, Mapping[str, Any]],
) -> Iterator[PairDiff]:
    """Every key of either side with its status and, for changed pairs, the changes."""
    for key, base_config in baseline.items():
        target_config = target.get(key, _MISSING)
        if target_config is _MISSING:
            yield PairDiff(key, "missing")
        elif base_config == target_config:
            yield PairDiff(key, "equal")
        else:
            yield PairDiff(key, "changed", tuple(diff_configs(base_config, target_config)))
    for key in target:
        if key not in baseline:
            yield PairDiff(key, "unexpected")


def without(config: Mapping[str, Any], keys: set[str]) -> dict[str, Any]:
    """A configuration without some top-level keys (attributes that could not be read)."""
    return {k: v for k, v in config.items() if k not in keys}


def _entry() -> Any:
    from paymentaudit.audit import audit

    return audit


# paymentaudit.compare(baseline, target, ...) runs the whole audit (parity, rules, verdict).
make_callable(__name__, _entry)
