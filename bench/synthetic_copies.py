"""Copies of the template: the template snapshot compiled once into a ``str.format`` string.

The template (``bench/synthetic_template.py``) is provisioned with the suffix
:data:`~bench.synthetic_template.TEMPLATE_SUFFIX`, a marker that no name contains otherwise, so
that one pass over its JSON finds every place a copy differs: the name bases ``platform``
declares (``payment-sessions`` -> ``payment-sessions-c00007``), the suffix, the environment
word, the account id and the opaque ids. That pass runs once and turns the template into a
``str.format`` string; a copy is one ``format`` and one ``json.loads`` (linear in the size, no
per-resource Python). Each side (:class:`Side`) gets deterministic ids of the same shapes,
distinct per copy and per side.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from bench.synthetic_template import TEMPLATE_SUFFIX, TEMPLATE_WORD, template_snapshot
from paymentaudit import platform
from paymentaudit.naming import environment_word

# The two sides of a pair (bench/synthetic.py).
BASELINE_SUFFIX, BASELINE_ACCOUNT = "dev", "380864526697"
TARGET_SUFFIX, TARGET_ACCOUNT = "prod-b7k2", "552031846613"


@dataclass(frozen=True)
class Side:
    """One environment of a pair: suffix, account and a seed for its physical ids."""

    suffix: str
    account: str
    seed: str

    @property
    def word(self) -> str:
        """The environment word (dev, prod)."""
        return environment_word(self.suffix)


# Slots every copy fills: the copy tag, the side's suffix, environment word and account.
COPY, SUFFIX, WORD, ACCOUNT = range(4)
_MARK = "@copy@"  # appended to logical names no name base carries (the main route table...)
_LOWER, _UPPER = "abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_DIGITS, _HEX = "0123456789", "0123456789abcdef"
# Opaque ids of the collectors' snapshots (kind -> pattern, alphabet of the random part, and
# the length of the prefix kept as is).
ID_KINDS: dict[str, tuple[str, str, int]] = {
    "ec2": (
        r"(?<![A-Za-z0-9-])(?:vpc|subnet|rtb|sg|vpce|igw|nat|acl|eni|fl|rtbassoc|sgr)"
        r"-[0-9a-f]{8,17}(?![A-Za-z0-9])",
        _HEX,
        -1,  # up to the first hyphen
    ),
    "uuid": (
        r"(?<![A-Za-z0-9])[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
        r"(?![0-9a-f])",
        _HEX,
        0,
    ),
    "elb": (r"(?<=/)[0-9a-f]{16}(?![A-Za-z0-9])", _HEX, 0),
    "iam": (r"(?<![A-Za-z0-9])A[RI]O[A-Z0-9]{17}(?![A-Za-z0-9])", _UPPER + _DIGITS, 4),
    "rds": (r"(?<![A-Za-z0-9])(?:cluster|db)-[A-Z0-9]{26}(?![A-Za-z0-9])", _UPPER + _DIGITS, -1),
    "dns": (r"(?<=\.cluster-)(?:ro-)?[a-z0-9]{12}(?=\.)", _LOWER + _DIGITS, 0),
    "secret": (r"(?<=[0-9a-f]{12}-)[A-Za-z0-9]{6}(?![A-Za-z0-9])", _LOWER + _UPPER + _DIGITS, 0),
}
_TABLES = {
    alphabet: bytes(ord(alphabet[b % len(alphabet)]) for b in range(256))
    for alphabet in {a for _, a, _ in ID_KINDS.values()}
}


@dataclass(frozen=True)
class OpaqueId:
    """One distinct opaque id of the template: the prefix kept, the random part's shape."""

    prefix: str
    segments: tuple[int, ...]  # lengths of the random part's hyphen-separated segments
    alphabet: str

    @functools.cached_property
    def length(self) -> int:
        """Random characters it needs."""
        return sum(self.segments)

    def make(self, chars: str) -> str:
        """The id with ``chars`` (``length`` of them) as its random part."""
        out, at = [], 0
        for n in self.segments:
            out.append(chars[at : at + n])
            at += n
        return self.prefix + "-".join(out)


def _opaque(token: str, alphabet: str, keep: int) -> OpaqueId:
    cut = token.index("-") + 1 if keep < 0 else keep
    body = token[cut:]
    return OpaqueId(token[:cut], tuple(len(s) for s in body.split("-")), alphabet)


