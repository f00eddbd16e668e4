"""readiness.ipynb and readiness.html: the readiness notebook, executed and rendered.

Template: ``notebooks/readiness.ipynb`` at the repository root is the source of truth (an
editable install picks up edits at once). A copy ships inside the package,
``paymentaudit/reporters/templates/readiness.ipynb``, for non-editable installs; a test
asserts the two are identical. The checkout's template wins when both exist.

Kernel: papermill runs the notebook with kernel name ``python3``, but the kernel process is
always this interpreter (``sys.executable -m ipykernel_launcher``), whatever kernelspecs the
machine has: the notebook imports paymentaudit, so it must run where paymentaudit is
installed. papermill and nbconvert are imported here only, when a notebook is rendered.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
from pathlib import Path
from typing import IO, Any

from paymentaudit.atomic import atomic_file
from paymentaudit.errors import PaymentAuditError
from paymentaudit.findings.result import AuditResult

TEMPLATE = "readiness.ipynb"
PACKAGE_DIR = Path(__file__).resolve().parent.parent
REPO_NOTEBOOKS = PACKAGE_DIR.parent / "notebooks"
PACKAGED_NOTEBOOKS = Path(__file__).resolve().parent / "templates"
REPO_TEMPLATE = REPO_NOTEBOOKS / TEMPLATE
PACKAGED_TEMPLATE = PACKAGED_NOTEBOOKS / TEMPLATE
NOTEBOOK = "readiness.ipynb"
HTML = "readiness.html"
KERNEL_NAME = "python3"
START_TIMEOUT = 60  # seconds for the kernel to start
CELL_TIMEOUT = 600  # seconds per cell


class NotebookError(PaymentAuditError):
    """The readiness notebook could not be executed or rendered (one line)."""


def find_template(name: str) -> Path:
    """The notebook template ``name``: the checkout's notebooks/, else the packaged copy."""
    repo, packaged = REPO_NOTEBOOKS / name, PACKAGED_NOTEBOOKS / name
    for path in (repo, packaged):
        if path.is_file():
            return path
    raise NotebookError(
        f"the notebook template {name} is missing ({repo} and {packaged}); "
        "reinstall paymentaudit, or use --no-notebook"
    )


def template_path() -> Path:
    """The readiness template: the checkout's notebooks/, else the packaged copy."""
    return find_template(TEMPLATE)


def kernel_argv(encrypted: bool = True) -> list[str]:
    """The kernel command: this interpreter's ipykernel.

    Without CurveZMQ (``encrypted`` False) ipykernel warns on every start that its loopback
    TCP transport is not encrypted: its log level is raised to keep validate's stderr clean.
    """
    argv = [sys.executable, "-Xfrozen_modules=off", "-m", "ipykernel_launcher"]
    if not encrypted:
        argv.append("--IPKernelApp.log_level=ERROR")
    return [*argv, "-f", "{connection_file}"]


def kernel_env() -> dict[str, str]:
    """Extra environment of the kernel: this paymentaudit first on the path, quiet, no GUI."""
    path = os.pathsep.join(p for p in (str(PACKAGE_DIR.parent), os.environ.get("PYTHONPATH")) if p)
    return {"PYTHONPATH": path, "MPLBACKEND": "Agg", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}


def _kernel_manager_class(log: IO[bytes] | None = None) -> type:
    """An AsyncKernelManager whose kernelspec is :func:`kernel_argv` (imported lazily).

    ``log`` receives the kernel process's own stdout and stderr (start-up errors, the
    "KeyboardInterrupt caught in kernel" line of every shutdown) instead of our stderr.
    """
    import zmq
    from jupyter_client import AsyncKernelManager
    from jupyter_client.kernelspec import KernelSpec

    # CurveZMQ-encrypt the kernel's loopback sockets when pyzmq supports it.
    curve = bool(zmq.has("curve")) and "transport_encryption" in (
        AsyncKernelManager.class_trait_names()
    )

    class ThisInterpreterKernelManager(AsyncKernelManager):
        """Runs kernel ``python3`` with the interpreter running paymentaudit."""

        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            if curve:
                self.transport_encryption = "auto"

        async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
            if log is not None:
                kw.update(stdout=log, stderr=log)
            await super()._async_launch_kernel(kernel_cmd, **kw)

        @property
        def kernel_spec(self) -> KernelSpec:
            """``python3`` as this interpreter's ipykernel (no kernelspec lookup)."""
            if self._kernel_spec is None:
                self._kernel_spec = KernelSpec(
                    argv=kernel_argv(encrypted=curve),
                    display_name="Python 3 (ipykernel)",
                    language="python",
                    env=kernel_env(),
                    metadata={"debugger": False, "supported_encryption": ["curve"]},
                )
            return self._kernel_spec

    return ThisInterpreterKernelManager


