"""Compute and ingress: the Lambdas, their role and log groups, the ALB."""

from __future__ import annotations

import io
import zipfile

from paymentaudit.sandbox.provision.base import (
    RUNTIME,
    VPC_CIDR,
    Env,
    allow,
    document,
    make_role,
    make_sg,
    tcp,
)

# -- compute ------------------------------------------------------------------------------------


def _code() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("payment_processor.py", "def handler(event, context):\n    return {}\n")
        zf.writestr("parameter_migration.py", "def handler(event, context):\n    return {}\n")
    return buf.getvalue()


def _ssm_arns(env: Env, path: str, include_path: bool) -> list[str]:
    base = env.arn("ssm", f"parameter{path}")
    return [base, f"{base}/*"] if include_path else [f"{base}/*"]


def compute(env: Env) -> None:
    """Log groups, the Lambda role, both functions, the blue and green aliases."""
    logs, lam = env.c("logs"), env.c("lambda")
    retention = 30 if env.is_prod else 7
    groups = {}
    for fn in ("payment-processor", "parameter-migration"):
        group = env.name(f"/aws/lambda/{fn}")
        logs.create_log_group(logGroupName=group, kmsKeyId=env.ids["payment-cmk"], tags=env.tags)
        logs.put_retention_policy(logGroupName=group, retentionInDays=retention)
        groups[fn] = env.arn("logs", f"log-group:{group}")
    table_arn = env.arn("dynamodb", f"table/{env.ids['table']}")
    bucket_arn = f"arn:aws:s3:::{env.ids['bucket']}"
    read_paths = _ssm_arns(env, "/dev", True)
    if env.environment != "dev":
        read_paths += _ssm_arns(env, f"/{env.environment}", True)
    role = make_role(
        env,
        "payment-lambda-role",
        "lambda.amazonaws.com",
        "payment-lambda-policy",
        document(
            allow(
                "SessionTableItems",
                ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"],
                [table_arn, f"{table_arn}/index/*"],
            ),
            allow("AuditObjects", ["s3:GetObject", "s3:PutObject"], [f"{bucket_arn}/*"]),
            allow(
                "UseTheCmk",
                ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"],
                [env.ids["payment-cmk"]],
            ),
            allow(
                "ReadParameters",
                ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"],
                read_paths,
            ),
            allow(
                "WriteEnvironmentParameters",
                ["ssm:PutParameter"],
                _ssm_arns(env, f"/{env.environment}", False),
            ),
            allow(
                "WriteOwnLogs",
                ["logs:CreateLogStream", "logs:PutLogEvents"],
                [g for arn in groups.values() for g in (arn, f"{arn}:*")],
            ),
            allow("ListParameterMetadata", ["ssm:DescribeParameters"], ["*"]),
            allow(
                "VpcNetworkInterfaces",
                [
                    "ec2:AssignPrivateIpAddresses",
                    "ec2:CreateNetworkInterface",
                    "ec2:DeleteNetworkInterface",
                    "ec2:DescribeNetworkInterfaces",
                    "ec2:UnassignPrivateIpAddresses",
                ],
                ["*"],
            ),
            allow("XRayTracing", ["xray:PutTelemetryRecords", "xray:PutTraceSegments"], ["*"]),
        ),
        scoped=False,
    )
    vpc_config = {"SubnetIds": env.ids["subnets"], "SecurityGroupIds": [env.ids["lambda_sg"]]}
    common = {
        "Role": role,
        "Runtime": RUNTIME,
        "Architectures": ["x86_64"],
        "Code": {"ZipFile": _code()},
        "KMSKeyArn": env.ids["payment-cmk"],
        "TracingConfig": {"Mode": "Active"},
        "VpcConfig": vpc_config,
        "Tags": env.tags,
    }
    processor = lam.create_function(
        FunctionName=env.name("payment-processor"),
        Description="Validates payments, stores them in DynamoDB and audits them to S3",
        Handler="payment_processor.handler",
        MemorySize=512,
        Timeout=30,
        Publish=True,
        Environment={
            "Variables": {
                "TABLE_NAME": env.ids["table"],
                "AUDIT_BUCKET": env.ids["bucket"],
                "AUDIT_KMS_KEY_ARN": env.ids["payment-cmk"],
                "MAX_PAYMENT_AMOUNT": "10000",
                "ALLOWED_CURRENCIES": "USD,EUR,GBP",
                "DEFAULT_CURRENCY": "USD",
                "LOG_LEVEL": "INFO",
            }
        },
        **common,
    )
    lam.put_function_concurrency(
        FunctionName=processor["FunctionName"], ReservedConcurrentExecutions=50
    )
    lam.create_function(
        FunctionName=env.name("parameter-migration"),
        Description="Copies SSM parameters from /dev to this environment's path",
        Handler="parameter_migration.handler",
        MemorySize=256,
        Timeout=300,
        Environment={
            "Variables": {
                "SOURCE_PATH": "/dev",
                "TARGET_PATH": f"/{env.environment}",
                "LOG_LEVEL": "INFO",
            }
        },
        **common,
    )
    lam.put_function_concurrency(
        FunctionName=env.name("parameter-migration"), ReservedConcurrentExecutions=1
    )
    version = processor.get("Version", "1")
    aliases = {}
    for slot, desc in (("blue", "Blue slot"), ("green", "Green slot")):
        aliases[slot] = lam.create_alias(
            FunctionName=processor["FunctionName"],
            Name=slot,
            FunctionVersion=version,
            Description=f"{desc} of the payment processor",
        )["AliasArn"]
    env.ids["function"] = processor["FunctionName"]
    env.ids["aliases"] = aliases


