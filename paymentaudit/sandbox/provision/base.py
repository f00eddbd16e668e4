"""Shared pieces of the sandbox provisioner: the environment, names, tags, policies, groups.

Every name, tag and setting comes from :mod:`paymentaudit.platform` (the stack reads the same
module); the environment's :class:`~paymentaudit.platform.Layout` picks the names that differ
between deployments (the stack's, or the original design's ``legacy`` ones).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from paymentaudit import platform
from paymentaudit.platform import allow, assume_role, document

PRIMARY = platform.PRIMARY_REGION
REPLICA = platform.REPLICA_REGION

__all__ = [
    "PRIMARY",
    "REPLICA",
    "Env",
    "allow",
    "assume_role",
    "document",
    "make_role",
    "make_sg",
    "permission",
    "permissions",
]


@dataclass
class Env:
    """One environment: its names, tags and per-environment settings (paymentaudit.platform)."""

    suffix: str
    environment: str
    clients: Any  # callable (service, region) -> boto3 client
    account_id: str = "123456789012"
    db_instance_class: str = platform.DEFAULT_DB_INSTANCE_CLASS
    ids: dict[str, Any] = field(default_factory=dict)
    layout: platform.Layout = platform.STACK

    def name(self, base: str, with_env: bool = False) -> str:
        """Physical name, as the stack builds it (``platform.name``)."""
        return platform.name(base, self.suffix, self.environment, with_env=with_env)

    def param(self, path: str) -> str:
        """An SSM parameter's name under this environment's path."""
        return platform.param(path, self.environment)

    @property
    def settings(self) -> platform.EnvironmentSettings:
        """The settings of this environment (dev or prod)."""
        return platform.settings(self.environment)

    @property
    def is_prod(self) -> bool:
        """True for prod."""
        return self.environment == "prod"

    @property
    def tags(self) -> dict[str, str]:
        """The provider default tags."""
        return platform.default_tags(self.environment, self.suffix)

    def tag_list(self, name: str | None = None, key: str = "Key", value: str = "Value") -> list:
        """Default tags (plus Name) in the [{Key, Value}] shape (or another key naming)."""
        tags = dict(self.tags)
        if name:
            tags["Name"] = name
        return [{key: k, value: v} for k, v in tags.items()]

    def arn(self, service: str, resource: str, region: str = PRIMARY) -> str:
        """An ARN in this account."""
        return f"arn:aws:{service}:{region}:{self.account_id}:{resource}"

    def c(self, service: str, region: str = PRIMARY) -> Any:
        """A client."""
        return self.clients(service, region)


def make_role(env: Env, role: platform.Role, policy: str) -> str:
    """A role with one inline policy and the default tags; returns its ARN."""
    iam = env.c("iam")
    arn = iam.create_role(
        RoleName=env.name(role.name),
        AssumeRolePolicyDocument=assume_role(role.service, env.account_id if role.scoped else None),
        Tags=env.tag_list(),
    )["Role"]["Arn"]
    iam.put_role_policy(
        RoleName=env.name(role.name), PolicyName=env.name(role.policy_name), PolicyDocument=policy
    )
    return arn


def make_sg(
    env: Env,
    spec: platform.SecurityGroup,
    vpc_id: str,
    *,
    name: str | None = None,
    groups: Mapping[str, str] | None = None,
    prefix_lists: list[str] | None = None,
) -> str:
    """A security group with its platform rules (and no other: Terraform drops the default
    egress); its id. ``name`` overrides the spec's name base (a layout's)."""
    ec2 = env.c("ec2")
    physical = env.name(name or spec.name)
    group = ec2.create_security_group(
        GroupName=physical,
        Description=spec.description,
        VpcId=vpc_id,
        TagSpecifications=[{"ResourceType": "security-group", "Tags": env.tag_list(physical)}],
    )["GroupId"]
    # Terraform removes the default allow-all egress rule of a group it manages.
    ec2.revoke_security_group_egress(
        GroupId=group,
        IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
    )
    ingress = permissions(spec.ingress, groups, prefix_lists)
    if ingress:
        ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=ingress)
    egress = permissions(spec.egress, groups, prefix_lists)
    if egress:
        ec2.authorize_security_group_egress(GroupId=group, IpPermissions=egress)
    return group


def permissions(
    rules: tuple[platform.SgRule, ...],
    groups: Mapping[str, str] | None = None,
    prefix_lists: list[str] | None = None,
) -> list[dict[str, Any]]:
    """EC2 IpPermissions of platform rule intents (a group source by its name base in
    ``groups``; the gateway endpoints' rule is left out when their prefix lists are unknown)."""
    out = []
    for rule in rules:
        if rule.source == platform.FROM_VPC:
            out.append(permission(rule, cidr=platform.VPC.cidr))
        elif rule.source == platform.VIA_GATEWAY_ENDPOINTS:
            if prefix_lists:
                out.append(permission(rule, prefix_lists=sorted(prefix_lists)))
        else:
            out.append(permission(rule, group=(groups or {})[rule.source]))
    return out


def permission(rule: platform.SgRule, **source: Any) -> dict[str, Any]:
    """One single-port permission of a rule, from a CIDR, a group or prefix lists."""
    perm: dict[str, Any] = {"IpProtocol": rule.protocol, "FromPort": rule.port, "ToPort": rule.port}
    desc = rule.description
    if "cidr" in source:
        perm["IpRanges"] = [{"CidrIp": source["cidr"], "Description": desc}]
    if "group" in source:
        perm["UserIdGroupPairs"] = [{"GroupId": source["group"], "Description": desc}]
    if "prefix_lists" in source:
        perm["PrefixListIds"] = [
            {"PrefixListId": p, "Description": desc} for p in source["prefix_lists"]
        ]
    return perm
