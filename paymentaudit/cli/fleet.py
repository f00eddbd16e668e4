"""fleet, fleet plan, fleet merge."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from paymentaudit.cli.commands import announce, clear_progress
from paymentaudit.cli.exits import EXIT_READY


def _fleet_options(args: argparse.Namespace) -> Any:
    from paymentaudit import api

    return api.FleetOptions(
        match=tuple(args.match or ("*",)),
        baseline=args.baseline,
        inventory=args.inventory,
        out=getattr(args, "out", None),
        notebook=not getattr(args, "no_notebook", False),
        fail_on=getattr(args, "fail_on", "high"),
        sandbox=bool(getattr(args, "sandbox", False)),
        dask=getattr(args, "dask", None),
        max_workers=args.max_workers,
        timeout=args.timeout,
        region=args.region,
        replica_region=args.replica_region,
        profile=args.profile,
        endpoint_url=args.endpoint_url,
        role_arn=args.role_arn,
        external_id=args.external_id,
    )


def cmd_fleet(args: argparse.Namespace) -> int:
    """fleet (every matching environment) and fleet merge (reports of separate validate runs):
    exit 1 if any is NOT READY, else 3 if any is INCOMPLETE, else 0. fleet plan: the targets."""
    from paymentaudit import api
    from paymentaudit.fleet.report import console

    sub = getattr(args, "fleet_command", None)
    if sub == "plan":
        return cmd_fleet_plan(args)
    try:
        if sub == "merge":
            run = api.merge_fleet(
                args.directories,
                out=args.out,
                fail_on=args.fail_on,
                notebook=not args.no_notebook,
                announce=announce(),
            )
        else:
            run = api.run_fleet(_fleet_options(args), announce=announce())
    finally:
        clear_progress()
    sys.stdout.write(console(run.view, run.report_dir, run.latest))
    return int(run.exit_code)


def cmd_fleet_plan(args: argparse.Namespace) -> int:
    """fleet plan: the targets, as text or as a GitHub Actions matrix (one JSON line)."""
    from paymentaudit import api

    todo = api.plan_fleet(_fleet_options(args))
    if args.format == "github-matrix":
        sys.stdout.write(json.dumps(todo.matrix()) + "\n")
        return EXIT_READY
    for t in todo.targets:
        conn = t.connection
        sys.stdout.write(f"{t.suffix} against {t.baseline}: {conn.region}, {conn.reached}\n")
    return EXIT_READY
