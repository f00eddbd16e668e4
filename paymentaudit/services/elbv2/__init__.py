"""ELBv2: the ALB, its listeners and the blue and green target groups."""

from __future__ import annotations

from paymentaudit.services.elbv2.collect import COLLECTORS
from paymentaudit.services.elbv2.terraform import RELATIONS, SPECS
from paymentaudit.services.spec import Section, ServiceSpec, TerraformMapping

SERVICE = ServiceSpec(
    name="elbv2",
    collectors=COLLECTORS,
    terraform=TerraformMapping(SPECS, RELATIONS),
    stack_module="stack/components/ingress.py",
    constructs={
        "elbv2.load_balancer": ("Lb",),
        "elbv2.target_group": ("LbTargetGroup",),
    },
    section=Section(
        title="ALB and target health",
        heading="ALB and target health",
        description=(
            "The internal ALB, its blue and green target groups, the listener weights and the "
            "health of the registered targets."
        ),
    ),
)
