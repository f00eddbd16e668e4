"""The main job: snapshot target and baseline, audit once, write the report directory."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from paymentaudit import atomic, history, reporters
from paymentaudit.api import inventory as inventory_mod
from paymentaudit.api.connection import (
    DEFAULT_REGION,
    DEFAULT_REPLICA_REGION,
    Where,
    endpoint_from,
    resolve,
    sandbox_opened,
)
from paymentaudit.api.inputs import check_limits, load_policy, parse_fail_on, workers
from paymentaudit.api.presence import ensure_found
from paymentaudit.aws import Connection, check_role_arn
from paymentaudit.engine.run import take_all
from paymentaudit.errors import InputError
from paymentaudit.findings.evaluate import audit
from paymentaudit.findings.result import MODE_NEW, AuditResult
from paymentaudit.findings.runs import against_previous
from paymentaudit.naming import validate_ssm_path, validate_suffix
from paymentaudit.phases import Phases
from paymentaudit.reporters.directory import FINDINGS, read_findings
from paymentaudit.snapshots import Snapshot
from paymentaudit.snapshots import load as load_snapshot

DEFAULT_TIMEOUT = 600.0
# Written by every run, in this order; the notebook and its HTML only without --no-notebook.
REPORT_FORMATS = ("json", "junit", "sarif", "markdown")
NOTEBOOK_FORMAT = "notebook"


@dataclass
class Options:
    """Everything `validate` takes (the CLI flags, as a library call).

    Connection settings left None come from the inventory (``inventory``, else
    [tool.paymentaudit.environments] of ./pyproject.toml), else from the defaults; the
    baseline's fall back to the target's flags (--region, --profile, --endpoint-url).
    """

    target: str
    baseline: str | None = None  # None: the target's inventory baseline, else dev
    region: str | None = None
    replica_region: str | None = None
    profile: str | None = None
    endpoint_url: str | None = None
    role_arn: str | None = None
    external_id: str | None = None
    baseline_profile: str | None = None
    baseline_role_arn: str | None = None
    baseline_region: str | None = None
    baseline_endpoint_url: str | None = None
    inventory: str | None = None
    ssm_path: str | None = None
    baseline_ssm_path: str | None = None
    policy: str | None = None
    fail_on: str = "high"
    out: str | None = None
    notebook: bool = True
    sandbox: bool = False
    sandbox_layout: str = "stack"  # or "legacy": the original design's names, no drift
    max_workers: int | None = None  # default: 16, or 1 per account on the sandbox
    timeout: float = DEFAULT_TIMEOUT
    desired: str | None = None
    synth: bool = False
    since: str | None = None
    reports_root: str = "reports"
    previous: str | None = None  # a report directory; default reports/<target>/latest
    fail_on_new: bool = False  # only new findings at or above fail_on block
    history: str | None = None  # default $PAYMENTAUDIT_HISTORY, else reports/history

    @property
    def where(self) -> Where:
        """The target's connection flags."""
        return Where(
            self.region,
            self.replica_region,
            self.profile,
            self.endpoint_url,
            self.sandbox,
            self.role_arn,
            self.external_id,
        )

    @property
    def baseline_where(self) -> Where:
        """The baseline's own connection flags (the target's apply where these are None)."""
        return Where(
            self.baseline_region,
            self.replica_region,
            self.baseline_profile,
            self.baseline_endpoint_url,
            self.sandbox,
            self.baseline_role_arn,
            self.external_id,
        )


@dataclass(frozen=True)
class Plan:
    """What a validation reads: each environment's suffix, SSM prefix and connection."""

    target: str
    baseline: str
    target_ssm: str | None
    baseline_ssm: str | None
    target_conn: Connection | None  # None on the sandbox (it makes its own)
    baseline_conn: Connection | None


def plan(opts: Options) -> Plan:
    """Resolve flags, inventory and defaults into what is read, and from where."""
    inv = inventory_mod.load(opts.inventory)
    target_entry = inv.get(opts.target)
    baseline = opts.baseline or target_entry.baseline or "dev"
    baseline_entry = inv.get(baseline)
    if opts.sandbox:
        return Plan(
            opts.target,
            baseline,
            opts.ssm_path or target_entry.ssm_path,
            opts.baseline_ssm_path or baseline_entry.ssm_path,
            None,
            None,
        )
    target_conn = resolve(opts.target, opts.where, target_entry)
    base = Where(opts.region, opts.replica_region, opts.profile, opts.endpoint_url)
    baseline_conn = resolve(baseline, opts.baseline_where, baseline_entry, base=base)
    return Plan(
        opts.target,
        baseline,
        opts.ssm_path or target_entry.ssm_path,
        opts.baseline_ssm_path or baseline_entry.ssm_path,
        target_conn,
        baseline_conn,
    )


