"""The sandbox's two accounts (issue #11, item 5): the baseline in the base account, the target
in an account of its own, provisioned and audited through roles assumed with STS.

moto picks a request's account from its access key: the sandbox's base key reaches the base
account, a key AssumeRole returned reaches the role's account. The audit role of the target
account holds exactly the printed policy and trusts the base account; and `validate --sandbox`
reports what the one-account session sandbox reports: the account ids make no finding.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import botocore.exceptions
import helpers
import pytest
from helpers import ROOT, chdir, findings, run_cli

from paymentaudit.aws import Connection, make_session, whoami
from paymentaudit.iam_policy import policy_document, trust_policy
from paymentaudit.sandbox import (
    CREDENTIALS,
    SANDBOX_ACCOUNT,
    TARGET_ACCOUNT,
    AuditRole,
    account_of,
    build,
    client_factory,
    running,
    server,
    target_account_of,
)
from paymentaudit.sandbox.provision.audit import AUDIT_ROLE, audit_role_arn

pytestmark = pytest.mark.slow

AUDIT = AuditRole(policy=policy_document(), trust=trust_policy)
REGION = "us-east-1"
# Unique in the process: S3 bucket names are global to moto's process.
_COUNTER = itertools.count(1)


def _client(conn: Connection, service: str) -> Any:
    session: Any = make_session(conn)
    return session.client(service, region_name=REGION, endpoint_url=conn.endpoint_url)


def _base(url: str) -> Connection:
    return Connection(endpoint_url=url, credentials=CREDENTIALS)


def _role(url: str, account: str, name: str = AUDIT_ROLE) -> Connection:
    return Connection(
        endpoint_url=url,
        credentials=CREDENTIALS,
        role_arn=f"arn:aws:iam::{account}:role/{name}",
        session_name="paymentaudit-test",
    )


def _tables(conn: Connection) -> set[str]:
    return set(_client(conn, "dynamodb").list_tables()["TableNames"])


def _buckets(conn: Connection) -> set[str]:
    return {b["Name"] for b in _client(conn, "s3").list_buckets()["Buckets"]}


# -- the accounts of a server ------------------------------------------------------------------


def test_servers_running_at_once_get_accounts_of_their_own() -> None:
    """The first server (alone when it starts) gets moto's default account and 222222222222;
    a second one, while the first runs, gets two random accounts; requests signed with the
    base key reach each server's own base account."""
    with server() as first, server() as second:
        accounts = [(account_of(url), target_account_of(url)) for url in (first, second)]
        assert accounts[0] == (SANDBOX_ACCOUNT, TARGET_ACCOUNT), "another sandbox is running"
        assert len({*accounts[0], *accounts[1]}) == 4
        for url, (base, _) in zip((first, second), accounts, strict=True):
            assert whoami(_base(url)).account_id == base
        ssm = client_factory(first)("ssm", REGION)
        ssm.put_parameter(Name="/only/in/first", Value="1", Type="String")
        other = client_factory(second)("ssm", REGION)
        assert other.describe_parameters()["Parameters"] == []


def test_a_stopped_server_leaves_no_state_in_either_account() -> None:
    from moto.iam.models import iam_backends
    from moto.s3.models import s3_backends

    n = next(_COUNTER)
    with server() as url:
        base, target = account_of(url), target_account_of(url)
        envs = build(url, f"prod-k{n}", f"dev-k{n}", drifts=False, target_account=target)
        assert {e.account_id for e in envs.values()} == {base, target}
        assert base in iam_backends and target in iam_backends
    assert base not in iam_backends and target not in iam_backends
    owners = {owner for _, owner in s3_backends.bucket_accounts.values()}
    assert not owners & {base, target}


def test_moto_sessions_share_the_audits_service_models() -> None:
    """Once a sandbox has started, a plain boto3 session (what moto makes for itself) reads
    service models through paymentaudit's one loader; a session with a data path of its own
    keeps its own loader."""
    import boto3
    import botocore.session

    from paymentaudit.aws import botocore_session

    with server():
        shared = botocore_session().get_component("data_loader")
        assert boto3.Session()._session.get_component("data_loader") is shared
        own = botocore.session.Session()
        own.set_config_variable("data_path", str(ROOT))
        assert own.get_component("data_loader") is not shared


# -- running(): what validate --sandbox audits -------------------------------------------------


@pytest.fixture(scope="module")
def two() -> Iterator[dict[str, Any]]:
    """running(): a target and a baseline of their own in a sandbox with two accounts."""
    n = next(_COUNTER)
    target, baseline = f"prod-a{n}", f"dev-a{n}"
    with running(target, baseline, audit=AUDIT) as conns:
        url = conns[target].endpoint_url
        assert url is not None
        yield {
            "target": target,
            "baseline": baseline,
            "conns": conns,
            "url": url,
            "base": account_of(url),
            "account": target_account_of(url),
        }


def test_running_yields_each_environments_connection(two: dict[str, Any]) -> None:
    conns, target, baseline = two["conns"], two["target"], two["baseline"]
    assert set(conns) == {target, baseline}
    assert conns[target].role_arn == audit_role_arn(two["account"])
    assert conns[target].session_name == f"paymentaudit-{target}"
    assert conns[baseline].role_arn is None and conns[baseline].credentials == CREDENTIALS


def test_dev_and_prod_are_in_different_accounts(two: dict[str, Any]) -> None:
    conns, target, baseline = two["conns"], two["target"], two["baseline"]
    prod, dev = whoami(conns[target]), whoami(conns[baseline])
    assert dev.account_id == two["base"]
    assert prod.account_id == two["account"] != dev.account_id
    assert (
        prod.arn == f"arn:aws:sts::{two['account']}:assumed-role/{AUDIT_ROLE}/paymentaudit-{target}"
    )


