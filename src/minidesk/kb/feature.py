"""The knowledge base's manifest: articles and their search, the help centre, the bot's
answers from articles."""

from __future__ import annotations

from minidesk.features import Feature

FEATURE = Feature(
    name="kb",
    models=("minidesk.kb.models", "minidesk.kb.guide_models", "minidesk.kb.widget_models"),
    listeners=("minidesk.kb.embedding_jobs",),
    routers=(
        "minidesk.web.api.kb:router",
        "minidesk.web.api.kb_guides:router",
        "minidesk.web.api.kb_reports:router",
        "minidesk.web.api.kb_widget:router",
        "minidesk.web.api.kb_files:router",
        "minidesk.web.api.kb_files:public_router",
        "minidesk.web.api.kb_widget:script_router",
        "minidesk.web.ui.help_pages:router",
        "minidesk.web.ui.help_guides:router",
        "minidesk.web.ui.kb_guide_pages:router",
        # Before the article pages: "/kb/widget" is not "/kb/{article_id}".
        "minidesk.web.ui.kb_widget_pages:router",
        "minidesk.web.ui.kb_file_pages:router",
        "minidesk.web.ui.kb_pages:router",
    ),
)
