"""Lambda: the payment processor and the parameter migration."""

from __future__ import annotations

from paymentaudit.services.lambda_.collect import COLLECTORS
from paymentaudit.services.lambda_.terraform import RELATIONS, SPECS
from paymentaudit.services.spec import IamScope, Section, ServiceSpec, TerraformMapping

SERVICE = ServiceSpec(
    name="lambda",
    collectors=COLLECTORS,
    terraform=TerraformMapping(SPECS, RELATIONS),
    stack_module="stack/components/compute.py",
    constructs={
        "lambda.function": ("LambdaFunction",),
    },
    section=Section(
        title="Lambda and its log groups",
        heading="Lambda",
        description=(
            "The payment processor and the parameter-migration functions, with their CloudWatch "
            "Logs log groups."
        ),
    ),
    iam={"function": (IamScope("arn:{partition}:lambda:{region}:{account}:function:{name}"),)},
)
