"""Secrets Manager: the Aurora cluster's master-user secret (metadata only, never its value)."""

from __future__ import annotations

from paymentaudit.services.secretsmanager.collect import COLLECTORS, aws_created
from paymentaudit.services.secretsmanager.terraform import NOT_MAPPED
from paymentaudit.services.spec import IamScope, Section, ServiceSpec

# The tag RDS puts on a cluster's master-user secret: the cluster's ARN.
CLUSTER_TAG = "aws:rds:primaryDBClusterArn"
SECRET_ARN = "arn:{partition}:secretsmanager:{region}:{account}:secret:{name}"


def secret_names(suffix: str, ssm_path: str) -> tuple[str, ...]:
    """A secret named ``...-<suffix>``: AWS appends ``-`` and six characters to its ARN."""
    return (f"*-{suffix}-??????",)


def rds_managed(suffix: str, ssm_path: str) -> tuple[str, ...]:
    """The secrets RDS creates for a cluster's master user (no suffix in their names)."""
    return ("rds!cluster-*",)


def of_cluster(suffix: str, ssm_path: str, partition: str) -> dict[str, dict[str, list[str]]]:
    """Tagged by RDS with the ARN of one of the environment's clusters."""
    cluster = f"arn:{partition}:rds:*:*:cluster:*-{suffix}"
    return {"StringLike": {f"aws:ResourceTag/{CLUSTER_TAG}": [cluster]}}


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
    iam={
        "Secret": (
            # A secret of the naming: its ARN ends with -<suffix> and AWS's six random characters.
            IamScope(SECRET_ARN, secret_names),
            # RDS's master-user secret (rds!cluster-<id>): by the cluster RDS tags it with.
            IamScope(SECRET_ARN, rds_managed, of_cluster, label="RdsManaged"),
        )
    },
)
