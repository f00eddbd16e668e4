"""IAM policy documents as JSON strings (json.dumps of dicts; CDK tokens interpolate inside)."""

from __future__ import annotations

import json
from typing import Any

Statement = dict[str, Any]


def document(*statements: Statement) -> str:
    """A policy document with the given statements."""
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(sid: str, actions: list[str], resources: list[str], **extra: Any) -> Statement:
    """An Allow statement on named actions and resources (extra: Condition, Principal...)."""
    return {"Sid": sid, "Effect": "Allow", "Action": actions, "Resource": resources, **extra}


def assume_role(service: str, account_id: str | None = None) -> str:
    """Trust policy for one AWS service principal; with account_id, only on this account's
    behalf (aws:SourceAccount, the confused-deputy guard)."""
    statement: Statement = {
        "Sid": "AllowServiceAssumeRole",
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": ["sts:AssumeRole"],
    }
    if account_id is not None:
        statement["Condition"] = {"StringEquals": {"aws:SourceAccount": account_id}}
    return document(statement)
