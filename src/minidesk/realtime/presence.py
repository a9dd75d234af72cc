"""The stream's ephemeral state on one process: who is online, and who is viewing or typing
on which ticket. Both come from signals (never Event rows), each with an expiry.

Each process re-announces its online agents every ``HEARTBEAT_SECONDS``; an agent not
re-announced within ``PRESENCE_SECONDS`` (a process that died) goes offline. Presence
changes reach sockets in batches, at most one message per ``PRESENCE_BATCH_SECONDS``: when a
shift signs in at once, a message per arrival to every socket would be N² messages.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from minidesk.realtime.socket import dumps

HEARTBEAT_SECONDS = 20.0
PRESENCE_SECONDS = 3 * HEARTBEAT_SECONDS
VIEWING_SECONDS = 30.0
TYPING_SECONDS = 6.0
PRESENCE_BATCH_SECONDS = 0.5


class Online:
    """Who is online on which process, and the batched ``presence`` messages about it."""

    def __init__(self, broadcast: Callable[[str], None]) -> None:
        self._broadcast = broadcast  # offers a text to every socket of this process
        # (origin, user) -> (name, until): who is online on which process.
        self._online: dict[tuple[str, int], tuple[str, float]] = {}
        self._changes: dict[int, dict[str, Any]] = {}
        self._flush: asyncio.TimerHandle | None = None

    def users(self) -> list[dict[str, Any]]:
        now = time.time()
        users = {user: name for (_, user), (name, until) in self._online.items() if until > now}
        return [{"user": user, "name": name} for user, name in sorted(users.items())]

    def is_online(self, user: int) -> bool:
        now = time.time()
        return any(u == user and until > now for (_, u), (_, until) in self._online.items())

    def arrived(self, signal: dict[str, Any]) -> None:
        """A presence signal from any process (this one included)."""
        user, name = int(signal["user"]), str(signal.get("name", ""))
        before = self.is_online(user)
        key = (str(signal["origin"]), user)
        if signal.get("online"):
            self._online[key] = (name, float(signal["until"]))
        else:
            self._online.pop(key, None)
        self._announce_if_changed([(user, name, before)])

    def expire(self) -> None:
        """Forget what expired, saying so for agents that thereby went offline."""
        now = time.time()
        stale = [(key, name) for key, (name, until) in self._online.items() if until <= now]
        for key, _ in stale:
            del self._online[key]
        self._announce_if_changed((user, name, True) for (_, user), name in stale)

    def stop(self) -> None:
        if self._flush is not None:
            self._flush.cancel()

    def _announce_if_changed(self, users: Iterable[tuple[int, str, bool]]) -> None:
        for user, name, before in users:
            if (now := self.is_online(user)) != before:
                self._changes[user] = {"user": user, "name": name, "online": now}
        if self._changes and self._flush is None:
            self._flush = asyncio.get_running_loop().call_later(
                PRESENCE_BATCH_SECONDS, self._flush_changes
            )

    def _flush_changes(self) -> None:
        # One message for every change of the last moment (see the module's docstring).
        self._flush = None
        changes, self._changes = list(self._changes.values()), {}
        self._broadcast(dumps({"type": "presence", "users": changes}))


class OnTicket:
    """Who is viewing or typing on which ticket, from every process's signals."""

    def __init__(self) -> None:
        # ticket -> user -> {"name", "viewing", "typing"} (expiry times, epoch seconds).
        self._tickets: dict[int, dict[int, dict[str, Any]]] = defaultdict(dict)

    def remember(self, signal: dict[str, Any]) -> None:
        state = self._tickets[int(signal["ticket"])].setdefault(
            int(signal["user"]), {"name": str(signal.get("name", ""))}
        )
        state[str(signal["t"])] = float(signal["until"])

    def present(self, number: int) -> list[dict[str, Any]]:
        """Who is viewing or typing on ticket ``number`` now."""
        now = time.time()
        return [
            {
                "user": user,
                "name": state["name"],
                "viewing": state.get("viewing", 0) > now,
                "typing": state.get("typing", 0) > now,
            }
            for user, state in self._tickets.get(number, {}).items()
            if max(state.get("viewing", 0), state.get("typing", 0)) > now
        ]

    def forget_expired(self) -> None:
        for number in [n for n in self._tickets if not self.present(n)]:
            del self._tickets[number]
