"""Property tests of the processor's input validation (pure parsing plus in-memory fakes)."""

import json
from decimal import Decimal
from typing import Any

import payment_models as models
import payment_parsing as parsing
import payment_processor as pp
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lambda_testkit import FakeDynamo, FakeS3, alb_event

CONFIG = models.ProcessorConfig.from_env({"TABLE_NAME": "t", "AUDIT_BUCKET": "b"})
MAX = CONFIG.max_amount
VALID_ID = st.from_regex(r"\A[A-Za-z0-9_-]{1,64}\Z")
CURRENCY = st.sampled_from(sorted(CONFIG.allowed_currencies))
CENTS = st.decimals(min_value=Decimal("0.01"), max_value=MAX, places=2)
FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def body_text(amount_json: str, **fields: Any) -> str:
    """A payment body with `amount_json` inserted verbatim (any JSON value text)."""
    base = {"payment_id": "p1", "user_id": "u1", "currency": "USD"}
    base.update(fields)
    return json.dumps(base)[:-1] + f', "amount": {amount_json}}}'


def parse(text: str) -> models.PaymentRequest:
    return parsing.parse_payment(parsing.decode_body(text, False), CONFIG)


def rejected_field(text: str) -> str | None:
    try:
        parse(text)
    except models.RequestError as error:
        assert error.status == 400
        return error.field
    return None


def spellings(amount: Decimal) -> list[str]:
    """Different JSON texts of the same amount: number, string, trailing zeros, exponent."""
    plain = format(amount, "f")
    short = format(amount.normalize(), "f")
    out = [plain, json.dumps(plain), short, json.dumps(short), repr(float(amount))]
    if "." not in short:
        out.append(f"{short}.0")
    out.append(format(amount.scaleb(2).to_integral_value(), "f") + "e-2")
    return out


@FAST
@given(CENTS)
@example(Decimal("0.01"))
@example(MAX)
@example(Decimal("100"))
def test_valid_amounts_parse_to_the_same_decimal(amount: Decimal) -> None:
    parsed = {parse(body_text(text)).amount for text in spellings(amount)}
    assert parsed == {amount.quantize(models.CENT)}
    (value,) = parsed
    assert value.as_tuple().exponent == -2  # always quantized to cents
    # A dict body (direct invocation, floats as the Lambda runtime would parse them) agrees.
    direct = {"payment_id": "p1", "user_id": "u1", "currency": "USD", "amount": float(amount)}
    assert parsing.parse_payment(parsing.decode_body(direct, False), CONFIG).amount == value


@FAST
@given(
    whole=st.integers(min_value=0, max_value=10_000),
    fraction=st.text("0123456789", min_size=3, max_size=12),
    as_string=st.booleans(),
)
def test_more_than_two_decimals_is_rejected(whole: int, fraction: str, as_string: bool) -> None:
    text = f"{whole}.{fraction}"
    assert rejected_field(body_text(json.dumps(text) if as_string else text)) == "amount"


@FAST
@given(
    amount=st.one_of(
        st.decimals(max_value=Decimal(0), allow_nan=False, allow_infinity=False, places=2),
        st.decimals(min_value=MAX + Decimal("0.01"), allow_nan=False, allow_infinity=False),
    ),
    as_string=st.booleans(),
)
def test_out_of_range_is_rejected(amount: Decimal, as_string: bool) -> None:
    text = format(amount, "f")
    assert rejected_field(body_text(json.dumps(text) if as_string else text)) == "amount"


@pytest.mark.parametrize(
    "text",
    ["NaN", "Infinity", "-Infinity", '"NaN"', '"nan"', '"sNaN"', '"Infinity"', '"-inf"', '"inf"'],
)
def test_non_finite_is_rejected(text: str) -> None:
    assert rejected_field(body_text(text)) == "amount"


NON_NUMERIC = st.one_of(
    st.text().filter(lambda s: not models.AMOUNT_TEXT.fullmatch(s)).map(json.dumps),
    st.sampled_from(["true", "false", "null", "[]", "{}", "[1]", '{"v": 1}', '"1_000"', '"+5"']),
    st.sampled_from(['" 5"', '"5 "', '"1e2"', '"0x10"', '"\u0661"', '"5."', '".5"']),
)


@FAST
@given(NON_NUMERIC)
def test_non_numeric_is_rejected(text: str) -> None:
    assert rejected_field(body_text(text)) == "amount"


@FAST
@given(
    field=st.sampled_from(["payment_id", "user_id"]),
    value=st.one_of(
        st.text().filter(lambda s: not models.ID_PATTERN.fullmatch(s)),
        st.integers(),
        st.none(),
        st.booleans(),
        st.lists(st.text(max_size=3), max_size=2),
        VALID_ID.map(lambda s: s + "\n"),
        st.text("abc", min_size=65, max_size=80),
    ),
)
def test_ids_outside_the_pattern_are_rejected(field: str, value: Any) -> None:
    assert rejected_field(body_text("5", **{field: value})) == field


@FAST
@given(payment_id=VALID_ID, user_id=VALID_ID, amount=CENTS, currency=CURRENCY)
def test_valid_bodies_are_accepted(
    payment_id: str, user_id: str, amount: Decimal, currency: str
) -> None:
    parsed = parse(
        body_text(str(amount), payment_id=payment_id, user_id=user_id, currency=currency)
    )
    assert parsed == models.PaymentRequest(payment_id, user_id, amount, currency)


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children),
    max_leaves=12,
)
PAYMENT_LIKE = st.dictionaries(
    st.sampled_from([*models.PAYMENT_FIELDS, "extra"]),
    st.one_of(JSON, VALID_ID, CURRENCY, CENTS.map(str)),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    body=st.one_of(
        JSON.map(json.dumps),
        PAYMENT_LIKE.map(json.dumps),
        PAYMENT_LIKE,
        st.text(),
        st.binary().map(lambda b: b.decode("latin-1")),
    ),
    b64=st.booleans(),
)
def test_arbitrary_bodies_never_raise(body: Any, b64: bool) -> None:
    """The handler answers anything with a 4xx or a success, never an exception or a 5xx."""
    pp._CLIENTS.update(dynamodb=FakeDynamo(), s3=FakeS3())
    event = alb_event(body=body)
    event["isBase64Encoded"] = b64 and isinstance(body, str)
    try:
        response = pp.handler(event, None)
    finally:
        pp._CLIENTS.clear()
    assert response["statusCode"] in (200, 201, 400, 409, 413)
    payload = json.loads(response["body"])
    if response["statusCode"] == 400:
        assert payload["error"] == "invalid_request"
        assert isinstance(payload["field"], str)  # "" when the unknown key is ""


@FAST
@given(JSON)
def test_arbitrary_json_values_parse_or_fail_with_a_field(value: Any) -> None:
    try:
        parsing.parse_payment(parsing.decode_body(json.dumps(value), False), CONFIG)
    except models.RequestError as error:
        assert error.status == 400
        assert error.field in {*models.PAYMENT_FIELDS, "body"} or error.field in value
