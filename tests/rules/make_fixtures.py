"""Regenerate tests/rules/fixtures/<RULE-ID>/{pass,fail}.json from the sandbox.

Run by hand (``.venv/bin/python tests/rules/make_fixtures.py``) when a collector's output
shape changes; the tests read only the JSON files it writes. Each fixture is a small
``paymentaudit/snapshot/v1`` snapshot: the sandbox resources a rule looks at, taken from
dev or prod-abc123, with the one change (below) that makes the rule pass or fail.

The output is deterministic: the account, and every id AWS (here moto) makes up at random
(KMS key and secret ids, VPC-style ids, resource ids, ELB hashes), become stable values
numbered in order of appearance. ``test_fixtures_match_what_the_collectors_produce`` builds
them again from the test session's sandbox and fails when a committed fixture differs.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ACCOUNT = "123456789012"
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


# Ids AWS (moto) makes up at random, and the stable shape each becomes.
_RANDOM_IDS = (
    (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "uuid"),
    (
        re.compile(
            r"\b(vpc|subnet|sg|rtb|vpce|igw|nat|eni|acl|fl|pl|rtbassoc|i|sgr)-[0-9a-f]{8,17}\b"
        ),
        "ec2",
    ),
    (re.compile(r"\b(cluster|db)-[A-Z0-9]{26}\b"), "rds"),
    (re.compile(r"\b(AROA|AIDA|ANPA)[A-Z0-9]{17}\b"), "iam"),
    (re.compile(r"(?<=/)[0-9a-f]{16}(?=$|[/\"])"), "elb"),
    (re.compile(r"(?<=:secret:)([^:\"]+)-[A-Za-z0-9]{6}(?=$|[\":])"), "secret"),
    (re.compile(r"\.cluster-(ro-)?[a-z0-9]{12}\."), "endpoint"),
)


def _stable(kind: str, match: re.Match[str], owner: str) -> str:
    """A stable stand-in for a random id, derived from what owns it (never from its value)."""
    digest = hashlib.sha256(owner.encode()).hexdigest()
    if kind == "uuid":
        return f"{digest[:8]}-{digest[8:12]}-4{digest[13:16]}-8{digest[17:20]}-{digest[20:32]}"
    if kind == "ec2":
        return f"{match.group(1)}-{digest[:17]}"
    if kind == "rds":
        return f"{match.group(1)}-{digest[:26].upper()}"
    if kind == "iam":
        return f"{match.group(1)}{digest[:17].upper()}"
    if kind == "elb":
        return digest[:16]
    if kind == "secret":
        return f"{match.group(1)}-{digest[:6]}"
    return f".cluster-{match.group(1) or ''}{digest[:12]}."


def deterministic(data: dict[str, Data], account: str) -> dict[str, Data]:
    """Snapshot data with the account and every random id replaced by a stable value derived
    from the resource that owns the id (environment, type, logical name), and lists of strings
    sorted again: the same sandbox gives the same fixtures, run after run."""
    text = json.dumps(data, sort_keys=True).replace(account, ACCOUNT)
    data = json.loads(text)
    stable: dict[str, str] = {}
    for env in sorted(data):
        for res in data[env]["resources"]:
            owner = f"{env}/{res['type']}/{res['logical_name']}"
            tokens = (res["physical_id"], res["arn"], *res.get("aliases", []))
            for i, token in enumerate(tokens):
                # The same passes, in the same order, as over the whole text below.
                for pattern, kind in _RANDOM_IDS:
                    for match in pattern.finditer(token):
                        stable.setdefault(match.group(0), _stable(kind, match, f"{owner}/{i}"))
                    token = pattern.sub(lambda m: stable.get(m.group(0), m.group(0)), token)
    for pattern, _kind in _RANDOM_IDS:
        text = pattern.sub(lambda m: stable.get(m.group(0), m.group(0)), text)
    return _sorted_lists(json.loads(text))


def _sorted_lists(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _sorted_lists(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [_sorted_lists(v) for v in value]
        if all(isinstance(v, str) for v in items):
            return sorted(items)
        if items and all(isinstance(v, dict) and "source" in v for v in items):
            return sorted(items, key=lambda v: json.dumps(v, sort_keys=True))  # SG rules
        return items
    return value


def as_fixture_data(snapshots: dict[str, Any], account: str) -> dict[str, Data]:
    """Snapshots (dev, prod-abc123) as fixture JSON data: fixed time, no call count, stable
    account and ids."""
    data = deterministic({k: v.to_dict() for k, v in snapshots.items()}, account)
    for snap in data.values():
        snap.update(taken_at="2025-01-01T00:00:00Z", api_calls=0, source="fixture")
        snap.pop("identity", None)
        snap.pop("extra", None)
    return data


def sandbox_snapshots() -> dict[str, Data]:
    """Fresh dev and prod-abc123 snapshots (drifts planted in prod), as fixture data."""
    from paymentaudit.aws import Connection
    from paymentaudit.engine.run import take
    from paymentaudit.sandbox import CREDENTIALS, account_of, build, server

    with server() as url:
        build(url, PROD, DEV)
        connection = Connection(endpoint_url=url, credentials=CREDENTIALS)
        taken = take([(PROD, None), (DEV, None)], connection)
        account = account_of(url)
    return as_fixture_data(taken, account)


def fixtures(snaps: dict[str, Data]) -> dict[Path, str]:
    """Every fixture file's path and text, from the two environments' fixture data."""
    out = {}
    for rule_id, (needs, *cases) in SPECS.items():
        for name, (env, change) in zip(("pass", "fail"), cases, strict=True):
            data = subset(snaps[env], *needs)
            if change is not None:
                change(data)
            out[FIXTURES / rule_id / f"{name}.json"] = json.dumps(data, indent=2) + "\n"
    return out


def main() -> None:
    from paymentaudit import rules

    missing = set(rules.ids()) ^ set(SPECS)
    if missing:
        sys.exit(f"rules without a fixture spec (or specs without a rule): {sorted(missing)}")
    written = fixtures(sandbox_snapshots())
    for path, text in written.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    print(f"wrote {len(written)} fixtures under {FIXTURES}")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    main()
