"""The drifts the sandbox plants in the target: realistic prod mistakes, each with the
findings it must produce. Tests assert these are found and nothing else at medium or above."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from paymentaudit import platform
from paymentaudit.model import Severity
from paymentaudit.sandbox.provision import PRIMARY, REPLICA, Env


@dataclass(frozen=True)
class Expect:
    """A finding a drift must produce."""

    kind: str
    check: str
    resource: str
    path: str
    severity: Severity


@dataclass(frozen=True)
class Drift:
    """One planted drift: what it is, how to plant it, and what it must produce."""

    name: str
    description: str
    plant: Callable[[Env], None]
    expect: tuple[Expect, ...]
    # What a desired-state (synth) comparison reports: (kind, resource type, logical, path).
    drift: tuple[tuple[str, str, str, str], ...] = ()


def _pitr_off(env: Env) -> None:
    env.c("dynamodb").update_continuous_backups(
        TableName=env.name(platform.SESSIONS.name),
        PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": False},
    )


def _rds_open(env: Env) -> None:
    env.c("ec2").authorize_security_group_ingress(
        GroupId=env.ids["rds_sg"],
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": platform.AURORA.port,
                "ToPort": platform.AURORA.port,
                "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "temporary debug access"}],
            }
        ],
    )


def _memory(env: Env) -> None:
    env.c("lambda").update_function_configuration(
        FunctionName=env.name(platform.PROCESSOR.name), MemorySize=256
    )


def _cpu_threshold(env: Env) -> None:
    cw = env.c("cloudwatch")
    name = env.name(platform.RDS_CPU_ALARM.name)
    alarm = cw.describe_alarms(AlarmNames=[name])["MetricAlarms"][0]
    keep = [
        "AlarmName",
        "AlarmDescription",
        "Namespace",
        "MetricName",
        "Statistic",
        "ComparisonOperator",
        "Period",
        "EvaluationPeriods",
        "Dimensions",
        "AlarmActions",
        "OKActions",
    ]
    cw.put_metric_alarm(**{k: alarm[k] for k in keep if k in alarm}, Threshold=90)


def _log_retention(env: Env) -> None:
    env.c("logs").delete_retention_policy(logGroupName=env.name(platform.PROCESSOR.log_group))


def _replica_rotation(env: Env) -> None:
    env.c("kms", REPLICA).disable_key_rotation(KeyId=env.ids[platform.REPLICA_KEY.name])


def _max_amount(env: Env) -> None:
    env.c("ssm", PRIMARY).put_parameter(
        Name=env.param("app/max-payment-amount"),
        Value="100000",
        Type="String",
        Overwrite=True,
    )


DRIFTS: tuple[Drift, ...] = (
    Drift(
        "pitr-off",
        "point-in-time recovery switched off on the sessions table",
        _pitr_off,
        (
            Expect(
                "policy", "DDB-PITR", "payment-sessions", "point_in_time_recovery", Severity.HIGH
            ),
            Expect("parity", "parity", "payment-sessions", "point_in_time_recovery", Severity.HIGH),
        ),
        (("drift", "dynamodb.table", "payment-sessions", "point_in_time_recovery"),),
    ),
    Drift(
        "rds-open-ingress",
        "PostgreSQL opened to 0.0.0.0/0 on the database security group ('temporary debug access')",
        _rds_open,
        (
            Expect("policy", "SG-OPEN-INGRESS", "payment-rds-sg", "ingress", Severity.CRITICAL),
            Expect("parity", "parity", "payment-rds-sg", "ingress", Severity.CRITICAL),
        ),
        (("drift", "ec2.security_group", "payment-rds-sg", "ingress"),),
    ),
    Drift(
        "processor-memory",
        "payment processor memory lowered from 512 MB to 256 MB",
        _memory,
        (Expect("parity", "parity", "payment-processor", "memory_size", Severity.MEDIUM),),
        (("drift", "lambda.function", "payment-processor", "memory_size"),),
    ),
    Drift(
        "rds-cpu-threshold",
        "RDS CPU alarm threshold raised from 80 to 90",
        _cpu_threshold,
        (
            Expect(
                "policy", "CW-ALARM-RDS-CPU", "payment-rds-cpu-high", "threshold", Severity.HIGH
            ),
            Expect("parity", "parity", "payment-rds-cpu-high", "threshold", Severity.HIGH),
        ),
        (("drift", "cloudwatch.alarm", "payment-rds-cpu-high", "threshold"),),
    ),
    Drift(
        "log-retention",
        "retention removed from the payment processor's log group (logs kept forever)",
        _log_retention,
        (
            Expect(
                "policy",
                "LAMBDA-LOG-RETENTION",
                "/aws/lambda/payment-processor",
                "retention_in_days",
                Severity.MEDIUM,
            ),
            Expect(
                "parity",
                "parity",
                "/aws/lambda/payment-processor",
                "retention_in_days",
                Severity.MEDIUM,
            ),
        ),
        (("drift", "logs.log_group", "/aws/lambda/payment-processor", "retention_in_days"),),
    ),
    Drift(
        "replica-key-rotation",
        "rotation disabled on the replica region's KMS key",
        _replica_rotation,
        (
            Expect(
                "policy",
                "KMS-ROTATION",
                "alias/payment-replica",
                "enable_key_rotation",
                Severity.HIGH,
            ),
            Expect(
                "parity", "parity", "alias/payment-replica", "enable_key_rotation", Severity.HIGH
            ),
        ),
        (("drift", "kms.key", "alias/payment-replica", "enable_key_rotation"),),
    ),
    Drift(
        "max-amount",
        "max payment amount parameter set to 100000 in prod (10000 everywhere else)",
        _max_amount,
        (Expect("parity", "parity", "app/max-payment-amount", "value", Severity.MEDIUM),),
        (("drift", "ssm.parameter", "app/max-payment-amount", "value"),),
    ),
)


def plant(env: Env) -> list[Drift]:
    """Plant every drift into an environment; returns them."""
    for drift in DRIFTS:
        drift.plant(env)
    return list(DRIFTS)
