"""Read a Terraform state file (format version 4) into a TfDocument."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from paymentaudit.terraform.document import TfDocument, TfResource, tag_map

SOURCE = "tfstate"
STATE_VERSION = 4
_ACCOUNT_IN_ARN = re.compile(r"^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12}):")


def looks_like(doc: Any) -> bool:
    """True for a Terraform state document, whatever its version."""
    return (
        isinstance(doc, Mapping)
        and "version" in doc
        and ("terraform_version" in doc or "lineage" in doc or "resources" in doc)
        and not isinstance(doc.get("resource"), Mapping)
    )


def _alias(provider: str) -> str:
    """``provider["registry.terraform.io/hashicorp/aws"].replica`` -> ``replica``."""
    head, sep, tail = provider.rpartition("].")
    return tail if sep and head else ""


def _region_of(attrs: Mapping[str, Any]) -> str:
    region = attrs.get("region")
    if isinstance(region, str) and region:
        return region
    arn = attrs.get("arn")
    if isinstance(arn, str) and arn.startswith("arn:"):
        parts = arn.split(":")
        if len(parts) > 3 and parts[3]:
            return parts[3]
    return ""


def _instance_name(name: str, index_key: Any) -> str:
    return name if index_key is None else f"{name}[{json.dumps(index_key)}]"


def _account(resources: list[TfResource]) -> str:
    for res in resources:
        if res.mode == "data" and res.type == "aws_caller_identity":
            account = str(res.attrs.get("account_id") or "")
            if account:
                return account
    for res in resources:
        match = _ACCOUNT_IN_ARN.match(str(res.attrs.get("arn") or ""))
        if match:
            return match.group(1)
    return ""


def parse(doc: Mapping[str, Any], *, region: str, replica_region: str) -> TfDocument:
    """The resource instances of a version 4 state: attributes as Terraform stored them.

    Tags are ``tags_all`` (provider default tags included) when stored, else ``tags``.
    """
    resources = []
    for entry in doc.get("resources") or []:
        if not isinstance(entry, Mapping):
            continue
        alias = _alias(str(entry.get("provider") or ""))
        for instance in entry.get("instances") or []:
            attrs = instance.get("attributes")
            if not isinstance(attrs, Mapping):
                continue
            tags: dict[str, Any] | None = None
            if attrs.get("tags_all") is not None or attrs.get("tags") is not None:
                tags = tag_map(attrs.get("tags_all") or attrs.get("tags") or {})
            resources.append(
                TfResource(
                    type=str(entry.get("type")),
                    name=_instance_name(str(entry.get("name")), instance.get("index_key")),
                    attrs=dict(attrs),
                    region=_region_of(attrs) or (replica_region if alias else region),
                    tags=tags,
                    mode=str(entry.get("mode") or "managed"),
                )
            )
    suffix = next(
        (
            str(r.tags["EnvironmentSuffix"])
            for r in resources
            if r.tags and "EnvironmentSuffix" in r.tags
        ),
        None,
    )
    return TfDocument(
        source=SOURCE,
        resources=resources,
        account_id=_account(resources),
        suffix=suffix,
        info={
            "terraform_version": doc.get("terraform_version"),
            "serial": doc.get("serial"),
            "lineage": doc.get("lineage"),
        },
    )
