"""The collection engine: one bounded pool of declared, read-only calls for one or more
environments (``scheduler``), per-item calls (``item_calls``), relationship names
(``naming``) and the pass that makes Snapshots (``run``)."""
