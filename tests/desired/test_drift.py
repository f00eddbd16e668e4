"""Drift findings on hand-made snapshots: changed, missing, unmanaged, since; severities,
projection onto what the code declares, policy overrides and [[ignore]]."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import auditkit
import pytest

from paymentaudit import frames
from paymentaudit.compare import dig_path, project, strip_later
from paymentaudit.findings.differences import CHECK_CHANGED, CHECK_MISSING, CHECK_UNMANAGED
from paymentaudit.findings.evaluate import audit
from paymentaudit.findings.result import finding_id
from paymentaudit.model import Finding, Kind, Resource, Severity
from paymentaudit.policy import Matcher, Policy
from paymentaudit.snapshots import Snapshot

TARGET, BASELINE = "prod-abc123", "dev"
TAGS = {"Project": "payment", "EnvironmentSuffix": TARGET}
LATER = "(known after apply: x.y)"


def table(suffix: str, **config: Any) -> Resource:
    base = {
        "billing_mode": "PAY_PER_REQUEST",
        "point_in_time_recovery": True,
        "deletion_protection_enabled": True,
    }
    return Resource(
        "dynamodb",
        "dynamodb.table",
        "payment-sessions",
        f"payment-sessions-{suffix}",
        "us-east-1",
        config={**base, **config},
        tags={"Project": "payment", "EnvironmentSuffix": suffix},
    )


def log_group(suffix: str, days: int | None) -> Resource:
    return Resource(
        "logs",
        "logs.log_group",
        "/aws/lambda/payment-processor",
        f"/aws/lambda/payment-processor-{suffix}",
        "us-east-1",
        config={"retention_in_days": days, "kms_key_id": None},
        tags=None,
    )


def simple(rtype: str, name: str, suffix: str, **config: Any) -> Resource:
    service = rtype.split(".", 1)[0]
    return Resource(service, rtype, name, f"{name}-{suffix}", "us-east-1", config=config)


def snap(
    suffix: str, *resources: Resource, source: str = "aws", failed: tuple[str, ...] = ()
) -> Snapshot:
    """auditkit's snapshot, with a source and services whose reads were denied."""
    made = auditkit.snap(suffix, list(resources), dict.fromkeys(failed, "denied"))
    return replace(made, taken_at="2025-11-02T09:00:00Z", source=source)


def parts_as_findings(result: Any) -> list[Finding]:
    """Every part of every finding (one problem, one finding: a drift joins its parity twin and
    its rule), each seen as a finding of its own: the part's fields over its finding's."""
    return [
        replace(
            f,
            kind=part.kind,
            check=part.check,
            severity=part.severity,
            path=part.path,
            expected=part.expected,
            actual=part.actual,
            baseline_value=part.baseline_value,
            desired_value=part.desired_value,
            message=part.message,
            evidence=(),
        )
        for f in result.findings
        for part in f.parts
    ]


def drift_of(result: Any) -> list[Finding]:
    """The drift parts (desired | actual), not the since ones."""
    return [f for f in parts_as_findings(result) if f.kind is Kind.DRIFT and f.check != "since"]


def by_path(findings: list[Finding]) -> dict[tuple[str, str], Finding]:
    return {(f.resource, f.path): f for f in findings}


def run(
    desired: list[Resource],
    target: list[Resource],
    baseline: list[Resource] | None = None,
    **kw: Any,
) -> Any:
    base = snap(BASELINE, *(baseline or [])) if baseline is not None else None
    return audit(
        base,
        snap(TARGET, *target, source=kw.pop("source", "aws"), failed=kw.pop("failed", ())),
        desired=snap(TARGET, *desired, source="synth"),
        run_rules=False,
        **kw,
    )


def test_a_changed_attribute_takes_its_rule_severity_and_every_value() -> None:
    result = run(
        [table(TARGET)],
        [table(TARGET, point_in_time_recovery=False)],
        baseline=[table(BASELINE)],
    )
    (finding,) = drift_of(result)
    assert finding.check == CHECK_CHANGED and finding.path == "point_in_time_recovery"
    assert finding.severity is Severity.HIGH  # DDB-PITR governs it
    assert (finding.expected, finding.actual) == (True, False)
    assert finding.desired_value is True and finding.baseline_value is True
    assert finding.physical_id == f"payment-sessions-{TARGET}"
    assert "DDB-PITR" in finding.message and "the code (synth)" in finding.message
    # One problem, one finding: the parity twin (the baseline has PITR too) leads, the drift is
    # its evidence, and the finding carries the desired value.
    (whole,) = result.findings
    assert [p.kind for p in whole.parts] == [Kind.PARITY, Kind.DRIFT]
    assert whole.id == finding_id(
        "parity", "parity", "dynamodb.table", "payment-sessions", "point_in_time_recovery"
    )
    assert result.to_json()["findings"][0]["desired_value"] is True


