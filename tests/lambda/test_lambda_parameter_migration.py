"""parameter_migration against moto: buckets, secrecy, overwrite/dry_run, idempotency, faults."""

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import boto3
import parameter_migration as pm
import pytest
from botocore.stub import Stubber
from lambda_testkit import Fault, FaultyClient, WireSSM, client_error, record_calls
from moto import mock_aws

PLAIN = {  # source name -> (type, value, description)
    "/dev/app/currency": ("String", "EUR", "default currency"),
    "/dev/app/regions": ("StringList", "eu-west-1,us-east-1", None),
    "/dev/top": ("String", "1", None),
    "/dev/app/deep/er/still/flag": ("String", "on", "nested"),
}
SENSITIVE = {  # never read: by type or by name
    "/dev/app/encrypted": "SecureString",
    "/dev/app/db_password": "String",
    "/dev/app/Client-Secret": "String",
    "/dev/app/api_token": "StringList",
    "/dev/app/API_KEY": "String",
    "/dev/app/credentials/user": "String",
    "/dev/privateThing": "String",
}
OUTSIDE = {"/devices/x": "1", "/other/dev/y": "2"}  # not under /dev/
BULK = 60  # more than one DescribeParameters page (50) and six GetParameters batches


def put(ssm: Any, name: str, value: str, type_: str = "String", **kwargs: Any) -> None:
    ssm.put_parameter(Name=name, Value=value, Type=type_, **kwargs)


@pytest.fixture
def ssm() -> Iterator[Any]:
    """moto SSM seeded with plain, sensitive, bulk and out-of-path parameters; the handler's
    client is the module client, so hooks registered on it see every call."""
    with mock_aws():
        client = pm._client("ssm")
        for name, (type_, value, description) in PLAIN.items():
            put(client, name, value, type_, **({"Description": description} if description else {}))
        for name, type_ in SENSITIVE.items():
            put(client, name, "hunter2,s3cr3t", type_)
        for name, value in OUTSIDE.items():
            put(client, name, value)
        for i in range(BULK):
            put(client, f"/dev/bulk/g{i % 7}/p{i:03d}", f"value-{i}")
        yield client


def run(event: Any = None, context: Any = None) -> dict[str, Any]:
    return pm.handler({} if event is None else event, context)


def values_under(ssm: Any, path: str) -> dict[str, tuple[str, str]]:
    pages = ssm.get_paginator("get_parameters_by_path").paginate(Path=path, Recursive=True)
    return {p["Name"]: (p["Type"], p["Value"]) for page in pages for p in page["Parameters"]}


def assert_partition(result: dict[str, Any], total: int) -> None:
    """Every source parameter in exactly one bucket; counts match the lists."""
    names = [*result["migrated"], *result["skipped"], *result["unchanged"], *result["conflicts"]]
    names += [e["name"] for e in result["errors"]]
    assert len(names) == len(set(names)) == total
    for bucket in ("migrated", "skipped", "unchanged", "conflicts", "errors"):
        assert result["counts"][bucket] == len(result[bucket])
    assert result["counts"]["total"] == total
    assert all(set(e) == {"name", "code"} for e in result["errors"])


TOTAL = len(PLAIN) + len(SENSITIVE) + BULK


def test_migrates_recursively_and_paginated_preserving_type_and_description(ssm: Any) -> None:
    result = run()
    assert_partition(result, TOTAL)
    assert result["counts"]["migrated"] == len(PLAIN) + BULK
    assert sorted(result["skipped"]) == sorted(SENSITIVE)
    assert result["errors"] == [] and result["conflicts"] == [] and result["dry_run"] is False

    target = values_under(ssm, "/prod")
    assert len(target) == len(PLAIN) + BULK
    assert target["/prod/app/currency"] == ("String", "EUR")
    assert target["/prod/app/regions"] == ("StringList", "eu-west-1,us-east-1")
    assert target["/prod/app/deep/er/still/flag"] == ("String", "on")
    assert target["/prod/bulk/g3/p059"] == ("String", "value-59")
    assert not any("devices" in n or "other" in n for n in target)
    described = ssm.describe_parameters(
        ParameterFilters=[{"Key": "Name", "Values": ["/prod/app/currency"]}]
    )["Parameters"][0]
    assert described["Description"] == "default currency"


def test_never_reads_a_sensitive_value_nor_decrypts(ssm: Any) -> None:
    calls = record_calls(ssm, "ssm")
    run()
    run({"overwrite": True})
    operations = {op for op, _ in calls}
    assert operations <= {"DescribeParameters", "GetParameters", "PutParameter"}
    gets = [params for op, params in calls if op == "GetParameters"]
    assert gets
    requested = [name for params in gets for name in params["Names"]]
    assert all(len(params["Names"]) <= 10 for params in gets)
    assert all(params.get("WithDecryption") is False for params in gets)
    assert not set(requested) & set(SENSITIVE)
    assert not any(pm.SENSITIVE_NAME.search(name) for name in requested)
    written = [params["Name"] for op, params in calls if op == "PutParameter"]
    assert not any(pm.SENSITIVE_NAME.search(name) for name in written)
    assert "/prod/app/encrypted" not in values_under(ssm, "/prod")


