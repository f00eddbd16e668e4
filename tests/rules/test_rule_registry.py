"""The rule registry: ids, metadata, fixtures, and what ``register`` refuses."""

from __future__ import annotations

import pytest
from rulekit import FIXTURES

from paymentaudit import rules
from paymentaudit import services as collectors
from paymentaudit.model import Severity
from paymentaudit.rules import RULE_ID_RE, DuplicateRuleError, register
from paymentaudit.rules import base as rule_base
from paymentaudit.rules.base import Rule
from paymentaudit.services import Service

SERVICES = {s.value for s in Service}


def _concrete_rule_classes() -> list[type[Rule]]:
    found, todo = [], list(Rule.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if "id" in vars(cls) and cls.__module__.startswith("paymentaudit.rules."):
            found.append(cls)
    return found


def test_every_rule_class_is_registered_once() -> None:
    classes = _concrete_rule_classes()
    ids = [cls.id for cls in classes]
    assert len(ids) == len(set(ids)), "two rule classes share an id"
    assert sorted(ids) == rules.ids()
    assert len(rules.ids()) >= 31
    for cls in classes:
        assert type(rules.get(cls.id)) is cls


@pytest.mark.parametrize("rule", rules.all_rules(), ids=lambda r: r.id)
def test_rule_metadata_is_complete(rule: Rule) -> None:
    assert RULE_ID_RE.match(rule.id)
    assert isinstance(rule.severity, Severity)
    assert rule.title.strip() and rule.remediation.strip()
    assert rule.service in SERVICES
    for resource_type in rule.resource_types:
        assert collectors.get(resource_type)  # a type some collector produces
    for resource_type, glob in rule.governs:
        assert collectors.get(resource_type) and glob
    for service in rule.requires:
        assert service in SERVICES
    assert (FIXTURES / rule.id / "pass.json").is_file()
    assert (FIXTURES / rule.id / "fail.json").is_file()


def test_no_fixture_for_an_unknown_rule() -> None:
    assert sorted(p.name for p in FIXTURES.iterdir() if p.is_dir()) == rules.ids()


def _throwaway(rule_id: str, **attrs: object) -> type[Rule]:
    body = {
        "id": rule_id,
        "severity": Severity.LOW,
        "title": "a throwaway rule",
        "remediation": "none",
        "service": "s3",
        **attrs,
    }
    return type("Throwaway", (Rule,), body)


def test_duplicate_id_raises_and_leaves_the_registry_alone() -> None:
    before = {rule_id: rules.get(rule_id) for rule_id in rules.ids()}
    with pytest.raises(DuplicateRuleError, match="DDB-PITR"):
        register(_throwaway("DDB-PITR"))
    assert {rule_id: rules.get(rule_id) for rule_id in rules.ids()} == before


def test_register_adds_a_new_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    # Register into a copy of the registry, so that nothing leaks into other tests.
    monkeypatch.setattr(rule_base, "_REGISTRY", dict(rule_base._REGISTRY))
    cls = register(_throwaway("TEST-THROWAWAY"))
    assert "TEST-THROWAWAY" in rules.ids()
    assert isinstance(rules.get("TEST-THROWAWAY"), cls)
    with pytest.raises(DuplicateRuleError):
        register(_throwaway("TEST-THROWAWAY"))


def test_registry_is_clean_after_the_throwaway_registration() -> None:
    assert "TEST-THROWAWAY" not in rules.ids()


@pytest.mark.parametrize(
    ("rule_id", "attrs", "message"),
    [
        ("lowercase-id", {}, "must look like"),
        ("NODASH", {}, "must look like"),
        ("TEST-NO-TITLE", {"title": ""}, "missing title"),
        ("TEST-NO-FIX", {"remediation": ""}, "missing remediation"),
        ("TEST-BAD-SEVERITY", {"severity": "high"}, "severity must be a Severity"),
    ],
)
def test_incomplete_rules_are_refused(
    monkeypatch: pytest.MonkeyPatch, rule_id: str, attrs: dict, message: str
) -> None:
    monkeypatch.setattr(rule_base, "_REGISTRY", dict(rule_base._REGISTRY))
    with pytest.raises(ValueError, match=message):
        register(_throwaway(rule_id, **attrs))
    assert rule_id not in rules.ids()


def test_unknown_rule_lookup_names_the_known_ids() -> None:
    with pytest.raises(KeyError, match="DDB-PITR"):
        rules.get("NO-SUCH-RULE")
