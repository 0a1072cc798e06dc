"""Shared by the benchmarks: peak memory sampled in a thread (psutil has no peak RSS on Linux)."""

from __future__ import annotations

import threading

import psutil


class PeakRSS:
    """Samples this process's resident set size while the block runs; ``peak`` and ``start`` in bytes."""

    def __init__(self, every: float = 0.02):
        self.peak = 0
        self.start = 0
        self._every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        process = psutil.Process()
        while not self._stop.is_set():
            self.peak = max(self.peak, process.memory_info().rss)
            self._stop.wait(self._every)

    def __enter__(self) -> PeakRSS:
        self.start = psutil.Process().memory_info().rss
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def naive_in_windows(local, windows) -> bool:
    """The baselines' window test, one local datetime at a time (windows start on their days)."""
    if not windows:
        return True
    minute = local.hour * 60 + local.minute
    today, yesterday = local.weekday(), (local.weekday() - 1) % 7
    for w in windows:
        if w.start < w.end and w.start <= minute < w.end and today in w.days:
            return True
        if w.start > w.end and (
            (minute >= w.start and today in w.days) or (minute < w.end and yesterday in w.days)
        ):
            return True
    return False
