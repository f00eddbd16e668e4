"""The sessions table: DynamoDB, on demand, with point-in-time recovery and a TTL."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Gsi:
    """A global secondary index on one hash key."""

    name: str
    hash_key: str
    projection: str


@dataclass(frozen=True)
class Table:
    """The DynamoDB table (on demand, PITR, CMK encryption, TTL)."""

    name: str
    billing_mode: str
    hash_key: str
    attributes: tuple[tuple[str, str], ...]  # (name, type)
    indexes: tuple[Gsi, ...]
    ttl_attribute: str
    point_in_time_recovery: bool = True


SESSIONS = Table(
    name="payment-sessions",
    billing_mode="PAY_PER_REQUEST",
    hash_key="session_id",
    attributes=(("session_id", "S"), ("user_id", "S")),
    indexes=(Gsi("user_id-index", "user_id", "ALL"),),
    ttl_attribute="expires_at",
)
