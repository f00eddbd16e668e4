"""Provision one environment of the payment stack into a (moto) AWS account with boto3.

Every name, tag and setting comes from ``paymentaudit.platform``, which ``stack/`` reads too,
so that a drift check of the sandbox against the synthesized stack shows only the drifts
planted on purpose (see ``drifts.py``); the round-trip test
(``tests/desired/test_roundtrip.py``) checks it. The environment's layout
(``platform.STACK`` or ``platform.LEGACY``) picks the names that differ between deployments.
"""

from __future__ import annotations

from paymentaudit.sandbox.provision.base import PRIMARY, REPLICA, Env
from paymentaudit.sandbox.provision.compute import compute, ingress
from paymentaudit.sandbox.provision.data import database, sessions, storage
from paymentaudit.sandbox.provision.monitoring import monitoring, parameters
from paymentaudit.sandbox.provision.network import encryption, network

COMPONENTS = (
    encryption,
    network,
    database,
    sessions,
    storage,
    compute,
    ingress,
    monitoring,
    parameters,
)


def provision(env: Env) -> Env:
    """Create every component of one environment, in dependency order."""
    for component in COMPONENTS:
        component(env)
    return env


__all__ = ["COMPONENTS", "PRIMARY", "REPLICA", "Env", "provision"]
