"""Helpers of the runbook walk (tests/test_runbook.py): the runbook's payloads, the synthesized
stack, its references resolved against the sandbox, the running sandbox, and the checks the
steps make on what ``validate`` reports."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpers import chdir, findings

ROOT = Path(__file__).resolve().parents[1]


# The synthesized stack is the session-cached one of tests/stack and tests/desired; the sandbox
# uses the same suffixes, so every name the runbook writes is the stack's name as is.
SUFFIX, BASELINE = "prod-abc123", "dev"
REGION = "us-east-1"

# `aws lambda invoke --payload '...'`: the text inside the runbook's single quotes, verbatim.
MIGRATION_PAYLOAD = "{}"
PAYMENT_PAYLOAD = (
    r'{"body": "{\"payment_id\":\"test-123\",\"user_id\":\"user-456\",\"amount\":100}"}'
)

# Every variable the handlers read: unset unless the stack sets it for the invoked function.
HANDLER_VARIABLES = (
    "TABLE_NAME",
    "AUDIT_BUCKET",
    "AUDIT_KMS_KEY_ARN",
    "MAX_PAYMENT_AMOUNT",
    "ALLOWED_CURRENCIES",
    "DEFAULT_CURRENCY",
    "SOURCE_PATH",
    "TARGET_PATH",
    "LOG_LEVEL",
)
REFERENCE = re.compile(r"\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z_]+)\}")


# --------------------------------------------------------------------------- the stack


@dataclass
class Stack:
    """The synthesized cdk.tf.json of prod-abc123."""

    doc: dict[str, Any]

    def resources(self, rtype: str) -> dict[str, dict[str, Any]]:
        """All resources of one type, by logical name."""
        return self.doc.get("resource", {}).get(rtype, {})

    def named(self, rtype: str, attr: str, value: Any) -> tuple[str, dict[str, Any]]:
        """The single resource of rtype whose attr (``tags.Name`` for "Name") is value."""
        found = [
            (logical, res)
            for logical, res in self.resources(rtype).items()
            if (res.get("tags", {}).get("Name") if attr == "Name" else res.get(attr)) == value
        ]
        assert len(found) == 1, f"{len(found)} {rtype} with {attr}={value!r} in the stack"
        return found[0]

    def output(self, name: str) -> str:
        """The value expression of a Terraform output."""
        assert name in self.doc.get("output", {}), f"no output {name}"
        return self.doc["output"][name]["value"]


@dataclass
class Deployed:
    """The stack's references resolved against the sandbox: what `cdktf output` would print
    and what Terraform would put into the functions' environments."""

    stack: Stack
    clients: Callable[[str, str], Any]

    def value(self, expression: Any) -> Any:
        """A literal as is; a whole ``${type.name.attr}`` reference resolved."""
        if not isinstance(expression, str):
            return expression
        match = REFERENCE.fullmatch(expression)
        if match is None:
            assert "${" not in expression, f"cannot resolve {expression}"
            return expression
        return self.attribute(*match.groups())

    def output(self, name: str) -> Any:
        """`cdktf output <name>`."""
        return self.value(self.stack.output(name))

    def attribute(self, rtype: str, logical: str, attr: str) -> Any:
        """One attribute of a resource: literal in the stack, else read from the sandbox."""
        resource = self.stack.resources(rtype).get(logical)
        assert resource is not None, f"no {rtype}.{logical} in the stack"
        literal = resource.get(attr)
        if isinstance(literal, str) and "${" not in literal:
            return literal
        if (rtype, attr) == ("aws_s3_bucket", "id"):
            return resource["bucket"]
        if (rtype, attr) == ("aws_s3_bucket", "arn"):
            return f"arn:aws:s3:::{resource['bucket']}"
        if (rtype, attr) == ("aws_kms_key", "arn"):
            key_id = f"${{aws_kms_key.{logical}.key_id}}"
            _, alias = self.stack.named("aws_kms_alias", "target_key_id", key_id)
            region = REGION if "provider" not in alias else "us-west-2"
            kms = self.clients("kms", region)
            return kms.describe_key(KeyId=alias["name"])["KeyMetadata"]["Arn"]
        elb = self.clients("elbv2", REGION)
        if (rtype, attr) == ("aws_lb_target_group", "arn"):
            groups = elb.describe_target_groups(Names=[resource["name"]])["TargetGroups"]
            assert len(groups) == 1
            return groups[0]["TargetGroupArn"]
        if (rtype, attr) == ("aws_lb", "arn"):
            balancers = elb.describe_load_balancers(Names=[resource["name"]])["LoadBalancers"]
            assert len(balancers) == 1
            return balancers[0]["LoadBalancerArn"]
        if (rtype, attr) == ("aws_lb_listener", "arn"):
            balancer = self.value(resource["load_balancer_arn"])
            listeners = [
                listener
                for listener in elb.describe_listeners(LoadBalancerArn=balancer)["Listeners"]
                if listener["Port"] == resource["port"]
            ]
            assert len(listeners) == 1
            return listeners[0]["ListenerArn"]
        raise AssertionError(f"no resolver for {rtype}.{attr}")


