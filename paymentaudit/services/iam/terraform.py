"""Terraform types -> iam.role (with its inline and attached policies; the shape of ``collect``)."""

from __future__ import annotations

from typing import Any

from paymentaudit.terraform.document import TfResource, blocks, number, strings, text
from paymentaudit.terraform.spec import Built, Context, Relation, Spec, attr_keys, named

AWS_MANAGED_POLICY = ":iam::aws:policy/"


# -- IAM -----------------------------------------------------------------------------------------


def _managed(arn: Any, ctx: Context) -> Any:
    if AWS_MANAGED_POLICY in str(arn):
        return None  # AWS-managed: the ARN says it all (as the collector keeps it)
    policy = ctx.referenced(arn, "aws_iam_policy")
    return ctx.policy(policy.attrs.get("policy")) if policy else later_policy(arn)


def later_policy(arn: Any) -> str:
    """A customer-managed policy declared elsewhere: its document is not known here."""
    return f"(known after apply: the document of {arn})"


def build_role(res: TfResource, ctx: Context) -> Built:
    """Role: trust policy, inline policies (by name), attached policies (by ARN)."""
    a = res.attrs
    inline = {}
    for block_ in blocks(a.get("inline_policy")):
        if text(block_.get("name")):
            inline[str(ctx.resolve(block_["name"]))] = ctx.policy(block_.get("policy"))
    for part in ctx.children(res, "aws_iam_role_policy"):
        inline[str(ctx.resolve(part.attrs.get("name")))] = ctx.policy(part.attrs.get("policy"))
    arns = [*strings(a.get("managed_policy_arns"))]
    arns += [x.attrs.get("policy_arn") for x in ctx.children(res, "aws_iam_role_policy_attachment")]
    managed = {str(ctx.resolve(arn)): _managed(arn, ctx) for arn in arns if arn}
    config = {
        "path": text(a.get("path"), "/"),
        "assume_role_policy": ctx.policy(a.get("assume_role_policy")),
        "max_session_duration": number(a.get("max_session_duration"), 3600),
        "permissions_boundary": ctx.resolve(text(a.get("permissions_boundary"))),
        "inline_policies": inline,
        "managed_policies": managed,
    }
    aliases = (str(a["unique_id"]),) if text(a.get("unique_id")) else ()
    return Built(config, aliases=aliases)


SPECS: dict[str, Spec] = {
    "aws_iam_role": Spec("iam", "iam.role", named("name"), build_role),
}

RELATIONS: tuple[Relation, ...] = (
    Relation("aws_iam_role_policy", ("aws_iam_role",), attr_keys("role")),
    Relation("aws_iam_role_policy_attachment", ("aws_iam_role",), attr_keys("role")),
)
