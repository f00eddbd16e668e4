"""IAM roles of the stack: trust policy, inline policies, attached policies and documents."""

from __future__ import annotations

from typing import Any

from paymentaudit.redact import policy_document
from paymentaudit.services.declare import Built, Call, Collector, Item, Scope


def customer_managed(attached: dict[str, Any]) -> bool:
    """True for a customer-managed policy (AWS-managed ones are referenced by ARN only)."""
    return ":iam::aws:policy/" not in attached.get("PolicyArn", "")


def build_role(item: Item, scope: Scope) -> Built:
    """Role: trust policy and every policy document that applies to it."""
    raw = item.raw
    inline = item.details.get("inline_policies")
    attached = item.details.get("managed_policies")
    managed_docs: dict[str, Any] | None = None
    if attached is not None:
        managed_docs = {}
        for arn, policy in attached.items():
            if policy is None:
                managed_docs[arn] = None  # AWS-managed: the ARN says it all
            else:
                doc = next(iter(policy.values()), None)
                managed_docs[arn] = policy_document(doc)
    config = {
        "path": raw.get("Path"),
        "assume_role_policy": policy_document(raw.get("AssumeRolePolicyDocument")),
        "max_session_duration": raw.get("MaxSessionDuration"),
        "permissions_boundary": (raw.get("PermissionsBoundary") or {}).get(
            "PermissionsBoundaryArn"
        ),
        "inline_policies": None
        if inline is None
        else {name: policy_document(doc) for name, doc in inline.items()},
        "managed_policies": managed_docs,
    }
    return Built(config=config, aliases=(raw.get("RoleId", ""),))


ROLE = Collector(
    service="iam",
    type="iam.role",
    list=Call("list_roles", result="Roles", paginate=True),
    regions="global",
    id="RoleName",
    arn="Arn",
    details={
        "inline_policies": Call(
            "list_role_policies",
            params={"RoleName": "RoleName"},
            result="PolicyNames",
            paginate=True,
            each=Call(
                "get_role_policy",
                params={"RoleName": "RoleName", "PolicyName": "."},
                result="PolicyDocument",
            ),
        ),
        # Keyed by the config attribute it fills, so that its failure marks that attribute.
        "managed_policies": Call(
            "list_attached_role_policies",
            params={"RoleName": "RoleName"},
            result="AttachedPolicies",
            paginate=True,
            each_key="PolicyArn",
            when=customer_managed,
            each=Call(
                "get_policy",
                params={"PolicyArn": ".PolicyArn"},
                result="Policy",
                each_key="Arn",
                each=Call(
                    "get_policy_version",
                    params={"PolicyArn": ".Arn", "VersionId": ".DefaultVersionId"},
                    result="PolicyVersion.Document",
                ),
            ),
        ),
    },
    build=build_role,
)

COLLECTORS = (ROLE,)
