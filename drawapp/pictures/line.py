"""The line of drawings waiting for a picture: newest revision of each, round robin, leased.

Every saved change offers its revision. A drawing stands in its category's line at most once,
so the line goes round the drawings in turn and one busy child cannot make thirty wait; the
revision pictured is whatever is newest when a worker takes the drawing, so a revision that
is no longer the newest costs no model time and no database write. A worker takes up to a
batch of drawings of one category at once and holds each under a lease of LEASE_S: while a
drawing is leased nobody else takes it (its pictures come out in revision order), and a
change saved meanwhile puts it back at the end of the line when the worker finishes. A lease
that runs out (its worker died) puts the drawing back at the front of the line.

Two stores keep the line with the same rules: MemoryLine for the embedded default (one
process) and RedisLine for Celery workers (every web process and worker share it).
"""
import threading
import time
from collections import deque

import redis
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

LEASE_S = 20.0  # longer than a batch takes; shorter than the broker's visibility timeout
RECORD_TTL_S = 24 * 3600  # Redis keeps a drawing's newest/done revisions this long after use
AWAKE_BEAT_S = 2.0  # a picture worker says it is awake this often...
AWAKE_TTL_S = 6  # ...and counts as asleep this long after its last word
NOTHING = -1  # the revision of "none yet"
# MemoryLine forgets the drawings pictured longest ago beyond this many (a reconnect to one of
# them asks again and finds its picture in the database: a read, no forward).
MEMORY_RECORDS = 10_000


class MemoryLine:
    """The line in this process's memory (the embedded default: one web process)."""

    in_memory = True

    def __init__(self, lease_s: float = LEASE_S, clock=time.monotonic):
        self.lease_s, self.clock = lease_s, clock
        self._lock = threading.Lock()
        self._newest: dict[str, int] = {}
        self._done: dict[str, int] = {}
        self._leases: dict[str, tuple[str, float]] = {}  # drawing -> (category, deadline)
        self._lines: dict[str, deque[str]] = {}
        self._waiting: set[str] = set()

    def offer(self, drawing_id: str, revision: int, category: str) -> bool:
        """Note `revision` as asked for; True when the drawing joined the line (a worker must
        be woken for `category`), False when it waits already or needs nothing."""
        with self._lock:
            if revision < self._newest.get(drawing_id, NOTHING):
                return False
            self._newest[drawing_id] = revision
            if revision <= self._done.get(drawing_id, NOTHING) or self._leased(drawing_id):
                return False
            return self._join(drawing_id, category)

    def take(self, category: str, limit: int) -> list[tuple[str, int]]:
        """Up to `limit` drawings from the front of the category's line, each with its newest
        revision, leased to the caller."""
        with self._lock:
            now = self.clock()
            for drawing_id, (leased_category, deadline) in list(self._leases.items()):
                if leased_category == category and deadline <= now:
                    del self._leases[drawing_id]
                    self._join(drawing_id, category, front=True)
            line, taken = self._lines.get(category, deque()), []
            while line and len(taken) < limit:
                drawing_id = line.popleft()
                self._waiting.discard(drawing_id)
                newest = self._newest.get(drawing_id, NOTHING)
                if newest > self._done.get(drawing_id, NOTHING):
                    self._leases[drawing_id] = (category, now + self.lease_s)
                    taken.append((drawing_id, newest))
            return taken

    def finish(self, drawing_id: str, revision: int, category: str) -> bool:
        """`revision` is pictured (or needs none): end the lease; True when a newer revision
        came meanwhile and the drawing joined the line again (wake a worker)."""
        with self._lock:
            self._leases.pop(drawing_id, None)
            done = max(revision, self._done.pop(drawing_id, NOTHING))
            self._done[drawing_id] = done  # now the most recent: dicts keep insertion order
            while len(self._done) > MEMORY_RECORDS:
                forgotten = next(iter(self._done))
                if forgotten in self._waiting or forgotten in self._leases:
                    break
                del self._done[forgotten]
                self._newest.pop(forgotten, None)
            if self._newest.get(drawing_id, NOTHING) > done:
                return self._join(drawing_id, category)
            return False

    def mark_awake(self, categories) -> None:
        """Nothing to record: in this process the pictures are made here (see is_awake)."""

    def is_awake(self, category: str) -> bool:
        """The web process itself makes the pictures: someone is always awake."""
        return True

    def _leased(self, drawing_id: str) -> bool:
        lease = self._leases.get(drawing_id)
        return lease is not None and lease[1] > self.clock()

    def _join(self, drawing_id: str, category: str, front: bool = False) -> bool:
        if drawing_id in self._waiting:
            return False
        self._waiting.add(drawing_id)
        line = self._lines.setdefault(category, deque())
        line.appendleft(drawing_id) if front else line.append(drawing_id)
        return True


