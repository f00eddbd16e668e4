"""The argument parser: every command, its flags and their help."""

from __future__ import annotations

import argparse
from typing import Any, NoReturn

from paymentaudit.cli.exits import EXIT_USAGE
from paymentaudit.version import __version__


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line and exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"paymentaudit: error: {message}\n")


def _connection_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--region", help="primary region (default: the inventory's, else us-east-1)")
    p.add_argument(
        "--replica-region", help="replica region (default: the inventory's, else us-west-2)"
    )
    p.add_argument("--profile", help="AWS profile name (the base credentials)")
    p.add_argument(
        "--endpoint-url", help="AWS endpoint (moto, LocalStack); default: $AWS_ENDPOINT_URL"
    )
    p.add_argument(
        "--role-arn",
        help="assume this role for the target, from the base credentials (its account's "
        "audit role); the session is named paymentaudit-<suffix>",
    )
    p.add_argument("--external-id", help="the ExternalId of the roles to assume")
    p.add_argument(
        "--inventory",
        help="environment inventory (TOML); default: [tool.paymentaudit.environments] of "
        "./pyproject.toml",
    )
    p.add_argument(
        "--max-workers",
        type=int,
        default=None,
        help="concurrent API calls (default 16; with --sandbox, whose server shares this "
        "process, 1 per account)",
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
    v.add_argument(
        "--baseline",
        help="baseline environment suffix (default: the target's inventory baseline, else dev)",
    )
    v.add_argument("--baseline-profile", help="AWS profile of the baseline (default: --profile)")
    v.add_argument("--baseline-role-arn", help="assume this role for the baseline")
    v.add_argument("--baseline-region", help="the baseline's region (default: --region)")
    v.add_argument(
        "--baseline-endpoint-url", help="the baseline's endpoint (default: --endpoint-url)"
    )
    v.add_argument("--ssm-path", help="target SSM prefix (default /<environment word>)")
    v.add_argument("--baseline-ssm-path", help="baseline SSM prefix (default /dev)")
    v.add_argument("--no-notebook", action="store_true", help="skip readiness.ipynb and .html")
    v.add_argument(
        "--sandbox",
        action="store_true",
        help="run against the embedded moto sandbox (dev and the target in two accounts)",
    )
    v.add_argument(
        "--sandbox-layout",
        choices=("stack", "legacy"),
        default="stack",
        help="with --sandbox: build both environments as stack/ does (drifts planted in the "
        "target), or from the original design's names (an identical pair)",
    )
    v.add_argument("--desired", help="desired state: a synthesized cdk.tf.json or a tfstate file")
    v.add_argument("--synth", action="store_true", help="synthesize stack/ as the desired state")
    v.add_argument("--since", help="an earlier snapshot of the target: report what changed")
    v.add_argument(
        "--previous",
        help="the previous report directory to compare findings with "
        "(default: reports/<suffix>/latest when it exists)",
    )
    v.add_argument(
        "--fail-on-new",
        action="store_true",
        help="only new findings (not in the previous report) at or above --fail-on block",
    )
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
    i.add_argument(
        "--scope",
        action="append",
        nargs="?",
        const="",
        metavar="SUFFIX",
        help="limit the policy to this environment's resources (repeatable); "
        "--scope alone: every environment of the inventory",
    )
    i.add_argument(
        "--inventory",
        help="environment inventory (TOML); default: [tool.paymentaudit.environments] of "
        "./pyproject.toml",
    )
    i.add_argument(
        "--trust", metavar="PRINCIPAL_ARN", help="print the audit role's trust policy instead"
    )
    i.add_argument("--external-id", help="with --trust: require this sts:ExternalId")
    i.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)

    rl = sub.add_parser("rules", help="list the readiness rules")
    rl.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)

    h = sub.add_parser("history", help="the runs of an environment, from the findings history")
    h.add_argument("suffix", help="target environment suffix")
    h.add_argument(
        "--history", help="history directory (default $PAYMENTAUDIT_HISTORY, else reports/history)"
    )
    h.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    _fleet_parser(sub)
    return parser


def _fleet_selection(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--match",
        action="append",
        metavar="GLOB",
        help="environments to audit: a glob over suffixes (repeatable; default '*')",
    )
    p.add_argument(
        "--baseline",
        help="baseline of every target (default: each target's inventory baseline, else dev)",
    )


def _fleet_parser(sub: Any) -> None:
    """fleet (audit the fleet), fleet plan, fleet merge DIR..."""
    f = sub.add_parser("fleet", help="audit every matching environment at once (plan, merge)")
    _fleet_selection(f)
    f.add_argument("--no-notebook", action="store_true", help="skip fleet.html and readiness.html")
    f.add_argument(
        "--sandbox", action="store_true", help="audit the embedded sandbox fleet (dev, five prods)"
    )
    f.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="run on this Dask scheduler (default $DASK_SCHEDULER_ADDRESS; else local processes)",
    )
    f.add_argument(
        "--fail-on",
        default="high",
        metavar="{critical,high,medium,low}",
        help="lowest severity that makes an environment NOT READY (default high)",
    )
    f.add_argument("--out", help="fleet directory (default reports/fleet/<UTC timestamp>/)")
    _connection_flags(f)
    fs = f.add_subparsers(dest="fleet_command", parser_class=_Parser, metavar="{plan,merge}")
    p = fs.add_parser("plan", help="print the environments the fleet audits")
    _fleet_selection(p)
    p.add_argument(
        "--format",
        choices=("text", "github-matrix"),
        default="text",
        help='github-matrix: {"include": [{"suffix": ..., "baseline": ...}]} on one line',
    )
    _connection_flags(p)
    m = fs.add_parser("merge", help="the fleet report of report directories from validate runs")
    m.add_argument("directories", nargs="+", metavar="DIR", help="report directories")
    m.add_argument("--out", help="fleet directory (default reports/fleet/<UTC timestamp>/)")
    m.add_argument(
        "--fail-on",
        metavar="{critical,high,medium,low}",
        help="take each verdict at this severity (default: each report's own)",
    )
    m.add_argument("--no-notebook", action="store_true", help="skip fleet.html and readiness.html")
    m.add_argument("--debug", action="store_true", help="debug logging and tracebacks")
