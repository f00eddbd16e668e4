"""Fleet audits: every matching environment against its baseline, at once.

Targets are the ``EnvironmentSuffix`` tag values of each account and region reached (the
command's flags, and each inventory environment's connection) plus the inventory's
environments, filtered by ``--match`` globs; a baseline is never a target. Environments read
the same way (``Connection.same_reads``: one account and region) form a group, audited by one
task: one collection pass (``engine.run.take_all``: list calls shared, detail calls per
resource), then per environment the audit and its report directory, written, packed and
released. Tasks run in local processes, or on a Dask cluster (``--dask`` or
$DASK_SCHEDULER_ADDRESS); the fleet directory is assembled here, and fleet.json is built from
the saved report directories one environment at a time (``fleet.aggregate``).
"""

from __future__ import annotations

import contextlib
import fnmatch
import logging
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from paymentaudit import atomic, history
from paymentaudit.api import inventory as inventory_mod
from paymentaudit.api.connection import Where, endpoint_from, resolve
from paymentaudit.api.inputs import check_limits, load_policy, parse_fail_on, workers
from paymentaudit.api.presence import ensure_found
from paymentaudit.api.validation import (
    DEFAULT_TIMEOUT,
    Options,
    Plan,
    append_step_summary,
    previous_report,
    render_formats,
    write_report,
)
from paymentaudit.atomic import write_json_atomic
from paymentaudit.aws import SESSION_PREFIX, Connection, check_role_arn
from paymentaudit.engine.run import take_all
from paymentaudit.errors import InputError
from paymentaudit.findings.evaluate import audit
from paymentaudit.findings.runs import against_previous
from paymentaudit.fleet import aggregate, discover, pack
from paymentaudit.fleet import report as fleet_report
from paymentaudit.fleet.execute import Runner, scheduler_address
from paymentaudit.fleet.model import FleetView
from paymentaudit.fleet.tasks import EnvReport, EnvTask, FleetPlan, FleetRun, GroupTask, Target
from paymentaudit.model import Severity
from paymentaudit.naming import SUFFIX_RULE, validate_suffix
from paymentaudit.phases import Phases
from paymentaudit.policy import Policy
from paymentaudit.reporters import directory as report_directory
from paymentaudit.sandbox import fleet as sandbox_fleet

DEFAULT_BASELINE = "dev"
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FleetOptions:
    """Everything ``fleet`` takes (the CLI flags, as a library call)."""

    match: tuple[str, ...] = ("*",)
    baseline: str | None = None  # None: each target's inventory baseline, else dev
    inventory: str | None = None
    out: str | None = None  # default reports/fleet/<UTC timestamp>/
    notebook: bool = True
    fail_on: str = "high"
    sandbox: bool = False
    dask: str | None = None  # a scheduler address; default $DASK_SCHEDULER_ADDRESS
    # Default 16, on the sandbox too: its server is in this process, the tasks are not.
    max_workers: int | None = None
    timeout: float = DEFAULT_TIMEOUT
    region: str | None = None
    replica_region: str | None = None
    profile: str | None = None
    endpoint_url: str | None = None
    role_arn: str | None = None
    external_id: str | None = None
    reports_root: str = "reports"
    history: str | None = None  # default $PAYMENTAUDIT_HISTORY, else reports/history

    @property
    def where(self) -> Where:
        """The targets' connection flags."""
        return Where(
            self.region, self.replica_region, self.profile, self.endpoint_url,
            self.sandbox, self.role_arn, self.external_id,
        )  # fmt: skip


# -- plan -----------------------------------------------------------------------------------


def check_options(opts: FleetOptions) -> None:
    """What can be checked before touching AWS (InputError)."""
    if not opts.match or any(not isinstance(g, str) or not g.strip() for g in opts.match):
        raise InputError("--match needs a glob over environment suffixes, e.g. 'prod-*'")
    if opts.baseline is not None:
        validate_suffix(opts.baseline, "baseline suffix")
    if opts.role_arn is not None:
        check_role_arn(opts.role_arn)
    check_limits(opts.max_workers, opts.timeout)
    if not opts.sandbox:
        endpoint_from(opts.endpoint_url)


