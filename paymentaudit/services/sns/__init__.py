"""SNS: the alarm topic (shown with CloudWatch)."""

from __future__ import annotations

from paymentaudit.services.sns.collect import COLLECTORS
from paymentaudit.services.sns.terraform import RELATIONS, SPECS
from paymentaudit.services.spec import Placement, ServiceSpec, TerraformMapping

SERVICE = ServiceSpec(
    name="sns",
    collectors=COLLECTORS,
    terraform=TerraformMapping(SPECS, RELATIONS),
    stack_module="stack/components/monitoring.py",
    constructs={
        "sns.topic": ("SnsTopic",),
    },
    placement=Placement(("cloudwatch",)),
)
