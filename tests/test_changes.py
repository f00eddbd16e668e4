"""Element-level differences: what finding messages and report tables say changed."""

from __future__ import annotations

from typing import Any

import pytest

from paymentaudit.changes import Change, changes, describe, short
from paymentaudit.present.markup import change_html

RULE = {"protocol": "tcp", "from_port": 5432, "to_port": 5432, "source": "payment-lambda-sg"}
OPEN = {**RULE, "source": "0.0.0.0/0"}
STMT = {"Sid": "ReadParameters", "Effect": "Allow", "Action": ["ssm:GetParameter"],
        "Resource": ["arn:aws:ssm:::parameter/prod/*"]}  # fmt: skip


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (80, 90, [Change("~", "", 80, 90)]),
        (7, None, [Change("~", "", 7, None)]),
        ([RULE], [OPEN, RULE], [Change("+", "[]", None, OPEN)]),
        ([OPEN, RULE], [RULE], [Change("-", "[]", OPEN, None)]),
        ([1, 2], [2, 1], [Change("~", " (order)", [1, 2], [2, 1])]),
        ({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 4},
         [Change("~", ".b", 2, 3), Change("+", ".c", None, 4)]),
        # One statement changed: follow it (by its Sid) down to the list that differs.
        ([STMT], [{**STMT, "Resource": [*STMT["Resource"], "arn:aws:ssm:::parameter/dev/*"]}],
         [Change("+", "[Sid=ReadParameters].Resource[]", None, "arn:aws:ssm:::parameter/dev/*")]),
    ],
)  # fmt: skip
def test_changes(old: Any, new: Any, expected: list[Change]) -> None:
    assert changes(old, new) == expected


def test_equal_values_have_no_change() -> None:
    assert changes({"a": [RULE]}, {"a": [RULE]}) == []


def test_the_message_names_the_added_rule_not_a_cut_prefix() -> None:
    message = describe("ingress", [RULE], [OPEN, RULE], "dev", "prod-abc123")
    assert message == (
        'ingress[]: {"from_port": 5432, "protocol": "tcp", "source": "0.0.0.0/0", '
        '"to_port": 5432} only in prod-abc123'
    )
    assert "..." not in message


def test_the_message_groups_elements_and_counts_the_rest() -> None:
    old = {"k1": 1, "k2": 2, "k3": 3, "k4": 4}
    new = {"k1": 9, "k2": 9, "k3": 9, "k4": 9}
    message = describe("cfg", old, new, "dev", "prod")
    assert message.startswith("cfg.k1: 1 in dev, 9 in prod; cfg.k2: 2 in dev, 9 in prod;")
    assert message.endswith("(and 1 more)")
    grouped = describe("ids", ["a"], ["a", "b", "c"], "dev", "prod")
    assert grouped == 'ids[]: "b", "c" only in prod'


def test_a_scalar_message_and_none() -> None:
    assert describe("retention_in_days", 7, None, "dev", "prod") == (
        "retention_in_days: 7 in dev, (none) in prod"
    )
    assert short("x" * 200).endswith("...") and len(short("x" * 200)) == 80


def test_the_report_lines_come_from_the_same_changes() -> None:
    import json

    html = change_html(json.dumps([RULE]), json.dumps([OPEN, RULE]))
    assert html.count("<div") == 1 and "0.0.0.0/0" in html and html.count("+ ") == 1
    assert change_html("not json", "[]") == ""
