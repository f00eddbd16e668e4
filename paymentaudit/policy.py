"""Policy files: ignore, expected differences, severity overrides, disabled rules.

A policy is TOML, given by ``--policy FILE`` or read from a ``[tool.paymentaudit]`` table
in the working directory's pyproject.toml::

    disable = ["S3-LIFECYCLE"]            # rule ids not to evaluate

    [severity]                            # rule id, or a kind: parity|missing|unexpected|drift
    "RDS-DELETION-PROTECTION" = "high"
    parity = "low"

    [[ignore]]                            # drop findings matching every glob given
    resource = "payment-aurora-instance-*"
    path = "performance_insights_*"       # also: type, check, service, kind; reason
    reason = "not used"

    [[expected]]                          # expected parity differences become info
    resource = "payment-aurora-instance-*"
    path = "instance_class"
    baseline = "db.t3.medium"             # optional: only when the values match
    target = "db.r6g.large"
    reason = "prod is sized up"

    [[expected]]                          # or: only when every element-level change
    resource = "payment-lambda-role"      # matches one of these globs ("+ <json>" only in
    path = "inline_policies*"             # the target, "- <json>" only in the baseline,
    changes = ["+ *:parameter/dev*"]      # "~ <json> -> <json>" changed)

    [[alias]]                             # two logical names for the same resource
    type = "ec2.security_group"           # (paired when each matches exactly one resource
    baseline = "payment-rds-sg"           #  left unpaired on its side)
    target = "payment-db-sg"
    reason = "prod was built from the original design's names"

Every error names the file, the key and the reason.
"""

from __future__ import annotations

import fnmatch
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from paymentaudit import rules
from paymentaudit.changes import changes, render
from paymentaudit.compare import Alias
from paymentaudit.errors import PolicyError
from paymentaudit.model import Evidence, Finding, Kind, Severity

_TOP_KEYS = {"disable", "severity", "ignore", "expected", "alias"}
# Keys a [tool.paymentaudit] table may hold for other readers (the environment inventory).
_OTHER_KEYS = {"environments"}
_ALIAS_KEYS = {"type", "baseline", "target", "reason"}
_MATCH_KEYS = ("resource", "type", "path", "check", "service", "kind")
_IGNORE_KEYS = {*_MATCH_KEYS, "reason"}
_EXPECTED_KEYS = {"resource", "type", "path", "service", "baseline", "target", "changes", "reason"}
_KIND_KEYS = {"parity", "missing", "unexpected", "drift"}


@dataclass(frozen=True)
class Matcher:
    """Glob patterns a finding must all match (absent keys match anything)."""

    patterns: Mapping[str, str]
    reason: str = ""
    entry: str = ""  # where the policy declares it: "ignore[0]", "expected[1]"

    def matches(self, finding: Finding) -> bool:
        """True when every given pattern matches the finding, through any of its parts: an
        entry for DDB-PITR matches the problem its rule and its parity difference describe."""
        return any(self._matches_part(finding, part) for part in finding.parts)

    def _matches_part(self, finding: Finding, part: Evidence) -> bool:
        fields = {
            "resource": part.resource or finding.resource,
            "type": part.resource_type or finding.resource_type,
            "path": part.path,
            "check": part.check,
            "service": finding.service,
            "kind": str(part.kind),
        }
        return all(fnmatch.fnmatchcase(fields[k], pat) for k, pat in self.patterns.items())

    def describe(self) -> dict[str, Any]:
        """JSON form: the entry, its patterns and its reason."""
        return {"entry": self.entry, "patterns": dict(self.patterns), "reason": self.reason}


