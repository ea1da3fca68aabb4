"""glibc's allocator, asked to give memory back (elsewhere: nothing to do).

A poll holds board bodies of up to tens of MB (compressed, then inflated) while
it parses them. glibc raises its mmap threshold to the largest block freed so
far (up to 32 MB), so after one big board every later body comes from the heap,
which fragments and stays at its peak. A fixed threshold of 4 MB keeps blocks
that large in mappings of their own, returned to the system when freed; a 64 MB
trim threshold keeps the heap from shrinking and growing again after every large
free (the page faults a low one costs). First poll of 1,000 boards: peak RSS
121 -> 107-110 MB at the same CPU (benchmarks/README.md, Session 6).
"""

from __future__ import annotations

import ctypes
import gc
import os
from collections.abc import Callable

# mallopt(3) parameters (malloc.h).
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 4 << 20
TRIM_THRESHOLD = 64 << 20


def _libc() -> ctypes.CDLL | None:
    # The process's own symbols, libc's among them: ctypes.util.find_library
    # would spawn ldconfig (34 ms) to find the same library.
    try:
        return ctypes.CDLL(None)
    except OSError:
        return None


_LIBC = _libc()


def _function(name: str) -> Callable[..., int] | None:
    try:
        return getattr(_LIBC, name) if _LIBC is not None else None
    except AttributeError:  # not glibc (musl has no malloc_trim; macOS neither)
        return None


_MALLOPT = _function("mallopt")
_MALLOC_TRIM = _function("malloc_trim")


def tune() -> bool:
    """Set the thresholds above, unless the user set glibc's own (environment
    variables or GLIBC_TUNABLES), which win. True when they were set."""
    if _MALLOPT is None or _MALLOC_TRIM is None:  # malloc_trim: glibc, not musl's stub
        return False
    user = ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_")
    if any(name in os.environ for name in user) or "glibc.malloc" in os.environ.get(
        "GLIBC_TUNABLES", ""
    ):
        return False
    return bool(
        _MALLOPT(M_MMAP_THRESHOLD, MMAP_THRESHOLD) and _MALLOPT(M_TRIM_THRESHOLD, TRIM_THRESHOLD)
    )


def release() -> None:
    """Give the heap's free memory back to the system (between daemon cycles)."""
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


def return_memory() -> None:
    """Give the memory of the last polls back to the system between cycles.

    A poll decodes whole boards; once they are stored, glibc keeps the freed
    heap unless asked, and an idle daemon would sit at its peak for hours.
    """
    gc.collect()
    release()