def test_a_target_stricter_than_the_code_under_the_rule_is_info() -> None:
    result = run([log_group(TARGET, 7)], [log_group(TARGET, 30)])
    (finding,) = drift_of(result)
    assert finding.path == "retention_in_days" and finding.severity is Severity.INFO
    assert "stricter" in finding.message


def test_ungoverned_attributes_are_medium_and_tags_low() -> None:
    result = run(
        [table(TARGET, table_class="STANDARD")],
        [
            Resource(
                "dynamodb",
                "dynamodb.table",
                "payment-sessions",
                f"payment-sessions-{TARGET}",
                "us-east-1",
                config={**table(TARGET).config, "table_class": "STANDARD_INFREQUENT_ACCESS"},
                tags={"Project": "billing", "EnvironmentSuffix": TARGET},
            )
        ],
    )
    found = by_path(drift_of(result))
    assert found["payment-sessions", "table_class"].severity is Severity.MEDIUM
    assert found["payment-sessions", "tags.Project"].severity is Severity.LOW


def test_tags_are_compared_only_where_the_live_side_read_them() -> None:
    untagged = Resource(**{**_fields(table(TARGET)), "tags": None})
    assert drift_of(run([table(TARGET)], [untagged])) == []


def _fields(res: Resource) -> dict[str, Any]:
    return {
        k: getattr(res, k)
        for k in ("service", "type", "logical_name", "physical_id", "region", "config", "tags")
    }


def test_missing_and_unmanaged_resources() -> None:
    extra = simple("sns.topic", "payment-debug", TARGET, kms_master_key_id=None)
    result = run([table(TARGET)], [extra], baseline=[table(BASELINE)])
    found = {f.check: f for f in drift_of(result)}
    missing, unmanaged = found[CHECK_MISSING], found[CHECK_UNMANAGED]
    assert (missing.resource, missing.severity) == ("payment-sessions", Severity.HIGH)
    assert (missing.expected, missing.actual, missing.baseline_value) == (
        "present",
        None,
        "present",
    )
    assert missing.physical_id == f"payment-sessions-{TARGET}"
    assert (unmanaged.resource, unmanaged.severity) == ("payment-debug", Severity.LOW)
    assert (unmanaged.expected, unmanaged.actual, unmanaged.baseline_value) == (
        None,
        "present",
        None,
    )


def test_what_aws_creates_by_itself_is_not_unmanaged() -> None:
    main = simple("ec2.route_table", "main-route-table", TARGET, main=True, routes=[])
    default_sg = Resource("ec2", "ec2.security_group", "default", "sg-1", "us-east-1", config={})
    function = simple("lambda.function", "payment-processor", TARGET, memory_size=512)
    own_logs = log_group(TARGET, None)
    result = run([function], [main, default_sg, function, own_logs])
    assert drift_of(result) == []
    # The same kinds, when the code manages them, are compared like any other.
    managed_sg = Resource(
        "ec2", "ec2.security_group", "default", "x", "us-east-1", config={"ingress": []}
    )
    live_sg = Resource(
        "ec2",
        "ec2.security_group",
        "default",
        "sg-1",
        "us-east-1",
        config={"ingress": [{"protocol": "all", "source": "sg-1"}]},
    )
    (finding,) = drift_of(run([managed_sg], [live_sg]))
    assert finding.path == "ingress"


def test_a_service_that_could_not_be_read_reports_nothing_missing() -> None:
    result = run([table(TARGET)], [], failed=("dynamodb",))
    assert drift_of(result) == []


def test_policy_overrides_and_ignore() -> None:
    kinds = Policy(
        kind_severity={"drift": Severity.CRITICAL}, rule_severity={"DDB-PITR": Severity.LOW}
    )
    result = run(
        [table(TARGET, table_class="STANDARD"), simple("sns.topic", "payment-alarms", TARGET)],
        [table(TARGET, point_in_time_recovery=False, table_class="X")],
        policy=kinds,
    )
    found = {(f.check, f.path): f.severity for f in drift_of(result)}
    assert found[CHECK_CHANGED, "point_in_time_recovery"] is Severity.LOW  # rule override
    assert found[CHECK_CHANGED, "table_class"] is Severity.CRITICAL  # kind override
    assert found[CHECK_MISSING, ""] is Severity.CRITICAL
    ignoring = Policy(
        ignore=(Matcher({"kind": "drift", "path": "table_class"}, "tracked", "ignore[0]"),)
    )
    result = run(
        [table(TARGET, table_class="STANDARD")], [table(TARGET, table_class="X")], policy=ignoring
    )
    assert drift_of(result) == [] and result.ignored == 1


def test_the_sandbox_gaps_are_info_on_a_sandbox_target_only() -> None:
    want = simple(
        "rds.instance", "payment-aurora-instance-1", TARGET, performance_insights_enabled=True
    )
    have = simple(
        "rds.instance", "payment-aurora-instance-1", TARGET, performance_insights_enabled=False
    )
    (on_sandbox,) = drift_of(run([want], [have], source="sandbox"))
    (on_aws,) = drift_of(run([want], [have]))
    assert on_sandbox.severity is Severity.INFO and "sandbox" in on_sandbox.message
    assert on_aws.severity is Severity.MEDIUM


