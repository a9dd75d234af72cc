"""Escalation: the matrix as data, escalating tickets by hand or by rule, incidents."""
