"""Secrets Manager in Terraform: not mapped.

The environment's secret is the cluster's master-user secret, which RDS creates and owns
(``manage_master_user_password`` on ``aws_rds_cluster``); no Terraform resource declares it, so
there is nothing to map, and drift never calls it unmanaged (``collect.aws_created``).
"""

from __future__ import annotations

from paymentaudit.services.spec import NotMapped

NOT_MAPPED = NotMapped(
    "the master-user secret is created and owned by RDS (aws_rds_cluster "
    "manage_master_user_password), not declared by a Terraform resource"
)
