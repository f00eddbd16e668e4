"""KMS: the environment's customer-managed keys."""

from __future__ import annotations

from paymentaudit.services.kms.collect import COLLECTORS
from paymentaudit.services.kms.terraform import RELATIONS, SPECS
from paymentaudit.services.spec import IamScope, Section, ServiceSpec, TerraformMapping, any_name


def aliased(suffix: str, ssm_path: str, partition: str) -> dict[str, dict[str, list[str]]]:
    """A key with an alias of the environment (the collector's membership by alias)."""
    return {"ForAnyValue:StringLike": {"kms:ResourceAliases": [f"alias/*-{suffix}"]}}


SERVICE = ServiceSpec(
    name="kms",
    collectors=COLLECTORS,
    terraform=TerraformMapping(SPECS, RELATIONS),
    stack_module="stack/components/encryption.py",
    constructs={
        "kms.key": ("KmsAlias", "KmsKey"),
    },
    section=Section(
        title="KMS",
        heading="KMS",
        description=("The customer-managed keys, named by their aliases."),
    ),
    # Key ids say nothing: a key is the environment's by an alias ending with -<suffix>.
    iam={
        "key": (IamScope("arn:{partition}:kms:{region}:{account}:key/{name}", any_name, aliased),)
    },
)
