"""Which environments an account holds: the values of the ``EnvironmentSuffix`` tag.

One paginated ``tag:GetResources`` per region, filtered on the tag key (the read the
collection engine already makes; no other permission is needed), through the audit's guarded
clients: only that operation can be called.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import botocore.exceptions

from paymentaudit.aws import AWS_ERRORS, Clients, Connection, describe_error, whoami
from paymentaudit.errors import InputError
from paymentaudit.naming import SUFFIX_TAG

TAGGING = "resourcegroupstaggingapi"
ALLOWED = {TAGGING: {"GetResources"}}


@dataclass(frozen=True)
class Discovered:
    """The environments tagged in one account's regions."""

    account_id: str
    regions: tuple[str, ...]
    suffixes: frozenset[str]


def tagged_suffixes(connection: Connection) -> Discovered:
    """Every ``EnvironmentSuffix`` value tagged in the connection's regions, read side by side
    (InputError when the account cannot be reached or the tags cannot be read: the fleet would
    be partial)."""
    identity = whoami(connection)
    clients = Clients(connection, ALLOWED)
    with ThreadPoolExecutor(len(connection.regions), thread_name_prefix="discover") as pool:
        found = pool.map(
            lambda region: _values(clients, region, identity.account_id), connection.regions
        )
        suffixes = frozenset().union(*found)
    return Discovered(identity.account_id, connection.regions, suffixes)


def _values(clients: Clients, region: str, account_id: str) -> set[str]:
    """The tag's values in one region (its pages are sequential: each holds the next token)."""
    found: set[str] = set()
    paginator = clients.client(TAGGING, region).get_paginator("get_resources")
    pages = paginator.paginate(TagFilters=[{"Key": SUFFIX_TAG}], ResourcesPerPage=100)
    try:
        for page in pages:
            for mapping in page.get("ResourceTagMappingList", []):
                for tag in mapping.get("Tags", []):
                    if tag.get("Key") == SUFFIX_TAG and tag.get("Value"):
                        found.add(str(tag["Value"]))
    except botocore.exceptions.EndpointConnectionError:
        where = clients.connection.endpoint_url or "AWS"
        raise InputError(f"cannot connect to {where}: connection refused or unreachable") from None
    except AWS_ERRORS as exc:
        raise InputError(
            f"cannot list the {SUFFIX_TAG} tags of account {account_id} in {region} "
            f"(tag:GetResources): {describe_error(exc)}"
        ) from None
    return found
