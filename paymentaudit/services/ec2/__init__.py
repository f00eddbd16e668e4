"""EC2 network: the environment's VPC, subnets, route tables, endpoints and security groups."""

from __future__ import annotations

from paymentaudit.services.ec2.collect import COLLECTORS, aws_created
from paymentaudit.services.ec2.terraform import RELATIONS, SPECS
from paymentaudit.services.spec import IamScope, Section, ServiceSpec, TerraformMapping, any_name

SERVICE = ServiceSpec(
    name="ec2",
    collectors=COLLECTORS,
    terraform=TerraformMapping(SPECS, RELATIONS),
    stack_module="stack/components/network.py",
    constructs={
        "ec2.vpc": ("Vpc",),
        "ec2.subnet": ("Subnet",),
        "ec2.route_table": ("RouteTable",),
        "ec2.security_group": ("SecurityGroup", "DefaultSecurityGroup"),
        "ec2.vpc_endpoint": ("VpcEndpoint",),
    },
    section=Section(
        title="VPC and network",
        heading="VPC and network",
        description=(
            "The VPC, its private subnets and route tables, the security groups (the VPC's "
            "default one included), the S3/DynamoDB/SSM endpoints and the VPC's flow logs (their "
            "log group is under CloudWatch)."
        ),
    ),
    aws_created=aws_created,
    sandbox_gaps={},
    # A VPC joins by its Name or EnvironmentSuffix tag, and its id says nothing: any VPC.
    iam={"vpc": (IamScope("arn:{partition}:ec2:{region}:{account}:vpc/{name}", any_name),)},
)
