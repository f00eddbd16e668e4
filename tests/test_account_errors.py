"""Separate accounts, what goes wrong (issue #11, item 6): AssumeRole denied, an expired or an
invalid token, a role of a partition the region cannot reach: exit 2 and one line naming what
failed. An environment whose account stops answering mid-run leaves its services unread: the
verdict is INCOMPLETE (exit 3), as for any partial read."""

from __future__ import annotations

import contextlib
import http.server
import itertools
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import botocore.exceptions
import pytest
from helpers import ROOT, assert_one_line_error, chdir, findings, run_cli, run_module

from paymentaudit.sandbox import build, client_factory, server

ROLE = "arn:aws:iam::222222222222:role/payment-audit-readonly"
_COUNTER = itertools.count(1)


def _validate(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    return run_cli(["validate", "prod-abc123", "--no-notebook", *args], capsys)


@pytest.fixture
def enforcing_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, dict[str, str]]]:
    """A moto server with IAM enforcement on, and a user that may not assume any role."""
    from moto.core.authorization import enable_iam_authentication

    with server() as url:
        iam = client_factory(url)("iam", "us-east-1")
        iam.create_user(UserName="ci")
        policy = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "sts:GetCallerIdentity", "Resource": "*"}],
        }
        iam.put_user_policy(UserName="ci", PolicyName="who", PolicyDocument=json.dumps(policy))
        key = iam.create_access_key(UserName="ci")["AccessKey"]
        creds = {
            "AWS_ACCESS_KEY_ID": key["AccessKeyId"],
            "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"],
        }
        with enable_iam_authentication():
            yield url, creds


def test_assume_role_denied_names_the_role(
    enforcing_server: tuple[str, dict[str, str]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    url, creds = enforcing_server
    for name, value in creds.items():
        monkeypatch.setenv(name, value)
    with chdir(tmp_path):
        code, out, err = _validate(["--endpoint-url", url, "--role-arn", ROLE], capsys)
    assert code == 2 and out == ""
    assert_one_line_error(err)
    assert f"cannot assume {ROLE}: AccessDenied" in err
    assert not list(tmp_path.rglob("findings.json"))  # no report of a run that never read
    # As a user runs it: botocore's own warning about the failed refresh is not a second line.
    proc = run_module(
        ["validate", "prod-abc123", "--endpoint-url", url, "--role-arn", ROLE, "--no-notebook"],
        env=creds,
        cwd=tmp_path,
    )
    assert proc.returncode == 2 and proc.stdout == ""
    assert_one_line_error(proc.stderr)


def test_an_invalid_token_is_exit_2(
    enforcing_server: tuple[str, dict[str, str]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    url, _ = enforcing_server
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIANOTAREALKEY00000")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-a-real-secret")
    with chdir(tmp_path):
        code, _, err = _validate(["--endpoint-url", url], capsys)
    assert code == 2
    assert_one_line_error(err)
    assert "AWS rejected the credentials: InvalidClientTokenId" in err
    assert "not-a-real-secret" not in err


class _ExpiredToken(http.server.BaseHTTPRequestHandler):
    """Answers every request as AWS answers one signed with an expired session token (moto
    never expires a token: this endpoint stands in for AWS on that one answer)."""

    BODY = (
        b'<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error>'
        b"<Type>Sender</Type><Code>ExpiredToken</Code>"
        b"<Message>The security token included in the request is expired</Message>"
        b"</Error><RequestId>0</RequestId></ErrorResponse>"
    )

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(400)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(self.BODY)))
        self.end_headers()
        self.wfile.write(self.BODY)

    def log_message(self, *args: Any) -> None:
        pass


@contextlib.contextmanager
def _expired_endpoint() -> Iterator[str]:
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _ExpiredToken)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{srv.server_port}"
    finally:
        srv.shutdown()
        srv.server_close()


@pytest.mark.parametrize("role", [False, True])
def test_an_expired_token_is_exit_2(
    role: bool, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    with _expired_endpoint() as url, chdir(tmp_path):
        code, _, err = _validate(
            ["--endpoint-url", url, *(["--role-arn", ROLE] if role else [])], capsys
        )
    assert code == 2
    assert_one_line_error(err)
    assert "ExpiredToken (the session token has expired" in err or (
        "ExpiredToken: the session token has expired" in err
    )
    if role:
        assert f"cannot assume {ROLE}" in err


@pytest.mark.parametrize(
    ("role", "region"),
    [
        ("arn:aws-cn:iam::222222222222:role/audit", "us-east-1"),
        ("arn:aws:iam::222222222222:role/audit", "cn-north-1"),
        ("arn:aws-us-gov:iam::222222222222:role/audit", "eu-west-1"),
    ],
)
def test_a_role_of_another_partition_is_exit_2_before_any_request(
    role: str, region: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    with chdir(tmp_path):
        code, _, err = _validate(
            ["--role-arn", role, "--region", region, "--endpoint-url", "http://127.0.0.1:9"],
            capsys,
        )
    assert code == 2
    assert_one_line_error(err)
    assert f"cannot reach the role of prod-abc123 {role} from {region}" in err
    assert "partition" in err


def test_an_account_that_stops_answering_makes_the_run_incomplete(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """dev and prod behind two endpoints (two accounts' worth of separation); prod's stops
    answering once the run has started: every prod service is unread, exit 3."""
    from paymentaudit.api import validation

    n = next(_COUNTER)
    target, baseline = f"prod-x{n}", f"dev-x{n}"
    with server() as dev_url, server() as prod_url:
        build(dev_url, baseline, None, drifts=False)
        build(prod_url, target, None, drifts=False)
        real = validation.take_all
        dead_port = prod_url.rsplit(":", 1)[1]

        def gone(request: Any, **_: Any) -> None:
            if f":{dead_port}/" in request.url or request.url.endswith(f":{dead_port}"):
                raise botocore.exceptions.EndpointConnectionError(endpoint_url=request.url)

        def take_all(*args: Any, **kwargs: Any) -> Any:
            return real(*args, extra_hooks={"before-send": gone}, **kwargs)

        monkeypatch.setattr(validation, "take_all", take_all)
        with chdir(ROOT):
            code, out, err = run_cli(
                ["validate", target, "--baseline", baseline, "--endpoint-url", prod_url,
                 "--baseline-endpoint-url", dev_url, "--no-notebook", "--out",
                 str(tmp_path / "r")],
                capsys,
            )  # fmt: skip
    assert code == 3, out + err
    doc = findings(tmp_path / "r")
    assert doc["verdict"] == "INCOMPLETE"
    unread = {c["service"]: c["error"] for c in doc["coverage"] if c["status"] != "ok"}
    assert unread and all(error.startswith(f"{target}: ") for error in unread.values())
    assert [f for f in doc["findings"] if f["severity"] != "info"] == []
