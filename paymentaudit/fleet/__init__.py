"""Fleet audits: many environments at once, and the fleet view built from their reports.

Modules: ``model`` (the records of fleet.json, schema ``paymentaudit/fleet/v1``), ``aggregate``
(fleet.json built from saved report directories, one environment at a time), ``matrix`` (the
environment x rule heatmap's data), ``discover`` (the EnvironmentSuffix tag values of an
account), ``pack`` (a report directory as bytes, and back), ``execute`` (tasks in local
processes or on a Dask cluster), ``report`` (fleet.json, summary.md and fleet.html).
Running the fleet (planning, the per-group task, merge) is ``paymentaudit.api.fleet``.
"""
