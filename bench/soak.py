"""Soak the drawing socket with fuzzed messages on the embedded default, as `make run` serves it.

`python -m bench.soak [--messages 10000] [--sockets 12]` (or `make soak`) starts Daphne with DEBUG
on, SQLite and in-process pictures, then sockets send a mix of good strokes, commands and every
kind of bad message, each waiting for its answer. It prints how many messages were fuzzed and
answered, the crashes (a socket closed by an exception, a message never answered, a traceback
in the server's log) and the server's resident memory before and after.
"""
import argparse
import asyncio
import json
import random
import tempfile
import time
from dataclasses import astuple, dataclass
from pathlib import Path

import websockets

from bench.latency import migrate, models_to_serve, start_drawing
from drawapp.processes import child_environment, daphne_process
from drawapp.protocol import (
    MAX_ERRORS_BEFORE_CLOSE,
    MAX_MESSAGE_BYTES,
    MAX_MESSAGES_PER_SECOND,
    MAX_POINTS_PER_STROKE,
    SERVER_FRAME_BYTES,
)
from inference.categories import CATEGORIES

MESSAGES = 10_000
SOCKETS = 12
SEED = 15
ANSWER_TIMEOUT_S = 60
# Each socket stays under the protocol's rate, so refusals come from the fuzz, not the pace.
SEND_INTERVAL_S = 1.2 / MAX_MESSAGES_PER_SECOND
TARGETS = {"messages": MESSAGES, "crashes": 0, "rss_growth_mb": 50}
CLOSE_ABUSIVE = 4429
JUNK = [None, True, -1, 0, 1.5, "x", [], {}, [[]], {"a": 1}, 10**400, -(10**320), "NaN"]


def _point(rng: random.Random) -> list:
    return [round(rng.random(), rng.choice([1, 3, 5, 9])), round(rng.random(), 4)]


def good_message(rng: random.Random, ids: list[str]) -> dict:
    kind = rng.choices(["stroke", "undo", "redo", "clear", "category"], [12, 2, 2, 1, 1])[0]
    if kind == "category":
        return {"type": "category", "category": rng.choice(CATEGORIES)}
    if kind != "stroke":
        return {"type": kind}
    stroke = {"type": "stroke", "points": [_point(rng) for _ in range(rng.randint(1, 60))],
              "size": rng.choice([1, 3, 8, 16, 64, 2.5]), "tool": rng.choice(["pen", "eraser"])}
    if rng.random() < 0.3:
        stroke["color"] = rng.choice(["red", "blue", "#12abef", "black"])
    if rng.random() < 0.5:  # a client id; now and then one sent before (a resend)
        resend = ids and rng.random() < 0.2
        stroke["id"] = rng.choice(ids) if resend else f"s{rng.getrandbits(48):x}"
        ids.append(stroke["id"])
    return stroke


def bad_frame(rng: random.Random, ids: list[str]) -> str | bytes:
    """One of the ways a message can be wrong, as the text (or bytes) that goes on the wire."""
    stroke = {"type": "stroke", "points": [[0.5, 0.5]], "size": 3}
    field = rng.choice(["points", "size", "tool", "color", "id", "type", "category"])
    spoiled = dict(stroke, **{field: rng.choice(JUNK)})
    choices = [
        lambda: json.dumps(spoiled),
        lambda: json.dumps({**stroke, "points": [[rng.choice(JUNK), 0.5]]}),
        lambda: '{"type": "stroke", "points": [[1' + "0" * rng.choice([309, 400, 5000])
                + ', 0.5]], "size": 3}',
        lambda: '{"type": "stroke", "points": [[NaN, 0.5]], "size": Infinity}',
        lambda: json.dumps({**stroke, "points": [[0.5, 0.5]] * (MAX_POINTS_PER_STROKE + 1)}),
        lambda: json.dumps({"type": "undo", "pad": "x" * rng.randint(MAX_MESSAGE_BYTES,
                                                                      SERVER_FRAME_BYTES - 64)}),
        lambda: "[" * rng.choice([50, 5000, 100_000]) + "]" * rng.choice([0, 50]),
        lambda: "".join(chr(rng.randint(1, 0x2FFF)) for _ in range(rng.randint(0, 40))),
        lambda: json.dumps(rng.choice(JUNK[:-3])),
        lambda: json.dumps({"type": rng.choice(["paint", "", None, 7, "state", "ack"])}),
        lambda: bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 64))),
    ]
    return rng.choice(choices)()


