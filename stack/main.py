"""Synthesize the payment stack to Terraform JSON and print the path of the cdk.tf.json.

Inputs (environment variables):
  ENVIRONMENT_SUFFIX  required: 1-18 characters of [a-z0-9-], no leading/trailing hyphen
  ENVIRONMENT         dev | prod; default: the suffix's first token if dev/prod, else dev
  DB_INSTANCE_CLASS   Aurora instance class (default db.t3.medium)
  CDKTF_OUTDIR        output directory (default: stack/cdktf.out)
  PAYMENTAUDIT_CDK    cdktf | cdktn (default: cdktf when installed, else cdktn)
  AUDIT_PRINCIPAL_ARN optional: adds the read-only audit role payment-audit-readonly-<suffix>
                      (the policy of `python -m paymentaudit iam-policy --scope <suffix>`),
                      trusting this principal: arn:<partition>:iam::<12-digit account>:root,
                      :user/<name> or :role/<name>
  AUDIT_EXTERNAL_ID   optional, with AUDIT_PRINCIPAL_ARN only: the sts:ExternalId the principal
                      must give (2-1224 characters of letters, digits and +=,.@:/-_)

Invalid inputs exit with status 2 and one line on stderr.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

STACK_DIR = Path(__file__).resolve().parent
# stack/ for its own modules; the repository root, right after it, for paymentaudit.platform
# (the stack's names, tags and settings: stdlib only), which works where paymentaudit is not
# installed (the CDK Terrain tools venv) and takes this checkout's copy where it is.
REPO_ROOT = STACK_DIR.parent
if str(STACK_DIR) not in sys.path:
    sys.path.insert(0, str(STACK_DIR))
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(sys.path.index(str(STACK_DIR)) + 1, str(REPO_ROOT))

from config import ConfigError, StackConfig  # noqa: E402  (needs sys.path above)

EXIT_USAGE = 2


def output_dir(environ: dict[str, str] | os._Environ[str] | None = None) -> Path:
    """CDKTF_OUTDIR when set (as given, relative to the cwd), else stack/cdktf.out."""
    env = os.environ if environ is None else environ
    value = env.get("CDKTF_OUTDIR", "")
    return Path(value).resolve() if value else STACK_DIR / "cdktf.out"


def synth(cfg: StackConfig, outdir: Path) -> Path:
    """Synthesize the stack into outdir and return the path of its cdk.tf.json."""
    import cdk
    from payment_stack import PaymentStack

    app = cdk.App(outdir=str(outdir))
    PaymentStack(app, cfg)
    app.synth()
    return outdir / "stacks" / cfg.stack_id / "cdk.tf.json"


def main() -> int:
    """Validate the inputs (before the CDK is imported), synthesize, print the JSON path."""
    try:
        cfg = StackConfig.from_env()
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    # jsii prints a large banner on stderr when Node.js is past its end of life (Node 20 is):
    # silenced here; set the variable to an empty string to see it again.
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "18,20")
    os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
    try:
        import cdk  # noqa: F401  (selects cdktf or cdktn; CdkSelectionError is an ImportError)
    except ImportError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    print(synth(cfg, output_dir()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
