"""paymentaudit.present and the frames it uses: banner, compact side by side, sections."""

from __future__ import annotations

import copy
import html
from typing import Any

import pandas as pd
import pytest

from paymentaudit.services import SERVICE_NAMES
from paymentaudit import frames, present
from paymentaudit.model import ResourceKey


def _frame(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    data = [
        {"service": "s", "type": "t", "resource": r, "path": p, "baseline": b, "target": t}
        for r, p, b, t in rows
    ]
    frame = pd.DataFrame(data)
    frame["differs"] = frame["baseline"] != frame["target"]
    return frame


def test_compact_side_by_side_keeps_differences_and_counts_the_rest() -> None:
    frame = _frame(
        [
            ("a", "x", "1", "2"),
            ("a", "y", "1", "1"),
            ("a", "z", "1", "1"),
            ("b", "x", "1", "1"),
            ("c", "x", "(absent)", "1"),
            ("c", "y", "(absent)", "2"),
        ]
    )
    compact = frames.compact_side_by_side(frame)
    assert compact[["resource", "path", "row", "equal"]].values.tolist() == [
        ["a", "x", "differs", 0],
        ["a", "2 other attributes equal", "equal", 2],
        ["b", "all 1 attributes equal", "identical", 1],
        ["c", "(the resource)", "presence", 0],
    ]
    assert compact.loc[3, "baseline"] == "(absent)"
    assert compact.loc[3, "target"] == "present (2 attributes)"


def test_compact_side_by_side_caps_the_differences() -> None:
    frame = _frame([("a", f"p{i}", "1", "2") for i in range(5)])
    compact = frames.compact_side_by_side(frame, max_rows=3)
    assert list(compact["row"]) == ["differs"] * 3 + ["more"]
    assert compact.iloc[-1]["path"] == "2 more differing attribute(s) not shown"


def test_an_attribute_the_desired_state_does_not_set_is_no_difference() -> None:
    sides = ["desired", "baseline", "target"]
    assert not frames.row_differs({"desired": "", "baseline": "1", "target": "1"}, sides)
    assert frames.row_differs({"desired": "2", "baseline": "1", "target": "1"}, sides)
    assert frames.row_differs({"desired": "", "baseline": "1", "target": "2"}, sides)


@pytest.mark.parametrize(
    ("change", "verdict", "colour"),
    [
        ("none", "NOT READY", present.VERDICT_COLOURS["NOT READY"]),
        ("no findings", "READY", present.VERDICT_COLOURS["READY"]),
    ],
)
def test_banner(result: Any, change: str, verdict: str, colour: str) -> None:
    if change == "no findings":
        result.findings = []
    banner = present.banner(result, "Title <x>")._repr_html_()
    assert f">{verdict}<" in banner and f"background:{colour}" in banner
    assert "Title &lt;x&gt;" in banner
    assert f"score <b>{result.score}</b>/100" in banner
    for name, count in result.counts.items():
        assert f'<b style="font-size:18px">{count}</b> {name}' in banner


def test_incomplete_banner_and_coverage(incomplete_result: Any) -> None:
    incomplete_result.findings = []
    banner = present.banner(incomplete_result).html
    assert ">INCOMPLETE<" in banner and present.VERDICT_COLOURS["INCOMPLETE"] in banner
    assert f"{len(SERVICE_NAMES) - 1}/{len(SERVICE_NAMES)} services read completely" in banner
    coverage = present.coverage(incomplete_result).html
    assert "NOT READ" in coverage and "AccessDenied: rds:DescribeDBClusters" in coverage
    for outcome in incomplete_result.not_evaluated:
        assert html.escape(outcome.message) in coverage


def test_sections_show_their_findings_and_differences(result: Any) -> None:
    for sec in present.SECTIONS:
        page = present.section(result, sec.key).html
        for finding in result.findings:
            shown = html.escape(finding.message) in page
            assert shown == (present.section_of(finding.service, finding.resource) == sec.key), (
                sec.key,
                finding.message,
            )
    # Each log group is shown with what owns it: a function's with Lambda, flow logs elsewhere.
    assert present.section_of("logs", "/aws/lambda/payment-processor") == "lambda"
    assert present.section_of("logs", "/aws/vpc/flow-logs/payment") == "cloudwatch"
    lam = present.section(result, "lambda").html
    assert "/aws/lambda/payment-processor" in lam and "/aws/vpc/flow-logs" not in lam
    assert "/aws/vpc/flow-logs/payment" in present.section(result, "cloudwatch").html
    dynamodb = present.section(result, "dynamodb").html
    assert "point_in_time_recovery" in dynamodb and "background:#fde2e2" in dynamodb
    elbv2 = present.section(result, "elbv2").html
    assert "Target health" in elbv2 and "healthy" in elbv2
    # Identical resources are listed in one line, not one row each.
    network = present.section(result, "ec2").html
    assert "resource(s) identical in baseline and target" in network
    assert network.count("ec2.route_table") == 1


def test_long_values_fold_and_show_what_changed(result: Any) -> None:
    page = present.section(result, "ec2").html
    assert "<details>" in page
    assert "+ {&quot;from_port&quot;: 5432, &quot;protocol&quot;: &quot;tcp&quot;, " in page


def test_desired_column_when_a_desired_state_exists(result: Any) -> None:
    desired = copy.deepcopy(result.normalized["target"])
    key = ResourceKey("dynamodb.table", "payment-sessions")
    desired[key]["point_in_time_recovery"] = True
    result.normalized = {"desired": desired, **result.normalized}
    table = present.side_by_side_table(result, ["dynamodb"]).html
    assert table.index("desired (code)") < table.index("baseline") < table.index("target")


def test_parameters_must_match_the_report(result: Any) -> None:
    present.use_parameters(result, target="prod-abc123", baseline="dev", fail_on="critical")
    assert result.fail_on.value == "critical"
    with pytest.raises(ValueError, match="target"):
        present.use_parameters(result, target="prod-other")


def test_chart_is_a_png(result: Any) -> None:
    chart = present.findings_chart(result)
    assert chart.png.startswith(b"\x89PNG\r\n\x1a\n") and len(chart.png) > 10_000
    assert chart._repr_html_().startswith('<img src="data:image/png;base64,iVBORw0KGgo')
