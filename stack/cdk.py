"""CDKTF / CDK Terrain compatibility: the one module that imports the CDK and the AWS provider.

CDKTF (`cdktf`, `cdktf-cdktf-provider-aws`) was deprecated upstream in December 2025; CDK Terrain
(`cdktn`, `cdktn-provider-aws`) is its maintained fork with the same API. This module re-exports
the classes the stack uses from whichever is installed, cdktf first. PAYMENTAUDIT_CDK=cdktf|cdktn
forces one; CdkSelectionError (an ImportError with a one-line message) says what is missing.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from collections.abc import Mapping
from types import ModuleType

ENV_VAR = "PAYMENTAUDIT_CDK"
# backend -> (core module, prebuilt AWS provider module, pip packages)
BACKENDS: dict[str, tuple[str, str, str]] = {
    "cdktf": ("cdktf", "cdktf_cdktf_provider_aws", "cdktf cdktf-cdktf-provider-aws"),
    "cdktn": ("cdktn", "cdktn_provider_aws", "cdktn cdktn-provider-aws"),
}


class CdkSelectionError(ImportError):
    """The requested CDK is unknown or not installed; the message is one line."""


def _installed(backend: str) -> bool:
    core, provider, _ = BACKENDS[backend]
    return all(importlib.util.find_spec(m) is not None for m in (core, provider))


def select_backend(environ: Mapping[str, str] | None = None) -> str:
    """Return "cdktf" or "cdktn": PAYMENTAUDIT_CDK when set, else the first one installed."""
    env = os.environ if environ is None else environ
    requested = env.get(ENV_VAR, "").strip().lower()
    if requested:
        if requested not in BACKENDS:
            raise CdkSelectionError(
                f"{ENV_VAR}={requested!r} is invalid: use one of {', '.join(BACKENDS)}"
            )
        if not _installed(requested):
            raise CdkSelectionError(
                f"{ENV_VAR}={requested} but it is not installed in {_python()}: "
                f"pip install {BACKENDS[requested][2]}"
            )
        return requested
    for backend in BACKENDS:
        if _installed(backend):
            return backend
    raise CdkSelectionError(
        f"neither cdktf nor cdktn is installed in {_python()}: "
        "pip install -e '.[stack]' from the repository root (or make test)"
    )


def _python() -> str:
    return sys.executable


BACKEND = select_backend()
_CORE_NAME, _PROVIDER_NAME, _ = BACKENDS[BACKEND]
_core = importlib.import_module(_CORE_NAME)
_constructs = importlib.import_module("constructs")


def _aws(module: str) -> ModuleType:
    return importlib.import_module(f"{_PROVIDER_NAME}.{module}")


Construct = _constructs.Construct

# --- core ------------------------------------------------------------------------------------
App = _core.App
AssetType = _core.AssetType
LocalBackend = _core.LocalBackend
TerraformAsset = _core.TerraformAsset
TerraformOutput = _core.TerraformOutput
TerraformStack = _core.TerraformStack

# --- AWS provider ----------------------------------------------------------------------------
AwsProvider = _aws("provider").AwsProvider
AwsProviderDefaultTags = _aws("provider").AwsProviderDefaultTags
DataAwsCallerIdentity = _aws("data_aws_caller_identity").DataAwsCallerIdentity

Vpc = _aws("vpc").Vpc
Subnet = _aws("subnet").Subnet
RouteTable = _aws("route_table").RouteTable
RouteTableAssociation = _aws("route_table_association").RouteTableAssociation
VpcEndpoint = _aws("vpc_endpoint").VpcEndpoint
SecurityGroup = _aws("security_group").SecurityGroup
SecurityGroupIngress = _aws("security_group").SecurityGroupIngress
SecurityGroupEgress = _aws("security_group").SecurityGroupEgress
DefaultSecurityGroup = _aws("default_security_group").DefaultSecurityGroup
FlowLog = _aws("flow_log").FlowLog

CloudwatchLogGroup = _aws("cloudwatch_log_group").CloudwatchLogGroup
CloudwatchMetricAlarm = _aws("cloudwatch_metric_alarm").CloudwatchMetricAlarm
CloudwatchDashboard = _aws("cloudwatch_dashboard").CloudwatchDashboard
SnsTopic = _aws("sns_topic").SnsTopic

IamRole = _aws("iam_role").IamRole
IamRolePolicy = _aws("iam_role_policy").IamRolePolicy
KmsKey = _aws("kms_key").KmsKey
KmsAlias = _aws("kms_alias").KmsAlias

DbSubnetGroup = _aws("db_subnet_group").DbSubnetGroup
RdsCluster = _aws("rds_cluster").RdsCluster
RdsClusterInstance = _aws("rds_cluster_instance").RdsClusterInstance
RdsClusterParameterGroup = _aws("rds_cluster_parameter_group").RdsClusterParameterGroup
RdsClusterParameterGroupParameter = _aws(
    "rds_cluster_parameter_group"
).RdsClusterParameterGroupParameter
DynamodbTable = _aws("dynamodb_table").DynamodbTable
DynamodbTableAttribute = _aws("dynamodb_table").DynamodbTableAttribute
DynamodbTableGlobalSecondaryIndex = _aws("dynamodb_table").DynamodbTableGlobalSecondaryIndex

S3Bucket = _aws("s3_bucket").S3Bucket
S3BucketVersioning = _aws("s3_bucket_versioning").S3BucketVersioningA
S3BucketServerSideEncryptionConfiguration = _aws(
    "s3_bucket_server_side_encryption_configuration"
).S3BucketServerSideEncryptionConfigurationA
S3BucketServerSideEncryptionConfigurationRule = _aws(
    "s3_bucket_server_side_encryption_configuration"
).S3BucketServerSideEncryptionConfigurationRuleA
S3BucketPublicAccessBlock = _aws("s3_bucket_public_access_block").S3BucketPublicAccessBlock
S3BucketOwnershipControls = _aws("s3_bucket_ownership_controls").S3BucketOwnershipControls
S3BucketPolicy = _aws("s3_bucket_policy").S3BucketPolicy
_lifecycle = _aws("s3_bucket_lifecycle_configuration")
S3BucketLifecycleConfiguration = _lifecycle.S3BucketLifecycleConfiguration
S3BucketLifecycleConfigurationRule = _lifecycle.S3BucketLifecycleConfigurationRule
S3BucketLifecycleConfigurationRuleFilter = _lifecycle.S3BucketLifecycleConfigurationRuleFilter
S3BucketLifecycleConfigurationRuleTransition = (
    _lifecycle.S3BucketLifecycleConfigurationRuleTransition
)
S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration = (
    _lifecycle.S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration
)
S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload = (
    _lifecycle.S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload
)
S3BucketReplicationConfiguration = _aws(
    "s3_bucket_replication_configuration"
).S3BucketReplicationConfigurationA
S3BucketReplicationConfigurationRule = _aws(
    "s3_bucket_replication_configuration"
).S3BucketReplicationConfigurationRule

LambdaFunction = _aws("lambda_function").LambdaFunction
LambdaAlias = _aws("lambda_alias").LambdaAlias
LambdaPermission = _aws("lambda_permission").LambdaPermission
SsmParameter = _aws("ssm_parameter").SsmParameter

Lb = _aws("lb").Lb
LbTargetGroup = _aws("lb_target_group").LbTargetGroup
LbTargetGroupAttachment = _aws("lb_target_group_attachment").LbTargetGroupAttachment
LbListener = _aws("lb_listener").LbListener
LbListenerDefaultAction = _aws("lb_listener").LbListenerDefaultAction
LbListenerDefaultActionForwardTargetGroup = _aws(
    "lb_listener"
).LbListenerDefaultActionForwardTargetGroup

__all__ = [
    "BACKEND",
    "App",
    "AssetType",
    "AwsProvider",
    "AwsProviderDefaultTags",
    "CdkSelectionError",
    "CloudwatchDashboard",
    "CloudwatchLogGroup",
    "CloudwatchMetricAlarm",
    "Construct",
    "DataAwsCallerIdentity",
    "DbSubnetGroup",
    "DefaultSecurityGroup",
    "DynamodbTable",
    "DynamodbTableAttribute",
    "DynamodbTableGlobalSecondaryIndex",
    "FlowLog",
    "IamRole",
    "IamRolePolicy",
    "KmsAlias",
    "KmsKey",
    "LambdaAlias",
    "LambdaFunction",
    "LambdaPermission",
    "Lb",
    "LbListener",
    "LbListenerDefaultAction",
    "LbListenerDefaultActionForwardTargetGroup",
    "LbTargetGroup",
    "LbTargetGroupAttachment",
    "LocalBackend",
    "RdsCluster",
    "RdsClusterInstance",
    "RdsClusterParameterGroup",
    "RdsClusterParameterGroupParameter",
    "RouteTable",
    "RouteTableAssociation",
    "S3Bucket",
    "S3BucketLifecycleConfiguration",
    "S3BucketLifecycleConfigurationRule",
    "S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload",
    "S3BucketLifecycleConfigurationRuleFilter",
    "S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration",
    "S3BucketLifecycleConfigurationRuleTransition",
    "S3BucketOwnershipControls",
    "S3BucketPolicy",
    "S3BucketPublicAccessBlock",
    "S3BucketReplicationConfiguration",
    "S3BucketReplicationConfigurationRule",
    "S3BucketServerSideEncryptionConfiguration",
    "S3BucketServerSideEncryptionConfigurationRule",
    "S3BucketVersioning",
    "SecurityGroup",
    "SecurityGroupEgress",
    "SecurityGroupIngress",
    "SnsTopic",
    "SsmParameter",
    "Subnet",
    "TerraformAsset",
    "TerraformOutput",
    "TerraformStack",
    "Vpc",
    "VpcEndpoint",
    "select_backend",
]
