"""Who may set a webhook URL, and which URLs are acceptable (checked again at send time)."""

from __future__ import annotations

from minidesk.desk.access import Forbidden
from minidesk.desk.models import Role, User
from minidesk.net import OutboundError, check_destination


class WebhookUrlError(ValueError):
    pass


def check_may_set_webhook(user: User, *, integration: bool = False) -> None:
    """Only admins and integration credentials (the shop's own app, which an admin created)
    point the desk at a URL: the server POSTs from inside its own network, so a URL is a
    request the desk makes on the setter's behalf, with the setter's choice of target."""
    if not integration and Role(user.role) != Role.ADMIN:
        raise Forbidden(f"setting a webhook URL needs the admin role; {user.email} is {user.role}")


def check_webhook_url(url: str) -> str:
    """``url`` if the desk may POST to it now (https, public address or allowed network)."""
    try:
        return str(check_destination(url).url)
    except OutboundError as exc:
        raise WebhookUrlError(f"webhook URL refused: {exc.reason}") from None
