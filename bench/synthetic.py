"""Synthetic snapshot pairs for the compare benchmark, copied from the sandbox's own snapshot.

The template is the sandbox's own snapshot of the payment stack, provisioned once and cached
(``bench/synthetic_template.py``); a copy of it is one ``str.format`` of the template compiled
once (``bench/synthetic_copies.py``). This module makes the pairs out of those copies.

A pair: the baseline is environment ``dev`` in one account; the target is ``prod-b7k2`` in
another, with its own physical ids. Each is ``size`` resources: copies of the template, the
last one truncated. After normalization the two are equal except for the resources changed
on purpose: exactly ``changed`` of the target's resources get one attribute modified (an int,
a bool or a string).

``python -m bench.synthetic`` provisions the template and writes it to the cache.
"""

from __future__ import annotations

import contextlib
import copy
import gc
import random
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from bench.synthetic_copies import (
    BASELINE_ACCOUNT,
    BASELINE_SUFFIX,
    TARGET_ACCOUNT,
    TARGET_SUFFIX,
    Side,
    Template,
    compile_template,
    template,
)
from bench.synthetic_template import template_snapshot, write_template
from paymentaudit import platform
from paymentaudit.model import Coverage, Resource
from paymentaudit.snapshots import Snapshot

__all__ = [
    "BASELINE_ACCOUNT",
    "BASELINE_SUFFIX",
    "TARGET_ACCOUNT",
    "TARGET_SUFFIX",
    "Side",
    "Template",
    "compile_template",
    "make_pair",
    "mutate",
    "snapshot_of",
    "stack_copy",
    "template",
    "template_snapshot",
    "write_template",
]

PRIMARY, REPLICA = platform.PRIMARY_REGION, platform.REPLICA_REGION
TAKEN_AT = "2026-01-01T00:00:00Z"


def __getattr__(name: str) -> Any:
    """``RESOURCES_PER_COPY``: the template's resource count (computed on first use)."""
    if name == "RESOURCES_PER_COPY":
        return template().per_copy
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def stack_copy(side: Side, i: int) -> Iterator[Resource]:
    """The resources of copy ``i`` of the template in environment ``side``."""
    for data in template().copy(side, i):
        yield Resource.from_dict(data)


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """The cycle collector paused while copies are made: they are many new containers and no
    cycle, and its passes over a growing heap would make the build superlinear."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def snapshot_of(side: Side, size: int) -> Snapshot:
    """A snapshot of ``size`` resources: copies of the template, the last one truncated."""
    with _no_cycle_collection():
        return _snapshot_of(side, size)


def _snapshot_of(side: Side, size: int) -> Snapshot:
    tpl = template()
    resources: list[Resource] = []
    i = 0
    while len(resources) < size:
        resources.extend(Resource.from_dict(d) for d in tpl.copy(side, i))
        i += 1
    del resources[size:]
    resources.sort(key=lambda r: (r.service, r.type, r.logical_name))
    counts: dict[str, int] = {}
    for r in resources:
        counts[r.service] = counts.get(r.service, 0) + 1
    return Snapshot(
        suffix=side.suffix,
        ssm_prefix=f"/{side.word}",
        region=PRIMARY,
        replica_region=REPLICA,
        account_id=side.account,
        taken_at=TAKEN_AT,
        resources=tuple(resources),
        coverage=tuple(Coverage(svc, "ok", counts.get(svc, 0)) for svc in tpl.services),
        source="synthetic",
    )


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, (*path, k))
    elif isinstance(value, list):
        for k, v in enumerate(value):
            yield from _leaves(v, (*path, k))
    elif isinstance(value, bool | int | float) or (isinstance(value, str) and value):
        yield path, value


def _changed(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value * 2 + 1
    return f"{value}-changed"


def mutate(config: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """A copy of ``config`` with one scalar leaf changed (a real, normalized difference)."""
    out = copy.deepcopy(config)
    leaves = list(_leaves(out))
    path, value = rng.choice(leaves)
    node: Any = out
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = _changed(value)
    return out


def make_pair(
    size: int, changed: float = 0.01, seed: int = 20260101
) -> tuple[Snapshot, Snapshot, int]:
    """(baseline, target, number of changed resources) of ``size`` resources each."""
    with _no_cycle_collection():
        baseline = _snapshot_of(Side(BASELINE_SUFFIX, BASELINE_ACCOUNT, f"b{seed}"), size)
        target = _snapshot_of(Side(TARGET_SUFFIX, TARGET_ACCOUNT, f"t{seed}"), size)
        rng = random.Random(seed)
        count = round(size * changed)
        picked = set(rng.sample(range(size), count))
        resources = list(target.resources)
        for index in sorted(picked):
            res = resources[index]
            resources[index] = replace(res, config=mutate(dict(res.config), rng))
        return baseline, replace(target, resources=tuple(resources)), count


if __name__ == "__main__":
    print(write_template())
