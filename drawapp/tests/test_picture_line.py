"""The line of drawings waiting for pictures, the same rules in memory and in Redis."""
import os
import time
import uuid

import pytest
from django.core.exceptions import ImproperlyConfigured

from drawapp.pictures.line import MemoryLine, RedisLine

LEASE_S = 0.3


@pytest.fixture(params=["memory", "redis"])
def line(request):
    if request.param == "memory":
        yield MemoryLine(lease_s=LEASE_S)
        return
    if not os.environ.get("REDIS_URL"):
        if os.environ.get("REQUIRE_SERVICES"):
            pytest.fail("REDIS_URL is required")
        pytest.skip("needs REDIS_URL")
    prefix = f"test-{uuid.uuid4().hex[:8]}:"
    redis_line = RedisLine(os.environ["REDIS_URL"], prefix, lease_s=LEASE_S)
    yield redis_line
    for key in redis_line.redis.scan_iter(f"{prefix}*"):
        redis_line.redis.delete(key)


def test_a_drawing_joins_the_line_once_and_is_taken_at_its_newest_revision(line):
    assert line.offer("a", 1, "panda") is True  # wake a worker
    assert line.offer("a", 2, "panda") is False  # already waiting
    assert line.offer("a", 3, "panda") is False
    assert line.take("panda", 8) == [("a", 3)]  # revisions 1 and 2 cost nothing
    assert line.take("panda", 8) == []


def test_the_line_goes_round_the_drawings_so_a_busy_child_waits_its_turn(line):
    line.offer("busy", 1, "panda")
    for drawing in ("b", "c"):
        line.offer(drawing, 1, "panda")
    assert line.take("panda", 1) == [("busy", 1)]
    for revision in range(2, 12):  # ten strokes while its picture is made
        assert line.offer("busy", revision, "panda") is False  # leased: no second worker
    assert line.finish("busy", 1, "panda") is True  # back in line, at the end
    assert line.take("panda", 8) == [("b", 1), ("c", 1), ("busy", 11)]


def test_a_worker_takes_a_batch_of_one_category_only(line):
    for drawing in ("a", "b", "c"):
        line.offer(drawing, 1, "panda")
    line.offer("d", 1, "car")
    assert line.take("panda", 2) == [("a", 1), ("b", 1)]
    assert line.take("car", 8) == [("d", 1)]
    assert line.take("panda", 8) == [("c", 1)]


def test_a_revision_already_pictured_or_older_is_not_asked_again(line):
    line.offer("a", 5, "panda")
    line.take("panda", 8)
    assert line.finish("a", 5, "panda") is False
    assert line.offer("a", 5, "panda") is False  # a reconnect asking again: it is done
    assert line.offer("a", 4, "panda") is False  # an older offer arriving late
    assert line.take("panda", 8) == []
    assert line.offer("a", 6, "panda") is True


def test_a_reconnect_asks_again_for_a_picture_never_made(line):
    line.offer("a", 1, "panda")
    line.take("panda", 8)
    time.sleep(LEASE_S + 0.1)  # the worker died: its lease ran out, nothing was finished
    assert line.offer("a", 1, "panda") is True
    assert line.take("panda", 8) == [("a", 1)]


def test_a_lost_lease_puts_the_drawing_back_at_the_front_for_the_next_worker(line):
    line.offer("lost", 3, "panda")
    assert line.take("panda", 8) == [("lost", 3)]
    line.offer("b", 1, "panda")
    time.sleep(LEASE_S + 0.1)
    assert line.take("panda", 8) == [("lost", 3), ("b", 1)]


def test_an_unfinished_lease_keeps_others_from_taking_the_drawing(line):
    line.offer("a", 1, "panda")
    line.take("panda", 8)
    line.offer("a", 2, "panda")
    assert line.take("panda", 8) == []  # the second worker finds nothing to do
    assert line.finish("a", 1, "panda") is True
    assert line.take("panda", 8) == [("a", 2)]


def test_the_broker_must_not_hand_back_a_lost_job_before_its_lease_ran_out(settings):
    settings.BROKER_VISIBILITY_TIMEOUT_S = 10
    with pytest.raises(ImproperlyConfigured, match="must be longer than the picture line's"):
        RedisLine("redis://127.0.0.1:6379/0", lease_s=20)


def test_memory_remembers_a_bounded_number_of_drawings(monkeypatch):
    monkeypatch.setattr("drawapp.pictures.line.MEMORY_RECORDS", 3)
    line = MemoryLine()
    for n in range(5):
        line.offer(f"d{n}", 1, "panda")
        line.take("panda", 1)
        line.finish(f"d{n}", 1, "panda")
    assert line.offer("d4", 1, "panda") is False  # still known to be pictured
    assert line.offer("d0", 1, "panda") is True  # forgotten: asked again (its picture is found)
