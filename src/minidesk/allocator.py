"""The C allocator's settings for long-lived processes (glibc; elsewhere these do nothing).

Measured on ``minidesk serve`` with the intent model loaded (``bench/serve_rss.py``): glibc
gives each thread that allocates its own arena (up to 8 per core), so the job, intake and
server threads each keep freed blocks of their own; and the model's loading frees large
blocks (the encoder's compressed weights, unpacked chunk by chunk) that stay mapped in the
heap. Two arenas and one trim after loading keep a few MB of resident memory that no
request uses.
"""

from __future__ import annotations

import ctypes
import functools

M_ARENA_MAX = -8  # mallopt's parameter number in glibc's malloc.h
ARENAS = 2


@functools.cache
def _libc() -> ctypes.CDLL | None:
    # The process's own symbols: no ``find_library`` (which runs ldconfig in a subprocess).
    # musl and macOS have no malloc_trim: nothing to do there.
    libc = ctypes.CDLL(None)
    return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None


def limit_arenas(arenas: int = ARENAS) -> bool:
    """Call before the process starts its threads; True where the allocator took it."""
    libc = _libc()
    return libc is not None and bool(libc.mallopt(M_ARENA_MAX, arenas))


def trim() -> bool:
    """Return the heap's free pages to the system; True where some were returned."""
    libc = _libc()
    return libc is not None and bool(libc.malloc_trim(0))
