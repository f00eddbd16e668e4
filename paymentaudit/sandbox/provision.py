"""Provision one environment of the payment stack into a (moto) AWS account with boto3.

This mirrors ``stack/`` resource by resource: the same names, settings and tags, so
that a drift check of the sandbox against the synthesized stack shows only the drifts
planted on purpose (see ``drifts.py``). Keep the two in step: the round-trip test
(``tests/test_drift_roundtrip.py``) fails when they part.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from typing import Any

PRIMARY = "us-east-1"
REPLICA = "us-west-2"
VPC_CIDR = "10.0.0.0/16"
SUBNETS = (
    ("payment-private-a", "payment-private-rt-a", "us-east-1a", "10.0.1.0/24"),
    ("payment-private-b", "payment-private-rt-b", "us-east-1b", "10.0.2.0/24"),
    ("payment-private-c", "payment-private-rt-c", "us-east-1c", "10.0.3.0/24"),
)
ENGINE, ENGINE_VERSION = "aurora-postgresql", "15.10"
INSTANCES = (
    ("payment-aurora-instance-1", "us-east-1a"),
    ("payment-aurora-instance-2", "us-east-1b"),
)
RUNTIME = "python3.12"


@dataclass
class Env:
    """One environment: its names, tags and per-environment settings (stack/config.py)."""

    suffix: str
    environment: str
    clients: Any  # callable (service, region) -> boto3 client
    account_id: str = "123456789012"
    db_instance_class: str = "db.t3.medium"
    ids: dict[str, Any] = field(default_factory=dict)

    def name(self, base: str, with_env: bool = False) -> str:
        """Physical name, as stack/config.py's StackConfig.name builds it."""
        if with_env:
            head, sep, rest = base.partition("-")
            base = f"{head}-{self.environment}{sep}{rest}" if sep else f"{base}-{self.environment}"
        return f"{base}-{self.suffix}"

    @property
    def is_prod(self) -> bool:
        """True for prod."""
        return self.environment == "prod"

    @property
    def tags(self) -> dict[str, str]:
        """The provider default tags."""
        return {
            "Project": "payment",
            "Environment": self.environment,
            "EnvironmentSuffix": self.suffix,
            "ManagedBy": "cdktf",
        }

    def tag_list(self, name: str | None = None, key: str = "Key", value: str = "Value") -> list:
        """Default tags (plus Name) in the [{Key, Value}] shape (or another key naming)."""
        tags = dict(self.tags)
        if name:
            tags["Name"] = name
        return [{key: k, value: v} for k, v in tags.items()]

    def arn(self, service: str, resource: str, region: str = PRIMARY) -> str:
        """An ARN in this account."""
        return f"arn:aws:{service}:{region}:{self.account_id}:{resource}"

    def c(self, service: str, region: str = PRIMARY) -> Any:
        """A client."""
        return self.clients(service, region)


def document(*statements: dict[str, Any]) -> str:
    """A policy document (stack/policies.py)."""
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(sid: str, actions: list[str], resources: list[str], **extra: Any) -> dict[str, Any]:
    """An Allow statement (stack/policies.py)."""
    return {"Sid": sid, "Effect": "Allow", "Action": actions, "Resource": resources, **extra}


def assume_role(service: str, account_id: str | None = None) -> str:
    """A service trust policy (stack/policies.py)."""
    stmt: dict[str, Any] = {
        "Sid": "AllowServiceAssumeRole",
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": ["sts:AssumeRole"],
    }
    if account_id is not None:
        stmt["Condition"] = {"StringEquals": {"aws:SourceAccount": account_id}}
    return document(stmt)


def _role(env: Env, base: str, service: str, policy_base: str, policy: str, scoped: bool) -> str:
    iam = env.c("iam")
    arn = iam.create_role(
        RoleName=env.name(base),
        AssumeRolePolicyDocument=assume_role(service, env.account_id if scoped else None),
        Tags=env.tag_list(),
    )["Role"]["Arn"]
    iam.put_role_policy(
        RoleName=env.name(base), PolicyName=env.name(policy_base), PolicyDocument=policy
    )
    return arn


# -- encryption ---------------------------------------------------------------------------------


