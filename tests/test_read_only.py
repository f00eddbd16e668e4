"""Read-only: every call of a full snapshot is a declared read, and the guard refuses any other
call before it is sent."""

from __future__ import annotations

from typing import Any

import pytest

from paymentaudit import services as collectors
from paymentaudit.engine.run import take

READ_PREFIXES = ("Describe", "List", "Get")


def test_every_call_of_a_full_snapshot_is_a_declared_read(sandbox: Any) -> None:
    """Run the whole snapshot against the moto server and look at every operation called."""
    import paymentaudit.aws as aws

    made: list[aws.Clients] = []
    original = aws.Clients.__init__

    def record(self: aws.Clients, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        made.append(self)

    aws.Clients.__init__ = record  # type: ignore[method-assign]
    try:
        take([("prod-abc123", None), ("dev", None)], sandbox.connection)
    finally:
        aws.Clients.__init__ = original  # type: ignore[method-assign]
    declared = collectors.declared_operations()
    called = {key for clients in made for key in clients.calls.counts}
    assert len(called) > 40
    for service, operation in called:
        assert operation in declared[service], (service, operation)
        assert operation.startswith(READ_PREFIXES), operation


def test_the_guard_refuses_an_undeclared_call_before_sending(sandbox: Any) -> None:
    from paymentaudit.aws import Clients
    from paymentaudit.errors import ReadOnlyViolation

    clients = Clients(sandbox.connection, collectors.declared_operations())
    s3 = clients.client("s3")
    with pytest.raises(ReadOnlyViolation):
        s3.delete_bucket(Bucket="payment-audit-logs-dev")
    with pytest.raises(ReadOnlyViolation):
        clients.client("ssm").get_parameter(Name="/dev/app/currency", WithDecryption=True)
    assert "payment-audit-logs-dev" in [b["Name"] for b in s3.list_buckets()["Buckets"]]
