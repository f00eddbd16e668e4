"""Storage: the audit bucket, its us-west-2 replica and the replication role."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cdk
from config import StackConfig
from policies import assume_role, document, render

from paymentaudit import platform


def _lifecycle_rule() -> Any:
    """The platform's rule: tier to STANDARD_IA and GLACIER, expire noncurrent versions."""
    rule = platform.LIFECYCLE
    return cdk.S3BucketLifecycleConfigurationRule(
        id=rule.id,
        status="Enabled",
        filter=[cdk.S3BucketLifecycleConfigurationRuleFilter(prefix=rule.prefix)],
        transition=[
            cdk.S3BucketLifecycleConfigurationRuleTransition(days=days, storage_class=storage)
            for days, storage in rule.transitions
        ],
        noncurrent_version_expiration=[
            cdk.S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration(
                noncurrent_days=rule.noncurrent_days
            )
        ],
        abort_incomplete_multipart_upload=[
            cdk.S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload(
                days_after_initiation=rule.abort_multipart_days
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
    hardening = platform.HARDENING
    versioning = cdk.S3BucketVersioning(
        scope,
        f"{prefix}_versioning",
        provider=provider,
        bucket=bucket.id,
        versioning_configuration={"status": hardening.versioning},
    )
    cdk.S3BucketServerSideEncryptionConfiguration(
        scope,
        f"{prefix}_encryption",
        provider=provider,
        bucket=bucket.id,
        rule=[
            cdk.S3BucketServerSideEncryptionConfigurationRule(
                apply_server_side_encryption_by_default={
                    "sse_algorithm": hardening.sse_algorithm,
                    "kms_master_key_id": key.arn,
                },
                bucket_key_enabled=hardening.bucket_key,
            )
        ],
    )
    cdk.S3BucketPublicAccessBlock(
        scope,
        f"{prefix}_public_access_block",
        provider=provider,
        bucket=bucket.id,
        block_public_acls=hardening.block_public_access,
        block_public_policy=hardening.block_public_access,
        ignore_public_acls=hardening.block_public_access,
        restrict_public_buckets=hardening.block_public_access,
    )
    cdk.S3BucketOwnershipControls(
        scope,
        f"{prefix}_ownership",
        provider=provider,
        bucket=bucket.id,
        rule={"object_ownership": hardening.object_ownership},
    )
    cdk.S3BucketPolicy(
        scope,
        f"{prefix}_policy",
        provider=provider,
        bucket=bucket.id,
        policy=document(platform.deny_insecure_transport(bucket.arn)),
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

    spec = platform.REPLICATION
    role = cdk.IamRole(
        scope,
        "replication_role",
        name=cfg.name("payment-s3-replication-role"),
        assume_role_policy=assume_role(spec.role.service, account_id if spec.role.scoped else None),
    )
    cdk.IamRolePolicy(
        scope,
        "replication_role_policy",
        name=cfg.name("payment-s3-replication-policy"),
        role=role.id,
        policy=render(
            spec.statements,
            bucket_arn=bucket.arn,
            replica_bucket_arn=replica_bucket.arn,
            key_arn=key.arn,
            replica_key_arn=replica_key.arn,
        ),
    )
    cdk.S3BucketReplicationConfiguration(
        scope,
        "audit_bucket_replication",
        bucket=bucket.id,
        role=role.arn,
        rule=[
            cdk.S3BucketReplicationConfigurationRule(
                id=spec.rule_id,
                status="Enabled",
                priority=spec.priority,
                filter={"prefix": spec.prefix},
                delete_marker_replication={"status": "Enabled"},
                source_selection_criteria={"sse_kms_encrypted_objects": {"status": "Enabled"}},
                destination={
                    "bucket": replica_bucket.arn,
                    "storage_class": spec.storage_class,
                    "encryption_configuration": {"replica_kms_key_id": replica_key.arn},
                },
            )
        ],
        depends_on=[versioning, replica_versioning],
    )
    return Storage(bucket=bucket, replica_bucket=replica_bucket)
