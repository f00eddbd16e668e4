"""summary.md: verdict, counts, blocking findings (escaped), and $GITHUB_STEP_SUMMARY."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import pytest

from paymentaudit.api import validation as validate
from paymentaudit.reporters import markdown

UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


def test_summary_has_verdict_counts_and_blocking_table(report_dir: Path, result: Any) -> None:
    text = (report_dir / "summary.md").read_text(encoding="utf-8")
    assert text.startswith("## ❌ paymentaudit: prod-abc123 is NOT READY")
    assert f"score **{result.score}/100**" in text
    assert text.count("NOT READY") == 1
    read = sum(1 for c in result.coverage if c.status == "ok")
    assert f"{read}/{len(result.coverage)} services read · " in text
    assert "readiness.html" in text.splitlines()[-1]
    lines = text.splitlines()
    start = lines.index("| critical | high | medium | low | info |")
    assert lines[start + 2] == "| " + " | ".join(map(str, result.counts.values())) + " |"
    header = lines.index("| severity | service | resource | check | finding | remediation |")
    table = lines[header + 2 : lines.index("", header)]
    assert len(table) == len(result.blocking) == 4  # one row per planted problem
    for line, finding in zip(table, result.blocking, strict=True):
        assert len(UNESCAPED_PIPE.findall(line)) == 7, line  # 6 cells
        assert line.startswith(f"| {finding.severity.value} | {finding.service} | ")
    # `<env>` must not disappear as an HTML tag in GitHub's renderer.
    assert "<env>" not in text


def test_cells_escape_pipes_markdown_and_html() -> None:
    cell = markdown.cell("a | b <env> *x* `y`\nz [l](u)")
    assert len(UNESCAPED_PIPE.findall(cell)) == 0
    assert "&lt;env&gt;" in cell and "\\*x\\*" in cell and "\\`y\\`" in cell
    assert "\n" not in cell and "\\[l\\]" in cell
    assert markdown.cell("x" * 500).endswith("…")


def test_pipes_in_findings_do_not_break_the_table(result: Any) -> None:
    finding = result.blocking[0]
    result.findings = [dataclasses.replace(finding, message="ports 80|443 open", resource="r|s")]
    text = markdown.render(result)
    (row,) = [line for line in text.splitlines() if "ports 80" in line]
    assert len(UNESCAPED_PIPE.findall(row)) == 7
    assert "80\\|443" in row


def test_ready_and_incomplete_summaries(result: Any, incomplete_result: Any) -> None:
    result.findings = []
    ready = markdown.render(result)
    assert "is READY" in ready and "No finding at or above high." in ready
    incomplete_result.findings = []
    text = markdown.render(incomplete_result)
    assert "is INCOMPLETE" in text
    assert "- rds: prod-abc123: AccessDenied: rds:DescribeDBClusters" in text
    assert "RDS-BACKUP on rds.cluster payment-aurora-cluster" in text


def test_step_summary_is_appended(
    report_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "step-summary.md"
    target.write_text("previous step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(target))
    validate.append_step_summary(report_dir)
    validate.append_step_summary(report_dir)
    summary = (report_dir / "summary.md").read_text(encoding="utf-8")
    assert target.read_text(encoding="utf-8") == "previous step\n" + (summary + "\n") * 2
