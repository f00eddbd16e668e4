"""CloudWatch Logs: log groups, shown with their owner (a function's under Lambda, others under
CloudWatch)."""

from __future__ import annotations

from paymentaudit.services.logs.collect import COLLECTORS, aws_created, placement
from paymentaudit.services.logs.terraform import RELATIONS, SPECS
from paymentaudit.services.spec import Placement, ServiceSpec, TerraformMapping

SERVICE = ServiceSpec(
    name="logs",
    collectors=COLLECTORS,
    terraform=TerraformMapping(SPECS, RELATIONS),
    stack_module="stack/components/compute.py",
    constructs={
        "logs.log_group": ("CloudwatchLogGroup",),
    },
    placement=Placement(("lambda", "cloudwatch"), placement),
    aws_created=aws_created,
)