def test_each_account_sees_only_its_own_environment(two: dict[str, Any]) -> None:
    conns, target, baseline = two["conns"], two["target"], two["baseline"]
    prod_tables, dev_tables = _tables(conns[target]), _tables(conns[baseline])
    assert prod_tables == {f"payment-sessions-{target}"}
    assert dev_tables == {f"payment-sessions-{baseline}"}
    prod_buckets, dev_buckets = _buckets(conns[target]), _buckets(conns[baseline])
    assert prod_buckets and all(b.endswith(f"-{target}") for b in prod_buckets)
    assert dev_buckets and all(b.endswith(f"-{baseline}") for b in dev_buckets)


def test_the_targets_resources_name_their_own_account(two: dict[str, Any]) -> None:
    """Provisioned through the target account's administrator role: its ARNs are that
    account's (the Env carries the account id)."""
    conns, target = two["conns"], two["target"]
    function = _client(conns[target], "lambda").get_function(
        FunctionName=f"payment-processor-{target}"
    )["Configuration"]
    assert f":{two['account']}:" in function["FunctionArn"]
    assert function["Role"].startswith(f"arn:aws:iam::{two['account']}:role/")
    topic = _client(conns[target], "sns").list_topics()["Topics"]
    assert topic and all(f":{two['account']}:" in t["TopicArn"] for t in topic)


def test_the_audit_role_holds_exactly_the_printed_policy(two: dict[str, Any]) -> None:
    iam = _client(two["conns"][two["target"]], "iam")
    role = iam.get_role(RoleName=AUDIT_ROLE)["Role"]
    assert role["Arn"] == audit_role_arn(two["account"])
    assert role["AssumeRolePolicyDocument"] == trust_policy(f"arn:aws:iam::{two['base']}:root")
    assert iam.list_role_policies(RoleName=AUDIT_ROLE)["PolicyNames"] == [AUDIT_ROLE]
    document = iam.get_role_policy(RoleName=AUDIT_ROLE, PolicyName=AUDIT_ROLE)["PolicyDocument"]
    assert document == policy_document()
    assert iam.list_attached_role_policies(RoleName=AUDIT_ROLE)["AttachedPolicies"] == []


def test_the_audit_role_is_not_in_the_base_account(two: dict[str, Any]) -> None:
    iam = _client(two["conns"][two["baseline"]], "iam")
    with pytest.raises(botocore.exceptions.ClientError) as info:
        iam.get_role(RoleName=AUDIT_ROLE)
    assert info.value.response["Error"]["Code"] == "NoSuchEntity"


# -- a moto server of its own process: no account header at all --------------------------------


@pytest.fixture
def moto_process() -> Iterator[str]:
    """`python -m moto.server` on a loopback port: the base key reaches 123456789012."""
    with helpers.moto_process() as url:
        yield url


def test_build_works_against_a_moto_server_process(moto_process: str) -> None:
    url, target, baseline = moto_process, "prod-abc123", "dev"
    envs = build(url, target, baseline, drifts=False, target_account=TARGET_ACCOUNT, audit=AUDIT)
    assert envs[baseline].account_id == SANDBOX_ACCOUNT
    assert envs[target].account_id == TARGET_ACCOUNT
    base, audit = _base(url), _role(url, TARGET_ACCOUNT)
    assert whoami(base).account_id == SANDBOX_ACCOUNT
    assert whoami(audit).account_id == TARGET_ACCOUNT
    assert _tables(base) == {"payment-sessions-dev"}
    assert _tables(audit) == {"payment-sessions-prod-abc123"}


# -- validate --sandbox ------------------------------------------------------------------------


def _parts(found: list[dict[str, Any]]) -> set[tuple[str, ...]]:
    return {
        (p["kind"], p["check"], p.get("resource") or f["resource"], p["path"], p["severity"])
        for f in found
        for p in f["evidence"]
    }


def test_validate_sandbox_reports_what_the_one_account_sandbox_reports(
    sandbox_report: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Same findings (kind, check, resource, path, severity), parts, rule outcomes, verdict and
    score as the session sandbox, whose two environments share one account."""
    out = tmp_path / "run"
    with chdir(ROOT):
        code, stdout, err = run_cli(
            ["validate", "prod-abc123", "--sandbox", "--no-notebook", "--out", str(out)], capsys
        )
    assert code == 1, err
    doc, one = findings(out), findings(Path(sandbox_report.report_dir))
    target, baseline = doc["sources"]["target"]["account"], doc["sources"]["baseline"]["account"]
    assert target != baseline
    assert doc["sources"]["target"]["reached"].startswith(f"role {audit_role_arn(target)}")
    assert f"target prod-abc123 in {target} " in stdout and f"baseline dev in {baseline} " in stdout
    assert one["sources"]["target"]["account"] == one["sources"]["baseline"]["account"]

    def keys(d: dict[str, Any]) -> list[tuple[str, ...]]:
        return sorted(
            (f["kind"], f["check"], f["resource"], f["path"], f["severity"]) for f in d["findings"]
        )

    assert keys(doc) == keys(one)
    assert _parts(doc["findings"]) == _parts(one["findings"])
    outcomes = [sorted((o["check"], o["resource"], o["status"]) for o in d["outcomes"])
                for d in (doc, one)]  # fmt: skip
    assert outcomes[0] == outcomes[1]
    for key in ("verdict", "score", "counts", "not_evaluated", "not_compared", "unpaired"):
        assert doc[key] == one[key], key
