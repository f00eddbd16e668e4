"""SSM: the application's parameters under the environment's path."""

from __future__ import annotations

from paymentaudit.services.spec import IamScope, Section, ServiceSpec, TerraformMapping
from paymentaudit.services.ssm.collect import COLLECTORS
from paymentaudit.services.ssm.terraform import RELATIONS, SPECS


def under(suffix: str, ssm_path: str) -> tuple[str, ...]:
    """The parameters under the environment's SSM path (``/prod`` -> ``/prod/*``)."""
    return (f"{ssm_path.rstrip('/')}/*",)


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
    iam={"parameter": (IamScope("arn:{partition}:ssm:{region}:{account}:parameter{name}", under),)},
)
