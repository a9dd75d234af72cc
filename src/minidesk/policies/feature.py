"""The policy pack's manifest: limits, ledger, approvals and the pack itself."""

from __future__ import annotations

from minidesk.features import Feature

FEATURE = Feature(
    name="policies",
    models=("minidesk.policies.models", "minidesk.policies.pack"),
    routers=(
        "minidesk.web.api.policies:router",
        "minidesk.web.ui.approval_pages:router",
        "minidesk.web.ui.admin.policy_pages:router",
    ),
)
