"""Stroke-to-picture latency over a real WebSocket, and how much of it is not the model."""

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.request import HTTPCookieProcessor, build_opener

import websockets

from drawapp.processes import ROOT, celery_worker, child_environment, daphne_server

STROKES = 30
WARM_UP = 3
TARGET_MS = {"embedded": 30.0, "redis+celery": 60.0}


def start_drawing(base_url: str) -> tuple[str, str]:
    """Open /draw/ like a browser; returns (drawing id, cookie header)."""
    jar = CookieJar()
    opener = build_opener(HTTPCookieProcessor(jar))
    with opener.open(base_url + "/draw/", timeout=30) as response:
        drawing_id = response.geturl().rstrip("/").rsplit("/", 1)[-1]
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    return drawing_id, cookie


def stroke(index: int) -> dict:
    y = 0.1 + 0.8 * (index % 20) / 20
    return {
        "type": "stroke",
        "points": [[0.1, y], [0.5, y + 0.05], [0.9, y]],
        "size": 3,
        "tool": "pen",
    }


async def measure(base_url: str) -> list[tuple[float, float]]:
    drawing_id, cookie = start_drawing(base_url)
    url = base_url.replace("http://", "ws://") + f"/ws/draw/{drawing_id}/"
    samples = []
    async with websockets.connect(
        url, additional_headers={"Cookie": cookie, "Origin": base_url}
    ) as ws:
        await ws.recv()  # state
        for index in range(WARM_UP + STROKES):
            sent = time.perf_counter()
            await ws.send(json.dumps(stroke(index)))
            while True:
                message = json.loads(await asyncio.wait_for(ws.recv(), 120))
                if message["type"] == "unavailable":
                    raise RuntimeError("no trained model to measure with")
                if message["type"] == "result" and message["revision"] == index + 1:
                    break
            total_ms = (time.perf_counter() - sent) * 1000
            if index >= WARM_UP:
                samples.append((total_ms, message["model_ms"]))
    return samples


def percentile(values: list[float], q: float) -> float:
    """The nearest-rank q-quantile (0 <= q <= 1) of values; NaN for none."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def report(mode: str, samples: list[tuple[float, float]]) -> None:
    totals = [total for total, _ in samples]
    other = [total - model for total, model in samples]
    pct = percentile
    model_p50 = statistics.median(model for _, model in samples)
    verdict = "met" if pct(other, 0.5) < TARGET_MS[mode] else "MISSED"
    print(
        f"latency[{mode}] stroke->picture p50 {pct(totals, 0.5):.1f} ms,"
        f" p95 {pct(totals, 0.95):.1f} ms; model p50 {model_p50:.1f} ms;"
        f" not-model p50 {pct(other, 0.5):.1f} ms, p95 {pct(other, 0.95):.1f} ms"
        f" (target p50 < {TARGET_MS[mode]:.0f} ms: {verdict})"
    )


def models_to_serve(tmp: Path) -> Path:
    """The shipped models when panda has an active one (what children get), else a tiny one."""
    from django.conf import settings

    from inference.registry import Registry
    from inference.testing import make_trained_model

    if Registry(settings.MODELS_DIR, "cpu").active_version("panda"):
        return Path(settings.MODELS_DIR)
    make_trained_model(tmp / "models", "panda")
    return tmp / "models"


def run() -> None:
    """Embedded default (SQLite, in-process pictures) and production's Redis + Celery worker
    (on DATABASE_URL's PostgreSQL when set), each over a real Daphne WebSocket."""
    with tempfile.TemporaryDirectory(prefix="bench-latency-") as tmp:
        tmp = Path(tmp)
        env = child_environment("", tmp / "media", models_to_serve(tmp), VAR_DIR=tmp)
        for production_only in ("DATABASE_URL", "REDIS_URL"):  # the embedded default has neither
            env.pop(production_only, None)
        migrate(env)
        with daphne_server(env, tmp / "daphne.log") as base_url:
            report("embedded", asyncio.run(measure(base_url)))

        redis_env = {
            **env,
            "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{tmp / 'db.sqlite3'}",
            "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
            "REDIS_KEY_PREFIX": f"bench-{uuid.uuid4().hex[:8]}:",
        }
        migrate(redis_env)
        with (
            celery_worker(redis_env, ["gen.panda"], tmp / "worker.log"),
            daphne_server(redis_env, tmp / "daphne-redis.log") as base_url,
        ):
            report("redis+celery", asyncio.run(measure(base_url)))


def migrate(env: dict) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v", "0"], check=True, cwd=ROOT, env=env
    )
