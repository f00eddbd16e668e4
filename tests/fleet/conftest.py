"""The fleet tests' shared fixtures: ONE moto server holding the sandbox fleet (dev and five
prods in one account), provisioned once per session, and one fleet run against it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fleetkit import FleetRun, FleetServer, moto_process, run_fleet, write_inventory


@pytest.fixture(scope="session")
def fleet_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FleetServer]:
    """dev and the five prods of ``paymentaudit.sandbox.fleet``, in a moto server process of
    its own (moto keeps state per process: nothing else in the session can reset it)."""
    from paymentaudit.sandbox.fleet import provision_fleet

    with moto_process() as url:
        fleet = provision_fleet(url)
        inventory = write_inventory(tmp_path_factory.mktemp("inventory") / "inventory.toml", fleet)
        yield FleetServer(fleet, inventory)


@pytest.fixture(scope="session")
def fleet_run(fleet_server: FleetServer, tmp_path_factory: pytest.TempPathFactory) -> FleetRun:
    """`python -m paymentaudit fleet --match 'prod-*' --baseline dev --no-notebook --out DIR`
    against the server, once; with its own findings history and $GITHUB_STEP_SUMMARY."""
    base = tmp_path_factory.mktemp("fleet-run")
    return run_fleet(
        fleet_server,
        ["--match", "prod-*", "--baseline", "dev", "--no-notebook", "--out", str(base / "fleet")],
        base,
    )
