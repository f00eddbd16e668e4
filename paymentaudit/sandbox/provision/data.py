"""Data: Aurora, the DynamoDB sessions table, the audit buckets and their replication."""

from __future__ import annotations

from paymentaudit.sandbox.provision.base import (
    ENGINE,
    ENGINE_VERSION,
    INSTANCES,
    PRIMARY,
    REPLICA,
    Env,
    allow,
    document,
    make_role,
    make_sg,
    tcp,
)

# -- database -----------------------------------------------------------------------------------


def database(env: Env) -> None:
    """Aurora PostgreSQL: SG, subnet group, cluster with a managed secret, two instances."""
    rds = env.c("rds")
    ec2 = env.c("ec2")
    rds_sg = make_sg(
        env,
        "payment-rds-sg",
        "Aurora PostgreSQL: 5432 from the payment Lambdas only",
        env.ids["vpc"],
    )
    ec2.authorize_security_group_ingress(
        GroupId=rds_sg, IpPermissions=[tcp(5432, group=env.ids["lambda_sg"])]
    )
    env.ids["rds_sg"] = rds_sg
    tags = env.tag_list()
    rds.create_db_subnet_group(
        DBSubnetGroupName=env.name("payment-db-subnets"),
        DBSubnetGroupDescription="Private subnets of the payment VPC",
        SubnetIds=env.ids["subnets"],
        Tags=tags,
    )
    monitoring_role = make_role(
        env,
        "payment-rds-monitoring-role",
        "monitoring.rds.amazonaws.com",
        "payment-rds-monitoring-policy",
        _monitoring_policy(env),
        scoped=True,
    )
    cluster_id = env.name("payment-aurora-cluster")
    cluster = rds.create_db_cluster(
        DBClusterIdentifier=cluster_id,
        Engine=ENGINE,
        EngineVersion=ENGINE_VERSION,
        DatabaseName="payments",
        MasterUsername="payment_admin",
        ManageMasterUserPassword=True,
        MasterUserSecretKmsKeyId=env.ids["payment-cmk"],
        Port=5432,
        DBSubnetGroupName=env.name("payment-db-subnets"),
        VpcSecurityGroupIds=[rds_sg],
        StorageEncrypted=True,
        KmsKeyId=env.ids["payment-cmk"],
        EnableIAMDatabaseAuthentication=True,
        BackupRetentionPeriod=14 if env.is_prod else 7,
        PreferredBackupWindow="03:00-04:00",
        PreferredMaintenanceWindow="sun:05:00-sun:06:00",
        CopyTagsToSnapshot=True,
        EnableCloudwatchLogsExports=["postgresql"],
        DeletionProtection=env.is_prod,
        Tags=tags,
    )["DBCluster"]
    env.ids["cluster"] = cluster_id
    # RDS turns rotation on for the master-user secret it creates (every 7 days); moto
    # creates the secret but leaves rotation off, so the sandbox does what RDS does.
    secret_arn = cluster["MasterUserSecret"]["SecretArn"]
    env.c("secretsmanager").rotate_secret(
        SecretId=secret_arn, RotationRules={"AutomaticallyAfterDays": 7}
    )
    env.ids["master_user_secret"] = secret_arn
    for base, az in INSTANCES:
        rds.create_db_instance(
            DBInstanceIdentifier=env.name(base),
            DBClusterIdentifier=cluster_id,
            DBInstanceClass=env.db_instance_class,
            Engine=ENGINE,
            EngineVersion=ENGINE_VERSION,
            AvailabilityZone=az,
            DBSubnetGroupName=env.name("payment-db-subnets"),
            PubliclyAccessible=False,
            AutoMinorVersionUpgrade=True,
            CopyTagsToSnapshot=True,
            EnablePerformanceInsights=True,
            PerformanceInsightsKMSKeyId=env.ids["payment-cmk"],
            PerformanceInsightsRetentionPeriod=7,
            MonitoringInterval=60,
            MonitoringRoleArn=monitoring_role,
            Tags=tags,
        )


def _monitoring_policy(env: Env) -> str:
    group = env.arn("logs", "log-group:RDSOSMetrics")
    return document(
        allow(
            "ManageRdsOsMetricsLogGroup",
            ["logs:CreateLogGroup", "logs:PutRetentionPolicy"],
            [group],
        ),
        allow(
            "WriteRdsOsMetricsLogStreams",
            [
                "logs:CreateLogStream",
                "logs:DescribeLogStreams",
                "logs:GetLogEvents",
                "logs:PutLogEvents",
            ],
            [f"{group}:log-stream:*"],
        ),
    )


# -- sessions -----------------------------------------------------------------------------------


