"""The architecture holds: no import cycles, the registry is complete, one audit per validate."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import grimp
import pytest
from helpers import ROOT

from paymentaudit import services
from paymentaudit.services.spec import NotMapped, TerraformMapping

PACKAGE = "paymentaudit"


def _strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm: the strongly connected components of a directed graph."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            out.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return out


def test_no_two_modules_import_each_other() -> None:
    """Every import counts: module level, function level and TYPE_CHECKING blocks (grimp reads
    them all), so a registry cannot sit in a package __init__ its members import."""
    graph = grimp.build_graph(PACKAGE, cache_dir=None)
    edges = {m: graph.find_modules_directly_imported_by(m) for m in graph.modules}
    cycles = [c for c in _strongly_connected(edges) if len(c) > 1 or c[0] in edges[c[0]]]
    assert cycles == []


def test_the_cycle_check_finds_a_cycle() -> None:
    assert _strongly_connected({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [
        ["a", "b", "c"],
        ["d"],
    ]


# -- the service registry -------------------------------------------------------------------


@pytest.mark.parametrize("spec", services.SERVICES, ids=lambda s: s.name)
def test_a_registered_service_is_complete(spec: Any) -> None:
    """Collector test, report section, SARIF constructs, Terraform mapping (or why not)."""
    test_file = ROOT / "tests" / "collectors" / f"test_{spec.name.rstrip('_')}.py"
    assert test_file.is_file(), f"{spec.name}: no collector test {test_file.name}"
    tests = [
        n.name
        for n in ast.parse(test_file.read_text(encoding="utf-8")).body
        if isinstance(n, ast.FunctionDef) and n.name.startswith("test_")
    ]
    assert tests, f"{test_file.name} has no test"
    text = test_file.read_text(encoding="utf-8")
    for rtype in spec.resource_types:
        assert rtype in text, f"{test_file.name} never looks at {rtype}"
    keys = {s.name for s in services.SERVICES if s.section is not None}
    if spec.section is None:
        assert spec.placement is not None and set(spec.placement.sections) <= keys
    else:
        assert spec.section.title and spec.section.heading and spec.section.description
    assert set(spec.constructs) == set(spec.resource_types), "a SARIF construct per type"
    assert (ROOT / spec.stack_module).is_file()
    if isinstance(spec.terraform, TerraformMapping):
        assert spec.terraform.resource_types == set(spec.resource_types), (
            f"{spec.name}: every resource type needs a Terraform mapping (or NotMapped)"
        )
    else:
        assert isinstance(spec.terraform, NotMapped) and spec.terraform.reason


def test_everything_derives_from_the_registry() -> None:
    from paymentaudit.iam_policy import actions
    from paymentaudit.present.sections import SECTIONS

    names = [s.name for s in services.SERVICES]
    assert [s.value for s in services.Service] == names
    assert [c.service for c in services.COLLECTORS] == [
        s.name for s in services.SERVICES for _ in s.collectors
    ]
    shown = {svc for section in SECTIONS for svc in section.services}
    assert shown == set(names)
    prefixes = {a.split(":", 1)[0] for a in actions()}
    assert "secretsmanager" in prefixes and "secretsmanager:GetSecretValue" not in actions()


def test_a_service_package_holds_only_its_own_pieces() -> None:
    """One folder per service: its collector, its Terraform mapping and its declaration (a
    collector too long for one module keeps its build functions apart, in build.py)."""
    base = ROOT / "paymentaudit" / "services"
    for spec in services.SERVICES:
        folder = base / ("lambda_" if spec.name == "lambda" else spec.name)
        assert sorted(p.name for p in folder.glob("*.py") if p.name != "build.py") == [
            "__init__.py",
            "collect.py",
            "terraform.py",
        ]


# -- one audit per validate -----------------------------------------------------------------


def test_validate_audits_once_and_reports_render_from_the_saved_result(
    sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from paymentaudit.api import offline, validation
    from paymentaudit.findings import evaluate

    calls: list[str] = []
    real = evaluate.audit

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[1].suffix)
        return real(*args, **kwargs)

    monkeypatch.setattr(evaluate, "audit", counted)
    monkeypatch.setattr(validation, "audit", counted)
    monkeypatch.setattr(offline, "audit", counted)
    monkeypatch.chdir(ROOT)
    out = tmp_path / "run"
    opts = validation.Options(
        target="prod-abc123", endpoint_url=sandbox.url, out=str(out), notebook=True
    )
    run = validation.validate(opts)
    assert calls == ["prod-abc123"]
    assert (out / "readiness.html").is_file() and (out / "snapshots" / "compared.json").is_file()
    offline.render(out, notebook=False)  # re-rendering loads; it does not audit again
    assert calls == ["prod-abc123"]
    reloaded = offline.load_report(out)
    assert [f.id for f in reloaded.findings] == [f.id for f in run.result.findings]
    assert reloaded.verdict == run.result.verdict and reloaded.score == run.result.score
    assert len(reloaded.outcomes) == len(run.result.outcomes)
    assert reloaded.normalized.keys() == run.result.normalized.keys()
