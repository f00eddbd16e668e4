"""Terraform documents in the audit's terms: a desired-state file's resources (``document``),
its references (``refs``) and what a service's mapping declares (``spec``).

Each service's ``terraform`` module (``paymentaudit.services.<service>.terraform``) maps its
Terraform types onto its collectors' resource model with these; ``paymentaudit.desired``
runs the mappings over a document.
"""
