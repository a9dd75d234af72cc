"""Insights' manifest: surveys (scheduled on solve, sent and relational NPS by the minute
sweep, answered by link, by tap or by a reply that an inbound hook files without reopening
the ticket), their API and public answer pages; QA, whose certification gates routing
consults for the skills a ticket needs; the KPI report; agents' handle time as the ticket page
reports it; the workspace's costs and cost per contact; remediation pilots and their payback."""

from __future__ import annotations

from minidesk.features import Feature

FEATURE = Feature(
    name="insights",
    models=(
        "minidesk.insights.models",
        "minidesk.insights.qa_models",
        "minidesk.insights.rollup_models",
        "minidesk.insights.work_models",
        "minidesk.insights.cost_models",
        "minidesk.insights.pilot_models",
    ),
    listeners=(
        "minidesk.insights.surveys",
        "minidesk.insights.rollup",
    ),
    inbound_hooks=("minidesk.insights.replies:file_survey_answer",),
    routing_checks=("minidesk.insights.gate_routing:certified_for_gates",),
    commands={"insights": "minidesk.insights.cli:app"},
    sweepers=(
        "minidesk.insights.surveys:send_due",
        "minidesk.insights.relational:schedule_relational",
    ),
    long_jobs=("minidesk.insights.backfill:BACKFILL",),
    routers=(
        "minidesk.web.api.surveys:router",
        "minidesk.web.api.reports:router",
        "minidesk.web.api.ops_reports:router",
        "minidesk.web.api.costs:router",
        "minidesk.web.api.pilots:router",
        "minidesk.web.api.work:router",
        "minidesk.web.api.qa:router",
        "minidesk.web.ui.survey_pages:router",
        "minidesk.web.ui.insights_pages:router",
        "minidesk.web.ui.operations_pages:router",
        "minidesk.web.ui.cost_pages:router",
        "minidesk.web.ui.rootcause_pages:router",
        "minidesk.web.ui.qa_pages:router",
        "minidesk.web.ui.qa_gate_pages:router",
    ),
)
