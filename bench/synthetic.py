"""Synthetic snapshot pairs for the compare benchmark.

Each pair is N copies of the payment stack's 45 resources (the sandbox's ``dev`` snapshot,
type for type: KMS keys, a VPC with subnets, route tables, endpoints and security groups,
Aurora, DynamoDB, S3, Lambda, ALB, alarms, SSM parameters, IAM roles...), truncated to the
requested size. Configurations have the shapes the collectors build: nested policies,
lifecycle rules, listeners, and the strings normalization scans (ARNs with account ids,
``vpc-``/``sg-``/``subnet-`` ids, KMS key UUIDs, ELB hashes, environment words).

The baseline is environment ``dev`` in one account; the target is ``prod-b7k2`` in
another, with its own physical ids. After normalization the two are equal except for the
resources changed on purpose: exactly ``changed`` of the target's resources get one
attribute modified (an int, a bool or a string).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from paymentaudit.model import Coverage, Resource
from paymentaudit.naming import environment_word, logical_name, ssm_logical_name
from paymentaudit.snapshots import Snapshot

RESOURCES_PER_COPY = 45
BASELINE_SUFFIX, BASELINE_ACCOUNT = "dev", "380864526697"
TARGET_SUFFIX, TARGET_ACCOUNT = "prod-b7k2", "552031846613"
PRIMARY, REPLICA = "us-east-1", "us-west-2"
SERVICES = (
    "ec2",
    "rds",
    "dynamodb",
    "s3",
    "lambda",
    "logs",
    "elbv2",
    "cloudwatch",
    "kms",
    "ssm",
    "iam",
    "sns",
)


@dataclass(frozen=True)
class Side:
    """One environment of a pair: suffix, account and a seed for its physical ids."""

    suffix: str
    account: str
    seed: str

    @property
    def word(self) -> str:
        """The environment word (dev, prod)."""
        return environment_word(self.suffix)

    def hexid(self, *parts: object, length: int = 17) -> str:
        """A deterministic lowercase hex id of ``length`` characters."""
        text = ":".join(str(p) for p in (self.seed, *parts))
        return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()[:length]

    def uuid(self, *parts: object) -> str:
        """A deterministic UUID-shaped id (KMS key ids)."""
        h = hashlib.blake2b(":".join(str(p) for p in (self.seed, *parts)).encode()).hexdigest()
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"

    def upper(self, *parts: object, length: int = 21) -> str:
        """A deterministic uppercase id (IAM role ids, RDS resource ids)."""
        raw = hashlib.blake2b(":".join(str(p) for p in (self.seed, *parts)).encode()).hexdigest()
        return raw.upper()[:length]

    def arn(self, service: str, resource: str, region: str = PRIMARY) -> str:
        """An ARN in this side's account."""
        return f"arn:aws:{service}:{region}:{self.account}:{resource}"

    def tags(self, name: str | None = None) -> dict[str, str]:
        """The stack's default tags (plus Name)."""
        out = {
            "Project": "payment",
            "Environment": self.word,
            "EnvironmentSuffix": self.suffix,
            "ManagedBy": "cdktf",
        }
        if name:
            out["Name"] = name
        return out


def _res(
    side: Side,
    service: str,
    rtype: str,
    name: str,
    physical: str,
    arn: str,
    config: dict[str, Any],
    *,
    tags: dict[str, str] | None = None,
    aliases: tuple[str, ...] = (),
    region: str = PRIMARY,
    logical: str | None = None,
) -> Resource:
    return Resource(
        service=service,
        type=rtype,
        logical_name=logical if logical is not None else logical_name(name, side.suffix),
        physical_id=physical,
        region=region,
        arn=arn,
        config=config,
        tags=tags,
        aliases=aliases,
    )


def _statement(sid: str, actions: list[str], resources: list[str], **extra: Any) -> dict:
    return {"Effect": "Allow", "Sid": sid, "Action": actions, "Resource": resources, **extra}


