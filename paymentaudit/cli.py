"""Command-line interface: parse arguments, call one library function, map errors to exit codes.

Exit codes: 0 ready, 1 not ready, 2 usage or input error, 3 audit incomplete,
4 internal error, 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from paymentaudit.errors import InputError, PaymentAuditError, SynthError
from paymentaudit.version import __version__

EXIT_READY = 0
EXIT_NOT_READY = 1
EXIT_USAGE = 2
EXIT_INCOMPLETE = 3
EXIT_INTERNAL = 4
EXIT_INTERRUPTED = 130

# Exception classes -> exit codes, most specific first.
EXIT_CODES: tuple[tuple[type[BaseException], int], ...] = (
    (InputError, EXIT_USAGE),
    (SynthError, EXIT_USAGE),
    (PaymentAuditError, EXIT_INTERNAL),
)

log = logging.getLogger("paymentaudit")


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line and exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"paymentaudit: error: {message}\n")


def _connection_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--region", default="us-east-1", help="primary region (default us-east-1)")
    p.add_argument(
        "--replica-region", default="us-west-2", help="replica region (default us-west-2)"
    )
    p.add_argument("--profile", help="AWS profile name")
    p.add_argument(
        "--endpoint-url", help="AWS endpoint (moto, LocalStack); default: $AWS_ENDPOINT_URL"
    )
    p.add_argument(
        "--max-workers",
        type=int,
        default=16,
        help="concurrent API calls (default 16)",
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=600.0,
        help="bound on total collection time in seconds (default 600)",
    )
    p.add_argument("--debug", action="store_true", help="debug logging and tracebacks")


def _report_flags(
    p: argparse.ArgumentParser,
    out_help: str = "report directory (default reports/<suffix>/<UTC timestamp>/)",
) -> None:
    p.add_argument("--policy", help="policy file (TOML); default [tool.paymentaudit] in pyproject")
    p.add_argument(
        "--fail-on",
        default="high",
        metavar="{critical,high,medium,low}",
        help="lowest severity that makes the verdict NOT READY (default high)",
    )
    p.add_argument("--out", help=out_help)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = _Parser(
        prog="paymentaudit",
        description="Prove a payment-platform AWS environment is ready for production.",
        epilog="Exit codes: 0 ready, 1 not ready, 2 usage or input error, 3 audit incomplete, "
        "4 internal error, 130 interrupted.",
    )
    parser.add_argument("--version", action="version", version=f"paymentaudit {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    v = sub.add_parser("validate", help="audit an environment against its baseline and the rules")
    v.add_argument("suffix", help="target environment suffix, e.g. prod-abc123")
    v.add_argument("--baseline", default="dev", help="baseline environment suffix (default dev)")
    v.add_argument("--ssm-path", help="target SSM prefix (default /<environment word>)")
    v.add_argument("--baseline-ssm-path", help="baseline SSM prefix (default /dev)")
    v.add_argument("--no-notebook", action="store_true", help="skip readiness.ipynb and .html")
    v.add_argument(
        "--sandbox", action="store_true", help="run against an embedded moto AWS account"
    )
    v.add_argument("--desired", help="desired state: a synthesized cdk.tf.json or a tfstate file")
    v.add_argument("--synth", action="store_true", help="synthesize stack/ as the desired state")
    v.add_argument("--since", help="an earlier snapshot of the target: report what changed")
    _report_flags(v)
    _connection_flags(v)

    s = sub.add_parser("snapshot", help="snapshot one environment to a JSON file")
    s.add_argument("suffix")
    s.add_argument("-o", "--output", required=True, help="snapshot file to write")
    s.add_argument("--ssm-path", help="SSM prefix (default /<environment word>)")
    s.add_argument("--sandbox", action="store_true", help="snapshot the embedded sandbox")
    _connection_flags(s)

    d = sub.add_parser("diff", help="audit two saved snapshots: baseline A, target B")
    d.add_argument("baseline_file", metavar="A.json")
    d.add_argument("target_file", metavar="B.json")
    d.add_argument("--notebook", action="store_true", help="also render the notebook (with --out)")
    _report_flags(d, "report directory to write (default: none, the summary is printed only)")
    d.add_argument("--debug", action="store_true", help="debug logging and tracebacks")

    r = sub.add_parser("report", help="re-render a report directory offline")
    r.add_argument("directory")
    r.add_argument("--no-notebook", action="store_true", help="skip readiness.ipynb and .html")
    r.add_argument("--debug", action="store_true", help="debug logging and tracebacks")

    i = sub.add_parser("iam-policy", help="print the least-privilege IAM policy the audit needs")
    i.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)

    rl = sub.add_parser("rules", help="list the readiness rules")
    rl.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    return parser


# -- commands ------------------------------------------------------------------------------


def _progress() -> Callable[[str], None] | None:
    if not sys.stderr.isatty():
        return None

    def show(message: str) -> None:
        sys.stderr.write(f"\r\x1b[2K  collecting: {message}"[:200])
        sys.stderr.flush()

    return show


def _clear_progress() -> None:
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
        ssm_path=args.ssm_path,
        baseline_ssm_path=args.baseline_ssm_path,
        policy=args.policy,
        fail_on=args.fail_on,
        out=args.out,
        notebook=not args.no_notebook,
        sandbox=args.sandbox,
        max_workers=args.max_workers,
        timeout=args.timeout,
        desired=args.desired,
        synth=args.synth,
        since=args.since,
    )
    try:
        run = api.validate(opts, progress=_progress())
    finally:
        _clear_progress()
    sys.stdout.write(render_summary(run.result, run.report_dir))
    return _exit_code(run.result)


def cmd_snapshot(args: argparse.Namespace) -> int:
    """snapshot: one environment to a file."""
    from paymentaudit import api

    try:
        snap = api.snapshot_to_file(
            args.suffix,
            args.output,
            _where(args),
            ssm_path=args.ssm_path,
            max_workers=args.max_workers,
            timeout=args.timeout,
            progress=_progress(),
        )
    finally:
        _clear_progress()
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

    for path in api.render(args.directory, notebook=not args.no_notebook):
        sys.stdout.write(f"{path}\n")
    return EXIT_READY


def cmd_iam_policy(args: argparse.Namespace) -> int:
    """iam-policy: the least-privilege policy, as JSON."""
    from paymentaudit.iam_policy import policy_document

    sys.stdout.write(json.dumps(policy_document(), indent=2) + "\n")
    return EXIT_READY


def cmd_rules(args: argparse.Namespace) -> int:
    """rules: id, severity and title of every rule."""
    from paymentaudit import rules

    for rule in rules.all_rules():
        sys.stdout.write(f"{rule.id:26} {rule.severity.value:9} {rule.title}\n")
    return EXIT_READY


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "validate": cmd_validate,
    "snapshot": cmd_snapshot,
    "diff": cmd_diff,
    "report": cmd_report,
    "iam-policy": cmd_iam_policy,
    "rules": cmd_rules,
}


def _configure_logging(debug: bool) -> None:
    for old in [h for h in log.handlers if getattr(h, "paymentaudit_cli", False)]:
        log.removeHandler(old)  # a second run in one process (tests, notebooks)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.paymentaudit_cli = True  # type: ignore[attr-defined]
    log.addHandler(handler)
    log.setLevel(logging.DEBUG if debug else logging.WARNING)
    # botocore's own debug output holds raw responses (secrets included): keep it quiet.
    for noisy in ("botocore", "boto3", "urllib3", "werkzeug", "moto"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def run(argv: Sequence[str] | None = None) -> int:
    """Parse ``argv``, run the command and return its exit code (no sys.exit)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    debug = bool(getattr(args, "debug", False))
    _configure_logging(debug)
    try:
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        sys.stderr.write("paymentaudit: interrupted\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_USAGE
    except Exception as exc:
        code = next((c for cls, c in EXIT_CODES if isinstance(exc, cls)), EXIT_INTERNAL)
        if debug:
            log.exception("%s failed", args.command)
        if code == EXIT_INTERNAL and not isinstance(exc, PaymentAuditError):
            hint = "" if debug else " (run with --debug for the traceback)"
            sys.stderr.write(f"paymentaudit: internal error: {type(exc).__name__}: {exc}{hint}\n")
        else:
            sys.stderr.write(f"paymentaudit: error: {exc}\n")
        return code


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of `python -m paymentaudit` and the `paymentaudit` script.

    Every output file is complete and closed by now, so the process ends without the
    interpreter's teardown of a large heap (about a second after a sandbox run).
    """
    code = run(argv)
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
