"""The sandbox's ``legacy`` layout: dev and prod built from the original design's own names.

Two environments were not deployed by stack/ but by the original design's script: one route
table with no Name tag for the three private subnets, Aurora instances
``payment-aurora-<suffix>-1`` and ``-2`` (names that do not end with the suffix) and the
database security group ``payment-db-sg-<suffix>``; everything else as the stack does, and no
drift (an identical pair). What the audit must see: the cluster's two instances, the route
table named from its subnets, RDS-MULTI-AZ passing, and no parity, missing or unexpected
finding at low or above (with the repository's policy, which declares prod's extra /dev read
path, as ``validate`` applies it from the repository root).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import ROOT, assert_one_line_error, chdir, findings, run_cli

from paymentaudit import platform
from paymentaudit.model import Kind, Severity, Status
from paymentaudit.snapshots import Snapshot

pytestmark = pytest.mark.slow

# Unique in the process (S3 bucket names are global to moto's process), and with different
# tails, as the real ones (dev, prod-abc123): a tail shared by both would hide names that keep it.
_COUNTER = itertools.count(1)
ROUTE_TABLE = "payment-private-a+payment-private-b+payment-private-c/route-table"
# The instances are named payment-aurora-<suffix>-N: the suffix inside the name goes, so
# dev's and prod's are both payment-aurora-N and pair.
INSTANCES = {"payment-aurora-1", "payment-aurora-2"}
PRESENCE_AND_PARITY = (Kind.PARITY, Kind.MISSING, Kind.UNEXPECTED)


@pytest.fixture(scope="module")
def legacy() -> Iterator[dict[str, Any]]:
    """A fresh in-process sandbox holding dev and prod in the legacy layout, snapshotted once.

    ``build`` is asked for its drifts (the default): the legacy layout plants none.
    """
    from paymentaudit.aws import Connection
    from paymentaudit.engine.run import take
    from paymentaudit.sandbox import CREDENTIALS, build, client_factory, server

    n = next(_COUNTER)
    target, baseline = f"prod-abc{n}", f"dev-l{n}"
    with server() as url:
        envs = build(url, target, baseline, layout="legacy")
        connection = Connection(endpoint_url=url, credentials=CREDENTIALS)
        snapshots = take([(target, None), (baseline, None)], connection)
        yield {
            "target": target,
            "baseline": baseline,
            "envs": envs,
            "clients": client_factory(url),
            "prod": snapshots[target],
            "dev": snapshots[baseline],
        }


@pytest.fixture(scope="module")
def result(legacy: dict[str, Any]) -> Any:
    """audit(dev, prod) with the repository's policy."""
    from paymentaudit.findings.evaluate import audit
    from paymentaudit.policy import from_pyproject

    return audit(legacy["dev"], legacy["prod"], policy=from_pyproject(ROOT))


def _of(snapshot: Snapshot, rtype: str) -> dict[str, Any]:
    return {r.logical_name: r for r in snapshot.resources if r.type == rtype}


def _sides(legacy: dict[str, Any]) -> list[tuple[str, Snapshot]]:
    return [(legacy["baseline"], legacy["dev"]), (legacy["target"], legacy["prod"])]


def test_both_environments_carry_the_original_design_names(legacy: dict[str, Any]) -> None:
    for suffix, snapshot in _sides(legacy):
        groups = _of(snapshot, "ec2.security_group")
        assert "payment-db-sg" in groups and "payment-rds-sg" not in groups
        assert groups["payment-db-sg"].physical_id.startswith("sg-")
        instances = {r.physical_id for r in snapshot.resources if r.type == "rds.instance"}
        assert instances == {f"payment-aurora-{suffix}-1", f"payment-aurora-{suffix}-2"}
        tables = _of(snapshot, "ec2.route_table")
        assert sorted(tables) == sorted(["main", ROUTE_TABLE])
        assert "Name" not in (tables[ROUTE_TABLE].tags or {})
        assert tables[ROUTE_TABLE].tags["EnvironmentSuffix"] == suffix


