"""The least-privilege IAM policy the audit needs, built from the declared operations."""

from __future__ import annotations

from typing import Any

from paymentaudit import services as collectors

# boto3 client name -> IAM service prefix, where they differ.
IAM_PREFIX = {
    "elbv2": "elasticloadbalancing",
    "resourcegroupstaggingapi": "tag",
}

# API operations whose IAM action name differs from the operation name.
ACTION_OVERRIDES = {
    ("s3", "ListBuckets"): "ListAllMyBuckets",
    ("s3", "GetBucketEncryption"): "GetEncryptionConfiguration",
    ("s3", "GetPublicAccessBlock"): "GetBucketPublicAccessBlock",
    ("s3", "GetBucketReplication"): "GetReplicationConfiguration",
    ("s3", "GetBucketLifecycleConfiguration"): "GetLifecycleConfiguration",
}

READ_PREFIXES = ("Describe", "List", "Get")


def actions() -> list[str]:
    """Every IAM action the audit may use, sorted (sts:GetCallerIdentity needs none)."""
    out = set()
    for service, ops in collectors.declared_operations().items():
        if service == "sts":
            continue  # GetCallerIdentity is allowed for every principal
        prefix = IAM_PREFIX.get(service, service)
        for op in ops:
            out.add(f"{prefix}:{ACTION_OVERRIDES.get((service, op), op)}")
    return sorted(out)


def policy_document() -> dict[str, Any]:
    """The IAM policy JSON: read-only actions on all resources (the audit discovers names)."""
    acts = actions()
    not_read = [a for a in acts if not a.split(":", 1)[1].startswith(READ_PREFIXES)]
    if not_read:
        raise RuntimeError(f"non-read actions declared: {not_read}")
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PaymentAuditReadOnly",
                "Effect": "Allow",
                "Action": acts,
                "Resource": "*",
            }
        ],
    }
