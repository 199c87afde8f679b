"""Trainer pieces: options, the pix2pix LR schedule, seeded batches, the stop and progress hooks."""
import pytest
import torch

from training.trainer import LinearDecay, SeededBatchSampler, TrainConfig, Trainer

from .tiny_runs import tiny_config, write_tiny_dataset

pytestmark = pytest.mark.usefixtures("on_one_torch_thread")


def test_defaults_are_the_seed_recipe():
    config = TrainConfig(category="panda", dataset="x")
    assert config.generator_spec() == ("resnet", {"ngf": 64, "n_blocks": 9})
    assert (config.lr, config.betas, config.lambda_l1, config.gan_mode) == (
        2e-4, (0.5, 0.999), 10.0, "lsgan")
    assert (config.ndf, config.n_layers, config.num_workers) == (64, 3, 0)
    assert config.jitter and config.mirror and config.sketch_augment


def test_generator_args_override_a_preset_or_build_an_architecture():
    small = TrainConfig(category="panda", dataset="x", generator="small",
                        generator_args={"n_blocks": 2})
    assert small.generator_spec() == ("resnet", {"ngf": 16, "n_blocks": 2})
    unet = TrainConfig(category="panda", dataset="x", architecture="unet",
                       generator_args={"ngf": 8, "num_downs": 5})
    assert unet.generator_spec() == ("unet", {"ngf": 8, "num_downs": 5})


@pytest.mark.parametrize(("option", "value", "message"), [
    ("generator", "resnet99", "generator"), ("gan_mode", "hinge", "gan mode"),
    ("batch_size", 0, "batch_size"), ("steps", -3, "steps"), ("image_size", 50, "image size"),
    ("lr", 0.0, "lr"), ("beta2", 1.5, "beta2"),
])
def test_bad_options_are_refused_by_name(option, value, message):
    with pytest.raises(ValueError, match=message):
        TrainConfig(category="panda", dataset="x", **{option: value})


def test_config_survives_its_json_form():
    config = TrainConfig(category="car", dataset="cars", generator="medium", steps=9,
                         beta1=0.4, beta2=0.9, wobble=False)
    assert TrainConfig.from_dict(config.to_dict()) == config
    legacy = {**config.to_dict(), "betas": [0.4, 0.9], "activate": True}  # an older run's
    del legacy["beta1"], legacy["beta2"]
    assert TrainConfig.from_dict(legacy) == config
    with pytest.raises(ValueError, match="unknown"):
        TrainConfig.from_dict({**config.to_dict(), "colour": "red"})


def test_learning_rate_is_constant_for_half_the_steps_then_falls_linearly_to_zero():
    decay = LinearDecay(100)
    assert [decay(step) for step in range(50)] == [1.0] * 50  # steps 0..49: the first half
    assert decay(50) == pytest.approx(1 - 1 / 51)
    assert decay(99) == pytest.approx(1 / 51)  # as pix2pix's last epoch: 1 / (n_decay + 1)
    falls = [decay(step) - decay(step + 1) for step in range(50, 99)]
    assert falls == pytest.approx([1 / 51] * 49)  # linear


def test_batches_are_a_fresh_permutation_each_epoch_and_replay_from_any_step():
    sampler = SeededBatchSampler(size=5, batch_size=2, seed=1, start_step=0, total_steps=9)
    batches = list(sampler)
    assert len(batches) == 9 and sampler.steps_per_epoch == 3
    first_epoch = [index for batch in batches[:3] for index, _ in batch]
    assert sorted(first_epoch) == [0, 1, 2, 3, 4]  # every pair once, the last batch short
    second_epoch = [index for batch in batches[3:6] for index, _ in batch]
    assert sorted(second_epoch) == [0, 1, 2, 3, 4] and second_epoch != first_epoch
    later = SeededBatchSampler(size=5, batch_size=2, seed=1, start_step=4, total_steps=9)
    assert list(later) == batches[4:]
    seeds = [seed for batch in batches for _, seed in batch]
    assert len(set(seeds)) == len(seeds)  # every sample its own augmentation


def test_epochs_set_the_number_of_steps(tmp_path):
    dataset = write_tiny_dataset(tmp_path / "data", pairs=5, val=1, size=32)
    trainer = Trainer(tiny_config(str(dataset), steps=None, epochs=3, batch_size=2),
                      runs_dir=tmp_path / "runs", export=False)
    assert trainer.total_steps == 9