def encryption(env: Env) -> None:
    """The CMK (us-east-1) and the replica CMK (us-west-2), rotation on, with aliases."""
    for region, base, alias, label in (
        (PRIMARY, "payment-cmk", "alias/payment", "CMK"),
        (REPLICA, "payment-replica-cmk", "alias/payment-replica", f"replica CMK ({REPLICA})"),
    ):
        kms = env.c("kms", region)
        desc = (
            f"payment {env.environment} CMK ({env.suffix})"
            if label == "CMK"
            else f"payment {env.environment} replica CMK ({env.suffix}, {REPLICA})"
        )
        key = kms.create_key(
            Description=desc, Tags=env.tag_list(env.name(base), "TagKey", "TagValue")
        )["KeyMetadata"]
        kms.enable_key_rotation(KeyId=key["KeyId"])
        kms.create_alias(AliasName=env.name(alias), TargetKeyId=key["KeyId"])
        env.ids[base] = key["Arn"]


# -- network ------------------------------------------------------------------------------------


def _sg(env: Env, base: str, description: str, vpc_id: str) -> str:
    ec2 = env.c("ec2")
    group = ec2.create_security_group(
        GroupName=env.name(base),
        Description=description,
        VpcId=vpc_id,
        TagSpecifications=[
            {"ResourceType": "security-group", "Tags": env.tag_list(env.name(base))}
        ],
    )["GroupId"]
    # Terraform removes the default allow-all egress rule of a group it manages.
    ec2.revoke_security_group_egress(
        GroupId=group,
        IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
    )
    return group


def _tcp(port: int, **source: Any) -> dict[str, Any]:
    perm: dict[str, Any] = {"IpProtocol": "tcp", "FromPort": port, "ToPort": port}
    if "cidr" in source:
        perm["IpRanges"] = [{"CidrIp": source["cidr"], "Description": source.get("desc", "")}]
    if "group" in source:
        perm["UserIdGroupPairs"] = [{"GroupId": source["group"]}]
    if "prefix_lists" in source:
        perm["PrefixListIds"] = [{"PrefixListId": p} for p in source["prefix_lists"]]
    return perm


