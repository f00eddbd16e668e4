"""Canary secrets for the fuzz tests, and the response strategies that plant them: the real
output shapes (shapes.py) with overrides for the members that carry secrets (tags, Lambda
variables, parameter values, policies, dashboard bodies, topic attributes).
"""

from __future__ import annotations

import json
import random
import string
from typing import Any

from hypothesis import strategies as st
from shapes import Override, ShapeStrategies, service_model

# -- canary secrets -----------------------------------------------------------------------------
# Built at run time (never a literal in the repository, so no scanner flags it), the same in
# every run: a Stripe-style live key and an AWS access key id.
_RNG = random.Random(20240611)
STRIPE_CANARY = "sk_" + "live_" + "".join(_RNG.choices(string.ascii_letters + string.digits, k=24))
AWS_CANARY = "AKIA" + "".join(_RNG.choices(string.ascii_uppercase + string.digits, k=16))
CANARIES = (STRIPE_CANARY, AWS_CANARY)
# What must never appear: each canary, and the random part of each on its own.
NEEDLES = (*CANARIES, STRIPE_CANARY[8:], AWS_CANARY[4:])


def canary_values() -> st.SearchStrategy[str]:
    """A value that is, or holds, a canary secret."""
    return st.sampled_from(
        [
            STRIPE_CANARY,
            AWS_CANARY,
            f"USD,{STRIPE_CANARY}",
            f" {AWS_CANARY} ",
        ]
    )


def leaks(*texts: str) -> list[str]:
    """The canaries (or their random parts) found in ``texts``."""
    return [n for n in NEEDLES for t in texts if n in t]


def as_text(value: Any) -> str:
    return json.dumps(value, default=str, sort_keys=True)


# -- strategies for the members that carry secrets (and a few realistic contents) ---------------

_VARIABLE_NAMES = st.sampled_from(
    ["CONFIG_BLOB", "DB_PASSWORD", "API_TOKEN", "TABLE_NAME", "LOG_LEVEL", "JWT_SIGNING_KEY"]
) | st.text(alphabet=string.ascii_uppercase + "_", min_size=1, max_size=10)
_PLAIN = st.sampled_from(["USD", "INFO", "payment-sessions-dev", "arn:aws:kms:us-east-1:1:key/x"])
_PLAIN = _PLAIN | st.text(max_size=10)


def _secret_or_plain() -> st.SearchStrategy[str]:
    """Mostly a canary, sometimes a plain value."""
    return st.integers(0, 3).flatmap(lambda n: _PLAIN if n == 0 else canary_values())


def _tag_value(builder: ShapeStrategies, shape: Any, depth: int) -> st.SearchStrategy[Any]:
    return _secret_or_plain()


def _tag_key(builder: ShapeStrategies, shape: Any, depth: int) -> st.SearchStrategy[Any]:
    return st.sampled_from(["Name", "EnvironmentSuffix", "Project", "CONFIG"]) | st.text(max_size=8)


def _variables(builder: ShapeStrategies, shape: Any, depth: int) -> st.SearchStrategy[Any]:
    return st.dictionaries(_VARIABLE_NAMES, _secret_or_plain(), max_size=3)


def _parameter_value(builder: ShapeStrategies, shape: Any, depth: int) -> st.SearchStrategy[Any]:
    return _secret_or_plain()


# Condition keys: identifiers (kept) and others (their values may be shared secrets: redacted).
_SAFE_KEYS = ["aws:SourceVpce", "aws:SourceArn", "aws:SecureTransport", "aws:PrincipalOrgID"]
_SECRET_KEYS = ["aws:Referer", "aws:UserAgent", "s3:prefix", "aws:PrincipalTag/team"]