# -- ingress ------------------------------------------------------------------------------------


def ingress(env: Env) -> None:
    """The internal ALB, blue and green Lambda target groups, the weighted HTTP listener."""
    ec2, elb = env.c("ec2"), env.c("elbv2")
    alb_sg = make_sg(
        env, "payment-alb-sg", "Internal payment ALB: HTTP/HTTPS from the VPC only", env.ids["vpc"]
    )
    ec2.authorize_security_group_ingress(
        GroupId=alb_sg, IpPermissions=[tcp(80, cidr=VPC_CIDR), tcp(443, cidr=VPC_CIDR)]
    )
    ec2.authorize_security_group_egress(GroupId=alb_sg, IpPermissions=[tcp(443, cidr=VPC_CIDR)])
    lb = elb.create_load_balancer(
        Name=env.name("payment-alb"),
        Subnets=env.ids["subnets"],
        SecurityGroups=[alb_sg],
        Scheme="internal",
        Type="application",
        Tags=env.tag_list(),
    )["LoadBalancers"][0]["LoadBalancerArn"]
    elb.modify_load_balancer_attributes(
        LoadBalancerArn=lb,
        Attributes=[
            {"Key": "deletion_protection.enabled", "Value": str(env.is_prod).lower()},
            {"Key": "routing.http.drop_invalid_header_fields.enabled", "Value": "true"},
        ],
    )
    forward = []
    for base, slot, weight in (("payment-blue", "blue", 100), ("payment-green", "green", 0)):
        group = elb.create_target_group(
            Name=env.name(base),
            TargetType="lambda",
            HealthCheckEnabled=True,
            HealthCheckPath="/health",
            HealthCheckIntervalSeconds=35,
            HealthCheckTimeoutSeconds=30,
            HealthyThresholdCount=3,
            UnhealthyThresholdCount=3,
            Matcher={"HttpCode": "200"},
            Tags=env.tag_list(),
        )["TargetGroups"][0]["TargetGroupArn"]
        env.c("lambda").add_permission(
            FunctionName=env.ids["function"],
            StatementId=f"AllowAlbInvoke-{slot}",
            Action="lambda:InvokeFunction",
            Principal="elasticloadbalancing.amazonaws.com",
            Qualifier=slot,
            SourceArn=group,
        )
        elb.register_targets(TargetGroupArn=group, Targets=[{"Id": env.ids["aliases"][slot]}])
        forward.append({"TargetGroupArn": group, "Weight": weight})
    elb.create_listener(
        LoadBalancerArn=lb,
        Port=80,
        Protocol="HTTP",
        DefaultActions=[
            {
                "Type": "forward",
                "ForwardConfig": {
                    "TargetGroups": forward,
                    "TargetGroupStickinessConfig": {"Enabled": False, "DurationSeconds": 1},
                },
            }
        ],
    )
    env.ids["alb"] = lb