# The same rules as MemoryLine, each one atomic in Redis. Times are Redis's own (TIME), so
# the clocks of web processes and workers never disagree. Keys: newest:<drawing>,
# done:<drawing>, line:<category> (a list), waiting:<category> (a set), leases:<category> (a
# sorted set of deadlines in ms).
_NOW_MS = "local t = redis.call('TIME') local now = t[1] * 1000 + math.floor(t[2] / 1000)\n"
_JOIN = """
local function join(line, waiting, drawing, front)
  if redis.call('SADD', waiting, drawing) == 0 then return 0 end
  if front then redis.call('LPUSH', line, drawing) else redis.call('RPUSH', line, drawing) end
  return 1
end
"""
OFFER = _NOW_MS + _JOIN + """
-- KEYS: newest, done, leases, line, waiting   ARGV: drawing, revision, ttl
local revision = tonumber(ARGV[2])
if revision < tonumber(redis.call('GET', KEYS[1]) or '-1') then return 0 end
redis.call('SET', KEYS[1], revision, 'EX', ARGV[3])
if revision <= tonumber(redis.call('GET', KEYS[2]) or '-1') then return 0 end
local deadline = redis.call('ZSCORE', KEYS[3], ARGV[1])
if deadline and tonumber(deadline) > now then return 0 end
return join(KEYS[4], KEYS[5], ARGV[1], false)
"""
TAKE = _NOW_MS + _JOIN + """
-- KEYS: line, waiting, leases   ARGV: limit, lease ms, key prefix
for _, drawing in ipairs(redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now)) do
  redis.call('ZREM', KEYS[3], drawing)
  join(KEYS[1], KEYS[2], drawing, true)
end
local taken = {}
while #taken < 2 * tonumber(ARGV[1]) do
  local drawing = redis.call('LPOP', KEYS[1])
  if not drawing then break end
  redis.call('SREM', KEYS[2], drawing)
  local newest = tonumber(redis.call('GET', ARGV[3] .. 'newest:' .. drawing) or '-1')
  if newest > tonumber(redis.call('GET', ARGV[3] .. 'done:' .. drawing) or '-1') then
    redis.call('ZADD', KEYS[3], now + tonumber(ARGV[2]), drawing)
    table.insert(taken, drawing)
    table.insert(taken, newest)
  end
end
return taken
"""
FINISH = _JOIN + """
-- KEYS: newest, done, leases, line, waiting   ARGV: drawing, revision, ttl
redis.call('ZREM', KEYS[3], ARGV[1])
local done = math.max(tonumber(ARGV[2]), tonumber(redis.call('GET', KEYS[2]) or '-1'))
redis.call('SET', KEYS[2], done, 'EX', ARGV[3])
if tonumber(redis.call('GET', KEYS[1]) or '-1') > done then
  return join(KEYS[4], KEYS[5], ARGV[1], false)
end
return 0
"""


class RedisLine:
    """The line in Redis, shared by every web process and worker."""

    in_memory = False

    def __init__(self, url: str, prefix: str = "", lease_s: float = LEASE_S):
        # A job lost with its worker must come back after its drawing's lease ran out, or the
        # job finds the drawing still leased and does nothing.
        if settings.BROKER_VISIBILITY_TIMEOUT_S <= lease_s:
            raise ImproperlyConfigured(
                f"BROKER_VISIBILITY_TIMEOUT_S={settings.BROKER_VISIBILITY_TIMEOUT_S} must be "
                f"longer than the picture line's lease of {lease_s} s")
        self.lease_s = lease_s
        self.redis = redis.Redis.from_url(url)
        self.prefix = prefix + "pictures:"
        self._offer = self.redis.register_script(OFFER)
        self._take = self.redis.register_script(TAKE)
        self._finish = self.redis.register_script(FINISH)

    def _keys(self, drawing_id: str, category: str) -> list[str]:
        p = self.prefix
        return [f"{p}newest:{drawing_id}", f"{p}done:{drawing_id}", f"{p}leases:{category}",
                f"{p}line:{category}", f"{p}waiting:{category}"]

    def offer(self, drawing_id: str, revision: int, category: str) -> bool:
        return bool(self._offer(keys=self._keys(drawing_id, category),
                                args=[drawing_id, revision, RECORD_TTL_S]))

    def take(self, category: str, limit: int) -> list[tuple[str, int]]:
        p = self.prefix
        flat = self._take(keys=[f"{p}line:{category}", f"{p}waiting:{category}",
                                f"{p}leases:{category}"],
                          args=[limit, int(self.lease_s * 1000), p])
        return [(flat[i].decode(), int(flat[i + 1])) for i in range(0, len(flat), 2)]

    def finish(self, drawing_id: str, revision: int, category: str) -> bool:
        return bool(self._finish(keys=self._keys(drawing_id, category),
                                 args=[drawing_id, revision, RECORD_TTL_S]))


    def mark_awake(self, categories) -> None:
        """A worker serving these categories is alive (it says so every AWAKE_BEAT_S)."""
        with self.redis.pipeline() as pipe:
            for category in categories:
                pipe.set(f"{self.prefix}awake:{category}", 1, ex=AWAKE_TTL_S)
            pipe.execute()

    def is_awake(self, category: str) -> bool:
        """Whether any worker serving `category` spoke in the last AWAKE_TTL_S."""
        return bool(self.redis.exists(f"{self.prefix}awake:{category}"))


_line: tuple[tuple, MemoryLine | RedisLine] | None = None
_line_lock = threading.Lock()


def picture_line() -> MemoryLine | RedisLine:
    """The process's line: in memory when tasks run in this process, else in Redis."""
    global _line
    configuration = (settings.RUN_TASKS_IN_PROCESS, settings.REDIS_URL,
                     settings.REDIS_KEY_PREFIX)
    with _line_lock:
        if _line is None or _line[0] != configuration:
            line = (MemoryLine() if settings.RUN_TASKS_IN_PROCESS
                    else RedisLine(settings.REDIS_URL, settings.REDIS_KEY_PREFIX))
            _line = (configuration, line)
        return _line[1]