def policies() -> st.SearchStrategy[dict[str, Any]]:
    """Policy documents as IAM's grammar allows them, with canaries in the condition values
    of non-identifier keys."""
    strings = st.sampled_from(["*", "s3:*", "s3:GetObject", "kms:Decrypt", "dynamodb:PutItem"])
    one_or_many = strings | st.lists(strings, max_size=3)
    identifiers = st.sampled_from(["vpce-0a1b2c3d", "true", "arn:aws:s3:::b", "o-abc123"])
    secret_values = _secret_or_plain() | st.lists(_secret_or_plain(), max_size=2)
    keys = st.dictionaries(
        st.sampled_from(_SECRET_KEYS), secret_values, max_size=2
    ) | st.dictionaries(
        st.sampled_from(_SAFE_KEYS), identifiers | st.lists(identifiers), max_size=2
    )
    condition = st.dictionaries(
        st.sampled_from(["StringEquals", "StringLike", "Bool", "ForAnyValue:StringLike"]),
        keys,
        max_size=2,
    )
    optional = {
        "Sid": st.text(max_size=6),
        "Action": one_or_many,
        "NotAction": one_or_many,
        "Resource": one_or_many,
        "Principal": st.just("*") | st.fixed_dictionaries({"AWS": one_or_many}),
    }
    effect = {"Effect": st.sampled_from(["Allow", "Deny"])}
    statement = st.fixed_dictionaries(
        effect, optional={**optional, "Condition": condition}
    ) | st.fixed_dictionaries(  # with a shared secret in its condition
        {
            **effect,
            "Condition": st.fixed_dictionaries(
                {"StringEquals": st.fixed_dictionaries({"aws:Referer": canary_values()})}
            ),
        },
        optional=optional,
    )
    return st.fixed_dictionaries(
        {"Statement": statement | st.lists(statement, max_size=3)},
        optional={"Version": st.just("2012-10-17")},
    )


def _policy_dict(builder: ShapeStrategies, shape: Any, depth: int) -> st.SearchStrategy[Any]:
    # boto3 decodes IAM's URL-encoded policy documents into dicts (policyDocumentType).
    return policies() | st.text(max_size=8)


def _policy_json(builder: ShapeStrategies, shape: Any, depth: int) -> st.SearchStrategy[Any]:
    return policies().map(json.dumps) | st.text(max_size=8)


def _dashboard_body(builder: ShapeStrategies, shape: Any, depth: int) -> st.SearchStrategy[Any]:
    metric = st.lists(
        st.sampled_from(["AWS/RDS", "CPUUtilization", ".", "...", "DBClusterIdentifier"])
        | st.fixed_dictionaries({"stat": st.just("Average")}),
        max_size=4,
    )
    widget = st.fixed_dictionaries(
        {},
        optional={
            "type": st.just("metric"),
            "properties": st.fixed_dictionaries(
                {},
                optional={"metrics": st.lists(metric | st.integers(), max_size=3) | st.integers()},
            ),
        },
    )
    body = st.fixed_dictionaries(
        {}, optional={"widgets": st.lists(widget | st.integers(), max_size=3) | st.text(max_size=3)}
    )
    return (
        body.map(json.dumps) | st.sampled_from(["[]", "1", "{}", "not json"]) | st.text(max_size=6)
    )


def _topic_attributes(builder: ShapeStrategies, shape: Any, depth: int) -> st.SearchStrategy[Any]:
    count = st.integers(0, 5).map(str) | st.text(max_size=3)
    return st.fixed_dictionaries(
        {},
        optional={
            "KmsMasterKeyId": st.sampled_from(["alias/aws/sns", "arn:aws:kms:us-east-1:1:key/k"]),
            "SubscriptionsConfirmed": count,
            "SubscriptionsPending": count,
            "FifoTopic": st.sampled_from(["true", "false"]),
            "Policy": policies().map(json.dumps),
            "DisplayName": _secret_or_plain(),
        },
    )


OVERRIDES: dict[str, Override] = {
    # Tags: every Tags / TagList member of every service, and the tagging API's.
    "Tag.Value": _tag_value,
    "Tag.Key": _tag_key,
    "EnvironmentResponse.Variables": _variables,  # Lambda environment values
    "Parameter.Value": _parameter_value,  # SSM GetParameters
    "Role.AssumeRolePolicyDocument": _policy_dict,
    "GetRolePolicyResponse.PolicyDocument": _policy_dict,
    "PolicyVersion.Document": _policy_dict,
    "GetBucketPolicyOutput.Policy": _policy_json,  # S3 bucket policy
    "VpcEndpoint.PolicyDocument": _policy_json,  # EC2 endpoint policy
    "GetDashboardOutput.DashboardBody": _dashboard_body,
    "GetTopicAttributesResponse.Attributes": _topic_attributes,
}

_BUILDERS: dict[str, ShapeStrategies] = {}


def strategies(service: str) -> ShapeStrategies:
    """The service's response strategies, with the overrides above (built once)."""
    if service not in _BUILDERS:
        _BUILDERS[service] = ShapeStrategies(service, OVERRIDES)
    return _BUILDERS[service]


def tag_lists() -> st.SearchStrategy[list[dict[str, Any]]]:
    """A tag list as the tagging API returns it (for collectors whose list has no tags)."""
    builder = strategies("resourcegroupstaggingapi")
    return builder.shape(service_model("resourcegroupstaggingapi").shape_for("TagList"), "Tags")
