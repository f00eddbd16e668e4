"""Sessions: the DynamoDB table (on demand, PITR, CMK encryption, TTL)."""

from __future__ import annotations

from dataclasses import dataclass

import cdk
from config import StackConfig


@dataclass
class Sessions:
    """The table (its name and ARN feed compute, monitoring and the outputs)."""

    table: cdk.DynamodbTable


def build(scope: cdk.TerraformStack, cfg: StackConfig, key: cdk.KmsKey) -> Sessions:
    """Create the sessions table."""
    table = cdk.DynamodbTable(
        scope,
        "sessions_table",
        name=cfg.name("payment-sessions"),
        billing_mode="PAY_PER_REQUEST",
        hash_key="session_id",
        attribute=[
            cdk.DynamodbTableAttribute(name="session_id", type="S"),
            cdk.DynamodbTableAttribute(name="user_id", type="S"),
        ],
        global_secondary_index=[
            cdk.DynamodbTableGlobalSecondaryIndex(
                name="user_id-index", hash_key="user_id", projection_type="ALL"
            ),
        ],
        point_in_time_recovery={"enabled": True},
        server_side_encryption={"enabled": True, "kms_key_arn": key.arn},
        ttl={"attribute_name": "expires_at", "enabled": True},
        deletion_protection_enabled=cfg.deletion_protection,
    )
    return Sessions(table=table)
