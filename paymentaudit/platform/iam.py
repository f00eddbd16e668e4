"""IAM policy intents: statements whose resources are ``str.format`` templates, the roles that
hold them, and the helpers that write policy documents (the stack and the sandbox both use
them)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

POLICY_VERSION = "2012-10-17"


@dataclass(frozen=True)
class Condition:
    """One condition of a statement: ``{operator: {key: value}}``."""

    operator: str
    key: str
    value: str


@dataclass(frozen=True)
class Statement:
    """An Allow statement on named actions; resources are ``str.format`` templates."""

    sid: str
    actions: tuple[str, ...]
    resources: tuple[str, ...]
    condition: tuple[Condition, ...] = ()

    def render(self, **refs: str) -> dict[str, Any]:
        """The statement as a policy-document dict, its resource templates filled in."""
        out: dict[str, Any] = {
            "Sid": self.sid,
            "Effect": "Allow",
            "Action": list(self.actions),
            "Resource": [r.format(**refs) for r in self.resources],
        }
        if self.condition:
            out["Condition"] = conditions(self.condition)
        return out


def conditions(items: tuple[Condition, ...]) -> dict[str, dict[str, str]]:
    """Conditions as the policy language writes them."""
    out: dict[str, dict[str, str]] = {}
    for c in items:
        out.setdefault(c.operator, {})[c.key] = c.value
    return out


def document(*statements: Mapping[str, Any]) -> str:
    """A policy document with the given statements (JSON)."""
    return json.dumps({"Version": POLICY_VERSION, "Statement": list(statements)})


def allow(sid: str, actions: list[str], resources: list[str], **extra: Any) -> dict[str, Any]:
    """An Allow statement on named actions and resources (extra: Condition, Principal...)."""
    return {"Sid": sid, "Effect": "Allow", "Action": actions, "Resource": resources, **extra}


def assume_role(service: str, account_id: str | None = None) -> str:
    """Trust policy for one AWS service principal; with account_id, only on this account's
    behalf (aws:SourceAccount, the confused-deputy guard)."""
    statement: dict[str, Any] = {
        "Sid": "AllowServiceAssumeRole",
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": ["sts:AssumeRole"],
    }
    if account_id is not None:
        statement["Condition"] = {"StringEquals": {"aws:SourceAccount": account_id}}
    return document(statement)


@dataclass(frozen=True)
class Role:
    """A role with one inline policy, assumed by one service."""

    name: str
    policy_name: str
    service: str
    scoped: bool  # trusted only on this account's behalf (aws:SourceAccount)


def via_s3(region: str) -> Condition:
    """The key is used only by S3 in that region (on the replication's behalf)."""
    return Condition("StringEquals", "kms:ViaService", f"s3.{region}.amazonaws.com")
