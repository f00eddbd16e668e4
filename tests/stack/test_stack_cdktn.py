"""CDK Terrain (cdktn) synthesizes the same stack as cdktf.

Ignored, because they legitimately differ between the two toolchains:
- every "//" key (cdktf/cdktn metadata: construct paths, the CDK version, stack outputs map);
- terraform.required_providers.aws: each prebuilt provider pins its own AWS provider release
  (cdktf-cdktf-provider-aws 21.x: 6.25.0, source "aws"; cdktn-provider-aws: 6.69.x, source
  "hashicorp/aws"; both are the hashicorp/aws provider).
Everything else, asset hash and archive path included, must be identical.
"""

from __future__ import annotations

import copy
import zipfile
from typing import Any

import pytest
from stacktest import Synth

pytestmark = pytest.mark.synth


def normalized(doc: dict[str, Any]) -> dict[str, Any]:
    """The document without "//" metadata and without the provider version pin."""

    def strip(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: strip(v) for k, v in node.items() if k != "//"}
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node

    result = strip(copy.deepcopy(doc))
    result["terraform"].pop("required_providers")
    return result


def test_cdktn_output_matches_cdktf(prod: Synth, cdktn_prod: Synth) -> None:
    a, b = normalized(prod.doc), normalized(cdktn_prod.doc)
    assert set(a) == set(b)
    for section in a:
        if section == "resource":
            assert set(a[section]) == set(b[section]), "resource types differ"
            for rtype in a[section]:
                assert a[section][rtype] == b[section][rtype], f"{rtype} differs"
        else:
            assert a[section] == b[section], f"{section} differs"


def test_cdktn_pins_the_aws_provider(prod: Synth, cdktn_prod: Synth) -> None:
    for synth in (prod, cdktn_prod):
        provider = synth.doc["terraform"]["required_providers"]["aws"]
        assert provider["source"] in ("aws", "hashicorp/aws")
        assert provider["version"].startswith("6.")
    assert cdktn_prod.doc["//"]["metadata"]["stackName"] == "payment-prod-abc123"


def test_cdktn_packages_the_same_code(prod: Synth, cdktn_prod: Synth) -> None:
    def contents(synth: Synth) -> dict[str, bytes]:
        fn = synth.resource("aws_lambda_function", "processor_function")
        with zipfile.ZipFile(synth.stack_dir / fn["filename"]) as zf:
            return {name: zf.read(name) for name in zf.namelist()}

    assert contents(prod) == contents(cdktn_prod)
