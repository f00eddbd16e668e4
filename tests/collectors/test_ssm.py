"""SSM parameters: path membership, pagination, values read only when not sensitive."""

from __future__ import annotations

import math

from collectkit import (
    Recorder,
    client,
    coverage,
    deny,
    resources,
    secret_free,
    snap,
    statuses,
    without,
)

from paymentaudit.detect import is_sensitive_name
from paymentaudit.model import Status

SECURE_VALUE = "s3cure-db-passw0rd-91x"
PLAIN_SECRET = "plain-api-key-value-77q"


def _parameters() -> None:
    ssm = client("ssm")
    ssm.put_parameter(Name="/dev/app/currency", Value="USD", Type="String", Description="cur")
    ssm.put_parameter(Name="/dev/app/currencies", Value="USD,EUR", Type="StringList")
    ssm.put_parameter(Name="/dev/db/password", Value=SECURE_VALUE, Type="SecureString")
    ssm.put_parameter(Name="/dev/app/api-key", Value=PLAIN_SECRET, Type="String")
    ssm.put_parameter(Name="/prod/app/currency", Value="EUR", Type="String")
    ssm.put_parameter(Name="/devices/app/currency", Value="GBP", Type="String")


def test_parameters_under_the_path_are_read() -> None:
    _parameters()
    recorder = Recorder()
    snapshot = snap("dev", "ssm", hooks={"before-parameter-build.ssm": recorder})
    params = resources(snapshot, "ssm.parameter")
    assert set(params) == {"app/currency", "app/currencies", "db/password", "app/api-key"}

    currency = params["app/currency"]
    assert (currency.type, currency.physical_id) == ("ssm.parameter", "/dev/app/currency")
    assert currency.arn == "arn:aws:ssm:us-east-1:123456789012:parameter/dev/app/currency"
    assert currency.config["type"] == "String"
    assert currency.config["value"] == "USD"
    assert currency.config["description"] == "cur"
    assert currency.config["key_id"] is None
    assert params["app/currencies"].config["value"] == "USD,EUR"

    # A SecureString's value is never requested; a sensitive name's value is not kept.
    secure = params["db/password"]
    assert secure.config["type"] == "SecureString"
    assert secure.config["value"] == "[REDACTED]"
    assert secure.config["key_id"]  # which key encrypts it is kept
    assert params["app/api-key"].config["value"] == "[REDACTED]"
    assert secret_free(snapshot, SECURE_VALUE, PLAIN_SECRET)

    requested = [name for p in recorder.of("GetParameters") for name in p["Names"]]
    assert sorted(requested) == ["/dev/app/currencies", "/dev/app/currency"]
    assert not any(is_sensitive_name(n) for n in requested)
    assert all(p.get("WithDecryption") is False for p in recorder.of("GetParameters"))
    assert not recorder.of("GetParameter") and not recorder.of("GetParametersByPath")
    assert coverage(snapshot, "ssm").status == "ok"


def test_another_prefix_gives_paths_relative_to_it() -> None:
    _parameters()
    client("ssm").put_parameter(Name="/payments/dev/limit", Value="10", Type="String")
    snapshot = snap("dev", "ssm", ssm="/payments/dev")
    params = resources(snapshot, "ssm.parameter")
    assert set(params) == {"limit"}
    assert params["limit"].physical_id == "/payments/dev/limit"
    assert snapshot.ssm_prefix == "/payments/dev"


def test_pagination_and_batches() -> None:
    ssm = client("ssm")
    for i in range(63):
        ssm.put_parameter(Name=f"/dev/bulk/p{i:02d}", Value=f"v{i}", Type="String")
    for i in range(4):
        ssm.put_parameter(Name=f"/dev/bulk/s{i}", Value=SECURE_VALUE, Type="SecureString")
    recorder = Recorder()
    snapshot = snap("dev", "ssm", hooks={"before-parameter-build.ssm": recorder})
    params = resources(snapshot, "ssm.parameter")
    assert len(params) == 67
    assert {params[f"bulk/p{i:02d}"].config["value"] for i in range(63)} == {
        f"v{i}" for i in range(63)
    }
    assert len(recorder.of("DescribeParameters")) >= 2  # more than one page
    batches = recorder.of("GetParameters")
    assert len(batches) == math.ceil(63 / 10)
    assert all(len(b["Names"]) <= 10 for b in batches)
    requested = {n for b in batches for n in b["Names"]}
    assert not {n for n in requested if n.startswith("/dev/bulk/s")}
    assert all(b["WithDecryption"] is False for b in batches)


def test_value_failure_marks_the_values_only() -> None:
    _parameters()
    hooks = {"before-call.ssm.GetParameters": deny("GetParameters")}
    snapshot = snap("dev", "ssm", hooks=hooks)
    params = resources(snapshot, "ssm.parameter")
    assert len(params) == 4
    assert params["app/currency"].errors == {"value": "GetParameters: AccessDenied"}
    assert params["app/currency"].config["value"] is None
    assert params["app/currency"].config["type"] == "String"
    assert params["db/password"].errors == {}  # never requested, so never failed
    cov = coverage(snapshot, "ssm")
    assert cov.status == "error" and "GetParameters: AccessDenied" in cov.error


def test_list_failure_fails_the_service_only() -> None:
    _parameters()
    client("dynamodb").create_table(
        TableName="payment-sessions-dev",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    hooks = {"before-call.ssm.DescribeParameters": deny("DescribeParameters")}
    snapshot = snap("dev", "ssm", "dynamodb", hooks=hooks)
    assert snapshot.of_type("ssm.parameter") == []
    cov = coverage(snapshot, "ssm")
    assert (cov.status, cov.resources, cov.error) == (
        "error",
        0,
        "DescribeParameters: AccessDenied",
    )
    assert coverage(snapshot, "dynamodb").status == "ok"
    assert len(snapshot.of_type("dynamodb.table")) == 1


def test_a_missing_type_is_unknown_and_the_value_never_read() -> None:
    _parameters()
    recorder = Recorder()
    hooks = {
        "after-call.ssm.DescribeParameters": without("Parameters[].Type"),
        "before-parameter-build.ssm": recorder,
    }
    snapshot = snap("dev", "ssm", hooks=hooks)
    params = resources(snapshot, "ssm.parameter")
    assert params["db/password"].errors == {"type": "Type not in the response"}
    # Whether a value may be read depends on the type: none is requested.
    assert recorder.of("GetParameters") == []
    assert {p.config["value"] for p in params.values()} == {"[REDACTED]"}
    assert statuses(snapshot, "SSM-SENSITIVE-TYPE", coverage_ok=True) == {Status.NOT_EVALUATED}
