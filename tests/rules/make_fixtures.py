"""Regenerate tests/rules/fixtures/<RULE-ID>/{pass,fail}.json from the sandbox.

Run by hand (``.venv/bin/python tests/rules/make_fixtures.py``) when a collector's output
shape changes; the tests read only the JSON files it writes. Each fixture is a small
``paymentaudit/snapshot/v1`` snapshot: the sandbox resources a rule looks at, taken from
dev or prod-abc123, with the one change that makes the rule pass or fail (fixturekit.py).

The output is deterministic: the account, and every id AWS (here moto) makes up at random
(KMS key and secret ids, VPC-style ids, resource ids, ELB hashes), become stable values
numbered in order of appearance. ``test_fixtures_match_what_the_collectors_produce`` builds
them again from the test session's sandbox and fails when a committed fixture differs.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Any

from fixturekit import DEV, PROD, SPECS, Data, subset

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ACCOUNT = "123456789012"


# Ids AWS (moto) makes up at random, and the stable shape each becomes.
_RANDOM_IDS = (
    (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "uuid"),
    (
        re.compile(
            r"\b(vpc|subnet|sg|rtb|vpce|igw|nat|eni|acl|fl|pl|rtbassoc|i|sgr)-[0-9a-f]{8,17}\b"
        ),
        "ec2",
    ),
    (re.compile(r"\b(cluster|db)-[A-Z0-9]{26}\b"), "rds"),
    (re.compile(r"\b(AROA|AIDA|ANPA)[A-Z0-9]{17}\b"), "iam"),
    (re.compile(r"(?<=/)[0-9a-f]{16}(?=$|[/\"])"), "elb"),
    (re.compile(r"(?<=:secret:)([^:\"]+)-[A-Za-z0-9]{6}(?=$|[\":])"), "secret"),
    (re.compile(r"\.cluster-(ro-)?[a-z0-9]{12}\."), "endpoint"),
)


def _stable(kind: str, match: re.Match[str], owner: str) -> str:
    """A stable stand-in for a random id, derived from what owns it (never from its value)."""
    digest = hashlib.sha256(owner.encode()).hexdigest()
    if kind == "uuid":
        return f"{digest[:8]}-{digest[8:12]}-4{digest[13:16]}-8{digest[17:20]}-{digest[20:32]}"
    if kind == "ec2":
        return f"{match.group(1)}-{digest[:17]}"
    if kind == "rds":
        return f"{match.group(1)}-{digest[:26].upper()}"
    if kind == "iam":
        return f"{match.group(1)}{digest[:17].upper()}"
    if kind == "elb":
        return digest[:16]
    if kind == "secret":
        return f"{match.group(1)}-{digest[:6]}"
    return f".cluster-{match.group(1) or ''}{digest[:12]}."


def deterministic(data: dict[str, Data], account: str) -> dict[str, Data]:
    """Snapshot data with the account and every random id replaced by a stable value derived
    from the resource that owns the id (environment, type, logical name), and lists of strings
    sorted again: the same sandbox gives the same fixtures, run after run."""
    text = json.dumps(data, sort_keys=True).replace(account, ACCOUNT)
    data = json.loads(text)
    stable: dict[str, str] = {}
    for env in sorted(data):
        for res in data[env]["resources"]:
            owner = f"{env}/{res['type']}/{res['logical_name']}"
            tokens = (res["physical_id"], res["arn"], *res.get("aliases", []))
            for i, token in enumerate(tokens):
                # The same passes, in the same order, as over the whole text below.
                for pattern, kind in _RANDOM_IDS:
                    for match in pattern.finditer(token):
                        stable.setdefault(match.group(0), _stable(kind, match, f"{owner}/{i}"))
                    token = pattern.sub(lambda m: stable.get(m.group(0), m.group(0)), token)
    for pattern, _kind in _RANDOM_IDS:
        text = pattern.sub(lambda m: stable.get(m.group(0), m.group(0)), text)
    return _sorted_lists(json.loads(text))


def _sorted_lists(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _sorted_lists(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [_sorted_lists(v) for v in value]
        if all(isinstance(v, str) for v in items):
            return sorted(items)
        if items and all(isinstance(v, dict) and "source" in v for v in items):
            return sorted(items, key=lambda v: json.dumps(v, sort_keys=True))  # SG rules
        return items
    return value


def as_fixture_data(snapshots: dict[str, Any], account: str) -> dict[str, Data]:
    """Snapshots (dev, prod-abc123) as fixture JSON data: fixed time, no call count, stable
    account and ids."""
    data = deterministic({k: v.to_dict() for k, v in snapshots.items()}, account)
    for snap in data.values():
        snap.update(taken_at="2025-01-01T00:00:00Z", api_calls=0, source="fixture")
        snap.pop("reached", None)  # names the sandbox's endpoint: a random port
        snap.pop("identity", None)
        snap.pop("extra", None)
    return data


def sandbox_snapshots() -> dict[str, Data]:
    """Fresh dev and prod-abc123 snapshots (drifts planted in prod), as fixture data."""
    from paymentaudit.aws import Connection
    from paymentaudit.engine.run import take
    from paymentaudit.sandbox import CREDENTIALS, account_of, build, server

    with server() as url:
        build(url, PROD, DEV)
        connection = Connection(endpoint_url=url, credentials=CREDENTIALS)
        taken = take([(PROD, None), (DEV, None)], connection)
        account = account_of(url)
    return as_fixture_data(taken, account)


def fixtures(snaps: dict[str, Data]) -> dict[Path, str]:
    """Every fixture file's path and text, from the two environments' fixture data."""
    out = {}
    for rule_id, (needs, *cases) in SPECS.items():
        for name, (env, change) in zip(("pass", "fail"), cases, strict=True):
            data = subset(snaps[env], *needs)
            if change is not None:
                change(data)
            out[FIXTURES / rule_id / f"{name}.json"] = json.dumps(data, indent=2) + "\n"
    return out


def main() -> None:
    from paymentaudit import rules

    missing = set(rules.ids()) ^ set(SPECS)
    if missing:
        sys.exit(f"rules without a fixture spec (or specs without a rule): {sorted(missing)}")
    written = fixtures(sandbox_snapshots())
    for path, text in written.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    print(f"wrote {len(written)} fixtures under {FIXTURES}")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    main()
