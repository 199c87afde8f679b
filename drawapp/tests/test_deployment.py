"""The compose file and Dockerfile refer only to things that exist (Docker cannot run here)."""

import importlib
from pathlib import Path

import yaml
from django.conf import settings
from django.core.management import get_commands

from inference.categories import CATEGORIES, queue_for

ROOT = Path(settings.BASE_DIR)
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def option(command: list[str], name: str) -> str:
    for index, part in enumerate(command):
        if part == name:
            return command[index + 1]
        if part.startswith(name + "="):
            return part.split("=", 1)[1]
    raise AssertionError(f"{name} missing from {command}")


def test_every_app_service_command_refers_to_something_real():
    checked = 0
    for name, service in SERVICES.items():
        command = service.get("command")
        if "build" not in service or not command:
            continue
        program = command[0]
        if program == "daphne":
            module, attribute = command[-1].split(":")
            assert hasattr(importlib.import_module(module), attribute), name
        elif program == "celery":
            app = importlib.import_module(option(command, "-A"))
            assert app.celery_app.main == "drawapp", name
        elif program == "python":
            assert (ROOT / command[1]).exists() and command[2] in get_commands(), name
        else:
            raise AssertionError(f"{name}: unknown program {program}")
        checked += 1
    assert checked >= 3


def test_gpu_worker_serves_every_category_queue_one_task_at_a_time():
    worker = SERVICES["gpu-worker"]
    command = worker["command"]
    assert option(command, "--pool") == "solo"
    assert option(command, "--prefetch-multiplier") == "1"
    assert set(option(command, "-Q").split(",")) == {queue_for(c) for c in CATEGORIES}
    devices = worker["deploy"]["resources"]["reservations"]["devices"]
    assert devices[0]["driver"] == "nvidia" and "gpu" in devices[0]["capabilities"]
    assert settings.CELERY_TASK_ACKS_LATE is True


def test_cpu_worker_makes_a_picture_per_pool_thread_each_on_one_torch_thread():
    worker = SERVICES["cpu-worker"]
    command = worker["command"]
    assert worker["profiles"] == ["cpu"]  # started only where asked for, instead of GPUs
    assert option(command, "--pool") == "threads"
    assert option(command, "--concurrency") == "${CPU_WORKER_THREADS:-2}"
    assert option(command, "--prefetch-multiplier") == "1"
    assert option(command, "-Q") == option(SERVICES["gpu-worker"]["command"], "-Q")
    assert worker["environment"]["OMP_NUM_THREADS"] == "1"
    assert worker["environment"]["INFERENCE_DEVICE"] == "cpu"


def test_gpu_workers_scale_out_and_a_lost_job_comes_back_within_a_minute():
    from drawapp.pictures.line import LEASE_S

    assert SERVICES["gpu-worker"]["deploy"]["replicas"] == "${GPU_WORKERS:-1}"
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert LEASE_S < visibility <= 60  # the line's lease runs out before the job comes back


def test_training_worker_takes_the_training_queue_one_run_at_a_time_on_a_gpu():
    from training.tasks import TRAINING_QUEUE, build_training_dataset, run_training

    worker = SERVICES["training-worker"]
    command = worker["command"]
    assert option(command, "-Q") == TRAINING_QUEUE
    assert option(command, "--pool") == "solo"
    assert option(command, "--prefetch-multiplier") == "1"
    devices = worker["deploy"]["resources"]["reservations"]["devices"]
    assert devices[0]["driver"] == "nvidia" and "gpu" in devices[0]["capabilities"]
    assert run_training.acks_late and build_training_dataset.acks_late
    router = run_training.app.amqp.router
    for task in (run_training, build_training_dataset):
        assert router.route({}, task.name)["queue"].name == TRAINING_QUEUE


def test_training_shares_its_models_and_data_with_the_web_and_the_gpu_workers():
    # A promoted version must be the file the GPU workers read; an upload the web kept must be
    # the file the training worker builds from.
    for name in ("web", "gpu-worker", "training-worker"):
        assert set(SERVICES[name]["volumes"]) == set(SERVICES["web"]["volumes"]), name
        assert SERVICES[name]["environment"]["VAR_DIR"] == SERVICES["web"]["environment"]["VAR_DIR"]


def test_web_caps_websocket_frames_where_the_protocol_and_runserver_do():
    from drawapp.protocol import SERVER_FRAME_BYTES

    cap = int(option(SERVICES["web"]["command"], "--websocket-max-message-size"))
    assert cap == SERVER_FRAME_BYTES == settings.DAPHNE_WEBSOCKET_MAX_MESSAGE_SIZE


def test_services_use_postgres_and_redis():
    env = SERVICES["web"]["environment"]
    assert env["DATABASE_URL"].startswith("postgres://")
    assert env["REDIS_URL"].startswith("redis://")
    assert {"postgres", "redis"} <= set(SERVICES)


def test_dockerfile_copies_files_that_exist():
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        if line.startswith("COPY ") and not line.startswith("COPY . "):
            for source in line.split()[1:-1]:
                assert (ROOT / source).exists(), source
    for volume in SERVICES["web"]["volumes"]:
        host = volume.split(":")[0]
        if host.startswith("./"):
            assert (ROOT / host).exists(), host


def test_web_is_served_behind_tls_and_reads_the_client_address_from_the_proxy():
    environment = SERVICES["web"]["environment"]
    assert environment["HTTPS"] in ("1", "${HTTPS:-1}")  # on unless the operator says HTTPS=0
    assert environment["HTTPS_PROXY_HEADER"] == "X-Forwarded-Proto"
    command = SERVICES["web"]["command"]
    assert "--proxy-headers" in command
    assert option(command, "--proxy-headers-host") == "X-Real-IP"