def stack_copy(side: Side, i: int) -> Iterator[Resource]:
    """The 45 resources of copy ``i`` of the stack in environment ``side``."""
    c = f"c{i:05d}"
    s, w = side.suffix, side.word

    def n(base: str, with_env: bool = False) -> str:
        base = f"{base}-{c}"
        if with_env:
            head, _, rest = base.partition("-")
            base = f"{head}-{w}-{rest}"
        return f"{base}-{s}"

    # -- encryption
    cmk = side.uuid(i, "cmk")
    replica_cmk = side.uuid(i, "replica-cmk")
    cmk_arn = side.arn("kms", f"key/{cmk}")
    replica_arn = side.arn("kms", f"key/{replica_cmk}", REPLICA)
    for key, key_arn, base, alias, region, desc in (
        (cmk, cmk_arn, "payment-cmk", "alias/payment", PRIMARY, f"payment {w} CMK ({s})"),
        (
            replica_cmk,
            replica_arn,
            "payment-replica-cmk",
            "alias/payment-replica",
            REPLICA,
            f"payment {w} replica CMK ({s}, {REPLICA})",
        ),
    ):
        alias_name = n(alias)
        yield _res(
            side,
            "kms",
            "kms.key",
            alias_name,
            key,
            key_arn,
            {
                "key_state": "Enabled",
                "enabled": True,
                "key_spec": "SYMMETRIC_DEFAULT",
                "key_usage": None,
                "key_manager": "CUSTOMER",
                "origin": "AWS_KMS",
                "multi_region": False,
                "enable_key_rotation": True,
                "description": desc,
                "aliases": [alias_name],
            },
            tags=side.tags(n(base)),
            aliases=(key, key_arn, alias_name, side.arn("kms", alias_name, region)),
            region=region,
        )

    # -- network
    vpc = "vpc-" + side.hexid(i, "vpc")
    subnets = ["subnet-" + side.hexid(i, "subnet", k) for k in range(3)]
    rtbs = ["rtb-" + side.hexid(i, "rtb", k) for k in range(3)]
    endpoints = {e: "vpce-" + side.hexid(i, "vpce", e) for e in ("s3", "dynamodb", "ssm")}
    sgs = {
        g: "sg-" + side.hexid(i, "sg", g) for g in ("default", "endpoint", "lambda", "rds", "alb")
    }
    # AWS-managed prefix lists: the same ids in every account of the region.
    prefix_lists = ["pl-" + Side("", "", "aws").hexid("pl", e) for e in ("s3", "dynamodb")]
    flow_group = n("/aws/vpc/flow-logs/payment")
    flow_role = side.arn("iam", f"role/{n('payment-flow-logs-role')}", "")
    yield _res(
        side,
        "ec2",
        "ec2.vpc",
        n("payment-vpc", True),
        vpc,
        side.arn("ec2", f"vpc/{vpc}"),
        {
            "cidr_block": "10.0.0.0/16",
            "instance_tenancy": "default",
            "enable_dns_support": True,
            "enable_dns_hostnames": True,
            "nat_gateways": 0,
            "internet_gateway": False,
            "flow_logs": [
                {
                    "traffic_type": "ALL",
                    "log_destination_type": "cloud-watch-logs",
                    "log_destination": side.arn("logs", f"log-group:{flow_group}"),
                    "iam_role_arn": flow_role,
                    "max_aggregation_interval": 60,
                }
            ],
        },
        tags=side.tags(n("payment-vpc", True)),
        aliases=(vpc,),
    )
    for k, (letter, cidr) in enumerate(
        (("a", "10.0.1.0/24"), ("b", "10.0.2.0/24"), ("c", "10.0.3.0/24"))
    ):
        name = n(f"payment-private-{letter}")
        yield _res(
            side,
            "ec2",
            "ec2.subnet",
            name,
            subnets[k],
            side.arn("ec2", f"subnet/{subnets[k]}"),
            {
                "vpc_id": vpc,
                "cidr_block": cidr,
                "availability_zone": f"{PRIMARY}{letter}",
                "map_public_ip_on_launch": False,
            },
            tags=side.tags(name),
            aliases=(subnets[k],),
        )
        rt_name = n(f"payment-private-rt-{letter}")
        yield _res(
            side,
            "ec2",
            "ec2.route_table",
            rt_name,
            rtbs[k],
            side.arn("ec2", f"route-table/{rtbs[k]}"),
            {
                "vpc_id": vpc,
                "main": False,
                "routes": [
                    {"destination": "10.0.0.0/16", "target": "local"},
                    {"destination": "endpoint-prefix-list", "target": endpoints["dynamodb"]},
                    {"destination": "endpoint-prefix-list", "target": endpoints["s3"]},
                ],
                "subnet_ids": [subnets[k]],
            },
            tags=side.tags(rt_name),
            aliases=(rtbs[k],),
        )
    main_rtb = "rtb-" + side.hexid(i, "rtb", "main")
    yield _res(
        side,
        "ec2",
        "ec2.route_table",
        "",
        main_rtb,
        side.arn("ec2", f"route-table/{main_rtb}"),
        {
            "vpc_id": vpc,
            "main": True,
            "routes": [{"destination": "10.0.0.0/16", "target": "local"}],
            "subnet_ids": [],
        },
        tags={},
        aliases=(main_rtb,),
        logical=f"main-route-table-{c}",
    )
    open_policy = {
        "Version": "2008-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["*"], "Resource": ["*"], "Principal": "*"}],
    }
    for service in ("s3", "dynamodb", "ssm"):
        name = n(f"payment-{service}-endpoint")
        gateway = service != "ssm"
        yield _res(
            side,
            "ec2",
            "ec2.vpc_endpoint",
            name,
            endpoints[service],
            side.arn("ec2", f"vpc-endpoint/{endpoints[service]}"),
            {
                "vpc_id": vpc,
                "service_name": f"com.amazonaws.{PRIMARY}.{service}",
                "vpc_endpoint_type": "Gateway" if gateway else "Interface",
                "private_dns_enabled": None if gateway else True,
                "route_table_ids": sorted(rtbs) if gateway else [],
                "subnet_ids": [] if gateway else sorted(subnets),
                "security_group_ids": [] if gateway else [sgs["endpoint"]],
                "policy": open_policy,
            },
            tags=side.tags(name),
            aliases=(endpoints[service],),
        )

    def rule(port: int, source: str) -> dict[str, Any]:
        return {"protocol": "tcp", "from_port": port, "to_port": port, "source": source}

    groups = {
        "default": ("default VPC security group", [], []),
        "endpoint": (
            "Interface VPC endpoints: HTTPS from inside the VPC only",
            [rule(443, "10.0.0.0/16")],
            [],
        ),
        "lambda": (
            "Payment Lambdas: no ingress; egress to Aurora, endpoints and S3/DynamoDB",
            [],
            [
                rule(443, "10.0.0.0/16"),
                *(rule(443, p) for p in prefix_lists),
                rule(5432, "10.0.0.0/16"),
            ],
        ),
        "rds": (
            "Aurora PostgreSQL: 5432 from the payment Lambdas only",
            [rule(5432, sgs["lambda"])],
            [],
        ),
        "alb": (
            "Internal payment ALB: HTTP/HTTPS from the VPC only",
            [rule(80, "10.0.0.0/16"), rule(443, "10.0.0.0/16")],
            [rule(443, "10.0.0.0/16")],
        ),
    }
    for g, (desc, ingress, egress) in groups.items():
        name = n(f"payment-{g}-sg")
        yield _res(
            side,
            "ec2",
            "ec2.security_group",
            name,
            sgs[g],
            side.arn("ec2", f"security-group/{sgs[g]}"),
            {"vpc_id": vpc, "description": desc, "ingress": ingress, "egress": egress},
            tags=side.tags(name),
            aliases=(sgs[g],),
            logical=f"default-{c}" if g == "default" else None,
        )

    # -- logs
    retention = 30
    for group in (
        flow_group,
        n("/aws/lambda/payment-processor"),
        n("/aws/lambda/parameter-migration"),
    ):
        group_arn = side.arn("logs", f"log-group:{group}")
        yield _res(
            side,
            "logs",
            "logs.log_group",
            group,
            group,
            group_arn,
            {"retention_in_days": retention, "kms_key_id": cmk_arn, "log_group_class": "STANDARD"},
            tags=side.tags(),
            aliases=(f"{group_arn}:*",),
        )

    # -- database
    cluster = n("payment-aurora-cluster")
    instances = [n("payment-aurora-instance-1"), n("payment-aurora-instance-2")]
    subnet_group = n("payment-db-subnets")
    monitoring_role = side.arn("iam", f"role/{n('payment-rds-monitoring-role')}", "")
    yield _res(
        side,
        "rds",
        "rds.cluster",
        cluster,
        cluster,
        side.arn("rds", f"cluster:{cluster}"),
        {
            "engine": "aurora-postgresql",
            "engine_version": "15.10",
            "engine_mode": "provisioned",
            "storage_encrypted": True,
            "kms_key_id": cmk_arn,
            "backup_retention_period": 14,
            "preferred_backup_window": "03:00-04:00",
            "deletion_protection": True,
            "iam_database_authentication_enabled": True,
            "manage_master_user_password": True,
            "master_username": "payment_admin",
            "enabled_cloudwatch_logs_exports": ["postgresql"],
            "copy_tags_to_snapshot": True,
            "db_subnet_group_name": subnet_group,
            "vpc_security_group_ids": [sgs["rds"]],
            "port": 5432,
            "members": instances,
        },
        tags=side.tags(),
        aliases=(
            "cluster-" + side.upper(i, "cluster", length=26),
            f"{cluster}.cluster-{side.hexid(i, 'endpoint', length=12)}.{PRIMARY}.rds.amazonaws.com",
        ),
    )
    for k, inst in enumerate(instances):
        yield _res(
            side,
            "rds",
            "rds.instance",
            inst,
            inst,
            side.arn("rds", f"db:{inst}"),
            {
                "cluster_identifier": cluster,
                "instance_class": "db.r6g.large",
                "engine": "aurora-postgresql",
                "availability_zone": f"{PRIMARY}{'ab'[k]}",
                "publicly_accessible": False,
                "performance_insights_enabled": True,
                "performance_insights_kms_key_id": cmk_arn,
                "auto_minor_version_upgrade": True,
                "monitoring_interval": 60,
                "monitoring_role_arn": monitoring_role,
            },
            tags=side.tags(),
            aliases=("db-" + side.upper(i, "db", k, length=26),),
        )
    yield _res(
        side,
        "rds",
        "rds.subnet_group",
        subnet_group,
        subnet_group,
        side.arn("rds", f"subgrp:{subnet_group}"),
        {"vpc_id": vpc, "subnet_ids": sorted(subnets)},
    )

    # -- sessions table
    table = n("payment-sessions")
    table_arn = side.arn("dynamodb", f"table/{table}")
    yield _res(
        side,
        "dynamodb",
        "dynamodb.table",
        table,
        table,
        table_arn,
        {
            "billing_mode": "PAY_PER_REQUEST",
            "hash_key": "session_id",
            "range_key": None,
            "attributes": {"session_id": "S", "user_id": "S"},
            "global_secondary_indexes": {
                "user_id-index": {
                    "hash_key": "user_id",
                    "range_key": None,
                    "projection_type": "ALL",
                    "non_key_attributes": [],
                }
            },
            "local_secondary_indexes": {},
            "point_in_time_recovery": True,
            "server_side_encryption": {"enabled": True, "sse_type": "KMS", "kms_key_arn": cmk_arn},
            "ttl": {"enabled": True, "attribute_name": "expires_at"},
            "stream_enabled": False,
            "stream_view_type": None,
            "deletion_protection_enabled": True,
            "table_class": "STANDARD",
        },
        tags=side.tags(),
        aliases=(table_arn,),
    )

    # -- storage
    bucket, replica = n("payment-audit-logs"), n("payment-audit-logs-replica")
    replication_role = side.arn("iam", f"role/{n('payment-s3-replication-role')}", "")
    for name, key_arn, region in ((bucket, cmk_arn, PRIMARY), (replica, replica_arn, REPLICA)):
        arn = f"arn:aws:s3:::{name}"
        replication = None
        if name == bucket:
            replication = {
                "role": replication_role,
                "rules": {
                    "replicate-all-to-us-west-2": {
                        "status": "Enabled",
                        "priority": 1,
                        "destination_bucket": f"arn:aws:s3:::{replica}",
                        "storage_class": "STANDARD",
                        "replica_kms_key_id": replica_arn,
                        "sse_kms_encrypted_objects": "Enabled",
                        "delete_marker_replication": "Enabled",
                    }
                },
            }
        yield _res(
            side,
            "s3",
            "s3.bucket",
            name,
            name,
            arn,
            {
                "versioning": "Enabled",
                "mfa_delete": "Disabled",
                "encryption": {
                    "sse_algorithm": "aws:kms",
                    "kms_master_key_id": key_arn,
                    "bucket_key_enabled": True,
                },
                "public_access_block": {
                    "block_public_acls": True,
                    "block_public_policy": True,
                    "ignore_public_acls": True,
                    "restrict_public_buckets": True,
                },
                "lifecycle_rules": {
                    "audit-log-tiering": {
                        "status": "Enabled",
                        "prefix": "",
                        "transitions": [
                            {"days": 30, "storage_class": "STANDARD_IA"},
                            {"days": 90, "storage_class": "GLACIER"},
                        ],
                        "expiration_days": None,
                        "noncurrent_version_expiration_days": 365,
                        "noncurrent_version_transitions": [],
                        "abort_incomplete_multipart_upload_days": 7,
                    }
                },
                "replication": replication,
                "policy": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Deny",
                            "Sid": "DenyInsecureTransport",
                            "Action": ["s3:*"],
                            "Resource": [arn, f"{arn}/*"],
                            "Principal": "*",
                            "Condition": {"Bool": {"aws:SecureTransport": ["false"]}},
                        }
                    ],
                },
                "tls_only": True,
                "logging": None,
            },
            tags=side.tags(),
            region=region,
        )

    # -- compute
    lambda_role = side.arn("iam", f"role/{n('payment-lambda-role')}", "")
    functions = {
        "payment-processor": (
            "payment_processor.handler",
            512,
            30,
            50,
            ["blue", "green"],
            [
                "TABLE_NAME",
                "AUDIT_BUCKET",
                "AUDIT_KMS_KEY_ARN",
                "MAX_PAYMENT_AMOUNT",
                "ALLOWED_CURRENCIES",
                "LOG_LEVEL",
            ],
        ),
        "parameter-migration": (
            "parameter_migration.handler",
            256,
            300,
            1,
            [],
            ["SOURCE_PATH", "TARGET_PATH", "LOG_LEVEL"],
        ),
    }
    fn_arns = {}
    for base, (handler, memory, timeout, reserved, slots, variables) in functions.items():
        name = n(base)
        fn_arn = side.arn("lambda", f"function:{name}")
        fn_arns[base] = fn_arn
        yield _res(
            side,
            "lambda",
            "lambda.function",
            name,
            name,
            fn_arn,
            {
                "runtime": "python3.12",
                "handler": handler,
                "package_type": "Zip",
                "memory_size": memory,
                "timeout": timeout,
                "architectures": ["x86_64"],
                "ephemeral_storage": 512,
                "role": lambda_role,
                "subnet_ids": sorted(subnets),
                "security_group_ids": [sgs["lambda"]],
                "environment": dict.fromkeys(variables, "[REDACTED]"),
                "sensitive_literal_variables": [],
                "tracing_mode": "Active",
                "reserved_concurrent_executions": reserved,
                "aliases": slots,
                "dead_letter_target_arn": None,
                "kms_key_arn": cmk_arn,
                "layers": [],
                "log_group": None,
            },
            tags=side.tags(),
            aliases=(fn_arn, *(f"{fn_arn}:{slot}" for slot in slots)),
        )

    # -- ingress
    alb = n("payment-alb")
    lb_hash = side.hexid(i, "alb", length=16)
    alb_arn = side.arn("elasticloadbalancing", f"loadbalancer/app/{alb}/{lb_hash}")
    tg_arns = {}
    for slot in ("blue", "green"):
        tg = n(f"payment-{slot}")
        tg_arns[slot] = side.arn(
            "elasticloadbalancing", f"targetgroup/{tg}/{side.hexid(i, 'tg', slot, length=16)}"
        )
    yield _res(
        side,
        "elbv2",
        "elbv2.load_balancer",
        alb,
        alb,
        alb_arn,
        {
            "load_balancer_type": "application",
            "internal": True,
            "ip_address_type": "ipv4",
            "security_groups": [sgs["alb"]],
            "subnets": sorted(subnets),
            "attributes": {
                "access_logs.s3.bucket": "",
                "access_logs.s3.prefix": "",
                "deletion_protection.enabled": "true",
                "load_balancing.cross_zone.enabled": "false",
                "routing.http.drop_invalid_header_fields.enabled": "true",
            },
            "listeners": {
                "HTTP:80": {
                    "protocol": "HTTP",
                    "port": 80,
                    "ssl_policy": "ELBSecurityPolicy-2016-08",
                    "default_actions": [
                        {
                            "type": "forward",
                            "target_groups": {
                                tg_arns["blue"]: 100,
                                tg_arns["green"]: 0,
                            },
                        }
                    ],
                }
            },
        },
        tags=side.tags(),
        aliases=(
            f"{alb}-{side.hexid(i, 'dns', length=10)}.{PRIMARY}.elb.amazonaws.com",
            side.arn(
                "elasticloadbalancing",
                f"listener/app/{alb}/{lb_hash}/{side.hexid(i, 'listener', length=16)}",
            ),
        ),
    )
    for slot in ("blue", "green"):
        tg = n(f"payment-{slot}")
        yield _res(
            side,
            "elbv2",
            "elbv2.target_group",
            tg,
            tg,
            tg_arns[slot],
            {
                "protocol": None,
                "port": None,
                "target_type": "lambda",
                "health_check": {
                    "enabled": True,
                    "path": "/health",
                    "protocol": None,
                    "interval_seconds": 35,
                    "timeout_seconds": 30,
                    "healthy_threshold": 3,
                    "unhealthy_threshold": 3,
                    "matcher": "200",
                },
                "load_balancer_arns": [alb_arn],
                "targets": [{"id": f"{fn_arns['payment-processor']}:{slot}", "state": "healthy"}],
            },
            tags=side.tags(),
        )

    # -- monitoring
    topic = n("payment-alarms")
    topic_arn = side.arn("sns", topic)
    yield _res(
        side,
        "sns",
        "sns.topic",
        topic,
        topic,
        topic_arn,
        {"kms_master_key_id": cmk_arn, "subscriptions": 1, "fifo_topic": False},
        tags=side.tags(),
    )
    alarms = (
        (
            "payment-rds-cpu-high",
            "AWS/RDS",
            "CPUUtilization",
            "Average",
            80.0,
            "GreaterThanThreshold",
            300,
            "missing",
            {"DBClusterIdentifier": cluster},
        ),
        (
            "payment-lambda-errors-high",
            "AWS/Lambda",
            "Errors",
            "Sum",
            5.0,
            "GreaterThanOrEqualToThreshold",
            60,
            "notBreaching",
            {"FunctionName": n("payment-processor")},
        ),
    )
    for base, namespace, metric, stat, threshold, op, period, missing, dims in alarms:
        name = n(base)
        yield _res(
            side,
            "cloudwatch",
            "cloudwatch.alarm",
            name,
            name,
            side.arn("cloudwatch", f"alarm:{name}"),
            {
                "namespace": namespace,
                "metric_name": metric,
                "statistic": stat,
                "threshold": threshold,
                "comparison_operator": op,
                "period": period,
                "evaluation_periods": 2,
                "datapoints_to_alarm": None,
                "treat_missing_data": missing,
                "dimensions": dims,
                "actions_enabled": True,
                "alarm_actions": [topic_arn],
                "ok_actions": [topic_arn],
                "insufficient_data_actions": [],
            },
            tags=side.tags(),
        )
    dashboard = n("payment-processing")
    yield _res(
        side,
        "cloudwatch",
        "cloudwatch.dashboard",
        dashboard,
        dashboard,
        f"arn:aws:cloudwatch::{side.account}:dashboard/{dashboard}",
        {
            "widgets": 4,
            "metrics": sorted(
                [
                    "AWS/ApplicationELB/HTTPCode_ELB_5XX_Count",
                    "AWS/ApplicationELB/RequestCount",
                    "AWS/ApplicationELB/TargetResponseTime",
                    "AWS/DynamoDB/ConsumedReadCapacityUnits",
                    "AWS/DynamoDB/ConsumedWriteCapacityUnits",
                    "AWS/DynamoDB/UserErrors",
                    "AWS/Lambda/Duration",
                    "AWS/Lambda/Errors",
                    "AWS/Lambda/Invocations",
                    "AWS/Lambda/Throttles",
                    "AWS/RDS/CPUUtilization",
                    "AWS/RDS/DatabaseConnections",
                    "AWS/RDS/FreeableMemory",
                ]
            ),
        },
    )

    # -- parameters
    prefix = f"/{w}"
    for path, value in (
        ("currency", "USD"),
        ("max-payment-amount", "10000"),
        ("log-level", "INFO"),
        ("table-name", table),
    ):
        name = f"{prefix}/app-{c}/{path}"
        yield _res(
            side,
            "ssm",
            "ssm.parameter",
            name,
            name,
            side.arn("ssm", f"parameter{name}"),
            {
                "type": "String",
                "data_type": "text",
                "tier": "Standard",
                "key_id": None,
                "description": None,
                "allowed_pattern": None,
                "value": value,
            },
            tags=side.tags(),
            logical=ssm_logical_name(name, prefix),
        )

    # -- roles
    def trust(service: str, scoped: bool) -> dict[str, Any]:
        stmt: dict[str, Any] = {
            "Effect": "Allow",
            "Sid": "AllowServiceAssumeRole",
            "Action": ["sts:AssumeRole"],
            "Principal": {"Service": [service]},
        }
        if scoped:
            stmt["Condition"] = {"StringEquals": {"aws:SourceAccount": [side.account]}}
        return {"Version": "2012-10-17", "Statement": [stmt]}

    flow_arn = side.arn("logs", f"log-group:{flow_group}")
    osm = side.arn("logs", "log-group:RDSOSMetrics")
    fn_groups = [side.arn("logs", f"log-group:{n('/aws/lambda/' + f)}") for f in functions]
    roles = {
        "payment-flow-logs-role": (
            "vpc-flow-logs.amazonaws.com",
            True,
            "payment-flow-logs-policy",
            [
                _statement(
                    "DeliverFlowLogsToTheFlowLogGroup",
                    ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
                    [flow_arn, f"{flow_arn}:*"],
                ),
            ],
        ),
        "payment-rds-monitoring-role": (
            "monitoring.rds.amazonaws.com",
            True,
            "payment-rds-monitoring-policy",
            [
                _statement(
                    "ManageRdsOsMetricsLogGroup",
                    ["logs:CreateLogGroup", "logs:PutRetentionPolicy"],
                    [osm],
                ),
                _statement(
                    "WriteRdsOsMetricsLogStreams",
                    [
                        "logs:CreateLogStream",
                        "logs:DescribeLogStreams",
                        "logs:GetLogEvents",
                        "logs:PutLogEvents",
                    ],
                    [f"{osm}:log-stream:*"],
                ),
            ],
        ),
        "payment-s3-replication-role": (
            "s3.amazonaws.com",
            True,
            "payment-s3-replication-policy",
            [
                _statement(
                    "ReadSourceReplicationConfiguration",
                    ["s3:GetReplicationConfiguration", "s3:ListBucket"],
                    [f"arn:aws:s3:::{bucket}"],
                ),
                _statement(
                    "WriteReplicaObjects",
                    ["s3:ReplicateDelete", "s3:ReplicateObject", "s3:ReplicateTags"],
                    [f"arn:aws:s3:::{replica}/*"],
                ),
                _statement(
                    "DecryptSourceObjects",
                    ["kms:Decrypt"],
                    [cmk_arn],
                    Condition={"StringEquals": {"kms:ViaService": [f"s3.{PRIMARY}.amazonaws.com"]}},
                ),
                _statement(
                    "EncryptReplicaObjects",
                    ["kms:Encrypt", "kms:GenerateDataKey"],
                    [replica_arn],
                    Condition={"StringEquals": {"kms:ViaService": [f"s3.{REPLICA}.amazonaws.com"]}},
                ),
            ],
        ),
        "payment-lambda-role": (
            "lambda.amazonaws.com",
            False,
            "payment-lambda-policy",
            [
                _statement(
                    "SessionTableItems",
                    [
                        "dynamodb:GetItem",
                        "dynamodb:PutItem",
                        "dynamodb:Query",
                        "dynamodb:UpdateItem",
                    ],
                    [table_arn, f"{table_arn}/index/*"],
                ),
                _statement(
                    "AuditObjects", ["s3:GetObject", "s3:PutObject"], [f"arn:aws:s3:::{bucket}/*"]
                ),
                _statement(
                    "UseTheCmk",
                    ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"],
                    [cmk_arn],
                ),
                _statement(
                    "ReadParameters",
                    ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"],
                    [
                        side.arn("ssm", f"parameter{prefix}"),
                        side.arn("ssm", f"parameter{prefix}/*"),
                    ],
                ),
                _statement(
                    "WriteOwnLogs",
                    ["logs:CreateLogStream", "logs:PutLogEvents"],
                    [g for arn in fn_groups for g in (arn, f"{arn}:*")],
                ),
                _statement(
                    "XRayTracing", ["xray:PutTelemetryRecords", "xray:PutTraceSegments"], ["*"]
                ),
            ],
        ),
    }
    for base, (service, scoped, policy_base, statements) in roles.items():
        name = n(base)
        yield _res(
            side,
            "iam",
            "iam.role",
            name,
            name,
            side.arn("iam", f"role/{name}", ""),
            {
                "path": "/",
                "assume_role_policy": trust(service, scoped),
                "max_session_duration": 3600,
                "permissions_boundary": None,
                "inline_policies": {
                    n(policy_base): {"Version": "2012-10-17", "Statement": statements}
                },
                "managed_policies": {},
            },
            aliases=("AROA" + side.upper(i, "role", base, length=17),),
        )


