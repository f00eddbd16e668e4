"""Command-line interface: parse arguments, call one library function, map errors to exit codes.

Exit codes: 0 ready, 1 not ready, 2 usage or input error, 3 audit incomplete,
4 internal error, 130 interrupted. Modules: ``exits`` (the codes), ``parser`` (commands and
flags), ``commands`` and ``fleet`` (one function per command).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence

from paymentaudit.cli.commands import (
    cmd_diff,
    cmd_history,
    cmd_iam_policy,
    cmd_report,
    cmd_rules,
    cmd_snapshot,
    cmd_validate,
)
from paymentaudit.cli.exits import (
    EXIT_CODES,
    EXIT_INCOMPLETE,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_NOT_READY,
    EXIT_READY,
    EXIT_USAGE,
)
from paymentaudit.cli.fleet import cmd_fleet
from paymentaudit.cli.parser import build_parser
from paymentaudit.errors import PaymentAuditError

__all__ = [
    "EXIT_INCOMPLETE",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_NOT_READY",
    "EXIT_READY",
    "EXIT_USAGE",
    "build_parser",
    "main",
    "run",
]

log = logging.getLogger("paymentaudit")

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "validate": cmd_validate,
    "snapshot": cmd_snapshot,
    "diff": cmd_diff,
    "report": cmd_report,
    "iam-policy": cmd_iam_policy,
    "rules": cmd_rules,
    "history": cmd_history,
    "fleet": cmd_fleet,
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
    # A failed AssumeRole is the run's one error line; botocore's own warning about the failed
    # refresh would be a second one.
    logging.getLogger("botocore.credentials").setLevel(logging.ERROR)


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
