"""The embedded sandbox: a moto server on 127.0.0.1 holding a baseline and a target.

It needs no credentials and no network: ``validate --sandbox`` starts it, provisions
both environments following the stack, plants a handful of drifts in the target,
validates against it, and stops it.

Two accounts, as a real setup has them: the baseline (dev) lives in the sandbox's base
account, the one its fixed credentials (:data:`CREDENTIALS`) reach; the target lives in an
account of its own, provisioned through an administrator role assumed with STS and audited
through its audit role (``payment-audit-readonly``), assumed the same way. moto tells the
accounts apart by the access key of a request: the base key reaches the base account, a key
that AssumeRole returned reaches the role's account.

Layouts (``paymentaudit.platform.LAYOUTS``): ``stack`` names everything as ``stack/`` does;
``legacy`` builds both environments with the original design's names (one unnamed route
table, Aurora instances ``payment-aurora-<suffix>-1``/``-2``, ``payment-db-sg-<suffix>``),
as its script did, and plants no drift (an identical pair).
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import botocore.config
import botocore.loaders
import botocore.session

from paymentaudit import platform
from paymentaudit.aws import SESSION_PREFIX, Connection, botocore_session, make_session
from paymentaudit.errors import InputError
from paymentaudit.naming import environment_word
from paymentaudit.sandbox.drifts import DRIFTS, plant
from paymentaudit.sandbox.provision import Env, provision
from paymentaudit.sandbox.provision.audit import AuditRole, audit_role_arn, create_audit_role

CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
BASE_KEY = CREDENTIALS["aws_access_key_id"]
SANDBOX_ACCOUNT = "123456789012"  # moto's default account: the base account of a lone server
TARGET_ACCOUNT = "222222222222"  # the target's account
ADMIN_ROLE = "OrganizationAccountAccessRole"  # what provisions a member account
PROVISION_SESSION = f"{SESSION_PREFIX}sandbox"

__all__ = ["DRIFTS", "AuditRole", "build", "running", "server"]


@dataclass(frozen=True)
class Accounts:
    """The two accounts of one sandbox server."""

    base: str
    target: str


# Each running server has accounts of its own: moto keeps its state per process, so two
# sandboxes in one process (tests, notebooks) would otherwise share every resource.
_ACCOUNTS: dict[str, Accounts] = {}
# Every port a sandbox of this process has served on: boto3 sessions are cached per endpoint
# (paymentaudit.aws), with the credentials an earlier server's STS returned, which a later
# server on the same port would not know.
_SERVED_PORTS: set[int] = set()
_LOCK = threading.Lock()


def account_of(url: str) -> str:
    """The base account of the sandbox served at ``url`` (moto's default account for a server
    this process did not start)."""
    accounts = _ACCOUNTS.get(url)
    return accounts.base if accounts else SANDBOX_ACCOUNT


def target_account_of(url: str) -> str:
    """The target's account of the sandbox served at ``url``."""
    accounts = _ACCOUNTS.get(url)
    return accounts.target if accounts else TARGET_ACCOUNT


def _allocate(url: str) -> Accounts:
    """The preferred accounts, or random ones where another running server holds them."""
    with _LOCK:
        used = {a for held in _ACCOUNTS.values() for a in (held.base, held.target)}
        base = _free(SANDBOX_ACCOUNT, used)
        accounts = Accounts(base=base, target=_free(TARGET_ACCOUNT, used | {base}))
        _ACCOUNTS[url] = accounts
        return accounts


def _free(preferred: str, used: set[str]) -> str:
    if preferred not in used:
        return preferred
    taken = used | {SANDBOX_ACCOUNT, TARGET_ACCOUNT}
    while True:
        account = f"{secrets.randbelow(10**12):012d}"
        if account not in taken:
            return account


def share_service_models() -> None:
    """From now on, every botocore session of this process without a data path of its own
    reads AWS service models through the process-wide loader of ``paymentaudit.aws``, which
    parses each model once.

    moto's server makes boto3 sessions of its own (``boto3.Session()``: its region lists, the
    EC2 zones), each with a new loader that would parse again the models the sandbox's clients
    have parsed: about a second of a sandbox's provisioning. botocore creates a session's loader
    with ``botocore.session.create_loader`` (a session given ``AWS_DATA_PATH`` or ``data_path``
    still gets a loader of its own); no handler mutates a loaded model, which is what makes one
    loader shareable (``paymentaudit.aws`` shares it between all of its sessions already).
    """
    with _LOCK:
        if getattr(botocore.session.create_loader, "paymentaudit_shared", False):
            return
        shared = botocore_session().get_component("data_loader")
        create = botocore.loaders.create_loader

        def create_loader(search_path_string: str | None = None) -> botocore.loaders.Loader:
            return shared if search_path_string is None else create(search_path_string)

        create_loader.paymentaudit_shared = True  # type: ignore[attr-defined]
        botocore.session.create_loader = create_loader


