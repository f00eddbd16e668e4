"""Secret hygiene: what is never stored, and the policy-document canonical form."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

REDACTED = "[REDACTED]"


# Condition keys whose values are identifiers, not secrets: they are kept so that policy
# documents can be compared. Values of any other condition key are redacted, because
# policies do carry shared secrets (e.g. a Referer or User-Agent header check).
SAFE_CONDITION_KEYS = frozenset(
    k.lower()
    for k in (
        "aws:SecureTransport",
        "aws:SourceVpc",
        "aws:SourceVpce",
        "aws:SourceAccount",
        "aws:SourceArn",
        "aws:SourceOwner",
        "aws:PrincipalOrgID",
        "aws:PrincipalAccount",
        "aws:PrincipalArn",
        "aws:PrincipalServiceName",
        "aws:RequestedRegion",
        "aws:ViaAWSService",
        "aws:CalledVia",
        "aws:MultiFactorAuthPresent",
        "aws:TlsVersion",
        "s3:x-amz-server-side-encryption",
        "s3:x-amz-server-side-encryption-aws-kms-key-id",
        "s3:TlsVersion",
        "kms:ViaService",
        "kms:CallerAccount",
        "kms:EncryptionContext:aws:logs:arn",
        "kms:EncryptionContext:aws:sns:topicArn",
        "iam:PassedToService",
    )
)

# A value that references a secret store instead of holding the secret itself.
SECRET_REFERENCE_RE = re.compile(
    r"^(arn:aws[a-z-]*:(secretsmanager|ssm|kms):|\{\{resolve:|/[A-Za-z0-9_.\-/]+$)"
)


def is_secret_reference(value: str) -> bool:
    """True when a value points at a secret store rather than being a literal."""
    return bool(SECRET_REFERENCE_RE.match(value or ""))


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _sorted_strs(value: Any) -> list[Any]:
    return sorted(_as_list(value), key=lambda v: json.dumps(v, sort_keys=True, default=str))


def policy_document(doc: Any) -> dict[str, Any] | None:
    """A policy document in canonical form, with non-identifier condition values redacted.

    Accepts a JSON string or a dict. Statements become a list sorted by content;
    Action, Resource and principal lists are sorted; single values become lists. Statement
    ids (Sid) are dropped: a label, like a resource id, is no difference by itself.
    """
    if doc is None or doc == "":
        return None
    if isinstance(doc, str):
        try:
            doc = json.loads(doc)
        except ValueError:
            return {"unparsable": True}
    if not isinstance(doc, Mapping):
        return {"unparsable": True}
    statements = [_statement(s) for s in _as_list(doc.get("Statement")) if isinstance(s, Mapping)]
    statements.sort(key=lambda s: json.dumps(s, sort_keys=True, default=str))
    out: dict[str, Any] = {"Version": doc.get("Version"), "Statement": statements}
    return out


def _statement(stmt: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"Effect": stmt.get("Effect")}
    for key in ("Action", "NotAction", "Resource", "NotResource"):
        if key in stmt:
            out[key] = _sorted_strs(stmt[key])
    for key in ("Principal", "NotPrincipal"):
        if key in stmt:
            principal = stmt[key]
            if isinstance(principal, Mapping):
                out[key] = {k: _sorted_strs(v) for k, v in sorted(principal.items())}
            else:
                out[key] = principal
    if "Condition" in stmt and isinstance(stmt["Condition"], Mapping):
        out["Condition"] = {
            op: {
                ckey: (
                    _sorted_strs(cval)
                    if ckey.lower() in SAFE_CONDITION_KEYS
                    else [REDACTED for _ in _as_list(cval)]
                )
                for ckey, cval in sorted(keys.items())
            }
            for op, keys in sorted(stmt["Condition"].items())
            if isinstance(keys, Mapping)
        }
    return out


def is_tls_only(doc: Mapping[str, Any] | None) -> bool:
    """True when a bucket policy denies every request made without TLS."""
    if not doc:
        return False
    for stmt in doc.get("Statement", []):
        if stmt.get("Effect") != "Deny":
            continue
        actions = stmt.get("Action", [])
        if not any(a in ("s3:*", "*") for a in actions):
            continue
        for op, keys in (stmt.get("Condition") or {}).items():
            if op.lower() != "bool":
                continue
            for ckey, values in keys.items():
                if ckey.lower() == "aws:securetransport" and "false" in [
                    str(v).lower() for v in values
                ]:
                    return True
    return False
