"""Storage: the audit bucket and its replica, what every bucket gets (hardening, lifecycle,
TLS-only policy) and the cross-region replication."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from paymentaudit.platform.encryption import PRIMARY_KEY, REPLICA_KEY, Key
from paymentaudit.platform.environments import PRIMARY_REGION, REPLICA_REGION
from paymentaudit.platform.iam import Role, Statement, via_s3


@dataclass(frozen=True)
class Bucket:
    """A bucket, its region and the key that encrypts it."""

    name: str
    region: str
    key: Key


@dataclass(frozen=True)
class Lifecycle:
    """The buckets' lifecycle rule: tiering, noncurrent expiry, multipart clean-up."""

    id: str
    prefix: str
    transitions: tuple[tuple[int, str], ...]  # (days, storage class)
    noncurrent_days: int
    abort_multipart_days: int


@dataclass(frozen=True)
class Replication:
    """Cross-region replication of the audit bucket to its replica."""

    role: Role
    statements: tuple[Statement, ...]
    rule_id: str
    priority: int
    prefix: str
    storage_class: str


AUDIT_BUCKET = Bucket("payment-audit-logs", PRIMARY_REGION, PRIMARY_KEY)
REPLICA_BUCKET = Bucket("payment-audit-logs-replica", REPLICA_REGION, REPLICA_KEY)
BUCKETS = (AUDIT_BUCKET, REPLICA_BUCKET)


@dataclass(frozen=True)
class BucketHardening:
    """What every bucket gets: versioning, SSE-KMS with bucket keys, no ACLs, no public access
    (all four public-access-block flags), the TLS-only policy and the lifecycle rule."""

    versioning: str = "Enabled"
    sse_algorithm: str = "aws:kms"
    bucket_key: bool = True
    object_ownership: str = "BucketOwnerEnforced"
    block_public_access: bool = True


HARDENING = BucketHardening()
LIFECYCLE = Lifecycle(
    id="audit-log-tiering",
    prefix="",
    transitions=((30, "STANDARD_IA"), (90, "GLACIER")),
    noncurrent_days=365,
    abort_multipart_days=7,
)
REPLICATION = Replication(
    role=Role(
        "payment-s3-replication-role",
        "payment-s3-replication-policy",
        "s3.amazonaws.com",
        scoped=True,
    ),
    statements=(
        Statement(
            "ReadSourceReplicationConfiguration",
            ("s3:GetReplicationConfiguration", "s3:ListBucket"),
            ("{bucket_arn}",),
        ),
        Statement(
            "ReadSourceObjectVersions",
            (
                "s3:GetObjectVersionAcl",
                "s3:GetObjectVersionForReplication",
                "s3:GetObjectVersionTagging",
            ),
            ("{bucket_arn}/*",),
        ),
        Statement(
            "WriteReplicaObjects",
            ("s3:ReplicateDelete", "s3:ReplicateObject", "s3:ReplicateTags"),
            ("{replica_bucket_arn}/*",),
        ),
        Statement(
            "DecryptSourceObjects", ("kms:Decrypt",), ("{key_arn}",), (via_s3(PRIMARY_REGION),)
        ),
        Statement(
            "EncryptReplicaObjects",
            ("kms:Encrypt", "kms:GenerateDataKey"),
            ("{replica_key_arn}",),
            (via_s3(REPLICA_REGION),),
        ),
    ),
    rule_id=f"replicate-all-to-{REPLICA_REGION}",
    priority=1,
    prefix="",
    storage_class="STANDARD",
)


def deny_insecure_transport(bucket_arn: str) -> dict[str, Any]:
    """The bucket policy's one statement: TLS only (the only ``s3:*`` of the stack, a Deny)."""
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [bucket_arn, f"{bucket_arn}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
