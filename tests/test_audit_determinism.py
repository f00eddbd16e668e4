"""The audit is deterministic: identical results and stable finding ids; on the sandbox, one
finding per planted drift."""

from __future__ import annotations

import copy

from helpers import parts_of

from paymentaudit.findings.evaluate import audit
from paymentaudit.findings.result import NOT_READY, finding_id
from paymentaudit.model import Severity
from paymentaudit.sandbox.drifts import DRIFTS


def test_two_audits_of_the_same_snapshots_are_identical(sandbox_snapshots) -> None:
    dev, prod = sandbox_snapshots["dev"], sandbox_snapshots["prod-abc123"]
    first = audit(dev, prod).to_json()
    second = audit(copy.deepcopy(dev), copy.deepcopy(prod)).to_json()
    first.pop("generated_at"), second.pop("generated_at")
    assert first == second
    ids = [f["id"] for f in first["findings"]]
    assert len(ids) == len(set(ids))
    keys = [
        (
            Severity(f["severity"]).rank,
            f["service"],
            f["resource"],
            f["path"],
            f["check"],
            f["kind"],
        )
        for f in first["findings"]
    ]
    assert keys == sorted(keys)


def test_finding_ids_are_stable_hashes() -> None:
    one = finding_id("parity", "parity", "lambda.function", "payment-processor", "memory_size")
    assert one == finding_id(
        "parity", "parity", "lambda.function", "payment-processor", "memory_size"
    )
    assert len(one) == 16 and int(one, 16) >= 0
    assert one != finding_id("parity", "parity", "lambda.function", "payment-processor", "timeout")


def test_sandbox_audit_finds_every_planted_drift(sandbox_snapshots) -> None:
    result = audit(sandbox_snapshots["dev"], sandbox_snapshots["prod-abc123"])
    parts = parts_of(result.findings)
    for drift in DRIFTS:
        ids = set()
        for e in drift.expect:
            severity, finding = parts[(e.kind, e.check, e.resource, e.path)]
            assert severity is e.severity, drift.name
            ids.add(finding)
        assert len(ids) == 1, f"{drift.name} is one problem, one finding"
    assert result.verdict == NOT_READY
    assert result.coverage and all(c.status == "ok" for c in result.coverage)
