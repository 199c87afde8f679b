"""Sign-in throttles: free wrong tries, then lockouts that double; a right try forgives only its
own target; refused tries count for nothing; a burst of parallel tries cannot slip past."""
import threading
import time

import pytest
from django.test import RequestFactory

from gallery import throttle
from gallery.throttle import DAY, Guard, Limit, address_of, in_minutes, let_try_again

LIMIT = Limit("test", free_failures=3, first_lockout=60, longest_lockout=300, forget_after=DAY)


def guard(client="10.0.0.1", limit=LIMIT) -> Guard:
    return Guard([(limit, client)])


def test_lockouts_double_with_each_wrong_try_up_to_the_longest():
    assert [LIMIT.lockout_after(n) for n in range(1, 8)] == [0, 0, 60, 120, 240, 300, 300]


def test_free_wrong_tries_then_each_wrong_try_after_a_lockout_locks_again_for_longer(clock):
    for _ in range(LIMIT.free_failures - 1):
        assert not guard().attempt("maya").refused
    third = guard().attempt("maya")
    assert not third.refused and third.locked == guard().keys
    assert guard().attempt("maya").wait == 60
    clock.advance(61)
    assert not guard().attempt("leo").refused  # one more try after waiting, not a fresh set
    assert guard().attempt("leo").wait == 120
    clock.advance(121)
    guard().attempt("leo")
    assert guard().locked_for() == 240


def test_a_right_try_forgives_its_target_and_lifts_the_lockout_it_started(clock):
    for _ in range(LIMIT.free_failures - 1):
        guard().attempt("maya")
    right = guard().attempt("leo")  # uses up the free tries: locked while it is checked
    assert guard().locked_for() == 60
    right.succeeded()
    assert guard().locked_for() == 0
    assert guard().attempt("maya").locked  # maya's two wrong tries still count


def test_a_right_try_on_ones_own_target_does_not_forgive_tries_on_others(clock):
    for _ in range(LIMIT.free_failures - 1):
        guard().attempt("victim")
    for _ in range(5):
        guard().attempt("me").succeeded()
    assert guard().attempt("victim").locked
    assert guard().attempt("me").refused


def test_refused_tries_count_for_nothing(clock):
    for _ in range(LIMIT.free_failures):
        guard().attempt("maya")
    for _ in range(10):
        assert guard().attempt("maya").refused
    clock.advance(61)
    guard().attempt("maya")
    assert guard().locked_for() == 120  # the fourth wrong try, not the fourteenth


def test_a_refused_try_is_not_counted_by_the_clients_that_let_it_through(clock):
    locked_session = Limit("session", free_failures=1, first_lockout=60, longest_lockout=60,
                           forget_after=DAY)
    Guard([(locked_session, "browser")]).attempt("maya")
    both = Guard([(LIMIT, "10.0.0.1"), (locked_session, "browser")])
    for _ in range(LIMIT.free_failures + 2):
        assert both.attempt("maya").refused
    assert guard().locked_for() == 0
    assert not guard().attempt("maya").locked


def test_clients_are_counted_apart(clock):
    for _ in range(LIMIT.free_failures):
        guard("10.0.0.1").attempt("maya")
    assert guard("10.0.0.1").attempt("maya").refused
    assert not guard("10.0.0.2").attempt("maya").refused


def tries_let_through_at_once(limit: Limit, tries: int) -> int:
    """Start `tries` tries on different kids from one client at the same moment."""
    start = threading.Barrier(tries)
    let_through = []

    def one_try(n):
        start.wait()
        if not Guard([(limit, "10.0.0.9")]).attempt(f"kid-{n}").refused:
            let_through.append(n)

    threads = [threading.Thread(target=one_try, args=(n,)) for n in range(tries)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(let_through)


class SlowCache:
    """The cache with a network's delay on each read and write, as Redis has: room for races."""

    def __init__(self, cache):
        self.cache = cache

    def get(self, *args, **kwargs):
        time.sleep(0.002)
        return self.cache.get(*args, **kwargs)

    def set(self, *args, **kwargs):
        time.sleep(0.002)
        return self.cache.set(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.cache, name)


def test_a_parallel_burst_gets_only_the_free_tries(monkeypatch):
    monkeypatch.setattr(throttle, "cache", SlowCache(throttle.cache))
    limit = Limit("burst", free_failures=5, first_lockout=600, longest_lockout=600,
                  forget_after=DAY)
    assert tries_let_through_at_once(limit, 40) == limit.free_failures


def test_wrong_tries_are_forgotten_after_a_quiet_spell():
    quick = Limit("quick", free_failures=2, first_lockout=60, longest_lockout=60, forget_after=1)
    Guard([(quick, "10.0.0.1")]).attempt("maya")
    time.sleep(1.2)
    assert not Guard([(quick, "10.0.0.1")]).attempt("maya").locked


def test_a_stopped_client_can_be_let_try_again_by_its_key(clock):
    for _ in range(LIMIT.free_failures - 1):
        guard("10.0.0.2").attempt("maya")
    stopped = [attempt.locked for attempt in (guard().attempt("maya"), guard().attempt("maya"),
                                              guard().attempt("maya"))]
    assert stopped == [[], [], guard().keys]
    let_try_again(stopped[-1])
    assert guard().locked_for() == 0 and not guard().attempt("maya").refused
    assert guard("10.0.0.2").attempt("maya").locked  # other clients keep their count


@pytest.mark.parametrize("remote, client", [
    ("203.0.113.7", "203.0.113.7"),
    ("::ffff:203.0.113.7", "203.0.113.7"),
    ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
    ("2001:db8:1:2:bbbb::9", "2001:db8:1:2::/64"),
])
def test_an_ipv6_client_is_its_whole_64_network(remote, client):
    assert address_of(RequestFactory().get("/", REMOTE_ADDR=remote)) == client


def test_waits_are_told_in_whole_minutes_rounded_up():
    assert [in_minutes(s) for s in (1, 60, 61, 600)] == ["1 minute", "1 minute", "2 minutes",
                                                          "10 minutes"]


@pytest.mark.integration
def test_throttles_hold_across_processes_in_redis(settings):
    """Production shares the counts through Redis: the same burst, through RedisCache."""
    import os
    import uuid

    if not os.environ.get("REDIS_URL"):
        pytest.skip("needs REDIS_URL")
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": os.environ["REDIS_URL"],
                                   "KEY_PREFIX": f"test-{uuid.uuid4().hex[:8]}"}}
    limit = Limit("redis", free_failures=5, first_lockout=60, longest_lockout=60,
                  forget_after=60)
    assert tries_let_through_at_once(limit, 20) == limit.free_failures
    redis_guard = Guard([(limit, "10.0.0.9")])
    assert 0 < redis_guard.locked_for() <= 60
    let_try_again(redis_guard.keys)
