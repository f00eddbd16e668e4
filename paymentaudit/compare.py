"""The compare engine: pair resources by (type, logical name) and diff each pair.

Parity (baseline against target), drift (desired state against target) and ``--since`` (an
earlier snapshot against now) all come through here: two normalized snapshots, reduced to what
both sides could read (:func:`comparable`), paired (:func:`pair`), and diffed.

Pairs whose normalized configurations are equal are skipped before DeepDiff runs, so
DeepDiff only sees the few pairs that differ. Every step is linear in the number of
resources: one dict lookup per pair, one equality test per pair.

Pairing: resources pair by (type, logical name). A resource nothing names (``Resource.named``
False) pairs only when it is the only unnamed one of its type on each side
(:func:`pair_unnamed`); two logical names may be declared the same resource
(:func:`apply_aliases`). What cannot be read, or resolved, on one side is not compared: it is
listed as not compared, with the reason.
"""

from __future__ import annotations

import fnmatch
import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from paymentaudit.model import UNREADABLE, NotCompared, Resource, ResourceKey, canonical_json
from paymentaudit.normalize import UNKNOWN_PREFIX
from paymentaudit.snapshots import Snapshot
from paymentaudit.terraform.refs import OTHERS, is_later


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
    out: list[str] = []
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
            changed = diff_configs(base_config, target_config)  # type: ignore[arg-type]
            yield PairDiff(key, "changed", tuple(changed))
    for key in target:
        if key not in baseline:
            yield PairDiff(key, "unexpected")


def without(config: Mapping[str, Any], keys: set[str]) -> dict[str, Any]:
    """A configuration without some top-level keys (attributes that could not be read)."""
    return {k: v for k, v in config.items() if k not in keys}


Configs = dict[ResourceKey, dict[str, Any]]


# -- what both sides could read -------------------------------------------------------------


def _unknown_reason(value: Any) -> str | None:
    """The reason of the first unknown reference inside a value, else None."""
    if isinstance(value, str):
        return value[len(UNKNOWN_PREFIX) : -1] if value.startswith(UNKNOWN_PREFIX) else None
    if isinstance(value, Mapping):
        value = list(value.values())
    if isinstance(value, list):
        for child in value:
            found = _unknown_reason(child)
            if found is not None:
                return found
    return None


def comparable(
    reference: Configs, target: Configs, ref_snap: Snapshot, target_snap: Snapshot
) -> tuple[Configs, Configs, list[NotCompared]]:
    """Drop, pairwise, what only one side could read or resolve: attributes whose call failed,
    unknown tags, references that could not be resolved (unknown). Returns both sides and what
    was not compared, with the reason (an unknown value is never compared)."""
    ref_res, target_res = ref_snap.by_key(), target_snap.by_key()
    r_out, t_out = dict(reference), dict(target)
    skipped: list[NotCompared] = []
    unreadable = set(UNREADABLE)
    # Unknown values are made by the normalizer of a side with a service that could not be
    # read (normalize.Normalizer._mark_unknown): only such a side is searched for them. A value
    # that merely looks like one (a tag "(unknown: x)") is then compared, never dropped.
    scan = (bool(ref_snap.failed_services()), bool(target_snap.failed_services()))
    for key in reference.keys() & target.keys():
        base, live = ref_res.get(key), target_res.get(key)
        base_errors = base.errors if base is not None else {}
        live_errors = live.errors if live is not None else {}
        tags_unknown = (base is not None and base.tags is None) or (
            live is not None and live.tags is None
        )
        unknown = (
            {
                attr: reason
                for side, searched in zip((reference[key], target[key]), scan, strict=True)
                if searched
                for attr, value in side.items()
                if (reason := _unknown_reason(value)) is not None
            }
            if scan[0] or scan[1]
            else None
        )
        if not (base_errors or live_errors or tags_unknown or unknown):
            continue  # the common case: both sides read completely
        errors = {**base_errors, **live_errors}
        unknown = unknown or {}
        drop = dict(errors)
        drop.update(unknown)
        if set(errors) & unreadable:  # nothing of that side was read: compare nothing
            reason = next(errors[k] for k in UNREADABLE if k in errors)
            drop = dict.fromkeys(set(reference[key]) | set(target[key]), reason)
        if tags_unknown:
            drop["tags"] = "tags not read"
        present = set(reference[key]) | set(target[key])
        for attr in sorted(a for a in drop if a in present):
            skipped.append(NotCompared(key.type, key.logical_name, attr, drop[attr]))
        r_out[key] = without(reference[key], set(drop))
        t_out[key] = without(target[key], set(drop))
    return r_out, t_out, skipped


# -- pairing ----------------------------------------------------------------------------------

UNNAMED = "(unnamed)"


