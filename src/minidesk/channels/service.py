"""Channel instances: creating and editing them (admins), who may see which, and the rows the
desk makes on its own (one per API integration, a default per kind).

A change is checked against the kind's typed models, then written by the kind's store (the
row's own ``settings`` and ``secrets_encrypted`` unless the kind keeps them elsewhere, as email
does in ``email_channels``). Secrets appear in events by name only.
"""

from __future__ import annotations

import threading
import time
import weakref
from typing import Any

from pydantic import BaseModel, SecretStr, ValidationError
from sqlalchemy import ColumnElement, or_, select, true
from sqlalchemy.orm import Session

from minidesk import features, memo
from minidesk.channels import registry, secrets
from minidesk.channels.hours import BusinessHours
from minidesk.channels.kinds import ChannelError, ChannelKind, Store, View
from minidesk.channels.models import Channel
from minidesk.db import Database, upsert_insert
from minidesk.desk.access import NotFound, restricted
from minidesk.desk.models import Team, TeamMember, User
from minidesk.event_kinds import EventKind
from minidesk.events import Actor, emit

COMMON = ("name", "team_id", "business_hours", "enabled")
API = "api"
# The key of the API row for messages handed in with people's own (personal) tokens.
PERSONAL = "personal"
# The key of the row a kind's messages land on when no instance was named (older callers).
DEFAULT = "default"


def _check(model: type[BaseModel], values: dict[str, Any], what: str) -> BaseModel:
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or what}: {e['msg']}" for e in exc.errors()
        )
        raise ChannelError(f"{what}: {problems}") from None


def _plain(model: BaseModel) -> dict[str, Any]:
    dumped = model.model_dump(exclude_unset=True, mode="json")
    for name in dumped:
        value = getattr(model, name)
        if isinstance(value, SecretStr):
            dumped[name] = value.get_secret_value()
    return dumped


def check_changes(kind: ChannelKind, values: dict[str, Any]) -> dict[str, Any]:
    """``values`` (common fields, ``settings``, ``secrets``) checked; unknown names refused."""
    checked = {k: v for k, v in values.items() if k in COMMON}
    if "name" in checked:
        checked["name"] = str(checked["name"] or "").strip()[:200]
    if checked.get("business_hours") is not None:
        hours = _check(BusinessHours, checked["business_hours"], "business_hours")
        checked["business_hours"] = hours.model_dump(mode="json")
    checked["settings"] = _plain(_check(kind.settings, values.get("settings") or {}, "settings"))
    checked["secrets"] = _plain(_check(kind.secrets, values.get("secrets") or {}, "secrets"))
    return checked


def store_on_row(
    session: Session,
    channel: Channel,
    settings: dict[str, Any],
    secret_values: dict[str, Any],
    actor: Actor,
    created: bool,
) -> None:
    """The default ``Store``: settings merged into the row's JSON, secrets into its sealed
    object (a secret set to null is forgotten)."""
    kind = registry.kind(channel.kind)
    merged = {**(channel.settings or {}), **settings}
    channel.settings = _plain(_check(kind.settings, merged, "settings")) if merged else {}
    if secret_values:
        channel.secrets_encrypted = secrets.seal(
            {**secrets.unseal(channel.secrets_encrypted), **secret_values}
        )


def _store(kind: ChannelKind) -> Store:
    found: Store = features.resolve(kind.store) if kind.store else store_on_row
    return found


def _apply(session: Session, channel: Channel, checked: dict[str, Any], actor: Actor,
           created: bool) -> list[str]:  # fmt: skip
    team_id = checked.get("team_id")
    if team_id is not None and session.get(Team, team_id) is None:
        raise ChannelError(f"team {team_id} does not exist")
    for name in COMMON:
        if name in checked:
            setattr(channel, name, checked[name])
    _store(registry.kind(channel.kind))(
        session, channel, checked["settings"], checked["secrets"], actor, created
    )
    return sorted(
        [n for n in COMMON if n in checked]
        + [f"settings.{n}" for n in checked["settings"]]
        + [f"secrets.{n}" for n in checked["secrets"]]
    )


def do_create_channel(
    session: Session, kind_name: str, values: dict[str, Any], actor: Actor
) -> Channel:
    try:
        kind = registry.kind(kind_name)
    except registry.UnknownChannel as exc:
        raise ChannelError(str(exc)) from None
    if not kind.instances or not kind.admin_creates:
        raise ChannelError(f"{kind_name} channels are not created by hand")
    checked = check_changes(kind, values)
    channel = Channel(kind=kind_name, name=checked.get("name") or kind_name, settings={})
    session.add(channel)
    session.flush()
    fields = _apply(session, channel, checked, actor, created=True)
    emit(session, EventKind.CHANNEL_CREATED, actor, channel_id=channel.id, channel=kind_name,
         fields=fields)  # fmt: skip
    return channel


def do_update_channel(
    session: Session, channel: Channel, values: dict[str, Any], actor: Actor
) -> Channel:
    checked = check_changes(registry.kind(channel.kind), values)
    fields = _apply(session, channel, checked, actor, created=False)
    emit(session, EventKind.CHANNEL_UPDATED, actor, channel_id=channel.id, channel=channel.kind,
         fields=fields)  # fmt: skip
    return channel


