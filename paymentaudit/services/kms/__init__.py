"""KMS: the environment's customer-managed keys."""

from __future__ import annotations

from paymentaudit.services.kms.collect import COLLECTORS
from paymentaudit.services.kms.terraform import RELATIONS, SPECS
from paymentaudit.services.spec import Section, ServiceSpec, TerraformMapping

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
)
