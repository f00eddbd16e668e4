"""Storage: the audit bucket, its us-west-2 replica and the replication role."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cdk
from config import PRIMARY_REGION, REPLICA_REGION, StackConfig
from policies import allow, assume_role, document


def _via_s3(region: str) -> dict[str, dict[str, str]]:
    """Condition: the key is used only by S3 in that region (on the replication's behalf)."""
    return {"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"}}


def _lifecycle_rule() -> Any:
    """Tier to STANDARD_IA at 30 days and GLACIER at 90; expire noncurrent versions at 365."""
    return cdk.S3BucketLifecycleConfigurationRule(
        id="audit-log-tiering",
        status="Enabled",
        filter=[cdk.S3BucketLifecycleConfigurationRuleFilter(prefix="")],
        transition=[
            cdk.S3BucketLifecycleConfigurationRuleTransition(days=30, storage_class="STANDARD_IA"),
            cdk.S3BucketLifecycleConfigurationRuleTransition(days=90, storage_class="GLACIER"),
        ],
        noncurrent_version_expiration=[
            cdk.S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration(noncurrent_days=365)
        ],
        abort_incomplete_multipart_upload=[
            cdk.S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload(
                days_after_initiation=7
            )
        ],
    )


@dataclass
class Storage:
    """The audit bucket (its name feeds compute and the outputs) and its replica."""

    bucket: cdk.S3Bucket
    replica_bucket: cdk.S3Bucket


def _harden(
    scope: cdk.TerraformStack,
    prefix: str,
    bucket: cdk.S3Bucket,
    key: cdk.KmsKey,
    provider: cdk.AwsProvider | None,
) -> cdk.S3BucketVersioning:
    """Versioning, SSE-KMS with bucket keys, no ACLs, no public access, TLS only, lifecycle."""
    versioning = cdk.S3BucketVersioning(
        scope,
        f"{prefix}_versioning",
        provider=provider,
        bucket=bucket.id,
        versioning_configuration={"status": "Enabled"},
    )
    cdk.S3BucketServerSideEncryptionConfiguration(
        scope,
        f"{prefix}_encryption",
        provider=provider,
        bucket=bucket.id,
        rule=[
            cdk.S3BucketServerSideEncryptionConfigurationRule(
                apply_server_side_encryption_by_default={
                    "sse_algorithm": "aws:kms",
                    "kms_master_key_id": key.arn,
                },
                bucket_key_enabled=True,
            )
        ],
    )
    cdk.S3BucketPublicAccessBlock(
        scope,
        f"{prefix}_public_access_block",
        provider=provider,
        bucket=bucket.id,
        block_public_acls=True,
        block_public_policy=True,
        ignore_public_acls=True,
        restrict_public_buckets=True,
    )
    cdk.S3BucketOwnershipControls(
        scope,
        f"{prefix}_ownership",
        provider=provider,
        bucket=bucket.id,
        rule={"object_ownership": "BucketOwnerEnforced"},
    )
    cdk.S3BucketPolicy(
        scope,
        f"{prefix}_policy",
        provider=provider,
        bucket=bucket.id,
        policy=document(
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [bucket.arn, f"{bucket.arn}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ),
    )
    cdk.S3BucketLifecycleConfiguration(
        scope,
        f"{prefix}_lifecycle",
        provider=provider,
        bucket=bucket.id,
        rule=[_lifecycle_rule()],
        depends_on=[versioning],
    )
    return versioning


def build(
    scope: cdk.TerraformStack,
    cfg: StackConfig,
    replica: cdk.AwsProvider,
    key: cdk.KmsKey,
    replica_key: cdk.KmsKey,
    account_id: str,
) -> Storage:
    """Create both buckets, their hardening, and cross-region replication."""
    bucket = cdk.S3Bucket(scope, "audit_bucket", bucket=cfg.name("payment-audit-logs"))
    replica_bucket = cdk.S3Bucket(
        scope,
        "audit_replica_bucket",
        provider=replica,
        bucket=cfg.name("payment-audit-logs-replica"),
    )
    versioning = _harden(scope, "audit_bucket", bucket, key, None)
    replica_versioning = _harden(
        scope, "audit_replica_bucket", replica_bucket, replica_key, replica
    )

    role = cdk.IamRole(
        scope,
        "replication_role",
        name=cfg.name("payment-s3-replication-role"),
        assume_role_policy=assume_role("s3.amazonaws.com", account_id),
    )
    cdk.IamRolePolicy(
        scope,
        "replication_role_policy",
        name=cfg.name("payment-s3-replication-policy"),
        role=role.id,
        policy=document(
            allow(
                "ReadSourceReplicationConfiguration",
                ["s3:GetReplicationConfiguration", "s3:ListBucket"],
                [bucket.arn],
            ),
            allow(
                "ReadSourceObjectVersions",
                [
                    "s3:GetObjectVersionAcl",
                    "s3:GetObjectVersionForReplication",
                    "s3:GetObjectVersionTagging",
                ],
                [f"{bucket.arn}/*"],
            ),
            allow(
                "WriteReplicaObjects",
                ["s3:ReplicateDelete", "s3:ReplicateObject", "s3:ReplicateTags"],
                [f"{replica_bucket.arn}/*"],
            ),
            allow(
                "DecryptSourceObjects",
                ["kms:Decrypt"],
                [key.arn],
                Condition=_via_s3(PRIMARY_REGION),
            ),
            allow(
                "EncryptReplicaObjects",
                ["kms:Encrypt", "kms:GenerateDataKey"],
                [replica_key.arn],
                Condition=_via_s3(REPLICA_REGION),
            ),
        ),
    )
    cdk.S3BucketReplicationConfiguration(
        scope,
        "audit_bucket_replication",
        bucket=bucket.id,
        role=role.arn,
        rule=[
            cdk.S3BucketReplicationConfigurationRule(
                id="replicate-all-to-us-west-2",
                status="Enabled",
                priority=1,
                filter={"prefix": ""},
                delete_marker_replication={"status": "Enabled"},
                source_selection_criteria={"sse_kms_encrypted_objects": {"status": "Enabled"}},
                destination={
                    "bucket": replica_bucket.arn,
                    "storage_class": "STANDARD",
                    "encryption_configuration": {"replica_kms_key_id": replica_key.arn},
                },
            )
        ],
        depends_on=[versioning, replica_versioning],
    )
    return Storage(bucket=bucket, replica_bucket=replica_bucket)
