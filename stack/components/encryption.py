"""Encryption: the customer-managed KMS keys (us-east-1 and the us-west-2 replica) and aliases."""

from __future__ import annotations

from dataclasses import dataclass

import cdk
from config import PRIMARY_REGION, REPLICA_REGION, StackConfig
from policies import Statement, document

# Explicit key-administration and usage actions for the account root (which delegates to IAM):
# no "kms:*", so every policy document in the stack is free of service-wide wildcards.
ROOT_KEY_ACTIONS = [
    "kms:CancelKeyDeletion",
    "kms:CreateAlias",
    "kms:CreateGrant",
    "kms:Decrypt",
    "kms:DeleteAlias",
    "kms:DescribeKey",
    "kms:DisableKey",
    "kms:DisableKeyRotation",
    "kms:EnableKey",
    "kms:EnableKeyRotation",
    "kms:Encrypt",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListAliases",
    "kms:ListGrants",
    "kms:ListKeyPolicies",
    "kms:ListKeyRotations",
    "kms:ListResourceTags",
    "kms:PutKeyPolicy",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
    "kms:RetireGrant",
    "kms:RevokeGrant",
    "kms:RotateKeyOnDemand",
    "kms:ScheduleKeyDeletion",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:UpdateAlias",
    "kms:UpdateKeyDescription",
]
LOGS_KEY_ACTIONS = [
    "kms:Decrypt",
    "kms:DescribeKey",
    "kms:Encrypt",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
]
# Where the stack's log groups live: /aws/lambda/<function> and the VPC flow logs.
LOG_GROUP_PATHS = ("/aws/lambda/", "/aws/vpc/flow-logs/")
# SNS encrypts/decrypts topic messages; CloudWatch alarms publish to the encrypted topic.
PUBLISHER_KEY_ACTIONS = ["kms:Decrypt", "kms:GenerateDataKey"]


@dataclass
class Encryption:
    """The keys and the account id other components need."""

    account_id: str
    key: cdk.KmsKey
    replica_key: cdk.KmsKey


def log_group_arn_patterns(cfg: StackConfig, account_id: str) -> list[str]:
    """ARN patterns of the stack's log groups (Lambda and flow logs), scoped by the suffix.

    Patterns rather than the exact names: the names are written once, as cfg.name() literals in
    the modules that create the log groups (the audit library locates them there).
    """
    prefix = f"arn:aws:logs:{PRIMARY_REGION}:{account_id}:log-group:"
    return [f"{prefix}{path}*-{cfg.suffix}" for path in LOG_GROUP_PATHS]


def _root_statement(account_id: str) -> Statement:
    return {
        "Sid": "AccountRootAdministersAndDelegatesToIam",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
        "Action": ROOT_KEY_ACTIONS,
        "Resource": "*",
    }


def _primary_key_policy(cfg: StackConfig, account_id: str) -> str:
    return document(
        _root_statement(account_id),
        {
            "Sid": "CloudWatchLogsUseForPaymentLogGroups",
            "Effect": "Allow",
            "Principal": {"Service": f"logs.{PRIMARY_REGION}.amazonaws.com"},
            "Action": LOGS_KEY_ACTIONS,
            "Resource": "*",
            "Condition": {
                "ArnLike": {
                    "kms:EncryptionContext:aws:logs:arn": log_group_arn_patterns(cfg, account_id)
                }
            },
        },
        {
            "Sid": "SnsAndCloudWatchAlarmsUseForAlarmTopic",
            "Effect": "Allow",
            "Principal": {"Service": ["sns.amazonaws.com", "cloudwatch.amazonaws.com"]},
            "Action": PUBLISHER_KEY_ACTIONS,
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
        },
    )


def build(scope: cdk.TerraformStack, cfg: StackConfig, replica: cdk.AwsProvider) -> Encryption:
    """Create both keys (rotation on, explicit policies) and their aliases."""
    identity = cdk.DataAwsCallerIdentity(scope, "current")
    account_id = identity.account_id

    key = cdk.KmsKey(
        scope,
        "cmk",
        description=f"payment {cfg.environment} CMK ({cfg.suffix})",
        enable_key_rotation=True,
        deletion_window_in_days=cfg.kms_deletion_window_days,
        policy=_primary_key_policy(cfg, account_id),
        tags={"Name": cfg.name("payment-cmk")},
    )
    cdk.KmsAlias(scope, "cmk_alias", name=cfg.name("alias/payment"), target_key_id=key.key_id)

    replica_key = cdk.KmsKey(
        scope,
        "replica_cmk",
        provider=replica,
        description=f"payment {cfg.environment} replica CMK ({cfg.suffix}, {REPLICA_REGION})",
        enable_key_rotation=True,
        deletion_window_in_days=cfg.kms_deletion_window_days,
        policy=document(_root_statement(account_id)),
        tags={"Name": cfg.name("payment-replica-cmk")},
    )
    cdk.KmsAlias(
        scope,
        "replica_cmk_alias",
        provider=replica,
        name=cfg.name("alias/payment-replica"),
        target_key_id=replica_key.key_id,
    )
    return Encryption(account_id=account_id, key=key, replica_key=replica_key)
