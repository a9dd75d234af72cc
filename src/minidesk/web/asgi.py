"""ASGI entry points for multi-process serving (``minidesk serve --workers N``)."""

from __future__ import annotations

from minidesk import db, jobs, logs
from minidesk.settings import get_settings
from minidesk.web.app import create_app

_settings = get_settings()
logs.setup(_settings.log_level, _settings.log_format)
db.configure(_settings.database_url)
jobs.configure(_settings)
app_without_workers = create_app(_settings, embedded_workers=0)
