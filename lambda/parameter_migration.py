"""Copy non-sensitive SSM parameters from SOURCE_PATH to TARGET_PATH.

Handler: ``parameter_migration.handler``.

Environment
    SOURCE_PATH  default /dev     TARGET_PATH  default /prod     LOG_LEVEL  default INFO
    The paths must be absolute SSM paths and must not contain one another.

Event
    {} or null, optionally {"overwrite": true|false, "dry_run": true|false}. Any other key, a
    non-boolean flag or a non-object event returns {"error": "invalid_event", "message": ...};
    bad paths return {"error": "configuration_error", ...}. No exception escapes the handler.

Result
    {"migrated": [...], "skipped": [...], "unchanged": [...], "conflicts": [...],
     "errors": [{"name": ..., "code": ...}], "counts": {<the five lengths>, "total"},
     "dry_run": bool}
    Lists hold source parameter names, sorted; every source parameter lands in exactly one.
    - skipped: sensitive (SecureString, a type other than String/StringList, or a source or
      target name containing password/secret/token/key/credential/private, case-insensitive).
      Their values are never requested.
    - unchanged: the target exists with the same value and type.
    - conflicts: the target differs and overwrite is false, or the target is a SecureString
      (never read, never overwritten: that would downgrade a secret to plain text).
    - migrated: written (or, with dry_run, would be written).
    - errors: an AWS error code after the client's retries, or TimeBudgetExhausted when the
      invocation is about to time out (re-run: the migration is idempotent).
    A failure to list the source or target returns {"error": "aws_error", "code": ...}, an
    unexpected failure {"error": "internal_error", ...}.

Values are read with GetParameters (batches of 10, WithDecryption=False) only for non-sensitive
parameters; listing uses DescribeParameters, which returns no values.
"""

import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import boto3
import jsonlog
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

logger = jsonlog.get_logger("parameter_migration")

SENSITIVE_NAME = re.compile(r"password|secret|token|key|credential|private", re.IGNORECASE)
MIGRATABLE_TYPES = frozenset({"String", "StringList"})
GET_BATCH_SIZE = 10
DESCRIBE_PAGE_SIZE = 50
PATH_PATTERN = re.compile(r"(/[A-Za-z0-9_.-]+)+")
EVENT_FLAGS = ("overwrite", "dry_run")
# Stop starting new AWS calls when less than this is left of the invocation.
TIME_RESERVE_MS = 10_000
BUCKETS = ("migrated", "skipped", "unchanged", "conflicts", "errors")

# total_max_attempts counts the first call too (client-config max_attempts counts retries only).
_BOTO_CONFIG = Config(retries={"mode": "standard", "total_max_attempts": 5})
_CLIENTS: dict[str, Any] = {}


def _client(service: str) -> Any:
    client = _CLIENTS.get(service)
    if client is None:
        client = _CLIENTS[service] = boto3.client(service, config=_BOTO_CONFIG)
    return client


class InvalidInput(Exception):
    """The event is invalid."""


class ConfigError(Exception):
    """SOURCE_PATH or TARGET_PATH is unusable."""


class TimeBudgetExhausted(Exception):
    """The invocation is about to time out."""


@dataclass(frozen=True)
class MigrationConfig:
    """Source and target paths, normalized without a trailing slash."""

    source_path: str
    target_path: str

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "MigrationConfig":
        """Read SOURCE_PATH/TARGET_PATH; raise ConfigError when unusable."""
        env = os.environ if env is None else env
        source = env.get("SOURCE_PATH", "/dev").strip().rstrip("/")
        target = env.get("TARGET_PATH", "/prod").strip().rstrip("/")
        for name, path in (("SOURCE_PATH", source), ("TARGET_PATH", target)):
            if not PATH_PATTERN.fullmatch(path):
                raise ConfigError(f"{name} must be an absolute SSM path like /dev")
        if (source + "/").startswith(target + "/") or (target + "/").startswith(source + "/"):
            raise ConfigError("SOURCE_PATH and TARGET_PATH must differ and not nest")
        return cls(source, target)

    def target_name(self, source_name: str) -> str:
        """Map /dev/app/currency to /prod/app/currency."""
        return self.target_path + source_name[len(self.source_path) :]


@dataclass(frozen=True)
class MigrationRequest:
    """The validated event."""

    overwrite: bool = False
    dry_run: bool = False

    @classmethod
    def from_event(cls, event: Any) -> "MigrationRequest":
        """Validate the event: null or an object with only boolean overwrite/dry_run."""
        if event is None:
            return cls()
        if not isinstance(event, Mapping):
            raise InvalidInput("event must be a JSON object")
        unknown = sorted(str(k) for k in event if k not in EVENT_FLAGS)
        if unknown:
            raise InvalidInput(f"unknown event key(s): {', '.join(unknown)}")
        for flag in EVENT_FLAGS:
            if not isinstance(event.get(flag, False), bool):
                raise InvalidInput(f"{flag} must be a boolean")
        return cls(overwrite=event.get("overwrite", False), dry_run=event.get("dry_run", False))


