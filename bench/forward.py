"""Generator forward time at 256x256 for each preset, as served (bf16 on a CPU that computes it
natively, else fp32) and in fp32, each against this machine's GEMM roofline in its own dtype."""
import time

import torch
from torch import nn

from inference.networks import GENERATOR_PRESETS, build_generator, count_parameters
from inference.precision import serving_dtype
from inference.registry import as_served_input, prepare_for_inference
from inference.threads import torch_threads

PICTURE_SIZE = 256
# The roofline's rate is the best this machine's GEMM kernels reach: torch.mm on a square and
# on the seed's 3x3 256-channel conv as the GEMM it becomes (4096 pixels x 2304 taps x 256
# filters), and that conv itself, which oneDNN may run faster than torch.mm's BLAS (on some
# CPUs by Winograd, doing fewer multiplications than the FLOPs we count).
MATMUL_SHAPES = ((2048, 2048, 2048), (4096, 2304, 256))
SEED_CONV = (256, 64)  # channels, output side
MATMUL_RUNS = 5
WARM_UP_RUNS = 2
TIMED_RUNS = 5
# Every preset is timed in each of ROUNDS rounds, spread over the whole run, and keeps its best:
# a busy spell on a shared machine lasts seconds, longer than one preset's runs.
ROUNDS = 3
TIMES = ("forward_ms", "cpu_ms", "fp32_ms", "contiguous_ms")
PRESETS = ("resnet9", "medium", "small", "unet256")
TARGET_RATIOS = {"resnet9": 1.1, "small": 1.3}  # forward time / roofline, at most


CPU = torch.device("cpu")


def synchronize(device: torch.device) -> None:
    """Wait for the device's queued work (a CUDA kernel returns before it has run)."""
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def best_seconds(run, runs: int, warm_up: int, clock=time.perf_counter,
                 device: torch.device = CPU) -> float:
    """The best time by `clock` of run() over `runs` calls after `warm_up` untimed ones,
    waiting for the device around each."""
    best = float("inf")
    with torch.inference_mode():
        for turn in range(warm_up + runs):
            synchronize(device)
            started = clock()
            run()
            synchronize(device)
            if turn >= warm_up:
                best = min(best, clock() - started)
    return best


def matmul_rate(m: int, k: int, n: int, runs: int = MATMUL_RUNS,
                clock=time.perf_counter, dtype: torch.dtype = torch.float32,
                device: torch.device = CPU, warm_up: int = 1) -> float:
    """Best torch.mm rate on the device in FLOP/s for an (m x k) @ (k x n) product in dtype
    (the warm-up starts the thread pool and BLAS buffers)."""
    left = torch.randn(m, k, dtype=dtype, device=device)
    right = torch.randn(k, n, dtype=dtype, device=device)
    return 2 * m * k * n / best_seconds(lambda: torch.mm(left, right), runs, warm_up, clock,
                                        device)


def conv_rate(memory_format: torch.memory_format, channels: int = SEED_CONV[0],
              side: int = SEED_CONV[1], runs: int = MATMUL_RUNS,
              clock=time.perf_counter, dtype: torch.dtype = torch.float32,
              device: torch.device = CPU, warm_up: int = 1, pictures: int = 1) -> float:
    """Best rate of one 3x3 channels -> channels conv at side x side output on a batch of
    `pictures`, in FLOP/s, with weights and input in memory_format and dtype."""
    layer = nn.Conv2d(channels, channels, kernel_size=3).eval().to(
        device=device, dtype=dtype, memory_format=memory_format)
    batch = torch.randn(pictures, channels, side + 2, side + 2, dtype=dtype,
                        device=device).contiguous(memory_format=memory_format)
    seconds = best_seconds(lambda: layer(batch), runs, warm_up, clock, device)
    return 2 * pictures * side * side * channels * channels * 9 / seconds


