"""A run's checkpoint: every tensor (networks, optimizers, RNG) in one safetensors file and the rest
(steps, schedulers, scaler, numpy and Python RNG) in state.json, never pickles. A run resumed from
it ends bit-identical to one never interrupted."""
import json
import random
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import torch
from safetensors.torch import load_file, save_file

from inference.files import write_atomically
from training.trainer.runs import CHECKPOINT_DIR, CHECKPOINT_STATE, write_json

if TYPE_CHECKING:
    from training.trainer.loop import Trainer



def save_checkpoint(trainer: "Trainer", wall_time_s: float) -> Path:
    """checkpoint/step_XXXXX.safetensors (every tensor) + state.json (the rest), atomically."""
    folder = trainer.run_dir / CHECKPOINT_DIR
    folder.mkdir(parents=True, exist_ok=True)
    tensors = {}
    for prefix, module in (("generator", trainer.generator),
                           ("discriminator", trainer.discriminator)):
        for key, value in module.state_dict().items():
            tensors[f"{prefix}.{key}"] = _contiguous_cpu(value)
    optimizers = {}
    for name, optimizer in (("optimizer_g", trainer.optimizer_g),
                            ("optimizer_d", trainer.optimizer_d)):
        flat, optimizers[name] = _flatten_optimizer(optimizer.state_dict(), name)
        tensors.update({key: _contiguous_cpu(value) for key, value in flat.items()})
    tensors["rng.torch"] = torch.get_rng_state()
    if torch.cuda.is_available():
        for index, state in enumerate(torch.cuda.get_rng_state_all()):
            tensors[f"rng.cuda.{index}"] = state
    tensor_file = f"step_{trainer.step:06d}.safetensors"
    write_atomically(folder / tensor_file, lambda target: save_file(tensors, str(target)))
    state = {
        "step": trainer.step,
        "total_steps": trainer.total_steps,
        "tensors": tensor_file,
        "optimizers": optimizers,
        "schedulers": {"scheduler_g": trainer.scheduler_g.state_dict(),
                       "scheduler_d": trainer.scheduler_d.state_dict()},
        "scaler": trainer.scaler.state_dict(),
        "rng": {"numpy": _numpy_rng_state(), "python": _python_rng_state()},
        "sampler": {"seed": trainer.config.seed, "next_step": trainer.step,
                    "steps_per_epoch": trainer.steps_per_epoch},
        "wall_time_s": wall_time_s,
        "saved": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    write_json(folder / CHECKPOINT_STATE, state)
    for old in folder.glob("step_*.safetensors"):
        if old.name != tensor_file:
            old.unlink()
    return folder / tensor_file

def load_checkpoint(trainer: "Trainer") -> None:
    folder = trainer.run_dir / CHECKPOINT_DIR
    state = json.loads((folder / CHECKPOINT_STATE).read_text())
    if state["total_steps"] != trainer.total_steps:
        raise ValueError(f"checkpoint was made for {state['total_steps']} steps, "
                         f"this run has {trainer.total_steps}")
    tensors = load_file(str(folder / state["tensors"]))
    for prefix, module in (("generator", trainer.generator),
                           ("discriminator", trainer.discriminator)):
        module.load_state_dict({key[len(prefix) + 1:]: value for key, value in tensors.items()
                                if key.startswith(prefix + ".")})
    for name, optimizer in (("optimizer_g", trainer.optimizer_g),
                            ("optimizer_d", trainer.optimizer_d)):
        optimizer.load_state_dict(
            _unflatten_optimizer(tensors, state["optimizers"][name], name))
    trainer.scheduler_g.load_state_dict(state["schedulers"]["scheduler_g"])
    trainer.scheduler_d.load_state_dict(state["schedulers"]["scheduler_d"])
    if state["scaler"]:
        trainer.scaler.load_state_dict(state["scaler"])
    torch.set_rng_state(tensors["rng.torch"])
    cuda_states = [tensors[key] for key in sorted(tensors) if key.startswith("rng.cuda.")]
    if cuda_states and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(cuda_states[: torch.cuda.device_count()])
    _set_numpy_rng_state(state["rng"]["numpy"])
    _set_python_rng_state(state["rng"]["python"])
    trainer.step = state["step"]
    trainer.previous_wall_time_s = state["wall_time_s"]


def _flatten_optimizer(state: dict, prefix: str) -> tuple[dict, dict]:
    """Optimizer state_dict -> (tensors for safetensors, everything else for JSON)."""
    tensors, scalars = {}, {}
    for parameter_id, parameter_state in state["state"].items():
        for name, value in parameter_state.items():
            if torch.is_tensor(value):
                tensors[f"{prefix}.{parameter_id}.{name}"] = value
            else:
                scalars.setdefault(str(parameter_id), {})[name] = value
    groups = [{**group, "betas": list(group["betas"])} if "betas" in group else dict(group)
              for group in state["param_groups"]]
    return tensors, {"param_groups": groups, "scalars": scalars}


def _unflatten_optimizer(tensors: dict, document: dict, prefix: str) -> dict:
    state: dict[int, dict] = {}
    for key, value in tensors.items():
        if key.startswith(prefix + "."):
            parameter_id, name = key[len(prefix) + 1:].split(".", 1)
            state.setdefault(int(parameter_id), {})[name] = value
    for parameter_id, scalars in document["scalars"].items():
        state.setdefault(int(parameter_id), {}).update(scalars)
    groups = [{**group, "betas": tuple(group["betas"])} if "betas" in group else dict(group)
              for group in document["param_groups"]]
    return {"state": state, "param_groups": groups}


def _numpy_rng_state() -> dict:
    name, keys, position, has_gauss, gauss = np.random.get_state()
    return {"name": name, "keys": keys.tolist(), "position": int(position),
            "has_gauss": int(has_gauss), "gauss": float(gauss)}


def _set_numpy_rng_state(state: dict) -> None:
    np.random.set_state((state["name"], np.array(state["keys"], dtype=np.uint32),
                         state["position"], state["has_gauss"], state["gauss"]))


def _python_rng_state() -> list:
    version, internal, gauss_next = random.getstate()
    return [version, list(internal), gauss_next]


def _set_python_rng_state(state: list) -> None:
    version, internal, gauss_next = state
    random.setstate((version, tuple(internal), gauss_next))


def _contiguous_cpu(tensor: torch.Tensor) -> torch.Tensor:
    return tensor.detach().cpu().contiguous()

