"""The service registry: the one list of services the audit reads.

Each service is a package (``paymentaudit/services/<service>/``) whose ``SERVICE`` declares its
collectors, report section, SARIF locations and Terraform mapping (``spec.ServiceSpec``).
Everything else derives from :data:`SERVICES`: the :class:`Service` enum, the collection order,
the read-only allow-list and the IAM policy, the report sections and the desired-state mapping.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from functools import cache

import botocore.session
from botocore import xform_name

from paymentaudit.aws import botocore_session
from paymentaudit.services import (
    cloudwatch,
    dynamodb,
    ec2,
    elbv2,
    iam,
    kms,
    lambda_,
    logs,
    rds,
    s3,
    secretsmanager,
    sns,
    ssm,
)
from paymentaudit.services.declare import Call, Collector
from paymentaudit.services.spec import ServiceSpec

SERVICES: tuple[ServiceSpec, ...] = (
    ec2.SERVICE,
    rds.SERVICE,
    dynamodb.SERVICE,
    s3.SERVICE,
    lambda_.SERVICE,
    logs.SERVICE,
    elbv2.SERVICE,
    cloudwatch.SERVICE,
    kms.SERVICE,
    ssm.SERVICE,
    iam.SERVICE,
    sns.SERVICE,
    secretsmanager.SERVICE,
)

# The findings' ``service`` values, in report order.
Service = StrEnum("Service", {spec.name.upper(): spec.name for spec in SERVICES})  # type: ignore[misc]

COLLECTORS: tuple[Collector, ...] = tuple(c for spec in SERVICES for c in spec.collectors)
SERVICE_NAMES: tuple[str, ...] = tuple(spec.name for spec in SERVICES)

# Calls the audit makes outside any collector: who am I, and which resources are tagged.
PREFLIGHT: dict[str, tuple[str, ...]] = {
    "sts": ("get_caller_identity",),
    "resourcegroupstaggingapi": ("get_resources",),
}

_BY_NAME = {spec.name: spec for spec in SERVICES}
_BY_TYPE = {c.type: c for c in COLLECTORS}
_SPEC_OF_TYPE = {c.type: spec for spec in SERVICES for c in spec.collectors}
if len(_BY_TYPE) != len(COLLECTORS) or len(_BY_NAME) != len(SERVICES):
    raise RuntimeError("two services or collectors share a name or a resource type")


def spec(name: str) -> ServiceSpec:
    """The declaration of a service; KeyError names the known services."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown service {name!r} (known: {', '.join(SERVICE_NAMES)})") from None


def spec_of_type(resource_type: str) -> ServiceSpec | None:
    """The service that collects a resource type, if any."""
    return _SPEC_OF_TYPE.get(resource_type)


def get(resource_type: str) -> Collector:
    """The collector of a resource type; KeyError names the known types."""
    try:
        return _BY_TYPE[resource_type]
    except KeyError:
        known = ", ".join(sorted(_BY_TYPE))
        raise KeyError(f"unknown resource type {resource_type!r} (known: {known})") from None


def select(services: Iterable[str] | None) -> tuple[Collector, ...]:
    """Collectors of the given services (all when None); ValueError on an unknown service."""
    if services is None:
        return COLLECTORS
    wanted = set(services)
    unknown = wanted - set(SERVICE_NAMES)
    if unknown:
        raise ValueError(f"unknown service(s): {', '.join(sorted(unknown))}")
    return tuple(c for c in COLLECTORS if c.service in wanted)


def section_of(service: str, logical_name: str = "") -> str | None:
    """The report section (a service name) that shows a resource; None for no service."""
    found = _BY_NAME.get(service)
    return None if found is None else found.section_of(logical_name)


def declared_methods(collectors: Iterable[Collector] = COLLECTORS) -> dict[str, set[str]]:
    """boto3 client name -> the client methods the audit may call."""
    out: dict[str, set[str]] = {svc: set(ops) for svc, ops in PREFLIGHT.items()}
    for collector in collectors:
        calls: Iterable[Call] = collector.calls()
        out.setdefault(collector.boto_service, set()).update(call.op for call in calls)
    return out


@cache
def _session() -> botocore.session.Session:
    return botocore_session()


@cache
def _operation_names(service: str) -> dict[str, str]:
    model = _session().get_service_model(service)
    return {xform_name(name): name for name in model.operation_names}


def declared_operations(collectors: Iterable[Collector] = COLLECTORS) -> dict[str, set[str]]:
    """boto3 client name -> API operation names (``DescribeTable``); the read-only allow-list."""
    out = {}
    for service, methods in declared_methods(collectors).items():
        names = _operation_names(service)
        missing = methods - set(names)
        if missing:
            raise RuntimeError(f"{service} has no operation(s) {sorted(missing)}")
        out[service] = {names[m] for m in methods}
    return out
