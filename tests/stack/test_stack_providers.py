"""The providers and their default tags, the outputs and the state file, asserted on the
synthesized Terraform JSON (prod and dev)."""

from __future__ import annotations

import pytest
from stacktest import STACK_DIR, Synth

pytestmark = pytest.mark.synth

TAG_KEYS = {"Project", "Environment", "EnvironmentSuffix", "ManagedBy"}


def test_both_providers_carry_the_default_tags(stack: Synth) -> None:
    providers = stack.doc["provider"]["aws"]
    assert len(providers) == 2
    tags = {
        "Project": "payment",
        "Environment": stack.environment,
        "EnvironmentSuffix": stack.suffix,
        "ManagedBy": "cdktf",
    }
    default, replica = sorted(providers, key=lambda p: p.get("alias", ""))
    assert default["region"] == "us-east-1" and "alias" not in default
    assert replica["region"] == "us-west-2" and replica["alias"] == "replica"
    for provider in providers:
        assert provider["default_tags"] == [{"tags": tags}]


def test_no_resource_overrides_the_default_tags(stack: Synth) -> None:
    for rtype, items in stack.doc["resource"].items():
        for logical, body in items.items():
            assert not TAG_KEYS & set(body.get("tags", {})), f"{rtype}.{logical} overrides tags"


def test_outputs(stack: Synth) -> None:
    assert set(stack.doc["output"]) == {
        "vpc_id",
        "rds_cluster_endpoint",
        "dynamodb_table_name",
        "audit_bucket_name",
        "payment_lambda_arn",
        "alb_dns_name",
        "alarm_topic_arn",
        "blue_target_group_arn",
        "green_target_group_arn",
        "listener_arn",
    }
    out = {k: v["value"] for k, v in stack.doc["output"].items()}
    assert out["vpc_id"] == stack.ref("aws_vpc", "vpc", "id")
    assert out["rds_cluster_endpoint"] == stack.ref("aws_rds_cluster", "aurora_cluster", "endpoint")
    assert out["listener_arn"] == stack.ref("aws_lb_listener", "http_listener", "arn")
    assert out["payment_lambda_arn"] == stack.ref(
        "aws_lambda_function", "processor_function", "arn"
    )


def test_local_state_file_is_next_to_the_stack(stack: Synth) -> None:
    # The path is absolute and names this checkout's stack/: a synth cached by another checkout
    # (same sources, other path) must never be served here.
    backend = stack.doc["terraform"]["backend"]["local"]["path"]
    assert backend == str(STACK_DIR / f"terraform.payment-{stack.suffix}.tfstate")