@dataclass(frozen=True)
class Expected:
    """An expected parity difference, optionally pinned to its values."""

    matcher: Matcher
    baseline: Any = None
    target: Any = None
    has_baseline: bool = False
    has_target: bool = False
    changes: tuple[str, ...] | None = None  # globs every element-level change must match

    def matches(self, finding: Finding) -> bool:
        """True for a parity finding (or one part of it) this declaration expects."""
        return any(self.matches_part(finding, part) for part in finding.parts)

    def matches_part(self, finding: Finding, part: Evidence) -> bool:
        """True for a parity difference (a part of a finding) this declaration expects."""
        if part.kind is not Kind.PARITY or not self.matcher._matches_part(finding, part):
            return False
        if self.has_baseline and part.baseline_value != self.baseline:
            return False
        if self.has_target and part.actual != self.target:
            return False
        if self.changes is None:
            return True
        found = [render(c) for c in changes(part.baseline_value, part.actual)]
        return bool(found) and all(
            any(fnmatch.fnmatchcase(line, glob) for glob in self.changes) for line in found
        )


@dataclass(frozen=True)
class Policy:
    """A parsed, validated policy."""

    disabled: frozenset[str] = frozenset()
    rule_severity: Mapping[str, Severity] = field(default_factory=dict)
    kind_severity: Mapping[str, Severity] = field(default_factory=dict)
    ignore: tuple[Matcher, ...] = ()
    expected: tuple[Expected, ...] = ()
    aliases: tuple[Alias, ...] = ()
    source: str = ""

    def severity_for_rule(self, rule_id: str, default: Severity) -> Severity:
        """A rule's severity after overrides."""
        return self.rule_severity.get(rule_id, default)

    def severity_for_kind(self, kind: str, default: Severity) -> Severity:
        """A finding kind's default severity after overrides."""
        return self.kind_severity.get(kind, default)

    def ignored(self, finding: Finding) -> bool:
        """True when an [[ignore]] entry matches (through any part of the finding)."""
        return self.ignoring(finding) is not None

    def ignoring(self, finding: Finding) -> Matcher | None:
        """The first [[ignore]] entry that matches the finding, if any."""
        return next((m for m in self.ignore if m.matches(finding)), None)

    def expectation(self, finding: Finding) -> Expected | None:
        """The [[expected]] entry a parity finding (or part) matches, if any."""
        return next((e for e in self.expected if e.matches(finding)), None)


def parse(data: Mapping[str, Any], source: str) -> Policy:
    """Validate a policy mapping; PolicyError names the source, the key and the reason."""

    def fail(key: str, reason: str) -> PolicyError:
        return PolicyError(f"{source}: {key}: {reason}")

    if not isinstance(data, Mapping):
        raise fail("(top level)", "expected a table")
    unknown = set(data) - _TOP_KEYS - _OTHER_KEYS
    if unknown:
        raise fail(sorted(unknown)[0], f"unknown key (allowed: {', '.join(sorted(_TOP_KEYS))})")
    known_rules = set(rules.ids())

    disabled = data.get("disable", [])
    if not isinstance(disabled, list) or not all(isinstance(x, str) for x in disabled):
        raise fail("disable", "expected a list of rule ids")
    for rule_id in disabled:
        if rule_id not in known_rules:
            raise fail("disable", f"unknown rule id {rule_id!r}")

    rule_sev: dict[str, Severity] = {}
    kind_sev: dict[str, Severity] = {}
    severity = data.get("severity", {})
    if not isinstance(severity, Mapping):
        raise fail("severity", "expected a table of id = severity")
    for key, value in severity.items():
        try:
            parsed = Severity.parse(value) if isinstance(value, str) else None
        except ValueError as exc:
            raise fail(f"severity.{key}", str(exc)) from None
        if parsed is None:
            raise fail(f"severity.{key}", "expected a severity name")
        if key in _KIND_KEYS:
            kind_sev[key] = parsed
        elif key in known_rules:
            rule_sev[key] = parsed
        else:
            raise fail(f"severity.{key}", "not a rule id or a kind (parity, missing, ...)")

    ignore = tuple(
        _matcher(entry, f"ignore[{i}]", _IGNORE_KEYS, fail)
        for i, entry in enumerate(_tables(data.get("ignore", []), "ignore", fail))
    )
    expected = []
    for i, entry in enumerate(_tables(data.get("expected", []), "expected", fail)):
        globs = entry.get("changes")
        if globs is not None and (
            not isinstance(globs, list)
            or not globs
            or not all(isinstance(g, str) and g for g in globs)
        ):
            raise fail(f"expected[{i}].changes", "expected a non-empty list of glob strings")
        expected.append(
            Expected(
                _matcher(entry, f"expected[{i}]", _EXPECTED_KEYS, fail),
                baseline=entry.get("baseline"),
                target=entry.get("target"),
                has_baseline="baseline" in entry,
                has_target="target" in entry,
                changes=tuple(globs) if globs is not None else None,
            )
        )
    aliases = tuple(
        _alias(entry, f"alias[{i}]", fail)
        for i, entry in enumerate(_tables(data.get("alias", []), "alias", fail))
    )
    return Policy(
        disabled=frozenset(disabled),
        rule_severity=rule_sev,
        kind_severity=kind_sev,
        ignore=ignore,
        expected=tuple(expected),
        aliases=aliases,
        source=source,
    )


