"""The functions and the way in, asserted on the synthesized Terraform JSON (prod and dev): the
Lambda functions and their blue/green aliases, the ALB, its target groups and listener."""

from __future__ import annotations

import pytest
from stacktest import Synth

pytestmark = pytest.mark.synth


# --- compute -----------------------------------------------------------------------------------


def test_lambda_functions(stack: Synth) -> None:
    prod = stack.environment == "prod"
    s = stack.suffix
    processor = stack.by_attr("aws_lambda_function", "function_name", f"payment-processor-{s}")
    migration = stack.by_attr("aws_lambda_function", "function_name", f"parameter-migration-{s}")
    role = stack.ref("aws_iam_role", "lambda_role", "arn")
    subnets = sorted(stack.ref("aws_subnet", f"private_subnet_{x}", "id") for x in "abc")
    for fn, handler, memory, timeout, concurrency in (
        (processor, "payment_processor.handler", 512, 30, 50),
        (migration, "parameter_migration.handler", 256, 300, 1),
    ):
        assert fn["runtime"] == "python3.12"
        assert fn["handler"] == handler
        assert (fn["memory_size"], fn["timeout"]) == (memory, timeout)
        assert fn["reserved_concurrent_executions"] == concurrency
        assert fn["architectures"] == ["x86_64"]
        assert fn["role"] == role
        assert fn["tracing_config"] == {"mode": "Active"}
        assert sorted(fn["vpc_config"]["subnet_ids"]) == subnets
        assert fn["vpc_config"]["security_group_ids"] == [
            stack.ref("aws_security_group", "lambda_sg", "id")
        ]
        assert fn["environment"]["variables"]["LOG_LEVEL"] == "INFO"
    assert processor["publish"] is True
    env = processor["environment"]["variables"]
    assert env["TABLE_NAME"] == stack.ref("aws_dynamodb_table", "sessions_table", "name")
    assert env["AUDIT_BUCKET"] == stack.ref("aws_s3_bucket", "audit_bucket", "bucket")
    assert env["MAX_PAYMENT_AMOUNT"] == "10000"
    assert env["ALLOWED_CURRENCIES"] == "USD,EUR,GBP"
    migration_env = migration["environment"]["variables"]
    assert migration_env["SOURCE_PATH"] == "/dev"
    assert migration_env["TARGET_PATH"] == f"/{stack.environment}"
    for group in ("processor_log_group", "migration_log_group"):
        log_group = stack.resource("aws_cloudwatch_log_group", group)
        assert log_group["retention_in_days"] == (30 if prod else 7)
        assert log_group["kms_key_id"] == stack.ref("aws_kms_key", "cmk", "arn")
    assert "aws_cloudwatch_log_group.processor_log_group" in processor["depends_on"]


def test_blue_green_aliases(stack: Synth) -> None:
    aliases = {a["name"]: a for a in stack.resources("aws_lambda_alias").values()}
    assert set(aliases) == {"blue", "green"}
    for alias in aliases.values():
        assert alias["function_name"] == stack.ref(
            "aws_lambda_function", "processor_function", "function_name"
        )
        assert alias["function_version"] == stack.ref(
            "aws_lambda_function", "processor_function", "version"
        )


# --- ingress -----------------------------------------------------------------------------------


def test_alb(stack: Synth) -> None:
    alb = stack.resource("aws_lb", "alb")
    assert alb["internal"] is True
    assert alb["load_balancer_type"] == "application"
    assert alb["drop_invalid_header_fields"] is True
    assert alb["enable_deletion_protection"] is (stack.environment == "prod")
    assert alb["security_groups"] == [stack.ref("aws_security_group", "alb_sg", "id")]
    assert sorted(alb["subnets"]) == sorted(
        stack.ref("aws_subnet", f"private_subnet_{x}", "id") for x in "abc"
    )


@pytest.mark.parametrize("slot", ["blue", "green"])
def test_target_groups_point_at_the_aliases(stack: Synth, slot: str) -> None:
    target_group = stack.resource("aws_lb_target_group", f"{slot}_target_group")
    assert target_group["name"] == f"payment-{slot}-{stack.suffix}"
    assert target_group["target_type"] == "lambda"
    assert target_group["health_check"]["enabled"] is True
    assert target_group["health_check"]["path"] == "/health"
    tg_arn = stack.ref("aws_lb_target_group", f"{slot}_target_group", "arn")
    alias_logical = f"processor_{slot}_alias"
    (attachment,) = [
        a
        for a in stack.resources("aws_lb_target_group_attachment").values()
        if a["target_group_arn"] == tg_arn
    ]
    assert attachment["target_id"] == stack.ref("aws_lambda_alias", alias_logical, "arn")
    (permission,) = [
        p for p in stack.resources("aws_lambda_permission").values() if p["source_arn"] == tg_arn
    ]
    assert permission["principal"] == "elasticloadbalancing.amazonaws.com"
    assert permission["action"] == "lambda:InvokeFunction"
    assert permission["qualifier"] == stack.ref("aws_lambda_alias", alias_logical, "name")
    assert any(d.startswith("aws_lambda_permission.") for d in attachment["depends_on"])


def test_listener_weights_blue_100_green_0(stack: Synth) -> None:
    listener = stack.resource("aws_lb_listener", "http_listener")
    assert (listener["port"], listener["protocol"]) == (80, "HTTP")
    assert listener["load_balancer_arn"] == stack.ref("aws_lb", "alb", "arn")
    (action,) = listener["default_action"]
    assert action["type"] == "forward"
    weights = {t["arn"]: t["weight"] for t in action["forward"]["target_group"]}
    assert weights == {
        stack.ref("aws_lb_target_group", "blue_target_group", "arn"): 100,
        stack.ref("aws_lb_target_group", "green_target_group", "arn"): 0,
    }
