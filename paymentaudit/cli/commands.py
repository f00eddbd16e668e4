"""One function per command: parse nothing, call one library function, print its result."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from paymentaudit.cli.exits import EXIT_INCOMPLETE, EXIT_NOT_READY, EXIT_READY


def _progress() -> Callable[[str], None] | None:
    """The collectors' steps, on one rewritten line; nothing when stderr is not a terminal."""
    if not sys.stderr.isatty():
        return None

    def show(message: str) -> None:
        sys.stderr.write(f"\r\x1b[2K  collecting: {message}"[:200])
        sys.stderr.flush()

    return show


def announce() -> Callable[[str], None]:
    """One line per phase: rewritten in place on a terminal, else one plain line each (CI
    logs: no bars, no carriage returns)."""
    tty = sys.stderr.isatty()

    def show(phase: str) -> None:
        if tty:
            sys.stderr.write(f"\r\x1b[2K  {phase}"[:200])
        else:
            sys.stderr.write(f"paymentaudit: {phase}\n")
        sys.stderr.flush()

    return show


def clear_progress() -> None:
    if sys.stderr.isatty():
        sys.stderr.write("\r\x1b[2K")
        sys.stderr.flush()


def _exit_code(result: Any) -> int:
    from paymentaudit.findings.result import INCOMPLETE, NOT_READY

    if result.verdict == NOT_READY:
        return EXIT_NOT_READY
    if result.verdict == INCOMPLETE:
        return EXIT_INCOMPLETE
    return EXIT_READY


def _where(args: argparse.Namespace) -> Any:
    from paymentaudit.api import Where

    return Where(
        region=args.region,
        replica_region=args.replica_region,
        profile=args.profile,
        endpoint_url=args.endpoint_url,
        sandbox=bool(getattr(args, "sandbox", False)),
        role_arn=args.role_arn,
        external_id=args.external_id,
    )


def cmd_validate(args: argparse.Namespace) -> int:
    """validate: the main job."""
    from paymentaudit import api
    from paymentaudit.reporters.summary import render_summary

    opts = api.Options(
        target=args.suffix,
        baseline=args.baseline,
        region=args.region,
        replica_region=args.replica_region,
        profile=args.profile,
        endpoint_url=args.endpoint_url,
        role_arn=args.role_arn,
        external_id=args.external_id,
        baseline_profile=args.baseline_profile,
        baseline_role_arn=args.baseline_role_arn,
        baseline_region=args.baseline_region,
        baseline_endpoint_url=args.baseline_endpoint_url,
        inventory=args.inventory,
        ssm_path=args.ssm_path,
        baseline_ssm_path=args.baseline_ssm_path,
        policy=args.policy,
        fail_on=args.fail_on,
        out=args.out,
        notebook=not args.no_notebook,
        sandbox=args.sandbox,
        sandbox_layout=args.sandbox_layout,
        max_workers=args.max_workers,
        timeout=args.timeout,
        desired=args.desired,
        synth=args.synth,
        since=args.since,
        previous=args.previous,
        fail_on_new=args.fail_on_new,
    )
    try:
        run = api.validate(opts, progress=_progress(), announce=announce())
    finally:
        clear_progress()
    sys.stdout.write(render_summary(run.result, run.report_dir, run.latest))
    return _exit_code(run.result)


def cmd_snapshot(args: argparse.Namespace) -> int:
    """snapshot: one environment to a file."""
    from paymentaudit import api

    try:
        snap = api.snapshot_to_file(
            args.suffix,
            args.output,
            _where(args),
            inventory=args.inventory,
            ssm_path=args.ssm_path,
            max_workers=args.max_workers,
            timeout=args.timeout,
            progress=_progress(),
        )
    finally:
        clear_progress()
    failed = sorted(snap.failed_services())
    sys.stdout.write(
        f"{args.suffix}: {len(snap.resources)} resources, {snap.api_calls} API calls "
        f"-> {args.output}\n"
    )
    if failed:
        sys.stdout.write(f"incomplete: {', '.join(failed)} could not be read completely\n")
        return EXIT_INCOMPLETE
    return EXIT_READY


def cmd_diff(args: argparse.Namespace) -> int:
    """diff: two saved snapshots, same findings and exit codes as validate."""
    from paymentaudit import api
    from paymentaudit.reporters.summary import render_summary

    run = api.diff(
        args.baseline_file,
        args.target_file,
        policy=args.policy,
        fail_on=args.fail_on,
        out=args.out,
        notebook=args.notebook,
    )
    sys.stdout.write(render_summary(run.result, run.report_dir))
    return _exit_code(run.result)


def cmd_report(args: argparse.Namespace) -> int:
    """report: re-render a report directory offline."""
    from paymentaudit import api

    for path in api.render(args.directory, notebook=not args.no_notebook, announce=announce()):
        sys.stdout.write(f"{path}\n")
    return EXIT_READY


def cmd_iam_policy(args: argparse.Namespace) -> int:
    """iam-policy: the least-privilege policy (or the audit role's trust policy), as JSON."""
    from paymentaudit import api

    document = api.iam_policy(
        args.scope, inventory=args.inventory, trust=args.trust, external_id=args.external_id
    )
    sys.stdout.write(json.dumps(document, indent=2) + "\n")
    return EXIT_READY


def cmd_rules(args: argparse.Namespace) -> int:
    """rules: id, severity and title of every rule."""
    from paymentaudit import rules

    for rule in rules.all_rules():
        sys.stdout.write(f"{rule.id:26} {rule.severity.value:9} {rule.title}\n")
    return EXIT_READY


def cmd_history(args: argparse.Namespace) -> int:
    """history: the target's runs as a table (oldest first)."""
    from paymentaudit import api

    sys.stdout.write(api.history_table(args.suffix, args.history))
    return EXIT_READY
