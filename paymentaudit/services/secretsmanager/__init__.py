"""Secrets Manager: the Aurora cluster's master-user secret (metadata only, never its value)."""

from __future__ import annotations

from paymentaudit.services.secretsmanager.collect import COLLECTORS, aws_created
from paymentaudit.services.secretsmanager.terraform import NOT_MAPPED
from paymentaudit.services.spec import Section, ServiceSpec

SERVICE = ServiceSpec(
    name="secretsmanager",
    collectors=COLLECTORS,
    terraform=NOT_MAPPED,
    stack_module="stack/components/database.py",
    constructs={"secretsmanager.secret": ("RdsCluster",)},
    section=Section(
        title="Secrets Manager",
        heading="Secrets Manager",
        description=(
            "The Aurora cluster's master-user secret, created and rotated by RDS: its "
            "rotation and the key that encrypts it (its value is never read)."
        ),
    ),
    aws_created=aws_created,
)
