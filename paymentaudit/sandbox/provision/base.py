"""Shared pieces of the sandbox provisioner: the environment, names, tags, policies."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

PRIMARY = "us-east-1"
REPLICA = "us-west-2"
VPC_CIDR = "10.0.0.0/16"
SUBNETS = (
    ("payment-private-a", "payment-private-rt-a", "us-east-1a", "10.0.1.0/24"),
    ("payment-private-b", "payment-private-rt-b", "us-east-1b", "10.0.2.0/24"),
    ("payment-private-c", "payment-private-rt-c", "us-east-1c", "10.0.3.0/24"),
)
ENGINE, ENGINE_VERSION = "aurora-postgresql", "15.10"
INSTANCES = (
    ("payment-aurora-instance-1", "us-east-1a"),
    ("payment-aurora-instance-2", "us-east-1b"),
)
RUNTIME = "python3.12"


@dataclass
class Env:
    """One environment: its names, tags and per-environment settings (stack/config.py)."""

    suffix: str
    environment: str
    clients: Any  # callable (service, region) -> boto3 client
    account_id: str = "123456789012"
    db_instance_class: str = "db.t3.medium"
    ids: dict[str, Any] = field(default_factory=dict)

    def name(self, base: str, with_env: bool = False) -> str:
        """Physical name, as stack/config.py's StackConfig.name builds it."""
        if with_env:
            head, sep, rest = base.partition("-")
            base = f"{head}-{self.environment}{sep}{rest}" if sep else f"{base}-{self.environment}"
        return f"{base}-{self.suffix}"

    @property
    def is_prod(self) -> bool:
        """True for prod."""
        return self.environment == "prod"

    @property
    def tags(self) -> dict[str, str]:
        """The provider default tags."""
        return {
            "Project": "payment",
            "Environment": self.environment,
            "EnvironmentSuffix": self.suffix,
            "ManagedBy": "cdktf",
        }

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


def document(*statements: dict[str, Any]) -> str:
    """A policy document (stack/policies.py)."""
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(sid: str, actions: list[str], resources: list[str], **extra: Any) -> dict[str, Any]:
    """An Allow statement (stack/policies.py)."""
    return {"Sid": sid, "Effect": "Allow", "Action": actions, "Resource": resources, **extra}


def assume_role(service: str, account_id: str | None = None) -> str:
    """A service trust policy (stack/policies.py)."""
    stmt: dict[str, Any] = {
        "Sid": "AllowServiceAssumeRole",
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": ["sts:AssumeRole"],
    }
    if account_id is not None:
        stmt["Condition"] = {"StringEquals": {"aws:SourceAccount": account_id}}
    return document(stmt)


def make_role(
    env: Env, base: str, service: str, policy_base: str, policy: str, scoped: bool
) -> str:
    """A role with one inline policy and the default tags; returns its ARN."""
    iam = env.c("iam")
    arn = iam.create_role(
        RoleName=env.name(base),
        AssumeRolePolicyDocument=assume_role(service, env.account_id if scoped else None),
        Tags=env.tag_list(),
    )["Role"]["Arn"]
    iam.put_role_policy(
        RoleName=env.name(base), PolicyName=env.name(policy_base), PolicyDocument=policy
    )
    return arn


def make_sg(env: Env, base: str, description: str, vpc_id: str) -> str:
    """A security group with no rules (Terraform drops the default egress); its id."""
    ec2 = env.c("ec2")
    group = ec2.create_security_group(
        GroupName=env.name(base),
        Description=description,
        VpcId=vpc_id,
        TagSpecifications=[
            {"ResourceType": "security-group", "Tags": env.tag_list(env.name(base))}
        ],
    )["GroupId"]
    # Terraform removes the default allow-all egress rule of a group it manages.
    ec2.revoke_security_group_egress(
        GroupId=group,
        IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
    )
    return group


def tcp(port: int, **source: Any) -> dict[str, Any]:
    """One TCP permission from a CIDR, a group or prefix lists."""
    perm: dict[str, Any] = {"IpProtocol": "tcp", "FromPort": port, "ToPort": port}
    if "cidr" in source:
        perm["IpRanges"] = [{"CidrIp": source["cidr"], "Description": source.get("desc", "")}]
    if "group" in source:
        perm["UserIdGroupPairs"] = [{"GroupId": source["group"]}]
    if "prefix_lists" in source:
        perm["PrefixListIds"] = [{"PrefixListId": p} for p in source["prefix_lists"]]
    return perm
