"""Audit: the read-only role the auditor assumes, built when AUDIT_PRINCIPAL_ARN is set.

The role `payment-audit-readonly-<suffix>` carries exactly the policy that
`python -m paymentaudit iam-policy --scope <suffix>` prints (read-only, scoped to this
environment's resources and its default SSM path) and trusts AUDIT_PRINCIPAL_ARN, with an
`sts:ExternalId` condition when AUDIT_EXTERNAL_ID is set (`iam-policy --trust ... --external-id`).

`paymentaudit.iam_policy` builds both documents but needs botocore, which the CDK Terrain venv
does not have: the policy comes from its committed template (`stack/audit_policy.template.json`,
written by `python -m paymentaudit.iam_policy`), filled in here with string replacement; the
trust policy, one statement, is restated. tests/stack/test_stack_audit.py checks both against
paymentaudit.iam_policy.

The documents are built without the CDK (the tests call them without starting jsii): `cdk` is
imported by `build` only.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from config import StackConfig

from paymentaudit import platform
from paymentaudit.naming import default_ssm_path  # stdlib only, like paymentaudit.platform

if TYPE_CHECKING:
    import cdk

TEMPLATE = Path(__file__).resolve().parents[1] / "audit_policy.template.json"
# paymentaudit.iam_policy.MARKERS: where the template holds the suffix and the SSM path.
SUFFIX_MARKER = "{suffix}"
SSM_PATH_MARKER = "{ssm_path}"
ASSUME_ROLE_SID = "PaymentAuditAssumeRole"


def fill(node: Any, suffix: str, ssm_path: str) -> Any:
    """A copy of a JSON value with the markers replaced in every string."""
    if isinstance(node, str):
        return node.replace(SUFFIX_MARKER, suffix).replace(SSM_PATH_MARKER, ssm_path)
    if isinstance(node, list):
        return [fill(item, suffix, ssm_path) for item in node]
    if isinstance(node, dict):
        return {fill(k, suffix, ssm_path): fill(v, suffix, ssm_path) for k, v in node.items()}
    return node


def audit_policy(suffix: str, ssm_path: str | None = None) -> dict[str, Any]:
    """The scoped audit policy of one environment: `policy_document([suffix], {suffix:
    ssm_path})`, the SSM path defaulting to `/<environment word>` as `iam-policy` does."""
    template = json.loads(TEMPLATE.read_text(encoding="utf-8"))
    policy: dict[str, Any] = fill(template, suffix, ssm_path or default_ssm_path(suffix))
    return policy


def trust_policy(principal_arn: str, external_id: str | None = None) -> dict[str, Any]:
    """`paymentaudit.iam_policy.trust_policy(principal_arn, external_id)` (inputs validated by
    config.validate_audit)."""
    statement: dict[str, Any] = {
        "Sid": ASSUME_ROLE_SID,
        "Effect": "Allow",
        "Principal": {"AWS": principal_arn},
        "Action": "sts:AssumeRole",
    }
    if external_id is not None:
        statement["Condition"] = {"StringEquals": {"sts:ExternalId": external_id}}
    return {"Version": platform.POLICY_VERSION, "Statement": [statement]}


def build(scope: cdk.TerraformStack, cfg: StackConfig) -> cdk.IamRole | None:
    """The audit role and its inline policy when AUDIT_PRINCIPAL_ARN is set, else nothing."""
    if cfg.audit_principal_arn is None:
        return None
    import cdk

    role = cdk.IamRole(
        scope,
        "audit_role",
        name=cfg.name("payment-audit-readonly"),
        assume_role_policy=json.dumps(trust_policy(cfg.audit_principal_arn, cfg.audit_external_id)),
    )
    cdk.IamRolePolicy(
        scope,
        "audit_role_policy",
        name=cfg.name("payment-audit-readonly"),
        role=role.id,
        policy=json.dumps(audit_policy(cfg.suffix)),
    )
    return role
