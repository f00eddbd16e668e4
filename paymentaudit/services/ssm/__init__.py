"""SSM: the application's parameters under the environment's path."""

from __future__ import annotations

from paymentaudit.services.spec import Section, ServiceSpec, TerraformMapping
from paymentaudit.services.ssm.collect import COLLECTORS
from paymentaudit.services.ssm.terraform import RELATIONS, SPECS

SERVICE = ServiceSpec(
    name="ssm",
    collectors=COLLECTORS,
    terraform=TerraformMapping(SPECS, RELATIONS),
    stack_module="stack/payment_stack.py",
    constructs={
        "ssm.parameter": ("SsmParameter",),
    },
    section=Section(
        title="SSM parameters",
        heading="SSM parameters",
        description=("The application's parameters under the environment's path."),
    ),
)