@dataclass(frozen=True)
class ParameterMeta:
    """What DescribeParameters says about a parameter (never its value)."""

    name: str
    type: str
    description: str | None = None
    allowed_pattern: str | None = None
    data_type: str | None = None
    tier: str | None = None

    @classmethod
    def from_describe(cls, item: Mapping[str, Any]) -> "ParameterMeta":
        """Build from one DescribeParameters entry."""
        return cls(
            name=item["Name"],
            type=item.get("Type", ""),
            description=item.get("Description") or None,
            allowed_pattern=item.get("AllowedPattern") or None,
            data_type=item.get("DataType") or None,
            tier=item.get("Tier") or None,
        )


@dataclass
class MigrationReport:
    """Where each source parameter landed."""

    dry_run: bool = False
    bucket_of: dict[str, str] = field(default_factory=dict)
    error_code: dict[str, str] = field(default_factory=dict)

    def put(self, name: str, bucket: str, code: str | None = None) -> None:
        """Record the bucket of a source parameter (each parameter exactly once)."""
        if name in self.bucket_of:
            raise AssertionError(f"{name} already in {self.bucket_of[name]}")
        self.bucket_of[name] = bucket
        if code is not None:
            self.error_code[name] = code

    def to_dict(self) -> dict[str, Any]:
        """Return the handler's result object."""
        lists: dict[str, list[str]] = {b: [] for b in BUCKETS}
        for name in sorted(self.bucket_of):
            lists[self.bucket_of[name]].append(name)
        result: dict[str, Any] = dict(lists)
        result["errors"] = [{"name": n, "code": self.error_code[n]} for n in lists["errors"]]
        result["counts"] = {b: len(lists[b]) for b in BUCKETS} | {"total": len(self.bucket_of)}
        result["dry_run"] = self.dry_run
        return result


# --------------------------------------------------------------------------- pure rules


def is_sensitive_name(name: str) -> bool:
    """True if the name contains a sensitive word (case-insensitive)."""
    return SENSITIVE_NAME.search(name) is not None


def is_sensitive(meta: ParameterMeta, target_name: str) -> bool:
    """True if the parameter must be skipped without reading its value."""
    return (
        meta.type not in MIGRATABLE_TYPES
        or is_sensitive_name(meta.name)
        or is_sensitive_name(target_name)
    )


def decide(
    source: ParameterMeta,
    source_value: str,
    target: ParameterMeta | None,
    target_value: str | None,
    overwrite: bool,
) -> str:
    """Return "create", "overwrite", "unchanged" or "conflict" for one parameter."""
    if target is None:
        return "create"
    if target.type not in MIGRATABLE_TYPES:
        return "conflict"  # a SecureString target is never read nor replaced
    if target.type == source.type and target_value == source_value:
        return "unchanged"
    return "overwrite" if overwrite else "conflict"


# --------------------------------------------------------------------------- AWS I/O


def _code(error: Exception) -> str:
    if isinstance(error, ClientError):
        return str(error.response.get("Error", {}).get("Code", "ClientError"))
    return type(error).__name__


def list_parameters(ssm: Any, path: str) -> dict[str, ParameterMeta]:
    """List parameters under a path, recursively, without values."""
    paginator = ssm.get_paginator("describe_parameters")
    pages = paginator.paginate(
        ParameterFilters=[{"Key": "Path", "Option": "Recursive", "Values": [path]}],
        PaginationConfig={"PageSize": DESCRIBE_PAGE_SIZE},
    )
    found: dict[str, ParameterMeta] = {}
    for page in pages:
        for item in page.get("Parameters", []):
            meta = ParameterMeta.from_describe(item)
            found[meta.name] = meta
    return found


@dataclass
class FetchResult:
    """Values read by get_values, names that do not exist, and error codes by name."""

    values: dict[str, str] = field(default_factory=dict)
    missing: set[str] = field(default_factory=set)
    errors: dict[str, str] = field(default_factory=dict)


def get_values(ssm: Any, names: Iterable[str], check_time: Callable[[], None]) -> FetchResult:
    """Fetch plain (never decrypted) values of non-sensitive names in batches of 10."""
    pending = sorted(set(names))
    result = FetchResult()
    for start in range(0, len(pending), GET_BATCH_SIZE):
        batch = pending[start : start + GET_BATCH_SIZE]
        if any(is_sensitive_name(n) for n in batch):  # defence in depth: never reachable
            raise AssertionError("refusing to read a sensitive parameter")
        try:
            check_time()
            response = ssm.get_parameters(Names=batch, WithDecryption=False)
        except (ClientError, BotoCoreError, TimeBudgetExhausted) as error:
            result.errors.update(dict.fromkeys(batch, _code(error)))
            continue
        for parameter in response.get("Parameters", []):
            if parameter.get("Type") in MIGRATABLE_TYPES:
                result.values[parameter["Name"]] = parameter["Value"]
            else:  # became a SecureString after listing: the value is ciphertext, not copied
                result.errors[parameter["Name"]] = "TypeChanged"
        result.missing.update(response.get("InvalidParameters", []))
    return result


