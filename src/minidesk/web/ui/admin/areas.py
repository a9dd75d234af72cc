"""The admin areas, the permission each needs, and which a user may open: the nav shows only
those, and each page refuses the rest (``gate.refused``)."""

from __future__ import annotations

from dataclasses import dataclass

from minidesk.desk.access import Permission, has
from minidesk.desk.models import User


@dataclass(frozen=True)
class Area:
    key: str
    title: str
    href: str
    permission: Permission


AREAS = (
    Area("users", "Users and teams", "/admin/users", Permission.MANAGE_USERS),
    Area("channels", "Channels", "/admin/channels", Permission.MANAGE_CHANNELS),
    Area("queues", "Quarantine and dead letters", "/admin/queues", Permission.ADMIN_QUEUES),
    Area("rules", "Rules", "/admin/rules", Permission.MANAGE_RULES),
    Area("templates", "Templates", "/admin/templates", Permission.MANAGE_RULES),
    Area("policies", "Policies", "/admin/policies", Permission.MANAGE_POLICIES),
    Area("intents", "Intents", "/admin/intents", Permission.SEE_INTENT_MODELS),
    Area("routing", "Routing", "/admin/routing", Permission.MANAGE_ROUTING),
    Area("settings", "Workspace settings", "/admin/settings", Permission.MANAGE_USERS),
    Area("ticket_fields", "Ticket fields", "/admin/ticket-fields", Permission.MANAGE_TICKET_FIELDS),
)
BY_KEY = {area.key: area for area in AREAS}


def areas_for(user: User) -> list[Area]:
    return [area for area in AREAS if has(user, area.permission)]
