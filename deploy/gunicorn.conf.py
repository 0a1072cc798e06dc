"""Gunicorn settings for Lantern's web process (``gunicorn -c deploy/gunicorn.conf.py``).

Threads (gthread) rather than more processes: most of a request's time is spent waiting on
PostgreSQL or DuckDB, which release the GIL, and each process holds its own imported app
(~150 MB). The defaults suit a 2-core machine: 2 processes x 4 threads = 8 requests at once.
Every value can be changed from the environment (deploy/lantern.env).
"""

from __future__ import annotations

import os


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


wsgi_app = "lantern.config.wsgi:application"
bind = [os.environ.get("LANTERN_WEB_BIND", "127.0.0.1:8001")]
worker_class = "gthread"
workers = _int("LANTERN_WEB_WORKERS", 2)
threads = _int("LANTERN_WEB_THREADS", 4)
# A long import runs in `lantern worker`, not here: a request taking longer than this is stuck.
timeout = _int("LANTERN_WEB_TIMEOUT", 60)
graceful_timeout = _int("LANTERN_WEB_GRACEFUL_TIMEOUT", 30)
# nginx keeps connections to gunicorn open between requests.
keepalive = 5
# Restart each process now and then so a slow leak (DuckDB buffers, caches) cannot grow forever.
max_requests = _int("LANTERN_WEB_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10
# Only nginx on this machine may say which scheme and address a request came from.
forwarded_allow_ips = os.environ.get("LANTERN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proxy_allow_ips = forwarded_allow_ips
# Request lines and headers larger than this are refused before Django sees them.
limit_request_line = 8190
limit_request_fields = 100

# Logs: JSON lines to stdout/stderr (systemd's journal keeps them); the access line holds no
# query string or referrer, since either can hold a person's name.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LANTERN_WEB_LOG_LEVEL", "info")
_production = os.environ.get("LANTERN_PRODUCTION", "").strip().lower() in {"1", "true", "yes", "on"}
_log_format = os.environ.get("LANTERN_LOG_FORMAT", "").strip() or ("json" if _production else "plain")
logger_class = (
    "lantern.config.logging.GunicornJsonLogger" if _log_format == "json" else "gunicorn.glogging.Logger"
)
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
capture_output = False
proc_name = "lantern-web"
# systemd signals gunicorn (reload = HUP); a per-user control socket would clash when two
# instances (a benchmark beside the service) run as one user.
control_socket_disable = True
