"""SSM parameters under the environment's path prefix.

Listing uses describe_parameters, which returns no values. Values are then fetched
(get_parameters, WithDecryption false) only for String and StringList parameters whose
names do not look sensitive: a SecureString value, or a sensitive one, is never requested.
A value that is read is scanned at once (``paymentaudit.detect``): a secret in a harmless-named
parameter is redacted there, keeping only the detector's name, and flagged.

Members missing from a response (DescribeParameters' ``ParameterMetadata``, GetParameters),
decided member by member from the SSM API reference:

* Unknown when absent (``item.errors[<attribute>] = "<Member> not in the response"``: not
  compared, and a rule reading the attribute is not evaluated): ``Type`` (and then the value is
  not requested either: whether it may be read depends on the type) and ``Tier``, which SSM
  returns for every parameter (never read as ``Standard``); the ``Value`` of a parameter whose
  value was requested and returned.
* Absent with a documented meaning, kept: ``DataType`` (``text``: "The default is text");
  ``KeyId`` (only SecureString parameters have one); ``Description`` and ``AllowedPattern``
  (none set). A parameter requested but not in GetParameters' ``Parameters`` (deleted since it
  was listed, or in ``InvalidParameters``) has no value: None.
* A parameter without a ``Name`` is never readable: whether its value may be requested depends
  on its name.
"""

from __future__ import annotations

from typing import Any

from paymentaudit.detect import classify, is_sensitive_name, redacted
from paymentaudit.naming import ssm_logical_name
from paymentaudit.redact import REDACTED
from paymentaudit.services.declare import Built, Call, Collector, Item, Scope


def readable(raw: dict[str, Any]) -> bool:
    """True when the parameter's value may be read: not SecureString, name not sensitive."""
    name = raw.get("Name")
    return (
        bool(name) and raw.get("Type") in ("String", "StringList") and not is_sensitive_name(name)
    )


def build_parameter(item: Item, scope: Scope) -> Built:
    """Parameter: type, data type, tier, key, and the value when it is not sensitive; an
    always-returned member that is missing makes its attribute unknown (see the docstring)."""
    raw = item.raw
    secret = None
    if readable(raw):
        fetched = item.details.get("value")
        value = None if fetched is None else fetched.get("Value")
        if fetched is not None and value is None:
            item.errors.setdefault("value", "Value not in the response")
        secret = None if value is None else classify(raw["Name"], value)
        if secret is not None:
            value = redacted(secret)
    else:
        value = REDACTED
    for member, attribute in (("Type", "type"), ("Tier", "tier")):
        if raw.get(member) is None:
            item.errors.setdefault(attribute, f"{member} not in the response")
    config = {
        "type": raw.get("Type"),
        "data_type": raw.get("DataType") or "text",
        "tier": raw.get("Tier"),
        "key_id": raw.get("KeyId") if raw.get("Type") == "SecureString" else None,
        "description": raw.get("Description"),
        "allowed_pattern": raw.get("AllowedPattern"),
        "value": value,
        # Why a plain-text value is a secret (a detector's name), None when it is none or
        # was not read; SSM-SENSITIVE-TYPE fails on it.
        "literal_secret": secret,
    }
    return Built(config=config)


def _member(item: Item, scope: Scope, tagged: bool) -> bool:
    return True  # the list call is filtered to the environment's path


def _logical(item: Item, scope: Scope) -> str:
    return ssm_logical_name(item.name, scope.ssm_prefix)


PARAMETER = Collector(
    service="ssm",
    type="ssm.parameter",
    list=Call(
        "describe_parameters",
        params=lambda item, element, scope: {
            "ParameterFilters": [
                {"Key": "Path", "Option": "Recursive", "Values": [scope.ssm_prefix]}
            ]
        },
        result="Parameters",
        paginate=True,
    ),
    list_scope="env",
    id="Name",
    arn=lambda raw, scope: (
        f"arn:{scope.partition}:ssm:{scope.region}:{scope.account_id}:parameter"
        + ("" if str(raw.get("Name") or "").startswith("/") else "/")
        + str(raw.get("Name") or "")
    ),
    member=_member,
    logical=_logical,
    details={
        "value": Call(
            "get_parameters",
            params=lambda item, element, scope: {"WithDecryption": False},
            result="Parameters",
            batch=10,
            batch_param="Names",
            batch_key="Name",
            when=readable,
        ),
    },
    build=build_parameter,
)

COLLECTORS = (PARAMETER,)
