"""RDS: Aurora clusters, instances, subnet groups; membership; list failure."""

from __future__ import annotations

from collectkit import (
    client,
    coverage,
    deny,
    resources,
    secret_free,
    snap,
    snaps,
    statuses,
    tag_list,
    without,
)

from paymentaudit.model import Status
from paymentaudit.normalize import normalize_snapshot

PASSWORD = "Lit3ral-Master-Passw0rd"


def _subnet_group(name: str) -> None:
    ec2 = client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=az)["Subnet"]["SubnetId"]
        for cidr, az in (("10.0.1.0/24", "us-east-1a"), ("10.0.2.0/24", "us-east-1b"))
    ]
    client("rds").create_db_subnet_group(
        DBSubnetGroupName=name, DBSubnetGroupDescription="db", SubnetIds=subnets
    )


def _cluster(name: str, **kw: object) -> dict:
    params = {
        "DBClusterIdentifier": name,
        "Engine": "aurora-postgresql",
        "EngineVersion": "15.10",
        "MasterUsername": "payment_admin",
        **kw,
    }
    if "MasterUserPassword" not in params:
        params["ManageMasterUserPassword"] = True
    return client("rds").create_db_cluster(**params)["DBCluster"]


def test_cluster_instances_and_subnet_group_are_read() -> None:
    kms = client("kms")
    key = kms.create_key()["KeyMetadata"]
    kms.create_alias(AliasName="alias/payment-dev", TargetKeyId=key["KeyId"])
    _subnet_group("payment-db-subnets-dev")
    _cluster(
        "payment-aurora-cluster-dev",
        StorageEncrypted=True,
        KmsKeyId=key["Arn"],
        BackupRetentionPeriod=14,
        DeletionProtection=True,
        EnableIAMDatabaseAuthentication=True,
        EnableCloudwatchLogsExports=["postgresql"],
        DBSubnetGroupName="payment-db-subnets-dev",
    )
    rds = client("rds")
    for i, az in ((1, "us-east-1a"), (2, "us-east-1b")):
        rds.create_db_instance(
            DBInstanceIdentifier=f"payment-aurora-instance-{i}-dev",
            DBClusterIdentifier="payment-aurora-cluster-dev",
            Engine="aurora-postgresql",
            DBInstanceClass="db.t3.medium",
            AvailabilityZone=az,
            PubliclyAccessible=False,
        )
    snapshot = snap("dev", "rds", "kms")
    cluster = resources(snapshot, "rds.cluster")["payment-aurora-cluster"]
    assert (cluster.type, cluster.physical_id) == ("rds.cluster", "payment-aurora-cluster-dev")
    assert cluster.arn.endswith(":cluster:payment-aurora-cluster-dev")
    cfg = cluster.config
    assert (cfg["engine"], cfg["engine_version"]) == ("aurora-postgresql", "15.10")
    assert cfg["storage_encrypted"] is True
    assert cfg["kms_key_id"] == key["Arn"]
    assert cfg["backup_retention_period"] == 14
    assert cfg["deletion_protection"] is True
    assert cfg["iam_database_authentication_enabled"] is True
    assert cfg["manage_master_user_password"] is True
    assert cfg["enabled_cloudwatch_logs_exports"] == ["postgresql"]
    assert cfg["db_subnet_group_name"] == "payment-db-subnets-dev"
    assert cfg["members"] == ["payment-aurora-instance-1-dev", "payment-aurora-instance-2-dev"]
    norm = normalize_snapshot(snapshot)[cluster.key]
    assert norm["kms_key_id"] == "alias/payment"
    assert norm["db_subnet_group_name"] == "payment-db-subnets"  # a known physical id
    assert norm["members"] == ["payment-aurora-instance-1", "payment-aurora-instance-2"]

    instances = resources(snapshot, "rds.instance")
    assert set(instances) == {"payment-aurora-instance-1", "payment-aurora-instance-2"}
    one = instances["payment-aurora-instance-1"].config
    assert one["cluster_identifier"] == "payment-aurora-cluster-dev"
    assert (one["instance_class"], one["availability_zone"]) == ("db.t3.medium", "us-east-1a")
    assert one["publicly_accessible"] is False

    group = resources(snapshot, "rds.subnet_group")["payment-db-subnets"]
    assert len(group.config["subnet_ids"]) == 2 and group.config["vpc_id"].startswith("vpc-")
    assert coverage(snapshot, "rds").status == "ok"


def test_master_password_is_never_stored() -> None:
    _cluster("payment-aurora-cluster-dev", MasterUserPassword=PASSWORD)
    snapshot = snap("dev", "rds")
    cluster = resources(snapshot, "rds.cluster")["payment-aurora-cluster"]
    assert cluster.config["manage_master_user_password"] is False
    assert secret_free(snapshot, PASSWORD)


def test_membership_by_suffix_and_tag() -> None:
    _cluster("payment-aurora-cluster-dev")
    _cluster("payment-aurora-cluster-prod-abc123")
    _cluster("ledger-db", Tags=tag_list("dev"))
    _cluster("reporting-db-dev", Tags=tag_list("abc-dev"))
    result = snaps(["dev", "prod-abc123"], "rds")
    assert {r.physical_id for r in result["dev"].resources} == {
        "payment-aurora-cluster-dev",
        "ledger-db",
    }
    assert {r.logical_name for r in result["prod-abc123"].resources} == {"payment-aurora-cluster"}


def test_list_failure_fails_the_service_only() -> None:
    _subnet_group("payment-db-subnets-dev")
    _cluster("payment-aurora-cluster-dev")
    client("sns").create_topic(Name="payment-alarms-dev")
    hooks = {"before-call.rds.DescribeDBClusters": deny("DescribeDBClusters")}
    snapshot = snap("dev", "rds", "sns", hooks=hooks)
    assert snapshot.of_type("rds.cluster") == []
    assert len(snapshot.of_type("rds.subnet_group")) == 1  # its own list call answered
    cov = coverage(snapshot, "rds")
    assert (cov.status, cov.error) == ("error", "DescribeDBClusters: AccessDenied")
    assert coverage(snapshot, "sns").status == "ok"


def test_a_missing_member_is_unknown_never_a_default() -> None:
    _cluster("payment-aurora-cluster-dev", BackupRetentionPeriod=14, DeletionProtection=True)
    drop = without("DBClusters[].BackupRetentionPeriod", "DBClusters[].DeletionProtection")
    snapshot = snap("dev", "rds", hooks={"after-call.rds.DescribeDBClusters": drop})
    cluster = resources(snapshot, "rds.cluster")["payment-aurora-cluster"]
    assert cluster.errors == {
        "backup_retention_period": "BackupRetentionPeriod not in the response",
        "deletion_protection": "DeletionProtection not in the response",
    }
    for rule in ("RDS-BACKUP", "RDS-DELETION-PROTECTION"):
        assert statuses(snapshot, rule, coverage_ok=True) == {Status.NOT_EVALUATED}
    # MasterUserSecret keeps its meaning: managed (present) here, evaluated.
    assert statuses(snapshot, "RDS-MANAGED-SECRET", coverage_ok=True) == {Status.PASS}