def plan_fleet(opts: FleetOptions, sandbox: sandbox_fleet.Fleet | None = None) -> FleetPlan:
    """Discover, match and resolve the targets (``sandbox``: the sandbox fleet's account,
    without the inventory)."""
    check_options(opts)
    inv = inventory_mod.Inventory() if sandbox else inventory_mod.load(opts.inventory)
    accounts: list[Connection] = []
    if sandbox is not None:
        accounts.append(sandbox.connection)
    else:
        for suffix, entry in [
            ("fleet", inventory_mod.Environment("fleet")),
            *inv.environments.items(),
        ]:
            conn = resolve(suffix, opts.where, entry)
            if not any(c.same_reads(conn) for c in accounts):
                accounts.append(conn)
    found_in: dict[str, Connection] = {}
    for conn in accounts:
        for suffix in sorted(discover.tagged_suffixes(conn).suffixes):
            found_in.setdefault(suffix, conn)
    declared = set(inv.environments)
    seen = sorted(set(found_in) | declared)
    valid = [s for s in seen if _is_suffix(s)]
    matched = [s for s in valid if any(fnmatch.fnmatchcase(s, g) for g in opts.match)]
    baseline_of = {s: opts.baseline or inv.get(s).baseline or DEFAULT_BASELINE for s in valid}
    baselines = {baseline_of[s] for s in matched}
    chosen = [s for s in matched if s not in baselines]
    if not chosen:
        raise InputError(_nothing_matched(opts.match, seen, baselines & set(matched)))
    paths = sandbox.ssm_paths if sandbox else {}
    base = Where(opts.region, opts.replica_region, opts.profile, opts.endpoint_url)
    targets = []
    for suffix in chosen:
        baseline = baseline_of[suffix]
        if sandbox is not None:
            conn = base_conn = sandbox.connection
        else:
            if suffix in declared:
                conn = resolve(suffix, opts.where, inv.get(suffix))
            else:
                conn = replace(found_in[suffix], session_name=f"{SESSION_PREFIX}{suffix}")
            base_where = Where(replica_region=opts.replica_region, external_id=opts.external_id)
            base_conn = resolve(baseline, base_where, inv.get(baseline), base=base)
        targets.append(
            Target(
                suffix, baseline, conn, paths.get(suffix) or inv.get(suffix).ssm_path,
                base_conn, paths.get(baseline) or inv.get(baseline).ssm_path,
            )
        )  # fmt: skip
    return FleetPlan(tuple(targets), tuple(seen))


def _is_suffix(value: str) -> bool:
    try:
        validate_suffix(value)
    except InputError:
        _log.warning("ignored EnvironmentSuffix value %r: not a suffix (%s)", value, SUFFIX_RULE)
        return False
    return True


def _nothing_matched(globs: Sequence[str], seen: Sequence[str], baselines: set[str]) -> str:
    asked = " ".join(f"--match {g!r}" for g in globs)
    there = (
        f"suffixes seen: {', '.join(seen)}"
        if seen
        else "no suffix seen (no EnvironmentSuffix tag, no inventory environment)"
    )
    also = f"; a baseline is never a target ({', '.join(sorted(baselines))})" if baselines else ""
    return f"no environment matched {asked} ({there}{also})"


# -- the per-group task (a local process or a Dask worker) ----------------------------------


