"""The collector registry: every resource type the audit reads, one module per service."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache, lru_cache

import botocore.session
from botocore import xform_name

from paymentaudit.collectors import (
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
    sns,
    ssm,
)
from paymentaudit.collectors.base import Call, Collector

COLLECTORS: tuple[Collector, ...] = (
    *ec2.COLLECTORS,
    *rds.COLLECTORS,
    *dynamodb.COLLECTORS,
    *s3.COLLECTORS,
    *lambda_.COLLECTORS,
    *logs.COLLECTORS,
    *elbv2.COLLECTORS,
    *cloudwatch.COLLECTORS,
    *kms.COLLECTORS,
    *ssm.COLLECTORS,
    *iam.COLLECTORS,
    *sns.COLLECTORS,
)

# Report order of services (findings.json ``coverage``).
SERVICES: tuple[str, ...] = tuple(dict.fromkeys(c.service for c in COLLECTORS))

# Calls the audit makes outside any collector: who am I, and which resources are tagged.
PREFLIGHT: dict[str, tuple[str, ...]] = {
    "sts": ("get_caller_identity",),
    "resourcegroupstaggingapi": ("get_resources",),
}

_BY_TYPE = {c.type: c for c in COLLECTORS}
if len(_BY_TYPE) != len(COLLECTORS):
    raise RuntimeError("two collectors declare the same resource type")


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
    unknown = wanted - set(SERVICES)
    if unknown:
        raise ValueError(f"unknown service(s): {', '.join(sorted(unknown))}")
    return tuple(c for c in COLLECTORS if c.service in wanted)


def declared_methods(collectors: Iterable[Collector] = COLLECTORS) -> dict[str, set[str]]:
    """boto3 client name -> the client methods the audit may call."""
    out: dict[str, set[str]] = {svc: set(ops) for svc, ops in PREFLIGHT.items()}
    for collector in collectors:
        calls: Iterable[Call] = collector.calls()
        out.setdefault(collector.boto_service, set()).update(call.op for call in calls)
    return out


@lru_cache(maxsize=1)
def _botocore_session() -> botocore.session.Session:
    from paymentaudit.aws import botocore_session

    return botocore_session()


@cache
def _operation_names(service: str) -> dict[str, str]:
    model = _botocore_session().get_service_model(service)
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
