"""Keep freed tensor memory inside the process on glibc, so a CPU forward reuses its buffers.

A generator's forward allocates and frees the same few-megabyte activations every picture.
glibc's malloc serves blocks that big with fresh mmap()s and hands freed heap tops back to
the system, so every forward page-faults (and the kernel zeroes) tens of megabytes again:
about a tenth of the small generator's CPU time. Raising both thresholds keeps those blocks
on the heap for reuse; a serving process holds at most its peak forward's memory.
"""
import ctypes
import functools
import logging

logger = logging.getLogger(__name__)

M_TRIM_THRESHOLD = -1  # mallopt parameters, from glibc's malloc.h
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD_BYTES = 256 * 2**20  # blocks under this come from the reusable heap
TRIM_THRESHOLD_BYTES = 1024 * 2**20  # free heap top kept rather than returned to the system


@functools.cache
def keep_freed_memory() -> bool:
    """Set both thresholds (once per process); False where the C library is not glibc."""
    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):
        logger.debug("not glibc: malloc thresholds left as they are")
        return False
    if not (mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)
            and mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES)):
        logger.warning("glibc refused the malloc thresholds")
        return False
    return True
