"""The payment stack scaled xN inside one environment, in a moto server of its own process.

Copy ``i`` of the stack is provisioned by the sandbox's own components
(``paymentaudit.sandbox.provision``) through an :class:`IndexedEnv` whose ``name()``
inserts the copy index before the suffix (``payment-sessions-007-bench``), so the N
copies share one environment suffix and one tag set, as N stacks' worth of resources in one
environment would. The stack's four SSM parameters (fixed names) are replaced by ten
parameters per copy under the environment's path.

Per copy: 51 resources (2 KMS keys, a VPC with 3 subnets, 4 route tables, 3 endpoints and
5 security groups, 3 log groups, 4 IAM roles, an Aurora cluster with 2 instances and a
subnet group, a table, 2 buckets, 2 functions, an ALB with 2 target groups, a topic,
2 alarms, a dashboard, 10 parameters).
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from bench.common import PYTHON, ROOT

# The module, not the function the sandbox package re-exports under the same name.
provision = import_module("paymentaudit.sandbox.provision")

SUFFIX = "bench"
PARAMETERS_PER_COPY = 10
# What one copy provisions, counted by hand: the snapshot must collect exactly this many. The
# 52nd is the Aurora cluster's master-user secret, which RDS creates (ManageMasterUserPassword).
RESOURCES_PER_COPY = 52


@dataclass
class IndexedEnv(provision.Env):  # type: ignore[name-defined,misc]
    """The sandbox Env of copy ``index``: every physical name carries the copy index."""

    index: int = 0

    def name(self, base: str, with_env: bool = False) -> str:
        """``<base>-<index>-<suffix>`` (with the environment word inserted when asked)."""
        return super().name(f"{base}-{self.index:03d}", with_env)


def parameters(env: IndexedEnv) -> None:
    """Ten String parameters of copy ``index`` under /<environment>/app-<index>/."""
    ssm = env.c("ssm")
    values = {
        "currency": "USD",
        "max-payment-amount": "10000",
        "log-level": "INFO",
        "table-name": env.ids.get("table", ""),
        "bucket-name": env.ids.get("bucket", ""),
        "function-name": env.ids.get("function", ""),
        "cluster-id": env.ids.get("cluster", ""),
        "retention-days": "30",
        "feature-flags": "fraud-check,3ds",
        "owner": "payments-team",
    }
    for name, value in values.items():
        ssm.put_parameter(
            Name=f"/{env.environment}/app-{env.index:03d}/{name}",
            Value=value or "unset",
            Type="String",
            Tags=env.tag_list(),
        )


COMPONENTS: tuple[Callable[[Any], None], ...] = (
    *(c for c in provision.COMPONENTS if c is not provision.parameters),
    parameters,
)
assert len(COMPONENTS) == len(provision.COMPONENTS)


@dataclass(frozen=True)
class MotoServer:
    """A running moto server process."""

    url: str
    account: str
    process: subprocess.Popen[str]


@contextmanager
def moto_server() -> Iterator[MotoServer]:
    """``python -m bench.motoproc`` (the sandbox's moto server) in a process of its own."""
    proc = subprocess.Popen(
        [PYTHON, "-m", "bench.motoproc"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**_env(), "MOTO_EC2_LOAD_DEFAULT_AMIS": "false"},
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError("the moto server process exited before serving")
        info = json.loads(line)
        yield MotoServer(url=info["url"], account=info["account"], process=proc)
    finally:
        if proc.stdin:
            proc.stdin.close()  # the server stops when its stdin closes
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _env() -> dict[str, str]:
    import os

    return {**os.environ, "PYTHONPATH": str(ROOT)}


def provision_copies(server: MotoServer, indexes: Iterable[int], workers: int = 4) -> float:
    """Provision copies ``indexes`` of the stack into ``server``; returns the seconds taken.

    Copies are independent, so a few run at once: the server works in its own process while
    this one builds requests.
    """
    from paymentaudit.sandbox import client_factory

    factory = client_factory(server.url)

    def one(index: int) -> None:
        env = IndexedEnv(
            suffix=SUFFIX,
            environment="dev",
            clients=factory,
            account_id=server.account,
            index=index,
        )
        for component in COMPONENTS:
            component(env)

    start = time.perf_counter()
    with ThreadPoolExecutor(max(1, workers)) as pool:
        for _ in pool.map(one, list(indexes)):
            pass
    return time.perf_counter() - start
