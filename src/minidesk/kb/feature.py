"""The knowledge base's manifest: articles and their search, the help centre, the bot's
answers from articles."""

from __future__ import annotations

from minidesk.features import Feature

FEATURE = Feature(
    name="kb",
    models=("minidesk.kb.models", "minidesk.kb.guide_models"),
    routers=(
        "minidesk.web.api.kb:router",
        "minidesk.web.api.kb_guides:router",
        "minidesk.web.api.kb_reports:router",
        "minidesk.web.ui.help_pages:router",
        "minidesk.web.ui.help_guides:router",
        "minidesk.web.ui.kb_guide_pages:router",
        "minidesk.web.ui.kb_pages:router",
    ),
)
