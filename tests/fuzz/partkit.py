"""The parts the cases of test_missing_members.py are made of: a resource each (its collector
type, raw item, detail results and region), as AWS returns it for a payment stack that passes
every rule, and the case that groups them (:class:`Case`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from fuzzkit import TARGET

from paymentaudit.model import Status

ACCOUNT = "123456789012"
S = TARGET
KEY_ARN = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/3b883ff5-f172-4048-854c-c7fa89559a1d"
TOPIC_ARN = f"arn:aws:sns:us-east-1:{ACCOUNT}:payment-alarms-{S}"
ELB = f"arn:aws:elasticloadbalancing:us-east-1:{ACCOUNT}"
BLUE = f"{ELB}:targetgroup/payment-blue-{S}/0123456789abcdef"
GREEN = f"{ELB}:targetgroup/payment-green-{S}/fedcba9876543210"
MANAGED = f"arn:aws:iam::{ACCOUNT}:policy/payment-app-{S}"
DOC = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["dynamodb:PutItem"], "Resource": ["arn:x"]}],
}


@dataclass
class Part:
    """One resource of a case: its collector, raw item, detail results, region."""

    type: str
    raw: dict[str, Any]
    details: dict[str, Any] = field(default_factory=dict)
    region: str = "us-east-1"
    exclude: tuple[str, ...] = ()  # generated members left out (they change what is required)


@dataclass
class Case:
    parts: list[Part]
    drops: Sequence[tuple[int, tuple[str, ...]]]  # (part, paths dropped together): not evaluated
    kept: Sequence[tuple[int, tuple[str, ...], Status]] = field(default_factory=list)


def function(**raw: Any) -> Part:
    name = f"payment-processor-{S}"
    base = {
        "FunctionName": name,
        "FunctionArn": f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:{name}",
        "Runtime": "python3.12",
        "Role": f"arn:aws:iam::{ACCOUNT}:role/payment-lambda-role-{S}",
        "Handler": "h.handler",
        "MemorySize": 512,
        "Timeout": 30,
        "PackageType": "Zip",
        "Architectures": ["x86_64"],
        "EphemeralStorage": {"Size": 512},
        "TracingConfig": {"Mode": "Active"},
        "VpcConfig": {"SubnetIds": ["subnet-0a1b2c3d"], "SecurityGroupIds": ["sg-0a1b2c3d"]},
        "Environment": {"Variables": {"TABLE_NAME": "payment-sessions"}},
        "LoggingConfig": {"LogGroup": f"/aws/lambda/{name}", "LogFormat": "Text"},
    }
    return Part(
        "lambda.function", {**base, **raw}, {"aliases": [], "reserved_concurrent_executions": 5}
    )


def log_group(name: str) -> Part:
    return Part(
        "logs.log_group",
        {
            "logGroupName": name,
            "arn": f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:{name}:*",
            "retentionInDays": 30,
        },
    )


def table() -> Part:
    name = f"payment-sessions-{S}"
    raw = {
        "TableName": name,
        "TableArn": f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/{name}",
        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
        "BillingModeSummary": {"BillingMode": "PAY_PER_REQUEST"},
        "SSEDescription": {"Status": "ENABLED", "SSEType": "KMS", "KMSMasterKeyArn": KEY_ARN},
        "DeletionProtectionEnabled": True,
    }
    details = {
        "point_in_time_recovery": {
            "ContinuousBackupsStatus": "ENABLED",
            "PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": "ENABLED"},
        },
        "ttl": {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires"},
    }
    return Part("dynamodb.table", raw, details)


def key(manager: str = "CUSTOMER") -> Part:
    raw = {
        "KeyId": KEY_ARN.rsplit("/", 1)[1],
        "Aliases": [f"alias/payment-{S}"],
        "Arn": KEY_ARN,
        "KeyState": "Enabled",
        "Enabled": True,
        "KeyManager": manager,
        "KeySpec": "SYMMETRIC_DEFAULT",
        "CustomerMasterKeySpec": "SYMMETRIC_DEFAULT",
        "KeyUsage": "ENCRYPT_DECRYPT",
        "Origin": "AWS_KMS",
    }
    return Part("kms.key", raw, {"enable_key_rotation": True})


def cluster() -> Part:
    name = f"payment-aurora-cluster-{S}"
    raw = {
        "DBClusterIdentifier": name,
        "DBClusterArn": f"arn:aws:rds:us-east-1:{ACCOUNT}:cluster:{name}",
        "StorageEncrypted": True,
        "KmsKeyId": KEY_ARN,
        "BackupRetentionPeriod": 14,
        "DeletionProtection": True,
        "MasterUserSecret": {"SecretArn": f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:x"},
        "DBClusterMembers": [
            {"DBInstanceIdentifier": f"payment-aurora-instance-{n}-{S}", "PromotionTier": 1}
            for n in (1, 2)
        ],
    }
    return Part("rds.cluster", raw)


def instance(n: int, zone: str) -> Part:
    name = f"payment-aurora-instance-{n}-{S}"
    raw = {
        "DBInstanceIdentifier": name,
        "DBInstanceArn": f"arn:aws:rds:us-east-1:{ACCOUNT}:db:{name}",
        "AvailabilityZone": zone,
        "PubliclyAccessible": False,
    }
    return Part("rds.instance", raw)


def bucket(name: str, region: str = "us-east-1", **details: Any) -> Part:
    base = {
        "versioning": {"Status": "Enabled"},
        "encryption": {
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {
                        "SSEAlgorithm": "aws:kms",
                        "KMSMasterKeyID": KEY_ARN,
                    },
                    "BucketKeyEnabled": True,
                }
            ]
        },
        "public_access_block": {
            "BlockPublicAcls": True,
            "BlockPublicPolicy": True,
            "IgnorePublicAcls": True,
            "RestrictPublicBuckets": True,
        },
        "lifecycle_rules": [{"ID": "tiering", "Status": "Enabled", "Filter": {"Prefix": ""}}],
        "replication": None,
        "policy": None,
        "logging": None,
    }
    return Part("s3.bucket", {"Name": name}, {**base, **details}, region=region)


REPLICATION = {
    "Role": f"arn:aws:iam::{ACCOUNT}:role/payment-s3-replication-role-{S}",
    "Rules": [
        {
            "ID": "replicate",
            "Status": "Enabled",
            "Priority": 1,
            "Filter": {"Prefix": ""},
            "Destination": {"Bucket": f"arn:aws:s3:::payment-audit-logs-replica-{S}"},
            "DeleteMarkerReplication": {"Status": "Enabled"},
            "SourceSelectionCriteria": {"SseKmsEncryptedObjects": {"Status": "Enabled"}},
        }
    ],
}


def group(name: str, ingress: list[Any], egress: list[Any]) -> Part:
    return Part(
        "ec2.security_group",
        {
            "GroupId": "sg-0123456789abcdef0",
            "GroupName": name,
            "VpcId": "vpc-0123456789abcdef0",
            "Description": "x",
            "IpPermissions": ingress,
            "IpPermissionsEgress": egress,
        },
    )


def endpoint(service: str, n: int) -> Part:
    return Part(
        "ec2.vpc_endpoint",
        {
            "VpcEndpointId": f"vpce-0{n}23456789abcdef0",
            "VpcEndpointType": "Gateway",
            "ServiceName": f"com.amazonaws.us-east-1.{service}",
            "VpcId": "vpc-0123456789abcdef0",
            "Tags": [{"Key": "Name", "Value": f"payment-{service}-endpoint-{S}"}],
        },
    )


def alarm(namespace: str, metric: str, threshold: float, period: int, name: str) -> Part:
    return Part(
        "cloudwatch.alarm",
        {
            "AlarmName": f"{name}-{S}",
            "Namespace": namespace,
            "MetricName": metric,
            "Statistic": "Average",
            "Threshold": threshold,
            "Period": period,
            "EvaluationPeriods": 2,
            "ComparisonOperator": "GreaterThanThreshold",
            "ActionsEnabled": True,
            "AlarmActions": [TOPIC_ARN],
            "OKActions": [],
            "InsufficientDataActions": [],
        },
        exclude=("Metrics", "ThresholdMetricId"),
    )


VPC = Part(
    "ec2.vpc",
    {"VpcId": "vpc-0123456789abcdef0", "Tags": [{"Key": "Name", "Value": f"payment-prod-vpc-{S}"}]},
    {
        "enable_dns_support": True,
        "enable_dns_hostnames": True,
        "nat_gateways": [],
        "internet_gateways": [],
        "flow_logs": [{"TrafficType": "ALL", "LogGroupName": "/aws/vpc/flow-logs/payment"}],
    },
)
