"""The platform's original operator runbook (issue #16), walked on moto in its order.

Each step runs the boto3 call equivalent to the runbook's CLI command against a sandbox that
holds dev and prod-abc123 as stack/ declares them (clean: no planted drifts). moto cannot run
Lambda code without Docker, so an ``aws lambda invoke`` is the function's handler called in
this process, with the environment variables the synthesized stack gives that function and
boto3 clients that reach the sandbox (AWS_ENDPOINT_URL).

    1. Post-Deployment 1: the parameter migration with ``{}`` and its summary.
    2. Manual Validation, "Test Lambda function": the runbook's payload, 201 then 200.
    3. Blue-Green Deployment: target health, switch to green, roll back to blue; ``validate``
       during the cutover (the allowed difference) and after the rollback (no difference).
    4. Manual Validation (and Troubleshooting): each lookup finds exactly the stack's resource.
    5. Monitoring and Outputs: the alarm, dashboard and output names are in the stack.

The steps share one sandbox and run in file order, as an operator would; each also passes
alone.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest
from runbookkit import (
    BASELINE,
    HANDLER_VARIABLES,
    MIGRATION_PAYLOAD,
    PAYMENT_PAYLOAD,
    REGION,
    ROOT,
    SUFFIX,
    Box,
    Deployed,
    Stack,
    failing,
    live_groups,
    on_listeners,
    tls_only_policy_lifted,
    validate,
)

LAMBDA_DIR = ROOT / "lambda"
# `lambda` is a keyword: the handlers are top-level modules of lambda/ (as in tests/lambda).
if str(LAMBDA_DIR) not in sys.path:
    sys.path.insert(0, str(LAMBDA_DIR))

pytestmark = [pytest.mark.synth, pytest.mark.slow]


@pytest.fixture(scope="module")
def stack() -> Stack:
    """The stack synthesized for prod-abc123 (the session cache: no second synth)."""
    from paymentaudit.desired.synth import synthesize
    from paymentaudit.errors import SynthError

    try:
        done = synthesize(SUFFIX, "prod", stack_dir=ROOT / "stack")
    except SynthError as error:
        pytest.fail(f"the prod synth failed: {error}", pytrace=False)
    return Stack(json.loads(done.path.read_text()))


@pytest.fixture(scope="module")
def box(stack: Stack) -> Iterator[Box]:
    """An in-process moto server with dev and prod-abc123, clean (drifts=False).

    The session `sandbox` fixture runs in another process, and the in-process sandboxes of
    other modules are stopped before this one starts, so the global S3 names are free.
    """
    from paymentaudit.sandbox import build, client_factory, server

    with server() as url:
        envs = build(url, SUFFIX, BASELINE, drifts=False)
        clients = client_factory(url)
        yield Box(url=url, clients=clients, envs=envs, deployed=Deployed(stack, clients))


@pytest.fixture
def invoke(
    box: Box, stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[str, str], Any]]:
    """`aws lambda invoke --function-name NAME --payload PAYLOAD response.json`: returns the
    parsed response.json. The handler named by the stack runs here, with the stack's variables
    for that function and clients created by the handler itself (AWS_ENDPOINT_URL)."""
    modules: list[ModuleType] = []
    monkeypatch.setenv("AWS_ENDPOINT_URL", box.url)
    monkeypatch.setenv("AWS_REGION", REGION)

    def call(function_name: str, payload: str) -> Any:
        deployed = box.c("lambda").get_function(FunctionName=function_name)["Configuration"]
        _, function = stack.named("aws_lambda_function", "function_name", function_name)
        assert deployed["Handler"] == function["handler"]
        variables = function["environment"]["variables"]
        assert set(deployed["Environment"]["Variables"]) == set(variables)
        for name in HANDLER_VARIABLES:
            monkeypatch.delenv(name, raising=False)
        for name, expression in variables.items():
            monkeypatch.setenv(name, box.deployed.value(expression))
        module_name, handler_name = function["handler"].rsplit(".", 1)
        dont_write_bytecode, sys.dont_write_bytecode = sys.dont_write_bytecode, True
        try:  # the stack zips lambda/ as is: leave no __pycache__ in it
            module = importlib.import_module(module_name)
        finally:
            sys.dont_write_bytecode = dont_write_bytecode
        module._CLIENTS.clear()  # a client cached by another test may point elsewhere
        modules.append(module)
        context = SimpleNamespace(
            aws_request_id="runbook-1",
            function_name=function_name,
            get_remaining_time_in_millis=lambda: function["timeout"] * 1000,
        )
        result = getattr(module, handler_name)(json.loads(payload), context)
        return json.loads(json.dumps(result))  # what lands in response.json

    yield call
    for module in modules:
        module._CLIENTS.clear()


# --------------------------------------------------------------------------- 1. migration


def test_step1_parameter_migration(box: Box, invoke: Callable[[str, str], Any]) -> None:
    """Copy /dev/* to /prod/*, skip the sensitive, summarize migrated/skipped/errors."""
    ssm = box.c("ssm")
    # Besides what each environment already holds (/dev/app/* and /prod/app/*): a setting new
    # in dev, and the database password, which each environment keeps as its own secret.
    ssm.put_parameter(Name="/dev/app/fraud-rules", Value="velocity,geo", Type="String")
    for env, secret in (("dev", "dev-secret-1"), ("prod", "prod-secret-2")):
        ssm.put_parameter(Name=f"/{env}/app/db-password", Value=secret, Type="SecureString")

    summary = invoke(f"parameter-migration-{SUFFIX}", MIGRATION_PAYLOAD)

    assert summary["migrated"] == ["/dev/app/fraud-rules"]
    assert summary["skipped"] == ["/dev/app/db-password"]
    assert summary["errors"] == []
    assert summary["unchanged"] == [
        "/dev/app/currency",
        "/dev/app/log-level",
        "/dev/app/max-payment-amount",
    ]
    assert summary["conflicts"] == ["/dev/app/table-name"]  # prod's own table: not overwritten
    assert summary["counts"] == {
        "migrated": 1,
        "skipped": 1,
        "unchanged": 3,
        "conflicts": 1,
        "errors": 0,
        "total": 6,
    }
    assert summary["dry_run"] is False
    copied = ssm.get_parameter(Name="/prod/app/fraud-rules")["Parameter"]
    assert (copied["Value"], copied["Type"]) == ("velocity,geo", "String")
    secret = ssm.get_parameter(Name="/prod/app/db-password", WithDecryption=True)["Parameter"]
    assert secret["Value"] == "prod-secret-2"
    table = ssm.get_parameter(Name="/prod/app/table-name")["Parameter"]["Value"]
    assert table == f"payment-sessions-{SUFFIX}"


# --------------------------------------------------------------------------- 2. the payment


def test_step2_payment_test_payload(box: Box, invoke: Callable[[str, str], Any]) -> None:
    """The runbook's payload, verbatim: 201 and stored in USD, then 200 on the repeat."""
    s3 = box.c("s3")
    bucket = box.deployed.output("audit_bucket_name")
    with tls_only_policy_lifted(s3, bucket):
        first = invoke(f"payment-processor-{SUFFIX}", PAYMENT_PAYLOAD)
        again = invoke(f"payment-processor-{SUFFIX}", PAYMENT_PAYLOAD)
        audit = s3.get_object(Bucket=bucket, Key="payments/test-123.json")
        audit_document = json.loads(audit["Body"].read())

    assert set(first) == {"statusCode", "statusDescription", "headers", "body", "isBase64Encoded"}
    assert (first["statusCode"], first["statusDescription"]) == (201, "201 Created")
    assert first["headers"]["Content-Type"] == "application/json"
    assert first["isBase64Encoded"] is False
    payment = json.loads(first["body"])
    assert {k: payment[k] for k in ("payment_id", "user_id", "amount", "currency")} == {
        "payment_id": "test-123",
        "user_id": "user-456",
        "amount": "100.00",
        "currency": "USD",
    }
    table = box.deployed.output("dynamodb_table_name")
    item = box.c("dynamodb").get_item(
        TableName=table, Key={"session_id": {"S": "payment#test-123"}}, ConsistentRead=True
    )["Item"]
    assert item["currency"] == {"S": "USD"}
    assert item["user_id"] == {"S": "user-456"}
    assert audit["ServerSideEncryption"] == "aws:kms"
    assert audit["SSEKMSKeyId"] == box.env.ids["payment-cmk"]
    assert audit_document["payment"] == payment

    # The identical repeat: the stored record, unchanged.
    assert (again["statusCode"], again["statusDescription"]) == (200, "200 OK")
    assert json.loads(again["body"]) == payment


# --------------------------------------------------------------------------- 3. blue/green


def test_step3_blue_green_cutover_and_rollback(box: Box, tmp_path: Path) -> None:
    """Target health, switch to green (validate: an allowed cutover), roll back to blue
    (validate: no difference left)."""
    elb = box.c("elbv2")
    blue = box.deployed.output("blue_target_group_arn")
    green = box.deployed.output("green_target_group_arn")
    listener = box.deployed.output("listener_arn")
    assert live_groups(
        elb.describe_listeners(ListenerArns=[listener])["Listeners"][0]["DefaultActions"]
    ) == {blue}

    # 2. Run health checks (and Troubleshooting's check of blue): each group holds its alias.
    for colour, group in (("green", green), ("blue", blue)):
        (health,) = elb.describe_target_health(TargetGroupArn=group)["TargetHealthDescriptions"]
        assert health["Target"]["Id"] == box.env.ids["aliases"][colour]
        assert health["TargetHealth"]["State"] == "healthy"

    # 3. Switch ALB listener to green.
    elb.modify_listener(
        ListenerArn=listener, DefaultActions=[{"Type": "forward", "TargetGroupArn": green}]
    )
    actions = elb.describe_listeners(ListenerArns=[listener])["Listeners"][0]["DefaultActions"]
    assert live_groups(actions) == {green}

    code, doc = validate(box, tmp_path / "cutover")
    assert code == 0, [f for f in doc["findings"] if f["severity"] != "info"]
    assert "ALB-BLUE-GREEN" not in {n["check"] for n in doc.get("not_evaluated", [])}
    assert failing(doc, "ALB-BLUE-GREEN") == []
    cutover = on_listeners(doc)
    assert cutover, "the switch to green is a difference from dev that the report shows"
    for finding in cutover:
        assert finding["severity"] == "info", finding
        assert "cutover" in finding["message"], finding

    # 5. Rollback if needed.
    elb.modify_listener(
        ListenerArn=listener, DefaultActions=[{"Type": "forward", "TargetGroupArn": blue}]
    )
    actions = elb.describe_listeners(ListenerArns=[listener])["Listeners"][0]["DefaultActions"]
    assert live_groups(actions) == {blue}

    code, doc = validate(box, tmp_path / "rolled-back")
    assert code == 0, [f for f in doc["findings"] if f["severity"] != "info"]
    assert on_listeners(doc) == []


# --------------------------------------------------------------------------- 4. manual checks


def test_step4_manual_validation_lookups(box: Box, stack: Stack) -> None:
    """Each Manual Validation lookup, as the runbook writes it, finds exactly the stack's
    resource."""
    ec2, rds = box.c("ec2"), box.c("rds")

    # aws ec2 describe-vpcs --filters "Name=tag:Name,Values=payment-prod-vpc-${SUFFIX}"
    vpc_name = f"payment-prod-vpc-{SUFFIX}"
    _, vpc = stack.named("aws_vpc", "Name", vpc_name)
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [vpc_name]}])["Vpcs"]
    assert [(v["VpcId"], v["CidrBlock"]) for v in vpcs] == [(box.env.ids["vpc"], vpc["cidr_block"])]

    # aws rds describe-db-clusters --db-cluster-identifier payment-aurora-cluster-${SUFFIX}
    cluster_id = f"payment-aurora-cluster-{SUFFIX}"
    _, cluster = stack.named("aws_rds_cluster", "cluster_identifier", cluster_id)
    (found,) = rds.describe_db_clusters(DBClusterIdentifier=cluster_id)["DBClusters"]
    assert found["DBClusterIdentifier"] == cluster_id
    assert (found["Engine"], found["DatabaseName"]) == (cluster["engine"], "payments")

    # aws dynamodb describe-table --table-name payment-sessions-${SUFFIX}
    table_name = f"payment-sessions-{SUFFIX}"
    _, table = stack.named("aws_dynamodb_table", "name", table_name)
    described = box.c("dynamodb").describe_table(TableName=table_name)["Table"]
    assert described["TableName"] == table_name == box.deployed.output("dynamodb_table_name")
    assert described["KeySchema"] == [{"AttributeName": table["hash_key"], "KeyType": "HASH"}]

    # aws s3api get-bucket-replication --bucket payment-audit-logs-${SUFFIX}
    bucket = f"payment-audit-logs-{SUFFIX}"
    stack.named("aws_s3_bucket", "bucket", bucket)
    assert box.deployed.output("audit_bucket_name") == bucket
    (declared,) = stack.resources("aws_s3_bucket_replication_configuration").values()
    assert box.deployed.value(declared["bucket"]) == bucket
    (declared_rule,) = declared["rule"]
    replication = box.c("s3").get_bucket_replication(Bucket=bucket)["ReplicationConfiguration"]
    (rule,) = replication["Rules"]
    assert (rule["ID"], rule["Status"]) == (declared_rule["id"], "Enabled")
    replica = box.deployed.value(declared_rule["destination"]["bucket"])
    assert (
        rule["Destination"]["Bucket"]
        == replica
        == f"arn:aws:s3:::payment-audit-logs-replica-{SUFFIX}"
    )

    # Troubleshooting: aws ec2 describe-security-groups --group-names payment-rds-sg-${SUFFIX}
    # (moto answers --group-names for any VPC; real EC2 only for the default VPC, and wants
    # --filters Name=group-name,Values=... for a group in the payment VPC.)
    group_name = f"payment-rds-sg-{SUFFIX}"
    _, declared_group = stack.named("aws_security_group", "name", group_name)
    (group,) = ec2.describe_security_groups(GroupNames=[group_name])["SecurityGroups"]
    assert (group["GroupId"], group["VpcId"]) == (box.env.ids["rds_sg"], box.env.ids["vpc"])
    (ingress,) = declared_group["ingress"]
    (permission,) = group["IpPermissions"]
    assert (permission["FromPort"], permission["ToPort"]) == (
        ingress["from_port"],
        ingress["to_port"],
    )
    assert [p["GroupId"] for p in permission["UserIdGroupPairs"]] == [box.env.ids["lambda_sg"]]

    # aws lambda invoke --function-name payment-processor-${SUFFIX} (step 2 invokes it)
    function = box.c("lambda").get_function(FunctionName=f"payment-processor-{SUFFIX}")
    stack.named("aws_lambda_function", "function_name", function["Configuration"]["FunctionName"])


# --------------------------------------------------------------------------- 5. names
# The runbook's outputs ("Outputs", and those the other sections use) and what each names.
OUTPUTS = {
    "vpc_id": ("aws_vpc", "id", "Name", f"payment-prod-vpc-{SUFFIX}"),
    "rds_cluster_endpoint": (
        "aws_rds_cluster",
        "endpoint",
        "cluster_identifier",
        f"payment-aurora-cluster-{SUFFIX}",
    ),
    "dynamodb_table_name": ("aws_dynamodb_table", "name", "name", f"payment-sessions-{SUFFIX}"),
    "audit_bucket_name": ("aws_s3_bucket", "bucket", "bucket", f"payment-audit-logs-{SUFFIX}"),
    "payment_lambda_arn": (
        "aws_lambda_function",
        "arn",
        "function_name",
        f"payment-processor-{SUFFIX}",
    ),
    "alb_dns_name": ("aws_lb", "dns_name", "name", f"payment-alb-{SUFFIX}"),
    "alarm_topic_arn": ("aws_sns_topic", "arn", "name", f"payment-alarms-{SUFFIX}"),
    "blue_target_group_arn": ("aws_lb_target_group", "arn", "name", f"payment-blue-{SUFFIX}"),
}


def test_step5_monitoring_and_output_names(box: Box, stack: Stack) -> None:
    """Monitoring's dashboard and two alarms, the log group to tail, and every output the
    runbook uses are in the synthesized stack (and the alarms and dashboard in the sandbox)."""
    dashboard_name = f"payment-processing-{SUFFIX}"
    _, dashboard = stack.named("aws_cloudwatch_dashboard", "dashboard_name", dashboard_name)
    namespaces = {
        metric[0]
        for widget in json.loads(dashboard["dashboard_body"])["widgets"]
        for metric in widget["properties"]["metrics"]
    }
    assert {"AWS/RDS", "AWS/Lambda", "AWS/DynamoDB", "AWS/ApplicationELB"} <= namespaces
    assert box.c("cloudwatch").get_dashboard(DashboardName=dashboard_name)["DashboardName"] == (
        dashboard_name
    )

    # RDS CPU High: CPUUtilization > 80 %, 2 periods of 5 minutes; Lambda Errors High: 5 errors
    # per minute, 2 periods of 1 minute; both publish to the alarm topic.
    alarms = {
        f"payment-rds-cpu-high-{SUFFIX}": ("CPUUtilization", 80, 2, 300),
        f"payment-lambda-errors-high-{SUFFIX}": ("Errors", 5, 2, 60),
    }
    declared = {a["alarm_name"]: a for a in stack.resources("aws_cloudwatch_metric_alarm").values()}
    assert set(declared) == set(alarms)
    topic = stack.output("alarm_topic_arn")
    for name, (metric, threshold, periods, seconds) in alarms.items():
        alarm = declared[name]
        assert (
            alarm["metric_name"],
            alarm["threshold"],
            alarm["evaluation_periods"],
            alarm["period"],
        ) == (metric, threshold, periods, seconds)
        assert alarm["alarm_actions"] == [topic]
    live = box.c("cloudwatch").describe_alarms(AlarmNames=list(alarms))["MetricAlarms"]
    assert sorted(a["AlarmName"] for a in live) == sorted(alarms)
    topics = {action for a in live for action in a["AlarmActions"]}
    assert [t.rsplit(":", 1)[-1] for t in topics] == [f"payment-alarms-{SUFFIX}"]

    # aws logs tail /aws/lambda/payment-processor-${SUFFIX}
    stack.named("aws_cloudwatch_log_group", "name", f"/aws/lambda/payment-processor-{SUFFIX}")

    for output, (rtype, attr, key, value) in OUTPUTS.items():
        logical, _ = stack.named(rtype, key, value)
        assert stack.output(output) == f"${{{rtype}.{logical}.{attr}}}", output
