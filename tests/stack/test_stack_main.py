"""stack/main.py as a command: bad input: exit 2, one stderr line, no CDK import."""

from __future__ import annotations

import importlib.util
import json
import time
from pathlib import Path

import pytest
from stacktest import MAIN, STACK_DIR, assert_usage_error, base_env, run_main

# Invalid inputs must fail before the jsii runtime starts (which alone takes seconds).
FAST_SECONDS = 5.0


@pytest.mark.parametrize(
    "suffix", ["", "a" * 19, "Prod-abc", "-dev", "dev-", "dev_1", "dev.x", "UPPER"]
)
def test_invalid_suffix_exits_2_with_one_line(suffix: str, tmp_path: Path) -> None:
    # PAYMENTAUDIT_CDK is invalid too: the suffix error must win, proving it comes first.
    env = base_env(ENVIRONMENT_SUFFIX=suffix, PAYMENTAUDIT_CDK="bogus", CDKTF_OUTDIR=str(tmp_path))
    start = time.monotonic()
    result = run_main(env, tmp_path)
    assert time.monotonic() - start < FAST_SECONDS
    assert_usage_error(result, "ENVIRONMENT_SUFFIX")
    assert not any(tmp_path.iterdir()), "nothing may be written on an input error"


def test_missing_suffix(tmp_path: Path) -> None:
    assert_usage_error(run_main(base_env(), tmp_path), "ENVIRONMENT_SUFFIX is required")


@pytest.mark.parametrize("environment", ["staging", "PROD", "production"])
def test_invalid_environment_exits_2(environment: str, tmp_path: Path) -> None:
    env = base_env(ENVIRONMENT_SUFFIX="prod-abc123", ENVIRONMENT=environment)
    assert_usage_error(run_main(env, tmp_path), "ENVIRONMENT")


def test_invalid_instance_class_exits_2(tmp_path: Path) -> None:
    env = base_env(ENVIRONMENT_SUFFIX="dev", DB_INSTANCE_CLASS="huge")
    assert_usage_error(run_main(env, tmp_path), "DB_INSTANCE_CLASS")


def test_unknown_cdk_selection_exits_2(tmp_path: Path) -> None:
    env = base_env(ENVIRONMENT_SUFFIX="dev", PAYMENTAUDIT_CDK="pulumi")
    assert_usage_error(run_main(env, tmp_path), "PAYMENTAUDIT_CDK")


@pytest.mark.parametrize("backend", ["cdktf", "cdktn"])
def test_requested_cdk_not_installed_exits_2(backend: str, tmp_path: Path) -> None:
    provider = {"cdktf": "cdktf_cdktf_provider_aws", "cdktn": "cdktn_provider_aws"}[backend]
    if importlib.util.find_spec(backend) and importlib.util.find_spec(provider):
        pytest.skip(f"{backend} is installed in this interpreter")
    env = base_env(ENVIRONMENT_SUFFIX="dev", PAYMENTAUDIT_CDK=backend)
    assert_usage_error(run_main(env, tmp_path), "not installed")


def _load_main():
    spec = importlib.util.spec_from_file_location("paymentstack_main", MAIN)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_output_dir_default_and_override(tmp_path: Path) -> None:
    main = _load_main()
    assert main.output_dir({}) == STACK_DIR / "cdktf.out"
    assert main.output_dir({"CDKTF_OUTDIR": str(tmp_path)}) == tmp_path
    assert main.output_dir({"CDKTF_OUTDIR": "rel"}) == Path("rel").resolve()


def test_cdktf_json_runs_main() -> None:
    conf = json.loads((STACK_DIR / "cdktf.json").read_text())
    assert conf["app"] == "python3 main.py"
    assert conf["language"] == "python"
    assert conf["terraformProviders"] == [] and conf["terraformModules"] == []


@pytest.mark.synth
def test_main_prints_the_json_path_from_any_cwd(prod) -> None:
    # The fixture ran `python /abs/stack/main.py` from a temporary cwd and checked the path.
    assert prod.stdout.strip() == str(prod.path)
    assert prod.path.is_file()
    assert prod.path.parent.name == "payment-prod-abc123"
    assert "Traceback" not in prod.stderr
