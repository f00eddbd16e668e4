"""Compute: the two Lambda functions, the processor's blue/green aliases, and the functions'
role and its policy."""

from __future__ import annotations

from dataclasses import dataclass

from paymentaudit.platform.iam import Role, Statement
from paymentaudit.platform.network import FLOW_LOG_GROUP_PREFIX

RUNTIME = "python3.12"
ARCHITECTURE = "x86_64"
TRACING_MODE = "Active"
LOG_GROUP_PREFIX = "/aws/lambda/"
CURRENCY = "USD"
MAX_PAYMENT_AMOUNT = "10000"
ALLOWED_CURRENCIES = "USD,EUR,GBP"
# The migration copies parameters from the dev path to the environment's own.
MIGRATION_SOURCE_PATH = "/dev"


@dataclass(frozen=True)
class Function:
    """A Lambda function. Environment values are ``str.format`` templates: ``{table_name}``,
    ``{bucket_name}``, ``{key_arn}``, ``{log_level}``, ``{environment}``."""

    name: str
    description: str
    handler: str
    memory_size: int
    timeout: int
    reserved_concurrency: int
    variables: tuple[tuple[str, str], ...]
    publish: bool = False

    @property
    def log_group(self) -> str:
        """The base of its log group's name: ``/aws/lambda/<function base>``."""
        return f"{LOG_GROUP_PREFIX}{self.name}"

    def environment(self, **refs: str) -> dict[str, str]:
        """Its environment variables, the templates filled in."""
        return {k: v.format(**refs) for k, v in self.variables}


@dataclass(frozen=True)
class Alias:
    """A blue/green alias of the processor."""

    name: str
    description: str


PROCESSOR = Function(
    name="payment-processor",
    description="Validates payments, stores them in DynamoDB and audits them to S3",
    handler="payment_processor.handler",
    memory_size=512,
    timeout=30,
    reserved_concurrency=50,
    publish=True,
    variables=(
        ("TABLE_NAME", "{table_name}"),
        ("AUDIT_BUCKET", "{bucket_name}"),
        ("AUDIT_KMS_KEY_ARN", "{key_arn}"),
        ("MAX_PAYMENT_AMOUNT", MAX_PAYMENT_AMOUNT),
        ("ALLOWED_CURRENCIES", ALLOWED_CURRENCIES),
        # The currency of a direct invocation's payment that names none (the runbook).
        ("DEFAULT_CURRENCY", CURRENCY),
        ("LOG_LEVEL", "{log_level}"),
    ),
)
MIGRATION = Function(
    name="parameter-migration",
    description="Copies SSM parameters from /dev to this environment's path",
    handler="parameter_migration.handler",
    memory_size=256,
    timeout=300,
    reserved_concurrency=1,
    variables=(
        ("SOURCE_PATH", MIGRATION_SOURCE_PATH),
        ("TARGET_PATH", "/{environment}"),
        ("LOG_LEVEL", "{log_level}"),
    ),
)
FUNCTIONS = (PROCESSOR, MIGRATION)
# Where the stack's log groups live (the primary key's policy lets CloudWatch Logs use it there).
LOG_GROUP_PATHS = (LOG_GROUP_PREFIX, FLOW_LOG_GROUP_PREFIX)
# Both aliases start on the processor's published version; the listener weights pick one.
ALIASES = (
    Alias("blue", "Blue slot of the payment processor"),
    Alias("green", "Green slot of the payment processor"),
)
LAMBDA_ROLE = Role(
    "payment-lambda-role", "payment-lambda-policy", "lambda.amazonaws.com", scoped=False
)
# Only these may use Resource "*": they do not support resource-level permissions for VPC ENIs
# (Describe*) or at all (X-Ray), and the Lambda service needs them for VPC attachment.
ENI_ACTIONS = (
    "ec2:AssignPrivateIpAddresses",
    "ec2:CreateNetworkInterface",
    "ec2:DeleteNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:UnassignPrivateIpAddresses",
)
XRAY_ACTIONS = ("xray:PutTelemetryRecords", "xray:PutTraceSegments")
# The migration lists parameters with DescribeParameters (metadata, never values), which has
# no resource-level permissions: the one other action on Resource "*".
SSM_LIST_ACTIONS = ("ssm:DescribeParameters",)
SSM_READ_ACTIONS = ("ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath")
SSM_WRITE_ACTIONS = ("ssm:PutParameter",)


def ssm_read_paths(environment: str) -> tuple[str, ...]:
    """The parameter paths the functions read: the migration's source, and their own."""
    return tuple(dict.fromkeys((MIGRATION_SOURCE_PATH, f"/{environment}")))


def lambda_statements(environment: str) -> tuple[Statement, ...]:
    """The functions' role policy in ``environment``. Fields: ``{table_arn}``,
    ``{bucket_arn}``, ``{key_arn}``, ``{parameter_arn}`` (``arn:aws:ssm:<region>:<account>:
    parameter``), ``{processor_log_group_arn}``, ``{migration_log_group_arn}``."""
    paths = ssm_read_paths(environment)
    read = tuple(r for p in paths for r in (f"{{parameter_arn}}{p}", f"{{parameter_arn}}{p}/*"))
    return (
        Statement(
            "SessionTableItems",
            ("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"),
            ("{table_arn}", "{table_arn}/index/*"),
        ),
        Statement("AuditObjects", ("s3:GetObject", "s3:PutObject"), ("{bucket_arn}/*",)),
        Statement(
            "UseTheCmk",
            ("kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"),
            ("{key_arn}",),
        ),
        Statement("ReadParameters", SSM_READ_ACTIONS, read),
        Statement(
            "WriteEnvironmentParameters",
            SSM_WRITE_ACTIONS,
            (f"{{parameter_arn}}/{environment}/*",),
        ),
        Statement(
            "WriteOwnLogs",
            ("logs:CreateLogStream", "logs:PutLogEvents"),
            (
                "{processor_log_group_arn}",
                "{processor_log_group_arn}:*",
                "{migration_log_group_arn}",
                "{migration_log_group_arn}:*",
            ),
        ),
        Statement("ListParameterMetadata", SSM_LIST_ACTIONS, ("*",)),
        Statement("VpcNetworkInterfaces", ENI_ACTIONS, ("*",)),
        Statement("XRayTracing", XRAY_ACTIONS, ("*",)),
    )
