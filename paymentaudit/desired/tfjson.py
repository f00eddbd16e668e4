"""Read a synthesized ``cdk.tf.json`` (Terraform JSON configuration) into a TfDocument.

A resource with ``count`` or ``for_each`` is mapped once, as written (its instances are known
only to Terraform); ``info["repeated"]`` lists such resources.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from paymentaudit.terraform.document import TfDocument, TfResource, tag_map

SOURCE = "cdk.tf.json"
# Meta-arguments: how Terraform runs a resource, not what the resource is.
META_ARGUMENTS = frozenset(
    {"//", "provider", "depends_on", "lifecycle", "count", "for_each", "provisioner", "connection"}
)


def looks_like(doc: Any) -> bool:
    """True for a Terraform JSON configuration (what cdktf synthesizes)."""
    return isinstance(doc, Mapping) and (
        isinstance(doc.get("resource"), Mapping)
        or ("terraform" in doc and "provider" in doc)
        or "//" in doc
    )


def _providers(doc: Mapping[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    """Provider alias ("" for the default) -> (region, default tags)."""
    configs = (doc.get("provider") or {}).get("aws") or []
    if isinstance(configs, Mapping):
        configs = [configs]
    out = {}
    for config in configs:
        if isinstance(config, Mapping):
            tags = tag_map(config.get("default_tags"))
            out[str(config.get("alias") or "")] = (str(config.get("region") or ""), tags)
    return out


def parse(doc: Mapping[str, Any], *, region: str, replica_region: str) -> TfDocument:
    """The resources and data sources of a cdk.tf.json document.

    A resource's region is its provider's; the tags of a resource are its provider's
    ``default_tags`` merged with its own ``tags`` (its own win), as Terraform's ``tags_all``.
    """
    providers = _providers(doc)
    resources = []
    repeated = []
    for mode, section in (("managed", "resource"), ("data", "data")):
        for rtype, named in (doc.get(section) or {}).items():
            if not isinstance(named, Mapping):
                continue
            for name, body in named.items():
                if not isinstance(body, Mapping):
                    continue
                alias = str(body.get("provider") or "").removeprefix("aws").lstrip(".")
                fallback = replica_region if alias else region
                provider_region, default_tags = providers.get(alias, ("", {}))
                attrs = {k: v for k, v in body.items() if k not in META_ARGUMENTS}
                if "count" in body or "for_each" in body:
                    repeated.append(f"{rtype}.{name}")
                tags = {**default_tags, **tag_map(attrs.get("tags"))}
                resources.append(
                    TfResource(
                        type=rtype,
                        name=name,
                        attrs=attrs,
                        region=str(attrs.get("region") or provider_region or fallback),
                        tags=tags,
                        mode=mode,
                    )
                )
    default_tags = providers.get("", ("", {}))[1]
    suffix = default_tags.get("EnvironmentSuffix")
    meta = doc.get("//") if isinstance(doc.get("//"), Mapping) else {}
    stack = (meta.get("metadata") or {}).get("stackName") if isinstance(meta, Mapping) else None
    info: dict[str, Any] = {"stack": stack} if stack else {}
    if repeated:
        info["repeated"] = repeated
    return TfDocument(
        source=SOURCE,
        resources=resources,
        account_id="",
        suffix=str(suffix) if suffix else None,
        info=info,
    )
