"""paymentaudit.detect, values that are never secrets whatever the name says (ARNs, references,
credential-free URLs), and values that are not benign.

No literal secret sits in this file: the keys, tokens and passwords come from detectkit.py,
built at run time.
"""

from __future__ import annotations

import pytest
from detectkit import KMS_KEY_ARN, RANDOM_HEX, SECRETS, STORE_ENTRY_ARN, _random

from paymentaudit import detect as d


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "   ",
        "-",
        "N/A",
        "***",
        True,
        False,
        0,
        10000,
        2.5,
        "true",
        "False",
        "disabled",
        "null",
        "10000",
        "-12.5",
        "1e6",
        "123456789012",
        "INFO",
        "debug",
        "WARNING",
        "USD",
        "USD,EUR,GBP",
        "USD, EUR, GBP",
        "eu-west-1,us-east-1",
        "card,sepa,ideal",
        "RS256",
        "payment-sessions-prod-abc123",
        "payment-processor",
        "payment_sessions",
        "vpc-0abc123def4567890",
        "subnet-0abc1234",
        "i-0123456789abcdef0",
        "sg-0abc1234def567890",
        "alias/payment-signing",
        "alias/aws/lambda",
        "/aws/lambda/payment-processor-prod",
        "/prod/app/api-key",
        "prod/stripe/api-key",
        "db.internal:5432",
        "python3.12",
        "1.2.3",
        "payments@example.com",
        "123e4567-e89b-12d3-a456-426614174000",
        KMS_KEY_ARN,
        STORE_ENTRY_ARN,
        "arn:aws:s3:::payment-exports-prod/*",
        "arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:payment-processor",
        "arn:aws:iam::aws:policy/AWSLambdaExecute",
        f"{KMS_KEY_ARN},{STORE_ENTRY_ARN}",
        "{{resolve:secretsmanager:prod/stripe:SecretString:api_key}}",
        "https://api.example.com/v1/payments",
        "https://api.example.com/v1/payments?mode=live&page=2",
        "https://user@api.example.com/v1",
        "https://d111111abcdef8.cloudfront.net/index.html",
        "s3://payment-exports-prod/daily/",
        "http://localhost:8080/health",
    ],
)
def test_benign(value: object) -> None:
    assert d.is_benign(value)
    assert d.detect(value, "ANY_NAME") is None
    assert d.classify("JWT_SIGNING_KEY", value) is None  # benign under any name


@pytest.mark.parametrize(
    "value",
    [
        *SECRETS,
        "changeme",
        "hunter22",
        "cognito",
        "Sup3r-S3cret!",
        "aZ3kP9qL-m2Xw9kQz",
        "sk_" + "live_" + "a" * 24,
        "/" + _random(30),  # starts with "/" like a reference, but is a base64 key
        "{{resolve:secretsmanager:prod}} and more",
        "https://user:" + "pw@host.example.com/",
        "https://api.example.com/v1?api_key=" + _random(32),
        "https://api.example.com/v1?X-Amz-Credential=abc&X-Amz-Signature=" + RANDOM_HEX,
        "12345678901234567890123",  # a long digit string: a numeric token, not an amount
        "admin:hunter2@db.internal",
        "payments@",
    ],
)
def test_not_benign(value: str) -> None:
    assert not d.is_benign(value)
