"""The seed generator on the picture device (CUDA when present): forward time and pictures per
second batch by batch against the device's GEMM roofline in the served dtype, and how many
children one device's worker serves at a picture p95 <= 300 ms, simulated from those batch
times and the per-picture CPU work measured beside them. `python -m bench.batched`."""
import heapq
import random

import numpy as np
import torch
from torch import nn

from bench.forward import (
    SEED_CONV,
    best_seconds,
    conv_flops,
    conv_rate,
    dtype_name,
    matmul_rate,
)
from bench.latency import percentile
from inference.networks import GENERATOR_PRESETS, build_generator
from inference.png import encode_png
from inference.precision import serving_dtype
from inference.rasterize import rasterize
from inference.registry import as_served_input, prepare_for_inference

PRESET = "resnet9"
PICTURE_SIZE = 256
BATCHES = {"cuda": (1, 2, 4, 8, 16, 32, 64), "cpu": (1, 2, 4)}
MATMUL_SIDE = {"cuda": 8192, "cpu": 2048}
RUNS = 10
WARM_UP_RUNS = 3
STROKE_INTERVAL_S = 3.0  # each child, as the classroom benchmark draws
SIMULATED_SECONDS = 60.0
P95_TARGET_S = 0.300
STROKES_PER_DRAWING = 20  # a drawing some way along, for the CPU work of one picture


def roofline_rate(device: torch.device, dtype: torch.dtype) -> tuple[float, str]:
    """The best FLOP/s of the device's GEMM kernels in dtype: torch.mm on a large square, and
    the seed's 3x3 256-channel conv at 64 x 64 (channels_last, batch 16); with its name."""
    side, (channels, out) = MATMUL_SIDE[device.type], SEED_CONV
    pictures = 16 if device.type == "cuda" else 1
    rates = {
        f"torch.mm {side}^3": matmul_rate(side, side, side, runs=RUNS, dtype=dtype,
                                          device=device, warm_up=WARM_UP_RUNS),
        f"conv3x3 {channels}->{channels} at {out}x{out} x{pictures}": conv_rate(
            torch.channels_last, channels, out, runs=RUNS, dtype=dtype, device=device,
            warm_up=WARM_UP_RUNS, pictures=pictures),
    }
    name = max(rates, key=rates.get)
    return rates[name], name


def batch_seconds(module: nn.Module, device: torch.device, sizes) -> dict[int, float]:
    """Best forward time of the served module for each batch size."""
    times = {}
    for size in sizes:
        batch = as_served_input(torch.rand(size, 1, PICTURE_SIZE, PICTURE_SIZE), device)
        times[size] = best_seconds(lambda batch=batch: module(batch), RUNS, WARM_UP_RUNS,
                                   device=device)
    return times


def picture_cpu_seconds(runs: int = RUNS) -> float:
    """The CPU work of one picture besides its forward, as a worker does it: rasterize a
    drawing of STROKES_PER_DRAWING strokes and encode the picture as PNG (the database row
    and the announcement are left out: a few ms on another machine's services)."""
    rng = random.Random(0)
    strokes = [{"points": [[rng.random(), rng.random()] for _ in range(8)], "size": 4,
                "tool": "pen"} for _ in range(STROKES_PER_DRAWING)]
    picture = np.random.default_rng(0).integers(0, 256, (PICTURE_SIZE, PICTURE_SIZE, 3),
                                                dtype=np.uint8)

    def one_picture():
        rasterize(strokes)
        encode_png(picture)

    return best_seconds(one_picture, runs, warm_up=0)


def service_seconds(size: int, times: dict[int, float], cpu_seconds: float) -> float:
    """How long a worker takes to picture `size` drawings at once: the forward of the smallest
    measured batch that holds them, plus each picture's CPU work."""
    fitting = [measured for measured in sorted(times) if measured >= size]
    forward = times[fitting[0]] if fitting else times[max(times)] * size / max(times)
    return forward + size * cpu_seconds