def fuzz_frame(rng: random.Random, ids: list[str]) -> str | bytes:
    """A frame a client might send: about half good messages, half broken ones."""
    if rng.random() < 0.5:
        return json.dumps(good_message(rng, ids))
    return bad_frame(rng, ids)


@dataclass
class Tally:
    fuzzed: int = 0
    answered: int = 0
    acks: int = 0
    errors: int = 0
    closed_abusive: int = 0  # the server's own 4429 after MAX_ERRORS_BEFORE_CLOSE refusals
    crashes: int = 0  # 1011 / dropped sockets / messages never answered


async def _answer(ws) -> dict:
    """The next answer (ack or error); pictures and notices in between are skipped."""
    async with asyncio.timeout(ANSWER_TIMEOUT_S):
        while True:
            message = json.loads(await ws.recv())
            if message["type"] in ("ack", "error"):
                return message


async def _fuzz_one_socket(base_url: str, quota: int, rng: random.Random, tally: Tally) -> None:
    ids: list[str] = []
    while quota > 0:
        drawing_id, cookie = start_drawing(base_url)
        url = base_url.replace("http://", "ws://") + f"/ws/draw/{drawing_id}/"
        headers = {"Cookie": cookie, "Origin": base_url}
        async with websockets.connect(url, additional_headers=headers, max_size=None) as ws:
            assert json.loads(await ws.recv())["type"] == "state"  # a new, empty drawing
            refused = 0
            while quota > 0 and refused < MAX_ERRORS_BEFORE_CLOSE:
                frame = fuzz_frame(rng, ids)
                quota -= 1
                tally.fuzzed += 1
                started = time.monotonic()
                try:
                    await ws.send(frame)
                    answer = await _answer(ws)
                except (websockets.ConnectionClosed, TimeoutError) as failure:
                    tally.crashes += 1
                    print(f"  crash: {failure!r} after {str(frame)[:80]!r}", flush=True)
                    break
                tally.answered += 1
                if answer["type"] == "ack":
                    tally.acks += 1
                else:
                    tally.errors += 1
                    refused += answer["code"] not in ("busy", "server_error")
                    tally.crashes += answer["code"] == "server_error"
                await asyncio.sleep(max(0.0, SEND_INTERVAL_S - (time.monotonic() - started)))
            if refused >= MAX_ERRORS_BEFORE_CLOSE:
                try:
                    await asyncio.wait_for(ws.recv(), ANSWER_TIMEOUT_S)
                except websockets.ConnectionClosed as closed:
                    if closed.rcvd and closed.rcvd.code == CLOSE_ABUSIVE:
                        tally.closed_abusive += 1
                    else:
                        tally.crashes += 1


async def warm_up(base_url: str) -> None:
    """A picture in every category, so that every model is loaded before memory is measured."""
    drawing_id, cookie = start_drawing(base_url)
    url = base_url.replace("http://", "ws://") + f"/ws/draw/{drawing_id}/"
    async with websockets.connect(url, additional_headers={"Cookie": cookie, "Origin": base_url},
                                  max_size=None) as ws:
        await ws.recv()  # the state
        for category in CATEGORIES:
            await ws.send(json.dumps({"type": "category", "category": category}))
            await ws.send(json.dumps({"type": "stroke", "points": [[0.2, 0.3], [0.8, 0.6]],
                                      "size": 3, "tool": "pen"}))
            revision = [(await _answer(ws))["revision"] for _ in range(2)][-1]
            async with asyncio.timeout(ANSWER_TIMEOUT_S):
                while True:
                    message = json.loads(await ws.recv())
                    if message["type"] in ("result", "unavailable") and (
                        message["revision"] == revision
                    ):
                        break


