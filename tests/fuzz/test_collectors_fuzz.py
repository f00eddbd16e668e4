"""Real API shapes, fuzzed: every collector's declared calls answered from botocore's own
output shapes (``shapes.py``), through the engine's per-item code, build, normalization,
compare and every rule.

Three things must hold for every generated response:

* nothing crashes;
* no planted canary secret (a Stripe-style live key, an AWS access key id) leaks: they are
  planted in Lambda environment values, SSM parameter values, every tag value and the
  condition values of IAM, S3 and endpoint policies under non-identifier keys, and must appear
  in no Resource (identity, config, tags, aliases, errors), no normalized configuration, no
  finding and no rule outcome;
* what a response does not say is not invented: an attribute in a resource's errors is not
  compared (listed as not compared) and the rules reading it are not evaluated
  (``test_missing_members.py`` checks each rule member by member).

Deterministic (``derandomize``) and bounded: ``EXAMPLES`` per collector (about 25 s for the
module).
"""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Any

import pytest
from fuzzkit import (
    BASELINE,
    PLANTED,
    TARGET,
    as_text,
    build_resource,
    collect,
    leaks,
    snapshot,
    strategies,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapes import operation_model

from paymentaudit import rules, services
from paymentaudit.findings.evaluate import audit, evaluate_rules
from paymentaudit.model import Resource, ResourceKey, Status
from paymentaudit.normalize import normalize_snapshot
from paymentaudit.rules.base import RuleContext
from paymentaudit.services import COLLECTORS
from paymentaudit.services.lambda_.collect import log_group_name
from paymentaudit.snapshots import Snapshot

# Per collector; PAYMENTAUDIT_FUZZ_EXAMPLES runs a longer hunt locally (CI keeps the default).
EXAMPLES = int(os.environ.get("PAYMENTAUDIT_FUZZ_EXAMPLES", "25"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _paired(baseline: Snapshot, target: Snapshot) -> Snapshot:
    """The target with its resources renamed after the baseline's (by position in each type),
    so that compare pairs and diffs them."""
    names: dict[str, list[str]] = {}
    for res in baseline.resources:
        if res.named:
            names.setdefault(res.type, []).append(res.logical_name)
    renamed: list[Resource] = []
    for res in target.resources:
        pool = names.get(res.type) or []
        renamed.append(replace(res, logical_name=pool.pop(0)) if pool and res.named else res)
    return replace(target, resources=tuple(renamed))


def _assert_no_leak(snapshots: list[Snapshot], result: Any, outcomes: list[Any]) -> None:
    texts = [as_text(s.to_dict()) for s in snapshots]
    texts += [as_text({str(k): v for k, v in norm.items()}) for norm in result.normalized.values()]
    texts += [as_text(f.to_dict()) for f in result.findings]
    texts += [as_text([o.message, o.expected, o.actual, o.resource]) for o in outcomes]
    texts += [as_text([n.to_dict() for n in result.not_compared])]
    found = leaks(*texts)
    assert not found, f"canary leaked: {found}"


def _assert_unknown_is_not_compared(baseline: Snapshot, target: Snapshot, result: Any) -> None:
    """An attribute in a resource's errors is never a parity difference of that resource.

    Named resources only: two unnamed resources paired by ``compare.pair_unnamed`` (the only
    unnamed one of their type on each side) are paired after ``compare.comparable`` has dropped
    the unreadable attributes by pairing key, so their unknown attributes are compared (a
    known gap of compare.py, reported, not fixed here).
    """
    errors: dict[ResourceKey, set[str]] = {}
    unnamed = set()
    for snap in (baseline, target):
        for key, res in snap.by_key().items():  # the resource compare sees for the key
            errors.setdefault(key, set()).update(res.errors)
            if not res.named:
                unnamed.add(key)
    for finding in result.findings:
        if finding.kind != "parity":
            continue
        key = ResourceKey(finding.resource_type, finding.resource)
        if key in unnamed:
            continue
        unknown = errors.get(key, set())
        assert finding.path.split(".", 1)[0].split("[", 1)[0] not in unknown, finding


def _run(data: st.DataObject, collectors: tuple[Any, ...]) -> None:
    base_results = [collect(data.draw, c, BASELINE) for c in collectors]
    target_results = [collect(data.draw, c, TARGET) for c in collectors]
    baseline = snapshot(BASELINE, base_results)
    target = _paired(baseline, snapshot(TARGET, target_results))
    for snap in (baseline, target):
        normalize_snapshot(snap)
    result = audit(baseline, target)
    outcomes = evaluate_rules(RuleContext(target), rules.all_rules())
    assert {o.status for o in outcomes} <= set(Status)
    _assert_no_leak([baseline, target], result, outcomes)
    _assert_unknown_is_not_compared(baseline, target, result)


@pytest.mark.parametrize("collector", COLLECTORS, ids=lambda c: c.type)
def test_collector_survives_real_shapes(collector: Any) -> None:
    @FUZZ
    @given(st.data())
    def run(data: st.DataObject) -> None:
        _run(data, (collector,))

    PLANTED.pop(collector.type, None)
    run()
    assert PLANTED.get(collector.type), f"no canary reached {collector.type}"


@settings(FUZZ, max_examples=max(15, EXAMPLES // 2))
@given(st.data())
def test_collectors_together(data: st.DataObject) -> None:
    """Several collectors in one environment: rules that read several services (a cluster's
    key, a function's log group, the ALB's security groups) see each other's resources."""
    chosen = data.draw(
        st.lists(st.integers(0, len(COLLECTORS) - 1), min_size=2, max_size=4, unique=True)
    )
    _run(data, tuple(COLLECTORS[i] for i in sorted(chosen)))


def test_every_declared_call_has_an_output_shape() -> None:
    """The strategies cover every call the collectors declare (list, describe, locate,
    details, each follow-up, batch)."""
    for collector in COLLECTORS:
        for call in collector.calls():
            model = operation_model(collector.boto_service, call.op)
            assert model.output_shape is not None, (collector.type, call.op)
            strategies(collector.boto_service).output(call.op, require=call.result)


def test_optional_members_moto_never_returns_are_generated_and_read() -> None:
    """Lambda's LoggingConfig and a replication rule's SseKmsEncryptedObjects and
    DeleteMarkerReplication come from the real shapes (moto never returns them) and are read:
    a function logs to its LoggingConfig's group; both replication members are kept."""
    seen = {"LoggingConfig": 0, "SseKmsEncryptedObjects": 0, "DeleteMarkerReplication": 0}
    # The members are required here, so that every example holds them whatever Hypothesis
    # draws (their absence is the missing-members tests' subject).
    replicating = (
        "ReplicationConfiguration.Role",
        "ReplicationConfiguration.Rules",
        "ReplicationConfiguration.Rules.Status",
        "ReplicationConfiguration.Rules.Destination.Bucket",
        "ReplicationConfiguration.Rules.SourceSelectionCriteria.SseKmsEncryptedObjects.Status",
        "ReplicationConfiguration.Rules.DeleteMarkerReplication.Status",
    )
    logging = ("Functions", "Functions.FunctionName", "Functions.LoggingConfig.LogGroup")

    @FUZZ
    @given(
        strategies("lambda").output("list_functions", logging),
        strategies("s3").output("get_bucket_replication", replicating),
    )
    def run(listing: dict[str, Any], replication: dict[str, Any]) -> None:
        for function in listing["Functions"]:
            group = (function.get("LoggingConfig") or {}).get("LogGroup")
            resource = build_resource(services.get("lambda.function"), function)
            if group:
                seen["LoggingConfig"] += 1
                assert resource.config["log_group"] == group
                assert log_group_name(resource) == group
            elif "FunctionName" in function:  # absent: the default group, not unknown
                assert log_group_name(resource) == f"/aws/lambda/{function['FunctionName']}"
        config = replication["ReplicationConfiguration"]
        bucket = build_resource(services.get("s3.bucket"), {"Name": "b"}, {"replication": config})
        assert "replication" not in bucket.errors
        read = bucket.config["replication"]["rules"].values()
        for rule in config["Rules"]:
            sse = (rule.get("SourceSelectionCriteria") or {}).get("SseKmsEncryptedObjects") or {}
            marker = (rule.get("DeleteMarkerReplication") or {}).get("Status")
            seen["SseKmsEncryptedObjects"] += bool(sse.get("Status"))
            seen["DeleteMarkerReplication"] += bool(marker)
            assert any(r["sse_kms_encrypted_objects"] == sse.get("Status") for r in read)
            assert any(r["delete_marker_replication"] == marker for r in read)

    run()
    assert all(seen.values()), seen