def conv_flops(module: nn.Module, batch: torch.Tensor) -> int:
    """FLOPs (2 x multiply-adds) of the module's convolutions for one forward pass on batch."""
    total = 0

    def count(layer, inputs, output):
        nonlocal total
        kernel = layer.kernel_size[0] * layer.kernel_size[1]
        if isinstance(layer, nn.ConvTranspose2d):  # every input value meets out_channels kernels
            macs = inputs[0].numel() * layer.out_channels // layer.groups * kernel
        else:  # every output value sums in_channels kernels
            macs = output.numel() * layer.in_channels // layer.groups * kernel
        total += 2 * macs

    hooks = [layer.register_forward_hook(count) for layer in module.modules()
             if isinstance(layer, nn.Conv2d | nn.ConvTranspose2d)]
    try:
        with torch.inference_mode():
            module(batch)
    finally:
        for hook in hooks:
            hook.remove()
    return total


def forward_seconds(module: nn.Module, batch: torch.Tensor, clock=time.perf_counter) -> float:
    """Best time of one forward pass after warm-up, by `clock`: the statistic the roofline's
    rates use too, and one that other jobs on the machine can only make worse."""
    return best_seconds(lambda: module(batch), TIMED_RUNS, WARM_UP_RUNS, clock)


def best_rate(clock=time.perf_counter, dtype: torch.dtype = torch.float32) -> dict[str, float]:
    """The roofline candidates' rates in FLOP/s in dtype, by name."""
    rates = {f"torch.mm {m}x{k} @ {k}x{n}": matmul_rate(m, k, n, clock=clock, dtype=dtype)
             for m, k, n in MATMUL_SHAPES}
    channels, side = SEED_CONV
    for memory_format in (torch.contiguous_format, torch.channels_last):
        label = str(memory_format).removeprefix("torch.")
        rates[f"conv3x3 {channels}->{channels} at {side}x{side} {label}"] = \
            conv_rate(memory_format, clock=clock, dtype=dtype)
    return rates


def dtype_name(dtype: torch.dtype) -> str:
    return {torch.float32: "fp32", torch.bfloat16: "bf16", torch.float16: "fp16"}[dtype]


def measure_preset(name: str) -> dict:
    """Forward time as served (registry's dtype and memory format), in fp32 and in the default
    contiguous layout, the one-thread CPU time as served, and the convolutions' FLOPs."""
    architecture, arguments = GENERATOR_PRESETS[name]
    device = torch.device("cpu")
    module = prepare_for_inference(build_generator(architecture, **arguments), device)
    batch = as_served_input(torch.rand(1, 1, PICTURE_SIZE, PICTURE_SIZE), device)
    flops = conv_flops(module, batch)
    seconds = forward_seconds(module, batch)
    with torch_threads(1):
        cpu_seconds = forward_seconds(module, batch, clock=time.thread_time)
    fp32_seconds = forward_seconds(module.float(), batch.float())
    contiguous_seconds = forward_seconds(module.to(memory_format=torch.contiguous_format),
                                         batch.float().contiguous())
    return {"preset": name, "parameters": count_parameters(module), "gflop": flops / 1e9,
            "flops": flops, "forward_ms": seconds * 1000, "cpu_ms": cpu_seconds * 1000,
            "fp32_ms": fp32_seconds * 1000, "contiguous_ms": contiguous_seconds * 1000}


def best_of_rounds(rows: tuple[dict, ...]) -> dict:
    """One preset's rows from several rounds as one: each time the best any round measured."""
    return {**rows[0], **{key: min(row[key] for row in rows) for key in TIMES}}


def add_ratios(row: dict, rate: float, cpu_rate: float, fp32_rate: float) -> dict:
    """The row's times over the roofline of their own dtype ('cpu_ratio': one thread's CPU
    time at one thread's rate: other jobs on a shared machine stretch wall time far more)."""
    roofline_ms = row["flops"] / rate * 1000
    return {**row, "roofline_ms": roofline_ms, "ratio": row["forward_ms"] / roofline_ms,
            "fp32_ratio": row["fp32_ms"] / (row["flops"] / fp32_rate * 1000),
            "cpu_ratio": row["cpu_ms"] / (row["flops"] / cpu_rate * 1000)}


