"""SNS: the alarm topic (shown with CloudWatch)."""

from __future__ import annotations

from paymentaudit.services.sns.collect import COLLECTORS
from paymentaudit.services.sns.terraform import RELATIONS, SPECS
from paymentaudit.services.spec import IamScope, Placement, ServiceSpec, TerraformMapping


def topic_names(suffix: str, ssm_path: str) -> tuple[str, ...]:
    """A topic of the naming; a FIFO topic's name ends with ``.fifo`` after the suffix."""
    return (f"*-{suffix}", f"*-{suffix}.fifo")


SERVICE = ServiceSpec(
    name="sns",
    collectors=COLLECTORS,
    terraform=TerraformMapping(SPECS, RELATIONS),
    stack_module="stack/components/monitoring.py",
    constructs={
        "sns.topic": ("SnsTopic",),
    },
    placement=Placement(("cloudwatch",)),
    iam={"topic": (IamScope("arn:{partition}:sns:{region}:{account}:{name}", topic_names),)},
)
