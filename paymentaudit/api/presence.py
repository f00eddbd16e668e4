"""Is an environment there at all? Before auditing, each side must have resources of its own
in the regions read: otherwise a mistyped suffix or region would audit nothing and look clean.
"""

from __future__ import annotations

from paymentaudit import services
from paymentaudit.errors import NoResourcesError
from paymentaudit.snapshots import Snapshot

# Services whose resources belong to an environment by path, not by its suffix: they alone
# do not prove the environment exists (a mistyped dev-typo still finds everything under /dev).
BY_PATH_ONLY = frozenset({"ssm"})


def _found(snapshot: Snapshot) -> bool:
    """True when a resource of a regional service carries the environment's suffix in the
    regions read (by name, tag or reference), or something could not be read (then absence
    proves nothing). IAM roles and S3 buckets are listed account-wide, and a key a bucket
    points at may live in another region: they alone do not prove the environment is here."""
    if snapshot.failed_services():
        return True
    regions = {snapshot.region, snapshot.replica_region}
    return any(
        r.service not in BY_PATH_ONLY and r.region in regions and not _global(r.type)
        for r in snapshot.resources
    )


def _global(resource_type: str) -> bool:
    """True for a type its collector lists account-wide (IAM, S3)."""
    try:
        return services.get(resource_type).regions == "global"
    except KeyError:
        return False


def ensure_found(*sides: tuple[Snapshot, str]) -> None:
    """NoResourcesError, naming what was searched where and which suffixes are there, when an
    environment has no resource of its own (SSM parameters under its path do not count)."""
    missing = [(snap, role) for snap, role in sides if not _found(snap)]
    if not missing:
        return
    snap = missing[0][0]
    seen = sorted(set(snap.extra.get("suffixes_seen", ())) - {s.suffix for s, _ in sides})
    there = (
        f"; suffixes tagged there: {', '.join(seen)}"
        if seen
        else "; no environment is tagged there (EnvironmentSuffix)"
    )
    where = f"in {snap.region} (and {snap.replica_region})" if snap.replica_region else snap.region
    account = f" of account {snap.account_id}" if snap.account_id else ""
    if len(missing) == len(sides) and len(sides) > 1:
        names = " and ".join(repr(s.suffix) for s, _ in missing)
        raise NoResourcesError(
            f"no resources found for {names} {where}{account} "
            f"(names ending -<suffix>, tag EnvironmentSuffix=<suffix>){there}"
        )
    snap, role = missing[0]
    by_path = len(snap.resources)
    also = f"; only {by_path} SSM parameter(s) under {snap.ssm_prefix}" if by_path else ""
    raise NoResourcesError(
        f"no resources found for the {role} {snap.suffix!r} {where}{account} "
        f"(names ending -{snap.suffix}, tag EnvironmentSuffix={snap.suffix}{also}){there}"
    )
