"""On glibc the long-lived processes get two malloc arenas and a trim after loading their
models (``minidesk.allocator``); elsewhere the calls do nothing and say so."""

from __future__ import annotations

import platform

import pytest

from minidesk import allocator

GLIBC = platform.libc_ver()[0] == "glibc"


@pytest.mark.skipif(not GLIBC, reason="mallopt and malloc_trim are glibc's")
def test_glibc_takes_the_arena_limit_and_the_trim() -> None:
    assert allocator.limit_arenas() is True
    allocator.trim()  # True only when pages were returned: which depends on the heap


@pytest.mark.skipif(GLIBC, reason="on glibc the calls act")
def test_elsewhere_nothing_is_called() -> None:
    assert (allocator.limit_arenas(), allocator.trim()) == (False, False)
