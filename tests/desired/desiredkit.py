"""Helpers of the desired-state tests (imported by conftest.py and the test modules)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
STATE_FILE = FIXTURES / "prod-abc123.tfstate"
PROD = "prod-abc123"

FAKE_MAIN = textwrap.dedent(
    '''
    """A stand-in for stack/main.py: writes a small cdk.tf.json and prints its path."""
    import json, os, sys
    from pathlib import Path

    if os.environ.get("FAKE_SYNTH_FAIL"):
        print("Traceback (most recent call last):", file=sys.stderr)
        print("ValueError: the fake stack was told to fail", file=sys.stderr)
        sys.exit(1)
    suffix = os.environ["ENVIRONMENT_SUFFIX"]
    out = Path(os.environ["CDKTF_OUTDIR"]).resolve() / "stacks" / f"payment-{suffix}"
    out.mkdir(parents=True)
    doc = {
        "provider": {"aws": [{"region": "us-east-1", "default_tags": [
            {"tags": {"EnvironmentSuffix": suffix, "Environment": os.environ["ENVIRONMENT"]}}
        ]}]},
        "resource": {"aws_sns_topic": {"alarms": {"name": f"payment-alarms-{suffix}"}}},
    }
    (out / "cdk.tf.json").write_text(json.dumps(doc))
    (out / "assets").mkdir()
    (out / "assets" / "code.zip").write_bytes(b"PK")
    print(os.environ.get("FAKE_SYNTH_PRINT") or out / "cdk.tf.json")
    '''
)


def make_fake_stack(root: Path) -> Path:
    """A repository at ``root`` with stack/ (main.py, a component, cdktf.json) and lambda/."""
    stack = root / "stack"
    (stack / "components").mkdir(parents=True)
    (stack / "main.py").write_text(FAKE_MAIN)
    (stack / "components" / "topic.py").write_text("NAME = 'payment-alarms'\n")
    (stack / "cdktf.json").write_text(json.dumps({"app": "python3 main.py"}))
    (root / "lambda").mkdir()
    (root / "lambda" / "handler.py").write_text("def handler(event, context):\n    return {}\n")
    return stack


def normalized(snapshot: Any) -> dict[tuple[str, str], dict[str, Any]]:
    """Normalized configurations (placeholders dropped) by (type, logical name)."""
    from paymentaudit.compare import strip_later
    from paymentaudit.normalize import normalize_snapshot as normalize_desired

    return {
        (key.type, key.logical_name): strip_later(config)
        for key, config in normalize_desired(snapshot).items()
    }
