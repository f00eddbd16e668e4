"""S3 buckets: every get_bucket_* attribute, the replica region, policy redaction, failures."""

from __future__ import annotations

import json
from dataclasses import replace

from collectkit import (
    REPLICA,
    client,
    coverage,
    deny,
    resources,
    secret_free,
    snap,
    snaps,
    statuses,
    without,
)

from paymentaudit import rules
from paymentaudit.model import Status
from paymentaudit.normalize import normalize_snapshot
from paymentaudit.rules.base import RuleContext

SHARED_SECRET = "referer-secret-7f3a9c"


def _policy(name: str) -> str:
    arn = f"arn:aws:s3:::{name}"
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "DenyInsecureTransport",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": [arn, f"{arn}/*"],
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                },
                {
                    "Sid": "OnlyFromOurSite",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": f"{arn}/*",
                    "Condition": {
                        "StringNotLike": {"aws:Referer": SHARED_SECRET},
                        "StringEquals": {"aws:SourceVpce": "vpce-0123456789abcdef0"},
                    },
                },
            ],
        }
    )


def _audit_buckets() -> tuple[str, str]:
    """The audit bucket (us-east-1, fully configured) and its replica (us-west-2)."""
    kms = client("kms")
    key = kms.create_key()["KeyMetadata"]
    kms.create_alias(AliasName="alias/payment-dev", TargetKeyId=key["KeyId"])
    source, replica = "payment-audit-logs-dev", "payment-audit-logs-replica-dev"
    s3 = client("s3")
    s3.create_bucket(Bucket=source)
    client("s3", REPLICA).create_bucket(
        Bucket=replica, CreateBucketConfiguration={"LocationConstraint": REPLICA}
    )
    for name, region in ((source, None), (replica, REPLICA)):
        c = client("s3", region or "us-east-1")
        c.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_encryption(
        Bucket=source,
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {
                        "SSEAlgorithm": "aws:kms",
                        "KMSMasterKeyID": key["Arn"],
                    },
                    "BucketKeyEnabled": True,
                }
            ]
        },
    )
    s3.put_public_access_block(
        Bucket=source,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "BlockPublicPolicy": True,
            "IgnorePublicAcls": True,
            "RestrictPublicBuckets": False,
        },
    )
    s3.put_bucket_lifecycle_configuration(
        Bucket=source,
        LifecycleConfiguration={
            "Rules": [
                {
                    "ID": "archive",
                    "Status": "Enabled",
                    "Filter": {"Prefix": "logs/"},
                    "Transitions": [
                        {"Days": 90, "StorageClass": "GLACIER"},
                        {"Days": 30, "StorageClass": "STANDARD_IA"},
                    ],
                    "NoncurrentVersionExpiration": {"NoncurrentDays": 365},
                    "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
                }
            ]
        },
    )
    s3.put_bucket_replication(
        Bucket=source,
        ReplicationConfiguration={
            "Role": "arn:aws:iam::123456789012:role/payment-s3-replication-role-dev",
            "Rules": [
                {
                    "ID": "to-replica",
                    "Status": "Enabled",
                    "Priority": 1,
                    "Filter": {"Prefix": ""},
                    "DeleteMarkerReplication": {"Status": "Enabled"},
                    "Destination": {
                        "Bucket": f"arn:aws:s3:::{replica}",
                        "StorageClass": "STANDARD",
                    },
                }
            ],
        },
    )
    s3.put_bucket_policy(Bucket=source, Policy=_policy(source))
    return source, replica


def test_bucket_configuration_is_read() -> None:
    source, replica = _audit_buckets()
    snapshot = snap("dev", "s3", "kms")
    buckets = resources(snapshot, "s3.bucket")
    assert set(buckets) == {"payment-audit-logs", "payment-audit-logs-replica"}

    bucket = buckets["payment-audit-logs"]
    assert (bucket.type, bucket.physical_id, bucket.region) == ("s3.bucket", source, "us-east-1")
    assert bucket.arn == f"arn:aws:s3:::{source}"
    cfg = bucket.config
    assert cfg["versioning"] == "Enabled"
    assert cfg["encryption"]["sse_algorithm"] == "aws:kms"
    assert cfg["encryption"]["bucket_key_enabled"] is True
    assert cfg["public_access_block"] == {
        "block_public_acls": True,
        "block_public_policy": True,
        "ignore_public_acls": True,
        "restrict_public_buckets": False,
    }
    rule = cfg["lifecycle_rules"]["logs/"]
    assert rule["status"] == "Enabled" and rule["prefix"] == "logs/"
    assert rule["transitions"] == [
        {"days": 30, "storage_class": "STANDARD_IA"},
        {"days": 90, "storage_class": "GLACIER"},
    ]
    assert rule["noncurrent_version_expiration_days"] == 365
    assert rule["abort_incomplete_multipart_upload_days"] == 7
    replication = cfg["replication"]
    assert replication["role"].endswith("role/payment-s3-replication-role-dev")
    # Rules are keyed by what they apply to (prefix, destination), never by their ID.
    (key,) = replication["rules"]
    assert key == f"arn:aws:s3:::{replica}"
    assert replication["rules"][key]["status"] == "Enabled"
    assert replication["rules"][key]["destination_bucket"] == f"arn:aws:s3:::{replica}"
    assert cfg["tls_only"] is True
    assert cfg["logging"] is None

    # The replica lives in the replica region, with its own (mostly default) settings.
    rep = buckets["payment-audit-logs-replica"]
    assert rep.region == REPLICA
    assert rep.config["versioning"] == "Enabled"
    assert rep.config["encryption"] is None  # not configured: None, not an error
    assert rep.config["public_access_block"] is None
    assert rep.config["lifecycle_rules"] is None
    assert rep.config["replication"] is None
    assert rep.errors == {}
    assert rep.config["policy"] is None and rep.config["tls_only"] is False

    normalized = normalize_snapshot(snapshot)[bucket.key]
    assert normalized["encryption"]["kms_master_key_id"] == "alias/payment"
    rules = normalized["replication"]["rules"]
    assert rules["payment-audit-logs-replica"]["destination_bucket"] == (
        "payment-audit-logs-replica"
    )
    assert coverage(snapshot, "s3").status == "ok"


def test_policy_condition_values_are_redacted_except_identifiers() -> None:
    _audit_buckets()
    snapshot = snap("dev", "s3")
    policy = resources(snapshot, "s3.bucket")["payment-audit-logs"].config["policy"]
    conditions = [s["Condition"] for s in policy["Statement"] if "Condition" in s]
    merged = {k: v for c in conditions for op in c.values() for k, v in op.items()}
    assert merged["aws:Referer"] == ["[REDACTED]"]
    assert merged["aws:SecureTransport"] == ["false"]  # allow-listed: kept
    assert merged["aws:SourceVpce"] == ["vpce-0123456789abcdef0"]  # allow-listed: kept
    assert secret_free(snapshot, SHARED_SECRET)


def test_membership_by_suffix_and_tag() -> None:
    s3 = client("s3")
    for name in ("payment-audit-logs-dev", "payment-audit-logs-prod-abc123", "reports-bucket"):
        s3.create_bucket(Bucket=name)
    s3.create_bucket(Bucket="team-archive")
    s3.put_bucket_tagging(
        Bucket="team-archive", Tagging={"TagSet": [{"Key": "EnvironmentSuffix", "Value": "dev"}]}
    )
    s3.create_bucket(Bucket="payment-exports-dev")  # name says dev, the tag says abc-dev
    s3.put_bucket_tagging(
        Bucket="payment-exports-dev",
        Tagging={"TagSet": [{"Key": "EnvironmentSuffix", "Value": "abc-dev"}]},
    )
    result = snaps(["dev", "prod-abc123"], "s3")
    assert {r.physical_id for r in result["dev"].resources} == {
        "payment-audit-logs-dev",
        "team-archive",
    }
    assert {r.physical_id for r in result["prod-abc123"].resources} == {
        "payment-audit-logs-prod-abc123"
    }


def test_detail_failure_marks_the_attribute_and_the_service() -> None:
    _audit_buckets()
    client("sns").create_topic(Name="payment-alarms-dev")
    hooks = {"before-call.s3.GetBucketReplication": deny("GetBucketReplication")}
    snapshot = snap("dev", "s3", "sns", hooks=hooks)
    buckets = resources(snapshot, "s3.bucket")
    assert set(buckets) == {"payment-audit-logs", "payment-audit-logs-replica"}
    for bucket in buckets.values():
        assert bucket.errors == {"replication": "GetBucketReplication: AccessDenied"}
        assert bucket.config["replication"] is None
        assert bucket.config["versioning"] == "Enabled"  # the other calls still answered
    cov = coverage(snapshot, "s3")
    assert cov.status == "error" and cov.resources == 2
    assert "s3.bucket payment-audit-logs-dev: GetBucketReplication: AccessDenied" in cov.error
    assert coverage(snapshot, "sns").status == "ok"
    assert len(snapshot.of_type("sns.topic")) == 1


def test_location_failure_keeps_the_bucket_as_unreadable() -> None:
    client("s3").create_bucket(Bucket="payment-audit-logs-dev")
    hooks = {"before-call.s3.GetBucketLocation": deny("GetBucketLocation")}
    snapshot = snap("dev", "s3", hooks=hooks)
    bucket = resources(snapshot, "s3.bucket")["payment-audit-logs"]
    assert bucket.errors == {"locate": "GetBucketLocation: AccessDenied"}
    assert coverage(snapshot, "s3").status == "error"


def test_list_failure_fails_the_service_only() -> None:
    client("s3").create_bucket(Bucket="payment-audit-logs-dev")
    client("sns").create_topic(Name="payment-alarms-dev")
    hooks = {"before-call.s3.ListBuckets": deny("ListBuckets")}
    snapshot = snap("dev", "s3", "sns", hooks=hooks)
    assert snapshot.of_type("s3.bucket") == []
    cov = coverage(snapshot, "s3")
    assert (cov.status, cov.resources, cov.error) == ("error", 0, "ListBuckets: AccessDenied")
    assert coverage(snapshot, "sns").status == "ok"
    assert len(snapshot.of_type("sns.topic")) == 1


def _lifecycle_bucket(name: str, rule_id: str, days: int) -> None:
    s3 = client("s3")
    s3.create_bucket(Bucket=name)
    s3.put_bucket_lifecycle_configuration(
        Bucket=name,
        LifecycleConfiguration={
            "Rules": [
                {
                    "ID": rule_id,
                    "Status": "Enabled",
                    "Filter": {"Prefix": ""},
                    "Transitions": [{"Days": days, "StorageClass": "STANDARD_IA"}],
                },
                {
                    "ID": f"{rule_id}-uploads",
                    "Status": "Enabled",
                    "Filter": {"Prefix": "uploads/"},
                    "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
                },
            ]
        },
    )


def test_rule_ids_alone_are_no_difference() -> None:
    """Lifecycle (and replication) rules pair by what they apply to: generated IDs differ."""
    _lifecycle_bucket("payment-audit-logs-dev", "tiering", 30)
    _lifecycle_bucket("payment-audit-logs-prod-x1", "ZmE2YjQ1ODEtOTJkMy00", 30)
    _lifecycle_bucket("payment-audit-logs-prod-x2", "other-generated-id", 60)
    taken = snaps(["dev", "prod-x1", "prod-x2"], "s3")
    rules = {
        suffix: normalize_snapshot(snapshot)[
            resources(snapshot, "s3.bucket")["payment-audit-logs"].key
        ]["lifecycle_rules"]
        for suffix, snapshot in taken.items()
    }
    assert set(rules["dev"]) == {"all-objects", "uploads/"}
    assert rules["prod-x1"] == rules["dev"]
    assert rules["prod-x2"]["all-objects"]["transitions"] == [
        {"days": 60, "storage_class": "STANDARD_IA"}
    ]
    assert rules["prod-x2"]["uploads/"] == rules["dev"]["uploads/"]


def test_a_missing_public_access_flag_is_unknown_never_off() -> None:
    _audit_buckets()
    drop = without("PublicAccessBlockConfiguration.RestrictPublicBuckets")
    snapshot = snap("dev", "s3", hooks={"after-call.s3.GetPublicAccessBlock": drop})
    bucket = resources(snapshot, "s3.bucket")["payment-audit-logs"]
    reason = "PublicAccessBlockConfiguration.RestrictPublicBuckets not in the response"
    assert bucket.errors == {"public_access_block": reason}
    assert bucket.config["public_access_block"] is None
    assert coverage(snapshot, "s3").status == "error"
    assert statuses(snapshot, "S3-PUBLIC-ACCESS") == {Status.NOT_EVALUATED}
    ctx = RuleContext(
        replace(snapshot, coverage=tuple(replace(c, status="ok") for c in snapshot.coverage))
    )
    outcome = next(
        o for o in rules.get("S3-PUBLIC-ACCESS").evaluate(ctx) if o.resource == "payment-audit-logs"
    )
    assert outcome.status is Status.NOT_EVALUATED


def test_a_replication_rule_without_status_is_unknown() -> None:
    """A replication rule's Status is always returned; its DeleteMarkerReplication and
    SseKmsEncryptedObjects (which moto never returns) are optional: None, not unknown."""
    _audit_buckets()
    drop = without("ReplicationConfiguration.Rules[].Status")
    snapshot = snap("dev", "s3", hooks={"after-call.s3.GetBucketReplication": drop})
    bucket = resources(snapshot, "s3.bucket")["payment-audit-logs"]
    assert bucket.errors == {"replication": "a replication rule's Status not in the response"}
    assert statuses(snapshot, "S3-REPLICATION", coverage_ok=True) == {Status.NOT_EVALUATED}
    (rule,) = (
        resources(snap("dev", "s3"), "s3.bucket")["payment-audit-logs"]
        .config["replication"]["rules"]
        .values()
    )
    assert rule["sse_kms_encrypted_objects"] is None
