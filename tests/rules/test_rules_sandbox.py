"""The rules on the sandbox: dev is clean, prod fails exactly on the planted drifts."""

from __future__ import annotations

from collections import defaultdict

from paymentaudit import rules
from paymentaudit.findings.evaluate import evaluate_rules
from paymentaudit.model import Status
from paymentaudit.rules.base import RuleContext
from paymentaudit.sandbox.drifts import DRIFTS

# Deletion protection is required in the target (prod) only: dev runs without it.
TARGET_ONLY = {"ALB-DELETION-PROTECTION", "DDB-DELETION-PROTECTION", "RDS-DELETION-PROTECTION"}


def _by_status(snapshot) -> dict[Status, set[str]]:
    out: dict[Status, set[str]] = defaultdict(set)
    for outcome in evaluate_rules(RuleContext(snapshot), rules.all_rules()):
        out[outcome.status].add(outcome.rule)
    return out


def test_dev_passes_every_rule_but_the_target_only_ones(sandbox_snapshots) -> None:
    status = _by_status(sandbox_snapshots["dev"])
    assert status[Status.FAIL] == TARGET_ONLY
    assert not status[Status.NOT_EVALUATED]
    # Every rule is applicable somewhere in dev, except the SecureString check (no
    # sensitive-looking parameter exists there).
    assert set(rules.ids()) - status[Status.PASS] - TARGET_ONLY == {"SSM-SENSITIVE-TYPE"}


def test_prod_fails_exactly_the_planted_drifts(sandbox_snapshots) -> None:
    prod = sandbox_snapshots["prod-abc123"]
    outcomes = evaluate_rules(RuleContext(prod), rules.all_rules())
    failed = {(o.rule, o.resource, o.path) for o in outcomes if o.status is Status.FAIL}
    planted = {
        (e.check, e.resource, e.path) for d in DRIFTS for e in d.expect if e.kind == "policy"
    }
    assert failed == planted
    assert {rule for rule, _, _ in failed} == {
        "DDB-PITR",
        "SG-OPEN-INGRESS",
        "CW-ALARM-RDS-CPU",
        "LAMBDA-LOG-RETENTION",
        "KMS-ROTATION",
    }
    assert not [o for o in outcomes if o.status is Status.NOT_EVALUATED]
