"""Findings: the one comparison (parity, drift, since), the rules run on the target, the policy
applied once, and the result (verdict, score) that every report is rendered from."""
