"""The main job: snapshot target and baseline, audit, write the report directory."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from paymentaudit import outputs, reporters
from paymentaudit import policy as policy_mod
from paymentaudit.audit import AuditResult, audit
from paymentaudit.aws import DEFAULT_MAX_WORKERS, Connection
from paymentaudit.errors import InputError, NoResourcesError
from paymentaudit.model import FAIL_ON_CHOICES, Severity
from paymentaudit.naming import validate_ssm_path, validate_suffix
from paymentaudit.policy import Policy
from paymentaudit.snapshot import Snapshot, take

DEFAULT_TIMEOUT = 600.0
# Written by every run, in this order; the notebook and its HTML only without --no-notebook.
REPORT_FORMATS = ("json", "junit", "sarif", "markdown")
NOTEBOOK_FORMAT = "notebook"


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


@dataclass
class Run:
    """A finished validation: the result, where it was written, and stage timings."""

    result: AuditResult
    report_dir: Path | None
    timings: dict[str, float] = field(default_factory=dict)
    api_calls: int = 0


def parse_fail_on(value: str) -> Severity:
    """--fail-on: critical, high, medium or low; InputError otherwise."""
    if str(value).lower() not in FAIL_ON_CHOICES:
        raise InputError(
            f"invalid --fail-on {value!r}: expected one of {', '.join(FAIL_ON_CHOICES)}"
        )
    return Severity(str(value).lower())


def load_policy(path: str | None) -> Policy:
    """The --policy file, else [tool.paymentaudit] of ./pyproject.toml, else the default."""
    if path:
        return policy_mod.load(path)
    return policy_mod.from_pyproject(Path.cwd()) or Policy()


def check_inputs(opts: Options) -> tuple[Severity, Policy]:
    """Validate everything that can be checked before touching AWS."""
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
    if opts.max_workers < 1:
        raise InputError(f"invalid --max-workers {opts.max_workers}: must be at least 1")
    if opts.timeout <= 0:
        raise InputError(f"invalid --timeout {opts.timeout}: must be positive")
    return parse_fail_on(opts.fail_on), load_policy(opts.policy)


def load_references(opts: Options, timings: dict[str, float]) -> tuple[Snapshot | None, ...]:
    """The desired state (--desired or --synth) and the earlier snapshot (--since), if asked."""
    if opts.desired and opts.synth:
        raise InputError("--desired and --synth both give the desired state: choose one")
    desired = since = None
    if opts.desired or opts.synth:
        from paymentaudit import desired as desired_mod

        start = time.perf_counter()
        desired = desired_mod.load(
            opts.desired,
            synth=opts.synth,
            suffix=opts.target,
            region=opts.region,
            replica_region=opts.replica_region,
            ssm_prefix=opts.ssm_path,
        )
        timings["desired"] = time.perf_counter() - start
    if opts.since:
        from paymentaudit import snapshot as snapshot_mod

        since = snapshot_mod.load(opts.since)
        if since.suffix != opts.target:
            raise InputError(
                f"--since {opts.since} is a snapshot of {since.suffix!r}, not of {opts.target!r}"
            )
    return desired, since


@contextlib.contextmanager
def connection_for(opts: Options, progress: Callable[[str], None] | None) -> Iterator[Connection]:
    """The AWS connection to audit: the embedded sandbox, or the caller's account."""
    if opts.sandbox:
        from paymentaudit.sandbox import running

        with running(opts.target, opts.baseline, region=opts.region,
                     replica_region=opts.replica_region, progress=progress) as conn:  # fmt: skip
            yield conn
        return
    endpoint = opts.endpoint_url or os.environ.get("AWS_ENDPOINT_URL") or None
    yield Connection(
        region=opts.region,
        replica_region=opts.replica_region,
        profile=opts.profile,
        endpoint_url=endpoint,
    )


# Services whose resources belong to an environment by path, not by its suffix: they alone
# do not prove the environment exists (a mistyped dev-typo still finds everything under /dev).
BY_PATH_ONLY = frozenset({"ssm"})


def ensure_found(snapshot: Snapshot, role: str) -> None:
    """NoResourcesError when no resource carries the environment's suffix (by name or tag)
    and nothing failed to read; SSM parameters under its path do not count."""
    if snapshot.failed_services():
        return
    if any(r.service not in BY_PATH_ONLY for r in snapshot.resources):
        return
    by_path = len(snapshot.resources)
    also = f"; only {by_path} SSM parameter(s) under {snapshot.ssm_prefix}" if by_path else ""
    raise NoResourcesError(
        f"no resources found for the {role} {snapshot.suffix!r} "
        f"(names ending -{snapshot.suffix}, tag EnvironmentSuffix={snapshot.suffix}{also})"
    )


def write_report(
    result: AuditResult,
    directory: outputs.ReportDir,
    notebook: bool,
    timings: dict[str, float] | None = None,
) -> Path:
    """Write every report format into the (temporary) directory, then commit it."""
    formats = [*REPORT_FORMATS, *((NOTEBOOK_FORMAT,) if notebook else ())]
    for name in formats:
        if name not in reporters.names():
            continue
        start = time.perf_counter()
        reporters.get(name)(result, directory.path)
        if timings is not None:
            timings[f"report_{name}"] = time.perf_counter() - start
    return directory.commit()


def run(opts: Options, progress: Callable[[str], None] | None = None) -> Run:
    """Validate ``opts.target`` against ``opts.baseline``; see the README for the contract."""
    fail_on, policy = check_inputs(opts)
    timings: dict[str, float] = {}
    desired, since = load_references(opts, timings)
    final = Path(opts.out) if opts.out else outputs.default_dir(opts.target, opts.reports_root)
    with outputs.ReportDir(final, link_latest=opts.out is None) as report_dir:
        with connection_for(opts, progress) as conn:
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
        ensure_found(target, "target")
        ensure_found(baseline, "baseline")
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


def diff(
    baseline_file: str,
    target_file: str,
    *,
    policy: str | None = None,
    fail_on: str = "high",
    out: str | None = None,
    notebook: bool = False,
) -> Run:
    """Audit two saved snapshots (baseline first), optionally writing a report directory."""
    from paymentaudit import snapshot as snapshot_mod

    severity = parse_fail_on(fail_on)
    pol = load_policy(policy)
    baseline = snapshot_mod.load(baseline_file)
    target = snapshot_mod.load(target_file)
    if baseline.suffix == target.suffix and baseline.taken_at == target.taken_at:
        raise InputError(f"{baseline_file} and {target_file} are the same snapshot")
    ensure_found(target, "target")
    ensure_found(baseline, "baseline")
    result = audit(baseline, target, policy=pol, fail_on=severity)
    result.sources["policy"] = {"source": pol.source or None, "disabled": sorted(pol.disabled)}
    path = None
    if out:
        with outputs.ReportDir(Path(out)) as report_dir:
            path = write_report(result, report_dir, notebook)
    return Run(result=result, report_dir=path)


def render(directory: str, notebook: bool = True) -> list[Path]:
    """Re-render a report directory's reports from its findings and snapshots (offline)."""
    from paymentaudit import reportdir

    result = reportdir.load(directory)
    written: list[Path] = []
    formats = [f for f in (*REPORT_FORMATS, NOTEBOOK_FORMAT) if f != "json"]
    for name in formats:
        if name == NOTEBOOK_FORMAT and not notebook:
            continue
        if name in reporters.names():
            written.extend(reporters.get(name)(result, Path(directory)))
    return written
