"""Compute: the two Lambdas (packaged from lambda/ at synth), their log groups, role and aliases."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import cdk
from config import PRIMARY_REGION, StackConfig
from policies import assume_role, render

from components.network import Network
from paymentaudit import platform


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

    role_spec = platform.LAMBDA_ROLE
    role = cdk.IamRole(
        scope,
        "lambda_role",
        name=cfg.name("payment-lambda-role"),
        assume_role_policy=assume_role(role_spec.service, account_id if role_spec.scoped else None),
    )
    role_policy = cdk.IamRolePolicy(
        scope,
        "lambda_role_policy",
        name=cfg.name("payment-lambda-policy"),
        role=role.id,
        policy=render(
            platform.lambda_statements(cfg.environment),
            table_arn=table.arn,
            bucket_arn=audit_bucket.arn,
            key_arn=key.arn,
            parameter_arn=f"arn:aws:ssm:{PRIMARY_REGION}:{account_id}:parameter",
            processor_log_group_arn=processor_logs.arn,
            migration_log_group_arn=migration_logs.arn,
        ),
    )

    vpc_config = {
        "subnet_ids": network.subnet_ids,
        "security_group_ids": [network.lambda_sg.id],
    }
    # Filled into the functions' environment templates (platform.Function.variables).
    refs = {
        "table_name": table.name,
        "bucket_name": audit_bucket.bucket,
        "key_arn": key.arn,
        "log_level": cfg.log_level,
        "environment": cfg.environment,
    }
    spec = platform.PROCESSOR
    processor = cdk.LambdaFunction(
        scope,
        "processor_function",
        function_name=cfg.name("payment-processor"),
        description=spec.description,
        role=role.arn,
        runtime=platform.RUNTIME,
        handler=spec.handler,
        architectures=[platform.ARCHITECTURE],
        filename=code.path,
        source_code_hash=code.asset_hash,
        memory_size=spec.memory_size,
        timeout=spec.timeout,
        reserved_concurrent_executions=spec.reserved_concurrency,
        publish=spec.publish,
        kms_key_arn=key.arn,
        tracing_config={"mode": platform.TRACING_MODE},
        vpc_config=vpc_config,
        environment={"variables": spec.environment(**refs)},
        depends_on=[processor_logs, role_policy],
    )
    spec = platform.MIGRATION
    migration = cdk.LambdaFunction(
        scope,
        "migration_function",
        function_name=cfg.name("parameter-migration"),
        description=spec.description,
        role=role.arn,
        runtime=platform.RUNTIME,
        handler=spec.handler,
        architectures=[platform.ARCHITECTURE],
        filename=code.path,
        source_code_hash=code.asset_hash,
        memory_size=spec.memory_size,
        timeout=spec.timeout,
        reserved_concurrent_executions=spec.reserved_concurrency,
        publish=spec.publish or None,
        kms_key_arn=key.arn,
        tracing_config={"mode": platform.TRACING_MODE},
        vpc_config=vpc_config,
        environment={"variables": spec.environment(**refs)},
        depends_on=[migration_logs, role_policy],
    )

    # Both aliases start on the same published version; the ALB listener weights pick the live one.
    blue_spec, green_spec = platform.ALIASES
    blue = cdk.LambdaAlias(
        scope,
        "processor_blue_alias",
        name=blue_spec.name,
        description=blue_spec.description,
        function_name=processor.function_name,
        function_version=processor.version,
    )
    green = cdk.LambdaAlias(
        scope,
        "processor_green_alias",
        name=green_spec.name,
        description=green_spec.description,
        function_name=processor.function_name,
        function_version=processor.version,
    )
    return Compute(processor=processor, migration=migration, blue=blue, green=green)
