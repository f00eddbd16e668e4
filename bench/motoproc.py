"""A moto server in a process of its own, for the snapshot benchmark.

``python -m bench.motoproc`` starts the sandbox's moto server (``paymentaudit.sandbox.server``:
moto's werkzeug app with the backend lookup cached, one fresh account), prints one JSON line
``{"url": ..., "account": ...}`` and serves until its stdin closes. Running it in its own
process keeps the server's CPU work off the audit client's GIL.
"""

from __future__ import annotations

import json
import os
import sys


def main() -> None:
    """Serve until stdin closes."""
    os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
    from paymentaudit.sandbox import account_of, server

    with server() as url:
        print(json.dumps({"url": url, "account": account_of(url), "pid": os.getpid()}), flush=True)
        # Nobody reads stdout from now on: a full pipe must never block the server.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.stdin.read()


if __name__ == "__main__":
    main()
