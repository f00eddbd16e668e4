"""findings.sarif: valid SARIF 2.1.0, rules, levels, stable fingerprints, stack/ locations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from paymentaudit import rules as rule_registry
from paymentaudit.model import Severity
from paymentaudit.reporters import sarif

ROOT = Path(__file__).resolve().parents[2]
SARIF_SCHEMA = ROOT.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"


@pytest.fixture
def doc(report_dir: Path) -> dict[str, Any]:
    return json.loads((report_dir / "findings.sarif").read_text(encoding="utf-8"))


def _validate(document: dict[str, Any]) -> None:
    if not SARIF_SCHEMA.is_file():
        pytest.skip(f"the official SARIF schema is not available at {SARIF_SCHEMA}")
    import jsonschema

    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft4Validator(
        schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


def test_validates_against_the_official_schema(doc: dict[str, Any]) -> None:
    _validate(doc)


def test_rules_carry_ids_help_and_remediation(doc: dict[str, Any]) -> None:
    driver = doc["runs"][0]["tool"]["driver"]
    by_id = {r["id"]: r for r in driver["rules"]}
    for rule in rule_registry.all_rules():
        descriptor = by_id[rule.id]
        assert descriptor["shortDescription"]["text"] == rule.title
        assert rule.remediation in descriptor["help"]["text"]
        assert descriptor["defaultConfiguration"]["level"] == sarif.LEVELS[rule.severity]
    for pseudo in ("PARITY", "PARITY-MISSING", "PARITY-UNEXPECTED", "DRIFT"):
        assert by_id[pseudo]["help"]["text"]
    for res in doc["runs"][0]["results"]:
        assert driver["rules"][res["ruleIndex"]]["id"] == res["ruleId"]


def test_levels_follow_severity(doc: dict[str, Any], result: Any) -> None:
    expected = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
    expected["info"] = "note"
    results = doc["runs"][0]["results"]
    assert len(results) == len(result.findings)
    for res in results:
        assert res["level"] == expected[res["properties"]["severity"]]
    assert {r["level"] for r in results} == {"error", "warning", "note"}


def test_fingerprints_are_the_stable_finding_ids(result: Any, report_dir: Path) -> None:
    from paymentaudit.reporters import directory as reportdir

    first = sarif.document(result)
    second = sarif.document(reportdir.load(report_dir))
    prints = [r["partialFingerprints"] for r in first["runs"][0]["results"]]
    assert prints == [r["partialFingerprints"] for r in second["runs"][0]["results"]]
    assert [p[sarif.FINGERPRINT] for p in prints] == [f.id for f in result.findings]
    assert len({p[sarif.FINGERPRINT] for p in prints}) == len(prints)


def test_every_result_points_at_its_construct_in_stack(doc: dict[str, Any]) -> None:
    run = doc["runs"][0]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == ROOT.as_uri() + "/"
    for res in run["results"]:
        (location,) = res["locations"]
        physical = location["physicalLocation"]
        uri = physical["artifactLocation"]["uri"]
        assert physical["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert uri.startswith("stack/") and (ROOT / uri).is_file(), uri
        lines = (ROOT / uri).read_text(encoding="utf-8").splitlines()
        line = lines[physical["region"]["startLine"] - 1]
        props = res["properties"]
        logical = location["logicalLocations"][0]
        assert logical["kind"] == "resource"
        assert logical["fullyQualifiedName"] == f"{props['resourceType']}/{props['resource']}"
        assert "cdk." in line and "(" in line, (props["resource"], uri, line)


@pytest.mark.parametrize(
    ("resource", "path", "construct"),
    [
        ("payment-sessions", "stack/components/sessions.py", "cdk.DynamodbTable("),
        ("payment-rds-sg", "stack/components/database.py", "cdk.SecurityGroup("),
        ("alias/payment-replica", "stack/components/encryption.py", "cdk.KmsKey("),
        ("payment-rds-cpu-high", "stack/components/monitoring.py", "cdk.CloudwatchMetricAlarm("),
        ("/aws/lambda/payment-processor", "stack/components/compute.py", "cdk.CloudwatchLogGroup("),
        ("app/max-payment-amount", "stack/payment_stack.py", "cdk.SsmParameter("),
    ],
)
def test_known_locations(doc: dict[str, Any], resource: str, path: str, construct: str) -> None:
    results = [r for r in doc["runs"][0]["results"] if r["properties"]["resource"] == resource]
    assert results, resource
    for res in results:
        physical = res["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"]["uri"] == path
        line = (
            (ROOT / path)
            .read_text(encoding="utf-8")
            .splitlines()[physical["region"]["startLine"] - 1]
        )
        assert construct in line


def test_without_stack_sources_points_at_the_entry_point(result: Any, tmp_path: Path) -> None:
    document = sarif.document(result, root=tmp_path)
    run = document["runs"][0]
    assert "uri" not in run["originalUriBaseIds"]["%SRCROOT%"]
    assert run["properties"]["stackSources"] is False
    for res in run["results"]:
        location = res["locations"][0]
        assert location["physicalLocation"]["artifactLocation"]["uri"] == "stack/main.py"
        assert location["physicalLocation"]["region"]["startLine"] == 1
        assert "not available" in location["message"]["text"]
    _validate(document)


def test_unread_services_become_notifications(incomplete_result: Any) -> None:
    document = sarif.document(incomplete_result)
    invocation = document["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    texts = [n["message"]["text"] for n in invocation["toolExecutionNotifications"]]
    assert any(t.startswith("rds could not be read: ") for t in texts)
    assert sum("not evaluated" in t for t in texts) == len(incomplete_result.not_evaluated)
    _validate(document)


def test_severity_map_is_complete() -> None:
    assert set(sarif.LEVELS) == set(Severity)
