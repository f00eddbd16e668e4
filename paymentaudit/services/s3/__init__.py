"""S3: the audit-log bucket and its replica."""

from __future__ import annotations

from paymentaudit.services.s3.collect import COLLECTORS
from paymentaudit.services.s3.terraform import RELATIONS, SPECS
from paymentaudit.services.spec import IamScope, Section, ServiceSpec, TerraformMapping

SERVICE = ServiceSpec(
    name="s3",
    collectors=COLLECTORS,
    terraform=TerraformMapping(SPECS, RELATIONS),
    stack_module="stack/components/storage.py",
    constructs={
        "s3.bucket": ("S3Bucket",),
    },
    section=Section(
        title="S3",
        heading="S3",
        description=("The audit-log bucket and its replica in the replica region."),
    ),
    sandbox_gaps={
        "s3.bucket": (
            "replication.rules.*.sse_kms_encrypted_objects",
            "replication.rules.*.delete_marker_replication",
        ),
    },
    iam={"bucket": (IamScope("arn:{partition}:s3:::{name}"),)},
)
