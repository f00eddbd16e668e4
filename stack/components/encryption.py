"""Encryption: the customer-managed KMS keys (us-east-1 and the us-west-2 replica) and aliases."""

from __future__ import annotations

from dataclasses import dataclass

import cdk
from config import PRIMARY_REGION, StackConfig
from policies import Statement, document

from paymentaudit import platform


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
    return [f"{prefix}{path}*-{cfg.suffix}" for path in platform.LOG_GROUP_PATHS]


def _root_statement(account_id: str) -> Statement:
    return {
        "Sid": "AccountRootAdministersAndDelegatesToIam",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
        "Action": list(platform.KMS_ROOT_ACTIONS),
        "Resource": "*",
    }


def _primary_key_policy(cfg: StackConfig, account_id: str) -> str:
    return document(
        _root_statement(account_id),
        {
            "Sid": "CloudWatchLogsUseForPaymentLogGroups",
            "Effect": "Allow",
            "Principal": {"Service": f"logs.{PRIMARY_REGION}.amazonaws.com"},
            "Action": list(platform.KMS_LOGS_ACTIONS),
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
            "Principal": {"Service": list(platform.KMS_PUBLISHER_SERVICES)},
            "Action": list(platform.KMS_PUBLISHER_ACTIONS),
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
        },
    )


def build(scope: cdk.TerraformStack, cfg: StackConfig, replica: cdk.AwsProvider) -> Encryption:
    """Create both keys (rotation on, explicit policies) and their aliases."""
    identity = cdk.DataAwsCallerIdentity(scope, "current")
    account_id = identity.account_id

    spec, replica_spec = platform.PRIMARY_KEY, platform.REPLICA_KEY
    key = cdk.KmsKey(
        scope,
        "cmk",
        description=spec.description.format(environment=cfg.environment, suffix=cfg.suffix),
        enable_key_rotation=spec.rotation,
        deletion_window_in_days=cfg.kms_deletion_window_days,
        policy=_primary_key_policy(cfg, account_id),
        tags={"Name": cfg.name("payment-cmk")},
    )
    cdk.KmsAlias(scope, "cmk_alias", name=cfg.name("alias/payment"), target_key_id=key.key_id)

    replica_key = cdk.KmsKey(
        scope,
        "replica_cmk",
        provider=replica,
        description=replica_spec.description.format(environment=cfg.environment, suffix=cfg.suffix),
        enable_key_rotation=replica_spec.rotation,
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
