"""Freed activations stay in the process: a second forward-sized buffer costs no page faults."""
import ctypes.util
import subprocess
import sys
from pathlib import Path

import pytest

# Run in a fresh interpreter: how a long test process's heap is laid out by then (arenas,
# what sits above the heap top) is not what this checks.
FILL_TWICE = """
import resource, sys, torch
from inference.malloc import keep_freed_memory
if sys.argv[1] == "keep":
    assert keep_freed_memory()
def faults():
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    torch.empty(32 * 2**20, dtype=torch.uint8).fill_(1)  # a batch of seed activations
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before
faults()
print(faults(), 32 * 2**20 // resource.getpagesize())
"""


def _second_fill_faults(mode: str) -> tuple[int, int]:
    output = subprocess.run([sys.executable, "-c", FILL_TWICE, mode], check=True,
                            capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parents[2]).stdout
    faults, pages = map(int, output.split())
    return faults, pages


@pytest.mark.skipif("libc.so.6" not in (ctypes.util.find_library("c") or ""), reason="not glibc")
def test_a_freed_buffer_is_reused_without_page_faults():
    faults, pages = _second_fill_faults("keep")
    assert faults < pages // 10
    faults, pages = _second_fill_faults("default")  # glibc maps it afresh: a fault per page
    assert faults >= pages