def roofline_rates(dtype: torch.dtype) -> tuple[float, float, str]:
    """(best rate on all threads, best one-thread CPU-time rate) in dtype, and what each
    candidate reached on all threads."""
    rates = best_rate(dtype=dtype)
    with torch_threads(1):
        cpu_rate = max(best_rate(clock=time.thread_time, dtype=dtype).values())
    measured = ", ".join(f"{name}: {value / 1e9:.1f}" for name, value in rates.items())
    return max(rates.values()), cpu_rate, measured


def best_of_both(before: tuple, after: tuple) -> tuple[float, float, str]:
    """The higher rates of two roofline measurements: a busy moment during one of them can
    only make the forward look slower against the roofline, never faster."""
    return max(before[0], after[0]), max(before[1], after[1]), \
        before[2] if before[0] >= after[0] else after[2]


def run() -> list[dict]:
    """Measure and print the GEMM rates and every preset's forward time; returns the rows."""
    served = serving_dtype(torch.device("cpu"))
    dtypes = [torch.float32] if served == torch.float32 else [torch.float32, served]
    before = {dtype: roofline_rates(dtype) for dtype in dtypes}
    rounds = [[measure_preset(name) for name in PRESETS] for _ in range(ROUNDS)]
    timed = [best_of_rounds(rows) for rows in zip(*rounds, strict=True)]
    # Measured again after the presets: the roofline is the best either time reached.
    rooflines = {dtype: best_of_both(before[dtype], roofline_rates(dtype)) for dtype in dtypes}
    for dtype, (rate, _, measured) in rooflines.items():
        print(f"GEMM rate (roofline) in {dtype_name(dtype)}: {rate / 1e9:.1f} GFLOP/s, the best "
              f"of {measured} (best of {MATMUL_RUNS} each, before and after the presets, "
              f"{torch.get_num_threads()} threads)")
    rate, cpu_rate, _ = rooflines[served]
    fp32_rate = rooflines[torch.float32][0]
    print(f"one thread, in CPU time, {dtype_name(served)}: {cpu_rate / 1e9:.1f} GFLOP/s "
          f"('1-thread CPU ratio' is the forward's CPU time on one thread over the roofline at "
          f"this rate: steadier than wall time when other jobs share the machine)")
    print(f"generator forward, 1x1x{PICTURE_SIZE}x{PICTURE_SIZE}, as served on this CPU "
          f"({dtype_name(served)}, channels_last; 'ratio' against the {dtype_name(served)} "
          f"roofline), in fp32 ('fp32 ratio' against the fp32 roofline) and fp32 in the default "
          f"layout ('contiguous ms'); best of {TIMED_RUNS} runs after {WARM_UP_RUNS} warm-up runs, "
          f"in each of {ROUNDS} rounds over all presets:")
    print(f"{'preset':<9}{'parameters':>12}{'GFLOP':>7}{'forward ms':>12}{'fp32 ms':>9}"
          f"{'contiguous ms':>15}{'roofline ms':>13}{'ratio':>7}{'fp32 ratio':>12}"
          f"{'1-thread CPU ratio':>20}")
    rows = [add_ratios(row, rate, cpu_rate, fp32_rate) for row in timed]
    for row in rows:
        print(f"{row['preset']:<9}{row['parameters']:>12,}{row['gflop']:>7.1f}"
              f"{row['forward_ms']:>12.1f}{row['fp32_ms']:>9.1f}{row['contiguous_ms']:>15.1f}"
              f"{row['roofline_ms']:>13.1f}{row['ratio']:>6.2f}x{row['fp32_ratio']:>11.2f}x"
              f"{row['cpu_ratio']:>19.2f}x", flush=True)
    for row in rows:
        if row["preset"] in TARGET_RATIOS:
            target = TARGET_RATIOS[row["preset"]]
            verdict = "met" if row["ratio"] <= target else "MISSED"
            print(f"target: {row['preset']} within {target}x of its roofline: "
                  f"{row['ratio']:.2f}x as served ({dtype_name(served)}), {verdict}; fp32 "
                  f"{row['fp32_ratio']:.2f}x; 1-thread CPU {row['cpu_ratio']:.2f}x; as served it "
                  f"takes {row['forward_ms']:.0f} ms against {row['fp32_ms']:.0f} ms in fp32 "
                  f"({row['fp32_ms'] / row['forward_ms']:.2f}x the fp32 speed)")
    return rows
