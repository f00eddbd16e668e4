"""Logical names from relationships, for resources whose own name is no use.

Run once per environment after collection, when every member is known:

1. a resource some member points at (``declare.Ref`` with a ``label``) is named after the
   first such referrer: ``payment-aurora-cluster/member-1``, ``.../master-user-secret``.
   Referrers are taken in a fixed order (type, logical name), and the list order of the
   attribute gives the ordinal, so names do not depend on timing;
2. else its collector's ``relation_name`` may name it from what it points at (a route table
   from its subnets' logical names, or ``main``);
3. else it stays unnamed (``Resource.named`` False): compare pairs it only when it is the
   only one of its type on each side.

A name is never built from a physical id.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from paymentaudit.model import Resource
from paymentaudit.services.declare import Collector


def name_by_relationships(
    resources: list[Resource], collectors: Mapping[str, Collector]
) -> list[Resource]:
    """The resources, the unnamed ones named from their relationships where possible."""
    if all(r.named for r in resources):
        return resources
    index = _index(resources)
    names: dict[int, str] = {}
    for referrer in sorted(resources, key=lambda r: (r.type, r.logical_name)):
        if not referrer.named:
            continue
        collector = collectors.get(referrer.type)
        for ref in collector.refs if collector else ():
            if not ref.label:
                continue
            values = ref.values(referrer)
            for n, token in enumerate(values, start=1):
                target = index.get(token)
                if target is None or target.named or id(target) in names:
                    continue
                ordinal = f"-{n}" if _is_list(ref, referrer) else ""
                names[id(target)] = f"{referrer.logical_name}/{ref.label}{ordinal}"
    out = []
    for res in resources:
        if not res.named:
            name = names.get(id(res))
            collector = collectors.get(res.type)
            if name is None and collector is not None and collector.relation_name is not None:
                name = collector.relation_name(res, index.get)
            if name:
                res = replace(res, logical_name=name, named=True)
        out.append(res)
    return out


def _index(resources: Iterable[Resource]) -> dict[str, Resource]:
    index: dict[str, Resource] = {}
    for res in resources:
        for token in (res.physical_id, res.arn, *res.aliases):
            if token:
                index.setdefault(token, res)
    return index


def _is_list(ref: object, resource: Resource) -> bool:
    path = getattr(ref, "path", None)
    if not isinstance(path, str):
        return True
    value: object = resource.config
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return isinstance(value, list)
