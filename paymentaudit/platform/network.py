"""The network: the VPC, its private subnets, the security groups' rule intents, the VPC
endpoints and the flow logs."""

from __future__ import annotations

from dataclasses import dataclass

from paymentaudit.platform.environments import PRIMARY_REGION, PROJECT
from paymentaudit.platform.iam import Role, Statement

POSTGRES_PORT = 5432
# Sources of security-group rules other than a security group (named by its base).
FROM_VPC = "vpc-cidr"  # the VPC's CIDR block
VIA_GATEWAY_ENDPOINTS = "gateway-endpoints"  # the S3 and DynamoDB prefix lists


@dataclass(frozen=True)
class Vpc:
    """The VPC (its Name takes the environment: ``payment-<env>-vpc-<suffix>``)."""

    name: str
    cidr: str
    dns_support: bool
    dns_hostnames: bool
    default_security_group: str  # Name tag of the default SG, managed with no rules


@dataclass(frozen=True)
class Subnet:
    """A private subnet and, in the stack's layout, its own route table."""

    name: str
    route_table: str
    availability_zone: str
    cidr: str
    map_public_ip_on_launch: bool = False  # private: no public address, no internet gateway


@dataclass(frozen=True)
class SgRule:
    """One TCP rule: its purpose, port and source (FROM_VPC, VIA_GATEWAY_ENDPOINTS or a
    security group's name base)."""

    description: str
    port: int
    source: str
    protocol: str = "tcp"


@dataclass(frozen=True)
class SecurityGroup:
    """A security group and its inline rules (none: no rule; Terraform drops the default
    allow-all egress)."""

    name: str
    description: str
    ingress: tuple[SgRule, ...] = ()
    egress: tuple[SgRule, ...] = ()


@dataclass(frozen=True)
class Endpoint:
    """A VPC endpoint: gateway endpoints serve the route tables, interface endpoints the
    subnets (private DNS, one security group)."""

    name: str
    service: str  # com.amazonaws.<region>.<service>
    type: str  # Gateway | Interface
    private_dns: bool = False
    security_group: str = ""

    @property
    def service_name(self) -> str:
        """The endpoint's full service name in the primary region."""
        return f"com.amazonaws.{PRIMARY_REGION}.{self.service}"


@dataclass(frozen=True)
class FlowLogs:
    """The VPC flow logs: log group, delivery role and the flow log."""

    log_group: str
    role: Role
    statements: tuple[Statement, ...]
    name: str  # the flow log's Name tag
    traffic_type: str
    destination_type: str
    max_aggregation_interval: int


VPC = Vpc(
    name="payment-vpc",
    cidr="10.0.0.0/16",
    dns_support=True,
    dns_hostnames=True,
    default_security_group="payment-default-sg",
)
SUBNETS = (
    Subnet("payment-private-a", "payment-private-rt-a", "us-east-1a", "10.0.1.0/24"),
    Subnet("payment-private-b", "payment-private-rt-b", "us-east-1b", "10.0.2.0/24"),
    Subnet("payment-private-c", "payment-private-rt-c", "us-east-1c", "10.0.3.0/24"),
)
S3_ENDPOINT = Endpoint("payment-s3-endpoint", "s3", "Gateway")
DYNAMODB_ENDPOINT = Endpoint("payment-dynamodb-endpoint", "dynamodb", "Gateway")
GATEWAY_ENDPOINTS = (S3_ENDPOINT, DYNAMODB_ENDPOINT)
ENDPOINT_SG = SecurityGroup(
    "payment-endpoint-sg",
    "Interface VPC endpoints: HTTPS from inside the VPC only",
    ingress=(SgRule("HTTPS from the VPC", 443, FROM_VPC),),
)
# The migration Lambda reaches SSM through it: there is no NAT or internet gateway.
SSM_ENDPOINT = Endpoint(
    "payment-ssm-endpoint", "ssm", "Interface", private_dns=True, security_group=ENDPOINT_SG.name
)
LAMBDA_SG = SecurityGroup(
    "payment-lambda-sg",
    "Payment Lambdas: no ingress; egress to Aurora, endpoints and S3/DynamoDB",
    egress=(
        SgRule("PostgreSQL to Aurora in the VPC", POSTGRES_PORT, FROM_VPC),
        SgRule("HTTPS to interface endpoints in the VPC", 443, FROM_VPC),
        SgRule("HTTPS to S3 and DynamoDB via gateway endpoints", 443, VIA_GATEWAY_ENDPOINTS),
    ),
)
FLOW_LOG_GROUP_PREFIX = "/aws/vpc/flow-logs/"
FLOW_LOGS = FlowLogs(
    log_group=f"{FLOW_LOG_GROUP_PREFIX}{PROJECT}",
    role=Role(
        "payment-flow-logs-role",
        "payment-flow-logs-policy",
        "vpc-flow-logs.amazonaws.com",
        scoped=True,
    ),
    statements=(
        Statement(
            "DeliverFlowLogsToTheFlowLogGroup",
            ("logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"),
            ("{log_group_arn}", "{log_group_arn}:*"),
        ),
    ),
    name="payment-vpc-flow-log",
    traffic_type="ALL",
    destination_type="cloud-watch-logs",
    max_aggregation_interval=60,
)


def subnet(name_base: str) -> Subnet:
    """The subnet named ``name_base`` (KeyError when none is declared)."""
    return {s.name: s for s in SUBNETS}[name_base]
