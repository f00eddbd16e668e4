"""The Lambda code is packaged by the synth itself (TerraformAsset ARCHIVE of lambda/)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from stacktest import REPO_ROOT, Synth

pytestmark = pytest.mark.synth


@pytest.mark.parametrize(
    ("logical", "handler_file"),
    [
        ("processor_function", "payment_processor.py"),
        ("migration_function", "parameter_migration.py"),
    ],
)
def test_zip_exists_in_the_out_dir_and_holds_the_handler(
    prod: Synth, logical: str, handler_file: str
) -> None:
    fn = prod.resource("aws_lambda_function", logical)
    relative = Path(fn["filename"])
    assert not relative.is_absolute(), "the asset path is relative to the stack directory"
    archive = prod.stack_dir / relative
    assert archive.is_file(), f"{archive} missing"
    with zipfile.ZipFile(archive) as zf:
        names = set(zf.namelist())
        assert handler_file in names
        source = (REPO_ROOT / "lambda" / handler_file).read_bytes()
        assert zf.read(handler_file) == source
    # source_code_hash is the asset hash, which is also the asset's directory name.
    assert fn["source_code_hash"] == relative.parent.name
    assert fn["source_code_hash"]


def test_archive_holds_exactly_the_lambda_sources(prod: Synth) -> None:
    fn = prod.resource("aws_lambda_function", "processor_function")
    with zipfile.ZipFile(prod.stack_dir / fn["filename"]) as zf:
        names = sorted(zf.namelist())
    source = REPO_ROOT / "lambda"
    expected = sorted(
        str(p.relative_to(source))
        for p in source.rglob("*")
        if p.is_file()
        and "__pycache__" not in p.parts
        and p.suffix != ".pyc"
        and not any(part.startswith(".") for part in p.relative_to(source).parts)
    )
    assert names == expected


def test_both_functions_share_one_archive(prod: Synth) -> None:
    files = {f["filename"] for f in prod.resources("aws_lambda_function").values()}
    assert len(files) == 1
    with zipfile.ZipFile(prod.stack_dir / files.pop()) as zf:
        names = zf.namelist()
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    assert all(not n.startswith(("/", "..")) for n in names)