def network(env: Env) -> None:
    """VPC, default SG with no rules, subnets, route tables, endpoints, SGs, flow logs."""
    ec2 = env.c("ec2")
    vpc = ec2.create_vpc(
        CidrBlock=VPC_CIDR,
        TagSpecifications=[
            {"ResourceType": "vpc", "Tags": env.tag_list(env.name("payment-vpc", True))}
        ],
    )["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsSupport={"Value": True})
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    env.ids["vpc"] = vpc
    default_sg = ec2.describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [vpc]}, {"Name": "group-name", "Values": ["default"]}]
    )["SecurityGroups"][0]["GroupId"]
    ec2.revoke_security_group_egress(
        GroupId=default_sg,
        IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
    )
    ec2.create_tags(Resources=[default_sg], Tags=env.tag_list(env.name("payment-default-sg")))

    subnets, route_tables = [], []
    for subnet_base, rt_base, az, cidr in SUBNETS:
        subnet = ec2.create_subnet(
            VpcId=vpc,
            CidrBlock=cidr,
            AvailabilityZone=az,
            TagSpecifications=[
                {"ResourceType": "subnet", "Tags": env.tag_list(env.name(subnet_base))}
            ],
        )["Subnet"]["SubnetId"]
        table = ec2.create_route_table(
            VpcId=vpc,
            TagSpecifications=[
                {"ResourceType": "route-table", "Tags": env.tag_list(env.name(rt_base))}
            ],
        )["RouteTable"]["RouteTableId"]
        ec2.associate_route_table(SubnetId=subnet, RouteTableId=table)
        subnets.append(subnet)
        route_tables.append(table)
    env.ids["subnets"], env.ids["route_tables"] = subnets, route_tables

    prefix_lists = []
    for service in ("s3", "dynamodb"):
        ec2.create_vpc_endpoint(
            VpcId=vpc,
            ServiceName=f"com.amazonaws.{PRIMARY}.{service}",
            VpcEndpointType="Gateway",
            RouteTableIds=route_tables,
            TagSpecifications=[
                {
                    "ResourceType": "vpc-endpoint",
                    "Tags": env.tag_list(env.name(f"payment-{service}-endpoint")),
                }
            ],
        )
    for pl in ec2.describe_prefix_lists()["PrefixLists"]:
        if pl["PrefixListName"] in (
            f"com.amazonaws.{PRIMARY}.s3",
            f"com.amazonaws.{PRIMARY}.dynamodb",
        ):
            prefix_lists.append(pl["PrefixListId"])

    endpoint_sg = _sg(
        env, "payment-endpoint-sg", "Interface VPC endpoints: HTTPS from inside the VPC only", vpc
    )
    ec2.authorize_security_group_ingress(
        GroupId=endpoint_sg, IpPermissions=[_tcp(443, cidr=VPC_CIDR, desc="HTTPS from the VPC")]
    )
    ec2.create_vpc_endpoint(
        VpcId=vpc,
        ServiceName=f"com.amazonaws.{PRIMARY}.ssm",
        VpcEndpointType="Interface",
        SubnetIds=subnets,
        SecurityGroupIds=[endpoint_sg],
        PrivateDnsEnabled=True,
        TagSpecifications=[
            {"ResourceType": "vpc-endpoint", "Tags": env.tag_list(env.name("payment-ssm-endpoint"))}
        ],
    )

    lambda_sg = _sg(
        env,
        "payment-lambda-sg",
        "Payment Lambdas: no ingress; egress to Aurora, endpoints and S3/DynamoDB",
        vpc,
    )
    egress = [_tcp(5432, cidr=VPC_CIDR), _tcp(443, cidr=VPC_CIDR)]
    if prefix_lists:
        egress.append(_tcp(443, prefix_lists=sorted(prefix_lists)))
    ec2.authorize_security_group_egress(GroupId=lambda_sg, IpPermissions=egress)
    env.ids["lambda_sg"] = lambda_sg

    logs = env.c("logs")
    group = env.name("/aws/vpc/flow-logs/payment")
    logs.create_log_group(logGroupName=group, kmsKeyId=env.ids["payment-cmk"], tags=env.tags)
    logs.put_retention_policy(logGroupName=group, retentionInDays=30 if env.is_prod else 7)
    group_arn = env.arn("logs", f"log-group:{group}")
    role = _role(
        env,
        "payment-flow-logs-role",
        "vpc-flow-logs.amazonaws.com",
        "payment-flow-logs-policy",
        document(
            allow(
                "DeliverFlowLogsToTheFlowLogGroup",
                ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
                [group_arn, f"{group_arn}:*"],
            )
        ),
        scoped=True,
    )
    ec2.create_flow_logs(
        ResourceIds=[vpc],
        ResourceType="VPC",
        TrafficType="ALL",
        LogDestinationType="cloud-watch-logs",
        LogDestination=group_arn,
        DeliverLogsPermissionArn=role,
        MaxAggregationInterval=60,
        TagSpecifications=[
            {"ResourceType": "vpc-flow-log", "Tags": env.tag_list(env.name("payment-vpc-flow-log"))}
        ],
    )


# -- database -----------------------------------------------------------------------------------


