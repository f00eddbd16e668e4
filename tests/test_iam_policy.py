"""The IAM policies of `iam-policy`: unscoped (today's), scoped to environments, the trust policy.

The scoped policy is checked three ways: here, statically (which action is on which resources)
and by parliament (no RESOURCE_STAR, and its privilege data agrees with ``RESOURCE_TYPES``);
in tests/test_iam_policy_sandbox.py against what the session sandbox's snapshots actually read
(every resource, every action its collector used on it, matched with IAM's wildcard and
condition semantics); and in tests/test_least_privilege.py by a READY validate under moto IAM
enforcement. The `iam-policy` command: tests/test_iam_policy_command.py.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from helpers import ROOT, run_cli
from iamkit import SCOPE, SCOPED_ACTIONS, STAR_ACTIONS

from paymentaudit import services
from paymentaudit.errors import InputError
from paymentaudit.iam_policy import (
    ACTION_OVERRIDES,
    IAM_PREFIX,
    RESOURCE_TYPES,
    STAR_SID,
    actions,
    policy_document,
    trust_policy,
)


def _old_policy() -> dict[str, Any]:
    """The policy as `iam-policy` built it before scoping existed (kept here to pin it)."""
    acts = set()
    for service, ops in services.declared_operations().items():
        if service == "sts":
            continue
        for op in ops:
            name = ACTION_OVERRIDES.get((service, op), op)
            acts.add(f"{IAM_PREFIX.get(service, service)}:{name}")
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PaymentAuditReadOnly",
                "Effect": "Allow",
                "Action": sorted(acts),
                "Resource": "*",
            }
        ],
    }


# -- the unscoped policy ------------------------------------------------------------------------


def test_without_a_scope_the_policy_is_the_old_one(capsys: pytest.CaptureFixture[str]) -> None:
    assert policy_document() == _old_policy()
    assert policy_document(None, None) == _old_policy()
    code, out, _ = run_cli(["iam-policy"], capsys)
    assert code == 0
    assert out == json.dumps(_old_policy(), indent=2) + "\n"
    (statement,) = policy_document()["Statement"]
    assert statement["Resource"] == "*" and len(statement["Action"]) == len(RESOURCE_TYPES)


# -- the scoped policy ---------------------------------------------------------------------------


def test_every_declared_action_has_a_resource_level_entry() -> None:
    """RESOURCE_TYPES is the decision for each declared action: none missing, none stale."""
    assert set(RESOURCE_TYPES) == set(actions())


def test_scoped_actions_name_resources_and_star_holds_only_star_actions() -> None:
    doc = policy_document(scope=SCOPE)
    statements = doc["Statement"]
    assert doc["Version"] == "2012-10-17"
    assert len({s["Sid"] for s in statements}) == len(statements)
    assert all(re.fullmatch(r"[A-Za-z0-9]+", s["Sid"]) for s in statements)
    star = [s for s in statements if s["Resource"] == "*"]
    assert [s["Sid"] for s in star] == [STAR_SID]
    assert set(star[0]["Action"]) == STAR_ACTIONS
    for statement in statements:
        if statement is star[0]:
            continue
        assert statement["Effect"] == "Allow"
        assert set(statement["Action"]) <= SCOPED_ACTIONS, statement
        assert statement["Resource"] and all(
            r.startswith("arn:aws:") and r != "*" for r in statement["Resource"]
        ), statement
    granted = {a for s in statements for a in s["Action"]}
    assert granted == set(actions())


def test_the_patterns_of_the_scope() -> None:
    doc = policy_document(scope=SCOPE)
    by_sid = {s["Sid"]: s for s in doc["Statement"]}
    table = by_sid["PaymentAuditDynamodbTable"]
    assert table["Resource"] == [
        "arn:aws:dynamodb:*:*:table/*-prod-abc123",
        "arn:aws:dynamodb:*:*:table/*-dev",
    ]
    assert by_sid["PaymentAuditS3Bucket"]["Resource"] == [
        "arn:aws:s3:::*-prod-abc123",
        "arn:aws:s3:::*-dev",
    ]
    # GetParameters reads the environments' SSM paths only.
    parameters = by_sid["PaymentAuditSsmParameter"]
    assert parameters["Action"] == ["ssm:GetParameters"]
    assert parameters["Resource"] == [
        "arn:aws:ssm:*:*:parameter/prod/*",
        "arn:aws:ssm:*:*:parameter/dev/*",
    ]
    key = by_sid["PaymentAuditKmsKey"]
    assert key["Resource"] == ["arn:aws:kms:*:*:key/*"]
    assert key["Condition"] == {
        "ForAnyValue:StringLike": {"kms:ResourceAliases": ["alias/*-prod-abc123", "alias/*-dev"]}
    }
    secret = by_sid["PaymentAuditSecretsmanagerSecretRdsManaged"]
    assert secret["Resource"] == ["arn:aws:secretsmanager:*:*:secret:rds!cluster-*"]
    assert secret["Condition"] == {
        "StringLike": {
            "aws:ResourceTag/aws:rds:primaryDBClusterArn": [
                "arn:aws:rds:*:*:cluster:*-prod-abc123",
                "arn:aws:rds:*:*:cluster:*-dev",
            ]
        }
    }
    # Enumerating calls: the type's wildcard ARN, not "*".
    assert by_sid["PaymentAuditRdsClusterAllOfType"]["Resource"] == ["arn:aws:rds:*:*:cluster:*"]
    assert by_sid["PaymentAuditCloudwatchAlarmAllOfType"]["Resource"] == [
        "arn:aws:cloudwatch:*:*:alarm:*"
    ]


def test_the_scope_takes_ssm_paths_repeats_and_partitions() -> None:
    doc = policy_document(scope=["dev", "prod-abc123", "dev"], ssm_paths={"dev": "/custom/"})
    assert doc == policy_document(scope=["dev", "prod-abc123"], ssm_paths={"dev": "/custom"})
    (parameters,) = [s for s in doc["Statement"] if "ssm:GetParameters" in s["Action"]]
    assert parameters["Resource"] == [
        "arn:aws:ssm:*:*:parameter/custom/*",
        "arn:aws:ssm:*:*:parameter/prod/*",
    ]
    china = policy_document(scope=["dev"], partition="aws-cn")
    resources = [r for s in china["Statement"][1:] for r in s["Resource"]]
    assert resources and all(r.startswith("arn:aws-cn:") for r in resources)
    with pytest.raises(InputError, match="invalid partition"):
        policy_document(scope=["dev"], partition="aws:x")


@pytest.mark.parametrize(
    ("scope", "ssm_paths", "message"),
    [
        ("dev", None, "expected a list of environment suffixes"),
        ([], None, "empty scope"),
        (["Prod"], None, "invalid scope suffix 'Prod'"),
        (["dev", "a--b"], None, "two consecutive hyphens"),
        (["dev*"], None, "invalid scope suffix"),
        (["dev"], {"prod": "/prod"}, "'prod', which is not in the scope"),
        (["dev"], {"dev": "dev"}, "invalid SSM path"),
        (None, {"dev": "/dev"}, "give the scope too"),
    ],
)
def test_bad_scopes_are_input_errors(
    scope: Any, ssm_paths: dict[str, str] | None, message: str
) -> None:
    with pytest.raises(InputError) as info:
        policy_document(scope, ssm_paths)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


# -- the trust policy ----------------------------------------------------------------------------


def test_the_trust_policy() -> None:
    principal = "arn:aws:iam::111122223333:role/ci-deployer"
    assert trust_policy(principal) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PaymentAuditAssumeRole",
                "Effect": "Allow",
                "Principal": {"AWS": principal},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    (statement,) = trust_policy(principal, external_id="paymentaudit-prod")["Statement"]
    assert statement["Condition"] == {"StringEquals": {"sts:ExternalId": "paymentaudit-prod"}}
    for ok in ("arn:aws:iam::111122223333:root", "arn:aws-us-gov:iam::111122223333:user/a/b"):
        assert trust_policy(ok)["Statement"][0]["Principal"] == {"AWS": ok}


@pytest.mark.parametrize(
    ("principal", "external_id", "message"),
    [
        ("111122223333", None, "invalid principal"),
        ("arn:aws:iam::1111:role/x", None, "invalid principal"),
        ("arn:aws:sts::111122223333:assumed-role/x/y", None, "invalid principal"),
        ("arn:aws:iam::111122223333:group/x", None, "invalid principal"),
        ("arn:aws:iam::111122223333:role/x\nroot", None, "invalid principal"),
        ("arn:aws:iam::111122223333:root\n", None, "invalid principal"),
        ("arn:aws:iam::111122223333:root", "x", "invalid external id"),
        ("arn:aws:iam::111122223333:root", "has space", "invalid external id"),
    ],
)
def test_bad_trust_inputs_are_input_errors(
    principal: str, external_id: str | None, message: str
) -> None:
    with pytest.raises(InputError) as info:
        trust_policy(principal, external_id)
    assert str(info.value).startswith(message)
    assert "\n" not in str(info.value).replace(repr(principal), "")


# -- parliament ----------------------------------------------------------------------------------


PARLIAMENT_SCRIPT = """
import json, sys
from parliament import analyze_policy_string, enhance_finding, iam_definition
request = json.load(sys.stdin)
if request["mode"] == "analyze":
    policy = analyze_policy_string(request["policy"])
    out = []
    for finding in policy.findings:
        enhance_finding(finding)
        out.append({"issue": finding.issue, "severity": finding.severity,
                    "detail": str(finding.detail)})
