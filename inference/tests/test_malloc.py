"""Freed activations stay in the process: a second forward-sized buffer costs no page faults."""
import ctypes.util
import resource

import pytest
import torch

from inference.malloc import keep_freed_memory

BUFFER_BYTES = 32 * 2**20  # a batch of seed-generator activations
PAGE_BYTES = resource.getpagesize()


def _page_faults_to_fill_a_buffer() -> int:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    torch.empty(BUFFER_BYTES, dtype=torch.uint8).fill_(1)
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before


@pytest.mark.skipif("libc.so.6" not in (ctypes.util.find_library("c") or ""), reason="not glibc")
def test_a_freed_buffer_is_reused_without_page_faults():
    assert keep_freed_memory()
    _page_faults_to_fill_a_buffer()
    # Without the thresholds every fill maps the buffer afresh: one fault per page.
    assert _page_faults_to_fill_a_buffer() < BUFFER_BYTES // PAGE_BYTES // 10
