"""Could not see is never is different: a partial read only ever removes findings.

Property: for any subset of failed calls, the findings of the audit are a subset of the full
run's findings (coverage and not-evaluated entries aside). And a run cut off by --timeout exits
3 (INCOMPLETE) without a finding the cut made.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import botocore.exceptions
import pytest
from helpers import ROOT, chdir, findings, fresh_sandbox, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paymentaudit import services
from paymentaudit.engine.run import take
from paymentaudit.findings.evaluate import audit

TARGET, BASELINE = "prod-abc123", "dev"
# Every read the audit may make, as (boto3 client, API operation); who-am-I aside.
OPERATIONS = sorted(
    (client, op)
    for client, ops in services.declared_operations().items()
    if client != "sts"
    for op in ops
)
ERRORS = ("AccessDenied", "ThrottlingException", "InternalError")


def _failing(chosen: dict[tuple[str, str], str]) -> Any:
    """A before-call hook failing the chosen operations as AWS would, before they are sent."""

    def hook(model: Any, **_: Any) -> None:
        service = model.service_model.service_name
        code = chosen.get((service, model.name)) or chosen.get(
            (_CLIENTS.get(service, service), model.name)
        )
        if code is not None:
            raise botocore.exceptions.ClientError(
                {"Error": {"Code": code, "Message": "denied in a test"}}, model.name
            )

    return hook


# botocore's service names where they differ from the boto3 client names.
_CLIENTS = {"elasticloadbalancingv2": "elbv2", "tagging": "resourcegroupstaggingapi"}


def _keys(found: Any) -> set[tuple[str, str, str, str, str]]:
    """Every part of every finding: one problem is one finding, and which part leads it
    depends on what could be read (a rule not evaluated leaves its parity twin leading)."""
    return {
        (
            part.kind,
            part.check,
            part.resource_type or f.resource_type,
            part.resource or f.resource,
            part.path,
        )
        for f in found
        for part in f.parts
    }


@pytest.fixture(scope="module")
def full(sandbox: Any, sandbox_snapshots: dict[str, Any]) -> set[tuple[str, ...]]:
    """The full run's findings (everything read)."""
    result = audit(sandbox_snapshots[BASELINE], sandbox_snapshots[TARGET])
    assert result.verdict == "NOT READY"
    return _keys(result.findings)


@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    st.dictionaries(st.sampled_from(OPERATIONS), st.sampled_from(ERRORS), min_size=1, max_size=4)
)
def test_failed_calls_only_remove_findings(
    sandbox: Any, full: set[tuple[str, ...]], chosen: dict[tuple[str, str], str]
) -> None:
    snaps = take(
        [(TARGET, None), (BASELINE, None)],
        sandbox.connection,
        extra_hooks={"before-call": _failing(chosen)},
    )
    result = audit(snaps[BASELINE], snaps[TARGET])
    extra = _keys(result.findings) - full
    assert not extra, f"failing {sorted(chosen)} invented {sorted(extra)}"
    if result.verdict == "READY":
        raise AssertionError("a partial read can never be READY")


def test_a_cut_off_run_is_incomplete_and_invents_nothing(
    tmp_path: Path, capsys: Any, monkeypatch: Any
) -> None:
    """A clean pair (READY when read in full), every request slowed down so that --timeout
    cuts the collection off midway: INCOMPLETE, exit 3, and no finding above info."""
    from paymentaudit.api import validation

    real_take = validation.take_all

    def slow(**_: Any) -> None:
        time.sleep(0.25)

    def take_slowly(*args: Any, **kwargs: Any) -> Any:
        return real_take(*args, extra_hooks={"before-send": slow}, **kwargs)

    with fresh_sandbox() as box, chdir(ROOT):
        args = ["validate", box.target, "--baseline", box.baseline, "--endpoint-url", box.url,
                "--no-notebook"]  # fmt: skip
        code, _out, err = run_cli([*args, "--out", str(tmp_path / "full")], capsys)
        assert code == 0, err  # the clean pair is READY when everything is read
        monkeypatch.setattr(validation, "take_all", take_slowly)
        code, _out, err = run_cli([*args, "--timeout", "1", "--out", str(tmp_path / "cut")], capsys)
    doc = findings(tmp_path / "cut")
    assert code == 3 and doc["verdict"] == "INCOMPLETE", (code, err, doc["verdict"])
    assert any("timed out" in (c["error"] or "") for c in doc["coverage"])
    invented = [f for f in doc["findings"] if f["severity"] != "info"]
    assert invented == [], [f["message"] for f in invented]