else:
    services = {s["prefix"]: s for s in iam_definition}
    out = {}
    for action in request["actions"]:
        prefix, name = action.split(":")
        service = services[prefix]
        privileges = [p for p in service["privileges"] if p["privilege"] == name]
        out[action] = {
            "resource_types": [r["resource_type"] for p in privileges
                               for r in p["resource_types"]],
            "resource_condition_keys": {r["resource"]: r["condition_keys"]
                                        for r in service["resources"]},
        }
json.dump(out, sys.stdout)
"""


@pytest.fixture(scope="module")
def parliament() -> Any:
    """Run parliament (its own venv: it needs setuptools<81) on a request; skip without it."""
    python = os.environ.get("PARLIAMENT_PYTHON")
    if python:
        assert Path(python).is_file(), f"PARLIAMENT_PYTHON={python}: no such file"
    else:
        python = str(ROOT / ".venv" / "tools" / "parliament" / "bin" / "python")
        if not Path(python).is_file():
            pytest.skip("parliament is not installed: PARLIAMENT_PYTHON is unset and "
                        ".venv/tools/parliament is missing (make test installs it)")  # fmt: skip

    def run(request: dict[str, Any]) -> Any:
        done = subprocess.run(
            [python, "-c", PARLIAMENT_SCRIPT],
            input=json.dumps(request),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    return run


# parliament's findings on the scoped policy that are above LOW, and why each is not a defect.
EXPLAINED = {
    # kms:ResourceAliases is a condition key of the KMS "key" resource type (AWS's Service
    # Authorization Reference, and parliament's own data: checked below); parliament looks a
    # service-specific key up among the action's condition keys only, not its resource type's.
    ("UNKNOWN_CONDITION_FOR_ACTION", "Unknown condition kms:ResourceAliases for action "
     "kms:DescribeKey"),
    ("UNKNOWN_CONDITION_FOR_ACTION", "Unknown condition kms:ResourceAliases for action "
     "kms:GetKeyRotationStatus"),
}  # fmt: skip


def test_parliament_finds_no_resource_star_in_the_scoped_policy(parliament: Any) -> None:
    found = parliament({"mode": "analyze", "policy": json.dumps(policy_document(scope=SCOPE))})
    print(json.dumps(found, indent=2))
    assert [f for f in found if f["issue"] == "RESOURCE_STAR"] == []
    above_low = {(f["issue"], f["detail"]) for f in found if f["severity"] not in ("LOW", "")}
    assert above_low == EXPLAINED
    # ...while the unscoped policy is flagged for exactly the actions that support resources.
    (star,) = parliament({"mode": "analyze", "policy": json.dumps(policy_document())})
    assert star["issue"] == "RESOURCE_STAR"
    assert set(json.loads(star["detail"].replace("'", '"'))) == SCOPED_ACTIONS


def test_resource_types_match_parliaments_privilege_data(parliament: Any) -> None:
    """Our table of resource-level actions agrees with parliament's copy of AWS's reference
    for every action the audit declares."""
    data = parliament({"mode": "definition", "actions": sorted(RESOURCE_TYPES)})
    theirs = {}
    for action, entry in data.items():
        required = [t.rstrip("*") for t in entry["resource_types"] if t]
        theirs[action] = required[0] if required else None
    assert theirs == dict(RESOURCE_TYPES)
    key_conditions = data["kms:DescribeKey"]["resource_condition_keys"]["key"]
    assert "kms:ResourceAliases" in key_conditions  # why EXPLAINED is not a defect
