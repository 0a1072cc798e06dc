"""UTC instants to local wall-clock minutes of the week, vectorised, for any IANA time zone.

A condition's windows are wall-clock times where the order applies (19:00-07:00 in
Europe/London), so on the clock-change nights they keep their wall-clock meaning: the window
still opens at 19:00 local, and in October the repeated hour 01:00-02:00 is inside it twice.
The zone's UTC offset changes only at its transitions, so a sorted table of transitions and
one ``searchsorted`` converts millions of instants without a Python call per instant.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np

US = 1_000_000
_EPOCH_WEEKDAY = 3  # 1970-01-01 was a Thursday (Monday = 0)


@lru_cache(maxsize=64)
def transitions(zone: str, first_year: int, last_year: int) -> tuple[np.ndarray, np.ndarray]:
    """(UTC seconds where an offset starts, offset in seconds), the first entry covering all before."""
    tz = ZoneInfo(zone)
    start = datetime(first_year - 1, 12, 1, tzinfo=UTC)
    end = datetime(last_year + 1, 2, 1, tzinfo=UTC)
    instants = [int(start.timestamp()) - 10**11]
    offsets = [_offset(tz, start)]
    day = start
    while day < end:
        following = day + timedelta(days=1)
        if _offset(tz, following) != offsets[-1]:
            moment = _bisect(tz, day, following, offsets[-1])
            instants.append(int(moment.timestamp()))
            offsets.append(_offset(tz, moment))
        day = following
    return np.array(instants, dtype=np.int64), np.array(offsets, dtype=np.int64)


def _offset(tz: ZoneInfo, moment: datetime) -> int:
    return int(moment.astimezone(tz).utcoffset().total_seconds())


def _bisect(tz: ZoneInfo, low: datetime, high: datetime, before: int) -> datetime:
    """The first second in (low, high] whose offset differs from ``before``."""
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        middle = middle.replace(microsecond=0)
        if _offset(tz, middle) == before:
            low = middle
        else:
            high = middle
    return high


def local_seconds(utc_us: np.ndarray, zone: str) -> np.ndarray:
    """Local wall-clock seconds since 1970-01-01 00:00 local, for UTC microseconds since the epoch."""
    seconds = np.floor_divide(np.asarray(utc_us, dtype=np.int64), US)
    if seconds.size == 0:
        return seconds
    first = datetime.fromtimestamp(int(seconds.min()), UTC).year
    last = datetime.fromtimestamp(int(seconds.max()), UTC).year
    starts, offsets = transitions(zone, first, last)
    return seconds + offsets[np.searchsorted(starts, seconds, side="right") - 1]


def minute_of_week(local: np.ndarray) -> np.ndarray:
    """Minutes since Monday 00:00 for local seconds since the epoch."""
    days = np.floor_divide(local, 86_400)
    minute = np.floor_divide(local - days * 86_400, 60)
    return ((days + _EPOCH_WEEKDAY) % 7) * 1440 + minute


def local_text(utc_us: int, zone: str) -> str:
    """'Sat 25 Oct 2026 23:04:05 BST': how a person reads the moment of one piece of evidence."""
    moment = datetime.fromtimestamp(utc_us / US, UTC).astimezone(ZoneInfo(zone))
    return moment.strftime("%a %d %b %Y %H:%M:%S %Z")


@lru_cache(maxsize=65_536)
def local_midnight_us(day, zone: str) -> int:
    """The UTC microsecond at which the local calendar ``day`` begins in ``zone``."""
    moment = datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(zone))
    return int(moment.timestamp()) * US
