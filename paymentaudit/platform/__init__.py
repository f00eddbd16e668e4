"""The payment stack declared once: its names, tags and settings.

``stack/`` (the CDKTF app), the sandbox provisioner (``paymentaudit.sandbox.provision``) and the
benchmark generator (``bench/synthetic.py``, which copies a sandbox snapshot) all read the
payment platform from here instead of restating it, as ``platform.<name>``: this package
re-exports every name its modules declare. It is a leaf: standard library only (no boto3, no
CDK) and nothing else from paymentaudit, so that ``stack/main.py`` can import it from a
checkout where paymentaudit is not installed (it puts the repository root on ``sys.path``).

Modules, one per part of the platform
-------------------------------------
- :mod:`~paymentaudit.platform.environments`: the project, its regions, its environments and
  their settings (:data:`SETTINGS`).
- :mod:`~paymentaudit.platform.naming`: the naming rules (:func:`name`, :func:`param`), the
  default tags, and every name the stack builds (:data:`STACK_NAMES`).
- :mod:`~paymentaudit.platform.iam`: IAM policy intents (:class:`Statement`, :class:`Role`)
  and the policy-document helpers.
- :mod:`~paymentaudit.platform.network`, :mod:`~paymentaudit.platform.encryption`,
  :mod:`~paymentaudit.platform.database`, :mod:`~paymentaudit.platform.sessions`,
  :mod:`~paymentaudit.platform.storage`, :mod:`~paymentaudit.platform.compute`,
  :mod:`~paymentaudit.platform.ingress`, :mod:`~paymentaudit.platform.monitoring`,
  :mod:`~paymentaudit.platform.parameters`: the resources, as ``stack/components/`` groups
  them (the SSM parameters: ``stack/payment_stack.py``).
- :mod:`~paymentaudit.platform.layouts`: the names that differ between deployments.

What lives where
----------------
- **Here: every setting and every piece of data.** The naming rules (:func:`name`,
  :func:`param`), the provider default tags, the per-environment settings
  (:data:`SETTINGS`), and the resources: VPC, subnets, security groups and their rules'
  intent, endpoints, flow logs, KMS keys, Aurora, the DynamoDB table, the buckets, the
  functions and their log groups, the roles and their policy intents, the ALB, the SNS topic,
  the alarms, the dashboard and the SSM parameters. Every physical name *base* is here too:
  the sandbox builds every name from these fields.
- **stack/ keeps each name base as a string literal** at its construct call
  (``cfg.name("payment-sessions")``) or in a module-level tuple of literals that its loop
  iterates (``PRIVATE_SUBNETS``, ``INSTANCES``, ``TARGET_GROUPS``, ``PARAMETERS``), and reads
  everything else from here. The audit's SARIF locator
  (``paymentaudit/reporters/stack_source.py``) finds a resource's construct by parsing those
  literals with :mod:`ast`; it cannot follow a name imported from this package, so the names
  cannot leave stack/. They are not a second declaration: ``StackConfig.name`` (and
  ``param``) accepts only a base declared here (:data:`STACK_NAMES`,
  :data:`STACK_PARAMETERS`), and the synth fails when the platform declares a name the stack
  did not build (``StackConfig.check_names``). Where the stack needs a name's settings it
  looks them up by its literal (:func:`subnet`, :func:`db_instance`, :func:`target_group`,
  :func:`parameter`).
- **Not here:** what only one consumer has: the stack's CDK logical ids, outputs and Lambda
  packaging; the sandbox's stand-ins for what AWS does by itself (moto leaves the RDS
  master-user secret's rotation off, the sandbox turns it on). The benchmark generator
  restates nothing: it copies a snapshot of the sandbox.
- **Layouts** (:class:`Layout`) hold the names that differ between deployments of the same
  design: :data:`STACK` is what ``stack/`` deploys; :data:`LEGACY` is how two environments
  were built by the original design's script (one unnamed route table for the three
  subnets, Aurora instances ``payment-aurora-<suffix>-1``/``-2``, database security group
  ``payment-db-sg-<suffix>``). The sandbox provisions either.

Values that the consumers fill in (a table's ARN, a key's ARN, the account id) are written as
``str.format`` fields (``"{table_arn}/index/*"``): the stack formats them with CDK tokens, the
sandbox with the ARNs it created.
"""

from __future__ import annotations

