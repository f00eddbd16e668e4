"""The environment inventory: each environment's credentials, role, region and SSM path, so that
nobody retypes flags in CI.

A TOML file given by ``--inventory FILE``, else the ``[tool.paymentaudit.environments]`` table
of ``./pyproject.toml``; one table per suffix::

    [environments.prod-abc123]
    role_arn = "arn:aws:iam::222222222222:role/payment-audit-readonly"
    region = "us-east-1"
    baseline = "dev"              # the default --baseline for this target
    [environments.dev]
    profile = "dev-readonly"

Flags override the inventory, and the inventory overrides the defaults. Every error is one line
naming the file, the environment and the key.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from paymentaudit.aws import ROLE_ARN_RE
from paymentaudit.errors import InputError
from paymentaudit.naming import SUFFIX_RULE, validate_ssm_path, validate_suffix

ALLOWED_KEYS = (
    "profile",
    "role_arn",
    "external_id",
    "region",
    "replica_region",
    "endpoint_url",
    "ssm_path",
    "baseline",
)


class InventoryError(InputError):
    """An invalid inventory: the message names the file, the environment and the key."""


@dataclass(frozen=True)
class Environment:
    """One environment of the inventory (None: not set there)."""

    suffix: str
    profile: str | None = None
    role_arn: str | None = None
    external_id: str | None = None
    region: str | None = None
    replica_region: str | None = None
    endpoint_url: str | None = None
    ssm_path: str | None = None
    baseline: str | None = None


@dataclass(frozen=True)
class Inventory:
    """The environments a file declares (empty when there is no inventory)."""

    source: str = ""
    environments: Mapping[str, Environment] = field(default_factory=dict)

    def get(self, suffix: str) -> Environment:
        """The environment's entry, or an empty one."""
        return self.environments.get(suffix) or Environment(suffix)


def parse(data: Any, source: str) -> Inventory:
    """Validate an ``environments`` table (suffix -> settings)."""
    if not isinstance(data, Mapping):
        raise InventoryError(f"{source}: environments: expected a table of environments")
    out = {}
    for suffix, entry in data.items():
        where = f"{source}: environments.{suffix}"
        try:
            validate_suffix(str(suffix))
        except InputError:
            raise InventoryError(f"{where}: not an environment suffix ({SUFFIX_RULE})") from None
        if not isinstance(entry, Mapping):
            raise InventoryError(f"{where}: expected a table of settings")
        out[str(suffix)] = _environment(str(suffix), entry, where)
    return Inventory(source, out)


def _environment(suffix: str, entry: Mapping[str, Any], where: str) -> Environment:
    for key in entry:
        if key not in ALLOWED_KEYS:
            raise InventoryError(f"{where}.{key}: unknown key (allowed: {', '.join(ALLOWED_KEYS)})")
    values: dict[str, str] = {}
    for key, value in entry.items():
        if not isinstance(value, str) or not value:
            raise InventoryError(f"{where}.{key}: expected a non-empty string")
        values[key] = value
    if "profile" in values and "role_arn" in values:
        raise InventoryError(
            f"{where}.role_arn: give profile or role_arn, not both (the role is assumed from "
            "the base credentials)"
        )
    if "role_arn" in values and not ROLE_ARN_RE.match(values["role_arn"]):
        raise InventoryError(
            f"{where}.role_arn: invalid ARN {values['role_arn']!r} "
            "(expected arn:aws:iam::<12-digit account>:role/<name>)"
        )
    if "endpoint_url" in values and not values["endpoint_url"].startswith(("http://", "https://")):
        raise InventoryError(f"{where}.endpoint_url: expected an http:// or https:// URL")
    if "ssm_path" in values:
        try:
            values["ssm_path"] = validate_ssm_path(values["ssm_path"])
        except InputError as exc:
            raise InventoryError(f"{where}.ssm_path: {exc}") from None
    if "baseline" in values:
        try:
            validate_suffix(values["baseline"])
        except InputError:
            raise InventoryError(f"{where}.baseline: not an environment suffix") from None
    return Environment(suffix, **values)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InventoryError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InventoryError(f"{path}: not valid TOML ({exc})") from None


def load(path: str | os.PathLike[str] | None, directory: str | os.PathLike[str] = ".") -> Inventory:
    """The inventory of ``path`` (its ``[environments]`` table, or a pyproject's
    ``[tool.paymentaudit.environments]``), else of ``directory/pyproject.toml``, else empty."""
    if path:
        file = Path(path)
        data = _read_toml(file)
        if file.name == "pyproject.toml":
            data = (data.get("tool") or {}).get("paymentaudit") or {}
        unknown = set(data) - {"environments"} if file.name != "pyproject.toml" else set()
        if unknown:
            raise InventoryError(
                f"{file}: {sorted(unknown)[0]}: unknown key (allowed: environments)"
            )
        return parse(data.get("environments", {}), str(file))
    pyproject = Path(directory) / "pyproject.toml"
    if not pyproject.is_file():
        return Inventory()
    table = ((_read_toml(pyproject).get("tool") or {}).get("paymentaudit") or {}).get(
        "environments"
    )
    if table is None:
        return Inventory()
    return parse(table, f"{pyproject} [tool.paymentaudit]")
