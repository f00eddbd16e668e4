"""Session fixtures of the stack tests: the prod, dev, CDK Terrain and audit-role synths (see
stacktest.py).

prod, dev and the audit role's prod come from the cached synth (``paymentaudit.desired.synth``),
shared with tests/desired and ``validate --synth``: at most one synth of each per session.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# The helpers live in a uniquely named module (several conftest.py may exist under tests/).
sys.path.insert(0, str(Path(__file__).resolve().parent))

from stacktest import (
    AUDIT_EXTERNAL_ID,
    AUDIT_PRINCIPAL,
    DEV_SUFFIX,
    PROD_SUFFIX,
    REPO_ROOT,
    PendingSynth,
    Synth,
    start_cached_synth,
    start_synth,
)


@pytest.fixture(scope="session")
def synths(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, PendingSynth]]:
    """Start the prod, dev, CDK Terrain prod and audit-role prod synths together; each fixture
    waits for its own."""
    root = tmp_path_factory.mktemp("synth")
    runs = {
        "prod": start_cached_synth("prod", PROD_SUFFIX, "prod"),
        "dev": start_cached_synth("dev", DEV_SUFFIX, "dev"),
        "audit": start_cached_synth(
            "audit",
            PROD_SUFFIX,
            "prod",
            AUDIT_PRINCIPAL_ARN=AUDIT_PRINCIPAL,
            AUDIT_EXTERNAL_ID=AUDIT_EXTERNAL_ID,
        ),
    }
    default_cdktn = REPO_ROOT / ".venv" / "tools" / "cdktn" / "bin" / "python"
    cdktn_python = Path(os.environ.get("CDKTN_PYTHON") or default_cdktn)
    if cdktn_python.exists():
        runs["cdktn"] = start_synth(
            "cdktn", str(cdktn_python), PROD_SUFFIX, "prod", root, PAYMENTAUDIT_CDK="cdktn"
        )
    else:
        runs["cdktn"] = PendingSynth("cdktn", PROD_SUFFIX, "prod", root / "cdktn")
        runs["cdktn"].error = (
            f"CDK Terrain python not found at {cdktn_python} "
            "(set CDKTN_PYTHON, or run `make test`, which builds .venv/tools/cdktn)"
        )
    yield runs
    for run in runs.values():
        if run.process is not None and run.process.poll() is None:
            run.process.kill()
            run.process.communicate()


@pytest.fixture(scope="session")
def prod(synths: dict[str, PendingSynth]) -> Synth:
    """The prod stack (suffix prod-abc123) synthesized with cdktf."""
    return synths["prod"].wait()


@pytest.fixture(scope="session")
def dev(synths: dict[str, PendingSynth]) -> Synth:
    """The dev stack (suffix dev) synthesized with cdktf."""
    return synths["dev"].wait()


@pytest.fixture(scope="session")
def cdktn_prod(synths: dict[str, PendingSynth]) -> Synth:
    """The prod stack synthesized with CDK Terrain."""
    return synths["cdktn"].wait()


@pytest.fixture(scope="session")
def audit_prod(synths: dict[str, PendingSynth]) -> Synth:
    """The prod stack with the audit role (AUDIT_PRINCIPAL_ARN, AUDIT_EXTERNAL_ID) synthesized
    with cdktf."""
    return synths["audit"].wait()


@pytest.fixture(scope="session", params=["prod", "dev"])
def stack(request: pytest.FixtureRequest) -> Synth:
    """Each cdktf synth in turn, for requirements common to both environments."""
    return request.getfixturevalue(request.param)