def signed_with_base_key(environ: dict[str, Any]) -> bool:
    """True when a request is signed with the sandbox's base key (SigV4 header, or a query
    string's ``AWSAccessKeyId`` or ``X-Amz-Credential``)."""
    auth = environ.get("HTTP_AUTHORIZATION")
    if auth:
        return f"Credential={BASE_KEY}/" in auth
    query = environ.get("QUERY_STRING") or ""
    if "AWSAccessKeyId=" not in query and "X-Amz-Credential=" not in query:
        return False
    params = urllib.parse.parse_qs(query)
    return params.get("AWSAccessKeyId") == [BASE_KEY] or any(
        c.startswith(f"{BASE_KEY}/") for c in params.get("X-Amz-Credential", [])
    )


@contextlib.contextmanager
def server() -> Iterator[str]:
    """Start an in-process moto server on a free loopback port, with accounts of its own;
    yields its URL."""
    try:
        from moto.moto_server.werkzeug_app import (
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )
        from werkzeug.serving import make_server
    except ImportError:
        raise InputError("--sandbox needs moto: pip install 'paymentaudit[sandbox]'") from None

    class CachedDispatcher(DomainDispatcherApplication):
        """moto's dispatcher, remembering which backend serves a host.

        moto looks the backend up on every request (a directory scan and a few hundred
        regular expressions) while holding a lock; the answer never changes.
        """

        _cache: dict[Any, Any]

        def get_backend_for_host(self, host: Any) -> Any:
            cache = self.__dict__.setdefault("_cache", {})
            if host not in cache:
                cache[host] = super().get_backend_for_host(host)
            return cache[host]

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    share_service_models()
    # The sandbox needs no AMI catalogue: skipping it makes EC2's first call cheaper.
    os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
    dispatcher = CachedDispatcher(create_backend_app)
    base: list[str] = []  # the base account, once allocated

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        # moto's per-request account override, for the base key only: a key that AssumeRole
        # returned reaches its role's account.
        if signed_with_base_key(environ):
            environ["HTTP_X_MOTO_ACCOUNT_ID"] = base[0]
        return dispatcher(environ, start_response)

    srv = _make_server(make_server, app, MotoRequestHandler)
    url = f"http://127.0.0.1:{srv.server_port}"
    accounts = _allocate(url)
    base.append(accounts.base)
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield url
    finally:
        srv.shutdown()
        srv.server_close()
        thread.join(timeout=5)
        with _LOCK:
            _ACCOUNTS.pop(url, None)
        _forget(accounts.base, accounts.target)


def _make_server(make_server: Any, app: Any, handler: Any) -> Any:
    """A werkzeug server on a loopback port no earlier sandbox of this process served on."""
    while True:
        srv = make_server("127.0.0.1", 0, app, threaded=True, request_handler=handler)
        with _LOCK:
            if srv.server_port not in _SERVED_PORTS:
                _SERVED_PORTS.add(srv.server_port)
                return srv
        srv.server_close()


def _forget(*accounts: str) -> None:
    """Drop a stopped sandbox's accounts from moto (memory, and S3's global bucket names)."""
    from moto.core.base_backend import BackendDict
    from moto.s3.models import s3_backends

    for backend_dict in list(BackendDict._instances):  # type: ignore[misc]
        for account in accounts:
            if account in backend_dict:
                del backend_dict[account]
    for name, (_, owner) in list(s3_backends.bucket_accounts.items()):
        if owner in accounts:
            s3_backends.bucket_accounts.pop(name, None)