def snapshot_of(side: Side, size: int) -> Snapshot:
    """A snapshot of ``size`` resources: copies of the stack, the last one truncated."""
    resources: list[Resource] = []
    i = 0
    while len(resources) < size:
        resources.extend(stack_copy(side, i))
        i += 1
    del resources[size:]
    resources.sort(key=lambda r: (r.service, r.type, r.logical_name))
    counts: dict[str, int] = {}
    for r in resources:
        counts[r.service] = counts.get(r.service, 0) + 1
    return Snapshot(
        suffix=side.suffix,
        ssm_prefix=f"/{side.word}",
        region=PRIMARY,
        replica_region=REPLICA,
        account_id=side.account,
        taken_at="2026-01-01T00:00:00Z",
        resources=tuple(resources),
        coverage=tuple(Coverage(svc, "ok", counts.get(svc, 0)) for svc in SERVICES),
        source="synthetic",
    )


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, (*path, k))
    elif isinstance(value, list):
        for k, v in enumerate(value):
            yield from _leaves(v, (*path, k))
    elif isinstance(value, bool | int | float) or (isinstance(value, str) and value):
        yield path, value


def _changed(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value * 2 + 1
    return f"{value}-changed"


def mutate(config: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """A copy of ``config`` with one scalar leaf changed (a real, normalized difference)."""
    import copy

    out = copy.deepcopy(config)
    leaves = list(_leaves(out))
    path, value = rng.choice(leaves)
    node: Any = out
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = _changed(value)
    return out


def make_pair(
    size: int, changed: float = 0.01, seed: int = 20260101
) -> tuple[Snapshot, Snapshot, int]:
    """(baseline, target, number of changed resources) of ``size`` resources each."""
    from dataclasses import replace

    baseline = snapshot_of(Side(BASELINE_SUFFIX, BASELINE_ACCOUNT, f"b{seed}"), size)
    target = snapshot_of(Side(TARGET_SUFFIX, TARGET_ACCOUNT, f"t{seed}"), size)
    rng = random.Random(seed)
    count = round(size * changed)
    picked = set(rng.sample(range(size), count))
    resources = list(target.resources)
    for index in sorted(picked):
        res = resources[index]
        resources[index] = replace(res, config=mutate(dict(res.config), rng))
    return baseline, replace(target, resources=tuple(resources)), count
