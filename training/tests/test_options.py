"""Training options are declared once: command line, admin form and a run's command agree."""
import argparse
import shlex

import pytest
from django.core.management import CommandError

from training.forms import FORM_OPTIONS, RetrainForm
from training.management.commands.train import Command
from training.trainer import TrainConfig
from training.trainer.options import MAIN, config_from_arguments, declared_options


def train_parser() -> argparse.ArgumentParser:
    return Command().create_parser("manage.py", "train")


def parse(*words: str) -> TrainConfig:
    arguments = vars(train_parser().parse_args(["panda", *words]))
    return config_from_arguments("panda", "shapes", arguments)


def test_the_command_line_defaults_are_the_configs():
    assert parse() == TrainConfig(category="panda", dataset="shapes")


def test_every_option_has_a_command_line_argument_with_its_help():
    actions = {action.dest: action for action in train_parser()._actions}
    for declared in declared_options():
        assert declared.name in actions, declared.name
        assert declared.help in actions[declared.name].help


def test_a_runs_command_rebuilds_the_same_config():
    config = TrainConfig(category="panda", dataset="shapes", generator="small", steps=7,
                         batch_size=3, lr=1e-3, beta1=0.4, lambda_l1=25.0, gan_mode="vanilla",
                         mirror=False, gaps=False, generator_args={"ngf": 8}, seed=5,
                         sample_every=2, version="v7")
    words = shlex.split(config.command())
    assert words[:6] == ["python", "manage.py", "train", "panda", "--dataset", "shapes"]
    assert parse(*words[6:]) == config


@pytest.mark.django_db
def test_the_retrain_form_offers_the_declared_defaults_bounds_and_help():
    form = RetrainForm()
    assert [declared.name for declared in FORM_OPTIONS if declared.form == MAIN] == list(
        RetrainForm.MAIN_FIELDS[1:])
    for declared in FORM_OPTIONS:
        field = form.fields[declared.name]
        assert field.initial == declared.default or (field.initial is dict
                                                     and declared.default == {}), declared.name
        assert declared.help[1:] in field.help_text
        if declared.low is not None and declared.type is not bool:
            assert field.min_value == declared.low
        if declared.high is not None:
            assert field.max_value == declared.high


def test_values_outside_the_declared_bounds_are_refused_everywhere():
    with pytest.raises(ValueError, match=r"batch_size must be in \[1, 256\]"):
        TrainConfig(category="panda", dataset="shapes", batch_size=257)
    with pytest.raises(CommandError, match="invalid choice: 'hinge'"):
        train_parser().parse_args(["panda", "--gan-mode", "hinge"])
    form = RetrainForm(data={"generator": "small", "batch_size": 257, "lambda_l1": 10,
                             "gan_mode": "lsgan", "image_size": 256, "ndf": 64, "n_layers": 3,
                             "checkpoint_every": 500, "seed": 0})
    assert "batch_size" in form.errors