def _alias(entry: Mapping[str, Any], where: str, fail: Any) -> Alias:
    for key in entry:
        if key not in _ALIAS_KEYS:
            raise fail(f"{where}.{key}", f"unknown key (allowed: {', '.join(sorted(_ALIAS_KEYS))})")
    values = {}
    for key in ("type", "baseline", "target"):
        value = entry.get(key)
        if not isinstance(value, str) or not value:
            raise fail(f"{where}.{key}", "expected a non-empty glob pattern string")
        values[key] = value
    reason = entry.get("reason", "")
    if not isinstance(reason, str):
        raise fail(f"{where}.reason", "expected a string")
    return Alias(values["type"], values["baseline"], values["target"], reason)


def _tables(value: Any, key: str, fail: Any) -> list[Mapping[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
        raise fail(key, f"expected an array of tables ([[{key}]])")
    return value


def _matcher(entry: Mapping[str, Any], where: str, allowed: set[str], fail: Any) -> Matcher:
    for key in entry:
        if key not in allowed:
            raise fail(f"{where}.{key}", f"unknown key (allowed: {', '.join(sorted(allowed))})")
    reason = entry.get("reason", "")
    if not isinstance(reason, str):
        raise fail(f"{where}.reason", "expected a string")
    patterns = {}
    for key in _MATCH_KEYS:
        if key not in entry:
            continue
        value = entry[key]
        if not isinstance(value, str) or not value:
            raise fail(f"{where}.{key}", "expected a non-empty glob pattern string")
        if key == "kind" and not any(fnmatch.fnmatchcase(k.value, value) for k in Kind):
            raise fail(f"{where}.kind", f"matches no kind ({', '.join(k.value for k in Kind)})")
        patterns[key] = value
    if not patterns:
        needed = ", ".join(k for k in _MATCH_KEYS if k in allowed)
        raise fail(where, f"needs at least one of {needed}")
    if not reason.strip():
        raise fail(
            f"{where}.reason",
            "required: say why these findings are waived (an auditor reads it in the report)",
        )
    return Matcher(patterns, reason=reason, entry=where)


def load(path: str | Path) -> Policy:
    """Read and validate a policy file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyError(f"{path}: cannot read policy file ({exc.strerror or exc})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"{path}: (file): not valid TOML ({exc})") from None
    return parse(data, str(path))


def from_pyproject(directory: str | Path = ".") -> Policy | None:
    """The ``[tool.paymentaudit]`` table of ``directory/pyproject.toml``, if there is one."""
    path = Path(directory) / "pyproject.toml"
    if not path.is_file():
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise PolicyError(f"{path}: (file): cannot read ({exc})") from None
    table = data.get("tool", {}).get("paymentaudit")
    if table is None:
        return None
    return parse(table, f"{path} [tool.paymentaudit]")