async def soak(base_url: str, messages: int, sockets: int, seed: int) -> Tally:
    tally = Tally()
    shares = [messages // sockets + (n < messages % sockets) for n in range(sockets)]
    await asyncio.gather(*(_fuzz_one_socket(base_url, share, random.Random(seed * 1000 + n), tally)
                           for n, share in enumerate(shares)))
    return tally


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run(argv: list[str] | None = None) -> dict:
    options = parse_arguments(argv or [])
    with tempfile.TemporaryDirectory(prefix="bench-soak-") as tmp:
        tmp = Path(tmp)
        env = child_environment("", tmp / "media", models_to_serve(tmp), VAR_DIR=tmp)
        for production_only in ("DATABASE_URL", "REDIS_URL", "REDIS_KEY_PREFIX"):
            env.pop(production_only, None)
        migrate(env)
        log_path = tmp / "daphne.log"
        with daphne_process(env, log_path) as (base_url, process):
            asyncio.run(warm_up(base_url))
            before = rss_mb(process.pid)
            started = time.monotonic()
            half = options.messages // 2
            first = asyncio.run(soak(base_url, half, options.sockets, options.seed))
            halfway = rss_mb(process.pid)  # growth that stops is warming up; growth that goes
            tally = asyncio.run(soak(base_url, options.messages - half, options.sockets,
                                     options.seed + 1))  # on is a leak
            tally = Tally(*(a + b for a, b in zip(astuple(first), astuple(tally), strict=True)))
            seconds = time.monotonic() - started
            after = rss_mb(process.pid)
            server_log = log_path.read_text(errors="replace")  # before the server stops
    tracebacks = server_log.count("Traceback (most recent call last)")
    if tracebacks:
        first = server_log.index("Traceback (most recent call last)")
        print("first traceback in the server log:\n" + server_log[max(0, first - 300):first + 3000])
    crashes = tally.crashes + tracebacks
    figures = {"messages": tally.fuzzed, "answered": tally.answered, "acks": tally.acks,
               "errors": tally.errors, "closed_4429": tally.closed_abusive, "crashes": crashes,
               "server_tracebacks": tracebacks, "rss_before_mb": round(before, 1),
               "rss_halfway_mb": round(halfway, 1), "rss_after_mb": round(after, 1),
               "rss_growth_mb": round(after - before, 1),
               "seconds": round(seconds, 1)}
    met = (figures["messages"] >= TARGETS["messages"] and crashes == TARGETS["crashes"]
           and figures["answered"] == figures["messages"]
           and figures["rss_growth_mb"] <= TARGETS["rss_growth_mb"])
    print(f"soak[embedded, DEBUG on] messages fuzzed {figures['messages']}, answered"
          f" {figures['answered']} ({figures['acks']} acks, {figures['errors']} errors),"
          f" crashes {crashes} ({tracebacks} tracebacks in the server log), sockets closed 4429"
          f" after {MAX_ERRORS_BEFORE_CLOSE} refusals {figures['closed_4429']};"
          f" RSS {figures['rss_before_mb']:.0f} MB -> {figures['rss_halfway_mb']:.0f} MB"
          f" half-way -> {figures['rss_after_mb']:.0f} MB"
          f" ({figures['rss_growth_mb']:+.0f} MB) in {figures['seconds']:.0f} s"
          f" (target {TARGETS['messages']} messages, 0 crashes,"
          f" growth <= {TARGETS['rss_growth_mb']} MB: {'met' if met else 'MISSED'})", flush=True)
    return figures


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__)
    parser.add_argument("--messages", type=int, default=MESSAGES)
    parser.add_argument("--sockets", type=int, default=SOCKETS)
    parser.add_argument("--seed", type=int, default=SEED)
    return parser.parse_args(argv)


if __name__ == "__main__":
    import os
    import sys

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "drawapp.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    django.setup()
    run(sys.argv[1:])
