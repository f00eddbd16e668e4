"""IAM: the roles of the stack and their policies."""

from __future__ import annotations

from paymentaudit.services.iam.collect import COLLECTORS
from paymentaudit.services.iam.terraform import RELATIONS, SPECS
from paymentaudit.services.spec import IamScope, Section, ServiceSpec, TerraformMapping, any_name

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
    iam={
        "role": (IamScope("arn:{partition}:iam::{account}:role/{name}"),),
        # The customer-managed policies attached to a role: the role names them, their names
        # follow no naming, so any policy (GetPolicy and GetPolicyVersion only read them).
        "policy": (IamScope("arn:{partition}:iam::{account}:policy/{name}", any_name),),
    },
)
