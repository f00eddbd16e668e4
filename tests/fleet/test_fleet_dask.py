"""The fleet on a Dask distributed cluster (LocalCluster, worker processes) gives the same
fleet.json as the local-process run; without --dask, $DASK_SCHEDULER_ADDRESS picks the cluster."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fleetkit import FleetRun, FleetServer, comparable, run_fleet

from paymentaudit.fleet import execute


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """A LocalCluster with worker processes (they share nothing with this one but the
    scheduler's address); yields the address."""
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as local:
        yield local.scheduler_address


def test_a_dask_run_gives_the_same_fleet_json(
    cluster: str, fleet_server: FleetServer, fleet_run: FleetRun, tmp_path: Path
) -> None:
    args = ["--match", "prod-*", "--baseline", "dev", "--no-notebook", "--out"]
    run = run_fleet(fleet_server, [*args, str(tmp_path / "fleet"), "--dask", cluster], tmp_path)
    assert run.returncode == fleet_run.returncode == 1, run.stderr
    assert f"on the Dask cluster at {cluster}" in run.stderr
    assert comparable(run.doc) == comparable(fleet_run.doc)


def test_the_scheduler_comes_from_the_flag_else_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(execute.SCHEDULER_ENV, raising=False)
    assert execute.scheduler_address(None) is None
    monkeypatch.setenv(execute.SCHEDULER_ENV, "tcp://127.0.0.1:8786")
    assert execute.scheduler_address(None) == "tcp://127.0.0.1:8786"
    assert execute.scheduler_address("tcp://10.0.0.1:8786") == "tcp://10.0.0.1:8786"


def test_tasks_run_in_local_processes_in_completion_order() -> None:
    results = sorted(execute.run_tasks(abs, [-3, -1, -2], processes=2))
    assert results == [1, 2, 3]