def put_parameter(ssm: Any, name: str, meta: ParameterMeta, value: str, overwrite: bool) -> None:
    """Write one parameter, preserving type, description, allowed pattern, data type, tier."""
    params: dict[str, Any] = {"Name": name, "Value": value, "Type": meta.type}
    params["Overwrite"] = overwrite
    if meta.description:
        params["Description"] = meta.description
    if meta.allowed_pattern:
        params["AllowedPattern"] = meta.allowed_pattern
    if meta.data_type:
        params["DataType"] = meta.data_type
    if meta.tier == "Advanced":  # a value over 4 KB does not fit the Standard tier
        params["Tier"] = meta.tier
    ssm.put_parameter(**params)


def migrate(
    ssm: Any,
    config: MigrationConfig,
    request: MigrationRequest,
    remaining_ms: Callable[[], int] | None = None,
) -> MigrationReport:
    """Copy the non-sensitive parameters of the source path to the target path."""

    def check_time() -> None:
        if remaining_ms is not None and remaining_ms() < TIME_RESERVE_MS:
            raise TimeBudgetExhausted

    report = MigrationReport(dry_run=request.dry_run)
    sources = list_parameters(ssm, config.source_path)
    targets = list_parameters(ssm, config.target_path)

    candidates: dict[str, ParameterMeta] = {}
    for name, meta in sorted(sources.items()):
        if is_sensitive(meta, config.target_name(name)):
            report.put(name, "skipped")
        else:
            candidates[name] = meta

    source = get_values(ssm, candidates, check_time)
    # Only plain (String/StringList) targets are read; a SecureString target is never read.
    readable_targets = [
        config.target_name(name)
        for name in candidates
        if name in source.values
        and (t := targets.get(config.target_name(name))) is not None
        and t.type in MIGRATABLE_TYPES
    ]
    target = get_values(ssm, readable_targets, check_time)

    for name, meta in candidates.items():
        target_name = config.target_name(name)
        if name not in source.values:  # a read error, or deleted since it was listed
            report.put(name, "errors", source.errors.get(name, "ParameterNotFound"))
            continue
        if target_name in target.errors:
            report.put(name, "errors", target.errors[target_name])
            continue
        # A target deleted between listing and reading is treated as absent.
        target_meta = None if target_name in target.missing else targets.get(target_name)
        action = decide(
            meta,
            source.values[name],
            target_meta,
            target.values.get(target_name),
            request.overwrite,
        )
        if action in ("unchanged", "conflict"):
            report.put(name, "conflicts" if action == "conflict" else "unchanged")
            continue
        if request.dry_run:
            report.put(name, "migrated")
            continue
        try:
            check_time()
            put_parameter(ssm, target_name, meta, source.values[name], action == "overwrite")
        except (ClientError, BotoCoreError, TimeBudgetExhausted) as error:
            code = _code(error)
            # The target appeared after we listed it: not ours to overwrite.
            bucket = "conflicts" if code == "ParameterAlreadyExists" else "errors"
            report.put(name, bucket, code if bucket == "errors" else None)
            logger.warning("parameter not migrated", extra={"parameter": name, "code": code})
            continue
        report.put(name, "migrated")
        logger.debug("parameter migrated", extra={"parameter": name, "action": action})
    return report


# --------------------------------------------------------------------------- handler


def handler(event: Any, context: Any) -> dict[str, Any]:
    """Lambda entry point: run one migration and return its report."""
    with jsonlog.request_context(context):
        try:
            request = MigrationRequest.from_event(event)
        except InvalidInput as error:
            logger.warning("invalid event", extra={"reason": str(error)})
            return {"error": "invalid_event", "message": str(error)}
        try:
            config = MigrationConfig.from_env()
        except ConfigError as error:
            logger.error("invalid configuration", extra={"reason": str(error)})
            return {"error": "configuration_error", "message": str(error)}
        remaining = getattr(context, "get_remaining_time_in_millis", None)
        try:
            report = migrate(_client("ssm"), config, request, remaining)
        except (ClientError, BotoCoreError) as error:
            logger.error("listing parameters failed", extra={"code": _code(error)})
            return {"error": "aws_error", "code": _code(error), "message": "listing failed"}
        except Exception:
            logger.exception("migration failed")
            return {"error": "internal_error", "message": "internal error"}
        result = report.to_dict()
        logger.info(
            "migration finished",
            extra={
                "source_path": config.source_path,
                "target_path": config.target_path,
                "dry_run": request.dry_run,
                "overwrite": request.overwrite,
                "counts": result["counts"],
            },
        )
        return result
