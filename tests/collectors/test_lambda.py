"""Lambda functions: configuration, environment values never kept, membership, failures."""

from __future__ import annotations

import io
import zipfile

from collectkit import (
    Recorder,
    client,
    coverage,
    deny,
    resources,
    secret_free,
    snap,
    snaps,
    statuses,
    without,
)

from paymentaudit.model import Status
from paymentaudit.normalize import normalizer_for

DB_PASSWORD = "literal-db-passw0rd-xyz"
API_TOKEN = "tok-0a1b2c3d4e5f-literal"
TABLE_NAME = "sessions-table-4821"  # not sensitive, yet its value is not kept either


def _role() -> str:
    return client("iam").create_role(
        RoleName="payment-lambda-role-dev",
        AssumeRolePolicyDocument='{"Version": "2012-10-17", "Statement": []}',
    )["Role"]["Arn"]


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("handler.py", "def handler(event, context):\n    return {}\n")
    return buf.getvalue()


def _function(name: str, role: str, **kw: object) -> dict:
    return client("lambda").create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=role,
        Handler="handler.handler",
        Code={"ZipFile": _zip()},
        **kw,
    )


def _processor(role: str) -> str:
    ec2 = client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="payment-lambda-sg-dev", Description="x", VpcId=vpc)
    key_arn = client("kms").create_key()["KeyMetadata"]["Arn"]
    fn = _function(
        "payment-processor-dev",
        role,
        MemorySize=512,
        Timeout=30,
        Publish=True,
        TracingConfig={"Mode": "Active"},
        KMSKeyArn=key_arn,
        VpcConfig={"SubnetIds": [subnet], "SecurityGroupIds": [group["GroupId"]]},
        Environment={
            "Variables": {
                "TABLE_NAME": TABLE_NAME,
                "DB_PASSWORD": DB_PASSWORD,
                "API_TOKEN": API_TOKEN,
                "DB_SECRET_ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf",
            }
        },
    )
    lam = client("lambda")
    lam.put_function_concurrency(FunctionName=fn["FunctionName"], ReservedConcurrentExecutions=50)
    for alias in ("blue", "green"):
        lam.create_alias(FunctionName=fn["FunctionName"], Name=alias, FunctionVersion="1")
    return subnet


def test_function_configuration_is_read_and_values_are_never_kept() -> None:
    role = _role()
    subnet = _processor(role)
    snapshot = snap("dev", "lambda")
    fn = resources(snapshot, "lambda.function")["payment-processor"]
    assert (fn.type, fn.physical_id, fn.region) == (
        "lambda.function",
        "payment-processor-dev",
        "us-east-1",
    )
    assert fn.arn.endswith(":function:payment-processor-dev")
    cfg = fn.config
    assert (cfg["runtime"], cfg["handler"]) == ("python3.12", "handler.handler")
    assert (cfg["memory_size"], cfg["timeout"]) == (512, 30)
    assert cfg["tracing_mode"] == "Active"
    assert cfg["subnet_ids"] == [subnet]
    assert len(cfg["security_group_ids"]) == 1
    assert cfg["role"] == role
    assert cfg["reserved_concurrent_executions"] == 50
    assert cfg["aliases"] == ["blue", "green"]
    assert cfg["kms_key_arn"].startswith("arn:aws:kms:us-east-1:")

    # Variable names are kept, every value is replaced; literal secrets are named.
    assert cfg["environment"] == dict.fromkeys(
        ("TABLE_NAME", "DB_PASSWORD", "API_TOKEN", "DB_SECRET_ARN"), "[REDACTED]"
    )
    assert cfg["sensitive_literal_variables"] == ["API_TOKEN", "DB_PASSWORD"]
    assert secret_free(snapshot, DB_PASSWORD, API_TOKEN, TABLE_NAME, "secret:db-AbCdEf")

    # Alias ARNs are identifiers of the function: they normalize to its logical name.
    assert f"{fn.arn}:blue" in fn.aliases
    normalizer = normalizer_for(snapshot)
    assert normalizer.string(f"{fn.arn}:green") == "payment-processor"


def test_membership_by_suffix_and_tag() -> None:
    role = _role()
    _function("payment-processor-dev", role)
    _function("payment-processor-prod-abc123", role)
    _function("nightly-export", role, Tags={"EnvironmentSuffix": "dev"})
    _function("parameter-migration-dev", role, Tags={"EnvironmentSuffix": "abc-dev"})
    result = snaps(["dev", "prod-abc123"], "lambda")
    assert {r.physical_id for r in result["dev"].resources} == {
        "payment-processor-dev",
        "nightly-export",
    }
    assert {r.logical_name for r in result["prod-abc123"].resources} == {"payment-processor"}


def test_detail_failure_marks_the_attribute() -> None:
    role = _role()
    _function("payment-processor-dev", role, Environment={"Variables": {"X": "1"}})
    client("sns").create_topic(Name="payment-alarms-dev")
    hooks = {"before-call.lambda.GetFunctionConcurrency": deny("GetFunctionConcurrency")}
    snapshot = snap("dev", "lambda", "sns", hooks=hooks)
    fn = resources(snapshot, "lambda.function")["payment-processor"]
    assert fn.errors == {"reserved_concurrent_executions": "GetFunctionConcurrency: AccessDenied"}
    assert fn.config["reserved_concurrent_executions"] is None
    assert fn.config["environment"] == {"X": "[REDACTED]"}
    cov = coverage(snapshot, "lambda")
    assert cov.status == "error" and "payment-processor-dev" in cov.error
    assert coverage(snapshot, "sns").status == "ok"


def test_list_failure_fails_the_service_only() -> None:
    _function("payment-processor-dev", _role())
    client("sns").create_topic(Name="payment-alarms-dev")
    recorder = Recorder()
    hooks = {
        "before-call.lambda.ListFunctions": deny("ListFunctions"),
        "before-parameter-build.lambda": recorder,
    }
    snapshot = snap("dev", "lambda", "sns", hooks=hooks)
    assert snapshot.of_type("lambda.function") == []
    cov = coverage(snapshot, "lambda")
    assert (cov.status, cov.resources, cov.error) == ("error", 0, "ListFunctions: AccessDenied")
    assert [op for op, _ in recorder.calls] == ["ListFunctions"]  # no detail call follows
    assert len(snapshot.of_type("sns.topic")) == 1


def test_a_missing_member_is_unknown_never_a_default() -> None:
    """TracingConfig and PackageType are returned for every function: without them the
    attributes are unknown (never PassThrough or Zip), LAMBDA-TRACING is not evaluated.
    LoggingConfig, which moto never returns, keeps its documented meaning (the default group)."""
    _processor(_role())
    drop = without("Functions[].TracingConfig", "Functions[].PackageType")
    snapshot = snap("dev", "lambda", hooks={"after-call.lambda.ListFunctions": drop})
    fn = resources(snapshot, "lambda.function")["payment-processor"]
    assert fn.errors == {
        "tracing_mode": "TracingConfig not in the response",
        "package_type": "PackageType not in the response",
    }
    assert fn.config["tracing_mode"] is None and fn.config["package_type"] is None
    assert fn.config["log_group"] is None  # LoggingConfig absent: /aws/lambda/<name>
    assert coverage(snapshot, "lambda").status == "error"
    for ok in (False, True):
        assert statuses(snapshot, "LAMBDA-TRACING", coverage_ok=ok) == {Status.NOT_EVALUATED}
    assert statuses(snapshot, "LAMBDA-VPC", coverage_ok=True) == {Status.PASS}