def test_second_run_is_all_unchanged(ssm: Any) -> None:
    run()
    calls = record_calls(ssm, "ssm")
    again = run()
    assert_partition(again, TOTAL)
    assert again["migrated"] == [] and again["conflicts"] == []
    assert again["counts"]["unchanged"] == len(PLAIN) + BULK
    assert not [op for op, _ in calls if op == "PutParameter"]


def test_differing_target_is_a_conflict_unless_overwrite(ssm: Any) -> None:
    put(ssm, "/prod/app/currency", "USD")
    put(ssm, "/prod/app/regions", "eu-west-1,us-east-1")  # same value, other type
    result = run()
    assert sorted(result["conflicts"]) == ["/dev/app/currency", "/dev/app/regions"]
    assert values_under(ssm, "/prod")["/prod/app/currency"] == ("String", "USD")

    forced = run({"overwrite": True})
    assert sorted(forced["migrated"]) == ["/dev/app/currency", "/dev/app/regions"]
    target = values_under(ssm, "/prod")
    assert target["/prod/app/currency"] == ("String", "EUR")
    assert target["/prod/app/regions"] == ("StringList", "eu-west-1,us-east-1")
    assert run({"overwrite": True})["counts"]["unchanged"] == len(PLAIN) + BULK


def test_securestring_target_is_a_conflict_never_read_nor_replaced(ssm: Any) -> None:
    put(ssm, "/prod/app/currency", "vault-value", "SecureString")
    calls = record_calls(ssm, "ssm")
    result = run({"overwrite": True})
    assert "/dev/app/currency" in result["conflicts"]
    requested = {n for op, p in calls if op == "GetParameters" for n in p["Names"]}
    assert "/prod/app/currency" not in requested
    assert ssm.get_parameter(Name="/prod/app/currency")["Parameter"]["Type"] == "SecureString"


def test_dry_run_reports_and_writes_nothing(ssm: Any) -> None:
    put(ssm, "/prod/app/currency", "USD")
    calls = record_calls(ssm, "ssm")
    result = run({"dry_run": True})
    assert result["dry_run"] is True
    assert_partition(result, TOTAL)
    assert result["conflicts"] == ["/dev/app/currency"]
    assert result["counts"]["migrated"] == len(PLAIN) + BULK - 1
    forced = run({"dry_run": True, "overwrite": True})
    assert "/dev/app/currency" in forced["migrated"]
    assert not [op for op, _ in calls if op == "PutParameter"]
    assert values_under(ssm, "/prod") == {"/prod/app/currency": ("String", "USD")}


def test_empty_source_and_null_event(ssm: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_PATH", "/nothing/here/")
    result = pm.handler(None, None)
    assert result["counts"] == {
        "migrated": 0,
        "skipped": 0,
        "unchanged": 0,
        "conflicts": 0,
        "errors": 0,
        "total": 0,
    }


@pytest.mark.parametrize(
    "event",
    [
        [],
        "overwrite",
        7,
        {"overwrite": "true"},
        {"dry_run": 1},
        {"overwrite": None},
        {"force": True},
        {"overwrite": True, "source": "/x"},
    ],
)
def test_invalid_event_is_a_clear_error(event: Any) -> None:
    result = pm.handler(event, None)  # no AWS call is made: no moto needed
    assert result["error"] == "invalid_event"
    assert result["message"]


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("/dev", "/dev"),
        ("/dev", "/dev/prod"),
        ("/prod/dev", "/prod"),
        ("dev", "/prod"),
        ("/", "/p"),
    ],
)
def test_bad_paths_are_a_configuration_error(
    monkeypatch: pytest.MonkeyPatch, source: str, target: str
) -> None:
    monkeypatch.setenv("SOURCE_PATH", source)
    monkeypatch.setenv("TARGET_PATH", target)
    assert pm.handler({}, None)["error"] == "configuration_error"


def test_target_name_mapping() -> None:
    config = pm.MigrationConfig.from_env({"SOURCE_PATH": "/dev/", "TARGET_PATH": "/prod"})
    assert config.target_name("/dev/app/currency") == "/prod/app/currency"
    assert pm.is_sensitive_name("/dev/x/PassWord1") and not pm.is_sensitive_name("/dev/currency")


# --------------------------------------------------------------------------- faults


def test_client_uses_bounded_standard_retries() -> None:
    retries = pm._client("ssm").meta.config.retries
    assert retries == {"mode": "standard", "total_max_attempts": 5}


