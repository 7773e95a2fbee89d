"""Failed sign-ins per client address: past IC_SIGNIN_ADDRESS_FAILURES within IC_SIGNIN_ADDRESS_WINDOW_S the
address waits (429 with Retry-After). Per username the org service counts and locks (services/org); this bounds
one address trying many usernames. Kept in this gateway process: each gateway replica counts on its own."""

from __future__ import annotations

import threading
import time
from collections import deque


class AddressLimiter:
    def __init__(self, max_failures: int, window_s: float, clock=time.monotonic):  # noqa: ANN001
        self.max_failures, self.window_s, self.clock = max_failures, window_s, clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, address: str | None) -> int:
        """Seconds the address must wait before trying again; 0 when it may try now."""
        with self._lock:
            recent = self._recent(address or "-")
            if len(recent) < self.max_failures:
                return 0
            return max(1, int(recent[0] + self.window_s - self.clock() + 0.999))

    def failed(self, address: str | None) -> None:
        with self._lock:
            self._recent(address or "-").append(self.clock())
            if len(self._failures) > 10_000:  # a flood of addresses: forget those with nothing recent
                self._failures = {a: q for a, q in self._failures.items() if self._recent(a)}

    def _recent(self, address: str) -> deque[float]:
        queue = self._failures.setdefault(address, deque())
        cutoff = self.clock() - self.window_s
        while queue and queue[0] <= cutoff:
            queue.popleft()
        return queue
