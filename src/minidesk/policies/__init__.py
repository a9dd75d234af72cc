"""Policies: pre-authorised actions, money caps, per-agent limits and budgets, approvals.

``check_*`` functions in ``decisions`` are pure (facts + pack → Decision); ``do_*`` functions
change state and record events naming the rule that allowed them.
"""

from __future__ import annotations

from minidesk.policies.decisions import Decision, Outcome
from minidesk.policies.pack import PolicyPack, RolePolicy, do_update_pack, get_pack

__all__ = ["Decision", "Outcome", "PolicyPack", "RolePolicy", "do_update_pack", "get_pack"]