from paymentaudit.platform.compute import (
    ALIASES,
    ALLOWED_CURRENCIES,
    ARCHITECTURE,
    CURRENCY,
    ENI_ACTIONS,
    FUNCTIONS,
    LAMBDA_ROLE,
    LOG_GROUP_PATHS,
    LOG_GROUP_PREFIX,
    MAX_PAYMENT_AMOUNT,
    MIGRATION,
    MIGRATION_SOURCE_PATH,
    PROCESSOR,
    RUNTIME,
    SSM_LIST_ACTIONS,
    SSM_READ_ACTIONS,
    SSM_WRITE_ACTIONS,
    TRACING_MODE,
    XRAY_ACTIONS,
    Alias,
    Function,
    lambda_statements,
    ssm_read_paths,
)
from paymentaudit.platform.database import (
    AURORA,
    Aurora,
    ClusterParameter,
    DbInstance,
    db_instance,
)
from paymentaudit.platform.encryption import (
    KEYS,
    KMS_LOGS_ACTIONS,
    KMS_PUBLISHER_ACTIONS,
    KMS_PUBLISHER_SERVICES,
    KMS_ROOT_ACTIONS,
    PRIMARY_KEY,
    REPLICA_KEY,
    Key,
)
from paymentaudit.platform.environments import (
    DEFAULT_DB_INSTANCE_CLASS,
    ENVIRONMENTS,
    MANAGED_BY,
    PRIMARY_REGION,
    PROJECT,
    REPLICA_REGION,
    SETTINGS,
    SUFFIX_FIELD,
    EnvironmentSettings,
    settings,
)
from paymentaudit.platform.iam import (
    POLICY_VERSION,
    Condition,
    Role,
    Statement,
    allow,
    assume_role,
    conditions,
    document,
    via_s3,
)
from paymentaudit.platform.ingress import (
    ALB,
    HealthCheck,
    LoadBalancer,
    TargetGroup,
    target_group,
)
from paymentaudit.platform.layouts import (
    LAYOUTS,
    LEGACY,
    STACK,
    Layout,
    RouteTable,
    layout,
)
from paymentaudit.platform.monitoring import (
    ALARM_TOPIC,
    ALARMS,
    DASHBOARD,
    DASHBOARD_PERIOD,
    LAMBDA_ERRORS_ALARM,
    RDS_CPU_ALARM,
    Alarm,
    dashboard_body,
)
from paymentaudit.platform.naming import (
    SECURITY_GROUPS,
    STACK_NAMES,
    STACK_PARAMETERS,
    default_tags,
    name,
    param,
)
from paymentaudit.platform.network import (
    DYNAMODB_ENDPOINT,
    ENDPOINT_SG,
    FLOW_LOG_GROUP_PREFIX,
    FLOW_LOGS,
    FROM_VPC,
    GATEWAY_ENDPOINTS,
    LAMBDA_SG,
    POSTGRES_PORT,
    S3_ENDPOINT,
    SSM_ENDPOINT,
    SUBNETS,
    VIA_GATEWAY_ENDPOINTS,
    VPC,
    Endpoint,
    FlowLogs,
    SecurityGroup,
    SgRule,
    Subnet,
    Vpc,
    subnet,
)
from paymentaudit.platform.parameters import (
    PARAMETERS,
    Parameter,
    parameter,
)
from paymentaudit.platform.sessions import (
    SESSIONS,
    Gsi,
    Table,
)
from paymentaudit.platform.storage import (
    AUDIT_BUCKET,
    BUCKETS,
    HARDENING,
    LIFECYCLE,
    REPLICA_BUCKET,
    REPLICATION,
    Bucket,
    BucketHardening,
    Lifecycle,
    Replication,
    deny_insecure_transport,
)

__all__ = [
    "ALARMS",
    "ALARM_TOPIC",
    "ALB",
    "ALIASES",
    "ALLOWED_CURRENCIES",
    "ARCHITECTURE",
    "AUDIT_BUCKET",
    "AURORA",
    "BUCKETS",
    "CURRENCY",
    "DASHBOARD",
    "DASHBOARD_PERIOD",
    "DEFAULT_DB_INSTANCE_CLASS",
    "DYNAMODB_ENDPOINT",
    "ENDPOINT_SG",
    "ENI_ACTIONS",
    "ENVIRONMENTS",
    "FLOW_LOGS",
    "FLOW_LOG_GROUP_PREFIX",
    "FROM_VPC",
    "FUNCTIONS",
    "GATEWAY_ENDPOINTS",
    "HARDENING",
    "KEYS",
    "KMS_LOGS_ACTIONS",
    "KMS_PUBLISHER_ACTIONS",
    "KMS_PUBLISHER_SERVICES",
    "KMS_ROOT_ACTIONS",
    "LAMBDA_ERRORS_ALARM",
    "LAMBDA_ROLE",
    "LAMBDA_SG",
    "LAYOUTS",
    "LEGACY",
    "LIFECYCLE",
    "LOG_GROUP_PATHS",
    "LOG_GROUP_PREFIX",
    "MANAGED_BY",
    "MAX_PAYMENT_AMOUNT",
    "MIGRATION",
    "MIGRATION_SOURCE_PATH",
    "PARAMETERS",
    "POLICY_VERSION",
    "POSTGRES_PORT",
    "PRIMARY_KEY",
    "PRIMARY_REGION",
    "PROCESSOR",
    "PROJECT",
    "RDS_CPU_ALARM",
    "REPLICATION",
    "REPLICA_BUCKET",
    "REPLICA_KEY",
    "REPLICA_REGION",
    "RUNTIME",
    "S3_ENDPOINT",
    "SECURITY_GROUPS",
    "SESSIONS",
    "SETTINGS",
    "SSM_ENDPOINT",
    "SSM_LIST_ACTIONS",
    "SSM_READ_ACTIONS",
    "SSM_WRITE_ACTIONS",
    "STACK",
    "STACK_NAMES",
    "STACK_PARAMETERS",
    "SUBNETS",
    "SUFFIX_FIELD",
    "TRACING_MODE",
    "VIA_GATEWAY_ENDPOINTS",
    "VPC",
    "XRAY_ACTIONS",
    "Alarm",
    "Alias",
    "Aurora",
    "Bucket",
    "BucketHardening",
    "ClusterParameter",
    "Condition",
    "DbInstance",
    "Endpoint",
    "EnvironmentSettings",
    "FlowLogs",
    "Function",
    "Gsi",
    "HealthCheck",
    "Key",
    "Layout",
    "Lifecycle",
    "LoadBalancer",
    "Parameter",
    "Replication",
    "Role",
    "RouteTable",
    "SecurityGroup",
    "SgRule",
    "Statement",
    "Subnet",
    "Table",
    "TargetGroup",
    "Vpc",
    "allow",
    "assume_role",
    "conditions",
    "dashboard_body",
    "db_instance",
    "default_tags",
    "deny_insecure_transport",
    "document",
    "lambda_statements",
    "layout",
    "name",
    "param",
    "parameter",
    "settings",
    "ssm_read_paths",
    "subnet",
    "target_group",
    "via_s3",
]