@dataclass
class Run:
    """A finished validation: the result, where it was written, and stage timings."""

    result: AuditResult
    report_dir: Path | None
    timings: dict[str, float] = field(default_factory=dict)
    api_calls: int = 0
    latest: Path | None = None  # reports/<target>/latest, when validate switched it here


def check_inputs(opts: Options) -> None:
    """Validate everything that can be checked before touching AWS (InputError)."""
    validate_suffix(opts.target, "target suffix")
    if opts.baseline is not None:
        validate_suffix(opts.baseline, "baseline suffix")
    if opts.target == opts.baseline:
        raise InputError(f"target and baseline are both {opts.target!r}: compare two environments")
    for role, what in (
        (opts.role_arn, "--role-arn"),
        (opts.baseline_role_arn, "--baseline-role-arn"),
    ):
        if role is not None:
            check_role_arn(role, what)
    for value, what in (
        (opts.ssm_path, "--ssm-path"),
        (opts.baseline_ssm_path, "--baseline-ssm-path"),
    ):
        if value is not None:
            validate_ssm_path(value, what)
    check_limits(opts.max_workers, opts.timeout)
    if opts.desired and opts.synth:
        raise InputError("--desired and --synth both give the desired state: choose one")
    if opts.sandbox_layout != "stack" and not opts.sandbox:
        raise InputError("--sandbox-layout needs --sandbox")
    if not opts.sandbox:
        endpoint_from(opts.endpoint_url)
        if opts.baseline_endpoint_url:
            endpoint_from(opts.baseline_endpoint_url, "--baseline-endpoint-url")


def load_references(opts: Options, phases: Phases) -> tuple[Snapshot | None, ...]:
    """The desired state (--desired or --synth) and the earlier snapshot (--since), if asked."""
    desired = since = None
    if opts.desired or opts.synth:
        from paymentaudit.desired.state import load as load_desired

        start = time.perf_counter()
        with phases("synth", "the stack (cached)" if opts.synth else str(opts.desired)):
            desired = load_desired(
                opts.desired,
                synth=opts.synth,
                suffix=opts.target,
                region=opts.region or DEFAULT_REGION,
                replica_region=opts.replica_region or DEFAULT_REPLICA_REGION,
                ssm_prefix=opts.ssm_path,
            )
        phases.timings["desired"] = time.perf_counter() - start
    if opts.since:
        since = load_snapshot(opts.since)
        if since.suffix != opts.target:
            raise InputError(
                f"--since {opts.since} is a snapshot of {since.suffix!r}, not of {opts.target!r}"
            )
    return desired, since


def write_report(
    result: AuditResult,
    directory: atomic.ReportDir,
    notebook: bool,
    phases: Phases | None = None,
) -> Path:
    """Write every report format into the (temporary) directory, then commit it."""
    phases = phases or Phases()
    render_formats(result, directory.path, REPORT_FORMATS, phases, notebook=notebook)
    return directory.commit()


def render_formats(
    result: AuditResult,
    path: Path,
    formats: tuple[str, ...],
    phases: Phases,
    *,
    notebook: bool,
) -> list[Path]:
    """Render ``formats`` (the "reports" phase), then the notebook when asked (its own phase)."""
    written: list[Path] = []
    with phases("reports", ", ".join(formats)):
        for name in formats:
            start = time.perf_counter()
            written.extend(reporters.get(name)(result, path))
            phases.timings[f"report_{name}"] = time.perf_counter() - start
    if notebook:
        with phases("notebook", "readiness.ipynb and readiness.html"):
            start = time.perf_counter()
            written.extend(reporters.get(NOTEBOOK_FORMAT)(result, path))
            phases.timings[f"report_{NOTEBOOK_FORMAT}"] = time.perf_counter() - start
    return written


