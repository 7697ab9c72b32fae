"""Login throttling: after too many wrong passwords within a window, a user name (whoever tries it) or an address
(whatever names it tries) is refused for a while, the right password included. Kept in the server's memory: one
dashboard server process holds them all (a restart forgets them; several server processes behind one proxy each
count their own — see docs/security.md)."""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field


@dataclass
class Throttle:
    limit: int  # failures within `window` seconds …
    window: float
    lock: float  # … lock the key for this many seconds
    _failures: dict[str, deque] = field(default_factory=dict)
    _until: dict[str, float] = field(default_factory=dict)
    _mutex: threading.Lock = field(default_factory=threading.Lock)

    def wait(self, key: str, now: float | None = None) -> float:
        """Seconds until `key` may try again (0: it may now)."""
        now = time.monotonic() if now is None else now
        with self._mutex:
            return max(0.0, self._until.get(key, 0.0) - now)

    def failed(self, key: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._mutex:
            q = self._failures.setdefault(key, deque())
            q.append(now)
            while q and q[0] <= now - self.window:
                q.popleft()
            if len(q) >= self.limit:
                self._until[key] = now + self.lock
                q.clear()

    def passed(self, key: str) -> None:
        with self._mutex:
            self._failures.pop(key, None)


USERS = Throttle(limit=5, window=15 * 60, lock=15 * 60)  # per user name
ADDRESSES = Throttle(limit=20, window=15 * 60, lock=15 * 60)  # per client address
