"""Encryption: the customer-managed KMS keys (primary and replica region) and the actions
their key policies grant."""

from __future__ import annotations

from dataclasses import dataclass

from paymentaudit.platform.environments import PRIMARY_REGION, REPLICA_REGION


@dataclass(frozen=True)
class Key:
    """A customer-managed KMS key (rotation on) and its alias."""

    name: str  # the key's Name tag
    alias: str
    region: str
    description: str  # formatted with environment and suffix
    rotation: bool = True


PRIMARY_KEY = Key(
    "payment-cmk", "alias/payment", PRIMARY_REGION, "payment {environment} CMK ({suffix})"
)
REPLICA_KEY = Key(
    "payment-replica-cmk",
    "alias/payment-replica",
    REPLICA_REGION,
    f"payment {{environment}} replica CMK ({{suffix}}, {REPLICA_REGION})",
)
KEYS = (PRIMARY_KEY, REPLICA_KEY)
# Key policies list explicit actions (no "kms:*"): the account root administers the keys and
# delegates to IAM; CloudWatch Logs uses the primary key for the stack's log groups; SNS and
# CloudWatch alarms use it for the encrypted alarm topic.
KMS_ROOT_ACTIONS = (
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
)
KMS_LOGS_ACTIONS = (
    "kms:Decrypt",
    "kms:DescribeKey",
    "kms:Encrypt",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
)
KMS_PUBLISHER_ACTIONS = ("kms:Decrypt", "kms:GenerateDataKey")
KMS_PUBLISHER_SERVICES = ("sns.amazonaws.com", "cloudwatch.amazonaws.com")
