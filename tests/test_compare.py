"""The compare engine: pairing by key, attribute paths of differences, DeepDiff only if needed."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import paymentaudit.compare as compare_mod
from paymentaudit.compare import Change, PairDiff, diff_configs, format_path, pair, without
from paymentaudit.model import ResourceKey

CASES = [
    ("equal", {"a": 1, "b": {"c": [1, 2]}}, {"a": 1, "b": {"c": [1, 2]}}, []),
    ("scalar", {"memory_size": 512}, {"memory_size": 256}, [Change("memory_size", 512, 256)]),
    ("type", {"a": 1}, {"a": "1"}, [Change("a", 1, "1")]),
    (
        "nested",
        {"sse": {"kms": {"enabled": True}}, "x": 1},
        {"sse": {"kms": {"enabled": False}}, "x": 1},
        [Change("sse.kms.enabled", True, False)],
    ),
    (
        "list element: reported at the list",
        {"ingress": [{"port": 443}, {"port": 80}]},
        {"ingress": [{"port": 443}, {"port": 5432}]},
        [Change("ingress", [{"port": 443}, {"port": 80}], [{"port": 443}, {"port": 5432}])],
    ),
    ("list grows", {"ids": ["a"]}, {"ids": ["a", "b"]}, [Change("ids", ["a"], ["a", "b"])]),
    ("key added", {"a": 1}, {"a": 1, "b": 2}, [Change("b", None, 2)]),
    ("key removed", {"a": 1, "b": 2}, {"a": 1}, [Change("b", 2, None)]),
    ("nested key added", {"t": {}}, {"t": {"k": "v"}}, [Change("t.k", None, "v")]),
    (
        "dotted key in brackets",
        {"attributes": {"deletion_protection.enabled": "false"}},
        {"attributes": {"deletion_protection.enabled": "true"}},
        [Change("attributes[deletion_protection.enabled]", "false", "true")],
    ),
    ("dotted top-level key", {"x.y": 1}, {"x.y": 2}, [Change("[x.y]", 1, 2)]),
    (
        "key starting with __ (DeepDiff skips those by default)",
        {"environment": {"LOG_LEVEL": "[REDACTED]"}},
        {"environment": {"LOG_LEVEL": "[REDACTED]", "__APP_MODE": "[REDACTED]"}},
        [Change("environment.__APP_MODE", None, "[REDACTED]")],
    ),
    ("None to a table", {"a": None}, {"a": {"b": 1}}, [Change("a", None, {"b": 1})]),
    (
        "several, in path order",
        {"b": 1, "a": {"z": 1, "y": 1}},
        {"b": 2, "a": {"z": 2, "y": 2}},
        [Change("a.y", 1, 2), Change("a.z", 1, 2), Change("b", 1, 2)],
    ),
]


@pytest.mark.parametrize(
    ("case", "baseline", "target", "expected"), CASES, ids=[c[0] for c in CASES]
)
def test_diff_configs(case: str, baseline: dict, target: dict, expected: list[Change]) -> None:
    assert diff_configs(baseline, target) == expected


def test_format_path() -> None:
    assert format_path(["a", "b"]) == "a.b"
    assert format_path(["policies", "arn:aws:iam::1:policy/p.v2", "Statement"]) == (
        "policies[arn:aws:iam::1:policy/p.v2].Statement"
    )
    assert format_path(["a.b"]) == "[a.b]"
    assert format_path([]) == ""


def test_pair_statuses_and_order() -> None:
    k = {name: ResourceKey("t", name) for name in "abcd"}
    baseline = {k["a"]: {"x": 1}, k["b"]: {"x": 1}, k["c"]: {"x": 1}}
    target = {k["d"]: {"x": 1}, k["b"]: {"x": 2}, k["a"]: {"x": 1}}
    assert list(pair(baseline, target)) == [
        PairDiff(k["a"], "equal"),
        PairDiff(k["b"], "changed", (Change("x", 1, 2),)),
        PairDiff(k["c"], "missing"),
        PairDiff(k["d"], "unexpected"),
    ]


def test_without_drops_top_level_keys_only() -> None:
    assert without({"a": 1, "b": {"a": 2}, "c": 3}, {"a", "c"}) == {"b": {"a": 2}}


def test_equal_pairs_never_reach_deepdiff(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = compare_mod.DeepDiff

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(compare_mod, "DeepDiff", counting)
    config = {"a": {"b": [1, 2, 3]}, "c": "x"}
    baseline = {ResourceKey("t", f"r{i}"): copy.deepcopy(config) for i in range(200)}
    target = copy.deepcopy(baseline)
    target[ResourceKey("t", "r7")]["c"] = "y"
    diffs = list(pair(baseline, target))
    assert [d.status for d in diffs].count("equal") == 199
    assert len(calls) == 1
    assert diff_configs(config, copy.deepcopy(config)) == []
    assert len(calls) == 1


# -- properties ---------------------------------------------------------------------------------

KEYS = st.text(alphabet="abcxyz019._-", min_size=1, max_size=5)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.text(alphabet="abc<>/:-", max_size=4),
    st.floats(allow_nan=False, allow_infinity=False, width=16),
)
LEAVES = st.one_of(SCALARS, st.lists(SCALARS, max_size=3))
CONFIGS = st.recursive(
    st.dictionaries(KEYS, LEAVES, min_size=1, max_size=4),
    lambda inner: st.dictionaries(KEYS, st.one_of(LEAVES, inner), min_size=1, max_size=4),
    max_leaves=12,
)


def _leaf_paths(config: dict, prefix: tuple = ()) -> list[tuple]:
    out = []
    for key, value in config.items():
        if isinstance(value, dict):
            out.extend(_leaf_paths(value, (*prefix, key)))
        else:
            out.append((*prefix, key))
    return out


def _set(config: dict, path: tuple, value: Any) -> dict:
    out = copy.deepcopy(config)
    node = out
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return out


def _get(config: dict, path: tuple) -> Any:
    for key in path:
        config = config[key]
    return config


@settings(deadline=None)
@given(CONFIGS)
def test_a_config_equals_itself(config: dict) -> None:
    assert diff_configs(config, copy.deepcopy(config)) == []
    key = ResourceKey("t", "x")
    assert list(pair({key: config}, {key: copy.deepcopy(config)})) == [PairDiff(key, "equal")]


@settings(deadline=None)
@given(CONFIGS, st.data())
def test_one_changed_leaf_gives_one_change_at_its_path(config: dict, data: st.DataObject) -> None:
    paths = _leaf_paths(config)
    path = data.draw(st.sampled_from(paths))
    old = _get(config, path)
    if isinstance(old, list) and old and data.draw(st.booleans()):
        index = data.draw(st.integers(0, len(old) - 1))
        new = [*old]
        new[index] = data.draw(SCALARS)
    else:
        new = data.draw(LEAVES)
    assume(new != old)
    changed = _set(config, path, new)
    assert diff_configs(config, changed) == [Change(format_path(list(path)), old, new)]
    key = ResourceKey("t", "x")
    (diff,) = pair({key: config}, {key: changed})
    assert diff.status == "changed" and len(diff.changes) == 1
