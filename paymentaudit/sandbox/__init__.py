"""The embedded sandbox: a moto server on 127.0.0.1 holding a baseline and a target.

It needs no credentials and no network: ``validate --sandbox`` starts it, provisions
both environments following the stack, plants a handful of drifts in the target,
validates against it, and stops it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import threading
from collections.abc import Callable, Iterator
from typing import Any

import botocore.config

from paymentaudit.aws import Connection, make_session
from paymentaudit.errors import InputError
from paymentaudit.naming import environment_word
from paymentaudit.sandbox.drifts import DRIFTS, plant
from paymentaudit.sandbox.provision import Env, provision

CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
SANDBOX_ACCOUNT = "123456789012"

__all__ = ["DRIFTS", "running", "server"]


# Each server gets an account of its own: moto keeps its state per process, so two
# sandboxes in one process (tests, notebooks) would otherwise share every resource.
_ACCOUNTS: dict[str, str] = {}


def account_of(url: str) -> str:
    """The account id of the sandbox served at ``url``."""
    return _ACCOUNTS.get(url, SANDBOX_ACCOUNT)


@contextlib.contextmanager
def server() -> Iterator[str]:
    """Start an in-process moto server on a free loopback port, with a fresh account of its
    own; yields its URL."""
    try:
        from moto.moto_server.werkzeug_app import (
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )
        from werkzeug.serving import make_server
    except ImportError:
        raise InputError("--sandbox needs moto: pip install 'paymentaudit[sandbox]'") from None

    class CachedDispatcher(DomainDispatcherApplication):  # type: ignore[misc]
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
    # The sandbox needs no AMI catalogue: skipping it makes EC2's first call cheaper.
    os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
    dispatcher = CachedDispatcher(create_backend_app)
    account = f"{secrets.randbelow(10**12):012d}"

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        environ["HTTP_X_MOTO_ACCOUNT_ID"] = account  # moto's per-request account override
        return dispatcher(environ, start_response)

    srv = make_server("127.0.0.1", 0, app, threaded=True, request_handler=MotoRequestHandler)
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{srv.server_port}"
    _ACCOUNTS[url] = account
    try:
        yield url
    finally:
        _ACCOUNTS.pop(url, None)
        _forget(account)
        srv.shutdown()
        srv.server_close()
        thread.join(timeout=5)


def _forget(account: str) -> None:
    """Drop a stopped sandbox's state from moto (memory, and S3's global bucket names)."""
    from moto.core.base_backend import BackendDict
    from moto.s3.models import s3_backends

    for backend_dict in list(BackendDict._instances):
        if account in backend_dict:
            del backend_dict[account]
    for name, (_, owner) in list(s3_backends.bucket_accounts.items()):
        if owner == account:
            s3_backends.bucket_accounts.pop(name, None)


def client_factory(url: str) -> Callable[[str, str], Any]:
    """(service, region) -> a cached boto3 client of the sandbox."""
    session = make_session(Connection(endpoint_url=url, credentials=CREDENTIALS))
    config = botocore.config.Config(retries={"mode": "standard", "max_attempts": 3})
    cache: dict[tuple[str, str], Any] = {}
    lock = threading.Lock()

    def make(service: str, region: str) -> Any:
        key = (service, region)
        with lock:  # one creation at a time: concurrent ones would each parse the model
            if key not in cache:
                cache[key] = session.client(
                    service, region_name=region, endpoint_url=url, config=config
                )
            return cache[key]

    return make


def build(url: str, target: str, baseline: str | None, drifts: bool = True) -> dict[str, Env]:
    """Provision the environments into the sandbox at ``url`` (in parallel)."""
    specs = [(target, drifts)] + ([(baseline, False)] if baseline else [])
    envs = {
        suffix: Env(
            suffix=suffix,
            environment=_environment(suffix),
            clients=client_factory(url),
            account_id=account_of(url),
        )
        for suffix, _ in specs
    }
    # One after the other: the work is CPU-bound in this process, so threads only contend.
    for suffix, _ in specs:
        provision(envs[suffix])
    for suffix, with_drifts in specs:
        if with_drifts:
            plant(envs[suffix])
    return envs


def _environment(suffix: str) -> str:
    word = environment_word(suffix)
    return word if word in ("dev", "prod") else "dev"


@contextlib.contextmanager
def running(
    target: str,
    baseline: str | None,
    *,
    region: str = "us-east-1",
    replica_region: str = "us-west-2",
    drifts: bool = True,
    progress: Callable[[str], None] | None = None,
) -> Iterator[Connection]:
    """A started, provisioned sandbox; yields the Connection to audit it."""
    if (region, replica_region) != ("us-east-1", "us-west-2"):
        raise InputError("--sandbox provisions us-east-1 with its replica in us-west-2 only")
    saved = {k: os.environ.pop(k, None) for k in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE")}
    try:
        with server() as url:
            if progress:
                progress("provisioning the sandbox")
            build(url, target, baseline, drifts=drifts)
            yield Connection(
                region=region,
                replica_region=replica_region,
                endpoint_url=url,
                credentials=CREDENTIALS,
            )
    finally:
        for key, value in saved.items():
            if value is not None:
                os.environ[key] = value
