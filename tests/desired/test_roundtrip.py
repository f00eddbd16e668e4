"""The round trip: the sandbox provisions what the stack declares plus the planted drifts, so
`validate --sandbox --synth` reports exactly the planted drifts (and nothing else at low or
above); the CLI paths --synth, --desired and --since; the report directory's desired column."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from desiredkit import PROD, REPO_ROOT

from paymentaudit import cli, frames
from paymentaudit.api.validation import Options
from paymentaudit.api.validation import validate as run
from paymentaudit.findings.differences import CHECK_CHANGED
from paymentaudit.model import Severity
from paymentaudit.reporters import directory as reportdir
from paymentaudit.sandbox.drifts import DRIFTS
from paymentaudit.services import SERVICES

pytestmark = [pytest.mark.synth, pytest.mark.slow]

# The attributes each service declares the sandbox (moto) cannot hold.
SANDBOX_GAPS = {t: g for s in SERVICES for t, g in s.sandbox_gaps.items()}

PLANTED = {d for drift in DRIFTS for d in drift.drift}


@pytest.fixture
def at_repo_root() -> Iterator[None]:
    """Run from the repository root, where pyproject.toml's policy applies (as `make demo`)."""
    cwd = os.getcwd()
    os.chdir(REPO_ROOT)
    try:
        yield
    finally:
        os.chdir(cwd)


def drift_keys(findings: list[dict[str, Any]], at_least: Severity) -> set[tuple[str, ...]]:
    """The desired | actual parts of the findings (one problem, one finding: a drift is a part
    of the finding its rule or its parity twin leads) at or above ``at_least``."""
    return {
        (
            p["kind"],
            p.get("resource_type") or f["resource_type"],
            p.get("resource") or f["resource"],
            p["path"],
        )
        for f in findings
        for p in f["evidence"]
        if p["kind"] == "drift"
        and p["check"] != "since"
        and Severity(p["severity"]).at_least(at_least)
    }


def drift_parts(findings: list[Any]) -> list[Any]:
    """(finding, part) for each desired | actual part."""
    return [(f, p) for f in findings for p in f.parts if p.kind == "drift" and p.check != "since"]


@pytest.fixture(scope="module")
def roundtrip(tmp_path_factory: pytest.TempPathFactory, prod_synth: Any) -> tuple[Any, Path]:
    """validate prod-abc123 --sandbox --synth --no-notebook (from the repository root)."""
    out = tmp_path_factory.mktemp("roundtrip") / "report"
    cwd = os.getcwd()
    os.chdir(REPO_ROOT)
    try:
        done = run(Options(target=PROD, sandbox=True, synth=True, notebook=False, out=str(out)))
    finally:
        os.chdir(cwd)
    return done, out


def test_exactly_the_planted_drifts_are_reported(roundtrip: tuple[Any, Path]) -> None:
    _, out = roundtrip
    doc = json.loads((out / "findings.json").read_text())
    assert drift_keys(doc["findings"], Severity.LOW) == PLANTED
    assert len(PLANTED) == 7


def test_what_is_left_is_info_on_attributes_the_sandbox_cannot_hold(
    roundtrip: tuple[Any, Path],
) -> None:
    import fnmatch

    done, _ = roundtrip
    info = [(f, p) for f, p in drift_parts(done.result.findings) if p.severity is Severity.INFO]
    for finding, part in info:
        globs = SANDBOX_GAPS.get(part.resource_type or finding.resource_type, ())
        assert any(fnmatch.fnmatchcase(part.path, g) for g in globs), part


def test_each_planted_drift_has_its_values(roundtrip: tuple[Any, Path]) -> None:
    done, _ = roundtrip
    found = {
        (p.resource or f.resource, p.path): p
        for f, p in drift_parts(done.result.findings)
        if p.check == CHECK_CHANGED
    }
    memory = found["payment-processor", "memory_size"]
    assert (memory.expected, memory.actual, memory.desired_value) == (512, 256, 512)
    assert memory.baseline_value == 512
    threshold = found["payment-rds-cpu-high", "threshold"]
    assert (threshold.expected, threshold.actual) == (80.0, 90.0)
    assert threshold.severity is Severity.HIGH
    assert threshold.message.endswith("(governed by CW-ALARM-RDS-CPU)")
    ingress = found["payment-rds-sg", "ingress"]
    assert ingress.severity is Severity.CRITICAL
    assert {"protocol": "tcp", "from_port": 5432, "to_port": 5432, "source": "0.0.0.0/0"} in (
        ingress.actual
    )


