"""What each rule's fixtures hold (make_fixtures.py writes them): the sandbox resources the rule
looks at, taken from dev or prod-abc123, and the one change that makes it pass or fail
(:data:`SPECS`).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

DEV, PROD = "dev", "prod-abc123"

Data = dict[str, Any]


def _resources(data: Data, resource_type: str, logical: str | None = None) -> list[Data]:
    return [
        r
        for r in data["resources"]
        if r["type"] == resource_type and (logical is None or r["logical_name"] == logical)
    ]


def _one(data: Data, resource_type: str, logical: str) -> Data:
    (found,) = _resources(data, resource_type, logical)
    return found


def subset(data: Data, *wanted: str | tuple[str, str]) -> Data:
    """The snapshot with only some resources: types, or (type, logical name) pairs."""
    out = copy.deepcopy(data)
    keep = []
    for want in wanted:
        keep += _resources(out, *want) if isinstance(want, tuple) else _resources(out, want)
    out["resources"] = keep
    services = {r["service"] for r in keep}
    counts = {s: sum(r["service"] == s for r in keep) for s in services}
    out["coverage"] = [
        {"service": s, "status": "ok", "resources": counts[s], "error": None}
        for s in sorted(services)
    ]
    return out


# -- the changes that make a rule fail --------------------------------------------------------


def _set(resource_type: str, logical: str, path: str, value: Any) -> Callable[[Data], None]:
    def change(data: Data) -> None:
        target = _one(data, resource_type, logical)["config"]
        *parents, leaf = path.split("/")
        for part in parents:
            target = target[part]
        target[leaf] = value

    return change


def _drop(resource_type: str, logical: str) -> Callable[[Data], None]:
    def change(data: Data) -> None:
        data["resources"].remove(_one(data, resource_type, logical))
        for cov in data["coverage"]:
            if cov["service"] == resource_type.split(".", 1)[0]:
                cov["resources"] -= 1

    return change


def _rename(resource_type: str, logical: str, new: str) -> Callable[[Data], None]:
    def change(data: Data) -> None:
        res = _one(data, resource_type, logical)
        res["logical_name"] = new
        res["physical_id"] = res["physical_id"].replace(logical, new)

    return change


def _wildcard_statement(data: Data) -> None:
    role = _one(data, "iam.role", "payment-lambda-role")
    (policy,) = role["config"]["inline_policies"].values()
    policy["Statement"].append(
        {"Sid": "Everything", "Effect": "Allow", "Action": ["dynamodb:*"], "Resource": ["*"]}
    )


def _literal_secret(data: Data) -> None:
    cfg = _one(data, "lambda.function", "payment-processor")["config"]
    cfg["environment"]["DB_PASSWORD"] = "[REDACTED]"
    cfg["sensitive_literal_variables"] = ["DB_PASSWORD"]


def _single_instance(data: Data) -> None:
    _drop("rds.instance", "payment-aurora-instance-2")(data)
    cfg = _one(data, "rds.cluster", "payment-aurora-cluster")["config"]
    cfg["members"] = [m for m in cfg["members"] if "instance-1" in m]


def _replication_disabled(data: Data) -> None:
    rules = _one(data, "s3.bucket", "payment-audit-logs")["config"]["replication"]["rules"]
    for rule in rules.values():
        rule["status"] = "Disabled"


def _default_sg_rule(data: Data) -> None:
    group = _one(data, "ec2.security_group", "default")
    group["config"]["ingress"] = [
        {"protocol": "all", "from_port": None, "to_port": None, "source": group["physical_id"]}
    ]


def _secret_parameter(kind: str) -> Callable[[Data], None]:
    def change(data: Data) -> None:
        base = _one(data, "ssm.parameter", "app/currency")
        param = copy.deepcopy(base)
        prefix = data["ssm_prefix"]
        param.update(
            logical_name="db/password",
            physical_id=f"{prefix}/db/password",
            arn=base["arn"].replace("/app/currency", "/db/password"),
        )
        param["config"].update(
            type=kind,
            value="[REDACTED]",
            key_id="alias/aws/ssm" if kind == "SecureString" else None,
            description="database password",
        )
        data["resources"].append(param)
        for cov in data["coverage"]:
            if cov["service"] == "ssm":
                cov["resources"] += 1

    return change


# Rule id -> (resources it needs, pass: (env, change or None), fail: (env, change or None)).
ALB, TG = "elbv2.load_balancer", "elbv2.target_group"
ALARM, DASH = "cloudwatch.alarm", "cloudwatch.dashboard"
TABLE, KEY, ROLE = "dynamodb.table", "kms.key", "iam.role"
FN, LOGS = "lambda.function", "logs.log_group"
CLUSTER, INSTANCE, BUCKET = "rds.cluster", "rds.instance", "s3.bucket"
SG, VPC, ENDPOINT = "ec2.security_group", "ec2.vpc", "ec2.vpc_endpoint"
TOPIC, PARAM = "sns.topic", "ssm.parameter"
SECRET, MASTER_SECRET = "secretsmanager.secret", "payment-aurora-cluster/master-user-secret"
AUDIT = "payment-audit-logs"

SPECS: dict[str, tuple[tuple[Any, ...], tuple[str, Any], tuple[str, Any]]] = {
    "ALB-BLUE-GREEN": ((ALB, TG), (DEV, None), (DEV, _drop(TG, "payment-green"))),
    "ALB-DELETION-PROTECTION": ((ALB,), (PROD, None), (DEV, None)),
    "CW-ALARM-LAMBDA-ERRORS": (
        ((ALARM, "payment-lambda-errors-high"),),
        (DEV, None),
        (DEV, _set(ALARM, "payment-lambda-errors-high", "threshold", 25.0)),
    ),
    "CW-ALARM-RDS-CPU": (((ALARM, "payment-rds-cpu-high"),), (DEV, None), (PROD, None)),
    "CW-DASHBOARD": (
        (DASH,),
        (DEV, None),
        (DEV, _rename(DASH, "payment-processing", "payment-operations")),
    ),
    "DDB-DELETION-PROTECTION": ((TABLE,), (PROD, None), (DEV, None)),
    "DDB-PITR": ((TABLE,), (DEV, None), (PROD, None)),
    "DDB-SSE-KMS": (
        (TABLE, KEY),
        (DEV, None),
        (
            DEV,
            _set(
                TABLE,
                "payment-sessions",
                "server_side_encryption",
                {"enabled": False, "sse_type": "AWS_OWNED", "kms_key_arn": None},
            ),
        ),
    ),
    "IAM-WILDCARD": (((ROLE, "payment-lambda-role"),), (DEV, None), (DEV, _wildcard_statement)),
    "KMS-ROTATION": ((KEY,), (DEV, None), (PROD, None)),
    "LAMBDA-LOG-RETENTION": ((FN, LOGS), (DEV, None), (PROD, None)),
    "LAMBDA-SECRETS": (((FN, "payment-processor"),), (DEV, None), (DEV, _literal_secret)),
    "LOGS-RETENTION": (
        (LOGS,),
        (DEV, None),
        (DEV, _set(LOGS, "/aws/vpc/flow-logs/payment", "retention_in_days", None)),
    ),
    "LAMBDA-TRACING": (
        ((FN, "payment-processor"),),
        (DEV, None),
        (DEV, _set(FN, "payment-processor", "tracing_mode", "PassThrough")),
    ),
    "LAMBDA-VPC": (
        ((FN, "payment-processor"),),
        (DEV, None),
        (DEV, _set(FN, "payment-processor", "subnet_ids", [])),
    ),
    "RDS-BACKUP": (
        (CLUSTER,),
        (DEV, None),
        (DEV, _set(CLUSTER, "payment-aurora-cluster", "backup_retention_period", 1)),
    ),
    "RDS-DELETION-PROTECTION": ((CLUSTER,), (PROD, None), (DEV, None)),
    "RDS-ENCRYPTED": (
        (CLUSTER, KEY),
        (DEV, None),
        (DEV, _set(CLUSTER, "payment-aurora-cluster", "storage_encrypted", False)),
    ),
    "RDS-MANAGED-SECRET": (
        (CLUSTER,),
        (DEV, None),
        (DEV, _set(CLUSTER, "payment-aurora-cluster", "manage_master_user_password", False)),
    ),
    "RDS-MULTI-AZ": ((CLUSTER, INSTANCE), (DEV, None), (DEV, _single_instance)),
    "RDS-PUBLIC": (
        (INSTANCE,),
        (DEV, None),
        (DEV, _set(INSTANCE, "payment-aurora-instance-1", "publicly_accessible", True)),
    ),
    "S3-ENCRYPTION": ((BUCKET,), (DEV, None), (DEV, _set(BUCKET, AUDIT, "encryption", None))),
    "S3-LIFECYCLE": ((BUCKET,), (DEV, None), (DEV, _set(BUCKET, AUDIT, "lifecycle_rules", None))),
    "S3-PUBLIC-ACCESS": (
        (BUCKET,),
        (DEV, None),
        (DEV, _set(BUCKET, AUDIT, "public_access_block/restrict_public_buckets", False)),
    ),
    "S3-REPLICATION": (
        (BUCKET,),
        (DEV, None),
        (DEV, _replication_disabled),
    ),
    "S3-VERSIONING": (
        (BUCKET,),
        (DEV, None),
        (DEV, _set(BUCKET, AUDIT, "versioning", "Suspended")),
    ),
    "SECRET-KMS": (
        (SECRET, KEY),
        (DEV, None),
        (DEV, _set(SECRET, MASTER_SECRET, "kms_key_id", None)),
    ),
    "SECRET-ROTATION": (
        (SECRET,),
        (DEV, None),
        (DEV, _set(SECRET, MASTER_SECRET, "rotation_enabled", False)),
    ),
    "SG-DEFAULT-DENY": (((SG, "default"),), (DEV, None), (DEV, _default_sg_rule)),
    "SG-OPEN-INGRESS": ((SG,), (DEV, None), (PROD, None)),
    "SNS-ENCRYPTION": (
        (TOPIC, KEY),
        (DEV, None),
        (DEV, _set(TOPIC, "payment-alarms", "kms_master_key_id", None)),
    ),
    "SSM-SENSITIVE-TYPE": (
        (PARAM,),
        (DEV, _secret_parameter("SecureString")),
        (DEV, _secret_parameter("String")),
    ),
    "VPC-ENDPOINTS": (
        (VPC, ENDPOINT),
        (DEV, None),
        (DEV, _drop(ENDPOINT, "payment-dynamodb-endpoint")),
    ),
    "VPC-FLOW-LOGS": ((VPC,), (DEV, None), (DEV, _set(VPC, "payment-vpc", "flow_logs", []))),
}
