"""Nothing lost, nothing leaked: interrupts, timeouts, atomic outputs, secret canaries."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from helpers import ROOT, chdir, findings, fresh_sandbox, run_cli

from paymentaudit import atomic as outputs
from paymentaudit.errors import OutputError


def test_ctrl_c_leaves_no_partial_directory_and_exits_130(tmp_path: Path) -> None:
    out = tmp_path / "run"
    proc = subprocess.Popen(
        [sys.executable, "-m", "paymentaudit", "validate", "prod-abc123", "--sandbox",
         "--no-notebook", "--out", str(out)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".run.tmp-*")):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the run never started its report directory"
        time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_timeout_reports_incomplete_instead_of_hanging(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with fresh_sandbox() as box, chdir(ROOT):
        code, out, _ = run_cli(
            ["validate", box.target, "--baseline", box.baseline, "--endpoint-url", box.url,
             "--no-notebook", "--timeout", "0.001", "--out", str(tmp_path / "r")],
            capsys,
        )  # fmt: skip
    doc = findings(tmp_path / "r")
    assert code == 3, out
    assert doc["verdict"] == "INCOMPLETE"
    timed_out = [c for c in doc["coverage"] if c["error"] and "timed out" in c["error"]]
    assert timed_out


def test_report_dir_commit_is_atomic_and_never_overwrites(tmp_path: Path) -> None:
    final = tmp_path / "suffix" / "20260101T000000Z"
    with outputs.ReportDir(final, link_latest=True) as report:
        (report.path / "findings.json").write_text("{}")
        assert not final.exists()  # nothing under the final name until the commit
        report.commit()
    assert (final / "findings.json").read_text() == "{}"
    assert (tmp_path / "suffix" / "latest").resolve() == final.resolve()
    with pytest.raises(OutputError), outputs.ReportDir(final):
        pass
    assert (final / "findings.json").read_text() == "{}"


def test_a_failed_run_removes_its_temporary_directory(tmp_path: Path) -> None:
    final = tmp_path / "run"
    with pytest.raises(RuntimeError), outputs.ReportDir(final) as report:
        (report.path / "half-written.json").write_text("{")
        raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_latest_is_switched_by_rename(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    outputs.switch_latest(first)
    link = outputs.switch_latest(second)
    assert link.is_symlink() and os.readlink(link) == "b"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "b", "latest"]


# Secrets under harmless names, found by their values (detect-secrets): built at run time so
# that no literal key sits in the repository.
STRIPE_KEY = "sk_" + "live_" + "4eC39HqLyjWDarjtT1zdp7dc"
AWS_KEY_ID = "AKIA" + "IOSFODNN7EXAMPLF"
JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
    + ".eyJzdWIiOiJwYXltZW50LXNlcnZpY2UiLCJpYXQiOjE3MDAwMDAwMDB9"
    + ".Hs2lJ0V4u9c1kQ8vXn7mZp3TgYw6RbEaDf5LhKjNqUo"
)

CANARIES = {
    "lambda_env": "canary-lambda-env-7f3a9c",
    "harmless_env": STRIPE_KEY,
    "harmless_param": AWS_KEY_ID,
    "harmless_tag": JWT,
    "lambda_env_ref_ok": "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf",
    "string_param": "canary-string-param-91b2e4",
    "secure_string": "canary-securestring-55d0aa",
    "bucket_policy": "canary-bucket-condition-c0ffee",
}


def _plant_canaries(box: Any) -> None:
    clients = box.clients
    env = box.envs[box.target]
    lam = clients("lambda", "us-east-1")
    fn = env.name("payment-processor")
    current = lam.get_function_configuration(FunctionName=fn)["Environment"]["Variables"]
    lam.update_function_configuration(
        FunctionName=fn,
        Environment={
            "Variables": {
                **current,
                "DB_PASSWORD": CANARIES["lambda_env"],
                "API_TOKEN_ARN": CANARIES["lambda_env_ref_ok"],
                "CONFIG_BLOB": CANARIES["harmless_env"],
            }
        },
    )
    ssm = clients("ssm", "us-east-1")
    ssm.put_parameter(Name="/prod/app/db-password", Value=CANARIES["string_param"], Type="String")
    ssm.put_parameter(
        Name="/prod/app/stripe-key", Value=CANARIES["secure_string"], Type="SecureString"
    )
    ssm.put_parameter(Name="/prod/app/settings", Value=CANARIES["harmless_param"], Type="String")
    lam.tag_resource(
        Resource=lam.get_function_configuration(FunctionName=fn)["FunctionArn"],
        Tags={"Owner": CANARIES["harmless_tag"]},
    )
    s3 = clients("s3", "us-east-1")
    bucket = env.name("payment-audit-logs")
    policy = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    policy["Statement"].append(
        {
            "Sid": "OnlyOurUploader",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:PutObject",
            "Resource": f"arn:aws:s3:::{bucket}/*",
            "Condition": {"StringNotEquals": {"aws:UserAgent": CANARIES["bucket_policy"]}},
        }
    )
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))


def test_canary_secrets_appear_in_no_output_and_no_debug_log(tmp_path: Path) -> None:
    out = tmp_path / "report"
    with fresh_sandbox() as box:
        _plant_canaries(box)
        proc = subprocess.run(
            [sys.executable, "-m", "paymentaudit", "validate", box.target, "--baseline",
             box.baseline, "--endpoint-url", box.url, "--debug", "--out", str(out)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )  # fmt: skip
    assert proc.returncode == 1, proc.stderr  # the planted secrets are findings themselves
    files = [p for p in out.rglob("*") if p.is_file()]
    names = {p.name for p in files}
    expected = {"findings.json", f"{box.target}.json", f"{box.baseline}.json", "junit.xml"}
    expected |= {"findings.sarif", "summary.md", "readiness.ipynb", "readiness.html"}
    assert expected <= names, expected - names
    secret_values = [
        CANARIES[k]
        for k in (
            "lambda_env",
            "string_param",
            "secure_string",
            "bucket_policy",
            "harmless_env",
            "harmless_param",
            "harmless_tag",
        )
    ]
    for path in files:
        data = path.read_bytes()
        for canary in secret_values:
            assert canary.encode() not in data, f"{canary} leaked into {path.name}"
    for stream in (proc.stdout, proc.stderr):
        for canary in secret_values:
            assert canary not in stream
    doc = findings(out)
    checks = {(f["check"], f["resource"]) for f in doc["findings"]}
    assert ("LAMBDA-SECRETS", "payment-processor") in checks
    assert ("SSM-SENSITIVE-TYPE", "app/db-password") in checks
    assert ("SSM-SENSITIVE-TYPE", "app/settings") in checks  # found by its value
    literal = next(f for f in doc["findings"] if f["check"] == "LAMBDA-SECRETS")
    assert literal["severity"] == "critical"
    # The secret ARN reference is not a literal; the Stripe key is, under a harmless name.
    assert literal["actual"] == ["CONFIG_BLOB", "DB_PASSWORD"]
    assert "CONFIG_BLOB (detected StripeDetector)" in literal["message"]
    snapshot = json.loads((out / "snapshots" / f"{box.target}.json").read_text())
    (fn,) = [r for r in snapshot["resources"] if r["logical_name"] == "payment-processor"]
    assert fn["config"]["environment"]["CONFIG_BLOB"] == "[REDACTED: detected StripeDetector]"
    assert fn["tags"]["Owner"] == "[REDACTED: detected JwtTokenDetector]"


class _Body:
    """A canned HTTP body for a botocore AWSResponse."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_: Any) -> Any:
        yield self.data


