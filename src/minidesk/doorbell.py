"""Wake-ups between processes on one machine: a datagram per ring, no polling.

A web process waiting to answer with ticket numbers must learn when a worker's processing
transaction has committed, and the worker when a web process has accepted a message.
Polling ``PRAGMA data_version`` every millisecond cost each web process a read and a thread
wake-up a millisecond whether or not anything had committed (a quarter of its CPU per
request at 300 requests/s). Here each waiting thread binds a Linux abstract-namespace
datagram socket and names it by a file in a folder beside the database; ``ring`` sends one
byte to every socket named there (a worker rings after each processing commit, an accepting
process after each accept), and ``Doorbell.wait`` sleeps in ``poll`` until a byte comes.

A ring is a hint, never the state: the waiter reads where its rows stand after each ring, and
on its own re-check interval all the same, so a ring that is lost (a full socket buffer means
one is pending anyway) delays an answer and never loses or duplicates one. A process that
died leaves its file behind; the next ring finds nobody bound there and removes it. The
kernel frees an abstract socket with its process, so nothing stale can be woken. Abstract
names are per network namespace: web processes and workers sharing a database file from
different containers are not rung, and answer on the re-check interval instead.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import select
import socket
import threading
from pathlib import Path

# Abstract socket names start with a NUL byte; the rest is this prefix and a file's name.
PREFIX = b"\0minidesk-doorbell-"
_sender: socket.socket | None = None
_sender_lock = threading.Lock()


def supported() -> bool:
    """Abstract-namespace sockets are Linux's; elsewhere the callers poll as before."""
    return hasattr(socket, "AF_UNIX") and os.uname().sysname == "Linux"


class Doorbell:
    """One thread's: a ``Watcher`` (see ``inbox_store``) woken by ``ring(folder)``."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(exist_ok=True)
        self.name = f"{os.getpid()}-{secrets.token_hex(8)}"
        self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._socket.setblocking(False)
        self._socket.bind(PREFIX + self.name.encode())
        # Bound before it is named: a ring that finds the name always reaches the socket.
        self._path = folder / self.name
        self._path.touch()
        self._poll = select.poll()
        self._poll.register(self._socket, select.POLLIN)

    def wait(self, timeout: float) -> bool:
        """True once rung (every ring since the last wait counts as one), else False after
        ``timeout`` seconds."""
        if not self._poll.poll(max(0, int(timeout * 1000))):
            return False
        with contextlib.suppress(BlockingIOError):
            while True:
                self._socket.recv(16)
        return True

    def close(self) -> None:
        self._path.unlink(missing_ok=True)
        self._socket.close()


def ring(folder: Path) -> None:
    """Wake every ``Doorbell`` of ``folder``, in any process (this one too)."""
    try:
        names = os.listdir(folder)
    except FileNotFoundError:
        return  # nobody has waited yet
    sender = _sending_socket()
    for name in names:
        try:
            sender.sendto(b"!", PREFIX + name.encode())
        except BlockingIOError:
            pass  # its buffer is full of rings it has not read yet: it will wake
        except OSError as exc:
            if exc.errno == errno.ECONNREFUSED:  # its process is gone
                (folder / name).unlink(missing_ok=True)


def _sending_socket() -> socket.socket:
    global _sender
    with _sender_lock:
        if _sender is None:
            _sender = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            _sender.setblocking(False)
        return _sender
