"""Helpers of the audit tests: resources, snapshots, dev/prod pairs and their parity
findings."""

from __future__ import annotations

from typing import Any

from paymentaudit.findings.evaluate import audit
from paymentaudit.model import Coverage, Finding, Resource
from paymentaudit.snapshots import Snapshot


def res(resource_type: str, logical: str, suffix: str, config: dict, **kw: Any) -> Resource:
    return Resource(
        service=resource_type.split(".", 1)[0],
        type=resource_type,
        logical_name=logical,
        physical_id=f"{logical}-{suffix}",
        region="us-east-1",
        config=config,
        **kw,
    )


def snap(suffix: str, resources: list[Resource], errors: dict[str, str] | None = None) -> Snapshot:
    errors = errors or {}
    services = sorted({r.service for r in resources} | set(errors))
    coverage = tuple(
        Coverage(
            s,
            "error" if s in errors else "ok",
            sum(r.service == s for r in resources),
            errors.get(s),
        )
        for s in services
    )
    return Snapshot(
        suffix=suffix,
        ssm_prefix="/" + suffix.split("-")[0],
        region="us-east-1",
        replica_region="us-west-2",
        account_id="123456789012",
        taken_at="2025-01-01T00:00:00Z",
        resources=tuple(resources),
        coverage=coverage,
    )


def pair_of(resource_type: str, logical: str, dev_config: dict, prod_config: dict, **kw: Any):
    dev = snap("dev", [res(resource_type, logical, "dev", dev_config, **kw)])
    prod = snap("prod-abc123", [res(resource_type, logical, "prod-abc123", prod_config, **kw)])
    return dev, prod


def parity(dev: Snapshot, prod: Snapshot, **kw: Any) -> list[Finding]:
    return audit(dev, prod, run_rules=False, **kw).findings
