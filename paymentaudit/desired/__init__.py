"""Desired state: what the code declares, projected into the audit's snapshot model.

``state.load()`` reads a synthesized ``cdk.tf.json`` or a Terraform state file (format version
4), or synthesizes ``stack/`` (cached, ``synth``), and ``mapping`` maps every Terraform
resource a service declares (``paymentaudit/services/<service>/terraform.py``) onto the
resource type, logical name and attribute paths its collector produces. The result is a
Snapshot like any other: the compare engine diffs it against the live target unchanged.
"""