def sessions(env: Env) -> None:
    """The DynamoDB sessions table: on demand, GSI, PITR, CMK, TTL, protection in prod."""
    ddb = env.c("dynamodb")
    table = env.name("payment-sessions")
    ddb.create_table(
        TableName=table,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": "session_id", "AttributeType": "S"},
            {"AttributeName": "user_id", "AttributeType": "S"},
        ],
        KeySchema=[{"AttributeName": "session_id", "KeyType": "HASH"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "user_id-index",
                "KeySchema": [{"AttributeName": "user_id", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        SSESpecification={
            "Enabled": True,
            "SSEType": "KMS",
            "KMSMasterKeyId": env.ids["payment-cmk"],
        },
        DeletionProtectionEnabled=env.is_prod,
        Tags=env.tag_list(),
    )
    ddb.update_continuous_backups(
        TableName=table, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )
    ddb.update_time_to_live(
        TableName=table, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires_at"}
    )
    env.ids["table"] = table


# -- storage ------------------------------------------------------------------------------------

LIFECYCLE = {
    "Rules": [
        {
            "ID": "audit-log-tiering",
            "Status": "Enabled",
            "Filter": {"Prefix": ""},
            "Transitions": [
                {"Days": 30, "StorageClass": "STANDARD_IA"},
                {"Days": 90, "StorageClass": "GLACIER"},
            ],
            "NoncurrentVersionExpiration": {"NoncurrentDays": 365},
            "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
        }
    ]
}


def _bucket(env: Env, base: str, region: str, key_arn: str) -> str:
    s3 = env.c("s3", region)
    name = env.name(base)
    extra = (
        {} if region == PRIMARY else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    )
    s3.create_bucket(Bucket=name, **extra)
    s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": env.tag_list()})
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_encryption(
        Bucket=name,
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {
                        "SSEAlgorithm": "aws:kms",
                        "KMSMasterKeyID": key_arn,
                    },
                    "BucketKeyEnabled": True,
                }
            ]
        },
    )
    s3.put_public_access_block(
        Bucket=name,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "BlockPublicPolicy": True,
            "IgnorePublicAcls": True,
            "RestrictPublicBuckets": True,
        },
    )
    arn = f"arn:aws:s3:::{name}"
    s3.put_bucket_policy(
        Bucket=name,
        Policy=document(
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [arn, f"{arn}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ),
    )
    s3.put_bucket_lifecycle_configuration(Bucket=name, LifecycleConfiguration=LIFECYCLE)
    return name


def storage(env: Env) -> None:
    """The audit bucket, its us-west-2 replica, the replication role and configuration."""
    source = _bucket(env, "payment-audit-logs", PRIMARY, env.ids["payment-cmk"])
    replica = _bucket(env, "payment-audit-logs-replica", REPLICA, env.ids["payment-replica-cmk"])
    src_arn, dst_arn = f"arn:aws:s3:::{source}", f"arn:aws:s3:::{replica}"
    role = make_role(
        env,
        "payment-s3-replication-role",
        "s3.amazonaws.com",
        "payment-s3-replication-policy",
        document(
            allow(
                "ReadSourceReplicationConfiguration",
                ["s3:GetReplicationConfiguration", "s3:ListBucket"],
                [src_arn],
            ),
            allow(
                "ReadSourceObjectVersions",
                [
                    "s3:GetObjectVersionAcl",
                    "s3:GetObjectVersionForReplication",
                    "s3:GetObjectVersionTagging",
                ],
                [f"{src_arn}/*"],
            ),
            allow(
                "WriteReplicaObjects",
                ["s3:ReplicateDelete", "s3:ReplicateObject", "s3:ReplicateTags"],
                [f"{dst_arn}/*"],
            ),
            allow(
                "DecryptSourceObjects",
                ["kms:Decrypt"],
                [env.ids["payment-cmk"]],
                Condition={"StringEquals": {"kms:ViaService": f"s3.{PRIMARY}.amazonaws.com"}},
            ),
            allow(
                "EncryptReplicaObjects",
                ["kms:Encrypt", "kms:GenerateDataKey"],
                [env.ids["payment-replica-cmk"]],
                Condition={"StringEquals": {"kms:ViaService": f"s3.{REPLICA}.amazonaws.com"}},
            ),
        ),
        scoped=True,
    )
    env.c("s3").put_bucket_replication(
        Bucket=source,
        ReplicationConfiguration={
            "Role": role,
            "Rules": [
                {
                    "ID": "replicate-all-to-us-west-2",
                    "Status": "Enabled",
                    "Priority": 1,
                    "Filter": {"Prefix": ""},
                    "DeleteMarkerReplication": {"Status": "Enabled"},
                    "SourceSelectionCriteria": {"SseKmsEncryptedObjects": {"Status": "Enabled"}},
                    "Destination": {
                        "Bucket": dst_arn,
                        "StorageClass": "STANDARD",
                        "EncryptionConfiguration": {
                            "ReplicaKmsKeyID": env.ids["payment-replica-cmk"]
                        },
                    },
                }
            ],
        },
    )
    env.ids["bucket"] = source