def run_group(task: GroupTask) -> list[EnvReport]:
    """Snapshot a group's targets and baselines in one pass, then audit each target and write
    its report directory (as validate does); each comes back packed, its snapshot released."""
    start = time.perf_counter()
    envs = [(e.target.connection, e.target.suffix, e.target.ssm_path) for e in task.envs]
    bases = {e.target.baseline: e.target for e in task.envs}
    envs += [(t.baseline_connection, name, t.baseline_ssm) for name, t in bases.items()]
    snaps = take_all(envs, max_workers=task.max_workers, timeout=task.timeout, source=task.source)
    shared = (time.perf_counter() - start) / len(task.envs)
    out = []
    for env in task.envs:
        began = time.perf_counter()
        target, baseline = snaps.pop(env.target.suffix), snaps[env.target.baseline]
        ensure_found((target, "target"), (baseline, "baseline"))
        result = audit(baseline, target, policy=task.policy, fail_on=task.fail_on)
        result.sources["policy"] = {
            "source": task.policy.source or None,
            "disabled": sorted(task.policy.disabled),
        }
        if env.previous is not None:
            against_previous(result, *env.previous)
        result.trend = [
            *env.trend,
            {"generated_at": result.generated_at, "verdict": result.verdict,
             "score": result.score, "blocking": len(result.blocking), "baseline": baseline.suffix},
        ]  # fmt: skip
        with tempfile.TemporaryDirectory(prefix="paymentaudit-fleet-") as tmp:
            with atomic.ReportDir(Path(tmp) / env.target.suffix) as directory:
                path = write_report(result, directory, task.notebook)
            files = pack.pack(path)
        del result, target
        out.append(EnvReport(env.target.suffix, files, shared + time.perf_counter() - began))
    return out


def tasks_of(
    todo: FleetPlan, opts: FleetOptions, policy: Policy, fail_on: Severity
) -> list[GroupTask]:
    """One task per group; earlier runs (previous report, trend) are read here, where the
    history and the reports are."""
    out = []
    for group in todo.groups():
        envs = []
        for t in group:
            where = Plan(t.suffix, t.baseline, t.ssm_path, t.baseline_ssm, None, None)
            ask = Options(target=t.suffix, baseline=t.baseline, reports_root=opts.reports_root)
            trend = tuple(history.trend(t.suffix, opts.history))
            envs.append(EnvTask(t, previous_report(ask, where), trend))
        pool = workers(opts.max_workers, sandbox=False)
        out.append(
            GroupTask(
                tuple(envs), policy, fail_on, opts.notebook, pool, opts.timeout,
                "sandbox" if opts.sandbox else "aws",
            )
        )  # fmt: skip
    return out


# -- the fleet --------------------------------------------------------------------------------


def run_fleet(opts: FleetOptions, announce: Callable[[str], None] | None = None) -> FleetRun:
    """Audit the fleet and write its directory; see the module docstring and the README."""
    say = announce or (lambda _: None)
    check_options(opts)
    fail_on = parse_fail_on(opts.fail_on)
    policy = load_policy(None)
    address = scheduler_address(opts.dask)
    final = Path(opts.out) if opts.out else atomic.default_dir("fleet", opts.reports_root)
    atomic.ReportDir(final).check_final()
    atomic.writable_dir(final.parent, "the report directory")
    timings: dict[str, float] = {}
    with contextlib.ExitStack() as stack:
        # Reached (Dask) or started (a local process) while the environments are discovered.
        runner = stack.enter_context(Runner(address, preload=__name__))
        sandbox = None
        if opts.sandbox:
            say("fleet: provisioning the sandbox fleet")
            sandbox = stack.enter_context(sandbox_fleet.running())
        todo = plan_fleet(opts, sandbox)
        groups = tasks_of(todo, opts, policy, fail_on)
        n, where = len(todo.targets), runner.where
        say(f"fleet: {n} environment(s) in {len(groups)} group(s), {where}")
        with atomic.ReportDir(final, link_latest=opts.out is None) as fleet_dir:
            seconds: dict[str, float] = {}
            start = time.perf_counter()
            for reports in runner.map(run_group, groups):
                for rep in reports:
                    pack.unpack(rep.files, fleet_dir.path / rep.suffix)
                    seconds[rep.suffix] = rep.seconds
                    say(f"fleet: {rep.suffix} written")
            timings["environments"] = time.perf_counter() - start
            suffixes = [t.suffix for t in todo.targets]
            path, view = _finish(fleet_dir, suffixes, opts.notebook, say, timings)
    for suffix, took in seconds.items():
        result = report_directory.load(path / suffix)
        history.append(result, duration=took, report_dir=str(path / suffix), base=opts.history)
    append_step_summary(path)
    latest = path.parent / atomic.LATEST if opts.out is None else None
    return FleetRun(view, path, latest, timings)


