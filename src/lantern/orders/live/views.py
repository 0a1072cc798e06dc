"""The feeds' health page: one table per feed source, with a warning for a silent one."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lantern.governance.access import record_view, requires
from lantern.governance.roles import Capability
from lantern.orders.live.health import feed_health
from lantern.web.exports import export_format, table_response

HEADERS = [
    "feed",
    "active",
    "silent",
    "last batch received",
    "camera",
    "reads per minute (last hour)",
    "reads in the last hour",
    "last read seen",
    "feed lag p50 (s)",
    "feed lag max (s)",
]


@requires(Capability.VIEW_ORDERS)
def feed_health_page(request: HttpRequest) -> HttpResponse:
    feeds = feed_health(request.user)
    if export_format(request):
        return table_response(request, name="feed-health", headers=HEADERS, rows=_rows(feeds))
    record_view(request, object_type="feed_health", object_id="", summary=f"{len(feeds)} feeds")
    return render(request, "live/feed_health.html", {"feeds": feeds})


def _rows(feeds: list[dict]):
    """One row per camera of each feed (a feed with no camera yet: one row for the feed)."""
    for feed in feeds:
        common = [feed["name"], feed["active"], feed["silent"], feed["last_batch_at"]]
        lag = [feed["lag_p50_s"], feed["lag_max_s"]]
        for camera in feed["cameras"] or [None]:
            if camera is None:
                yield [*common, "", feed["reads_per_minute"], 0, feed["last_read_seen_at"], *lag]
            else:
                yield [
                    *common,
                    camera["camera_id"],
                    camera["reads_per_minute"],
                    camera["reads_last_hour"],
                    camera["last_seen_at"],
                    *lag,
                ]
