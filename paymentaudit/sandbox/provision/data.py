"""Data: Aurora, the DynamoDB sessions table, the audit buckets and their replication."""

from __future__ import annotations

from typing import Any

from paymentaudit import platform
from paymentaudit.sandbox.provision.base import PRIMARY, Env, document, make_role, make_sg

# RDS turns rotation on for the master-user secret it creates (every 7 days); moto creates the
# secret but leaves rotation off, so the sandbox does what RDS does.
RDS_SECRET_ROTATION_DAYS = 7

# -- database -----------------------------------------------------------------------------------


def database(env: Env) -> None:
    """Aurora PostgreSQL: SG, subnet group, cluster with a managed secret, two instances."""
    rds = env.c("rds")
    spec = platform.AURORA
    key_arn = env.ids[platform.PRIMARY_KEY.name]
    env.ids["rds_sg"] = rds_sg = make_sg(
        env,
        spec.security_group,
        env.ids["vpc"],
        name=env.layout.db_security_group,
        groups={platform.LAMBDA_SG.name: env.ids["lambda_sg"]},
    )
    tags = env.tag_list()
    subnet_group = env.name(spec.subnet_group)
    rds.create_db_subnet_group(
        DBSubnetGroupName=subnet_group,
        DBSubnetGroupDescription=spec.subnet_group_description,
        SubnetIds=env.ids["subnets"],
        Tags=tags,
    )
    statements = spec.monitoring_statements
    monitoring_role = make_role(
        env,
        spec.monitoring_role,
        document(*(s.render(region=PRIMARY, account_id=env.account_id) for s in statements)),
    )
    cluster_id = env.name(spec.cluster)
    cluster = rds.create_db_cluster(
        DBClusterIdentifier=cluster_id,
        Engine=spec.engine,
        EngineVersion=spec.engine_version,
        DatabaseName=spec.database_name,
        MasterUsername=spec.master_username,
        ManageMasterUserPassword=spec.managed_master_password,
        MasterUserSecretKmsKeyId=key_arn,
        Port=spec.port,
        DBSubnetGroupName=subnet_group,
        VpcSecurityGroupIds=[rds_sg],
        StorageEncrypted=spec.storage_encrypted,
        KmsKeyId=key_arn,
        EnableIAMDatabaseAuthentication=spec.iam_authentication,
        BackupRetentionPeriod=env.settings.backup_retention_days,
        PreferredBackupWindow=spec.backup_window,
        PreferredMaintenanceWindow=spec.maintenance_window,
        CopyTagsToSnapshot=spec.copy_tags_to_snapshot,
        EnableCloudwatchLogsExports=list(spec.log_exports),
        DeletionProtection=env.settings.deletion_protection,
        Tags=tags,
    )["DBCluster"]
    env.ids["cluster"] = cluster_id
    secret_arn = cluster["MasterUserSecret"]["SecretArn"]
    env.c("secretsmanager").rotate_secret(
        SecretId=secret_arn, RotationRules={"AutomaticallyAfterDays": RDS_SECRET_ROTATION_DAYS}
    )
    env.ids["master_user_secret"] = secret_arn
    # The layout's instance names: the stack's (``...-instance-1-<suffix>``) or the original
    # design's (``payment-aurora-<suffix>-1``), in two AZs.
    for instance in env.layout.db_instances:
        rds.create_db_instance(
            DBInstanceIdentifier=env.name(instance.name),
            DBClusterIdentifier=cluster_id,
            DBInstanceClass=env.db_instance_class,
            Engine=spec.engine,
            EngineVersion=spec.engine_version,
            AvailabilityZone=instance.availability_zone,
            DBSubnetGroupName=subnet_group,
            PubliclyAccessible=spec.publicly_accessible,
            AutoMinorVersionUpgrade=spec.auto_minor_version_upgrade,
            CopyTagsToSnapshot=spec.copy_tags_to_snapshot,
            EnablePerformanceInsights=spec.performance_insights,
            PerformanceInsightsKMSKeyId=key_arn,
            PerformanceInsightsRetentionPeriod=spec.performance_insights_retention_days,
            MonitoringInterval=spec.monitoring_interval,
            MonitoringRoleArn=monitoring_role,
            Tags=tags,
        )


# -- sessions -----------------------------------------------------------------------------------