def test_weights_start_from_normal_0_002(tmp_path):
    dataset = write_tiny_dataset(tmp_path / "data", pairs=2, val=1, size=32)
    trainer = Trainer(tiny_config(str(dataset), generator_args={"ngf": 32, "n_blocks": 2}),
                      runs_dir=tmp_path / "runs", export=False)
    weights = torch.cat([module.weight.flatten() for module in trainer.generator.modules()
                         if isinstance(module, torch.nn.Conv2d)])
    assert abs(weights.mean().item()) < 0.002 and weights.std().item() == pytest.approx(0.02, 0.05)


def test_progress_reports_each_step_and_should_stop_ends_with_a_checkpoint(tmp_path):
    dataset = write_tiny_dataset(tmp_path / "data", pairs=2, val=1, size=32)
    reports = []
    trainer = Trainer(tiny_config(str(dataset), steps=10), runs_dir=tmp_path / "runs",
                      export=False, should_stop=lambda: len(reports) >= 3,
                      progress=lambda *report: reports.append(report))
    result = trainer.train()
    assert result.stopped and result.step == 3
    assert [(step, total) for step, total, _, _ in reports] == [(1, 10), (2, 10), (3, 10)]
    assert all({"d", "g_gan", "l1", "lr"} <= set(losses) for _, _, losses, _ in reports)
    assert reports[-1][3] >= 0  # an eta in seconds
    assert (result.run_dir / "checkpoint" / "step_000003.safetensors").is_file()
    assert not (result.run_dir / "metrics.json").exists()


def test_same_seed_same_weights_on_cpu(tmp_path):
    dataset = write_tiny_dataset(tmp_path / "data", pairs=2, val=1, size=32)
    config = tiny_config(str(dataset), steps=3, jitter=True, wobble=True, gaps=True)
    one = Trainer(config, runs_dir=tmp_path / "a", export=False)
    one.train()
    two = Trainer(config, runs_dir=tmp_path / "b", export=False)
    two.train()
    for key, value in one.generator.state_dict().items():
        assert torch.equal(value, two.generator.state_dict()[key])


def test_loader_workers_give_the_same_batches_as_the_main_process(tmp_path):
    dataset = write_tiny_dataset(tmp_path / "data", pairs=3, val=1, size=32)
    batches = {}
    for workers in (0, 2):
        config = tiny_config(str(dataset), steps=4, num_workers=workers, jitter=True, gaps=True)
        loader = Trainer(config, runs_dir=tmp_path / "runs", export=False)._loader()
        batches[workers] = [(batch["id"], batch["sketch"]) for batch in loader]
    for (ids, sketches), (worker_ids, worker_sketches) in zip(batches[0], batches[2], strict=True):
        assert ids == worker_ids and torch.equal(sketches, worker_sketches)


def test_a_unet_needs_an_image_size_it_can_halve_all_the_way(tmp_path):
    dataset = write_tiny_dataset(tmp_path / "data", pairs=2, val=1, size=32)
    with pytest.raises(ValueError, match="multiple of 256"):
        Trainer(tiny_config(str(dataset), architecture=None, generator="unet256",
                            generator_args={}), runs_dir=tmp_path / "runs", export=False)
    unet = tiny_config(str(dataset), architecture="unet", generator_args={"ngf": 4, "num_downs": 5},
                       steps=2)
    assert Trainer(unet, runs_dir=tmp_path / "runs", export=False).train().step == 2


def test_a_resnet_with_three_halvings_needs_an_image_size_that_divides_by_8(tmp_path):
    dataset = write_tiny_dataset(tmp_path / "data", pairs=2, val=1, size=32)
    arguments = {"ngf": 4, "n_blocks": 1, "n_downsampling": 3}
    with pytest.raises(ValueError, match="multiple of 8, not 20"):
        Trainer(tiny_config(str(dataset), architecture="resnet", generator_args=arguments,
                            image_size=20), runs_dir=tmp_path / "runs", export=False)
    resnet = tiny_config(str(dataset), architecture="resnet", generator_args=arguments, steps=2)
    assert Trainer(resnet, runs_dir=tmp_path / "runs", export=False).train().step == 2


def test_an_existing_model_version_is_never_overwritten(tmp_path):
    dataset = write_tiny_dataset(tmp_path / "data", pairs=2, val=1, size=32)
    existing = tmp_path / "models" / "panda" / "v1.safetensors"
    existing.parent.mkdir(parents=True)
    existing.write_bytes(b"the served model")
    with pytest.raises(ValueError, match="already exists"):
        Trainer(tiny_config(str(dataset), version="v1"), runs_dir=tmp_path / "runs",
                models_dir=tmp_path / "models")
    assert existing.read_bytes() == b"the served model"
