"""IAM roles of the stack: trust policy, inline policies, attached policies and documents.

Members missing from a response, decided member by member from the IAM API reference:

* Unknown when absent (``item.errors[<attribute>] = "<Member> not in the response"``: not
  compared, and a rule reading the attribute is not evaluated): a role's ``Path``,
  ``AssumeRolePolicyDocument`` and ``MaxSessionDuration`` (ListRoles returns them for every
  role); GetRolePolicy's ``PolicyDocument`` (makes ``inline_policies`` unknown: a policy that
  could not be seen is never read as granting nothing); for a customer-managed policy,
  GetPolicy's ``Policy`` or GetPolicyVersion's ``PolicyVersion.Document`` (makes
  ``managed_policies`` unknown).
* Absent with a meaning, kept: ``PermissionsBoundary`` (none set; ListRoles does not return it
  either); an AWS managed policy's document (never requested: its ARN says it all, None).
* ListRolePolicies and ListAttachedRolePolicies are paginated: a page without its list reads as
  a page with none (the engine concatenates pages).
"""

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
    unknown: dict[str, str] = {}
    managed_docs: dict[str, Any] | None = None
    if attached is not None:
        managed_docs = {}
        for arn, policy in attached.items():
            if policy is None:
                managed_docs[str(arn)] = None  # AWS-managed: the ARN says it all
                continue
            doc = next(iter(policy.values()), None)
            if doc is None:  # GetPolicy gave no Policy, or GetPolicyVersion no Document
                member = "PolicyVersion.Document" if policy else "Policy"
                unknown["managed_policies"] = f"{member} not in the response"
            managed_docs[str(arn)] = policy_document(doc)
    if inline is not None and any(doc is None for doc in inline.values()):
        unknown["inline_policies"] = "PolicyDocument not in the response"
    for member, attribute in (
        ("Path", "path"),
        ("AssumeRolePolicyDocument", "assume_role_policy"),
        ("MaxSessionDuration", "max_session_duration"),
    ):
        if raw.get(member) is None:
            unknown[attribute] = f"{member} not in the response"
    config = {
        "path": raw.get("Path"),
        "assume_role_policy": policy_document(raw.get("AssumeRolePolicyDocument")),
        "max_session_duration": raw.get("MaxSessionDuration"),
        "permissions_boundary": (raw.get("PermissionsBoundary") or {}).get(
            "PermissionsBoundaryArn"
        ),
        "inline_policies": None
        if inline is None
        else {str(name): policy_document(doc) for name, doc in inline.items()},
        "managed_policies": managed_docs,
    }
    for attribute, reason in unknown.items():
        if attribute not in item.errors:  # a failed call already says why
            item.errors[attribute] = reason
        config[attribute] = None
    return Built(config=config, aliases=tuple(a for a in (raw.get("RoleId"),) if a))


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