def test_the_cluster_instances_are_collected_in_two_azs(legacy: dict[str, Any]) -> None:
    for _, snapshot in _sides(legacy):
        (cluster,) = _of(snapshot, "rds.cluster").values()
        instances = [r for r in snapshot.resources if r.type == "rds.instance"]
        assert sorted(cluster.config["members"]) == sorted(r.physical_id for r in instances)
        assert {r.config["availability_zone"] for r in instances} == {
            i.availability_zone for i in platform.LEGACY.db_instances
        }
        assert all(r.config["cluster_identifier"] == cluster.physical_id for r in instances)


def test_the_instances_are_named_alike_on_both_sides(legacy: dict[str, Any]) -> None:
    for _, snapshot in _sides(legacy):
        assert set(_of(snapshot, "rds.instance")) == INSTANCES


def test_rds_multi_az_passes_on_prod(result: Any, legacy: dict[str, Any]) -> None:
    outcomes = [o for o in result.outcomes if o.rule == "RDS-MULTI-AZ"]
    assert [o.status for o in outcomes] == [Status.PASS]
    assert outcomes[0].resource == "payment-aurora-cluster"


def test_the_unnamed_route_table_is_named_from_its_subnets(legacy: dict[str, Any]) -> None:
    for _, snapshot in _sides(legacy):
        (table,) = [r for r in snapshot.resources if r.logical_name == ROUTE_TABLE]
        assert table.named and len(table.config["subnet_ids"]) == 3


def _presence_and_parity(result: Any) -> list[tuple[str, ...]]:
    return [
        (f.kind.value, f.resource_type, f.resource, f.path, f.severity.value)
        for f in result.findings
        if f.kind in PRESENCE_AND_PARITY and f.severity.at_least(Severity.LOW)
    ]


def test_no_parity_missing_or_unexpected_finding(result: Any) -> None:
    assert _presence_and_parity(result) == []


def test_no_drift_is_planted(legacy: dict[str, Any], result: Any) -> None:
    """The pair is identical: what the stack layout's drifts change is as declared."""
    prod = legacy["prod"]
    table = _of(prod, "dynamodb.table")[platform.SESSIONS.name]
    assert table.config["point_in_time_recovery"] is True
    processor = _of(prod, "lambda.function")[platform.PROCESSOR.name]
    assert processor.config["memory_size"] == platform.PROCESSOR.memory_size
    assert not [o for o in result.outcomes if o.status is Status.FAIL]


def test_the_cli_on_the_legacy_pair_is_ready(tmp_path: Path, capsys: Any) -> None:
    """`validate prod-abc123 --sandbox --sandbox-layout legacy`: the identical pair built from
    the original design's names is READY, with no parity, missing or unexpected finding at
    low or above, and RDS-MULTI-AZ passes on both instances."""
    with chdir(ROOT):
        code, out, err = run_cli(
            ["validate", "prod-abc123", "--sandbox", "--sandbox-layout", "legacy",
             "--no-notebook", "--out", str(tmp_path / "r")],
            capsys,
        )  # fmt: skip
    assert code == 0, out + err
    doc = findings(tmp_path / "r")
    assert doc["verdict"] == "READY"
    low = [
        (f["kind"], f["resource"], f["path"])
        for f in doc["findings"]
        if f["kind"] in ("parity", "missing", "unexpected") and f["severity"] != "info"
    ]
    assert low == []
    multi_az = [o for o in doc["outcomes"] if o["check"] == "RDS-MULTI-AZ"]
    assert [o["status"] for o in multi_az] == ["pass"]


def test_a_sandbox_layout_needs_the_sandbox(capsys: Any) -> None:
    code, _, err = run_cli(["validate", "prod-abc123", "--sandbox-layout", "legacy"], capsys)
    assert code == 2
    assert_one_line_error(err)
    assert "--sandbox-layout needs --sandbox" in err
