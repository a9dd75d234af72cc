"""Outbound network access: every HTTP request minidesk makes to a URL someone configured goes
through ``minidesk.net.http.post``, which refuses internal addresses (SSRF)."""

from __future__ import annotations

from minidesk.net.addresses import OutboundError, check_destination
from minidesk.net.http import Response, post

__all__ = ["OutboundError", "Response", "check_destination", "post"]
