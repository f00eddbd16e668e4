"""Desired against live, attribute by attribute: projection, paths, severities.

The live configuration is projected onto the desired one's structure: top-level attributes
the desired state lacks are not compared; a nested map is compared whole unless the desired
state marks entries of it as known only after apply (``(known after apply: ...)``, or the
``"..."`` entry of an open map such as an ALB's attributes), in which case only its declared
entries are; in a list of records, placeholder fields (a target's health) are left out.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from paymentaudit.audit import change_severity as audit_change_severity
from paymentaudit.audit import finding_id
from paymentaudit.desired.refs import OTHERS, is_later
from paymentaudit.model import Finding, Kind, Resource, ResourceKey, Severity
from paymentaudit.normalize import normalize_snapshot
from paymentaudit.policy import Policy
from paymentaudit.rules.base import Rule
from paymentaudit.snapshot import Snapshot

# Attributes the embedded sandbox (moto) cannot hold, whatever it is given: moto's
# get_bucket_replication drops SourceSelectionCriteria and always says DeleteMarkerReplication
# Disabled; its RDS instances have no Performance Insights. Drift there, on a sandbox target,
# is info (tests/desired/test_roundtrip.py checks that moto still behaves so).
SANDBOX_GAPS: dict[str, tuple[str, ...]] = {
    "rds.instance": ("performance_insights_enabled", "performance_insights_kms_key_id"),
    "s3.bucket": (
        "replication.rules.*.sse_kms_encrypted_objects",
        "replication.rules.*.delete_marker_replication",
    ),
}
_PATH_PART = re.compile(r"\[([^\]]*)\]|([^.\[\]]+)")

# -- configurations ------------------------------------------------------------------------------


def normalize_desired(desired: Snapshot) -> dict[ResourceKey, dict[str, Any]]:
    """The desired resources normalized like a live snapshot (placeholders kept)."""
    return normalize_snapshot(desired)


def strip_later(value: Any) -> Any:
    """A configuration without its after-apply placeholders (what the reports show)."""
    if isinstance(value, Mapping):
        return {k: strip_later(v) for k, v in value.items() if k != OTHERS and not is_later(v)}
    if isinstance(value, list):
        return [strip_later(v) for v in value]
    return value


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _later_keys(value: Mapping[str, Any]) -> bool:
    return any(is_later(v) for v in value.values())


def project(desired: Any, live: Any, top: bool = False) -> tuple[Any, Any]:
    """(desired, live) reduced to what the desired state knows (see the module docstring)."""
    if isinstance(desired, Mapping):
        if not isinstance(live, Mapping):
            return strip_later(desired), live
        partial = top or _later_keys(desired)
        d_out: dict[str, Any] = {}
        l_out: dict[str, Any] = {}
        for key, value in desired.items():
            if key == OTHERS or is_later(value):
                continue
            d_out[key], l_out[key] = project(value, live.get(key))
        if not partial:
            for key in sorted(set(live) - set(desired)):
                l_out[key] = live[key]
        return d_out, l_out
    if isinstance(desired, list) and any(
        isinstance(e, Mapping) and _later_keys(e) for e in desired
    ):
        keys = {
            k for e in desired if isinstance(e, Mapping) for k, v in e.items() if not is_later(v)
        }
        d_list = sorted((strip_later(e) for e in desired), key=_canonical)
        if not isinstance(live, list):
            return d_list, live
        l_list = [
            {k: e.get(k) for k in sorted(keys)} if isinstance(e, Mapping) else e for e in live
        ]
        return d_list, sorted(l_list, key=_canonical)
    return desired, live


def dig_path(config: Any, path: str) -> Any:
    """The value at a dotted path as ``compare.format_path`` writes it (None when absent)."""
    for bracketed, plain in _PATH_PART.findall(path):
        key = bracketed if bracketed or not plain else plain
        if not isinstance(config, Mapping) or key not in config:
            return None
        config = config[key]
    return config


# -- severities ----------------------------------------------------------------------------------


def sandbox_gap(target: Snapshot, resource_type: str, path: str) -> bool:
    """True for an attribute the sandbox cannot hold, on a sandbox target."""
    globs = SANDBOX_GAPS.get(resource_type, ())
    return target.source == "sandbox" and any(fnmatch.fnmatchcase(path, g) for g in globs)


def change_severity(
    rules: Sequence[Rule],
    policy: Policy,
    resource: Resource,
    path: str,
    expected: Any,
    actual: Any,
) -> tuple[Severity, str, str]:
    """(severity, note, remediation) of a drifted attribute: as parity decides, kind drift."""
    return audit_change_severity(
        rules, policy, resource.type, path, expected, actual, kind="drift", resource=resource
    )


def drift_finding(
    check: str, severity: Severity, res: Resource, path: str, **fields: Any
) -> Finding:
    """A finding of kind drift; ``fields`` are the remaining Finding fields."""
    return Finding(
        id=finding_id(Kind.DRIFT.value, check, res.type, res.logical_name, path),
        kind=Kind.DRIFT,
        check=check,
        severity=severity,
        service=res.service,
        resource_type=res.type,
        resource=res.logical_name,
        physical_id=fields.pop("physical_id", res.physical_id),
        path=path,
        **fields,
    )
