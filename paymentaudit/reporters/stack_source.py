"""Source locations in stack/: the construct that declares an audited resource.

The stack writes every physical name as ``cfg.name("<literal>")`` (or ``cfg.param("<path>")``
for SSM parameters) inside the keyword arguments of a ``cdk.X(...)`` construct call; loops
iterate over module-level tuples of literals (``PRIVATE_SUBNETS``, ``INSTANCES``,
``TARGET_GROUPS``). The audit's logical names are those literals, so parsing ``stack/**/*.py``
with :mod:`ast` (once, cached) maps a resource (type + logical name) to the file and line of
its construct call. Nothing is imported or executed.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from paymentaudit import services

# The repository root when paymentaudit is installed editable (stack/ next to paymentaudit/).
REPO_ROOT = Path(__file__).resolve().parents[2]
STACK = "stack"
# Pointed at when stack/ is not available at all (a non-editable install).
ENTRY_POINT = "stack/main.py"
SKIP_DIRS = frozenset({"cdktf.out", ".gen", "__pycache__", ".venv", "node_modules"})


def _constructs() -> dict[str, tuple[str, ...]]:
    """Construct classes that can declare each resource type (from the service registry)."""
    return {t: c for spec in services.SERVICES for t, c in spec.constructs.items()}


# Resources whose logical name is not a literal of the stack, declared by a construct class.
BY_CLASS: dict[tuple[str, str], str] = {
    ("ec2.security_group", "default"): "DefaultSecurityGroup",
}
NAME_HELPERS = frozenset({"name", "param"})


@dataclass(frozen=True)
class Location:
    """Where a resource is (or would be) declared: a path relative to the repository root."""

    path: str  # POSIX, relative to the repository root, e.g. stack/components/sessions.py
    line: int  # 1-based
    column: int = 1  # 1-based
    declared: bool = True  # False: no construct declares it; path/line is the closest place
    note: str = ""  # why the location is approximate, or where the name literal is


@dataclass(frozen=True)
class Construct:
    """One ``cdk.X(...)`` call and the name literals in its keyword arguments."""

    cls: str
    path: str
    line: int
    column: int
    names: tuple[tuple[str, int, str], ...]  # (literal, its line, the loop table or "")
    target_key: str | None = None  # variable passed as target_key_id=<var>.key_id (aliases)
    variable: str | None = None  # variable the construct is assigned to, in its function
    scope: str = ""  # the enclosing function (qualified by module path)


def stack_root(root: str | Path | None = None) -> Path | None:
    """The stack/ directory of ``root`` (default: the repository root), or None if absent."""
    base = Path(root) if root is not None else REPO_ROOT
    stack = base / STACK
    return stack if (stack / "main.py").is_file() or any(stack.glob("*.py")) else None


def locate(
    resource_type: str, logical_name: str, service: str = "", root: str | Path | None = None
) -> Location:
    """The construct declaring (type, logical name): its file and line, else a fallback."""
    base = Path(root).resolve() if root is not None else REPO_ROOT
    index = _index(str(base))
    if index is None:
        return Location(
            ENTRY_POINT,
            1,
            declared=False,
            note="stack/ sources are not available here (paymentaudit is not installed from "
            "a checkout): pointing at the stack's entry point",
        )
    construct = find(index, resource_type, logical_name)
    if construct is not None:
        note = ""
        for name, line, table in construct.names:
            if name == logical_name and table:
                note = f"{logical_name!r} is a row of {table} (line {line}), built in a loop"
        return Location(construct.path, construct.line, construct.column, note=note)
    if "/" in logical_name and not logical_name.startswith("/"):
        # Named by a relationship (``<referrer>/<label>``): the referrer's construct declares
        # it (an Aurora cluster its master-user secret and its members).
        referrer, _, label = logical_name.rpartition("/")
        owner = next((c for c in index.by_name.get(referrer, ())), None)
        if owner is not None:
            return Location(
                owner.path,
                owner.line,
                owner.column,
                note=f"{resource_type} {logical_name} is the {label} of {referrer}, "
                "declared by this construct",
            )
    service = service or resource_type.split(".", 1)[0]
    spec = services.spec_of_type(resource_type)
    module = spec.stack_module if spec is not None else "stack/payment_stack.py"
    if not (base / module).is_file():
        module = ENTRY_POINT
    return Location(
        module,
        1,
        declared=False,
        note=f"{resource_type} {logical_name} is not declared in stack/ (no construct names "
        f"it): pointing at {module}, the module for {service or 'its'} resources",
    )


def find(index: Index, resource_type: str, logical_name: str) -> Construct | None:
    """The construct of (type, logical name) in a parsed stack, or None."""
    wanted = _constructs().get(resource_type)
    by_class = BY_CLASS.get((resource_type, logical_name))
    if by_class is not None:
        return next((c for c in index.constructs if c.cls == by_class), None)
    candidates = [
        c for c in index.by_name.get(logical_name, ()) if wanted is None or c.cls in wanted
    ]
    if not candidates:
        return None
    # Prefer the construct of the resource itself over one that only mentions the name.
    if wanted:
        candidates.sort(key=lambda c: wanted.index(c.cls))
    construct = candidates[0]
    if construct.cls == "KmsAlias" and construct.target_key:
        # The audit names keys by alias; the key's settings live in the KmsKey construct.
        key = next(
            (
                c
                for c in index.constructs
                if c.cls == "KmsKey"
                and c.variable == construct.target_key
                and c.scope == construct.scope
            ),
            None,
        )
        if key is not None:
            return key
    return construct


@dataclass(frozen=True)
class Index:
    """Every construct of a parsed stack, and the constructs by name literal."""

    constructs: tuple[Construct, ...]
    by_name: dict[str, tuple[Construct, ...]]


@functools.lru_cache(maxsize=8)
def _index(root: str) -> Index | None:
    stack = stack_root(root)
    if stack is None:
        return None
    constructs: list[Construct] = []
    for file in sorted(stack.rglob("*.py")):
        if SKIP_DIRS.intersection(file.relative_to(stack).parts):
            continue
        try:
            tree = ast.parse(file.read_text(encoding="utf-8"), filename=str(file))
        except (OSError, SyntaxError, ValueError):
            continue
        rel = file.relative_to(Path(root)).as_posix()
        constructs.extend(_Visitor(rel, _tables(tree)).run(tree))
    by_name: dict[str, list[Construct]] = {}
    for construct in constructs:
        for name, _line, _table in construct.names:
            by_name.setdefault(name, []).append(construct)
    return Index(tuple(constructs), {k: tuple(v) for k, v in by_name.items()})


Table = list[tuple[Any, int]]  # (row value, line of the row)
# Loop variable -> (literal value, line of its table row, table name) for each iteration.
Loops = dict[str, list[tuple[str, int, str]]]


def _tables(tree: ast.Module) -> dict[str, Table]:
    """Module-level constants that are literal tuples/lists (the loops' tables), by row."""
    out: dict[str, Table] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if isinstance(target, ast.Name) and isinstance(value, ast.Tuple | ast.List):
            try:
                out[target.id] = [(ast.literal_eval(e), e.lineno) for e in value.elts]
            except ValueError:
                continue
    return out


def _is_cdk_call(node: ast.AST) -> str | None:
    """The construct class of a ``cdk.X(...)`` call, else None."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "cdk"
        and node.func.attr[:1].isupper()
    ):
        return node.func.attr
    return None


class _Visitor:
    """Collects the constructs of one module, resolving loop variables through its tables."""

    def __init__(self, path: str, tables: dict[str, Table]) -> None:
        self.path = path
        self.tables = tables
        self.out: list[Construct] = []

    def run(self, tree: ast.Module) -> list[Construct]:
        """The constructs of the module, in source order."""
        self._body(tree.body, scope=self.path, loops={})
        return self.out

    def _body(self, body: list[ast.stmt], scope: str, loops: Loops) -> None:
        for stmt in body:
            self._stmt(stmt, scope, loops)

    def _stmt(self, stmt: ast.stmt, scope: str, loops: Loops) -> None:
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            self._body(stmt.body, f"{scope}:{stmt.name}", {})
            return
        if isinstance(stmt, ast.For):
            inner = dict(loops)
            inner.update(self._loop_values(stmt))
            self._body(stmt.body, scope, inner)
            self._body(stmt.orelse, scope, loops)
            return
        variable = None
        if (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
        ):
            variable = stmt.targets[0].id
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            variable = stmt.target.id
        for node in _calls_outside_nested(stmt):
            cls = _is_cdk_call(node)
            if cls is None:
                continue
            assert isinstance(node, ast.Call)
            assigned = variable if getattr(stmt, "value", None) is node else None
            self.out.append(self._construct(node, cls, scope, loops, assigned))
        for child in ast.iter_child_nodes(stmt):
            if isinstance(child, ast.stmt):
                self._stmt(child, scope, loops)

    def _loop_values(self, loop: ast.For) -> Loops:
        """Loop variable -> the literal strings it takes, when iterating over a table."""
        if not isinstance(loop.iter, ast.Name) or loop.iter.id not in self.tables:
            return {}
        table = loop.iter.id
        rows = self.tables[table]
        target = loop.target
        if isinstance(target, ast.Name):
            return {target.id: [(r, line, table) for r, line in rows if isinstance(r, str)]}
        if not isinstance(target, ast.Tuple):
            return {}
        out: Loops = {}
        for i, element in enumerate(target.elts):
            if isinstance(element, ast.Name):
                values = [
                    (row[i], line, table)
                    for row, line in rows
                    if isinstance(row, tuple | list) and len(row) > i and isinstance(row[i], str)
                ]
                if values:
                    out[element.id] = values
        return out

    def _construct(
        self,
        call: ast.Call,
        cls: str,
        scope: str,
        loops: Loops,
        variable: str | None,
    ) -> Construct:
        names: list[tuple[str, int, str]] = []
        target_key = None
        for keyword in call.keywords:
            for node in ast.walk(keyword.value):
                names.extend(self._name_literals(node, loops))
            if (
                keyword.arg == "target_key_id"
                and isinstance(keyword.value, ast.Attribute)
                and isinstance(keyword.value.value, ast.Name)
            ):
                target_key = keyword.value.value.id
        return Construct(
            cls=cls,
            path=self.path,
            line=call.lineno,
            column=call.col_offset + 1,
            names=tuple(dict.fromkeys(names)),
            target_key=target_key,
            variable=variable,
            scope=scope,
        )

    def _name_literals(self, node: ast.AST, loops: Loops) -> Iterator[tuple[str, int, str]]:
        """Literals passed to ``cfg.name(...)`` / ``cfg.param(...)`` (or through a loop)."""
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in NAME_HELPERS
            and node.args
        ):
            return
        arg = node.args[0]
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            yield arg.value, arg.lineno, ""
        elif isinstance(arg, ast.Name) and arg.id in loops:
            yield from loops[arg.id]


def _calls_outside_nested(stmt: ast.stmt) -> Iterator[ast.AST]:
    """Call nodes of one statement, not descending into nested statements or functions."""
    stack: list[ast.AST] = [c for c in ast.iter_child_nodes(stmt) if not isinstance(c, ast.stmt)]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Lambda):
            continue
        if isinstance(node, ast.Call):
            yield node
        stack.extend(c for c in ast.iter_child_nodes(node) if not isinstance(c, ast.stmt))