def simulate(children: int, times: dict[int, float], cpu_seconds: float, max_batch: int,
             seconds: float = SIMULATED_SECONDS, interval: float = STROKE_INTERVAL_S,
             seed: int = 0) -> list[float]:
    """Stroke -> picture delays in seconds for `children` drawing a stroke every `interval`
    (phases at random) served by one worker as the picture line does: a drawing waits in line
    once, the worker takes up to max_batch from the front and pictures each at its newest
    stroke; a stroke made during a batch puts its drawing back at the end of the line."""
    rng = random.Random(seed)
    strokes = [(phase + k * interval, child) for child in range(children)
               for phase in [rng.uniform(0, interval)]
               for k in range(int((seconds - phase) // interval) + 1)]
    heapq.heapify(strokes)
    unpictured: dict[int, list[float]] = {}  # child -> stroke times not yet in a picture
    line: list[int] = []  # children waiting, in order
    delays, now = [], 0.0
    while strokes or line:
        if not line:  # idle until the next stroke
            now = max(now, strokes[0][0])
        while strokes and strokes[0][0] <= now:
            at, child = heapq.heappop(strokes)
            if child not in unpictured:
                line.append(child)
            unpictured.setdefault(child, []).append(at)
        taken, line = line[:max_batch], line[max_batch:]
        done = now + service_seconds(len(taken), times, cpu_seconds)
        for child in taken:
            delays += [done - at for at in unpictured.pop(child)]
        now = done
    return delays


def children_served(times: dict[int, float], cpu_seconds: float, max_batch: int,
                    target: float = P95_TARGET_S) -> int:
    """The most children one worker serves with a picture p95 within `target` (0 if not one)."""
    def fits(children: int) -> bool:
        return percentile(simulate(children, times, cpu_seconds, max_batch), 0.95) <= target

    low, high = 0, 1
    while fits(high):
        low, high = high, high * 2
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if fits(middle) else (low, middle)
    return low


def run(preset: str = PRESET) -> dict:
    """Measure and print the figures on this process's picture device."""
    from drawapp.pictures.tasks import MAX_BATCH

    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    dtype = serving_dtype(device)
    rate, rate_name = roofline_rate(device, dtype)
    architecture, arguments = GENERATOR_PRESETS[preset]
    module = prepare_for_inference(build_generator(architecture, **arguments), device)
    flops = conv_flops(module, as_served_input(torch.rand(1, 1, PICTURE_SIZE, PICTURE_SIZE),
                                               device))
    where = torch.cuda.get_device_name(device) if device.type == "cuda" else "CPU"
    print(f"{preset} on {where} in {dtype_name(dtype)} ({flops / 1e9:.1f} GFLOP a picture); "
          f"roofline {rate / 1e12:.2f} TFLOP/s ({rate_name}, best of {RUNS})")
    times = batch_seconds(module, device, BATCHES[device.type])
    for size, seconds in times.items():
        print(f"  batch {size:>2}: {seconds * 1000:8.1f} ms, {size / seconds:8.1f} pictures/s, "
              f"{seconds / (size * flops / rate):.2f}x its roofline")
    cpu_seconds = picture_cpu_seconds()
    max_batch = MAX_BATCH[device.type]
    served = children_served(times, cpu_seconds, max_batch)
    print(f"  one worker (batches of up to {max_batch}, {cpu_seconds * 1000:.1f} ms of CPU work "
          f"a picture: rasterize + PNG) serves {served} children drawing a stroke every "
          f"{STROKE_INTERVAL_S:.0f} s at picture p95 <= {P95_TARGET_S * 1000:.0f} ms "
          f"(simulated over {SIMULATED_SECONDS:.0f} s from these times)", flush=True)
    return {"device": where, "rate": rate, "times": times, "cpu_seconds": cpu_seconds,
            "children": served, "flops": flops}
