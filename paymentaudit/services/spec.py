"""What one service declares, in one place: its collectors, its report section, where the stack
declares its resources (for SARIF), how Terraform maps onto its resources, and what AWS creates
for it by itself.

``paymentaudit.services`` lists every service's :class:`ServiceSpec`; the collection engine,
the IAM policy, the report sections, the SARIF locator and the desired-state mapping all read
that one list. Adding a service is one package under ``paymentaudit/services/`` (plus its
tests and, for its rules, a module under ``paymentaudit/rules/``).
"""

from __future__ import annotations

from collections.abc import Callable, Container, Mapping
from dataclasses import dataclass, field

from paymentaudit.model import Resource, ResourceKey
from paymentaudit.services.declare import Collector
from paymentaudit.terraform.spec import Relation, Spec


@dataclass(frozen=True)
class Section:
    """A report section of the readiness notebook."""

    title: str  # what the section shows, e.g. "RDS (Aurora PostgreSQL)"
    heading: str  # the section's heading (its anchor in readiness.html)
    description: str  # one or two sentences under the heading

    @property
    def anchor(self) -> str:
        """The id of the section's heading in readiness.html."""
        return self.heading.replace(" ", "-")


@dataclass(frozen=True)
class TerraformMapping:
    """How the Terraform types of a service become its resources (``terraform.spec``)."""

    specs: Mapping[str, Spec]
    relations: tuple[Relation, ...] = ()

    @property
    def resource_types(self) -> set[str]:
        """The audit resource types the mapping produces."""
        return {spec.type for spec in self.specs.values()}


@dataclass(frozen=True)
class NotMapped:
    """A service whose resources no Terraform type declares, and why."""

    reason: str


# Resource -> True when AWS made it on its own (never "declared nowhere" in a drift check).
AwsCreated = Callable[[Resource, Container[ResourceKey]], bool]


@dataclass(frozen=True)
class Placement:
    """Where a service without a section of its own is shown: in one of ``sections`` (other
    services' keys), chosen from a resource's logical name by ``choose``."""

    sections: tuple[str, ...]
    choose: Callable[[str], str] | None = None

    def section(self, logical_name: str) -> str:
        """The key of the section that shows a resource."""
        return self.choose(logical_name) if self.choose else self.sections[0]


# (suffix, SSM path) of one environment -> IAM name patterns (``*`` and ``?`` wildcards).
NamePatterns = Callable[[str, str], tuple[str, ...]]
# (suffix, SSM path, partition) of one environment -> an IAM condition with one operator and
# one key, e.g. {"ForAnyValue:StringLike": {"kms:ResourceAliases": ["alias/*-dev"]}}.
ConditionBuilder = Callable[[str, str, str], dict[str, dict[str, list[str]]]]


def suffixed(suffix: str, ssm_path: str) -> tuple[str, ...]:
    """The stack's naming: every name of an environment ends with ``-<suffix>``."""
    return (f"*-{suffix}",)


def any_name(suffix: str, ssm_path: str) -> tuple[str, ...]:
    """Any name of the type: for resources the audit reaches by reference, whose names do not
    follow the naming (an attached IAM policy, a VPC id)."""
    return ("*",)


@dataclass(frozen=True)
class IamScope:
    """How an IAM policy names one resource type of a service (the scoped ``iam-policy``).

    ``arn`` is the type's ARN format from AWS's Service Authorization Reference, with the
    fields ``{partition}``, ``{region}``, ``{account}`` and ``{name}`` (the policy writes ``*``
    for region and account). ``names`` gives the name patterns of one environment's resources;
    a call that enumerates the account is authorized against the whole type (``{name}`` = ``*``)
    whatever they say. ``condition``, when set, is a condition the resource must meet too (one
    operator, one key: the environments' values are joined into one list). ``label`` tells
    apart several scopes of one type in the statement ids.
    """

    arn: str
    names: NamePatterns = suffixed
    condition: ConditionBuilder | None = None
    label: str = ""

    def resource(
        self, name: str, partition: str = "aws", region: str = "*", account: str = "*"
    ) -> str:
        """The ARN (or ARN pattern) of one name."""
        return self.arn.format(partition=partition, region=region, account=account, name=name)


@dataclass(frozen=True)
class ServiceSpec:
    """Everything the audit knows about one AWS service."""

    name: str  # the findings' ``service``, e.g. "rds"
    collectors: tuple[Collector, ...]
    terraform: TerraformMapping | NotMapped
    stack_module: str  # the stack/ module that declares the service's resources
    # resource type -> the CDK construct classes that can declare it (SARIF locations)
    constructs: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    section: Section | None = None  # its own report section, or None (see ``placement``)
    # Where a service without a section is shown (a function's log group goes with Lambda,
    # other log groups with CloudWatch).
    placement: Placement | None = None
    aws_created: AwsCreated | None = None
    # resource type -> attribute path globs the embedded sandbox (moto) cannot hold
    sandbox_gaps: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # IAM resource type (the Service Authorization Reference's name: "table", "Secret") -> how
    # the scoped IAM policy names the environments' resources of that type (one or more scopes)
    iam: Mapping[str, tuple[IamScope, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if (self.section is None) == (self.placement is None):
            raise ValueError(f"service {self.name}: give a section or a placement, not both")
        for collector in self.collectors:
            if collector.service != self.name:
                raise ValueError(f"service {self.name}: collector of {collector.service}")

    @property
    def resource_types(self) -> tuple[str, ...]:
        """The resource types the service's collectors produce."""
        return tuple(c.type for c in self.collectors)

    def section_of(self, logical_name: str) -> str:
        """The key of the section that shows one of this service's resources."""
        if self.placement is None:
            return self.name
        return self.placement.section(logical_name)
