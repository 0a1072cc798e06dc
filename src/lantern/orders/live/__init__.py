"""Live alerts: ANPR reads pushed as they happen, matched within a second, filed as breach alerts.

A Django app of its own (label ``live``) inside ``orders`` because its whole purpose is the orders'
breach alerts: it reuses the orders' rules snapshot, alert filing and notification, and the
screening engine's live matcher. Cameras and the lake stay with ``evidence``; this app only adds
reads to the lake the way ``lantern import reads`` does.

- ``feeds``: feed sources (an ANPR system) and their bearer tokens (only a hash is kept)
- ``ingest``: a pushed batch checked read by read (bad reads quarantined with a reason), recorded,
  then put on the stream (``stream``) or processed in the request when no Redis is configured
- ``consumer``: a stream entry into the lake, through the matcher, into alerts and feed health
- ``rules``: the matcher kept current as orders, conditions, links and cameras change
- ``health``: reads per minute, last read, lag and silence per source and camera
"""
