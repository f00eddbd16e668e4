"""Secrets Manager: the cluster's master-user secret joins by reference, metadata only."""

from __future__ import annotations

from collectkit import Recorder, client, coverage, deny, resources, secret_free, snap

from paymentaudit import services
from paymentaudit.aws import Clients, Connection
from paymentaudit.errors import ReadOnlyViolation
from paymentaudit.normalize import normalize_snapshot

SECRET = "secretsmanager.secret"
MASTER = "payment-aurora-cluster/master-user-secret"


def _cluster(suffix: str, key_arn: str | None = None) -> str:
    """An Aurora cluster whose master password RDS manages; its secret's ARN."""
    kw = {"MasterUserSecretKmsKeyId": key_arn} if key_arn else {}
    cluster = client("rds").create_db_cluster(
        DBClusterIdentifier=f"payment-aurora-cluster-{suffix}",
        Engine="aurora-postgresql",
        EngineVersion="15.10",
        MasterUsername="payment_admin",
        ManageMasterUserPassword=True,
        **kw,
    )["DBCluster"]
    return str(cluster["MasterUserSecret"]["SecretArn"])


def test_the_master_user_secret_joins_through_the_cluster() -> None:
    kms = client("kms")
    key = kms.create_key()["KeyMetadata"]
    kms.create_alias(AliasName="alias/payment-dev", TargetKeyId=key["KeyId"])
    arn = _cluster("dev", key["Arn"])
    client("secretsmanager").rotate_secret(
        SecretId=arn, RotationRules={"AutomaticallyAfterDays": 7}
    )
    client("secretsmanager").create_secret(Name="someone-elses-secret", SecretString="x")
    snapshot = snap("dev", "rds", "secretsmanager", "kms")
    secrets = resources(snapshot, SECRET)
    # Its name (rds!cluster-<id>) carries no suffix: the cluster's reference brings it in, and
    # its logical name comes from that relationship, never from its physical id.
    assert set(secrets) == {MASTER}
    secret = secrets[MASTER]
    assert secret.physical_id.startswith("rds!cluster-") and secret.named
    assert secret.config["rotation_enabled"] is True
    assert secret.config["rotation_rules"]["automatically_after_days"] == 7
    assert secret.config["owning_service"] == "rds"
    assert secret.config["kms_key_id"] == key["Arn"]
    cluster = resources(snapshot, "rds.cluster")["payment-aurora-cluster"]
    norm = normalize_snapshot(snapshot)
    assert norm[cluster.key]["master_user_secret"] == MASTER
    assert norm[secret.key]["kms_key_id"] == "alias/payment"
    assert coverage(snapshot, "secretsmanager").status == "ok"


def test_only_list_and_describe_are_called_and_the_value_never_is() -> None:
    _cluster("dev")
    recorder = Recorder()
    snapshot = snap("dev", "rds", "secretsmanager", hooks={"before-parameter-build": recorder})
    called = {op for op, _ in recorder.calls if op.endswith(("Secret", "Secrets"))}
    assert called == {"ListSecrets", "DescribeSecret"}
    assert secret_free(snapshot, "payment_admin-password")
    allowed = services.declared_operations()
    assert "GetSecretValue" not in allowed["secretsmanager"]
    refused = Clients(Connection(), allowed).client("secretsmanager")
    try:
        refused.get_secret_value(SecretId="anything")
    except ReadOnlyViolation as exc:
        assert "GetSecretValue" in str(exc)
    else:
        raise AssertionError("GetSecretValue was not refused")


def test_a_secret_of_no_environment_stays_out() -> None:
    client("secretsmanager").create_secret(Name="rds!cluster-unrelated", SecretString="x")
    snapshot = snap("dev", "secretsmanager")
    assert resources(snapshot, SECRET) == {}


def test_a_failed_describe_makes_its_attributes_unknown() -> None:
    _cluster("dev")
    snapshot = snap(
        "dev",
        "rds",
        "secretsmanager",
        hooks={"before-call.secrets-manager.DescribeSecret": deny("DescribeSecret")},
    )
    secret = resources(snapshot, SECRET)[MASTER]
    assert secret.config["rotation_enabled"] is None
    assert "description" in secret.errors
    assert coverage(snapshot, "secretsmanager").status == "error"
