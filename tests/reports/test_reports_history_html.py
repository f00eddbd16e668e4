"""The HTML's view of policy and time (issue #13): the banner says which accounts were read,
what changed since the previous report and what the policy suppressed; the "Suppressed by
policy" section lists each waived finding with its entry and reason, and stale waivers; the
trend chart follows the target's runs; the findings tables are interactive and offline."""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

from paymentaudit import present
from paymentaudit.findings.problems import Suppressed
from paymentaudit.model import BaselineState
from paymentaudit.policy import Matcher


def _waive(result: Any, check: str, reason: str) -> Any:
    finding = next(f for f in result.findings if f.check == check)
    entry = Matcher({"check": check}, reason, "ignore[0]")
    result.findings = [f for f in result.findings if f is not finding]
    result.suppressed = [Suppressed(finding, entry)]
    result.unused_ignores = [Matcher({"resource": "payment-old-*"}, "old stack", "ignore[1]")]
    return finding


def test_the_banner_names_the_accounts(result: Any) -> None:
    html = present.banner(result).html
    assert result.target.account_id and result.target.account_id in html
    assert f"target {result.target.suffix} in {result.target.account_id}" in html
    assert f"baseline {result.baseline.suffix} in {result.baseline.account_id}" in html


def test_the_banner_says_what_changed_and_what_was_suppressed(result: Any) -> None:
    _waive(result, "DDB-PITR", "restored by ticket PAY-1")
    first = result.findings[0]
    result.findings = [dataclasses.replace(first, baseline_state=BaselineState.NEW)] + [
        dataclasses.replace(f, baseline_state=BaselineState.UNCHANGED) for f in result.findings[1:]
    ]
    result.previous = {"generated_at": "2026-11-28T06:17:03Z", "report_dir": "x"}
    result.fixed = result.findings[1:3]
    html = present.banner(result).html
    assert "1 new, 2 fixed since 2026-11-28T06:17Z" in html
    assert "1 suppressed by policy: 1 &quot;restored by ticket PAY-1&quot;" in html
    assert "1 unused waiver(s)" in html and 'href="#Suppressed-by-policy"' in html


def test_new_findings_only_says_so_in_the_banner(result: Any) -> None:
    result.mode = "new-only"
    result.findings = [dataclasses.replace(f, baseline_state=BaselineState.UNCHANGED)
                       for f in result.findings]  # fmt: skip
    result.previous = {"generated_at": "2026-11-28T06:17:03Z", "report_dir": "x"}
    assert result.blocking == []
    assert "(new findings only)" in present.banner(result).html


def test_the_suppressed_section_lists_entries_reasons_and_stale_waivers(result: Any) -> None:
    finding = _waive(result, "DDB-PITR", "restored by ticket PAY-1")
    html = present.suppressed(result).html
    assert "<b>1</b> finding(s) suppressed" in html
    for text in ("ignore[0]", "restored by ticket PAY-1", finding.resource, "ignore[1]",
                 "payment-old-*", "old stack", "matched no finding"):  # fmt: skip
        assert text in html, text
    result.suppressed, result.unused_ignores = [], []
    html = present.suppressed(result).html
    assert "suppressed no finding" in html and "Every [[ignore]] entry matched" in html


def test_the_trend_chart_needs_two_runs(result: Any) -> None:
    result.trend = [{"generated_at": "2026-11-29T10:00:00Z", "score": 60, "blocking": 4}]
    assert isinstance(present.trend_chart(result), present.Html)
    result.trend.append({"generated_at": "2026-11-29T11:00:00Z", "score": 80, "blocking": 2})
    chart = present.trend_chart(result)
    assert isinstance(chart, present.Png) and chart.png.startswith(b"\x89PNG")
    assert "2026-11-29 10:00: 60" in chart.alt and "2026-11-29 11:00: 80" in chart.alt


def test_every_finding_is_one_interactive_offline_table(result: Any) -> None:
    html = present.every_finding(result).html
    (options,) = re.findall(r"let dt_args = (\{.*?\});\n", html, re.DOTALL)
    args = json.loads(options)
    assert args["layout"]["top1"] == "searchPanes" and args["layout"]["topEnd"] == "search"
    assert args["searchPanes"]["columns"] == [0, 1, 2, 3]  # severity, state, service, kind
    assert len(json.loads(args["data_json"])) == len(result.findings)
    # Offline: nothing is loaded from a URL; the page's bundle (interactive_setup) serves it.
    assert not re.search(r"""(src|href)=["']https?://""", html)
    assert "_itables_" in html


def test_the_notebook_has_the_new_sections() -> None:
    from paymentaudit.reporters.notebook import template_path

    sources = [
        "".join(cell["source"])
        for cell in json.loads(template_path().read_text(encoding="utf-8"))["cells"]
    ]
    text = "\n".join(sources)
    for call in ("present.interactive_setup()", "present.every_finding(result)",
                 "present.suppressed(result)", "present.trend_chart(result)"):  # fmt: skip
        assert call in text, call
    assert text.index("present.interactive_setup()") < text.index("present.blocking(result)")
