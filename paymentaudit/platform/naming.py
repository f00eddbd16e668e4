"""Naming: the rules that turn a name base into a physical name (:func:`name`, :func:`param`),
the providers' default tags, and every name the stack builds (:data:`STACK_NAMES`,
:data:`STACK_PARAMETERS`)."""

from __future__ import annotations

from paymentaudit.platform.compute import FUNCTIONS, LAMBDA_ROLE
from paymentaudit.platform.database import AURORA
from paymentaudit.platform.encryption import KEYS
from paymentaudit.platform.environments import MANAGED_BY, PROJECT, SUFFIX_FIELD
from paymentaudit.platform.ingress import ALB
from paymentaudit.platform.monitoring import ALARM_TOPIC, ALARMS, DASHBOARD
from paymentaudit.platform.network import (
    ENDPOINT_SG,
    FLOW_LOGS,
    GATEWAY_ENDPOINTS,
    LAMBDA_SG,
    SSM_ENDPOINT,
    SUBNETS,
    VPC,
)
from paymentaudit.platform.parameters import PARAMETERS
from paymentaudit.platform.sessions import SESSIONS
from paymentaudit.platform.storage import BUCKETS, REPLICATION


def name(base: str, suffix: str, environment: str, *, with_env: bool = False) -> str:
    """Physical name: ``<base>-<suffix>``; ``with_env`` inserts the environment after base's
    first hyphen-separated token (``payment-vpc`` -> ``payment-<env>-vpc-<suffix>``). A pattern
    holding ``{suffix}`` (a legacy name that does not end with it) is formatted instead."""
    if SUFFIX_FIELD in base:
        return base.replace(SUFFIX_FIELD, suffix)
    if with_env:
        head, sep, rest = base.partition("-")
        base = f"{head}-{environment}{sep}{rest}" if sep else f"{base}-{environment}"
    return f"{base}-{suffix}"


def param(path: str, environment: str) -> str:
    """SSM parameter name under the environment's path: ``app/x`` -> ``/<env>/app/x``."""
    return f"/{environment}/{path.lstrip('/')}"


def default_tags(environment: str, suffix: str) -> dict[str, str]:
    """The providers' default tags, carried by every taggable resource."""
    return {
        "Project": PROJECT,
        "Environment": environment,
        "EnvironmentSuffix": suffix,
        "ManagedBy": MANAGED_BY,
    }


# Every security group the stack builds.
SECURITY_GROUPS = (ENDPOINT_SG, LAMBDA_SG, AURORA.security_group, ALB.security_group)
# The bases ``cfg.name()`` accepts (stack/config.py): a synth fails on any other.
STACK_NAMES: frozenset[str] = frozenset(
    {
        VPC.name,
        VPC.default_security_group,
        *(s.name for s in SUBNETS),
        *(s.route_table for s in SUBNETS),
        *(e.name for e in (*GATEWAY_ENDPOINTS, SSM_ENDPOINT)),
        *(g.name for g in SECURITY_GROUPS),
        FLOW_LOGS.log_group,
        FLOW_LOGS.role.name,
        FLOW_LOGS.role.policy_name,
        FLOW_LOGS.name,
        *(k.name for k in KEYS),
        *(k.alias for k in KEYS),
        AURORA.cluster,
        *(i.name for i in AURORA.instances),
        AURORA.subnet_group,
        AURORA.parameter_group,
        AURORA.final_snapshot,
        AURORA.monitoring_role.name,
        AURORA.monitoring_role.policy_name,
        SESSIONS.name,
        *(b.name for b in BUCKETS),
        REPLICATION.role.name,
        REPLICATION.role.policy_name,
        *(f.name for f in FUNCTIONS),
        *(f.log_group for f in FUNCTIONS),
        LAMBDA_ROLE.name,
        LAMBDA_ROLE.policy_name,
        ALB.name,
        *(t.name for t in ALB.target_groups),
        ALARM_TOPIC,
        *(a.name for a in ALARMS),
        DASHBOARD,
    }
)
# The paths ``cfg.param()`` accepts.
STACK_PARAMETERS: frozenset[str] = frozenset(p.path for p in PARAMETERS)
