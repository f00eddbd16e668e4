"""Desired state: what the code declares, in the audit's resource model.

``load()`` reads a synthesized ``cdk.tf.json`` or a Terraform state file (format version 4),
or synthesizes ``stack/`` (cached, see ``synth``), and maps every Terraform resource a
collector covers to the resource type, logical name and attribute paths that collector
produces (``mapping``), so that the compare engine diffs desired against live unchanged.
``drift`` turns the differences into findings.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

from paymentaudit.desired import tfjson, tfstate
from paymentaudit.desired.mapping import NOT_COMPARED, map_document
from paymentaudit.errors import InputError
from paymentaudit.model import Coverage
from paymentaudit.naming import default_ssm_path, validate_ssm_path, validate_suffix
from paymentaudit.snapshots import Snapshot, now_iso
from paymentaudit.terraform.document import TfDocument

__all__ = ["NOT_COMPARED", "detect", "load", "parse_document"]

SOURCES = ("synth", tfjson.SOURCE, tfstate.SOURCE)


def _read_json(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read the desired state ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not a text file (expected cdk.tf.json or a tfstate)") from None
    try:
        return json.loads(text)
    except ValueError as exc:
        line = getattr(exc, "lineno", "?")
        raise InputError(
            f"{path}: not valid JSON (line {line}): expected cdk.tf.json or a tfstate"
        ) from None


def detect(doc: Any) -> str:
    """``cdk.tf.json`` or ``tfstate`` by content; ValueError with the reason otherwise."""
    if tfstate.looks_like(doc):
        version = doc.get("version")
        if version != tfstate.STATE_VERSION:
            raise ValueError(
                f"Terraform state version {version!r} is not supported "
                f"(expected {tfstate.STATE_VERSION}; `terraform state pull` writes it)"
            )
        if not isinstance(doc.get("resources", []), list):
            raise ValueError("Terraform state without a resources list")
        return tfstate.SOURCE
    if tfjson.looks_like(doc):
        return tfjson.SOURCE
    raise ValueError(
        "neither a synthesized cdk.tf.json (no 'resource' block) nor a Terraform state "
        "(no 'version' and 'resources')"
    )


def parse_document(doc: Any, *, origin: str, region: str, replica_region: str) -> TfDocument:
    """A parsed desired-state document; InputError names the origin and the reason."""
    try:
        kind = detect(doc)
    except ValueError as exc:
        raise InputError(f"{origin}: {exc}") from None
    parser = tfstate.parse if kind == tfstate.SOURCE else tfjson.parse
    try:
        return parser(doc, region=region, replica_region=replica_region)
    except (AttributeError, TypeError, KeyError) as exc:
        raise InputError(f"{origin}: malformed {kind} ({type(exc).__name__}: {exc})") from None


def load(
    path: str | os.PathLike[str] | None,
    *,
    synth: bool = False,
    suffix: str,
    region: str = "us-east-1",
    replica_region: str = "us-west-2",
    ssm_prefix: str | None = None,
) -> Snapshot:
    """The desired state of environment ``suffix`` as a Snapshot (source ``synth``,
    ``cdk.tf.json`` or ``tfstate``): from ``path``, or from a (cached) synth of stack/."""
    validate_suffix(suffix, "target suffix")
    prefix = validate_ssm_path(ssm_prefix) if ssm_prefix else default_ssm_path(suffix)
    if synth and path:
        raise InputError("--desired and --synth both give the desired state: choose one")
    extra: dict[str, Any] = {}
    if synth:
        from paymentaudit.desired.synth import synthesize

        result = synthesize(suffix)
        file = result.path
        extra["cache"] = {"key": result.key, "hit": result.hit, "seconds": round(result.seconds, 3)}
        source = "synth"
    elif path:
        file = Path(path)
        source = ""
    else:
        raise InputError("no desired state: give --desired PATH or --synth")
    doc = parse_document(
        _read_json(file), origin=str(file), region=region, replica_region=replica_region
    )
    if doc.suffix and doc.suffix != suffix:
        raise InputError(
            f"{file}: declares environment suffix {doc.suffix!r} (provider default tags), "
            f"not the target {suffix!r}"
        )
    resources, unmapped = map_document(doc, suffix, prefix)
    resources.sort(key=lambda r: (r.service, r.type, r.logical_name))
    per_service = Counter(r.service for r in resources)
    extra.update(
        path=str(file),
        format=doc.source,
        unmapped=unmapped,
        **({"document": doc.info} if doc.info else {}),
    )
    return Snapshot(
        suffix=suffix,
        ssm_prefix=prefix,
        region=region,
        replica_region=replica_region,
        account_id=doc.account_id,
        taken_at=now_iso(),
        resources=tuple(resources),
        coverage=tuple(Coverage(s, "ok", n) for s, n in per_service.items()),
        source=source or doc.source,
        extra=extra,
    )
