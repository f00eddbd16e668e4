"""Policy files: parsing, validation errors (file, key, reason), pyproject, matching."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paymentaudit.errors import PolicyError
from paymentaudit.model import Finding, Kind, Severity
from paymentaudit.policy import Policy, from_pyproject, load, parse

VALID = """
disable = ["S3-LIFECYCLE"]

[severity]
"RDS-DELETION-PROTECTION" = "HIGH"
parity = "low"

[[ignore]]
resource = "payment-aurora-instance-*"
path = "performance_insights_*"
reason = "not used"

[[expected]]
resource = "payment-aurora-instance-*"
path = "instance_class"
baseline = "db.t3.medium"
target = "db.r6g.large"
reason = "prod is sized up"
"""


def _finding(**kw: object) -> Finding:
    base = {
        "id": "x",
        "kind": Kind.PARITY,
        "check": "parity",
        "severity": Severity.MEDIUM,
        "service": "rds",
        "resource_type": "rds.instance",
        "resource": "payment-aurora-instance-1",
        "physical_id": "payment-aurora-instance-1-prod",
        "path": "instance_class",
        "expected": "db.t3.medium",
        "actual": "db.r6g.large",
        "baseline_value": "db.t3.medium",
        "message": "m",
        "remediation": "r",
    }
    return Finding(**{**base, **kw})  # type: ignore[arg-type]


def _write(tmp_path: Path, text: str, name: str = "policy.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_valid_policy(tmp_path: Path) -> None:
    policy = load(_write(tmp_path, VALID))
    assert policy.disabled == {"S3-LIFECYCLE"}
    assert policy.severity_for_rule("RDS-DELETION-PROTECTION", Severity.MEDIUM) is Severity.HIGH
    assert policy.severity_for_rule("DDB-PITR", Severity.HIGH) is Severity.HIGH
    assert policy.severity_for_kind("parity", Severity.MEDIUM) is Severity.LOW
    assert policy.severity_for_kind("missing", Severity.HIGH) is Severity.HIGH
    assert policy.source.endswith("policy.toml")

    assert policy.ignored(_finding(path="performance_insights_enabled"))
    assert not policy.ignored(_finding(path="instance_class"))
    assert not policy.ignored(_finding(resource="payment-aurora-cluster", path="performance_x"))

    expected = policy.expectation(_finding())
    assert expected is not None and expected.matcher.reason == "prod is sized up"
    # Pinned values: another target value is not the expected difference.
    assert policy.expectation(_finding(actual="db.r6g.xlarge")) is None
    assert policy.expectation(_finding(baseline_value="db.t3.large")) is None
    # Only parity findings can be expected.
    assert policy.expectation(_finding(kind=Kind.POLICY, check="RDS-PUBLIC")) is None


def test_empty_policy_changes_nothing() -> None:
    policy = parse({}, "empty")
    assert policy == Policy(source="empty")
    assert not policy.ignored(_finding())
    assert policy.expectation(_finding()) is None


def test_ignore_by_kind_and_check() -> None:
    policy = parse(
        {
            "ignore": [
                {"kind": "unex*", "reason": "extra resources are tracked elsewhere"},
                {"check": "S3-*", "service": "s3", "reason": "S3 is audited by another team"},
            ]
        },
        "p",
    )
    assert policy.ignored(_finding(kind=Kind.UNEXPECTED))
    assert policy.ignored(_finding(kind=Kind.POLICY, check="S3-LIFECYCLE", service="s3"))
    assert not policy.ignored(_finding(kind=Kind.POLICY, check="S3-LIFECYCLE", service="rds"))
    assert not policy.ignored(_finding())


ERRORS = [
    ('colour = "red"', "colour", "unknown key"),
    ('disable = ["NO-SUCH-RULE"]', "disable", "unknown rule id 'NO-SUCH-RULE'"),
    ('disable = "DDB-PITR"', "disable", "expected a list of rule ids"),
    ('[severity]\n"DDB-PITR" = "urgent"', "severity.DDB-PITR", "unknown severity 'urgent'"),
    ('[severity]\n"DDB-PITR" = 3', "severity.DDB-PITR", "expected a severity name"),
    ('[severity]\n"NOPE-RULE" = "low"', "severity.NOPE-RULE", "not a rule id or a kind"),
    ('severity = "low"', "severity", "expected a table"),
    ("[[ignore]]\nresource = 3", "ignore[0].resource", "expected a non-empty glob pattern"),
    ('[[ignore]]\nresource = ""', "ignore[0].resource", "expected a non-empty glob pattern"),
    ('[[ignore]]\nresource = ["a", "b"]', "ignore[0].resource", "glob pattern string"),
    ('[[ignore]]\nreason = "why"', "ignore[0]", "needs at least one of"),
    ('[[ignore]]\npath = "x"\nowner = "me"', "ignore[0].owner", "unknown key"),
    ('[[ignore]]\npath = "x"\nreason = 1', "ignore[0].reason", "expected a string"),
    ('[[ignore]]\npath = "x"', "ignore[0].reason", "required: say why"),
    ('[[ignore]]\npath = "x"\nreason = "  "', "ignore[0].reason", "required: say why"),
    ('[[expected]]\npath = "x"', "expected[0].reason", "required: say why"),
    ('[[ignore]]\nkind = "typo"', "ignore[0].kind", "matches no kind"),
    ('ignore = "everything"', "ignore", "expected an array of tables"),
    ('[[expected]]\npath = "x"\ncheck = "DDB-PITR"', "expected[0].check", "unknown key"),
    (
        '[[expected]]\nresource = "a"\nreason = "r"\n[[expected]]\nkind = "parity"',
        "expected[1].kind",
        "unknown",
    ),
    ('[[expected]]\npath = "x"\nchanges = "+ *"', "expected[0].changes", "list of glob strings"),
    ('[[expected]]\npath = "x"\nchanges = []', "expected[0].changes", "non-empty list"),
]


@pytest.mark.parametrize(("text", "key", "reason"), ERRORS, ids=[e[1] for e in ERRORS])
def test_errors_name_file_key_and_reason(tmp_path: Path, text: str, key: str, reason: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(PolicyError) as caught:
        load(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: {key}: ")
    assert reason in message


def test_malformed_toml(tmp_path: Path) -> None:
    path = _write(tmp_path, "disable = [\n")
    with pytest.raises(PolicyError, match=r"policy\.toml: \(file\): not valid TOML"):
        load(path)


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="cannot read policy file"):
        load(tmp_path / "missing.toml")


def test_pyproject_table(tmp_path: Path) -> None:
    assert from_pyproject(tmp_path) is None  # no pyproject.toml
    _write(tmp_path, '[project]\nname = "x"\n', "pyproject.toml")
    assert from_pyproject(tmp_path) is None  # no [tool.paymentaudit]
    _write(
        tmp_path,
        '[tool.paymentaudit]\ndisable = ["S3-LIFECYCLE"]\n'
        '[[tool.paymentaudit.ignore]]\nkind = "unexpected"\nreason = "tracked elsewhere"\n',
        "pyproject.toml",
    )
    policy = from_pyproject(tmp_path)
    assert policy is not None and policy.disabled == {"S3-LIFECYCLE"}
    assert policy.ignored(_finding(kind=Kind.UNEXPECTED))
    assert policy.source.endswith("pyproject.toml [tool.paymentaudit]")


def test_pyproject_errors_name_the_table(tmp_path: Path) -> None:
    _write(tmp_path, '[tool.paymentaudit]\nseverity = { parity = "loud" }\n', "pyproject.toml")
    with pytest.raises(PolicyError, match=r"pyproject\.toml \[tool\.paymentaudit\]: severity"):
        from_pyproject(tmp_path)
    _write(tmp_path, "[tool.paymentaudit\n", "pyproject.toml")
    with pytest.raises(PolicyError, match=r"pyproject\.toml: \(file\)"):
        from_pyproject(tmp_path)


def _role_finding(extra: dict) -> Finding:
    statement = {"Effect": "Allow", "Action": ["ssm:GetParameter"],
                 "Resource": ["arn:aws:ssm:us-east-1:<account>:parameter/<ssm>/*"]}  # fmt: skip
    wider = {**statement, "Resource": [*statement["Resource"], *extra["resources"]]}
    return _finding(
        resource_type="iam.role",
        resource="payment-lambda-role",
        path="inline_policies.payment-lambda-policy-<env>.Statement",
        baseline_value=[statement],
        actual=[wider, *extra["statements"]],
    )


def test_the_repositorys_own_policy_is_valid_and_narrow() -> None:
    root = Path(__file__).resolve().parents[1]
    policy = from_pyproject(root)
    assert policy is not None
    dev_reads = ["arn:aws:ssm:us-east-1:<account>:parameter/dev",
                 "arn:aws:ssm:us-east-1:<account>:parameter/dev/*"]  # fmt: skip
    expected = _role_finding({"resources": dev_reads, "statements": []})
    assert policy.expectation(expected) is not None
    # Anything else changed in the same policies is not covered by that declaration.
    widened = _role_finding(
        {"resources": dev_reads, "statements": [{"Effect": "Allow", "Action": ["s3:*"]}]}
    )
    assert policy.expectation(widened) is None
    other = _role_finding({"resources": ["arn:aws:ssm:us-east-1:<account>:parameter/*"],
                           "statements": []})  # fmt: skip
    assert policy.expectation(other) is None


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
KEYS = st.sampled_from(
    ["disable", "severity", "ignore", "expected", "resource", "path", "kind", "parity", "x"]
)
TABLE = st.dictionaries(KEYS | st.sampled_from(["reason", "baseline", "target", "check"]), JSON)
JUNK = st.dictionaries(
    KEYS | st.text(max_size=6), JSON | TABLE | st.lists(TABLE, max_size=3), max_size=4
)


@settings(deadline=None)
@given(JUNK)
def test_junk_raises_only_policy_error(data: dict) -> None:
    try:
        result = parse(data, "junk.toml")
    except PolicyError as exc:
        assert str(exc).startswith("junk.toml: ")
    else:
        assert isinstance(result, Policy)


@settings(deadline=None)
@given(st.one_of(JSON, st.lists(JSON)))
def test_non_table_junk_raises_policy_error(data: object) -> None:
    if isinstance(data, dict):
        return
    with pytest.raises(PolicyError, match="junk: \\(top level\\): expected a table"):
        parse(data, "junk")  # type: ignore[arg-type]