@dataclass(frozen=True)
class Template:
    """The template's resources as a ``str.format`` string and what its fields hold."""

    text: str  # JSON of the resource list, braces doubled, fields {0}..{n}
    ids: tuple[OpaqueId, ...]  # field 4 + i is ids[i]
    services: tuple[str, ...]  # coverage order
    per_copy: int

    def copy(self, side: Side, index: int) -> list[dict[str, Any]]:
        """The resource dicts of copy ``index`` in environment ``side``: one hash stream for
        its ids, one format, one JSON parse."""
        stream = hashlib.shake_256(f"{side.seed}:{index}".encode()).digest(self._random_chars)
        values = [f"c{index:05d}", side.suffix, side.word, side.account]
        at = 0
        for opaque in self.ids:
            n = opaque.length
            chars = stream[at : at + n].translate(_TABLES[opaque.alphabet]).decode("ascii")
            values.append(opaque.make(chars))
            at += n
        return json.loads(self.text.format(*values))

    @functools.cached_property
    def _random_chars(self) -> int:
        return sum(o.length for o in self.ids)


def name_bases() -> dict[str, str]:
    """Every name base the platform declares, as the template writes it -> its copy's form
    (a format with the copy tag; the VPC's also with the environment word)."""
    out = {}
    for base in (*platform.STACK_NAMES, *platform.STACK_PARAMETERS):
        out[base] = f"{_escape(base)}-{{{COPY}}}"
    # The VPC's Name takes the environment word: payment-<env>-vpc-<suffix>.
    vpc = platform.name(platform.VPC.name, TEMPLATE_SUFFIX, TEMPLATE_WORD, with_env=True)
    head, _, rest = vpc[: -len(TEMPLATE_SUFFIX) - 1].partition(f"-{TEMPLATE_WORD}-")
    out[vpc[: -len(TEMPLATE_SUFFIX) - 1]] = f"{_escape(head)}-{{{WORD}}}-{_escape(rest)}-{{{COPY}}}"
    return out


def _escape(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def compile_template(data: dict[str, Any]) -> Template:
    """Find every name base, suffix, environment word, account id and opaque id of the
    template snapshot once; return the format string that makes a copy."""
    bases = name_bases()
    base_re = "|".join(re.escape(b) for b in sorted(bases, key=len, reverse=True))
    resources = data["resources"]
    for res in resources:
        if not re.search(rf"(?<![A-Za-z0-9])(?:{base_re})", res["logical_name"]):
            res["logical_name"] = f"{res['logical_name']}-{_MARK}"
    ids = "|".join(f"(?P<{kind}>{pattern})" for kind, (pattern, _, _) in ID_KINDS.items())
    token = re.compile(
        rf"(?P<mark>{re.escape(_MARK)})"
        rf"|(?P<base>(?<![A-Za-z0-9])(?:{base_re}))"
        rf"|(?P<suffix>(?<![A-Za-z0-9]){re.escape(TEMPLATE_SUFFIX)}(?![A-Za-z0-9]))"
        rf"|(?P<word>(?<![A-Za-z0-9]){re.escape(TEMPLATE_WORD)}(?![A-Za-z0-9]))"
        rf"|(?P<account>(?<![0-9]){re.escape(data['account_id'])}(?![0-9]))"
        rf"|{ids}"
    )
    text = json.dumps(resources, separators=(",", ":"))
    opaque: dict[str, int] = {}
    shapes: list[OpaqueId] = []
    out: list[str] = []
    at = 0
    for match in token.finditer(text):
        out.append(_escape(text[at : match.start()]))
        at = match.end()
        kind, value = match.lastgroup, match.group(0)
        if kind == "mark":
            out.append(f"{{{COPY}}}")
        elif kind == "base":
            out.append(bases[value])
        elif kind in ("suffix", "word", "account"):
            out.append(f"{{{dict(suffix=SUFFIX, word=WORD, account=ACCOUNT)[kind]}}}")
        else:
            assert kind is not None
            if value not in opaque:
                opaque[value] = len(shapes)
                _, alphabet, keep = ID_KINDS[kind]
                shapes.append(_opaque(value, alphabet, keep))
            out.append(f"{{{4 + opaque[value]}}}")
    out.append(_escape(text[at:]))
    services = tuple(c["service"] for c in data["coverage"])
    template = Template("".join(out), tuple(shapes), services, len(resources))
    _check(template)
    return template


def _check(template: Template) -> None:
    """Two copies share no physical id or logical name: every name and id was found."""
    side = Side(BASELINE_SUFFIX, BASELINE_ACCOUNT, "check")
    first, second = template.copy(side, 0), template.copy(side, 1)
    for key in ("physical_id", "logical_name"):
        shared = {r[key] for r in first} & {r[key] for r in second}
        if shared:
            raise RuntimeError(f"the template copies share {key}s: {sorted(shared)}")


@functools.cache
def template() -> Template:
    """The compiled template (the snapshot from the cache, else provisioned), once."""
    return compile_template(template_snapshot())
