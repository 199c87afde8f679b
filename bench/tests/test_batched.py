"""The batched benchmark's line simulation on known service times, and one real run on the CPU."""
import pytest

from bench.batched import children_served, run, service_seconds, simulate
from bench.latency import percentile

TENTH = {1: 0.1}  # a forward of 100 ms, one drawing at a time


def test_a_lone_child_waits_one_service_per_stroke():
    delays = simulate(1, TENTH, cpu_seconds=0.0, max_batch=1, seconds=30)
    assert len(delays) == 10 and delays == pytest.approx([0.1] * 10)


def test_a_batch_pictures_every_waiting_drawing_in_one_service():
    times = {1: 0.1, 2: 0.1, 4: 0.12}
    assert service_seconds(3, times, 0.01) == pytest.approx(0.12 + 0.03)
    assert service_seconds(8, times, 0.0) == pytest.approx(0.24)  # past the largest: in step
    one_at_a_time = percentile(simulate(40, times, 0.0, max_batch=1), 0.95)
    four_at_once = percentile(simulate(40, times, 0.0, max_batch=4), 0.95)
    assert four_at_once < one_at_a_time


def test_strokes_made_while_waiting_share_one_picture():
    # 100 children on a 1 s forward: the line is long, so each picture covers several strokes.
    delays = simulate(100, {1: 1.0}, 0.0, max_batch=1, seconds=30)
    assert len(delays) == 100 * 10  # every stroke of the 30 s gets a picture...
    assert max(delays) <= 100 * 1.0 + 1.0  # ...within one trip round the line of 100


def test_children_served_is_the_most_that_keep_the_p95():
    served = children_served(TENTH, 0.0, max_batch=1)
    assert served >= 1

    def p95(children):
        return percentile(simulate(children, TENTH, 0.0, max_batch=1), 0.95)

    assert p95(served) <= 0.3 < p95(served + 1)
    assert children_served({1: 1.0}, 0.0, max_batch=1) == 0  # one forward is past the target


@pytest.mark.django_db
def test_a_run_on_the_cpu_prints_its_figures(capsys):
    figures = run("small")
    out = capsys.readouterr().out
    assert "roofline" in out and "children" in out
    assert set(figures["times"]) == {1, 2, 4} and all(t > 0 for t in figures["times"].values())
    assert figures["children"] >= 1 and figures["cpu_seconds"] > 0
