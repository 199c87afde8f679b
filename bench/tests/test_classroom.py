"""The classroom benchmark's measuring code: its sums on known logs, and a tiny class for real."""
import asyncio
import math

import pytest

from bench.classroom import (
    ClientLog,
    classroom,
    parse_arguments,
    scale_out,
    seed_models,
    summarize,
)
from drawapp.processes import child_environment, daphne_server, database_url_of_this_connection
from inference.networks import GENERATOR_PRESETS, build_generator, count_parameters
from inference.registry import Registry


def test_summary_of_known_logs():
    answered = ClientLog(sent=[0.0, 1.0, 2.0],
                         answers=[(0.01, {"type": "ack", "revision": 1}),
                                  (1.02, {"type": "ack", "revision": 2})],
                         pictures=[(0.3, 1, 10.0), (1.5, 2, 20.0)])
    superseded = ClientLog(sent=[0.0, 0.1],
                           answers=[(0.01, {"type": "ack", "revision": 1}),
                                    (0.11, {"type": "error", "code": "rate_limited"})],
                           pictures=[(0.5, 1, 30.0)])
    closed = ClientLog(sent=[0.5], closed_by_server="1011 Server error")
    idle = ClientLog()

    figures = summarize([answered, superseded, closed], [idle], picture_threads=2)

    assert (figures["strokes"], figures["acks"], figures["errors"], figures["unanswered"]) \
        == (6, 3, 1, 2)
    assert figures["sockets_closed"] == 1 and figures["close_reasons"] == ["1011 Server error"]
    assert (figures["pictured"], figures["never_pictured"], figures["pictures"]) == (3, 0, 3)
    assert figures["picture_max_ms"] == pytest.approx(500)
    assert figures["picture_p50_ms"] == pytest.approx(500)  # of 300, 500, 500
    assert figures["ack_p95_ms"] == pytest.approx(20)  # of 10, 20, 10, 10
    assert figures["span_s"] == pytest.approx(1.5)
    assert figures["pictures_per_s"] == pytest.approx(2)
    assert figures["model_busy"] == pytest.approx(0.06 / 1.5 / 2)


def test_a_newer_picture_counts_for_the_strokes_it_includes():
    log = ClientLog(sent=[0.0, 0.2, 0.4],
                    answers=[(0.01 + t, {"type": "ack", "revision": r})
                             for r, t in ((1, 0.0), (2, 0.2), (3, 0.4))],
                    pictures=[(0.6, 2, 5.0)])

    delays, missing = log.picture_delays()

    assert delays == pytest.approx([0.6, 0.4]) and missing == 1
    assert log.waiting()  # revision 3 still has no picture


@pytest.mark.parametrize("argv", [["--clients", "0"], ["--seconds", "-1"], ["--idle", "-2"],
                                  ["--pool-threads", "-1"], ["--parts", "embedded,nope"]])
def test_bad_arguments_are_refused(argv):
    with pytest.raises(SystemExit):
        parse_arguments(argv)


def test_scale_out_is_judged_only_where_one_worker_was_saturated():
    keeping_up = {"pictures": 600, "acks": 600, "pictures_per_s": 10.0, "picture_p95_ms": 150}
    saturated = {"pictures": 240, "acks": 600, "pictures_per_s": 3.6, "picture_p95_ms": 9000}
    short_of = {"pictures": 240, "acks": 600}  # two workers that still skip revisions
    assert scale_out(keeping_up, {"pictures_per_s": 10.0}) == (
        1.0, "one worker keeps up with this class: nothing to share")
    assert scale_out(saturated, {**short_of, "pictures_per_s": 6.66}) == (
        pytest.approx(1.85), "met")
    assert scale_out(saturated, {**short_of, "pictures_per_s": 5.4}) == (
        pytest.approx(1.5), "MISSED")


def test_a_worker_whose_class_waits_seconds_does_not_keep_up():
    """Nine pictures in ten, but a round of the line takes seconds: one worker is saturated,
    and where two picture the whole class its strokes, not the workers, cap the ratio."""
    slow = {"pictures": 569, "acks": 600, "pictures_per_s": 9.28, "picture_p95_ms": 3114}
    whole_class = {"pictures": 600, "acks": 600, "pictures_per_s": 9.98}
    assert scale_out(slow, whole_class) == (
        pytest.approx(1.075, abs=1e-3),
        "two workers picture the whole class, whose strokes cap the ratio")
    assert scale_out(slow, {"pictures": 400, "acks": 600, "pictures_per_s": 9.98})[1] == "MISSED"


def test_the_seed_parts_serve_a_trained_seed_generator_for_panda(tmp_path):
    models = seed_models(tmp_path)
    loaded = Registry(models, "cpu").load("panda")
    assert loaded.card["training"]["steps"] > 0  # served like any trained model
    architecture, arguments = GENERATOR_PRESETS["resnet9"]
    assert count_parameters(loaded.module) == count_parameters(
        build_generator(architecture, **arguments)) == 11_371_907
    assert seed_models(tmp_path) == models  # made once per run, shared by both seed parts


@pytest.mark.django_db(transaction=True)
def test_a_tiny_class_gets_one_answer_per_stroke_and_a_picture_for_each(
        trained_panda, settings, tmp_path):
    env = child_environment(database_url_of_this_connection(), settings.MEDIA_ROOT,
                            settings.MODELS_DIR)
    env.pop("REDIS_URL", None)  # the embedded default: pictures made in the web process
    with daphne_server(env, tmp_path / "daphne.log") as base_url:
        drawing, idle = asyncio.run(classroom(base_url, clients=3, seconds=1.2, interval=0.4,
                                              idle=2, drain_timeout=60))

    server_log = (tmp_path / "daphne.log").read_text(errors="replace")[-3000:]
    for log in drawing + idle:
        assert log.closed_by_server is None, server_log
    for log in drawing:
        assert len(log.sent) >= 2
        assert [answer for _, answer in log.answers] == [
            {"type": "ack", "revision": revision} for revision in range(1, len(log.sent) + 1)]
        assert max(revision for _, revision, _ in log.pictures) == len(log.sent)
    figures = summarize(drawing, idle, picture_threads=1)
    strokes = sum(len(log.sent) for log in drawing)
    assert (figures["strokes"], figures["acks"], figures["pictured"]) == (strokes,) * 3
    assert (figures["errors"], figures["unanswered"], figures["never_pictured"],
            figures["sockets_closed"], figures["unavailable"]) == (0, 0, 0, 0, 0)
    assert 3 <= figures["pictures"] <= strokes
    assert 0 < figures["ack_p50_ms"] <= figures["picture_p50_ms"] <= figures["picture_max_ms"]
    assert 0 < figures["model_busy"] < 1 and not math.isnan(figures["pictures_per_s"])
