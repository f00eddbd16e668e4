"""paymentaudit.reporters.stack_source: resources of the stack mapped to their construct calls in stack/."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from paymentaudit import services
from paymentaudit.reporters import stack_source as locate
from paymentaudit.snapshots import load

ROOT = Path(__file__).resolve().parents[2]
# Audited resources that no construct of the stack declares.
UNDECLARED = {("ec2.route_table", "main")}


def _line(path: str, line: int) -> str:
    return (ROOT / path).read_text(encoding="utf-8").splitlines()[line - 1]


def test_every_sandbox_resource_maps_to_its_construct(report_dir: Path) -> None:
    for env in ("prod-abc123", "dev"):
        for res in load(report_dir / "snapshots" / f"{env}.json").resources:
            where = locate.locate(res.type, res.logical_name, res.service)
            if (res.type, res.logical_name) in UNDECLARED:
                assert not where.declared and where.line == 1
                assert "not declared" in where.note
                continue
            assert where.declared, (res.type, res.logical_name)
            classes = services.spec_of_type(res.type).constructs[res.type]
            text = _line(where.path, where.line)
            assert any(f"cdk.{cls}(" in text for cls in classes), (res.logical_name, text)
            assert text.index("cdk.") + 1 == where.column


@pytest.mark.parametrize(
    ("rtype", "name", "path", "construct"),
    [
        ("ec2.vpc", "payment-vpc", "stack/components/network.py", "cdk.Vpc("),
        ("ec2.subnet", "payment-private-b", "stack/components/network.py", "cdk.Subnet("),
        ("ec2.security_group", "default", "stack/components/network.py", "DefaultSecurityGroup("),
        ("rds.instance", "payment-aurora-instance-2", "stack/components/database.py", "Instance("),
        ("elbv2.target_group", "payment-green", "stack/components/ingress.py", "LbTargetGroup("),
        ("kms.key", "alias/payment", "stack/components/encryption.py", "cdk.KmsKey("),
        ("logs.log_group", "/aws/vpc/flow-logs/payment", "stack/components/network.py", "Group("),
        ("ssm.parameter", "app/currency", "stack/payment_stack.py", "cdk.SsmParameter("),
    ],
)
def test_known_constructs(rtype: str, name: str, path: str, construct: str) -> None:
    where = locate.locate(rtype, name)
    assert (where.path, where.declared) == (path, True)
    assert construct in _line(path, where.line)


def test_loop_rows_name_their_table() -> None:
    where = locate.locate("ec2.subnet", "payment-private-c")
    assert "PRIVATE_SUBNETS" in where.note
    row = int(where.note.split("line ")[1].split(")")[0])
    assert '"payment-private-c"' in _line(where.path, row)


@pytest.mark.parametrize(
    ("rtype", "name", "service", "module"),
    [
        ("ssm.parameter", "app/db-password", "ssm", "stack/payment_stack.py"),
        ("ec2.route_table", "main", "ec2", "stack/components/network.py"),
        ("s3.bucket", "payment-other", "s3", "stack/components/storage.py"),
    ],
)
def test_undeclared_resources_fall_back_to_their_module(
    rtype: str, name: str, service: str, module: str
) -> None:
    where = locate.locate(rtype, name, service)
    assert (where.path, where.line, where.declared) == (module, 1, False)
    assert name in where.note


def test_without_stack_sources(tmp_path: Path) -> None:
    where = locate.locate("dynamodb.table", "payment-sessions", root=tmp_path)
    assert (where.path, where.line, where.declared) == ("stack/main.py", 1, False)


def _write(root: Path, name: str, source: str) -> None:
    path = root / "stack" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(source), encoding="utf-8")


def test_parses_tables_aliases_and_nested_names(tmp_path: Path) -> None:
    _write(tmp_path, "main.py", "import cdk\n")
    _write(
        tmp_path,
        "components/things.py",
        """\
        import cdk

        QUEUES = (
            ("orders", 10),
            ("refunds", 20),
        )


        def build(scope, cfg):
            key = cdk.KmsKey(scope, "k", tags={"Name": cfg.name("thing-cmk")})
            cdk.KmsAlias(scope, "a", name=cfg.name("alias/thing"), target_key_id=key.key_id)
            for base, _size in QUEUES:
                cdk.SqsQueue(
                    scope,
                    base,
                    name=cfg.name(base),
                )
            return cdk.DynamodbTable(scope, "t", tags={"Name": cfg.name("things")})
        """,
    )
    lines = (tmp_path / "stack/components/things.py").read_text().splitlines()

    def at(rtype: str, name: str) -> Any:
        where = locate.locate(rtype, name, root=tmp_path)
        return where, lines[where.line - 1].strip()

    where, text = at("kms.key", "alias/thing")
    assert text.startswith("key = cdk.KmsKey(")
    where, text = at("sqs.queue", "refunds")
    assert text == "cdk.SqsQueue(" and "QUEUES (line 5)" in where.note
    where, text = at("dynamodb.table", "things")
    assert text.startswith("return cdk.DynamodbTable(")
    # A name declared by a construct of another type does not match.
    assert not locate.locate("s3.bucket", "things", root=tmp_path).declared
