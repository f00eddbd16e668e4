"""Fixtures of the desired-state tests: the cached prod synth, the state-file fixture, and a
tiny fake stack (a main.py that writes a cdk.tf.json without any CDK) for the cache tests."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

# The helpers live in a uniquely named module (several conftest.py exist under tests/).
sys.path.insert(0, str(Path(__file__).resolve().parent))

from desiredkit import PROD, REPO_ROOT, STATE_FILE, make_fake_stack


@pytest.fixture
def fake_stack(tmp_path: Path) -> Path:
    """A fake stack/ in a temporary repository."""
    return make_fake_stack(tmp_path / "repo")


@pytest.fixture(scope="session")
def prod_synth() -> Any:
    """The real stack synthesized for prod-abc123 (cached: shared with tests/stack)."""
    from paymentaudit.desired.synth import synthesize
    from paymentaudit.errors import SynthError

    try:
        return synthesize(PROD, "prod", stack_dir=REPO_ROOT / "stack")
    except SynthError as error:
        pytest.fail(f"the prod synth failed: {error}", pytrace=False)


@pytest.fixture(scope="session")
def prod_desired(prod_synth: Any) -> Any:
    """The desired state of prod-abc123 mapped from the synthesized cdk.tf.json."""
    from paymentaudit.desired import state as desired

    return desired.load(prod_synth.path, suffix=PROD)


@pytest.fixture(scope="session")
def state_desired() -> Any:
    """The desired state mapped from the hand-written state file."""
    from paymentaudit.desired import state as desired

    return desired.load(STATE_FILE, suffix=PROD)