def validate(
    opts: Options,
    progress: Callable[[str], None] | None = None,
    announce: Callable[[str], None] | None = None,
) -> Run:
    """Validate ``opts.target`` against ``opts.baseline``; see the README for the contract.

    ``announce`` gets one line per phase (synth, snapshot, compare, rules, reports, notebook),
    ``progress`` the collectors' finer steps. The audit runs once; every report is rendered
    from its saved result.
    """
    began = time.perf_counter()
    check_inputs(opts)
    fail_on = parse_fail_on(opts.fail_on)
    policy = load_policy(opts.policy)
    todo = plan(opts)
    if todo.target == todo.baseline:
        raise InputError(f"target and baseline are both {todo.target!r}: compare two environments")
    phases = Phases(announce)
    timings = phases.timings
    desired, since = load_references(opts, phases)
    final = Path(opts.out) if opts.out else atomic.default_dir(opts.target, opts.reports_root)
    with atomic.ReportDir(final, link_latest=opts.out is None) as report_dir:
        with phases("snapshot", f"{todo.target} and {todo.baseline}"):
            snaps = collect(todo, opts, progress)
        target, baseline = snaps[todo.target], snaps[todo.baseline]
        ensure_found((target, "target"), (baseline, "baseline"))
        start = time.perf_counter()
        result = audit(
            baseline,
            target,
            policy=policy,
            fail_on=fail_on,
            desired=desired,
            since=since,
            phases=phases,
        )
        result.sources["policy"] = {
            "source": policy.source or None,
            "disabled": sorted(policy.disabled),
        }
        timings["compare_and_rules"] = time.perf_counter() - start
        track(result, opts, todo)
        path = write_report(result, report_dir, opts.notebook, phases)
    history.append(result, duration=time.perf_counter() - began, report_dir=str(path),
                   base=opts.history)  # fmt: skip
    append_step_summary(path)
    latest = path.parent / atomic.LATEST if opts.out is None else None
    return Run(
        result=result, report_dir=path, timings=timings, api_calls=target.api_calls, latest=latest
    )


def previous_report(opts: Options, todo: Plan) -> tuple[dict[str, Any], str] | None:
    """The previous report of the same target and baseline: --previous DIR, else
    reports/<target>/latest when present. An explicit --previous of other environments is an
    input error; a latest of another baseline is not compared."""
    explicit = opts.previous is not None
    where = Path(opts.reports_root) / todo.target / "latest"
    if opts.previous is not None:
        where = Path(opts.previous)
    if not explicit and not (where / FINDINGS).is_file():
        return None
    doc = read_findings(where)
    same = doc.get("target") == todo.target and doc.get("baseline") == todo.baseline
    if not same:
        if explicit:
            raise InputError(
                f"--previous {where} is a report of {doc.get('target')!r} against "
                f"{doc.get('baseline')!r}, not of {todo.target!r} against {todo.baseline!r}"
            )
        return None
    return doc, str(where.resolve())


def track(result: AuditResult, opts: Options, todo: Plan) -> None:
    """What the report says about earlier runs: each finding's state against the previous
    report (new, unchanged, updated; fixed), the mode, and the target's trend."""
    found = previous_report(opts, todo)
    if found is not None:
        against_previous(result, *found)
    if opts.fail_on_new:
        result.mode = MODE_NEW
    result.trend = [
        *history.trend(todo.target, opts.history),
        {
            "generated_at": result.generated_at,
            "verdict": result.verdict,
            "score": result.score,
            "blocking": len(result.blocking),
            "baseline": todo.baseline,
        },
    ]


def collect(
    todo: Plan, opts: Options, progress: Callable[[str], None] | None = None
) -> dict[str, Any]:
    """Snapshot the target and the baseline: on the sandbox, or each from its own account."""
    kwargs: dict[str, Any] = {
        "max_workers": workers(opts.max_workers, opts.sandbox),
        "timeout": opts.timeout,
        "progress": progress,
        "source": "sandbox" if opts.sandbox else "aws",
    }
    if todo.target_conn is None or todo.baseline_conn is None:
        with sandbox_opened(
            todo.target,
            todo.baseline,
            region=opts.region or DEFAULT_REGION,
            replica_region=opts.replica_region or DEFAULT_REPLICA_REGION,
            progress=progress,
            layout=opts.sandbox_layout,
        ) as conns:
            return take_all(
                [
                    (conns[todo.target], todo.target, todo.target_ssm),
                    (conns[todo.baseline], todo.baseline, todo.baseline_ssm),
                ],
                **kwargs,
            )
    return take_all(
        [
            (todo.target_conn, todo.target, todo.target_ssm),
            (todo.baseline_conn, todo.baseline, todo.baseline_ssm),
        ],
        **kwargs,
    )


def append_step_summary(report_dir: Path) -> None:
    """Append summary.md to $GITHUB_STEP_SUMMARY when it is set."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    summary = report_dir / "summary.md"
    if not target or not summary.is_file():
        return
    try:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(summary.read_text(encoding="utf-8"))
            handle.write("\n")
    except OSError as exc:
        raise InputError(f"cannot append to GITHUB_STEP_SUMMARY {target}: {exc.strerror}") from None
