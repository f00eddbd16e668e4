"""DynamoDB: the sessions table."""

from __future__ import annotations

from paymentaudit.services.dynamodb.collect import COLLECTORS
from paymentaudit.services.dynamodb.terraform import RELATIONS, SPECS
from paymentaudit.services.spec import IamScope, Section, ServiceSpec, TerraformMapping

SERVICE = ServiceSpec(
    name="dynamodb",
    collectors=COLLECTORS,
    terraform=TerraformMapping(SPECS, RELATIONS),
    stack_module="stack/components/sessions.py",
    constructs={
        "dynamodb.table": ("DynamodbTable",),
    },
    section=Section(
        title="DynamoDB",
        heading="DynamoDB",
        description=("The sessions table."),
    ),
    iam={"table": (IamScope("arn:{partition}:dynamodb:{region}:{account}:table/{name}"),)},
)