def secret_names(channel: Channel) -> list[str]:
    """Which secrets are set (their values never leave the desk)."""
    return sorted(secrets.unseal(channel.secrets_encrypted))


def describe(session: Session, channel: Channel) -> tuple[dict[str, Any], list[str]]:
    """The settings and the names of the set secrets, as an admin sees them."""
    spec = registry.kind(channel.kind) if channel.kind in features.channel_kinds() else None
    if spec is not None and spec.view is not None:
        view: View = features.resolve(spec.view)
        return view(session, channel)
    return dict(channel.settings or {}), secret_names(channel)


_TEAMS = "channels.teams"


def channel_teams(session: Session) -> dict[int, int]:
    """Channel id → the team that serves it (channels of no team left out), read with one
    query per transaction: the pipeline opens a batch's tickets in one transaction, and a
    workspace has a handful of channels. A channel written in the transaction is read again."""

    def read() -> dict[int, int]:
        served = select(Channel.id, Channel.team_id).where(Channel.team_id.is_not(None))
        return {
            channel_id: team_id
            for channel_id, team_id in session.execute(served)
            if team_id is not None
        }

    return memo.get(session, _TEAMS, read)


# A channel the desk adds on its own (``ensure_keyed``) serves no team: only writes matter.
memo.forget_when_written(Channel, _TEAMS, added=False)


def visible_channels(user: User, restrict_to_teams: bool) -> ColumnElement[bool]:
    """Agents restricted to their teams see their teams' channels and those of no team."""
    if not restricted(user, restrict_to_teams):
        return true()
    my_teams = select(TeamMember.team_id).where(TeamMember.user_id == user.id)
    return or_(Channel.team_id.is_(None), Channel.team_id.in_(my_teams))


def access_channel(
    session: Session, user: User, channel_id: int, restrict_to_teams: bool
) -> Channel:
    found = session.scalars(
        select(Channel).where(Channel.id == channel_id, visible_channels(user, restrict_to_teams))
    ).first()
    if found is None:
        raise NotFound(f"channel {channel_id} does not exist or is not visible to you")
    return found


# (kind, key) → id per database: rows the desk makes are never deleted, so no expiry.
_ids: weakref.WeakKeyDictionary[Database, dict[tuple[str, str], int]] = weakref.WeakKeyDictionary()
_ids_lock = threading.Lock()


def ensure_keyed(session: Session, kind: str, key: str, name: str,
                 settings: dict[str, Any] | None = None) -> int:  # fmt: skip
    """The id of the ``(kind, key)`` row, made if missing (racing makers make one)."""
    session.execute(
        upsert_insert(session, Channel)
        .values(kind=kind, key=key, name=name, settings=settings or {}, enabled=True)
        .on_conflict_do_nothing(index_elements=["kind", "key"])
    )
    found: int = session.scalars(
        select(Channel.id).where(Channel.kind == kind, Channel.key == key)
    ).one()
    return found


def api_key(integration: str | None) -> str:
    return f"integration:{integration}" if integration else PERSONAL


def ensure_api_channel(session: Session, integration: str | None) -> int:
    """The API channel of ``integration`` (None: the row for people's own tokens)."""
    name = f"API: {integration}" if integration else "API (personal tokens)"
    return ensure_keyed(session, API, api_key(integration), name, {"integration": integration})


def _cached(db: Database, kind: str, key: str, make: Any) -> int:
    with _ids_lock:
        known = _ids.setdefault(db, {})
        if (kind, key) in known:
            return known[kind, key]
    with db.transaction() as session:
        found: int = make(session)
    with _ids_lock:
        _ids.setdefault(db, {})[kind, key] = found
    return found


def api_channel_id(db: Database, integration: str | None) -> int:
    return _cached(db, API, api_key(integration), lambda s: ensure_api_channel(s, integration))


def default_channel_id(db: Database, kind: str) -> int:
    """Where a message of ``kind`` handed in without a channel instance goes: the first row of
    that kind (for email, the first mailbox), else a row made for the purpose."""

    def make(session: Session) -> int:
        if kind == API:
            return ensure_api_channel(session, None)
        first = session.scalars(
            select(Channel.id).where(Channel.kind == kind).order_by(Channel.id).limit(1)
        ).first()
        return first if first is not None else ensure_keyed(session, kind, DEFAULT, kind)

    return _cached(db, kind, DEFAULT, make)


# How long a channel's on/off switch is remembered by a process: inbound paths ask on every
# message, and an admin's switch taking a moment to reach every process is fine.
ENABLED_TTL = 2.0
_enabled: weakref.WeakKeyDictionary[Database, dict[int, tuple[float, bool]]] = (
    weakref.WeakKeyDictionary()
)


def is_enabled(db: Database, channel_id: int) -> bool:
    """Whether the channel takes messages (an admin switches it off with ``enabled``)."""
    now = time.monotonic()
    with _ids_lock:
        seen = _enabled.setdefault(db, {}).get(channel_id)
    if seen is not None and seen[0] > now:
        return seen[1]
    with db.sessions() as session:
        enabled = bool(session.scalar(select(Channel.enabled).where(Channel.id == channel_id)))
    with _ids_lock:
        _enabled.setdefault(db, {})[channel_id] = (now + ENABLED_TTL, enabled)
    return enabled


def forget(db: Database) -> None:
    with _ids_lock:
        _ids.pop(db, None)
        _enabled.pop(db, None)
