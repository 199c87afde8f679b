"""Sign-in throttles: how many wrong class codes, picture PINs and passwords a client may try,
and how long it then waits. Every sign-in limit of the studio is a constant here.

A client (an address, a browser session, a user name) gets a few free wrong tries; the wrong try
that uses them up starts a lockout, and each wrong try after that doubles it, up to the longest
lockout. Failures are forgotten only after a quiet spell (or when the same target is got right
from that client), so waiting out a lockout buys one more try, not a fresh set.

Each try counts as wrong from the moment it starts, under a short lock in the cache, so a burst
of parallel requests cannot slip past a limit; a try that turns out right is forgiven, together
with the earlier wrong tries on that same target (the kid, the user name) from that client. A
kid signing into their own account therefore never clears the tries someone made on others.

State lives in Django's cache: LocMem in the embedded default (one process), Redis in production
(CACHES follows REDIS_URL), so every web process shares it.
"""
import hashlib
import ipaddress
import math
import secrets
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.cache import cache
from django.utils.translation import ngettext

MINUTE = 60
HOUR = 60 * MINUTE
DAY = 24 * HOUR


class Throttled(Exception):
    """A client must wait before it may try again."""

    def __init__(self, wait: int):
        super().__init__(f"try again in {wait} s")
        self.wait = wait


@dataclass(frozen=True)
class Limit:
    """Free wrong tries for one kind of client, then lockouts that double with each wrong try."""

    name: str
    free_failures: int
    first_lockout: int  # seconds
    longest_lockout: int  # seconds
    forget_after: int  # seconds without a new wrong try after which the count starts again

    def lockout_after(self, failures: int) -> int:
        """Seconds of lockout that the `failures`-th outstanding wrong try starts (0: none)."""
        if failures < self.free_failures:
            return 0
        doublings = min(failures - self.free_failures, 32)
        return min(self.first_lockout * 2**doublings, self.longest_lockout)


# Class codes: kids mistype them, and a whole class often shares one school address, so the
# address gets many tries; codes are never forgiven (a right code says nothing about the wrong).
CODE_LOOKUPS_PER_ADDRESS = Limit("code-address", free_failures=30, first_lockout=MINUTE,
                                 longest_lockout=DAY, forget_after=HOUR)
CODE_LOOKUPS_PER_SESSION = Limit("code-session", free_failures=10, first_lockout=MINUTE,
                                 longest_lockout=DAY, forget_after=HOUR)
# Picture PINs have only 84 values. A class signing in through one school address forgives its
# own mistakes as each kid gets in; someone walking PINs across the roster is never forgiven.
PIN_GUESSES_PER_ADDRESS = Limit("pin-address", free_failures=15, first_lockout=10 * MINUTE,
                                longest_lockout=DAY, forget_after=DAY)
PIN_GUESSES_PER_SESSION = Limit("pin-session", free_failures=8, first_lockout=10 * MINUTE,
                                longest_lockout=DAY, forget_after=DAY)
# One kid's own count, kept on their profile (it must outlive the cache): MAX_WRONG_PINS wrong
# tries lock the kid out for KID_FIRST_LOCKOUT, each lockout after that lasts twice as long,
# until the kid gets in or the teacher unlocks them.
MAX_WRONG_PINS = 5
KID_FIRST_LOCKOUT = timedelta(minutes=10)
KID_LONGEST_LOCKOUT = timedelta(days=1)
# Teacher and admin passwords, per address and per user name.
LOGINS_PER_ADDRESS = Limit("login-address", free_failures=10, first_lockout=MINUTE,
                           longest_lockout=DAY, forget_after=DAY)
LOGINS_PER_USERNAME = Limit("login-username", free_failures=10, first_lockout=MINUTE,
                            longest_lockout=DAY, forget_after=DAY)

# One client's state keeps at most this many targets apart; more are pooled and never forgiven.
MAX_TARGETS_KEPT = 64
POOLED_TARGET = "*"
STATE_LOCK_SECONDS = 5  # a crashed request frees a client's state after this long
STATE_LOCK_WAIT = 2.0  # how long a request waits for another request of the same client


def kid_lockout(lockouts_before: int) -> timedelta:
    """How long a kid's next lockout lasts after `lockouts_before` earlier ones."""
    return min(KID_FIRST_LOCKOUT * 2 ** min(lockouts_before, 32), KID_LONGEST_LOCKOUT)


def address_of(request) -> str:
    """The client's address; an IPv6 address stands for its whole /64, which one home or
    school network usually holds."""
    raw = request.META.get("REMOTE_ADDR") or "unknown"
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return raw
    if address.version == 6:
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def session_of(request) -> str:
    """The browser session's key, making a session where the browser has none yet."""
    if not request.session.session_key:
        request.session.save()
    return request.session.session_key


def now() -> float:
    """The clock the throttles read (epoch seconds); tests move it."""
    return time.time()


def _digest(text: str) -> str:
    """Cache keys hold digests: no addresses or names in the clear, no odd characters."""
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class _State:
    """One client's outstanding wrong tries by target, and the end of its lockout."""

    def __init__(self, key: str):
        self.key = key
        stored = cache.get(key) or {}
        self.targets: dict[str, int] = dict(stored.get("targets", {}))
        self.locked_until: float = float(stored.get("locked_until", 0.0))
        self.lock_token: str = stored.get("lock_token", "")

    def save(self, limit: Limit) -> None:
        moment = now()
        if not self.targets and self.locked_until <= moment:
            cache.delete(self.key)
            return
        keep_for = max(limit.forget_after, int(self.locked_until - moment) + 1)
        cache.set(self.key, {"targets": self.targets, "locked_until": self.locked_until,
                             "lock_token": self.lock_token}, timeout=keep_for)


