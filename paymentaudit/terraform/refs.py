"""Terraform references (``${type.name.attr}``) resolved to what the audit compares.

A reference resolves, in this order, to:

1. the attribute as the code (or the state) sets it: ``${aws_dynamodb_table.t.name}`` is the
   table's ``name``, references inside it resolved too;
2. the attribute derived from names the code sets, when AWS builds it deterministically:
   ``${aws_s3_bucket.b.arn}`` is ``arn:aws:s3:::<bucket>``, ``${aws_iam_role.r.arn}`` is
   ``arn:aws:iam::<account>:role/<name>``; normalization then maps it exactly as it maps the
   live ARN (to the logical name, or the account-masked ARN for ``.../index/*``);
3. for an identifier AWS makes up at apply (a VPC id, a KMS key ARN, an ALB ARN), the
   referenced resource's logical name, which is what normalization makes of the live id;
4. anything else known only after apply: ``(known after apply: <address>.<attr>)``, never
   compared (no collector reads such values).

``${data.aws_caller_identity.<n>.account_id}`` is the ``<account>`` placeholder. References
resolve inside JSON strings (parsed first by the mapping) and inside larger strings
(``${aws_s3_bucket.b.arn}/*``). Each (address, attribute) is resolved once (memoized).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from paymentaudit.naming import ACCOUNT
from paymentaudit.terraform.document import TfResource

REF_RE = re.compile(r"(?<!\$)\$\{([^{}]*)\}")
_EXPR_RE = re.compile(
    r"^(?P<data>data\.)?(?P<type>[a-z][a-z0-9_]*)\.(?P<name>[A-Za-z0-9_\-]+)"
    r"(?:\[[^\]]*\])?\.(?P<attr>[A-Za-z0-9_]+)(?P<rest>.*)$"
)
AFTER_APPLY = "(known after apply: {})"

# tf type -> (attribute holding the name, {attribute: template}); a template may use {name},
# {region}, {account}, {path} (IAM path, default "/") and {slash} ("/" unless name starts so).
DERIVED: dict[str, tuple[str, dict[str, str]]] = {
    "aws_s3_bucket": ("bucket", {"id": "{name}", "arn": "arn:aws:s3:::{name}"}),
    "aws_iam_role": ("name", {"id": "{name}", "arn": "arn:aws:iam::{account}:role{path}{name}"}),
    "aws_iam_policy": ("name", {"arn": "arn:aws:iam::{account}:policy{path}{name}"}),
    "aws_dynamodb_table": (
        "name",
        {"id": "{name}", "arn": "arn:aws:dynamodb:{region}:{account}:table/{name}"},
    ),
    "aws_cloudwatch_log_group": (
        "name",
        {"id": "{name}", "arn": "arn:aws:logs:{region}:{account}:log-group:{name}"},
    ),
    "aws_lambda_function": (
        "function_name",
        {"id": "{name}", "arn": "arn:aws:lambda:{region}:{account}:function:{name}"},
    ),
    "aws_sns_topic": (
        "name",
        {
            "id": "arn:aws:sns:{region}:{account}:{name}",
            "arn": "arn:aws:sns:{region}:{account}:{name}",
        },
    ),
    "aws_ssm_parameter": (
        "name",
        {"id": "{name}", "arn": "arn:aws:ssm:{region}:{account}:parameter{slash}{name}"},
    ),
    "aws_rds_cluster": (
        "cluster_identifier",
        {"id": "{name}", "arn": "arn:aws:rds:{region}:{account}:cluster:{name}"},
    ),
    "aws_rds_cluster_instance": (
        "identifier",
        {"id": "{name}", "arn": "arn:aws:rds:{region}:{account}:db:{name}"},
    ),
    "aws_db_subnet_group": (
        "name",
        {"id": "{name}", "arn": "arn:aws:rds:{region}:{account}:subgrp:{name}"},
    ),
    "aws_rds_cluster_parameter_group": (
        "name",
        {"id": "{name}", "arn": "arn:aws:rds:{region}:{account}:cluster-pg:{name}"},
    ),
    "aws_cloudwatch_metric_alarm": (
        "alarm_name",
        {"id": "{name}", "arn": "arn:aws:cloudwatch:{region}:{account}:alarm:{name}"},
    ),
    "aws_cloudwatch_dashboard": (
        "dashboard_name",
        {"id": "{name}", "dashboard_arn": "arn:aws:cloudwatch::{account}:dashboard/{name}"},
    ),
    "aws_kms_alias": ("name", {"id": "{name}", "arn": "arn:aws:kms:{region}:{account}:{name}"}),
}
# Attributes that identify the resource: unknown before apply, they resolve to its logical name.
IDENTITY = frozenset(
    {
        "id",
        "arn",
        "key_id",
        "name",
        "bucket",
        "function_name",
        "cluster_identifier",
        "identifier",
        "qualified_arn",
        "invoke_arn",
        "arn_suffix",
        "prefix_list_id",
        "alarm_name",
        "dashboard_name",
        "dashboard_arn",
        "target_key_id",
        "target_key_arn",
    }
)


def unknown(value: Any) -> bool:
    """True for a value that still holds a reference or an after-apply placeholder."""
    return isinstance(value, str) and ("${" in value or "(known after apply" in value)


class Resolver:
    """Resolves references of one document; ``logical`` names a resource by its address."""

    def __init__(
        self,
        resources: Mapping[str, TfResource],
        logical: Callable[[str], str],
        account: str = "",
    ) -> None:
        self.resources = resources
        self.logical = logical
        self.account = account or ACCOUNT
        self._memo: dict[tuple[str, str], Any] = {}
        self._active: set[tuple[str, str]] = set()

    # -- values ------------------------------------------------------------------------------

    def value(self, value: Any) -> Any:
        """Any JSON value with every reference in it resolved."""
        if isinstance(value, str):
            return self.string(value)
        if isinstance(value, Mapping):
            return {k: self.value(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.value(v) for v in value]
        return value

    def string(self, text: str) -> Any:
        """A string: a lone reference gives its value as is; others are interpolated."""
        if "${" not in text:
            return text
        whole = REF_RE.fullmatch(text)
        if whole:
            return self.expression(whole.group(1), text)
        out = REF_RE.sub(lambda m: str(self.expression(m.group(1), m.group(0))), text)
        return out.replace("$${", "${")

    def expression(self, expr: str, original: str) -> Any:
        """One ``${...}`` expression; what is not a plain reference stays as written."""
        match = _EXPR_RE.match(expr.strip())
        if not match:
            return original
        address = ("data." if match["data"] else "") + f"{match['type']}.{match['name']}"
        value = self.attribute(address, match["attr"])
        rest = match["rest"]
        if not rest:
            return value
        for step in re.findall(r"\[(\d+)\]|\.(\w+)", rest):
            index, key = step
            if index and isinstance(value, list) and int(index) < len(value):
                value = value[int(index)]
            elif key and isinstance(value, Mapping) and key in value:
                value = value[key]
            elif key.isdigit() and isinstance(value, list) and int(key) < len(value):
                value = value[int(key)]
            else:
                return AFTER_APPLY.format(f"{address}.{match['attr']}{rest}")
        return value

    # -- attributes --------------------------------------------------------------------------

    def attribute(self, address: str, attr: str) -> Any:
        """The value of ``<address>.<attr>`` (see the module docstring for the order)."""
        key = (address, attr)
        if key in self._memo:
            return self._memo[key]
        if key in self._active:  # a reference cycle: the code cannot mean a value
            return AFTER_APPLY.format(f"{address}.{attr}")
        self._active.add(key)
        try:
            value = self._attribute(address, attr)
        finally:
            self._active.discard(key)
        self._memo[key] = value
        return value

    def _attribute(self, address: str, attr: str) -> Any:
        res = self.resources.get(address)
        if res is None:
            return "${" + f"{address}.{attr}" + "}"  # not declared: left as written
        if res.mode == "data":
            return self._data(res, attr)
        raw = res.attrs.get(attr)
        if raw is not None and raw != "":
            return self.value(raw)
        derived = self.derived(res, attr)
        if derived is not None:
            return derived
        if attr in IDENTITY:
            return self.logical(address)
        return AFTER_APPLY.format(f"{address}.{attr}")

    def derived(self, res: TfResource, attr: str) -> str | None:
        """An identifier AWS builds from names the code sets, or None."""
        if res.type == "aws_lambda_alias" and attr in ("arn", "id"):
            function = self.value(res.attrs.get("function_name"))
            alias = self.value(res.attrs.get("name"))
            if not isinstance(function, str) or not isinstance(alias, str):
                return None
            if unknown(function) or unknown(alias):
                return None
            if not function.startswith("arn:"):
                function = f"arn:aws:lambda:{res.region}:{self.account}:function:{function}"
            return f"{function}:{alias}"
        spec = DERIVED.get(res.type)
        if spec is None or attr not in spec[1]:
            return None
        name = self.value(res.attrs.get(spec[0]))
        if not isinstance(name, str) or not name or unknown(name):
            return None
        path = self.value(res.attrs.get("path")) or "/"
        return spec[1][attr].format(
            name=name,
            region=res.region,
            account=self.account,
            path=path,
            slash="" if name.startswith("/") else "/",
        )

    def _data(self, res: TfResource, attr: str) -> Any:
        raw = res.attrs.get(attr)
        if raw is not None and raw != "":
            return self.value(raw)
        if res.type == "aws_caller_identity" and attr in ("account_id", "id"):
            return self.account
        if res.type == "aws_region" and attr in ("name", "id", "region"):
            return res.region
        if res.type == "aws_partition" and attr in ("partition", "id"):
            return "aws"
        return AFTER_APPLY.format(f"{res.address}.{attr}")


def references(value: Any) -> list[str]:
    """The addresses a value references (``${aws_vpc.vpc.id}`` -> ``aws_vpc.vpc``), in order."""
    found: list[str] = []
    if isinstance(value, str):
        for match in REF_RE.finditer(value):
            expr = _EXPR_RE.match(match.group(1).strip())
            if expr:
                found.append(("data." if expr["data"] else "") + f"{expr['type']}.{expr['name']}")
    elif isinstance(value, Mapping):
        for v in value.values():
            found.extend(references(v))
    elif isinstance(value, list | tuple):
        for v in value:
            found.extend(references(v))
    return found


def later(res: TfResource, attr: str) -> str:
    """The placeholder of an attribute known only after apply (the mapping drops it)."""
    return AFTER_APPLY.format(f"{res.address}.{attr}")


OTHERS = "..."  # key of a map whose other entries are AWS's to decide (an open-ended map)


def others(res: TfResource, attr: str) -> dict[str, str]:
    """``{"...": <placeholder>}``: the map's entries the code does not set are not compared."""
    return {OTHERS: later(res, attr)}


def is_later(value: Any) -> bool:
    """True for an after-apply placeholder."""
    return isinstance(value, str) and "(known after apply" in value
