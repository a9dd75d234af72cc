"""A socket's presence writes land in the order they were made, and a write survives the
cancellation of the task that made it (a closing test client or a stopping server cancels the
socket's task right as its "disconnected" is on its way)."""

from __future__ import annotations

import asyncio
import threading

from minidesk.realtime import connection


def test_a_cancelled_write_still_lands_after_the_one_before_it() -> None:
    landed: list[str] = []
    release = threading.Event()

    def came_online(user_id: int) -> None:
        release.wait(5)
        landed.append(f"online {user_id}")

    def went_offline(user_id: int) -> None:
        landed.append(f"offline {user_id}")

    async def scenario() -> None:
        online = asyncio.ensure_future(connection._presence(came_online, 7))
        offline = asyncio.ensure_future(connection._presence(went_offline, 7))
        await asyncio.sleep(0.05)
        offline.cancel()  # the socket's task is cancelled while its write waits its turn
        release.set()
        await online
        await asyncio.gather(offline, return_exceptions=True)

    asyncio.run(scenario())
    connection._PRESENCE_WRITER.submit(lambda: None).result(5)  # everything queued has run
    assert landed == ["online 7", "offline 7"]
