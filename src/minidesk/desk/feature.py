"""The desk core's manifest: customers, tickets, messages, users, teams and their API."""

from __future__ import annotations

from minidesk.features import Feature

FEATURE = Feature(
    name="desk",
    models=(
        "minidesk.desk.models",
        "minidesk.desk.sign_in",
        "minidesk.desk.public_writes",
        "minidesk.desk.workspace",
    ),
    sweepers=("minidesk.desk.public_writes:prune_full",),
    routers=(
        "minidesk.web.api.auth:router",
        "minidesk.web.api.own_tokens:router",
        "minidesk.web.api.integrations:router",
        "minidesk.web.api.tickets:router",
        "minidesk.web.api.customers:router",
        "minidesk.web.api.customer_identities:router",
        "minidesk.web.api.users:router",
        "minidesk.web.api.teams:router",
        # The agent workspace's pages.
        "minidesk.web.ui.sign_in_pages:router",
        "minidesk.web.ui.account_pages:router",
        "minidesk.web.ui.inbox_pages:router",
        "minidesk.web.ui.ticket_pages:router",
        "minidesk.web.ui.customer_panel:router",
        "minidesk.web.ui.action_pages:router",
        "minidesk.web.ui.composer_pages:router",
        "minidesk.web.ui.customer_pages:router",
        "minidesk.web.ui.merge_pages:router",
        # The admin pages of what this feature owns: users and teams, the problem queues,
        # workspace settings, and the admin landing page.
        "minidesk.web.ui.admin.index_pages:router",
        "minidesk.web.ui.admin.user_pages:router",
        "minidesk.web.ui.admin.queue_pages:router",
        "minidesk.web.ui.admin.settings_pages:router",
    ),
)
