"""CloudWatch: metric alarms and dashboards."""

from __future__ import annotations

from paymentaudit.services.cloudwatch.collect import COLLECTORS
from paymentaudit.services.cloudwatch.terraform import RELATIONS, SPECS
from paymentaudit.services.spec import IamScope, Section, ServiceSpec, TerraformMapping

SERVICE = ServiceSpec(
    name="cloudwatch",
    collectors=COLLECTORS,
    terraform=TerraformMapping(SPECS, RELATIONS),
    stack_module="stack/components/monitoring.py",
    constructs={
        "cloudwatch.alarm": ("CloudwatchMetricAlarm",),
        "cloudwatch.dashboard": ("CloudwatchDashboard",),
    },
    section=Section(
        title="CloudWatch alarms, dashboard, other log groups and the SNS alarm topic",
        heading="CloudWatch and SNS",
        description=(
            "The alarms, the dashboard, the log groups other than the functions' (the VPC flow "
            "logs), and the SNS topic the alarms notify."
        ),
    ),
    iam={
        # DescribeAlarms (no names: it enumerates the account) is authorized against alarm:*.
        "alarm": (IamScope("arn:{partition}:cloudwatch:{region}:{account}:alarm:{name}"),),
        "dashboard": (IamScope("arn:{partition}:cloudwatch::{account}:dashboard/{name}"),),
    },
)
