"""Compute and ingress: the Lambdas, their role and log groups, the ALB."""

from __future__ import annotations

import io
import zipfile

from paymentaudit import platform
from paymentaudit.sandbox.provision.base import Env, document, make_role, make_sg

# -- compute ------------------------------------------------------------------------------------


def _code() -> bytes:
    """A zip with a stub module for each function's handler."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for fn in platform.FUNCTIONS:
            module = fn.handler.rsplit(".", 1)[0]
            zf.writestr(f"{module}.py", "def handler(event, context):\n    return {}\n")
    return buf.getvalue()


def compute(env: Env) -> None:
    """Log groups, the Lambda role, both functions, the blue and green aliases."""
    logs, lam = env.c("logs"), env.c("lambda")
    key_arn = env.ids[platform.PRIMARY_KEY.name]
    groups = {}
    for fn in platform.FUNCTIONS:
        group = env.name(fn.log_group)
        logs.create_log_group(logGroupName=group, kmsKeyId=key_arn, tags=env.tags)
        logs.put_retention_policy(
            logGroupName=group, retentionInDays=env.settings.log_retention_days
        )
        groups[fn.name] = env.arn("logs", f"log-group:{group}")
    refs = {
        "table_arn": env.arn("dynamodb", f"table/{env.ids['table']}"),
        "bucket_arn": f"arn:aws:s3:::{env.ids['bucket']}",
        "key_arn": key_arn,
        "parameter_arn": env.arn("ssm", "parameter"),
        "processor_log_group_arn": groups[platform.PROCESSOR.name],
        "migration_log_group_arn": groups[platform.MIGRATION.name],
    }
    statements = platform.lambda_statements(env.environment)
    role = make_role(env, platform.LAMBDA_ROLE, document(*(s.render(**refs) for s in statements)))
    variables = {
        "table_name": env.ids["table"],
        "bucket_name": env.ids["bucket"],
        "key_arn": key_arn,
        "log_level": env.settings.log_level,
        "environment": env.environment,
    }
    common = {
        "Role": role,
        "Runtime": platform.RUNTIME,
        "Architectures": [platform.ARCHITECTURE],
        "Code": {"ZipFile": _code()},
        "KMSKeyArn": key_arn,
        "TracingConfig": {"Mode": platform.TRACING_MODE},
        "VpcConfig": {"SubnetIds": env.ids["subnets"], "SecurityGroupIds": [env.ids["lambda_sg"]]},
        "Tags": env.tags,
    }
    created = {}
    for fn in platform.FUNCTIONS:
        created[fn.name] = lam.create_function(
            FunctionName=env.name(fn.name),
            Description=fn.description,
            Handler=fn.handler,
            MemorySize=fn.memory_size,
            Timeout=fn.timeout,
            Publish=fn.publish,
            Environment={"Variables": fn.environment(**variables)},
            **common,
        )
        lam.put_function_concurrency(
            FunctionName=env.name(fn.name), ReservedConcurrentExecutions=fn.reserved_concurrency
        )
    processor = created[platform.PROCESSOR.name]
    version = processor.get("Version", "1")
    aliases = {}
    for alias in platform.ALIASES:
        aliases[alias.name] = lam.create_alias(
            FunctionName=processor["FunctionName"],
            Name=alias.name,
            FunctionVersion=version,
            Description=alias.description,
        )["AliasArn"]
    env.ids["function"] = processor["FunctionName"]
    env.ids["aliases"] = aliases


# -- ingress ------------------------------------------------------------------------------------


def ingress(env: Env) -> None:
    """The internal ALB, blue and green Lambda target groups, the weighted HTTP listener."""
    elb = env.c("elbv2")
    spec = platform.ALB
    alb_sg = make_sg(env, spec.security_group, env.ids["vpc"])
    lb = elb.create_load_balancer(
        Name=env.name(spec.name),
        Subnets=env.ids["subnets"],
        SecurityGroups=[alb_sg],
        Scheme="internal" if spec.internal else "internet-facing",
        Type=spec.type,
        Tags=env.tag_list(),
    )["LoadBalancers"][0]["LoadBalancerArn"]
    elb.modify_load_balancer_attributes(
        LoadBalancerArn=lb,
        Attributes=[
            {
                "Key": "deletion_protection.enabled",
                "Value": str(env.settings.deletion_protection).lower(),
            },
            {
                "Key": "routing.http.drop_invalid_header_fields.enabled",
                "Value": str(spec.drop_invalid_header_fields).lower(),
            },
        ],
    )
    check = spec.health_check
    forward = []
    for target in spec.target_groups:
        group = elb.create_target_group(
            Name=env.name(target.name),
            TargetType=spec.target_type,
            HealthCheckEnabled=check.enabled,
            HealthCheckPath=check.path,
            HealthCheckIntervalSeconds=check.interval,
            HealthCheckTimeoutSeconds=check.timeout,
            HealthyThresholdCount=check.healthy_threshold,
            UnhealthyThresholdCount=check.unhealthy_threshold,
            Matcher={"HttpCode": check.matcher},
            Tags=env.tag_list(),
        )["TargetGroups"][0]["TargetGroupArn"]
        env.c("lambda").add_permission(
            FunctionName=env.ids["function"],
            StatementId=spec.invoke_statement.format(slot=target.slot),
            Action="lambda:InvokeFunction",
            Principal=spec.invoke_principal,
            Qualifier=target.slot,
            SourceArn=group,
        )
        elb.register_targets(
            TargetGroupArn=group, Targets=[{"Id": env.ids["aliases"][target.slot]}]
        )
        forward.append({"TargetGroupArn": group, "Weight": target.weight})
    elb.create_listener(
        LoadBalancerArn=lb,
        Port=spec.listener_port,
        Protocol=spec.listener_protocol,
        DefaultActions=[
            {
                "Type": "forward",
                "ForwardConfig": {
                    "TargetGroups": forward,
                    "TargetGroupStickinessConfig": {
                        "Enabled": spec.stickiness,
                        "DurationSeconds": spec.stickiness_duration,
                    },
                },
            }
        ],
    )
    env.ids["alb"] = lb