def test_the_result_gains_the_desired_column_and_source() -> None:
    desired = [table(TARGET, stream_view_type=LATER)]
    result = run(desired, [table(TARGET, stream_view_type="NEW_IMAGE")], baseline=[table(BASELINE)])
    assert drift_of(result) == []  # known only after apply: not compared
    assert result.desired is not None and result.desired.source == "synth"
    config = result.normalized["desired"][table(TARGET).key]
    assert "stream_view_type" not in config  # placeholders never reach the reports
    assert result.sources["desired"]["resources"] == 1
    frame = frames.side_by_side(result)
    assert list(frame.columns[4:7]) == ["desired", "baseline", "target"]
    assert "sources" in result.to_json()


def test_parity_findings_get_the_desired_value() -> None:
    result = audit(
        snap(BASELINE, table(BASELINE, table_class="STANDARD")),
        snap(TARGET, table(TARGET, table_class="X")),
        desired=snap(TARGET, table(TARGET, table_class="STANDARD"), source="synth"),
        run_rules=False,
    )
    parity = [f for f in result.findings if f.kind is Kind.PARITY]
    assert [(f.path, f.desired_value) for f in parity] == [("table_class", "STANDARD")]


# -- projection ----------------------------------------------------------------------------------


def test_live_attributes_the_code_does_not_declare_are_not_compared() -> None:
    want, have = project({"a": 1}, {"a": 1, "b": 2}, top=True)
    assert want == have == {"a": 1}


def test_a_nested_map_is_compared_whole_unless_it_has_placeholders() -> None:
    want, have = project({"m": {"x": 1}}, {"m": {"x": 1, "y": 2}}, top=True)
    assert want != have and have == {"m": {"x": 1, "y": 2}}
    want, have = project({"m": {"x": 1, "z": LATER}}, {"m": {"x": 1, "y": 2, "z": 3}}, top=True)
    assert want == have == {"m": {"x": 1}}
    want, have = project({"m": {"x": 1, "...": LATER}}, {"m": {"x": 2, "y": 2}}, top=True)
    assert want == {"m": {"x": 1}} and have == {"m": {"x": 2}}


def test_list_records_drop_placeholder_fields() -> None:
    desired = {"targets": [{"id": "b", "state": LATER}, {"id": "a", "state": LATER}]}
    live = {"targets": [{"id": "a", "state": "healthy"}, {"id": "b", "state": "unhealthy"}]}
    want, have = project(desired, live, top=True)
    assert want == have == {"targets": [{"id": "a"}, {"id": "b"}]}
    _, have = project(desired, {"targets": [{"id": "a", "state": "healthy"}]}, top=True)
    assert have == {"targets": [{"id": "a"}]}


def test_strip_later_and_dig_path() -> None:
    config = {"a": {"b.c": {"d": 1}, "e": LATER, "...": LATER}, "l": [{"x": LATER, "y": 1}]}
    assert strip_later(config) == {"a": {"b.c": {"d": 1}}, "l": [{"y": 1}]}
    assert dig_path(config, "a[b.c].d") == 1
    assert dig_path(config, "a.missing") is None
    assert dig_path(None, "a") is None


# -- since ---------------------------------------------------------------------------------------


def test_since_reports_changes_removals_and_additions() -> None:
    earlier = snap(
        TARGET, table(TARGET), simple("sns.topic", "payment-alarms", TARGET, kms_master_key_id="k")
    )
    now = snap(
        TARGET,
        table(TARGET, point_in_time_recovery=False),
        simple("sns.topic", "payment-new", TARGET),
    )
    result = audit(snap(BASELINE, table(BASELINE)), now, since=earlier, run_rules=False)
    found = {(f.resource, f.path): f for f in parts_as_findings(result) if f.check == "since"}
    changed = found["payment-sessions", "point_in_time_recovery"]
    assert (changed.expected, changed.actual, changed.baseline_value) == (True, False, True)
    assert changed.severity is Severity.HIGH and changed.kind is Kind.DRIFT
    assert changed.message.startswith(
        "point_in_time_recovery: was true at 2025-11-02 09:00Z, now false"
    )
    assert found["payment-alarms", ""].severity is Severity.HIGH  # removed
    assert found["payment-new", ""].severity is Severity.LOW  # added
    assert result.sources["since"]["taken_at"] == "2025-11-02T09:00:00Z"


@pytest.mark.parametrize("desired", [False, True])
def test_since_with_nothing_changed_reports_nothing(desired: bool) -> None:
    now = snap(TARGET, table(TARGET))
    result = audit(
        None,
        now,
        since=snap(TARGET, table(TARGET)),
        desired=snap(TARGET, table(TARGET), source="synth") if desired else None,
        run_rules=False,
    )
    assert drift_of(result) == []
    assert ("desired" in result.sources) is desired