def pair_unnamed(
    reference: Configs, target: Configs, ref_snap: Snapshot, target_snap: Snapshot
) -> tuple[Configs, Configs, list[Resource]]:
    """Unnamed resources pair only when each side has exactly one unnamed resource of that
    type (both are then keyed ``(type, "(unnamed)")``); the others are left out of the
    comparison and returned: they are listed as unpaired, never as missing or unexpected."""
    r_unnamed = _unnamed(ref_snap)
    t_unnamed = _unnamed(target_snap)
    if not r_unnamed and not t_unnamed:
        return reference, target, []
    r_out, t_out = dict(reference), dict(target)
    unpaired: list[Resource] = []
    for rtype in sorted(set(r_unnamed) | set(t_unnamed)):
        mine, theirs = r_unnamed.get(rtype, []), t_unnamed.get(rtype, [])
        for res in mine:
            r_out.pop(res.key, None)
        for res in theirs:
            t_out.pop(res.key, None)
        if len(mine) == 1 and len(theirs) == 1:
            key = ResourceKey(rtype, UNNAMED)
            r_out[key] = reference[mine[0].key]
            t_out[key] = target[theirs[0].key]
        else:
            unpaired.extend(mine + theirs)
    return r_out, t_out, unpaired


def _unnamed(snapshot: Snapshot) -> dict[str, list[Resource]]:
    out: dict[str, list[Resource]] = {}
    for res in snapshot.resources:
        if not res.named:
            out.setdefault(res.type, []).append(res)
    return out


@dataclass(frozen=True)
class Alias:
    """Two logical names declared the same resource (a policy ``[[alias]]`` entry)."""

    type: str  # glob
    baseline: str  # glob over the reference side's logical names
    target: str  # glob over the target's logical names
    reason: str = ""


def apply_aliases(
    reference: Configs, target: Configs, aliases: Sequence[Alias]
) -> tuple[Configs, list[tuple[Alias, ResourceKey, ResourceKey]]]:
    """The target keyed by the reference's names where an alias pairs two otherwise unpaired
    resources (exactly one match on each side); returns it and the pairs made."""
    if not aliases:
        return target, []
    out = dict(target)
    made: list[tuple[Alias, ResourceKey, ResourceKey]] = []
    for alias in aliases:
        ref_only = [k for k in reference if k not in out and _alias_side(alias, k, alias.baseline)]
        target_only = [k for k in out if k not in reference and _alias_side(alias, k, alias.target)]
        if len(ref_only) == 1 and len(target_only) == 1 and ref_only[0].type == target_only[0].type:
            out[ref_only[0]] = out.pop(target_only[0])
            made.append((alias, ref_only[0], target_only[0]))
    return out, made


def _alias_side(alias: Alias, key: ResourceKey, glob: str) -> bool:
    return fnmatch.fnmatchcase(key.type, alias.type) and fnmatch.fnmatchcase(key.logical_name, glob)


# -- the desired state: what the code declares ------------------------------------------------


def strip_later(value: Any) -> Any:
    """A configuration without its after-apply placeholders (what the reports show)."""
    if isinstance(value, Mapping):
        return {k: strip_later(v) for k, v in value.items() if k != OTHERS and not is_later(v)}
    if isinstance(value, list):
        return [strip_later(v) for v in value]
    return value


def _later_keys(value: Mapping[str, Any]) -> bool:
    return any(is_later(v) for v in value.values())


def project(desired: Any, live: Any, top: bool = False) -> tuple[Any, Any]:
    """(desired, live) reduced to what the desired state knows.

    Top-level attributes the desired state lacks are not compared; a nested map is compared
    whole unless the desired state marks entries of it as known only after apply (or holds the
    ``"..."`` entry of an open map such as an ALB's attributes), in which case only its
    declared entries are; in a list of records, placeholder fields (a target's health) are
    left out.
    """
    if isinstance(desired, Mapping):
        if not isinstance(live, Mapping):
            return strip_later(desired), live
        partial = top or _later_keys(desired)
        d_out: dict[str, Any] = {}
        l_out: dict[str, Any] = {}
        for key, value in desired.items():
            if key == OTHERS or is_later(value):
                continue
            d_out[key], l_out[key] = project(value, live.get(key))
        if not partial:
            for key in sorted(set(live) - set(desired)):
                l_out[key] = live[key]
        return d_out, l_out
    if isinstance(desired, list) and any(
        isinstance(e, Mapping) and _later_keys(e) for e in desired
    ):
        keys = {
            k for e in desired if isinstance(e, Mapping) for k, v in e.items() if not is_later(v)
        }
        d_list = sorted((strip_later(e) for e in desired), key=canonical_json)
        if not isinstance(live, list):
            return d_list, live
        l_list = [
            {k: e.get(k) for k in sorted(keys)} if isinstance(e, Mapping) else e for e in live
        ]
        return d_list, sorted(l_list, key=canonical_json)
    return desired, live


_PATH_PART = re.compile(r"\[([^\]]*)\]|([^.\[\]]+)")


def dig_path(config: Any, path: str) -> Any:
    """The value at a dotted path as :func:`format_path` writes it (None when absent)."""
    for bracketed, plain in _PATH_PART.findall(path):
        key = bracketed if bracketed or not plain else plain
        if not isinstance(config, Mapping) or key not in config:
            return None
        config = config[key]
    return config
