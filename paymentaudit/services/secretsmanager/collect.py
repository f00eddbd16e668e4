"""Secrets Manager: the environment's secrets, by their metadata only.

Today that is the Aurora cluster's master-user secret, which RDS creates and names
``rds!cluster-<id>``: it does not carry the suffix, and joins the environment because the
cluster points at it (``MasterUserSecret.SecretArn``). ``ListSecrets`` and ``DescribeSecret``
return metadata (rotation, key, owner); the value is never requested: ``GetSecretValue`` is not
declared, so the read-only guard refuses it before any request is sent.

Members missing from a response (ListSecrets' ``SecretListEntry``, DescribeSecret), decided from
the Secrets Manager API reference: none is made unknown; each absence has a documented meaning,
kept:

* ``RotationEnabled``: "If the secret has never been configured for rotation, Secrets Manager
  returns null": rotation is off;
* ``KmsKeyId``: "If the secret is encrypted with the Amazon Web Services managed key
  aws/secretsmanager, this field is omitted";
* ``RotationRules``, ``OwningService``, ``PrimaryRegion``, ``Description``: not set (no
  schedule, no managing service, not replicated, no description).

Tag values are scanned like every tag value (``paymentaudit.detect``): the owning service read
from the ``aws:secretsmanager:owningService`` tag is redacted when a detector recognizes a
secret in it, never stored.
"""

from __future__ import annotations

from collections.abc import Container
from typing import Any

from paymentaudit.detect import classify, redacted
from paymentaudit.model import Resource, ResourceKey
from paymentaudit.services.declare import Built, Call, Collector, Item, Ref, Scope, tag_dict

# The tag AWS services put on the secrets they manage, and on RDS's the cluster's ARN.
OWNING_SERVICE_TAG = "aws:secretsmanager:owningService"


def build_secret(item: Item, scope: Scope) -> Built:
    """Secret metadata: rotation, its schedule, the key that encrypts it, who manages it."""
    raw = item.raw
    described = item.details.get("description")
    meta: dict[str, Any] = {**raw, **(described or {})}
    rules = meta.get("RotationRules") or {}
    config = {
        "description": meta.get("Description"),
        "kms_key_id": meta.get("KmsKeyId"),
        "rotation_enabled": None
        if "description" in item.errors
        else bool(meta.get("RotationEnabled")),
        "rotation_rules": None
        if "description" in item.errors
        else {
            "automatically_after_days": rules.get("AutomaticallyAfterDays"),
            "schedule_expression": rules.get("ScheduleExpression"),
            "duration": rules.get("Duration"),
        },
        "owning_service": meta.get("OwningService") or _owning_service_tag(meta.get("Tags")),
        "primary_region": meta.get("PrimaryRegion"),
    }
    return Built(config=config, aliases=tuple(a for a in (raw.get("ARN"),) if a))


def _owning_service_tag(tags: Any) -> str | None:
    """The owning-service tag's value, scanned as every tag value is (never a secret)."""
    value = tag_dict(tags).get(OWNING_SERVICE_TAG)
    if value is None:
        return None
    reason = classify(OWNING_SERVICE_TAG, value)
    return value if reason is None else redacted(reason)


def aws_created(res: Resource, declared: Container[ResourceKey]) -> bool:
    """A secret another AWS service manages (RDS's master-user secret) is owned by that
    service's resource, not declared by Terraform."""
    return bool(res.config.get("owning_service"))


SECRET = Collector(
    service="secretsmanager",
    type="secretsmanager.secret",
    list=Call(
        "list_secrets",
        params=lambda item, element, scope: {"IncludePlannedDeletion": False},
        result="SecretList",
        paginate=True,
    ),
    id="Name",
    arn="ARN",
    tags="Tags",
    details={
        "description": Call(
            "describe_secret",
            params={"SecretId": "ARN"},
            absent=("ResourceNotFoundException",),
        ),
    },
    refs=(Ref("kms.key", "kms_key_id", label="secret-key"),),
    build=build_secret,
)

COLLECTORS = (SECRET,)
