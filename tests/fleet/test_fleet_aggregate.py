"""fleet.json from saved report directories: the peer-majority rule, values that never count,
common differences, bounded memory; packing a report directory."""

from __future__ import annotations

import io
import json
import tracemalloc
import zipfile
from pathlib import Path
from typing import Any

import pytest

from paymentaudit.fleet import aggregate, pack
from paymentaudit.fleet.model import FleetView, Verdict, fleet_exit_code
from paymentaudit.model import unnamed_label
from paymentaudit.normalize import UNKNOWN_PREFIX


def _report(
    root: Path,
    suffix: str,
    configs: dict[tuple[str, str], dict[str, Any]],
    findings: list[dict[str, Any]] = (),  # type: ignore[assignment]
    verdict: str = "READY",
) -> None:
    """A report directory as validate writes it, reduced to what the fleet view reads."""
    directory = root / suffix
    (directory / "snapshots").mkdir(parents=True)
    doc = {
        "schema": "paymentaudit/findings/v2",
        "target": suffix,
        "baseline": "dev",
        "region": "us-east-1",
        "verdict": verdict,
        "score": 100,
        "fail_on": "high",
        "counts": {"critical": 0, "high": 0, "medium": 0, "low": 0, "info": len(findings)},
        "sources": {"target": {"account": "111111111111"}},
        "findings": list(findings),
    }
    (directory / "findings.json").write_text(json.dumps(doc))
    rows = [{"type": t, "logical_name": n, "config": c} for (t, n), c in configs.items()]
    compared = {"schema": "paymentaudit/compared/v1", "sides": {"target": rows, "baseline": []}}
    (directory / "snapshots" / "compared.json").write_text(json.dumps(compared))


def _parity(path: str, baseline: Any, target: Any) -> dict[str, Any]:
    return {
        "id": f"id-{path}-{target}",
        "kind": "parity",
        "check": "parity",
        "severity": "info",
        "service": "rds",
        "resource_type": "rds.cluster",
        "resource": "db",
        "physical_id": "db-x",
        "path": path,
        "expected": baseline,
        "actual": target,
        "baseline_value": baseline,
        "message": "",
        "remediation": "",
    }


DB = ("rds.cluster", "db")


def _fleet(tmp_path: Path, values: list[Any], key: str = "retention") -> FleetView:
    names = [f"prod-{i}" for i in range(len(values))]
    for name, value in zip(names, values, strict=True):
        _report(tmp_path, name, {DB: {key: value, "engine": "aurora"}})
    return aggregate.build(tmp_path, names)


def test_the_one_that_differs_from_a_strict_majority_is_a_deviation(tmp_path: Path) -> None:
    view = _fleet(tmp_path, [14, 14, 21, 14])
    (only,) = view.peer_deviations
    assert (only.suffix, only.path, only.value, only.peer_value) == ("prod-2", "retention", 21, 14)
    assert (only.agreeing, only.peers) == (3, 4)


def test_no_deviation_without_a_strict_majority(tmp_path: Path) -> None:
    assert _fleet(tmp_path, [14, 14, 21, 21]).peer_deviations == ()


def test_an_absent_attribute_is_a_value_of_its_own(tmp_path: Path) -> None:
    for name, config in (("prod-a", {"x": 1}), ("prod-b", {"x": 1}), ("prod-c", {})):
        _report(tmp_path, name, {DB: config})
    (only,) = aggregate.build(tmp_path, ["prod-a", "prod-b", "prod-c"]).peer_deviations
    assert (only.suffix, only.value, only.peer_value, only.agreeing) == ("prod-c", None, 1, 2)


def test_unreadable_values_and_unnamed_resources_never_count(tmp_path: Path) -> None:
    unknown = f"{UNKNOWN_PREFIX}kms could not be read)"
    for name, value in (("prod-a", 1), ("prod-b", 1), ("prod-c", unknown)):
        _report(
            tmp_path,
            name,
            {DB: {"x": value}, ("ec2.route_table", unnamed_label(f"rtb-{name}")): {"y": name}},
        )
    view = aggregate.build(tmp_path, ["prod-a", "prod-b", "prod-c"])
    assert view.peer_deviations == ()


def test_nested_attributes_are_compared_at_their_own_path(tmp_path: Path) -> None:
    names = ["prod-a", "prod-b", "prod-c"]
    for name, port in zip(names, (5432, 5432, 3306), strict=True):
        _report(tmp_path, name, {DB: {"endpoint": {"port": port, "ssl": True}}})
    (only,) = aggregate.build(tmp_path, names).peer_deviations
    assert (only.suffix, only.path) == ("prod-c", "endpoint.port")


def test_common_differences_group_identical_differences_once(tmp_path: Path) -> None:
    same = _parity("retention", 7, 14)
    _report(tmp_path, "prod-a", {DB: {}}, [same, _parity("engine", "a", "b")])
    _report(tmp_path, "prod-b", {DB: {}}, [same])
    _report(tmp_path, "prod-c", {DB: {}}, [same, _parity("retention", 7, 21)])
    view = aggregate.build(tmp_path, ["prod-a", "prod-b", "prod-c"])
    (common,) = view.common_differences
    assert (common.path, common.baseline_value, common.target_value) == ("retention", 7, 14)
    assert common.environments == ("prod-a", "prod-b", "prod-c")
    assert FleetView.from_json(json.loads(json.dumps(view.to_json()))) == view


def test_memory_does_not_grow_with_the_number_of_environments(tmp_path: Path) -> None:
    big = {(f"t.{i}", f"r{i}"): {f"a{j}": "v" * 200 for j in range(20)} for i in range(60)}

    def peak(n: int) -> int:
        root = tmp_path / f"n{n}"
        names = [f"prod-{i}" for i in range(n)]
        for name in names:
            _report(root, name, big)
        tracemalloc.start()
        aggregate.build(root, names)
        _, high = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return high

    few, many = peak(4), peak(40)
    assert many < 1.5 * few  # ten times the environments, not ten times the memory


def test_the_fleet_exit_code_is_the_worst_verdict() -> None:
    assert fleet_exit_code([Verdict.READY, Verdict.INCOMPLETE]) == 3
    assert fleet_exit_code([Verdict.INCOMPLETE, Verdict.NOT_READY, Verdict.READY]) == 1
    assert fleet_exit_code([Verdict.READY]) == 0


def test_a_report_directory_survives_packing(tmp_path: Path) -> None:
    _report(tmp_path / "in", "prod-a", {DB: {"x": 1}})
    source = tmp_path / "in" / "prod-a"
    files = pack.unpack(pack.pack(source), tmp_path / "out")
    assert sorted(p.relative_to(tmp_path / "out") for p in files) == [
        Path("findings.json"),
        Path("snapshots/compared.json"),
    ]
    assert (tmp_path / "out" / "findings.json").read_bytes() == (
        source / "findings.json"
    ).read_bytes()


@pytest.mark.parametrize("name", ["../escape.json", "/etc/passwd", "a/../../b"])
def test_unpacking_refuses_paths_outside_the_directory(tmp_path: Path, name: str) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr(name, "x")
    with pytest.raises(pack.PackError):
        pack.unpack(buffer.getvalue(), tmp_path / "out")
    assert not (tmp_path / "escape.json").exists()