def _finish(
    fleet_dir: atomic.ReportDir,
    suffixes: list[str],
    notebook: bool,
    say: Callable[[str], None],
    timings: dict[str, float],
) -> tuple[Path, FleetView]:
    """fleet.json (streamed from the environments' directories), summary.md and fleet.html
    into the directory under construction; then commit it."""
    start = time.perf_counter()
    view = aggregate.build(fleet_dir.path, suffixes)
    timings["aggregate"] = time.perf_counter() - start
    say("fleet: fleet.json and summary.md" + (", fleet.html" if notebook else ""))
    start = time.perf_counter()
    fleet_report.write(view, fleet_dir.path, html=notebook)
    timings["fleet_report"] = time.perf_counter() - start
    return fleet_dir.commit(), view


# -- merge ------------------------------------------------------------------------------------


def merge_fleet(
    directories: Sequence[str],
    *,
    out: str | None = None,
    fail_on: str | None = None,
    notebook: bool = True,
    reports_root: str = "reports",
    announce: Callable[[str], None] | None = None,
) -> FleetRun:
    """The fleet report of report directories written by separate ``validate`` runs: each is
    copied to ``<out>/<suffix>/``; with ``fail_on`` its verdict is taken at that severity (its
    findings.json and reports follow); without --no-notebook its readiness.html is rendered
    when missing. The history is not appended to (each validate did)."""
    say = announce or (lambda _: None)
    severity = parse_fail_on(fail_on) if fail_on is not None else None
    if not directories:
        raise InputError("fleet merge needs at least one report directory")
    sources: dict[str, Path] = {}
    for given in directories:
        path = Path(given)
        if not (path / report_directory.FINDINGS).is_file() and (path / atomic.LATEST).is_dir():
            path = path / atomic.LATEST
        suffix = str(report_directory.read_findings(path)["target"])
        if suffix in sources:
            raise InputError(f"{given}: a second report of {suffix!r} (first: {sources[suffix]})")
        sources[suffix] = path
    final = Path(out) if out else atomic.default_dir("fleet", reports_root)
    with atomic.ReportDir(final, link_latest=out is None) as fleet_dir:
        for suffix, source in sources.items():
            say(f"fleet merge: {suffix} from {source}")
            _adopt(source, fleet_dir.path / suffix, severity, notebook)
        path, view = _finish(fleet_dir, list(sources), notebook, say, {})
    append_step_summary(path)
    latest = path.parent / atomic.LATEST if out is None else None
    return FleetRun(view, path, latest)


def _adopt(source: Path, dest: Path, severity: Severity | None, notebook: bool) -> None:
    """Copy one report directory into the fleet; re-take its verdict at ``severity``."""
    shutil.copytree(source, dest, symlinks=False)
    doc = report_directory.read_findings(dest)
    formats: tuple[str, ...] = ()
    result = None
    if severity is not None and doc.get("fail_on") != severity.value:
        result = report_directory.load(dest)
        result.fail_on = severity
        doc.update(fail_on=severity.value, verdict=result.verdict, ready=result.ready)
        write_json_atomic(dest / report_directory.FINDINGS, doc)
        formats = ("junit", "sarif", "markdown")
    wants_page = notebook and not (dest / "readiness.html").is_file()
    if formats or wants_page:
        result = result or report_directory.load(dest)
        render_formats(result, dest, formats, Phases(), notebook=notebook)
