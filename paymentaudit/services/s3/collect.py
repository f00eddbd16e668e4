"""S3 buckets, in whichever region each lives: versioning, encryption, access, lifecycle,
replication, policy and logging.

Members missing from a response, decided member by member from the S3 API reference:

* Unknown when absent (``item.errors[<attribute>] = "<Member> not in the response"``: not
  compared, and a rule reading the attribute is not evaluated): any of the four flags of a
  ``PublicAccessBlockConfiguration`` (never read as off); the ``Rules`` of a
  ``ServerSideEncryptionConfiguration`` that is present, a rule's
  ``ApplyServerSideEncryptionByDefault`` or its ``SSEAlgorithm``; a lifecycle rule's
  ``Status``; the ``Role`` or ``Rules`` of a ``ReplicationConfiguration`` that is present, a
  replication rule's ``Status``, ``Destination`` or destination ``Bucket``.
* Absent with a documented meaning, kept: GetBucketVersioning's ``Status`` (versioning was
  never enabled: ``Disabled``) and ``MFADelete`` (returned only once MFA delete was
  configured: ``Disabled``); ``LoggingEnabled`` (server access logging is off); a replication
  rule's ``DeleteMarkerReplication`` (None: not specified, the behaviour of the earlier
  replication configuration) and ``SourceSelectionCriteria.SseKmsEncryptedObjects`` (None: objects
  encrypted with SSE-KMS are not selected for replication); ``BucketKeyEnabled`` (off by
  default); a rule's destination ``StorageClass``, ``EncryptionConfiguration``, ``Priority``.
* Not distinguishable here: a configuration call answered with its "not configured" error
  (``ServerSideEncryptionConfigurationNotFoundError``, ``NoSuchLifecycleConfiguration``,
  ``ReplicationConfigurationNotFoundError``, ``NoSuchPublicAccessBlockConfiguration``,
  ``NoSuchBucketPolicy``) and a response without the configuration member both reach the
  build as None (``engine.item_calls``): read as not configured.
"""

from __future__ import annotations

from typing import Any

from paymentaudit.model import Resource, canonical_json
from paymentaudit.redact import is_tls_only, policy_document
from paymentaudit.services.declare import Built, Call, Collector, Item, Ref, Scope


class Unknown(Exception):
    """A member S3 always returns is missing: the attribute is unknown (the message says why)."""


def _dig(data: Any, path: str) -> Any:
    for part in path.split("."):
        data = data.get(part) if isinstance(data, dict) else None
    return data


def bucket_region(location: Any) -> str:
    """Region from get_bucket_location's LocationConstraint (None means us-east-1)."""
    if not location:
        return "us-east-1"
    if location == "EU":
        return "eu-west-1"
    return str(location)


