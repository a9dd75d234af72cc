"""SLA's manifest: policies and ticket timers (set by a listener, fired by the minute sweep),
the policies API and the attainment report."""

from __future__ import annotations

from minidesk.features import Feature

FEATURE = Feature(
    name="sla",
    models=("minidesk.sla.models",),
    listeners=("minidesk.sla.timers",),
    sweepers=("minidesk.sla.sweeper:fire_due",),
    routers=("minidesk.web.api.sla:router",),
)
