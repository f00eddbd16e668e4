"""The mapping engine: Terraform resources -> the audit's resources (collector shapes).

Linear in the document: one pass indexes resources (by address, by type, by the ids and
names state files hold), one pass attaches every child type to the primary resource it
references (see ``base.Relation``), one pass builds each primary resource. References are
resolved once each (``refs.Resolver`` memoizes).

Mapped Terraform types (each service's ``terraform`` module holds the details):

=========================================  ===============================================
Terraform type                             resource type: attribute paths
=========================================  ===============================================
aws_vpc                                    ec2.vpc: cidr_block, instance_tenancy, enable_dns_*
aws_flow_log                               ec2.vpc: flow_logs
aws_internet_gateway, aws_nat_gateway      ec2.vpc: internet_gateway, nat_gateways (counts)
aws_subnet                                 ec2.subnet
aws_route_table                            ec2.route_table: vpc_id, main, routes (+ local)
aws_route                                  ec2.route_table: routes
aws_route_table_association                ec2.route_table: subnet_ids
aws_vpc_endpoint                           ec2.vpc_endpoint; ec2.route_table: routes
                                           (gateway endpoints: ``endpoint-prefix-list``)
aws_security_group                         ec2.security_group: description, ingress, egress
aws_default_security_group                 ec2.security_group ``default``
aws_security_group_rule,                   ec2.security_group: ingress, egress
aws_vpc_security_group_{in,e}gress_rule
aws_rds_cluster                            rds.cluster (members from the instances)
aws_rds_cluster_instance                   rds.instance; rds.cluster: members
aws_db_subnet_group                        rds.subnet_group
aws_dynamodb_table                         dynamodb.table (pitr, ttl, sse, indexes, ...)
aws_s3_bucket + aws_s3_bucket_{versioning, s3.bucket: versioning, mfa_delete, encryption,
server_side_encryption_configuration,      public_access_block, lifecycle_rules (by rule
public_access_block, lifecycle_            id), replication (rules by id), policy,
configuration, replication_configuration,  tls_only, logging
policy, logging}
aws_lambda_function                        lambda.function
aws_lambda_alias                           lambda.function: aliases
aws_cloudwatch_log_group                   logs.log_group
aws_lb                                     elbv2.load_balancer: attributes the code sets
aws_lb_listener                            elbv2.load_balancer: listeners (``HTTP:80``);
                                           elbv2.target_group: load_balancer_arns
aws_lb_target_group                        elbv2.target_group
aws_lb_target_group_attachment            elbv2.target_group: targets (ids; health: live only)
aws_cloudwatch_metric_alarm                cloudwatch.alarm
aws_cloudwatch_dashboard                   cloudwatch.dashboard: widgets, metrics
aws_sns_topic                              sns.topic
aws_sns_topic_subscription                 sns.topic: subscriptions (count)
aws_ssm_parameter                          ssm.parameter (logical: path below the prefix)
aws_iam_role                               iam.role
aws_iam_role_policy                        iam.role: inline_policies (by name)
aws_iam_role_policy_attachment             iam.role: managed_policies (by ARN)
aws_kms_key                                kms.key
aws_kms_alias                              kms.key: aliases, and its logical name
=========================================  ===============================================

Types no collector covers are not compared: see :data:`NOT_COMPARED`.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from paymentaudit import services
from paymentaudit.model import Resource
from paymentaudit.naming import logical_name
from paymentaudit.redact import policy_document
from paymentaudit.services.spec import TerraformMapping
from paymentaudit.terraform.document import TfDocument, TfResource
from paymentaudit.terraform.refs import Resolver, references, unknown
from paymentaudit.terraform.spec import Relation, Spec

# Every service's mapping (``paymentaudit/services/<service>/terraform.py``), merged.
_MAPPINGS = [s.terraform for s in services.SERVICES if isinstance(s.terraform, TerraformMapping)]
SPECS: dict[str, Spec] = {k: v for m in _MAPPINGS for k, v in m.specs.items()}
RELATIONS: tuple[Relation, ...] = tuple(r for m in _MAPPINGS for r in m.relations)
MAPPED = frozenset(SPECS) | {r.child for r in RELATIONS}

# Terraform types the stack uses that no collector reads: declared, never compared.
NOT_COMPARED: dict[str, str] = {
    "aws_rds_cluster_parameter_group": "parameter groups are not collected",
    "aws_s3_bucket_ownership_controls": "object ownership is not collected",
    "aws_lambda_permission": "function resource policies are not collected",
    "aws_lambda_provisioned_concurrency_config": "provisioned concurrency is not collected",
    "aws_iam_policy": "compared where attached: iam.role managed_policies holds its document",
    "data.aws_caller_identity": "a data source: its account id becomes <account>",
}
# Attributes whose values other resources reference in a state file (reverse lookups).
_REVERSE_ATTRS = (
    "id",
    "arn",
    "name",
    "bucket",
    "function_name",
    "cluster_identifier",
    "identifier",
    "key_id",
    "alarm_name",
)


class Engine:
    """Maps one TfDocument; implements the ``base.Context`` the mapping functions use."""

    def __init__(self, doc: TfDocument, suffix: str, ssm_prefix: str) -> None:
        self.doc = doc
        self.suffix = suffix
        self.ssm_prefix = ssm_prefix
        self.resources = doc.by_address()
        self.resolver = Resolver(self.resources, self._logical_of, doc.account_id)
        self.account = self.resolver.account
        self.by_type: dict[str, list[TfResource]] = defaultdict(list)
        self.reverse: dict[str, list[str]] = defaultdict(list)
        for res in doc.resources:
            self.by_type[res.type if res.mode == "managed" else f"data.{res.type}"].append(res)
            if res.mode == "managed":
                for attr in _REVERSE_ATTRS:
                    value = res.attrs.get(attr)
                    if isinstance(value, str) and value:
                        self.reverse[value].append(res.address)
        self.related: dict[str, dict[str, list[TfResource]]] = defaultdict(
            lambda: defaultdict(list)
        )
        self.parent_of: dict[str, str] = {}
        self._logical: dict[str, str] = {}
        self._naming: set[str] = set()
        self._relate()

    # -- relations ---------------------------------------------------------------------------

    def _relate(self) -> None:
        seen: set[tuple[str, str]] = set()
        for relation in RELATIONS:
            for child in self.by_type.get(relation.child, []):
                for key in relation.keys(child):
                    parent = self.referenced(key, *relation.parents)
                    if parent is None or (parent.address, child.address) in seen:
                        continue
                    seen.add((parent.address, child.address))
                    self.related[parent.address][child.type].append(child)
                    self.parent_of.setdefault(child.address, parent.address)

    # -- Context -----------------------------------------------------------------------------

    def resolve(self, value: Any) -> Any:
        """A value with every reference resolved (see ``refs``)."""
        return self.resolver.value(value)

    def attribute(self, res: TfResource, attr: str) -> Any:
        """``${<res>.<attr>}``."""
        return self.resolver.attribute(res.address, attr)

    def children(self, res: TfResource, tf_type: str) -> list[TfResource]:
        """The resources of ``tf_type`` that reference ``res`` (attached by a Relation)."""
        return list(self.related.get(res.address, {}).get(tf_type, []))

    def referenced(self, value: Any, *tf_types: str) -> TfResource | None:
        """The resource of one of ``tf_types`` that ``value`` refers to: by a ``${...}``
        reference (cdk.tf.json) or by an id, ARN or name it holds (state, literals)."""
        if not isinstance(value, str) or not value:
            return None
        for address in references(value):
            res = self.resources.get(address)
            if res is not None and res.type in tf_types:
                return res
        for address in self.reverse.get(value, ()):
            res = self.resources[address]
            if res.type in tf_types:
                return res
        return None

    def logical(self, res: TfResource) -> str:
        """The logical name of a resource (its primary's, for a folded child)."""
        return self._logical_of(res.address)

    def policy(self, value: Any) -> Any:
        """A policy document: JSON parsed, references resolved, canonical form (a document
        known only after apply stays a placeholder)."""
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                value = self.resolve(value)  # a lone reference to a document
                if isinstance(value, str) and not unknown(value):
                    try:
                        value = json.loads(value)
                    except ValueError:
                        return policy_document(value)
        value = self.resolve(value)
        if unknown(value):
            return value
        return policy_document(value)

    # -- logical names -----------------------------------------------------------------------

    def _logical_of(self, address: str) -> str:
        if address in self._logical:
            return self._logical[address]
        res = self.resources.get(address)
        if res is None or address in self._naming:
            return address
        self._naming.add(address)
        try:
            spec = SPECS.get(res.type)
            if spec is not None:
                name = spec.name(res, self)
                if not name or unknown(name):
                    logical = address
                elif spec.logical is not None:
                    logical = spec.logical(name, self)
                else:
                    logical = logical_name(name, self.suffix)
            elif address in self.parent_of:
                logical = self._logical_of(self.parent_of[address])
            else:
                logical = address
        finally:
            self._naming.discard(address)
        self._logical[address] = logical
        return logical

    # -- building ----------------------------------------------------------------------------

    def _arn(self, res: TfResource) -> str:
        for attr in ("arn", "dashboard_arn"):
            value = self.attribute(res, attr)
            if isinstance(value, str) and value.startswith("arn:") and not unknown(value):
                return value
        return ""

    def _tags(self, res: TfResource, spec: Spec) -> dict[str, str] | None:
        if not spec.taggable or res.tags is None:
            return None
        return {k: str(self.resolve(v)) for k, v in sorted(res.tags.items())}

    def build(self) -> list[Resource]:
        """Every mapped resource, in document order."""
        out = []
        for res in self.doc.resources:
            spec = SPECS.get(res.type)
            if spec is None or res.mode != "managed":
                continue
            built = spec.build(res, self)
            arn = built.arn or self._arn(res)
            name = spec.name(res, self)
            physical = built.physical_id or (name if name and not unknown(name) else res.address)
            state_ids = [
                str(res.attrs[k]) for k in ("id", "arn") if isinstance(res.attrs.get(k), str)
            ]
            aliases = [a for a in (*built.aliases, *state_ids) if a and a not in (physical, arn)]
            out.append(
                Resource(
                    service=spec.service,
                    type=spec.type,
                    logical_name=self.logical(res),
                    physical_id=str(physical),
                    region=res.region,
                    arn=arn,
                    config=built.config,
                    tags=self._tags(res, spec),
                    aliases=tuple(dict.fromkeys(aliases)),
                )
            )
        return out

    def unmapped(self) -> dict[str, int]:
        """Terraform types present but not compared, with their counts."""
        counts: dict[str, int] = {}
        for tf_type, items in self.by_type.items():
            if tf_type not in MAPPED:
                counts[tf_type] = len(items)
        return dict(sorted(counts.items()))


def map_document(
    doc: TfDocument, suffix: str, ssm_prefix: str
) -> tuple[list[Resource], dict[str, int]]:
    """The audit resources a document declares, and the Terraform types left unmapped."""
    engine = Engine(doc, suffix, ssm_prefix)
    return engine.build(), engine.unmapped()