def keyed_rules(rules: list[dict[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    """Lifecycle or replication rules keyed by what they apply to (``key``: their prefix or
    destination), not by their ID: IDs are often generated, and an ID alone is no difference.
    A second rule with the same key gets ``#2``, and so on."""
    out: dict[str, dict[str, Any]] = {}
    for rule in sorted(rules, key=canonical_json):
        base = str(rule.get(key) or "all-objects")
        name, n = base, 1
        while name in out:
            n += 1
            name = f"{base}#{n}"
        out[name] = rule
    return out


def _lifecycle(rules: list[dict[str, Any]] | None) -> dict[str, Any] | None:
    if rules is None:
        return None
    out = []
    for rule in rules:
        if rule.get("Status") is None:
            raise Unknown("a lifecycle rule's Status not in the response")
        filt = rule.get("Filter") or {}
        prefix = filt.get("Prefix", rule.get("Prefix"))
        out.append(
            {
                "status": rule.get("Status"),
                "prefix": prefix or "",
                "transitions": sorted(
                    (
                        {"days": t.get("Days"), "storage_class": t.get("StorageClass")}
                        for t in rule.get("Transitions") or []
                    ),
                    key=lambda t: (t["days"] or 0, str(t["storage_class"])),
                ),
                "expiration_days": (rule.get("Expiration") or {}).get("Days"),
                "noncurrent_version_expiration_days": (
                    rule.get("NoncurrentVersionExpiration") or {}
                ).get("NoncurrentDays"),
                "noncurrent_version_transitions": sorted(
                    (
                        {"days": t.get("NoncurrentDays"), "storage_class": t.get("StorageClass")}
                        for t in rule.get("NoncurrentVersionTransitions") or []
                    ),
                    key=lambda t: (t["days"] or 0, str(t["storage_class"])),
                ),
                "abort_incomplete_multipart_upload_days": (
                    rule.get("AbortIncompleteMultipartUpload") or {}
                ).get("DaysAfterInitiation"),
            }
        )
    return keyed_rules(out, "prefix")


def _replication(config: dict[str, Any] | None) -> dict[str, Any] | None:
    if config is None:
        return None
    for member in ("Role", "Rules"):
        if config.get(member) is None:
            raise Unknown(f"ReplicationConfiguration.{member} not in the response")
    rules = []
    for rule in config["Rules"]:
        for path in ("Status", "Destination", "Destination.Bucket"):
            if _dig(rule, path) is None:
                raise Unknown(f"a replication rule's {path} not in the response")
        dest = rule.get("Destination") or {}
        criteria = rule.get("SourceSelectionCriteria") or {}
        rules.append(
            {
                "status": rule.get("Status"),
                "priority": rule.get("Priority"),
                "destination_bucket": dest.get("Bucket"),
                "storage_class": dest.get("StorageClass"),
                "replica_kms_key_id": (dest.get("EncryptionConfiguration") or {}).get(
                    "ReplicaKmsKeyID"
                ),
                "sse_kms_encrypted_objects": (criteria.get("SseKmsEncryptedObjects") or {}).get(
                    "Status"
                ),
                "delete_marker_replication": (rule.get("DeleteMarkerReplication") or {}).get(
                    "Status"
                ),
            }
        )
    return {"role": config.get("Role"), "rules": keyed_rules(rules, "destination_bucket")}


def _encryption(config: dict[str, Any] | None) -> dict[str, Any] | None:
    if config is None:
        return None
    if not config.get("Rules"):
        raise Unknown("ServerSideEncryptionConfiguration.Rules not in the response")
    rule = config["Rules"][0]
    for path in (
        "ApplyServerSideEncryptionByDefault",
        "ApplyServerSideEncryptionByDefault.SSEAlgorithm",
    ):
        if _dig(rule, path) is None:
            raise Unknown(f"{path} not in the response")
    default = rule["ApplyServerSideEncryptionByDefault"]
    return {
        "sse_algorithm": default.get("SSEAlgorithm"),
        "kms_master_key_id": default.get("KMSMasterKeyID"),
        "bucket_key_enabled": bool(rule.get("BucketKeyEnabled")),
    }


PUBLIC_ACCESS_FLAGS = (
    "BlockPublicAcls",
    "BlockPublicPolicy",
    "IgnorePublicAcls",
    "RestrictPublicBuckets",
)


def _public_access_block(config: dict[str, Any] | None) -> dict[str, Any] | None:
    if config is None:
        return None
    for flag in PUBLIC_ACCESS_FLAGS:
        if config.get(flag) is None:
            raise Unknown(f"PublicAccessBlockConfiguration.{flag} not in the response")
    return {
        "block_public_acls": bool(config.get("BlockPublicAcls")),
        "block_public_policy": bool(config.get("BlockPublicPolicy")),
        "ignore_public_acls": bool(config.get("IgnorePublicAcls")),
        "restrict_public_buckets": bool(config.get("RestrictPublicBuckets")),
    }


def _read(item: Item, attribute: str, reduce: Any) -> Any:
    """A detail reduced to its attribute; a missing member records it as unknown (None)."""
    try:
        return reduce(item.details.get(attribute))
    except Unknown as why:
        item.errors.setdefault(attribute, str(why))
        return None


def build_bucket(item: Item, scope: Scope) -> Built:
    """Bucket configuration from its get_bucket_* calls; an always-returned member that is
    missing makes its attribute unknown (see the module docstring)."""
    versioning = item.detail("versioning", {})
    policy = policy_document(item.details.get("policy"))
    logging = item.details.get("logging")
    config = {
        "versioning": versioning.get("Status") or "Disabled",
        "mfa_delete": versioning.get("MFADelete") or "Disabled",
        "encryption": _read(item, "encryption", _encryption),
        "public_access_block": _read(item, "public_access_block", _public_access_block),
        "lifecycle_rules": _read(item, "lifecycle_rules", _lifecycle),
        "replication": _read(item, "replication", _replication),
        "policy": policy,
        "tls_only": is_tls_only(policy),
        "logging": None
        if not logging
        else {
            "target_bucket": logging.get("TargetBucket"),
            "target_prefix": logging.get("TargetPrefix"),
        },
    }
    for key in item.errors:
        if key in config:
            config[key] = None
    if "policy" in item.errors:
        config["tls_only"] = None
    return Built(config=config)


def replication_destinations(bucket: Resource) -> list[str]:
    """The destination buckets (ARNs) of a bucket's replication rules."""
    rules = (bucket.config.get("replication") or {}).get("rules") or {}
    return [str(r["destination_bucket"]) for r in rules.values() if r.get("destination_bucket")]


def replica_keys(bucket: Resource) -> list[str]:
    """The keys replicas are encrypted with, at the destinations."""
    rules = (bucket.config.get("replication") or {}).get("rules") or {}
    return [str(r["replica_kms_key_id"]) for r in rules.values() if r.get("replica_kms_key_id")]


BUCKET = Collector(
    service="s3",
    type="s3.bucket",
    list=Call("list_buckets", result="Buckets", paginate=True),
    regions="global",
    id="Name",
    arn=lambda raw, scope: f"arn:{scope.partition}:s3:::{raw.get('Name', '')}",
    locate=Call(
        "get_bucket_location",
        params={"Bucket": "Name"},
        result="LocationConstraint",
        absent=("NoSuchBucket",),
    ),
    locate_fn=bucket_region,
    details={
        "versioning": Call("get_bucket_versioning", params={"Bucket": "Name"}),
        "encryption": Call(
            "get_bucket_encryption",
            params={"Bucket": "Name"},
            result="ServerSideEncryptionConfiguration",
            absent=("ServerSideEncryptionConfigurationNotFoundError",),
        ),
        "public_access_block": Call(
            "get_public_access_block",
            params={"Bucket": "Name"},
            result="PublicAccessBlockConfiguration",
            absent=("NoSuchPublicAccessBlockConfiguration",),
        ),
        "lifecycle_rules": Call(
            "get_bucket_lifecycle_configuration",
            params={"Bucket": "Name"},
            result="Rules",
            absent=("NoSuchLifecycleConfiguration",),
        ),
        "replication": Call(
            "get_bucket_replication",
            params={"Bucket": "Name"},
            result="ReplicationConfiguration",
            absent=("ReplicationConfigurationNotFoundError",),
        ),
        "policy": Call(
            "get_bucket_policy",
            params={"Bucket": "Name"},
            result="Policy",
            absent=("NoSuchBucketPolicy",),
        ),
        "logging": Call("get_bucket_logging", params={"Bucket": "Name"}, result="LoggingEnabled"),
    },
    refs=(
        Ref("s3.bucket", replication_destinations, label="replica"),
        Ref("iam.role", "replication.role", label="replication-role"),
        Ref("kms.key", "encryption.kms_master_key_id", label="bucket-key"),
        Ref("kms.key", replica_keys, label="replica-key"),
    ),
    build=build_bucket,
)

COLLECTORS = (BUCKET,)
