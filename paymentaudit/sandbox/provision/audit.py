"""The audit role of a target account: what ``validate`` assumes to read the environment.

Its documents come from :mod:`paymentaudit.iam_policy` (the least-privilege policy the audit
needs, and the trust policy naming who may assume it). The sandbox sits beside that module in
the import layers and cannot import it: the caller (``paymentaudit.api``) hands them over as an
:class:`AuditRole`.

The role is the account's, not an environment's: its name does not end with ``-<suffix>``.
A name that did (``payment-audit-readonly-prod-abc123``) would make it a member of the
environment it audits (``paymentaudit.naming.belongs``), and the audit would report its own
role: an unexpected role, and IAM-WILDCARD for the unscoped policy's ``Resource "*"``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from paymentaudit.sandbox.provision.base import Env

AUDIT_ROLE = "payment-audit-readonly"
DESCRIPTION = "Read-only audit of the payment platform (paymentaudit)"


@dataclass(frozen=True)
class AuditRole:
    """The audit role's inline policy, and its trust policy for a principal ARN (an account
    root): ``AuditRole(iam_policy.policy_document(), iam_policy.trust_policy)``."""

    policy: Mapping[str, Any]
    trust: Callable[[str], Mapping[str, Any]]


def audit_role_arn(account_id: str) -> str:
    """The ARN of the audit role in ``account_id``."""
    return f"arn:aws:iam::{account_id}:role/{AUDIT_ROLE}"


def create_audit_role(env: Env, audit: AuditRole, principal: str) -> str:
    """The audit role in the environment's account, trusting ``principal``, with exactly the
    audit policy inline; its ARN."""
    iam = env.c("iam")
    arn: str = iam.create_role(
        RoleName=AUDIT_ROLE,
        AssumeRolePolicyDocument=json.dumps(audit.trust(principal)),
        Description=DESCRIPTION,
    )["Role"]["Arn"]
    iam.put_role_policy(
        RoleName=AUDIT_ROLE, PolicyName=AUDIT_ROLE, PolicyDocument=json.dumps(audit.policy)
    )
    return arn
