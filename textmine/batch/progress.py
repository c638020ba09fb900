"""Scan progress: a bar with documents/s and ETA on a terminal (tqdm), plain lines otherwise."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """``update(failed=...)`` once per finished document; ``close()`` at the end.

    On a terminal: a tqdm bar. Otherwise a plain line every ``every`` seconds (and at the end),
    so logs of long unattended runs show how far they got."""

    def __init__(self, total: int, enabled: bool | None = None, stream: TextIO | None = None, every: float = 10.0):
        self.stream = stream or sys.stderr
        self.total, self.count, self.failed = total, 0, 0
        self.started = self.last = time.monotonic()
        self.every = every
        tty = self.stream.isatty() if hasattr(self.stream, "isatty") else False
        self.enabled = True if enabled is None else enabled
        self.bar = None
        if self.enabled and tty:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="doc", file=self.stream, dynamic_ncols=True, smoothing=0.1,
                            desc="textmine scan")

    def update(self, failed: bool = False) -> None:
        self.count += 1
        self.failed += failed
        if self.bar is not None:
            self.bar.update(1)
            if failed:
                self.bar.set_postfix(failed=self.failed, refresh=False)
        elif self.enabled and time.monotonic() - self.last >= self.every:
            self._line()

    def _line(self) -> None:
        self.last = time.monotonic()
        elapsed = self.last - self.started
        rate = self.count / elapsed if elapsed > 0 else 0.0
        left = (self.total - self.count) / rate if rate > 0 else float("nan")
        eta = f"{int(left // 60)}m{int(left % 60):02d}s" if left == left else "?"
        share = 100 * self.count / self.total if self.total else 100.0
        print(f"textmine scan: {self.count}/{self.total} documents ({share:.0f}%), {rate:.1f} docs/s, "
              f"ETA {eta}, {self.failed} failed", file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        elif self.enabled and self.count:
            self._line()
