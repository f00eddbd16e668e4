"""Source conventions the audit library relies on (it parses stack/ with `ast`)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from stacktest import SOURCES, STACK_DIR

CDK_PACKAGES = {"cdktf", "cdktn", "cdktf_cdktf_provider_aws", "cdktn_provider_aws", "constructs"}


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


def _is_cfg_name_call(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "name"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "cfg"
    )


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(STACK_DIR)))
def test_cfg_name_first_argument_is_a_literal_or_a_loop_name(path: Path) -> None:
    for node in ast.walk(_tree(path)):
        if _is_cfg_name_call(node):
            first = node.args[0]
            assert isinstance(first, ast.Constant | ast.Name), (
                f"{path.name}:{node.lineno}: cfg.name() needs a string literal (or a name bound "
                "to literals in a tuple), not an f-string or expression"
            )
            if isinstance(first, ast.Constant):
                assert isinstance(first.value, str)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(STACK_DIR)))
def test_only_cdk_py_imports_the_cdk(path: Path) -> None:
    if path.name == "cdk.py":
        return
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Import):
            names = [alias.name.split(".")[0] for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [(node.module or "").split(".")[0]]
        else:
            continue
        assert not CDK_PACKAGES.intersection(names), f"{path.name}:{node.lineno} imports {names}"


def test_public_functions_have_docstrings_and_hints() -> None:
    for path in SOURCES:
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                where = f"{path.name}:{node.lineno} {node.name}"
                assert ast.get_docstring(node), f"{where} has no docstring"
                assert node.returns is not None, f"{where} has no return annotation"


def test_each_name_literal_lives_in_one_module() -> None:
    """A base name is written in one module only, so the locator finds one construct."""
    modules: dict[str, set[str]] = {}
    for path in SOURCES:
        for node in ast.walk(_tree(path)):
            if _is_cfg_name_call(node) and isinstance(node.args[0], ast.Constant):
                modules.setdefault(node.args[0].value, set()).add(path.name)
            if isinstance(node, ast.Tuple):  # loop tables: (("payment-private-a", ...), ...)
                for item in node.elts:
                    if isinstance(item, ast.Constant) and str(item.value).startswith("payment-"):
                        modules.setdefault(item.value, set()).add(path.name)
    assert len(modules) > 30
    shared = {base: sorted(files) for base, files in modules.items() if len(files) > 1}
    assert not shared