def test_throttled_puts_land_in_errors_and_the_run_continues(ssm: Any) -> None:
    throttled = ["/prod/app/currency", "/prod/bulk/g0/p007"]

    class PerName(FaultyClient):
        def put_parameter(self, **kwargs: Any) -> Any:
            self.calls.append(("put_parameter", kwargs))
            if kwargs["Name"] in throttled:
                raise client_error("ThrottlingException", "PutParameter")
            return ssm.put_parameter(**kwargs)

    pm._CLIENTS["ssm"] = PerName(ssm)
    result = run()
    assert_partition(result, TOTAL)
    assert result["errors"] == [
        {"name": "/dev/app/currency", "code": "ThrottlingException"},
        {"name": "/dev/bulk/g0/p007", "code": "ThrottlingException"},
    ]
    assert result["counts"]["migrated"] == len(PLAIN) + BULK - 2

    pm._CLIENTS["ssm"] = ssm  # throttling over: a re-run finishes the job
    again = run()
    assert sorted(again["migrated"]) == ["/dev/app/currency", "/dev/bulk/g0/p007"]
    assert again["counts"]["unchanged"] == len(PLAIN) + BULK - 2


def test_real_retries_absorb_throttling_and_give_up_after_five_attempts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The module client's own retry config at work (SSM faked at the HTTP layer, no moto)."""
    monkeypatch.setattr("botocore.endpoint.time.sleep", lambda _seconds: None)
    budget = {"/prod/app/currency": 2}  # throttled twice, then accepted

    def should_throttle(name: str) -> bool:
        if name == "/prod/top":
            return True  # always throttled
        if budget.get(name, 0) > 0:
            budget[name] -= 1
            return True
        return False

    source = {"/dev/app/currency": "EUR", "/dev/top": "1", "/dev/a/b": "x"}
    wire = WireSSM(pm._client("ssm"), source, should_throttle)
    result = run()
    assert_partition(result, 3)
    assert result["errors"] == [{"name": "/dev/top", "code": "ThrottlingException"}]
    assert result["migrated"] == ["/dev/a/b", "/dev/app/currency"]
    assert wire.attempts == {"/prod/a/b": 1, "/prod/app/currency": 3, "/prod/top": 5}
    assert wire.parameters["/prod/app/currency"] == "EUR"


def test_throttled_value_batch_lands_in_errors(ssm: Any) -> None:
    throttled = client_error("ThrottlingException", "GetParameters")
    pm._CLIENTS["ssm"] = FaultyClient(ssm, {"get_parameters": [Fault(throttled)]})
    result = run()
    assert_partition(result, TOTAL)
    assert result["counts"]["errors"] == 10  # the first batch of ten
    assert {e["code"] for e in result["errors"]} == {"ThrottlingException"}
    assert result["counts"]["migrated"] == len(PLAIN) + BULK - 10


def test_target_created_concurrently_is_a_conflict(ssm: Any) -> None:
    class Racing(FaultyClient):
        def put_parameter(self, **kwargs: Any) -> Any:
            if kwargs["Name"] == "/prod/top" and not kwargs["Overwrite"]:
                ssm.put_parameter(Name="/prod/top", Value="someone else", Type="String")
            return ssm.put_parameter(**kwargs)

    pm._CLIENTS["ssm"] = Racing(ssm)
    result = run()
    assert "/dev/top" in result["conflicts"]
    assert values_under(ssm, "/prod")["/prod/top"] == ("String", "someone else")


def test_listing_failure_is_an_error_result_not_an_exception() -> None:
    client = boto3.client("ssm")
    stubber = Stubber(client)
    stubber.add_client_error("describe_parameters", service_error_code="AccessDeniedException")
    stubber.activate()
    pm._CLIENTS["ssm"] = client
    result = pm.handler({}, None)
    assert result == {
        "error": "aws_error",
        "code": "AccessDeniedException",
        "message": "listing failed",
    }


def test_time_budget_puts_the_rest_in_errors(ssm: Any) -> None:
    context = SimpleNamespace(aws_request_id="r", get_remaining_time_in_millis=lambda: 1_000)
    result = run({}, context)
    assert_partition(result, TOTAL)
    assert result["counts"]["errors"] == len(PLAIN) + BULK
    assert {e["code"] for e in result["errors"]} == {"TimeBudgetExhausted"}
    assert sorted(result["skipped"]) == sorted(SENSITIVE)


def test_logs_never_contain_values(ssm: Any, capsys: pytest.CaptureFixture[str]) -> None:
    pm.logger.setLevel("DEBUG")
    try:
        capsys.readouterr()
        run()
        out = capsys.readouterr().out
    finally:
        pm.logger.setLevel("INFO")
    assert "migration finished" in out
    assert "hunter2" not in out and "value-1" not in out and "EUR" not in out