@contextmanager
def _state_of(key: str):
    """One client's state, read and written under a short lock held in the cache."""
    lock_key = f"{key}:lock"
    deadline = time.monotonic() + STATE_LOCK_WAIT
    # cache.add is atomic (SET NX in Redis); a stuck lock expires after STATE_LOCK_SECONDS.
    while not cache.add(lock_key, 1, timeout=STATE_LOCK_SECONDS):
        if time.monotonic() > deadline:
            break
        time.sleep(0.01)
    try:
        yield _State(key)
    finally:
        cache.delete(lock_key)


@dataclass
class _Hold:
    """What one try did to one client's state, so that it can be taken back exactly."""

    key: str
    limit: Limit
    target: str
    locked_until_before: float


@dataclass
class Attempt:
    """One sign-in try: let through and counted as wrong for now, or refused (`wait` seconds
    until the client may try again)."""

    wait: int = 0
    locked: list[str] = field(default_factory=list)  # keys of the clients this try locked
    holds: list[_Hold] = field(default_factory=list)
    token: str = field(default_factory=lambda: secrets.token_hex(8))

    @property
    def refused(self) -> bool:
        return self.wait > 0

    @property
    def wait_words(self) -> str:
        return in_minutes(self.wait)

    def succeeded(self) -> None:
        """The try was right: forgive it and the client's earlier wrong tries on its target."""
        self._take_back(forgive_target=True)

    def _take_back(self, forgive_target: bool) -> None:
        for hold in self.holds:
            with _state_of(hold.key) as state:
                left = 0 if forgive_target else state.targets.get(hold.target, 0) - 1
                if left > 0:
                    state.targets[hold.target] = left
                else:
                    state.targets.pop(hold.target, None)
                if state.lock_token == self.token:
                    state.locked_until = hold.locked_until_before
                    state.lock_token = ""
                if sum(state.targets.values()) < hold.limit.free_failures:
                    state.locked_until = 0.0
                state.save(hold.limit)
        self.holds = []


def in_minutes(seconds: int) -> str:
    """A wait told to a person in whole minutes, rounded up: '1 minute', '20 minutes'."""
    count = max(1, math.ceil(seconds / MINUTE))
    return ngettext("%(count)d minute", "%(count)d minutes", count) % {"count": count}


def _seconds_until(moment: float) -> int:
    return max(0, math.ceil(moment - now()))


class Guard:
    """The limits one kind of sign-in try is held to, each for its own client."""

    def __init__(self, clients: list[tuple[Limit, str]]):
        self.clients = [(limit, f"throttle:{limit.name}:{_digest(client)}")
                        for limit, client in clients]

    @property
    def keys(self) -> list[str]:
        return [key for _, key in self.clients]

    def locked_for(self) -> int:
        """Seconds until every client of this guard may try again (0: it may now)."""
        return max((_seconds_until(float((cache.get(key) or {}).get("locked_until", 0.0)))
                    for _, key in self.clients), default=0)

    def attempt(self, target: str) -> Attempt:
        """Start a try on `target`: refused while any client is locked out; otherwise counted as
        wrong (locking the clients whose free tries it uses up) until `succeeded()`."""
        target = _digest(target)
        attempt = Attempt()
        for limit, key in self.clients:
            with _state_of(key) as state:
                wait = _seconds_until(state.locked_until)
                if wait:
                    attempt.wait = max(attempt.wait, wait)
                    continue
                kept = target
                if target not in state.targets and len(state.targets) >= MAX_TARGETS_KEPT:
                    kept = POOLED_TARGET
                before = state.locked_until
                state.targets[kept] = state.targets.get(kept, 0) + 1
                lockout = limit.lockout_after(sum(state.targets.values()))
                if lockout:
                    state.locked_until = now() + lockout
                    state.lock_token = attempt.token
                    attempt.locked.append(key)
                state.save(limit)
                attempt.holds.append(_Hold(key, limit, kept, before))
        if attempt.refused:
            # A refused try counts for nothing, with the clients that had let it through too.
            attempt._take_back(forgive_target=False)
            attempt.locked = []
        return attempt


def let_try_again(keys) -> None:
    """Clear the clients behind these keys (a teacher letting a stopped device try again)."""
    cache.delete_many([key for key in keys if key.startswith("throttle:")])


def _guard(request, per_address: Limit, per_session: Limit, make_session: bool) -> Guard:
    """Per address and per browser session; with make_session=False (a page that only looks)
    a browser without a session is held to its address's limit alone, and gets no session."""
    clients = [(per_address, address_of(request))]
    if make_session or request.session.session_key:
        clients.append((per_session, session_of(request)))
    return Guard(clients)


def code_guard(request, *, make_session: bool = True) -> Guard:
    """Class-code lookups."""
    return _guard(request, CODE_LOOKUPS_PER_ADDRESS, CODE_LOOKUPS_PER_SESSION, make_session)


def pin_guard(request, *, make_session: bool = True) -> Guard:
    """Picture-PIN guesses."""
    return _guard(request, PIN_GUESSES_PER_ADDRESS, PIN_GUESSES_PER_SESSION, make_session)