def client_factory(url: str, role_arn: str | None = None) -> Callable[[str, str], Any]:
    """(service, region) -> a cached boto3 client of the sandbox: with its base credentials,
    or with those of ``role_arn`` assumed from them."""
    connection = Connection(
        endpoint_url=url,
        credentials=CREDENTIALS,
        role_arn=role_arn,
        session_name=PROVISION_SESSION,
    )
    session = make_session(connection)
    config = botocore.config.Config(retries={"mode": "standard", "max_attempts": 3})
    cache: dict[tuple[str, str], Any] = {}
    lock = threading.Lock()

    def make(service: str, region: str) -> Any:
        key = (service, region)
        with lock:  # one creation at a time: concurrent ones would each parse the model
            if key not in cache:
                cache[key] = session.client(  # type: ignore[call-overload]
                    service, region_name=region, endpoint_url=url, config=config
                )
            return cache[key]

    return make


def admin_role_arn(account_id: str) -> str:
    """The role that provisions a member account."""
    return f"arn:aws:iam::{account_id}:role/{ADMIN_ROLE}"


def build(
    url: str,
    target: str,
    baseline: str | None,
    drifts: bool = True,
    layout: str = platform.STACK.name,
    target_account: str | None = None,
    audit: AuditRole | None = None,
) -> dict[str, Env]:
    """Provision the environments into the sandbox at ``url`` with the names of ``layout``
    (``stack`` or ``legacy``); plant the drifts in the target when asked and the layout
    plants them (the legacy layout never does).

    The baseline goes to the base account (:func:`account_of`). The target goes there too
    when ``target_account`` is None; otherwise to ``target_account``, through its
    administrator role (:data:`ADMIN_ROLE`) assumed from the base credentials. With
    ``audit``, the target's account also gets the target's audit role, trusting the base
    account.
    """
    spec = layout_of(layout)
    base = account_of(url)
    base_clients = client_factory(url)
    envs = {
        target: Env(
            suffix=target,
            environment=_environment(target),
            clients=client_factory(url, admin_role_arn(target_account))
            if target_account
            else base_clients,
            account_id=target_account or base,
            layout=spec,
        )
    }
    if baseline:
        envs[baseline] = Env(
            suffix=baseline,
            environment=_environment(baseline),
            clients=base_clients,
            account_id=base,
            layout=spec,
        )
    # One after the other: the work is CPU-bound in this process, so threads only contend.
    for env in envs.values():
        provision(env)
    if audit is not None:
        create_audit_role(envs[target], audit, f"arn:aws:iam::{base}:root")
    if drifts and spec.plants_drifts:
        plant(envs[target])
    return envs


def layout_of(key: str) -> platform.Layout:
    """The sandbox layout called ``key``; InputError (a usage error) for an unknown one."""
    try:
        return platform.layout(key)
    except ValueError as error:
        raise InputError(str(error)) from None


def _environment(suffix: str) -> str:
    word = environment_word(suffix)
    return word if word in ("dev", "prod") else "dev"


@contextlib.contextmanager
def running(
    target: str,
    baseline: str | None,
    *,
    audit: AuditRole,
    region: str = platform.PRIMARY_REGION,
    replica_region: str = platform.REPLICA_REGION,
    drifts: bool = True,
    progress: Callable[[str], None] | None = None,
    layout: str = platform.STACK.name,
) -> Iterator[dict[str, Connection]]:
    """A started, provisioned sandbox (names of ``layout``: stack or legacy), the target in an
    account of its own with its ``audit`` role; yields each environment's Connection: the
    baseline's with the base credentials, the target's through its audit role."""
    if (region, replica_region) != (platform.PRIMARY_REGION, platform.REPLICA_REGION):
        raise InputError(
            f"--sandbox provisions {platform.PRIMARY_REGION} with its replica in "
            f"{platform.REPLICA_REGION} only"
        )
    layout_of(layout)  # an unknown layout fails before the server starts
    saved = {k: os.environ.pop(k, None) for k in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE")}
    try:
        with server() as url:
            if progress:
                progress("provisioning the sandbox")
            account = target_account_of(url)
            build(
                url,
                target,
                baseline,
                drifts=drifts,
                layout=layout,
                target_account=account,
                audit=audit,
            )
            conns = {
                target: Connection(
                    region=region,
                    replica_region=replica_region,
                    endpoint_url=url,
                    credentials=CREDENTIALS,
                    role_arn=audit_role_arn(account),
                    session_name=f"{SESSION_PREFIX}{target}",
                )
            }
            if baseline:
                conns[baseline] = Connection(
                    region=region,
                    replica_region=replica_region,
                    endpoint_url=url,
                    credentials=CREDENTIALS,
                    session_name=f"{SESSION_PREFIX}{baseline}",
                )
            yield conns
    finally:
        for key, value in saved.items():
            if value is not None:
                os.environ[key] = value
