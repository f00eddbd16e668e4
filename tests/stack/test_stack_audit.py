"""The optional audit role (stack/components/audit.py): its inputs, its documents, its synth.

Without a synth: the committed policy template is what paymentaudit.iam_policy generates, the
stack's documents equal paymentaudit.iam_policy's for several environments and principals, and
bad inputs are one-line errors (exit 2). With the synth of prod-abc123 with the role
(conftest.py's ``audit_prod``): the role, its trust and inline policies, its output, and that
enabling it adds nothing else.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from components import audit
from config import (
    AUDIT_ROLE,
    EXTERNAL_ID_PATTERN,
    PRINCIPAL_PATTERN,
    ConfigError,
    StackConfig,
    validate_audit,
)
from hypothesis import given
from hypothesis import strategies as st
from stacktest import (
    AUDIT_EXTERNAL_ID,
    AUDIT_PRINCIPAL,
    PROD_SUFFIX,
    REPO_ROOT,
    STACK_DIR,
    Synth,
    assert_usage_error,
    base_env,
    run_main,
    tool_path,
)

from paymentaudit import iam_policy
from paymentaudit.errors import InputError
from paymentaudit.naming import default_ssm_path
from paymentaudit.reporters.stack_source import locate

REGENERATE = ".venv/bin/python -m paymentaudit.iam_policy > stack/audit_policy.template.json"
ROLE_NAME = f"payment-audit-readonly-{PROD_SUFFIX}"
PRINCIPALS = [
    AUDIT_PRINCIPAL,
    "arn:aws:iam::123456789012:root",
    "arn:aws:iam::123456789012:user/ops/alice",
    "arn:aws-cn:iam::123456789012:role/auditor",
    "arn:aws-us-gov:iam::123456789012:role/path/to/auditor",
]
BAD_PRINCIPALS = [
    "arn:aws:iam::12345678901:role/x",  # 11 digits
    "arn:aws:iam::123456789012:group/auditors",
    "arn:aws:sts::123456789012:assumed-role/x/session",
    "arn:aws:iam::123456789012:role/",
    "arn:azure:iam::123456789012:root",
    "123456789012",
    "arn:aws:iam::123456789012:role/a b",
]
BAD_EXTERNAL_IDS = ["x", "a" * 1225, "has space", "semi;colon", "new\nline"]


# --- the policy template -------------------------------------------------------------------


def test_the_committed_template_is_what_iam_policy_generates() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "paymentaudit.iam_policy"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert audit.TEMPLATE == STACK_DIR / "audit_policy.template.json"
    assert audit.TEMPLATE.read_text(encoding="utf-8") == result.stdout, (
        f"{audit.TEMPLATE.relative_to(REPO_ROOT)} is stale: regenerate it with `{REGENERATE}`"
    )


def test_the_regeneration_command_rejects_arguments() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "paymentaudit.iam_policy", "stack/x.json"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert_usage_error(result, "takes no arguments")


def test_the_stack_replaces_the_markers_iam_policy_writes() -> None:
    assert (audit.SUFFIX_MARKER, audit.SSM_PATH_MARKER) == iam_policy.MARKERS
    text = audit.TEMPLATE.read_text(encoding="utf-8")
    assert audit.SUFFIX_MARKER in text and audit.SSM_PATH_MARKER in text


@pytest.mark.parametrize("suffix", [PROD_SUFFIX, "dev", "staging-x1"])
def test_the_filled_template_is_the_scoped_policy(suffix: str) -> None:
    expected = iam_policy.policy_document([suffix], {suffix: default_ssm_path(suffix)})
    assert audit.audit_policy(suffix) == expected
    assert audit.audit_policy(suffix) == iam_policy.policy_document([suffix])  # iam-policy --scope


@pytest.mark.parametrize(("suffix", "ssm_path"), [("dev", "/payments/dev"), ("prod-1", "/p")])
def test_the_filled_template_takes_another_ssm_path(suffix: str, ssm_path: str) -> None:
    expected = iam_policy.policy_document([suffix], {suffix: ssm_path})
    assert audit.audit_policy(suffix, ssm_path) == expected
    assert audit.audit_policy(suffix, ssm_path) != audit.audit_policy(suffix)


def test_fill_replaces_markers_in_keys_and_values_and_keeps_other_values() -> None:
    node = {"a-{suffix}": ["{ssm_path}/*", 3, True, None, {"k": "x-{suffix}-{suffix}"}]}
    assert audit.fill(node, "dev", "/dev") == {
        "a-dev": ["/dev/*", 3, True, None, {"k": "x-dev-dev"}]
    }


def test_the_documents_build_where_botocore_is_missing() -> None:
    """The CDK Terrain venv has no botocore: the stack's documents need none (no jsii here)."""
    default = REPO_ROOT / ".venv" / "tools" / "cdktn" / "bin" / "python"
    python = tool_path("CDKTN_PYTHON", default, "CDK Terrain python")
    code = (
        "import importlib.util, json, sys\n"
        f"sys.path[:0] = [{str(STACK_DIR)!r}, {str(REPO_ROOT)!r}]\n"
        "assert importlib.util.find_spec('botocore') is None, 'botocore is installed'\n"
        "from components import audit\n"
        f"print(json.dumps([audit.audit_policy({PROD_SUFFIX!r}),"
        f" audit.trust_policy({AUDIT_PRINCIPAL!r}, {AUDIT_EXTERNAL_ID!r})]))\n"
    )
    result = subprocess.run(
        [str(python), "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    policy, trust = json.loads(result.stdout)
    assert policy == iam_policy.policy_document([PROD_SUFFIX])
    assert trust == iam_policy.trust_policy(AUDIT_PRINCIPAL, AUDIT_EXTERNAL_ID)


# --- the trust policy and the inputs -------------------------------------------------------


@pytest.mark.parametrize("external_id", [None, AUDIT_EXTERNAL_ID, "a:b/c=d,e.f@g+h_i-j"])
@pytest.mark.parametrize("principal", PRINCIPALS)
def test_the_trust_policy_is_iam_policys(principal: str, external_id: str | None) -> None:
    assert audit.trust_policy(principal, external_id) == iam_policy.trust_policy(
        principal, external_id
    )
    assert validate_audit(principal, external_id) == (principal, external_id)


def test_the_input_patterns_are_iam_policys() -> None:
    assert PRINCIPAL_PATTERN.pattern == iam_policy.PRINCIPAL_RE.pattern
    assert EXTERNAL_ID_PATTERN.pattern == iam_policy.EXTERNAL_ID_RE.pattern


def _trust_accepts(principal: str, external_id: str | None) -> bool:
    try:
        iam_policy.trust_policy(principal, external_id)
    except InputError:
        return False
    return True


def _config_accepts(principal: str, external_id: str | None) -> bool:
    try:
        validate_audit(principal, external_id)
    except ConfigError as error:
        assert "\n" not in str(error)
        return False
    return True


ARN_ALPHABET = "arn:aws-cigovb0123456789/rtuselx ;é"


@given(st.text(alphabet=ARN_ALPHABET, min_size=1, max_size=40))
def test_the_principal_check_matches_trust_policy(principal: str) -> None:
    assert _config_accepts(principal, None) == _trust_accepts(principal, None)


@given(st.text(alphabet="ab09:/-_=,.@+ ;\n'\"é", min_size=1, max_size=12))
def test_the_external_id_check_matches_trust_policy(external_id: str) -> None:
    assert _config_accepts(AUDIT_PRINCIPAL, external_id) == _trust_accepts(
        AUDIT_PRINCIPAL, external_id
    )


def test_the_role_is_off_unless_a_principal_is_given() -> None:
    for environ in (
        {},
        {"AUDIT_PRINCIPAL_ARN": ""},
        {"AUDIT_PRINCIPAL_ARN": "", "AUDIT_EXTERNAL_ID": ""},
    ):
        cfg = StackConfig.from_env({"ENVIRONMENT_SUFFIX": "dev", **environ})
        assert (cfg.audit_principal_arn, cfg.audit_external_id) == (None, None)
        with pytest.raises(ConfigError, match="only when AUDIT_PRINCIPAL_ARN is set"):
            cfg.name(AUDIT_ROLE)


def test_the_inputs_enable_the_role_and_its_name() -> None:
    cfg = StackConfig.from_env(
        {
            "ENVIRONMENT_SUFFIX": PROD_SUFFIX,
            "AUDIT_PRINCIPAL_ARN": AUDIT_PRINCIPAL,
            "AUDIT_EXTERNAL_ID": AUDIT_EXTERNAL_ID,
        }
    )
    assert (cfg.audit_principal_arn, cfg.audit_external_id) == (AUDIT_PRINCIPAL, AUDIT_EXTERNAL_ID)
    assert cfg.name(AUDIT_ROLE) == ROLE_NAME


def test_check_names_requires_the_role_when_enabled() -> None:
    cfg = StackConfig(suffix="dev", environment="dev", audit_principal_arn=AUDIT_PRINCIPAL)
    with pytest.raises(ConfigError, match="built no payment-audit-readonly"):
        cfg.check_names()


@pytest.mark.parametrize("principal", BAD_PRINCIPALS)
def test_a_bad_principal_exits_2_with_one_line(principal: str, tmp_path: Path) -> None:
    env = base_env(ENVIRONMENT_SUFFIX="dev", AUDIT_PRINCIPAL_ARN=principal)
    assert_usage_error(run_main(env, tmp_path), "AUDIT_PRINCIPAL_ARN")
    with pytest.raises(ConfigError):
        StackConfig(suffix="dev", environment="dev", audit_principal_arn=principal)


@pytest.mark.parametrize("external_id", BAD_EXTERNAL_IDS)
def test_a_bad_external_id_exits_2_with_one_line(external_id: str, tmp_path: Path) -> None:
    env = base_env(
        ENVIRONMENT_SUFFIX="dev", AUDIT_PRINCIPAL_ARN=AUDIT_PRINCIPAL, AUDIT_EXTERNAL_ID=external_id
    )
    assert_usage_error(run_main(env, tmp_path), "AUDIT_EXTERNAL_ID")


def test_an_external_id_without_a_principal_exits_2(tmp_path: Path) -> None:
    env = base_env(ENVIRONMENT_SUFFIX="dev", AUDIT_EXTERNAL_ID=AUDIT_EXTERNAL_ID)
    assert_usage_error(run_main(env, tmp_path), "AUDIT_EXTERNAL_ID is set without")
    assert not any(tmp_path.iterdir()), "nothing may be written on an input error"


def test_the_locator_finds_the_role_construct() -> None:
    location = locate("iam.role", AUDIT_ROLE, root=REPO_ROOT)
    assert location.declared and location.path == "stack/components/audit.py"
    source = (REPO_ROOT / location.path).read_text().splitlines()
    assert source[location.line - 1].strip() == "role = cdk.IamRole("


# --- the synth with the role ----------------------------------------------------------------


@pytest.mark.synth
def test_the_role_trusts_the_principal_with_the_external_id(audit_prod: Synth) -> None:
    role = audit_prod.by_attr("aws_iam_role", "name", ROLE_NAME)
    trust = json.loads(role["assume_role_policy"])
    assert trust == iam_policy.trust_policy(AUDIT_PRINCIPAL, AUDIT_EXTERNAL_ID)
    assert trust["Statement"][0]["Condition"] == {
        "StringEquals": {"sts:ExternalId": AUDIT_EXTERNAL_ID}
    }
    assert not {"managed_policy_arns", "inline_policy", "permissions_boundary"} & set(role)


@pytest.mark.synth
def test_the_role_carries_exactly_the_scoped_policy(audit_prod: Synth) -> None:
    attached = [
        p
        for p in audit_prod.resources("aws_iam_role_policy").values()
        if p["role"] == audit_prod.ref("aws_iam_role", "audit_role", "id")
    ]
    assert len(attached) == 1
    (policy,) = attached
    assert policy["name"] == ROLE_NAME
    assert json.loads(policy["policy"]) == iam_policy.policy_document([PROD_SUFFIX])
    assert not audit_prod.resources("aws_iam_role_policy_attachment")


@pytest.mark.synth
def test_the_role_arn_is_an_output(audit_prod: Synth) -> None:
    output = audit_prod.doc["output"]["audit_role_arn"]
    assert output["value"] == audit_prod.ref("aws_iam_role", "audit_role", "arn")


def _without_the_role(doc: dict[str, Any]) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    del doc["resource"]["aws_iam_role"]["audit_role"]
    del doc["resource"]["aws_iam_role_policy"]["audit_role_policy"]
    del doc["output"]["audit_role_arn"]
    del doc["//"]["outputs"][f"payment-{PROD_SUFFIX}"]["audit_role_arn"]
    return doc


@pytest.mark.synth
def test_the_role_is_all_the_inputs_add(prod: Synth, audit_prod: Synth) -> None:
    assert _without_the_role(audit_prod.doc) == prod.doc


@pytest.mark.synth
def test_without_a_principal_there_is_no_audit_role(prod: Synth) -> None:
    text = prod.path.read_text()
    assert AUDIT_ROLE not in text and "audit_role" not in text
    assert "sts:ExternalId" not in text
