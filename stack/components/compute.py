"""Compute: the two Lambdas (packaged from lambda/ at synth), their log groups, role and aliases."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import cdk
from config import PRIMARY_REGION, StackConfig
from policies import allow, assume_role, document

from components.network import Network

RUNTIME = "python3.12"
ARCHITECTURE = "x86_64"
PROCESSOR_RESERVED_CONCURRENCY = 50
MIGRATION_RESERVED_CONCURRENCY = 1

# Only these may use Resource "*": they do not support resource-level permissions for VPC ENIs
# (Describe*) or at all (X-Ray), and the Lambda service needs them for VPC attachment.
ENI_ACTIONS = [
    "ec2:AssignPrivateIpAddresses",
    "ec2:CreateNetworkInterface",
    "ec2:DeleteNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:UnassignPrivateIpAddresses",
]
XRAY_ACTIONS = ["xray:PutTelemetryRecords", "xray:PutTraceSegments"]
# The migration lists parameters with DescribeParameters (metadata, never values), which has no
# resource-level permissions: the one other action on Resource "*".
SSM_LIST_ACTIONS = ["ssm:DescribeParameters"]
SSM_READ_ACTIONS = ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"]
SSM_WRITE_ACTIONS = ["ssm:PutParameter"]


@dataclass
class Compute:
    """The functions and the aliases the ALB routes to."""

    processor: cdk.LambdaFunction
    migration: cdk.LambdaFunction
    blue: cdk.LambdaAlias
    green: cdk.LambdaAlias


# Never packaged: bytecode and tool caches that tests of lambda/ leave behind.
PACKAGE_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".*")


def stage_lambda_source(source: Path, outdir: Path) -> Path:
    """Copy lambda/ without caches to <outdir>/.staging/lambda; return that directory.

    The asset hash (and so source_code_hash) then depends on the code only.
    """
    staged = outdir / ".staging" / "lambda"
    if staged.exists():
        shutil.rmtree(staged)
    shutil.copytree(source, staged, ignore=PACKAGE_IGNORE)
    return staged


def _ssm_arns(account_id: str, path: str, *, include_path: bool) -> list[str]:
    base = f"arn:aws:ssm:{PRIMARY_REGION}:{account_id}:parameter{path}"
    return [base, f"{base}/*"] if include_path else [f"{base}/*"]


def build(
    scope: cdk.TerraformStack,
    cfg: StackConfig,
    network: Network,
    key: cdk.KmsKey,
    table: cdk.DynamodbTable,
    audit_bucket: cdk.S3Bucket,
    account_id: str,
) -> Compute:
    """Create the code asset, log groups, execution role, functions and blue/green aliases."""
    # One ARCHIVE asset of lambda/ holds both handlers; cdktf zips it into the out dir at synth.
    staged = stage_lambda_source(cfg.lambda_source_dir, Path(cdk.App.of(scope).outdir))
    code = cdk.TerraformAsset(scope, "lambda_code", path=str(staged), type=cdk.AssetType.ARCHIVE)

    processor_logs = cdk.CloudwatchLogGroup(
        scope,
        "processor_log_group",
        name=cfg.name("/aws/lambda/payment-processor"),
        retention_in_days=cfg.log_retention_days,
        kms_key_id=key.arn,
    )
    migration_logs = cdk.CloudwatchLogGroup(
        scope,
        "migration_log_group",
        name=cfg.name("/aws/lambda/parameter-migration"),
        retention_in_days=cfg.log_retention_days,
        kms_key_id=key.arn,
    )

    role = cdk.IamRole(
        scope,
        "lambda_role",
        name=cfg.name("payment-lambda-role"),
        assume_role_policy=assume_role("lambda.amazonaws.com"),
    )
    read_paths = _ssm_arns(account_id, "/dev", include_path=True)
    if cfg.environment != "dev":
        read_paths += _ssm_arns(account_id, f"/{cfg.environment}", include_path=True)
    role_policy = cdk.IamRolePolicy(
        scope,
        "lambda_role_policy",
        name=cfg.name("payment-lambda-policy"),
        role=role.id,
        policy=document(
            allow(
                "SessionTableItems",
                ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"],
                [table.arn, f"{table.arn}/index/*"],
            ),
            allow(
                "AuditObjects",
                ["s3:GetObject", "s3:PutObject"],
                [f"{audit_bucket.arn}/*"],
            ),
            allow(
                "UseTheCmk",
                ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"],
                [key.arn],
            ),
            allow("ReadParameters", SSM_READ_ACTIONS, read_paths),
            allow(
                "WriteEnvironmentParameters",
                SSM_WRITE_ACTIONS,
                _ssm_arns(account_id, f"/{cfg.environment}", include_path=False),
            ),
            allow(
                "WriteOwnLogs",
                ["logs:CreateLogStream", "logs:PutLogEvents"],
                [
                    processor_logs.arn,
                    f"{processor_logs.arn}:*",
                    migration_logs.arn,
                    f"{migration_logs.arn}:*",
                ],
            ),
            allow("ListParameterMetadata", SSM_LIST_ACTIONS, ["*"]),
            allow("VpcNetworkInterfaces", ENI_ACTIONS, ["*"]),
            allow("XRayTracing", XRAY_ACTIONS, ["*"]),
        ),
    )

    vpc_config = {
        "subnet_ids": network.subnet_ids,
        "security_group_ids": [network.lambda_sg.id],
    }
    processor = cdk.LambdaFunction(
        scope,
        "processor_function",
        function_name=cfg.name("payment-processor"),
        description="Validates payments, stores them in DynamoDB and audits them to S3",
        role=role.arn,
        runtime=RUNTIME,
        handler="payment_processor.handler",
        architectures=[ARCHITECTURE],
        filename=code.path,
        source_code_hash=code.asset_hash,
        memory_size=512,
        timeout=30,
        reserved_concurrent_executions=PROCESSOR_RESERVED_CONCURRENCY,
        publish=True,
        kms_key_arn=key.arn,
        tracing_config={"mode": "Active"},
        vpc_config=vpc_config,
        environment={
            "variables": {
                "TABLE_NAME": table.name,
                "AUDIT_BUCKET": audit_bucket.bucket,
                "AUDIT_KMS_KEY_ARN": key.arn,
                "MAX_PAYMENT_AMOUNT": "10000",
                "ALLOWED_CURRENCIES": "USD,EUR,GBP",
                # The currency of a direct invocation's payment that names none (the runbook).
                "DEFAULT_CURRENCY": "USD",
                "LOG_LEVEL": cfg.log_level,
            }
        },
        depends_on=[processor_logs, role_policy],
    )
    migration = cdk.LambdaFunction(
        scope,
        "migration_function",
        function_name=cfg.name("parameter-migration"),
        description="Copies SSM parameters from /dev to this environment's path",
        role=role.arn,
        runtime=RUNTIME,
        handler="parameter_migration.handler",
        architectures=[ARCHITECTURE],
        filename=code.path,
        source_code_hash=code.asset_hash,
        memory_size=256,
        timeout=300,
        reserved_concurrent_executions=MIGRATION_RESERVED_CONCURRENCY,
        kms_key_arn=key.arn,
        tracing_config={"mode": "Active"},
        vpc_config=vpc_config,
        environment={
            "variables": {
                "SOURCE_PATH": "/dev",
                "TARGET_PATH": f"/{cfg.environment}",
                "LOG_LEVEL": cfg.log_level,
            }
        },
        depends_on=[migration_logs, role_policy],
    )

    # Both aliases start on the same published version; the ALB listener weights pick the live one.
    blue = cdk.LambdaAlias(
        scope,
        "processor_blue_alias",
        name="blue",
        description="Blue slot of the payment processor",
        function_name=processor.function_name,
        function_version=processor.version,
    )
    green = cdk.LambdaAlias(
        scope,
        "processor_green_alias",
        name="green",
        description="Green slot of the payment processor",
        function_name=processor.function_name,
        function_version=processor.version,
    )
    return Compute(processor=processor, migration=migration, blue=blue, green=green)
