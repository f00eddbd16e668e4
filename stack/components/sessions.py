"""Sessions: the DynamoDB table (on demand, PITR, CMK encryption, TTL)."""

from __future__ import annotations

from dataclasses import dataclass

import cdk
from config import StackConfig

from paymentaudit import platform


@dataclass
class Sessions:
    """The table (its name and ARN feed compute, monitoring and the outputs)."""

    table: cdk.DynamodbTable


def build(scope: cdk.TerraformStack, cfg: StackConfig, key: cdk.KmsKey) -> Sessions:
    """Create the sessions table."""
    spec = platform.SESSIONS
    table = cdk.DynamodbTable(
        scope,
        "sessions_table",
        name=cfg.name("payment-sessions"),
        billing_mode=spec.billing_mode,
        hash_key=spec.hash_key,
        attribute=[
            cdk.DynamodbTableAttribute(name=name, type=kind) for name, kind in spec.attributes
        ],
        global_secondary_index=[
            cdk.DynamodbTableGlobalSecondaryIndex(
                name=index.name, hash_key=index.hash_key, projection_type=index.projection
            )
            for index in spec.indexes
        ],
        point_in_time_recovery={"enabled": spec.point_in_time_recovery},
        server_side_encryption={"enabled": True, "kms_key_arn": key.arn},
        ttl={"attribute_name": spec.ttl_attribute, "enabled": True},
        deletion_protection_enabled=cfg.deletion_protection,
    )
    return Sessions(table=table)