def test_the_report_shows_desired_baseline_and_target(roundtrip: tuple[Any, Path]) -> None:
    done, out = roundtrip
    doc = json.loads((out / "findings.json").read_text())
    desired = doc["sources"]["desired"]
    assert desired["source"] == "synth" and desired["resources"] == 44
    assert desired["not_compared"] == [
        "aws_lambda_permission",
        "aws_rds_cluster_parameter_group",
        "aws_s3_bucket_ownership_controls",
        "data.aws_caller_identity",
    ]
    assert all("desired_value" in f for f in doc["findings"])
    parity = [f for f in doc["findings"] if f["kind"] == "parity" and f["path"] == "memory_size"]
    assert [f["desired_value"] for f in parity] == [512]
    assert (out / "snapshots" / "desired.json").is_file()
    reloaded = reportdir.load(out)
    assert reloaded.desired is not None and reloaded.desired.source == "synth"
    frame = frames.side_by_side(reloaded, "lambda")
    row = frame[(frame.resource == "payment-processor") & (frame.path == "memory_size")]
    assert row[["desired", "baseline", "target"]].values.tolist() == [["512", "512", "256"]]
    assert done.timings["desired"] < 5  # a cache hit (the fixture synthesized before)


def test_moto_still_cannot_hold_the_sandbox_gaps() -> None:
    """SANDBOX_GAPS is honest only while moto drops these: fail when it stops doing so."""
    from paymentaudit.sandbox import client_factory, server

    with server() as url:
        clients = client_factory(url)
        s3 = clients("s3", "us-east-1")
        source, replica = "gap-check-source-bucket", "gap-check-replica-bucket"
        for name in (source, replica):
            s3.create_bucket(Bucket=name)
            s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        s3.put_bucket_replication(
            Bucket=source,
            ReplicationConfiguration={
                "Role": "arn:aws:iam::123456789012:role/replication",
                "Rules": [
                    {
                        "ID": "all",
                        "Status": "Enabled",
                        "Priority": 1,
                        "Filter": {"Prefix": ""},
                        "DeleteMarkerReplication": {"Status": "Enabled"},
                        "SourceSelectionCriteria": {
                            "SseKmsEncryptedObjects": {"Status": "Enabled"}
                        },
                        "Destination": {"Bucket": f"arn:aws:s3:::{replica}"},
                    }
                ],
            },
        )
        (rule,) = s3.get_bucket_replication(Bucket=source)["ReplicationConfiguration"]["Rules"]
        assert "SourceSelectionCriteria" not in rule
        assert rule["DeleteMarkerReplication"] == {"Status": "Disabled"}
        rds = clients("rds", "us-east-1")
        rds.create_db_cluster(
            DBClusterIdentifier="gap-check-cluster",
            Engine="aurora-postgresql",
            MasterUsername="admin_user",
            ManageMasterUserPassword=True,
        )
        instance = rds.create_db_instance(
            DBInstanceIdentifier="gap-check-instance",
            DBClusterIdentifier="gap-check-cluster",
            DBInstanceClass="db.t3.medium",
            Engine="aurora-postgresql",
            EnablePerformanceInsights=True,
        )["DBInstance"]
        assert not instance.get("PerformanceInsightsEnabled")


def test_the_cli_with_desired_and_since(
    roundtrip: tuple[Any, Path], prod_synth: Any, tmp_path: Path, at_repo_root: None
) -> None:
    """--desired cdk.tf.json gives the same drift; --since the first run's snapshot of the
    target: a fresh sandbox holds the same environment, so nothing changed since."""
    _, first = roundtrip
    out = tmp_path / "report"
    code = cli.run(
        [
            "validate",
            PROD,
            "--sandbox",
            "--desired",
            str(prod_synth.path),
            "--since",
            str(first / "snapshots" / f"{PROD}.json"),
            "--no-notebook",
            "--out",
            str(out),
        ]
    )
    assert code == 1  # NOT READY: the planted drifts
    doc = json.loads((out / "findings.json").read_text())
    assert doc["sources"]["desired"]["source"] == "cdk.tf.json"
    assert (
        drift_keys([f for f in doc["findings"] if f["check"] != "since"], Severity.LOW) == PLANTED
    )
    assert [f for f in doc["findings"] if f["check"] == "since"] == []
    assert doc["sources"]["since"]["suffix"] == PROD


def test_the_cli_with_synth(tmp_path: Path, at_repo_root: None) -> None:
    out = tmp_path / "report"
    code = cli.run(["validate", PROD, "--sandbox", "--synth", "--no-notebook", "--out", str(out)])
    assert code == 1
    doc = json.loads((out / "findings.json").read_text())
    assert drift_keys(doc["findings"], Severity.LOW) == PLANTED
    assert doc["sources"]["desired"]["cache"]["hit"] is True
