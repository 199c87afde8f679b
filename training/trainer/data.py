"""What each training step reads: seeded batches that replay from any step, augmented pairs, and
the pix2pix learning-rate schedule."""
import math
import queue
import threading
from collections.abc import Iterable, Iterator

import numpy as np
from torch.utils.data import Dataset, Sampler

from training.augment import PairedAugment
from training.datasets import PairedDataset


class LinearDecay:
    """LR factor: 1.0 for the first half of the steps, then linearly to 0 (pix2pix "linear")."""

    def __init__(self, total_steps: int):
        self.total_steps = total_steps
        self.constant_steps = total_steps // 2

    def __call__(self, step: int) -> float:
        decay_steps = self.total_steps - self.constant_steps
        # pix2pix's rule with steps for epochs: the last step runs at 1 / (decay_steps + 1).
        return 1.0 - max(0, step + 1 - self.constant_steps) / float(decay_steps + 1)


class SeededBatchSampler(Sampler):
    """Batches of (pair index, augmentation seed) for steps start..total-1.

    Step s belongs to epoch s // steps_per_epoch; each epoch's order and every sample's
    augmentation seed come from (seed, epoch, position) alone, so any step can be replayed
    without saved sampler state and worker processes agree.
    """

    def __init__(self, size: int, batch_size: int, seed: int, start_step: int, total_steps: int):
        self.size, self.batch_size, self.seed = size, batch_size, seed
        self.start_step, self.total_steps = start_step, total_steps
        self.steps_per_epoch = math.ceil(size / batch_size)

    def batch_for(self, step: int) -> list[tuple[int, int]]:
        epoch, position = divmod(step, self.steps_per_epoch)
        order = np.random.default_rng([self.seed, epoch]).permutation(self.size)
        slots = range(position * self.batch_size, min(self.size, (position + 1) * self.batch_size))
        return [(int(order[slot]), sample_seed(self.seed, epoch, slot)) for slot in slots]

    def __iter__(self):
        for step in range(self.start_step, self.total_steps):
            yield self.batch_for(step)

    def __len__(self) -> int:
        return max(0, self.total_steps - self.start_step)


def sample_seed(seed: int, epoch: int, slot: int) -> int:
    return int(np.random.SeedSequence([seed, epoch, slot]).generate_state(1)[0])


class AugmentedPairs(Dataset):
    """PairedDataset read with the augmentation reseeded for each (index, seed) item."""

    def __init__(self, pairs: PairedDataset, augment: PairedAugment):
        self.pairs, self.augment = pairs, augment

    def __len__(self) -> int:
        return len(self.pairs)

    def __getitem__(self, item: tuple[int, int]) -> dict:
        index, seed = item
        self.augment.reseed(seed)
        return self.pairs[index]



PREFETCH_BATCHES = 2  # batches loaded ahead of the step that will use them


class _Failed:
    def __init__(self, error: BaseException):
        self.error = error


def prefetched(batches: Iterable, depth: int = PREFETCH_BATCHES) -> Iterator:
    """The same batches in the same order, loaded `depth` ahead on a background thread, so the
    step does not wait while the next pair is read and augmented (the augmentation reseeds its
    own generator for every pair, so the thread changes no number). Stops the thread when the
    caller stops iterating."""
    ready: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()
    done = object()

    def hand_over(item) -> bool:
        while not stop.is_set():
            try:
                ready.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def load() -> None:
        try:
            for batch in batches:
                if not hand_over(batch):
                    return
            hand_over(done)
        except BaseException as error:  # handed to the training thread, raised there
            hand_over(_Failed(error))

    thread = threading.Thread(target=load, name="training-batches", daemon=True)
    thread.start()
    try:
        while True:
            item = ready.get()
            if item is done:
                return
            if isinstance(item, _Failed):
                raise item.error
            yield item
    finally:
        stop.set()
        thread.join()