def parameters(result: AuditResult) -> dict[str, Any]:
    """The papermill parameters of a report (report_dir is the kernel's cwd)."""
    baseline = result.baseline.suffix if result.baseline else None
    title = f"Readiness of {result.target.suffix}" + (f" against {baseline}" if baseline else "")
    return {
        "target": result.target.suffix,
        "baseline": baseline,
        "report_dir": ".",
        "fail_on": result.fail_on.value,
        "region": result.target.region,
        "title": title,
    }


def execute(template: Path, directory: Path, params: dict[str, Any]) -> Any:
    """Run a notebook with papermill in ``directory``; the executed NotebookNode.

    NotebookError (one line) when the kernel cannot start or a cell fails; the kernel's own
    output is kept out of our stderr and quoted in the error when the kernel fails.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    # papermill/nbclient log a kernel failure before raising it: the NotebookError below says
    # it once. A NullHandler keeps Python's last-resort handler from printing such records
    # (handlers the application configures still receive them).
    quiet = logging.getLogger("papermill")
    if not any(isinstance(h, logging.NullHandler) for h in quiet.handlers):
        quiet.addHandler(logging.NullHandler())
    with tempfile.TemporaryFile() as log:
        try:
            return papermill.execute_notebook(
                str(template),
                None,  # never written by papermill: the caller writes it atomically
                parameters=params,
                kernel_name=KERNEL_NAME,
                cwd=str(directory),
                progress_bar=False,
                log_output=False,
                request_save_on_cell_execute=False,
                start_timeout=START_TIMEOUT,
                execution_timeout=CELL_TIMEOUT,
                kernel_manager_class=_kernel_manager_class(log),
            )
        except PapermillExecutionError as exc:
            raise NotebookError(
                f"{template.name} failed in cell {exc.exec_count}: {exc.ename}: "
                f"{_one_line(exc.evalue)}"
            ) from None
        except Exception as exc:  # kernel start-up: no ipykernel, a dead kernel, a timeout
            log.seek(0)
            output = _one_line(log.read()[-2000:].decode("utf-8", "replace"), 400)
            raise NotebookError(
                f"cannot run {template.name}: the kernel ({sys.executable} -m "
                f"ipykernel_launcher) failed: {type(exc).__name__}: {_one_line(str(exc))}"
                + (f"; kernel output: {output}" if output else "")
                + " (install ipykernel into this environment, or use --no-notebook)"
            ) from exc


def _one_line(text: str, limit: int = 300) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


# The lab template without what it loads from the network (require.js and MathJax from a
# CDN, which the report does not use): the page opens from a CI artifact with no network.
OFFLINE_TEMPLATE = "paymentaudit-offline.html.j2"
OFFLINE_TEMPLATE_SOURCE = (
    "{%- extends 'index.html.j2' -%}"
    "{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}"
    "{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}"
)


def to_html(nb: Any, title: str) -> str:
    """The executed notebook as standalone HTML, without code cells or prompts, and without
    anything fetched from the network."""
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="lab",
        template_file=OFFLINE_TEMPLATE,
        extra_loaders=[DictLoader({OFFLINE_TEMPLATE: OFFLINE_TEMPLATE_SOURCE})],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    body, _resources = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    return body


def render(
    template: Path, directory: Path, params: dict[str, Any], notebook: str, html: str
) -> list[Path]:
    """Execute ``template`` in ``directory`` with ``params`` (``title`` among them) and write
    the executed notebook and its standalone, offline HTML there, as ``notebook`` and
    ``html``."""
    import nbformat

    directory = Path(directory).resolve()
    nb = execute(template, directory, params)
    try:
        page = to_html(nb, params["title"])
    except Exception as exc:  # nbconvert: a template or filter problem
        raise NotebookError(
            f"cannot convert {template.name} to HTML: {type(exc).__name__}: {_one_line(str(exc))}"
        ) from exc
    # Each file appears complete or not at all (a temporary sibling, then a rename).
    with atomic_file(directory / notebook) as tmp:
        nbformat.write(nb, str(tmp))
    with atomic_file(directory / html) as tmp:
        tmp.write_text(page, encoding="utf-8")
    return [directory / notebook, directory / html]


def write(result: AuditResult, directory: Path) -> list[Path]:
    """Execute readiness.ipynb into the report directory and convert it to readiness.html."""
    return render(template_path(), directory, parameters(result), NOTEBOOK, HTML)
