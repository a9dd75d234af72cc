"""Staffing's manifest: Erlang C/A, forecasts and week plans (the API and `minidesk staff`)."""

from __future__ import annotations

from minidesk.features import Feature

FEATURE = Feature(
    name="staffing",
    routers=("minidesk.web.api.staffing:router", "minidesk.web.ui.staffing_pages:router"),
    commands={"staff": "minidesk.wfm.cli:app"},
)
