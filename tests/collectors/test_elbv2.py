"""ELBv2: the load balancer (attributes, listeners) and its target groups."""

from __future__ import annotations

import pytest
from collectkit import client, coverage, deny, resources, snap, snaps, statuses, tag_list, without

from paymentaudit.model import Status
from paymentaudit.normalize import normalize_snapshot


def _network() -> tuple[list[str], str]:
    ec2 = client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=az)["Subnet"]["SubnetId"]
        for cidr, az in (("10.0.1.0/24", "us-east-1a"), ("10.0.2.0/24", "us-east-1b"))
    ]
    return subnets, vpc


def _load_balancer(name: str, subnets: list[str], **kw: object) -> str:
    return client("elbv2").create_load_balancer(
        Name=name, Subnets=subnets, Scheme="internal", Type="application", **kw
    )["LoadBalancers"][0]["LoadBalancerArn"]


def _target_group(name: str, vpc: str, **kw: object) -> str:
    return client("elbv2").create_target_group(
        Name=name,
        Protocol="HTTP",
        Port=8080,
        VpcId=vpc,
        TargetType="ip",
        HealthCheckPath="/health",
        HealthCheckIntervalSeconds=35,
        Matcher={"HttpCode": "200"},
        **kw,
    )["TargetGroups"][0]["TargetGroupArn"]


def _blue_green() -> tuple[str, str, str]:
    subnets, vpc = _network()
    elb = client("elbv2")
    lb = _load_balancer("payment-alb-dev", subnets)
    elb.modify_load_balancer_attributes(
        LoadBalancerArn=lb, Attributes=[{"Key": "deletion_protection.enabled", "Value": "true"}]
    )
    blue = _target_group("payment-blue-dev", vpc)
    green = _target_group("payment-green-dev", vpc)
    elb.register_targets(TargetGroupArn=blue, Targets=[{"Id": "10.0.1.10", "Port": 8080}])
    elb.create_listener(
        LoadBalancerArn=lb,
        Port=80,
        Protocol="HTTP",
        DefaultActions=[
            {
                "Type": "forward",
                "ForwardConfig": {
                    "TargetGroups": [
                        {"TargetGroupArn": blue, "Weight": 100},
                        {"TargetGroupArn": green, "Weight": 0},
                    ]
                },
            }
        ],
    )
    return lb, blue, green


def test_load_balancer_and_target_groups_are_read() -> None:
    lb_arn, blue_arn, _green_arn = _blue_green()
    snapshot = snap("dev", "elbv2")
    lb = resources(snapshot, "elbv2.load_balancer")["payment-alb"]
    assert (lb.type, lb.physical_id, lb.arn) == ("elbv2.load_balancer", "payment-alb-dev", lb_arn)
    cfg = lb.config
    assert cfg["load_balancer_type"] == "application"
    assert cfg["internal"] is True
    assert len(cfg["subnets"]) == 2
    assert cfg["attributes"]["deletion_protection.enabled"] == "true"
    listener = cfg["listeners"]["HTTP:80"]
    assert (listener["protocol"], listener["port"]) == ("HTTP", 80)
    # Traffic shares: green, at weight 0, takes none of it.
    assert listener["default_actions"] == [{"type": "forward", "target_groups": {blue_arn: 100}}]

    groups = resources(snapshot, "elbv2.target_group")
    assert set(groups) == {"payment-blue", "payment-green"}
    blue = groups["payment-blue"]
    assert (blue.physical_id, blue.arn) == ("payment-blue-dev", blue_arn)
    assert blue.config["protocol"] == "HTTP" and blue.config["port"] == 8080
    assert blue.config["target_type"] == "ip"
    assert blue.config["health_check"]["path"] == "/health"
    assert blue.config["health_check"]["interval_seconds"] == 35
    assert blue.config["health_check"]["matcher"] == "200"
    assert [t["id"] for t in blue.config["targets"]] == ["10.0.1.10"]
    assert groups["payment-green"].config["targets"] == []
    # Which load balancers use a group is the listeners' business (compared on the ALB).
    assert "load_balancer_arns" not in blue.config

    # Target-group ARNs in the listener normalize to the groups' logical names.
    norm = normalize_snapshot(snapshot)[lb.key]
    assert norm["listeners"]["HTTP:80"]["default_actions"][0]["target_groups"] == {
        "payment-blue": 100,
    }
    assert coverage(snapshot, "elbv2").status == "ok"