def test_throttling_that_outlasts_its_retries_only_loses_that_service(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every DynamoDB request is throttled: retries stop at the bound, the rest is audited."""
    import botocore.awsrequest
    import botocore.retries.standard

    from paymentaudit import aws
    from paymentaudit.api import validation as validate

    sent: list[str] = []

    def throttle(request: Any, **_: Any) -> Any:
        sent.append(request.headers.get("X-Amz-Target", b"").decode())
        body = b'{"__type":"ThrottlingException","message":"Rate exceeded"}'
        return botocore.awsrequest.AWSResponse(request.url, 400, {}, _Body(body))

    real_take = validate.take_all

    def take(*args: Any, **kwargs: Any) -> Any:
        return real_take(*args, extra_hooks={"before-send.dynamodb": throttle}, **kwargs)

    monkeypatch.setattr(validate, "take_all", take)
    # botocore's own backoff (up to 1+2+4+8 s of jitter) is not under test; the bound is.
    monkeypatch.setattr(botocore.retries.standard.ExponentialBackoff, "delay_amount", lambda *a: 0)
    with fresh_sandbox() as box, chdir(ROOT):
        code, out, err = run_cli(
            ["validate", box.target, "--baseline", box.baseline, "--endpoint-url", box.url,
             "--no-notebook", "--out", str(tmp_path / "r")],
            capsys,
        )  # fmt: skip
    doc = findings(tmp_path / "r")
    errors = {c["service"]: c["error"] for c in doc["coverage"] if c["status"] == "error"}
    assert set(errors) == {"dynamodb"}, doc["coverage"]
    assert "ThrottlingException" in errors["dynamodb"]
    ok = {c["service"]: c["resources"] for c in doc["coverage"] if c["status"] == "ok"}
    assert ok["rds"] > 0 and ok["s3"] > 0 and ok["lambda"] > 0
    # Bounded: the one call DynamoDB needs first (ListTables, shared by both environments) was
    # attempted exactly DEFAULT_MAX_ATTEMPTS times, then given up; nothing else was tried.
    assert sent == ["DynamoDB_20120810.ListTables"] * aws.DEFAULT_MAX_ATTEMPTS
    assert {n["check"] for n in doc["not_evaluated"]} >= {"DDB-PITR", "DDB-SSE-KMS"}
    assert doc["verdict"] == "INCOMPLETE" and code == 3, out + err