# --------------------------------------------------------------------------- the sandbox


@dataclass
class Box:
    """The running sandbox: its URL, clients, the provisioned environments and the stack."""

    url: str
    clients: Callable[[str, str], Any]
    envs: dict[str, Any]
    deployed: Deployed

    @property
    def env(self) -> Any:
        """The provisioned prod-abc123 (``Env``, with the ids of what was created)."""
        return self.envs[SUFFIX]

    def c(self, service: str, region: str = REGION) -> Any:
        """A sandbox client."""
        return self.clients(service, region)


@contextlib.contextmanager
def tls_only_policy_lifted(s3: Any, bucket: str) -> Iterator[None]:
    """Lift the bucket's DenyInsecureTransport policy for the block, then put it back as is.

    moto 5 evaluates only StringEquals conditions and treats any other (this statement's
    ``Bool aws:SecureTransport false``) as matched, so there the statement denies every object
    call. Lambda calls S3 over HTTPS, where it never applies.
    """
    policy = s3.get_bucket_policy(Bucket=bucket)["Policy"]
    statements = json.loads(policy)["Statement"]
    assert [(st["Sid"], st["Effect"]) for st in statements] == [("DenyInsecureTransport", "Deny")]
    assert statements[0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    s3.delete_bucket_policy(Bucket=bucket)
    try:
        yield
    finally:
        s3.put_bucket_policy(Bucket=bucket, Policy=policy)


def validate(box: Box, out: Path) -> tuple[int, dict[str, Any]]:
    """`paymentaudit validate prod-abc123 --baseline dev` on the sandbox, from the repository
    root (where pyproject.toml's policy applies); returns the exit code and findings.json."""
    from paymentaudit import cli

    with chdir(ROOT):
        code = cli.run(
            [
                "validate",
                SUFFIX,
                "--baseline",
                BASELINE,
                "--no-notebook",
                "--out",
                str(out),
                "--endpoint-url",
                box.url,
            ]
        )
    assert (out / "findings.json").is_file(), f"validate exited {code} without findings.json"
    return code, findings(out)


def on_listeners(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The findings on the load balancer's ``listeners`` path (or below it)."""
    return [
        f
        for f in doc["findings"]
        if f["resource_type"] == "elbv2.load_balancer" and re.match(r"listeners\b", f["path"])
    ]


def failing(doc: dict[str, Any], check: str) -> list[dict[str, Any]]:
    """The findings that say a check fails: its rule's own (policy) findings, and any of its
    findings above info."""
    return [
        f
        for f in doc["findings"]
        if f["check"] == check and (f["kind"] == "policy" or f["severity"] != "info")
    ]


def live_groups(actions: list[dict[str, Any]]) -> set[str]:
    """The target groups a listener's forward actions send traffic to."""
    live = set()
    for action in actions:
        if action["Type"] != "forward":
            continue
        groups = (action.get("ForwardConfig") or {}).get("TargetGroups")
        if groups is None:
            groups = [{"TargetGroupArn": action["TargetGroupArn"], "Weight": 1}]
        live |= {g["TargetGroupArn"] for g in groups if g.get("Weight", 1) > 0}
    return live
