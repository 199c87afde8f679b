"""Run a block of torch work on a set number of intra-op threads, then restore the count."""
import contextlib

import torch


@contextlib.contextmanager
def torch_threads(count: int):
    """torch.set_num_threads(count) for the block; the previous count is back afterwards."""
    previous = torch.get_num_threads()
    torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(previous)
