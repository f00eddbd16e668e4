"""The readiness and investigate notebooks: committed clean, executed, rendered without code."""

from __future__ import annotations

import ast
import base64
import html
import json
import re
import shutil
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest

from paymentaudit import present, reporters
from paymentaudit.services import SERVICES, Service
from paymentaudit.reporters import notebook

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
READINESS_PARAMETERS = {"target", "baseline", "report_dir", "fail_on", "region", "title"}
SECTION_HEADINGS = [
    "VPC and network",
    "RDS",
    "DynamoDB",
    "S3",
    "Lambda",
    "ALB and target health",
    "CloudWatch and SNS",
    "KMS",
    "SSM parameters",
    "IAM",
    "Secrets Manager",
]


def _parameters(nb: Any) -> set[str]:
    (cell,) = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    tree = ast.parse(cell.source)
    return {t.id for node in tree.body if isinstance(node, ast.Assign) for t in node.targets}


def test_both_notebooks_exist() -> None:
    assert [p.name for p in NOTEBOOKS] == ["fleet.ipynb", "investigate.ipynb", "readiness.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs_and_with_the_python3_kernel(path: Path) -> None:
    nb = nbformat.read(str(path), as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "python3"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: cell {cell.id} has outputs"
            assert cell.execution_count is None, f"{path.name}: cell {cell.id} was executed"
    assert "papermill" not in nb.metadata


def test_readiness_parameters_and_packaged_copy() -> None:
    nb = nbformat.read(str(notebook.REPO_TEMPLATE), as_version=4)
    assert _parameters(nb) == READINESS_PARAMETERS
    assert notebook.PACKAGED_TEMPLATE.read_bytes() == notebook.REPO_TEMPLATE.read_bytes(), (
        "the packaged template differs from the source of truth: "
        "cp notebooks/readiness.ipynb paymentaudit/reporters/templates/readiness.ipynb"
    )
    assert notebook.template_path() == notebook.REPO_TEMPLATE


def test_investigate_parameters_default_to_the_sandbox() -> None:
    nb = nbformat.read(str(ROOT / "notebooks" / "investigate.ipynb"), as_version=4)
    assert {"mode", "profile", "endpoint_url", "target", "baseline"} <= _parameters(nb)
    (cell,) = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert 'mode = "sandbox"' in cell.source


def test_readiness_shows_every_section_in_order() -> None:
    nb = nbformat.read(str(notebook.REPO_TEMPLATE), as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    # The sections are one loop over the service registry, not a cell per service.
    assert code.count("present.all_sections(result)") == 1
    assert "present.section(" not in code
    assert [s.key for s in present.SECTIONS] == [
        s.name for s in SERVICES if s.section is not None
    ]
    shown = {svc for s in present.SECTIONS for svc in s.services}
    assert shown == {s.value for s in Service}
    order = [
        "present.banner(",
        "present.findings_chart(",
        "present.blocking(",
        "present.all_sections(",
    ]
    positions = [code.index(marker) for marker in [*order, "present.coverage("]]
    assert positions == sorted(positions)
    # Thin cells: the library computes, the notebook presents.
    assert all(len(c.source.splitlines()) <= 8 for c in nb.cells if c.cell_type == "code")


def test_registered_reporters() -> None:
    assert sorted(reporters.names()) == ["json", "junit", "markdown", "notebook", "sarif"]


def test_validate_executed_the_notebook(report_dir: Path) -> None:
    nb = nbformat.read(str(report_dir / "readiness.ipynb"), as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert not [o for o in outputs if o.output_type == "stream" and o.name == "stderr"]
    assert nb.metadata.papermill.parameters["report_dir"] == "."
    assert nb.metadata.papermill.parameters["target"] == "prod-abc123"
    (sections,) = [c for c in nb.cells if c.cell_type == "code" and "all_sections" in c.source]
    assert sections.outputs
    html = "".join(o.get("data", {}).get("text/html", "") for o in sections.outputs)
    headings = re.findall(r'<h2 id="([^"]+)">', html)
    assert headings == [s.anchor for s in present.SECTIONS]


def test_html_has_the_verdict_charts_and_no_code(report_dir: Path, result: Any) -> None:
    page = (report_dir / "readiness.html").read_text(encoding="utf-8")
    assert "<title>Readiness of prod-abc123 against dev</title>" in page
    assert ">NOT READY<" in page and f"score <b>{result.score}</b>/100" in page
    # nbconvert re-serializes attributes alphabetically: alt comes before src.
    images = re.findall(r'<img alt="[^"]+" src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert images and all(base64.b64decode(i).startswith(b"\x89PNG\r\n") for i in images)
    for code in ("import paymentaudit", "directory.load", "present.all_sections", "from paymentaudit"):
        assert code not in page
    # Code cells render their outputs only: no source, no In/Out prompts.
    assert 'class="jp-InputPrompt' not in page and 'class="jp-OutputPrompt' not in page
    assert 'class="highlight' not in page and "In&nbsp;[" not in page
    code_cells = re.findall(r'class="jp-Cell jp-CodeCell ([^"]*)"', page)
    template = nbformat.read(str(notebook.REPO_TEMPLATE), as_version=4)
    cells = [c for c in template.cells if c.cell_type == "code"]
    assert len(code_cells) == len(cells) + 1  # papermill's injected parameters cell
    assert all("jp-mod-noInput" in c for c in code_cells)
    # In order: banner, chart, blocking findings, each section, coverage.
    markers = [">NOT READY<", 'src="data:image/png', 'id="Blocking-findings"']
    markers += [f'id="{title.replace(" ", "-")}"' for title in SECTION_HEADINGS]
    markers.append('id="Coverage"')
    positions = [page.index(m) for m in markers]
    assert positions == sorted(positions)
    # The banner's links lead to headings that exist on the page.
    assert [s.heading for s in present.SECTIONS] == SECTION_HEADINGS
    links = re.findall(r'<a href="#([^"]+)"', page)
    assert {"Blocking-findings", "Coverage", *(s.anchor for s in present.SECTIONS)} <= set(links)
    assert all(f'id="{anchor}"' in page for anchor in links)
    for finding in result.findings:
        assert html.escape(finding.message, quote=False) in page, finding.message


def test_investigate_runs_against_the_sandbox(tmp_path: Path) -> None:
    nb = notebook.execute(ROOT / "notebooks" / "investigate.ipynb", tmp_path, {"mode": "sandbox"})
    outputs = {c.id: c.outputs for c in nb.cells if c.cell_type == "code"}
    text = json.dumps(outputs)
    # The resource's diff is the library's, in the findings' own wording.
    diff = outputs["differences"][0]["data"]["text/html"]
    assert "point_in_time_recovery" in diff and "DDB-PITR, parity" in diff
    assert "NOT READY" in text
    # Both environments were read, each in its own account of the sandbox.
    counts = re.search(r"'prod-abc123': \((\d+), \[\]\), 'dev': \((\d+), \[\]\)", text)
    assert counts is not None and int(counts[1]) > 40 and int(counts[2]) > 40, text[:2000]
    assert not [o for cell in outputs.values() for o in cell if o["output_type"] == "error"]
    assert list(tmp_path.iterdir()) == []  # nothing written where it ran


@pytest.mark.parametrize("kernel", ["missing", "dies"])
def test_a_kernel_that_cannot_start_is_one_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, result: Any, kernel: str
) -> None:
    argv = [str(tmp_path / "no-python")]
    if kernel == "dies":
        argv = [sys.executable, "-c", "import sys; sys.exit('no module named ipykernel_x')"]
    monkeypatch.setattr(notebook, "kernel_argv", lambda encrypted=True: argv)
    out = tmp_path / "report"
    out.mkdir()
    with pytest.raises(notebook.NotebookError) as info:
        notebook.write(result, out)
    message = str(info.value)
    assert "\n" not in message and "the kernel" in message and "--no-notebook" in message
    if kernel == "dies":
        assert "kernel output: no module named ipykernel_x" in message
    assert list(out.iterdir()) == []  # no half-written readiness.* file


def test_a_failing_cell_is_one_clear_error(report_dir: Path, tmp_path: Path, result: Any) -> None:
    broken = tmp_path / "report"
    shutil.copytree(report_dir / "snapshots", broken / "snapshots")
    (broken / "findings.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(notebook.NotebookError, match=r"failed in cell \d+: InputError: .*"):
        notebook.write(result, broken)
    assert sorted(p.name for p in broken.iterdir()) == ["findings.json", "snapshots"]
