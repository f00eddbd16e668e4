"""The cases of test_missing_members.py, one per rule: the parts that make the rule pass, the
members whose absence makes it not evaluated (``drops``), and those whose absence has a
documented meaning (``kept``). Paths: see test_missing_members.py.
"""

from __future__ import annotations

import copy

from partkit import (
    ACCOUNT,
    BLUE,
    DOC,
    ELB,
    GREEN,
    KEY_ARN,
    MANAGED,
    REPLICATION,
    TOPIC_ARN,
    VPC,
    Case,
    Part,
    S,
    alarm,
    bucket,
    cluster,
    endpoint,
    function,
    group,
    instance,
    key,
    log_group,
    table,
)

from paymentaudit.model import Status

ALARM_DROPS = [
    (0, (m,))
    for m in ("Threshold", "Period", "EvaluationPeriods", "AlarmActions", "Namespace", "MetricName")
]


CASES: dict[str, Case] = {
    "ALB-BLUE-GREEN": Case(
        [
            Part(
                "elbv2.load_balancer",
                {
                    "LoadBalancerName": f"payment-alb-{S}",
                    "LoadBalancerArn": f"{ELB}:loadbalancer/app/payment-alb-{S}/0123456789abcdef",
                    "Scheme": "internal",
                    "Type": "application",
                },
                {
                    "attributes": [{"Key": "deletion_protection.enabled", "Value": "true"}],
                    "listeners": [
                        {
                            "ListenerArn": f"{ELB}:listener/app/payment-alb-{S}/1/2",
                            "Protocol": "HTTP",
                            "Port": 80,
                            "DefaultActions": [
                                {
                                    "Type": "forward",
                                    "ForwardConfig": {
                                        "TargetGroups": [
                                            {"TargetGroupArn": BLUE, "Weight": 100},
                                            {"TargetGroupArn": GREEN, "Weight": 0},
                                        ]
                                    },
                                }
                            ],
                        }
                    ],
                },
            ),
            Part(
                "elbv2.target_group",
                {"TargetGroupName": f"payment-blue-{S}", "TargetGroupArn": BLUE},
                {"targets": []},
            ),
            Part(
                "elbv2.target_group",
                {"TargetGroupName": f"payment-green-{S}", "TargetGroupArn": GREEN},
                {"targets": []},
            ),
        ],
        drops=[
            (0, ("@listeners.0.DefaultActions",)),
            (0, ("@listeners.0.DefaultActions.0.ForwardConfig.TargetGroups.0.TargetGroupArn",)),
        ],
    ),
    "ALB-DELETION-PROTECTION": Case(
        [
            Part(
                "elbv2.load_balancer",
                {
                    "LoadBalancerName": f"payment-alb-{S}",
                    "LoadBalancerArn": f"{ELB}:loadbalancer/app/x/1",
                    "Scheme": "internal",
                },
                {
                    "attributes": [{"Key": "deletion_protection.enabled", "Value": "true"}],
                    "listeners": [],
                },
            )
        ],
        drops=[(0, ("@attributes",)), (0, ("@attributes.0.Key",)), (0, ("@attributes.0",))],
    ),
    "CW-ALARM-LAMBDA-ERRORS": Case(
        [alarm("AWS/Lambda", "Errors", 5.0, 60, "payment-lambda-errors-high")], ALARM_DROPS
    ),
    "CW-ALARM-RDS-CPU": Case(
        [alarm("AWS/RDS", "CPUUtilization", 80.0, 300, "payment-rds-cpu-high")], ALARM_DROPS
    ),
    # CW-DASHBOARD: a dashboard is present or not by its name (an identifier): nothing to drop.
    "DDB-DELETION-PROTECTION": Case([table()], drops=[(0, ("DeletionProtectionEnabled",))]),
    "DDB-PITR": Case(
        [table()],
        drops=[
            (0, ("@point_in_time_recovery",)),
            (0, ("@point_in_time_recovery.PointInTimeRecoveryDescription",)),
            (
                0,
                (
                    "@point_in_time_recovery.PointInTimeRecoveryDescription.PointInTimeRecoveryStatus",
                ),
            ),
        ],
    ),
    "DDB-SSE-KMS": Case(
        [table()],
        drops=[(0, ("SSEDescription.Status",)), (0, ("SSEDescription.SSEType",))],
        kept=[(0, ("SSEDescription",), Status.FAIL)],  # an AWS owned key: not KMS
    ),
    "IAM-WILDCARD": Case(
        [
            Part(
                "iam.role",
                {
                    "RoleName": f"payment-lambda-role-{S}",
                    "Arn": f"arn:aws:iam::{ACCOUNT}:role/payment-lambda-role-{S}",
                    "Path": "/",
                    "MaxSessionDuration": 3600,
                    "AssumeRolePolicyDocument": DOC,
                },
                {
                    "inline_policies": {"app": DOC},
                    "managed_policies": {MANAGED: {MANAGED: DOC}},
                },
            )
        ],
        drops=[
            (0, ("@inline_policies.app=None",)),
            (0, (f"@managed_policies.{MANAGED}.{MANAGED}=None",)),
            (0, (f"@managed_policies.{MANAGED}.{MANAGED}",)),  # GetPolicy without its Policy
        ],
    ),
    "KMS-ROTATION": Case(
        [key()],
        drops=[
            (0, ("@enable_key_rotation=None",)),
            (0, ("KeyManager",)),
            (0, ("KeySpec", "CustomerMasterKeySpec")),
        ],
    ),
    "LAMBDA-LOG-RETENTION": Case(
        [function(), log_group(f"/aws/lambda/payment-processor-{S}")],
        drops=[],
        kept=[
            (0, ("LoggingConfig",), Status.PASS),  # the default group /aws/lambda/<name>
            (1, ("retentionInDays",), Status.FAIL),  # never expire
        ],
    ),
    "LAMBDA-SECRETS": Case([function()], drops=[], kept=[(0, ("Environment",), Status.PASS)]),
    "LAMBDA-TRACING": Case(
        [function()], drops=[(0, ("TracingConfig",)), (0, ("TracingConfig.Mode",))]
    ),
    "LAMBDA-VPC": Case(
        [function()],
        drops=[(0, ("VpcConfig.SubnetIds",))],
        kept=[(0, ("VpcConfig",), Status.FAIL)],  # not connected to a VPC
    ),
    "LOGS-RETENTION": Case(
        [log_group("/aws/vpc/flow-logs/payment")],
        drops=[],
        kept=[(0, ("retentionInDays",), Status.FAIL)],
    ),
    "RDS-BACKUP": Case([cluster()], drops=[(0, ("BackupRetentionPeriod",))]),
    "RDS-DELETION-PROTECTION": Case([cluster()], drops=[(0, ("DeletionProtection",))]),
    "RDS-ENCRYPTED": Case(
        [cluster(), key()],
        drops=[(0, ("StorageEncrypted",)), (0, ("KmsKeyId",)), (1, ("KeyManager",))],
    ),
    "RDS-MANAGED-SECRET": Case(
        [cluster()], drops=[], kept=[(0, ("MasterUserSecret",), Status.FAIL)]
    ),
    "RDS-MULTI-AZ": Case(
        [cluster(), instance(1, "us-east-1a"), instance(2, "us-east-1b")],
        drops=[
            (0, ("DBClusterMembers",)),
            (0, ("DBClusterMembers.0.DBInstanceIdentifier",)),
            (1, ("AvailabilityZone",)),
        ],
    ),
    "RDS-PUBLIC": Case([instance(1, "us-east-1a")], drops=[(0, ("PubliclyAccessible",))]),
    "S3-ENCRYPTION": Case(
        [bucket(f"payment-audit-logs-{S}")],
        drops=[
            (0, ("@encryption.Rules",)),
            (0, ("@encryption.Rules.0.ApplyServerSideEncryptionByDefault",)),
            (0, ("@encryption.Rules.0.ApplyServerSideEncryptionByDefault.SSEAlgorithm",)),
        ],
    ),
    "S3-LIFECYCLE": Case(
        [bucket(f"payment-audit-logs-{S}")], drops=[(0, ("@lifecycle_rules.0.Status",))]
    ),
    "S3-PUBLIC-ACCESS": Case(
        [bucket(f"payment-audit-logs-{S}")],
        drops=[
            (0, (f"@public_access_block.{flag}",))
            for flag in (
                "BlockPublicAcls",
                "BlockPublicPolicy",
                "IgnorePublicAcls",
                "RestrictPublicBuckets",
            )
        ],
    ),
    "S3-REPLICATION": Case(
        [
            bucket(f"payment-audit-logs-{S}", replication=copy.deepcopy(REPLICATION)),
            bucket(f"payment-audit-logs-replica-{S}", region="us-west-2"),
        ],
        drops=[
            (0, ("@replication.Rules",)),
            (0, ("@replication.Role",)),
            (0, ("@replication.Rules.0.Status",)),
            (0, ("@replication.Rules.0.Destination",)),
            (0, ("@replication.Rules.0.Destination.Bucket",)),
        ],
        kept=[
            # Optional members moto never returns: their absence changes nothing here.
            (0, ("@replication.Rules.0.DeleteMarkerReplication",), Status.PASS),
            (
                0,
                ("@replication.Rules.0.SourceSelectionCriteria.SseKmsEncryptedObjects",),
                Status.PASS,
            ),
        ],
    ),
    "S3-VERSIONING": Case(
        [bucket(f"payment-audit-logs-{S}")],
        drops=[],
        kept=[(0, ("@versioning.Status",), Status.FAIL)],  # never enabled
    ),
    "SECRET-KMS": Case(
        [
            Part(
                "secretsmanager.secret",
                {
                    "Name": "rds!cluster-1",
                    "ARN": f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:rds!cluster-1",
                    "KmsKeyId": KEY_ARN,
                },
                {"description": {"KmsKeyId": KEY_ARN, "RotationEnabled": True}},
            ),
            key(),
        ],
        drops=[(1, ("KeyManager",))],
        kept=[(0, ("KmsKeyId", "@description.KmsKeyId"), Status.FAIL)],  # aws/secretsmanager
    ),
    "SECRET-ROTATION": Case(
        [
            Part(
                "secretsmanager.secret",
                {
                    "Name": "rds!cluster-1",
                    "ARN": f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:rds!cluster-1",
                    "RotationEnabled": True,
                },
                {"description": {"RotationEnabled": True}},
            )
        ],
        drops=[],
        kept=[(0, ("RotationEnabled", "@description.RotationEnabled"), Status.FAIL)],
    ),
    "SG-DEFAULT-DENY": Case(
        [group("default", [], [])],
        drops=[(0, ("IpPermissions",)), (0, ("IpPermissionsEgress",))],
    ),
    "SG-OPEN-INGRESS": Case(
        [
            group(
                f"payment-rds-sg-{S}",
                [
                    {
                        "IpProtocol": "tcp",
                        "FromPort": 5432,
                        "ToPort": 5432,
                        "IpRanges": [{"CidrIp": "10.0.0.0/16"}],
                    }
                ],
                [],
            )
        ],
        drops=[(0, ("IpPermissions",))],
    ),
    "SNS-ENCRYPTION": Case(
        [
            Part(
                "sns.topic",
                {"TopicArn": TOPIC_ARN},
                {
                    "attributes": {
                        "KmsMasterKeyId": KEY_ARN,
                        "SubscriptionsConfirmed": "1",
                        "SubscriptionsPending": "0",
                    }
                },
            )
        ],
        drops=[],
        kept=[(0, ("@attributes.KmsMasterKeyId",), Status.FAIL)],  # not encrypted
    ),
    "SSM-SENSITIVE-TYPE": Case(
        [
            Part(
                "ssm.parameter",
                {
                    "Name": "/prod/db/password",
                    "Type": "SecureString",
                    "Tier": "Standard",
                    "KeyId": "alias/aws/ssm",
                },
            )
        ],
        drops=[(0, ("Type",))],
    ),
    "VPC-ENDPOINTS": Case(
        [VPC, endpoint("s3", 1), endpoint("dynamodb", 2)],
        drops=[
            (1, ("VpcEndpointType",)),
            (2, ("ServiceName",)),
            (1, ("VpcId",)),
        ],
    ),
    "VPC-FLOW-LOGS": Case(
        # DescribeFlowLogs is paginated: a page without FlowLogs reads as none (the engine).
        [VPC],
        drops=[],
        kept=[(0, ("@flow_logs.0",), Status.FAIL)],
    ),
}
