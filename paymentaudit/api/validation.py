"""The main job: snapshot target and baseline, audit once, write the report directory."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from paymentaudit import atomic, reporters
from paymentaudit.api.connection import Where, endpoint_from, opened
from paymentaudit.api.inputs import check_limits, load_policy, parse_fail_on
from paymentaudit.aws import DEFAULT_MAX_WORKERS
from paymentaudit.engine.run import take
from paymentaudit.errors import InputError, NoResourcesError
from paymentaudit.findings.evaluate import audit
from paymentaudit.findings.result import AuditResult
from paymentaudit.naming import validate_ssm_path, validate_suffix
from paymentaudit.snapshots import Snapshot
from paymentaudit.snapshots import load as load_snapshot

DEFAULT_TIMEOUT = 600.0
# Written by every run, in this order; the notebook and its HTML only without --no-notebook.
REPORT_FORMATS = ("json", "junit", "sarif", "markdown")
NOTEBOOK_FORMAT = "notebook"
# Services whose resources belong to an environment by path, not by its suffix: they alone
# do not prove the environment exists (a mistyped dev-typo still finds everything under /dev).
BY_PATH_ONLY = frozenset({"ssm"})


@dataclass
class Options:
    """Everything `validate` takes (the CLI flags, as a library call)."""

    target: str
    baseline: str = "dev"
    region: str = "us-east-1"
    replica_region: str = "us-west-2"
    profile: str | None = None
    endpoint_url: str | None = None
    ssm_path: str | None = None
    baseline_ssm_path: str | None = None
    policy: str | None = None
    fail_on: str = "high"
    out: str | None = None
    notebook: bool = True
    sandbox: bool = False
    max_workers: int = DEFAULT_MAX_WORKERS
    timeout: float = DEFAULT_TIMEOUT
    desired: str | None = None
    synth: bool = False
    since: str | None = None
    reports_root: str = "reports"

    @property
    def where(self) -> Where:
        """The connection these options ask for."""
        return Where(
            self.region, self.replica_region, self.profile, self.endpoint_url, self.sandbox
        )


@dataclass
class Run:
    """A finished validation: the result, where it was written, and stage timings."""

    result: AuditResult
    report_dir: Path | None
    timings: dict[str, float] = field(default_factory=dict)
    api_calls: int = 0


def check_inputs(opts: Options) -> None:
    """Validate everything that can be checked before touching AWS (InputError)."""
    validate_suffix(opts.target, "target suffix")
    validate_suffix(opts.baseline, "baseline suffix")
    if opts.target == opts.baseline:
        raise InputError(f"target and baseline are both {opts.target!r}: compare two environments")
    for value, what in (
        (opts.ssm_path, "--ssm-path"),
        (opts.baseline_ssm_path, "--baseline-ssm-path"),
    ):
        if value is not None:
            validate_ssm_path(value, what)
    check_limits(opts.max_workers, opts.timeout)
    if opts.desired and opts.synth:
        raise InputError("--desired and --synth both give the desired state: choose one")
    if not opts.sandbox:
        endpoint_from(opts.endpoint_url)


def load_references(opts: Options, timings: dict[str, float]) -> tuple[Snapshot | None, ...]:
    """The desired state (--desired or --synth) and the earlier snapshot (--since), if asked."""
    desired = since = None
    if opts.desired or opts.synth:
        from paymentaudit.desired.state import load as load_desired

        start = time.perf_counter()
        desired = load_desired(
            opts.desired,
            synth=opts.synth,
            suffix=opts.target,
            region=opts.region,
            replica_region=opts.replica_region,
            ssm_prefix=opts.ssm_path,
        )
        timings["desired"] = time.perf_counter() - start
    if opts.since:
        since = load_snapshot(opts.since)
        if since.suffix != opts.target:
            raise InputError(
                f"--since {opts.since} is a snapshot of {since.suffix!r}, not of {opts.target!r}"
            )
    return desired, since


def _found(snapshot: Snapshot) -> bool:
    """True when a resource carries the environment's suffix (by name, tag or reference), or
    something could not be read (then absence proves nothing)."""
    if snapshot.failed_services():
        return True
    return any(r.service not in BY_PATH_ONLY for r in snapshot.resources)


def ensure_found(*sides: tuple[Snapshot, str]) -> None:
    """NoResourcesError, naming what was searched where and which suffixes are there, when an
    environment has no resource of its own (SSM parameters under its path do not count)."""
    missing = [(snap, role) for snap, role in sides if not _found(snap)]
    if not missing:
        return
    snap = missing[0][0]
    seen = sorted(set(snap.extra.get("suffixes_seen", ())) - {s.suffix for s, _ in sides})
    there = (
        f"; suffixes tagged there: {', '.join(seen)}"
        if seen
        else "; no environment is tagged there (EnvironmentSuffix)"
    )
    where = f"in {snap.region} (and {snap.replica_region})" if snap.replica_region else snap.region
    account = f" of account {snap.account_id}" if snap.account_id else ""
    if len(missing) == len(sides) and len(sides) > 1:
        names = " and ".join(repr(s.suffix) for s, _ in missing)
        raise NoResourcesError(
            f"no resources found for {names} {where}{account} "
            f"(names ending -<suffix>, tag EnvironmentSuffix=<suffix>){there}"
        )
    snap, role = missing[0]
    by_path = len(snap.resources)
    also = f"; only {by_path} SSM parameter(s) under {snap.ssm_prefix}" if by_path else ""
    raise NoResourcesError(
        f"no resources found for the {role} {snap.suffix!r} {where}{account} "
        f"(names ending -{snap.suffix}, tag EnvironmentSuffix={snap.suffix}{also}){there}"
    )


def write_report(
    result: AuditResult,
    directory: atomic.ReportDir,
    notebook: bool,
    timings: dict[str, float] | None = None,
) -> Path:
    """Write every report format into the (temporary) directory, then commit it."""
    formats = [*REPORT_FORMATS, *((NOTEBOOK_FORMAT,) if notebook else ())]
    for name in formats:
        start = time.perf_counter()
        reporters.get(name)(result, directory.path)
        if timings is not None:
            timings[f"report_{name}"] = time.perf_counter() - start
    return directory.commit()


def validate(opts: Options, progress: Callable[[str], None] | None = None) -> Run:
    """Validate ``opts.target`` against ``opts.baseline``; see the README for the contract.

    The audit runs once; every report is rendered from its saved result.
    """
    check_inputs(opts)
    fail_on = parse_fail_on(opts.fail_on)
    policy = load_policy(opts.policy)
    timings: dict[str, float] = {}
    desired, since = load_references(opts, timings)
    final = Path(opts.out) if opts.out else atomic.default_dir(opts.target, opts.reports_root)
    with atomic.ReportDir(final, link_latest=opts.out is None) as report_dir:
        with opened(
            opts.where, target=opts.target, baseline=opts.baseline, progress=progress
        ) as conn:
            start = time.perf_counter()
            snaps = take(
                [(opts.target, opts.ssm_path), (opts.baseline, opts.baseline_ssm_path)],
                conn,
                max_workers=opts.max_workers,
                timeout=opts.timeout,
                progress=progress,
                source="sandbox" if opts.sandbox else "aws",
            )
            timings["snapshot"] = time.perf_counter() - start
        target, baseline = snaps[opts.target], snaps[opts.baseline]
        ensure_found((target, "target"), (baseline, "baseline"))
        start = time.perf_counter()
        result = audit(
            baseline, target, policy=policy, fail_on=fail_on, desired=desired, since=since
        )
        result.sources["policy"] = {
            "source": policy.source or None,
            "disabled": sorted(policy.disabled),
        }
        timings["compare_and_rules"] = time.perf_counter() - start
        path = write_report(result, report_dir, opts.notebook, timings)
    append_step_summary(path)
    return Run(result=result, report_dir=path, timings=timings, api_calls=target.api_calls)


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
