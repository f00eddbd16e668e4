"""RDS: Aurora clusters, their instances and subnet groups."""

from __future__ import annotations

from paymentaudit.services.rds.collect import COLLECTORS
from paymentaudit.services.rds.terraform import RELATIONS, SPECS
from paymentaudit.services.spec import IamScope, Section, ServiceSpec, TerraformMapping

SERVICE = ServiceSpec(
    name="rds",
    collectors=COLLECTORS,
    terraform=TerraformMapping(SPECS, RELATIONS),
    stack_module="stack/components/database.py",
    constructs={
        "rds.cluster": ("RdsCluster",),
        "rds.instance": ("RdsClusterInstance",),
        "rds.subnet_group": ("DbSubnetGroup",),
    },
    section=Section(
        title="RDS (Aurora PostgreSQL)",
        heading="RDS",
        description=("The Aurora PostgreSQL cluster, its instances and its subnet group."),
    ),
    sandbox_gaps={
        "rds.instance": ("performance_insights_enabled", "performance_insights_kms_key_id"),
    },
    # DescribeDBClusters, DescribeDBInstances and DescribeDBSubnetGroups enumerate the account:
    # AWS authorizes them against the type's wildcard ARN (cluster:*, db:*, subgrp:*).
    iam={
        "cluster": (IamScope("arn:{partition}:rds:{region}:{account}:cluster:{name}"),),
        "db": (IamScope("arn:{partition}:rds:{region}:{account}:db:{name}"),),
        "subgrp": (IamScope("arn:{partition}:rds:{region}:{account}:subgrp:{name}"),),
    },
)