def database(env: Env) -> None:
    """Aurora PostgreSQL: SG, subnet group, cluster with a managed secret, two instances."""
    rds = env.c("rds")
    ec2 = env.c("ec2")
    rds_sg = _sg(
        env,
        "payment-rds-sg",
        "Aurora PostgreSQL: 5432 from the payment Lambdas only",
        env.ids["vpc"],
    )
    ec2.authorize_security_group_ingress(
        GroupId=rds_sg, IpPermissions=[_tcp(5432, group=env.ids["lambda_sg"])]
    )
    env.ids["rds_sg"] = rds_sg
    tags = env.tag_list()
    rds.create_db_subnet_group(
        DBSubnetGroupName=env.name("payment-db-subnets"),
        DBSubnetGroupDescription="Private subnets of the payment VPC",
        SubnetIds=env.ids["subnets"],
        Tags=tags,
    )
    monitoring_role = _role(
        env,
        "payment-rds-monitoring-role",
        "monitoring.rds.amazonaws.com",
        "payment-rds-monitoring-policy",
        _monitoring_policy(env),
        scoped=True,
    )
    cluster_id = env.name("payment-aurora-cluster")
    rds.create_db_cluster(
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
    )
    env.ids["cluster"] = cluster_id
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
    role = _role(
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


# -- compute ------------------------------------------------------------------------------------


def _code() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("payment_processor.py", "def handler(event, context):\n    return {}\n")
        zf.writestr("parameter_migration.py", "def handler(event, context):\n    return {}\n")
    return buf.getvalue()


def _ssm_arns(env: Env, path: str, include_path: bool) -> list[str]:
    base = env.arn("ssm", f"parameter{path}")
    return [base, f"{base}/*"] if include_path else [f"{base}/*"]


def compute(env: Env) -> None:
    """Log groups, the Lambda role, both functions, the blue and green aliases."""
    logs, lam = env.c("logs"), env.c("lambda")
    retention = 30 if env.is_prod else 7
    groups = {}
    for fn in ("payment-processor", "parameter-migration"):
        group = env.name(f"/aws/lambda/{fn}")
        logs.create_log_group(logGroupName=group, kmsKeyId=env.ids["payment-cmk"], tags=env.tags)
        logs.put_retention_policy(logGroupName=group, retentionInDays=retention)
        groups[fn] = env.arn("logs", f"log-group:{group}")
    table_arn = env.arn("dynamodb", f"table/{env.ids['table']}")
    bucket_arn = f"arn:aws:s3:::{env.ids['bucket']}"
    read_paths = _ssm_arns(env, "/dev", True)
    if env.environment != "dev":
        read_paths += _ssm_arns(env, f"/{env.environment}", True)
    role = _role(
        env,
        "payment-lambda-role",
        "lambda.amazonaws.com",
        "payment-lambda-policy",
        document(
            allow(
                "SessionTableItems",
                ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"],
                [table_arn, f"{table_arn}/index/*"],
            ),
            allow("AuditObjects", ["s3:GetObject", "s3:PutObject"], [f"{bucket_arn}/*"]),
            allow(
                "UseTheCmk",
                ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"],
                [env.ids["payment-cmk"]],
            ),
            allow(
                "ReadParameters",
                ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"],
                read_paths,
            ),
            allow(
                "WriteEnvironmentParameters",
                ["ssm:PutParameter"],
                _ssm_arns(env, f"/{env.environment}", False),
            ),
            allow(
                "WriteOwnLogs",
                ["logs:CreateLogStream", "logs:PutLogEvents"],
                [g for arn in groups.values() for g in (arn, f"{arn}:*")],
            ),
            allow("ListParameterMetadata", ["ssm:DescribeParameters"], ["*"]),
            allow(
                "VpcNetworkInterfaces",
                [
                    "ec2:AssignPrivateIpAddresses",
                    "ec2:CreateNetworkInterface",
                    "ec2:DeleteNetworkInterface",
                    "ec2:DescribeNetworkInterfaces",
                    "ec2:UnassignPrivateIpAddresses",
                ],
                ["*"],
            ),
            allow("XRayTracing", ["xray:PutTelemetryRecords", "xray:PutTraceSegments"], ["*"]),
        ),
        scoped=False,
    )
    vpc_config = {"SubnetIds": env.ids["subnets"], "SecurityGroupIds": [env.ids["lambda_sg"]]}
    common = {
        "Role": role,
        "Runtime": RUNTIME,
        "Architectures": ["x86_64"],
        "Code": {"ZipFile": _code()},
        "KMSKeyArn": env.ids["payment-cmk"],
        "TracingConfig": {"Mode": "Active"},
        "VpcConfig": vpc_config,
        "Tags": env.tags,
    }
    processor = lam.create_function(
        FunctionName=env.name("payment-processor"),
        Description="Validates payments, stores them in DynamoDB and audits them to S3",
        Handler="payment_processor.handler",
        MemorySize=512,
        Timeout=30,
        Publish=True,
        Environment={
            "Variables": {
                "TABLE_NAME": env.ids["table"],
                "AUDIT_BUCKET": env.ids["bucket"],
                "AUDIT_KMS_KEY_ARN": env.ids["payment-cmk"],
                "MAX_PAYMENT_AMOUNT": "10000",
                "ALLOWED_CURRENCIES": "USD,EUR,GBP",
                "LOG_LEVEL": "INFO",
            }
        },
        **common,
    )
    lam.put_function_concurrency(
        FunctionName=processor["FunctionName"], ReservedConcurrentExecutions=50
    )
    lam.create_function(
        FunctionName=env.name("parameter-migration"),
        Description="Copies SSM parameters from /dev to this environment's path",
        Handler="parameter_migration.handler",
        MemorySize=256,
        Timeout=300,
        Environment={
            "Variables": {
                "SOURCE_PATH": "/dev",
                "TARGET_PATH": f"/{env.environment}",
                "LOG_LEVEL": "INFO",
            }
        },
        **common,
    )
    lam.put_function_concurrency(
        FunctionName=env.name("parameter-migration"), ReservedConcurrentExecutions=1
    )
    version = processor.get("Version", "1")
    aliases = {}
    for slot, desc in (("blue", "Blue slot"), ("green", "Green slot")):
        aliases[slot] = lam.create_alias(
            FunctionName=processor["FunctionName"],
            Name=slot,
            FunctionVersion=version,
            Description=f"{desc} of the payment processor",
        )["AliasArn"]
    env.ids["function"] = processor["FunctionName"]
    env.ids["aliases"] = aliases


# -- ingress ------------------------------------------------------------------------------------


def ingress(env: Env) -> None:
    """The internal ALB, blue and green Lambda target groups, the weighted HTTP listener."""
    ec2, elb = env.c("ec2"), env.c("elbv2")
    alb_sg = _sg(
        env, "payment-alb-sg", "Internal payment ALB: HTTP/HTTPS from the VPC only", env.ids["vpc"]
    )
    ec2.authorize_security_group_ingress(
        GroupId=alb_sg, IpPermissions=[_tcp(80, cidr=VPC_CIDR), _tcp(443, cidr=VPC_CIDR)]
    )
    ec2.authorize_security_group_egress(GroupId=alb_sg, IpPermissions=[_tcp(443, cidr=VPC_CIDR)])
    lb = elb.create_load_balancer(
        Name=env.name("payment-alb"),
        Subnets=env.ids["subnets"],
        SecurityGroups=[alb_sg],
        Scheme="internal",
        Type="application",
        Tags=env.tag_list(),
    )["LoadBalancers"][0]["LoadBalancerArn"]
    elb.modify_load_balancer_attributes(
        LoadBalancerArn=lb,
        Attributes=[
            {"Key": "deletion_protection.enabled", "Value": str(env.is_prod).lower()},
            {"Key": "routing.http.drop_invalid_header_fields.enabled", "Value": "true"},
        ],
    )
    forward = []
    for base, slot, weight in (("payment-blue", "blue", 100), ("payment-green", "green", 0)):
        group = elb.create_target_group(
            Name=env.name(base),
            TargetType="lambda",
            HealthCheckEnabled=True,
            HealthCheckPath="/health",
            HealthCheckIntervalSeconds=35,
            HealthCheckTimeoutSeconds=30,
            HealthyThresholdCount=3,
            UnhealthyThresholdCount=3,
            Matcher={"HttpCode": "200"},
            Tags=env.tag_list(),
        )["TargetGroups"][0]["TargetGroupArn"]
        env.c("lambda").add_permission(
            FunctionName=env.ids["function"],
            StatementId=f"AllowAlbInvoke-{slot}",
            Action="lambda:InvokeFunction",
            Principal="elasticloadbalancing.amazonaws.com",
            Qualifier=slot,
            SourceArn=group,
        )
        elb.register_targets(TargetGroupArn=group, Targets=[{"Id": env.ids["aliases"][slot]}])
        forward.append({"TargetGroupArn": group, "Weight": weight})
    elb.create_listener(
        LoadBalancerArn=lb,
        Port=80,
        Protocol="HTTP",
        DefaultActions=[
            {
                "Type": "forward",
                "ForwardConfig": {
                    "TargetGroups": forward,
                    "TargetGroupStickinessConfig": {"Enabled": False, "DurationSeconds": 1},
                },
            }
        ],
    )
    env.ids["alb"] = lb


# -- monitoring ---------------------------------------------------------------------------------


def _widget(title: str, y: int, metrics: list[list[Any]]) -> dict[str, Any]:
    return {
        "type": "metric",
        "x": 0,
        "y": y,
        "width": 24,
        "height": 6,
        "properties": {
            "title": title,
            "region": PRIMARY,
            "view": "timeSeries",
            "stacked": False,
            "period": 300,
            "metrics": metrics,
        },
    }


def monitoring(env: Env) -> None:
    """The encrypted alarm topic, the RDS CPU and Lambda errors alarms, the dashboard."""
    sns, cw = env.c("sns"), env.c("cloudwatch")
    topic = sns.create_topic(
        Name=env.name("payment-alarms"),
        Attributes={"KmsMasterKeyId": env.ids["payment-cmk"]},
        Tags=env.tag_list(),
    )["TopicArn"]
    cw.put_metric_alarm(
        AlarmName=env.name("payment-rds-cpu-high"),
        AlarmDescription="Aurora cluster CPU above 80% for 10 minutes",
        Namespace="AWS/RDS",
        MetricName="CPUUtilization",
        Statistic="Average",
        ComparisonOperator="GreaterThanThreshold",
        Threshold=80,
        Period=300,
        EvaluationPeriods=2,
        Dimensions=[{"Name": "DBClusterIdentifier", "Value": env.ids["cluster"]}],
        AlarmActions=[topic],
        OKActions=[topic],
        Tags=env.tag_list(),
    )
    cw.put_metric_alarm(
        AlarmName=env.name("payment-lambda-errors-high"),
        AlarmDescription="Payment processor errors: 5 or more per minute, twice in a row",
        Namespace="AWS/Lambda",
        MetricName="Errors",
        Statistic="Sum",
        ComparisonOperator="GreaterThanOrEqualToThreshold",
        Threshold=5,
        Period=60,
        EvaluationPeriods=2,
        Dimensions=[{"Name": "FunctionName", "Value": env.ids["function"]}],
        TreatMissingData="notBreaching",
        AlarmActions=[topic],
        OKActions=[topic],
        Tags=env.tag_list(),
    )
    lb_suffix = env.ids["alb"].split(":loadbalancer/", 1)[-1]
    rds = ["AWS/RDS", "DBClusterIdentifier", env.ids["cluster"]]
    fn = ["FunctionName", env.ids["function"]]
    table = ["TableName", env.ids["table"]]
    lb = ["LoadBalancer", lb_suffix]
    body = {
        "widgets": [
            _widget(
                "Aurora PostgreSQL",
                0,
                [
                    [rds[0], "CPUUtilization", *rds[1:], {"stat": "Average"}],
                    [rds[0], "DatabaseConnections", *rds[1:], {"stat": "Average"}],
                    [rds[0], "FreeableMemory", *rds[1:], {"stat": "Minimum"}],
                ],
            ),
            _widget(
                "Payment processor Lambda",
                6,
                [
                    ["AWS/Lambda", "Invocations", *fn, {"stat": "Sum"}],
                    ["AWS/Lambda", "Errors", *fn, {"stat": "Sum"}],
                    ["AWS/Lambda", "Duration", *fn, {"stat": "p99"}],
                    ["AWS/Lambda", "Throttles", *fn, {"stat": "Sum"}],
                ],
            ),
            _widget(
                "Sessions table",
                12,
                [
                    ["AWS/DynamoDB", "ConsumedReadCapacityUnits", *table, {"stat": "Sum"}],
                    ["AWS/DynamoDB", "ConsumedWriteCapacityUnits", *table, {"stat": "Sum"}],
                    ["AWS/DynamoDB", "UserErrors", {"stat": "Sum"}],
                ],
            ),
            _widget(
                "Internal ALB",
                18,
                [
                    ["AWS/ApplicationELB", "RequestCount", *lb, {"stat": "Sum"}],
                    ["AWS/ApplicationELB", "TargetResponseTime", *lb, {"stat": "p99"}],
                    ["AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", *lb, {"stat": "Sum"}],
                ],
            ),
        ]
    }
    cw.put_dashboard(DashboardName=env.name("payment-processing"), DashboardBody=json.dumps(body))


# -- parameters ---------------------------------------------------------------------------------


def parameters(env: Env) -> None:
    """The app's non-sensitive String parameters under /<env>/app/."""
    ssm = env.c("ssm")
    values = {
        "app/currency": "USD",
        "app/max-payment-amount": "10000",
        "app/log-level": "INFO",
        "app/table-name": env.ids["table"],
    }
    for path, value in values.items():
        ssm.put_parameter(
            Name=f"/{env.environment}/{path}", Value=value, Type="String", Tags=env.tag_list()
        )


COMPONENTS = (
    encryption,
    network,
    database,
    sessions,
    storage,
    compute,
    ingress,
    monitoring,
    parameters,
)


def provision(env: Env) -> Env:
    """Create every component of one environment, in dependency order."""
    for component in COMPONENTS:
        component(env)
    return env