def test_membership_by_suffix_and_tag() -> None:
    subnets, vpc = _network()
    _load_balancer("payment-alb-dev", subnets)
    _load_balancer("payment-alb-prod-abc123", subnets)
    _load_balancer("internal-api", subnets, Tags=tag_list("dev"))
    _load_balancer("payment-api-dev", subnets, Tags=tag_list("abc-dev"))
    _target_group("payment-blue-dev", vpc)
    _target_group("payment-blue-prod-abc123", vpc)
    result = snaps(["dev", "prod-abc123"], "elbv2")
    assert {r.physical_id for r in result["dev"].resources} == {
        "payment-alb-dev",
        "internal-api",
        "payment-blue-dev",
    }
    assert {r.logical_name for r in result["prod-abc123"].resources} == {
        "payment-alb",
        "payment-blue",
    }


def test_attribute_failure_marks_the_attribute() -> None:
    _blue_green()
    hooks = {
        "before-call.elastic-load-balancing-v2.DescribeLoadBalancerAttributes": deny(
            "DescribeLoadBalancerAttributes"
        )
    }
    snapshot = snap("dev", "elbv2", hooks=hooks)
    lb = resources(snapshot, "elbv2.load_balancer")["payment-alb"]
    assert lb.errors == {"attributes": "DescribeLoadBalancerAttributes: AccessDenied"}
    assert lb.config["attributes"] is None
    assert lb.config["listeners"]  # still read
    assert coverage(snapshot, "elbv2").status == "error"
    assert len(snapshot.of_type("elbv2.target_group")) == 2


def test_list_failure_leaves_target_groups() -> None:
    _blue_green()
    hooks = {
        "before-call.elastic-load-balancing-v2.DescribeLoadBalancers": deny("DescribeLoadBalancers")
    }
    snapshot = snap("dev", "elbv2", hooks=hooks)
    assert snapshot.of_type("elbv2.load_balancer") == []
    assert len(snapshot.of_type("elbv2.target_group")) == 2
    assert coverage(snapshot, "elbv2").error == "DescribeLoadBalancers: AccessDenied"


@pytest.mark.parametrize(
    ("weights", "shares"),
    [
        ({"blue": 100, "green": 0}, {"blue": 100}),  # before a cutover
        ({"blue": 1}, {"blue": 100}),  # a forward to blue alone: the same routing
        ({"blue": 0, "green": 100}, {"green": 100}),  # after the cutover
        ({"blue": 1, "green": 3}, {"blue": 25, "green": 75}),  # a canary
        ({"blue": 0, "green": 0}, {}),  # nothing forwarded
    ],
)
def test_forwards_compare_by_traffic_share(weights: dict[str, int], shares: dict[str, int]) -> None:
    from paymentaudit.services.elbv2.collect import traffic_shares

    assert traffic_shares(weights) == shares


def test_missing_attributes_are_unknown_never_off() -> None:
    subnets, _vpc = _network()
    _load_balancer("payment-alb-dev", subnets)
    hooks = {
        "after-call.elastic-load-balancing-v2.DescribeLoadBalancerAttributes": without("Attributes")
    }
    snapshot = snap("dev", "elbv2", hooks=hooks)
    alb = resources(snapshot, "elbv2.load_balancer")["payment-alb"]
    assert alb.errors == {"attributes": "Attributes not in the response"}
    assert alb.config["attributes"] is None
    assert statuses(snapshot, "ALB-DELETION-PROTECTION", coverage_ok=True) == {Status.NOT_EVALUATED}