def sessions(env: Env) -> None:
    """The DynamoDB sessions table: on demand, GSI, PITR, CMK, TTL, protection in prod."""
    ddb = env.c("dynamodb")
    spec = platform.SESSIONS
    table = env.name(spec.name)
    ddb.create_table(
        TableName=table,
        BillingMode=spec.billing_mode,
        AttributeDefinitions=[
            {"AttributeName": name, "AttributeType": kind} for name, kind in spec.attributes
        ],
        KeySchema=[{"AttributeName": spec.hash_key, "KeyType": "HASH"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": index.name,
                "KeySchema": [{"AttributeName": index.hash_key, "KeyType": "HASH"}],
                "Projection": {"ProjectionType": index.projection},
            }
            for index in spec.indexes
        ],
        SSESpecification={
            "Enabled": True,
            "SSEType": "KMS",
            "KMSMasterKeyId": env.ids[platform.PRIMARY_KEY.name],
        },
        DeletionProtectionEnabled=env.settings.deletion_protection,
        Tags=env.tag_list(),
    )
    ddb.update_continuous_backups(
        TableName=table,
        PointInTimeRecoverySpecification={
            "PointInTimeRecoveryEnabled": spec.point_in_time_recovery
        },
    )
    ddb.update_time_to_live(
        TableName=table,
        TimeToLiveSpecification={"Enabled": True, "AttributeName": spec.ttl_attribute},
    )
    env.ids["table"] = table


# -- storage ------------------------------------------------------------------------------------


def lifecycle() -> dict[str, Any]:
    """The buckets' lifecycle configuration (platform.LIFECYCLE) in the S3 API's shape."""
    rule = platform.LIFECYCLE
    return {
        "Rules": [
            {
                "ID": rule.id,
                "Status": "Enabled",
                "Filter": {"Prefix": rule.prefix},
                "Transitions": [
                    {"Days": days, "StorageClass": storage} for days, storage in rule.transitions
                ],
                "NoncurrentVersionExpiration": {"NoncurrentDays": rule.noncurrent_days},
                "AbortIncompleteMultipartUpload": {
                    "DaysAfterInitiation": rule.abort_multipart_days
                },
            }
        ]
    }


def _bucket(env: Env, spec: platform.Bucket) -> str:
    s3 = env.c("s3", spec.region)
    hardening = platform.HARDENING
    name = env.name(spec.name)
    extra = (
        {}
        if spec.region == PRIMARY
        else {"CreateBucketConfiguration": {"LocationConstraint": spec.region}}
    )
    s3.create_bucket(Bucket=name, **extra)
    s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": env.tag_list()})
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": hardening.versioning})
    s3.put_bucket_encryption(
        Bucket=name,
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {
                        "SSEAlgorithm": hardening.sse_algorithm,
                        "KMSMasterKeyID": env.ids[spec.key.name],
                    },
                    "BucketKeyEnabled": hardening.bucket_key,
                }
            ]
        },
    )
    s3.put_public_access_block(
        Bucket=name,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": hardening.block_public_access,
            "BlockPublicPolicy": hardening.block_public_access,
            "IgnorePublicAcls": hardening.block_public_access,
            "RestrictPublicBuckets": hardening.block_public_access,
        },
    )
    s3.put_bucket_policy(
        Bucket=name, Policy=document(platform.deny_insecure_transport(f"arn:aws:s3:::{name}"))
    )
    s3.put_bucket_lifecycle_configuration(Bucket=name, LifecycleConfiguration=lifecycle())
    return name


def storage(env: Env) -> None:
    """The audit bucket, its us-west-2 replica, the replication role and configuration."""
    source = _bucket(env, platform.AUDIT_BUCKET)
    replica = _bucket(env, platform.REPLICA_BUCKET)
    src_arn, dst_arn = f"arn:aws:s3:::{source}", f"arn:aws:s3:::{replica}"
    spec = platform.REPLICATION
    refs = {
        "bucket_arn": src_arn,
        "replica_bucket_arn": dst_arn,
        "key_arn": env.ids[platform.AUDIT_BUCKET.key.name],
        "replica_key_arn": env.ids[platform.REPLICA_BUCKET.key.name],
    }
    role = make_role(env, spec.role, document(*(s.render(**refs) for s in spec.statements)))
    env.c("s3").put_bucket_replication(
        Bucket=source,
        ReplicationConfiguration={
            "Role": role,
            "Rules": [
                {
                    "ID": spec.rule_id,
                    "Status": "Enabled",
                    "Priority": spec.priority,
                    "Filter": {"Prefix": spec.prefix},
                    "DeleteMarkerReplication": {"Status": "Enabled"},
                    "SourceSelectionCriteria": {"SseKmsEncryptedObjects": {"Status": "Enabled"}},
                    "Destination": {
                        "Bucket": dst_arn,
                        "StorageClass": spec.storage_class,
                        "EncryptionConfiguration": {"ReplicaKmsKeyID": refs["replica_key_arn"]},
                    },
                }
            ],
        },
    )
    env.ids["bucket"] = source
