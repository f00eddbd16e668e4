"""IAM: the roles of the stack and their policies."""

from __future__ import annotations

from paymentaudit.services.iam.collect import COLLECTORS
from paymentaudit.services.iam.terraform import RELATIONS, SPECS
from paymentaudit.services.spec import Section, ServiceSpec, TerraformMapping

SERVICE = ServiceSpec(
    name="iam",
    collectors=COLLECTORS,
    terraform=TerraformMapping(SPECS, RELATIONS),
    stack_module="stack/payment_stack.py",
    constructs={
        "iam.role": ("IamRole",),
    },
    section=Section(
        title="IAM",
        heading="IAM",
        description=("The roles and their policies."),
    ),
)
